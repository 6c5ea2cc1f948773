//! Expiry: how long each deployed and CA certificate has left, and the
//! deadlines the history keeps, for people, Nagios and Prometheus. A
//! read-only report: nothing here changes a file.

use serde::Serialize;
use time::OffsetDateTime;

use crate::deployers::work_dir;
use crate::fsio;
use crate::history;
use crate::lifecycle::CertificateSummary;
use crate::sources::{Role, Sources};

/// How a certificate's expiry looks to monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

impl ExpiryEntry {
    /// A file that could not be read: its status is UNKNOWN, with why.
    fn unreadable(file: String, role: &'static str, error: &crate::error::Error) -> Self {
        Self {
            file,
            role,
            subject: None,
            not_after: None,
            days_left: None,
            left: None,
            not_before: None,
            status: ExpiryStatus::Unknown,
            error: Some(error.to_string()),
            created_before: None,
        }
    }
}

/// A client CA change the history records, its deadline ahead or passed:
/// amphorae created before it hold an older client CA certificate and accept
/// the controllers until the deadline at the latest. Whether any of them
/// still runs is for the amphora list to say (`created_at`, which `probe`
/// exports): monitoring alerts from the two together.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClientCaChange {
    /// When the client CA changed (RFC 3339, as the history writes it): the
    /// amphorae concerned are those created before.
    pub at: String,
    /// What changed it (`renew client-ca`, `rotate client-ca --staged`...).
    pub action: String,
    /// When those amphorae stop accepting the controllers, at the latest
    /// (RFC 3339): the change's own deadline, or the moment a later change
    /// cut them off (an immediate rotation, the `rotate finish client-ca` of
    /// a staged one), if that came first.
    pub amphorae_deadline: String,
}

/// Every deployed and CA certificate, with the worst status first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExpiryReport {
    /// The overall status: the worst of the entries (CRITICAL over UNKNOWN over WARNING).
    pub status: ExpiryStatus,
    /// The certificates, soonest expiry first.
    pub entries: Vec<ExpiryEntry>,
    /// Every client CA change of the work directory's history, oldest first,
    /// its deadline passed or not (the entries hold those still ahead).
    pub client_ca_changes: Vec<ClientCaChange>,
}

/// Expiry of the deployed certificates `f` names and of the CA certificates
/// of its work directory (if given and present); its vault password opens
/// files encrypted with ansible-vault.
pub fn expiry(
    f: &Sources,
    warn_days: u32,
    critical_days: u32,
    now: OffsetDateTime,
) -> ExpiryReport {
    let (work_dir, vault) = (f.work_dir.as_deref(), f.vault_password.as_ref());
    let one_ca = f.first_reader(Role::ClientCa) != Role::ClientCa;
    let mut roles = vec![
        (Role::CaCertificate, if one_ca { "ca" } else { "server_ca" }),
        (Role::ClientCert, "client"),
    ];
    if !one_ca {
        roles.insert(1, (Role::ClientCa, "client_ca"));
    }
    // The chain the controllers trust, when it is a file of its own (Octavia's
    // gate script): its root expiring fails them as the issuing CA's would.
    if f.first_reader(Role::ServerCa) == Role::ServerCa {
        roles.insert(1, (Role::ServerCa, "server_ca"));
    }
    // A document's files are named by its option or Secret key, never by
    // the temporary path they were unpacked to.
    let packed = matches!(f.origin, crate::sources::Origin::Packed { .. });
    let mut files: Vec<(std::path::PathBuf, String, &'static str)> = roles
        .into_iter()
        .map(|(r, role)| {
            let path = f.path(r).to_owned();
            let name = if packed {
                f.name(r)
            } else {
                path.display().to_string()
            };
            (path, name, role)
        })
        .collect();
    if let Some(w) = work_dir {
        files.extend(
            [
                (work_dir::SERVER_CA_CERT, "server_ca"),
                (work_dir::CLIENT_CA_CERT, "client_ca"),
            ]
            .iter()
            .map(|(r, role)| (w.join(r), w.join(r).display().to_string(), *role))
            .filter(|(p, _, _)| fsio::exists(p)),
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
    let mut client_ca_changes = Vec::new();
    // Older client CA generations running amphorae still hold, until their deadline.
    if let Some(w) = work_dir {
        match history::read_history(w, vault) {
            Ok(history) => {
                let deadlines = history::amphorae_deadlines(&history);
                client_ca_changes.extend(deadlines.iter().map(|d| ClientCaChange {
                    at: d.change.at.clone(),
                    action: d.change.action.to_string(),
                    amphorae_deadline: history::rfc3339(d.deadline),
                }));
                for d in deadlines.into_iter().filter(|d| d.deadline > now) {
                    let (change, deadline) = (d.change, d.deadline);
                    let days = (deadline - now).whole_days();
                    entries.push(ExpiryEntry {
                        file: history::history_file(w).display().to_string(),
                        role: DEADLINE_ROLE,
                        subject: Some(format!(
                            "{} as amphorae created before {} hold it (fail them over before its not-after)",
                            change.subject, change.at
                        )),
                        not_after: Some(history::rfc3339(deadline)),
                        days_left: Some(days),
                        left: Some(deadline - now),
                        not_before: None,
                        status: status_of(days, false),
                        error: None,
                        created_before: Some(change.at.clone()),
                    });
                }
            }
            Err(e) => entries.push(ExpiryEntry::unreadable(
                history::history_file(w).display().to_string(),
                DEADLINE_ROLE,
                &e,
            )),
        }
    }
    for (path, file, role) in files {
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
            Err(e) => {
                let mut entry = ExpiryEntry::unreadable(file.clone(), role, &e);
                let shown = path.display().to_string();
                entry.error = entry.error.map(|text| text.replace(&shown, &file));
                entries.push(entry);
            }
        }
    }
    entries.sort_by_key(|e| e.days_left.unwrap_or(i64::MIN));
    let status = entries
        .iter()
        .map(|e| e.status)
        .max()
        .unwrap_or(ExpiryStatus::Unknown);
    ExpiryReport {
        status,
        entries,
        client_ca_changes,
    }
}
