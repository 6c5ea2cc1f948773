//! `octavia-pki check` and `octavia-pki explain`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use octavia_pki::check::{self, CheckOptions, Report};
use octavia_pki::codes;
use octavia_pki::codes::Code;
use octavia_pki::deployers::Deployer;
use octavia_pki::target::{Opened, Target};
use octavia_pki::{Error, OctaviaVersions, Origin, Passphrase};

use crate::findings::{self, Shown};
use crate::output::{self, Format};
use crate::passphrase;
use crate::target::TargetWithDir;

/// Where a reading command finds the server CA passphrase: the same
/// options for every one (expiry and probe need none, and take them so that
/// one set of options names a set to every command).
#[derive(Args)]
pub struct PassphraseArgs {
    /// Kolla's passwords.yml, for octavia_ca_password [default: /etc/kolla/passwords.yml, when
    /// readable, for kolla-ansible's sets].
    #[arg(long, value_name = "FILE", conflicts_with_all = ["passphrase_file", "config_files", "charm_config", "k8s_secrets"])]
    passwords: Option<PathBuf>,

    /// A file whose first line is the server CA passphrase (with --config-file, octavia.conf's is
    /// the one Octavia uses, and this file is not read).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// The passwords.yml to read and/or the passphrase, found in the order
    /// every command follows ([`passphrase::for_reading`]).
    pub fn resolve(
        &self,
        vault: Option<&Passphrase>,
        deployer: &'static Deployer,
    ) -> Result<(Option<PathBuf>, Option<Passphrase>), Error> {
        // A deployer that deploys the key unencrypted gives Octavia no
        // passphrase: one given is the work directory's, not Octavia's.
        if !deployer.ca_key_encrypted {
            return Ok((None, None));
        }
        passphrase::for_reading(&passphrase::Sources {
            passwords: self.passwords.as_deref(),
            passphrase_file: self.passphrase_file.as_deref(),
            vault,
            deployer,
        })
    }
}

#[derive(Args)]
#[command(after_help = "\
Exit status: 0 no error finding, 1 at least one error finding, 2 the check could not run.

Every finding has a stable code; `octavia-pki explain CODE` prints its cause, symptom and fix, and \
`octavia-pki explain --list` lists them all.")]
pub struct CheckArgs {
    #[command(flatten)]
    target: DirArgs,

    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "N", default_value_t = check::DEFAULT_WARN_DAYS)]
    warn_days: u32,

    /// Treat Python 3.13's strict-verification rules (strict-*) as errors.
    #[arg(long)]
    strict: bool,

    /// cert-manager Certificate manifests of the CAs (a file, or `kubectl get certificate -n NS
    /// -o yaml` output; repeatable): reports a CA cert-manager will re-issue with a new key.
    #[arg(long = "cert-manager", value_name = "MANIFEST")]
    cert_manager: Vec<PathBuf>,
}

/// What `check` and `rehearse` look at, and how they print.
#[derive(Args)]
pub struct DirArgs {
    #[command(flatten)]
    pub target: TargetWithDir,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,

    /// The Octavia releases the files must work with: `all` (every release of
    /// the series kolla-ansible maintains, 16.0.0 to 19.0.0), a release
    /// (17.0.1), a major version (17), a series (2025.2), or a comma-separated
    /// list. Releases differ in how they issue amphora certificates.
    #[arg(long, value_name = "VERSION", default_value = "all", value_parser = |s: &str| s.parse::<OctaviaVersions>())]
    pub octavia_version: OctaviaVersions,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// The set a reading command judges: a directory judged by its layout
/// (`check_dir`, `rehearse_dir`), or the files something else names.
pub enum Judged {
    /// A directory in a layout (named, or recognised).
    Dir(PathBuf),
    /// Files named by octavia.conf, a document or a tree, opened.
    Named(Box<Opened>),
}

impl DirArgs {
    /// Whether the files (and their passphrase) are named by a document
    /// rather than found in the directory.
    pub fn names_files(&self) -> bool {
        self.target.target().names_files()
    }

