//! The one way every command that reads a set names it: `TargetArgs`
//! (`--dir`, `--layout`, `--config-file`, `--charm-config`, `--k8s-secrets`,
//! `--work-dir`), with the directory also as the first argument where the
//! command takes no other (`TargetWithDir`), turned into the library's
//! [`Target`].

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use octavia_pki::lifecycle::Invocation;
use octavia_pki::packed::PackedKind;
use octavia_pki::target::Target;
use octavia_pki::{Layout, text};

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

/// `--work-dir` where a command reads it: a directory that exists and can
/// be listed, else a usage error naming it (never a set judged as if it had
/// no history and no CAs to compare).
pub fn existing_dir(text: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(text);
    octavia_pki::fsio::require_dir(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// `--config-file`'s help, for every command that takes it.
pub const CONFIG_FILE_HELP: &str = "Read the files (and the CA key's passphrase) from the options of \
    octavia.conf, as Octavia does: [certificates] ca_certificate, ca_private_key, \
    ca_private_key_passphrase, [haproxy_amphora] server_ca, client_cert, [controller_worker] \
    client_ca, with Octavia's defaults where unset. Repeatable: a later file's value wins, as with \
    Octavia's own --config-file. Instead of the directory and its layout";

/// The set a command reads: a directory in a layout, octavia.conf's files,
/// a deployer's document, or OpenStack-Ansible's tree.
#[derive(Args)]
pub struct TargetArgs {
    /// The deployed files' directory, or OpenStack-Ansible's deploy-host tree (octavia_cert_dir:
    /// roots/, certs/), read as its role installs it [default: the --layout deployer's,
    /// /etc/kolla/config/octavia when auto].
    #[arg(long = "dir", value_name = "DIR")]
    dir: Option<PathBuf>,

    /// The layout of the directory.
    #[arg(long, value_enum, default_value = "auto")]
    layout: LayoutChoice,

    #[arg(
        long = "config-file",
        value_name = "FILE",
        help = CONFIG_FILE_HELP,
        conflicts_with_all = ["dir", "layout"]
    )]
    config_files: Vec<PathBuf>,

    /// Read the files from the Juju charm's options, decoded as charm-octavia does: a `juju config
    /// octavia --file` YAML, or `juju config octavia --format yaml` output (the passphrase is
    /// lb-mgmt-issuing-ca-key-passphrase's); a change writes a new YAML in its place, for `juju
    /// config octavia --file`. Instead of the directory.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "layout", "config_files", "k8s_secrets"])]
    charm_config: Option<PathBuf>,

    /// Read the files from Kubernetes Secrets as the pods mount them: openstack-helm's
    /// octavia-certs, or Atmosphere's octavia-server-ca and octavia-client-certs (a manifest file,
    /// or `kubectl get secret -n NS -o yaml` output); a change writes new manifests in its place,
    /// for `kubectl apply -f`. Instead of the directory.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "layout", "config_files"])]
    k8s_secrets: Option<PathBuf>,

    /// The CA work directory (kolla-ansible's, or the one `generate` wrote): its CAs must be the
    /// deployed ones, and its history (octavia-pki-history.jsonl) says which older client CA copies
    /// running amphorae still hold. A change reads the CA keys there [default for a change:
    /// /etc/kolla/octavia-certificates, the --layout deployer's, octavia-ca beside --charm-config
    /// or --k8s-secrets; an OpenStack-Ansible tree is its own].
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    work_dir: Option<PathBuf>,
}

/// [`TargetArgs`] with the directory also as the first argument.
#[derive(Args)]
pub struct TargetWithDir {
    /// The deployed files' directory, or OpenStack-Ansible's deploy-host tree (as --dir).
    #[arg(value_name = "DIR", conflicts_with_all = ["dir", "config_files", "charm_config", "k8s_secrets"])]
    dir_argument: Option<PathBuf>,

    #[command(flatten)]
    pub args: TargetArgs,
}

impl TargetWithDir {
    /// The target named.
    pub fn target(&self) -> Target {
        self.args.target_with(self.dir_argument.as_deref())
    }

