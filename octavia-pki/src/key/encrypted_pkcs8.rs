//! Encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`, PBES2): what OpenSSL 3's
//! `genrsa -aes256` writes for kolla-ansible's CA keys, and what this crate
//! writes. Reading refuses key-derivation parameters too costly to run.

use ::pkcs8::pkcs5::pbes2::Kdf;
use ::pkcs8::pkcs5::{self, EncryptionScheme};
use ::pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};
use zeroize::Zeroizing;

use super::format::{KeyError, KeyFormat, PBKDF2_ITERATIONS};
use crate::secret::Passphrase;

/// The most PBKDF2 iterations accepted: 100 times what this crate writes, far
/// beyond any tool's default, and still seconds, not hours, to derive. A
/// mangled or hostile file cannot make the tool hang.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// The most memory scrypt may need (128 x r x N x p bytes): OpenSSL's own
/// default limit, so a key this refuses OpenSSL (and Octavia) refuse too.
pub const MAX_SCRYPT_MEMORY: u64 = 32 * 1024 * 1024;

/// Whether `der` is an encrypted PKCS#8 structure.
pub(super) fn detect(der: &[u8]) -> bool {
    EncryptedPrivateKeyInfo::try_from(der).is_ok()
}

/// Decrypts to unencrypted PKCS#8 DER; a wrong passphrase is
/// [`KeyError::WrongPassphrase`].
pub(super) fn decrypt(der: &[u8], passphrase: &Passphrase) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let wrong = || KeyError::WrongPassphrase {
        format: KeyFormat::EncryptedPkcs8,
    };
    let info = EncryptedPrivateKeyInfo::try_from(der).map_err(structure_error)?;
    check_kdf_cost(&info.encryption_algorithm)?;
    // pkcs5 0.7 reports bad padding, the mark of a wrong passphrase, as
    // `EncryptFailed` even when decrypting.
    let doc = info.decrypt(passphrase.as_bytes()).map_err(|e| match e {
        ::pkcs8::Error::EncryptedPrivateKey(
            pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed,
        )
        | ::pkcs8::Error::Asn1(_)
        | ::pkcs8::Error::KeyMalformed => wrong(),
        ::pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::UnsupportedAlgorithm { oid }) => {
            KeyError::UnsupportedCipher {
                cipher: format!("OID {oid}"),
            }
        }
        other => KeyError::UnsupportedCipher {
            cipher: other.to_string(),
        },
    })?;
    let plain = Zeroizing::new(doc.as_bytes().to_vec());
    // A wrong passphrase that happens to leave valid padding yields garbage;
    // it is still a wrong passphrase.
    PrivateKeyInfo::try_from(plain.as_slice()).map_err(|_| wrong())?;
    Ok(plain)
}

/// Encrypts unencrypted PKCS#8 DER as PBES2 with PBKDF2-HMAC-SHA256
/// ([`PBKDF2_ITERATIONS`]) and AES-256-CBC, which Octavia (Python's
/// cryptography) and OpenSSL read; returns the DER.
pub(super) fn encrypt(
    pkcs8: &[u8],
    passphrase: &Passphrase,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let salt: [u8; 16] = crate::random::bytes();
    let iv: [u8; 16] = crate::random::bytes();
    let params = pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv)
        .map_err(|e| KeyError::Backend(format!("PBES2 parameters: {e}")))?;
    let info = PrivateKeyInfo::try_from(pkcs8)
        .map_err(|e| KeyError::Backend(format!("re-reading the key: {e}")))?;
    let encrypted = info
        .encrypt_with_params(params, passphrase.as_bytes())
        .map_err(|e| KeyError::Backend(format!("encrypting the key: {e}")))?;
    Ok(Zeroizing::new(encrypted.as_bytes().to_vec()))
}

/// Refuses key-derivation parameters that would take too long or too much
/// memory, before deriving anything.
pub(super) fn check_kdf_cost(scheme: &EncryptionScheme<'_>) -> Result<(), KeyError> {
    let EncryptionScheme::Pbes2(params) = scheme else {
        return Ok(());
    };
    match &params.kdf {
        Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => {
            Err(KeyError::UnsupportedCipher {
                cipher: format!(
                    "PBKDF2 with {} iterations (at most {MAX_PBKDF2_ITERATIONS} are accepted)",
                    p.iteration_count
                ),
            })
        }
        Kdf::Scrypt(p) => {
            let memory = 128u64
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(p.cost_parameter)
                .saturating_mul(u64::from(p.parallelization).max(1));
            if memory > MAX_SCRYPT_MEMORY {
                return Err(KeyError::UnsupportedCipher {
                    cipher: format!(
                        "scrypt needing {} MiB (N={}, r={}, p={}; at most {} MiB are accepted, as in OpenSSL)",
                        memory / (1024 * 1024),
                        p.cost_parameter,
                        p.block_size,
                        p.parallelization,
                        MAX_SCRYPT_MEMORY / (1024 * 1024)
                    ),
                });
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// An encrypted PKCS#8 structure that does not parse: a well-formed key whose
/// scheme this crate lacks (Camellia, ARIA...) shows as an unknown OID.
fn structure_error(e: ::pkcs8::Error) -> KeyError {
    if let ::pkcs8::Error::Asn1(d) = &e
        && let der::ErrorKind::OidUnknown { oid } = d.kind()
    {
        return KeyError::UnsupportedCipher {
            cipher: format!("the scheme with OID {oid}"),
        };
    }
    KeyError::Malformed {
        format: "encrypted PKCS#8",
        detail: e.to_string(),
    }
}
