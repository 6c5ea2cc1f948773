//! Renewals: a certificate re-issued for a new validity. The client
//! certificate gets a new key from the same CA; a CA keeps its key, subject
//! and key identifier, so everything it issued, and every running amphora,
//! keeps working (until, for the client CA, the deadline the history keeps).

use serde::Serialize;
use time::OffsetDateTime;

use super::{CaRole, CertificateSummary, Change, Failover, WorkDir, key_type_of};
use crate::deployers::Layout;
use crate::error::{Error, Result};
use crate::generate::{
    DEFAULT_CA_DAYS, DEFAULT_CLIENT_DAYS, Destination, client_certificate, self_signed_ca,
    subject_of,
};
use crate::history::{self, Action, HistoryEntry};
use crate::key::PrivateKey;
use crate::model::CaPassphrases;

/// How to renew.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RenewOptions {
    /// The layout of the deployed files, or `None` to tell it from the files.
    pub layout: Option<Layout>,
    /// Validity of the new certificate, in days (`None`:
    /// [`DEFAULT_CLIENT_DAYS`] for the client certificate, [`DEFAULT_CA_DAYS`]
    /// for a CA).
    pub days: Option<u32>,
    /// The key identifier a renewed CA certificate gets.
    pub key_id: RenewKeyId,
    /// The time of the renewal: the new validity starts then.
    pub now: OffsetDateTime,
}

impl Default for RenewOptions {
    fn default() -> Self {
        Self {
            layout: None,
            days: None,
            key_id: RenewKeyId::Keep,
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// A new client key and certificate from the client CA (the server CA in the
/// legacy layout), same subject and key type as before. The CAs are untouched.
pub fn renew_client(
    to: &Destination<'_>,
    passphrases: &CaPassphrases,
    options: &RenewOptions,
) -> Result<Change> {
    let (days, now) = (options.days.unwrap_or(DEFAULT_CLIENT_DAYS), options.now);
    let wd = WorkDir::open(to, options.layout, Some(passphrases), now, &[])?;
    let issuer = wd.client_issuer(passphrases)?;
    let old = wd.client_certificate()?;
    let key = PrivateKey::generate(key_type_of(&old)).map_err(|e| Error::Generate {
        what: "client key".into(),
        detail: e.to_string(),
    })?;
    let mut bundle = client_certificate(key, &issuer, subject_of(&old)?, days, now)?;
    // Amphorae booted with the old client CA of a staged rotation reach the
    // controllers through its cross-certificate: the new bundle keeps it.
    if let Some(staged) = &wd.state.client_ca {
        bundle.chain.push(staged.cross.clone());
    }
    let entry = HistoryEntry::new(Action::RenewClient, &old, &bundle.certificate, None, now);
    Change::new(
        &wd,
        format!(
            "renewed the client certificate \"{}\" for {days} days",
            old.subject()
        ),
        vec![("client".into(), CertificateSummary::of(&bundle.certificate))],
        wd.client_files(&bundle),
        vec![format!(
            "{}   (deploys the new client bundle to the controllers)",
            wd.deploy_step()
        )],
        Failover::None,
    )
    .recorded(to, entry)
}

/// The key identifier a renewed CA certificate gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
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
    role: CaRole,
    passphrases: &CaPassphrases,
    options: &RenewOptions,
) -> Result<Change> {
    let (days, key_id, now) = (
        options.days.unwrap_or(DEFAULT_CA_DAYS),
        options.key_id,
        options.now,
    );
    let wd = WorkDir::open(to, options.layout, Some(passphrases), now, &[])?;
    let old = wd.ca(role, passphrases)?;
    let cert = old.certificate().clone();
    if !cert.is_signed_by(&cert) {
        return Err(Error::Refused {
            why: format!(
                "\"{}\" is not a self-signed root; renew it where its issuer is",
                cert.subject()
            ),
        });
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
    // A staged server CA rotation in flight: the older CAs stay after the
    // renewed one, or the controllers would refuse every amphora certificate
    // they issued.
    if role == CaRole::ServerCa
        && let Some(staged) = &wd.state.server_ca
    {
        renewed
            .certificates
            .extend(staged.older.iter().filter(|c| c.not_after() > now).cloned());
    }
    let files = wd.ca_files(role, &renewed, passphrases, false)?;
    // Amphorae hold a copy of the client CA certificate from their boot, and
    // OpenSSL checks a trust anchor's dates: they accept the controllers only
    // until the replaced certificate's not-after. (The server CA is checked by
    // the controllers, which get the renewed certificate.)
    let amphorae_trust_it = role == CaRole::ClientCa || wd.layout == Layout::Legacy;
    let deadline = amphorae_trust_it.then(|| cert.not_after());
    let mut next_steps = vec![format!(
        "{}   (deploys the renewed certificate)",
        wd.deploy_step()
    )];
    if let Some(deadline) = deadline {
        next_steps.push(format!(
            "Until then they keep accepting the controllers: the client CA certificate they \
             booted with expires at {} (OpenSSL checks the dates of a trust anchor; the renewal \
             does not reach them).",
            history::rfc3339(deadline)
        ));
    } else {
        next_steps.push(
            "The key and subject are unchanged, so the amphora certificates it issued keep \
             verifying."
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
        Action::Renew(role),
        &cert,
        renewed.certificate(),
        deadline,
        now,
    );
    Change::new(
        &wd,
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
            role.key().into(),
            CertificateSummary::of(renewed.certificate()),
        )],
        files,
        next_steps,
        deadline.map_or(Failover::None, |by| Failover::created_before(now, by)),
    )
    .recorded(to, entry)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, generate};
    use crate::key::KeyType;
    use crate::secret::Passphrase;

    /// A kolla set written to a temporary directory, with its passphrases.
    pub(in crate::lifecycle) fn written(
        layout: Layout,
    ) -> (
        tempfile::TempDir,
        std::path::PathBuf,
        std::path::PathBuf,
        CaPassphrases,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, work_dir) = (tmp.path().join("d"), tmp.path().join("w"));
        let options = GenerateOptions {
            key_type: KeyType::EcdsaP256,
            layout,
            ..GenerateOptions::default()
        };
        let passphrases = CaPassphrases {
            server_ca: Passphrase::generate(),
            client_ca: Passphrase::generate(),
        };
        generate(&options)
            .unwrap()
            .write(&Destination::new(&dir, &work_dir), &passphrases, false)
            .unwrap();
        (tmp, dir, work_dir, passphrases)
    }

