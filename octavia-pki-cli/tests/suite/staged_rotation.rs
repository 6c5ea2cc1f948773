//! Rotating both CAs without failing amphorae over, shown with Octavia's own
//! pieces: the amphora agent, `LocalCertGenerator`, and the REST driver the
//! worker and housekeeping use (its requests session and host-name adapter,
//! and `upload_cert_amp`: `PUT /1.0/certificate`).
//!
//! Amphora A boots before the rotations (old client CA copy, certificate from
//! the old server CA); amphora B after (new files). Both keep working
//! through both staged rotations; `rotate finish` waits until a probe shows
//! nothing needs the old CAs; without the cross-certificate, A refuses the
//! controllers with `unknown ca`.

use std::fs;
use std::path::Path;

use crate::common::*;
use serde_json::{Value, json};

/// Octavia's REST driver on `dir` against the agent at `port`, as amphora
/// `id`; with `upload`, housekeeping's certificate push.
fn controller(dir: &Path, id: &str, agent: &Agent, upload: Option<&Path>) -> Value {
    let mut cmd = python();
    cmd.arg("controller").arg("--dir").arg(dir).args([
        "--amphora-id",
        id,
        "--address",
        &agent.host,
        "--port",
        &agent.port.to_string(),
    ]);
    if let Some(pem) = upload {
        cmd.arg("--upload-cert").arg(pem);
    }
    let out = run(&mut cmd);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the controller peer printed no verdict ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn assert_works(verdict: &Value, who: &str) {
    assert_eq!(verdict["ok"], true, "{who}: {verdict:#}");
    assert_eq!(verdict["api_version"], "1.0", "{who}: {verdict:#}");
}

/// `octavia-pki probe --format json` of `amphorae` (the openstack client's
/// JSON) on `port`, the agents' port.
fn probe(
    set: &GeneratedSet,
    work: &Path,
    name: &str,
    amphorae: &Value,
    port: u16,
) -> (Value, std::path::PathBuf) {
    let list = work.join(format!("{name}.amphorae.json"));
    fs::write(&list, amphorae.to_string()).unwrap();
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .arg("--amphorae")
        .arg(&list)
        .args([
            "--port",
            &port.to_string(),
            "--format",
            "json",
            "--timeout",
            "10",
        ])
        .arg("--no-anonymous-check"));
    let report = work.join(format!("{name}.json"));
    fs::write(&report, &out.stdout).unwrap();
    (serde_json::from_slice(&out.stdout).unwrap(), report)
}

fn amphora(id: &str, agent: &Agent, created_at: &str) -> Value {
    json!({"id": id, "lb_network_ip": agent.host, "status": "ALLOCATED", "created_at": created_at})
}

fn target<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["amphora_id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {report:#}"))
}

fn certificates_in(file: &Path) -> usize {
    fs::read_to_string(file)
        .unwrap()
        .matches("-----BEGIN CERTIFICATE-----")
        .count()
}

/// `rotate finish CA --probe-report REPORT` on the set (run it with `run` or `ok`).
fn finish(set: &GeneratedSet, ca: &str, report: &Path) -> std::process::Command {
    let mut cmd = octavia_pki();
    cmd.args(["rotate", "finish", ca, "--dir"])
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .arg("--probe-report")
        .arg(report);
    cmd
}

