//! Staged CA rotations: the new CA comes in beside the old one, so running
//! amphorae keep working, and `rotate finish` removes the old one once a
//! probe of the running amphorae shows nothing needs it.
//!
//! - **Server CA.** The controllers trust every certificate of the server CA
//!   file, while Octavia issues with the first one and the key file. So the
//!   file becomes `[new, old]` with the new key: amphorae keep their old-CA
//!   certificates until housekeeping re-issues them (within about 18 days:
//!   30-day validity less the 14-day buffer, and two days of its runs), and new ones get new-CA certificates.
//! - **Client CA.** A running amphora trusts only the client CA copy it booted
//!   with. The controllers send `[client certificate, cross-certificate]`,
//!   the cross-certificate being the new CA's, issued by the old CA's key:
//!   old amphorae build client → cross → old root, new ones stop at the new
//!   root. Until the old CA certificate's not-after, by which every amphora
//!   booted before must be failed over.
//!
//! Each new CA's common name gets a generation suffix, so that no path
//! building ever meets two different CAs with one name.

use std::path::{Path, PathBuf};

use crate::probe::{AmphoraReport, ProbeReport};
use time::OffsetDateTime;

use super::{CaRole, CertificateSummary, Change, Failover, RotateOptions, WorkDir, subject_of};
use crate::cert::Certificate;
use crate::codes::probe as status;
use crate::deployers::{Layout, work_dir};
use crate::error::{Error, Result};
use crate::fsio;
use crate::generate::{Destination, client_certificate, cross_certificate, next_generation};
use crate::history::{self, Action, HistoryEntry};
use crate::key::KeyType;
use crate::model::CaPassphrases;
use crate::sources::Role;

/// How long housekeeping may take to re-issue every amphora certificate:
/// Octavia's default 30-day validity less its 14-day buffer, plus two days
/// of its hourly runs and failures.
const HOUSEKEEPING_DAYS: i64 = 18;

/// The first step of a staged rotation of `role`. Server CA: the file
/// becomes `[new, old]` with the new key, so the controllers keep trusting
/// amphora certificates from the old CA until housekeeping re-issues them.
/// Client CA: a new CA, its cross-certificate signed by the old CA's key,
/// and a client certificate from the new CA; the bundle carries `[client,
/// cross]`, so amphorae booted before keep accepting the controllers until
/// the old CA certificate's not-after. The new key's type and the
/// validities are `options`'.
pub fn rotate_staged(
    to: &Destination<'_>,
    role: CaRole,
    passphrases: &CaPassphrases,
    options: &RotateOptions,
) -> Result<Change> {
    let wd = two_cas(
        to,
        options.layout,
        Some(passphrases),
        "rotate",
        options.now,
        &[],
    )?;
    let (key_type, now) = (options.key_type, options.now);
    let days = (options.ca_days, options.client_days);
    match role {
        CaRole::ServerCa => stage_server_ca(&wd, passphrases, key_type, days.0, now),
        CaRole::ClientCa => stage_client_ca(&wd, passphrases, key_type, days, now),
    }
}

/// Staged rotations need the kolla layout's two CAs.
fn two_cas<'a>(
    to: &'a Destination<'a>,
    layout: Option<Layout>,
    passphrases: Option<&CaPassphrases>,
    what: &str,
    now: OffsetDateTime,
    ending: &[CaRole],
) -> Result<WorkDir<'a>> {
    let wd = WorkDir::open(to, layout, passphrases, now, ending)?;
    if wd.layout == Layout::Legacy {
        return Err(Error::SingleCa {
            layout: wd.layout,
            why: format!(
                "a staged rotation needs the kolla layout's two CAs; in the legacy layout one CA \
                 plays both roles: {what} with `rotate all --confirm-failover`"
            ),
        });
    }
    Ok(wd)
}

