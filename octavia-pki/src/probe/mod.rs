//! Probing running amphorae as the controllers do, and saying why each one
//! fails.
//!
//! [`probe`] connects to each [`Target`] with the controllers' identity
//! ([`ControllerIdentity`]: the client bundle and every certificate of the
//! server CA file, as `[haproxy_amphora] client_cert` and `server_ca` give
//! them to Octavia), verifies the amphora's certificate with OpenSSL's rules
//! (the verifier the rehearsal uses) and the amphora id as host name, asks the
//! agent `GET /`, and checks that the agent refuses a connection without a
//! client certificate. Each amphora gets one status, a code of
//! [`crate::codes::probe`], instead of Octavia's "contacting the amphora timed
//! out". Connections run concurrently (tokio), each amphora bounded by
//! [`ProbeOptions::timeout`].
//!
//! ```no_run
//! use octavia_pki::probe::{ControllerIdentity, ProbeOptions, Target, probe};
//! use octavia_pki::Sources;
//!
//! let identity = ControllerIdentity::read(&Sources::in_dir("/etc/kolla/octavia-worker".as_ref(), None)?)?;
//! let targets = vec!["0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f@10.1.0.17".parse::<Target>()?];
//! let report = probe(&identity, &targets, &ProbeOptions::default())?;
//! for amphora in &report.targets {
//!     println!("{} {}", amphora.status, amphora.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod connect;
mod fds;
mod reorder;
mod report;
mod target;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use crate::bundle::ClientBundle;
use crate::cert::Certificate;
use crate::codes::Severity;
use crate::deployers::{Deployer, Layout};
use crate::error::{Error, Result};
use crate::housekeeping::CertRotation;
use crate::model::{read_bundle, read_certificates};
use crate::sources::{Role, Sources};
use crate::x509::Purpose;
use crate::x509::tls::{OpenSslVerifier, client_certificate, presented, provider};
pub use fds::{Concurrency, RESERVED_FDS, concurrency};
pub use report::{AmphoraCertificate, AmphoraReport, Anonymous, HousekeepingReport, ProbeReport};
pub use target::{
    AGENT_PORT, AmphoraList, AmphoraTargets, Record, Target, TargetError, read_amphora_json,
    targets_from_amphora_json,
};

/// Default of `--timeout`, per amphora.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of `--concurrency`.
pub const DEFAULT_CONCURRENCY: usize = 64;
/// Default of `--warn-days`: housekeeping rotates certificates 14 days before
/// they expire, so one a week from expiry was missed.
pub const DEFAULT_WARN_DAYS: u32 = 7;

/// How to probe.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProbeOptions {
    /// How many amphorae at once.
    pub concurrency: usize,
    /// The most one amphora may take, every connection included.
    pub timeout: Duration,
    /// Certificates expiring within this many days get a warning.
    pub warn_days: u32,
    /// Also check that the agent refuses a connection without a client certificate.
    pub anonymous_check: bool,
    /// The time to judge validity at (now, when `None`).
    pub now: Option<OffsetDateTime>,
    /// The work directory's history ([`crate::history`]): amphorae created
    /// before a client CA change are flagged with their deadline.
    pub history: Vec<crate::history::HistoryEntry>,
    /// How housekeeping rotates amphora certificates (octavia.conf's
    /// options, or Octavia's defaults): a certificate it should have
    /// replaced gets [`crate::codes::probe::HOUSEKEEPING_NOT_ROTATING`].
    pub rotation: CertRotation,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
            warn_days: DEFAULT_WARN_DAYS,
            anonymous_check: true,
            now: None,
            history: Vec::new(),
            rotation: CertRotation::default(),
        }
    }
}

/// Who the probe connects as: what a controller's Octavia has.
pub struct ControllerIdentity {
    /// The directory the files were read from.
    pub dir: PathBuf,
    /// Its layout.
    pub layout: Layout,
    /// Whose set it is ([`Sources::deployer`]): the words for its services.
    pub deployer: &'static Deployer,
    bundle: ClientBundle,
    server_ca: Vec<Certificate>,
}

impl std::fmt::Debug for ControllerIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControllerIdentity")
            .field("dir", &self.dir)
            .field("layout", &self.layout)
            .field("client", &self.bundle.certificate.subject())
            .field("server_ca", &self.server_ca.len())
            .finish_non_exhaustive()
    }
}

impl ControllerIdentity {
    /// Reads the client bundle and the server CA file `sources` names (a
    /// deployed directory, `/etc/kolla/config/octavia`, or a controller's
    /// `/etc/kolla/octavia-worker`). No passphrase is needed.
    pub fn read(sources: &Sources) -> Result<Self> {
        if !sources.named_by_options() {
            crate::fsio::require_dir(&sources.dir)?;
        }
        let vault = sources.vault_password.as_ref();
        Ok(Self {
            dir: sources.dir.clone(),
            layout: sources.layout,
            deployer: sources.deployer(),
            bundle: read_bundle(sources.path(Role::ClientCert), vault)?,
            server_ca: read_certificates(sources.path(Role::ServerCa), vault)?,
        })
    }

