//! Renewal and rotation: keeping a deployed PKI alive without stranding
//! load balancers ([`crate::expiry`] says when they are due).
//!
//! Every operation reads the CA work directory (as `kolla-ansible
//! octavia-certificates` or [`generate`](crate::generate::generate()) left it; no
//! `openssl ca` database is needed) and returns a [`Change`]: the files to
//! write and what must happen after. Nothing is written until the caller
//! applies it, which makes `--dry-run` exact.

mod belongs;
mod renew;
mod rotate;
mod staged;
mod state;
mod steps;

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::public_key::PublicKey;

use crate::bundle::BundleOrder;
use crate::cert::Certificate;
use crate::deployers::PutInUse;
use crate::deployers::{Layout, work_dir};
use crate::error::{Error, Result};
use crate::fsio::{self, PlannedFile, WriteReport};
use crate::generate::{Destination, self_signed_ca, subject_of};
use crate::history::{self, HistoryEntry};
use crate::key::{KeyType, PrivateKey};
use crate::model::{CaPassphrases, CertificateAuthority};
use crate::packed::PackedKind;
use crate::secret::Passphrase;
use crate::sources::Role;
use crate::target::Target;

pub use crate::ca::{CaRole, Mismatch};
pub use belongs::{certificate_mismatches, mismatches};
pub use renew::{RenewKeyId, RenewOptions, renew_ca, renew_client};
pub use rotate::{RotateOptions, rotate};
pub use staged::{FinishEvidence, finish_staged, rotate_staged};
pub use state::{FAILOVER, Failover, SetState, StagedClientCa, StagedServerCa};
pub use steps::{Invocation, NextStep, Part};

/// A change to a deployed PKI, not yet written.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// What was done, in a line.
    pub summary: String,
    /// The new certificates, by role.
    pub certificates: Vec<(String, CertificateSummary)>,
    /// The files to write (existing ones are backed up when applied).
    #[serde(serialize_with = "paths_of")]
    #[schemars(with = "Vec<std::path::PathBuf>")]
    pub files: Vec<PlannedFile>,
    /// What the operator must do next, as data ([`Change::render_steps`]
    /// renders its invocations in the caller's syntax).
    #[serde(skip)]
    pub steps: Vec<NextStep>,
    /// What the operator must do next, rendered: each invocation said in
    /// words ([`Invocation::describe`]) until [`Change::render_steps`].
    pub next_steps: Vec<String>,
    /// Which running amphorae this change leaves needing a failover (the
    /// next steps say it in words).
    pub failover: Failover,
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
    /// Symbolic links to point once the files are written (a tree's).
    #[serde(skip)]
    links: Vec<crate::osa_tree::Link>,
}

/// What `renew` and `rotate` report (`--format json`, the `change`
/// schema): the change, and what was written of it.
///
/// The published schema's words are its version's: these fields had no
/// description there, and get one with the schema's next version.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ChangeReport<'a> {
    /// Nothing was written: the change is what would be done.
    #[schemars(description = "")]
    pub dry_run: bool,
    /// The change.
    #[serde(flatten)]
    #[schemars(description = "")]
    pub change: &'a Change,
    /// What was written and backed up, when it was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "")]
    pub written: Option<WriteReport>,
}

/// A certificate, as a report shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CertificateSummary {
    /// Subject.
    pub subject: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
}

