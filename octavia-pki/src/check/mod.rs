//! The checker: will Octavia work with these files, and if not, why.
//!
//! [`check_dir`] reads a deployed directory (kolla or legacy layout) the way
//! Octavia and OpenSSL will, and reports every problem as a [`Finding`] with a
//! stable [code](codes), the file it is in, the line Octavia will log because
//! of it, and a fix. It never stops at the first problem, and no input makes it
//! panic: unreadable files, any bytes, symlink loops and huge files are
//! findings.

mod fixes;
pub(crate) mod rules;

use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;

use crate::codes::check as codes;
use crate::codes::{Code, Severity};

use crate::deployers::Layout;

use crate::error::Result;
use crate::load::{Load, PassphraseIssue, PassphraseLoad, Problem, UnlockedKeys, load_sharing};
use crate::passwords::CA_PASSWORD;
use crate::release::OctaviaVersions;
use crate::secret::Passphrase;
use crate::sources::{Origin, Role, Sources};

/// Default of `--warn-days`.
pub const DEFAULT_WARN_DAYS: u32 = 30;

pub use crate::passwords::PASSWORDS_FILE;

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
    /// The work directory's history ([`crate::history::read_history`] of
    /// `work_dir`): the rehearsal also plays each older client CA copy
    /// running amphorae hold ([`crate::rehearse::RehearseOptions::history`]),
    /// and, with a work directory, a CA of another key in the server CA file
    /// is a staged rotation's old CA only when it records one in flight
    /// (`foreign-certificate-trusted`).
    pub history: Vec<crate::history::HistoryEntry>,
    /// The CA work directory, to check that it holds the deployed set's CAs
    /// ([`crate::lifecycle::certificate_mismatches`]).
    pub work_dir: Option<PathBuf>,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault_password: Option<Passphrase>,
    /// cert-manager `Certificate` manifests (or `kubectl get certificate -o
    /// yaml` output) of the set's CAs: whether cert-manager will re-key them
    /// (`cert-manager-rotates-ca-key`).
    pub cert_manager: Vec<PathBuf>,
    /// `passphrase` is exactly what oslo.config reads from the service's
    /// octavia.conf (`node check`), not one to be written there.
    pub(crate) passphrase_is_octavias: bool,
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
            vault_password: None,
            cert_manager: Vec::new(),
            passphrase_is_octavias: false,
        }
    }
}

/// One problem (or remark) about the files.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
    /// A concrete command or step, in the set's deployer's words.
    pub fix: String,
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Error findings: Octavia will fail, or (those counted in `exposing`
    /// too) works but is open to others.
    pub errors: usize,
    /// Errors of [`crate::codes::EXPOSING`]: Octavia works, but others can
    /// get in (its CA is not secret, or it trusts a certificate not the set's).
    pub exposing: usize,
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
                Severity::Error => {
                    summary.errors += 1;
                    summary.exposing += usize::from(crate::codes::EXPOSING.contains(&f.code));
                }
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// The checker's result.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The directory checked.
    pub dir: PathBuf,
    /// The layout checked against (for octavia.conf's files, the shape
    /// they have: legacy when one CA file plays both roles).
    pub layout: Layout,
    /// Where the file map came from: the directory's layout, or octavia.conf.
    pub origin: Origin,
    /// Every finding, most serious first.
    pub findings: Vec<Finding>,
    /// The counts.
    pub summary: Summary,
}

