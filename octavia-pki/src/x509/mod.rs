//! OpenSSL's verification rules, as Octavia's controllers and amphorae apply
//! them, in one place: who issued what ([`issued_by`]: names, key
//! identifiers, signature), bounded path building ([`path`]), the verifier
//! with OpenSSL's messages and the TLS alerts the other side then logs
//! ([`verify()`]), and OpenSSL 3's security level 1 ([`weak_signature`],
//! [`MIN_RSA_BITS`]). The checker's static rules and the rehearsal's
//! handshake both use it, so their verdicts cannot drift apart.

mod issuer;
mod path;
mod verify;

pub(crate) use issuer::{is_self_signed, issued_by};
pub(crate) use path::{Budget, auto_chain, chain_to, complete_in_file};
pub use verify::VerifyError;
pub(crate) use verify::{Purpose, verify};

/// The smallest RSA key OpenSSL 3's default security level (1) accepts:
/// smaller keys get `ee key too small` / `ca key too small`.
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// The name of a signature algorithm OpenSSL 3's security level 1 refuses
/// (MD5, SHA-1), if `oid` is one.
pub(crate) fn weak_signature(oid: &str) -> Option<&'static str> {
    match oid {
        "1.2.840.113549.1.1.4" => Some("MD5 (md5WithRSAEncryption)"),
        "1.2.840.113549.1.1.5" => Some("SHA-1 (sha1WithRSAEncryption)"),
        "1.2.840.10045.4.1" => Some("SHA-1 (ecdsa-with-SHA1)"),
        "1.2.840.10040.4.3" => Some("SHA-1 (dsaWithSHA1)"),
        _ => None,
    }
}
