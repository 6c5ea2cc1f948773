//! Properties over many inputs (proptest): what generate writes, read and
//! check find clean; what the key writer encrypts, the reader decrypts, and
//! only with that passphrase; and no mutation of a good set makes the
//! checker fail or panic. The number of cases is kept small where each case
//! generates keys; `PROPTEST_CASES` raises it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use octavia_pki::check::{CheckOptions, check_dir};
use octavia_pki::codes::Severity;
use octavia_pki::{CaPassphrases, DeployedPki, Sources};
use octavia_pki::{Destination, GenerateOptions, Subject, generate};
use octavia_pki::{EncodedKey, KeyError, KeyType, Layout, Passphrase, PrivateKey};
use proptest::prelude::*;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        // Shrinking re-runs whole generations; the first failure says enough.
        max_shrink_iters: 16,
        ..ProptestConfig::default()
    }
}

/// Passphrases Octavia accepts: kolla-genpwd's letters and digits, and
/// punctuation other than `$` (oslo.config) and line breaks.
fn usable_passphrase() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#%&()*+,./:;<=>?@^_{|}~ -]{1,48}"
}

fn key_type() -> impl Strategy<Value = KeyType> {
    prop_oneof![
        Just(KeyType::EcdsaP256),
        Just(KeyType::EcdsaP384),
        Just(KeyType::Rsa2048),
    ]
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![Just(Layout::Kolla), Just(Layout::Legacy)]
}

fn common_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,20}(\\.[a-z0-9-]{1,12}){0,3}"
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn generated_sets_read_back_and_check_clean(
        key_type in key_type(),
        layout in layout(),
        server in usable_passphrase(),
        client in usable_passphrase(),
        ca_cn in common_name(),
        client_cn in common_name(),
        ca_days in 400u32..7300,
        client_days in 60u32..=365,
    ) {
        let options = {
            let mut options = GenerateOptions::default();
            options.layout = layout;
            options.key_type = key_type;
            options.ca_days = ca_days;
            options.client_days = client_days;
            options.server_ca_subject = Subject::kolla(&format!("server.{ca_cn}"));
            options.client_ca_subject = Subject::kolla(&format!("client.{ca_cn}"));
            options.client_subject = Subject::kolla(&client_cn);
            options
        };
        let pki = generate(&options).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("config/octavia");
        let passphrases = CaPassphrases {
            server_ca: Passphrase::new(server.clone()),
            client_ca: Passphrase::new(client),
        };
        pki.write(&Destination::new(&dir, &tmp.path().join("work")), &passphrases, false)
            .unwrap();

        let read = DeployedPki::read(&Sources::of_layout(&dir, layout), &Passphrase::new(server.clone())).unwrap();
        prop_assert!(read.client.certificate.matches_key(&read.client.key));
        let report = check_dir(&dir, &{
            let mut options = CheckOptions::default();
            options.passphrase = Some(Passphrase::new(server));
            options
        }).unwrap();
        prop_assert_eq!(report.layout, layout);
        let serious: Vec<_> = report.findings.iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| format!("{}: {}", f.code, f.message))
            .collect();
        prop_assert!(serious.is_empty(), "{:?}", serious);
    }
}

/// One key of each kind, generated once for the round-trip property.
fn keys() -> &'static [PrivateKey] {
    static KEYS: OnceLock<Vec<PrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        [KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Rsa2048]
            .into_iter()
            .map(|t| PrivateKey::generate(t).unwrap())
            .collect()
    })
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn encrypted_keys_open_with_their_passphrase_only(
        which in 0usize..3,
        passphrase in "\\PC{1,40}",
        other in "\\PC{1,40}",
    ) {
        prop_assume!(passphrase != other);
        let key = &keys()[which];
        let pem = key.to_encrypted_pkcs8_pem(&Passphrase::new(passphrase.clone())).unwrap();
        let encoded = EncodedKey::from_file_bytes(pem.as_bytes()).unwrap();
        prop_assert!(encoded.is_encrypted());
        let opened = encoded.decrypt(Some(&Passphrase::new(passphrase))).unwrap();
        prop_assert_eq!(opened.pkcs8_der(), key.pkcs8_der());
        let refused = encoded.decrypt(Some(&Passphrase::new(other)));
        prop_assert!(matches!(refused, Err(KeyError::WrongPassphrase { .. })), "{:?}", refused.err());
        prop_assert!(encoded.decrypt(None).is_err());
    }
}

/// A good kolla set with its server CA passphrase, written once.
struct GoodSet {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    passphrase: String,
}

