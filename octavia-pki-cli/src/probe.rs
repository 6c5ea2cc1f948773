//! `octavia-pki probe`.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use octavia_pki::codes::Severity;
use octavia_pki::fsio::{self, FsError};
use octavia_pki::probe::{
    self, AGENT_PORT, AmphoraList, AmphoraReport, ControllerIdentity, HousekeepingReport,
    ProbeOptions, ProbeTally, Target,
};
use octavia_pki::text;
use octavia_pki::{Error, Passphrase};

use crate::output;
use crate::target::TargetArgs;

#[derive(Args)]
#[command(after_help = "\
Connects to each amphora as the controllers do: the client bundle and every certificate of the server \
CA file from --dir, the amphora id as host name, OpenSSL's verification; then GET / must answer as the \
amphora agent, and a second connection without a client certificate must be refused. Each amphora \
gets one status; `octavia-pki explain STATUS` gives its cause and fix.

Targets: AMPHORA_ID@HOST[:PORT] or HOST[:PORT] (IPv6 as [ADDRESS]), and/or --amphorae FILE with the JSON \
of `openstack loadbalancer amphora list -f json`, or of one or more `amphora show -f json` one after the \
other (only `show` gives created_at, which --work-dir's deadlines need: `openstack loadbalancer amphora \
list -f value -c id | xargs -n1 openstack loadbalancer amphora show -f json`); - reads standard input.

The report is written as the amphorae answer, in the order given, in memory that does not grow with \
their number; at most --concurrency at once, and fewer when the file-descriptor limit (`ulimit -n`) \
does not allow as many connections (said on standard error). An amphora this host could not test \
(local-resources-exhausted, local-name-unresolved) is never called for a failover.

Exit status: 0 every amphora ok or only warned, 1 an error status, 2 the probe could not run, or \
could not test some amphora on this host (and none got an error status).")]
pub struct ProbeArgs {
    /// Amphorae to probe: AMPHORA_ID@HOST[:PORT] or HOST[:PORT].
    #[arg(value_name = "TARGET")]
    targets: Vec<String>,

    /// The amphorae as `openstack loadbalancer amphora list -f json` or `amphora show -f json`
    /// (one or more) print them (- for stdin).
    #[arg(long, value_name = "FILE")]
    amphorae: Option<PathBuf>,

    /// The controllers' files (the client bundle and the server CA file; no passphrase needed)
    /// and the CA work directory, whose history flags amphorae created before a client CA
    /// change (needs created_at, from --amphorae).
    #[command(flatten)]
    set: TargetArgs,

    #[command(flatten)]
    _passphrase: crate::check::PassphraseArgs,

    /// The agent's port, where a target names none.
    #[arg(long, value_name = "N", default_value_t = AGENT_PORT)]
    port: u16,

    /// How many amphorae at once.
    #[arg(long, value_name = "N", default_value_t = probe::DEFAULT_CONCURRENCY as u64,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    concurrency: u64,

    /// The most one amphora may take, in seconds (both connections).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    timeout: Duration,

    /// Warn about amphora certificates that expire within this many days.
    #[arg(long, value_name = "N", default_value_t = probe::DEFAULT_WARN_DAYS)]
    warn_days: u32,

    /// Skip the second connection, without a client certificate, that the agent must refuse.
    #[arg(long)]
    no_anonymous_check: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ProbeFormat,

    /// Write the report (json, prometheus) to FILE instead, replaced atomically: for
    /// node_exporter's textfile collector, FILE is `<its directory>/octavia-pki-probe.prom`.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Output formats of `probe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProbeFormat {
    /// Text for a person.
    Human,
    /// One JSON document, for Ansible, other tooling and `rotate finish --probe-report`.
    Json,
    /// Prometheus metrics, for node_exporter's textfile collector.
    Prometheus,
}

fn seconds(text: &str) -> Result<Duration, String> {
    let s: f64 = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number of seconds"))?;
    if !(0.001..=3600.0).contains(&s) {
        return Err("the timeout must be from 0.001 to 3600 seconds".into());
    }
    Ok(Duration::from_secs_f64(s))
}

/// How a probe ended, for its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every amphora ok, or only warned.
    Clean,
    /// An amphora got an error status.
    Errors,
    /// No error, but some amphorae could not be tested on this host.
    NotWhole,
}

