//! PKCS#1 RSA keys (`BEGIN RSA PRIVATE KEY` without encryption headers): what
//! OpenSSL 1.1's `genrsa` wrote, and `openssl rsa -traditional` still writes.

use der::asn1::AnyRef;
use zeroize::Zeroizing;

use super::format::{KeyError, OID_RSA};

/// Whether `der` is a PKCS#1 RSA private key.
pub(super) fn detect(der: &[u8]) -> bool {
    ::pkcs1::RsaPrivateKey::try_from(der).is_ok()
}

/// The key as unencrypted PKCS#8 DER.
pub(super) fn to_pkcs8(der: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    ::pkcs1::RsaPrivateKey::try_from(der).map_err(|e| KeyError::Malformed {
        format: "PKCS#1 RSA",
        detail: e.to_string(),
    })?;
    super::pkcs8::wrap(OID_RSA, Some(AnyRef::NULL), der)
}
