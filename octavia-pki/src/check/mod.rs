//! The checker: will Octavia work with these files, and if not, why.
//!
//! [`check_dir`] reads a deployed directory (kolla or legacy layout) the way
//! Octavia and OpenSSL will, and reports every problem as a [`Finding`] with a
//! stable [code](codes), the file it is in, the line Octavia will log because
//! of it, and a fix. It never stops at the first problem, and no input makes it
//! panic: unreadable files, any bytes, symlink loops and huge files are
//! findings.

pub(crate) mod rules;
mod scan;

use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;

use crate::codes::check as codes;
pub use crate::codes::{Code, CodeInfo, Severity};

use crate::cert::Certificate;
use crate::error::Result;
use crate::key::{EncodedKey, KeyError, PrivateKey};
use crate::layout::Layout;
use crate::model::BundleParts;
use crate::passwords::{CA_PASSWORD, CaPasswordError};
use crate::pem;
use crate::release::OctaviaVersions;
use crate::secret::{Passphrase, PassphraseProblem};
use scan::Scanned;

/// Default of `--warn-days`.
pub const DEFAULT_WARN_DAYS: u32 = 30;

/// The name used for `passwords.yml` in findings.
pub const PASSWORDS_FILE: &str = "passwords.yml";

/// How to check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CheckOptions {
    /// The layout, or `None` to detect it from the files present.
    pub layout: Option<Layout>,
    /// Kolla's passwords.yml, for `octavia_ca_password`.
    pub passwords: Option<PathBuf>,
    /// The server CA passphrase, given directly (wins over `passwords`).
    pub passphrase: Option<Passphrase>,
    /// Certificates expiring within this many days get a warning.
    pub warn_days: u32,
    /// Python 3.13's strict-verification rules are errors, not warnings.
    pub strict: bool,
    /// The time to check validity against (now, when `None`).
    pub now: Option<OffsetDateTime>,
    /// The Octavia releases the files must work with ([`crate::release`]).
    pub octavia: OctaviaVersions,
    /// End with the rehearsed handshake when no rule found an error.
    pub rehearse: bool,
    /// The work directory's history: the rehearsal also plays each older
    /// client CA copy running amphorae hold ([`crate::rehearse::RehearseOptions::history`]).
    pub history: Vec<crate::history::HistoryEntry>,
    /// The CA work directory, to check that it holds the deployed set's CAs
    /// ([`crate::lifecycle::certificate_mismatches`]).
    pub work_dir: Option<PathBuf>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            layout: None,
            passwords: None,
            passphrase: None,
            warn_days: DEFAULT_WARN_DAYS,
            strict: false,
            now: None,
            octavia: OctaviaVersions::All,
            rehearse: true,
            history: Vec::new(),
            work_dir: None,
        }
    }
}

/// One problem (or remark) about the files.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable identifier; `octavia-pki explain CODE` says more.
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// The file's name in the layout (or `passwords.yml`); `None` for the set as a whole.
    pub file: Option<String>,
    /// What is wrong, specifically.
    pub message: String,
    /// The line Octavia or OpenSSL will log because of it.
    pub symptom: Option<String>,
    /// A concrete command or step.
    pub fix: &'static str,
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Findings that make Octavia fail.
    pub errors: usize,
    /// Findings that will hurt later or elsewhere.
    pub warnings: usize,
    /// Remarks.
    pub infos: usize,
}

impl Summary {
    /// Counts `findings` by severity.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut summary = Self::default();
        for f in findings {
            match f.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// The checker's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The directory checked.
    pub dir: PathBuf,
    /// The layout checked against.
    pub layout: Layout,
    /// Every finding, most serious first.
    pub findings: Vec<Finding>,
    /// The counts.
    pub summary: Summary,
}

impl Report {
    /// Whether any finding is an error (Octavia will fail).
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    fn push(&mut self, code: Code, severity: Severity, file: Option<&str>, message: String) {
        let symptom = code.info().symptom.map(str::to_owned);
        self.push_with_symptom(code, severity, file, message, symptom);
    }

    fn push_with_symptom(
        &mut self,
        code: Code,
        severity: Severity,
        file: Option<&str>,
        message: String,
        symptom: Option<String>,
    ) {
        let finding = Finding {
            code,
            severity,
            file: file.map(str::to_owned),
            message,
            symptom,
            fix: code.info().fix,
        };
        let duplicate = self.findings.iter().any(|f| {
            f.code == finding.code && f.file == finding.file && f.message == finding.message
        });
        if !duplicate {
            self.findings.push(finding);
        }
    }

