//! `octavia-pki probe`.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use octavia_pki::codes::Severity;
use octavia_pki::fsio::{self, FsError};
use octavia_pki::probe::{
    self, AGENT_PORT, AmphoraReport, ControllerIdentity, ProbeOptions, ProbeReport, Target,
};
use octavia_pki::text;
use octavia_pki::{Error, Passphrase};

use crate::check::LayoutChoice;
use crate::output;

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

Exit status: 0 every amphora ok or only warned, 1 an error status, 2 the probe could not run.")]
pub struct ProbeArgs {
    /// Amphorae to probe: AMPHORA_ID@HOST[:PORT] or HOST[:PORT].
    #[arg(value_name = "TARGET")]
    targets: Vec<String>,

    /// The amphorae as `openstack loadbalancer amphora list -f json` or `amphora show -f json`
    /// (one or more) print them (- for stdin).
    #[arg(long, value_name = "FILE")]
    amphorae: Option<PathBuf>,

    /// The controllers' files: the client bundle and the server CA file (no passphrase needed).
    #[arg(long, value_name = "DIR", default_value = "/etc/kolla/config/octavia")]
    dir: PathBuf,

    /// The layout of DIR.
    #[arg(long, value_enum, default_value = "auto")]
    layout: LayoutChoice,

    #[arg(
        long = "config-file",
        value_name = "FILE",
        help = crate::check::CONFIG_FILE_HELP,
        conflicts_with_all = ["dir", "layout"]
    )]
    config_files: Vec<PathBuf>,

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

    /// The CA work directory: its history flags amphorae created before a client CA change
    /// (needs created_at, from --amphorae).
    #[arg(long, value_name = "DIR", value_parser = crate::check::existing_dir)]
    work_dir: Option<PathBuf>,

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

/// Runs the probe; `Ok(true)` when an amphora got an error status.
pub fn run(args: ProbeArgs, vault: Option<&Passphrase>) -> Result<bool, Error> {
    let started = std::time::Instant::now();
    if args.output.is_some() && args.format == ProbeFormat::Human {
        return Err(Error::InvalidOptions(
            "--output writes a machine format: give --format json or prometheus".into(),
        ));
    }
    let mut targets = Vec::new();
    for text in &args.targets {
        targets.push(
            Target::parse(text, args.port).map_err(|e| Error::InvalidOptions(e.to_string()))?,
        );
    }
    if let Some(file) = &args.amphorae {
        targets.extend(read_amphora_list(file, args.port, vault)?);
    }
    if targets.is_empty() {
        return Err(Error::InvalidOptions(
            "no amphora to probe: give TARGETs or --amphorae FILE".into(),
        ));
    }
    let sources =
        crate::check::sources_of(&args.dir, args.layout.layout(), &args.config_files, vault)?;
    let identity = ControllerIdentity::read(&sources)?;
    let options = {
        let mut options = ProbeOptions::default();
        options.concurrency = usize::try_from(args.concurrency).unwrap_or(usize::MAX);
        options.timeout = args.timeout;
        options.warn_days = args.warn_days;
        options.anonymous_check = !args.no_anonymous_check;
        if let Some(work_dir) = &args.work_dir {
            options.history = octavia_pki::history::read_history(work_dir, vault)?;
        }
        options
    };
    let bar = crate::progress::probe(targets.len());
    let report = probe::probe_with_progress(&identity, &targets, &options, &|p| {
        bar.set_position(u64::try_from(p.done).unwrap_or(u64::MAX));
        bar.set_message(p.failed.to_string());
    });
    bar.finish_and_clear();
    let report = report?;
    let text = match args.format {
        ProbeFormat::Human => {
            print_human(&report, &identity);
            return Ok(report.has_errors());
        }
        ProbeFormat::Json => output::report_text(&report, crate::schema::PROBE)?,
        ProbeFormat::Prometheus => crate::metrics::probe(&report, started)?,
    };
    output::emit(&text, args.output.as_deref())?;
    Ok(report.has_errors())
}

fn read_amphora_list(
    file: &std::path::Path,
    port: u16,
    vault: Option<&Passphrase>,
) -> Result<Vec<Target>, Error> {
    let (bytes, name) = if file.as_os_str() == "-" {
        let limit = fsio::FileKind::AmphoraList.limit();
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| FsError::Read {
                path: PathBuf::from("standard input"),
                source,
            })?;
        if bytes.len() as u64 > limit {
            return Err(Error::InvalidOptions(format!(
                "standard input: more than {limit} bytes, the most {} can be here",
                fsio::FileKind::AmphoraList.name()
            )));
        }
        (bytes, "standard input".to_owned())
    } else {
        (
            fsio::read_file_of(file, fsio::FileKind::AmphoraList, vault)?.to_vec(),
            file.display().to_string(),
        )
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::InvalidOptions(format!("{name}: the amphora list is not UTF-8 text"))
    })?;
    probe::targets_from_amphora_json(&text, port)
        .map_err(|e| Error::InvalidOptions(format!("{name}: {e}")))
}

fn print_human(report: &ProbeReport, identity: &ControllerIdentity) {
    outln!(
        "Probed {} as the controllers of {} (client certificate \"{}\", {})",
        text::count(report.targets.len(), "amphora", "amphorae"),
        report.dir.display(),
        text::escape(identity.client_certificate().subject()),
        text::count(
            identity.server_ca().len(),
            "server CA certificate",
            "server CA certificates"
        )
    );
    let mut ordered: Vec<&AmphoraReport> = report.targets.iter().collect();
    ordered.sort_by_key(|t| t.severity);
    for t in &ordered {
        outln!(
            "{:<7}  {:<26}  {}  {}",
            t.severity,
            t.status,
            target_name(t),
            details(t)
        );
    }
    // Per status: the fix, and the amphorae to act on.
    // Each status once, in the order first seen.
    let mut statuses = Vec::new();
    for t in ordered.iter().filter(|t| t.severity != Severity::Info) {
        if !statuses.contains(&t.status) {
            statuses.push(t.status);
        }
    }
    for status in statuses {
        let of: Vec<&&AmphoraReport> = ordered.iter().filter(|t| t.status == status).collect();
        outln!("\n{status} ({}): {}", of.len(), status.info().fix);
        for t in of {
            match &t.amphora_id {
                Some(id) => outln!(
                    "  openstack loadbalancer amphora failover {}",
                    text::shell_quote(id)
                ),
                None => outln!("  {}", target_name(t)),
            }
        }
    }
    let summary: Vec<String> = report
        .summary
        .iter()
        .map(|(status, n)| format!("{n} {status}"))
        .collect();
    outln!("\nSummary: {}", summary.join(", "));
}

fn target_name(t: &AmphoraReport) -> String {
    let address = match &t.address {
        Some(a) if a.contains(':') => format!("[{a}]:{}", t.port),
        Some(a) => format!("{a}:{}", t.port),
        None => "(no address)".into(),
    };
    // Read from the amphora list: printed escaped.
    match &t.amphora_id {
        Some(id) => format!("{}@{address}", text::escape(id)),
        None => address,
    }
}

fn details(t: &AmphoraReport) -> String {
    let mut parts = Vec::new();
    if !t.message.is_empty() {
        parts.push(text::escape(&t.message).into_owned());
    }
    if let Some(c) = &t.certificate {
        let issuer = t
            .issuer_index
            .map(|i| format!(", issuer #{i}"))
            .unwrap_or_default();
        let cn = if t.amphora_id.is_none() {
            format!("CN {}, ", text::escape(c.cn.as_deref().unwrap_or("none")))
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
