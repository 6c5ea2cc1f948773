//! `octavia-pki node check`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use octavia_pki::node::{ContainerEngine, NodeOptions, NodeReport, Service, node_check};
use octavia_pki::{Error, OctaviaVersions, Passphrase};

use crate::findings::{self, Shown};
use crate::output::{self, Format};

#[derive(Args)]
pub struct NodeArgs {
    #[command(subcommand)]
    command: NodeCommand,
}

#[derive(Subcommand)]
enum NodeCommand {
    /// Verify what this controller runs: rendered octavia.conf, config.json, the copies, the containers.
    Check(NodeCheckArgs),
}

#[derive(Args)]
#[command(after_help = "\
Reads what kolla-ansible rendered for each Octavia service on this host (<kolla-dir>/<service>/octavia.conf, \
config.json and the four certificate files), resolves the certificate paths octavia.conf names through \
config.json, compares the copies with <config-dir>/octavia and with each other, runs the certificate \
check and the rehearsal on each service's own files and passphrase, reports kolla's insecure defaults \
(heartbeat_key, server_certs_key_passphrase), and with a container engine compares what each running \
container holds. Findings name their service; `octavia-pki explain CODE` gives cause and fix.

Exit status: 0 no error finding, 1 at least one error finding, 2 the check could not run.")]
pub struct NodeCheckArgs {
    /// Where kolla-ansible renders the services.
    #[arg(long, value_name = "DIR", default_value = "/etc/kolla")]
    kolla_dir: PathBuf,

    /// The operator's configuration directory (its octavia/ is the source of the files).
    #[arg(long, value_name = "DIR", default_value = "/etc/kolla/config")]
    config_dir: PathBuf,

    /// The services to check, comma-separated [default: all three].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = |s: &str| s.parse::<Service>())]
    services: Vec<Service>,

    /// The engine to ask about running containers.
    #[arg(long, value_name = "ENGINE", default_value = "auto", value_parser = ["auto", "docker", "podman", "none"])]
    container_engine: String,

    /// The Octavia releases the files must work with (as check's --octavia-version).
    #[arg(long, value_name = "VERSION", default_value = "all", value_parser = |s: &str| s.parse::<OctaviaVersions>())]
    octavia_version: OctaviaVersions,

    /// Python 3.13's strict rules and kolla's insecure defaults are errors.
    #[arg(long)]
    strict: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Runs `node`; `Ok(true)` when an error was found.
pub fn run(args: NodeArgs, vault: Option<&Passphrase>) -> Result<bool, Error> {
    let NodeCommand::Check(args) = args.command;
    let options = {
        let mut options = NodeOptions::default();
        options.kolla_dir = args.kolla_dir;
        options.config_dir = args.config_dir;
        if !args.services.is_empty() {
            options.services = args.services;
        }
        options.container_engine = args
            .container_engine
            .parse::<ContainerEngine>()
            .map_err(Error::InvalidOptions)?;
        options.strict = args.strict;
        options.octavia = args.octavia_version;
        options.vault_password = vault.cloned();
        options
    };
    let report = node_check(&options)?;
    match args.format {
        Format::Json => output::print_json(&report)?,
        Format::Human => print_human(&report, std::io::stdout().is_terminal()),
    }
    Ok(report.has_errors())
}

fn print_human(report: &NodeReport, colour: bool) {
    let services: Vec<&str> = report.services.iter().map(|s| s.dir_name()).collect();
    outln!(
        "Checked {} ({}) against {}{}",
        report.kolla_dir.display(),
        if services.is_empty() {
            "no Octavia service".to_owned()
        } else {
            services.join(", ")
        },
        report.config_dir.join("octavia").display(),
        report
            .container_engine
            .as_deref()
            .map(|e| format!("; containers through {e}"))
            .unwrap_or_default()
    );
    let shown: Vec<Shown<'_>> = report
        .findings
        .iter()
        .map(|f| Shown {
            group: f
                .finding
                .file
                .clone()
                .or_else(|| f.service.map(str::to_owned))
                .unwrap_or_else(|| "(the node as a whole)".to_owned()),
            finding: &f.finding,
        })
        .collect();
    findings::print_grouped(&shown, report.summary, "this node", colour);
}
