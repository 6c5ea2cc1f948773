//! The one catalogue of finding codes, for every command that reports
//! findings: stable identifiers, each documented here once, in namespaces
//! (as cargo-deny's diagnostic codes): [`check`] (the certificate checker,
//! and the passwords it reads), [`deploy`] (`deploy check`'s audit of a
//! Kolla configuration), [`node`] (what a controller runs) and [`probe`]
//! (what a running amphora answered). `octavia-pki explain CODE` prints
//! [`Code::explanation`]; [`all`] lists every code and [`Code::find`] finds
//! one, old ids included ([`ALIASES`]).
//!
//! A code never changes meaning once published. Two near-twins were merged;
//! their old ids stay findable.

pub mod check;
pub mod deploy;
pub mod node;
pub mod probe;

use std::fmt;

use serde::Serialize;

/// How serious a finding is: a closed set, published in the JSON and the exit
/// codes (so, unlike the crate's other enums, not `#[non_exhaustive]`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Octavia will fail (or OpenSSL will refuse the files).
    Error,
    /// Octavia works today, but will not for long or not everywhere.
    Warning,
    /// Worth knowing; harmless.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that `{:<7}` aligns the columns of the human output.
        f.pad(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        })
    }
}

/// Everything known about one code.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeInfo {
    /// The stable identifier (`bundle-no-key`).
    pub id: &'static str,
    /// Its namespace: `check`, `deploy`, `node` or `probe`.
    pub namespace: &'static str,
    /// Its usual severity.
    pub severity: Severity,
    /// Whether `--strict` makes it an error: the rules Python 3.13's
    /// `VERIFY_X509_STRICT` enforces, which older Pythons do not.
    pub strict: bool,
    /// One line: what is wrong.
    pub title: &'static str,
    /// What Octavia or OpenSSL logs because of it, if anything.
    pub symptom: Option<&'static str>,
    /// What to do.
    pub fix: &'static str,
    /// Why it matters, at length.
    pub explanation: &'static str,
}

/// A finding code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Code(&'static CodeInfo);

impl Code {
    /// The code of `info` (for [`finding_codes!`]).
    pub(crate) const fn new(info: &'static CodeInfo) -> Code {
        Code(info)
    }

    /// The stable identifier.
    pub fn id(self) -> &'static str {
        self.0.id
    }

    /// Everything about the code.
    pub fn info(self) -> &'static CodeInfo {
        self.0
    }

    /// Looks a code up by its identifier, or by an old id it replaced.
    pub fn find(id: &str) -> Option<Code> {
        all().find(|c| c.id() == id).or_else(|| {
            ALIASES
                .iter()
                .find(|(old, _)| *old == id)
                .map(|&(_, code)| code)
        })
    }

    /// Cause, symptom and fix, as `octavia-pki explain` prints them.
    pub fn explanation(self) -> String {
        let i = self.0;
        let mut out = format!(
            "{} ({})\n\n{}\n\n{}\n",
            i.id, i.severity, i.title, i.explanation
        );
        if let Some(symptom) = i.symptom {
            out.push_str(&format!("\nSymptom: {symptom}\n"));
        }
        out.push_str(&format!("\nFix: {}\n", i.fix));
        out
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0.id)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0.id)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.id)
    }
}

/// In a report's schema: a published id.
impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    /// A published id's form, not the list of them: a new code is a new
    /// finding, not a new report shape (`octavia-pki explain --list` lists
    /// them, `tests/suite/codes.snapshot` records them).
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A finding's code: `octavia-pki explain CODE` gives its cause, symptom and fix",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
        })
    }
}

/// A code read back from a report: its id, or an alias of it.
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Code::find(&id).ok_or_else(|| serde::de::Error::custom(format!("unknown code \"{id}\"")))
    }
}