impl Report {
    /// Whether any finding is an error: Octavia will fail, or works but is
    /// open to others (the exit status says so).
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Whether Octavia will fail: an error other than the exposing ones.
    pub fn breaks_octavia(&self) -> bool {
        self.summary.errors > self.summary.exposing
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
            fix: code.info().fix.to_owned(),
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

/// [`check_dir`], unlocking the server CA key through `unlocked`.
pub(crate) fn check_dir_sharing(
    dir: &Path,
    options: &CheckOptions,
    unlocked: &UnlockedKeys,
) -> Result<Report> {
    crate::fsio::require_dir(dir)?;
    refuse_work_dir(dir, options.layout)?;
    let mut sources = Sources::in_dir(dir, options.layout)?
        .with_passphrase(options.passwords.clone(), options.passphrase.clone())
        .with_work_dir(options.work_dir.clone())
        .with_vault_password(options.vault_password.clone());
    sources.passphrase_is_octavias = options.passphrase_is_octavias;
    check_sharing(&sources, options, unlocked)
}

/// Checks the files `sources` names: a directory's layout, or the options
/// of octavia.conf ([`crate::octavia_conf::OctaviaConf::sources`]). The
/// files, the passphrase, the work directory and the vault password are
/// `sources`'; `options`' fields for them are not used.
pub fn check(sources: &Sources, options: &CheckOptions) -> Result<Report> {
    check_sharing(sources, options, &UnlockedKeys::default())
}

/// [`check`], unlocking the server CA key through `unlocked`.
pub(crate) fn check_sharing(
    sources: &Sources,
    options: &CheckOptions,
    unlocked: &UnlockedKeys,
) -> Result<Report> {
    let dir = &sources.dir;
    // A file this process may not read is no finding about the set: the
    // check cannot run (as a user other than root or the owner).
    crate::fsio::require_readable(sources.every_input())?;
    // Nor is a work directory that is not there: judged without it, the set
    // would lose what the history vouches for and the CAs compared.
    if let Some(work_dir) = &sources.work_dir {
        crate::fsio::require_dir(work_dir)?;
    }
    let load = load_sharing(sources, unlocked);
    let mut cert_manager = Vec::new();
    for manifest in &options.cert_manager {
        cert_manager.extend(crate::cert_manager::read(
            manifest,
            sources.vault_password.as_ref(),
        )?);
    }
    let mut checker = Checker {
        sources,
        options,
        now: options.now.unwrap_or_else(OffsetDateTime::now_utc),
        report: Report {
            dir: dir.to_owned(),
            layout: sources.layout,
            origin: sources.origin.clone(),
            findings: Vec::new(),
            summary: Summary::default(),
        },
    };
    checker.run(&load, &cert_manager);
    checker.report.finish();
    // A set that works with public secrets is still rehearsed: whether it
    // works is the other half of the verdict.
    if options.rehearse && !checker.report.breaks_octavia() {
        checker.rehearse(&load);
        checker.report.finish();
    }
    checker.in_deployers_words();
    Ok(checker.report)
}

/// A CA work directory given where the deployed directory belongs (no
/// deployed file, kolla-ansible's `server_ca/` inside) is said to be one,
/// rather than reported as a set with every file missing.
fn refuse_work_dir(dir: &Path, layout: Option<Layout>) -> Result<()> {
    let deployed = layout.map_or(Layout::ALL.to_vec(), |l| vec![l]);
    let has_deployed = deployed.iter().any(|l| {
        Sources::of_layout(dir, *l)
            .paths()
            .into_iter()
            .any(crate::fsio::exists)
    });
    if has_deployed || !crate::fsio::exists(&dir.join(crate::deployers::work_dir::SERVER_CA_CERT)) {
        return Ok(());
    }
    Err(crate::error::Error::WorkDirAsDeployed {
        dir: dir.to_owned(),
        deployed_dir: layout.unwrap_or_default().owner().deployed_dir.into(),
    })
}

/// The finding code of each problem the loader meets.
fn code_of(problem: &Problem) -> Code {
    match problem {
        Problem::Missing => codes::MISSING_FILE,
        Problem::Unreadable(_) => codes::UNREADABLE_FILE,
        Problem::NotAFile(_) => codes::NOT_A_FILE,
        Problem::Vaulted(_) => codes::VAULTED_FILE,
        Problem::TooLarge => codes::FILE_TOO_LARGE,
        Problem::KeyReadableByOthers { .. } => codes::KEY_FILE_PERMISSIONS,
        Problem::Empty => codes::EMPTY_FILE,
        Problem::Der => codes::DER_NOT_PEM,
        Problem::NoPemBlock => codes::NO_PEM_BLOCK,
        Problem::ByteOrderMark => codes::UTF8_BOM,
        Problem::CrlfLineEndings => codes::CRLF_LINE_ENDINGS,
        Problem::TextBeforePem => codes::TEXT_BEFORE_PEM,
        Problem::TruncatedPem(_) => codes::TRUNCATED_PEM,
        Problem::CorruptPem(_) => codes::CORRUPT_PEM,
        Problem::WrongBlockKind { .. } => codes::WRONG_BLOCK_KIND,
        Problem::UnreadableCertificate(_) => codes::UNREADABLE_CERTIFICATE,
        Problem::UnreadableKey(_) => codes::UNREADABLE_KEY,
        Problem::KeyNotEncrypted(_) => codes::CA_KEY_NOT_ENCRYPTED,
        Problem::PassphraseNotAvailable(_) => codes::PASSPHRASE_NOT_AVAILABLE,
        Problem::WrongPassphrase(_) => codes::WRONG_PASSPHRASE,
        Problem::PassphraseTrailingNewline(_) => codes::PASSPHRASE_TRAILING_NEWLINE,
        Problem::PubliclyKnownPassphrase(_) => codes::PUBLICLY_KNOWN_PASSPHRASE,
        Problem::NoCertificate => codes::BUNDLE_NO_CERTIFICATE,
        Problem::NoKey => codes::BUNDLE_NO_KEY,
        Problem::SeveralKeys(_) => codes::BUNDLE_SEVERAL_KEYS,
        Problem::KeyEncrypted(_) => codes::BUNDLE_KEY_ENCRYPTED,
        Problem::CaFirst { .. } => codes::BUNDLE_CA_FIRST,
        Problem::KeyMismatch(_) => codes::BUNDLE_KEY_MISMATCH,
    }
}

struct Checker<'a> {
    sources: &'a Sources,
    options: &'a CheckOptions,
    now: OffsetDateTime,
    report: Report,
}

impl Checker<'_> {
    /// Each finding's fix and symptom in the words of the set's deployer,
    /// with the file it is about named where the text has a place for it.
    fn in_deployers_words(&mut self) {
        let sources = self.sources;
        let deployer = sources.deployer();
        let on_disk = !matches!(sources.origin, crate::sources::Origin::Packed { .. });
        let key_lost = self
            .report
            .findings
            .iter()
            .any(|f| f.code == codes::CLIENT_CA_KEY_LOST);
        for f in &mut self.report.findings {
            let role = f
                .file
                .as_deref()
                .and_then(|name| Role::ALL.into_iter().find(|r| sources.name(*r) == name));
            let known = fixes::Known {
                deployer,
                path: role.filter(|_| on_disk).map(|r| sources.path(r)),
                name: f.file.as_deref(),
                from_conf: sources.named_by_options(),
                renewal_impossible: key_lost && role == Some(Role::ClientCert),
            };
            f.fix = fixes::fix(f.code, known);
            f.symptom = f
                .symptom
                .take()
                .map(|s| fixes::symptom(f.code, deployer, s));
        }
    }

