//! Private keys: reading every format Octavia and OpenSSL use, writing what Octavia reads.
//!
//! Every key read is normalised to unencrypted PKCS#8 DER held in zeroizing
//! memory. Reading happens in two steps, because a checker needs to know what
//! a file holds before it has a passphrase: [`EncodedKey`] is the key as found
//! (format, encrypted or not), and [`EncodedKey::decrypt`] makes a [`PrivateKey`].

mod encrypted_pkcs8;
mod format;
mod legacy;
mod pkcs1;
mod pkcs8;
mod sec1;

use std::fmt;

use ::pkcs8::PrivateKeyInfo;
use der::Encode;
use der::asn1::ObjectIdentifier;
use zeroize::Zeroizing;

pub use encrypted_pkcs8::{MAX_PBKDF2_ITERATIONS, MAX_SCRYPT_MEMORY};
pub use format::{KeyAlgorithm, KeyError, KeyFormat, LegacyCipher, PBKDF2_ITERATIONS};
use format::{OID_EC_PUBLIC_KEY, OID_ED25519, OID_P256, OID_P384, OID_RSA};
use legacy::DekInfo;

use crate::pem::{self, Block};
use crate::secret::Passphrase;

/// The kinds of key this crate generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA, 2048 bits.
    Rsa2048,
    /// RSA, 3072 bits.
    Rsa3072,
    /// RSA, 4096 bits: kolla-ansible's choice, and the default.
    #[default]
    Rsa4096,
    /// ECDSA on P-256: fast, and accepted by Octavia and OpenSSL.
    EcdsaP256,
    /// ECDSA on P-384.
    EcdsaP384,
}

impl KeyType {
    /// Every key type, in the order `--help` lists them.
    pub const ALL: [KeyType; 5] = [
        Self::Rsa2048,
        Self::Rsa3072,
        Self::Rsa4096,
        Self::EcdsaP256,
        Self::EcdsaP384,
    ];