    #[test]
    fn renewing_the_client_certificate_keeps_the_cas_and_records_it() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let change = renew_client(&to, &passphrases, &RenewOptions::default()).unwrap();
        assert_eq!(change.history.len(), 1);
        assert_eq!(change.history[0].action, Action::RenewClient);
        assert!(
            change.amphorae_deadline.is_none(),
            "the client CA is unchanged"
        );
        let names: Vec<_> = change.files.iter().map(|f| f.path.clone()).collect();
        assert!(names.contains(&dir.join("client.cert-and-key.pem")));
        assert!(!names.iter().any(|p| p.ends_with("server_ca.cert.pem")));
    }

    #[test]
    fn renewing_the_client_ca_keeps_its_key_and_sets_the_amphorae_deadline() {
        let (_tmp, dir, work_dir, passphrases) = written(Layout::Kolla);
        let to = Destination::new(&dir, &work_dir);
        let options = RenewOptions {
            days: Some(30),
            ..RenewOptions::default()
        };
        let change = renew_ca(&to, CaRole::ClientCa, &passphrases, &options).unwrap();
        assert_eq!(change.history[0].action, Action::Renew(CaRole::ClientCa));
        assert_eq!(
            change.history[0].old_key_sha256,
            change.history[0].new_key_sha256
        );
        assert!(change.amphorae_deadline.is_some());
        assert!(change.summary.contains("for 30 days"), "{}", change.summary);
    }
}
