//! `octavia-pki deploy`: the deployment steps around the certificates.
//!
//! `deploy check` audits a Kolla configuration for Octavia (globals.yml,
//! passwords.yml, and the certificate directory through the library's
//! checker); `deploy plan` prints the setup steps as commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use octavia_pki::Passphrase;
use octavia_pki::deploy::{
    DEFAULT_CONFIG_DIR, DEFAULT_GLOBALS, DeployError, DeployReport, Inputs, Mode, Settings,
};

use crate::findings::{self, Shown};
use crate::output::{self, Format};

#[derive(Subcommand)]
pub enum DeployCommand {
    /// Audit a Kolla configuration for Octavia: globals.yml, passwords.yml, certificates.
    #[command(after_help = "\
Exit status: 0 no error finding, 1 at least one error finding, 2 the audit could not run \
(a file unreadable, malformed YAML).

Every finding names its file and key; `octavia-pki explain CODE` prints its cause, symptom and fix.")]
    Check(CheckArgs),
    /// Print the ordered setup steps as commands, each with the pitfall it avoids.
    #[command(after_help = "\
The mode (manual or automatic resource registration) follows octavia_auto_configure in \
globals.yml, kolla-ansible's default (auto) when the default globals.yml does not exist, or --mode.

`--format shell` prints a bash script (set -euo pipefail) that creates the resources, captures \
their IDs into globals.yml (after a backup), generates the certificates and deploys. Secrets are \
read from passwords.yml when it runs, never printed and never put on a command line.")]
    Plan(PlanArgs),
}

#[derive(Args)]
pub struct DeployArgs {
    #[command(subcommand)]
    pub command: DeployCommand,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Kolla's globals.yml.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_GLOBALS)]
    globals: PathBuf,

    /// Kolla's passwords.yml.
    #[arg(long, value_name = "FILE", default_value = crate::passphrase::DEFAULT_PASSWORDS)]
    passwords: PathBuf,

    /// Kolla's custom configuration directory; the certificates are in its octavia/.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_CONFIG_DIR)]
    config_dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// How `deploy plan` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Numbered steps for a person.
    Text,
    /// One JSON document.
    Json,
    /// A bash script.
    Shell,
}

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeChoice {
    /// kolla-ansible registers the resources (octavia_auto_configure: yes).
    Auto,
    /// The plan registers them (octavia_auto_configure: no).
    Manual,
}

#[derive(Args)]
pub struct PlanArgs {
    /// Kolla's globals.yml (the mode and names are taken from it).
    #[arg(long, value_name = "FILE")]
    globals: Option<PathBuf>,

    /// The mode, instead of octavia_auto_configure from globals.yml.
    #[arg(long, value_enum)]
    mode: Option<ModeChoice>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: PlanFormat,
}

/// Runs a `deploy` command: `Ok(true)` when `deploy check` found an error.
pub fn run(args: DeployArgs, vault: Option<&Passphrase>) -> Result<bool, DeployError> {
    match args.command {
        DeployCommand::Check(args) => check(args, vault),
        DeployCommand::Plan(args) => plan(args, vault).map(|()| false),
    }
}

fn check(args: CheckArgs, vault: Option<&Passphrase>) -> Result<bool, DeployError> {
    let report = octavia_pki::deploy::audit(&Inputs {
        globals: &args.globals,
        passwords: &args.passwords,
        config_dir: &args.config_dir,
        vault_password: vault,
    })?;
    match args.format {
        Format::Json => output::print_report(&report, crate::schema::DEPLOY_CHECK)?,
        Format::Human => print_human(&report, std::io::stdout().is_terminal()),
    }
    Ok(report.has_errors())
}

fn print_human(report: &DeployReport, colour: bool) {
    outln!(
        "Audited {}, {} and {}/octavia{}",
        report.globals.display(),
        report.passwords.display(),
        report.config_dir.display(),
        match report.mode {
            Some(Mode::Auto) => " (automatic resource registration)",
            Some(Mode::Manual) => " (manual resource registration)",
            None => "",
        }
    );
    let shown: Vec<Shown<'_>> = report
        .findings
        .iter()
        .map(|f| Shown {
            group: match (&f.finding.file, &f.key, f.line) {
                (Some(file), Some(key), Some(line)) => format!("{file}:{line}: {key}"),
                (Some(file), Some(key), None) => format!("{file}: {key}"),
                (Some(file), None, _) => file.clone(),
                (None, _, _) => "(the configuration as a whole)".to_owned(),
            },
            finding: &f.finding,
        })
        .collect();
    findings::print_grouped(&shown, report.summary, "this configuration", colour);
}

fn plan(args: PlanArgs, vault: Option<&Passphrase>) -> Result<(), DeployError> {
    let settings = match &args.globals {
        Some(path) => Some(Settings::load(path, vault)?),
        // The default file is optional: without it, kolla's defaults.
        None if Path::new(DEFAULT_GLOBALS).exists() => {
            Some(Settings::load(Path::new(DEFAULT_GLOBALS), vault)?)
        }
        None => None,
    };
    let mode = match args.mode {
        Some(ModeChoice::Auto) => Mode::Auto,
        Some(ModeChoice::Manual) => Mode::Manual,
        None => {
            // As deploy check reads it; a template counts as kolla's default.
            let auto = settings
                .as_ref()
                .and_then(|s| s.flag("octavia_auto_configure", true))
                .unwrap_or(true);
            if auto { Mode::Auto } else { Mode::Manual }
        }
    };
    let plan = octavia_pki::deploy::plan(mode, settings.as_ref(), args.globals.as_deref());
    match args.format {
        PlanFormat::Text => out!("{}", plan.to_text()),
        PlanFormat::Shell => out!("{}", plan.to_shell()),
        PlanFormat::Json => output::print_report(&plan, crate::schema::DEPLOY_PLAN)?,
    }
    Ok(())
}
