//! Helpers shared by the library's integration tests.

use octavia_pki::check::Finding;
use octavia_pki::codes::Severity;
use serde_json::Value;

/// `code@file` (`-` for none) of each finding with `severity`, sorted, each once.
pub fn codes<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    severity: Severity,
) -> Vec<String> {
    let mut out: Vec<String> = findings
        .into_iter()
        .filter(|f| f.severity == severity)
        .map(|f| format!("{}@{}", f.code.id(), f.file.as_deref().unwrap_or("-")))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A JSON array of strings.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}
