//! The object identifiers the crate names, in one place (as rcgen's `oid.rs`).

/// rsaEncryption (RFC 8017).
pub(crate) const RSA: &str = "1.2.840.113549.1.1.1";
/// id-ecPublicKey (RFC 5480).
pub(crate) const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// secp256r1 / prime256v1 (RFC 5480).
pub(crate) const P256: &str = "1.2.840.10045.3.1.7";
/// secp384r1 (RFC 5480).
pub(crate) const P384: &str = "1.3.132.0.34";
/// id-Ed25519 (RFC 8410).
pub(crate) const ED25519: &str = "1.3.101.112";

/// md5WithRSAEncryption (RFC 8017).
pub(crate) const MD5_WITH_RSA: &str = "1.2.840.113549.1.1.4";
/// sha1WithRSAEncryption (RFC 8017).
pub(crate) const SHA1_WITH_RSA: &str = "1.2.840.113549.1.1.5";
/// ecdsa-with-SHA1 (RFC 5758).
pub(crate) const ECDSA_WITH_SHA1: &str = "1.2.840.10045.4.1";
/// id-dsa-with-sha1 (RFC 3279).
pub(crate) const DSA_WITH_SHA1: &str = "1.2.840.10040.4.3";
