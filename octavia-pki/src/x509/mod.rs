//! OpenSSL's verification rules, as Octavia's controllers and amphorae apply
//! them, in one place: who issued what ([`issued_by`]: names, key
//! identifiers, signature), bounded path building ([`path`]), the verifier
//! with OpenSSL's messages and the TLS alerts the other side then logs
//! ([`verify()`]), and OpenSSL 3's security level 1 ([`weak_signature`],
//! [`MIN_RSA_BITS`]). The checker's static rules and the rehearsal's
//! handshake both use it, so their verdicts cannot drift apart.

mod budget;
mod issuer;
mod path;
pub(crate) mod tls;
mod verify;

pub(crate) use budget::Exhausted;
pub(crate) use issuer::{is_self_signed, issued};
pub(crate) use path::{auto_chain, chain_to, complete_in_file, trusted_paths};
pub use verify::VerifyError;

use crate::cert::Certificate;
use crate::oid;
pub(crate) use verify::{Purpose, verify};

/// The smallest RSA key OpenSSL 3's default security level (1) accepts:
/// smaller keys get `ee key too small` / `ca key too small`.
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// The name of a signature algorithm OpenSSL 3's security level 1 refuses
/// (MD5, SHA-1), if `oid` is one.
pub(crate) fn weak_signature(oid: &str) -> Option<&'static str> {
    match oid {
        oid::MD5_WITH_RSA => Some("MD5 (md5WithRSAEncryption)"),
        oid::SHA1_WITH_RSA => Some("SHA-1 (sha1WithRSAEncryption)"),
        oid::ECDSA_WITH_SHA1 => Some("SHA-1 (ecdsa-with-SHA1)"),
        oid::DSA_WITH_SHA1 => Some("SHA-1 (dsaWithSHA1)"),
        _ => None,
    }
}

/// Whether OpenSSL's `X509_check_ca` takes a certificate without
/// basicConstraints for a CA anyway: it asserts keyCertSign, or it is a
/// self-signed (v1-style) root.
pub(crate) fn is_ca_without_basic_constraints(cert: &Certificate) -> bool {
    let cert_sign = matches!(cert.parsed().key_usage(), Ok(Some(ku)) if ku.value.key_cert_sign());
    cert_sign || is_self_signed(cert)
}
