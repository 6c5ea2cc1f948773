//! Generated sets, proven with software no one here wrote: `openssl verify
//! -x509_strict`, `openssl pkey -passin`, Python's cryptography, Octavia 19's
//! LocalCertGenerator, and an OpenSSL mutual-TLS handshake on loopback.

use std::path::Path;

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
