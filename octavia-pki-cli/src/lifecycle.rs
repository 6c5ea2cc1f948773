//! `octavia-pki renew`, `rotate` and `expiry`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use octavia_pki::lifecycle::{
    self, CaRole, Change, ExpiryReport, ExpiryStatus, RenewKeyId, RotateTarget,
};
use octavia_pki::work_dir;
use octavia_pki::{Destination, Error, KeyType, fsio};
use serde::Serialize;
use time::OffsetDateTime;

use crate::check::LayoutChoice;
use crate::output::{self, Format};
use crate::passphrase::{self, Sources};

/// Where a change reads and writes, and how.
#[derive(Args)]
pub struct ChangeArgs {
    /// The deployed files' directory.
    #[arg(long, value_name = "DIR", default_value = "/etc/kolla/config/octavia")]
    dir: PathBuf,

    /// The CA work directory (kolla-ansible's, or the one `generate` wrote).
    #[arg(
        long,
        value_name = "DIR",
        default_value = "/etc/kolla/octavia-certificates"
    )]
    work_dir: PathBuf,

    /// Kolla's passwords.yml [default: /etc/kolla/passwords.yml, when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_file")]
    passwords: Option<PathBuf>,

    /// A file whose first line is the passphrase of the CA key(s).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,

    /// The layout of the deployed files.
    #[arg(long, value_enum, default_value = "auto")]
    layout: LayoutChoice,

    /// Validity of the new certificate(s), in days [default: 365 for the client, 3650 for a CA].
    #[arg(long, value_name = "DAYS")]
    days: Option<u32>,

    /// Show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Subcommand)]
pub enum RenewWhat {
    /// A new client key and certificate from the client CA (CA files untouched).
    Client(ChangeArgs),
    /// Re-issue the server CA certificate with the same key and subject (no failover needed).
    ServerCa(RenewServerCaArgs),
    /// Re-issue the client CA certificate with the same key and subject (no failover needed).
    ClientCa(ChangeArgs),
}

/// `renew server-ca`: the change, and the key identifier.
#[derive(Args)]
pub struct RenewServerCaArgs {
    #[command(flatten)]
    change: ChangeArgs,

    /// The renewed certificate's key identifier: `keep` the current one, or
    /// `sha1` (RFC 5280 method 1), which Octavia 16.1.0 and 17.0.1 need
    /// (`check` reports server-ca-key-id-not-sha1). Earlier certificates with
    /// another identifier stay in the file after the renewed one.
    #[arg(long, value_enum, default_value = "keep")]
    key_id: KeyIdChoice,
}

/// `--key-id`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyIdChoice {
    /// The current identifier.
    Keep,
    /// The SHA-1 of the key (RFC 5280 method 1).
    Sha1,
}

#[derive(Args)]
#[command(after_help = "\
Every replaced file is kept under .backup/<UTC time>/ beside it; writes are atomic. Then run \
`kolla-ansible -i INVENTORY reconfigure -t octavia`.")]
pub struct RenewArgs {
    #[command(subcommand)]
    what: RenewWhat,
}

/// What `rotate` replaces.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RotateWhat {
    /// The server CA: new key and certificate.
    ServerCa,
    /// The client CA: new key and certificate, and a new client certificate.
    ClientCa,
    /// Both CAs and the client certificate.
    All,
}

#[derive(Args)]
#[command(after_help = "\
Rotation strands every running amphora: amphorae receive the client CA when they boot and hold \
certificates from the old server CA, so after `kolla-ansible reconfigure` every load balancer must be \
failed over (`openstack loadbalancer failover LB`). That is why --confirm-failover is required. To extend \
validity without failovers, use `renew` instead.")]
pub struct RotateArgs {
    /// What to replace.
    #[arg(value_enum)]
    what: RotateWhat,

    #[command(flatten)]
    change: ChangeArgs,

    /// Key type of the new keys.
    #[arg(long, value_name = "TYPE", default_value = "rsa-4096", value_parser = |s: &str| s.parse::<KeyType>())]
    key_type: KeyType,

    /// Confirm that every load balancer will be failed over after deploying.
    #[arg(long)]
    confirm_failover: bool,
}

#[derive(Serialize)]
struct ChangeReport<'a> {
    dry_run: bool,
    #[serde(flatten)]
    change: &'a Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<fsio::WriteReport>,
}

pub fn renew(args: RenewArgs) -> Result<(), Error> {
    let (args, role, key_id) = match args.what {
        RenewWhat::Client(a) => (a, None, RenewKeyId::Keep),
        RenewWhat::ServerCa(a) => (
            a.change,
            Some(CaRole::ServerCa),
            match a.key_id {
                KeyIdChoice::Keep => RenewKeyId::Keep,
                KeyIdChoice::Sha1 => RenewKeyId::Sha1,
            },
        ),
        RenewWhat::ClientCa(a) => (a, Some(CaRole::ClientCa), RenewKeyId::Keep),
    };
    let to = Destination {
        dir: &args.dir,
        work_dir: &args.work_dir,
    };
    let passphrases = passphrases(&args)?;
    let now = OffsetDateTime::now_utc();
    let layout = args.layout.layout();
    let change = match role {
        None => lifecycle::renew_client(&to, layout, &passphrases, args.days.unwrap_or(365), now)?,
        Some(role) => lifecycle::renew_ca(
            &to,
            layout,
            role,
            &passphrases,
            args.days.unwrap_or(3650),
            key_id,
            now,
        )?,
    };
    finish(&args, &change)
}

