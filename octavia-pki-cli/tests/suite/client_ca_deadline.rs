//! A renewed client CA reaches no running amphora: each keeps the copy it
//! booted with and, since OpenSSL checks a trust anchor's dates, refuses the
//! controllers from that copy's not-after. `renew client-ca` says so, the work
//! directory's history keeps the deadline, `expiry` reports it and `probe
//! --work-dir` flags the amphorae booted before; Octavia's own amphora agent,
//! under a clock shifted by libfaketime, shows the deadline is real.

use std::fs;
use std::path::Path;

use crate::common::*;
use serde_json::Value;

fn change_json(set: &GeneratedSet, args: &[&str]) -> Value {
    let out = ok(octavia_pki()
        .args(args)
        .args(set.change_args())
        .args(["--format", "json"]));
    serde_json::from_str(&out).unwrap()
}

fn history(set: &GeneratedSet) -> Vec<Value> {
    fs::read_to_string(set.work_dir.join("octavia-pki-history.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn not_after(file: &Path) -> String {
    let out = ok(openssl()
        .args(["x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in"])
        .arg(file));
    out.trim().trim_start_matches("notAfter=").replace(' ', "T")
}

#[test]
fn renew_client_ca_gives_the_deadline_and_the_history_and_expiry_keep_it() {
    let set = generate(&[
        "--key-type",
        "ecdsa-p256",
        "--ca-days",
        "1",
        "--client-days",
        "1",
    ]);
    let old_not_after = not_after(&set.dir.join("client_ca.cert.pem"));
    let human = ok(octavia_pki()
        .args(["renew", "client-ca"])
        .args(set.change_args()));
    assert!(!human.contains("No failover is needed"), "{human}");
    assert!(
        human.contains(&format!("must be failed over before {old_not_after}")),
        "{human}"
    );
    let entries = history(&set);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "renew client-ca");
    assert_eq!(entries[0]["old_not_after"], old_not_after.as_str());
    assert_eq!(entries[0]["amphorae_deadline"], old_not_after.as_str());
    assert_eq!(
        entries[0]["old_key_sha256"], entries[0]["new_key_sha256"],
        "a renewal keeps the key"
    );
    assert_eq!(
        entries[0]["new_not_after"],
        not_after(&set.dir.join("client_ca.cert.pem")).as_str()
    );

    // The server CA is checked by the controllers only: no deadline.
    let change = change_json(&set, &["renew", "server-ca"]);
    assert!(change["amphorae_deadline"].is_null(), "{change:#}");
    let steps = change["next_steps"].to_string();
    assert!(steps.contains("No failover is needed"), "{steps}");
    let entries = history(&set);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["action"], "renew server-ca");

    // expiry reports the deadline, CRITICAL within a day, with Nagios's code.
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let deadline = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["file"]
                .as_str()
                .unwrap()
                .ends_with("octavia-pki-history.jsonl")
        })
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(deadline["not_after"], old_not_after.as_str());
    assert_eq!(deadline["status"], "CRITICAL");
    assert!(
        deadline["subject"]
            .as_str()
            .unwrap()
            .contains("amphorae created before")
    );

    // A history that cannot be read is said, never ignored (on a set whose
    // certificates are all far from expiry, so nothing else is CRITICAL).
    let set = generate(&["--key-type", "ecdsa-p256"]);
    fs::write(set.work_dir.join("octavia-pki-history.jsonl"), "not json\n").unwrap();
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir));
    assert_eq!(out.status.code(), Some(3), "UNKNOWN");
}