    /// The name used on the command line (`rsa-4096`, `ecdsa-p256`...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa-2048",
            Self::Rsa3072 => "rsa-3072",
            Self::Rsa4096 => "rsa-4096",
            Self::EcdsaP256 => "ecdsa-p256",
            Self::EcdsaP384 => "ecdsa-p384",
        }
    }

    /// Whether this is an RSA key type.
    pub fn is_rsa(self) -> bool {
        matches!(self, Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096)
    }

    /// Whether generating this key takes long enough to show progress.
    pub fn is_slow(self) -> bool {
        matches!(self, Self::Rsa3072 | Self::Rsa4096)
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for KeyType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|t| t.name()).collect();
                format!(
                    "unknown key type \"{s}\" (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// A private key as found in a file, before any passphrase is applied.
pub struct EncodedKey {
    format: KeyFormat,
    der: Zeroizing<Vec<u8>>,
    legacy: Option<Legacy>,
}

/// Whether Python's cryptography 43.0.3 (what OpenStack's upper-constraints
/// pin), which reads keys through OpenSSL's PEM reader, reads an unencrypted
/// or decrypted legacy block holding `inner` (a key of `algorithm`) under a label naming
/// `labelled`: the DER the label names, or PKCS#8 of the algorithm an RSA or
/// EC label names (Go's `x509.EncryptPEMBlock` wraps PKCS#8 in whatever label
/// it is given), never a traditional key in a `PRIVATE KEY` block.
/// cryptography 45 and later read only the DER the label names.
fn label_admits(labelled: KeyFormat, inner: KeyFormat, algorithm: KeyAlgorithm) -> bool {
    labelled == inner
        || inner == KeyFormat::Pkcs8
            && match labelled {
                KeyFormat::Pkcs1 => matches!(algorithm, KeyAlgorithm::Rsa { .. }),
                KeyFormat::Sec1 => {
                    matches!(algorithm, KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384)
                }
                _ => false,
            }
}

/// A legacy encrypted block's header, and what its label says it holds.
struct Legacy {
    dek_info: DekInfo,
    label: String,
    holds: KeyFormat,
}

impl fmt::Debug for EncodedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodedKey")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl EncodedKey {
    /// Reads a key from a PEM block whose label names a private key.
    pub fn from_pem_block(block: &Block) -> Result<Self, KeyError> {
        let der = Zeroizing::new(block.contents().to_vec());
        let legacy = block
            .header("Proc-Type")
            .is_some_and(|v| v.contains("ENCRYPTED"));
        let plain = match block.label() {
            pem::ENCRYPTED_PRIVATE_KEY => KeyFormat::EncryptedPkcs8,
            pem::PRIVATE_KEY => KeyFormat::Pkcs8,
            pem::RSA_PRIVATE_KEY => KeyFormat::Pkcs1,
            pem::EC_PRIVATE_KEY => KeyFormat::Sec1,
            other => {
                return Err(KeyError::NotFound {
                    found: vec![other.to_owned()],
                });
            }
        };
        // Around PKCS#8 too: Go's x509.EncryptPEMBlock wraps whatever DER it
        // is given (RHOSO 18 GA's CA key), and OpenSSL and cryptography read it.
        let (format, legacy) =
            if legacy && plain != KeyFormat::EncryptedPkcs8 {
                let dek_info = DekInfo::parse(block.header("DEK-Info").ok_or_else(|| {
                    KeyError::Malformed {
                        format: "legacy encrypted PEM",
                        detail: "Proc-Type says ENCRYPTED but there is no DEK-Info header".into(),
                    }
                })?)?;
                let legacy = Legacy {
                    label: block.label().to_owned(),
                    holds: plain,
                    dek_info,
                };
                (
                    KeyFormat::LegacyEncrypted(legacy.dek_info.cipher),
                    Some(legacy),
                )
            } else if matches!(plain, KeyFormat::Pkcs1 | KeyFormat::Sec1) && pkcs8::detect(&der) {
                // Unencrypted PKCS#8 under an RSA or EC label: cryptography
                // 43.0.3 reads it as it reads it encrypted.
                let algorithm = PrivateKey::from_pkcs8_der(&pkcs8::validate(&der)?)?.algorithm();
                if !label_admits(plain, KeyFormat::Pkcs8, algorithm) {
                    return Err(KeyError::LabelMismatch {
                        label: block.label().to_owned(),
                        found: KeyFormat::Pkcs8,
                        algorithm,
                    });
                }
                (KeyFormat::Pkcs8, None)
            } else {
                (plain, None)
            };
        let key = Self {
            format,
            der,
            legacy,
        };
        if !format.is_encrypted() {
            // Catch a corrupt unencrypted key here, where the file is named.
            key.plain_pkcs8()?;
        }
        Ok(key)
    }

    /// Reads a DER key, recognising PKCS#8 (encrypted or not), PKCS#1 and SEC1.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let format = if encrypted_pkcs8::detect(der) {
            KeyFormat::EncryptedPkcs8
        } else if pkcs8::detect(der) {
            KeyFormat::Pkcs8
        } else if pkcs1::detect(der) {
            KeyFormat::Pkcs1
        } else if sec1::detect(der) {
            KeyFormat::Sec1
        } else {
            return Err(KeyError::Malformed {
                format: "DER",
                detail: "not a PKCS#8, PKCS#1 or SEC1 private key".into(),
            });
        };
        Ok(Self {
            format,
            der: Zeroizing::new(der.to_vec()),
            legacy: None,
        })
    }

    /// Finds the one private key in a file's bytes (PEM, or DER if there is no
    /// PEM block at all).
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if !pem::has_begin_line(bytes) {
            return Self::from_der(bytes).map_err(|_| KeyError::NotFound { found: Vec::new() });
        }
        let blocks = pem::parse_blocks(bytes)?;
        match blocks.iter().find(|b| pem::is_key_label(b.label())) {
            Some(block) => Self::from_pem_block(block),
            None => Err(KeyError::NotFound {
                found: blocks.iter().map(|b| b.label().to_owned()).collect(),
            }),
        }
    }

    /// How the key is stored.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// Whether a passphrase is needed.
    pub fn is_encrypted(&self) -> bool {
        self.format.is_encrypted()
    }

    /// Decrypts (if needed) and validates the key. A passphrase given for an
    /// unencrypted key is ignored here; whether that is an error is the
    /// caller's rule (Octavia's is: it is).
    pub fn decrypt(&self, passphrase: Option<&Passphrase>) -> Result<PrivateKey, KeyError> {
        let pkcs8 = match self.format {
            KeyFormat::Pkcs8 | KeyFormat::Pkcs1 | KeyFormat::Sec1 => self.plain_pkcs8()?,
            KeyFormat::EncryptedPkcs8 => {
                let passphrase = passphrase.ok_or(KeyError::NeedsPassphrase {
                    format: self.format,
                })?;
                encrypted_pkcs8::decrypt(&self.der, passphrase)?
            }
            KeyFormat::LegacyEncrypted(_) => {
                let passphrase = passphrase.ok_or(KeyError::NeedsPassphrase {
                    format: self.format,
                })?;
                let legacy = self.legacy.as_ref().ok_or(KeyError::NeedsPassphrase {
                    format: self.format,
                })?;
                let inner = legacy.dek_info.decrypt(passphrase, &self.der)?;
                // Bytes that are no key at all: the padding fitted by chance.
                let inner =
                    EncodedKey::from_der(&inner).map_err(|_| KeyError::WrongPassphrase {
                        format: self.format,
                    })?;
                let key = PrivateKey::from_pkcs8_der(&inner.plain_pkcs8()?)?;
                if !label_admits(legacy.holds, inner.format, key.algorithm()) {
                    return Err(KeyError::LabelMismatch {
                        label: legacy.label.clone(),
                        found: inner.format,
                        algorithm: key.algorithm(),
                    });
                }
                return Ok(key);
            }
        };
        PrivateKey::from_pkcs8_der(&pkcs8)
    }

    /// The unencrypted key as PKCS#8 DER.
    fn plain_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        match self.format {
            KeyFormat::Pkcs8 => pkcs8::validate(&self.der),
            KeyFormat::Pkcs1 => pkcs1::to_pkcs8(&self.der),
            KeyFormat::Sec1 => sec1::to_pkcs8(&self.der),
            KeyFormat::EncryptedPkcs8 | KeyFormat::LegacyEncrypted(_) => {
                Err(KeyError::NeedsPassphrase {
                    format: self.format,
                })
            }
        }
    }
}

