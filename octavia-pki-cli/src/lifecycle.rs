//! `octavia-pki renew`, `rotate` and `expiry`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use octavia_pki::expiry::{ExpiryReport, ExpiryStatus};
use octavia_pki::lifecycle::{
    self, CaRole, Change, ChangeReport, FinishEvidence, RenewKeyId, RenewOptions, RotateOptions,
};
use octavia_pki::packed::Unpacked;
use octavia_pki::target::Target;
use octavia_pki::work_dir;
use octavia_pki::{Destination, Error, KeyType, Passphrase, fsio};
use time::OffsetDateTime;

use crate::lock::lock_set;
use crate::output::{self, Format};
use crate::passphrase::{self, Sources};
use crate::target::TargetWithDir;

/// Which set: where a change reads and writes it, and where `recover` and
/// `backups` find its journal and backups.
#[derive(Args)]
pub struct SetArgs {
    #[command(flatten)]
    target: TargetWithDir,
}

/// Where a change reads and writes, and how.
#[derive(Args)]
pub struct Location {
    #[command(flatten)]
    set: SetArgs,

    /// Show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// The deployed files a change reads, when not the directory's, and the work directory.
struct Deployed {
    /// The deployed directory (of the unpacked files, for a document).
    dir: PathBuf,
    /// The files octavia.conf names, or the document's unpacked.
    sources: Option<octavia_pki::Sources>,
    /// The document the files were unpacked from.
    unpacked: Option<Unpacked>,
    /// The CA work directory.
    work_dir: PathBuf,
}

impl Deployed {
    /// `change` with the unpacked files it writes packed back into the
    /// document, its next steps' commands in this tool's syntax.
    fn repack(&self, change: Change) -> Result<Change, Error> {
        let mut change = match &self.unpacked {
            Some(unpacked) => change.repacked(unpacked)?,
            None => change,
        };
        change.render_steps(&crate::target::command_line);
        Ok(change)
    }
}

impl SetArgs {
    /// The layout named (`None`: recognised).
    fn layout(&self) -> Option<octavia_pki::Layout> {
        self.target.layout().layout()
    }

    /// The set a change reads and writes: OpenStack-Ansible's tree when the
    /// work directory is one (its role installs the files from it: a change
    /// is made there, whichever of its files named the set), else the target.
    fn target(&self) -> Target {
        match self.target.work_dir() {
            Some(tree)
                if octavia_pki::osa_tree::is_tree(tree)
                    && matches!(self.layout(), None | Some(octavia_pki::Layout::Osa)) =>
            {
                Target::Directory {
                    dir: tree.to_owned(),
                    layout: Some(octavia_pki::Layout::Osa),
                }
            }
            _ => self.target.target(),
        }
    }

    /// The CA work directory: the one given, else the target's default
    /// (a tree's own, beside a document, the deployer's).
    fn work_dir(&self) -> PathBuf {
        self.target
            .work_dir()
            .map_or_else(|| self.target().default_work_dir(), Path::to_owned)
    }

    /// The directories a change of this set locks, known before anything
    /// is unpacked, the work directory (or tree) first, where journals are
    /// kept ([`octavia_pki::target::Target::lock_dirs`]).
    pub(crate) fn lock_dirs(&self, vault: Option<&Passphrase>) -> Result<Vec<PathBuf>, Error> {
        self.target().lock_dirs(&self.work_dir(), vault)
    }

    /// Locks the set (one writer at a time, from reading to writing) and
    /// brings back any write a killed run left half done, saying so on
    /// standard error; none for a dry run, which writes nothing (it warns
    /// of an interrupted write instead).
    pub(crate) fn lock(
        &self,
        dry_run: bool,
        vault: Option<&Passphrase>,
    ) -> Result<Option<fsio::DirLock>, Error> {
        lock_set(&self.lock_dirs(vault)?, dry_run)
    }