/// Runs the probe, writing the report as the amphorae answer.
pub fn run(args: ProbeArgs, vault: Option<&Passphrase>) -> Result<Outcome, Error> {
    let started = std::time::Instant::now();
    if args.output.is_some() && args.format == ProbeFormat::Human {
        return Err(Error::usage(
            "--output writes a machine format: give --format json or prometheus".into(),
        ));
    }
    let mut targets = Vec::new();
    for text in &args.targets {
        targets.push(Target::parse(text, args.port).map_err(|e| Error::usage(e.to_string()))?);
    }
    let list = match &args.amphorae {
        Some(file) => Some(read_amphora_list(file, args.port, vault)?),
        None => None,
    };
    let total = targets.len() + list.as_ref().map_or(0, AmphoraList::len);
    // An amphora list that lists none is a cloud without amphorae (yet): a
    // probe of nothing, which monitoring reads as all well.
    if total == 0 && args.amphorae.is_none() {
        return Err(Error::usage(
            "no amphora to probe: give TARGETs or --amphorae FILE".into(),
        ));
    }
    let target = args.set.target();
    let opened = target.open(vault)?;
    let identity = ControllerIdentity::read(&opened.sources)?;
    let mut options = ProbeOptions::default();
    options.rotation = target.cert_rotation(vault)?;
    options.concurrency = usize::try_from(args.concurrency).unwrap_or(usize::MAX);
    options.timeout = args.timeout;
    options.warn_days = args.warn_days;
    options.anonymous_check = !args.no_anonymous_check;
    if let Some(work_dir) = args.set.work_dir() {
        options.history = octavia_pki::history::read_history(work_dir, vault)?;
    }
    let mut list_targets = list
        .as_ref()
        .map(AmphoraList::targets)
        .transpose()
        .map_err(|e| list_error(args.amphorae.as_deref(), &e))?;
    let all = targets.into_iter().chain(list_targets.iter_mut().flatten());
    let mut out = output::ReportOut::open(args.output.as_deref())?;
    let housekeeping = identity.housekeeping(&options.rotation);
    let mut report: Box<dyn Report> = match args.format {
        ProbeFormat::Human => Box::new(Human::new(housekeeping)?),
        ProbeFormat::Json => Box::new(Json {
            written: 0,
            housekeeping,
        }),
        ProbeFormat::Prometheus => Box::new(crate::metrics::ProbeMetrics::new(started)?),
    };
    // Measured once everything this run holds open is open.
    let allowed = probe::concurrency(options.concurrency)
        .map_err(|e| Error::Local(format!("{e} (`ulimit -n`; LimitNOFILE= in a systemd unit)")))?;
    if allowed.allowed < options.concurrency.min(total) {
        eprintln!(
            "octavia-pki: notice: probing {} amphorae at once, not {}: the file-descriptor limit \
             (`ulimit -n`) is {}, {} are open and {} kept for the rest; raise it to probe more at once",
            allowed.allowed,
            options.concurrency,
            allowed.fd_limit.unwrap_or_default(),
            allowed.open_fds,
            probe::RESERVED_FDS
        );
    }
    options.concurrency = allowed.allowed;
    report.start(&mut out, &identity, total)?;
    let bar = crate::progress::probe(total);
    let tally = probe::probe_each(
        &identity,
        all,
        total,
        &options,
        &|p| {
            bar.set_position(u64::try_from(p.done).unwrap_or(u64::MAX));
            bar.set_message(p.failed.to_string());
        },
        &mut |amphora| report.amphora(&mut out, &amphora),
    );
    bar.finish_and_clear();
    let tally = tally?;
    if let Some(list_targets) = list_targets {
        list_targets
            .finish()
            .map_err(|e| list_error(args.amphorae.as_deref(), &e))?;
    }
    report.finish(&mut out, &tally)?;
    out.finish()?;
    if tally.not_tested > 0 {
        let untested: Vec<&str> = octavia_pki::codes::probe::COULD_NOT_RUN
            .iter()
            .map(|c| c.id())
            .filter(|id| tally.summary.contains_key(*id))
            .collect();
        eprintln!(
            "octavia-pki: {} of {} could not be tested on this host ({}): the fix is here, not a \
             failover; `octavia-pki explain {}`",
            tally.not_tested,
            text::count(total, "amphora", "amphorae"),
            untested.join(", "),
            untested.first().copied().unwrap_or_default()
        );
    }
    Ok(if tally.errors > 0 {
        Outcome::Errors
    } else if tally.not_tested > 0 {
        Outcome::NotWhole
    } else {
        Outcome::Clean
    })
}

/// How the amphora list is named in messages.
/// An amphora list that is not what it must be: a file, named as it was
/// given, or standard input.
fn list_error(file: Option<&std::path::Path>, e: &probe::TargetError) -> Error {
    match file {
        Some(f) if f.as_os_str() != "-" => Error::document(f.to_owned(), e.to_string()),
        _ => Error::usage(format!("standard input: {e}")),
    }
}

