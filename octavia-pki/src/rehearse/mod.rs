//! The controller-to-amphora handshake, played offline before deploying.
//!
//! [`rehearse_dir`] does what Octavia will do with a deployed directory:
//! unlocks the server CA key with the same rules, issues an amphora
//! certificate as `LocalCertGenerator` does, and runs an in-memory rustls
//! mutual-TLS handshake (TLS 1.2 and 1.3) between the amphora agent (its
//! certificate; client certificates verified against the client CA) and the
//! controller (the client bundle; the amphora verified against the server CA
//! with the amphora id as host name). Verification follows OpenSSL's rules, so
//! the verdict is Octavia's, and a failure names the side, the message each
//! side would log, and the file to blame.

mod amphora;
mod files;
mod handshake;
mod plan;
mod report;

use std::path::Path;

use time::OffsetDateTime;

pub use report::{
    Cause, Failure, GenerationVerdict, Rehearsal, RehearseOptions, ReleaseVerdict, Side, Step,
};

use crate::cert::Certificate;
use crate::error::Result;
use crate::load::{Load, load};
use crate::release::OctaviaRelease;
use crate::sources::Sources;
use report::Stop;

/// Rehearses a deployed directory. Fails (rather than reporting a failed
/// rehearsal) only when the directory itself cannot be read.
pub fn rehearse_dir(dir: &Path, options: &RehearseOptions) -> Result<Rehearsal> {
    crate::fsio::require_dir(dir)?;
    let sources = Sources::in_dir(dir, options.layout)?
        .with_passphrase(options.passwords.clone(), options.passphrase.clone())
        .with_vault_password(options.vault_password.clone());
    rehearse(&sources, options)
}

/// Rehearses the files `sources` names: a directory's layout, or the
/// options of octavia.conf ([`crate::octavia_conf::OctaviaConf::sources`]).
/// The files, the passphrase and the vault password are `sources'`;
/// `options`' fields for them are not used.
pub fn rehearse(sources: &Sources, options: &RehearseOptions) -> Result<Rehearsal> {
    crate::fsio::require_readable(sources.every_input())?;
    Ok(rehearse_loaded(sources, &load(sources), options))
}

/// The rehearsal of what the loader read of `sources` (the checker's own
/// load, so that the files are read, and the slow key derivation run, once).
pub(crate) fn rehearse_loaded(
    sources: &Sources,
    load: &Load,
    options: &RehearseOptions,
) -> Rehearsal {
    let releases = options.octavia.releases();
    let mut r = Rehearsal {
        ok: false,
        dir: sources.dir.clone(),
        layout: sources.layout,
        origin: sources.origin.clone(),
        amphora_id: uuid_v4(),
        steps: Vec::new(),
        releases: Vec::new(),
        failures: Vec::new(),
        failure: None,
        generations: Vec::new(),
    };
    let mut failures = octavia_conf(sources, &releases, &mut r);
    match files::loaded(sources, load, options, &mut r) {
        Ok(loaded) => {
            failures.extend(plan::handshakes(&loaded, &releases, options, &mut r));
            failures.extend(plan::generations(&loaded, &releases, options, &mut r));
        }
        // What fails before the handshake fails on every release alike.
        Err(Stop(failure)) => failures.push((*failure, releases.clone())),
    }
    r.releases = releases
        .iter()
        .map(|release| ReleaseVerdict {
            version: release.version,
            series: release.series,
            ok: !failures.iter().any(|(_, on)| on.contains(release)),
        })
        .collect();
    r.failures = failures
        .into_iter()
        .map(|(mut failure, on)| {
            failure.releases = on.iter().map(|r| r.version).collect();
            failure
        })
        .collect();
    r.failure = r.failures.first().cloned();
    r.ok = r.failures.is_empty();
    r
}

/// The releases whose services would not start on octavia.conf's options
/// (for a set read from it): a step, and the failure on them.
fn octavia_conf(
    sources: &Sources,
    releases: &[&'static OctaviaRelease],
    r: &mut Rehearsal,
) -> Vec<(Failure, Vec<&'static OctaviaRelease>)> {
    let Some(conf) = &sources.conf else {
        return Vec::new();
    };
    let judged = conf
        .judge_certs_key_passphrase(releases)
        .filter(|f| !f.refused_by.is_empty());
    let name = "Octavia reads octavia.conf".to_owned();
    let Some(refused) = judged else {
        r.steps.push(Step {
            name,
            ok: true,
            detail: "every option has a value Octavia accepts".into(),
        });
        return Vec::new();
    };
    r.steps.push(Step {
        name,
        ok: false,
        detail: refused.message.clone(),
    });
    let (section, key) = crate::octavia_conf::CERTS_KEY_PASSPHRASE;
    let failure = Failure {
        side: Side::Controller,
        cause: Cause::OctaviaConf,
        // oslo.config's line, without the value (a secret) it quotes.
        controller: Some(format!(
            "ConfigFileValueError: Value for option {key} from [{section}] is not valid: \
             (value withheld) doesn't match regex '^[A-Za-z0-9\\-_=]{{32}}$'"
        )),
        amphora: None,
        file: Some(sources.dir.display().to_string()),
        detail: Some(refused.message),
        releases: Vec::new(),
        release_defect: false,
        generation: None,
    };
    vec![(failure, refused.refused_by)]
}

/// Issues the certificate of amphora `amphora_id` with the server CA `ca`
/// exactly as Octavia `release`'s `LocalCertGenerator` does (see
/// [`rehearse_dir`]), for the rehearsal's fixed amphora key. Fails with
/// Octavia's message where Octavia fails (an Ed25519 CA key).
pub fn issue_amphora_certificate(
    ca: &crate::model::CertificateAuthority,
    release: &OctaviaRelease,
    amphora_id: &str,
    now: OffsetDateTime,
) -> std::result::Result<Certificate, String> {
    amphora::issue(
        ca.certificate(),
        &ca.key,
        &amphora::amphora_key(),
        amphora_id,
        release
            .amphora_key_ids
            .authority_key_id(ca.certificate())
            .as_deref(),
        now,
    )
}

/// A random (version 4) UUID, as Octavia names amphorae.
fn uuid_v4() -> String {
    let mut b: [u8; 16] = crate::random::bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