/// A usable private key, held as PKCS#8 DER in zeroizing memory (every
/// clone too).
#[derive(Clone)]
pub struct PrivateKey {
    algorithm: KeyAlgorithm,
    pkcs8: Zeroizing<Vec<u8>>,
    public_key: Vec<u8>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Generates a new key.
    pub fn generate(key_type: KeyType) -> Result<Self, KeyError> {
        let pair = match key_type {
            KeyType::Rsa2048 => rsa_pair(rcgen::RsaKeySize::_2048),
            KeyType::Rsa3072 => rsa_pair(rcgen::RsaKeySize::_3072),
            KeyType::Rsa4096 => rsa_pair(rcgen::RsaKeySize::_4096),
            KeyType::EcdsaP256 => rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
            KeyType::EcdsaP384 => rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384),
        }
        .map_err(|e| KeyError::Backend(format!("key generation failed: {e}")))?;
        let pair = SigningKeyPair(pair);
        Self::from_pkcs8_der(pair.0.serialized_der())
    }

    /// Reads unencrypted PKCS#8 DER, working out the algorithm and public key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |detail: String| KeyError::Malformed {
            format: "PKCS#8",
            detail,
        };
        let info = PrivateKeyInfo::try_from(der).map_err(|e| malformed(e.to_string()))?;
        let oid = info.algorithm.oid;
        let (algorithm, public_key) = if oid == OID_RSA {
            let rsa = ::pkcs1::RsaPrivateKey::try_from(info.private_key)
                .map_err(|e| malformed(format!("RSA key: {e}")))?;
            let public = ::pkcs1::RsaPublicKey {
                modulus: rsa.modulus,
                public_exponent: rsa.public_exponent,
            };
            let public = public.to_der().map_err(|e| malformed(e.to_string()))?;
            let bits = bit_length(rsa.modulus.as_bytes());
            // aws-lc checks that the components form a key (2048 to 8192 bits);
            // smaller keys stay readable so a checker can flag their size.
            if (2048..=8192).contains(&bits) {
                aws_lc_rs::rsa::KeyPair::from_pkcs8(der)
                    .map_err(|e| malformed(format!("RSA key rejected: {e}")))?;
            }
            (KeyAlgorithm::Rsa { bits }, public)
        } else if oid == OID_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| malformed("EC key without a named curve".into()))?;
            let (algorithm, signing) = if curve == OID_P256 {
                (
                    KeyAlgorithm::EcdsaP256,
                    &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                )
            } else if curve == OID_P384 {
                (
                    KeyAlgorithm::EcdsaP384,
                    &aws_lc_rs::signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                )
            } else {
                return Err(KeyError::UnsupportedAlgorithm {
                    algorithm: format!("EC curve {curve}"),
                });
            };
            let pair = aws_lc_rs::signature::EcdsaKeyPair::from_private_key_der(signing, der)
                .map_err(|e| malformed(format!("EC key rejected: {e}")))?;
            (
                algorithm,
                aws_lc_rs::signature::KeyPair::public_key(&pair)
                    .as_ref()
                    .to_vec(),
            )
        } else if oid == OID_ED25519 {
            let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                .map_err(|e| malformed(format!("Ed25519 key rejected: {e}")))?;
            (
                KeyAlgorithm::Ed25519,
                aws_lc_rs::signature::KeyPair::public_key(&pair)
                    .as_ref()
                    .to_vec(),
            )
        } else {
            return Err(KeyError::UnsupportedAlgorithm {
                algorithm: format!("OID {oid}"),
            });
        };
        Ok(Self {
            algorithm,
            pkcs8: Zeroizing::new(der.to_vec()),
            public_key,
        })
    }

    /// Reads the first private key of a file's bytes (PEM or DER).
    pub fn from_file_bytes(
        bytes: &[u8],
        passphrase: Option<&Passphrase>,
    ) -> Result<Self, KeyError> {
        EncodedKey::from_file_bytes(bytes)?.decrypt(passphrase)
    }

    /// The key's algorithm and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The public key as it appears in a certificate's subjectPublicKey BIT
    /// STRING (RSAPublicKey DER, or the EC point, or the Ed25519 key).
    pub fn public_key_raw(&self) -> &[u8] {
        &self.public_key
    }

    /// The unencrypted PKCS#8 DER. Secret: handle with care.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// `BEGIN PRIVATE KEY` PEM, unencrypted (the client key in the bundle).
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        pem::encode_secret(pem::PRIVATE_KEY, &self.pkcs8)
    }

    /// `BEGIN ENCRYPTED PRIVATE KEY` PEM: PBES2 with PBKDF2-HMAC-SHA256
    /// ([`PBKDF2_ITERATIONS`]) and AES-256-CBC, which Octavia (Python's
    /// cryptography) and OpenSSL read.
    pub fn to_encrypted_pkcs8_pem(
        &self,
        passphrase: &Passphrase,
    ) -> Result<Zeroizing<String>, KeyError> {
        let encrypted = encrypted_pkcs8::encrypt(&self.pkcs8, passphrase)?;
        Ok(pem::encode_secret(pem::ENCRYPTED_PRIVATE_KEY, &encrypted))
    }

    /// A signer for rcgen, created on demand so the backend's copy of the key
    /// lives only as long as it is needed.
    pub(crate) fn signing_key(&self) -> Result<SigningKeyPair, KeyError> {
        let alg = match self.algorithm {
            KeyAlgorithm::Rsa { .. } => &rcgen::PKCS_RSA_SHA256,
            KeyAlgorithm::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyAlgorithm::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyAlgorithm::Ed25519 => &rcgen::PKCS_ED25519,
        };
        let der = rustls_pki_types::PrivatePkcs8KeyDer::from(self.pkcs8.as_slice());
        rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, alg)
            .map(SigningKeyPair)
            .map_err(|e| KeyError::CannotSign {
                algorithm: self.algorithm,
                detail: e.to_string(),
            })
    }
}

