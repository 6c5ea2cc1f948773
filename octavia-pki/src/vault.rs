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

/// The most of a vault password file, or of a vault password script's
/// output, that is read: 64 KiB. Ansible reads either whole (`f.read()`,
/// `Popen.communicate()`), without a bound; a password is a line, and even a
/// generated key file (`openssl rand -base64 2048`, 2.7 KiB) is far below
/// this, while a script that floods its output (a `yes`, a `cat` of the
/// wrong file) is stopped before it costs memory.
pub const MAX_PASSWORD_OUTPUT: usize = 64 * 1024;

/// How long a vault password script may run: 60 seconds. Ansible waits for
/// it without a limit. A script that looks a password up (HashiCorp Vault,
/// `pass`, a keyring) answers in well under a second, and one that asks a
/// person on the terminal (pinentry) within a minute; a script that hangs
/// (an unreachable server, a prompt no one sees under cron) is stopped with
/// an error naming it, before a monitoring check's own timeout (Nagios
/// gives a check 60 seconds) kills the run without a word.
pub const PASSWORD_SCRIPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The Ansible Vault password in `file`, read as Ansible reads a vault
/// password file (`get_file_vault_secret`): an executable file is run (no
/// arguments, standard error left to the terminal, as Ansible does so that
/// the script may prompt there) and its output taken without its leading and
/// trailing line breaks; a file is read without its surrounding white space.
/// At most [`MAX_PASSWORD_OUTPUT`] bytes are read, and a script is stopped
/// after [`PASSWORD_SCRIPT_TIMEOUT`]: more output, a hang, a failure or a
/// signal is an error naming the file.
pub fn password_from_file(file: &Path) -> Result<Passphrase, VaultError> {
    password_within(file, PASSWORD_SCRIPT_TIMEOUT)
}

/// [`password_from_file`], with a script stopped after `timeout`.
fn password_within(file: &Path, timeout: std::time::Duration) -> Result<Passphrase, VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let invalid = |why: String| VaultError::PasswordFile {
        path: file.to_owned(),
        why,
    };
    let executable = std::fs::metadata(file)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false);
    let (bytes, strip): (_, &[char]) = if executable {
        // Python's `bytes.strip(b'\r\n')`: a script's spaces are its password's.
        (
            run_password_script(file, timeout).map_err(invalid)?,
            &['\r', '\n'],
        )
    } else {
        // Read as it is (a vault password file is never itself vaulted).
        let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_PASSWORD_OUTPUT + 1));
        std::fs::File::open(file)
            .and_then(|f| {
                f.take(MAX_PASSWORD_OUTPUT as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| invalid(e.to_string()))?;
        if bytes.len() > MAX_PASSWORD_OUTPUT {
            return Err(invalid(format!(
                "the file is larger than {MAX_PASSWORD_OUTPUT} bytes: no vault password is"
            )));
        }
        // Python's `bytes.strip()`: ASCII white space.
        (bytes, &[' ', '\t', '\n', '\r', '\x0b', '\x0c'])
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| invalid("the vault password is not UTF-8 text".into()))?;
    let password = text.trim_matches(strip);
    if password.is_empty() {
        return Err(invalid("the vault password is empty".into()));
    }
    Ok(Passphrase::new(password.to_owned()))
}