    fn finish(&mut self) {
        // Stable: within a severity, findings keep the order they were found in.
        self.findings.sort_by_key(|f| f.severity);
        self.summary = Summary::of(&self.findings);
    }
}

/// Checks a deployed directory. Fails (rather than reporting findings) only
/// when the directory itself cannot be read.
pub fn check_dir(dir: &Path, options: &CheckOptions) -> Result<Report> {
    check_dir_sharing(dir, options, &UnlockedKeys::default())
}

/// CA keys already unlocked, by what unlocked them: the key file's bytes and
/// the passphrase. Checking several copies of one set (node check's services)
/// derives each passphrase once; the derivation is the slow part (PBKDF2).
#[derive(Default)]
pub(crate) struct UnlockedKeys(std::sync::Mutex<Vec<([u8; 32], PrivateKey)>>);

impl UnlockedKeys {
    fn unlock(
        &self,
        encoded: &EncodedKey,
        file: &[u8],
        passphrase: Option<&Passphrase>,
    ) -> std::result::Result<PrivateKey, KeyError> {
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

/// [`check_dir`], unlocking the server CA key through `unlocked`.
pub(crate) fn check_dir_sharing(
    dir: &Path,
    options: &CheckOptions,
    unlocked: &UnlockedKeys,
) -> Result<Report> {
    crate::fsio::require_dir(dir)?;
    refuse_work_dir(dir, options.layout)?;
    let layout = options.layout.unwrap_or_else(|| Layout::detect(dir));
    // A file this process may not read is no finding about the set: the
    // check cannot run (as a user other than root or the owner).
    let names = layout.files().names();
    crate::fsio::require_readable(
        names
            .iter()
            .map(|name| dir.join(name))
            .chain(options.passwords.clone()),
    )?;
    let mut checker = Checker {
        dir,
        unlocked,
        server_key: None,
        layout,
        options,
        now: options.now.unwrap_or_else(OffsetDateTime::now_utc),
        report: Report {
            dir: dir.to_owned(),
            layout,
            findings: Vec::new(),
            summary: Summary::default(),
        },
    };
    checker.run();
    checker.report.finish();
    if options.rehearse && !checker.report.has_errors() {
        checker.rehearse();
        checker.report.finish();
    }
    Ok(checker.report)
}

/// A CA work directory given where the deployed directory belongs (no
/// deployed file, kolla-ansible's `server_ca/` inside) is said to be one,
/// rather than reported as a set with every file missing.
fn refuse_work_dir(dir: &Path, layout: Option<Layout>) -> Result<()> {
    let deployed = layout.map_or(Layout::ALL.to_vec(), |l| vec![l]);
    let has_deployed = deployed.iter().any(|l| {
        l.files()
            .names()
            .iter()
            .any(|name| crate::fsio::exists(&dir.join(name)))
    });
    if has_deployed || !crate::fsio::exists(&dir.join(crate::layout::work_dir::SERVER_CA_CERT)) {
        return Ok(());
    }
    Err(crate::Error::InvalidOptions(format!(
        "{} is a CA work directory (server_ca/, client_ca/), not the deployed files' directory: \
         check the deployed directory (/etc/kolla/config/octavia) and give this one as --work-dir",
        dir.display()
    )))
}

/// What the rules found in the files, for the rules that relate files.
struct Loaded {
    server_certs: Option<Vec<Certificate>>,
    server_key: Option<PrivateKey>,
    client_ca_certs: Option<Vec<Certificate>>,
    client: Option<(Vec<Certificate>, Option<PrivateKey>)>,
}

struct Checker<'a> {
    dir: &'a Path,
    unlocked: &'a UnlockedKeys,
    /// The server CA key, once unlocked, for the rehearsal.
    server_key: Option<PrivateKey>,
    layout: Layout,
    options: &'a CheckOptions,
    now: OffsetDateTime,
    report: Report,
}

impl Checker<'_> {
    fn find(&mut self, code: Code, file: Option<&str>, message: impl Into<String>) {
        let mut severity = code.info().severity;
        if self.options.strict && code.info().strict {
            severity = Severity::Error;
        }
        self.report.push(code, severity, file, message.into());
    }

