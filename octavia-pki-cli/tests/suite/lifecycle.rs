//! Renewal, rotation and expiry, proved with Octavia's own code path,
//! `openssl verify`, and work directories made by kolla-ansible's recipe.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Octavia's verdict on a deployed directory.
fn octavia_accepts(dir: &Path, passwords: &Path, layout: &str) -> bool {
    let out = run(python()
        .args(["rehearse", "--dir"])
        .arg(dir)
        .args(["--layout", layout, "--passwords"])
        .arg(passwords));
    out.status.success()
}

#[test]
fn every_renewal_keeps_octavia_working() {
    for layout in ["kolla", "legacy"] {
        let set = generate(&["--key-type", "ecdsa-p256", "--layout", layout]);
        let renewals: &[&str] = if layout == "kolla" {
            &["client", "server-ca", "client-ca"]
        } else {
            &["client", "server-ca"]
        };
        for what in renewals {
            let before = fs::read(set.dir.join(if layout == "kolla" {
                "client.cert-and-key.pem"
            } else {
                "client.pem"
            }))
            .unwrap();
            ok(octavia_pki().args(["renew", what]).args(set.change_args()));
            assert!(
                octavia_accepts(&set.dir, &set.passwords, layout),
                "{layout}: Octavia fails after renew {what}"
            );
            let check = set.check();
            assert!(
                check.status.success(),
                "{layout} renew {what}: {}",
                String::from_utf8_lossy(&check.stdout)
            );
            if *what == "client" {
                let after = fs::read(set.dir.join(if layout == "kolla" {
                    "client.cert-and-key.pem"
                } else {
                    "client.pem"
                }))
                .unwrap();
                assert_ne!(before, after, "the bundle was replaced");
            }
        }
        assert!(
            set.dir.join(".backup").is_dir(),
            "replaced files are backed up"
        );
    }
}

#[test]
fn an_amphora_certificate_issued_before_renew_server_ca_still_verifies() {
    let set = generate(&["--key-type", "rsa-2048"]);
    let (amphora, _) = set.octavia_amphora();
    let old_ca = fs::read(set.dir.join("server_ca.cert.pem")).unwrap();
    ok(octavia_pki()
        .args(["renew", "server-ca", "--days", "7300"])
        .args(set.change_args()));
    let new_ca = fs::read(set.dir.join("server_ca.cert.pem")).unwrap();
    assert_ne!(old_ca, new_ca);
    let out = ok(openssl()
        .args(["verify", "-x509_strict", "-CAfile"])
        .arg(set.dir.join("server_ca.cert.pem"))
        .arg(&amphora));
    assert!(out.trim_end().ends_with(": OK"), "{out}");
    let end = ok(openssl()
        .args(["x509", "-noout", "-enddate", "-in"])
        .arg(set.dir.join("server_ca.cert.pem")));
    let year: i32 = end.trim().rsplit(' ').nth(1).unwrap().parse().unwrap();
    assert!(year >= 2046, "{end}");
}

/// A deployed directory and work directory made by kolla-ansible's recipe, at test time.
fn recipe_set(tmp: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let work = tmp.join("octavia-certificates");
    let dir = tmp.join("config/octavia");
    ok(std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/kolla-recipe.sh"))
        .arg(&work)
        .arg(&dir)
        .env("CA_PASS", "RecipeServer1")
        .env("CLIENT_CA_PASS", "RecipeClient2"));
    let passwords = tmp.join("passwords.yml");
    write_passwords(&passwords, "RecipeServer1", "RecipeClient2");
    (dir, work, passwords)
}

#[test]
fn renew_client_works_on_a_work_dir_made_by_the_kolla_ansible_recipe() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, work, passwords) = recipe_set(tmp.path());
    let index_before = fs::read(work.join("client_ca/index.txt")).unwrap();
    for what in ["client", "client-ca", "server-ca"] {
        ok(octavia_pki()
            .args(["renew", what, "--dir"])
            .arg(&dir)
            .arg("--work-dir")
            .arg(&work)
            .arg("--passwords")
            .arg(&passwords));
        assert!(
            octavia_accepts(&dir, &passwords, "kolla"),
            "Octavia fails after renew {what} on the recipe's set"
        );
    }
    // No openssl database was needed or touched; the key type stayed RSA-4096.
    assert_eq!(
        fs::read(work.join("client_ca/index.txt")).unwrap(),
        index_before
    );
    let text = ok(openssl()
        .args(["x509", "-noout", "-text", "-in"])
        .arg(work.join("client_ca/client.cert.pem")));
    assert!(text.contains("Public-Key: (4096 bit)"), "{text}");
    let out = ok(openssl()
        .args(["verify", "-x509_strict", "-CAfile"])
        .arg(dir.join("client_ca.cert.pem"))
        .arg(dir.join("client.cert-and-key.pem")));
    assert!(out.trim_end().ends_with(": OK"));
}

