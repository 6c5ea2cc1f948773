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
mod code;
pub mod deploy;
pub mod node;
pub mod probe;

pub use code::{Code, CodeInfo, Severity};
pub(crate) use code::{code, concat, finding_codes};

impl Code {
    /// Looks a code up by its identifier, or by an old id it replaced.
    pub fn find(id: &str) -> Option<Code> {
        all().find(|c| c.id() == id).or_else(|| {
            ALIASES
                .iter()
                .find(|(old, _)| *old == id)
                .map(|&(_, code)| code)
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
