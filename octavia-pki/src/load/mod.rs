//! The one loader: the files a [`Sources`] names, read as Octavia and
//! OpenSSL will read them, each with what was read or why not.
//!
//! The outcome is typed ([`Problem`]) and says nothing of codes or log
//! lines: [`crate::check`] maps it to findings, [`crate::rehearse`] to the
//! lines Octavia logs, and `node check` uses the checker's mapping. A file
//! two roles share (kolla's `server_ca.cert.pem`) is read once.

mod problem;
mod scan;

use std::sync::Mutex;

use crate::bundle::BundleParts;
use crate::cert::Certificate;
use crate::key::{EncodedKey, KeyError, PrivateKey};
use crate::passwords::{CaPasswordError, KollaPasswords, Rendering};
use crate::pem;
use crate::secret::{Passphrase, PassphraseProblem};
use crate::sources::{Role, Sources};
pub use problem::Problem;

/// One file, read for one role: what came of it, and the problems met on
/// the way that did not stop the reading.
#[derive(Debug, Clone)]
pub struct FileLoad<T> {
    /// What was read, or the problem that stopped the reading.
    pub value: Result<T, Problem>,
    /// Problems that did not stop it, in the order they were met.
    pub notes: Vec<Problem>,
}

impl<T> FileLoad<T> {
    fn failed(problem: Problem, notes: Vec<Problem>) -> Self {
        Self {
            value: Err(problem),
            notes,
        }
    }

    /// What was read, if anything.
    pub fn ok(&self) -> Option<&T> {
        self.value.as_ref().ok()
    }

    /// The problems met, in order: those that did not stop the reading,
    /// then the one that did.
    pub fn problems(&self) -> (&[Problem], Option<&Problem>) {
        (&self.notes, self.value.as_ref().err())
    }
}

/// The client bundle as OpenSSL takes it: every certificate in file order
/// and the first key ([`crate::bundle::ClientBundle`] for the rules).
#[derive(Debug, Clone)]
pub struct BundleRead {
    /// Every certificate, in file order (empty: [`Problem::NoCertificate`]
    /// is among the notes).
    pub certificates: Vec<Certificate>,
    /// The key OpenSSL uses, unencrypted, or why there is none.
    pub key: Result<PrivateKey, Problem>,
}

/// Why the server CA passphrase cannot be given to Octavia as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PassphraseIssue {
    /// passwords.yml's value holds `$`: oslo.config reads it as a reference.
    DollarInPasswords,
    /// The passphrase given directly holds `$`.
    DollarGiven,
    /// passwords.yml lacks it, or cannot be read (why).
    Missing(String),
    /// Octavia reads another string than the one written (how); whether
    /// that string is known (it is then the passphrase used).
    NotAsWritten(Rendering, bool),
    /// Octavia reads another string than the deployer's option's text
    /// (the charm's, which its template writes into octavia.conf as it is).
    OptionNotAsWritten {
        /// The option.
        option: &'static str,
        /// How Octavia's string differs.
        how: Rendering,
        /// Whether that string is known (it is then the passphrase used).
        known: bool,
    },
}

/// The server CA passphrase Octavia will be given.
#[derive(Debug, Clone, Default)]
pub struct PassphraseLoad {
    /// The passphrase, when there is one to unlock with.
    pub value: Option<Passphrase>,
    /// What is wrong with it.
    pub issue: Option<PassphraseIssue>,
}

/// Everything the loader read of one set.
#[derive(Debug)]
pub struct Load {
    /// The server CA passphrase.
    pub passphrase: PassphraseLoad,
    /// `[certificates] ca_certificate`.
    pub ca_certificate: FileLoad<Vec<Certificate>>,
    /// `[certificates] ca_private_key`, unlocked as Octavia unlocks it.
    pub ca_private_key: FileLoad<PrivateKey>,
    /// `[haproxy_amphora] server_ca`.
    pub server_ca: FileLoad<Vec<Certificate>>,
    /// `[haproxy_amphora] client_cert`.
    pub client_cert: FileLoad<BundleRead>,
    /// `[controller_worker] client_ca`.
    pub client_ca: FileLoad<Vec<Certificate>>,
    /// passwords.yml as read, once, for the passphrase and for the checker
    /// (its duplicate keys, the client CA's passphrase).
    pub(crate) passwords: Option<KollaPasswords>,
}

