//! What a finding code is ([`Code`], [`CodeInfo`], [`Severity`]) and the
//! macros that define one: the leaf every namespace of the catalogue, and
//! every module that reports a code, builds on. The catalogue itself (every
//! code, the aliases, looking one up) is `codes/mod.rs`.

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

/// One code's [`Code`] constant:
///
/// `code! { namespace = "ns", id = "id", severity = Error, strict = false, title = "...",
/// symptom = Some("...") or None, fix = "...", explanation = "..." }`
macro_rules! code {
    (namespace = $namespace:literal, id = $id:literal, severity = $sev:ident, strict = $strict:expr,
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

/// Defines a namespace's codes: one `pub const` [`Code`] per entry,
/// documented by its title, and `$list`, those codes in the order given.
/// `strict` after the severity declares a code `--strict` makes an error
/// (Python 3.13's `VERIFY_X509_STRICT` rules); without it, `--strict`
/// changes nothing:
///
/// `namespace = "name"; list = ALL; NAME = "id", Severity, [strict,] "title", Some("symptom") or None, "fix", "explanation"; ...`
macro_rules! finding_codes {
    (namespace = $namespace:literal; list = $list:ident; $( $name:ident = $id:literal, $sev:ident, $($strict:ident,)? $title:literal, $symptom:expr, $fix:literal, $explanation:literal; )*) => {
        $(
            #[doc = $title]
            pub const $name: $crate::codes::Code = $crate::codes::code! {
                namespace = $namespace, id = $id, severity = $sev,
                strict = $crate::codes::finding_codes!(@strict $($strict)?),
                title = $title, symptom = $symptom, fix = $fix, explanation = $explanation,
            };
        )*
        /// These codes, in documentation order.
        pub const $list: &[$crate::codes::Code] = &[$($name),*];
    };
    (@strict strict) => {
        true
    };
    (@strict) => {
        false
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
