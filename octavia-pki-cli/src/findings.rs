//! Findings for a person: grouped by file, most serious first, then a verdict.
//! Shared by `check` and `deploy check`, so both read alike.

use octavia_pki::check::{Finding, Summary};
use octavia_pki::codes::Severity;
use octavia_pki::text::count;

/// One finding as printed, under the group (a file, or a file and a key) it belongs to.
pub struct Shown<'a> {
    /// The heading it is printed under.
    pub group: String,
    /// The finding.
    pub finding: &'a Finding,
}

/// `text` in the colour of `severity`, when `colour`.
pub fn paint(text: &str, severity: Severity, colour: bool) -> String {
    if !colour {
        return text.to_owned();
    }
    let code = match severity {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    format!("\x1b[1;{code}m{text}\x1b[0m")
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
        outln!("\n{}", octavia_pki::text::escape(group));
        for f in shown.iter().filter(|s| s.group == group).map(|s| s.finding) {
            let label = paint(&format!("{:<7}", f.severity), f.severity, colour);
            // Messages quote subjects and file names: printed escaped.
            outln!(
                "  {label} {}: {}",
                f.code,
                octavia_pki::text::escape(&f.message)
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
    let unchecked = shown
        .iter()
        .any(|s| s.finding.code == octavia_pki::codes::check::PASSPHRASE_NOT_AVAILABLE);
    let verdict = if summary.errors > 0 && summary.errors == summary.exposing {
        paint(
            &format!(
                "UNSAFE: Octavia will work with {subject}, but {}",
                unsafe_why(shown)
            ),
            Severity::Error,
            colour,
        )
    } else if summary.errors > 0 {
        paint(
            &format!("FAIL: Octavia will not work with {subject}"),
            Severity::Error,
            colour,
        )
    } else if unchecked {
        // Not "will work": the key was not opened, so that much is unknown.
        paint(
            &format!(
                "OK as far as checked: no error in {subject}, but the server CA key was not \
                 opened (no passphrase: give --passwords)"
            ),
            Severity::Warning,
            colour,
        )
    } else if summary.warnings > 0 {
        paint(
            &format!("OK with warnings: Octavia will work with {subject}"),
            Severity::Warning,
            colour,
        )
    } else {
        format!("OK: Octavia will work with {subject}")
    };
    outln!(
        "\n{verdict} ({}, {}, {})",
        count(summary.errors, "error", "errors"),
        count(summary.warnings, "warning", "warnings"),
        count(summary.infos, "note", "notes")
    );
}
