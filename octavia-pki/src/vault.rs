//! Ansible Vault files (`$ANSIBLE_VAULT;1.1;AES256` and `1.2` with a vault
//! id), read and written as `ansible-vault` does (Ansible's
//! `ansible/parsing/vault/__init__.py`, `VaultAES256`), with the one crypto
//! backend: PBKDF2-HMAC-SHA256 (10 000 rounds, 32-byte salt) derives an
//! AES-256 key, an HMAC-SHA256 key and a 16-byte counter; the PKCS#7-padded
//! plaintext is encrypted with AES-256-CTR and authenticated with the HMAC
//! of the ciphertext; salt, HMAC and ciphertext are hex-encoded, joined by
//! line breaks, hex-encoded again and cut into 80-character lines.
//!
//! Kayobe and many kolla-ansible operators keep `passwords.yml` and the
//! certificate files vaulted. [`crate::fsio`] reads them transparently with
//! the vault password an operation's options carry (`vault_password`; one
//! process may read vaults with different passwords), and writes a file
//! that was vaulted back vaulted, with its vault id.

use std::io::Read;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use aws_lc_rs::cipher::{
    AES_256, DecryptingKey, DecryptionContext, EncryptingKey, EncryptionContext, UnboundCipherKey,
};
use aws_lc_rs::{hmac, pbkdf2};
use zeroize::Zeroizing;

use crate::secret::Passphrase;

/// How every vaulted file starts.
pub const HEADER: &[u8] = b"$ANSIBLE_VAULT;";

/// Ansible's PBKDF2 rounds.
const ROUNDS: u32 = 10_000;
/// The salt's length, as `ansible-vault` makes it.
const SALT_LEN: usize = 32;
/// The length of each line of the hex body.
const LINE: usize = 80;

/// Why a vaulted file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// No vault password was given.
    #[error(
        "encrypted with ansible-vault: give --vault-password-file (or ANSIBLE_VAULT_PASSWORD_FILE)"
    )]
    NoPassword,
    /// The HMAC does not match: another vault password (or a damaged file).
    #[error("ansible-vault: HMAC verification failed: the vault password is not this file's")]
    WrongPassword,
    /// Not a vault format this reads.
    #[error("ansible-vault: {0}")]
    Malformed(String),
    /// The vault password file cannot be read or run, or holds no password.
    #[error("cannot read {}: {why}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
}

/// Whether `bytes` are a vaulted file.
pub fn is_vaulted(bytes: &[u8]) -> bool {
    bytes.starts_with(HEADER)
}

/// A vaulted file's header: its format version and vault id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Envelope {
    /// `1.1` or `1.2`.
    pub version: String,
    /// The vault id of a `1.2` file.
    pub vault_id: Option<String>,
}

/// The header and the hex body of a vaulted file.
fn envelope(bytes: &[u8]) -> Result<(Envelope, Vec<u8>), VaultError> {
    let malformed = |why: &str| VaultError::Malformed(why.to_owned());
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("the file is not text"))?;
    let mut lines = text.lines();
    let envelope = header(lines.next().unwrap_or_default())?;
    let body: String = lines.map(str::trim).collect();
    let body = unhex(body.as_bytes()).ok_or_else(|| malformed("the body is not hexadecimal"))?;
    Ok((envelope, body))
}

/// The envelope a header line names.
fn header(line: &str) -> Result<Envelope, VaultError> {
    let fields: Vec<&str> = line.trim().split(';').collect();
    Ok(match fields.as_slice() {
        ["$ANSIBLE_VAULT", version @ "1.1", "AES256"] => Envelope {
            version: (*version).to_owned(),
            vault_id: None,
        },
        ["$ANSIBLE_VAULT", version @ "1.2", "AES256", id] => Envelope {
            version: (*version).to_owned(),
            vault_id: Some((*id).to_owned()),
        },
        ["$ANSIBLE_VAULT", version, cipher, ..] => {
            return Err(VaultError::Malformed(format!(
                "format {version} with cipher {cipher} is not supported (1.1 and 1.2 with AES256 are)"
            )));
        }
        _ => {
            return Err(VaultError::Malformed(
                "the header is not $ANSIBLE_VAULT;VERSION;CIPHER".into(),
            ));
        }
    })
}