    /// The deployed files: octavia.conf's, a document's or a tree's, else
    /// `None` (a directory's, in the layout its names say). Read after
    /// [`Self::lock`], so that what is read is whole.
    fn deployed(&self, vault: Option<&Passphrase>) -> Result<Deployed, Error> {
        let target = self.target();
        let (dir, opened) = match &target {
            Target::Directory { dir, .. } if target.tree().is_none() => (dir.clone(), None),
            _ => {
                let opened = target.open(vault)?;
                (opened.sources.dir.clone(), Some(opened))
            }
        };
        let (mut sources, unpacked) = match opened {
            Some(opened) => (Some(opened.sources), opened.unpacked),
            None => (None, None),
        };
        // The tree of the octavia.conf named: the CA key's passphrase is octavia.conf's.
        if let (Some(tree), named @ Target::OctaviaConf(_)) = (&mut sources, self.target.target())
            && named != target
        {
            let passphrase = named.open(vault)?.sources.passphrase;
            *tree = tree.clone().with_passphrase(None, passphrase);
        }
        // A tree's own, else the one given, else the default.
        let work_dir = match unpacked.as_ref().and_then(Unpacked::work_dir) {
            Some(tree) => tree,
            None => self.work_dir(),
        };
        Ok(Deployed {
            dir,
            sources,
            unpacked,
            work_dir,
        })
    }
}

impl Deployed {
    /// The set's files, read and written with the vault password.
    fn destination<'a>(&'a self, vault: Option<&'a Passphrase>) -> Destination<'a> {
        Destination {
            vault_password: vault,
            deployed: self.sources.as_ref(),
            ..Destination::new(&self.dir, &self.work_dir)
        }
    }
}

/// A command's failure, its temporary paths named as the operator knows
/// them: a document's by option or Secret key, a tree's by its files.
pub struct Failure {
    message: String,
    /// The file it is about, as the operator knows it.
    pub file: Option<PathBuf>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            message: error.to_string(),
            file: error.file().map(Path::to_owned),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Deployed {
    /// `error`, any path of the unpacked files in it named as its document's
    /// (a file of the unpacked ones is the document itself).
    fn named(&self, error: Error) -> Failure {
        match &self.unpacked {
            Some(unpacked) => {
                let file = error.file().map(|f| {
                    let shown = f.display().to_string();
                    if unpacked.name_paths(&shown) == shown {
                        f.to_owned()
                    } else {
                        unpacked.file().to_owned()
                    }
                });
                Failure {
                    message: unpacked.name_paths(&error.to_string()),
                    file,
                }
            }
            None => error.into(),
        }
    }
}

/// A change that issues certificates: where, the CA keys' passphrases, validity.
#[derive(Args)]
pub struct ChangeArgs {
    #[command(flatten)]
    at: Location,

    /// Kolla's passwords.yml [default: with --config-file, octavia.conf's ca_private_key_passphrase
    /// for both CA keys; else /etc/kolla/passwords.yml, when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_file")]
    passwords: Option<PathBuf>,

    /// A file whose first line is the passphrase of the CA key(s).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,

    /// Validity of the new certificate(s), in days [default: 365 for the client, 3650 for a CA].
    #[arg(long, value_name = "DAYS", value_parser = crate::output::days)]
    days: Option<u32>,
}

#[derive(Subcommand)]
pub enum RenewWhat {
    /// A new client key and certificate from the client CA (CA files untouched).
    Client(ChangeArgs),
    /// Re-issue the server CA certificate with the same key and subject (no failover in the kolla
    /// layout; in the legacy layout the one CA is also the client CA: as client-ca).
    ServerCa(RenewServerCaArgs),
    /// Re-issue the client CA certificate with the same key and subject. Amphorae keep the copy they
    /// booted with: each created before must be failed over before its not-after (a deadline).
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
Every replaced file is kept under .backup/<UTC time>.<pid>.<random>/ beside it, one directory per run \
(`octavia-pki backups list` shows them, `backups restore` puts one back); writes are atomic and \
journalled: a run killed midway is completed or undone by the next run, or by `octavia-pki recover`; \
one run at a time writes a set (an advisory lock on both directories). Then run \
`kolla-ansible -i INVENTORY reconfigure -t octavia`.")]
pub struct RenewArgs {
    #[command(subcommand)]
    what: RenewWhat,
}

#[derive(Args)]
#[command(after_help = "\
An immediate rotation strands every running amphora: amphorae receive the client CA when they boot and \
hold certificates from the old server CA, so after `kolla-ansible reconfigure` every load balancer must \
be failed over (`openstack loadbalancer failover LB`); hence --confirm-failover. A staged rotation \
(`server-ca --staged`, `client-ca --staged`, later `finish`) keeps them working. To extend validity \
without new keys, use `renew`.")]
pub struct RotateArgs {
    #[command(subcommand)]
    what: RotateWhat,
}

/// What `rotate` replaces.
#[derive(Subcommand)]
pub enum RotateWhat {
    /// The server CA: new key and certificate.
    ServerCa(RotateCaArgs),
    /// The client CA: new key and certificate, and a new client certificate.
    ClientCa(RotateCaArgs),
    /// Both CAs and the client certificate, at once.
    All(RotateAllArgs),
    /// The last step of a staged rotation: drop the old server CA, or the cross-certificate.
    Finish(FinishArgs),
}

/// `rotate server-ca` and `rotate client-ca`.
#[derive(Args)]
pub struct RotateCaArgs {
    #[command(flatten)]
    rotate: RotateAllArgs,

