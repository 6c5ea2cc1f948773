//! `octavia-pki node check` on nodes rendered afresh by kolla-ansible 22.2.0's
//! own templates (testdata/node/make-node-fixtures.sh, with the kolla venv
//! `scripts/peers.sh kolla` installs), and the container comparison through a
//! stand-in `docker` (tests/peers/docker: no container engine can run here).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use serde_json::Value;

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/node/cases")
}

fn node_check(case: &Path, extra: &[&str]) -> (Value, Option<i32>) {
    let out = run(octavia_pki()
        .args(["node", "check", "--format", "json", "--kolla-dir"])
        .arg(case.join("kolla"))
        .arg("--config-dir")
        .arg(case.join("config"))
        .args(extra));
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code())
}

fn make_node_fixtures(out: &Path) {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/node/make-node-fixtures.sh");
    ok(Command::new("bash").arg(script).arg(out));
}

#[test]
fn nodes_rendered_by_kolla_ansible_get_their_findings_and_exit_codes() {
    let fresh = tempfile::tempdir().unwrap();
    make_node_fixtures(fresh.path());
    let mut problems = Vec::new();
    let mut cases: Vec<PathBuf> = fs::read_dir(fresh.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").exists())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 7);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect: Value =
            serde_json::from_str(&fs::read_to_string(case.join("expect.json")).unwrap()).unwrap();
        // The committed fixtures are this script's output.
        let committed: Value = serde_json::from_str(
            &fs::read_to_string(committed().join(&name).join("expect.json")).unwrap(),
        )
        .unwrap();
        if committed != expect {
            problems.push(format!(
                "{name}: the committed expect.json differs from a fresh run"
            ));
        }
        let (report, status) = node_check(case, &["--container-engine", "none"]);
        let errors = findings_at(&report, "error");
        if errors != strings(&expect["errors"]) {
            problems.push(format!(
                "{name}: errors {errors:?}, expected {:?}",
                strings(&expect["errors"])
            ));
        }
        let warnings = findings_at(&report, "warning");
        for w in strings(&expect["warnings"]) {
            if !warnings.contains(&w) {
                problems.push(format!("{name}: missing warning {w}"));
            }
        }
        if status != Some(if errors.is_empty() { 0 } else { 1 }) {
            problems.push(format!("{name}: exit status {status:?}"));
        }
        for f in report["findings"].as_array().unwrap() {
            if f.get("service").is_none() || f["fix"].as_str().unwrap_or("").is_empty() {
                problems.push(format!("{name}: finding without service key or fix: {f}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A stand-in container per service (tests/peers/docker): its
/// /etc/octavia/certs as kolla_set_configs copied them, and
/// /var/lib/kolla/config_files, kolla's mount of the service directory.
fn containers(root: &Path, kolla: &Path, services: &[&str]) {
    for service in services {
        let container = root.join(service.replace('-', "_"));
        let certs = container.join("etc/octavia/certs");
        let mount = container.join("var/lib/kolla/config_files");
        fs::create_dir_all(&certs).unwrap();
        fs::create_dir_all(&mount).unwrap();
        for f in [
            "client.cert-and-key.pem",
            "client_ca.cert.pem",
            "server_ca.cert.pem",
            "server_ca.key.pem",
        ] {
            fs::copy(kolla.join(service).join(f), certs.join(f)).unwrap();
            fs::copy(kolla.join(service).join(f), mount.join(f)).unwrap();
        }
    }
}

#[test]
fn running_containers_are_compared_through_the_container_engine() {
    let case = committed().join("clean");
    let root = tempfile::tempdir().unwrap();
    containers(
        root.path(),
        &case.join("kolla"),
        &["octavia-worker", "octavia-housekeeping"],
    );
    // The worker's container started before the client certificate was renewed.
    let stale = root
        .path()
        .join("octavia_worker/etc/octavia/certs/client.cert-and-key.pem");
    fs::copy(
        committed().join("stale-copy/config/octavia/client.cert-and-key.pem"),
        &stale,
    )
    .unwrap();
    let stand_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers");
    let path = format!(
        "{}:{}",
        stand_in.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = run(octavia_pki()
        .args([
            "node",
            "check",
            "--format",
            "json",
            "--container-engine",
            "auto",
            "--kolla-dir",
        ])
        .arg(case.join("kolla"))
        .arg("--config-dir")
        .arg(case.join("config"))
        .env("PATH", &path)
        .env("STANDIN_ROOT", root.path()));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["container_engine"], "docker");
    assert_eq!(
        findings_at(&report, "error"),
        [
            "container-stale@-",
            "container-stale@octavia-worker/client.cert-and-key.pem"
        ],
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(1));
    // The health manager's container does not run here.
    assert!(findings_at(&report, "info").contains(&"container-not-checked@-".to_owned()));
    let not_running = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "container-not-checked")
        .unwrap();
    assert_eq!(not_running["service"], "octavia-health-manager");
    // No file content leaves the container: only hashes are read.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("BEGIN"));
}

#[test]
fn services_narrow_the_check_and_bad_arguments_are_usage_errors() {
    let case = committed().join("housekeeping-without-key");
    let (report, status) = node_check(
        &case,
        &[
            "--container-engine",
            "none",
            "--services",
            "worker,health-manager",
        ],
    );
    assert_eq!(
        report["services"],
        serde_json::json!(["octavia-worker", "octavia-health-manager"])
    );
    assert_eq!(
        (findings_at(&report, "error"), status),
        (vec![], Some(0)),
        "{report:#}"
    );
    let out = run(octavia_pki().args(["node", "check", "--services", "octavia-api"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown service"));
    let out = run(octavia_pki().args(["node", "check", "--kolla-dir", "/nonexistent/kolla"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/kolla"));
    // For people: grouped by file, the verdict last.
    let out = run(octavia_pki()
        .args(["node", "check", "--container-engine", "none", "--kolla-dir"])
        .arg(case.join("kolla"))
        .arg("--config-dir")
        .arg(case.join("config")));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\noctavia-housekeeping/server_ca.key.pem\n"),
        "{text}"
    );
    assert!(text.contains("housekeeping-cannot-issue"), "{text}");
    assert!(
        text.trim_end().lines().last().unwrap().starts_with("FAIL"),
        "{text}"
    );
}

/// On a host without containers, the services read octavia.conf itself as
/// their user: a conf that user cannot read is reported, and each fix names
/// the service user's own group and the path (here `nobody`, whose group is
/// not `octavia`).
#[test]
fn a_conf_the_service_user_cannot_read_is_reported_with_its_group_and_path() {
    use std::os::unix::fs::PermissionsExt;
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let conf = set.tmp.path().join("octavia.conf");
    let d = |name: &str| set.dir.join(name).display().to_string();
    fs::write(
        &conf,
        format!(
            "[certificates]\nca_certificate = {}\nca_private_key = {}\n\
             ca_private_key_passphrase = {}\n[haproxy_amphora]\nserver_ca = {}\nclient_cert = {}\n\
             [controller_worker]\nclient_ca = {}\n",
            d("server_ca.cert.pem"),
            d("server_ca.key.pem"),
            set.server_passphrase,
            d("server_ca.cert.pem"),
            d("client.cert-and-key.pem"),
            d("client_ca.cert.pem"),
        ),
    )
    .unwrap();
    fs::set_permissions(&conf, fs::Permissions::from_mode(0o600)).unwrap();
    for dir in [set.tmp.path(), set.dir.parent().unwrap(), &set.dir] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let group = ok(Command::new("id").args(["-gn", "nobody"]))
        .trim()
        .to_owned();
    assert_ne!(group, "octavia");
    let out = run(octavia_pki()
        .args([
            "node",
            "check",
            "--format",
            "json",
            "--service-user",
            "nobody",
        ])
        .arg("--config-file")
        .arg(&conf));
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unreadable: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "service-user-cannot-read")
        .collect();
    let on_conf = unreadable
        .iter()
        .find(|f| f["file"] == conf.display().to_string().as_str())
        .unwrap_or_else(|| panic!("octavia.conf not reported: {unreadable:#?}"));
    let message = on_conf["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("chgrp {group} {}", conf.display())),
        "{message}"
    );
    for finding in &unreadable {
        let message = finding["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("chgrp {group} ")) && !message.contains("octavia "),
            "{message}"
        );
    }
}