/// The key material Ansible derives from a password and a salt.
struct Keys {
    cipher: Zeroizing<[u8; 32]>,
    hmac: Zeroizing<[u8; 32]>,
    counter: [u8; 16],
}

fn derive(password: &Passphrase, salt: &[u8]) -> Keys {
    let mut out = Zeroizing::new([0u8; 80]);
    let rounds = NonZeroU32::new(ROUNDS).expect("non-zero");
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        salt,
        password.as_bytes(),
        &mut out[..],
    );
    let mut keys = Keys {
        cipher: Zeroizing::new([0u8; 32]),
        hmac: Zeroizing::new([0u8; 32]),
        counter: [0u8; 16],
    };
    keys.cipher.copy_from_slice(&out[..32]);
    keys.hmac.copy_from_slice(&out[32..64]);
    keys.counter.copy_from_slice(&out[64..80]);
    keys
}

/// Decrypts a vaulted file; returns its contents and its envelope.
pub fn decrypt(
    bytes: &[u8],
    password: Option<&Passphrase>,
) -> Result<(Zeroizing<Vec<u8>>, Envelope), VaultError> {
    let (envelope, body) = envelope(bytes)?;
    let malformed = |why: &str| VaultError::Malformed(why.to_owned());
    let parts: Vec<&[u8]> = body.split(|b| *b == b'\n').collect();
    let [salt, mac, ciphertext] = parts.as_slice() else {
        return Err(malformed("the body is not salt, HMAC and ciphertext"));
    };
    let hex_field = |f: &[u8]| unhex(f).ok_or_else(|| malformed("a field is not hexadecimal"));
    let (salt, mac, ciphertext) = (hex_field(salt)?, hex_field(mac)?, hex_field(ciphertext)?);
    let password = password.ok_or(VaultError::NoPassword)?;
    let keys = derive(password, &salt);
    hmac::verify(
        &hmac::Key::new(hmac::HMAC_SHA256, &keys.hmac[..]),
        &ciphertext,
        &mac,
    )
    .map_err(|_| VaultError::WrongPassword)?;
    let mut plain = Zeroizing::new(ciphertext);
    let key = UnboundCipherKey::new(&AES_256, &keys.cipher[..])
        .and_then(DecryptingKey::ctr)
        .map_err(|_| malformed("AES-256-CTR is not available"))?;
    key.decrypt(&mut plain, DecryptionContext::Iv128(keys.counter.into()))
        .map_err(|_| malformed("the ciphertext cannot be decrypted"))?;
    // PKCS#7 padding, as Ansible removes it.
    let pad = usize::from(*plain.last().ok_or_else(|| malformed("nothing encrypted"))?);
    if pad == 0
        || pad > 16
        || pad > plain.len()
        || !plain[plain.len() - pad..]
            .iter()
            .all(|b| usize::from(*b) == pad)
    {
        return Err(malformed("the padding is invalid"));
    }
    let len = plain.len() - pad;
    plain.truncate(len);
    Ok((plain, envelope))
}

/// Encrypts `plain` as `ansible-vault encrypt` does: format 1.1, or 1.2
/// with `vault_id`.
pub fn encrypt(plain: &[u8], password: &Passphrase, vault_id: Option<&str>) -> String {
    let salt: [u8; SALT_LEN] = crate::random::bytes();
    let keys = derive(password, &salt);
    let pad = 16 - plain.len() % 16;
    let mut data = Zeroizing::new(Vec::with_capacity(plain.len() + pad));
    data.extend_from_slice(plain);
    data.extend(std::iter::repeat_n(pad as u8, pad));
    let key = UnboundCipherKey::new(&AES_256, &keys.cipher[..])
        .and_then(EncryptingKey::ctr)
        .expect("AES-256-CTR is available in aws-lc");
    key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(keys.counter.into()))
        .expect("CTR encryption of a buffer cannot fail");
    let mac = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &keys.hmac[..]), &data);
    let inner = [hex(&salt), hex(mac.as_ref()), hex(&data)].join("\n");
    let body = hex(inner.as_bytes());
    let mut out = match vault_id {
        Some(id) => format!("$ANSIBLE_VAULT;1.2;AES256;{id}"),
        None => "$ANSIBLE_VAULT;1.1;AES256".to_owned(),
    };
    for chunk in body.as_bytes().chunks(LINE) {
        out.push('\n');
        out.push_str(std::str::from_utf8(chunk).expect("hex is ASCII"));
    }
    out.push('\n');
    out
}