    /// The last stage: Octavia's handshake, played in memory. Skipped when the
    /// server CA key cannot be unlocked (no passphrase): that is reported already.
    fn rehearse(&mut self) {
        if self
            .report
            .findings
            .iter()
            .any(|f| f.code == codes::PASSPHRASE_NOT_AVAILABLE)
        {
            return;
        }
        let options = crate::rehearse::RehearseOptions {
            layout: Some(self.layout),
            passwords: self.options.passwords.clone(),
            passphrase: self.options.passphrase.clone(),
            strict: self.options.strict,
            now: Some(self.now),
            octavia: self.options.octavia.clone(),
            history: self.options.history.clone(),
        };
        let Ok(rehearsal) =
            crate::rehearse::rehearse_unlocked(self.dir, &options, self.server_key.as_ref())
        else {
            return;
        };
        let targeted = rehearsal.releases.len();
        for failure in rehearsal.failures {
            let side = match failure.side {
                crate::rehearse::Side::Controller => "the controller",
                crate::rehearse::Side::Amphora => "the amphora",
            };
            let (refuser_log, other_log) = match failure.side {
                crate::rehearse::Side::Controller => (&failure.controller, &failure.amphora),
                crate::rehearse::Side::Amphora => (&failure.amphora, &failure.controller),
            };
            let on = match &failure.generation {
                Some(generation) => format!("{generation}: "),
                None if failure.releases.len() == targeted => String::new(),
                None => format!("on Octavia {}, ", failure.releases.join(", ")),
            };
            let message = format!(
                "{on}{side} refuses: {}",
                refuser_log.as_deref().unwrap_or("the handshake fails")
            );
            let symptom = other_log.clone().or_else(|| refuser_log.clone());
            let code = rules::rehearsal_failed::code_of(&failure);
            // The handshake fails: an error, whatever the code's usual
            // severity, unless no file is at fault.
            let severity = if failure.release_defect {
                Severity::Warning
            } else {
                Severity::Error
            };
            self.report.push_with_symptom(
                code,
                severity,
                failure.file.as_deref(),
                message,
                symptom,
            );
        }
    }

    fn run(&mut self) {
        let files = self.layout.files();
        // passwords.yml once, for its duplicate keys and the work directory's keys.
        let passwords = self
            .options
            .passwords
            .as_deref()
            .and_then(|p| crate::KollaPasswords::load(p).ok());
        self.duplicate_passwords(passwords.as_ref());
        let passphrase = self.passphrase();
        let server_certs = self.certificate_file(files.server_ca_cert);
        let client_ca_certs = if files.client_ca_cert == files.server_ca_cert {
            server_certs.clone()
        } else {
            self.certificate_file(files.client_ca_cert)
        };
        let server_key = self.server_key(files.server_ca_key, passphrase.as_ref());
        let client = self.bundle(files.client_bundle);
        let loaded = Loaded {
            server_certs,
            server_key,
            client_ca_certs,
            client,
        };
        self.apply_rules(&loaded);
        self.server_key = loaded.server_key;
        self.work_dir_belongs(passwords.as_ref());
    }

    /// With a work directory: its CAs must be the deployed ones (the keys
    /// too, when passwords.yml gives both CA passphrases).
    fn work_dir_belongs(&mut self, passwords: Option<&crate::KollaPasswords>) {
        let Some(work_dir) = self.options.work_dir.as_deref() else {
            return;
        };
        let to = crate::Destination {
            dir: self.dir,
            work_dir,
        };
        let passphrases = passwords.and_then(|p| p.ca_passphrases().ok());
        for mismatch in crate::lifecycle::mismatches(&to, self.layout, passphrases.as_ref()) {
            let file = mismatch
                .against
                .strip_prefix(self.dir)
                .unwrap_or(&mismatch.against)
                .to_str()
                .map(str::to_owned);
            self.find(
                codes::WORK_DIR_MISMATCH,
                file.as_deref(),
                mismatch.to_string(),
            );
        }
    }