    /// The controllers' client certificate.
    pub fn client_certificate(&self) -> &Certificate {
        &self.bundle.certificate
    }

    /// The trust anchors: every certificate of the server CA file.
    pub fn server_ca(&self) -> &[Certificate] {
        &self.server_ca
    }

    /// Housekeeping as the set's deployer runs it, rotating by `rotation`.
    pub fn housekeeping(&self, rotation: &CertRotation) -> HousekeepingReport {
        HousekeepingReport::new(rotation.clone(), self.deployer)
    }
}

/// Probes every target; see the module docs.
pub fn probe(
    identity: &ControllerIdentity,
    targets: &[Target],
    options: &ProbeOptions,
) -> Result<ProbeReport> {
    probe_with_progress(identity, targets, options, &|_| {})
}

/// How far a probe is, reported as each amphora finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeProgress {
    /// Amphorae finished.
    pub done: usize,
    /// Amphorae to probe.
    pub total: usize,
    /// Of those finished, how many got an error status.
    pub failed: usize,
}

/// [`probe`], calling `progress` as each amphora finishes.
pub fn probe_with_progress(
    identity: &ControllerIdentity,
    targets: &[Target],
    options: &ProbeOptions,
    progress: &(dyn Fn(ProbeProgress) + Sync),
) -> Result<ProbeReport> {
    let mut reports = Vec::with_capacity(targets.len());
    let tally = probe_each(
        identity,
        targets.iter().cloned(),
        targets.len(),
        options,
        progress,
        &mut |report| {
            reports.push(report);
            Ok(())
        },
    )?;
    Ok(ProbeReport {
        dir: identity.dir.clone(),
        housekeeping: Some(identity.housekeeping(&options.rotation)),
        targets: reports,
        summary: tally.summary,
    })
}

/// What a probe found besides each amphora's report ([`probe_each`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeTally {
    /// How many amphorae got each status.
    pub summary: BTreeMap<String, usize>,
    /// How many got an error status.
    pub errors: usize,
    /// How many could not be tested on this host
    /// ([`crate::codes::probe::COULD_NOT_RUN`]).
    pub not_tested: usize,
    /// How many were probed at once: the concurrency asked for, or fewer
    /// under the file-descriptor limit ([`concurrency`]).
    pub concurrency: usize,
}

impl ProbeTally {
    fn count(&mut self, report: &AmphoraReport) {
        *self
            .summary
            .entry(report.status.id().to_owned())
            .or_insert(0) += 1;
        self.errors += usize::from(report.severity == Severity::Error);
        self.not_tested += usize::from(crate::codes::probe::COULD_NOT_RUN.contains(&report.status));
    }
}

/// [`probe`] for any number of amphorae, in memory that does not grow with
/// them: the targets are taken from `targets` as they are probed (`total` of
/// them, for `progress`), at most `options.concurrency` at once, or fewer
/// when the file-descriptor limit allows fewer connections ([`concurrency`]);
/// each amphora's report is handed to `each` once it and every report before
/// it are done, in the order of `targets`. An error from `each` stops the
/// probe and is returned.
pub fn probe_each(
    identity: &ControllerIdentity,
    targets: impl IntoIterator<Item = Target>,
    total: usize,
    options: &ProbeOptions,
    progress: &(dyn Fn(ProbeProgress) + Sync),
    each: &mut dyn FnMut(AmphoraReport) -> Result<()>,
) -> Result<ProbeTally> {
    if options.concurrency == 0 || options.timeout.is_zero() {
        return Err(Error::InvalidValue {
            what: "concurrency and timeout".into(),
            why: "the concurrency and the timeout must be more than 0".into(),
        });
    }
    let at_once = concurrency(options.concurrency)?.allowed;
    let shared = Arc::new(shared(identity, options)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Local(format!("cannot start the probe's runtime: {e}")))?;
    let mut tally = ProbeTally {
        concurrency: at_once,
        ..ProbeTally::default()
    };
    let run = Run {
        runtime: &runtime,
        shared,
        at_once,
        total,
        progress,
    };
    let outcome = run.drive(targets.into_iter(), &mut |report| {
        tally.count(&report);
        each(report)
    });
    // A name lookup may still run on a blocking thread: not waited for.
    runtime.shutdown_background();
    outcome.map(|()| tally)
}

/// One probe's runtime and settings.
struct Run<'a> {
    runtime: &'a tokio::runtime::Runtime,
    shared: Arc<connect::Shared>,
    at_once: usize,
    total: usize,
    progress: &'a (dyn Fn(ProbeProgress) + Sync),
}

