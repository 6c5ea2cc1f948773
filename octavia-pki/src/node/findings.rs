//! What a node finding is ([`NodeFinding`], by [`Service`]) and how the
//! checks collect them ([`Findings`], with `--strict` applied): a leaf the
//! node's parts share.

use std::str::FromStr;

use serde::Serialize;

use crate::check::Finding;
use crate::codes::{Code, Severity};
use crate::deployers::Layout;
use crate::sources::Role;

/// Octavia's services that hold certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Service {
    /// `octavia-worker`: issues amphora certificates and talks to amphorae.
    Worker,
    /// `octavia-housekeeping`: re-issues amphora certificates before they expire.
    Housekeeping,
    /// `octavia-health-manager`: talks to amphorae.
    HealthManager,
}

impl Service {
    /// Every service, in kolla's order.
    pub const ALL: [Service; 3] = [Self::Worker, Self::Housekeeping, Self::HealthManager];

    /// Its directory under the kolla directory (`octavia-worker`).
    pub fn dir_name(self) -> &'static str {
        match self {
            Self::Worker => "octavia-worker",
            Self::Housekeeping => "octavia-housekeeping",
            Self::HealthManager => "octavia-health-manager",
        }
    }

    /// Its container's name (`octavia_worker`).
    pub fn container(self) -> &'static str {
        match self {
            Self::Worker => "octavia_worker",
            Self::Housekeeping => "octavia_housekeeping",
            Self::HealthManager => "octavia_health_manager",
        }
    }

    /// Whether it makes TLS connections to amphorae (and so needs the handshake to work).
    pub(super) fn connects(self) -> bool {
        !matches!(self, Self::Housekeeping)
    }
}

impl Serialize for Service {
    /// As kolla names it (`octavia-worker`), as the findings' `service`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.dir_name())
    }
}

/// In a report's schema: one of kolla's service names.
impl schemars::JsonSchema for Service {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Service".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Self::ALL.iter().map(|s| s.dir_name()).collect();
        schemars::json_schema!({"type": "string", "enum": names})
    }
}

impl FromStr for Service {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.dir_name() == s || v.dir_name().trim_start_matches("octavia-") == s)
            .ok_or_else(|| {
                format!("unknown service \"{s}\" (expected octavia-worker, octavia-housekeeping or octavia-health-manager)")
            })
    }
}

/// A finding, and the service it is about.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct NodeFinding {
    /// The finding, its file as `<service>/<name>`.
    #[serde(flatten)]
    pub finding: Finding,
    /// The service (`octavia-worker`), or `None` for the node as a whole.
    pub service: Option<&'static str>,
}

/// The four files kolla-ansible copies, as the kolla layout names them.
pub(super) const FILES: [&str; 4] = {
    let f = Layout::Kolla.files();
    [
        f.of(Role::CaCertificate),
        f.of(Role::CaPrivateKey),
        f.of(Role::ClientCa),
        f.of(Role::ClientCert),
    ]
};

/// Collects findings with the strict rule applied.
pub(super) struct Findings {
    pub(super) strict: bool,
    pub(super) list: Vec<NodeFinding>,
}

impl Findings {
    /// How many findings there are.
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// The last finding's fix, in words with the values known.
    pub(super) fn set_last_fix(&mut self, fix: String) {
        if let Some(last) = self.list.last_mut() {
            last.finding.fix = fix;
        }
    }

    pub(super) fn push(
        &mut self,
        code: Code,
        service: Option<Service>,
        file: Option<String>,
        message: String,
    ) {
        let mut severity = code.info().severity;
        // --strict here also makes the published defaults octavia.conf is
        // left with errors (check's --strict is Python 3.13's rules only).
        let insecure_default = code == crate::codes::check::SERVER_CERTS_KEY_PASSPHRASE_INSECURE;
        if self.strict && (code.info().strict || insecure_default) {
            severity = Severity::Error;
        }
        self.list.push(NodeFinding {
            finding: Finding {
                code,
                severity,
                file,
                message,
                symptom: code.info().symptom.map(str::to_owned),
                fix: code.info().fix.to_owned(),
            },
            service: service.map(Service::dir_name),
        });
    }
}

/// `<service>/<name>`, the file of a node finding.
pub(super) fn file_of(service: Service, name: &str) -> String {
    format!("{}/{name}", service.dir_name())
}