    /// Rotate without failing amphorae over. Server CA: the file becomes [new, old] with the
    /// new key, so amphora certificates from the old CA stay trusted until housekeeping
    /// re-issues them. Client CA: the bundle carries a cross-certificate of the new CA signed
    /// by the old one, so amphorae booted before keep accepting the controllers until the old
    /// CA's not-after. The new CA's name gets a generation suffix (G2, G3...). Finish with
    /// `rotate finish`.
    #[arg(long, conflicts_with = "confirm_failover")]
    staged: bool,
}

/// `rotate all`, and what every rotation takes.
#[derive(Args)]
pub struct RotateAllArgs {
    #[command(flatten)]
    change: ChangeArgs,

    /// Key type of the new keys.
    #[arg(long, value_name = "TYPE", default_value = "rsa-4096", value_parser = |s: &str| s.parse::<KeyType>())]
    key_type: KeyType,

    /// Confirm that every load balancer will be failed over after deploying.
    #[arg(long)]
    confirm_failover: bool,
}

/// `rotate finish`.
#[derive(Args)]
#[command(after_help = "\
Refused unless the probe report shows that no amphora needs what goes: for the server CA, every \
amphora connects and serves a certificate from the new CA (housekeeping re-issues them within about \
18 days with Octavia's defaults: 30-day validity less the 14-day buffer, and two days of its runs); for the client CA, every amphora was created after the staged \
rotation (`created_at`, which only `amphora show` gives: `openstack loadbalancer amphora list -f \
value -c id | xargs -n1 openstack loadbalancer amphora show -f json > amphorae.json`, given to probe \
--amphorae). The report covers only the amphorae it was given: make it from the whole list.")]
pub struct FinishArgs {
    /// Which staged rotation to finish.
    #[arg(value_enum, value_name = "CA")]
    ca: FinishWhat,

    #[command(flatten)]
    at: Location,

    /// A `octavia-pki probe --format json` report of every amphora.
    #[arg(long, value_name = "FILE", required_unless_present = "force")]
    probe_report: Option<PathBuf>,

    /// Finish even though amphorae may still need the old CA (they then fail until failed over).
    #[arg(long)]
    force: bool,
}

/// `rotate finish server-ca|client-ca`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FinishWhat {
    /// Drop the old server CA from the server CA file.
    ServerCa,
    /// Drop the cross-certificate from the client bundle.
    ClientCa,
}

pub fn renew(args: RenewArgs, vault: Option<&Passphrase>) -> Result<(), Failure> {
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
    let lock = args.at.set.lock(args.at.dry_run, vault)?;
    let deployed = args.at.set.deployed(vault)?;
    let renewed = || {
        let to = deployed.destination(vault);
        let passphrases = passphrases(&args, &to, vault)?;
        let mut options = RenewOptions::default();
        options.layout = args.at.set.layout();
        options.days = args.days;
        options.key_id = key_id;
        let change = deployed.repack(match role {
            None => lifecycle::renew_client(&to, &passphrases, &options)?,
            Some(role) => lifecycle::renew_ca(&to, role, &passphrases, &options)?,
        })?;
        finish(&args.at, &change, lock.as_ref())
    };
    renewed().map_err(|e| deployed.named(e))
}

pub fn rotate(args: RotateArgs, vault: Option<&Passphrase>) -> Result<(), Failure> {
    let now = OffsetDateTime::now_utc();
    let (args, role, staged) = match args.what {
        RotateWhat::Finish(f) => return finish_staged(f, vault, now),
        RotateWhat::All(a) => (a, None, false),
        RotateWhat::ServerCa(a) => (a.rotate, Some(CaRole::ServerCa), a.staged),
        RotateWhat::ClientCa(a) => (a.rotate, Some(CaRole::ClientCa), a.staged),
    };
    let c = &args.change;
    if !staged && !args.confirm_failover && !c.at.dry_run {
        errln!(
            "Rotating CA keys at once strands every running amphora: each holds the old client CA (given at \
             boot) and a certificate from the old server CA, so after deploying, every load balancer must be \
             failed over:"
        );
        errln!("  {}", lifecycle::RECONFIGURE);
        errln!("  {}", lifecycle::FAILOVER);
        errln!(
            "Nothing was changed. Run again with --confirm-failover to rotate, --staged (server-ca, \
             client-ca) to rotate without failovers, or --dry-run to see the plan; `renew` extends \
             validity without failovers."
        );
        return Err(Error::usage("rotation needs --confirm-failover (or --staged)".into()).into());
    }
    let lock = c.at.set.lock(c.at.dry_run, vault)?;
    let deployed = c.at.set.deployed(vault)?;
    let rotated = || {
        let to = deployed.destination(vault);
        let passphrases = passphrases(c, &to, vault)?;
        let mut options = RotateOptions::default();
        options.layout = c.at.set.layout();
        options.key_type = args.key_type;
        options.ca_days = c.days.unwrap_or(octavia_pki::DEFAULT_CA_DAYS);
        options.now = now;
        let change = deployed.repack(match (role, staged) {
            (Some(role), true) => lifecycle::rotate_staged(&to, role, &passphrases, &options)?,
            (role, _) => lifecycle::rotate(&to, role, &passphrases, &options)?,
        })?;
        finish(&c.at, &change, lock.as_ref())
    };
    rotated().map_err(|e| deployed.named(e))
}

fn finish_staged(
    args: FinishArgs,
    vault: Option<&Passphrase>,
    now: OffsetDateTime,
) -> Result<(), Failure> {
    let lock = args.at.set.lock(args.at.dry_run, vault)?;
    let deployed = args.at.set.deployed(vault)?;
    let finished = || {
        let to = deployed.destination(vault);
        let evidence = args
            .probe_report
            .as_deref()
            .map(|report| FinishEvidence::read(report, vault))
            .transpose()?;
        let role = match args.ca {
            FinishWhat::ServerCa => CaRole::ServerCa,
            FinishWhat::ClientCa => CaRole::ClientCa,
        };
        let change = deployed.repack(lifecycle::finish_staged(
            &to,
            args.at.set.layout(),
            role,
            evidence.as_ref(),
            args.force,
            now,
        )?)?;
        finish(&args.at, &change, lock.as_ref())
    };
    finished().map_err(|e| deployed.named(e))
}

/// Both CA passphrases, or the one of a single-CA work directory. With
/// --config-file or --charm-config and no other source named, the one
/// octavia.conf or the charm's options give, for both (as the guide
/// layout's drop-in and the charm's options keep it).
fn passphrases(
    args: &ChangeArgs,
    to: &Destination<'_>,
    vault: Option<&Passphrase>,
) -> Result<octavia_pki::CaPassphrases, Error> {
    // Whose set: the document's or octavia.conf's, the layout named, the one its names say.
    let deployer = match (to.deployed, args.at.set.layout()) {
        (Some(sources), _) => sources.deployer(),
        (None, Some(layout)) => layout.owner(),
        (None, None) => octavia_pki::Layout::detect(to.dir)
            .unwrap_or_default()
            .owner(),
    };
    let named = args.passwords.is_some() || args.passphrase_file.is_some();
    if let Some(passphrase) = to
        .deployed
        .and_then(|d| d.passphrase.as_ref())
        .filter(|_| !named)
    {
        return Ok(octavia_pki::CaPassphrases {
            server_ca: passphrase.clone(),
            client_ca: passphrase.clone(),
        });
    }
    let single_ca = !fsio::exists(&to.work_dir.join(work_dir::CLIENT_CA_CERT));
    let sources = Sources {
        passwords: args.passwords.as_deref(),
        passphrase_file: args.passphrase_file.as_deref(),
        vault,
        deployer,
    };
    Ok(passphrase::for_writing(&sources, single_ca)?.0)
}

fn finish(args: &Location, change: &Change, lock: Option<&fsio::DirLock>) -> Result<(), Error> {
    let written = lock.map(|lock| change.apply(lock)).transpose()?;
    let report = ChangeReport {
        dry_run: args.dry_run,
        change,
        written,
    };
    match args.format {
        Format::Json => output::print_report(&report, crate::schema::CHANGE),
        Format::Human => {
            print_change(&report);
            Ok(())
        }
    }
}

fn print_change(r: &ChangeReport<'_>) {
    let prefix = if r.dry_run { "Would have " } else { "" };
    outln!("{prefix}{}.", r.change.summary);
    for (role, c) in &r.change.certificates {
        outln!("  {role:<10} {}  (until {})", c.subject, c.not_after);
    }
    match &r.written {
        None => output::print_would_write(r.change.files.iter().map(|f| f.path.as_path())),
        Some(w) => output::print_written(w),
    }
    outln!("Next:");
    for step in &r.change.next_steps {
        outln!("  {step}");
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
    /// Prometheus metrics, for node_exporter's textfile collector.
    Prometheus,
}

#[derive(Args)]
#[command(
    after_help = "Exit status (the Nagios convention): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."
)]
pub struct ExpiryArgs {
    #[command(flatten)]
    target: TargetWithDir,

