//! `octavia-pki check` and `octavia-pki explain`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use octavia_pki::check::{self, CheckOptions, Report};
use octavia_pki::codes;
use octavia_pki::codes::Code;
use octavia_pki::packed::{PackedKind, Unpacked};
use octavia_pki::{Error, Layout, OctaviaVersions, Origin, Passphrase};

use crate::findings::{self, Shown};
use crate::output::{self, Format};
use crate::passphrase;

/// Where `check` and `rehearse` find the server CA passphrase.
#[derive(Args)]
pub struct PassphraseArgs {
    /// Kolla's passwords.yml, for octavia_ca_password [default: /etc/kolla/passwords.yml, when readable].
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_file")]
    passwords: Option<PathBuf>,

    /// A file whose first line is the server CA passphrase.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// The passwords.yml to read and/or the passphrase, found in the order
    /// every command follows ([`passphrase::for_reading`]).
    pub fn resolve(
        &self,
        vault: Option<&Passphrase>,
    ) -> Result<(Option<PathBuf>, Option<Passphrase>), Error> {
        passphrase::for_reading(&passphrase::Sources {
            passwords: self.passwords.as_deref(),
            passphrase_file: self.passphrase_file.as_deref(),
            vault,
        })
    }
}

/// `auto` or a layout: the library's [`Layout::ALL`], by name, each
/// described by its deployer and file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutChoice(Option<Layout>);

/// `auto`, then every layout.
const LAYOUT_CHOICES: [LayoutChoice; 1 + Layout::ALL.len()] = {
    let mut choices = [LayoutChoice(None); 1 + Layout::ALL.len()];
    let mut i = 0;
    while i < Layout::ALL.len() {
        choices[i + 1] = LayoutChoice(Some(Layout::ALL[i]));
        i += 1;
    }
    choices
};

impl ValueEnum for LayoutChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &LAYOUT_CHOICES
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = match self.0 {
            None => clap::builder::PossibleValue::new("auto")
                .help("Recognise it by the file names present (and say which)"),
            Some(layout) => clap::builder::PossibleValue::new(layout.name()).help(format!(
                "{}: {}",
                layout.deployer(),
                layout.file_names().join(", ")
            )),
        };
        Some(value)
    }
}

impl LayoutChoice {
    /// The layout, or `None` for auto-detection.
    pub fn layout(self) -> Option<Layout> {
        self.0
    }

