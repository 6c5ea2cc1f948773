//! Unencrypted PKCS#8 (`BEGIN PRIVATE KEY`): the form every key is normalised
//! to, and what this crate writes for the client key.

use ::pkcs8::{AlgorithmIdentifierRef, PrivateKeyInfo};
use der::Encode;
use der::asn1::{AnyRef, ObjectIdentifier};
use zeroize::Zeroizing;

use super::format::KeyError;

/// Whether `der` is an unencrypted PKCS#8 structure.
pub(super) fn detect(der: &[u8]) -> bool {
    PrivateKeyInfo::try_from(der).is_ok()
}

/// `der` itself, once it parses as PKCS#8.
pub(super) fn validate(der: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    PrivateKeyInfo::try_from(der).map_err(|e| KeyError::Malformed {
        format: "PKCS#8",
        detail: e.to_string(),
    })?;
    Ok(Zeroizing::new(der.to_vec()))
}

/// Wraps an algorithm-specific private key (PKCS#1, SEC1) in PKCS#8.
pub(super) fn wrap(
    oid: ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
    private_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = PrivateKeyInfo::new(AlgorithmIdentifierRef { oid, parameters }, private_key);
    info.to_der()
        .map(Zeroizing::new)
        .map_err(|e| KeyError::Malformed {
            format: "PKCS#8",
            detail: e.to_string(),
        })
}