#[test]
fn rotate_refuses_without_confirmation_and_strands_old_amphorae_with_it() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let before = snapshot(set.tmp.path());
    let out = run(octavia_pki()
        .args(["rotate", "all"])
        .args(set.change_args()));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("failed over") && stderr.contains("openstack loadbalancer failover"),
        "{stderr}"
    );
    assert_eq!(
        snapshot(set.tmp.path()),
        before,
        "nothing may change without --confirm-failover"
    );

    let (amphora, _) = set.octavia_amphora();
    let text = ok(octavia_pki()
        .args([
            "rotate",
            "all",
            "--confirm-failover",
            "--key-type",
            "ecdsa-p384",
        ])
        .args(set.change_args()));
    assert!(text.contains("openstack loadbalancer failover"), "{text}");
    assert!(
        octavia_accepts(&set.dir, &set.passwords, "kolla"),
        "new amphorae work after rotation"
    );
    let old = run(openssl()
        .args(["verify", "-CAfile"])
        .arg(set.dir.join("server_ca.cert.pem"))
        .arg(&amphora));
    assert!(
        !old.status.success(),
        "an amphora certificate from the old server CA must no longer verify"
    );
}

#[test]
fn dry_run_writes_nothing_and_says_what_would_change() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let before = snapshot(set.tmp.path());
    for args in [
        &["renew", "client"][..],
        &["renew", "server-ca"],
        &["renew", "client-ca"],
        &["rotate", "all"],
    ] {
        let out = ok(octavia_pki()
            .args(args)
            .arg("--dry-run")
            .args(set.change_args()));
        assert!(
            out.contains("nothing was written") && out.contains(".pem"),
            "{args:?}: {out}"
        );
    }
    let json = ok(octavia_pki()
        .args(["renew", "client", "--dry-run", "--format", "json"])
        .args(set.change_args()));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["dry_run"], true);
    assert!(
        v["files"].as_array().unwrap().len() == 4 && v.get("written").is_none(),
        "{v}"
    );
    assert_eq!(snapshot(set.tmp.path()), before);
}

#[test]
fn expiry_follows_the_nagios_convention() {
    let set = generate(&["--key-type", "ecdsa-p256", "--client-days", "20"]);
    let expiry = |extra: &[&str]| {
        let out = run(octavia_pki()
            .arg("expiry")
            .arg(&set.dir)
            .args(["--work-dir"])
            .arg(&set.work_dir)
            .args(extra));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, line) = expiry(&["--format", "nagios"]);
    assert_eq!(
        code,
        Some(1),
        "20 days left is within the 30-day warning: {line}"
    );
    assert!(
        line.starts_with(
            "OCTAVIA-PKI WARNING - 5 certificates, next expiry client.cert-and-key.pem"
        ),
        "{line}"
    );
    assert!(
        line.trim_end().ends_with("| days_left_min=19")
            || line.trim_end().ends_with("| days_left_min=20"),
        "{line}"
    );
    assert_eq!(
        expiry(&["--warn-days", "10", "--critical-days", "5"]).0,
        Some(0)
    );
    assert_eq!(
        expiry(&["--warn-days", "60", "--critical-days", "30"]).0,
        Some(2)
    );
    let (code, json) = expiry(&["--format", "json"]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["status"], "WARNING");
    assert_eq!(v["entries"].as_array().unwrap().len(), 5);
    fs::remove_file(set.dir.join("client_ca.cert.pem")).unwrap();
    let (code, line) = expiry(&[
        "--format",
        "nagios",
        "--warn-days",
        "10",
        "--critical-days",
        "5",
    ]);
    assert_eq!(code, Some(3), "{line}");
    assert!(
        line.starts_with("OCTAVIA-PKI UNKNOWN - cannot read"),
        "{line}"
    );
}
