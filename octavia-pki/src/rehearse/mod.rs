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

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cert::Certificate;
use crate::error::Result;
use crate::history::HistoryEntry;
use crate::key::PrivateKey;
use crate::key_id;
use crate::layout::Layout;
use crate::load::{BundleRead, FileLoad, Load, PassphraseIssue, Problem, load};
use crate::release::{self, OctaviaRelease, OctaviaVersions, RELEASES};
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};
pub use crate::x509::VerifyError;
use crate::x509::tls::{OpenSslVerifier, client_certificate, key_der, presented, provider};
use crate::x509::{self, Purpose};

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
    /// Add Python 3.13's X509_STRICT rules to both sides' verification.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Side {
    /// The Octavia controller (worker, health manager): signs amphora certificates, connects.
    Controller,
    /// The amphora agent: accepts the controller's connection.
    Amphora,
}

/// One step of the rehearsal, for the transcript.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What was done.
    pub name: String,
    /// Whether it worked.
    pub ok: bool,
    /// What came of it.
    pub detail: String,
}

/// What failed, for programs to match on (the log lines say it for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "stage", content = "error")]
#[non_exhaustive]
pub enum Cause {
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseVerdict {
    /// The release (`17.0.1`).
    pub version: &'static str,
    /// Its OpenStack series (`2025.2`).
    pub series: &'static str,
    /// Whether its handshake would succeed.
    pub ok: bool,
}

/// The result of a rehearsal.
#[derive(Debug, Clone, Serialize)]
pub struct Rehearsal {
    /// Whether Octavia's handshake would succeed.
    pub ok: bool,
    /// The directory.
    pub dir: std::path::PathBuf,
    /// Its layout.
    pub layout: Layout,
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
struct Stop(Box<Failure>);

fn stop(
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
    fn because(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }
}

/// Rehearses a deployed directory. Fails (rather than reporting a failed
/// rehearsal) only when the directory itself cannot be read.
pub fn rehearse_dir(dir: &Path, options: &RehearseOptions) -> Result<Rehearsal> {
    crate::fsio::require_dir(dir)?;
    let sources = Sources::in_dir(dir, options.layout)
        .with_passphrase(options.passwords.clone(), options.passphrase.clone())
        .with_vault_password(options.vault_password.clone());
    crate::fsio::require_readable(sources.every_input())?;
    Ok(rehearse_loaded(&sources, &load(&sources), options))
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
        amphora_id: uuid_v4(),
        steps: Vec::new(),
        releases: Vec::new(),
        failures: Vec::new(),
        failure: None,
        generations: Vec::new(),
    };
    let failures = match loaded(sources, load, options, &mut r) {
        Ok(loaded) => {
            let mut failures = handshakes(&loaded, &releases, options, &mut r);
            failures.extend(generations(&loaded, &releases, options, &mut r));
            failures
        }
        // What fails before the handshake fails on every release alike.
        Err(Stop(failure)) => vec![(*failure, releases.clone())],
    };
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

fn step(r: &mut Rehearsal, name: &str, ok: bool, detail: impl Into<String>) {
    r.steps.push(Step {
        name: name.into(),
        ok,
        detail: detail.into(),
    });
}

/// What both sides load before any certificate is issued.
struct Loaded<'a> {
    now: OffsetDateTime,
    /// The certificate the controller issues with (`ca_certificate`'s first).
    issuer: &'a Certificate,
    ca_key: &'a PrivateKey,
    /// What the controller verifies amphorae against (`server_ca`).
    server_ca: &'a [Certificate],
    client_ca: &'a [Certificate],
    bundle_certs: &'a [Certificate],
    bundle_key: &'a PrivateKey,
    /// The names of the files to blame.
    ca_key_file: &'a str,
    bundle_file: &'a str,
    server_ca_file: &'a str,
}

/// The loader's outcome as each side of Octavia takes it: the first
/// problem, in the order Octavia meets them, ends the rehearsal with the
/// line Octavia logs.
fn loaded<'a>(
    sources: &'a Sources,
    load: &'a Load,
    options: &RehearseOptions,
    r: &mut Rehearsal,
) -> Result<Loaded<'a>, Stop> {
    let controller = |cause, role, msg: String| {
        stop(
            Side::Controller,
            cause,
            Some(sources.name(role)),
            Some(msg),
            None,
        )
    };

    // 1. The controller unlocks the server CA, as LocalCertGenerator does.
    if let Some(line) = passphrase_line(load.passphrase.issue.as_ref()) {
        return Err(stop(
            Side::Controller,
            Cause::Passphrase,
            Some(crate::passwords::PASSWORDS_FILE),
            Some(line),
            None,
        ));
    }
    let server_certs = load.ca_certificate.value.as_ref().map_err(|p| {
        let line = certificates_line(p, sources.path(Role::CaCertificate));
        controller(Cause::CaCertificates, Role::CaCertificate, line)
    })?;
    let key_line = |p: &Problem| key_line(p, sources.path(Role::CaPrivateKey));
    let not_encrypted = load
        .ca_private_key
        .notes
        .iter()
        .find(|p| matches!(p, Problem::KeyNotEncrypted(_)));
    let ca_key = match (&load.ca_private_key.value, not_encrypted) {
        (Err(p), _) | (Ok(_), Some(p)) => {
            return Err(controller(
                Cause::ServerCaKey,
                Role::CaPrivateKey,
                key_line(p),
            ));
        }
        (Ok(key), None) => key,
    };
    step(
        r,
        "controller unlocks the server CA key",
        true,
        format!(
            "{} key, {}",
            ca_key.algorithm(),
            sources.name(Role::CaPrivateKey)
        ),
    );
    let server_ca = load.server_ca.value.as_ref().map_err(|p| {
        let line = certificates_line(p, sources.path(Role::ServerCa));
        controller(Cause::CaCertificates, Role::ServerCa, line)
    })?;

    // 2. The amphora agent loads the client CA; the controller its bundle.
    let client_ca = load.client_ca.value.as_ref().map_err(|p| {
        let line = certificates_line(p, sources.path(Role::ClientCa));
        stop(
            Side::Amphora,
            Cause::CaCertificates,
            Some(sources.name(Role::ClientCa)),
            None,
            Some(format!(
                "the amphora agent cannot load the client CA: {line}"
            )),
        )
    })?;
    let (bundle_certs, bundle_key) = bundle(&load.client_cert).map_err(|(line, detail)| {
        controller(Cause::Bundle, Role::ClientCert, line).because(detail)
    })?;
    step(
        r,
        "both sides load their files",
        true,
        format!(
            "{} client CA certificate(s); bundle of {} certificate(s) and a key",
            client_ca.len(),
            bundle_certs.len()
        ),
    );
    Ok(Loaded {
        now: options.now.unwrap_or_else(OffsetDateTime::now_utc),
        issuer: &server_certs[0],
        ca_key,
        server_ca,
        client_ca,
        bundle_certs,
        bundle_key,
        ca_key_file: sources.name(Role::CaPrivateKey),
        bundle_file: sources.name(Role::ClientCert),
        server_ca_file: sources.name(Role::ServerCa),
    })
}