    /// The server CA passphrase, from the options or passwords.yml, with
    /// findings for what Octavia could not use.
    fn passphrase(&mut self) -> Option<Passphrase> {
        let found = crate::passwords::server_ca_passphrase(
            self.options.passphrase.as_ref(),
            self.options.passwords.as_deref(),
        );
        match found {
            Ok(Some(p)) => {
                if self.options.passphrase.is_some() {
                    self.passphrase_problem(&p, None);
                }
                Some(p)
            }
            Ok(None) => None,
            Err(CaPasswordError::Dollar) => {
                self.find(
                    codes::PASSWORD_UNUSABLE,
                    Some(PASSWORDS_FILE),
                    format!("{CA_PASSWORD} contains '$'"),
                );
                None
            }
            Err(CaPasswordError::Missing(what)) => {
                self.find(codes::PASSWORD_MISSING, Some(PASSWORDS_FILE), what);
                None
            }
            Err(CaPasswordError::NotAsWritten(how, octavia)) => {
                let then = if octavia.is_some() {
                    "; the key is checked with the string Octavia reads"
                } else {
                    "; which string that is cannot be told here, so the key is not checked"
                };
                self.find(
                    codes::PASSWORD_NOT_AS_WRITTEN,
                    Some(PASSWORDS_FILE),
                    format!("{CA_PASSWORD} {how}{then}"),
                );
                octavia
            }
        }
    }

    /// Keys passwords.yml gives twice: Ansible warns and takes the last.
    fn duplicate_passwords(&mut self, passwords: Option<&crate::KollaPasswords>) {
        let Some(file) = passwords.filter(|_| self.options.passphrase.is_none()) else {
            return;
        };
        for d in file.duplicates() {
            self.find(
                codes::DUPLICATE_KEY,
                Some(PASSWORDS_FILE),
                format!(
                    "{} is given more than once; Ansible takes the last (line {})",
                    crate::text::escape(&d.key),
                    d.line
                ),
            );
        }
    }

    fn passphrase_problem(&mut self, p: &Passphrase, file: Option<&str>) {
        if p.octavia_problem() == Some(PassphraseProblem::DollarSign) {
            self.find(
                codes::PASSWORD_UNUSABLE,
                file,
                "the server CA passphrase contains '$'",
            );
        }
    }

    fn scan(&mut self, name: &str, holds_key: bool) -> Option<Scanned> {
        let (scanned, findings) = scan::scan(self.dir, name, holds_key);
        for f in findings {
            self.find(f.code, Some(name), f.message);
        }
        scanned
    }

    fn wrong_block_kind(&mut self, name: &str, scanned: &Scanned, expected: &str) {
        let labels: Vec<_> = scanned
            .blocks
            .iter()
            .map(|b| b.label().to_owned())
            .collect();
        self.find(
            codes::WRONG_BLOCK_KIND,
            Some(name),
            format!("expected {expected}, found: {}", labels.join(", ")),
        );
    }

    /// A file of CA certificates: every certificate block, parsed.
    fn certificate_file(&mut self, name: &str) -> Option<Vec<Certificate>> {
        let scanned = self.scan(name, false)?;
        let mut certs = Vec::new();
        for block in scanned
            .blocks
            .iter()
            .filter(|b| pem::is_certificate_label(b.label()))
        {
            match Certificate::from_der(block.contents().to_vec(), certs.len() + 1) {
                Ok(c) => certs.push(c),
                Err(e) => {
                    self.find(codes::UNREADABLE_CERTIFICATE, Some(name), e.to_string());
                    return None;
                }
            }
        }
        if certs.is_empty() {
            self.wrong_block_kind(name, &scanned, "certificates");
            return None;
        }
        Some(certs)
    }

    /// The server CA key, unlocked as Octavia unlocks it.
    fn server_key(&mut self, name: &str, passphrase: Option<&Passphrase>) -> Option<PrivateKey> {
        let scanned = self.scan(name, true)?;
        let Some(block) = scanned.blocks.iter().find(|b| pem::is_key_label(b.label())) else {
            self.wrong_block_kind(name, &scanned, "a private key");
            return None;
        };
        let encoded = match EncodedKey::from_pem_block(block) {
            Ok(k) => k,
            Err(e) => {
                self.find(codes::UNREADABLE_KEY, Some(name), e.to_string());
                return None;
            }
        };
        match (encoded.is_encrypted(), passphrase) {
            (false, Some(_)) => {
                self.find(
                    codes::CA_KEY_NOT_ENCRYPTED,
                    Some(name),
                    format!(
                        "the key is {} without encryption, but a passphrase is configured",
                        encoded.format()
                    ),
                );
            }
            (true, None) => {
                self.find(
                    codes::PASSPHRASE_NOT_AVAILABLE,
                    Some(name),
                    format!("the key is {}; whether it opens and matches its certificate was not checked", encoded.format()),
                );
                return None;
            }
            _ => {}
        }
        match self.unlocked.unlock(&encoded, block.contents(), passphrase) {
            Ok(key) => Some(key),
            Err(e @ KeyError::WrongPassphrase { .. }) => {
                self.find(codes::WRONG_PASSPHRASE, Some(name), e.to_string());
                None
            }
            Err(e) => {
                self.find(codes::UNREADABLE_KEY, Some(name), e.to_string());
                None
            }
        }
    }