/// The amphora list of `--amphorae`, held in a private temporary file and
/// read in bounded memory ([`AmphoraList`]); a vaulted one is decrypted
/// first.
fn read_amphora_list(
    file: &std::path::Path,
    port: u16,
    vault: Option<&Passphrase>,
) -> Result<AmphoraList, Error> {
    let invalid = |e: probe::TargetError| list_error(Some(file), &e);
    if file.as_os_str() == "-" {
        return AmphoraList::read(std::io::stdin().lock(), port).map_err(invalid);
    }
    let read_err = |source: std::io::Error| {
        Error::Fs(if source.kind() == std::io::ErrorKind::PermissionDenied {
            FsError::PermissionDenied {
                path: file.to_owned(),
            }
        } else {
            FsError::Read {
                path: file.to_owned(),
                source,
            }
        })
    };
    if std::fs::metadata(file).map_err(read_err)?.is_dir() {
        return Err(Error::Fs(FsError::NotAFile {
            path: file.to_owned(),
            kind: "a directory",
        }));
    }
    let mut opened = std::fs::File::open(file).map_err(read_err)?;
    let mut head = [0u8; 64];
    let n = opened.read(&mut head).map_err(read_err)?;
    if octavia_pki::vault::is_vaulted(&head[..n]) {
        // Decrypted whole: the vault format is one authenticated block.
        let plain = fsio::read_file_of(file, fsio::FileKind::AmphoraList, vault)?;
        return AmphoraList::read(&plain[..], port).map_err(invalid);
    }
    AmphoraList::read(std::io::Cursor::new(&head[..n]).chain(opened), port).map_err(invalid)
}

/// One format of the report, written as the amphorae are done.
trait Report {
    /// Before the first amphora.
    fn start(
        &mut self,
        out: &mut output::ReportOut,
        identity: &ControllerIdentity,
        total: usize,
    ) -> Result<(), Error>;
    /// One amphora, in the order given.
    fn amphora(&mut self, out: &mut output::ReportOut, t: &AmphoraReport) -> Result<(), Error>;
    /// After the last.
    fn finish(
        self: Box<Self>,
        out: &mut output::ReportOut,
        tally: &ProbeTally,
    ) -> Result<(), Error>;
}

/// `--format json`: the report `output::report_text` would print for the
/// whole [`probe::ProbeReport`], byte for byte, written one amphora at a time.
struct Json {
    written: usize,
    housekeeping: HousekeepingReport,
}

/// `value` as pretty JSON, each line after the first indented by `indent`:
/// as it is printed nested that deep (JSON text never holds a raw line break).
fn nested_json(value: &impl serde::Serialize, indent: &str) -> Result<String, Error> {
    // Escaped as every JSON report is (`output::json_text`).
    let text = output::json_text(value)?;
    Ok(text
        .trim_end_matches('\n')
        .replace('\n', &format!("\n{indent}")))
}

impl Json {
    /// Up to the first report.
    fn head(&self, dir: &std::path::Path) -> Result<String, Error> {
        Ok(format!(
            "{{\n  \"schema_version\": {},\n  \"dir\": {},\n  \"housekeeping\": {},\n  \"targets\": [",
            crate::schema::PROBE.version,
            nested_json(&dir, "  ")?,
            nested_json(&self.housekeeping, "  ")?
        ))
    }

    /// One report, after those before it.
    fn item(&mut self, t: &AmphoraReport) -> Result<String, Error> {
        let separator = if self.written == 0 {
            "\n    "
        } else {
            ",\n    "
        };
        self.written += 1;
        Ok(format!("{separator}{}", nested_json(t, "    ")?))
    }

    /// After the last report.
    fn tail(&self, summary: &std::collections::BTreeMap<String, usize>) -> Result<String, Error> {
        let close = if self.written == 0 { "]" } else { "\n  ]" };
        Ok(format!(
            "{close},\n  \"summary\": {}\n}}\n",
            nested_json(summary, "  ")?
        ))
    }
}

impl Report for Json {
    fn start(
        &mut self,
        out: &mut output::ReportOut,
        identity: &ControllerIdentity,
        _: usize,
    ) -> Result<(), Error> {
        out.write(&self.head(&identity.dir)?)
    }

    fn amphora(&mut self, out: &mut output::ReportOut, t: &AmphoraReport) -> Result<(), Error> {
        let item = self.item(t)?;
        out.write(&item)
    }

    fn finish(
        self: Box<Self>,
        out: &mut output::ReportOut,
        tally: &ProbeTally,
    ) -> Result<(), Error> {
        out.write(&self.tail(&tally.summary)?)
    }
}