#[test]
fn an_amphora_booted_before_the_renewal_fails_after_the_old_not_after() {
    let work = tempfile::tempdir().unwrap();
    let set = generate(&[
        "--key-type",
        "ecdsa-p256",
        "--ca-days",
        "1",
        "--client-days",
        "1",
    ]);
    let (amphora, id) = set.octavia_amphora();
    // What the amphora got at boot: the client CA certificate of that day.
    let booted_with = work.path().join("client_ca-at-boot.pem");
    fs::copy(set.dir.join("client_ca.cert.pem"), &booted_with).unwrap();
    let booted_at = "2026-01-01T00:00:00";
    ok(octavia_pki()
        .args(["renew", "client-ca"])
        .args(set.change_args()));
    // The client certificate lives no longer than the CA it came from: renewed
    // too, so that only the amphorae's copies of the client CA age.
    ok(octavia_pki()
        .args(["renew", "client"])
        .args(set.change_args()));

    let later = [
        ("LD_PRELOAD", libfaketime()),
        ("FAKETIME", "+2d".to_owned()),
    ];
    let mut now = Agent::start(work.path(), "now", &amphora, &booted_with, &id, &[]);
    let mut after = Agent::start_with(
        work.path(),
        "after",
        &amphora,
        &booted_with,
        &id,
        &[],
        &later,
    );
    let renewed_copy = set.dir.join("client_ca.cert.pem");
    let mut booted_after = Agent::start_with(
        work.path(),
        "booted-after",
        &amphora,
        &renewed_copy,
        &id,
        &[],
        &later,
    );
    for (name, agent) in [
        ("now", &mut now),
        ("after", &mut after),
        ("booted-after", &mut booted_after),
    ] {
        agent.wait_ready(work.path(), name);
    }

    // Today the renewal changes nothing for it; the history says it must go.
    let list = serde_json::json!([
        {"id": id, "lb_network_ip": "127.0.0.1", "status": "ALLOCATED", "created_at": booted_at}
    ]);
    let amphorae = work.path().join("amphorae.json");
    fs::write(&amphorae, list.to_string()).unwrap();
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .arg("--amphorae")
        .arg(&amphorae)
        .args([
            "--port",
            &now.port.to_string(),
            "--format",
            "json",
            "--timeout",
            "5",
        ]));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &report["targets"][0];
    assert_eq!(t["status"], "amphora-old-client-ca", "{report:#}");
    assert_eq!(t["severity"], "error", "the deadline is within --warn-days");
    assert_eq!(t["api_version"], "1.0");
    assert_eq!(out.status.code(), Some(1));

    // Two days later (the agent's clock): the copy it booted with has
    // expired, and it refuses the controllers; one booted after the renewal works.
    let probe_at = |port: u16| -> Value {
        let out = run(octavia_pki()
            .arg("probe")
            .arg("--dir")
            .arg(&set.dir)
            .arg(format!("{id}@127.0.0.1:{port}"))
            .args(["--format", "json", "--timeout", "5", "--no-anonymous-check"]));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let report = probe_at(after.port);
    let t = &report["targets"][0];
    assert_eq!(t["status"], "amphora-rejects-controller", "{report:#}");
    assert!(
        t["message"]
            .as_str()
            .unwrap()
            .contains("certificate expired"),
        "{t}"
    );
    let report = probe_at(booted_after.port);
    assert_eq!(report["targets"][0]["status"], "ok", "{report:#}");
}

#[test]
fn rotate_finish_client_ca_ends_an_earlier_renewals_deadline_too() {
    // Amphorae created before the renewal verify the controllers through the
    // staged rotation's cross-certificate too: once it leaves the bundle,
    // they are cut off like those of the rotation, and no generation of
    // theirs is left to rehearse (check said client-cert-untrusted here).
    let set = generate(&["--key-type", "ecdsa-p256"]);
    ok(octavia_pki()
        .args(["renew", "client-ca"])
        .args(set.change_args()));
    set.stage("client-ca");
    ok(octavia_pki()
        .args(["rotate", "finish", "client-ca", "--force", "--dir"])
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir));
    let (report, code) = set.report("check");
    assert_eq!(code, Some(0), "{report:#}");
    assert!(findings_at(&report, "error").is_empty(), "{report:#}");

    // expiry: no deadline ahead; both changes kept, cut off at the finish.
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finished = history(&set)[2]["at"].clone();
    let changes: Vec<(&str, &Value)> = report["client_ca_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), &c["amphorae_deadline"]))
        .collect();
    assert_eq!(
        changes,
        [
            ("renew client-ca", &finished),
            ("rotate client-ca --staged", &finished)
        ],
        "{report:#}"
    );
}
