//! What a probe reports: per amphora ([`AmphoraReport`]) and in all
//! ([`ProbeReport`]), what `probe --format json` prints and `rotate finish`
//! reads back. A leaf the probe's parts share.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::target::{Record, Target};
use crate::codes::{Code, Severity};
use crate::deployers::Deployer;
use crate::error::Result;
use crate::housekeeping::CertRotation;

/// Whether the agent let in a connection without a client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Anonymous {
    /// It refused it, as it must.
    Refused,
    /// It answered `GET /` without a client certificate.
    Accepted,
    /// No verdict within the time left.
    Unknown,
    /// It completed the TLS handshake without a client certificate, then
    /// did not answer `GET /` in time: it may accept anonymous clients (an
    /// agent that requires one refuses at the handshake).
    Silent,
}

/// The certificate an amphora served.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AmphoraCertificate {
    /// Its common name (Octavia writes the amphora id).
    pub cn: Option<String>,
    /// Its subjectAltName DNS names and addresses.
    pub san: Vec<String>,
    /// Its issuer.
    pub issuer: String,
    /// Its serial number, in hexadecimal.
    pub serial: String,
    /// When it expires (RFC 3339).
    pub not_after: String,
    /// Whole days until then (negative once expired).
    pub days_left: i64,
    /// When housekeeping takes it for rotation (RFC 3339): `[house_keeping]
    /// cert_expiry_buffer` before it expires ([`crate::housekeeping::CertRotation::due`]).
    #[serde(default)]
    pub rotation_due: String,
}

/// Housekeeping, which rotates the amphorae's certificates: the options the
/// probe judged them by, and where the set's deployer runs it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct HousekeepingReport {
    /// The options it rotates by, read from octavia.conf or Octavia's defaults.
    pub rotation: CertRotation,
    /// The deployer of the set (`kolla`), whose words follow.
    pub deployer: String,
    /// Where housekeeping runs, in the deployer's words.
    pub service: String,
    /// The deployer's commands that show whether it runs, then the lines of
    /// its log about certificate rotation.
    pub look: Vec<String>,
}

impl HousekeepingReport {
    /// `rotation` as `deployer` runs it.
    pub fn new(rotation: CertRotation, deployer: &Deployer) -> Self {
        Self {
            rotation,
            deployer: deployer.id.to_owned(),
            service: deployer.housekeeping.service().to_owned(),
            look: deployer.housekeeping.look().to_vec(),
        }
    }
}

/// What one amphora answered.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AmphoraReport {
    /// The amphora id, if known.
    pub amphora_id: Option<String>,
    /// The address probed.
    pub address: Option<String>,
    /// The port probed.
    pub port: u16,
    /// The status (a code of [`crate::codes::probe`]).
    pub status: Code,
    /// Its severity.
    pub severity: Severity,
    /// What happened, in the words the controllers would log.
    pub message: String,
    /// What to do.
    #[serde(skip_deserializing)]
    pub fix: &'static str,
    /// The amphora's certificate, when it sent one.
    pub certificate: Option<AmphoraCertificate>,
    /// Which certificate of the server CA file issued it: 0 is the one Octavia issues with now.
    pub issuer_index: Option<usize>,
    /// The TLS version negotiated.
    pub tls_version: Option<String>,
    /// The agent's `api_version`.
    pub api_version: Option<String>,
    /// Whether the agent refused a connection without a client certificate.
    pub anonymous: Option<Anonymous>,
    /// Whether the certificate's expiry is the `cert_expiration` the amphora list gave.
    pub serves_database_certificate: Option<bool>,
    /// What the amphora list said of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<Record>,
    /// How long the probe of this amphora took.
    pub elapsed_ms: u64,
}

impl AmphoraReport {
    pub(super) fn new(target: &Target) -> Self {
        Self {
            amphora_id: target.amphora_id.clone(),
            address: target.address.clone(),
            port: target.port,
            status: crate::codes::probe::OK,
            severity: Severity::Info,
            message: String::new(),
            fix: crate::codes::probe::OK.info().fix,
            certificate: None,
            issuer_index: None,
            tls_version: None,
            api_version: None,
            anonymous: None,
            serves_database_certificate: None,
            record: (target.record != Record::default()).then(|| target.record.clone()),
            elapsed_ms: 0,
        }
    }

    pub(super) fn set(&mut self, status: Code, message: String) {
        self.status = status;
        self.severity = status.info().severity;
        self.fix = status.info().fix;
        self.message = message;
    }
}

/// What the probe found.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct ProbeReport {
    /// The directory the controllers' identity came from.
    pub dir: PathBuf,
    /// Housekeeping, as the certificates were judged by it (absent from
    /// reports written before it was).
    #[serde(default)]
    pub housekeeping: Option<HousekeepingReport>,
    /// One report per target, in the order given.
    pub targets: Vec<AmphoraReport>,
    /// How many amphorae got each status.
    pub summary: BTreeMap<String, usize>,
}

impl ProbeReport {
    /// Reads back a report `probe --format json` wrote (`vault`: the
    /// password of one encrypted with ansible-vault), streaming it: a report
    /// of 50,000 amphorae is 35 MB. An error names the file.
    pub fn read(path: &std::path::Path, vault: Option<&crate::secret::Passphrase>) -> Result<Self> {
        let mut report: Self =
            crate::fsio::read_json_of(path, crate::fsio::FileKind::ProbeReport, vault)?;
        // The fix is the status's, as written (it is not read back).
        for target in &mut report.targets {
            target.fix = target.status.info().fix;
        }
        Ok(report)
    }

    /// Whether any amphora got an error status.
    pub fn has_errors(&self) -> bool {
        self.targets.iter().any(|t| t.severity == Severity::Error)
    }
}