/// The envelope of a vaulted file, without decrypting it.
pub fn envelope_of(bytes: &[u8]) -> Option<Envelope> {
    let first = bytes.split(|b| *b == b'\n').next()?;
    header(std::str::from_utf8(first).ok()?).ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// The Ansible Vault password in `file`, read as Ansible reads a vault
/// password file: an executable file is run (no arguments) and its output
/// taken; either way, surrounding white space is dropped.
pub fn password_from_file(file: &Path) -> Result<Passphrase, VaultError> {
    /// More than any password, and small enough to hold.
    const MAX_PASSWORD_FILE: u64 = 64 * 1024;
    use std::os::unix::fs::PermissionsExt;
    let invalid = |why: String| VaultError::PasswordFile {
        path: file.to_owned(),
        why,
    };
    let executable = std::fs::metadata(file)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false);
    let bytes = if executable {
        // A bare name is a file in the current directory, as Ansible reads
        // it, never a command looked up on PATH.
        let program = if file.is_relative() {
            Path::new(".").join(file)
        } else {
            file.to_owned()
        };
        let out = std::process::Command::new(program)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| invalid(e.to_string()))?;
        if !out.status.success() {
            return Err(invalid(format!(
                "the vault password script failed ({})",
                out.status
            )));
        }
        Zeroizing::new(out.stdout)
    } else {
        // Read as it is (a vault password file is never itself vaulted), and
        // no more of it than a password could need.
        let mut bytes = Zeroizing::new(Vec::new());
        std::fs::File::open(file)
            .and_then(|f| f.take(MAX_PASSWORD_FILE).read_to_end(&mut bytes))
            .map_err(|e| invalid(e.to_string()))?;
        bytes
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| invalid("the vault password is not UTF-8 text".into()))?;
    let password = text.trim();
    if password.is_empty() {
        return Err(invalid("the vault password is empty".into()));
    }
    Ok(Passphrase::new(password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_it_encrypts_it_decrypts_with_its_vault_id_and_only_with_the_password() {
        let password = Passphrase::new("vault password".into());
        for id in [None, Some("prod")] {
            let vaulted = encrypt(b"-----BEGIN CERTIFICATE-----\n", &password, id);
            assert!(is_vaulted(vaulted.as_bytes()));
            assert!(vaulted.lines().skip(1).all(|l| l.len() <= LINE));
            let (plain, envelope) = decrypt(vaulted.as_bytes(), Some(&password)).unwrap();
            assert_eq!(&plain[..], b"-----BEGIN CERTIFICATE-----\n");
            assert_eq!(envelope.vault_id.as_deref(), id);
            assert_eq!(
                decrypt(vaulted.as_bytes(), Some(&Passphrase::new("other".into()))).unwrap_err(),
                VaultError::WrongPassword
            );
            assert_eq!(
                decrypt(vaulted.as_bytes(), None).unwrap_err(),
                VaultError::NoPassword
            );
        }
    }

    #[test]
    fn other_formats_and_damage_are_named() {
        let err = decrypt(b"$ANSIBLE_VAULT;1.0;AES\nab\n", None).unwrap_err();
        assert!(err.to_string().contains("1.0"), "{err}");
        let err = decrypt(b"$ANSIBLE_VAULT;1.1;AES256\nzz\n", None).unwrap_err();
        assert!(err.to_string().contains("hexadecimal"), "{err}");
    }
}