fn rsa_pair(size: rcgen::RsaKeySize) -> Result<rcgen::KeyPair, rcgen::Error> {
    rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, size)
}

fn bit_length(big_endian: &[u8]) -> u32 {
    let digits: &[u8] = match big_endian.iter().position(|&b| b != 0) {
        Some(i) => &big_endian[i..],
        None => return 0,
    };
    (digits.len() as u32 - 1) * 8 + (8 - digits[0].leading_zeros())
}

/// rcgen's key pair, wiped when dropped (rcgen implements `Zeroize` but not `Drop`).
pub(crate) struct SigningKeyPair(pub(crate) rcgen::KeyPair);

impl Drop for SigningKeyPair {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What cryptography 43.0.3 (through OpenSSL) opened and refused, each
    /// label around each key (legacy AES-256-CBC blocks made with its own
    /// primitives): its own DER, PKCS#8 of its own algorithm, nothing else.
    #[test]
    fn labels_admit_what_openssl_reads_under_them() {
        use KeyFormat::{Pkcs1, Pkcs8, Sec1};
        let rsa = KeyAlgorithm::Rsa { bits: 2048 };
        let ec = KeyAlgorithm::EcdsaP256;
        for (labelled, inner, algorithm, admitted) in [
            (Pkcs1, Pkcs1, rsa, true),
            (Pkcs1, Pkcs8, rsa, true),
            (Pkcs1, Pkcs8, ec, false),
            (Pkcs1, Sec1, ec, false),
            (Sec1, Sec1, ec, true),
            (Sec1, Pkcs8, ec, true),
            (Sec1, Pkcs8, rsa, false),
            (Sec1, Pkcs1, rsa, false),
            (Pkcs8, Pkcs8, rsa, true),
            (Pkcs8, Pkcs8, ec, true),
            (Pkcs8, Pkcs1, rsa, false),
            (Pkcs8, Sec1, ec, false),
        ] {
            assert_eq!(
                label_admits(labelled, inner, algorithm),
                admitted,
                "{labelled} holding {inner} {algorithm}"
            );
        }
    }

