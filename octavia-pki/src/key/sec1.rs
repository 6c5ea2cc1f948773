//! SEC1 EC keys (`BEGIN EC PRIVATE KEY` without encryption headers): what
//! `openssl ecparam -genkey` and `openssl ec` write.

use der::Encode;
use der::asn1::AnyRef;
use zeroize::Zeroizing;

use super::format::{KeyError, OID_EC_PUBLIC_KEY};

/// Whether `der` is a SEC1 EC private key.
pub(super) fn detect(der: &[u8]) -> bool {
    ::sec1::EcPrivateKey::try_from(der).is_ok()
}

/// The key as unencrypted PKCS#8 DER (the curve moves into the algorithm identifier).
pub(super) fn to_pkcs8(der: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let malformed = |detail: String| KeyError::Malformed {
        format: "SEC1 EC",
        detail,
    };
    let ec = ::sec1::EcPrivateKey::try_from(der).map_err(|e| malformed(e.to_string()))?;
    let curve = ec
        .parameters
        .and_then(|p| p.named_curve())
        .ok_or_else(|| malformed("the key does not name its curve".into()))?;
    // PKCS#8 carries the curve in the algorithm identifier.
    let inner = ::sec1::EcPrivateKey {
        parameters: None,
        ..ec
    };
    let inner = Zeroizing::new(inner.to_der().map_err(|e| malformed(e.to_string()))?);
    super::pkcs8::wrap(OID_EC_PUBLIC_KEY, Some(AnyRef::from(&curve)), &inner)
}
