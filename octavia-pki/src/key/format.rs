//! What a key is and how it was stored ([`KeyAlgorithm`], [`KeyFormat`],
//! [`LegacyCipher`], the algorithms' OIDs), and why one cannot be read
//! ([`KeyError`]): the leaf the key's format files share.

use std::fmt;

use der::asn1::ObjectIdentifier;

use crate::oid;
use crate::pem;

pub(super) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap(oid::RSA);
pub(super) const OID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap(oid::EC_PUBLIC_KEY);
pub(super) const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap(oid::P256);
pub(super) const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap(oid::P384);
pub(super) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap(oid::ED25519);

/// PBKDF2 iterations for the CA keys this crate writes.
///
/// OpenSSL 3's `genrsa -aes256` (what kolla-ansible runs) uses 2048. Octavia
/// unlocks the server CA key for every amphora certificate it signs, so the
/// cost is paid often; 100 000 iterations of HMAC-SHA256 take a few
/// milliseconds per unlock and make guessing a human-chosen passphrase fifty
/// times dearer than OpenSSL's default.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// The algorithm and size of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "type")]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus size in bits.
        bits: u32,
    },
    /// ECDSA on NIST P-256.
    EcdsaP256,
    /// ECDSA on NIST P-384.
    EcdsaP384,
    /// Ed25519 (readable, but Octavia cannot sign amphora certificates with it).
    Ed25519,
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA-{bits}"),
            Self::EcdsaP256 => f.write_str("ECDSA P-256"),
            Self::EcdsaP384 => f.write_str("ECDSA P-384"),
            Self::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

/// How a key was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFormat {
    /// `BEGIN PRIVATE KEY` (or its DER).
    Pkcs8,
    /// `BEGIN ENCRYPTED PRIVATE KEY`: PBES2, as OpenSSL 3 and this crate write.
    EncryptedPkcs8,
    /// `BEGIN RSA PRIVATE KEY`, unencrypted.
    Pkcs1,
    /// `BEGIN EC PRIVATE KEY`, unencrypted.
    Sec1,
    /// `Proc-Type: 4,ENCRYPTED` with `DEK-Info`, as OpenSSL 1.1 wrote.
    LegacyEncrypted(LegacyCipher),
}

impl KeyFormat {
    /// Whether a passphrase is needed to read the key.
    pub fn is_encrypted(self) -> bool {
        matches!(self, Self::EncryptedPkcs8 | Self::LegacyEncrypted(_))
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pkcs8 => f.write_str("PKCS#8"),
            Self::EncryptedPkcs8 => f.write_str("encrypted PKCS#8"),
            Self::Pkcs1 => f.write_str("PKCS#1 RSA"),
            Self::Sec1 => f.write_str("SEC1 EC"),
            Self::LegacyEncrypted(c) => write!(f, "legacy OpenSSL encrypted PEM ({})", c.name()),
        }
    }
}

