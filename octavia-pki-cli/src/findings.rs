//! Findings for a person: grouped by file, most serious first, then a verdict.
//! Shared by `check` and `deploy check`, so both read alike.

use octavia_pki::check::{Finding, Summary};
use octavia_pki::codes::Severity;
use octavia_pki::text::count;

use crate::output::{Segment, write_line};

/// One finding as printed, under the group (a file, or a file and a key) it belongs to.
pub struct Shown<'a> {
    /// The heading it is printed under.
    pub group: String,
    /// The finding.
    pub finding: &'a Finding,
}

/// Why a set Octavia works with is unsafe, from its exposing errors: its
/// secrets are public, it trusts a certificate not its own, or both.
fn unsafe_why(shown: &[Shown<'_>]) -> &'static str {
    let foreign = octavia_pki::codes::check::FOREIGN_CERTIFICATE_TRUSTED;
    let errors = shown
        .iter()
        .map(|s| s.finding)
        .filter(|f| f.severity == Severity::Error);
    let (trusts, public) = errors.fold((false, false), |(trusts, public), f| {
        (trusts || f.code == foreign, public || f.code != foreign)
    });
    match (public, trusts) {
        (true, false) => "anyone can read their secrets: replace them",
        (false, true) => "they trust a certificate that is not the set's: remove it",
        _ => {
            "anyone can read their secrets, and they trust a certificate that is not the set's: \
              replace them, and remove it"
        }
    }
}

/// Prints the findings grouped in the order given (callers sort them most
/// serious first), then a one-line verdict about `subject` ("these files").
pub fn print_grouped(shown: &[Shown<'_>], summary: Summary, subject: &str, colour: bool) {
    let mut groups: Vec<&str> = Vec::new();
    for s in shown {
        if !groups.contains(&s.group.as_str()) {
            groups.push(&s.group);
        }
    }
    for group in groups {
        outln!();
        outln!("{group}");
        for f in shown.iter().filter(|s| s.group == group).map(|s| s.finding) {
            let label = format!("{:<7}", f.severity);
            let rest = format!(" {}: {}", f.code, f.message);
            write_line(
                &[
                    Segment::Plain("  "),
                    Segment::Painted(&label, f.severity),
                    Segment::Plain(&rest),
                ],
                colour,
            );
            if f.severity == Severity::Info {
                continue;
            }
            if let Some(symptom) = &f.symptom {
                outln!("          symptom: {symptom}");
            }
            outln!("          fix: {}", f.fix);
        }
    }
    // Its fix says how this deployer's operators give the passphrase.
    let unchecked = shown
        .iter()
        .find(|s| s.finding.code == octavia_pki::codes::check::PASSPHRASE_NOT_AVAILABLE)
        .map(|s| lower_first(s.finding.fix.trim_end_matches('.')));
    let (verdict, severity) = if summary.errors > 0 && summary.errors == summary.exposing {
        (
            format!(
                "UNSAFE: Octavia will work with {subject}, but {}",
                unsafe_why(shown)
            ),
            Severity::Error,
        )
    } else if summary.errors > 0 {
        (
            format!("FAIL: Octavia will not work with {subject}"),
            Severity::Error,
        )
    } else if let Some(how) = unchecked {
        // Not "will work": the key was not opened, so that much is unknown.
        (
            format!(
                "OK as far as checked: no error in {subject}, but the server CA key was not \
                 opened (no passphrase: {how})"
            ),
            Severity::Warning,
        )
    } else if summary.warnings > 0 {
        (
            format!("OK with warnings: Octavia will work with {subject}"),
            Severity::Warning,
        )
    } else {
        (
            format!("OK: Octavia will work with {subject}"),
            Severity::Info,
        )
    };
    let counts = format!(
        " ({}, {}, {})",
        count(summary.errors, "error", "errors"),
        count(summary.warnings, "warning", "warnings"),
        count(summary.infos, "note", "notes")
    );
    outln!();
    // The plain OK is not painted.
    let verdict = match severity {
        Severity::Info => Segment::Plain(&verdict),
        severity => Segment::Painted(&verdict, severity),
    };
    write_line(&[verdict, Segment::Plain(&counts)], colour);
}

/// `text` with its first letter in lower case, to follow a colon.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}
