//! `--format prometheus`: the node_exporter textfile collector's format
//! (Prometheus text exposition, with HELP and TYPE lines and escaped label
//! values, written by the `prometheus-client` crate), for `expiry` and `probe`.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use octavia_pki::Error;
use octavia_pki::expiry::ExpiryReport;
use octavia_pki::probe::{AmphoraReport, ProbeTally};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::DescriptorEncoder;
use prometheus_client::encoding::text::encode_registry;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::output::Spool;

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

    /// A gauge with its samples (one per label set: the last one given).
    fn gauge(&mut self, name: &str, help: &str, samples: impl IntoIterator<Item = (Labels, f64)>) {
        let mut kept: Vec<(Labels, f64)> = Vec::new();
        for (labels, value) in samples {
            match kept.iter_mut().find(|(l, _)| *l == labels) {
                Some(sample) => sample.1 = value,
                None => kept.push((labels, value)),
            }
        }
        self.registry.register_collector(Box::new(Samples {
            name: name.to_owned(),
            help: help.to_owned(),
            samples: kept,
        }));
    }

    /// The text (a help text ends without a full stop: the encoder adds one),
    /// with the run's own metrics: when, how long, and whether it
    /// could read everything it was given.
    pub fn finish(self, success: bool) -> Result<String, Error> {
        let mut text = String::new();
        self.finish_into(success, &mut text)?;
        Ok(text)
    }

    /// [`Metrics::finish`], written to `out` as it is encoded.
    fn finish_into(mut self, success: bool, out: &mut dyn std::fmt::Write) -> Result<(), Error> {
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
        encode_registry(&mut &mut *out, &self.registry)
            .map_err(|e| Error::internal(format!("cannot encode the metrics: {e}")))
    }
}

/// A gauge's samples, encoded as the registry's other metrics are, in the
/// order the gauges were made (a registry encodes its collectors after its
/// metrics: every gauge here is one).
#[derive(Debug)]
struct Samples {
    name: String,
    help: String,
    samples: Vec<(Labels, f64)>,
}

impl Collector for Samples {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        // As a registry leaves out a family without samples.
        if self.samples.is_empty() {
            return Ok(());
        }
        let mut metric =
            encoder.encode_descriptor(&self.name, &self.help, None, MetricType::Gauge)?;
        for (labels, value) in &self.samples {
            metric.encode_family(labels)?.encode_gauge(value)?;
        }
        Ok(())
    }
}

/// A gauge with one sample per amphora, put aside on disk ([`Spool`]) as
/// the probe goes and encoded at its end: its memory does not grow with the
/// amphorae. A label set given twice (an amphora listed twice) keeps its
/// first sample: the textfile collector refuses a file that repeats one.
struct SpooledGauge {
    name: &'static str,
    help: &'static str,
    spool: Spool,
    /// A hash of each label set given, to find repeats.
    seen: HashSet<u64>,
}

impl SpooledGauge {
    fn new(name: &'static str, help: &'static str) -> Result<Self, Error> {
        Ok(Self {
            name,
            help,
            spool: Spool::new()?,
            seen: HashSet::new(),
        })
    }

    fn sample(&mut self, labels: Labels, value: f64) -> Result<(), Error> {
        let mut hasher = std::hash::DefaultHasher::new();
        labels.hash(&mut hasher);
        if !self.seen.insert(hasher.finish()) {
            return Ok(());
        }
        let line = serde_json::to_string(&(labels, value))
            .map_err(|e| Error::internal(format!("cannot encode the metrics: {e}")))?;
        self.spool.line(&line)
    }
}

/// A [`SpooledGauge`], read back as it is encoded.
struct SpooledSamples(std::sync::Mutex<SpooledGauge>);

impl std::fmt::Debug for SpooledSamples {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpooledSamples").finish_non_exhaustive()
    }
}