    /// The work directory given.
    pub fn work_dir(&self) -> Option<&Path> {
        self.args.work_dir()
    }

    /// `--layout`.
    pub fn layout(&self) -> LayoutChoice {
        self.args.layout
    }
}

impl TargetArgs {
    /// The target named.
    pub fn target(&self) -> Target {
        self.target_with(None)
    }

    /// The work directory given.
    pub fn work_dir(&self) -> Option<&Path> {
        self.work_dir.as_deref()
    }

    fn target_with(&self, dir_argument: Option<&Path>) -> Target {
        if let Some(file) = &self.charm_config {
            return Target::Document {
                file: file.clone(),
                kind: PackedKind::Charm,
            };
        }
        if let Some(file) = &self.k8s_secrets {
            return Target::Document {
                file: file.clone(),
                kind: PackedKind::Kubernetes,
            };
        }
        if !self.config_files.is_empty() {
            return Target::OctaviaConf(self.config_files.clone());
        }
        let layout = self.layout.layout();
        // The directory given, else where the deployer named (kolla-ansible
        // when auto) keeps the files.
        let dir = dir_argument.or(self.dir.as_deref()).map_or_else(
            || layout.unwrap_or_default().owner().deployed_dir.into(),
            Path::to_owned,
        );
        Target::Directory { dir, layout }
    }
}

/// The options that name `target` to a command, each word shell-quoted.
fn options_of(target: &Target) -> Vec<String> {
    let path = |p: &Path| text::shell_path(p);
    match target {
        Target::Directory { dir, layout } => {
            let mut words = vec!["--dir".to_owned(), path(dir)];
            if let Some(layout) = layout {
                words.extend(["--layout".to_owned(), layout.name().to_owned()]);
            }
            words
        }
        Target::OctaviaConf(files) => files
            .iter()
            .flat_map(|f| ["--config-file".to_owned(), path(f)])
            .collect(),
        Target::Document { file, kind } => {
            let option = match kind {
                PackedKind::Charm => "--charm-config",
                _ => "--k8s-secrets",
            };
            vec![option.to_owned(), path(file)]
        }
        // Every form there is, named by the library.
        _ => vec![target.to_string()],
    }
}

/// `--work-dir` and the work directory, unless `target` is a tree (its own)
/// or it is the default.
fn work_dir_option(target: &Target, work_dir: Option<&Path>) -> Vec<String> {
    match work_dir {
        Some(w) if target.tree().is_none() && w != target.default_work_dir() => {
            vec!["--work-dir".to_owned(), text::shell_path(w)]
        }
        _ => Vec::new(),
    }
}

/// `invocation` as the command line that runs it, runnable as printed.
pub fn command_line(invocation: &Invocation) -> String {
    let path = |p: &Path| text::shell_path(p);
    let words: Vec<String> = match invocation {
        Invocation::Probe {
            target,
            work_dir,
            amphorae,
            report,
        } => {
            let mut words: Vec<String> = ["octavia-pki", "probe"].map(str::to_owned).into();
            words.extend(options_of(target));
            words.extend(work_dir_option(target, work_dir.as_deref()));
            words.extend(["--amphorae".to_owned(), path(amphorae)]);
            if let Some(report) = report {
                words.extend(["--format", "json", ">"].map(str::to_owned));
                words.push(path(report));
            }
            words
        }
        Invocation::Expiry { target, work_dir } => {
            let mut words: Vec<String> = ["octavia-pki", "expiry"].map(str::to_owned).into();
            words.extend(options_of(target));
            words.extend(work_dir_option(target, Some(work_dir)));
            words
        }
        Invocation::FinishRotation {
            ca,
            target,
            work_dir,
            report,
        } => {
            let mut words: Vec<String> = ["octavia-pki", "rotate", "finish", ca.id()]
                .map(str::to_owned)
                .into();
            words.extend(options_of(target));
            words.extend(work_dir_option(target, Some(work_dir)));
            words.extend(["--probe-report".to_owned(), path(report)]);
            words
        }
        other => vec![other.describe()],
    };
    words.join(" ")
}
