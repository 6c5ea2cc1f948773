//! Renewal, rotation and expiry: keeping a deployed PKI alive without
//! stranding load balancers.
//!
//! Every operation reads the CA work directory (as `kolla-ansible
//! octavia-certificates` or [`generate`](crate::generate()) left it; no
//! `openssl ca` database is needed) and returns a [`Change`]: the files to
//! write and what must happen after. Nothing is written until the caller
//! applies it, which makes `--dry-run` exact.

mod belongs;
mod staged;

use std::path::Path;

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::public_key::PublicKey;

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::fsio::{self, PlannedFile, WriteReport};
use crate::generate::{Destination, client_certificate, self_signed_ca, subject_of};
use crate::history::{self, HistoryEntry};
use crate::key::{KeyType, PrivateKey};
use crate::layout::{Layout, work_dir};
use crate::model::{CaPassphrases, CertificateAuthority};
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};

pub use crate::ca::{CaRole, Mismatch};
pub use belongs::{certificate_mismatches, mismatches};
pub use staged::{FinishEvidence, finish_staged, rotate_staged};

/// What a rotation replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotateTarget {
    /// The server CA's key and certificate.
    ServerCa,
    /// The client CA's key and certificate, and so the client certificate.
    ClientCa,
    /// Both CAs and the client certificate.
    All,
}

/// A change to a deployed PKI, not yet written.
#[derive(Debug, Serialize)]
pub struct Change {
    /// What was done, in a line.
    pub summary: String,
    /// The new certificates, by role.
    pub certificates: Vec<(String, CertificateSummary)>,
    /// The files to write (existing ones are backed up when applied).
    #[serde(serialize_with = "paths_of")]
    pub files: Vec<PlannedFile>,
    /// What the operator must do next.
    pub next_steps: Vec<String>,
    /// When the client CA changed: amphorae created before now refuse the
    /// controllers from this time (RFC 3339) and must be failed over before.
    pub amphorae_deadline: Option<String>,
    /// What the work directory's history records of this change: one entry
    /// per certificate it replaces (both CAs for `rotate all`).
    pub history: Vec<HistoryEntry>,
    /// The history with this change appended, written by [`Change::apply`].
    #[serde(skip)]
    history_file: Option<PlannedFile>,
    /// What re-encrypts a file that was encrypted with ansible-vault.
    #[serde(skip)]
    vault_password: Option<Passphrase>,
}

/// A certificate, as a report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Subject.
    pub subject: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
}

impl CertificateSummary {
    fn of(cert: &Certificate) -> Self {
        Self {
            subject: cert.subject().to_owned(),
            not_after: cert.not_after_rfc3339(),
        }
    }
}

fn paths_of<S: serde::Serializer>(
    files: &[PlannedFile],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(files.iter().map(|f| f.path.display().to_string()))
}

impl Change {
    /// A change, its history not yet recorded ([`Change::recorded`]).
    fn new(
        summary: String,
        certificates: Vec<(String, CertificateSummary)>,
        files: Vec<PlannedFile>,
        next_steps: Vec<String>,
    ) -> Self {
        Self {
            summary,
            certificates,
            files,
            next_steps,
            amphorae_deadline: None,
            history: Vec::new(),
            history_file: None,
            vault_password: None,
        }
    }

    /// Writes the files and the history entry atomically, all or nothing,
    /// backing up every file it replaces. `lock` ([`Destination::lock`],
    /// taken before the change was planned) must cover every file: what was
    /// read to plan it cannot have changed meanwhile.
    pub fn apply(&self, lock: &fsio::DirLock) -> Result<WriteReport> {
        let mut files = self.files.clone();
        files.extend(self.history_file.clone());
        lock.require_covers(&files)?;
        fsio::write_all(&files, true, self.vault_password.as_ref())
    }

    /// Records the change in the work directory's history, when applied.
    fn recorded(self, to: &Destination<'_>, entry: HistoryEntry) -> Result<Self> {
        self.recorded_all(to, vec![entry])
    }