fn stage_server_ca(
    wd: &WorkDir<'_>,
    passphrases: &CaPassphrases,
    key_type: KeyType,
    days: u32,
    now: OffsetDateTime,
) -> Result<Change> {
    let (old, mut ca) = wd.new_ca(
        CaRole::ServerCa,
        passphrases,
        key_type,
        days,
        now,
        next_generation,
    )?;
    if let Some(older) = wd.state.server_ca.as_ref().and_then(|s| s.older.first()) {
        return Err(Error::StagedRotation {
            ca: CaRole::ServerCa,
            refusal: crate::error::StagedRefusal::Unfinished,
            why: format!(
                "a staged rotation of the server CA is not finished: {} still holds \"{}\" after \
                 the current CA; finish it first (`octavia-pki rotate finish server-ca`)",
                wd.w(work_dir::SERVER_CA_CERT).display(),
                older.subject()
            ),
        });
    }
    let new = ca.certificate().clone();
    // Every certificate of the old key still valid: amphora certificates name one of them.
    ca.certificates.extend(
        old.certificates
            .iter()
            .filter(|c| c.not_after() > now)
            .cloned(),
    );
    let files = wd.ca_files(CaRole::ServerCa, &ca, passphrases, true)?;
    let old_cert = old.certificate();
    let mut next_steps = vec![
        format!(
            "{}   (deploys the server CA file [new, old] and the new key)",
            wd.deploy_step()
        )
        .into(),
        format!(
            "Nothing else to do now: new amphorae, and every amphora certificate housekeeping \
             re-issues (within about {HOUSEKEEPING_DAYS} days with Octavia's defaults), get \
             certificates from \"{}\"; the controllers keep trusting those from \"{}\".",
            new.subject(),
            old_cert.subject()
        )
        .into(),
        wd.probe_then_finish(
            CaRole::ServerCa,
            "Then: ",
            "which removes the old CA once every amphora serves a certificate from the new one.",
        ),
    ];
    if old_cert.not_after() < now + time::Duration::days(HOUSEKEEPING_DAYS) {
        next_steps.push(
            format!(
                "Warning: the old CA expires {}, maybe before housekeeping has re-issued every \
                 amphora certificate: the controllers refuse those still from it then; fail them \
                 over.",
                old_cert.not_after_rfc3339()
            )
            .into(),
        );
    }
    let entry = HistoryEntry::new(Action::Staged(CaRole::ServerCa), old_cert, &new, None, now);
    Change::new(
        wd,
        format!(
            "staged a new server CA \"{}\" ({key_type}) before \"{}\"",
            new.subject(),
            old_cert.subject()
        ),
        vec![("server_ca".into(), CertificateSummary::of(&new))],
        files,
        next_steps,
        Failover::None,
    )
    .recorded(wd.to, entry)
}

/// The deployed bundle's path.
fn bundle_path(wd: &WorkDir<'_>) -> PathBuf {
    wd.d(Role::ClientCert)
}

fn stage_client_ca(
    wd: &WorkDir<'_>,
    passphrases: &CaPassphrases,
    key_type: KeyType,
    (ca_days, client_days): (u32, u32),
    now: OffsetDateTime,
) -> Result<Change> {
    let (old, new) = wd.new_ca(
        CaRole::ClientCa,
        passphrases,
        key_type,
        ca_days,
        now,
        next_generation,
    )?;
    if let Some(staged) = &wd.state.client_ca {
        return Err(Error::StagedRotation {
            ca: CaRole::ClientCa,
            refusal: crate::error::StagedRefusal::Unfinished,
            why: format!(
                "a staged rotation of the client CA is not finished: {} still carries \"{}\" \
                 (issued by \"{}\"); finish it first (`octavia-pki rotate finish client-ca`)",
                bundle_path(wd).display(),
                staged.cross.subject(),
                staged.cross.issuer()
            ),
        });
    }
    let old_cert = old.certificate();
    if old_cert.not_after() <= now {
        return Err(Error::StagedRotation {
            ca: CaRole::ClientCa,
            refusal: crate::error::StagedRefusal::Expired,
            why: format!(
                "the client CA \"{}\" expired {}: amphorae booted with it already refuse the \
                 controllers, and nothing it signs now helps; rotate with `rotate client-ca \
                 --confirm-failover` and fail every load balancer over",
                old_cert.subject(),
                old_cert.not_after_rfc3339()
            ),
        });
    }
    let cross = cross_certificate(&new, &old, now)?;
    let mut bundle = client_certificate(
        super::new_key(key_type)?,
        &new,
        subject_of(&wd.client_certificate()?)?,
        client_days,
        now,
    )?;
    bundle.chain.push(cross.clone());
    let mut files = wd.ca_files(CaRole::ClientCa, &new, passphrases, true)?;
    files.extend(wd.client_files(&bundle));
    // Old amphorae reach the old root through the cross-certificate, and
    // hold a copy of the old root: the earlier of the two ends it.
    let deadline = cross.not_after().min(old_cert.not_after());
    let next_steps = vec![
        format!(
            "{}   (deploys the new client CA for new amphorae and the bundle with the \
             cross-certificate to the controllers)",
            wd.deploy_step()
        )
        .into(),
        format!(
            "Amphorae created from now on boot with \"{}\"; those created before hold \"{}\" \
             and accept the controllers through the cross-certificate until {}.",
            new.certificate().subject(),
            old_cert.subject(),
            history::rfc3339(deadline)
        )
        .into(),
        wd.probe_then_finish(
            CaRole::ClientCa,
            "When none is left: ",
            "which removes the cross-certificate from the bundle.",
        ),
    ];
    let entry = HistoryEntry::new(
        Action::Staged(CaRole::ClientCa),
        old_cert,
        new.certificate(),
        Some(deadline),
        now,
    );
    Change::new(
        wd,
        format!(
            "staged a new client CA \"{}\" ({key_type}), cross-signed by \"{}\", and a client \
             certificate from it",
            new.certificate().subject(),
            old_cert.subject()
        ),
        vec![
            (
                "client_ca".into(),
                CertificateSummary::of(new.certificate()),
            ),
            ("cross".into(), CertificateSummary::of(&cross)),
            ("client".into(), CertificateSummary::of(&bundle.certificate)),
        ],
        files,
        next_steps,
        Failover::created_before(now, deadline),
    )
    .recorded(wd.to, entry)
}