/// A failure, and the releases it happens on.
type Failed = (Failure, Vec<&'static OctaviaRelease>);

/// The releases that issue one and the same amphora certificate.
struct Profile {
    /// Its authority key identifier (`None`: no key identifiers at all).
    aki: Option<Vec<u8>>,
    /// The releases, oldest first.
    on: Vec<&'static OctaviaRelease>,
}

impl Profile {
    /// Those of its releases whose controller negotiates `version`.
    fn negotiating(
        &self,
        version: &rustls::SupportedProtocolVersion,
    ) -> Vec<&'static OctaviaRelease> {
        self.on
            .iter()
            .copied()
            .filter(|r| version.version == rustls::ProtocolVersion::TLSv1_2 || r.controller_tls13)
            .collect()
    }
}

/// The TLS versions a controller may negotiate with the agent.
const VERSIONS: [&rustls::SupportedProtocolVersion; 2] =
    [&rustls::version::TLS12, &rustls::version::TLS13];

/// How one profile fared in one TLS version.
struct Outcome {
    result: Result<(), Stop>,
    /// Only the controller's verification of the amphora certificate ran:
    /// everything else is the reference handshake's (see [`handshakes`]).
    verified_only: bool,
}

/// For each targeted release: the controller issues the amphora certificate
/// as that release does, and the two sides shake hands in each TLS version
/// that release negotiates. Returns the failures, each with the releases it
/// happens on.
///
/// Releases that would issue the same certificate share one (a
/// [`Profile`]). Per TLS version one handshake runs in full, with the newest
/// profile negotiating it. The other profiles' certificates differ from its
/// only in their key identifiers, and the controller judges the amphora's
/// certificate before the amphora judges the controller's, so where that
/// handshake succeeded, or failed on the amphora's side, the controller's
/// verification of another profile's certificate is all that can differ: it
/// alone runs. The certificates (a CA signature each) and the full
/// handshakes run in parallel.
fn handshakes(
    loaded: &Loaded<'_>,
    releases: &[&'static OctaviaRelease],
    options: &RehearseOptions,
    r: &mut Rehearsal,
) -> Vec<Failed> {
    let issuer = loaded.issuer;
    let mut profiles: Vec<Profile> = Vec::new();
    for &release in releases {
        let aki = release.amphora_key_ids.authority_key_id(issuer);
        match profiles.iter_mut().find(|p| p.aki == aki) {
            Some(p) => p.on.push(release),
            None => profiles.push(Profile {
                aki,
                on: vec![release],
            }),
        }
    }
    // Newest releases first: the transcript starts with what clouds move to.
    profiles.reverse();
    let amphora_key = amphora::amphora_key();
    let amphora_id = r.amphora_id.clone();
    let issue = |p: &Profile| {
        amphora::issue(
            issuer,
            loaded.ca_key,
            &amphora_key,
            &amphora_id,
            p.aki.as_deref(),
            loaded.now,
        )
    };
    let certs: Vec<Result<Certificate, String>> = in_parallel(&profiles, issue);
    let sides = |cert| Sides {
        amphora_cert: cert,
        amphora_key: &amphora_key,
        client_ca: loaded.client_ca,
        server_ca: loaded.server_ca,
        bundle_certs: loaded.bundle_certs,
        bundle_key: loaded.bundle_key,
        amphora_id: &amphora_id,
        now: loaded.now,
        strict: options.strict,
    };
    let full = |(i, version): &(usize, &'static rustls::SupportedProtocolVersion)| {
        let cert = certs[*i]
            .as_ref()
            .expect("only issued certificates shake hands");
        handshake(
            &sides(cert),
            version,
            loaded.bundle_file,
            loaded.server_ca_file,
        )
    };
    // The reference handshake of each version.
    let references: Vec<(usize, &'static rustls::SupportedProtocolVersion)> = VERSIONS
        .iter()
        .filter_map(|&v| {
            (0..profiles.len())
                .find(|&i| certs[i].is_ok() && !profiles[i].negotiating(v).is_empty())
                .map(|i| (i, v))
        })
        .collect();
    let mut reference_results = in_parallel(&references, full).into_iter();
    let mut outcomes: Vec<Vec<Option<Outcome>>> =
        profiles.iter().map(|_| vec![None, None]).collect();
    for &(i, v) in &references {
        let result = reference_results.next().expect("one result per reference");
        outcomes[i][version_index(v)] = Some(Outcome {
            result,
            verified_only: false,
        });
    }
    for (i, profile) in profiles.iter().enumerate() {
        let Ok(cert) = &certs[i] else { continue };
        for v in VERSIONS {
            if profile.negotiating(v).is_empty() || outcomes[i][version_index(v)].is_some() {
                continue;
            }
            let reference = references
                .iter()
                .find(|(_, rv)| rv.version == v.version)
                .and_then(|&(ri, _)| outcomes[ri][version_index(v)].as_ref());
            let outcome = match reference.map(|o| &o.result) {
                Some(Ok(())) => Outcome {
                    result: controller_verifies(&sides(cert), loaded.server_ca_file),
                    verified_only: true,
                },
                Some(Err(Stop(f))) if f.side == Side::Amphora => Outcome {
                    result: controller_verifies(&sides(cert), loaded.server_ca_file)
                        .and(Err(Stop(f.clone()))),
                    verified_only: true,
                },
                _ => Outcome {
                    result: full(&(i, v)),
                    verified_only: false,
                },
            };
            outcomes[i][version_index(v)] = Some(outcome);
        }
    }

    // The transcript and the failures, in profile order.
    let mut failures: Vec<Failed> = Vec::new();
    for ((profile, cert), outcomes) in profiles.iter().zip(&certs).zip(outcomes) {
        let label = format!("Octavia {}", release::names(&profile.on));
        let issued = format!("controller issues the amphora certificate ({label})");
        let cert = match cert {
            Ok(cert) => cert,
            Err(m) => {
                step(r, &issued, false, m.clone());
                let failure = *stop(
                    Side::Controller,
                    Cause::Issue,
                    Some(loaded.ca_key_file),
                    Some(m.clone()),
                    None,
                )
                .0;
                record(&mut failures, failure, &profile.on);
                continue;
            }
        };
        step(
            r,
            &issued,
            true,
            format!(
                "CN={}, issuer \"{}\", {}",
                r.amphora_id,
                cert.issuer(),
                match &profile.aki {
                    Some(id) => format!("authority key id {}", key_id::display(id)),
                    None => "no key identifiers".into(),
                }
            ),
        );
        for (v, outcome) in VERSIONS.iter().zip(outcomes) {
            let Some(outcome) = outcome else { continue };
            let on = profile.negotiating(v);
            let name = if outcome.verified_only {
                format!(
                    "controller verifies this amphora certificate, {:?} (Octavia {}; the rest of \
                     the handshake as above)",
                    v.version,
                    release::names(&on)
                )
            } else {
                format!(
                    "mutual TLS handshake, {:?} (Octavia {})",
                    v.version,
                    release::names(&on)
                )
            };
            match outcome.result {
                Ok(()) if outcome.verified_only => step(r, &name, true, "accepted"),
                Ok(()) => step(r, &name, true, "both sides accept each other"),
                Err(Stop(failure)) => {
                    let mut failure = *failure;
                    if profile.aki.is_none()
                        && failure
                            .controller
                            .as_deref()
                            .is_some_and(|c| c.ends_with(VerifyError::StrictNoAki.openssl()))
                    {
                        // Not the files' fault: the release's own certificates.
                        failure.file = None;
                        failure.release_defect = true;
                        failure.detail = Some(
                            "these releases issue amphora certificates without an authority key \
                             identifier, which Python 3.13's strict verification refuses; 16.1.0, \
                             17.0.1, 18.0.1 and later write one"
                                .into(),
                        );
                    }
                    let logged = failure
                        .controller
                        .clone()
                        .or(failure.amphora.clone())
                        .unwrap_or_default();
                    step(r, &name, false, logged);
                    record(&mut failures, failure, &on);
                }
            }
        }
    }
    failures
}

/// Each older client CA copy the history says running amphorae hold: one
/// handshake with it as the amphora's trust store.
fn generations(
    loaded: &Loaded<'_>,
    releases: &[&'static OctaviaRelease],
    options: &RehearseOptions,
    r: &mut Rehearsal,
) -> Vec<Failed> {
    let held: Vec<(&HistoryEntry, Certificate)> =
        crate::history::pending_deadlines(&options.history, loaded.now)
            .into_iter()
            .filter_map(|e| Some((e, e.old_certificate()?)))
            .collect();
    let Some(newest) = releases.last() else {
        return Vec::new();
    };
    if held.is_empty() {
        return Vec::new();
    }
    let issuer = loaded.issuer;
    let amphora_key = amphora::amphora_key();
    let Ok(cert) = amphora::issue(
        issuer,
        loaded.ca_key,
        &amphora_key,
        &r.amphora_id,
        newest.amphora_key_ids.authority_key_id(issuer).as_deref(),
        loaded.now,
    ) else {
        return Vec::new(); // the main rehearsal reports it
    };
    let mut failures = Vec::new();
    for (entry, client_ca) in held {
        let amphorae = format!("amphorae created before {} ({})", entry.at, entry.action);
        let sides = Sides {
            amphora_cert: &cert,
            amphora_key: &amphora_key,
            client_ca: std::slice::from_ref(&client_ca),
            server_ca: loaded.server_ca,
            bundle_certs: loaded.bundle_certs,
            bundle_key: loaded.bundle_key,
            amphora_id: &r.amphora_id,
            now: loaded.now,
            strict: options.strict,
        };
        let result = handshake(
            &sides,
            &rustls::version::TLS13,
            loaded.bundle_file,
            loaded.server_ca_file,
        );
        let name = format!(
            "{amphorae}, holding the client CA \"{}\": mutual TLS handshake",
            client_ca.subject()
        );
        r.generations.push(GenerationVerdict {
            amphorae: amphorae.clone(),
            client_ca: client_ca.subject().to_owned(),
            deadline: entry.amphorae_deadline.clone(),
            ok: result.is_ok(),
        });
        match result {
            Ok(()) => step(
                r,
                &name,
                true,
                format!(
                    "they accept the controllers (until {} at best)",
                    entry.amphorae_deadline.as_deref().unwrap_or("?")
                ),
            ),
            Err(Stop(failure)) => {
                let mut failure = *failure;
                failure.generation = Some(amphorae);
                if failure.side == Side::Amphora {
                    failure.detail = Some(format!(
                        "they hold \"{}\", which the bundle's certificates do not lead to: keep \
                         a certificate that does in the bundle (a staged rotation's \
                         cross-certificate) until they are failed over",
                        client_ca.subject()
                    ));
                }
                let logged = failure
                    .amphora
                    .clone()
                    .or(failure.controller.clone())
                    .unwrap_or_default();
                step(r, &name, false, logged);
                record(&mut failures, failure, releases);
            }
        }
    }
    failures
}

fn version_index(version: &rustls::SupportedProtocolVersion) -> usize {
    VERSIONS
        .iter()
        .position(|v| v.version == version.version)
        .expect("a version of VERSIONS")
}

/// `f` of each item, the first on this thread and the others on their own
/// (each is a signature or a handshake: milliseconds, worth a thread).
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let Some((first, rest)) = items.split_first() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = rest
            .iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        let mut results = vec![f(first)];
        results.extend(handles.into_iter().map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        results
    })
}

/// Adds `failure` on `releases`, merged with an equal failure seen on others.
fn record(failures: &mut Vec<Failed>, failure: Failure, releases: &[&'static OctaviaRelease]) {
    let same = |f: &Failure| {
        (f.side, &f.controller, &f.amphora, &f.file, &f.detail)
            == (
                failure.side,
                &failure.controller,
                &failure.amphora,
                &failure.file,
                &failure.detail,
            )
    };
    let on = match failures.iter_mut().find(|(f, _)| same(f)) {
        Some((_, on)) => on,
        None => {
            failures.push((failure, Vec::new()));
            &mut failures.last_mut().expect("just pushed").1
        }
    };
    for release in releases {
        if !on.contains(release) {
            on.push(release);
        }
    }
    on.sort_by_key(|r| RELEASES.iter().position(|k| k == *r));
}

/// The line Octavia logs when it cannot be given the passphrase.
fn passphrase_line(issue: Option<&PassphraseIssue>) -> Option<String> {
    match issue? {
        PassphraseIssue::DollarInPasswords | PassphraseIssue::DollarGiven => Some(
            "oslo_config.cfg.TemplateSubstitutionError: ca_private_key_passphrase contains '$', \
             read as a reference to another option"
                .into(),
        ),
        PassphraseIssue::Missing(what) => Some(what.clone()),
        PassphraseIssue::NotAsWritten(how, false) => {
            Some(format!("{} {how}", crate::passwords::CA_PASSWORD))
        }
        // Octavia gets another string than the file's text: played with that string.
        PassphraseIssue::NotAsWritten(_, true) => None,
    }
}

/// Whether the problem is that the file could not be read at all.
fn unreadable(problem: &Problem) -> bool {
    matches!(
        problem,
        Problem::Missing
            | Problem::Unreadable(_)
            | Problem::NotAFile(_)
            | Problem::Vaulted(_)
            | Problem::TooLarge
    )
}

/// Whether the file has no PEM `BEGIN` line.
fn no_start_line(problem: &Problem) -> bool {
    matches!(problem, Problem::Empty | Problem::Der | Problem::NoPemBlock)
}

/// What Octavia logs when a CA certificate file cannot be loaded, as
/// `load_pem_x509_certificate` and OpenSSL's CA loading read it.
fn certificates_line(problem: &Problem, path: &Path) -> String {
    if unreadable(problem) {
        format!(
            "Failed to load CA Certificate {}: {problem}",
            path.display()
        )
    } else if no_start_line(problem) {
        "Unable to load PEM file (no start line)".into()
    } else {
        format!("Unable to load PEM file: {problem}")
    }
}

/// What Octavia logs when the server CA key cannot be used, with
/// `load_pem_private_key(key, password)`'s rules.
fn key_line(problem: &Problem, path: &Path) -> String {
    match problem {
        p if unreadable(p) => format!("Failed to load CA Private Key {}: {p}", path.display()),
        p if no_start_line(p) => "Could not deserialize key data (no start line)".into(),
        Problem::KeyNotEncrypted(_) => {
            "TypeError: Password was given but private key is not encrypted".into()
        }
        Problem::WrongPassphrase(_) => {
            "Could not sign the certificate request: Incorrect password, could not decrypt key"
                .into()
        }
        Problem::PassphraseNotAvailable(_) => {
            "TypeError: Password was not given but private key is encrypted".into()
        }
        other => format!("Could not deserialize key data: {other}"),
    }
}

/// The bundle as `SSL_CTX_use_certificate_chain_file` + `_use_PrivateKey_file`
/// take it. Errors: OpenSSL's line, and why.
fn bundle(load: &FileLoad<BundleRead>) -> Result<(&[Certificate], &PrivateKey), (String, String)> {
    let pem_lib = |why: String| ("[SSL] PEM lib".to_owned(), why);
    let read = load.value.as_ref().map_err(|p| pem_lib(p.to_string()))?;
    let certs = &read.certificates;
    if certs.is_empty() {
        return Err(pem_lib(Problem::NoCertificate.to_string()));
    }
    let key = match &read.key {
        Ok(key) => key,
        Err(Problem::KeyEncrypted(_)) => {
            return Err((
                "Enter PEM pass phrase:".into(),
                "the client key is encrypted: OpenSSL asks for a pass phrase, and unattended the connection fails".into(),
            ));
        }
        Err(p) => return Err(pem_lib(p.to_string())),
    };
    // SSL_CTX_use_certificate applies the security level to the own certificate.
    let oid = certs[0]
        .parsed()
        .signature_algorithm
        .algorithm
        .to_id_string();
    if let Some(weak) = x509::weak_signature(&oid) {
        return Err((
            "[SSL: CA_MD_TOO_WEAK] ca md too weak".into(),
            format!("the client certificate is signed with {weak}"),
        ));
    }
    if let crate::key::KeyAlgorithm::Rsa { bits } = key.algorithm()
        && (bits as usize) < x509::MIN_RSA_BITS
    {
        return Err((
            "[SSL: EE_KEY_TOO_SMALL] ee key too small".into(),
            format!("the client key is RSA-{bits}"),
        ));
    }
    if !certs[0].matches_key(key) {
        return Err((
            "[X509: KEY_VALUES_MISMATCH] key values mismatch".into(),
            "the key is not the first certificate's".into(),
        ));
    }
    Ok((certs, key))
}

struct Sides<'a> {
    amphora_cert: &'a Certificate,
    amphora_key: &'a PrivateKey,
    client_ca: &'a [Certificate],
    server_ca: &'a [Certificate],
    bundle_certs: &'a [Certificate],
    bundle_key: &'a PrivateKey,
    amphora_id: &'a str,
    now: OffsetDateTime,
    strict: bool,
}

fn handshake(
    s: &Sides<'_>,
    version: &'static rustls::SupportedProtocolVersion,
    bundle_file: &str,
    server_ca_file: &str,
) -> Result<(), Stop> {
    let provider = provider();
    let amphora_verifier =
        OpenSslVerifier::new(s.client_ca, Purpose::TlsClient, None, s.now, s.strict);
    let amphora_seen = amphora_verifier.seen.clone();
    let controller_verifier = OpenSslVerifier::new(
        s.server_ca,
        Purpose::TlsServer,
        Some(s.amphora_id),
        s.now,
        s.strict,
    );
    let controller_seen = controller_verifier.seen.clone();
    let internal = |e: rustls::Error| {
        stop(
            Side::Controller,
            Cause::Tls,
            None,
            Some(format!("TLS setup: {e}")),
            None,
        )
    };

    let amphora = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .map_err(internal)?
        .with_client_cert_verifier(Arc::new(amphora_verifier))
        .with_single_cert(
            presented(s.amphora_cert, &[], s.client_ca),
            key_der(s.amphora_key),
        )
        .map_err(internal)?;
    let controller = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .map_err(internal)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(controller_verifier))
        .with_client_cert_resolver(
            client_certificate(
                presented(&s.bundle_certs[0], &s.bundle_certs[1..], s.server_ca),
                s.bundle_key,
                &provider,
            )
            .map_err(|e| {
                stop(
                    Side::Controller,
                    Cause::Bundle,
                    Some(bundle_file),
                    Some(format!("the controller cannot use its client key: {e}")),
                    None,
                )
            })?,
        );

    let name = ServerName::try_from(s.amphora_id.to_owned())
        .map_err(|e| internal(rustls::Error::General(e.to_string())))?;
    let mut client = rustls::ClientConnection::new(Arc::new(controller), name).map_err(internal)?;
    let mut server = rustls::ServerConnection::new(Arc::new(amphora)).map_err(internal)?;
    let mut outcome = Ok(());
    for _ in 0..32 {
        if !client.is_handshaking() && !server.is_handshaking() {
            break;
        }
        if let Err(e) = pump(&mut client, &mut server) {
            outcome = Err(e);
            break;
        }
    }
    let amphora_refused = OpenSslVerifier::seen(&amphora_seen).verdict;
    let controller_refused = OpenSslVerifier::seen(&controller_seen).verdict;
    if let Some(e) = controller_refused {
        return Err(refuses(Side::Controller, e, server_ca_file));
    }
    if let Some(e) = amphora_refused {
        return Err(refuses(Side::Amphora, e, bundle_file));
    }
    outcome.map_err(|e| stop(Side::Controller, Cause::Tls, None, Some(e), None))?;
    if client.is_handshaking() || server.is_handshaking() {
        return Err(stop(
            Side::Controller,
            Cause::Tls,
            None,
            Some("the handshake did not complete".into()),
            None,
        ));
    }
    Ok(())
}