    /// Records each entry, in order; the change's deadline is the last one's
    /// that has one. The change is written with `to`'s vault password.
    fn recorded_all(mut self, to: &Destination<'_>, entries: Vec<HistoryEntry>) -> Result<Self> {
        self.vault_password = to.vault_password.cloned();
        self.history_file = Some(history::appended(to.work_dir, &entries, to.vault_password)?);
        self.amphorae_deadline = entries
            .iter()
            .rev()
            .find_map(|e| e.amphorae_deadline.clone());
        self.history = entries;
        Ok(self)
    }
}

/// The kolla-ansible reconfigure step every change needs.
pub const RECONFIGURE: &str = "kolla-ansible -i INVENTORY reconfigure -t octavia";

/// Fail over every load balancer, so amphorae boot with the new client CA and
/// get certificates from the new server CA.
pub const FAILOVER: &str =
    "openstack loadbalancer list -f value -c id | xargs -n1 openstack loadbalancer failover";

struct WorkDir<'a> {
    to: &'a Destination<'a>,
    layout: Layout,
}

impl<'a> WorkDir<'a> {
    /// The work directory of `to`, refused unless it and the deployed
    /// directory are one set ([`mismatches`]): a change planned from another
    /// set's CA would leave a set Octavia refuses.
    fn open(
        to: &'a Destination<'a>,
        layout: Option<Layout>,
        passphrases: Option<&CaPassphrases>,
    ) -> Result<Self> {
        let wd = Self::new(to, layout);
        match mismatches(to, wd.layout, passphrases).into_iter().next() {
            None => Ok(wd),
            Some(mismatch) => Err(Error::NotOneSet(Box::new(mismatch))),
        }
    }

    fn new(to: &'a Destination<'a>, layout: Option<Layout>) -> Self {
        let layout = layout.unwrap_or_else(|| {
            if fsio::exists(&to.work_dir.join(work_dir::CLIENT_CA_CERT)) {
                Layout::Kolla
            } else if fsio::exists(to.dir) {
                Layout::detect(to.dir)
            } else {
                Layout::Legacy
            }
        });
        Self { to, layout }
    }

    fn w(&self, rel: &str) -> std::path::PathBuf {
        self.to.work_dir.join(rel)
    }

    /// The deployed file of `role`.
    fn d(&self, role: Role) -> std::path::PathBuf {
        Sources::of_layout(self.to.dir, self.layout)
            .path(role)
            .to_owned()
    }

    fn ca(&self, role: CaRole, passphrases: &CaPassphrases) -> Result<CertificateAuthority> {
        match (role, self.layout) {
            (CaRole::ServerCa, _) => CertificateAuthority::read(
                &self.w(work_dir::SERVER_CA_CERT),
                &self.w(work_dir::SERVER_CA_KEY),
                Some(&passphrases.server_ca),
                self.to.vault_password,
            ),
            (CaRole::ClientCa, Layout::Kolla) => CertificateAuthority::read(
                &self.w(work_dir::CLIENT_CA_CERT),
                &self.w(work_dir::CLIENT_CA_KEY),
                Some(&passphrases.client_ca),
                self.to.vault_password,
            ),
            (CaRole::ClientCa, Layout::Legacy) => Err(Error::InvalidOptions(
                "the legacy layout has one CA for both roles: use server-ca".into(),
            )),
        }
    }

    /// A new self-signed CA for `role`: a new key of `key_type`, its name
    /// `name` of the current certificate. Returns the current CA and the new.
    fn new_ca(
        &self,
        role: CaRole,
        passphrases: &CaPassphrases,
        key_type: KeyType,
        days: u32,
        now: OffsetDateTime,
        name: fn(&Certificate) -> Result<rcgen::DistinguishedName>,
    ) -> Result<(CertificateAuthority, CertificateAuthority)> {
        let old = self.ca(role, passphrases)?;
        let new = self_signed_ca(
            new_key(key_type)?,
            name(old.certificate())?,
            days,
            now,
            None,
        )?;
        Ok((old, new))
    }

    /// The CA that issues the client certificate.
    fn client_issuer(&self, passphrases: &CaPassphrases) -> Result<CertificateAuthority> {
        match self.layout {
            Layout::Kolla => self.ca(CaRole::ClientCa, passphrases),
            Layout::Legacy => self.ca(CaRole::ServerCa, passphrases),
        }
    }

