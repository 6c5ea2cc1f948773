//! Generated sets, proven with software no one here wrote: `openssl verify
//! -x509_strict`, `openssl pkey -passin`, Python's cryptography, Octavia 19's
//! LocalCertGenerator, and an OpenSSL mutual-TLS handshake on loopback.

use std::path::Path;
use std::process::Command;

use crate::common::*;

struct Files<'a> {
    server_ca_cert: &'a str,
    server_ca_key: &'a str,
    client_ca_cert: &'a str,
    bundle: &'a str,
}

const KOLLA: Files<'static> = Files {
    server_ca_cert: "server_ca.cert.pem",
    server_ca_key: "server_ca.key.pem",
    client_ca_cert: "client_ca.cert.pem",
    bundle: "client.cert-and-key.pem",
};

const LEGACY: Files<'static> = Files {
    server_ca_cert: "ca_01.pem",
    server_ca_key: "cakey.pem",
    client_ca_cert: "ca_01.pem",
    bundle: "client.pem",
};

fn x509_strict_verify(ca: &Path, cert: &Path) {
    let out = ok(openssl()
        .args(["verify", "-x509_strict", "-CAfile"])
        .arg(ca)
        .arg(cert));
    assert!(out.trim_end().ends_with(": OK"), "{out}");
}

/// Everything a set must do for Octavia, checked with the peers.
fn prove_with_peers(set: &GeneratedSet, files: &Files<'_>, expected_key: &str) {
    let d = |name: &str| set.dir.join(name);

    // The chains, as OpenSSL's strictest verification sees them.
    x509_strict_verify(&d(files.server_ca_cert), &d(files.server_ca_cert));
    x509_strict_verify(&d(files.client_ca_cert), &d(files.client_ca_cert));
    x509_strict_verify(&d(files.client_ca_cert), &d(files.bundle));

    // The CA key unlocks with its passphrase in OpenSSL and in Python's
    // cryptography (what Octavia uses), and not with another.
    let server_pass = format!("file:{}", set.server_pass_file.display());
    ok(openssl()
        .args(["pkey", "-noout", "-passin", &server_pass, "-in"])
        .arg(d(files.server_ca_key)));
    let wrong = run(openssl()
        .args(["pkey", "-noout", "-passin"])
        .arg(format!("file:{}", set.client_pass_file.display()))
        .arg("-in")
        .arg(d(files.server_ca_key)));
    assert!(
        !wrong.status.success(),
        "the server CA key opened with the wrong passphrase"
    );
    let loaded = ok(python()
        .args(["load-key", "--key"])
        .arg(d(files.server_ca_key))
        .arg("--passphrase-file")
        .arg(&set.server_pass_file));
    assert_eq!(loaded.trim(), expected_key);
    if files.client_ca_cert != files.server_ca_cert {
        let client_ca_key = set.work_dir.join("client_ca/client_ca.key.pem");
        let loaded = ok(python()
            .args(["load-key", "--key"])
            .arg(&client_ca_key)
            .arg("--passphrase-file")
            .arg(&set.client_pass_file));
        assert_eq!(loaded.trim(), expected_key);
    }
    // The bundle's key is unencrypted: the controller reads it unattended.
    let loaded = ok(python().args(["load-key", "--key"]).arg(d(files.bundle)));
    assert_eq!(loaded.trim(), expected_key);

    // Octavia itself issues an amphora certificate with the server CA...
    let amphora = set.tmp.path().join("amphora.pem");
    let amphora_id = ok(&mut octavia_issue(
        &d(files.server_ca_cert),
        &d(files.server_ca_key),
        &set.server_pass_file,
        &amphora,
    ));
    let amphora_id = amphora_id.trim();
    x509_strict_verify(&d(files.server_ca_cert), &amphora);

    // ...and the controller (client bundle, verifying against the server CA)
    // and that amphora (trusting the client CA) complete mutual TLS.
    let handshake = openssl_mutual_tls(
        &amphora,
        &d(files.client_ca_cert),
        &d(files.bundle),
        &d(files.server_ca_cert),
        amphora_id,
    );
    assert!(
        handshake.succeeded,
        "mutual TLS failed:\n{}",
        handshake.client_output
    );
}