    /// What the first line of a human report adds after the layout: that it
    /// was recognised, and as whose.
    pub fn said(self, layout: Layout) -> String {
        match self.0 {
            None => format!(", recognised by its file names: {}", layout.deployer()),
            Some(_) => String::new(),
        }
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

/// `--config-file`'s help, for every command that takes it.
pub const CONFIG_FILE_HELP: &str = "Read the files (and the CA key's passphrase) from the options of \
    octavia.conf, as Octavia does: [certificates] ca_certificate, ca_private_key, \
    ca_private_key_passphrase, [haproxy_amphora] server_ca, client_cert, [controller_worker] \
    client_ca, with Octavia's defaults where unset. Repeatable: a later file's value wins, as with \
    Octavia's own --config-file. Instead of the directory and its layout";

/// `--work-dir` where a command reads it: a directory that exists and can
/// be listed, else a usage error naming it (never a set judged as if it had
/// no history and no CAs to compare).
pub fn existing_dir(text: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(text);
    octavia_pki::fsio::require_dir(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// The document of `--charm-config` or `--k8s-secrets`, unpacked as its deployer does.
pub fn unpack(
    charm_config: Option<&std::path::Path>,
    k8s_secrets: Option<&std::path::Path>,
    vault: Option<&Passphrase>,
) -> Result<Option<Unpacked>, Error> {
    match (charm_config, k8s_secrets) {
        (Some(file), _) => Unpacked::read(file, PackedKind::Charm, vault).map(Some),
        (None, Some(file)) => Unpacked::read(file, PackedKind::Kubernetes, vault).map(Some),
        (None, None) => Ok(None),
    }
}

/// The file map of `--config-file`s: octavia.conf's, with the vault password.
fn conf_sources(
    files: &[PathBuf],
    vault: Option<&Passphrase>,
) -> Result<octavia_pki::Sources, Error> {
    let conf = octavia_pki::octavia_conf::OctaviaConf::read(files, vault)?;
    Ok(conf.sources().with_vault_password(vault.cloned()))
}

/// The files a command reads: octavia.conf's when `config_files` are given,
/// else `dir`'s of `layout`; with the vault password.
pub fn sources_of(
    dir: &std::path::Path,
    layout: Option<Layout>,
    config_files: &[PathBuf],
    vault: Option<&Passphrase>,
) -> Result<octavia_pki::Sources, Error> {
    if config_files.is_empty() {
        Ok(octavia_pki::Sources::in_dir(dir, layout)?.with_vault_password(vault.cloned()))
    } else {
        conf_sources(config_files, vault)
    }
}

/// What `check` and `rehearse` look at, and how they print.
#[derive(Args)]
pub struct DirArgs {
    /// The deployed directory, or OpenStack-Ansible's deploy-host tree (octavia_cert_dir: roots/, certs/),
    /// read as its role installs it.
    #[arg(value_name = "DIR", default_value = "/etc/kolla/config/octavia")]
    pub dir: PathBuf,

    #[command(flatten)]
    pub passphrase: PassphraseArgs,

    /// The layout of DIR.
    #[arg(long, value_enum, default_value = "auto")]
    pub layout: LayoutChoice,

    #[arg(
        long = "config-file",
        value_name = "FILE",
        help = CONFIG_FILE_HELP,
        conflicts_with_all = ["dir", "layout", "passwords", "passphrase_file"]
    )]
    pub config_files: Vec<PathBuf>,

    /// Read the files from the Juju charm's options, decoded as charm-octavia does: a `juju config
    /// octavia --file` YAML, or `juju config octavia --format yaml` output (the passphrase is
    /// lb-mgmt-issuing-ca-key-passphrase's). Instead of the directory.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "layout", "config_files", "passwords", "k8s_secrets"])]
    pub charm_config: Option<PathBuf>,

    /// Read the files from Kubernetes Secrets as the pods mount them: openstack-helm's
    /// octavia-certs, or Atmosphere's octavia-server-ca and octavia-client-certs (a manifest file,
    /// or `kubectl get secret -n NS -o yaml` output). The CA key's passphrase, where encrypted,
    /// from --passphrase-file. Instead of the directory.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "layout", "config_files", "passwords"])]
    pub k8s_secrets: Option<PathBuf>,

    /// The Octavia releases the files must work with: `all` (every release of
    /// the series kolla-ansible maintains, 16.0.0 to 19.0.0), a release
    /// (17.0.1), a major version (17), a series (2025.2), or a comma-separated
    /// list. Releases differ in how they issue amphora certificates.
    #[arg(long, value_name = "VERSION", default_value = "all", value_parser = |s: &str| s.parse::<OctaviaVersions>())]
    pub octavia_version: OctaviaVersions,

    /// The CA work directory: its CAs must be the deployed ones (work-dir-mismatch), and its
    /// history (octavia-pki-history.jsonl, written by renew and rotate) says which older client
    /// CA copies running amphorae still hold; the rehearsal plays each of them as the amphora's
    /// trust store too.
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    pub work_dir: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

impl DirArgs {
    /// Whether the files (and their passphrase) are named by a document
    /// rather than found in the directory.
    pub fn names_files(&self) -> bool {
        !self.config_files.is_empty() || self.charm_config.is_some() || self.k8s_secrets.is_some()
    }

    /// The document of `--charm-config` or `--k8s-secrets`, or the
    /// OpenStack-Ansible tree DIR is, unpacked.
    pub fn unpacked(&self, vault: Option<&Passphrase>) -> Result<Option<Unpacked>, Error> {
        if self.config_files.is_empty()
            && matches!(self.layout.layout(), None | Some(Layout::Osa))
            && octavia_pki::osa_tree::is_tree(&self.dir)
        {
            return Unpacked::read(&self.dir, PackedKind::OsaTree, vault).map(Some);
        }
        unpack(
            self.charm_config.as_deref(),
            self.k8s_secrets.as_deref(),
            vault,
        )
    }

    /// The files to read from `--config-file` (octavia.conf's file map) or
    /// from `unpacked`, when given, with the work directory and the vault
    /// password.
    pub fn sources_named(
        &self,
        unpacked: Option<&Unpacked>,
        vault: Option<&Passphrase>,
    ) -> Result<Option<octavia_pki::Sources>, Error> {
        let sources = match unpacked {
            Some(unpacked) => {
                let mut sources = unpacked.sources().with_vault_password(vault.cloned());
                if let Some(file) = &self.passphrase.passphrase_file {
                    let given = passphrase::read_passphrase_file(file, vault)?;
                    sources = sources.with_passphrase(None, Some(given));
                }
                sources
            }
            None if self.config_files.is_empty() => return Ok(None),
            None => conf_sources(&self.config_files, vault)?,
        };
        Ok(Some(sources.with_work_dir(self.work_dir.clone())))
    }

    /// The work directory's history, when one was given.
    pub fn history(
        &self,
        vault: Option<&Passphrase>,
    ) -> Result<Vec<octavia_pki::history::HistoryEntry>, Error> {
        self.work_dir.as_deref().map_or(Ok(Vec::new()), |w| {
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
        args.target.passphrase.resolve(vault)?
    };
    let options = {
        let mut options = CheckOptions::default();
        options.layout = args.target.layout.layout();
        options.passwords = passwords;
        options.passphrase = passphrase;
        options.warn_days = args.warn_days;
        options.strict = args.strict;
        options.now = None;
        options.history = args.target.history(vault)?;
        options.work_dir = args.target.work_dir.clone();
        options.octavia = args.target.octavia_version.clone();
        options.cert_manager = args.cert_manager.clone();
        options.vault_password = vault.cloned();
        options
    };
    let unpacked = args.target.unpacked(vault)?;
    let report = match args.target.sources_named(unpacked.as_ref(), vault)? {
        Some(sources) => check::check(&sources, &options)?,
        None => check::check_dir(&args.target.dir, &options)?,
    };
    match args.target.format {
        Format::Json => output::print_report(&report, crate::schema::CHECK)?,
        Format::Human => print_human(
            &report,
            args.target.layout.said(report.layout),
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
        None => Err(Error::InvalidOptions(format!(
            "no finding code \"{id}\"; `octavia-pki explain --list` lists them"
        ))),
    }
}
