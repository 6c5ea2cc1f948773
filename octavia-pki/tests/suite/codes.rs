//! Every published finding code and alias, snapshotted (as cargo-deny's
//! `codes_unique`): ids are a contract with the scripts and monitoring that
//! match on them, so a renamed, dropped or re-severitied code is a visible
//! diff of `codes.snapshot`, reviewed with the change. `UPDATE_GOLDEN=1`
//! rewrites the file.

use std::path::Path;

use octavia_pki::codes::{self, ALIASES};

/// One line per code (`namespace id severity [strict]`), then one per alias.
fn catalogue() -> String {
    let mut out = String::new();
    for code in codes::all() {
        let info = code.info();
        let strict = if info.strict { " strict" } else { "" };
        out.push_str(&format!(
            "{} {} {}{strict}\n",
            info.namespace, info.id, info.severity
        ));
    }
    for (old, code) in ALIASES {
        out.push_str(&format!("alias {old} -> {}\n", code.id()));
    }
    out
}

#[test]
fn every_published_code_and_alias_is_in_the_snapshot() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/codes.snapshot");
    let now = catalogue();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    let gone: Vec<&str> = recorded
        .lines()
        .filter(|l| !now.lines().any(|n| n == *l))
        .collect();
    let new: Vec<&str> = now
        .lines()
        .filter(|l| !recorded.lines().any(|r| r == *l))
        .collect();
    assert!(
        recorded == now,
        "the published codes changed (review, then UPDATE_GOLDEN=1 cargo test -p octavia-pki --test suite codes::):\n\
         gone or changed: {gone:?}\nnew or changed: {new:?}"
    );
}