#[test]
fn kolla_layout_rsa() {
    let set = generate(&["--key-type", "rsa-2048"]);
    prove_with_peers(&set, &KOLLA, "rsa 2048");
}

#[test]
fn kolla_layout_ecdsa() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    prove_with_peers(&set, &KOLLA, "ec secp256r1");
}

#[test]
fn legacy_layout_rsa() {
    let set = generate(&["--layout", "legacy", "--key-type", "rsa-3072"]);
    prove_with_peers(&set, &LEGACY, "rsa 3072");
    assert!(!set.dir.join("client_ca.cert.pem").exists());
}

#[test]
fn legacy_layout_ecdsa() {
    let set = generate(&["--layout", "legacy", "--key-type", "ecdsa-p384"]);
    prove_with_peers(&set, &LEGACY, "ec secp384r1");
}

#[test]
fn the_default_set_is_kolla_with_rsa_4096() {
    let set = generate(&[]);
    prove_with_peers(&set, &KOLLA, "rsa 4096");
    // Progress is drawn only on a terminal: none in a test's pipe.
    assert!(!set.stderr.contains("keys in parallel"), "{}", set.stderr);
}

#[test]
fn the_handshake_test_can_fail() {
    // Negative control: the controller trusting the wrong CA must fail, or the
    // successes above prove nothing.
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (amphora, amphora_id) = set.octavia_amphora();
    let d = |n: &str| set.dir.join(n);
    let wrong_trust = openssl_mutual_tls(
        &amphora,
        &d("client_ca.cert.pem"),
        &d("client.cert-and-key.pem"),
        &d("client_ca.cert.pem"),
        &amphora_id,
    );
    assert!(!wrong_trust.succeeded, "{}", wrong_trust.client_output);
    assert!(
        wrong_trust
            .client_output
            .contains("unable to get local issuer certificate"),
        "{}",
        wrong_trust.client_output
    );
    // And Octavia refuses the wrong passphrase with its own message.
    let out = run(&mut octavia_issue(
        &d("server_ca.cert.pem"),
        &d("server_ca.key.pem"),
        &set.client_pass_file,
        &amphora,
    ));
    assert!(!out.status.success());
    // cryptography decrypts with the wrong key and checks the CBC padding; about
    // one time in 300 the garbage ends in a valid pad byte and it then fails
    // parsing the DER instead, with its other message. Both are Octavia's
    // refusal of the wrong passphrase (CI once drew the rare one).
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Incorrect password, could not decrypt key")
            || stderr.contains("Could not deserialize key data"),
        "{stderr}"
    );
}

