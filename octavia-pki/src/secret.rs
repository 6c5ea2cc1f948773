//! Passphrases: held in zeroizing memory, never printed.

use std::fmt;

use zeroize::Zeroizing;

/// A passphrase that protects a CA private key.
///
/// The bytes are wiped when the value is dropped, and neither `Debug` nor any
/// error message of this crate ever shows them.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

/// Why a passphrase cannot be used for a CA key that Octavia will read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PassphraseProblem {
    /// The passphrase is empty: Octavia would load the key without one.
    #[error("the passphrase is empty")]
    Empty,
    /// oslo.config reads `$name` in `ca_private_key_passphrase` as a reference
    /// to another option, so Octavia would fail with `no such option`.
    #[error(
        "the passphrase contains '$', which oslo.config reads as a reference to another option \
         (Octavia fails with \"no such option ... in group [DEFAULT]\")"
    )]
    DollarSign,
    /// A line break cannot be written into `passwords.yml` or `octavia.conf` intact.
    #[error("the passphrase contains a line break")]
    LineBreak,
}

impl Passphrase {
    /// Wraps a passphrase. The string is moved, not copied.
    pub fn new(passphrase: String) -> Self {
        Self(Zeroizing::new(passphrase))
    }

    /// The passphrase's bytes, for a key derivation function.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The passphrase as text, to be written into `passwords.yml`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What would stop Octavia from using this passphrase through `octavia.conf`
    /// (`[certificates] ca_private_key_passphrase`), if anything.
    pub fn octavia_problem(&self) -> Option<PassphraseProblem> {
        if self.0.is_empty() {
            Some(PassphraseProblem::Empty)
        } else if self.0.contains('$') {
            Some(PassphraseProblem::DollarSign)
        } else if self.0.contains(['\n', '\r']) {
            Some(PassphraseProblem::LineBreak)
        } else {
            None
        }
    }

    /// A fresh random passphrase of 40 letters and digits, as `kolla-genpwd` makes.
    pub fn generate() -> Self {
        Self::random_alphanumeric(40)
    }

    /// A fresh `[certificates] server_certs_key_passphrase`: 32 letters and
    /// digits, what every Octavia release accepts (exactly 32 characters of
    /// `[A-Za-z0-9-_=]`, `octavia/certificates/common/local.py`).
    pub fn generate_server_certs_key() -> Self {
        Self::random_alphanumeric(32)
    }

    /// `len` random letters and digits, each equally likely.
    fn random_alphanumeric(len: usize) -> Self {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut out = Zeroizing::new(String::with_capacity(len));
        let mut random = Zeroizing::new([0u8; 64]);
        while out.len() < len {
            crate::random::fill(&mut random[..]);
            // Rejection sampling keeps every character equally likely:
            // 248 is the largest multiple of 62 below 256.
            for &byte in random.iter().filter(|&&b| b < 248) {
                if out.len() == len {
                    break;
                }
                out.push(ALPHABET[usize::from(byte) % ALPHABET.len()] as char);
            }
        }
        Self(out)
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_passphrase() {
        let p = Passphrase::new("hunter2-very-secret".into());
        assert_eq!(format!("{p:?}"), "Passphrase(<redacted>)");
    }

    #[test]
    fn octavia_problems_are_named() {
        assert_eq!(
            Passphrase::new(String::new()).octavia_problem(),
            Some(PassphraseProblem::Empty)
        );
        assert_eq!(
            Passphrase::new("ab$cd".into()).octavia_problem(),
            Some(PassphraseProblem::DollarSign)
        );
        assert_eq!(
            Passphrase::new("ab\ncd".into()).octavia_problem(),
            Some(PassphraseProblem::LineBreak)
        );
        assert_eq!(Passphrase::new("fine".into()).octavia_problem(), None);
    }

    #[test]
    fn generated_passphrases_look_like_kolla_genpwd() {
        let a = Passphrase::generate();
        let b = Passphrase::generate();
        assert_eq!(a.expose().len(), 40);
        assert!(a.expose().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.octavia_problem(), None);
    }
}
