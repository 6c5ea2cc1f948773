//! Criterion benchmarks of generation and the readers it relies on.
//!
//! `cargo bench -p octavia-pki-benches`. Whole-command comparisons against
//! kolla-ansible's openssl recipe live in `benches/compare-generate.sh`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use octavia_pki::check::{CheckOptions, check_dir};
use octavia_pki::rehearse::{RehearseOptions, rehearse_dir};
use octavia_pki::{
    CaPassphrases, Destination, EncodedKey, GenerateOptions, KeyType, OctaviaPki, Passphrase,
    generate,
};

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(rel)
}

fn fixture_passphrase() -> Passphrase {
    let text = std::fs::read_to_string(testdata("PASSPHRASE")).expect("testdata/PASSPHRASE");
    Passphrase::new(text.trim_end().to_owned())
}

fn ecdsa() -> GenerateOptions {
    {
        let mut options = GenerateOptions::default();
        options.key_type = KeyType::EcdsaP256;
        options
    }
}

fn passphrases() -> CaPassphrases {
    CaPassphrases {
        server_ca: Passphrase::generate(),
        client_ca: Passphrase::generate(),
    }
}

fn bench_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.bench_function("ecdsa-p256 set", |b| {
        b.iter(|| generate(black_box(&ecdsa())).unwrap())
    });
    // What `octavia-pki generate --key-type ecdsa-p256` does: generate, encrypt
    // the CA keys, write eleven files atomically.
    group.bench_function("ecdsa-p256 set, encrypted and written", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |tmp| {
                let pki = generate(&ecdsa()).unwrap();
                let (d, w) = (tmp.path().join("d"), tmp.path().join("w"));
                let to = Destination::new(&d, &w);
                pki.write(&to, &passphrases(), false).unwrap();
                tmp
            },
            BatchSize::PerIteration,
        )
    });
    group.sample_size(10);
    group.bench_function("rsa-4096 set (kolla default)", |b| {
        b.iter(|| generate(black_box(&GenerateOptions::default())).unwrap())
    });
    group.finish();
}

fn bench_read(c: &mut Criterion) {
    let pass = fixture_passphrase();
    let recipe = CaPassphrases {
        client_ca: Passphrase::new(format!("{}-client", pass.expose())),
        server_ca: pass.clone(),
    };
    let mut group = c.benchmark_group("read");
    for dir in ["kolla-recipe", "kolla-recipe-openssl11"] {
        group.bench_function(
            format!("work dir {dir} (RSA-4096, both CA keys unlocked)"),
            |b| {
                b.iter(|| {
                    OctaviaPki::read_work_dir(black_box(&testdata(dir)), &recipe, None).unwrap()
                })
            },
        );
    }
    // Every key fixture OpenSSL, Go and Python's cryptography wrote, in
    // every format this crate reads (PKCS#8, PKCS#1, SEC1, PEM and DER, PBES2
    // and legacy encryption); the ones it refuses (and the scripts beside
    // them) are left out.
    let mut keys: Vec<Vec<u8>> = std::fs::read_dir(testdata("keys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem" || e == "der"))
        .map(|p| std::fs::read(p).unwrap())
        .filter(|k| octavia_pki::PrivateKey::from_file_bytes(k, Some(&pass)).is_ok())
        .collect();
    keys.sort();
    group.bench_function(
        format!("every key fixture ({} files, all formats)", keys.len()),
        |b| {
            b.iter(|| {
                for k in &keys {
                    octavia_pki::PrivateKey::from_file_bytes(k, Some(&pass)).unwrap();
                }
            })
        },
    );
    let ours = generate(&ecdsa())
        .unwrap()
        .server_ca
        .key
        .to_encrypted_pkcs8_pem(&pass)
        .unwrap();
    let cases = [
        (
            "unlock PBES2 as octavia-pki writes it (PBKDF2 100k)",
            ours.as_bytes().to_vec(),
        ),
        (
            "unlock PBES2 as OpenSSL 3 genrsa writes it (PBKDF2 2048)",
            std::fs::read(testdata("keys/rsa2048.genrsa-aes256.pem")).unwrap(),
        ),
        (
            "unlock legacy AES-256-CBC PEM",
            std::fs::read(testdata("keys/rsa2048.legacy-aes256.pem")).unwrap(),
        ),
    ];
    for (name, bytes) in cases {
        let encoded = EncodedKey::from_file_bytes(&bytes).unwrap();
        group.bench_function(name, |b| b.iter(|| encoded.decrypt(Some(&pass)).unwrap()));
    }
    group.finish();
}

/// `check_dir` (which ends with the rehearsal) and `rehearse_dir` on a Kolla
/// set with RSA-4096 keys, the CA key unlocked with its passphrase.
fn bench_check_and_rehearse(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let pass = passphrases();
    generate(&GenerateOptions::default())
        .unwrap()
        .write(&Destination::new(&dir, &tmp.path().join("w")), &pass, false)
        .unwrap();
    let check = {
        let mut options = CheckOptions::default();
        options.passphrase = Some(pass.server_ca.clone());
        options
    };
    let rehearse = {
        let mut options = RehearseOptions::default();
        options.passphrase = Some(pass.server_ca.clone());
        options
    };
    assert!(!check_dir(&dir, &check).unwrap().has_errors());
    let mut group = c.benchmark_group("verify");
    group.bench_function("check_dir, kolla RSA-4096 set", |b| {
        b.iter(|| check_dir(black_box(&dir), &check).unwrap())
    });
    let ca = octavia_pki::DeployedPki::read(
        &octavia_pki::Sources::of_layout(&dir, octavia_pki::Layout::Kolla),
        &pass.server_ca,
    )
    .unwrap()
    .server_ca;
    group.bench_function("issue an amphora certificate (RSA-4096 CA)", |b| {
        b.iter(|| {
            octavia_pki::rehearse::issue_amphora_certificate(
                &ca,
                octavia_pki::release::RELEASES.last().unwrap(),
                "2f1d8e5c-3b1a-4c2e-9d7f-0a1b2c3d4e5f",
                time_now(),
            )
            .unwrap()
        })
    });
    group.bench_function("read the deployed kolla set, CA key unlocked", |b| {
        b.iter(|| {
            octavia_pki::DeployedPki::read(
                &octavia_pki::Sources::of_layout(black_box(&dir), octavia_pki::Layout::Kolla),
                &pass.server_ca,
            )
            .unwrap()
        })
    });
    group.bench_function("rehearse_dir, kolla RSA-4096 set", |b| {
        b.iter(|| assert!(rehearse_dir(black_box(&dir), &rehearse).unwrap().ok))
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_generate,
    bench_read,
    bench_check_and_rehearse
);
criterion_main!(benches);

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