    #[command(flatten)]
    _passphrase: crate::check::PassphraseArgs,

    /// WARNING when a certificate expires within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    warn_days: u32,

    /// CRITICAL when a certificate expires within this many days (or has expired).
    #[arg(long, value_name = "N", default_value_t = 7)]
    critical_days: u32,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ExpiryFormat,

    /// Write the report (json, nagios, prometheus) to FILE instead, replaced atomically: for
    /// node_exporter's textfile collector, FILE is `<its directory>/octavia-pki-expiry.prom`.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Prints the report; returns the Nagios exit code.
pub fn expiry(args: ExpiryArgs, vault: Option<&Passphrase>) -> Result<u8, Error> {
    let started = std::time::Instant::now();
    if args.critical_days > args.warn_days {
        return Err(Error::usage(
            "--critical-days must not exceed --warn-days".into(),
        ));
    }
    if args.output.is_some() && args.format == ExpiryFormat::Human {
        return Err(Error::usage(
            "--output writes a machine format: give --format json, nagios or prometheus".into(),
        ));
    }
    let opened = args.target.target().open(vault)?;
    // A document by its file, never the temporary directory it is unpacked in.
    let shown = match &opened.unpacked {
        Some(unpacked) => unpacked.file().to_owned(),
        None => opened.sources.dir.clone(),
    };
    let sources = match args.target.work_dir() {
        Some(work_dir) => opened.sources.with_work_dir(Some(work_dir.to_owned())),
        None => opened.sources,
    };
    let report = octavia_pki::expiry::expiry(
        &sources,
        args.warn_days,
        args.critical_days,
        OffsetDateTime::now_utc(),
    );
    let text = match args.format {
        ExpiryFormat::Human => {
            print_expiry(&report, &shown);
            return Ok(report.status.nagios_code());
        }
        ExpiryFormat::Json => output::report_text(&report, crate::schema::EXPIRY)?,
        ExpiryFormat::Nagios => format!("{}\n", nagios_line(&report)),
        ExpiryFormat::Prometheus => crate::metrics::expiry(&report, started)?,
    };
    output::emit(&text, args.output.as_deref())?;
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
                nagios_text(bad.map(|e| e.file.as_str()).unwrap_or("any certificate"))
            )
        }
        // Subjects and file names are printed escaped: a newline or a `|`
        // in a subject must not add a line or performance data.
        (_, Some(e)) => format!(
            "{}, next expiry {} ({}) {}",
            octavia_pki::text::count(r.entries.len(), "certificate", "certificates"),
            nagios_text(file_name(&e.file)),
            nagios_text(e.subject.as_deref().unwrap_or("")),
            e.left.map_or_else(String::new, octavia_pki::text::in_days)
        ),
    };
    let perf = soonest
        .and_then(|e| e.days_left)
        .map(|d| format!(" | days_left_min={d}"))
        .unwrap_or_default();
    format!("OCTAVIA-PKI {status} - {text}{perf}")
}

/// Text in a Nagios plugin line: escaped, and without the `|` that starts
/// performance data.
fn nagios_text(text: &str) -> String {
    octavia_pki::text::escape(text).replace('|', "\\x7c")
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

fn print_expiry(r: &ExpiryReport, dir: &Path) {
    outln!("Certificates of {} (soonest first):", dir.display());
    for e in &r.entries {
        match (&e.subject, e.days_left) {
            (Some(subject), Some(days)) => {
                outln!(
                    "  {:<8?} {:>6} days  {}  {}{}",
                    e.status,
                    days,
                    e.file,
                    subject,
                    e.not_before
                        .as_deref()
                        .map(|t| format!("  (not valid until {t}: refused until then)"))
                        .unwrap_or_default()
                )
            }
            _ => outln!(
                "  {:<8?}              {}  {}",
                e.status,
                e.file,
                e.error.as_deref().unwrap_or("")
            ),
        }
    }
    outln!("{}", nagios_line(r));
}