    /// An encrypted PKCS#8 key whose KDF is `params` (the ciphertext is
    /// never reached: the parameters are refused first).
    fn encrypted_with(params: ::pkcs8::pkcs5::pbes2::Parameters<'_>) -> EncodedKey {
        use der::Encode;
        let info = ::pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: ::pkcs8::pkcs5::EncryptionScheme::Pbes2(params),
            encrypted_data: &[0u8; 48],
        };
        let pem = pem::encode(pem::ENCRYPTED_PRIVATE_KEY, &info.to_der().unwrap());
        EncodedKey::from_file_bytes(pem.as_bytes()).unwrap()
    }

    #[test]
    fn key_derivation_too_costly_to_run_is_refused_at_once() {
        use ::pkcs8::pkcs5::pbes2::Parameters;
        let passphrase = Passphrase::new("any".into());
        let salt = [7u8; 16];
        let iv = [9u8; 16];
        let pbkdf2 = Parameters::pbkdf2_sha256_aes256cbc(100_000_000, &salt, &iv).unwrap();
        let started = std::time::Instant::now();
        let err = encrypted_with(pbkdf2)
            .decrypt(Some(&passphrase))
            .unwrap_err();
        assert!(
            err.to_string().contains("PBKDF2 with 100000000 iterations"),
            "{err}"
        );
        let scrypt = Parameters::scrypt_aes256cbc(
            ::pkcs8::pkcs5::scrypt::Params::new(22, 8, 1, 32).unwrap(),
            &salt,
            &iv,
        )
        .unwrap();
        let err = encrypted_with(scrypt)
            .decrypt(Some(&passphrase))
            .unwrap_err();
        assert!(err.to_string().contains("scrypt needing 4096 MiB"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn bit_length_counts_significant_bits() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01, 0x00]), 9);
        assert_eq!(bit_length(&[0x00]), 0);
    }

    #[test]
    fn key_type_names_round_trip() {
        for t in KeyType::ALL {
            assert_eq!(t.name().parse::<KeyType>(), Ok(t));
        }
        assert!(
            "rsa-1024"
                .parse::<KeyType>()
                .unwrap_err()
                .contains("rsa-4096")
        );
    }

    #[test]
    fn ecdsa_key_round_trips_through_encryption() {
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let pass = Passphrase::new("correct horse".into());
        let pem = key.to_encrypted_pkcs8_pem(&pass).unwrap();
        let encoded = EncodedKey::from_file_bytes(pem.as_bytes()).unwrap();
        assert_eq!(encoded.format(), KeyFormat::EncryptedPkcs8);
        assert_eq!(
            encoded.decrypt(None).unwrap_err(),
            KeyError::NeedsPassphrase {
                format: KeyFormat::EncryptedPkcs8
            }
        );
        assert_eq!(
            encoded
                .decrypt(Some(&Passphrase::new("wrong".into())))
                .unwrap_err(),
            KeyError::WrongPassphrase {
                format: KeyFormat::EncryptedPkcs8
            }
        );
        let back = encoded.decrypt(Some(&pass)).unwrap();
        assert_eq!(back.algorithm(), KeyAlgorithm::EcdsaP256);
        assert_eq!(back.public_key_raw(), key.public_key_raw());
    }

    #[test]
    fn a_certificate_is_not_a_key() {
        let text = pem::encode(pem::CERTIFICATE, &[0x30, 0x00]);
        assert_eq!(
            EncodedKey::from_file_bytes(text.as_bytes()).unwrap_err(),
            KeyError::NotFound {
                found: vec!["CERTIFICATE".into()]
            }
        );
        assert!(
            EncodedKey::from_file_bytes(b"")
                .unwrap_err()
                .to_string()
                .contains("no start line")
        );
    }

    #[test]
    fn an_rsa_key_whose_parts_do_not_fit_is_rejected() {
        let key = PrivateKey::generate(KeyType::Rsa2048).unwrap();
        let info = PrivateKeyInfo::try_from(key.pkcs8_der()).unwrap();
        let mut rsa = ::pkcs1::RsaPrivateKey::try_from(info.private_key).unwrap();
        // Swap the primes' roles: every field still parses, the key is wrong.
        std::mem::swap(&mut rsa.exponent1, &mut rsa.exponent2);
        let inner = rsa.to_der().unwrap();
        let broken = pkcs8::wrap(OID_RSA, Some(der::asn1::AnyRef::NULL), &inner).unwrap();
        let err = PrivateKey::from_pkcs8_der(&broken).unwrap_err();
        assert!(err.to_string().contains("RSA key rejected"), "{err}");
    }

    #[test]
    fn debug_shows_no_key_material() {
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "PrivateKey { algorithm: EcdsaP256, .. }");
    }
}
