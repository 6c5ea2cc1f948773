//! `octavia-pki node check`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use octavia_pki::node::{
    ContainerEngine, HostOptions, HostService, NodeOptions, NodeReport, Service, host_check,
    node_check,
};
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

    /// A host that is not kolla's (OpenStack-Ansible, a charm unit, devstack, by hand): the
    /// octavia.conf its services read (repeatable: a later file wins, as with Octavia's own
    /// --config-file), instead of --kolla-dir. The files it names are checked against
    /// --service-user, then with the certificate check and the rehearsal.
    #[arg(
        long = "config-file",
        value_name = "FILE",
        conflicts_with_all = ["kolla_dir", "config_dir", "services", "container_engine"]
    )]
    config_files: Vec<PathBuf>,

    /// On such a host, one service's own octavia.conf files, as SERVICE=FILE[,FILE...]
    /// (worker, housekeeping, health-manager; repeatable): each is checked, and the files
    /// they read compared.
    #[arg(
        long = "service-config",
        value_name = "SERVICE=FILES",
        conflicts_with_all = ["kolla_dir", "config_dir", "services", "container_engine", "config_files"],
        value_parser = parse_service_config
    )]
    service_configs: Vec<HostService>,

    /// With --config-file or --service-config: the user the services run as. Every file must be
    /// readable by it, and the keys by nobody else.
    #[arg(long, value_name = "USER", default_value = "octavia")]
    service_user: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// `worker=/etc/octavia/octavia.conf,/etc/octavia/worker.conf`.
fn parse_service_config(s: &str) -> Result<HostService, String> {
    let (service, files) = s
        .split_once('=')
        .ok_or_else(|| format!("expected SERVICE=FILE[,FILE...], not \"{s}\""))?;
    let service = service.parse::<Service>()?;
    let files: Vec<PathBuf> = files
        .split(',')
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        return Err(format!("no octavia.conf given for {service:?}"));
    }
    Ok(HostService::new(Some(service), files))
}

/// Runs `node`; `Ok(true)` when an error was found.
pub fn run(args: NodeArgs, vault: Option<&Passphrase>) -> Result<bool, Error> {
    let NodeCommand::Check(args) = args.command;
    if !args.config_files.is_empty() || !args.service_configs.is_empty() {
        let services = if args.config_files.is_empty() {
            args.service_configs
        } else {
            vec![HostService::new(None, args.config_files)]
        };
        let mut options = HostOptions::new(services, &args.service_user);
        options.strict = args.strict;
        options.octavia = args.octavia_version;
        options.vault_password = vault.cloned();
        return print(&host_check(&options)?, args.format);
    }
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
            .map_err(Error::usage)?;
        options.strict = args.strict;
        options.octavia = args.octavia_version;
        options.vault_password = vault.cloned();
        options
    };
    print(&node_check(&options)?, args.format)
}

/// Prints the report; `Ok(true)` when it holds an error.
fn print(report: &NodeReport, format: Format) -> Result<bool, Error> {
    match format {
        Format::Json => output::print_report(report, crate::schema::NODE_CHECK)?,
        Format::Human => print_human(report, std::io::stdout().is_terminal()),
    }
    Ok(report.has_errors())
}

fn print_human(report: &NodeReport, colour: bool) {
    let services: Vec<&str> = report.services.iter().map(|s| s.dir_name()).collect();
    if !report.config_files.is_empty() {
        let files: Vec<String> = report
            .config_files
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        outln!("Checked the host through octavia.conf {}", files.join(", "));
    } else {
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
    }
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
