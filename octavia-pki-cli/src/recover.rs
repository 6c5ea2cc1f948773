//! `octavia-pki recover` and `octavia-pki backups`: the way back from an
//! interrupted write, and from any write.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use octavia_pki::fsio::{BackupsReport, RecoverReport, Restored};
use octavia_pki::{Error, Passphrase, fsio};

use crate::lifecycle::SetArgs;
use crate::output::{self, Format};

#[derive(Args)]
#[command(after_help = "\
Every write of generate, renew, rotate and backups restore is journalled before its first file is \
replaced (.backup/<run>.journal.json in the work directory, or in the tree): each file, its staged \
new contents and their SHA-256, its backup. A run killed midway (SIGKILL, power loss, a full disk) \
leaves the journal; this command, like the next generate, renew or rotate, finds it and brings the \
set to a whole state: forward, when every new file is in place or staged intact, else back to the \
files it had, from the backups. Nothing the set had is lost either way; the backups stay. Name the \
set as the command that was interrupted named it.

Examples:
  octavia-pki recover --dir /etc/kolla/config/octavia --work-dir /etc/kolla/octavia-certificates
  octavia-pki recover --charm-config octavia-certs.yaml --dry-run
  octavia-pki recover --layout osa --work-dir /etc/openstack_deploy/pki --format json")]
pub struct RecoverArgs {
    #[command(flatten)]
    set: SetArgs,

