//! Every checker rule on its fixture, with plain `cargo test`: the
//! directories in testdata/check/ were made by testdata/make-check-fixtures.py
//! (Python's cryptography and OpenSSL, never this crate) and are checked at
//! the moment the script recorded (CHECKED_AT), so their dates never run out.
//! The same fixtures, made afresh, are also judged against Octavia's own code
//! in the CLI's tests (`octavia-pki-cli/tests/check.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{codes, strings};
use octavia_pki::check::{CheckOptions, check_dir};
use octavia_pki::codes::Severity;
use octavia_pki::{Layout, OctaviaVersions};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/check")
}

fn checked_at() -> OffsetDateTime {
    let text = fs::read_to_string(fixtures().join("CHECKED_AT")).unwrap();
    OffsetDateTime::parse(text.trim(), &Rfc3339).unwrap()
}

/// The problems with our findings on one case, for every release at once
/// and for each release the case names.
fn judge(case: &Path) -> Vec<String> {
    let expect: Value =
        serde_json::from_str(&fs::read_to_string(case.join("expect.json")).unwrap()).unwrap();
    let layout = match expect["layout"].as_str().unwrap() {
        "legacy" => Layout::Legacy,
        _ => Layout::Kolla,
    };
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let mut targets = vec![("all".to_owned(), expect["errors"].clone())];
    if let Some(by_release) = expect["errors_by_release"].as_object() {
        targets.extend(by_release.iter().map(|(v, e)| (v.clone(), e.clone())));
    }
    let mut problems = Vec::new();
    for (versions, errors) in targets {
        let options = {
            let mut options = CheckOptions::default();
            options.layout = Some(layout);
            options.passwords = Some(case.join("passwords.yml"));
            options.now = Some(checked_at());
            options.octavia = versions.parse::<OctaviaVersions>().unwrap();
            options
        };
        let report = check_dir(case, &options).unwrap();
        let found = codes(&report.findings, Severity::Error);
        if found != strings(&errors) {
            problems.push(format!(
                "{name} (Octavia {versions}): errors {found:?}, expected {:?}",
                strings(&errors)
            ));
        }
        if versions != "all" {
            continue;
        }
        for (severity, key) in [(Severity::Warning, "warnings"), (Severity::Info, "infos")] {
            let found = codes(&report.findings, severity);
            for wanted in strings(&expect[key]) {
                if !found.contains(&wanted) {
                    problems.push(format!("{name}: missing {key} {wanted} (found {found:?})"));
                }
            }
        }
    }
    problems
}

#[test]
fn every_rule_fixture_gets_exactly_its_findings() {
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "only {} fixture cases", cases.len());
    let problems: Vec<String> = cases.iter().flat_map(|c| judge(c)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `unreadable-file`, which no committed directory can show (git keeps no
/// mode 000, and root reads anyway): a file whose every read fails with an
/// I/O error, /proc/self/mem at offset 0 (EIO), for root as for anyone.
#[test]
fn a_file_that_cannot_be_read_is_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixtures().join("good-rsa");
    for entry in fs::read_dir(&good).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    fs::remove_file(dir.path().join("client_ca.cert.pem")).unwrap();
    std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("client_ca.cert.pem")).unwrap();
    let mut options = CheckOptions::default();
    options.passwords = Some(dir.path().join("passwords.yml"));
    options.now = Some(checked_at());
    let report = check_dir(dir.path(), &options).unwrap();
    assert_eq!(
        codes(&report.findings, Severity::Error),
        ["unreadable-file@client_ca.cert.pem"],
        "{:?}",
        report.findings
    );
}
