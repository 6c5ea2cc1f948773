//! Every reader path, against fixtures written by OpenSSL and Python's
//! cryptography (testdata/make-fixtures.sh), never by this crate.

use std::path::PathBuf;

use octavia_pki::LegacyCipher;
use octavia_pki::{
    CaPassphrases, Certificate, EncodedKey, Error, KeyAlgorithm, KeyError, KeyFormat, Layout,
    OctaviaPki, Passphrase, PrivateKey,
};

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(testdata(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn passphrase() -> Passphrase {
    Passphrase::new(
        String::from_utf8(read("PASSPHRASE"))
            .unwrap()
            .trim_end()
            .to_owned(),
    )
}

fn reference_rsa() -> PrivateKey {
    PrivateKey::from_file_bytes(&read("keys/rsa2048.pkcs8.pem"), None).unwrap()
}

#[test]
fn every_format_of_the_same_rsa_key_reads_to_the_same_key() {
    let reference = reference_rsa();
    assert_eq!(reference.algorithm(), KeyAlgorithm::Rsa { bits: 2048 });
    let cases: &[(&str, KeyFormat)] = &[
        ("keys/rsa2048.pkcs8.pem", KeyFormat::Pkcs8),
        ("keys/rsa2048.pkcs8.der", KeyFormat::Pkcs8),
        ("keys/rsa2048.pkcs1.pem", KeyFormat::Pkcs1),
        ("keys/rsa2048.pkcs1.der", KeyFormat::Pkcs1),
        (
            "keys/rsa2048.pbes2-sha256-aes128.pem",
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "keys/rsa2048.pbes2-sha256-aes192.pem",
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "keys/rsa2048.pbes2-sha1-aes256.pem",
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "keys/rsa2048.pbes2-sha256-des3.pem",
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "keys/rsa2048.pbes2-scrypt-aes256.pem",
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "keys/rsa2048.pbes2-sha256-aes256.der",
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "keys/rsa2048.legacy-aes128.pem",
            KeyFormat::LegacyEncrypted(LegacyCipher::Aes128Cbc),
        ),
        (
            "keys/rsa2048.legacy-aes192.pem",
            KeyFormat::LegacyEncrypted(LegacyCipher::Aes192Cbc),
        ),
        (
            "keys/rsa2048.legacy-aes256.pem",
            KeyFormat::LegacyEncrypted(LegacyCipher::Aes256Cbc),
        ),
        (
            "keys/rsa2048.legacy-des3.pem",
            KeyFormat::LegacyEncrypted(LegacyCipher::DesEde3Cbc),
        ),
    ];
    let pass = passphrase();
    for (file, format) in cases {
        let encoded =
            EncodedKey::from_file_bytes(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(encoded.format(), *format, "{file}");
        let key = encoded
            .decrypt(Some(&pass))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(key.public_key_raw(), reference.public_key_raw(), "{file}");
        assert_eq!(key.algorithm(), KeyAlgorithm::Rsa { bits: 2048 }, "{file}");
    }
}

/// Go's `x509.EncryptPEMBlock` around PKCS#8 (RHOSO 18 GA's server CA key):
/// each cipher Go writes, which Python's cryptography 43.0.3 (what OpenStack's
/// upper-constraints pin) reads through OpenSSL, for RSA and EC, reads to the
/// key Go encrypted (`encrypt-pem-block.go`); and PKCS#8 in an `RSA PRIVATE
/// KEY` block, which OpenSSL reads too.
#[test]
fn go_legacy_encryption_around_pkcs8_reads_to_the_same_key() {
    let pass = passphrase();
    for key in ["rsa2048", "ec-p256"] {
        let reference =
            PrivateKey::from_file_bytes(&read(&format!("keys/{key}.go-pkcs8.pem")), None).unwrap();
        for (cipher, format) in [
            ("aes128", LegacyCipher::Aes128Cbc),
            ("aes192", LegacyCipher::Aes192Cbc),
            ("aes256", LegacyCipher::Aes256Cbc),
            ("des3", LegacyCipher::DesEde3Cbc),
            ("des", LegacyCipher::DesCbc),
        ] {
            let file = format!("keys/{key}.go-legacy-pkcs8-{cipher}.pem");
            let encoded = EncodedKey::from_file_bytes(&read(&file)).unwrap();
            assert_eq!(
                encoded.format(),
                KeyFormat::LegacyEncrypted(format),
                "{file}"
            );
            let err = encoded.decrypt(None).unwrap_err();
            assert!(matches!(err, KeyError::NeedsPassphrase { .. }), "{file}");
            let wrong = Passphrase::new("not the passphrase".into());
            let err = encoded.decrypt(Some(&wrong)).unwrap_err();
            assert!(
                matches!(err, KeyError::WrongPassphrase { .. }),
                "{file}: {err:?}"
            );
            let key = encoded.decrypt(Some(&pass)).unwrap();
            assert_eq!(key.public_key_raw(), reference.public_key_raw(), "{file}");
        }
    }
}

#[test]
fn a_pkcs8_key_in_a_legacy_rsa_block_reads_as_openssl_reads_it() {
    let file = "keys/rsa2048.go-legacy-pkcs8-as-rsa-label.pem";
    let key = PrivateKey::from_file_bytes(&read(file), Some(&passphrase())).unwrap();
    let reference = PrivateKey::from_file_bytes(&read("keys/rsa2048.go-pkcs8.pem"), None).unwrap();
    assert_eq!(key.public_key_raw(), reference.public_key_raw(), "{file}");
}

/// Unencrypted PKCS#8 under its algorithm's own label (OpenSSL's PKCS#8
/// relabelled), which cryptography 43.0.3 reads and 45 and later do not.
#[test]
fn unencrypted_pkcs8_under_its_algorithm_s_label_reads_as_openssl_reads_it() {
    for (file, reference) in [
        (
            "keys/rsa2048.pkcs8-as-rsa-label.pem",
            "keys/rsa2048.pkcs8.pem",
        ),
        (
            "keys/ec-p256.pkcs8-as-ec-label.pem",
            "keys/ec-p256.pkcs8.pem",
        ),
    ] {
        let encoded = EncodedKey::from_file_bytes(&read(file)).unwrap();
        assert_eq!(encoded.format(), KeyFormat::Pkcs8, "{file}");
        let key = encoded.decrypt(None).unwrap();
        let reference = PrivateKey::from_file_bytes(&read(reference), None).unwrap();
        assert_eq!(key.public_key_raw(), reference.public_key_raw(), "{file}");
    }
}

/// What OpenSSL, and so Python's cryptography 43.0.3, refuses is refused
/// saying why: PKCS#1 in a legacy encrypted `PRIVATE KEY` block.
#[test]
fn a_label_that_cannot_hold_its_key_is_refused_saying_why() {
    let file = "keys/rsa2048.go-legacy-pkcs1-as-pkcs8-label.pem";
    let err = PrivateKey::from_file_bytes(&read(file), Some(&passphrase())).unwrap_err();
    assert_eq!(
        err,
        KeyError::LabelMismatch {
            label: "PRIVATE KEY".into(),
            found: KeyFormat::Pkcs1,
            algorithm: KeyAlgorithm::Rsa { bits: 2048 },
        },
        "{file}"
    );
    assert!(err.to_string().contains("cryptography 43.0.3"), "{err}");
}

/// Files without a final newline, and text before the PEM (TripleO's
/// client.pem: the certificate's text dump, its PEM, then the key).
#[test]
fn keys_without_a_final_newline_or_after_text_are_read() {
    let pass = passphrase();
    let pkcs1 = PrivateKey::from_file_bytes(&read("keys/rsa2048.pkcs1.no-final-newline.pem"), None)
        .unwrap();
    assert_eq!(pkcs1.public_key_raw(), reference_rsa().public_key_raw());
    let text = PrivateKey::from_file_bytes(
        &read("keys/rsa2048.legacy-aes256.with-text.pem"),
        Some(&pass),
    )
    .unwrap();
    assert_eq!(text.public_key_raw(), reference_rsa().public_key_raw());
    let go = PrivateKey::from_file_bytes(
        &read("keys/rsa2048.go-legacy-pkcs8-aes128.no-final-newline.pem"),
        Some(&pass),
    )
    .unwrap();
    let go_reference =
        PrivateKey::from_file_bytes(&read("keys/rsa2048.go-pkcs8.pem"), None).unwrap();
    assert_eq!(go.public_key_raw(), go_reference.public_key_raw());
    let bundle = read("certs/rsa-ca.with-text-and-key.pem");
    let certs = Certificate::all_from_file_bytes(&bundle).unwrap();
    assert_eq!(
        certs,
        Certificate::all_from_file_bytes(&read("certs/rsa-ca.pem")).unwrap()
    );
    let key = PrivateKey::from_file_bytes(&bundle, None).unwrap();
    assert!(certs[0].matches_key(&key));
}

#[test]
fn encrypted_keys_need_the_right_passphrase() {
    let wrong = Passphrase::new("not the passphrase".into());
    for file in [
        "keys/rsa2048.genrsa-aes256.pem",
        "keys/rsa2048.pbes2-sha256-aes128.pem",
        "keys/rsa2048.pbes2-sha1-aes256.pem",
        "keys/rsa2048.pbes2-sha256-des3.pem",
        "keys/rsa2048.pbes2-scrypt-aes256.pem",
        "keys/rsa2048.legacy-aes256.pem",
        "keys/rsa2048.legacy-des3.pem",
        "keys/ec-p256.legacy-aes256.pem",
        "keys/ec-p256.pbes2-sha256-aes256.pem",
        "keys/rsa2048.py-pkcs8-best.pem",
        "keys/rsa2048.py-traditional-best.pem",
    ] {
        let encoded = EncodedKey::from_file_bytes(&read(file)).unwrap();
        assert!(encoded.is_encrypted(), "{file}");
        assert!(
            matches!(encoded.decrypt(None), Err(KeyError::NeedsPassphrase { .. })),
            "{file}"
        );
        let err = encoded.decrypt(Some(&wrong)).unwrap_err();
        assert!(
            matches!(err, KeyError::WrongPassphrase { .. }),
            "{file}: {err:?}"
        );
        assert!(encoded.decrypt(Some(&passphrase())).is_ok(), "{file}");
    }
}

#[test]
fn ec_and_ed25519_keys_in_every_container() {
    let pass = passphrase();
    let p256 = PrivateKey::from_file_bytes(&read("keys/ec-p256.pkcs8.pem"), None).unwrap();
    for file in [
        "keys/ec-p256.sec1.pem",
        "keys/ec-p256.sec1.der",
        "keys/ec-p256.legacy-aes256.pem",
        "keys/ec-p256.pbes2-sha256-aes256.pem",
    ] {
        let key = PrivateKey::from_file_bytes(&read(file), Some(&pass)).unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256, "{file}");
        assert_eq!(key.public_key_raw(), p256.public_key_raw(), "{file}");
    }
    let p384 = PrivateKey::from_file_bytes(&read("keys/ec-p384.pkcs8.pem"), None).unwrap();
    let p384_sec1 = PrivateKey::from_file_bytes(&read("keys/ec-p384.sec1.pem"), None).unwrap();
    assert_eq!(p384.algorithm(), KeyAlgorithm::EcdsaP384);
    assert_eq!(p384.public_key_raw(), p384_sec1.public_key_raw());
    let py =
        PrivateKey::from_file_bytes(&read("keys/ec-p384.py-pkcs8-best.pem"), Some(&pass)).unwrap();
    let py_plain = PrivateKey::from_file_bytes(&read("keys/ec-p384.py-plain.pem"), None).unwrap();
    assert_eq!(py.public_key_raw(), py_plain.public_key_raw());
    let ed = PrivateKey::from_file_bytes(&read("keys/ed25519.pkcs8.pem"), None).unwrap();
    assert_eq!(ed.algorithm(), KeyAlgorithm::Ed25519);
}

#[test]
fn python_cryptography_keys_read_like_octavia_reads_them() {
    let pass = passphrase();
    let plain = PrivateKey::from_file_bytes(&read("keys/rsa2048.py-plain.pem"), None).unwrap();
    for file in [
        "keys/rsa2048.py-pkcs8-best.pem",
        "keys/rsa2048.py-traditional-best.pem",
    ] {
        let key = PrivateKey::from_file_bytes(&read(file), Some(&pass)).unwrap();
        assert_eq!(key.public_key_raw(), plain.public_key_raw(), "{file}");
    }
}

#[test]
fn small_rsa_keys_are_readable_so_they_can_be_flagged() {
    let key = PrivateKey::from_file_bytes(&read("keys/rsa1024.pkcs8.pem"), None).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::Rsa { bits: 1024 });
}

#[test]
fn unsupported_ciphers_and_curves_are_named() {
    let pass = passphrase();
    let err = PrivateKey::from_file_bytes(&read("keys/rsa2048.pbes2-camellia256.pem"), Some(&pass))
        .unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedCipher { .. }), "{err:?}");
    assert!(err.to_string().contains("not supported"), "{err}");
    let err = PrivateKey::from_file_bytes(&read("keys/rsa2048.legacy-aria256.pem"), Some(&pass))
        .unwrap_err();
    assert_eq!(
        err,
        KeyError::UnsupportedCipher {
            cipher: "ARIA-256-CBC".into()
        }
    );
    let err = PrivateKey::from_file_bytes(&read("keys/ec-p521.pkcs8.pem"), None).unwrap_err();
    assert!(
        matches!(err, KeyError::UnsupportedAlgorithm { .. }),
        "{err:?}"
    );
}

