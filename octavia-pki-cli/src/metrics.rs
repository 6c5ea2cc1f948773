//! `--format prometheus`: the node_exporter textfile collector's format
//! (Prometheus text exposition, with HELP and TYPE lines and escaped label
//! values, written by the `prometheus-client` crate), for `expiry` and `probe`.

use std::sync::atomic::AtomicU64;
use std::time::Instant;

use octavia_pki::Error;
use octavia_pki::expiry::ExpiryReport;
use octavia_pki::probe::ProbeReport;
use prometheus_client::encoding::text::encode_registry;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A sample's labels, in order.
type Labels = Vec<(String, String)>;

/// The metrics of one run of one command.
pub struct Metrics {
    registry: Registry,
    command: &'static str,
    started: Instant,
}

impl Metrics {
    /// Metrics of `command`, whose run started at `started`.
    pub fn new(command: &'static str, started: Instant) -> Self {
        Self {
            registry: Registry::default(),
            command,
            started,
        }
    }

    /// A gauge with its samples.
    fn gauge(&mut self, name: &str, help: &str, samples: impl IntoIterator<Item = (Labels, f64)>) {
        let family = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        for (labels, value) in samples {
            family.get_or_create(&labels).set(value);
        }
        self.registry.register(name, help, family);
    }

    /// The text (a help text ends without a full stop: the encoder adds one),
    /// with the run's own metrics: when, how long, and whether it
    /// could read everything it was given.
    pub fn finish(mut self, success: bool) -> Result<String, Error> {
        let command = vec![("command".to_owned(), self.command.to_owned())];
        let now = OffsetDateTime::now_utc();
        self.gauge(
            "octavia_pki_run_timestamp_seconds",
            "When octavia-pki made these metrics (Unix time)",
            [(command.clone(), seconds(now))],
        );
        self.gauge(
            "octavia_pki_run_duration_seconds",
            "How long the run took",
            [(command.clone(), self.started.elapsed().as_secs_f64())],
        );
        self.gauge(
            "octavia_pki_run_success",
            "1 when the run could read everything it was given, 0 when not",
            [(command, if success { 1.0 } else { 0.0 })],
        );
        let mut text = String::new();
        encode_registry(&mut text, &self.registry)
            .map_err(|e| Error::InvalidOptions(format!("cannot encode the metrics: {e}")))?;
        Ok(text)
    }
}

/// Label values come from certificates and amphora lists: what a line-based
/// format or a dashboard would show raw (controls, U+202E) is written as an
/// escape, as every line for a person is.
fn labels<const N: usize>(pairs: [(&str, &str); N]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                octavia_pki::text::escape_controls(v).into_owned(),
            )
        })
        .collect()
}

/// Unix time, in seconds.
fn seconds(t: OffsetDateTime) -> f64 {
    t.unix_timestamp() as f64
}

fn parsed(rfc3339: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(rfc3339, &Rfc3339).ok()
}

