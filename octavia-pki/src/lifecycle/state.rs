//! What a set is in the middle of. Every changing command opens the set into
//! its [`SetState`] first and is defined on each state: it keeps what a
//! rotation in flight needs (the old server CA in the trust file, the
//! cross-certificate in the bundle), or refuses with the reason and the
//! command that ends the rotation. What a change means for running amphorae
//! is a [`Failover`], and the words a change prints about it are made here,
//! from the state and that value, never written beside them.

use serde::Serialize;
use time::OffsetDateTime;

use super::steps::{Invocation, NextStep, Part};
use crate::ca::CaRole;
use crate::cert::Certificate;
use crate::deployers::Layout;
use crate::deployers::work_dir;
use crate::error::{Error, Result};
use crate::fsio;
use crate::generate::Destination;
use crate::history::{self, HistoryEntry};
use crate::sources::Role;

/// Fail over every load balancer, so amphorae boot with the new client CA and
/// get certificates from the new server CA.
pub const FAILOVER: &str =
    "openstack loadbalancer list -f value -c id | xargs -n1 openstack loadbalancer failover";

/// The layout of the set `to` names: `layout` when given, else its deployed
/// files', else the deployer's whose names its directory has, else told from
/// what its directories hold.
pub(super) fn layout_of(to: &Destination<'_>, layout: Option<Layout>) -> Layout {
    let named = || {
        Layout::detect(to.dir).ok().filter(|l| {
            l.file_names()
                .iter()
                .any(|name| fsio::exists(&to.dir.join(name)))
        })
    };
    layout
        .or(to.deployed.map(|s| s.layout))
        .or_else(named)
        .unwrap_or_else(|| {
            if fsio::exists(&to.work_dir.join(work_dir::CLIENT_CA_CERT)) {
                Layout::Kolla
            } else if fsio::exists(to.dir) {
                Layout::detect_written(to.dir)
            } else {
                Layout::Legacy
            }
        })
}

/// A set's lifecycle state: steady, or with staged rotations in flight and
/// client CA deadlines pending.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SetState {
    /// A staged server CA rotation in flight.
    pub server_ca: Option<StagedServerCa>,
    /// A staged client CA rotation in flight.
    pub client_ca: Option<StagedClientCa>,
    /// Client CA changes whose deadline is still ahead: amphorae created
    /// before each must be failed over by then.
    pub deadlines: Vec<HistoryEntry>,
}

/// A staged server CA rotation in flight: the server CA file holds the new
/// CA first, then the older ones, which the controllers keep trusting for the
/// amphora certificates they issued.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StagedServerCa {
    /// The older CAs (of other keys) the file keeps after the current one.
    pub older: Vec<Certificate>,
}

/// A staged client CA rotation in flight: the bundle carries the
/// cross-certificate through which amphorae booted with the old client CA
/// accept the controllers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StagedClientCa {
    /// The new client CA's certificate, issued by the old CA's key.
    pub cross: Certificate,
    /// When the rotation was staged, as the history records it.
    pub at: Option<OffsetDateTime>,
    /// Until when amphorae booted before accept the controllers through it.
    pub deadline: OffsetDateTime,
}

impl SetState {
    /// The state of the set at `to` (its layout `layout`, or told from its
    /// files) at `now`, as every changing command opens it; an error names
    /// the file that could not be read, or the staged rotation whose files
    /// lost what it needs ([`Error::StagedRotationLost`]).
    pub fn open(to: &Destination<'_>, layout: Option<Layout>, now: OffsetDateTime) -> Result<Self> {
        Self::read(to, layout_of(to, layout), now, &[])
    }

