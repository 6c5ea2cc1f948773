//! Every Octavia release clouds run (16.1.0, 17.0.1, 18.0.0, 19.0.0, side by
//! side): the sets we generate work with each one's own code, our key
//! identifiers are the ones OpenSSL and cryptography derive, and a server CA
//! with another identifier is repaired by `renew server-ca --key-id sha1`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::{Value, json};

/// Every certificate of every PEM file below `dir` (backups excluded).
fn certificate_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == ".backup" {
            continue;
        }
        if path.is_dir() {
            files.extend(certificate_files(&path));
        } else if fs::read_to_string(&path).is_ok_and(|t| t.contains("BEGIN CERTIFICATE")) {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Each certificate of a PEM file, in its own file under `tmp`.
fn split_certificates(file: &Path, tmp: &Path) -> Vec<PathBuf> {
    let text = fs::read_to_string(file).unwrap();
    text.split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .enumerate()
        .map(|(i, body)| {
            let end = body.find("-----END CERTIFICATE-----").unwrap();
            let path = tmp.join(format!(
                "{}.{i}.pem",
                file.display().to_string().replace('/', "_")
            ));
            fs::write(
                &path,
                format!(
                    "-----BEGIN CERTIFICATE-----{}-----END CERTIFICATE-----\n",
                    &body[..end]
                ),
            )
            .unwrap();
            path
        })
        .collect()
}

/// The hex of an extension as `openssl x509 -ext NAME` prints it.
fn openssl_extension(cert: &Path, name: &str) -> Option<String> {
    let out = ok(openssl()
        .args(["x509", "-noout", "-ext", name, "-in"])
        .arg(cert));
    out.lines()
        .skip(1)
        .map(|l| l.trim().trim_start_matches("keyid:").to_owned())
        .find(|l| !l.is_empty())
}

/// The subject key identifier OpenSSL's `subjectKeyIdentifier=hash` derives
/// for the certificate's public key: a certificate made with `openssl x509
/// -new -force_pubkey` (signed by a throwaway key) carries it.
fn openssl_derived_ski(cert: &Path, tmp: &Path) -> String {
    let public = tmp.join("public.pem");
    let signer = tmp.join("signer.pem");
    let ext = tmp.join("ext.cnf");
    let probe = tmp.join("probe.pem");
    fs::write(
        &public,
        ok(openssl()
            .args(["x509", "-noout", "-pubkey", "-in"])
            .arg(cert)),
    )
    .unwrap();
    if !signer.exists() {
        ok(openssl()
            .args([
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
            ])
            .arg(&signer));
    }
    fs::write(&ext, "[v3]\nsubjectKeyIdentifier=hash\n").unwrap();
    ok(openssl()
        .args(["x509", "-new", "-subj", "/CN=probe", "-key"])
        .arg(&signer)
        .arg("-force_pubkey")
        .arg(&public)
        .arg("-extfile")
        .arg(&ext)
        .args(["-extensions", "v3", "-out"])
        .arg(&probe));
    openssl_extension(&probe, "subjectKeyIdentifier")
        .expect("OpenSSL wrote a subject key identifier")
}

/// What Python's cryptography reads and derives for each certificate file:
/// `[{"ski", "aki", "derived"}]` (hex as OpenSSL prints it).
fn cryptography_key_ids(certs: &[PathBuf]) -> Vec<Value> {
    let script = r#"
import json, sys
from cryptography import x509
def hexid(b):
    return ":".join(f"{x:02X}" for x in b) if b is not None else None
out = []
for path in sys.argv[1:]:
    c = x509.load_pem_x509_certificate(open(path, "rb").read())
    def ext(cls):
        try:
            return c.extensions.get_extension_for_class(cls).value
        except x509.ExtensionNotFound:
            return None
    ski, aki = ext(x509.SubjectKeyIdentifier), ext(x509.AuthorityKeyIdentifier)
    out.append({"ski": hexid(ski.digest) if ski else None,
                "aki": hexid(aki.key_identifier) if aki else None,
                "derived": hexid(x509.SubjectKeyIdentifier.from_public_key(c.public_key()).digest)})
print(json.dumps(out))
"#;
    let out = ok(peer_python().arg("-c").arg(script).args(certs));
    serde_json::from_str(&out).unwrap()
}

/// Asserts that every certificate below `dirs` has a subject key identifier
/// that is byte for byte what OpenSSL and cryptography derive from its key,
/// and an authority key identifier that is its issuer's (its own, for a
/// self-signed CA; the CA's, for the client certificate).
fn assert_method1_key_ids(dirs: &[&Path], issuers: &[&Path], what: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let mut certs = Vec::new();
    for dir in dirs {
        for file in certificate_files(dir) {
            certs.extend(split_certificates(&file, tmp.path()));
        }
    }
    let issuer_ids: Vec<String> = issuers
        .iter()
        .map(|f| openssl_extension(f, "subjectKeyIdentifier").unwrap())
        .collect();
    let python = cryptography_key_ids(&certs);
    // Legacy: the CA (deployed, work directory), the client certificate
    // (bundle, work directory's certificate and bundle); kolla adds the client CA.
    assert!(
        certs.len() >= 5,
        "{what}: only {} certificates",
        certs.len()
    );
    for (cert, py) in certs.iter().zip(&python) {
        let ski =
            openssl_extension(cert, "subjectKeyIdentifier").expect("a subject key identifier");
        let derived = openssl_derived_ski(cert, tmp.path());
        assert_eq!(
            ski,
            derived,
            "{what}: {} (OpenSSL derives another)",
            cert.display()
        );
        assert_eq!(py["ski"], ski.as_str(), "{what}: {}", cert.display());
        assert_eq!(
            py["derived"],
            ski.as_str(),
            "{what}: {} (cryptography derives another)",
            cert.display()
        );
        let aki =
            openssl_extension(cert, "authorityKeyIdentifier").expect("an authority key identifier");
        assert_eq!(py["aki"], aki.as_str());
        assert!(
            aki == ski || issuer_ids.contains(&aki),
            "{what}: {} names its issuer {aki}, not one of {issuer_ids:?}",
            cert.display()
        );
    }
}

#[test]
fn every_certificate_we_issue_has_the_key_identifiers_openssl_and_cryptography_derive() {
    for (args, single_ca) in [
        (&["--key-type", "ecdsa-p256"][..], false),
        (&["--layout", "legacy", "--key-type", "rsa-2048"], true),
    ] {
        let set = generate(args);
        let issuer = |set: &GeneratedSet| {
            set.dir.join(if single_ca {
                "ca_01.pem"
            } else {
                "client_ca.cert.pem"
            })
        };
        assert_method1_key_ids(&[&set.dir, &set.work_dir], &[&issuer(&set)], "generate");
        let mut steps: Vec<Vec<&str>> = vec![
            vec!["renew", "client"],
            vec!["renew", "server-ca"],
            vec!["renew", "server-ca", "--key-id", "sha1"],
            vec!["rotate", "all", "--confirm-failover"],
        ];
        if !single_ca {
            steps.insert(1, vec!["renew", "client-ca"]);
            steps.push(vec!["rotate", "client-ca", "--confirm-failover"]);
            steps.push(vec!["rotate", "server-ca", "--confirm-failover"]);
        }
        for step in steps {
            ok(octavia_pki().args(&step).args(set.change_args()));
            // A renewal keeps no earlier certificate here: the identifier is unchanged.
            assert_method1_key_ids(
                &[&set.dir, &set.work_dir],
                &[&issuer(&set)],
                &step.join(" "),
            );
        }
    }
}

/// Every key type in both layouts.
fn every_generated_set() -> Vec<(String, GeneratedSet)> {
    let mut sets = Vec::new();
    for key_type in [
        "rsa-2048",
        "rsa-3072",
        "rsa-4096",
        "ecdsa-p256",
        "ecdsa-p384",
    ] {
        for layout in ["kolla", "legacy"] {
            let set = generate(&["--key-type", key_type, "--layout", layout]);
            sets.push((format!("{layout} {key_type}"), set));
        }
    }
    sets
}

fn job(set: &GeneratedSet, layout: &str, strict: bool) -> Value {
    json!({"dir": set.dir, "layout": layout, "passwords": set.passwords, "strict": strict})
}

/// Our rehearsal's verdict for one release.
fn rehearse_ok(dir: &Path, passwords: &Path, version: &str, strict: bool) -> bool {
    let mut cmd = octavia_pki();
    cmd.arg("rehearse")
        .arg(dir)
        .arg("--passwords")
        .arg(passwords)
        .args(["--octavia-version", version, "--format", "json"]);
    if strict {
        cmd.arg("--strict");
    }
    let out = run(&mut cmd);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    out.status.success()
}

#[test]
fn every_generated_set_works_with_every_release_plain_and_strict_where_its_certificates_allow() {
    let sets = every_generated_set();
    let releases = octavia_releases();
    let mut jobs = Vec::new();
    for (name, set) in &sets {
        let layout = name.split(' ').next().unwrap();
        jobs.push(job(set, layout, false));
        jobs.push(job(set, layout, true));
    }
    let problems: Vec<String> = for_each_release(&releases, |release| {
        let verdicts = release.rehearse_batch(&jobs);
        // 18.0.0 writes no authority key identifier: Python 3.13 refuses its
        // own amphora certificates, whatever the files.
        let strict_allowed = release.version != "18.0.0";
        let mut problems = Vec::new();
        for (i, (name, set)) in sets.iter().enumerate() {
            let (plain, strict) = (&verdicts[2 * i], &verdicts[2 * i + 1]);
            if plain["ok"] != true {
                problems.push(format!(
                    "{name}: Octavia {} refuses it: {plain}",
                    release.version
                ));
            }
            let tls = if release.version == "19.0.0" {
                "TLSv1.3"
            } else {
                "TLSv1.2"
            };
            if plain["tls_version"] != tls {
                problems.push(format!(
                    "{name}: Octavia {} negotiated {}",
                    release.version, plain["tls_version"]
                ));
            }
            if (strict["ok"] == true) != strict_allowed {
                problems.push(format!(
                    "{name}: Octavia {} strict: {strict}",
                    release.version
                ));
            }
            if !strict_allowed
                && !strict["controller"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Missing Authority Key Identifier")
            {
                problems.push(format!(
                    "{name}: Octavia {} strict fails otherwise: {strict}",
                    release.version
                ));
            }
            // Our rehearsal agrees with the release, both ways.
            for (strict_flag, theirs) in [(false, plain), (true, strict)] {
                let ours = rehearse_ok(&set.dir, &set.passwords, &release.version, strict_flag);
                if ours != (theirs["ok"] == true) {
                    problems.push(format!(
                        "{name}: rehearse{} --octavia-version {} says {ours}, Octavia {theirs}",
                        if strict_flag { " --strict" } else { "" },
                        release.version
                    ));
                }
            }
        }
        problems
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A case of testdata/make-check-fixtures.py (Python's cryptography), with a
/// CA work directory laid out as kolla-ansible's, so `renew` can work on it.
struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    work_dir: PathBuf,
    passwords: PathBuf,
    pass_file: PathBuf,
    layout: &'static str,
}

fn fixture(all: &Path, case: &str, layout: &'static str) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(case);
    fs::create_dir(&dir).unwrap();
    for entry in fs::read_dir(all.join(case)).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let work_dir = tmp.path().join("octavia-certificates");
    let (cert, key) = match layout {
        "kolla" => ("server_ca.cert.pem", "server_ca.key.pem"),
        _ => ("ca_01.pem", "cakey.pem"),
    };
    fs::create_dir_all(work_dir.join("server_ca")).unwrap();
    fs::copy(
        dir.join(cert),
        work_dir.join("server_ca/server_ca.cert.pem"),
    )
    .unwrap();
    fs::copy(dir.join(key), work_dir.join("server_ca/server_ca.key.pem")).unwrap();
    let passwords = dir.join("passwords.yml");
    let pass = fs::read_to_string(&passwords).unwrap();
    let server = pass
        .lines()
        .find_map(|l| l.strip_prefix("octavia_ca_password: "))
        .unwrap();
    let pass_file = tmp.path().join("server.pass");
    fs::write(&pass_file, format!("{server}\n")).unwrap();
    Fixture {
        _tmp: tmp,
        dir,
        work_dir,
        passwords,
        pass_file,
        layout,
    }
}

#[test]
fn renew_server_ca_key_id_sha1_repairs_a_truncated_sha256_ca_for_every_release() {
    let releases = octavia_releases();
    let all = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/make-check-fixtures.py");
    ok(peer_python().arg(script).arg(all.path()));
    for (case, layout) in [
        ("server-ca-key-id-sha256", "kolla"),
        ("server-ca-key-id-sha256-legacy", "legacy"),
    ] {
        let f = fixture(all.path(), case, layout);
        let files = |name: &str| f.dir.join(name);
        let (ca_cert, ca_key) = match f.layout {
            "kolla" => (files("server_ca.cert.pem"), files("server_ca.key.pem")),
            _ => (files("ca_01.pem"), files("cakey.pem")),
        };
        // Before: the releases that copy the CA's identifier, or write none,
        // work, and issue amphora certificates that must survive the repair.
        let amphorae: Vec<(String, PathBuf, String)> = releases
            .iter()
            .filter(|r| ["18.0.0", "19.0.0"].contains(&r.version.as_str()))
            .map(|r| {
                let out = f._tmp.path().join(format!("amphora-{}.pem", r.version));
                let id = r.issue(&ca_cert, &ca_key, &f.pass_file, &out);
                (r.version.clone(), out, id)
            })
            .collect();
        let before = json!({"dir": f.dir, "layout": layout, "passwords": f.passwords});
        for_each_release(&releases, |r| {
            let broken = ["16.1.0", "17.0.1"].contains(&r.version.as_str());
            let verdict = &r.rehearse_batch(std::slice::from_ref(&before))[0];
            assert_eq!(
                verdict["ok"] == false,
                broken,
                "{case} before, Octavia {}: {verdict}",
                r.version
            );
        });

        let out = ok(octavia_pki()
            .args([
                "renew",
                "server-ca",
                "--key-id",
                "sha1",
                "--layout",
                layout,
                "--dir",
            ])
            .arg(&f.dir)
            .arg("--work-dir")
            .arg(&f.work_dir)
            .arg("--passwords")
            .arg(&f.passwords));
        assert!(
            out.contains("(SHA-1 of the key)") && out.contains("earlier certificate"),
            "{out}"
        );
        assert_eq!(
            fs::read_to_string(&ca_cert)
                .unwrap()
                .matches("BEGIN CERTIFICATE")
                .count(),
            2
        );

        // After: check is clean, and every release works, with new amphorae
        // and with those issued before the repair.
        let check = run(octavia_pki()
            .arg("check")
            .arg(&f.dir)
            .args(["--layout", layout, "--passwords"])
            .arg(&f.passwords));
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
        let mut jobs = vec![before.clone()];
        for (_, cert, id) in &amphorae {
            jobs.push(
                json!({"dir": f.dir, "layout": layout, "passwords": f.passwords,
                             "amphora_cert": cert, "amphora_id": id}),
            );
        }
        for_each_release(&releases, |r| {
            for (i, verdict) in r.rehearse_batch(&jobs).iter().enumerate() {
                assert_eq!(
                    verdict["ok"], true,
                    "{case} after, Octavia {}, job {i}: {verdict}",
                    r.version
                );
            }
            assert!(
                rehearse_ok(&f.dir, &f.passwords, &r.version, false),
                "{case}: rehearse {}",
                r.version
            );
        });
        for (version, cert, _) in &amphorae {
            ok(openssl()
                .args(["verify", "-CAfile"])
                .arg(&ca_cert)
                .arg(cert));
            if version != "18.0.0" {
                // 18.0.0's certificates carry no key identifiers: strict refuses them anyway.
                ok(openssl()
                    .args(["verify", "-x509_strict", "-CAfile"])
                    .arg(&ca_cert)
                    .arg(cert));
            }
        }
    }
}