/// What the key fixtures (testdata/keys: Go's `x509.EncryptPEMBlock`,
/// OpenSSL, text before the PEM, no final newline) open to in Python's
/// cryptography 43.0.3 (what OpenStack's upper-constraints pin: deployed
/// Octavia's reader) and in `openssl pkey`: the same public key as ours; what
/// 43.0.3 refuses, ours refuses too. And cryptography 50 (target/peers-venv,
/// as a distribution's newer Octavia may run) refuses exactly the legacy
/// blocks named here as read by 43.0.3 only, and opens every other.
#[test]
fn key_fixtures_open_as_cryptography_43_and_openssl_open_them() {
    use octavia_pki::{EncodedKey, KeyError, Passphrase};
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/keys");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py");
    let pass_file = keys.join("../PASSPHRASE");
    let passphrase = std::fs::read_to_string(&pass_file).unwrap();
    let passphrase = Passphrase::new(passphrase.trim_end().to_owned());
    let tmp = tempfile::tempdir().unwrap();
    let wrong_file = tmp.path().join("wrong");
    std::fs::write(&wrong_file, "not the passphrase").unwrap();
    let version =
        run(crypto43_python().args(["-c", "import cryptography; print(cryptography.__version__)"]));
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), "43.0.3");
    // A cryptography's public key (SubjectPublicKeyInfo DER), or its message.
    let cryptography = |mut cmd: Command, file: &Path, pass: Option<&Path>| {
        cmd.arg(&script).args(["public-key", "--key"]).arg(file);
        if let Some(pass) = pass {
            cmd.arg("--passphrase-file").arg(pass);
        }
        let out = run(&mut cmd);
        let text = String::from_utf8_lossy(if out.status.success() {
            &out.stdout
        } else {
            &out.stderr
        });
        (out.status.success(), text.trim().to_owned())
    };
    let crypto43 = |file: &Path, pass: Option<&Path>| cryptography(crypto43_python(), file, pass);
    let crypto50 = |file: &Path, pass: Option<&Path>| cryptography(peer_python(), file, pass);
    // DES-CBC is in OpenSSL 3's legacy provider, which cryptography 43.0.3's wheel loads.
    let openssl = |file: &Path, pass: &Path| {
        let out = run(Command::new("openssl")
            .args(["pkey", "-provider", "legacy", "-provider", "default"])
            .args(["-pubout", "-outform", "DER", "-in"])
            .arg(file)
            .arg("-passin")
            .arg(format!("file:{}", pass.display())));
        out.status.success().then_some(out.stdout)
    };
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    // Read by cryptography 43.0.3 and 50 alike.
    let encrypted = [
        "rsa2048.go-legacy-pkcs8-aes128.pem",
        "rsa2048.go-legacy-pkcs8-aes256.pem",
        "rsa2048.go-legacy-pkcs8-des3.pem",
        "ec-p256.go-legacy-pkcs8-aes128.pem",
        "ec-p256.go-legacy-pkcs8-aes256.pem",
        "ec-p256.go-legacy-pkcs8-des3.pem",
        "rsa2048.go-legacy-pkcs8-aes128.no-final-newline.pem",
        "rsa2048.legacy-aes256.with-text.pem",
        "rsa2048.py-traditional-best.pem",
        "rsa2048.py-pkcs8-best.pem",
    ];
    // Read by cryptography 43.0.3 (through OpenSSL), refused by 45 and later
    // with this message: the legacy ciphers other than AES-128-CBC,
    // AES-256-CBC and DES-EDE3-CBC, and PKCS#8 in an RSA or EC PRIVATE KEY
    // block, encrypted or not.
    let refused_by_45 = [
        ("rsa2048.go-legacy-pkcs8-aes192.pem", "unknown cipher"),
        ("ec-p256.go-legacy-pkcs8-aes192.pem", "unknown cipher"),
        ("rsa2048.go-legacy-pkcs8-des.pem", "unknown cipher"),
        ("ec-p256.go-legacy-pkcs8-des.pem", "unknown cipher"),
        ("rsa2048.legacy-aes192.pem", "unknown cipher"),
        (
            "rsa2048.go-legacy-pkcs8-as-rsa-label.pem",
            "Could not deserialize",
        ),
        ("rsa2048.pkcs8-as-rsa-label.pem", "Could not deserialize"),
        ("ec-p256.pkcs8-as-ec-label.pem", "Could not deserialize"),
    ];
    let plain = [
        "rsa2048.pkcs1.no-final-newline.pem",
        "../certs/rsa-ca.with-text-and-key.pem",
        "rsa2048.pkcs8-as-rsa-label.pem",
        "ec-p256.pkcs8-as-ec-label.pem",
    ];
    let all_encrypted = encrypted.iter().chain(
        refused_by_45
            .iter()
            .map(|(name, _)| name)
            .filter(|name| !plain.contains(name)),
    );
    for name in all_encrypted.chain(&plain) {
        let file = keys.join(name);
        let is_encrypted = !plain.contains(name);
        let ours = EncodedKey::from_file_bytes(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(ours.is_encrypted(), is_encrypted, "{name}");
        let key = ours.decrypt(is_encrypted.then_some(&passphrase)).unwrap();
        let pass = is_encrypted.then_some(pass_file.as_path());
        let (opened, spki) = crypto43(&file, pass);
        assert!(opened, "cryptography 43.0.3 cannot open {name}: {spki}");
        let by_openssl = openssl(&file, &pass_file).unwrap_or_else(|| panic!("openssl: {name}"));
        assert_eq!(
            spki,
            hex(&by_openssl),
            "{name}: cryptography and openssl disagree"
        );
        assert!(
            spki.ends_with(&hex(key.public_key_raw())),
            "{name}: ours is another key"
        );
        let (opened, by_50) = crypto50(&file, pass);
        match refused_by_45.iter().find(|(refused, _)| refused == name) {
            Some((_, says)) => assert!(!opened && by_50.contains(says), "{name}: {by_50}"),
            None => assert!(opened && by_50 == spki, "cryptography 50, {name}: {by_50}"),
        }
        if is_encrypted {
            let (opened, message) = crypto43(&file, Some(&wrong_file));
            assert!(
                !opened && message.contains("Could not deserialize"),
                "{name}: {message}"
            );
            assert!(openssl(&file, &wrong_file).is_none(), "{name}");
            let wrong = Passphrase::new("not the passphrase".into());
            assert!(matches!(
                ours.decrypt(Some(&wrong)),
                Err(KeyError::WrongPassphrase { .. })
            ));
            let (opened, message) = crypto43(&file, None);
            assert!(
                !opened && message.contains("Password was not given"),
                "{name}: {message}"
            );
            assert!(matches!(
                ours.decrypt(None),
                Err(KeyError::NeedsPassphrase { .. })
            ));
        }
    }
    // PKCS#1 in a PRIVATE KEY block: cryptography 43.0.3 and 50 refuse it,
    // and so do we (the openssl command reads it: it tries every decoder).
    let name = "rsa2048.go-legacy-pkcs1-as-pkcs8-label.pem";
    let file = keys.join(name);
    for (opened, message) in [
        crypto43(&file, Some(&pass_file)),
        crypto50(&file, Some(&pass_file)),
    ] {
        assert!(
            !opened && message.contains("Could not deserialize"),
            "{name}: {message}"
        );
    }
    let err = EncodedKey::from_file_bytes(&std::fs::read(&file).unwrap())
        .and_then(|k| k.decrypt(Some(&passphrase)))
        .unwrap_err();
    assert!(
        matches!(err, KeyError::LabelMismatch { .. }),
        "{name}: {err:?}"
    );
}