    /// The current client certificate (the work directory's, else the deployed bundle's).
    fn client_certificate(&self) -> Result<Certificate> {
        let cert = self.w(work_dir::CLIENT_CERT);
        if fsio::exists(&cert) {
            return Ok(crate::model::read_certificates(&cert, self.to.vault_password)?.remove(0));
        }
        Ok(
            crate::model::read_bundle(&self.d(Role::ClientCert), self.to.vault_password)?
                .certificate,
        )
    }

    fn ca_files(
        &self,
        role: CaRole,
        ca: &CertificateAuthority,
        passphrases: &CaPassphrases,
        with_key: bool,
    ) -> Result<Vec<PlannedFile>> {
        let (key_rel, deployed_key, passphrase) = match role {
            CaRole::ServerCa => (
                work_dir::SERVER_CA_KEY,
                Some(Role::CaPrivateKey),
                &passphrases.server_ca,
            ),
            CaRole::ClientCa => (work_dir::CLIENT_CA_KEY, None, &passphrases.client_ca),
        };
        let mut files = self.ca_cert_files(role, ca.certificates_pem());
        if with_key {
            let key = ca
                .key
                .to_encrypted_pkcs8_pem(passphrase)
                .map_err(|e| Error::Generate {
                    what: "encrypted CA key".into(),
                    detail: e.to_string(),
                })?;
            files.push(PlannedFile::secret(self.w(key_rel), key.clone()));
            if let Some(k) = deployed_key {
                files.push(PlannedFile::secret(self.d(k), key));
            }
        }
        Ok(files)
    }

    /// A CA's certificate file, in the work directory and deployed.
    fn ca_cert_files(&self, role: CaRole, pem: String) -> Vec<PlannedFile> {
        let (cert_rel, deployed_cert) = match role {
            CaRole::ServerCa => (work_dir::SERVER_CA_CERT, Role::CaCertificate),
            CaRole::ClientCa => (work_dir::CLIENT_CA_CERT, Role::ClientCa),
        };
        vec![
            PlannedFile::public(self.w(cert_rel), pem.clone()),
            PlannedFile::public(self.d(deployed_cert), pem),
        ]
    }

    fn client_files(&self, bundle: &crate::bundle::ClientBundle) -> Vec<PlannedFile> {
        let pem = bundle.to_pem();
        vec![
            PlannedFile::public(self.w(work_dir::CLIENT_CERT), bundle.certificate.to_pem()),
            PlannedFile::secret(self.w(work_dir::CLIENT_KEY), bundle.key.to_pkcs8_pem()),
            PlannedFile::secret(self.w(work_dir::CLIENT_BUNDLE), pem.clone()),
            PlannedFile::secret(self.d(Role::ClientCert), pem),
        ]
    }
}

/// A new client key and certificate from the client CA (the server CA in the
/// legacy layout), same subject and key type as before. The CAs are untouched.
pub fn renew_client(
    to: &Destination<'_>,
    layout: Option<Layout>,
    passphrases: &CaPassphrases,
    days: u32,
    now: OffsetDateTime,
) -> Result<Change> {
    let wd = WorkDir::open(to, layout, Some(passphrases))?;
    let issuer = wd.client_issuer(passphrases)?;
    let old = wd.client_certificate()?;
    let key = PrivateKey::generate(key_type_of(&old)).map_err(|e| Error::Generate {
        what: "client key".into(),
        detail: e.to_string(),
    })?;
    let bundle = client_certificate(key, &issuer, subject_of(&old)?, days, now)?;
    let entry = HistoryEntry::new("renew client", &old, &bundle.certificate, None, now);
    Change::new(
        format!(
            "renewed the client certificate \"{}\" for {days} days",
            old.subject()
        ),
        vec![("client".into(), CertificateSummary::of(&bundle.certificate))],
        wd.client_files(&bundle),
        vec![
            format!("{RECONFIGURE}   (deploys the new client bundle to the controllers)"),
            "No failover is needed: amphorae trust the client CA, which is unchanged.".into(),
        ],
    )
    .recorded(to, entry)
}