/// `expiry --format prometheus`.
pub fn expiry(report: &ExpiryReport, started: Instant) -> Result<String, Error> {
    let mut m = Metrics::new("expiry", started);
    m.gauge(
        "octavia_pki_certificate_not_after_seconds",
        "When each deployed and CA certificate expires (Unix time)",
        report
            .entries
            .iter()
            .filter(|e| e.role != octavia_pki::expiry::DEADLINE_ROLE)
            .filter_map(|e| {
                let not_after = parsed(e.not_after.as_deref()?)?;
                let subject = e.subject.as_deref().unwrap_or("");
                let l = labels([("file", &e.file), ("role", e.role), ("subject", subject)]);
                Some((l, seconds(not_after)))
            }),
    );
    m.gauge(
        "octavia_pki_certificate_not_before_seconds",
        "When each certificate not yet valid at the run becomes valid (Unix time): OpenSSL refuses it until then (none for a certificate already valid)",
        report.entries.iter().filter_map(|e| {
            let not_before = parsed(e.not_before.as_deref()?)?;
            let subject = e.subject.as_deref().unwrap_or("");
            let l = labels([("file", &e.file), ("role", e.role), ("subject", subject)]);
            Some((l, seconds(not_before)))
        }),
    );
    // Every client CA change, its deadline passed or not: with the probe's
    // octavia_pki_amphora_created_seconds they say whether amphorae created
    // before it still run, which is what the alert rules need.
    let changes = || {
        report.client_ca_changes.iter().filter_map(|c| {
            let l = labels([("created_before", &c.at)]);
            Some((l, parsed(&c.at)?, parsed(&c.amphorae_deadline)?))
        })
    };
    m.gauge(
        "octavia_pki_amphorae_deadline_seconds",
        "When amphorae created before a client CA change stop accepting the controllers, at the latest (Unix time), ahead or passed: each must be failed over by then",
        changes().map(|(l, _, deadline)| (l, seconds(deadline))),
    );
    m.gauge(
        "octavia_pki_client_ca_change_seconds",
        "When the client CA changed (Unix time; the created_before label as a number): amphorae created before hold an older client CA certificate",
        changes().map(|(l, at, _)| (l, seconds(at))),
    );
    // A file is readable when none of its entries has an error.
    let mut files: std::collections::BTreeMap<&str, bool> = std::collections::BTreeMap::new();
    for e in &report.entries {
        *files.entry(&e.file).or_insert(true) &= e.error.is_none();
    }
    m.gauge(
        "octavia_pki_file_readable",
        "1 when the file could be read, 0 when not",
        files
            .iter()
            .map(|(f, ok)| (labels([("file", f)]), if *ok { 1.0 } else { 0.0 })),
    );
    m.gauge(
        "octavia_pki_expiry_status",
        "The overall status, as the Nagios plugin's exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
        [(Labels::new(), f64::from(report.status.nagios_code()))],
    );
    let success = report.entries.iter().all(|e| e.error.is_none());
    m.finish(success)
}

/// `probe --format prometheus`.
pub fn probe(report: &ProbeReport, started: Instant) -> Result<String, Error> {
    let mut m = Metrics::new("probe", started);
    let id = |t: &octavia_pki::probe::AmphoraReport| t.amphora_id.clone().unwrap_or_default();
    m.gauge(
        "octavia_pki_amphora_status",
        "1 for each amphora, labelled with the status the probe gave it (`octavia-pki explain STATUS`)",
        report.targets.iter().map(|t| {
            let l = labels([
                ("amphora_id", &id(t)),
                ("address", t.address.as_deref().unwrap_or("")),
                ("status", t.status.id()),
                ("severity", &t.severity.to_string()),
            ]);
            (l, 1.0)
        }),
    );
    m.gauge(
        "octavia_pki_amphora_certificate_not_after_seconds",
        "When the certificate each amphora serves expires (Unix time)",
        report.targets.iter().filter_map(|t| {
            let not_after = parsed(&t.certificate.as_ref()?.not_after)?;
            Some((labels([("amphora_id", &id(t))]), seconds(not_after)))
        }),
    );
    m.gauge(
        "octavia_pki_amphora_issuer_index",
        "Which certificate of the server CA file issued the amphora's: 0 is the one Octavia issues with now",
        report.targets.iter().filter_map(|t| {
            Some((labels([("amphora_id", &id(t))]), t.issuer_index? as f64))
        }),
    );
    m.gauge(
        "octavia_pki_amphora_created_seconds",
        "When each amphora was created (Unix time), from the amphora list's created_at: it holds the client CA certificate of that day",
        report.targets.iter().filter_map(|t| {
            let created = t.record.as_ref()?.created_at?;
            Some((labels([("amphora_id", &id(t))]), seconds(created)))
        }),
    );
    m.gauge(
        "octavia_pki_amphorae_created_unknown",
        "How many amphorae the list gave no created_at for (`amphora list` gives none, `amphora show` does): whether they predate a client CA change is unknown",
        [(
            Labels::new(),
            report
                .targets
                .iter()
                .filter(|t| t.record.as_ref().and_then(|r| r.created_at).is_none())
                .count() as f64,
        )],
    );
    m.gauge(
        "octavia_pki_amphorae",
        "How many amphorae got each status",
        report
            .summary
            .iter()
            .map(|(status, n)| (labels([("status", status)]), *n as f64)),
    );
    m.finish(true)
}