impl Collector for SpooledSamples {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut gauge = self.0.lock().map_err(|_| std::fmt::Error)?;
        if gauge.seen.is_empty() {
            return Ok(());
        }
        let (name, help) = (gauge.name, gauge.help);
        let mut metric = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
        for line in gauge.spool.lines().map_err(|_| std::fmt::Error)? {
            let line = line.map_err(|_| std::fmt::Error)?;
            let (labels, value): (Labels, f64) =
                serde_json::from_str(&line).map_err(|_| std::fmt::Error)?;
            metric.encode_family(&labels)?.encode_gauge(&value)?;
        }
        Ok(())
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

/// `probe --format prometheus`, made one amphora at a time: the samples of
/// each wait on disk, and every metric is written at the end, as it is
/// encoded.
pub struct ProbeMetrics {
    started: Instant,
    status: SpooledGauge,
    not_after: SpooledGauge,
    rotation_due: SpooledGauge,
    issuer_index: SpooledGauge,
    created: SpooledGauge,
    /// The amphorae the list gave no `created_at` for.
    created_unknown: u64,
}

impl ProbeMetrics {
    /// The metrics of a probe that started at `started`.
    pub fn new(started: Instant) -> Result<Self, Error> {
        Ok(Self {
            started,
            status: SpooledGauge::new(
                "octavia_pki_amphora_status",
                "1 for each amphora, labelled with the status the probe gave it (`octavia-pki explain STATUS`)",
            )?,
            not_after: SpooledGauge::new(
                "octavia_pki_amphora_certificate_not_after_seconds",
                "When the certificate each amphora serves expires (Unix time)",
            )?,
            rotation_due: SpooledGauge::new(
                "octavia_pki_amphora_certificate_rotation_due_seconds",
                "When housekeeping takes the certificate each amphora serves for rotation (Unix time): [house_keeping] cert_expiry_buffer before it expires; still served well after, housekeeping is not rotating",
            )?,
            issuer_index: SpooledGauge::new(
                "octavia_pki_amphora_issuer_index",
                "Which certificate of the server CA file issued the amphora's: 0 is the one Octavia issues with now",
            )?,
            created: SpooledGauge::new(
                "octavia_pki_amphora_created_seconds",
                "When each amphora was created (Unix time), from the amphora list's created_at: it holds the client CA certificate of that day",
            )?,
            created_unknown: 0,
        })
    }

    /// One amphora's samples.
    pub fn amphora(&mut self, t: &AmphoraReport) -> Result<(), Error> {
        let id = t.amphora_id.as_deref().unwrap_or_default();
        self.status.sample(
            labels([
                ("amphora_id", id),
                ("address", t.address.as_deref().unwrap_or("")),
                ("status", t.status.id()),
                ("severity", &t.severity.to_string()),
            ]),
            1.0,
        )?;
        if let Some(not_after) = t.certificate.as_ref().and_then(|c| parsed(&c.not_after)) {
            self.not_after
                .sample(labels([("amphora_id", id)]), seconds(not_after))?;
        }
        if let Some(due) = t.certificate.as_ref().and_then(|c| parsed(&c.rotation_due)) {
            self.rotation_due
                .sample(labels([("amphora_id", id)]), seconds(due))?;
        }
        if let Some(index) = t.issuer_index {
            self.issuer_index
                .sample(labels([("amphora_id", id)]), index as f64)?;
        }
        match t.record.as_ref().and_then(|r| r.created_at) {
            Some(created) => self
                .created
                .sample(labels([("amphora_id", id)]), seconds(created))?,
            None => self.created_unknown += 1,
        }
        Ok(())
    }

    /// Every metric, written to `out`; the run succeeded when every amphora
    /// could be tested.
    pub fn write(self, tally: &ProbeTally, out: &mut dyn std::fmt::Write) -> Result<(), Error> {
        let mut m = Metrics::new("probe", self.started);
        for gauge in [
            self.status,
            self.not_after,
            self.rotation_due,
            self.issuer_index,
            self.created,
        ] {
            m.registry
                .register_collector(Box::new(SpooledSamples(std::sync::Mutex::new(gauge))));
        }
        m.gauge(
            "octavia_pki_amphorae_created_unknown",
            "How many amphorae the list gave no created_at for (`amphora list` gives none, `amphora show` does): whether they predate a client CA change is unknown",
            [(Labels::new(), self.created_unknown as f64)],
        );
        m.gauge(
            "octavia_pki_amphorae",
            "How many amphorae got each status",
            tally
                .summary
                .iter()
                .map(|(status, n)| (labels([("status", status)]), *n as f64)),
        );
        m.finish_into(tally.not_tested == 0, out)
    }
}