#[test]
fn certificates_in_pem_der_with_text_crlf_and_bom() {
    let reference = Certificate::all_from_file_bytes(&read("certs/rsa-ca.pem")).unwrap();
    assert_eq!(reference.len(), 1);
    assert!(reference[0].subject().contains("CN=rsa-ca"));
    assert!(reference[0].matches_key(&reference_rsa()));
    for file in [
        "certs/rsa-ca.der",
        "certs/rsa-ca.with-text.pem",
        "certs/rsa-ca.crlf.pem",
        "certs/rsa-ca.bom.pem",
    ] {
        let certs =
            Certificate::all_from_file_bytes(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(certs, reference, "{file}");
    }
    let two = Certificate::all_from_file_bytes(&read("certs/two-certs.pem")).unwrap();
    assert_eq!(two.len(), 2);
    assert!(two[1].subject().contains("CN=ec-ca"));
}

#[test]
fn broken_files_get_errors_that_say_what_is_wrong() {
    let err = Certificate::all_from_file_bytes(&read("certs/rsa-ca.truncated.pem")).unwrap_err();
    assert!(err.to_string().contains("no END line"), "{err}");
    let err = Certificate::all_from_file_bytes(&read("keys/rsa2048.pkcs8.pem")).unwrap_err();
    assert!(
        err.to_string().contains("the file holds: PRIVATE KEY"),
        "{err}"
    );
    let err = EncodedKey::from_file_bytes(&read("certs/rsa-ca.der")).unwrap_err();
    assert!(err.to_string().contains("no start line"), "{err}");
}

#[test]
fn errors_name_the_file() {
    let path = testdata("certs/rsa-ca.pem");
    let err = octavia_pki::read_private_key(&path, None, None).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    assert!(matches!(err, Error::Key { .. }));
    let missing = testdata("no-such-file.pem");
    let text = octavia_pki::read_certificates(&missing, None)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("no-such-file.pem") && text.contains("No such file"),
        "{text}"
    );
}