impl CertificateSummary {
    pub(crate) fn of(cert: &Certificate) -> Self {
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
    /// A change, its history not yet recorded ([`Change::recorded`]). The
    /// words of `failover`, for the set `wd` opened, follow the first of
    /// `next_steps`, the step that deploys the change.
    fn new(
        wd: &WorkDir<'_>,
        summary: String,
        certificates: Vec<(String, CertificateSummary)>,
        files: Vec<PlannedFile>,
        steps: Vec<impl Into<NextStep>>,
        failover: Failover,
    ) -> Self {
        let mut steps: Vec<NextStep> = steps.into_iter().map(Into::into).collect();
        let at = steps.len().min(1);
        steps.insert(
            at,
            failover.words(&wd.state, &wd.target(), &wd.work_dir_named()),
        );
        let mut change = Self {
            summary,
            certificates,
            files,
            steps,
            next_steps: Vec::new(),
            failover,
            amphorae_deadline: None,
            history: Vec::new(),
            history_file: None,
            vault_password: None,
            links: Vec::new(),
        };
        change.render_steps(&Invocation::describe);
        change
    }

    /// Renders the next steps' invocations with `run` (the CLI's syntax)
    /// into [`Change::next_steps`], which a journal keeps and a recovery
    /// says again.
    pub fn render_steps(&mut self, run: &dyn Fn(&Invocation) -> String) {
        self.next_steps = self.steps.iter().map(|s| s.render(run)).collect();
    }

    /// Writes the files, the links and the history entry as one journalled
    /// write ([`fsio::write_all`]), all or nothing, backing up every file it
    /// replaces; its journal names it by its summary and keeps its next
    /// steps, which a recovery that completes it says again. `lock`
    /// ([`Destination::lock`], taken before the change was planned, and
    /// [`fsio::recover`]ed under) must cover every file: what was read to
    /// plan it cannot have changed meanwhile.
    pub fn apply(&self, lock: &fsio::DirLock) -> Result<WriteReport> {
        let mut files = self.files.clone();
        files.extend(self.history_file.clone());
        let mut plan = fsio::WritePlan::new(self.summary.clone(), files);
        plan.links = self.links.clone();
        plan.force = true;
        plan.notes = self.next_steps.clone();
        Ok(fsio::write_all(&plan, self.vault_password.as_ref(), lock)?)
    }

    /// The change with the files of `unpacked` it writes packed back into
    /// its document, and the step that deploys that document.
    pub fn repacked(mut self, unpacked: &crate::packed::Unpacked) -> Result<Self> {
        // A tree's work directory is unpacked too: its history is packed back.
        let mut files = std::mem::take(&mut self.files);
        if unpacked.work_dir().is_some() {
            files.extend(self.history_file.take());
        }
        let repacked = unpacked.repacked(files)?;
        self.files = repacked.files;
        self.links = repacked.links;
        let step = unpacked.packing().deploy_step(unpacked.file());
        for s in &mut self.steps {
            s.replace(RESTART, &step);
        }
        for s in &mut self.next_steps {
            *s = s.replace(RESTART, &step);
        }
        Ok(self)
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

/// The step instead, where the services read octavia.conf's files in place
/// (no deployer copies them): they load the files when they start.
pub const RESTART: &str = "systemctl restart octavia-worker octavia-housekeeping octavia-health-manager (on every controller)";

struct WorkDir<'a> {
    to: &'a Destination<'a>,
    layout: Layout,
    /// What the set is in the middle of.
    state: SetState,
}

impl<'a> WorkDir<'a> {
    /// The work directory of `to` and the set's state at `now`, refused
    /// unless it and the deployed directory are one set ([`mismatches`]): a
    /// change planned from another set's CA would leave a set Octavia
    /// refuses. A staged rotation whose files lost what it needs is refused
    /// too ([`Error::StagedRotationLost`]), except for `ending`: the
    /// rotations a change ends (an immediate rotation of that CA, a forced
    /// `rotate finish`), which are then read as not in flight.
    fn open(
        to: &'a Destination<'a>,
        layout: Option<Layout>,
        passphrases: Option<&CaPassphrases>,
        now: OffsetDateTime,
        ending: &[CaRole],
    ) -> Result<Self> {
        let mut wd = Self::new(to, layout);
        wd.layout.require_written()?;
        // A trust file of its own is written with the issuing CA's file, so
        // it must hold just what that file holds (a chain would go stale).
        if let Some(deployed) = to.deployed
            && deployed.first_reader(Role::ServerCa) != Role::CaCertificate
            && fsio::read_file(deployed.path(Role::ServerCa), to.vault_password).ok()
                != fsio::read_file(deployed.path(Role::CaCertificate), to.vault_password).ok()
        {
            return Err(Error::Refused {
                why: format!(
                    "{} is a file of its own holding more than the issuing CA's file (its chain, \
                     as Octavia's gate script makes it): renew and rotate write the issuing CA's \
                     file, {}, and would leave it stale",
                    deployed.name(Role::ServerCa),
                    deployed.name(Role::CaCertificate)
                ),
            });
        }
        if let Some(mismatch) = mismatches(to, wd.layout, passphrases).into_iter().next() {
            return Err(Error::NotOneSet(Box::new(mismatch)));
        }
        wd.state = SetState::read(to, wd.layout, now, ending)?;
        Ok(wd)
    }

    fn new(to: &'a Destination<'a>, layout: Option<Layout>) -> Self {
        Self {
            to,
            layout: state::layout_of(to, layout),
            state: SetState::default(),
        }
    }

    /// What puts the change in use: the deployer's step (kolla's
    /// reconfigure), or, for files octavia.conf names in place, restarting
    /// the services (a document's step replaces it: [`Change::repacked`]).
    fn deploy_step(&self) -> &'static str {
        match self.to.deployed.map(|s| &s.origin) {
            Some(crate::sources::Origin::OctaviaConf(_)) => RESTART,
            _ if self.layout.owner().put_in_use == PutInUse::KollaReconfigure => RECONFIGURE,
            _ => RESTART,
        }
    }

    /// The set, as the next change (`rotate finish`) is to name it: what
    /// named it to this one (OpenStack-Ansible's tree, the document,
    /// octavia.conf), else its directory.
    fn target(&self) -> Target {
        use crate::sources::Origin;
        match self.to.deployed.map(|s| &s.origin) {
            Some(Origin::Packed { file, .. }) if self.layout == Layout::Osa => Target::Directory {
                dir: file.clone(),
                layout: Some(Layout::Osa),
            },
            Some(Origin::Packed { file, .. }) => Target::Document {
                file: file.clone(),
                kind: if self.layout == Layout::Charm {
                    PackedKind::Charm
                } else {
                    PackedKind::Kubernetes
                },
            },
            Some(Origin::OctaviaConf(files)) => Target::OctaviaConf(files.clone()),
            _ => Target::Directory {
                dir: self.to.dir.to_owned(),
                layout: None,
            },
        }
    }

    /// The CA work directory as the operator names it: a tree's is the tree
    /// (never the temporary directory it is unpacked in).
    fn work_dir_named(&self) -> std::path::PathBuf {
        match self.target() {
            Target::Directory {
                dir,
                layout: Some(Layout::Osa),
            } if self.to.deployed.is_some() => dir,
            _ => self.to.work_dir.to_owned(),
        }
    }

    /// The step that probes the amphorae and finishes the staged rotation
    /// of `ca`: `before`, the two invocations, `after`.
    fn probe_then_finish(&self, ca: CaRole, before: &str, after: &str) -> NextStep {
        let report = std::path::PathBuf::from("probe.json");
        NextStep(vec![
            Part::Text(format!(
                "{before}`openstack loadbalancer amphora list -f json > amphorae.json`, then `"
            )),
            Part::Run(Invocation::Probe {
                target: self.target(),
                work_dir: Some(self.work_dir_named()),
                amphorae: "amphorae.json".into(),
                report: Some(report.clone()),
            }),
            Part::Text("` and `".into()),
            Part::Run(Invocation::FinishRotation {
                ca,
                target: self.target(),
                work_dir: self.work_dir_named(),
                report,
            }),
            Part::Text(format!("`, {after}")),
        ])
    }

    fn w(&self, rel: &str) -> std::path::PathBuf {
        self.to.work_dir.join(rel)
    }

    /// The deployed file of `role`.
    fn d(&self, role: Role) -> std::path::PathBuf {
        self.to.deployed_files(self.layout).path(role).to_owned()
    }

    fn ca(&self, role: CaRole, passphrases: &CaPassphrases) -> Result<CertificateAuthority> {
        match (role, self.layout) {
            (CaRole::ServerCa, _) => CertificateAuthority::read(
                &self.w(work_dir::SERVER_CA_CERT),
                &self.w(work_dir::SERVER_CA_KEY),
                Some(&passphrases.server_ca),
                self.to.vault_password,
            ),
            (CaRole::ClientCa, layout) if layout.is_single_ca() => Err(Error::SingleCa {
                layout,
                why: "the legacy layout has one CA for both roles: use server-ca".into(),
            }),
            (CaRole::ClientCa, _) => CertificateAuthority::read(
                &self.w(work_dir::CLIENT_CA_CERT),
                &self.w(work_dir::CLIENT_CA_KEY),
                Some(&passphrases.client_ca),
                self.to.vault_password,
            ),
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
        let role = if self.layout.is_single_ca() {
            CaRole::ServerCa
        } else {
            CaRole::ClientCa
        };
        self.ca(role, passphrases)
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
                files.push(PlannedFile::secret(
                    self.d(k),
                    self.layout.deployed_ca_key(&ca.key, key),
                ));
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
        let mut files = vec![PlannedFile::public(self.w(cert_rel), pem.clone())];
        // The controllers' trust file, where it is a file of its own.
        let trust = self.d(Role::ServerCa);
        if role == CaRole::ServerCa && trust != self.d(deployed_cert) {
            files.push(PlannedFile::public(trust, pem.clone()));
        }
        files.push(PlannedFile::public(self.d(deployed_cert), pem));
        files
    }

    fn client_files(&self, bundle: &crate::bundle::ClientBundle) -> Vec<PlannedFile> {
        let deployed = self.d(Role::ClientCert);
        // The order the deployed bundle has (the guide's is key first), else its layout's.
        let order = fsio::read_file(&deployed, self.to.vault_password)
            .ok()
            .and_then(|bytes| BundleOrder::of(&bytes))
            .unwrap_or(self.layout.bundle_order());
        vec![
            PlannedFile::public(self.w(work_dir::CLIENT_CERT), bundle.certificate.to_pem()),
            PlannedFile::secret(self.w(work_dir::CLIENT_KEY), bundle.key.to_pkcs8_pem()),
            PlannedFile::secret(self.w(work_dir::CLIENT_BUNDLE), bundle.to_pem()),
            PlannedFile::secret(deployed, bundle.to_pem_ordered(order)),
        ]
    }
}

/// A new key of `key_type`.
pub(super) fn new_key(key_type: KeyType) -> Result<PrivateKey> {
    PrivateKey::generate(key_type).map_err(|e| Error::Generate {
        what: "key".into(),
        detail: e.to_string(),
    })
}

/// The key type of a certificate's key, to renew with the same.
pub(super) fn key_type_of(cert: &Certificate) -> KeyType {
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