/// The key identifier a renewed CA certificate gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RenewKeyId {
    /// The certificate's current identifier: everything it issued still names it.
    #[default]
    Keep,
    /// RFC 5280's method 1 (SHA-1 of the key), which Octavia 16.1.0 and 17.0.1
    /// require of the server CA ([`crate::key_id`]).
    Sha1,
}

/// Re-issues a CA certificate with the same key and subject and a new
/// validity, keeping its key identifier (or giving it the SHA-1 one, with
/// [`RenewKeyId::Sha1`]): amphora certificates already issued, and amphorae
/// already running, keep working. Earlier certificates of the same key whose
/// identifier differs from the renewed one, and which have not expired, stay
/// in the file after it, so certificates issued under those identifiers keep
/// an issuer.
pub fn renew_ca(
    to: &Destination<'_>,
    layout: Option<Layout>,
    role: CaRole,
    passphrases: &CaPassphrases,
    days: u32,
    key_id: RenewKeyId,
    now: OffsetDateTime,
) -> Result<Change> {
    let wd = WorkDir::open(to, layout, Some(passphrases))?;
    let old = wd.ca(role, passphrases)?;
    let cert = old.certificate().clone();
    if !cert.is_signed_by(&cert) {
        return Err(Error::InvalidOptions(format!(
            "\"{}\" is not a self-signed root; renew it where its issuer is",
            cert.subject()
        )));
    }
    let id = match key_id {
        RenewKeyId::Keep => cert.subject_key_id(),
        RenewKeyId::Sha1 => Some(crate::key_id::method1(cert.public_key_raw())),
    };
    let mut renewed = self_signed_ca(old.key, subject_of(&cert)?, days, now, id)?;
    let mut ids = vec![renewed.certificate().subject_key_id()];
    for previous in &old.certificates {
        let previous_id = previous.subject_key_id();
        if previous.matches_key(&renewed.key)
            && previous.not_after() > now
            && !ids.contains(&previous_id)
        {
            ids.push(previous_id);
            renewed.certificates.push(previous.clone());
        }
    }
    let kept = renewed.certificates.len() - 1;
    let files = wd.ca_files(role, &renewed, passphrases, false)?;
    // Amphorae hold a copy of the client CA certificate from their boot, and
    // OpenSSL checks a trust anchor's dates: they accept the controllers only
    // until the replaced certificate's not-after. (The server CA is checked by
    // the controllers, which get the renewed certificate.)
    let amphorae_trust_it = role == CaRole::ClientCa || wd.layout == Layout::Legacy;
    let deadline = amphorae_trust_it.then(|| cert.not_after());
    let mut next_steps = vec![format!("{RECONFIGURE}   (deploys the renewed certificate)")];
    if let Some(deadline) = deadline {
        let (at, until) = (history::rfc3339(now), history::rfc3339(deadline));
        next_steps.extend([
            format!(
                "Nothing else to do now: running amphorae keep accepting the controllers until {until}, \
                 when the client CA certificate they booted with expires (OpenSSL checks the dates of a \
                 trust anchor; the renewal does not reach them)."
            ),
            format!(
                "Every amphora created before {at} must be failed over before {until}: \
                 `openstack loadbalancer amphora failover AMPHORA_ID` for each. To list them: \
                 `openstack loadbalancer amphora list -f value -c id | xargs -n1 openstack \
                 loadbalancer amphora show -f json > amphorae.json` (only `show` gives created_at), \
                 then `octavia-pki probe --work-dir {} --amphorae amphorae.json`. `octavia-pki \
                 expiry --work-dir` reports this deadline until it passes.",
                crate::text::shell_quote(&to.work_dir.display().to_string())
            ),
        ]);
    } else {
        next_steps.push(
            "No failover is needed: the key and subject are unchanged, so the amphora certificates \
             it issued keep verifying."
                .into(),
        );
    }
    if kept > 0 {
        next_steps.push(format!(
            "The file keeps {kept} earlier certificate(s) of the same key after the renewed one, \
             with another key identifier: certificates issued under it still find their issuer. \
             Octavia issues with the first certificate only."
        ));
    }
    let entry = HistoryEntry::new(
        &format!("renew {}", role_name(role).replace('_', "-")),
        &cert,
        renewed.certificate(),
        deadline,
        now,
    );
    Change::new(
        format!(
            "renewed the CA \"{}\" with its key for {days} days{}",
            cert.subject(),
            match key_id {
                RenewKeyId::Keep => String::new(),
                RenewKeyId::Sha1 => format!(
                    ", key identifier {} (SHA-1 of the key)",
                    crate::key_id::display(&crate::key_id::method1(cert.public_key_raw()))
                ),
            }
        ),
        vec![(
            role_name(role).into(),
            CertificateSummary::of(renewed.certificate()),
        )],
        files,
        next_steps,
    )
    .recorded(to, entry)
}

