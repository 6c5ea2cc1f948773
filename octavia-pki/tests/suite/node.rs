//! `node check` on the committed fixtures of testdata/node/cases (rendered by
//! kolla-ansible 22.2.0's own templates and merge_configs over certificates
//! from kolla's openssl recipe: testdata/node/make-node-fixtures.sh), with
//! plain `cargo test`; and on broken nodes. The CLI's tests render them afresh.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::strings;
use octavia_pki::codes::Severity;
use octavia_pki::node::{ContainerEngine, NodeOptions, NodeReport, node_check};
use serde_json::Value;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/node/cases")
}

fn options(case: &Path) -> NodeOptions {
    let mut o = NodeOptions::default();
    o.kolla_dir = case.join("kolla");
    o.config_dir = case.join("config");
    o.container_engine = ContainerEngine::None;
    o
}

fn codes(report: &NodeReport, severity: Severity) -> Vec<String> {
    crate::common::codes(report.findings.iter().map(|f| &f.finding), severity)
}

#[test]
fn every_rendered_case_gets_its_findings() {
    let mut problems = Vec::new();
    let mut n = 0;
    for entry in fs::read_dir(cases()).unwrap() {
        let case = entry.unwrap().path();
        let Ok(text) = fs::read_to_string(case.join("expect.json")) else {
            continue;
        };
        n += 1;
        let expect: Value = serde_json::from_str(&text).unwrap();
        let report = node_check(&options(&case)).unwrap();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let errors = codes(&report, Severity::Error);
        if errors != strings(&expect["errors"]) {
            problems.push(format!(
                "{name}: errors {errors:?}, expected {:?}",
                strings(&expect["errors"])
            ));
        }
        let warnings = codes(&report, Severity::Warning);
        for w in strings(&expect["warnings"]) {
            if !warnings.contains(&w) {
                problems.push(format!("{name}: missing warning {w} ({warnings:?})"));
            }
        }
        if name == "secured" && !warnings.is_empty() {
            problems.push(format!("secured: warnings {warnings:?}"));
        }
        for f in &report.findings {
            if f.finding.code.info().namespace == "check" && f.service.is_none() {
                problems.push(format!("{name}: {} names no service", f.finding.code));
            }
        }
    }
    assert_eq!(n, 7, "cases in {}", cases().display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn strict_makes_kollas_insecure_defaults_errors() {
    let mut o = options(&cases().join("clean"));
    o.strict = true;
    let report = node_check(&o).unwrap();
    let errors = codes(&report, Severity::Error);
    assert!(
        errors.contains(&"heartbeat-key-insecure@octavia-worker/octavia.conf".to_owned()),
        "{errors:?}"
    );
    assert!(errors.contains(
        &"server-certs-key-passphrase-insecure@octavia-housekeeping/octavia.conf".to_owned()
    ));
}

/// A copy of a case, to break.
fn copy_of(case: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&cases().join(case), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn broken_nodes_get_findings_naming_the_file_and_line_never_a_panic() {
    let node = copy_of("clean");
    let kolla = node.path().join("kolla");
    // Malformed INI (line 3), JSON that is not kolla's, a directory where a
    // certificate belongs, a symlink loop.
    let conf = kolla.join("octavia-worker/octavia.conf");
    let text = fs::read_to_string(&conf).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "this is not ini");
    fs::write(&conf, lines.join("\n")).unwrap();
    fs::write(
        kolla.join("octavia-housekeeping/config.json"),
        "{\"config_files\": 7}",
    )
    .unwrap();
    let hm = kolla.join("octavia-health-manager");
    fs::remove_file(hm.join("client_ca.cert.pem")).unwrap();
    fs::create_dir(hm.join("client_ca.cert.pem")).unwrap();
    fs::remove_file(hm.join("server_ca.cert.pem")).unwrap();
    std::os::unix::fs::symlink(hm.join("server_ca.cert.pem"), hm.join("server_ca.cert.pem"))
        .unwrap();
    let report = node_check(&options(node.path())).unwrap();
    let errors = codes(&report, Severity::Error);
    for wanted in [
        "config-unreadable@octavia-worker/octavia.conf",
        "config-unreadable@octavia-housekeeping/config.json",
        "not-a-file@octavia-health-manager/client_ca.cert.pem",
    ] {
        assert!(
            errors.contains(&wanted.to_owned()),
            "{wanted} not in {errors:?}"
        );
    }
    let message = |code: &str, file: &str| {
        report
            .findings
            .iter()
            .find(|f| f.finding.code.id() == code && f.finding.file.as_deref() == Some(file))
            .map(|f| f.finding.message.clone())
            .unwrap()
    };
    assert!(message("config-unreadable", "octavia-worker/octavia.conf").contains("line 3"));
    assert!(
        errors
            .iter()
            .any(|e| e.ends_with("@octavia-health-manager/server_ca.cert.pem")),
        "the symlink loop: {errors:?}"
    );

    // Services absent; none at all; no kolla directory.
    fs::remove_dir_all(kolla.join("octavia-housekeeping")).unwrap();
    let report = node_check(&options(node.path())).unwrap();
    assert!(codes(&report, Severity::Info).contains(&"service-absent@-".to_owned()));
    for s in ["octavia-worker", "octavia-health-manager"] {
        fs::remove_dir_all(kolla.join(s)).unwrap();
    }
    let report = node_check(&options(node.path())).unwrap();
    assert_eq!(codes(&report, Severity::Error), ["no-octavia-service@-"]);
    let mut o = options(node.path());
    o.kolla_dir = node.path().join("nowhere");
    assert!(node_check(&o).unwrap_err().to_string().contains("nowhere"));
}

#[test]
fn without_the_source_the_copies_are_compared_with_each_other() {
    let node = copy_of("stale-copy");
    fs::remove_dir_all(node.path().join("config")).unwrap();
    // One service got the renewed bundle, the others did not.
    fs::copy(
        cases().join("stale-copy/config/octavia/client.cert-and-key.pem"),
        node.path()
            .join("kolla/octavia-worker/client.cert-and-key.pem"),
    )
    .unwrap();
    let report = node_check(&options(node.path())).unwrap();
    assert!(codes(&report, Severity::Info).contains(&"source-not-compared@-".to_owned()));
    let errors = codes(&report, Severity::Error);
    assert_eq!(
        errors,
        ["copies-differ@client.cert-and-key.pem"],
        "{errors:?}"
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.finding.code.id() == "copies-differ")
        .unwrap();
    assert!(
        f.finding
            .message
            .contains("octavia-worker / octavia-housekeeping and octavia-health-manager"),
        "{}",
        f.finding.message
    );
}

#[test]
fn overrides_oslo_config_or_octavia_refuse_are_reported_with_their_line() {
    let node = copy_of("secured");
    let conf = node.path().join("kolla/octavia-worker/octavia.conf");
    let text = fs::read_to_string(&conf)
        .unwrap()
        .replace(
            "ca_certificate = /etc/octavia/certs/server_ca.cert.pem",
            "ca_certificate = /etc/octavia/certs/$ca_name.pem",
        )
        .replace(
            "server_certs_key_passphrase = Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4",
            "server_certs_key_passphrase = tooshort,insecure-key-do-not-use-this-key",
        );
    fs::write(&conf, text).unwrap();
    let report = node_check(&options(node.path())).unwrap();
    let errors = codes(&report, Severity::Error);
    assert!(
        errors.contains(
            &"server-certs-key-passphrase-invalid@octavia-worker/octavia.conf".to_owned()
        ),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"path-not-provided@octavia-worker/octavia.conf".to_owned()),
        "{errors:?}"
    );
    let warnings = codes(&report, Severity::Warning);
    assert!(
        warnings.contains(&"config-reference@octavia-worker/octavia.conf".to_owned()),
        "{warnings:?}"
    );
    let invalid = report
        .findings
        .iter()
        .find(|f| f.finding.code.id() == "server-certs-key-passphrase-invalid")
        .unwrap();
    assert!(
        invalid.finding.message.contains("entry 1 is not"),
        "{}",
        invalid.finding.message
    );
}

/// Each service's octavia.conf is read as oslo.config reads it: an indented
/// comment after the passphrase is part of it (the worker cannot sign), a
/// `[CERTIFICATES]` section is `[certificates]`, and `[ certificates ]` is
/// a section Octavia never reads.
#[test]
fn each_services_octavia_conf_is_read_as_oslo_config_reads_it() {
    let node = copy_of("secured");
    let conf = |service: &str| node.path().join("kolla").join(service).join("octavia.conf");
    let edit = |service: &str, from: &str, to: &str| {
        let text = fs::read_to_string(conf(service)).unwrap();
        assert!(text.contains(from), "{service}: {from}");
        fs::write(conf(service), text.replacen(from, to, 1)).unwrap();
    };
    let passphrase = "ca_private_key_passphrase = NodeFixtureCa1\n";
    edit(
        "octavia-worker",
        passphrase,
        &format!("{passphrase}    # rotated in May\n"),
    );
    // A wrong passphrase Octavia never reads, and one it does.
    let append = |service: &str, text: &str| {
        let mut conf_text = fs::read_to_string(conf(service)).unwrap();
        conf_text.push_str(text);
        fs::write(conf(service), conf_text).unwrap();
    };
    append(
        "octavia-housekeeping",
        "[ certificates ]\nca_private_key_passphrase = wrong\n",
    );
    append(
        "octavia-health-manager",
        "[CERTIFICATES]\nca_private_key_passphrase = wrong\n",
    );
    let report = node_check(&options(node.path())).unwrap();
    let errors = codes(&report, Severity::Error);
    let warnings = codes(&report, Severity::Warning);
    let has = |list: &[String], code: &str, service: &str| {
        list.iter()
            .any(|f| f.starts_with(&format!("{code}@{service}/")))
    };
    assert!(
        has(&errors, "wrong-passphrase", "octavia-worker"),
        "{errors:?}"
    );
    assert!(
        has(&warnings, "config-continuation", "octavia-worker"),
        "{warnings:?}"
    );
    assert!(
        !has(&errors, "wrong-passphrase", "octavia-housekeeping"),
        "{errors:?}"
    );
    assert!(
        has(&errors, "wrong-passphrase", "octavia-health-manager"),
        "{errors:?}"
    );
}