    /// The state of the set `to` names (its files in `layout`), from its
    /// files and its history.
    /// A history that records a staged rotation in flight whose files no
    /// longer carry it (an older version's renewal, a file restored by hand)
    /// is refused: every amphora that rotation kept working is refused by
    /// the controllers, and no change may be planned over that; but for the
    /// CAs of `ending`, whose rotation the change ends.
    pub(super) fn read(
        to: &Destination<'_>,
        layout: Layout,
        now: OffsetDateTime,
        ending: &[CaRole],
    ) -> Result<Self> {
        let vault = to.vault_password;
        let history = history::read_history(to.work_dir, vault)?;
        let server_file = to.work_dir.join(work_dir::SERVER_CA_CERT);
        let server_certificates = if fsio::exists(&server_file) {
            crate::model::read_certificates(&server_file, vault)?
        } else {
            Vec::new()
        };
        let older: Vec<Certificate> = older_cas(&server_certificates)
            .into_iter()
            .cloned()
            .collect();
        // The cross-certificate: in the bundle's chain, the current client
        // CA's key certified by another (a chain of the CA's own issuers is not one).
        let bundle = to.deployed_files(layout).path(Role::ClientCert).to_owned();
        let client_file = to.work_dir.join(work_dir::CLIENT_CA_CERT);
        let cross = if fsio::exists(&bundle) && fsio::exists(&client_file) {
            let current = crate::model::read_certificates(&client_file, vault)?.remove(0);
            crate::model::read_bundle(&bundle, vault)?
                .chain
                .into_iter()
                .find(|c| c.public_key_raw() == current.public_key_raw() && !c.is_signed_by(c))
        } else {
            None
        };
        let staged_client = history::unfinished(&history, CaRole::ClientCa);
        if let Some(entry) = history::server_ca_rotation_lost(&history, &server_certificates, now)
            && !ending.contains(&CaRole::ServerCa)
        {
            return Err(lost(CaRole::ServerCa, entry, &server_file));
        }
        if let Some(entry) = staged_client
            && !ending.contains(&CaRole::ClientCa)
            && cross.is_none()
            && entry.deadline().is_some_and(|d| d > now)
        {
            return Err(lost(CaRole::ClientCa, entry, &bundle));
        }
        let client_ca = cross.map(|cross| {
            let recorded = staged_client.and_then(HistoryEntry::deadline);
            StagedClientCa {
                deadline: recorded.map_or(cross.not_after(), |d| d.min(cross.not_after())),
                at: staged_client.and_then(HistoryEntry::at),
                cross,
            }
        });
        Ok(Self {
            server_ca: (!older.is_empty()).then_some(StagedServerCa { older }),
            client_ca,
            deadlines: history::pending_deadlines(&history, now)
                .into_iter()
                .cloned()
                .collect(),
        })
    }

    /// Whether a staged rotation of `role` is in flight.
    pub fn staged(&self, role: CaRole) -> bool {
        match role {
            CaRole::ServerCa => self.server_ca.is_some(),
            CaRole::ClientCa => self.client_ca.is_some(),
        }
    }
}

/// The certificates of a CA file that are not of its first certificate's
/// key: the older CAs a staged rotation keeps.
pub(super) fn older_cas(certificates: &[Certificate]) -> Vec<&Certificate> {
    let Some(first) = certificates.first() else {
        return Vec::new();
    };
    let key = first.public_key_raw();
    certificates
        .iter()
        .filter(|c| c.public_key_raw() != key)
        .collect()
}

fn lost(role: CaRole, entry: &HistoryEntry, file: &std::path::Path) -> Error {
    Error::StagedRotationLost {
        ca: role,
        file: file.to_owned(),
        subject: entry.subject.clone(),
        at: entry.at.clone(),
    }
}

/// Which running amphorae a change leaves needing a failover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "amphorae", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Failover {
    /// None: every running amphora keeps working.
    None,
    /// Amphorae created before `created_before` hold an older client CA:
    /// each must be failed over before `by` (RFC 3339 both; `by` equal to
    /// `created_before` means at once).
    CreatedBefore {
        /// The change's time: amphorae booted after it hold the new CA.
        created_before: String,
        /// When they start refusing the controllers.
        by: String,
    },
    /// Amphorae serving a certificate from one of `issuers` are refused by
    /// the controllers once the change is deployed.
    ServingFrom {
        /// The subjects of the CAs that go.
        issuers: Vec<String>,
    },
    /// Every running amphora is refused once the change is deployed.
    All,
}

impl Failover {
    /// Amphorae created before `at` must be failed over before `by`.
    pub(super) fn created_before(at: OffsetDateTime, by: OffsetDateTime) -> Self {
        Self::CreatedBefore {
            created_before: history::rfc3339(at),
            by: history::rfc3339(by),
        }
    }