/// New keys: new CA(s) with the same subjects (and a new client certificate
/// when the client CA changes). Running amphorae trust the old CAs and must
/// be failed over afterwards.
pub fn rotate(
    to: &Destination<'_>,
    layout: Option<Layout>,
    target: RotateTarget,
    passphrases: &CaPassphrases,
    key_type: KeyType,
    days: (u32, u32),
    now: OffsetDateTime,
) -> Result<Change> {
    let wd = WorkDir::open(to, layout, Some(passphrases))?;
    let (ca_days, client_days) = days;
    // In the legacy layout the one CA plays both roles: rotating it is rotating all.
    let (server, client) = match (target, wd.layout) {
        (RotateTarget::ClientCa, Layout::Legacy) => {
            return Err(Error::InvalidOptions(
                "the legacy layout has one CA for both roles: rotate all".into(),
            ));
        }
        (RotateTarget::ServerCa, Layout::Kolla) => (true, false),
        (RotateTarget::ClientCa, Layout::Kolla) => (false, true),
        _ => (true, true),
    };
    let mut files = Vec::new();
    let mut certificates: Vec<(String, CertificateSummary)> = Vec::new();
    let mut server_ca = None;
    // The history records each CA replaced, as (action, old, new).
    let mut replaced = Vec::new();
    if server {
        let (ca, r) = rotate_one(&wd, CaRole::ServerCa, passphrases, key_type, ca_days, now)?;
        files.extend(wd.ca_files(CaRole::ServerCa, &ca, passphrases, true)?);
        certificates.push((
            role_name(CaRole::ServerCa).into(),
            CertificateSummary::of(ca.certificate()),
        ));
        replaced.push(r);
        server_ca = Some(ca);
    }
    if client {
        let issuer = match wd.layout {
            Layout::Kolla => {
                let (ca, r) =
                    rotate_one(&wd, CaRole::ClientCa, passphrases, key_type, ca_days, now)?;
                files.extend(wd.ca_files(CaRole::ClientCa, &ca, passphrases, true)?);
                certificates.push((
                    role_name(CaRole::ClientCa).into(),
                    CertificateSummary::of(ca.certificate()),
                ));
                replaced.push(r);
                ca
            }
            Layout::Legacy => server_ca
                .take()
                .ok_or_else(|| Error::InvalidOptions("no CA to issue with".into()))?,
        };
        let old = wd.client_certificate()?;
        let bundle = client_certificate(
            new_key(key_type)?,
            &issuer,
            subject_of(&old)?,
            client_days,
            now,
        )?;
        files.extend(wd.client_files(&bundle));
        certificates.push(("client".into(), CertificateSummary::of(&bundle.certificate)));
    }
    if replaced.is_empty() {
        return Err(Error::InvalidOptions("nothing to rotate".into()));
    }
    // The CA the amphorae trust (the client CA; in the legacy layout the one
    // CA) changed: amphorae booted before refuse the controllers at once.
    let replaced: Vec<_> = replaced
        .iter()
        .map(|(a, old, new)| (*a, old, new))
        .collect();
    let entries = history::replaced_at_once(&replaced, client, now);
    let summary = format!(
        "rotated to new {key_type} keys: {}",
        certificates
            .iter()
            .map(|(r, _)| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let next_steps = vec![
        format!("{RECONFIGURE}   (deploys the new files)"),
        "Running amphorae still hold the old CA and fail every connection until they are failed over:".into(),
        format!("{FAILOVER}   (one load balancer at a time; each failover rebuilds its amphorae)"),
    ];
    Change::new(summary, certificates, files, next_steps).recorded_all(to, entries)
}

/// One CA of an immediate rotation: the new CA (same name, new key) and
/// what the history records of it (action, replaced and new certificate).
fn rotate_one(
    wd: &WorkDir<'_>,
    role: CaRole,
    passphrases: &CaPassphrases,
    key_type: KeyType,
    days: u32,
    now: OffsetDateTime,
) -> Result<(
    CertificateAuthority,
    (&'static str, Certificate, Certificate),
)> {
    let (old, ca) = wd.new_ca(role, passphrases, key_type, days, now, subject_of)?;
    let action = match role {
        CaRole::ServerCa => "rotate server-ca",
        CaRole::ClientCa => "rotate client-ca",
    };
    let replaced = (action, old.certificate().clone(), ca.certificate().clone());
    Ok((ca, replaced))
}

fn role_name(role: CaRole) -> &'static str {
    match role {
        CaRole::ServerCa => "server_ca",
        CaRole::ClientCa => "client_ca",
    }
}

/// A new key of `key_type`.
fn new_key(key_type: KeyType) -> Result<PrivateKey> {
    PrivateKey::generate(key_type).map_err(|e| Error::Generate {
        what: "key".into(),
        detail: e.to_string(),
    })
}

/// The key type of a certificate's key, to renew with the same.
fn key_type_of(cert: &Certificate) -> KeyType {
    let parsed = cert.parsed();
    match parsed.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => match rsa.key_size() {
            ..=2048 => KeyType::Rsa2048,
            2049..=3072 => KeyType::Rsa3072,
            _ => KeyType::Rsa4096,
        },
        Ok(PublicKey::EC(point)) if point.key_size() > 256 => KeyType::EcdsaP384,
        Ok(PublicKey::EC(_)) => KeyType::EcdsaP256,
        _ => KeyType::Rsa4096,
    }
}

/// How a certificate's expiry looks to monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum ExpiryStatus {
    /// More than the warning threshold left.
    Ok,
    /// Within the warning threshold.
    Warning,
    /// A file could not be read.
    Unknown,
    /// Within the critical threshold, or expired.
    Critical,
}

