//! What a rehearsal reports: its options, the transcript, and each way the
//! handshake fails, with the side, the cause and what each side logs.

use serde::Serialize;
use time::OffsetDateTime;

use crate::deployers::Layout;
use crate::history::HistoryEntry;
use crate::release::OctaviaVersions;
use crate::secret::Passphrase;
use crate::x509::VerifyError;

/// How to rehearse.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RehearseOptions {
    /// The layout, or `None` to detect it.
    pub layout: Option<Layout>,
    /// Kolla's passwords.yml, for `octavia_ca_password`.
    pub passwords: Option<std::path::PathBuf>,
    /// The server CA passphrase, given directly (wins over `passwords`).
    pub passphrase: Option<Passphrase>,
    /// Verify as Python 3.13 sets contexts up (`VERIFY_X509_STRICT` with
    /// `VERIFY_X509_PARTIAL_CHAIN`): the amphora agent's side always, the
    /// controller's where its release's urllib3 does
    /// ([`crate::release::OctaviaRelease::controller_strict`]).
    pub strict: bool,
    /// The time of the rehearsal (now, when `None`).
    pub now: Option<OffsetDateTime>,
    /// The Octavia releases to rehearse (they issue amphora certificates
    /// differently: [`crate::release`]).
    pub octavia: OctaviaVersions,
    /// The work directory's history ([`crate::history`]): each older client
    /// CA copy that running amphorae still hold is rehearsed as their trust
    /// store too.
    pub history: Vec<HistoryEntry>,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault_password: Option<Passphrase>,
}

/// Which side of the connection fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Side {
    /// The Octavia controller (worker, health manager): signs amphora certificates, connects.
    Controller,
    /// The amphora agent: accepts the controller's connection.
    Amphora,
}

/// One step of the rehearsal, for the transcript.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// What was done.
    pub name: String,
    /// Whether it worked.
    pub ok: bool,
    /// What came of it.
    pub detail: String,
}

/// What failed, for programs to match on (the log lines say it for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "stage", content = "error")]
#[non_exhaustive]
pub enum Cause {
    /// octavia.conf holds a value Octavia refuses at start.
    OctaviaConf,
    /// passwords.yml or the passphrase cannot be given to Octavia.
    Passphrase,
    /// A CA certificate file cannot be loaded.
    CaCertificates,
    /// The server CA key cannot be unlocked or read.
    ServerCaKey,
    /// The controller cannot issue the amphora certificate.
    Issue,
    /// The controller cannot use its client bundle.
    Bundle,
    /// The side that refuses rejected the other's certificate, with OpenSSL's error.
    Verification(VerifyError),
    /// Anything else in the TLS exchange.
    Tls,
}

/// Why Octavia's handshake would fail.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Failure {
    /// The side that refuses (or cannot start).
    pub side: Side,
    /// What failed.
    pub cause: Cause,
    /// What the controller logs (OpenSSL's or Octavia's own line).
    pub controller: Option<String>,
    /// What the amphora agent logs.
    pub amphora: Option<String>,
    /// The file to blame (its name in the layout).
    pub file: Option<String>,
    /// Why, in this tool's words, where the log line alone does not say.
    pub detail: Option<String>,
    /// The Octavia releases on which it fails (versions, oldest first).
    pub releases: Vec<&'static str>,
    /// Whether those releases fail because of the certificates they issue
    /// themselves, whatever the files hold (no file can fix it; a newer
    /// release does).
    pub release_defect: bool,
    /// The generation of running amphorae that refuses, when it is not the
    /// one booted from the deployed client CA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
}

/// How one generation of running amphorae, holding an older client CA
/// copy, takes the controllers' deployed bundle.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GenerationVerdict {
    /// The amphorae: those created before this change (RFC 3339 and action).
    pub amphorae: String,
    /// The client CA certificate they hold.
    pub client_ca: String,
    /// Until when they can accept the controllers at best (RFC 3339).
    pub deadline: Option<String>,
    /// Whether they accept the controllers.
    pub ok: bool,
}

/// One targeted Octavia release's verdict.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReleaseVerdict {
    /// The release (`17.0.1`).
    pub version: &'static str,
    /// Its OpenStack series (`2025.2`).
    pub series: &'static str,
    /// Whether its handshake would succeed.
    pub ok: bool,
}

/// The result of a rehearsal.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Rehearsal {
    /// Whether Octavia's handshake would succeed.
    pub ok: bool,
    /// The directory.
    pub dir: std::path::PathBuf,
    /// Its layout (for octavia.conf's files, the shape they have).
    pub layout: Layout,
    /// Where the file map came from: the directory's layout, or octavia.conf.
    pub origin: crate::sources::Origin,
    /// The amphora id the certificate was issued for.
    pub amphora_id: String,
    /// What was done, in order.
    pub steps: Vec<Step>,
    /// Each targeted release's verdict, oldest first.
    pub releases: Vec<ReleaseVerdict>,
    /// Every distinct way it fails, each with the releases it fails on.
    pub failures: Vec<Failure>,
    /// The first of `failures` (the field the JSON report has always had).
    pub failure: Option<Failure>,
    /// The older generations of amphorae the history names, each rehearsed
    /// with the client CA copy it holds (TLS 1.3, the newest release's
    /// amphora certificate).
    pub generations: Vec<GenerationVerdict>,
}

/// A failure that ends a stage (boxed: it travels in `Result`s).
pub(super) struct Stop(pub(super) Box<Failure>);

/// A failure of `side`, with what each side logs and the file to blame.
pub(super) fn stop(
    side: Side,
    cause: Cause,
    file: Option<&str>,
    controller: Option<String>,
    amphora: Option<String>,
) -> Stop {
    Stop(Box::new(Failure {
        side,
        cause,
        controller,
        amphora,
        file: file.map(str::to_owned),
        detail: None,
        releases: Vec::new(),
        release_defect: false,
        generation: None,
    }))
}

impl Stop {
    pub(super) fn because(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }
}

/// Adds a step to the transcript.
pub(super) fn step(r: &mut Rehearsal, name: &str, ok: bool, detail: impl Into<String>) {
    r.steps.push(Step {
        name: name.into(),
        ok,
        detail: detail.into(),
    });
}