/// CA keys already unlocked, by what unlocked them: the key file's bytes and
/// the passphrase. Loading several copies of one set (node check's services)
/// derives each passphrase once; the derivation is the slow part (PBKDF2).
#[derive(Default)]
pub(crate) struct UnlockedKeys(Mutex<Vec<([u8; 32], PrivateKey)>>);

impl UnlockedKeys {
    fn unlock(
        &self,
        encoded: &EncodedKey,
        file: &[u8],
        passphrase: Option<&Passphrase>,
    ) -> Result<PrivateKey, KeyError> {
        let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        ctx.update(&(file.len() as u64).to_be_bytes());
        ctx.update(file);
        if let Some(p) = passphrase {
            ctx.update(p.expose().as_bytes());
        }
        let mut id = [0u8; 32];
        id.copy_from_slice(ctx.finish().as_ref());
        let mut cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, key)) = cache.iter().find(|(k, _)| *k == id) {
            return Ok(key.clone());
        }
        let key = encoded.decrypt(passphrase)?;
        cache.push((id, key.clone()));
        Ok(key)
    }
}

/// Reads every file of `sources`. Never fails: each file's outcome says
/// what could not be read. (Whether the files may be read at all is the
/// caller's question: [`crate::fsio::require_readable`].)
pub fn load(sources: &Sources) -> Load {
    load_sharing(sources, &UnlockedKeys::default())
}

/// [`load`], unlocking the CA key through `unlocked`.
pub(crate) fn load_sharing(sources: &Sources, unlocked: &UnlockedKeys) -> Load {
    let passwords = sources
        .passwords
        .as_deref()
        .map(|p| KollaPasswords::load(p, sources.vault_password.as_ref()));
    let passphrase = passphrase(sources, passwords.as_ref());
    let ca_certificate = certificates(sources, Role::CaCertificate);
    let shared =
        |role| (sources.first_reader(role) == Role::CaCertificate).then(|| ca_certificate.clone());
    let server_ca = shared(Role::ServerCa).unwrap_or_else(|| certificates(sources, Role::ServerCa));
    let client_ca = shared(Role::ClientCa).unwrap_or_else(|| certificates(sources, Role::ClientCa));
    let ca_private_key = ca_key(sources, passphrase.value.as_ref(), unlocked);
    let client_cert = bundle(sources);
    Load {
        passphrase,
        ca_certificate,
        ca_private_key,
        server_ca,
        client_cert,
        client_ca,
        passwords: passwords.and_then(|p| p.ok()),
    }
}

/// The server CA passphrase, from the one given or passwords.yml.
fn passphrase(
    sources: &Sources,
    passwords: Option<&crate::error::Result<KollaPasswords>>,
) -> PassphraseLoad {
    if let Some(option) = &sources.passphrase_option
        && let Some(&how) = option.changed.first()
    {
        return PassphraseLoad {
            value: sources.passphrase.clone(),
            issue: Some(PassphraseIssue::OptionNotAsWritten {
                option: option.name,
                how,
                known: sources.passphrase.is_some(),
            }),
        };
    }
    let found = crate::passwords::server_ca_passphrase(sources.passphrase.as_ref(), passwords);
    let (value, issue) = match found {
        Ok(Some(p)) => {
            // A `$` matters in a passphrase still to be written into
            // octavia.conf (or read from it with a reference this crate
            // cannot substitute); one oslo.config read is Octavia's as is.
            let dollar = sources.passphrase.is_some()
                && !sources.passphrase_is_octavias
                && p.octavia_problem() == Some(PassphraseProblem::DollarSign);
            (Some(p), dollar.then_some(PassphraseIssue::DollarGiven))
        }
        Ok(None) => (None, None),
        Err(CaPasswordError::Dollar) => (None, Some(PassphraseIssue::DollarInPasswords)),
        Err(CaPasswordError::Missing(what)) => (None, Some(PassphraseIssue::Missing(what))),
        // Octavia gets another string than the file's text: loaded with that string.
        Err(CaPasswordError::NotAsWritten(how, octavia)) => {
            let known = octavia.is_some();
            (octavia, Some(PassphraseIssue::NotAsWritten(how, known)))
        }
    };
    PassphraseLoad { value, issue }
}