/// `side` refuses the other's certificate with `e`: it logs OpenSSL's
/// verify failure, the other side the alert it receives; `file` is to blame.
fn refuses(side: Side, e: VerifyError, file: &str) -> Stop {
    let verify_failed = format!(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {}",
        e.openssl()
    );
    let alert = e.alert().to_owned();
    let (controller, amphora) = match side {
        Side::Controller => (verify_failed, alert),
        Side::Amphora => (alert, verify_failed),
    };
    stop(
        side,
        Cause::Verification(e),
        Some(file),
        Some(controller),
        Some(amphora),
    )
}

/// The controller's verification of the amphora's certificate alone, with
/// exactly what its verifier gets in the handshake: the certificate and the
/// chain the agent sends with it.
fn controller_verifies(s: &Sides<'_>, server_ca_file: &str) -> Result<(), Stop> {
    let chain = x509::auto_chain(s.amphora_cert, s.client_ca);
    x509::verify(
        s.amphora_cert,
        &chain,
        s.server_ca,
        Purpose::TlsServer,
        Some(s.amphora_id),
        s.now,
        s.strict,
    )
    .map_err(|e| refuses(Side::Controller, e, server_ca_file))
}

/// Moves TLS records both ways once.
fn pump(
    client: &mut rustls::ClientConnection,
    server: &mut rustls::ServerConnection,
) -> Result<(), String> {
    let mut buf = Vec::new();
    client.write_tls(&mut buf).map_err(|e| e.to_string())?;
    server
        .read_tls(&mut Cursor::new(&buf))
        .map_err(|e| e.to_string())?;
    let server_result = server
        .process_new_packets()
        .map(|_| ())
        .map_err(|e| format!("amphora: {e}"));
    buf.clear();
    server.write_tls(&mut buf).map_err(|e| e.to_string())?;
    client
        .read_tls(&mut Cursor::new(&buf))
        .map_err(|e| e.to_string())?;
    let client_result = client
        .process_new_packets()
        .map(|_| ())
        .map_err(|e| format!("controller: {e}"));
    server_result.and(client_result)
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