impl Run<'_> {
    /// Keeps `at_once` amphorae in flight and hands their reports over in
    /// order. The targets are taken, and the reports handed over, on this
    /// thread: the runtime's threads only probe.
    fn drive(
        &self,
        targets: impl Iterator<Item = Target>,
        each: &mut dyn FnMut(AmphoraReport) -> Result<()>,
    ) -> Result<()> {
        let mut targets = targets.enumerate();
        let mut running = tokio::task::JoinSet::new();
        // Each task's target: a probe that panicked is a bug, reported as
        // its amphora's failure, and must not take the others with it.
        let mut in_flight = std::collections::HashMap::new();
        let mut order = reorder::Reorder::new();
        let (mut done, mut failed) = (0, 0);
        loop {
            while running.len() < self.at_once {
                let Some((index, target)) = targets.next() else {
                    break;
                };
                let (shared, probed) = (self.shared.clone(), target.clone());
                let task = running.spawn_on(
                    async move { connect::probe(&shared, &probed).await },
                    self.runtime.handle(),
                );
                in_flight.insert(task.id(), (index, target));
            }
            let Some(finished) = self.runtime.block_on(running.join_next_with_id()) else {
                break;
            };
            let (id, report) = match finished {
                Ok((id, report)) => (id, Some(report)),
                Err(e) => (e.id(), None),
            };
            let (index, target) = in_flight
                .remove(&id)
                .expect("every task's target is kept until it ends");
            let report = report.unwrap_or_else(|| {
                let mut r = AmphoraReport::new(&target);
                r.set(
                    crate::codes::probe::TLS_FAILURE,
                    "the probe of this amphora failed internally".into(),
                );
                r
            });
            done += 1;
            failed += usize::from(report.severity == Severity::Error);
            order.push(index, report, each)?;
            (self.progress)(ProbeProgress {
                done,
                total: self.total,
                failed,
            });
        }
        debug_assert_eq!(order.waiting(), 0, "every report was handed over");
        Ok(())
    }
}

/// The TLS settings of the controllers, once for every connection.
fn shared(identity: &ControllerIdentity, options: &ProbeOptions) -> Result<connect::Shared> {
    let provider = provider();
    let now = options.now.unwrap_or_else(OffsetDateTime::now_utc);
    let tls_setup = |e: rustls::Error| Error::Internal {
        detail: format!("TLS setup: {e}"),
    };
    // Replaced per connection: each records what its amphora presented.
    let placeholder = || {
        Arc::new(OpenSslVerifier::new(
            &identity.server_ca,
            Purpose::TlsServer,
            None,
            now,
            false,
        ))
    };
    let builder = || {
        rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
            .map_err(tls_setup)
    };
    let bundle = &identity.bundle;
    let mut authenticated = builder()?
        .dangerous()
        .with_custom_certificate_verifier(placeholder())
        .with_client_cert_resolver(
            client_certificate(
                presented(&bundle.certificate, &bundle.chain, &identity.server_ca),
                &bundle.key,
                &provider,
            )
            .map_err(|e| Error::InvalidValue {
                what: "client key".into(),
                why: format!("the client key cannot be used: {e}"),
            })?,
        );
    let mut anonymous = builder()?
        .dangerous()
        .with_custom_certificate_verifier(placeholder())
        .with_no_client_auth();
    // Every connection verifies afresh: a resumed session skips verification.
    authenticated.resumption = rustls::client::Resumption::disabled();
    anonymous.resumption = rustls::client::Resumption::disabled();
    Ok(connect::Shared {
        authenticated,
        anonymous,
        anchors: identity.server_ca.clone(),
        now,
        timeout: options.timeout,
        warn_days: options.warn_days,
        anonymous_check: options.anonymous_check,
        history: options.history.clone(),
        rotation: options.rotation.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_back_as_written() {
        let target: Target = "0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f@192.0.2.10"
            .parse()
            .unwrap();
        let mut refused = AmphoraReport::new(&target);
        refused.set(crate::codes::probe::CONNECT_REFUSED, "refused".into());
        let report = ProbeReport {
            dir: PathBuf::from("/etc/kolla/config/octavia"),
            housekeeping: None,
            targets: vec![AmphoraReport::new(&target), refused],
            summary: BTreeMap::from([("ok".to_owned(), 1), ("connect-refused".to_owned(), 1)]),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("probe.json");
        std::fs::write(&path, serde_json::to_vec(&report).unwrap()).unwrap();
        let read = ProbeReport::read(&path, None).unwrap();
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            serde_json::to_value(&report).unwrap()
        );
        assert_eq!(
            read.targets[1].fix,
            crate::codes::probe::CONNECT_REFUSED.info().fix
        );
        assert!(read.has_errors());
    }
}
