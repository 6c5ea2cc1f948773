//! OpenSSL's legacy encrypted PEM keys (OpenSSL 1.1's `genrsa -aes256`, Go's
//! `x509.EncryptPEMBlock`).
//!
//! ```text
//! -----BEGIN RSA PRIVATE KEY-----
//! Proc-Type: 4,ENCRYPTED
//! DEK-Info: AES-256-CBC,<hex IV>
//! ```
//! The key is `EVP_BytesToKey(MD5, passphrase, salt = IV[..8], count = 1)` and
//! the body is the DER the label names (PKCS#1, SEC1, or PKCS#8 in a `PRIVATE
//! KEY` block), CBC-encrypted with PKCS#7 padding.
//!
//! The ciphers are the CBC ones OpenSSL reads there, by its names for them in
//! any case (`aes-256-cbc`, `AES256`): Python's cryptography 43.0.3, which
//! OpenStack's upper-constraints pin and so deployed Octavia runs, reads these
//! headers through OpenSSL. cryptography 45 and later parse them themselves
//! and refuse AES-192-CBC, DES-CBC and any name not in upper case with its
//! mode; those keys are read here all the same, as Octavia reads them today.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use md_5::{Digest, Md5};
use zeroize::Zeroizing;

use super::format::{KeyError, KeyFormat, LegacyCipher};
use crate::secret::Passphrase;

/// The parsed `DEK-Info` header of an encrypted traditional key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DekInfo {
    /// The cipher.
    pub(crate) cipher: LegacyCipher,
    iv: Vec<u8>,
}

impl DekInfo {
    /// Parses `CIPHER,HEXIV`.
    pub(crate) fn parse(value: &str) -> Result<Self, KeyError> {
        let (name, iv_hex) = value.split_once(',').ok_or_else(|| KeyError::Malformed {
            format: "legacy encrypted PEM",
            detail: format!("DEK-Info header \"{value}\" has no IV"),
        })?;
        // OpenSSL's names and aliases (EVP_get_cipherbyname), which ignore case.
        let cipher = match name.trim().to_ascii_uppercase().as_str() {
            "AES-128-CBC" | "AES128" => LegacyCipher::Aes128Cbc,
            "AES-192-CBC" | "AES192" => LegacyCipher::Aes192Cbc,
            "AES-256-CBC" | "AES256" => LegacyCipher::Aes256Cbc,
            "DES-EDE3-CBC" | "DES3" => LegacyCipher::DesEde3Cbc,
            "DES-CBC" | "DES" => LegacyCipher::DesCbc,
            _ => {
                return Err(KeyError::UnsupportedCipher {
                    cipher: name.trim().to_owned(),
                });
            }
        };
        let iv = decode_hex(iv_hex.trim()).ok_or_else(|| KeyError::Malformed {
            format: "legacy encrypted PEM",
            detail: "the IV in the DEK-Info header is not hexadecimal".into(),
        })?;
        if iv.len() != cipher.iv_len() {
            return Err(KeyError::Malformed {
                format: "legacy encrypted PEM",
                detail: format!(
                    "the IV in the DEK-Info header has {} bytes, {} needs {}",
                    iv.len(),
                    cipher.name(),
                    cipher.iv_len()
                ),
            });
        }
        Ok(Self { cipher, iv })
    }

    /// Decrypts the body. A wrong passphrase shows as bad padding.
    pub(crate) fn decrypt(
        &self,
        passphrase: &Passphrase,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let key = bytes_to_key(passphrase.as_bytes(), &self.iv[..8], self.cipher.key_len());
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        let plain_len = match self.cipher {
            LegacyCipher::Aes128Cbc => cbc_decrypt::<aes::Aes128>(&key, &self.iv, &mut buf),
            LegacyCipher::Aes192Cbc => cbc_decrypt::<aes::Aes192>(&key, &self.iv, &mut buf),
            LegacyCipher::Aes256Cbc => cbc_decrypt::<aes::Aes256>(&key, &self.iv, &mut buf),
            LegacyCipher::DesEde3Cbc => cbc_decrypt::<des::TdesEde3>(&key, &self.iv, &mut buf),
            LegacyCipher::DesCbc => cbc_decrypt::<des::Des>(&key, &self.iv, &mut buf),
        }
        .ok_or(KeyError::WrongPassphrase {
            format: KeyFormat::LegacyEncrypted(self.cipher),
        })?;
        buf.truncate(plain_len);
        Ok(buf)
    }
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Option<usize>
where
    C: aes::cipher::BlockDecryptMut + aes::cipher::BlockCipher + aes::cipher::KeyInit,
{
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor
        .decrypt_padded_mut::<Pkcs7>(buf)
        .ok()
        .map(<[u8]>::len)
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration.
fn bytes_to_key(passphrase: &[u8], salt: &[u8], key_len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(key_len + 16));
    let mut previous: Option<Zeroizing<[u8; 16]>> = None;
    while key.len() < key_len {
        let mut md5 = Md5::new();
        if let Some(prev) = &previous {
            md5.update(prev.as_ref());
        }
        md5.update(passphrase);
        md5.update(salt);
        let digest = Zeroizing::new(<[u8; 16]>::from(md5.finalize()));
        key.extend_from_slice(digest.as_ref());
        previous = Some(digest);
    }
    key.truncate(key_len);
    key
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_to_key_matches_openssl() {
        // Expected values printed by
        // `openssl enc -aes-256-cbc -P -pass pass:foobar -S 0102030405060708 -md md5`.
        let key = bytes_to_key(b"foobar", &[1, 2, 3, 4, 5, 6, 7, 8], 32);
        assert_eq!(
            decode_hex("BBF524D03724203D962A37594DDA4BA7255920444711429648D874790B1A727F").unwrap(),
            key.to_vec()
        );
    }

    #[test]
    fn dek_info_is_validated() {
        // As OpenSSL names them, in any case (cryptography 43.0.3 reads
        // `aes-256-cbc` and `AES256`).
        for (name, cipher) in [
            ("AES-256-CBC", LegacyCipher::Aes256Cbc),
            ("aes-256-cbc", LegacyCipher::Aes256Cbc),
            ("AES256", LegacyCipher::Aes256Cbc),
            ("Aes-192-Cbc", LegacyCipher::Aes192Cbc),
            ("aes128", LegacyCipher::Aes128Cbc),
            ("des3", LegacyCipher::DesEde3Cbc),
            ("DES-CBC", LegacyCipher::DesCbc),
        ] {
            let iv = "00112233445566778899AABBCCDDEEFF";
            let iv = &iv[..2 * cipher.iv_len()];
            assert_eq!(
                DekInfo::parse(&format!("{name},{iv}")).unwrap().cipher,
                cipher,
                "{name}"
            );
        }
        // Not CBC, or not a cipher this crate implements.
        for refused in ["CAMELLIA-256-CBC", "AES-256-CFB", "DES-EDE3"] {
            assert!(matches!(
                DekInfo::parse(&format!("{refused},00112233445566778899AABBCCDDEEFF")),
                Err(KeyError::UnsupportedCipher { .. })
            ));
        }
        assert!(matches!(
            DekInfo::parse("AES-256-CBC,0011"),
            Err(KeyError::Malformed { .. })
        ));
        assert!(matches!(
            DekInfo::parse("AES-256-CBC"),
            Err(KeyError::Malformed { .. })
        ));
    }
}