/// An RFC 3339 time, `seconds` from now (UTC), as the amphora API gives `created_at`.
fn time_from_now(seconds: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[test]
fn staged_rotations_keep_running_amphorae_working_with_octavias_own_agent_and_driver() {
    let work = tempfile::tempdir().unwrap();
    let set = generate(&["--key-type", "ecdsa-p256"]);

    // Amphora A, booted before: the client CA copy of that day, a certificate
    // from the old server CA minted by LocalCertGenerator.
    let (a_cert, a_id) = set.octavia_amphora();
    let a_client_ca = work.path().join("a-client_ca.pem");
    fs::copy(set.dir.join("client_ca.cert.pem"), &a_client_ca).unwrap();
    let a_created = time_from_now(-3600);
    // Two amphorae on one port (the controllers' bind_port), as in a cloud.
    let port = port_free_on(&["127.0.0.2", "127.0.0.3"]);
    let mut a = Agent::start_at(
        work.path(),
        "a",
        ("127.0.0.2", port),
        &a_cert,
        &a_client_ca,
        &a_id,
    );
    a.wait_ready(work.path(), "a");

    // Both staged rotations; --dry-run first writes nothing.
    let before = snapshot(set.tmp.path());
    for ca in ["server-ca", "client-ca"] {
        ok(octavia_pki()
            .args([
                "rotate",
                ca,
                "--staged",
                "--dry-run",
                "--key-type",
                "ecdsa-p256",
            ])
            .args(set.change_args()));
    }
    assert_eq!(snapshot(set.tmp.path()), before, "--dry-run wrote");
    for ca in ["server-ca", "client-ca"] {
        let out = set.stage(ca);
        assert!(out.contains(" G2\""), "{out}");
    }
    assert_eq!(certificates_in(&set.dir.join("server_ca.cert.pem")), 2);
    assert_eq!(certificates_in(&set.dir.join("client.cert-and-key.pem")), 2);
    assert_eq!(certificates_in(&set.dir.join("client_ca.cert.pem")), 1);
    // A second staged rotation before finishing the first is refused.
    let out = run(octavia_pki()
        .args(["rotate", "client-ca", "--staged"])
        .args(set.change_args()));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not finished"));

    // openssl agrees: the cross-certificate leads the new client certificate
    // to the old client CA; the new one verifies it alone.
    let chain = work.path().join("cross.pem");
    let bundle = fs::read_to_string(set.dir.join("client.cert-and-key.pem")).unwrap();
    let blocks: Vec<&str> = bundle
        .split_inclusive("-----END CERTIFICATE-----\n")
        .collect();
    fs::write(&chain, blocks[1]).unwrap();
    let client = work.path().join("client.pem");
    fs::write(&client, blocks[0]).unwrap();
    for (anchor, untrusted) in [
        (&a_client_ca, Some(&chain)),
        (&set.dir.join("client_ca.cert.pem"), None),
    ] {
        let mut cmd = openssl();
        cmd.args(["verify", "-purpose", "sslclient", "-CAfile"])
            .arg(anchor);
        if let Some(u) = untrusted {
            cmd.arg("-untrusted").arg(u);
        }
        let out = ok(cmd.arg(&client));
        assert!(out.contains(": OK"), "{out}");
    }

    // Amphora B, booted after: the new client CA, a certificate minted by
    // LocalCertGenerator from the deployed [new, old] file and the new key.
    let b_cert = work.path().join("b.pem");
    let b_id = ok(&mut octavia_issue(
        &set.dir.join("server_ca.cert.pem"),
        &set.dir.join("server_ca.key.pem"),
        &set.server_pass_file,
        &b_cert,
    ))
    .trim()
    .to_owned();
    let b_client_ca = set.dir.join("client_ca.cert.pem");
    let mut b = Agent::start_at(
        work.path(),
        "b",
        ("127.0.0.3", port),
        &b_cert,
        &b_client_ca,
        &b_id,
    );
    b.wait_ready(work.path(), "b");
    let b_created = time_from_now(0);

    // Octavia's controller, on the new deployed files, works with both.
    assert_works(
        &controller(&set.dir, &a_id, &a, None),
        "A after the rotations",
    );
    assert_works(&controller(&set.dir, &b_id, &b, None), "B");
    // And check and rehearse, with the history, play A's generation too.
    let (rehearsal, code) = set.report("rehearse");
    assert_eq!(code, Some(0), "{rehearsal:#}");
    assert_eq!(rehearsal["ok"], true, "{rehearsal:#}");
    let generations = rehearsal["generations"].as_array().unwrap();
    assert_eq!(generations.len(), 1, "{rehearsal:#}");
    assert_eq!(generations[0]["ok"], true);
    assert!(
        !generations[0]["client_ca"]
            .as_str()
            .unwrap()
            .ends_with(" G2")
    );

    let both = json!([
        amphora(&a_id, &a, &a_created),
        amphora(&b_id, &b, &b_created)
    ]);
    let (report, first) = probe(&set, work.path(), "probe-1", &both, port);
    assert_eq!(target(&report, &a_id)["status"], "ok", "{report:#}");
    assert_eq!(target(&report, &a_id)["issuer_index"], 1, "{report:#}");
    assert_eq!(target(&report, &b_id)["status"], "ok", "{report:#}");
    assert_eq!(target(&report, &b_id)["issuer_index"], 0, "{report:#}");

    // Not yet: A still serves a certificate from the old server CA.
    let unchanged = snapshot(set.tmp.path());
    let out = run(&mut finish(&set, "server-ca", &first));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&a_id) && stderr.contains("issuer_index 1"),
        "{stderr}"
    );
    assert_eq!(
        snapshot(set.tmp.path()),
        unchanged,
        "a refused finish wrote"
    );

    // Housekeeping rotates A's certificate: LocalCertGenerator from the
    // deployed files, pushed by the REST driver (PUT /1.0/certificate).
    let rotated = work.path().join("a-rotated.pem");
    ok(octavia_issue(
        &set.dir.join("server_ca.cert.pem"),
        &set.dir.join("server_ca.key.pem"),
        &set.server_pass_file,
        &rotated,
    )
    .args(["--amphora-id", &a_id]));
    assert_works(
        &controller(&set.dir, &a_id, &a, Some(&rotated)),
        "the certificate push",
    );
    let (report, second) = probe(&set, work.path(), "probe-2", &both, port);
    assert_eq!(target(&report, &a_id)["issuer_index"], 0, "{report:#}");
    ok(&mut finish(&set, "server-ca", &second));
    assert_eq!(certificates_in(&set.dir.join("server_ca.cert.pem")), 1);
    assert_works(
        &controller(&set.dir, &a_id, &a, None),
        "A after finishing the server CA",
    );
    assert_works(
        &controller(&set.dir, &b_id, &b, None),
        "B after finishing the server CA",
    );

    // The client CA: A was created before the rotation, so the
    // cross-certificate stays until it is failed over.
    let out = run(&mut finish(&set, "client-ca", &second));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&a_id) && stderr.contains("created"),
        "{stderr}"
    );
    // With A failed over (gone from the amphora list), it finishes.
    let only_b = json!([amphora(&b_id, &b, &b_created)]);
    let (_, only_b) = probe(&set, work.path(), "probe-3", &only_b, port);
    ok(&mut finish(&set, "client-ca", &only_b));
    assert_eq!(certificates_in(&set.dir.join("client.cert-and-key.pem")), 1);
    assert_works(
        &controller(&set.dir, &b_id, &b, None),
        "B after finishing the client CA",
    );

    // Negative control: without the cross-certificate, A (still running,
    // holding the old client CA) refuses the controllers.
    let verdict = controller(&set.dir, &a_id, &a, None);
    assert_eq!(verdict["ok"], false, "{verdict:#}");
    assert!(
        verdict["log"].to_string().contains("unknown ca"),
        "{verdict:#}"
    );

    // The history holds the four steps; expiry no longer reports a deadline.
    let actions = history_actions(&set.work_dir);
    assert_eq!(
        actions,
        [
            "rotate server-ca --staged",
            "rotate client-ca --staged",
            "rotate finish server-ca",
            "rotate finish client-ca"
        ]
    );
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .args(["--format", "json"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn check_reports_the_generation_a_bundle_without_its_cross_certificate_strands() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    set.stage("client-ca");
    let (report, code) = set.report("check");
    assert_eq!(code, Some(0), "{report:#}");

    // The cross-certificate removed by hand: the amphorae booted before are cut off.
    let bundle_file = set.dir.join("client.cert-and-key.pem");
    let bundle = fs::read_to_string(&bundle_file).unwrap();
    let blocks: Vec<&str> = bundle
        .split_inclusive("-----END CERTIFICATE-----\n")
        .collect();
    fs::write(&bundle_file, format!("{}{}", blocks[0], blocks[2])).unwrap();
    let (report, code) = set.report("check");
    assert_eq!(code, Some(1));
    assert_eq!(
        findings_at(&report, "error"),
        ["client-cert-untrusted@client.cert-and-key.pem"]
    );
    assert!(
        report.to_string().contains("amphorae created before"),
        "{report:#}"
    );
}

#[test]
fn check_reports_a_staged_server_ca_rotation_whose_old_ca_was_dropped() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    set.stage("server-ca");
    let (report, code) = set.report("check");
    assert_eq!(code, Some(0), "{report:#}");

    // The old CA removed by hand (an older version's renewal did the same):
    // every amphora issued before the rotation is refused.
    let server_ca = set.dir.join("server_ca.cert.pem");
    let text = fs::read_to_string(&server_ca).unwrap();
    let first = text
        .split_inclusive("-----END CERTIFICATE-----\n")
        .next()
        .unwrap();
    fs::write(&server_ca, first).unwrap();
    let (report, code) = set.report("check");
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        findings_at(&report, "error"),
        ["staged-rotation-lost@server_ca.cert.pem"]
    );
    assert!(
        report.to_string().contains("octavia-pki-history.jsonl"),
        "{report:#}"
    );
    // Without the work directory, no history says what belongs: the file
    // alone is a plain set.
    let out = run(octavia_pki()
        .arg("check")
        .arg(&set.dir)
        .arg("--passwords")
        .arg(&set.passwords));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_release_issues_from_the_staged_server_ca_file_with_the_new_ca() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    set.stage("server-ca");
    let ca_file = set.dir.join("server_ca.cert.pem");
    let verdicts = for_each_release(&octavia_releases(), |peer| {
        let out = set.tmp.path().join(format!("amphora-{}.pem", peer.version));
        peer.issue(
            &ca_file,
            &set.dir.join("server_ca.key.pem"),
            &set.server_pass_file,
            &out,
        );
        let issuer = ok(openssl()
            .args(["x509", "-noout", "-issuer", "-in"])
            .arg(&out));
        let verified = run(openssl()
            .args(["verify", "-purpose", "sslserver", "-CAfile"])
            .arg(&ca_file)
            .arg(&out));
        (peer.version.clone(), issuer, verified.status.success())
    });
    for (version, issuer, verified) in verdicts {
        assert!(issuer.trim_end().ends_with(" G2"), "{version}: {issuer}");
        assert!(verified, "{version}: openssl verify failed");
    }
}

