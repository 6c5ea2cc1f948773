//! The checker: will Octavia work with these files, and if not, why.
//!
//! [`check_dir`] reads a deployed directory (kolla or legacy layout) the way
//! Octavia and OpenSSL will, and reports every problem as a [`Finding`] with a
//! stable [code](codes), the file it is in, the line Octavia will log because
//! of it, and a fix. It never stops at the first problem, and no input makes it
//! panic: unreadable files, any bytes, symlink loops and huge files are
//! findings.

mod scan;

use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::public_key::PublicKey;

use crate::codes::check as codes;
pub use crate::codes::{Code, CodeInfo, Severity};

use crate::cert::Certificate;
use crate::error::Result;
use crate::key::{EncodedKey, KeyAlgorithm, KeyError, PrivateKey};
use crate::key_id;
use crate::layout::Layout;
use crate::passwords::{CA_PASSWORD, CaPasswordError};
use crate::pem;
use crate::release::{self, OctaviaVersions, RELEASES};
use crate::secret::{Passphrase, PassphraseProblem};
use crate::x509;
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
    crate::fsio::require_dir(dir)?;
    let layout = options.layout.unwrap_or_else(|| Layout::detect(dir));
    let mut checker = Checker {
        dir,
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
    if !checker.report.has_errors() {
        checker.rehearse();
        checker.report.finish();
    }
    Ok(checker.report)
}

