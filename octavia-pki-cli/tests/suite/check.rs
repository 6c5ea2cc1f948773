//! `octavia-pki check`: its findings on one directory per rule (made by
//! testdata/make-check-fixtures.py with Python's cryptography and OpenSSL),
//! and its verdict against Octavia's own code path on the same directory.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::*;
use serde_json::Value;

/// The fixture directories, made once per test run, at test time (several
/// are relative to now: expired, expiring soon).
fn fixtures() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/make-check-fixtures.py");
        ok(peer_python().arg(script).arg(dir.path()));
        dir
    })
    .path()
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").exists())
        .collect();
    cases.sort();
    cases
}

fn check_json(dir: &Path, extra: &[&str]) -> (Value, Option<i32>) {
    let out = run(octavia_pki()
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code())
}

/// The case's expectations.
fn expectations(case: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(case.join("expect.json")).unwrap()).unwrap()
}

/// `--layout L --passwords P` for a case.
fn case_args(case: &Path, expect: &Value) -> Vec<String> {
    vec![
        "--layout".into(),
        expect["layout"].as_str().unwrap().into(),
        "--passwords".into(),
        case.join("passwords.yml").display().to_string(),
    ]
}

/// Our findings on one case for every release at once (the default): the
/// exact errors, the wanted warnings and infos, a message and fix on every
/// error, and the exit status.
fn judge_all_releases(case: &Path) -> Result<(), String> {
    let expect = expectations(case);
    let args = case_args(case, &expect);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (report, status) = check_json(case, &args);
    let errors = findings_at(&report, "error");
    let mut problems = Vec::new();
    if errors != strings(&expect["errors"]) {
        problems.push(format!(
            "errors {errors:?}, expected {:?}",
            strings(&expect["errors"])
        ));
    }
    for (severity, key) in [("warning", "warnings"), ("info", "infos")] {
        let found = findings_at(&report, severity);
        for wanted in strings(&expect[key]) {
            if !found.contains(&wanted) {
                problems.push(format!("missing {severity} {wanted} (found {found:?})"));
            }
        }
    }
    if status != Some(if errors.is_empty() { 0 } else { 1 }) {
        problems.push(format!(
            "exit status {status:?} with {} errors",
            errors.len()
        ));
    }
    // Every error names the symptom and a fix.
    for f in report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
    {
        if f["fix"].as_str().unwrap_or("").is_empty()
            || f["message"].as_str().unwrap_or("").is_empty()
        {
            problems.push(format!("finding without message or fix: {f}"));
        }
    }
    verdict(case, "all releases", problems)
}

fn verdict(case: &Path, on: &str, problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        let name = case.file_name().unwrap().to_string_lossy();
        Err(format!("{name} ({on}): {}", problems.join("; ")))
    }
}