    /// A finding about `role`'s file.
    fn find(&mut self, code: Code, role: Option<Role>, message: impl Into<String>) {
        let name = role.map(|r| self.sources.name(r));
        self.find_in(code, name.as_deref(), message);
    }

    /// A finding about the file named `file` (or the set, when `None`).
    fn find_in(&mut self, code: Code, file: Option<&str>, message: impl Into<String>) {
        let mut severity = code.info().severity;
        if self.options.strict && code.info().strict {
            severity = Severity::Error;
        }
        self.report.push(code, severity, file, message.into());
    }

    /// The last stage: Octavia's handshake, played in memory. Skipped when the
    /// server CA key cannot be unlocked (no passphrase): that is reported already.
    fn rehearse(&mut self, load: &Load) {
        if self
            .report
            .findings
            .iter()
            .any(|f| f.code == codes::PASSPHRASE_NOT_AVAILABLE)
        {
            return;
        }
        // The files, the passphrase and the vault password are the load's.
        let options = crate::rehearse::RehearseOptions {
            strict: self.options.strict,
            now: Some(self.now),
            octavia: self.options.octavia.clone(),
            history: self.options.history.clone(),
            ..crate::rehearse::RehearseOptions::default()
        };
        let rehearsal = crate::rehearse::rehearse_loaded(self.sources, load, &options);
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
            // severity, unless no file is at fault and some targeted release
            // works (when none does, no deployment of these files works).
            let severity = if failure.release_defect && failure.releases.len() < targeted {
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

    /// Every finding but the rehearsal's; `cert_manager`: the CA
    /// Certificates of `options.cert_manager`, read.
    fn run(&mut self, load: &Load, cert_manager: &[crate::cert_manager::CaCertificateSpec]) {
        // passwords.yml as the loader read it, for its duplicate keys and
        // the work directory's keys.
        let passwords = load.passwords.as_ref();
        self.duplicate_passwords(passwords);
        self.passphrase(&load.passphrase);
        // Each file once, by the first role that reads it.
        for role in [
            Role::CaCertificate,
            Role::ServerCa,
            Role::ClientCa,
            Role::CaPrivateKey,
            Role::ClientCert,
        ] {
            if self.sources.first_reader(role) != role {
                continue;
            }
            let (notes, failure) = match role {
                Role::CaPrivateKey => load.ca_private_key.problems(),
                Role::ClientCert => load.client_cert.problems(),
                Role::CaCertificate => load.ca_certificate.problems(),
                Role::ServerCa => load.server_ca.problems(),
                Role::ClientCa => load.client_ca.problems(),
            };
            for problem in notes.iter().chain(failure) {
                self.find(code_of(problem), Some(role), problem.to_string());
            }
        }
        self.conf_options();
        self.apply_rules(load, cert_manager);
        self.work_dir_belongs(passwords);
        self.client_ca_key_lost(load);
        self.interrupted_writes();
    }

    /// A deployer that keeps the client CA's key beside the files (RHOSO
    /// since OSPRH-17062) whose set lacks it, with no work directory
    /// holding one: nothing can issue a client certificate any more.
    fn client_ca_key_lost(&mut self, load: &Load) {
        let deployer = self.sources.deployer();
        let Some(key) = deployer.secrets.and_then(|s| s.client_ca_key) else {
            return;
        };
        let in_work_dir = self.sources.work_dir.as_deref().is_some_and(|w| {
            crate::fsio::exists(&w.join(crate::deployers::work_dir::CLIENT_CA_KEY))
        });
        // The deployer's marker is its format that keeps the key.
        let kept = [Some(key), deployer.marker]
            .into_iter()
            .flatten()
            .any(|name| crate::fsio::exists(&self.sources.dir.join(name)));
        if in_work_dir || kept {
            return;
        }
        let client = load
            .client_cert
            .ok()
            .and_then(|read| read.certificates.first())
            .map(|c| {
                format!(
                    "; the client certificate \"{}\" expires on {}",
                    c.subject(),
                    &c.not_after_rfc3339()[..10]
                )
            })
            .unwrap_or_default();
        let ca = load
            .client_ca
            .ok()
            .and_then(|certs| certs.first())
            .map(|c| format!(" \"{}\"", c.subject()))
            .unwrap_or_default();
        let file = self.sources.name(Role::ClientCa);
        self.find_in(
            codes::CLIENT_CA_KEY_LOST,
            Some(&file),
            format!(
                "{} keeps no {key} beside the files and no work directory holds it: the key of the \
                 client CA{ca} is gone (made before OSPRH-17062), so no client certificate can be \
                 issued from it{client}",
                deployer.title
            ),
        );
    }

    /// A write of this tool's that was interrupted (its journal still
    /// pending, in the directory or the work directory): the files may mix
    /// the states before and after it, which the rules above may not see.
    fn interrupted_writes(&mut self) {
        let dirs = [
            Some(self.sources.dir.as_path()),
            self.sources.work_dir.as_deref(),
        ];
        for journal in crate::fsio::pending_journals(dirs.into_iter().flatten()) {
            self.find_in(
                codes::INTERRUPTED_WRITE,
                None,
                format!(
                    "{} records a write of octavia-pki that did not finish: the files may mix the \
                     set before and after it",
                    journal.display()
                ),
            );
        }
    }

    /// octavia.conf's options besides the files, for a set read from it.
    fn conf_options(&mut self) {
        let Some(conf) = &self.sources.conf else {
            return;
        };
        let judged = conf.judge_certs_key_passphrase(&self.options.octavia.releases());
        let file = self.sources.dir.display().to_string();
        if let Some(f) = judged {
            self.find_in(f.code, Some(&file), f.message);
        }
        for (code, note) in conf.notes.clone() {
            self.find_in(code, Some(&file), note);
        }
    }

    /// With a work directory: its CAs must be the deployed ones (the keys
    /// too, when passwords.yml gives both CA passphrases).
    fn work_dir_belongs(&mut self, passwords: Option<&crate::passwords::KollaPasswords>) {
        let Some(work_dir) = self.sources.work_dir.as_deref() else {
            return;
        };
        let to = crate::generate::Destination {
            vault_password: self.sources.vault_password.as_ref(),
            deployed: self.sources.named_by_options().then_some(self.sources),
            ..crate::generate::Destination::new(&self.sources.dir, work_dir)
        };
        let passphrases = passwords.and_then(|p| p.ca_passphrases().ok());
        for mismatch in crate::lifecycle::mismatches(&to, self.sources.layout, passphrases.as_ref())
        {
            let file = mismatch
                .against
                .strip_prefix(&self.sources.dir)
                .unwrap_or(&mismatch.against)
                .to_str()
                .map(str::to_owned);
            self.find_in(
                codes::WORK_DIR_MISMATCH,
                file.as_deref(),
                mismatch.to_string(),
            );
        }
    }

    /// Findings for a server CA passphrase Octavia could not use.
    fn passphrase(&mut self, passphrase: &PassphraseLoad) {
        let Some(issue) = &passphrase.issue else {
            return;
        };
        let option = self.sources.passphrase_option_name();
        let then = |known: bool| {
            if known {
                "; the key is checked with the string Octavia reads"
            } else {
                "; which string that is cannot be told here, so the key is not checked"
            }
        };
        let (code, file, message) = match issue {
            PassphraseIssue::DollarGiven => (
                codes::PASSWORD_UNUSABLE,
                option.as_deref(),
                match &self.sources.passphrase_option {
                    Some(o) => format!("{} contains '$'", o.name),
                    None => "the server CA passphrase contains '$'".to_owned(),
                },
            ),
            PassphraseIssue::DollarInPasswords => (
                codes::PASSWORD_UNUSABLE,
                Some(PASSWORDS_FILE),
                format!("{CA_PASSWORD} contains '$'"),
            ),
            PassphraseIssue::Missing(what) => {
                (codes::PASSWORD_MISSING, Some(PASSWORDS_FILE), what.clone())
            }
            PassphraseIssue::NotAsWritten(how, known) => (
                codes::PASSWORD_NOT_AS_WRITTEN,
                Some(PASSWORDS_FILE),
                format!("{CA_PASSWORD} {how}{}", then(*known)),
            ),
            PassphraseIssue::OptionNotAsWritten {
                option: name,
                how,
                known,
            } => (
                codes::PASSWORD_NOT_AS_WRITTEN,
                option.as_deref(),
                format!("{name} {how}{}", then(*known)),
            ),
        };
        self.find_in(code, file, message);
    }

    /// Keys passwords.yml gives twice: Ansible warns and takes the last.
    fn duplicate_passwords(&mut self, passwords: Option<&crate::passwords::KollaPasswords>) {
        let Some(file) = passwords.filter(|_| self.sources.passphrase.is_none()) else {
            return;
        };
        for d in file.duplicates() {
            self.find_in(
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

    /// Every rule of the registry on what the loading pass read.
    fn apply_rules(
        &mut self,
        load: &Load,
        cert_manager: &[crate::cert_manager::CaCertificateSpec],
    ) {
        let targeted = self.options.octavia.releases();
        let cx = rules::Context {
            now: self.now,
            warn_days: self.options.warn_days,
            targeted: &targeted,
            strict: self.options.strict,
            files: self.sources,
            cert_manager,
            history: self
                .sources
                .work_dir
                .as_ref()
                .map(|_| self.options.history.as_slice()),
        };
        // The bundle's certificates, the client's first: where the CA came
        // first (reported), the rules look at the real client certificate.
        let client = load.client_cert.ok().and_then(|read| {
            let mut certs = read.certificates.clone();
            for note in &load.client_cert.notes {
                if let Problem::CaFirst { index, .. } = note {
                    certs.swap(0, *index);
                }
            }
            (!certs.is_empty()).then_some(certs)
        });
        let set = rules::Set {
            server_certs: load.ca_certificate.ok().map(Vec::as_slice),
            server_ca: load.server_ca.ok().map(Vec::as_slice),
            server_key: load.ca_private_key.ok(),
            client_ca_certs: load.client_ca.ok().map(Vec::as_slice),
            client: client.as_deref(),
        };
        for rule in rules::ALL {
            rules::apply(rule, &set, &cx, &mut |hit| match hit.severity {
                Some(severity) => self.report.push(
                    rule.code,
                    severity,
                    Some(&self.sources.name(hit.file)),
                    hit.message,
                ),
                None => self.find(rule.code, Some(hit.file), hit.message),
            });
        }
    }
}