/// A `probe --format json` report ([`ProbeReport`]), read back as the
/// evidence `rotate finish` needs: what each amphora served and when it was
/// created.
#[derive(Debug, Clone)]
pub struct FinishEvidence {
    path: PathBuf,
    report: ProbeReport,
}

/// How an amphora of the report is named in messages.
fn name_of(amphora: &AmphoraReport) -> &str {
    amphora
        .amphora_id
        .as_deref()
        .or(amphora.address.as_deref())
        .unwrap_or("?")
}

impl FinishEvidence {
    /// Reads a `probe --format json` report (`vault`: the password of a
    /// report encrypted with ansible-vault); an error names the file.
    pub fn read(path: &Path, vault: Option<&crate::secret::Passphrase>) -> Result<Self> {
        Ok(Self {
            path: path.to_owned(),
            report: ProbeReport::read(path, vault)?,
        })
    }

    /// Why the old server CA is still needed: every amphora whose handshake
    /// failed or whose certificate was not issued by `current`.
    fn server_ca_still_needed(&self, current: &Certificate) -> Vec<String> {
        self.report
            .targets
            .iter()
            .filter_map(|t| {
                // amphora-old-client-ca is only given after a full handshake.
                let connected = t.status == status::OK || t.status == status::AMPHORA_OLD_CLIENT_CA;
                let issuer = t.certificate.as_ref().map(|c| c.issuer.as_str());
                if !connected {
                    Some(format!("{}: {}", name_of(t), t.status))
                } else if issuer != Some(current.subject()) {
                    Some(format!(
                        "{}: certificate from \"{}\" (issuer_index {})",
                        name_of(t),
                        issuer.unwrap_or("?"),
                        t.issuer_index
                            .map_or_else(|| "none".into(), |i| i.to_string())
                    ))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Why the cross-certificate is still needed: every amphora not known to
    /// have been created after `rotated`.
    fn cross_still_needed(&self, rotated: OffsetDateTime) -> Vec<String> {
        self.report
            .targets
            .iter()
            .filter_map(|t| match t.record.as_ref().and_then(|r| r.created_at) {
                Some(created) if created > rotated => None,
                Some(created) => Some(format!("{}: created {created}", name_of(t))),
                None => Some(format!(
                    "{}: no created_at (probe with `--amphorae` from `openstack loadbalancer \
                     amphora list -f json`)",
                    name_of(t)
                )),
            })
            .collect()
    }
}

/// The last step of a staged rotation of `role`: the server CA file keeps
/// only the new CA, or the bundle drops its cross-certificate. Refused unless
/// `evidence` (a probe report) shows every amphora no longer needs what goes:
/// each serves a certificate from the new server CA, or was created after the
/// client CA rotation; `force` skips that.
pub fn finish_staged(
    to: &Destination<'_>,
    layout: Option<Layout>,
    role: CaRole,
    evidence: Option<&FinishEvidence>,
    force: bool,
    now: OffsetDateTime,
) -> Result<Change> {
    // Forced, a rotation whose files already lost what it kept can be ended.
    let ending: &[CaRole] = if force { &[role] } else { &[] };
    let wd = two_cas(to, layout, None, "finish", now, ending)?;
    let vault = wd.to.vault_password;
    let finishing = match role {
        CaRole::ServerCa => wd.state.server_ca.as_ref().map(|staged| {
            let file = wd.w(work_dir::SERVER_CA_CERT);
            let certificates = crate::model::read_certificates(&file, vault)?;
            let current = certificates[0].clone();
            let kept: String = certificates
                .iter()
                .filter(|c| !staged.older.contains(c))
                .map(Certificate::to_pem)
                .collect();
            Ok::<_, Error>(Finishing {
                goes: format!("the old server CA \"{}\"", staged.older[0].subject()),
                still_needed: evidence.map(|e| e.server_ca_still_needed(&current)),
                files: wd.ca_cert_files(CaRole::ServerCa, kept),
                if_forced: Failover::ServingFrom {
                    issuers: staged
                        .older
                        .iter()
                        .map(|c| c.subject().to_owned())
                        .collect(),
                },
                entry: HistoryEntry::new(
                    Action::Finish(role),
                    &staged.older[0],
                    &current,
                    None,
                    now,
                ),
                current,
            })
        }),
        CaRole::ClientCa => wd.state.client_ca.as_ref().map(|staged| {
            let mut bundle = crate::model::read_bundle(&bundle_path(&wd), vault)?;
            bundle.chain.retain(|c| c != &staged.cross);
            let still_needed = match (evidence, staged.at) {
                (Some(e), Some(at)) => Some(e.cross_still_needed(at)),
                (Some(_), None) => Some(vec![format!(
                    "{} records no unfinished staged rotation of the client CA, so the probe \
                     report cannot show which amphorae came after it",
                    history::history_file(wd.to.work_dir).display()
                )]),
                (None, _) => None,
            };
            let current =
                crate::model::read_certificates(&wd.w(work_dir::CLIENT_CA_CERT), vault)?.remove(0);
            Ok(Finishing {
                goes: format!(
                    "the cross-certificate \"{}\" (issued by \"{}\")",
                    staged.cross.subject(),
                    staged.cross.issuer()
                ),
                still_needed,
                files: wd.client_files(&bundle),
                if_forced: Failover::created_before(staged.at.unwrap_or(now), now),
                entry: HistoryEntry::new(Action::Finish(role), &staged.cross, &current, None, now),
                current,
            })
        }),
    };
    let Some(finishing) = finishing.transpose()? else {
        return ended_without_files(&wd, role, force, now);
    };
    let Finishing {
        goes,
        still_needed,
        files,
        if_forced,
        entry,
        current,
    } = finishing;
    let mut next_steps = vec![format!("{}   (deploys the change)", wd.deploy_step())];
    let failover = match (still_needed, evidence) {
        (Some(needed), Some(e)) if needed.is_empty() && !e.report.targets.is_empty() => {
            next_steps.push(format!(
                "{} shows none of its {} needs {goes}. It covers only the amphorae \
                 it was given: it must come from the whole `openstack loadbalancer amphora list`.",
                e.path.display(),
                crate::text::count(e.report.targets.len(), "amphora", "amphorae")
            ));
            Failover::None
        }
        (needed, _) => {
            let why = match (needed, evidence) {
                (Some(needed), Some(e)) if !needed.is_empty() => format!(
                    "{} shows {} still {} {goes}: {}",
                    e.path.display(),
                    crate::text::count(needed.len(), "amphora", "amphorae"),
                    if needed.len() == 1 { "needs" } else { "need" },
                    listed(&needed)
                ),
                (_, Some(e)) => format!("{} lists no amphora", e.path.display()),
                _ => "no probe report was given (--probe-report FILE, from `octavia-pki probe \
                      --format json`)"
                    .into(),
            };
            if !force {
                return Err(Error::StagedRotation {
                    ca: role,
                    refusal: crate::error::StagedRefusal::StillNeeded,
                    why: format!(
                        "not finishing the {} rotation: {why}. Fail those amphorae over (or, for \
                         the server CA, let housekeeping re-issue their certificates), probe \
                         again, or give --force",
                        role.words()
                    ),
                });
            }
            next_steps.push(format!("Forced: {why}."));
            if_forced
        }
    };
    Change::new(
        &wd,
        format!("finished the {} rotation: removed {goes}", role.words()),
        vec![(role.key().into(), CertificateSummary::of(&current))],
        files,
        next_steps,
        failover,
    )
    .recorded(wd.to, entry)
}

/// What `rotate finish` removes, and what it means for running amphorae.
struct Finishing {
    /// What leaves the set, in words.
    goes: String,
    /// Why amphorae still need it, by the probe report, when one was given.
    still_needed: Option<Vec<String>>,
    files: Vec<fsio::PlannedFile>,
    /// The amphorae refused once it is deployed, when forced.
    if_forced: Failover,
    entry: HistoryEntry,
    /// The CA that stays.
    current: Certificate,
}

/// `rotate finish` where the files carry no staged rotation: forced, and the
/// history records one in flight, it records its end (what it kept already
/// left the set: the amphorae it concerned are refused now); else there is
/// nothing to finish.
fn ended_without_files(
    wd: &WorkDir<'_>,
    role: CaRole,
    force: bool,
    now: OffsetDateTime,
) -> Result<Change> {
    let history = history::read_history(wd.to.work_dir, wd.to.vault_password)?;
    let Some(staged) = history::unfinished(&history, role).filter(|_| force) else {
        return Err(Error::StagedRotation {
            ca: role,
            refusal: crate::error::StagedRefusal::NothingToFinish,
            why: match role {
                CaRole::ServerCa => format!(
                    "no staged rotation of the server CA to finish: {} holds no CA of another key",
                    wd.w(work_dir::SERVER_CA_CERT).display()
                ),
                CaRole::ClientCa => format!(
                    "no staged rotation of the client CA to finish: {} carries no cross-certificate",
                    bundle_path(wd).display()
                ),
            },
        });
    };
    let failover = match role {
        CaRole::ServerCa => Failover::ServingFrom {
            issuers: vec![staged.subject.clone()],
        },
        CaRole::ClientCa => Failover::created_before(staged.at().unwrap_or(now), now),
    };
    Change::new(
        wd,
        format!(
            "recorded the end of the staged {} rotation from \"{}\" ({}), whose files had \
             already lost {}",
            role.words(),
            staged.subject,
            staged.at,
            role.staged_keeps()
        ),
        Vec::new(),
        Vec::new(),
        vec!["Nothing to deploy: no file changes."],
        failover,
    )
    .recorded(wd.to, staged.ended(role, now))
}

/// The first ten of `items`, and how many more.
fn listed(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > 10 {
        text.push_str(&format!("; and {} more", items.len() - 10));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::self_signed_ca;
    use crate::key::PrivateKey;

    #[test]
    fn a_file_that_is_not_a_probe_report_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "{\"checked\": []}").unwrap();
        let err = FinishEvidence::read(&path, None).unwrap_err().to_string();
        assert!(
            err.contains("report.json") && err.contains("probe --format json"),
            "{err}"
        );
    }

    #[test]
    fn the_evidence_says_which_amphorae_still_need_the_old_cas() {
        // A probe report as `probe --format json` writes it.
        let amphora =
            |id: &str, status: &str, issuer: Option<(&str, usize)>, created: Option<&str>| {
                let mut a = serde_json::json!({
                    "amphora_id": id, "address": "192.0.2.1", "port": 9443, "status": status,
                    "severity": "info", "message": "", "fix": "", "tls_version": null,
                    "api_version": null, "anonymous": null, "serves_database_certificate": null,
                    "issuer_index": issuer.map(|(_, i)| i), "certificate": null, "elapsed_ms": 3,
                });
                if let Some((issuer, _)) = issuer {
                    a["certificate"] = serde_json::json!({"cn": id, "san": [id], "issuer": issuer,
                    "serial": "01", "not_after": "2027-01-01T00:00:00Z", "days_left": 30});
                }
                if let Some(created) = created {
                    a["record"] = serde_json::json!({"created_at": created});
                }
                a
            };
        let report = serde_json::json!({"dir": "/etc/kolla/config/octavia", "summary": {}, "targets": [
            amphora("new", "ok", Some(("CN=ca G2", 0)), Some("2026-11-25T12:00:00Z")),
            amphora("old", "amphora-old-client-ca", Some(("CN=ca", 1)), Some("2026-11-01T12:00:00Z")),
            amphora("down", "connect-refused", None, None),
        ]});
        let evidence = FinishEvidence {
            path: PathBuf::from("report.json"),
            report: serde_json::from_value(report).unwrap(),
        };
        let rotated = OffsetDateTime::parse(
            "2026-11-20T00:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        let names = |v: Vec<String>| -> Vec<String> {
            v.iter()
                .map(|s| s.split(':').next().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names(evidence.cross_still_needed(rotated)), ["old", "down"]);
        let mut name = rcgen::DistinguishedName::new();
        name.push(rcgen::DnType::CommonName, "ca G2");
        let key = PrivateKey::generate(KeyType::EcdsaP256).unwrap();
        let ca = self_signed_ca(key, name, 1, rotated, None).unwrap();
        let current = ca.certificate();
        assert_eq!(
            names(evidence.server_ca_still_needed(current)),
            ["old", "down"]
        );
    }
}