/// Our `check` and `rehearse --octavia-version V` on one case, against that
/// release's own verdict (`octavia`) on the same directory.
fn judge_release(case: &Path, version: &str, octavia: &Value) -> Result<(), String> {
    let expect = expectations(case);
    let mut args = case_args(case, &expect);
    args.extend(["--octavia-version".into(), version.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (report, status) = check_json(case, &args);
    let errors = findings_at(&report, "error");
    let expected = expect["errors_by_release"]
        .get(version)
        .unwrap_or(&expect["errors"]);
    let mut problems = Vec::new();
    if errors != strings(expected) {
        problems.push(format!(
            "errors {errors:?}, expected {:?}",
            strings(expected)
        ));
    }
    if status != Some(if errors.is_empty() { 0 } else { 1 }) {
        problems.push(format!(
            "exit status {status:?} with {} errors",
            errors.len()
        ));
    }
    let octavia_ok = octavia["ok"] == true;
    // Our rehearsal's verdict, and where both fail in the handshake, the same
    // messages on both sides.
    let ours = run(octavia_pki()
        .arg("rehearse")
        .arg(case)
        .args(["--format", "json"])
        .args(&args));
    let rehearsal: Value = serde_json::from_slice(&ours.stdout).unwrap_or(Value::Null);
    if ours.status.success() != octavia_ok {
        problems.push(format!(
            "rehearse says {}, Octavia {}",
            ours.status.success(),
            octavia_ok
        ));
    }
    if !octavia_ok && octavia["stage"] == "handshake" {
        for side in ["controller", "amphora"] {
            let (Some(mine), Some(real)) =
                (rehearsal["failure"][side].as_str(), octavia[side].as_str())
            else {
                continue;
            };
            if mine.starts_with("Enter PEM pass phrase") {
                continue; // OpenSSL prompts; unattended, Python reports an I/O error instead
            }
            // In TLS 1.3 (19.0.0 negotiates it) the client finishes its side
            // of the handshake before the amphora verifies its certificate:
            // the amphora's alert then races its closing of the connection,
            // and the controller sees either the alert or the connection end.
            if side == "controller"
                && rehearsal["failure"]["side"] == "amphora"
                && (real.contains("EOF occurred in violation of protocol")
                    || real.contains("Connection reset by peer"))
                && octavia["tls_version"].is_null()
                && version_negotiates_tls13(version)
            {
                continue;
            }
            let core = mine
                .rsplit("certificate verify failed: ")
                .next()
                .unwrap_or(mine);
            if !real.to_lowercase().contains(&core.to_lowercase()) {
                problems.push(format!(
                    "{side} would log \"{real}\", the rehearsal says \"{mine}\""
                ));
            }
        }
    }
    // Octavia works exactly when we report no error, but for the security
    // findings: with a published key Octavia works, and anyone can command it.
    let failing = errors.iter().filter(|e| {
        !octavia_pki::codes::EXPOSING
            .iter()
            .any(|c| e.starts_with(&format!("{}@", c.id())))
    });
    if octavia_ok != (failing.count() == 0) {
        problems.push(format!(
            "verdict differs from Octavia's: ours {}, Octavia {} ({octavia})",
            if errors.is_empty() { "works" } else { "fails" },
            if octavia_ok { "works" } else { "fails" },
        ));
    }
    verdict(case, &format!("Octavia {version}"), problems)
}

/// Whether the release's controller negotiates TLS 1.3 (19.0.0 on; see
/// octavia-pki/src/release.rs).
fn version_negotiates_tls13(version: &str) -> bool {
    version.split('.').next().unwrap().parse::<u32>().unwrap() >= 19
}

#[test]
fn every_rule_fixture_gets_the_right_findings_and_each_releases_verdict() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} fixture cases", cases.len());
    let releases = octavia_releases();
    // Each release's own verdict on every case: one Python process per release.
    let jobs: Vec<Value> = cases
        .iter()
        .map(|case| {
            let expect = expectations(case);
            serde_json::json!({
                "dir": case,
                "layout": expect["layout"],
                "passwords": case.join("passwords.yml"),
            })
        })
        .collect();
    let verdicts = for_each_release(&releases, |r| r.rehearse_batch(&jobs));
    let mut failures: Vec<String> = cases
        .iter()
        .filter_map(|c| judge_all_releases(c).err())
        .collect();
    let judged = for_each_release(&releases, |r| {
        let on = &verdicts[releases
            .iter()
            .position(|x| x.version == r.version)
            .unwrap()];
        cases
            .iter()
            .zip(on)
            .filter_map(|(case, octavia)| judge_release(case, &r.version, octavia).err())
            .collect::<Vec<_>>()
    });
    failures.extend(judged.into_iter().flatten());
    assert!(
        failures.is_empty(),
        "{} judgements of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let case = fixtures().join("bundle-key-only");
    let (report, status) = check_json(
        &case,
        &["--passwords", case.join("passwords.yml").to_str().unwrap()],
    );
    assert_eq!(status, Some(1));
    assert_eq!(report["dir"], case.to_str().unwrap());
    assert_eq!(report["layout"], "kolla");
    let f = &report["findings"][0];
    for field in ["code", "severity", "file", "message", "symptom", "fix"] {
        assert!(f.get(field).is_some(), "finding lacks {field}: {f}");
    }
    assert_eq!(f["code"], "bundle-no-certificate");
    assert_eq!(f["file"], "client.cert-and-key.pem");
    assert!(f["symptom"].as_str().unwrap().contains("PEM lib"));
    let s = &report["summary"];
    assert_eq!(s["errors"], 1);
    assert!(s.get("warnings").is_some() && s.get("infos").is_some());
}

#[test]
fn human_output_groups_by_file_and_ends_with_a_verdict() {
    let case = fixtures().join("good-crlf-bom-text");
    let out = ok(octavia_pki()
        .arg("check")
        .arg(&case)
        .arg("--passwords")
        .arg(case.join("passwords.yml")));
    assert!(
        out.contains("\nserver_ca.cert.pem\n") && out.contains("crlf-line-endings"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("OK: Octavia will work"),
        "{out}"
    );
    let case = fixtures().join("wrong-passphrase");
    let out = run(octavia_pki()
        .arg("check")
        .arg(&case)
        .arg("--passwords")
        .arg(case.join("passwords.yml")));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("symptom: Could not sign the certificate request: Incorrect password"),
        "{text}"
    );
    assert!(
        text.trim_end().lines().last().unwrap().starts_with("FAIL"),
        "{text}"
    );
    assert!(
        !text.contains("\x1b["),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn without_a_passphrase_the_key_checks_are_reported_as_not_run() {
    let case = fixtures().join("good-rsa");
    let (report, status) = check_json(&case, &[]);
    assert_eq!(status, Some(0));
    assert!(
        findings_at(&report, "info")
            .contains(&"passphrase-not-available@server_ca.key.pem".to_owned())
    );
    // A passphrase file works as well as passwords.yml.
    let pass = fixtures().join("pass.txt");
    fs::write(&pass, "CheckFixturePass1\n").unwrap();
    let (report, status) = check_json(&case, &["--passphrase-file", pass.to_str().unwrap()]);
    assert_eq!((status, findings_at(&report, "info")), (Some(0), vec![]));
}

#[test]
fn the_layout_is_detected() {
    let case = fixtures().join("good-legacy");
    let (report, status) = check_json(
        &case,
        &["--passwords", case.join("passwords.yml").to_str().unwrap()],
    );
    assert_eq!(
        (report["layout"].as_str(), status),
        (Some("legacy"), Some(0))
    );
}

#[test]
fn sets_made_by_generate_check_clean_in_both_layouts() {
    for args in [
        &["--key-type", "ecdsa-p256"][..],
        &["--layout", "legacy", "--key-type", "rsa-2048"],
    ] {
        let set = generate(args);
        let passwords = set.passwords.to_str().unwrap();
        // Every release whose own amphora certificates pass Python 3.13's
        // strict verification: nothing to say.
        let (report, status) = check_json(
            &set.dir,
            &[
                "--passwords",
                passwords,
                "--strict",
                "--octavia-version",
                "16.1.0,17.0.1,18.0.1,19.0.0",
            ],
        );
        assert_eq!(status, Some(0), "{report}");
        assert_eq!(report["summary"]["errors"], 0);
        assert_eq!(report["summary"]["warnings"], 0, "{report}");
        // Every release: the files are fine, but the release that issues
        // amphora certificates without key identifiers and whose controllers
        // verify strictly (urllib3 2.3 and later on Python 3.13: 18.0.0)
        // fails, which no file can fix: a warning naming it.
        let (report, status) = check_json(&set.dir, &["--passwords", passwords, "--strict"]);
        assert_eq!(status, Some(0), "{report}");
        assert_eq!(
            findings_at(&report, "warning"),
            ["octavia-release-strict-no-aki@-"],
            "{report}"
        );
        let message = report["findings"][0]["message"].as_str().unwrap();
        assert!(message.contains("on Octavia 18.0.0,"), "{message}");
    }
}

#[test]
fn the_strict_flag_turns_strict_findings_into_errors() {
    let case = fixtures().join("strict-lax-server-ca");
    let pw = case.join("passwords.yml");
    let (_, status) = check_json(&case, &["--passwords", pw.to_str().unwrap()]);
    assert_eq!(status, Some(0));
    let (report, status) = check_json(&case, &["--passwords", pw.to_str().unwrap(), "--strict"]);
    assert_eq!(status, Some(1));
    assert!(
        findings_at(&report, "error").contains(&"strict-ca-no-ski@server_ca.cert.pem".to_owned())
    );
}

#[test]
fn bad_input_is_a_finding_never_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Random bytes, a symlink loop, a directory, a huge file, a non-UTF-8 passwords.yml.
    let mut noise = vec![0u8; 4096];
    let mut x: u32 = 2463534242;
    for b in noise.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    fs::write(d.join("server_ca.cert.pem"), &noise).unwrap();
    std::os::unix::fs::symlink(d.join("server_ca.key.pem"), d.join("server_ca.key.pem")).unwrap();
    fs::create_dir(d.join("client_ca.cert.pem")).unwrap();
    fs::write(
        d.join("client.cert-and-key.pem"),
        vec![b'A'; 3 * 1024 * 1024],
    )
    .unwrap();
    fs::write(d.join("pw.yml"), b"\xff\xfe\x00garbage").unwrap();
    let (report, status) = check_json(d, &["--passwords", d.join("pw.yml").to_str().unwrap()]);
    assert_eq!(status, Some(1));
    let errors = findings_at(&report, "error");
    for expected in [
        "no-pem-block@server_ca.cert.pem",
        "not-a-file@server_ca.key.pem",
        "not-a-file@client_ca.cert.pem",
        "file-too-large@client.cert-and-key.pem",
        "password-missing@passwords.yml",
    ] {
        assert!(
            errors.contains(&expected.to_owned()),
            "{expected} not in {errors:?}"
        );
    }
    // PEM-shaped garbage: a BEGIN line with junk, and unbalanced labels.
    fs::write(
        d.join("server_ca.cert.pem"),
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let (report, _) = check_json(d, &[]);
    assert!(
        findings_at(&report, "error").contains(&"corrupt-pem@server_ca.cert.pem".to_owned()),
        "{report}"
    );
    fs::write(
        d.join("server_ca.cert.pem"),
        b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let (report, _) = check_json(d, &[]);
    assert!(
        findings_at(&report, "error")
            .contains(&"unreadable-certificate@server_ca.cert.pem".to_owned()),
        "{report}"
    );
}

#[test]
fn a_directory_that_cannot_be_read_exits_2() {
    let out = run(octavia_pki().args(["check", "/nonexistent/octavia"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/octavia"));
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f");
    fs::write(&file, "x").unwrap();
    assert_eq!(
        run(octavia_pki().arg("check").arg(&file)).status.code(),
        Some(2)
    );
    let out = run(octavia_pki()
        .arg("check")
        .arg(tmp.path())
        .args(["--passwords", "/nonexistent/passwords.yml"]));
    assert_eq!(out.status.code(), Some(2));
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn explain_prints_cause_symptom_and_fix_for_every_code() {
    let list = ok(octavia_pki().args(["explain", "--list"]));
    let ids: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(ids.len() >= 40, "{list}");
    for id in ids {
        let text = ok(octavia_pki().args(["explain", id]));
        assert!(text.starts_with(id) && text.contains("Fix: "), "{text}");
    }
    let text = ok(octavia_pki().args(["explain", "bundle-key-mismatch"]));
    assert!(
        text.contains("Symptom: [SSL: KEY_VALUES_MISMATCH] key values mismatch"),
        "{text}"
    );
    // Merged codes: the old ids are still explained, under the new one.
    for (old, new) in [
        ("passwords-unusable", "password-missing"),
        ("passphrase-dollar", "password-unusable"),
    ] {
        let text = ok(octavia_pki().args(["explain", old]));
        assert!(text.contains(&format!("({old} is now {new})")), "{text}");
        assert!(
            !list.lines().any(|l| l.starts_with(&format!("{old} "))),
            "{old} is listed"
        );
    }
    let out = run(octavia_pki().args(["explain", "no-such-code"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("explain --list"));
}

/// Codes no committed fixture directory can show, and the test that shows each instead.
const SHOWN_ELSEWHERE: &[(&str, &str)] = &[
    // probe bounds its connections by the descriptor limit, so no run of it
    // here exhausts them: the errors that would are classified in a unit test.
    (
        "local-resources-exhausted",
        "running_out_of_descriptors_is_local_and_a_refusal_is_not in octavia-pki/src/probe/fds.rs",
    ),
    // RHOSO's GA-era Secrets, rebuilt from the operator's source.
    (
        "client-ca-key-lost",
        "rhoso_and_genestack_secrets_are_read_as_their_deployers_make_them in tests/suite/forms.rs",
    ),
    // A run of this tool killed half-way.
    (
        "interrupted-write",
        "check_reports_an_interrupted_write_until_it_is_recovered in tests/suite/recovery.rs",
    ),
    // A work directory's history and a staged rotation made by this tool.
    (
        "staged-rotation-lost",
        "check_reports_a_staged_server_ca_rotation_whose_old_ca_was_dropped in tests/suite/staged_rotation.rs",
    ),
    // Judged against the real Ansible and oslo.config (the peers' venvs).
    (
        "password-not-as-written",
        "passphrases_are_read_as_ansible_renders_them_and_oslo_config_reads_them in tests/suite/trust.rs",
    ),
    // Two directories (the deployed set and another's work directory) and
    // runs killed at each rename.
    (
        "work-dir-mismatch",
        "another_sets_work_directory_is_refused_and_reported in tests/suite/trust.rs",
    ),
    // Git keeps no mode 000, and CI runs as root, who reads anyway.
    (
        "unreadable-file",
        "a_file_that_cannot_be_read_is_unreadable_file in octavia-pki/tests/rules.rs",
    ),
    // Encrypted by the real ansible-vault, which CI installs beside kolla-ansible.
    (
        "vaulted-file",
        "files_ansible_vault_encrypted_are_read_with_the_vault_password in tests/suite/vault.rs",
    ),
    // Read from octavia.conf, or about a server_ca file of its own: the
    // deployers' sets and their variants, against every Octavia release.
    (
        "config-continuation",
        "section_names_and_continuation_lines_are_judged_as_octavia_reads_them in tests/suite/octavia_conf.rs",
    ),
    (
        "config-reference",
        "check_and_rehearse_agree_with_every_release_on_every_deployers_set in tests/suite/deployers.rs",
    ),
    (
        "server-certs-key-passphrase-invalid",
        "check_and_rehearse_agree_with_every_release_on_every_deployers_set in tests/suite/deployers.rs",
    ),
    (
        "server-ca-missing-issuer",
        "check_and_rehearse_agree_with_every_release_on_every_deployers_set in tests/suite/deployers.rs",
    ),
    (
        "ca-short-lived",
        "check_and_rehearse_agree_with_every_release_on_every_deployers_set in tests/suite/deployers.rs (the charm's recipe)",
    ),
    (
        "one-ca-both-roles",
        "check_and_rehearse_agree_with_every_release_on_every_deployers_set in tests/suite/deployers.rs (the single-CA gate script)",
    ),
    (
        "cert-manager-rotates-ca-key",
        "cert_manager_rekeying_a_ca_is_reported in tests/suite/deployers.rs",
    ),
    // A host read through octavia.conf, against Octavia run as the service user.
    (
        "service-user-cannot-read",
        "node_check_agrees_with_octavia_run_as_the_service_user in tests/suite/deployers.rs",
    ),
    (
        "key-readable-beyond-service",
        "node_check_agrees_with_octavia_run_as_the_service_user in tests/suite/deployers.rs",
    ),
    // The catch-all for a handshake failure no rule names: no set of files is
    // known to reach it; the mapping is unit-tested in check/rules/rehearsal_failed.rs.
    ("rehearsal-failed", "check::rules::rehearsal_failed::tests"),
    // Only under --strict: sets_made_by_generate_check_clean_in_both_layouts.
    (
        "octavia-release-strict-no-aki",
        "sets_made_by_generate_check_clean_in_both_layouts",
    ),
];

/// Every code `expect.json` (testdata/check) or `expect` (testdata/deploy) names.
/// (The probe's statuses are asserted in tests/suite/probe.rs, against the real agent.)
fn codes_expected_by_fixtures() -> std::collections::BTreeSet<String> {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let mut codes = std::collections::BTreeSet::new();
    for entry in fs::read_dir(testdata.join("check")).unwrap() {
        let Ok(text) = fs::read_to_string(entry.unwrap().path().join("expect.json")) else {
            continue;
        };
        let expect: Value = serde_json::from_str(&text).unwrap();
        let mut lists = vec![&expect["errors"], &expect["warnings"], &expect["infos"]];
        if let Some(by_release) = expect["errors_by_release"].as_object() {
            lists.extend(by_release.values());
        }
        for finding in lists.into_iter().flat_map(strings) {
            codes.insert(finding.split('@').next().unwrap().to_owned());
        }
    }
    for entry in fs::read_dir(testdata.join("node/cases")).unwrap() {
        let Ok(text) = fs::read_to_string(entry.unwrap().path().join("expect.json")) else {
            continue;
        };
        let expect: Value = serde_json::from_str(&text).unwrap();
        for finding in [&expect["errors"], &expect["warnings"]]
            .into_iter()
            .flat_map(strings)
        {
            codes.insert(finding.split('@').next().unwrap().to_owned());
        }
    }
    for entry in fs::read_dir(testdata.join("deploy")).unwrap() {
        let Ok(text) = fs::read_to_string(entry.unwrap().path().join("expect")) else {
            continue;
        };
        codes.extend(text.split_whitespace().step_by(2).map(str::to_owned));
    }
    codes
}

#[test]
fn every_code_is_registered_listed_explained_and_expected_by_a_fixture() {
    let registered: Vec<&str> = octavia_pki::codes::all().map(|c| c.id()).collect();
    let list = ok(octavia_pki().args(["explain", "--list"]));
    let listed: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(listed, registered, "explain --list is not the catalogue");
    let expected = codes_expected_by_fixtures();
    // The probe's statuses are shown against Octavia's own amphora agent (in
    // two files), and
    // node check's codes on kolla-rendered nodes (and broken copies of them).
    let read =
        |path: &str| fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let probe_tests = [
        read("tests/suite/probe.rs"),
        read("tests/suite/client_ca_deadline.rs"),
    ]
    .concat();
    let node_tests = [
        read("tests/suite/node.rs"),
        read("../octavia-pki/tests/suite/node.rs"),
    ]
    .concat();
    let unshown: Vec<&str> = registered
        .iter()
        .copied()
        .filter(|id| !expected.contains(*id))
        .filter(|id| {
            let code = octavia_pki::codes::Code::find(id).unwrap();
            match code.info().namespace {
                "probe" => !probe_tests.contains(&format!("\"{id}\"")),
                "node" => !node_tests.contains(&format!("\"{id}@")),
                _ => true,
            }
        })
        .filter(|id| !SHOWN_ELSEWHERE.iter().any(|(code, _)| code == id))
        .collect();
    assert!(unshown.is_empty(), "no fixture expects {unshown:?}");
    for (code, _) in SHOWN_ELSEWHERE {
        assert!(registered.contains(code), "{code} is no code");
        assert!(
            !expected.contains(*code),
            "{code} has a fixture now: drop it from SHOWN_ELSEWHERE"
        );
    }
}

fn rehearse_json(case: &Path, extra: &[&str]) -> (Value, Option<i32>) {
    let out = run(octavia_pki()
        .arg("rehearse")
        .arg(case)
        .args(["--format", "json", "--passwords"])
        .arg(case.join("passwords.yml"))
        .args(extra));
    (
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        out.status.code(),
    )
}

#[test]
fn rehearse_succeeds_on_good_sets_in_both_tls_versions_with_a_transcript() {
    for case in [
        "good-rsa",
        "good-ecdsa",
        "good-intermediates",
        "good-legacy",
        "good-kolla-recipe",
    ] {
        let (r, status) = rehearse_json(&fixtures().join(case), &[]);
        assert_eq!(status, Some(0), "{case}: {r}");
        assert_eq!(r["ok"], true);
        let steps: Vec<&str> = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(
            steps.iter().any(|s| s.contains("TLSv1_2"))
                && steps.iter().any(|s| s.contains("TLSv1_3")),
            "{steps:?}"
        );
        assert!(r["amphora_id"].as_str().unwrap().len() == 36);
    }
    let case = fixtures().join("good-rsa");
    let text = ok(octavia_pki()
        .arg("rehearse")
        .arg(&case)
        .arg("--passwords")
        .arg(case.join("passwords.yml")));
    assert!(
        text.contains("[ok] controller issues the amphora certificate"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("OK: the controller and the amphora complete mutual TLS."),
        "{text}"
    );
}

#[test]
fn rehearse_names_the_side_both_messages_and_the_culprit() {
    // The issue's own examples: a client certificate from another PKI.
    let (r, status) = rehearse_json(&fixtures().join("client-from-other-pki"), &[]);
    assert_eq!(status, Some(1));
    let f = &r["failure"];
    assert_eq!(f["side"], "amphora");
    assert_eq!(f["controller"], "tlsv1 alert unknown ca");
    assert_eq!(
        f["amphora"],
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"
    );
    assert_eq!(f["file"], "client.cert-and-key.pem");
    // The server CA's key signs amphora certificates its certificate does not name.
    let (r, _) = rehearse_json(&fixtures().join("server-key-mismatch"), &[]);
    assert_eq!(r["failure"]["side"], "controller");
    assert_eq!(
        r["failure"]["controller"],
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate signature failure"
    );
    // Octavia's own message for a wrong passphrase, before any handshake.
    let (r, _) = rehearse_json(&fixtures().join("wrong-passphrase"), &[]);
    assert_eq!(
        r["failure"]["controller"],
        "Could not sign the certificate request: Incorrect password, could not decrypt key"
    );
    assert_eq!(r["failure"]["file"], "server_ca.key.pem");
    let case = fixtures().join("bundle-key-only");
    let text = String::from_utf8_lossy(
        &run(octavia_pki()
            .arg("rehearse")
            .arg(&case)
            .arg("--passwords")
            .arg(case.join("passwords.yml")))
        .stdout,
    )
    .into_owned();
    assert!(
        text.contains("controller logs: [SSL] PEM lib")
            && text.contains("culprit: client.cert-and-key.pem"),
        "{text}"
    );
}

#[test]
fn rehearse_strict_adds_python_3_13_verification() {
    let case = fixtures().join("strict-lax-server-ca");
    assert_eq!(rehearse_json(&case, &[]).1, Some(0));
    let (r, status) = rehearse_json(&case, &["--strict"]);
    assert_eq!(status, Some(1));
    assert!(
        r["failure"]["controller"]
            .as_str()
            .unwrap()
            .contains("Basic Constraints of CA cert not marked critical"),
        "{r}"
    );
}

#[test]
fn rehearse_exits_2_when_it_cannot_run() {
    let out = run(octavia_pki().args(["rehearse", "/nonexistent/octavia"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/octavia"));
}

/// A foreign root as anyone makes one with OpenSSL: "Evil Corp Root",
/// self-signed, ten years, a CA in every respect; its PEM, and its key's file.
fn evil_root(dir: &Path) -> (Vec<u8>, PathBuf) {
    let (cert, key) = (dir.join("evil.pem"), dir.join("evil.key"));
    ok(openssl()
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:P-256", "-nodes", "-days", "3650"])
        .args(["-subj", "/O=Evil Corp/CN=Evil Corp Root"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert));
    (fs::read(&cert).unwrap(), key)
}

/// `file` with `pem` appended; the file as it was.
fn append(file: &Path, pem: &[u8]) -> Vec<u8> {
    let before = fs::read(file).unwrap();
    fs::write(file, [before.as_slice(), pem].concat()).unwrap();
    before
}

/// `check ARGS --format json`: the report and the exit status.
fn check_with(args: &[&std::ffi::OsStr]) -> (Value, Option<i32>) {
    let out = run(octavia_pki().args(["check", "--format", "json"]).args(args));
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check {args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code())
}

/// The messages of the report's `foreign-certificate-trusted` findings.
fn foreign(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "foreign-certificate-trusted")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

/// The foreign root appended to `trust` (the file `option` names) is the
/// one finding of `check ARGS` (besides `also`, what the set itself
/// causes): an error counted as exposing, naming the option, the root's
/// subject, issuer and not-after, what its key holder can do, the path to
/// remove it from, and how the staged rotation was judged.
fn assert_foreign_root_reported(
    args: &[&std::ffi::OsStr],
    trust: &Path,
    option: &str,
    judged: &str,
    also: &[&str],
) {
    let (report, status) = check_with(args);
    assert_eq!(status, Some(1), "{report:#}");
    let messages = foreign(&report);
    assert_eq!(messages.len(), 1, "{args:?}: {report:#}");
    let message = &messages[0];
    for needle in [
        &format!("{option} trusts \"O=Evil Corp, CN=Evil Corp Root\""),
        "issued by \"O=Evil Corp, CN=Evil Corp Root\", valid until 20",
        "Whoever holds its key can",
        &format!("Remove it from {} and deploy", trust.display()),
        judged,
    ] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    let errors: Vec<String> = findings_at(&report, "error")
        .into_iter()
        .filter(|f| !f.starts_with("foreign-certificate-trusted@"))
        .filter(|f| !also.iter().any(|a| f.starts_with(&format!("{a}@"))))
        .collect();
    assert!(errors.is_empty(), "{args:?}: {report:#}");
    assert_eq!(
        report["summary"]["exposing"], report["summary"]["errors"],
        "Octavia works: {report:#}"
    );
}

/// The case: an "Evil Corp Root" appended to the server CA file or
/// the client CA file passed `check --work-dir` with no finding. Reported in
/// kolla's layout and through the certificate guide's octavia.conf drop-in,
/// with and without the work directory; and OpenSSL, given the file, does
/// accept what the root's key signs.
#[test]
fn a_foreign_root_in_a_trust_file_is_reported_with_and_without_the_work_dir() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (evil, evil_key) = evil_root(set.tmp.path());
    let pass = set.server_pass_file.as_os_str();
    let dir = set.dir.as_os_str();
    let work = set.work_dir.as_os_str();
    for (file, option, side) in [
        (
            "server_ca.cert.pem",
            "[haproxy_amphora] server_ca",
            "pose as one",
        ),
        (
            "client_ca.cert.pem",
            "[controller_worker] client_ca",
            "command their agents",
        ),
    ] {
        let trust = set.dir.join(file);
        let before = append(&trust, &evil);
        let staged_note = |with: bool| match (with, file) {
            (_, "client_ca.cert.pem") => side.to_owned(),
            (true, _) => format!(
                "history, {}, records no unfinished `rotate server-ca --staged`",
                set.work_dir.join("octavia-pki-history.jsonl").display()
            ),
            (false, _) => "without --work-dir".to_owned(),
        };
        let with_work_dir = [
            dir,
            "--work-dir".as_ref(),
            work,
            "--passphrase-file".as_ref(),
            pass,
        ];
        assert_foreign_root_reported(&with_work_dir, &trust, option, &staged_note(true), &[]);
        let without = [dir, "--passphrase-file".as_ref(), pass];
        assert_foreign_root_reported(&without, &trust, option, &staged_note(false), &[]);
        assert_foreign_root_reported(&without, &trust, option, side, &[]);
        // For people: Octavia works, but not for it alone.
        let out = run(octavia_pki().arg("check").args(without));
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(
                "UNSAFE: Octavia will work with these files, but they trust a certificate that \
                 is not the set's: remove it"
            ),
            "{text}"
        );
        fs::write(&trust, before).unwrap();
    }
    // What the finding says, OpenSSL does: a leaf the root's key signs
    // verifies against the file with the root appended.
    let (leaf_key, csr, leaf) = (
        set.tmp.path().join("leaf.key"),
        set.tmp.path().join("leaf.csr"),
        set.tmp.path().join("leaf.pem"),
    );
    ok(openssl()
        .args(["req", "-new", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=impostor"])
        .arg("-keyout")
        .arg(&leaf_key)
        .arg("-out")
        .arg(&csr));
    ok(openssl()
        .args(["x509", "-req", "-days", "30", "-in"])
        .arg(&csr)
        .arg("-CA")
        .arg(set.tmp.path().join("evil.pem"))
        .arg("-CAkey")
        .arg(&evil_key)
        .arg("-out")
        .arg(&leaf));
    let trust = set.dir.join("server_ca.cert.pem");
    let verify = |cmd: &mut std::process::Command| run(cmd.arg(&leaf)).status.success();
    assert!(!verify(openssl().args(["verify", "-CAfile"]).arg(&trust)));
    let before = append(&trust, &evil);
    assert!(verify(openssl().args(["verify", "-CAfile"]).arg(&trust)));
    fs::write(&trust, before).unwrap();

    // The certificate guide's files, named by its octavia.conf drop-in.
    let tmp = tempfile::tempdir().unwrap();
    let (certs, ca) = (tmp.path().join("certs"), tmp.path().join("ca"));
    ok(octavia_pki()
        .args(["generate", "--layout", "guide", "--key-type", "ecdsa-p256"])
        .arg("--dir")
        .arg(&certs)
        .arg("--work-dir")
        .arg(&ca));
    let conf = certs.join("octavia-pki.conf");
    for (file, option) in [
        ("server_ca.cert.pem", "[haproxy_amphora] server_ca"),
        ("client_ca.cert.pem", "[controller_worker] client_ca"),
    ] {
        let trust = certs.join(file);
        let before = append(&trust, &evil);
        let with_conf = ["--config-file".as_ref(), conf.as_os_str()];
        let judged = if file.starts_with("server") {
            "without --work-dir"
        } else {
            "failed over"
        };
        assert_foreign_root_reported(&with_conf, &trust, option, judged, &[]);
        let with_work_dir = [
            "--config-file".as_ref(),
            conf.as_os_str(),
            "--work-dir".as_ref(),
            ca.as_os_str(),
        ];
        let judged = if file.starts_with("server") {
            "records no unfinished"
        } else {
            "failed over"
        };
        assert_foreign_root_reported(&with_work_dir, &trust, option, judged, &[]);
        fs::write(&trust, before).unwrap();
    }
}

/// Octavia's gate script's set (its own openssl recipe): the controllers
/// trust the issuing intermediate and its root, the amphorae the client
/// root and an intermediate beside it. That is the set's chain, no finding;
/// a foreign root appended to either file is one, through its octavia.conf
/// and by its directory.
#[test]
fn the_gate_scripts_chains_belong_and_a_foreign_root_beside_them_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let gate = tmp.path().join("gate");
    crate::deployers::make("gate", &gate);
    let (evil, _) = evil_root(tmp.path());
    let conf = gate.join("octavia.conf");
    let with_conf = ["--config-file".as_ref(), conf.as_os_str()];
    let pass = tmp.path().join("gate.pass");
    fs::write(&pass, "not-secure-passphrase\n").unwrap();
    let certs = gate.join("certs");
    let by_dir = [
        certs.as_os_str(),
        "--passphrase-file".as_ref(),
        pass.as_os_str(),
    ];
    // The gate's published passphrase is its one error, with or without a root appended.
    let published = ["publicly-known-passphrase"];
    for args in [&with_conf[..], &by_dir[..]] {
        let (report, _) = check_with(args);
        assert!(foreign(&report).is_empty(), "{args:?}: {report:#}");
        let errors = findings_at(&report, "error");
        assert!(
            errors.len() == 1 && errors[0].starts_with("publicly-known-passphrase@"),
            "{args:?}: {report:#}"
        );
    }
    for (file, option) in [
        ("server_ca-chain.cert.pem", "[haproxy_amphora] server_ca"),
        ("client_ca.cert.pem", "[controller_worker] client_ca"),
    ] {
        let trust = certs.join(file);
        let before = append(&trust, &evil);
        for args in [&with_conf[..], &by_dir[..]] {
            assert_foreign_root_reported(args, &trust, option, "(certificate 3 of 3", &published);
        }
        fs::write(&trust, before).unwrap();
    }
}

/// What the lifecycle leaves in the trust files is the set's: a staged
/// server CA rotation in flight (the old CA after the new one) and a renewal
/// that keeps the earlier certificate of the key (another key identifier)
/// are no finding, with or without the work directory. The history is what
/// vouches for a staged rotation's old CA when the work directory is given:
/// without it, or once the rotation is finished, the old CA is one.
#[test]
fn what_staged_rotations_and_renewals_leave_belongs_and_the_history_vouches_for_it() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let with_work_dir = |extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> = vec![
            set.dir.clone().into(),
            "--work-dir".into(),
            set.work_dir.clone().into(),
            "--passwords".into(),
            set.passwords.clone().into(),
        ];
        args.extend(extra.iter().map(Into::into));
        args
    };
    let without = vec![
        set.dir.clone().into_os_string(),
        "--passwords".into(),
        set.passwords.clone().into(),
    ];
    let judge = |args: &[std::ffi::OsString]| {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        check_with(&args)
    };
    let clean = |args: &[std::ffi::OsString], what: &str| {
        let (report, status) = judge(args);
        assert_eq!(status, Some(0), "{what}: {report:#}");
        assert_eq!(report["summary"]["warnings"], 0, "{what}: {report:#}");
        assert!(foreign(&report).is_empty(), "{what}: {report:#}");
    };
    let trust = set.dir.join("server_ca.cert.pem");
    let certificates = || {
        fs::read_to_string(&trust)
            .unwrap()
            .matches("-----BEGIN CERTIFICATE-----")
            .count()
    };

    set.stage("server-ca");
    assert_eq!(certificates(), 2);
    clean(&with_work_dir(&[]), "staged, with the work directory");
    clean(&without, "staged, without it");
    // A foreign root beside the staged pair is still one.
    let (evil, _) = evil_root(set.tmp.path());
    let staged = append(&trust, &evil);
    for args in [with_work_dir(&[]), without.clone()] {
        let (report, status) = judge(&args);
        assert_eq!((status, foreign(&report).len()), (Some(1), 1), "{report:#}");
        assert!(
            foreign(&report)[0].contains("certificate 3 of 3"),
            "{report:#}"
        );
    }
    fs::write(&trust, &staged).unwrap();
    // The history is what vouches: without its record, the old CA is foreign.
    let history = set.work_dir.join("octavia-pki-history.jsonl");
    let recorded = fs::read(&history).unwrap();
    fs::remove_file(&history).unwrap();
    let (report, status) = judge(&with_work_dir(&[]));
    assert_eq!(status, Some(1), "{report:#}");
    let messages = foreign(&report);
    assert!(
        messages.len() == 1
            && messages[0].contains("(certificate 2 of 2")
            && messages[0].contains("CN=server-ca.example.org\"")
            && messages[0].contains("records no unfinished"),
        "{report:#}"
    );
    fs::write(&history, recorded).unwrap();
    // Finished: the old CA put back (from the file before) has no business there.
    ok(octavia_pki()
        .args(["rotate", "finish", "server-ca", "--force", "--dir"])
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir));
    assert_eq!(certificates(), 1);
    let finished = fs::read(&trust).unwrap();
    fs::write(&trust, &staged).unwrap();
    let (report, status) = judge(&with_work_dir(&[]));
    assert_eq!((status, foreign(&report).len()), (Some(1), 1), "{report:#}");
    // Without the work directory the file alone cannot tell it from a
    // rotation in flight (which the finding and `explain` say).
    clean(
        &without,
        "the finished rotation's old CA, without the work directory",
    );
    fs::write(&trust, &finished).unwrap();
    clean(&with_work_dir(&[]), "finished");

    // A renewal with another key identifier keeps the earlier certificate of
    // the key after the renewed one. The CA as an older tool wrote it (a key
    // identifier not the SHA-1 of its key), re-signed by OpenSSL with its key.
    let ca_cert = set.work_dir.join("server_ca/server_ca.cert.pem");
    let ext = set.tmp.path().join("old-ca.ext");
    fs::write(
        &ext,
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=0102030405060708090a0b0c0d0e0f1011121314\n\
         authorityKeyIdentifier=keyid:always\n",
    )
    .unwrap();
    let older = set.tmp.path().join("older-ca.pem");
    ok(openssl()
        .args(["x509", "-days", "800", "-clrext", "-in"])
        .arg(&ca_cert)
        .arg("-signkey")
        .arg(set.work_dir.join("server_ca/server_ca.key.pem"))
        .arg("-passin")
        .arg(format!("file:{}", set.server_pass_file.display()))
        .arg("-extfile")
        .arg(&ext)
        .arg("-out")
        .arg(&older));
    fs::copy(&older, &ca_cert).unwrap();
    fs::copy(&older, &trust).unwrap();
    // (Octavia 16.1.0 and 17.0.1 refuse it: server-ca-key-id-not-sha1, which
    // the renewal below mends; it is all of the set's.)
    let (report, _) = judge(&with_work_dir(&[]));
    assert!(foreign(&report).is_empty(), "{report:#}");
    ok(octavia_pki()
        .args(["renew", "server-ca", "--key-id", "sha1"])
        .args(set.change_args()));
    assert_eq!(
        certificates(),
        2,
        "the renewal keeps the earlier certificate"
    );
    clean(&with_work_dir(&[]), "renewed, with the work directory");
    clean(&without, "renewed, without it");
}

/// A `--work-dir` that is not there is a usage error naming it, on every
/// command that reads one (it said a plain OK, judging the set without it),
/// and nothing is written.
#[test]
fn a_work_dir_that_does_not_exist_is_a_usage_error_everywhere() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let missing = set.tmp.path().join("no-such-work-dir");
    let not_a_dir = set.passwords.clone();
    let dir = set.dir.display().to_string();
    let before = snapshot(set.tmp.path());
    for work_dir in [&missing, &not_a_dir] {
        let work_dir = work_dir.display().to_string();
        let change = |args: &[&str]| -> Vec<String> {
            let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
            all.extend([
                "--dir".into(),
                dir.clone(),
                "--work-dir".into(),
                work_dir.clone(),
            ]);
            all.extend(["--passwords".into(), set.passwords.display().to_string()]);
            all
        };
        for args in [
            vec![
                "check".into(),
                dir.clone(),
                "--work-dir".into(),
                work_dir.clone(),
            ],
            vec![
                "rehearse".into(),
                dir.clone(),
                "--work-dir".into(),
                work_dir.clone(),
            ],
            vec![
                "expiry".into(),
                dir.clone(),
                "--work-dir".into(),
                work_dir.clone(),
            ],
            vec![
                "probe".into(),
                "--dir".into(),
                dir.clone(),
                "--work-dir".into(),
                work_dir.clone(),
                "127.0.0.1:9".into(),
            ],
            change(&["renew", "client"]),
            change(&["renew", "server-ca"]),
            change(&["rotate", "server-ca", "--staged"]),
            change(&["rotate", "all", "--confirm-failover"]),
        ] {
            let out = run(octavia_pki().args(&args));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains("--work-dir") && stderr.contains(&work_dir),
                "{args:?}: {stderr}"
            );
        }
        let out = run(octavia_pki()
            .args([
                "rotate",
                "finish",
                "server-ca",
                "--force",
                "--dir",
                &dir,
                "--work-dir",
            ])
            .arg(&work_dir));
        assert_eq!(out.status.code(), Some(2));
    }
    assert_eq!(snapshot(set.tmp.path()), before, "a refused command wrote");
}

/// A deployer's document that is not as the deployer writes it fails the run
/// (could not run: 2; expiry's UNKNOWN: 3), and the JSON error names the
/// document, as the message on standard error does.
#[test]
fn a_document_not_as_its_deployer_writes_it_is_the_json_errors_file() {
    let tmp = tempfile::tempdir().unwrap();
    let charm = tmp.path().join("octavia-config.yaml");
    fs::write(&charm, "octavia:\n  lb-mgmt-issuing-cacert: \"abc\"\n").unwrap();
    let secrets = tmp.path().join("secrets.yaml");
    fs::write(&secrets, "kind: [Secret\n").unwrap();
    for (command, option, file, status) in [
        ("check", "--charm-config", &charm, 2),
        ("check", "--k8s-secrets", &secrets, 2),
        ("expiry", "--charm-config", &charm, 3),
    ] {
        let out = run(octavia_pki()
            .args([command, option])
            .arg(file)
            .args(["--format", "json"]));
        assert_eq!(out.status.code(), Some(status), "{command} {option}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["error"]["file"],
            file.display().to_string(),
            "{report:#}"
        );
        assert_eq!(report["error"]["exit_status"], status);
        let message = report["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("invalid options: {}: ", file.display())),
            "{message}"
        );
    }
}