    /// The client bundle: certificates and the one unencrypted key OpenSSL uses.
    fn bundle(&mut self, name: &str) -> Option<(Vec<Certificate>, Option<PrivateKey>)> {
        let scanned = self.scan(name, true)?;
        let parts = match BundleParts::from_blocks(&scanned.blocks) {
            Ok(parts) => parts,
            Err(e) => {
                self.find(codes::UNREADABLE_CERTIFICATE, Some(name), e.to_string());
                return None;
            }
        };
        let mut certs = parts.certificates;
        if certs.is_empty() {
            self.find(
                codes::BUNDLE_NO_CERTIFICATE,
                Some(name),
                "the bundle holds no certificate",
            );
        }
        if parts.unused_keys > 0 {
            self.find(
                codes::BUNDLE_SEVERAL_KEYS,
                Some(name),
                format!("the bundle holds {} private keys", parts.unused_keys + 1),
            );
        }
        let key = match parts.key {
            None => {
                self.find(
                    codes::BUNDLE_NO_KEY,
                    Some(name),
                    "the bundle holds no private key",
                );
                None
            }
            Some(block) => self.bundle_key(name, block),
        };
        if certs.is_empty() {
            return None;
        }
        if let Some(key) = &key
            && !certs[0].matches_key(key)
        {
            if let Some(i) = certs[1..]
                .iter()
                .position(|c| c.matches_key(key))
                .filter(|_| certs[0].is_ca())
            {
                self.find(
                    codes::BUNDLE_CA_FIRST,
                    Some(name),
                    format!("the first certificate is the CA \"{}\"", certs[0].subject()),
                );
                // Reported; the other rules look at the real client certificate.
                certs.swap(0, i + 1);
            } else {
                self.find(
                    codes::BUNDLE_KEY_MISMATCH,
                    Some(name),
                    format!("the key is not the key of \"{}\"", certs[0].subject()),
                );
            }
        }
        Some((certs, key))
    }

    fn bundle_key(&mut self, name: &str, block: &pem::Block) -> Option<PrivateKey> {
        let encoded = match EncodedKey::from_pem_block(block) {
            Ok(k) => k,
            Err(e) => {
                self.find(codes::UNREADABLE_KEY, Some(name), e.to_string());
                return None;
            }
        };
        if encoded.is_encrypted() {
            self.find(
                codes::BUNDLE_KEY_ENCRYPTED,
                Some(name),
                format!("the key is {}", encoded.format()),
            );
            return None;
        }
        match encoded.decrypt(None) {
            Ok(key) => Some(key),
            Err(e) => {
                self.find(codes::UNREADABLE_KEY, Some(name), e.to_string());
                None
            }
        }
    }

    /// Every rule of the registry on what the loading pass read.
    fn apply_rules(&mut self, loaded: &Loaded) {
        let targeted = self.options.octavia.releases();
        let cx = rules::Context {
            now: self.now,
            warn_days: self.options.warn_days,
            targeted: &targeted,
            files: self.layout.files(),
        };
        let set = rules::Set {
            server_certs: loaded.server_certs.as_deref(),
            server_key: loaded.server_key.as_ref(),
            client_ca_certs: loaded.client_ca_certs.as_deref(),
            client: loaded.client.as_ref().map(|(certs, _)| certs.as_slice()),
        };
        for rule in rules::ALL {
            rules::apply(rule, &set, &cx, &mut |hit| match hit.severity {
                Some(severity) => {
                    self.report
                        .push(rule.code, severity, Some(hit.file), hit.message)
                }
                None => self.find(rule.code, Some(hit.file), hit.message),
            });
        }
    }
}