impl Report for crate::metrics::ProbeMetrics {
    fn start(
        &mut self,
        _: &mut output::ReportOut,
        _: &ControllerIdentity,
        _: usize,
    ) -> Result<(), Error> {
        Ok(())
    }

    fn amphora(&mut self, _: &mut output::ReportOut, t: &AmphoraReport) -> Result<(), Error> {
        crate::metrics::ProbeMetrics::amphora(self, t)
    }

    fn finish(
        self: Box<Self>,
        out: &mut output::ReportOut,
        tally: &ProbeTally,
    ) -> Result<(), Error> {
        let mut text = output::FmtOut::new(out);
        let encoded = self.write(tally, &mut text);
        text.failure().map_or(encoded, Err)
    }
}

/// `--format human`: the header, then one line per amphora, errors first (as
/// they come: warnings and the rest wait on disk), then per status the fix
/// and the amphorae to act on, then the summary.
struct Human {
    warnings: output::Spool,
    others: output::Spool,
    /// Per severity (error, warning), `STATUS\tline` to act on.
    actions: [output::Spool; 2],
    /// Per severity (error, warning), the statuses in the order first seen.
    statuses: [Vec<octavia_pki::codes::Code>; 2],
    /// Where housekeeping runs and how to look at it, said under the
    /// statuses that come of its not rotating certificates.
    housekeeping: HousekeepingReport,
}

impl Human {
    fn new(housekeeping: HousekeepingReport) -> Result<Self, Error> {
        Ok(Self {
            warnings: output::Spool::new()?,
            others: output::Spool::new()?,
            actions: [output::Spool::new()?, output::Spool::new()?],
            statuses: [Vec::new(), Vec::new()],
            housekeeping,
        })
    }

    /// Housekeeping's service and the deployer's commands to look at it,
    /// with the options the certificates were judged by.
    fn housekeeping_lines(&self) -> Vec<String> {
        let h = &self.housekeeping;
        let mut lines = vec![format!(
            "  Housekeeping here is {}; judged by {}. Look:",
            h.service,
            h.rotation.describe()
        )];
        lines.extend(h.look.iter().map(|l| format!("    {l}")));
        lines
            .push("  Amphorae to fail over if housekeeping cannot rotate them in time:".to_owned());
        lines
    }
}

impl Report for Human {
    fn start(
        &mut self,
        out: &mut output::ReportOut,
        identity: &ControllerIdentity,
        total: usize,
    ) -> Result<(), Error> {
        out.line(&format!(
            "Probed {} as the controllers of {} (client certificate \"{}\", {})",
            text::count(total, "amphora", "amphorae"),
            identity.dir.display(),
            identity.client_certificate().subject(),
            text::count(
                identity.server_ca().len(),
                "server CA certificate",
                "server CA certificates"
            )
        ))
    }

    fn amphora(&mut self, out: &mut output::ReportOut, t: &AmphoraReport) -> Result<(), Error> {
        let line = format!(
            "{:<7}  {:<26}  {}  {}",
            t.severity,
            t.status,
            target_name(t),
            details(t)
        );
        let tier = match t.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => return self.others.line(&line),
        };
        if tier == 0 {
            out.line(&line)?;
        } else {
            self.warnings.line(&line)?;
        }
        if !self.statuses[tier].contains(&t.status) {
            self.statuses[tier].push(t.status);
        }
        // Nothing to fail over where the probe could not test the amphora.
        let act = match &t.amphora_id {
            Some(id) if !octavia_pki::codes::probe::COULD_NOT_RUN.contains(&t.status) => format!(
                "  openstack loadbalancer amphora failover {}",
                text::shell_quote(id)
            ),
            _ => format!("  {}", target_name(t)),
        };
        self.actions[tier].line(&format!("{}\t{act}", t.status.id()))
    }

    fn finish(
        mut self: Box<Self>,
        out: &mut output::ReportOut,
        tally: &ProbeTally,
    ) -> Result<(), Error> {
        for spool in [&mut self.warnings, &mut self.others] {
            for line in spool.lines()? {
                out.line(&line?)?;
            }
        }
        // Each status once: those of errors first, in the order first seen.
        let mut statuses = self.statuses[0].clone();
        for status in &self.statuses[1] {
            if !statuses.contains(status) {
                statuses.push(*status);
            }
        }
        for status in statuses {
            let count = tally.summary.get(status.id()).copied().unwrap_or_default();
            out.line("")?;
            out.line(&format!("{status} ({count}): {}", status.info().fix))?;
            if HOUSEKEEPING_STATUSES.contains(&status) {
                for line in self.housekeeping_lines() {
                    out.line(&line)?;
                }
            }
            for spool in &mut self.actions {
                for line in spool.lines()? {
                    let line = line?;
                    if let Some(act) = line
                        .strip_prefix(status.id())
                        .and_then(|rest| rest.strip_prefix('\t'))
                    {
                        out.line(act)?;
                    }
                }
            }
        }
        let summary: Vec<String> = tally
            .summary
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        out.line("")?;
        if summary.is_empty() {
            return out.line("Summary: the amphora list holds no amphora");
        }
        out.line(&format!("Summary: {}", summary.join(", ")))
    }
}