/// A file of CA certificates: every certificate block, parsed.
fn certificates(sources: &Sources, role: Role) -> FileLoad<Vec<Certificate>> {
    let (scanned, notes) = scan::scan(
        sources.path(role),
        role.holds_key(),
        sources.vault_password.as_ref(),
    );
    let scanned = match scanned {
        Ok(scanned) => scanned,
        Err(problem) => return FileLoad::failed(problem, notes),
    };
    let mut certs = Vec::new();
    for block in scanned
        .blocks
        .iter()
        .filter(|b| pem::is_certificate_label(b.label()))
    {
        match Certificate::from_der(block.contents().to_vec(), certs.len() + 1) {
            Ok(c) => certs.push(c),
            Err(e) => {
                return FileLoad::failed(Problem::UnreadableCertificate(e.to_string()), notes);
            }
        }
    }
    if certs.is_empty() {
        return FileLoad::failed(wrong_block_kind(&scanned, "certificates"), notes);
    }
    FileLoad {
        value: Ok(certs),
        notes,
    }
}

fn wrong_block_kind(scanned: &scan::Scanned, expected: &'static str) -> Problem {
    Problem::WrongBlockKind {
        expected,
        found: scanned
            .blocks
            .iter()
            .map(|b| b.label().to_owned())
            .collect(),
    }
}

/// The server CA key, unlocked as Octavia unlocks it.
fn ca_key(
    sources: &Sources,
    passphrase: Option<&Passphrase>,
    unlocked: &UnlockedKeys,
) -> FileLoad<PrivateKey> {
    let (scanned, mut notes) = scan::scan(
        sources.path(Role::CaPrivateKey),
        true,
        sources.vault_password.as_ref(),
    );
    let scanned = match scanned {
        Ok(scanned) => scanned,
        Err(problem) => return FileLoad::failed(problem, notes),
    };
    let Some(block) = scanned.blocks.iter().find(|b| pem::is_key_label(b.label())) else {
        return FileLoad::failed(wrong_block_kind(&scanned, "a private key"), notes);
    };
    let encoded = match EncodedKey::from_pem_block(block) {
        Ok(k) => k,
        Err(e) => return FileLoad::failed(Problem::UnreadableKey(e.to_string()), notes),
    };
    match (encoded.is_encrypted(), passphrase) {
        (false, Some(_)) => notes.push(Problem::KeyNotEncrypted(encoded.format().to_string())),
        (true, None) => {
            // With no passphrase at hand, those anyone can read: if one
            // opens the key, it is checked, and that is the finding. Through
            // `unlocked`, so that node check's services derive it once.
            for (known, source) in crate::published::CA_PASSPHRASES {
                let known = Passphrase::new((*known).to_owned());
                if let Ok(key) = unlocked.unlock(&encoded, block.contents(), Some(&known)) {
                    notes.push(Problem::PubliclyKnownPassphrase(source));
                    return FileLoad {
                        value: Ok(key),
                        notes,
                    };
                }
            }
            let problem = Problem::PassphraseNotAvailable(encoded.format().to_string());
            return FileLoad::failed(problem, notes);
        }
        (true, Some(given)) => {
            if let Some(source) = crate::published::ca_passphrase_source(given.expose()) {
                notes.push(Problem::PubliclyKnownPassphrase(source));
            }
        }
        _ => {}
    }
    let value = unlocked
        .unlock(&encoded, block.contents(), passphrase)
        .map_err(|e| match e {
            KeyError::WrongPassphrase { .. } => passphrase
                .and_then(|given| trailing_newline(&encoded, given))
                .unwrap_or_else(|| Problem::WrongPassphrase(e.to_string())),
            e => Problem::UnreadableKey(e.to_string()),
        });
    FileLoad { value, notes }
}

/// When `given` fails: whether the key opens with `given` and a line end
/// after it, as a passphrase written to a file or a Secret with a final
/// newline encrypts it (OSPRH-14829). Octavia cannot be given that
/// passphrase (octavia.conf has no way to end a value with a line break), so
/// the key stays unusable; but the finding can say why.
fn trailing_newline(encoded: &EncodedKey, given: &Passphrase) -> Option<Problem> {
    [("\n", "a newline (LF)"), ("\r\n", "a CR LF line end")]
        .into_iter()
        .find(|(line_end, _)| {
            let with = Passphrase::new(format!("{}{line_end}", given.expose()));
            encoded.decrypt(Some(&with)).is_ok()
        })
        .map(|(_, shown)| Problem::PassphraseTrailingNewline(shown))
}