    /// Say what would be done; change nothing.
    #[arg(long)]
    dry_run: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

pub fn recover(args: RecoverArgs, vault: Option<&Passphrase>) -> Result<(), Error> {
    let dirs = args.set.lock_dirs(vault)?;
    // Even a dry run waits for no writer: a live one's journal is its own.
    let lock = fsio::DirLock::acquire(&dirs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let report = RecoverReport {
        dry_run: args.dry_run,
        searched: lock.dirs().to_vec(),
        recovered: fsio::recover(&lock, args.dry_run)?,
    };
    match args.format {
        Format::Json => output::print_report(&report, crate::schema::RECOVER),
        Format::Human => {
            print_recovery(&report);
            Ok(())
        }
    }
}

fn print_recovery(report: &RecoverReport) {
    if report.recovered.is_empty() {
        outln!(
            "Nothing to recover: no interrupted write in {}.",
            report
                .searched
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return;
    }
    for r in &report.recovered {
        let line = crate::lock::recovery_line(r);
        outln!("{}{}.", line[..1].to_uppercase(), &line[1..]);
        for f in &r.files {
            outln!("  {}  {}", f.path.display(), f.action.describe());
        }
        if !r.next_steps.is_empty() {
            outln!("Next (as the interrupted command would have said):");
            for step in &r.next_steps {
                outln!("  {step}");
            }
        }
    }
    if !report.dry_run {
        outln!("The set is whole: check it with `octavia-pki check`.");
    }
}

#[derive(Args)]
#[command(after_help = "\
Each run of generate --force, renew, rotate and backups restore keeps every file it replaces under \
.backup/<UTC time>.<pid>.<random>/ beside it (one directory per run, never written over), and records \
the run in the work directory's .backup/<run>.json: what it was and where each backup is. Restoring \
one puts those files back as they were before that run (a vaulted file as it was); it is a write \
like any other, so what it replaces is backed up in turn. A set is whole only as a whole: after \
restoring an older run, check the set (`octavia-pki check`).

Examples:
  octavia-pki backups list --dir /etc/kolla/config/octavia --work-dir /etc/kolla/octavia-certificates
  octavia-pki backups restore 20250102T030405Z.1234.0a1b2c3d --charm-config octavia-certs.yaml")]
pub struct BackupsArgs {
    #[command(subcommand)]
    what: BackupsWhat,
}

#[derive(Subcommand)]
enum BackupsWhat {
    /// List the set's backups, newest first: when, by which process and command, which files.
    List(BackupsListArgs),
    /// Put the files one run replaced back (what they are now is backed up first).
    Restore(BackupsRestoreArgs),
}

#[derive(Args)]
struct BackupsListArgs {
    #[command(flatten)]
    set: SetArgs,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Args)]
struct BackupsRestoreArgs {
    /// The run's name, as `backups list` shows it (`<UTC time>.<pid>.<random>`).
    #[arg(value_name = "NAME")]
    name: String,

    #[command(flatten)]
    set: SetArgs,

    /// Show what would be put back; write nothing.
    #[arg(long)]
    dry_run: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// The runs of the set's backups: its work directory (or tree) and below,
/// and its other directories' own.
fn runs(set: &SetArgs, vault: Option<&Passphrase>) -> Result<Vec<fsio::BackupRun>, Error> {
    let dirs = set.lock_dirs(vault)?;
    let (deep, shallow) = dirs.split_at(1.min(dirs.len()));
    let deep: Vec<&std::path::Path> = deep.iter().map(PathBuf::as_path).collect();
    let shallow: Vec<&std::path::Path> = shallow.iter().map(PathBuf::as_path).collect();
    Ok(fsio::list_backups(&deep, &shallow)?)
}

pub fn backups(args: BackupsArgs, vault: Option<&Passphrase>) -> Result<(), Error> {
    match args.what {
        BackupsWhat::List(a) => {
            let report = BackupsReport {
                runs: runs(&a.set, vault)?,
                restored: None,
            };
            match a.format {
                Format::Json => output::print_report(&report, crate::schema::BACKUPS),
                Format::Human => {
                    print_runs(&report.runs);
                    Ok(())
                }
            }
        }
        BackupsWhat::Restore(a) => restore(a, vault),
    }
}

fn restore(args: BackupsRestoreArgs, vault: Option<&Passphrase>) -> Result<(), Error> {
    let lock = args.set.lock(args.dry_run, vault)?;
    let runs = runs(&args.set, vault)?;
    let run =
        runs.iter()
            .find(|r| r.name == args.name)
            .ok_or_else(|| fsio::FsError::NoSuchBackup {
                name: args.name.clone(),
            })?;
    let plan = fsio::restore_plan(run)?;
    let written = match &lock {
        Some(lock) => Some(fsio::write_all(&plan, vault, lock)?),
        None => None,
    };
    let report = BackupsReport {
        runs: vec![run.clone()],
        restored: Some(Restored {
            name: run.name.clone(),
            dry_run: args.dry_run,
            written,
        }),
    };
    match args.format {
        Format::Json => output::print_report(&report, crate::schema::BACKUPS),
        Format::Human => {
            let prefix = if args.dry_run {
                "Would restore"
            } else {
                "Restored"
            };
            outln!("{prefix} the backup {} (of {}):", run.name, run.time);
            match report.restored.as_ref().and_then(|r| r.written.as_ref()) {
                Some(written) => output::print_written(written),
                None => output::print_would_write(
                    plan.files
                        .iter()
                        .map(|f| f.path.as_path())
                        .chain(plan.links.iter().map(|l| l.path.as_path())),
                ),
            }
            if !run.created.is_empty() {
                outln!("Left as they are (that run created them; no backup holds an older one):");
                for path in &run.created {
                    outln!("  {}", path.display());
                }
            }
            outln!(
                "Next: check the set (`octavia-pki check`), then deploy it as after any change."
            );
            Ok(())
        }
    }
}

fn print_runs(runs: &[fsio::BackupRun]) {
    if runs.is_empty() {
        outln!("No backups: no run has replaced a file of this set.");
        return;
    }
    for run in runs {
        outln!(
            "{}  {}  process {}  {}{}",
            run.name,
            run.time,
            run.pid,
            run.what.as_deref().unwrap_or("(not recorded)"),
            match run.state.as_str() {
                "done" | "unrecorded" => String::new(),
                state => format!("  [{state}]"),
            }
        );
        for f in &run.files {
            match &f.link {
                Some(target) => outln!("  {} (link to {target})", f.original.display()),
                None => outln!("  {}", f.original.display()),
            }
        }
    }
    outln!("Restore one: octavia-pki backups restore NAME (with the options that name the set).");
}