impl ExpiryStatus {
    /// The Nagios plugin exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
    pub fn nagios_code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Warning => 1,
            Self::Critical => 2,
            Self::Unknown => 3,
        }
    }
}

/// The [`ExpiryEntry::role`] of a deadline from the history: amphorae
/// created before a client CA change accept the controllers until then.
pub const DEADLINE_ROLE: &str = "amphorae-deadline";

/// One certificate (or unreadable file) in an expiry report.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiryEntry {
    /// The file.
    pub file: String,
    /// What the file is: `server_ca`, `client_ca`, `ca` (the legacy layout's
    /// one CA), `client` (the bundle), or [`DEADLINE_ROLE`].
    pub role: &'static str,
    /// The subject, when the file was read.
    pub subject: Option<String>,
    /// End of validity (RFC 3339).
    pub not_after: Option<String>,
    /// Whole days left (negative once expired).
    pub days_left: Option<i64>,
    /// The time left exactly, to say it in words ([`crate::text::in_days`]).
    #[serde(skip)]
    pub left: Option<time::Duration>,
    /// When the certificate becomes valid, if that is still ahead: OpenSSL
    /// refuses it until then ("certificate is not yet valid"), so CRITICAL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// Its status.
    pub status: ExpiryStatus,
    /// Why the file could not be read.
    pub error: Option<String>,
    /// For a [`DEADLINE_ROLE`] entry: the amphorae it concerns are those
    /// created before this time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_before: Option<String>,
}

/// Every deployed and CA certificate, with the worst status first.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiryReport {
    /// The overall status: the worst of the entries (CRITICAL over UNKNOWN over WARNING).
    pub status: ExpiryStatus,
    /// The certificates, soonest expiry first.
    pub entries: Vec<ExpiryEntry>,
}