/// Runs a vault password script and returns its output: at most
/// [`MAX_PASSWORD_OUTPUT`] bytes, within `timeout`. A script that prints
/// more, runs longer, fails or is killed is stopped (killed and reaped) and
/// the error says which of these it did.
fn run_password_script(
    file: &Path,
    timeout: std::time::Duration,
) -> Result<Zeroizing<Vec<u8>>, String> {
    use std::sync::mpsc;
    let deadline = std::time::Instant::now() + timeout;
    // A bare name is a file in the current directory, as Ansible reads it,
    // never a command looked up on PATH.
    let program = if file.is_relative() {
        Path::new(".").join(file)
    } else {
        file.to_owned()
    };
    let mut child = std::process::Command::new(program)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| format!("the vault password script cannot be run: {e}"))?;
    let mut stdout = child.stdout.take().expect("standard output is piped");
    // Read on a thread, so that a script that neither writes nor exits
    // cannot hold this one past the deadline. The buffer is allocated once,
    // whole: no copy of the password is left behind by a reallocation.
    let (sender, received) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_PASSWORD_OUTPUT + 1));
        let read = (&mut stdout)
            .take(MAX_PASSWORD_OUTPUT as u64 + 1)
            .read_to_end(&mut bytes);
        // Closing the pipe makes a script still writing get SIGPIPE.
        drop(stdout);
        let _ = sender.send(read.map(|_| bytes));
    });
    let stop = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    let seconds = timeout.as_secs_f64();
    let output = match received
        .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        Ok(Ok(bytes)) if bytes.len() > MAX_PASSWORD_OUTPUT => {
            stop(&mut child);
            return Err(format!(
                "the vault password script printed more than {MAX_PASSWORD_OUTPUT} bytes: \
                 a vault password is one line"
            ));
        }
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            stop(&mut child);
            return Err(format!(
                "cannot read the vault password script's output: {e}"
            ));
        }
        Err(_) => {
            // Ansible would wait for ever; here the script is stopped.
            let exited = matches!(child.try_wait(), Ok(Some(_)));
            stop(&mut child);
            return Err(if exited {
                format!(
                    "the vault password script exited, but what it started still held its \
                     output open after {seconds} s"
                )
            } else {
                format!(
                    "the vault password script did not finish within {seconds} s (it was stopped)"
                )
            });
        }
    };
    // Its output is whole; it has until the deadline to exit.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Ok(None) => {
                stop(&mut child);
                return Err(format!(
                    "the vault password script closed its output but did not exit within \
                     {seconds} s (it was stopped)"
                ));
            }
            Err(e) => return Err(format!("cannot wait for the vault password script: {e}")),
        }
    };
    match status.code() {
        Some(0) => Ok(output),
        Some(code) => Err(format!(
            "the vault password script failed (exit status {code})"
        )),
        // std names the signal: "signal: 9 (SIGKILL)".
        None => Err(format!("the vault password script was killed ({status})")),
    }
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

    /// An executable vault password file with `body` after its `#!/bin/sh`.
    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("vault-pass.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
        path
    }

    #[test]
    fn a_script_and_a_file_are_stripped_as_ansible_strips_them() {
        let dir = tempfile::tempdir().unwrap();
        // ScriptVaultSecret: `stdout.strip(b'\r\n')`, spaces kept.
        let run = script(dir.path(), "printf '\\r\\n  pass word \\r\\n'");
        assert_eq!(password_from_file(&run).unwrap().expose(), "  pass word ");
        // FileVaultSecret: `f.read().strip()`.
        let file = dir.path().join("vault-pass");
        std::fs::write(&file, " \tpass word\x0b\n").unwrap();
        assert_eq!(password_from_file(&file).unwrap().expose(), "pass word");
    }

    #[test]
    fn a_script_that_floods_hangs_fails_or_is_killed_is_stopped_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = |body: &str, timeout: u64| {
            let file = script(dir.path(), body);
            let started = std::time::Instant::now();
            let err = password_within(&file, std::time::Duration::from_secs(timeout))
                .unwrap_err()
                .to_string();
            assert!(err.contains("vault-pass.sh"), "{err}");
            (err, started.elapsed())
        };
        // Endless output: stopped at the bound, not at the memory's end.
        let (flood, _) = err("exec yes", 60);
        assert!(flood.contains("printed more than 65536 bytes"), "{flood}");
        // Endless output from a child of the script's shell.
        let (flood, _) = err("yes; echo done", 60);
        assert!(flood.contains("printed more than 65536 bytes"), "{flood}");
        let (hang, took) = err("sleep 30", 1);
        assert!(hang.contains("did not finish within 1 s"), "{hang}");
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
        let (held, took) = err("echo pass; sleep 30 &", 1);
        assert!(held.contains("held its output open"), "{held}");
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
        let (killed, _) = err("kill -KILL $$", 60);
        assert!(
            killed.contains("killed") && killed.contains("SIGKILL"),
            "{killed}"
        );
        let (failed, _) = err("echo pass; exit 3", 60);
        assert!(failed.contains("exit status 3"), "{failed}");
        // A file larger than any password is refused, not cut.
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'p'; MAX_PASSWORD_OUTPUT + 1]).unwrap();
        let too_big = password_from_file(&big).unwrap_err().to_string();
        assert!(too_big.contains("larger than 65536 bytes"), "{too_big}");
    }
}