    /// The next step that says it, for a change of the set at `work_dir`
    /// in `state`.
    pub(super) fn words(
        &self,
        state: &SetState,
        target: &crate::target::Target,
        work_dir: &std::path::Path,
    ) -> NextStep {
        let kept = state_words(state);
        let text = match self {
            Self::None if kept.is_empty() => format!(
                "No failover is needed: every running amphora keeps working.{}",
                pending_words(state)
            ),
            Self::None => format!("No failover is needed: {kept}.{}", pending_words(state)),
            Self::CreatedBefore { created_before, by } if created_before == by => format!(
                "Every amphora created before {by} refuses the controllers once this is deployed: \
                 fail each over (`openstack loadbalancer amphora failover ID`)."
            ),
            Self::CreatedBefore { created_before, by } => {
                return NextStep(vec![
                    Part::Text(format!(
                        "Every amphora created before {created_before} must be failed over before \
                         {by}: `openstack loadbalancer amphora failover AMPHORA_ID` for each. To \
                         list them: `openstack loadbalancer amphora list -f value -c id | xargs \
                         -n1 openstack loadbalancer amphora show -f json > amphorae.json` (only \
                         `show` gives created_at), then `"
                    )),
                    Part::Run(Invocation::Probe {
                        target: target.clone(),
                        work_dir: Some(work_dir.to_owned()),
                        amphorae: "amphorae.json".into(),
                        report: None,
                    }),
                    Part::Text("`. `".into()),
                    Part::Run(Invocation::Expiry {
                        target: target.clone(),
                        work_dir: work_dir.to_owned(),
                    }),
                    Part::Text("` reports this deadline until it passes.".into()),
                ]);
            }
            Self::ServingFrom { issuers } => format!(
                "Amphorae serving a certificate from {} are refused by the controllers once this is \
                 deployed: fail them over.",
                issuers
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Self::All => format!(
                "Running amphorae still hold the old CA and fail every connection until they are \
                 failed over: {}   (one load balancer at a time; each failover rebuilds its \
                 amphorae)",
                FAILOVER
            ),
        };
        text.into()
    }
}

/// What the rotations in flight keep working, in a clause ("" when steady).
fn state_words(state: &SetState) -> String {
    let mut clauses = Vec::new();
    if let Some(server) = &state.server_ca {
        clauses.push(format!(
            "the server CA file keeps {} of the staged server CA rotation in flight after the \
             current CA, so the controllers trust the amphora certificates {} issued until \
             `rotate finish server-ca`",
            quoted_subjects(&server.older),
            if server.older.len() == 1 {
                "it"
            } else {
                "they"
            }
        ));
    }
    if let Some(client) = &state.client_ca {
        clauses.push(format!(
            "the bundle keeps the cross-certificate \"{}\" (issued by \"{}\") of the staged client \
             CA rotation in flight, through which amphorae created before {} accept the \
             controllers until {}",
            client.cross.subject(),
            client.cross.issuer(),
            client.at.map_or_else(|| "it".to_owned(), history::rfc3339),
            history::rfc3339(client.deadline)
        ));
    }
    clauses.join("; ")
}

/// The failovers earlier changes still ask for (" ..." or "").
fn pending_words(state: &SetState) -> String {
    // The staged client CA rotation in flight has its own words.
    let staged = history::Action::Staged(CaRole::ClientCa);
    state
        .deadlines
        .iter()
        .filter(|e| state.client_ca.is_none() || e.action != staged)
        .filter_map(|e| Some((e.at.as_str(), e.amphorae_deadline.as_deref()?)))
        .map(|(at, by)| {
            format!(
                " Still pending from an earlier change: every amphora created before {at} must be \
                 failed over before {by}."
            )
        })
        .collect()
}

fn quoted_subjects(certificates: &[Certificate]) -> String {
    certificates
        .iter()
        .map(|c| format!("\"{}\"", c.subject()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployers::Layout;
    use crate::generate::Destination;
    use crate::lifecycle::renew::tests::written;
    use crate::lifecycle::{
        RenewOptions, RotateOptions, finish_staged, renew_ca, renew_client, rotate_staged,
    };

    fn rotate_options() -> RotateOptions {
        RotateOptions {
            key_type: crate::key::KeyType::EcdsaP256,
            ..RotateOptions::default()
        }
    }

    fn apply(to: &Destination<'_>, change: &super::super::Change) {
        change.apply(&to.lock().unwrap()).unwrap();
    }

    #[test]
    fn a_renewal_during_a_staged_server_ca_rotation_keeps_the_old_server_ca() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let old = crate::model::read_certificates(&dir.join("server_ca.cert.pem"), None).unwrap();
        let staged = rotate_staged(&to, CaRole::ServerCa, &passphrases, &rotate_options()).unwrap();
        apply(&to, &staged);
        let renewed = renew_ca(
            &to,
            CaRole::ServerCa,
            &passphrases,
            &RenewOptions::default(),
        )
        .unwrap();
        assert_eq!(renewed.failover, Failover::None);
        let words = renewed.next_steps.join("\n");
        assert!(
            words.contains("keeps \"") && words.contains("rotate finish server-ca"),
            "{words}"
        );
        apply(&to, &renewed);
        let file = crate::model::read_certificates(&dir.join("server_ca.cert.pem"), None).unwrap();
        assert!(
            file.iter()
                .any(|c| c.public_key_raw() == old[0].public_key_raw()),
            "the old server CA is still trusted"
        );
        // And the rotation is still there to finish.
        let finished = finish_staged(
            &to,
            None,
            CaRole::ServerCa,
            None,
            true,
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        assert!(matches!(finished.failover, Failover::ServingFrom { .. }));
    }

    #[test]
    fn a_client_renewal_during_a_staged_client_ca_rotation_keeps_the_cross_certificate() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let staged = rotate_staged(&to, CaRole::ClientCa, &passphrases, &rotate_options()).unwrap();
        assert!(matches!(staged.failover, Failover::CreatedBefore { .. }));
        apply(&to, &staged);
        let bundle = dir.join("client.cert-and-key.pem");
        let cross = crate::model::read_bundle(&bundle, None).unwrap().chain;
        assert_eq!(cross.len(), 1);
        let renewed = renew_client(&to, &passphrases, &RenewOptions::default()).unwrap();
        assert_eq!(renewed.failover, Failover::None);
        assert!(
            renewed.next_steps.join("\n").contains("cross-certificate"),
            "{:?}",
            renewed.next_steps
        );
        apply(&to, &renewed);
        assert_eq!(
            crate::model::read_bundle(&bundle, None).unwrap().chain,
            cross
        );
    }

    #[test]
    fn a_staged_rotation_whose_files_lost_it_is_refused_until_restored_or_forced_to_an_end() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let staged = rotate_staged(&to, CaRole::ClientCa, &passphrases, &rotate_options()).unwrap();
        apply(&to, &staged);
        // As an older version's `renew client` left it: the bundle without
        // the cross-certificate (here: any bundle without it).
        let after = crate::model::read_bundle(&dir.join("client.cert-and-key.pem"), None).unwrap();
        let mut without = after;
        without.chain.clear();
        std::fs::write(
            dir.join("client.cert-and-key.pem"),
            without.to_pem().as_bytes(),
        )
        .unwrap();
        let err = renew_client(&to, &passphrases, &RenewOptions::default()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::StagedRotationLost {
                    ca: CaRole::ClientCa,
                    ..
                }
            ),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("client.cert-and-key.pem"), "{text}");
        assert!(
            finish_staged(
                &to,
                None,
                CaRole::ClientCa,
                None,
                false,
                OffsetDateTime::now_utc()
            )
            .is_err(),
            "not without --force"
        );
        let ended = finish_staged(
            &to,
            None,
            CaRole::ClientCa,
            None,
            true,
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        assert!(ended.files.is_empty(), "nothing to write but the history");
        assert!(matches!(ended.failover, Failover::CreatedBefore { .. }));
        apply(&to, &ended);
        renew_client(&to, &passphrases, &RenewOptions::default()).unwrap();
    }
}