/// The client bundle: certificates and the one unencrypted key OpenSSL uses.
fn bundle(sources: &Sources) -> FileLoad<BundleRead> {
    let (scanned, mut notes) = scan::scan(
        sources.path(Role::ClientCert),
        true,
        sources.vault_password.as_ref(),
    );
    let scanned = match scanned {
        Ok(scanned) => scanned,
        Err(problem) => return FileLoad::failed(problem, notes),
    };
    let parts = match BundleParts::from_blocks(&scanned.blocks) {
        Ok(parts) => parts,
        Err(e) => return FileLoad::failed(Problem::UnreadableCertificate(e.to_string()), notes),
    };
    let certificates = parts.certificates;
    if certificates.is_empty() {
        notes.push(Problem::NoCertificate);
    }
    if parts.unused_keys > 0 {
        notes.push(Problem::SeveralKeys(parts.unused_keys + 1));
    }
    let key = match parts.key {
        None => Err(Problem::NoKey),
        Some(block) => bundle_key(block),
    };
    if let Err(problem) = &key {
        notes.push(problem.clone());
    }
    if let (Ok(key), Some(first)) = (&key, certificates.first())
        && !first.matches_key(key)
    {
        let key_at = certificates[1..]
            .iter()
            .position(|c| c.matches_key(key))
            .filter(|_| first.is_ca());
        notes.push(match key_at {
            Some(i) => Problem::CaFirst {
                subject: first.subject().to_owned(),
                index: i + 1,
            },
            None => Problem::KeyMismatch(first.subject().to_owned()),
        });
    }
    FileLoad {
        value: Ok(BundleRead { certificates, key }),
        notes,
    }
}