/// The code of a failed rehearsal: the rule's own where the failure says
/// which it is, else `rehearsal-failed`.
fn code_of(failure: &crate::rehearse::Failure) -> Code {
    use crate::rehearse::{Cause, Side};
    use crate::x509::VerifyError as E;
    if failure.release_defect {
        return codes::OCTAVIA_RELEASE_STRICT_NO_AKI;
    }
    let Cause::Verification(error) = failure.cause else {
        return codes::REHEARSAL_FAILED;
    };
    match (failure.side, error) {
        (_, E::Expired) => codes::EXPIRED,
        (_, E::NotYetValid) => codes::NOT_YET_VALID,
        (_, E::InvalidCa) => codes::CA_NOT_CA,
        (_, E::CaMdTooWeak) => codes::WEAK_SIGNATURE,
        (_, E::EeKeyTooSmall | E::CaKeyTooSmall) => codes::RSA_KEY_TOO_SMALL,
        (_, E::StrictBasicConstraintsNotCritical) => {
            codes::STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL
        }
        (_, E::StrictCaNoKeyUsage) => codes::STRICT_CA_NO_KEY_USAGE,
        (_, E::StrictNoSki) => codes::STRICT_CA_NO_SKI,
        (_, E::StrictNoAki) => codes::STRICT_NO_AKI,
        // The amphora cannot chain the controller's certificate to the client CA.
        (
            Side::Amphora,
            E::UnableToGetLocalIssuer | E::UnableToGetIssuer | E::SelfSignedInChain,
        ) => codes::CLIENT_CERT_UNTRUSTED,
        // The server CA's key signs what its certificate does not name.
        (Side::Controller, E::SignatureFailure) => codes::CA_KEY_MISMATCH,
        _ => codes::REHEARSAL_FAILED,
    }
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
        if self.options.strict && code.id().starts_with("strict-") {
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
            let on = if failure.releases.len() == targeted {
                String::new()
            } else {
                format!("on Octavia {}, ", failure.releases.join(", "))
            };
            let message = format!(
                "{on}{side} refuses: {}",
                refuser_log.as_deref().unwrap_or("the handshake fails")
            );
            let symptom = other_log.clone().or_else(|| refuser_log.clone());
            let code = code_of(&failure);
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
        self.relate(&loaded);
        self.server_key = loaded.server_key;
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
        match encoded.decrypt(passphrase) {
            Ok(key) => {
                self.key_rules(&key, name, true);
                Some(key)
            }
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

    fn key_rules(&mut self, key: &PrivateKey, name: &str, signs_amphorae: bool) {
        // Key sizes are judged on the certificates, which carry the same keys.
        if signs_amphorae && key.algorithm() == KeyAlgorithm::Ed25519 {
            self.find(
                codes::ED25519_SERVER_CA_KEY,
                Some(name),
                "the server CA key is Ed25519",
            );
        }
    }

    /// The client bundle: certificates and exactly one unencrypted key.
    fn bundle(&mut self, name: &str) -> Option<(Vec<Certificate>, Option<PrivateKey>)> {
        let scanned = self.scan(name, true)?;
        let mut certs = Vec::new();
        let mut keys = Vec::new();
        for block in &scanned.blocks {
            if pem::is_certificate_label(block.label()) {
                match Certificate::from_der(block.contents().to_vec(), certs.len() + 1) {
                    Ok(c) => certs.push(c),
                    Err(e) => {
                        self.find(codes::UNREADABLE_CERTIFICATE, Some(name), e.to_string());
                        return None;
                    }
                }
            } else if pem::is_key_label(block.label()) {
                keys.push(block);
            }
        }
        if certs.is_empty() {
            self.find(
                codes::BUNDLE_NO_CERTIFICATE,
                Some(name),
                "the bundle holds no certificate",
            );
        }
        let key = match keys.len() {
            0 => {
                self.find(
                    codes::BUNDLE_NO_KEY,
                    Some(name),
                    "the bundle holds no private key",
                );
                None
            }
            n => {
                if n > 1 {
                    self.find(
                        codes::BUNDLE_SEVERAL_KEYS,
                        Some(name),
                        format!("the bundle holds {n} private keys"),
                    );
                }
                self.bundle_key(name, keys[0])
            }
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
            Ok(key) => {
                self.key_rules(&key, name, false);
                Some(key)
            }
            Err(e) => {
                self.find(codes::UNREADABLE_KEY, Some(name), e.to_string());
                None
            }
        }
    }

    /// The rules that relate files: key to certificate, chains, time.
    fn relate(&mut self, loaded: &Loaded) {
        let files = self.layout.files();
        if let Some(certs) = &loaded.server_certs {
            self.ca_file_rules(certs, files.server_ca_cert);
            self.server_ca_key_id(&certs[0], files.server_ca_cert);
            if let Some(key) = &loaded.server_key {
                self.server_key_matches(certs, key, files.server_ca_key);
            } else if let Some(first) = certs.first()
                && is_ed25519(first)
            {
                self.find(
                    codes::ED25519_SERVER_CA_KEY,
                    Some(files.server_ca_cert),
                    "the server CA certificate has an Ed25519 key",
                );
            }
        }
        if files.client_ca_cert != files.server_ca_cert
            && let Some(certs) = &loaded.client_ca_certs
        {
            self.ca_file_rules(certs, files.client_ca_cert);
        }
        if let Some((certs, _)) = &loaded.client {
            self.client_rules(certs, files.client_bundle);
            if let Some(anchors) = &loaded.client_ca_certs {
                self.client_trust(certs, anchors, loaded.server_certs.as_deref());
                if let (Some(ca), Some(client)) = (anchors.first(), certs.first())
                    && ca.not_after() < client.not_after()
                {
                    self.find(
                        codes::CA_EXPIRES_BEFORE_CLIENT,
                        Some(files.client_ca_cert),
                        format!(
                            "the client CA expires on {}, the client certificate on {}",
                            ca.not_after().date(),
                            client.not_after().date()
                        ),
                    );
                }
            }
        }
    }

    fn server_key_matches(&mut self, certs: &[Certificate], key: &PrivateKey, key_file: &str) {
        if certs[0].matches_key(key) {
            return;
        }
        let cert_file = self.layout.files().server_ca_cert;
        if let Some(i) = certs.iter().position(|c| c.matches_key(key)) {
            self.find(
                codes::SERVER_CA_CHAIN_ORDER,
                Some(cert_file),
                format!(
                    "the key belongs to certificate {} (\"{}\"), but Octavia issues with the first, \"{}\"",
                    i + 1,
                    certs[i].subject(),
                    certs[0].subject()
                ),
            );
        } else {
            self.find(
                codes::CA_KEY_MISMATCH,
                Some(key_file),
                format!(
                    "the key is not the key of \"{}\" ({cert_file})",
                    certs[0].subject()
                ),
            );
        }
    }

    /// The certificate Octavia issues amphora certificates with must carry the
    /// key identifier the targeted releases derive ([`crate::release`]).
    fn server_ca_key_id(&mut self, issuer: &Certificate, file: &str) {
        let Some(ski) = issuer.subject_key_id() else {
            return; // every release then names it by the SHA-1 of its key, or not at all
        };
        let breaking: Vec<_> = RELEASES
            .iter()
            .filter(|r| {
                r.amphora_key_ids
                    .authority_key_id(issuer)
                    .is_some_and(|aki| aki != ski)
            })
            .collect();
        if breaking.is_empty() {
            return;
        }
        let targeted = self.options.octavia.releases();
        let (severity, on) = match breaking
            .iter()
            .copied()
            .filter(|r| targeted.contains(r))
            .collect::<Vec<_>>()
        {
            on if on.is_empty() => (Severity::Warning, breaking),
            on => (Severity::Error, on),
        };
        self.report.push(
            codes::SERVER_CA_KEY_ID_NOT_SHA1,
            severity,
            Some(file),
            format!(
                "\"{}\" has the key identifier {}; Octavia {} names the issuer of every amphora certificate {}, so the controllers refuse those amphorae",
                issuer.subject(),
                key_id::display(&ski),
                release::names(&on),
                key_id::display(&key_id::method1(issuer.public_key_raw()))
            ),
        );
    }

    /// Every certificate of a CA file acts as a CA.
    fn ca_file_rules(&mut self, certs: &[Certificate], file: &str) {
        for cert in certs {
            self.certificate_rules(cert, file);
            let parsed = cert.parsed();
            let subject = cert.subject();
            let cert_sign = matches!(parsed.key_usage(), Ok(Some(ku)) if ku.value.key_cert_sign());
            match parsed.basic_constraints() {
                Ok(Some(bc)) if bc.value.ca => {
                    if !bc.critical {
                        self.find(
                            codes::STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL,
                            Some(file),
                            format!("\"{subject}\""),
                        );
                    }
                }
                Ok(Some(_)) => {
                    self.find(
                        codes::CA_NOT_CA,
                        Some(file),
                        format!("\"{subject}\" says CA:FALSE"),
                    );
                }
                // As OpenSSL's X509_check_ca: without basicConstraints, keyCertSign
                // or a self-signed (v1-style) root still makes a CA.
                _ if cert_sign || x509::is_self_signed(cert) => self.find(
                    codes::STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL,
                    Some(file),
                    format!("\"{subject}\" has no basicConstraints"),
                ),
                _ => self.find(
                    codes::CA_NOT_CA,
                    Some(file),
                    format!("\"{subject}\" has no basicConstraints CA:TRUE"),
                ),
            }
            match parsed.key_usage() {
                Ok(Some(ku)) if !ku.value.key_cert_sign() => {
                    self.find(
                        codes::CA_KEY_USAGE_NO_CERT_SIGN,
                        Some(file),
                        format!("\"{subject}\""),
                    );
                }
                Ok(None) => self.find(
                    codes::STRICT_CA_NO_KEY_USAGE,
                    Some(file),
                    format!("\"{subject}\""),
                ),
                _ => {}
            }
            let has_ski = parsed.extensions().iter().any(|e| {
                matches!(
                    e.parsed_extension(),
                    ParsedExtension::SubjectKeyIdentifier(_)
                )
            });
            if !has_ski {
                self.find(
                    codes::STRICT_CA_NO_SKI,
                    Some(file),
                    format!("\"{subject}\""),
                );
            }
        }
        if let Err(stuck) = x509::complete_in_file(&certs[0], certs) {
            self.find(
                codes::CA_CHAIN_INCOMPLETE,
                Some(file),
                format!(
                    "the issuer of \"{}\", \"{}\", is not in the file",
                    stuck.subject(),
                    stuck.issuer()
                ),
            );
        }
    }

    /// Rules for any certificate: time, signature, key size, AKI.
    fn certificate_rules(&mut self, cert: &Certificate, file: &str) {
        let subject = cert.subject();
        if cert.not_after() < self.now {
            self.find(
                codes::EXPIRED,
                Some(file),
                format!("\"{subject}\" expired on {}", cert.not_after().date()),
            );
        } else if cert.not_before() > self.now {
            self.find(
                codes::NOT_YET_VALID,
                Some(file),
                format!("\"{subject}\" is valid from {}", cert.not_before()),
            );
        } else if cert.not_after() - self.now
            < time::Duration::days(i64::from(self.options.warn_days))
        {
            let days = (cert.not_after() - self.now).whole_days();
            self.find(
                codes::EXPIRING_SOON,
                Some(file),
                format!(
                    "\"{subject}\" expires in {days} days, on {}",
                    cert.not_after().date()
                ),
            );
        }
        let self_signed = x509::is_self_signed(cert);
        let parsed = cert.parsed();
        if !self_signed {
            let oid = parsed.signature_algorithm.algorithm.to_id_string();
            if let Some(name) = x509::weak_signature(&oid) {
                self.find(
                    codes::WEAK_SIGNATURE,
                    Some(file),
                    format!("\"{subject}\" is signed with {name}"),
                );
            }
            let has_aki = parsed.extensions().iter().any(|e| {
                matches!(
                    e.parsed_extension(),
                    ParsedExtension::AuthorityKeyIdentifier(_)
                )
            });
            if !has_aki {
                self.find(codes::STRICT_NO_AKI, Some(file), format!("\"{subject}\""));
            }
        }
        if let Ok(PublicKey::RSA(rsa)) = parsed.public_key().parsed()
            && rsa.key_size() < x509::MIN_RSA_BITS
        {
            self.find(
                codes::RSA_KEY_TOO_SMALL,
                Some(file),
                format!("\"{subject}\" has an RSA-{} key", rsa.key_size()),
            );
        }
    }

    fn client_rules(&mut self, certs: &[Certificate], file: &str) {
        for cert in certs {
            self.certificate_rules(cert, file);
        }
        let client = &certs[0];
        let parsed = client.parsed();
        if let Ok(Some(eku)) = parsed.extended_key_usage()
            && !eku.value.client_auth
            && !eku.value.any
        {
            self.find(
                codes::CLIENT_EKU_NO_CLIENT_AUTH,
                Some(file),
                format!("\"{}\"", client.subject()),
            );
        }
        if let Ok(Some(ku)) = parsed.key_usage()
            && !ku.value.digital_signature()
        {
            self.find(
                codes::CLIENT_KEY_USAGE_NO_DIGITAL_SIGNATURE,
                Some(file),
                format!("\"{}\"", client.subject()),
            );
        }
    }

    /// The amphora's view: does the client certificate chain to the client CA?
    fn client_trust(
        &mut self,
        certs: &[Certificate],
        anchors: &[Certificate],
        server: Option<&[Certificate]>,
    ) {
        let files = self.layout.files();
        let Err(stuck) = x509::chain_to(&certs[0], &certs[1..], anchors) else {
            return;
        };
        let why = if server.is_some_and(|s| {
            s.iter()
                .any(|ca| x509::issued_by(stuck, ca, &mut x509::Budget::default()))
        }) {
            format!(
                "\"{}\" was issued by the server CA, not the client CA",
                stuck.subject()
            )
        } else if anchors.iter().any(|a| a.subject() == stuck.issuer()) {
            format!(
                "\"{}\" names \"{}\" as issuer, but that CA's key did not sign it: it comes from another PKI with the same names",
                stuck.subject(),
                stuck.issuer()
            )
        } else {
            format!(
                "the issuer of \"{}\", \"{}\", is not in {}: the certificate is from another PKI, or an intermediate is missing from the bundle",
                stuck.subject(),
                stuck.issuer(),
                files.client_ca_cert
            )
        };
        self.find(codes::CLIENT_CERT_UNTRUSTED, Some(files.client_bundle), why);
    }
}

fn is_ed25519(cert: &Certificate) -> bool {
    cert.parsed()
        .public_key()
        .algorithm
        .algorithm
        .to_id_string()
        == "1.3.101.112"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rehearse::{Cause, Failure, Side};
    use crate::x509::VerifyError;

    fn failure(side: Side, cause: Cause) -> Failure {
        Failure {
            side,
            cause,
            controller: None,
            amphora: None,
            file: None,
            detail: None,
            releases: Vec::new(),
            release_defect: false,
        }
    }

    #[test]
    fn a_failed_handshake_gets_the_rules_code_where_there_is_one() {
        use VerifyError as E;
        for (side, cause, code) in [
            (
                Side::Amphora,
                Cause::Verification(E::UnableToGetLocalIssuer),
                codes::CLIENT_CERT_UNTRUSTED,
            ),
            (
                Side::Controller,
                Cause::Verification(E::Expired),
                codes::EXPIRED,
            ),
            (
                Side::Controller,
                Cause::Verification(E::SignatureFailure),
                codes::CA_KEY_MISMATCH,
            ),
            (
                Side::Controller,
                Cause::Verification(E::StrictNoAki),
                codes::STRICT_NO_AKI,
            ),
            (
                Side::Controller,
                Cause::Verification(E::HostnameMismatch),
                codes::REHEARSAL_FAILED,
            ),
            (Side::Controller, Cause::Tls, codes::REHEARSAL_FAILED),
        ] {
            assert_eq!(code_of(&failure(side, cause)), code, "{side:?} {cause:?}");
        }
        let mut defect = failure(
            Side::Controller,
            Cause::Verification(VerifyError::StrictNoAki),
        );
        defect.release_defect = true;
        assert_eq!(code_of(&defect), codes::OCTAVIA_RELEASE_STRICT_NO_AKI);
    }
}