fn recipe_passphrases() -> CaPassphrases {
    let pass = passphrase();
    CaPassphrases {
        client_ca: Passphrase::new(format!("{}-client", pass.expose())),
        server_ca: pass,
    }
}

#[test]
fn a_work_dir_made_by_the_kolla_ansible_recipe_reads_back() {
    for dir in ["kolla-recipe", "kolla-recipe-openssl11"] {
        let pki = OctaviaPki::read_work_dir(&testdata(dir), &recipe_passphrases(), None)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(pki.layout, Layout::Kolla, "{dir}");
        let client_ca = pki.client_ca.as_ref().unwrap();
        assert!(
            pki.server_ca
                .certificate()
                .subject()
                .contains("CN=server-ca.example.org")
        );
        assert!(
            client_ca
                .certificate()
                .subject()
                .contains("CN=client-ca.example.org")
        );
        assert!(
            pki.client
                .certificate
                .subject()
                .contains("CN=client.example.org")
        );
        assert!(
            pki.client.certificate.is_signed_by(client_ca.certificate()),
            "{dir}"
        );
        assert!(
            !pki.client
                .certificate
                .is_signed_by(pki.server_ca.certificate()),
            "{dir}"
        );
        for key in [&pki.server_ca.key, &client_ca.key, &pki.client.key] {
            assert_eq!(key.algorithm(), KeyAlgorithm::Rsa { bits: 4096 }, "{dir}");
        }
    }
}

#[test]
fn the_recipe_work_dir_with_swapped_passphrases_says_which_key() {
    let swapped = CaPassphrases {
        server_ca: recipe_passphrases().client_ca,
        client_ca: recipe_passphrases().server_ca,
    };
    let err = OctaviaPki::read_work_dir(&testdata("kolla-recipe"), &swapped, None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("server_ca/server_ca.key.pem") && text.contains("wrong passphrase"),
        "{text}"
    );
}