fn bundle_key(block: &pem::Block) -> Result<PrivateKey, Problem> {
    let encoded = EncodedKey::from_pem_block(block).map_err(|e| match e {
        // OpenSSL reads the bundle: that the key is encrypted at all is what
        // stops it, whatever the cipher (one this crate cannot decrypt).
        KeyError::UnsupportedCipher { cipher } => {
            Problem::KeyEncrypted(format!("encrypted with {cipher}"))
        }
        e => Problem::UnreadableKey(e.to_string()),
    })?;
    if encoded.is_encrypted() {
        return Err(Problem::KeyEncrypted(encoded.format().to_string()));
    }
    encoded
        .decrypt(None)
        .map_err(|e| Problem::UnreadableKey(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notes of a file, but its mode's (a checkout decides that).
    fn notes<T>(file: &FileLoad<T>) -> Vec<&Problem> {
        file.notes
            .iter()
            .filter(|p| !matches!(p, Problem::KeyReadableByOthers { .. }))
            .collect()
    }

    /// A fixture of `testdata/check/`, loaded with its passwords.yml.
    fn fixture(case: &str) -> Load {
        crate::test_support::check_fixture(case).1
    }

    #[test]
    fn a_passphrase_that_opens_the_key_with_a_line_end_after_it_is_named() {
        let key = PrivateKey::generate(crate::key::KeyType::EcdsaP256).unwrap();
        let given = Passphrase::new("written-by-echo".into());
        for (written, shown) in [
            ("written-by-echo\r\n", "a CR LF line end"),
            ("written-by-echo\n", "a newline (LF)"),
        ] {
            let pem = key
                .to_encrypted_pkcs8_pem(&Passphrase::new(written.into()))
                .unwrap();
            let encoded = EncodedKey::from_file_bytes(pem.as_bytes()).unwrap();
            assert_eq!(
                trailing_newline(&encoded, &given),
                Some(Problem::PassphraseTrailingNewline(shown))
            );
        }
        let pem = key
            .to_encrypted_pkcs8_pem(&Passphrase::new("other".into()))
            .unwrap();
        let encoded = EncodedKey::from_file_bytes(pem.as_bytes()).unwrap();
        assert_eq!(trailing_newline(&encoded, &given), None);
    }

    #[test]
    fn a_bundle_key_in_a_cipher_this_crate_cannot_decrypt_is_still_just_encrypted() {
        let path = crate::test_support::testdata("keys/rsa2048.legacy-aria256.pem");
        let blocks = pem::parse_blocks(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(
            bundle_key(&blocks[0]).unwrap_err(),
            Problem::KeyEncrypted("encrypted with ARIA-256-CBC".into())
        );
    }

    #[test]
    fn a_good_set_loads_whole_with_nothing_to_note() {
        let l = fixture("good-rsa");
        assert!(l.passphrase.value.is_some() && l.passphrase.issue.is_none());
        for file in [&l.ca_certificate, &l.server_ca, &l.client_ca] {
            assert!(file.ok().is_some() && file.notes.is_empty());
        }
        assert!(l.ca_private_key.ok().is_some() && notes(&l.ca_private_key).is_empty());
        let bundle = l.client_cert.ok().unwrap();
        assert!(bundle.key.is_ok() && !bundle.certificates.is_empty());
        assert!(notes(&l.client_cert).is_empty());
    }

    #[test]
    fn a_file_two_roles_share_is_read_once_as_the_first() {
        let l = fixture("good-legacy");
        let legacy = |f: &FileLoad<Vec<Certificate>>| f.ok().unwrap()[0].subject().to_owned();
        assert_eq!(legacy(&l.ca_certificate), legacy(&l.client_ca));
        assert_eq!(legacy(&l.ca_certificate), legacy(&l.server_ca));
    }

    #[test]
    fn what_stops_a_file_and_what_does_not_are_kept_apart() {
        assert_eq!(
            fixture("server-ca-der").ca_certificate.value.unwrap_err(),
            Problem::Der
        );
        assert_eq!(
            fixture("server-ca-is-a-directory")
                .ca_certificate
                .value
                .unwrap_err(),
            Problem::NotAFile("a directory is where the file belongs".into())
        );
        assert!(matches!(
            fixture("wrong-passphrase").ca_private_key.value,
            Err(Problem::WrongPassphrase(_))
        ));
        // Wrong, but right with a newline after it: said so.
        assert_eq!(
            fixture("passphrase-trailing-newline")
                .ca_private_key
                .value
                .unwrap_err(),
            Problem::PassphraseTrailingNewline("a newline (LF)")
        );
        // The CA key loads, and the note says Octavia will refuse it.
        let not_encrypted = fixture("ca-key-not-encrypted").ca_private_key;
        assert!(not_encrypted.ok().is_some());
        assert!(matches!(
            notes(&not_encrypted)[..],
            [Problem::KeyNotEncrypted(_)]
        ));
        let world = fixture("key-file-world-readable");
        assert!(
            world
                .ca_private_key
                .notes
                .iter()
                .chain(&world.client_cert.notes)
                .any(|p| matches!(p, Problem::KeyReadableByOthers { .. }))
        );
        let crlf = fixture("good-crlf-bom-text");
        let notes: Vec<&Problem> = [&crlf.ca_certificate.notes, &crlf.client_ca.notes]
            .into_iter()
            .flatten()
            .collect();
        assert!(
            notes.contains(&&Problem::CrlfLineEndings) || notes.contains(&&Problem::ByteOrderMark)
        );
    }

    #[test]
    fn the_bundle_keeps_its_certificates_when_its_key_is_wrong() {
        let encrypted = fixture("bundle-key-encrypted").client_cert;
        let read = encrypted.ok().unwrap();
        assert!(!read.certificates.is_empty());
        assert!(matches!(read.key, Err(Problem::KeyEncrypted(_))));
        let ca_first = fixture("bundle-ca-first").client_cert;
        assert!(
            ca_first
                .notes
                .iter()
                .any(|p| matches!(p, Problem::CaFirst { index: 1, .. }))
        );
        let two = fixture("bundle-two-keys").client_cert;
        assert!(two.notes.contains(&Problem::SeveralKeys(2)));
        let only_key = fixture("bundle-key-only").client_cert;
        assert!(only_key.notes.contains(&Problem::NoCertificate));
    }

    #[test]
    fn a_passphrase_octavia_cannot_take_is_an_issue_not_a_value() {
        let l = fixture("passphrase-dollar");
        assert_eq!(l.passphrase.issue, Some(PassphraseIssue::DollarInPasswords));
        assert!(l.passphrase.value.is_none());
        let missing = fixture("passwords-without-ca-password");
        assert!(matches!(
            missing.passphrase.issue,
            Some(PassphraseIssue::Missing(_))
        ));
        // Without one, an encrypted CA key is not opened.
        assert!(matches!(
            missing.ca_private_key.value,
            Err(Problem::PassphraseNotAvailable(_))
        ));
    }
}