/// The statuses whose cause is housekeeping that does not rotate amphora
/// certificates: the human report says where it runs under them.
const HOUSEKEEPING_STATUSES: &[octavia_pki::codes::Code] = &[
    octavia_pki::codes::probe::HOUSEKEEPING_NOT_ROTATING,
    octavia_pki::codes::probe::AMPHORA_CERT_EXPIRING,
];

fn target_name(t: &AmphoraReport) -> String {
    let address = match &t.address {
        Some(a) if a.contains(':') => format!("[{a}]:{}", t.port),
        Some(a) => format!("{a}:{}", t.port),
        None => "(no address)".into(),
    };
    match &t.amphora_id {
        Some(id) => format!("{id}@{address}"),
        None => address,
    }
}

fn details(t: &AmphoraReport) -> String {
    let mut parts = Vec::new();
    if !t.message.is_empty() {
        parts.push(t.message.clone());
    }
    if let Some(c) = &t.certificate {
        let issuer = t
            .issuer_index
            .map(|i| format!(", issuer #{i}"))
            .unwrap_or_default();
        let cn = if t.amphora_id.is_none() {
            format!("CN {}, ", c.cn.as_deref().unwrap_or("none"))
        } else {
            String::new()
        };
        parts.push(format!(
            "{cn}certificate until {} ({} days{issuer})",
            &c.not_after[..10.min(c.not_after.len())],
            c.days_left
        ));
    }
    if let Some(v) = &t.tls_version {
        parts.push(v.clone());
    }
    if let Some(v) = &t.api_version {
        parts.push(format!("api {v}"));
    }
    parts.push(format!("{} ms", t.elapsed_ms));
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report written one amphora at a time is the one the whole
    /// report prints, byte for byte, with one amphora and with several.
    #[test]
    fn the_json_written_as_it_goes_is_the_whole_reports() {
        let amphora = |id: &str, status: &str| {
            serde_json::json!({
                "amphora_id": id, "address": "192.0.2.7", "port": 9443, "status": status,
                "severity": "error", "message": "say \"what\"\nagain", "fix": "",
                "certificate": {"cn": id, "san": [id, "192.0.2.7"], "issuer": "CN=ca",
                    "serial": "01", "not_after": "2026-12-20T10:00:00Z", "days_left": 3,
                    "rotation_due": "2026-12-06T10:00:00Z"},
                "issuer_index": 0, "tls_version": "TLSv1.3", "api_version": "1.0",
                "anonymous": "refused", "serves_database_certificate": null,
                "record": {"status": "ALLOCATED", "created_at": "2026-11-20T10:00:00Z"},
                "elapsed_ms": 12
            })
        };
        for targets in [
            vec![amphora("a1", "connect-refused")],
            vec![
                amphora("a1", "ok"),
                amphora("a2", "tls-failure"),
                amphora("é\u{202e}", "ok"),
            ],
        ] {
            let report: probe::ProbeReport = serde_json::from_value(serde_json::json!({
                "dir": "/etc/kolla/config/\"octavia\"", "targets": targets,
                "housekeeping": {
                    "rotation": {"cert_validity_time": 2592000, "cert_expiry_buffer": 1209600,
                        "cert_interval": 3600, "config_files": ["/etc/octavia/octavia.conf"]},
                    "deployer": "kolla", "service": "the octavia_housekeeping container",
                    "look": ["docker ps -a --filter name=octavia_housekeeping", "grep 'a\"b'"]
                },
                "summary": {"connect-refused": 1, "ok": 2}
            }))
            .unwrap();
            let mut json = Json {
                written: 0,
                housekeeping: report.housekeeping.clone().unwrap(),
            };
            let mut streamed = json.head(&report.dir).unwrap();
            for t in &report.targets {
                streamed.push_str(&json.item(t).unwrap());
            }
            streamed.push_str(&json.tail(&report.summary).unwrap());
            assert_eq!(
                streamed,
                output::report_text(&report, crate::schema::PROBE).unwrap()
            );
        }
    }
}