/// Expiry of the deployed certificates in `dir` and of the CA certificates in
/// `work_dir` (if given and present); `vault` opens files encrypted with
/// ansible-vault.
pub fn expiry(
    dir: &Path,
    work_dir: Option<&Path>,
    warn_days: u32,
    critical_days: u32,
    now: OffsetDateTime,
    vault: Option<&Passphrase>,
) -> ExpiryReport {
    let f = Sources::in_dir(dir, None);
    let one_ca = f.first_reader(Role::ClientCa) != Role::ClientCa;
    let mut files: Vec<(std::path::PathBuf, &'static str)> = vec![
        (
            f.path(Role::CaCertificate).to_owned(),
            if one_ca { "ca" } else { "server_ca" },
        ),
        (f.path(Role::ClientCert).to_owned(), "client"),
    ];
    if !one_ca {
        files.insert(1, (f.path(Role::ClientCa).to_owned(), "client_ca"));
    }
    if let Some(w) = work_dir {
        files.extend(
            [
                (work_dir::SERVER_CA_CERT, "server_ca"),
                (work_dir::CLIENT_CA_CERT, "client_ca"),
            ]
            .iter()
            .map(|(r, role)| (w.join(r), *role))
            .filter(|(p, _)| fsio::exists(p)),
        );
    }
    let status_of = |days: i64, passed: bool| {
        if passed || days < i64::from(critical_days) {
            ExpiryStatus::Critical
        } else if days < i64::from(warn_days) {
            ExpiryStatus::Warning
        } else {
            ExpiryStatus::Ok
        }
    };
    let mut entries = Vec::new();
    // Older client CA generations running amphorae still hold, until their deadline.
    if let Some(w) = work_dir {
        match history::read_history(w, vault) {
            Ok(history) => {
                for change in history::pending_deadlines(&history, now) {
                    let deadline = change.deadline().unwrap_or(now);
                    let days = (deadline - now).whole_days();
                    entries.push(ExpiryEntry {
                        file: history::history_file(w).display().to_string(),
                        role: DEADLINE_ROLE,
                        subject: Some(format!(
                            "{} as amphorae created before {} hold it (fail them over before its not-after)",
                            change.subject, change.at
                        )),
                        not_after: change.amphorae_deadline.clone(),
                        days_left: Some(days),
                        left: Some(deadline - now),
                        not_before: None,
                        status: status_of(days, false),
                        error: None,
                        created_before: Some(change.at.clone()),
                    });
                }
            }
            Err(e) => entries.push(ExpiryEntry {
                file: history::history_file(w).display().to_string(),
                role: DEADLINE_ROLE,
                subject: None,
                not_after: None,
                days_left: None,
                left: None,
                not_before: None,
                status: ExpiryStatus::Unknown,
                error: Some(e.to_string()),
                created_before: None,
            }),
        }
    }
    for (path, role) in files {
        let file = path.display().to_string();
        match crate::model::read_certificates(&path, vault) {
            Ok(certs) => {
                for cert in certs {
                    let days = (cert.not_after() - now).whole_days();
                    let early = cert.not_before() > now;
                    let status = status_of(days, cert.not_after() <= now || early);
                    let summary = CertificateSummary::of(&cert);
                    entries.push(ExpiryEntry {
                        file: file.clone(),
                        role,
                        subject: Some(summary.subject),
                        not_after: Some(summary.not_after),
                        days_left: Some(days),
                        left: Some(cert.not_after() - now),
                        not_before: early.then(|| history::rfc3339(cert.not_before())),
                        status,
                        error: None,
                        created_before: None,
                    });
                }
            }
            Err(e) => entries.push(ExpiryEntry {
                file,
                role,
                subject: None,
                not_after: None,
                days_left: None,
                left: None,
                not_before: None,
                status: ExpiryStatus::Unknown,
                error: Some(e.to_string()),
                created_before: None,
            }),
        }
    }
    entries.sort_by_key(|e| e.days_left.unwrap_or(i64::MIN));
    let status = entries
        .iter()
        .map(|e| e.status)
        .max()
        .unwrap_or(ExpiryStatus::Unknown);
    ExpiryReport { status, entries }
}
