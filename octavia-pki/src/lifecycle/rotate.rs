//! Rotations at once: new CA keys, deployed in one step. Every running
//! amphora holds the old CAs and must be failed over; the staged rotations
//! ([`super::rotate_staged`]) are the way without failovers.

use time::OffsetDateTime;

use super::{CaRole, CertificateSummary, Change, Failover, WorkDir, new_key};
use crate::cert::Certificate;
use crate::deployers::Layout;
use crate::error::{Error, Result};
use crate::generate::{
    DEFAULT_CA_DAYS, DEFAULT_CLIENT_DAYS, Destination, client_certificate, subject_of,
};
use crate::history::{self, Action};
use crate::key::KeyType;
use crate::model::{CaPassphrases, CertificateAuthority};

/// How to rotate, at once or staged.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RotateOptions {
    /// The layout of the deployed files, or `None` to tell it from the files.
    pub layout: Option<Layout>,
    /// The type of the new keys.
    pub key_type: KeyType,
    /// Validity of a new CA certificate, in days.
    pub ca_days: u32,
    /// Validity of a new client certificate, in days.
    pub client_days: u32,
    /// The time of the rotation.
    pub now: OffsetDateTime,
}

impl Default for RotateOptions {
    fn default() -> Self {
        Self {
            layout: None,
            key_type: KeyType::default(),
            ca_days: DEFAULT_CA_DAYS,
            client_days: DEFAULT_CLIENT_DAYS,
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// New keys at once: new CA(s) with the same subjects (and a new client
/// certificate when the client CA changes): `role`, or both CAs when `None`.
/// Running amphorae trust the old CAs and must be failed over afterwards
/// ([`super::rotate_staged`] avoids that).
pub fn rotate(
    to: &Destination<'_>,
    role: Option<CaRole>,
    passphrases: &CaPassphrases,
    options: &RotateOptions,
) -> Result<Change> {
    let ending = role.map_or(CaRole::ALL.to_vec(), |r| vec![r]);
    let wd = WorkDir::open(to, options.layout, Some(passphrases), options.now, &ending)?;
    let (key_type, ca_days, client_days, now) = (
        options.key_type,
        options.ca_days,
        options.client_days,
        options.now,
    );
    // In the legacy layout the one CA plays both roles: rotating it is rotating all.
    let (server, client) = match (role, wd.layout) {
        (Some(CaRole::ClientCa), Layout::Legacy) => {
            return Err(Error::SingleCa {
                layout: wd.layout,
                why: "the legacy layout has one CA for both roles: rotate all".into(),
            });
        }
        (Some(CaRole::ServerCa), Layout::Kolla) => (true, false),
        (Some(CaRole::ClientCa), Layout::Kolla) => (false, true),
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
            CaRole::ServerCa.key().into(),
            CertificateSummary::of(ca.certificate()),
        ));
        replaced.push(r);
        server_ca = Some(ca);
    }
    if client {
        let issuer = if wd.layout.is_single_ca() {
            server_ca.take().ok_or_else(|| Error::Internal {
                detail: "no CA to issue with".into(),
            })?
        } else {
            let (ca, r) = rotate_one(&wd, CaRole::ClientCa, passphrases, key_type, ca_days, now)?;
            files.extend(wd.ca_files(CaRole::ClientCa, &ca, passphrases, true)?);
            certificates.push((
                CaRole::ClientCa.key().into(),
                CertificateSummary::of(ca.certificate()),
            ));
            replaced.push(r);
            ca
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
        return Err(Error::Internal {
            detail: "nothing to rotate".into(),
        });
    }
    // The CA the amphorae trust (the client CA; in the legacy layout the one
    // CA) changed: amphorae booted before refuse the controllers at once.
    let replaced: Vec<_> = replaced
        .iter()
        .map(|(a, old, new)| (a.clone(), old, new))
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
    let mut next_steps = vec![format!("{}   (deploys the new files)", wd.deploy_step())];
    // What an immediate rotation abandons: the amphorae a staged rotation
    // kept working are failed over with the others.
    for (ca, rotated) in [(CaRole::ServerCa, server), (CaRole::ClientCa, client)] {
        if rotated && wd.state.staged(ca) {
            next_steps.push(format!(
                "This ends the staged rotation of the {} in flight: {} leaves the set.",
                ca.words(),
                ca.staged_keeps()
            ));
        }
    }
    Change::new(&wd, summary, certificates, files, next_steps, Failover::All)
        .recorded_all(to, entries)
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
) -> Result<(CertificateAuthority, (Action, Certificate, Certificate))> {
    let (old, ca) = wd.new_ca(role, passphrases, key_type, days, now, subject_of)?;
    let replaced = (
        Action::Rotate(role),
        old.certificate().clone(),
        ca.certificate().clone(),
    );
    Ok((ca, replaced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::renew::tests::written;

    #[test]
    fn rotating_the_server_ca_leaves_the_client_ca_and_cuts_nobody_off() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let options = RotateOptions {
            key_type: KeyType::EcdsaP256,
            ..RotateOptions::default()
        };
        let change = rotate(&to, Some(CaRole::ServerCa), &passphrases, &options).unwrap();
        let actions: Vec<_> = change.history.iter().map(|e| e.action.clone()).collect();
        assert_eq!(actions, [Action::Rotate(CaRole::ServerCa)]);
        assert!(change.amphorae_deadline.is_none());
        assert_ne!(
            change.history[0].old_key_sha256,
            change.history[0].new_key_sha256
        );
    }

    #[test]
    fn rotating_both_cas_records_each_and_cuts_off_running_amphorae() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let options = RotateOptions {
            key_type: KeyType::EcdsaP256,
            ..RotateOptions::default()
        };
        let change = rotate(&to, None, &passphrases, &options).unwrap();
        let actions: Vec<_> = change.history.iter().map(|e| e.action.clone()).collect();
        assert_eq!(
            actions,
            [
                Action::Rotate(CaRole::ServerCa),
                Action::Rotate(CaRole::ClientCa)
            ]
        );
        assert!(change.amphorae_deadline.is_some());
    }

    #[test]
    fn the_legacy_layouts_one_ca_is_rotated_whole() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Legacy);
        let to = Destination::new(&dir, &work_dir);
        let err = rotate(
            &to,
            Some(CaRole::ClientCa),
            &passphrases,
            &RotateOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("rotate all"), "{err}");
    }
}