pub fn rotate(args: RotateArgs) -> Result<(), Error> {
    let c = &args.change;
    let target = match args.what {
        RotateWhat::ServerCa => RotateTarget::ServerCa,
        RotateWhat::ClientCa => RotateTarget::ClientCa,
        RotateWhat::All => RotateTarget::All,
    };
    if !args.confirm_failover && !c.dry_run {
        eprintln!(
            "Rotating CA keys strands every running amphora: each holds the old client CA (given at boot) \
             and a certificate from the old server CA, so after deploying, every load balancer must be \
             failed over:\n  kolla-ansible -i INVENTORY reconfigure -t octavia\n  openstack loadbalancer list \
             -f value -c id | xargs -n1 openstack loadbalancer failover\nNothing was changed. Run again with \
             --confirm-failover to rotate, or --dry-run to see the plan; `renew` extends validity without \
             failovers."
        );
        return Err(Error::InvalidOptions(
            "rotation needs --confirm-failover".into(),
        ));
    }
    let to = Destination {
        dir: &c.dir,
        work_dir: &c.work_dir,
    };
    let passphrases = passphrases(c)?;
    let days = (c.days.unwrap_or(3650), 365);
    let change = lifecycle::rotate(
        &to,
        c.layout.layout(),
        target,
        &passphrases,
        args.key_type,
        days,
        OffsetDateTime::now_utc(),
    )?;
    finish(c, &change)
}

/// Both CA passphrases, or the one of a single-CA work directory.
fn passphrases(args: &ChangeArgs) -> Result<octavia_pki::CaPassphrases, Error> {
    let single_ca = !fsio::exists(&args.work_dir.join(work_dir::CLIENT_CA_CERT));
    let sources = Sources {
        passwords: args.passwords.as_deref(),
        passphrase_file: args.passphrase_file.as_deref(),
    };
    Ok(passphrase::for_writing(&sources, single_ca)?.0)
}

fn finish(args: &ChangeArgs, change: &Change) -> Result<(), Error> {
    let written = if args.dry_run {
        None
    } else {
        Some(change.apply()?)
    };
    let report = ChangeReport {
        dry_run: args.dry_run,
        change,
        written,
    };
    match args.format {
        Format::Json => output::print_json(&report),
        Format::Human => {
            print_change(&report);
            Ok(())
        }
    }
}

fn print_change(r: &ChangeReport<'_>) {
    let prefix = if r.dry_run { "Would have " } else { "" };
    println!("{prefix}{}.", r.change.summary);
    for (role, c) in &r.change.certificates {
        println!("  {role:<10} {}  (until {})", c.subject, c.not_after);
    }
    match &r.written {
        None => output::print_would_write(r.change.files.iter().map(|f| f.path.as_path())),
        Some(w) => output::print_written(w),
    }
    println!("Next:");
    for step in &r.change.next_steps {
        println!("  {step}");
    }
}

/// Output formats of `expiry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpiryFormat {
    /// Text for a person.
    Human,
    /// One JSON document.
    Json,
    /// One Nagios plugin line with performance data.
    Nagios,
}

#[derive(Args)]
#[command(
    after_help = "Exit status (the Nagios convention): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."
)]
pub struct ExpiryArgs {
    /// The deployed directory.
    #[arg(value_name = "DIR", default_value = "/etc/kolla/config/octavia")]
    dir: PathBuf,

    /// Also the CA certificates of this work directory.
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,

    /// WARNING when a certificate expires within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    warn_days: u32,

    /// CRITICAL when a certificate expires within this many days (or has expired).
    #[arg(long, value_name = "N", default_value_t = 7)]
    critical_days: u32,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ExpiryFormat,
}

/// Prints the report; returns the Nagios exit code.
pub fn expiry(args: ExpiryArgs) -> Result<u8, Error> {
    if args.critical_days > args.warn_days {
        return Err(Error::InvalidOptions(
            "--critical-days must not exceed --warn-days".into(),
        ));
    }
    let report = lifecycle::expiry(
        &args.dir,
        args.work_dir.as_deref(),
        args.warn_days,
        args.critical_days,
        OffsetDateTime::now_utc(),
    );
    match args.format {
        ExpiryFormat::Json => output::print_json(&report)?,
        ExpiryFormat::Nagios => println!("{}", nagios_line(&report)),
        ExpiryFormat::Human => print_expiry(&report, &args.dir),
    }
    Ok(report.status.nagios_code())
}

fn nagios_line(r: &ExpiryReport) -> String {
    let status = serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let soonest = r.entries.iter().find(|e| e.days_left.is_some());
    let text = match (r.status, soonest) {
        (ExpiryStatus::Unknown, _) | (_, None) => {
            let bad = r.entries.iter().find(|e| e.error.is_some());
            format!(
                "cannot read {}",
                bad.map(|e| e.file.as_str()).unwrap_or("any certificate")
            )
        }
        (_, Some(e)) => format!(
            "{} certificates, next expiry {} ({}) in {} days",
            r.entries.len(),
            file_name(&e.file),
            e.subject.as_deref().unwrap_or(""),
            e.days_left.unwrap_or_default()
        ),
    };
    let perf = soonest
        .and_then(|e| e.days_left)
        .map(|d| format!(" | days_left_min={d}"))
        .unwrap_or_default();
    format!("OCTAVIA-PKI {status} - {text}{perf}")
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

fn print_expiry(r: &ExpiryReport, dir: &Path) {
    println!("Certificates of {} (soonest first):", dir.display());
    for e in &r.entries {
        match (&e.subject, e.days_left) {
            (Some(subject), Some(days)) => {
                println!(
                    "  {:<8?} {:>6} days  {}  {}",
                    e.status, days, e.file, subject
                )
            }
            _ => println!(
                "  {:<8?}              {}  {}",
                e.status,
                e.file,
                e.error.as_deref().unwrap_or("")
            ),
        }
    }
    println!("{}", nagios_line(r));
}