    /// The set to judge: a directory, or the files the target names,
    /// opened, with the passphrase file given and the work directory.
    pub fn judged(&self, vault: Option<&Passphrase>) -> Result<Judged, Error> {
        let target = self.target.target();
        if let Target::Directory { dir, .. } = &target
            && target.tree().is_none()
        {
            return Ok(Judged::Dir(dir.clone()));
        }
        let mut opened = target.open(vault)?;
        if opened.unpacked.is_some()
            && opened.sources.deployer().ca_key_encrypted
            && let Some(file) = &self.passphrase.passphrase_file
        {
            let given = passphrase::read_passphrase_file(file, vault)?;
            opened.sources = opened.sources.with_passphrase(None, Some(given));
        }
        if let Some(work_dir) = self.target.work_dir() {
            opened.sources = opened.sources.with_work_dir(Some(work_dir.to_owned()));
        }
        Ok(Judged::Named(Box::new(opened)))
    }

    /// Whose set it is, as far as known before it is read
    /// ([`Target::deployer`]).
    pub fn deployer(&self) -> &'static Deployer {
        self.target.target().deployer()
    }

    /// The history of the work directory given, or of a tree's.
    pub fn history(
        &self,
        judged: &Judged,
        vault: Option<&Passphrase>,
    ) -> Result<Vec<octavia_pki::history::HistoryEntry>, Error> {
        let work_dir = match judged {
            Judged::Named(opened) => opened.sources.work_dir.as_deref(),
            Judged::Dir(_) => self.target.work_dir(),
        };
        work_dir.map_or(Ok(Vec::new()), |w| {
            octavia_pki::history::read_history(w, vault)
        })
    }
}

/// Runs the check; `Ok(true)` when it found an error.
pub fn run(args: CheckArgs, vault: Option<&Passphrase>) -> Result<bool, Error> {
    // With --config-file, the passphrase is octavia.conf's, as Octavia's.
    let (passwords, passphrase) = if args.target.names_files() {
        (None, None)
    } else {
        args.target
            .passphrase
            .resolve(vault, args.target.deployer())?
    };
    let judged = args.target.judged(vault)?;
    let options = {
        let mut options = CheckOptions::default();
        options.layout = args.target.target.layout().layout();
        options.passwords = passwords;
        options.passphrase = passphrase;
        options.warn_days = args.warn_days;
        options.strict = args.strict;
        options.now = None;
        options.history = args.target.history(&judged, vault)?;
        options.work_dir = args.target.target.work_dir().map(Path::to_owned);
        options.octavia = args.target.octavia_version.clone();
        options.cert_manager = args.cert_manager.clone();
        options.vault_password = vault.cloned();
        options
    };
    let report = match judged {
        Judged::Named(opened) => check::check(&opened.sources, &options)?,
        Judged::Dir(dir) => check::check_dir(&dir, &options)?,
    };
    match args.target.format {
        Format::Json => output::print_report(&report, crate::schema::CHECK)?,
        Format::Human => print_human(
            &report,
            args.target.target.layout().said(report.layout),
            std::io::stdout().is_terminal(),
        ),
    }
    Ok(report.has_errors())
}

/// Grouped by file, most serious file first, then a one-line verdict.
fn print_human(report: &Report, recognised: String, colour: bool) {
    match &report.origin {
        Origin::OctaviaConf(_) | Origin::Packed { .. } => {
            outln!("Checked the files of {}", report.origin)
        }
        _ => outln!(
            "Checked {} ({}{recognised})",
            report.dir.display(),
            report.origin
        ),
    }
    let shown: Vec<Shown<'_>> = report
        .findings
        .iter()
        .map(|finding| Shown {
            group: finding
                .file
                .clone()
                .unwrap_or_else(|| "(the set as a whole)".to_owned()),
            finding,
        })
        .collect();
    findings::print_grouped(&shown, report.summary, "these files", colour);
}

#[derive(Args)]
pub struct ExplainArgs {
    /// The finding code (as printed by `check`).
    #[arg(value_name = "CODE", required_unless_present = "list")]
    code: Option<String>,

    /// List every code with its one-line title.
    #[arg(long)]
    list: bool,
}

pub fn explain(args: ExplainArgs) -> Result<(), Error> {
    if args.list {
        for code in codes::all() {
            let info = code.info();
            outln!(
                "{:<40} {:<7} {:<8} {}",
                code.id(),
                info.namespace,
                info.severity,
                info.title
            );
        }
        return Ok(());
    }
    let id = args.code.unwrap_or_default();
    match Code::find(&id) {
        Some(code) => {
            if code.id() != id {
                outln!("({id} is now {})", code.id());
                outln!();
            }
            out!("{}", code.explanation());
            Ok(())
        }
        None => Err(Error::usage(format!(
            "no finding code \"{id}\"; `octavia-pki explain --list` lists them"
        ))),
    }
}