/// One code's [`Code`] constant:
///
/// `code! { namespace = "ns", id = "id", severity = Error, strict = false, title = "...",
/// symptom = Some("...") or None, fix = "...", explanation = "..." }`
macro_rules! code {
    (namespace = $namespace:literal, id = $id:literal, severity = $sev:ident, strict = $strict:literal,
     title = $title:literal, symptom = $symptom:expr, fix = $fix:literal, explanation = $explanation:literal $(,)?) => {
        $crate::codes::Code::new(&$crate::codes::CodeInfo {
            id: $id,
            namespace: $namespace,
            severity: $crate::codes::Severity::$sev,
            strict: $strict,
            title: $title,
            symptom: $symptom,
            fix: $fix,
            explanation: $explanation,
        })
    };
}
pub(crate) use code;

/// Defines a namespace's codes that no `--strict` changes: one `pub const`
/// [`Code`] per entry, documented by its title, and `$list`, those codes in
/// the order given:
///
/// `namespace = "name"; list = ALL; NAME = "id", Severity, "title", Some("symptom") or None, "fix", "explanation"; ...`
macro_rules! finding_codes {
    (namespace = $namespace:literal; list = $list:ident; $( $name:ident = $id:literal, $sev:ident, $title:literal, $symptom:expr, $fix:literal, $explanation:literal; )*) => {
        $(
            #[doc = $title]
            pub const $name: $crate::codes::Code = $crate::codes::code! {
                namespace = $namespace, id = $id, severity = $sev, strict = false,
                title = $title, symptom = $symptom, fix = $fix, explanation = $explanation,
            };
        )*
        /// These codes, in documentation order.
        pub const $list: &[$crate::codes::Code] = &[$($name),*];
    };
}
pub(crate) use finding_codes;

/// `a` then `b`, as one array (`N` is their total length): how a
/// namespace's list is made of lists defined apart, at compile time.
pub(crate) const fn concat<const N: usize>(a: &[Code], b: &[Code]) -> [Code; N] {
    assert!(a.len() + b.len() == N, "N is the total length");
    let mut out = [match a.first() {
        Some(c) => *c,
        None => b[0],
    }; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

/// The errors that leave Octavia working but open to others: its secrets
/// public, or a certificate not the set's trusted. The set works, and must
/// still be mended (its keys replaced, who can read them, what it trusts).
pub const EXPOSING: &[Code] = &[
    check::PUBLICLY_KNOWN_KEY,
    check::PUBLICLY_KNOWN_PASSPHRASE,
    check::FOREIGN_CERTIFICATE_TRUSTED,
    node::KEY_READABLE_BEYOND_SERVICE,
];

/// Every code, namespace after namespace.
pub fn all() -> impl Iterator<Item = Code> {
    check::ALL
        .iter()
        .chain(deploy::ALL)
        .chain(node::ALL)
        .chain(probe::ALL)
        .copied()
}

/// Ids that were merged into another code: still found by [`Code::find`]
/// (and so by `octavia-pki explain`), since published ids are a contract.
pub const ALIASES: &[(&str, Code)] = &[
    // The checker's name for what deploy check called password-missing: one
    // letter from password-unusable, which meant something else.
    ("passwords-unusable", check::PASSWORD_MISSING),
    // The checker's '$' in the CA passphrase, one case of password-unusable.
    ("passphrase-dollar", check::PASSWORD_UNUSABLE),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_lowercase_and_findable_across_namespaces() {
        let mut seen = std::collections::HashSet::new();
        for code in all() {
            assert!(seen.insert(code.id()), "duplicate {}", code.id());
            assert!(
                code.id()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
            assert_eq!(Code::find(code.id()), Some(code));
            assert!(code.explanation().contains(code.info().fix));
            assert!(["check", "deploy", "node", "probe"].contains(&code.info().namespace));
        }
        for (old, code) in ALIASES {
            assert!(!seen.contains(old), "{old} is an alias and a code");
            assert_eq!(Code::find(old), Some(*code));
        }
        assert_eq!(Code::find("no-such-code"), None);
    }
}