/// CA files and bundles with text before the PEM (`openssl x509 -text`'s
/// dump, as TripleO's client.pem has) and no final newline: Python's
/// cryptography (`load_pem_x509_certificate`, as Octavia loads a CA) and
/// `openssl x509` read the same certificate as ours.
#[test]
fn certificates_after_text_and_without_a_final_newline_read_as_cryptography_reads_them() {
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/certs");
    for name in ["rsa-ca.with-text.pem", "rsa-ca.with-text-and-key.pem"] {
        let file = certs.join(name);
        let ours =
            octavia_pki::Certificate::all_from_file_bytes(&std::fs::read(&file).unwrap()).unwrap();
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let by_cryptography = ok(peer_python()
            .args([
                "-c",
                "import sys; from cryptography import x509; from cryptography.hazmat.primitives \
                 import serialization; print(x509.load_pem_x509_certificate(open(sys.argv[1], \
                 'rb').read()).public_bytes(serialization.Encoding.DER).hex())",
            ])
            .arg(&file));
        let out = run(Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&file));
        assert!(out.status.success(), "openssl x509: {name}");
        assert_eq!(by_cryptography.trim(), hex(&out.stdout), "{name}");
        assert_eq!(hex(ours[0].der()), hex(&out.stdout), "{name}");
    }
}