#[test]
fn finish_needs_a_staged_rotation_and_evidence_or_force() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let at = |cmd: &mut std::process::Command| {
        cmd.arg("--dir")
            .arg(&set.dir)
            .arg("--work-dir")
            .arg(&set.work_dir);
    };
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();

    // Nothing staged: nothing to finish.
    for ca in ["server-ca", "client-ca"] {
        let mut cmd = octavia_pki();
        cmd.args(["rotate", "finish", ca, "--force"]);
        at(&mut cmd);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("no staged rotation"),
            "{}",
            stderr(&out)
        );
    }

    set.stage("client-ca");
    // Neither a report nor --force: clap says what is missing.
    let mut cmd = octavia_pki();
    cmd.args(["rotate", "finish", "client-ca"]);
    at(&mut cmd);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--probe-report"), "{}", stderr(&out));
    // --force finishes, and says what it risks; --dry-run first writes nothing.
    let before = snapshot(set.tmp.path());
    let mut cmd = octavia_pki();
    cmd.args(["rotate", "finish", "client-ca", "--force", "--dry-run"]);
    at(&mut cmd);
    ok(&mut cmd);
    assert_eq!(snapshot(set.tmp.path()), before);
    let mut cmd = octavia_pki();
    cmd.args(["rotate", "finish", "client-ca", "--force"]);
    at(&mut cmd);
    let out = ok(&mut cmd);
    assert!(out.contains("Forced: no probe report was given"), "{out}");
    assert_eq!(certificates_in(&set.dir.join("client.cert-and-key.pem")), 1);
    assert!(set.check().status.success());
}

#[test]
fn the_legacy_layout_has_no_staged_rotation() {
    let set = generate(&["--layout", "legacy", "--key-type", "ecdsa-p256"]);
    let out = run(octavia_pki()
        .args(["rotate", "server-ca", "--staged"])
        .args(set.change_args()));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("two CAs") && stderr.contains("rotate all"),
        "{stderr}"
    );
}