/// Why a private key could not be read or written.
///
/// None of these messages contains key material or a passphrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No private key block in the file (OpenSSL says `no start line`).
    #[error("no private key found{}", found_suffix(.found))]
    NotFound {
        /// Labels of the PEM blocks that were there instead.
        found: Vec<String>,
    },
    /// The PEM framing is broken.
    #[error(transparent)]
    Pem(#[from] pem::PemError),
    /// The key is encrypted and no passphrase was given.
    #[error("the key is encrypted ({format}) and no passphrase was given")]
    NeedsPassphrase {
        /// The key's format.
        format: KeyFormat,
    },
    /// The passphrase does not decrypt the key.
    #[error("wrong passphrase: it does not decrypt this {format} key")]
    WrongPassphrase {
        /// The key's format.
        format: KeyFormat,
    },
    /// The key is encrypted with a cipher or KDF this crate does not implement.
    #[error("the key is encrypted with {cipher}, which is not supported")]
    UnsupportedCipher {
        /// The cipher or scheme, as named in the file.
        cipher: String,
    },
    /// A legacy encrypted PEM block holding a key its label cannot hold
    /// (PKCS#1 in a `PRIVATE KEY` block, an EC key in an `RSA PRIVATE KEY`
    /// block): Python's cryptography, with which Octavia opens keys, refuses
    /// it (43.0.3 through OpenSSL's PEM reader; the `openssl` command, which
    /// tries every decoder, may read it all the same).
    #[error(
        "the {label} block holds a {found} key ({algorithm}), which Python's cryptography 43.0.3, with \
         which Octavia opens keys (OpenStack's upper-constraints pin it), does not read there: through \
         OpenSSL's PEM reader it reads in an RSA or EC PRIVATE KEY block that algorithm's key, traditional \
         or PKCS#8, and in a PRIVATE KEY block only PKCS#8; 45 and later read only what the label names \
         (the openssl command may read it all the same)"
    )]
    LabelMismatch {
        /// The block's label.
        label: String,
        /// What the decrypted block holds.
        found: KeyFormat,
        /// The algorithm of the key it holds.
        algorithm: KeyAlgorithm,
    },
    /// The key is of an algorithm Octavia cannot use.
    #[error("unsupported key algorithm {algorithm}")]
    UnsupportedAlgorithm {
        /// The algorithm's name or OID.
        algorithm: String,
    },
    /// The bytes do not form a key of the stated format.
    #[error("corrupt {format} key: {detail}")]
    Malformed {
        /// The format that was expected.
        format: &'static str,
        /// What is wrong (never key material).
        detail: String,
    },
    /// The backend refused to use the key for signing.
    #[error("the {algorithm} key cannot be used for signing: {detail}")]
    CannotSign {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
        /// Why.
        detail: String,
    },
    /// Generating or encrypting a key failed in the backend.
    #[error("{0}")]
    Backend(String),
}

fn found_suffix(found: &[String]) -> String {
    if found.is_empty() {
        " (no PEM block at all; OpenSSL would say \"no start line\")".to_owned()
    } else {
        format!(" (the file holds: {})", found.join(", "))
    }
}

/// A cipher of a `DEK-Info` header that Octavia reads: Python's cryptography
/// 43.0.3 (what OpenStack's upper-constraints pin) reads these headers
/// through OpenSSL (see `legacy.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LegacyCipher {
    /// `AES-128-CBC`
    Aes128Cbc,
    /// `AES-192-CBC` (cryptography 45 and later refuse it here).
    Aes192Cbc,
    /// `AES-256-CBC`, what OpenSSL 1.1's `genrsa -aes256` wrote.
    Aes256Cbc,
    /// `DES-EDE3-CBC`, what `genrsa -des3` wrote.
    DesEde3Cbc,
    /// `DES-CBC`, single DES (cryptography 45 and later refuse it here;
    /// OpenSSL 3 reads it only with its legacy provider, which cryptography
    /// 43.0.3's wheel loads).
    DesCbc,
}

impl LegacyCipher {
    /// The name as it appears in `DEK-Info`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes128Cbc => "AES-128-CBC",
            Self::Aes192Cbc => "AES-192-CBC",
            Self::Aes256Cbc => "AES-256-CBC",
            Self::DesEde3Cbc => "DES-EDE3-CBC",
            Self::DesCbc => "DES-CBC",
        }
    }

    pub(super) fn key_len(self) -> usize {
        match self {
            Self::DesCbc => 8,
            Self::Aes128Cbc => 16,
            Self::Aes192Cbc | Self::DesEde3Cbc => 24,
            Self::Aes256Cbc => 32,
        }
    }

    pub(super) fn iv_len(self) -> usize {
        match self {
            Self::DesEde3Cbc | Self::DesCbc => 8,
            Self::Aes128Cbc | Self::Aes192Cbc | Self::Aes256Cbc => 16,
        }
    }
}