fn good_set() -> &'static GoodSet {
    static SET: OnceLock<GoodSet> = OnceLock::new();
    SET.get_or_init(|| {
        let options = {
            let mut options = GenerateOptions::default();
            options.key_type = KeyType::EcdsaP256;
            options
        };
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("octavia");
        let passphrase = "Hf6Vx0dNp4Lq8Sw2Ry7Kc3Mb9Jt1Gz5Ua0Ei6Ol".to_owned();
        let passphrases = CaPassphrases {
            server_ca: Passphrase::new(passphrase.clone()),
            client_ca: Passphrase::new("Wn2Bq7Xs4Dk9Fh1Cz6Mv3Tp8Jr5Lg0Ya2Ue7Io4".into()),
        };
        generate(&options)
            .unwrap()
            .write(
                &Destination::new(&dir, &tmp.path().join("work")),
                &passphrases,
                false,
            )
            .unwrap();
        GoodSet {
            _tmp: tmp,
            dir,
            passphrase,
        }
    })
}

/// The kolla layout's four file names.
fn files() -> Vec<String> {
    let sources = Sources::of_layout(Path::new(""), Layout::Kolla);
    sources
        .paths()
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

/// How one file of the set is damaged.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit { at: usize, bit: u8 },
    Truncate { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Replace { bytes: Vec<u8> },
    DuplicateLines { at: usize, len: usize },
    CopyFrom { other: usize },
    Remove,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..400).prop_map(|(at, len)| Mutation::Delete { at, len }),
        proptest::collection::vec(any::<u8>(), 0..512)
            .prop_map(|bytes| Mutation::Replace { bytes }),
        (any::<usize>(), 1usize..8).prop_map(|(at, len)| Mutation::DuplicateLines { at, len }),
        (0usize..4).prop_map(|other| Mutation::CopyFrom { other }),
        Just(Mutation::Remove),
    ]
}

/// Applies one mutation to one file of `dir`. Every mutation is defined
/// whatever earlier ones did: a file an earlier mutation removed stays
/// removed (and copying it removes the target), and the mutations that pick
/// a place in a file leave an empty file empty.
fn apply(dir: &Path, file: usize, mutation: &Mutation) {
    let path = dir.join(&files()[file]);
    let Ok(mut bytes) = fs::read(&path) else {
        return; // removed by an earlier mutation
    };
    let n = bytes.len();
    match mutation {
        Mutation::FlipBit { at, bit } if n > 0 => bytes[at % n] ^= 1 << bit,
        Mutation::Truncate { at } if n > 0 => bytes.truncate(at % n),
        Mutation::Insert { at, bytes: new } => {
            let at = at % (n + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Mutation::Delete { at, len } if n > 0 => {
            let at = at % n;
            bytes.drain(at..(at + len).min(n));
        }
        Mutation::Replace { bytes: new } => bytes = new.clone(),
        Mutation::DuplicateLines { at, len } => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return;
            }
            let at = at % lines.len();
            let end = (at + len).min(lines.len());
            let mut out: Vec<&str> = lines[..end].to_vec();
            out.extend_from_slice(&lines[at..]);
            bytes = (out.join("\n") + "\n").into_bytes();
        }
        Mutation::CopyFrom { other } => match fs::read(dir.join(&files()[*other])) {
            Ok(source) => bytes = source,
            Err(_) => {
                fs::remove_file(&path).unwrap();
                return;
            }
        },
        Mutation::Remove => {
            fs::remove_file(&path).unwrap();
            return;
        }
        // A place in an empty file: nothing to change.
        Mutation::FlipBit { .. } | Mutation::Truncate { .. } | Mutation::Delete { .. } => return,
    }
    fs::write(&path, bytes).unwrap();
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn no_mutation_of_a_good_set_makes_check_fail_to_run(
        damage in proptest::collection::vec((0usize..4, mutation()), 1..3),
    ) {
        let good = good_set();
        let tmp = tempfile::tempdir().unwrap();
        for name in files() {
            fs::copy(good.dir.join(&name), tmp.path().join(&name)).unwrap();
        }
        for (file, m) in &damage {
            apply(tmp.path(), *file, m);
        }
        let changed = files().iter().any(|n| fs::read(tmp.path().join(n)).ok() != fs::read(good.dir.join(n)).ok());
        // The checker runs to the end (rehearsal included) and reports; it
        // never errors out on file contents, and never panics.
        let report = check_dir(tmp.path(), &{
            let mut options = CheckOptions::default();
            options.passphrase = Some(Passphrase::new(good.passphrase.clone()));
            options
        }).unwrap();
        if !changed {
            prop_assert!(!report.has_errors());
        }
        // Every error says what to do.
        for f in report.findings.iter().filter(|f| f.severity == Severity::Error) {
            prop_assert!(!f.message.is_empty() && !f.fix.is_empty(), "{:?}", f);
        }
    }
}
