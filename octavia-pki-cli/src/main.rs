//! `octavia-pki`: Octavia's control-plane certificates, right the first time.
//!
//! The logic lives in the `octavia-pki` library; this binary parses
//! arguments, prints, and maps results to exit codes.

// First: its `out!` and `outln!` serve every module below.
#[macro_use]
mod output;
mod check;
mod deploy;
mod findings;
mod generate;
mod lifecycle;
mod lock;
mod metrics;
mod node;
mod passphrase;
mod probe;
mod progress;
mod recover;
mod rehearse;
mod schema;
mod shell;
mod target;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Exit status of a command that changes files (generate, renew, rotate, man --out-dir) and could
/// not do its job (bad input, a refused overwrite, a lock held by another run...).
const EXIT_FAILURE: u8 = 1;

#[derive(Parser)]
#[command(
    name = "octavia-pki",
    version,
    about = "Octavia's control-plane certificates, right the first time",
    long_about = "Generates and checks the certificates OpenStack Octavia's controllers and \
                  amphorae use for mutual TLS (server CA, client CA, client certificate-and-key \
                  bundle) in the layouts kolla-ansible deploys.",
    after_help = "Exit status. Every command: 2 for a usage error. generate, renew, rotate, recover, \
                  backups, man --out-dir: 0 done, 1 failed (the message names the file and the cause; nothing \
                  was changed, or what was is backed up). check, rehearse, deploy check, deploy \
                  plan, node check, probe: 0 no error, 1 errors found, 2 could not run (an \
                  unreadable file, a directory this user may not read, a vault password that \
                  fails). expiry: the Nagios codes, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. \
                  explain: 0, or 2 for an unknown code. Each command's --help says more."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Ansible Vault's password file (Ansible's option; an executable file is run; a bare name is
    /// a file in the current directory): files encrypted with ansible-vault (passwords.yml,
    /// certificates, keys) are read transparently, and a vaulted file is written back vaulted.
    /// [env: ANSIBLE_VAULT_PASSWORD_FILE, empty means unset]
    #[arg(long, global = true, value_name = "FILE")]
    vault_password_file: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a complete, correct set of Octavia certificates and keys.
    Generate(Box<generate::GenerateArgs>),
    /// Say exactly what is wrong with an Octavia certificate directory.
    Check(check::CheckArgs),
    /// Play the controller-to-amphora handshake offline, as Octavia will.
    Rehearse(rehearse::RehearseArgs),
    /// Explain a finding code of `check`: cause, symptom, fix.
    Explain(check::ExplainArgs),
    /// Renew the client certificate, or a CA certificate with its key (a client CA renewal sets a
    /// failover deadline for older amphorae).
    Renew(lifecycle::RenewArgs),
    /// Replace CA keys: at once (then fail every load balancer over) or staged (no failover now; a
    /// client CA rotation sets a failover deadline).
    Rotate(Box<lifecycle::RotateArgs>),
    /// Bring a set back to a whole state after a write was interrupted (the next generate, renew or
    /// rotate does it first too).
    Recover(recover::RecoverArgs),
    /// List a set's backups (each run's replaced files), or restore one.
    Backups(recover::BackupsArgs),
    /// Report certificate expiry, for people and for monitoring (Nagios exit codes).
    Expiry(lifecycle::ExpiryArgs),
    /// The deployment around the certificates: audit a Kolla configuration, plan the setup.
    Deploy(deploy::DeployArgs),
    /// Talk to running amphorae as the controllers do, and say why each one fails.
    Probe(Box<probe::ProbeArgs>),
    /// What a controller actually runs: `node check`.
    Node(node::NodeArgs),
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "\
Install, for example:
  bash:  octavia-pki completions bash > ~/.local/share/bash-completion/completions/octavia-pki
  zsh:   octavia-pki completions zsh > \"${fpath[1]}/_octavia-pki\"
  fish:  octavia-pki completions fish > ~/.config/fish/completions/octavia-pki.fish")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write every command's page to a directory.
    #[command(after_help = "\
Install, for example: `octavia-pki man --out-dir /usr/local/share/man/man1` (one page per command: \
octavia-pki(1), octavia-pki-rotate-finish(1)...; each replaced atomically), or read it at once \
with `octavia-pki man | man -l -`.")]
    Man {
        /// Write octavia-pki.1 and every subcommand's page here instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
    /// Print the JSON Schema of a `--format json` report (as committed under schemas/), or list them.
    #[command(after_help = "\
Every --format json report carries `schema_version`, the version of its schema; a schema's version \
goes up with every change to it. Validate a report, for example with Python's jsonschema: \
`octavia-pki schema check > check.schema.json`.")]
    Schema {
        /// The schema: generate, check, rehearse, expiry, probe, node-check, deploy-check,
        /// deploy-plan or change (renew and rotate).
        #[arg(value_name = "NAME", required_unless_present = "list")]
        name: Option<String>,
        /// List the schemas, with their versions.
        #[arg(long)]
        list: bool,
    },
}

impl Command {
    /// Whether the command reads or writes the set's files (and so may need
    /// the vault password); `explain`, `completions` and `man` do not.
    fn reads_files(&self) -> bool {
        !matches!(
            self,
            Self::Explain(_) | Self::Completions { .. } | Self::Man { .. } | Self::Schema { .. }
        )
    }
}

/// Exit status when a check found an error, or a rehearsal failed.
const EXIT_FINDINGS: u8 = 1;
/// Exit status when a check or rehearsal could not run.
const EXIT_COULD_NOT_RUN: u8 = 2;

/// `expiry` follows the Nagios convention: 3 is UNKNOWN.
const EXPIRY_UNKNOWN: u8 = 3;

/// How a failure is reported: on stderr, and, when the command was asked for
/// JSON, as a JSON error on stdout too, so that a reader of the report
/// always gets JSON.
#[derive(Clone, Copy)]
struct Failures {
    json: bool,
}

impl Failures {
    fn fail(self, err: &dyn Failed, status: u8) -> ExitCode {
        // Errors quote file names, subjects and what peers said: escaped,
        // on one line, as every line for a person is (output::write_line).
        errln!("octavia-pki: error: {err}");
        if self.json {
            output::print_error(&err.to_string(), err.file(), status);
        }
        ExitCode::from(status)
    }
}

/// A failure a command reports, and the file it is about.
trait Failed: std::fmt::Display {
    fn file(&self) -> Option<&std::path::Path>;
}

impl Failed for octavia_pki::Error {
    fn file(&self) -> Option<&std::path::Path> {
        octavia_pki::Error::file(self)
    }
}

impl Failed for lifecycle::Failure {
    fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }
}

impl Failed for octavia_pki::vault::VaultError {
    fn file(&self) -> Option<&std::path::Path> {
        match self {
            Self::PasswordFile { path, .. } => Some(path),
            _ => None,
        }
    }
}

impl Failed for octavia_pki::deploy::DeployError {
    fn file(&self) -> Option<&std::path::Path> {
        match self {
            Self::Pki(err) => err.file(),
            Self::Yaml { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Whether the (sub)command `matches` ends in was given `--format json`.
fn wants_json(matches: &clap::ArgMatches) -> bool {
    let mut leaf = matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    leaf.try_get_raw("format")
        .ok()
        .flatten()
        .is_some_and(|mut values| values.any(|v| v == "json"))
}

/// Whether the raw arguments ask for JSON, for errors clap finds before
/// the command is known.
fn argv_wants_json() -> bool {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    args.iter().any(|a| a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

/// On SIGINT, SIGTERM or SIGHUP, the private directories documents were
/// unpacked into (keys among their files) are removed before the process
/// ends as the signal would have ended it; a run killed outright leaves
/// them to the next run, which removes them (`fsio::PrivateDir`).
fn remove_private_dirs_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            octavia_pki::fsio::remove_private_dirs();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => {
            if err.use_stderr() && argv_wants_json() {
                let text = err.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                output::print_error(
                    first.trim_start_matches("error: "),
                    None,
                    EXIT_COULD_NOT_RUN,
                );
            }
            err.exit()
        }
    };
    let failures = Failures {
        json: wants_json(&matches),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    remove_private_dirs_on_signals();
    // What killed runs of this user left unpacked, whatever the command.
    octavia_pki::fsio::remove_stale_private_dirs();
    // As Ansible: an empty ANSIBLE_VAULT_PASSWORD_FILE is unset. The
    // password is read (a script run) only by commands that read files.
    let vault_file = cli
        .vault_password_file
        .clone()
        .or_else(|| std::env::var_os("ANSIBLE_VAULT_PASSWORD_FILE").map(Into::into))
        .filter(|f: &std::path::PathBuf| !f.as_os_str().is_empty());
    let mut vault_password = None;
    if let Some(file) = vault_file
        && cli.command.reads_files()
    {
        match octavia_pki::vault::password_from_file(&file) {
            Ok(password) => vault_password = Some(password),
            Err(err) => {
                let status = match cli.command {
                    Command::Expiry(_) => EXPIRY_UNKNOWN,
                    _ => EXIT_COULD_NOT_RUN,
                };
                return failures.fail(&err, status);
            }
        }
    }
    // Every file the command reads or writes back is opened with it.
    let vault = vault_password.as_ref();
    match cli.command {
        Command::Generate(args) => match generate::run(*args, vault) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                let status = failures.fail(&err, EXIT_FAILURE);
                if matches!(
                    err,
                    octavia_pki::Error::Fs(octavia_pki::fsio::FsError::WouldOverwrite { .. })
                ) {
                    errln!("octavia-pki: give --force to replace them");
                }
                status
            }
        },
        Command::Check(args) => match check::run(args, vault) {
            Ok(false) => ExitCode::SUCCESS,
            Ok(true) => ExitCode::from(EXIT_FINDINGS),
            Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
        },
        Command::Rehearse(args) => match rehearse::run(args, vault) {
            Ok(false) => ExitCode::SUCCESS,
            Ok(true) => ExitCode::from(EXIT_FINDINGS),
            Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
        },
        Command::Renew(args) => match lifecycle::renew(args, vault) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => failures.fail(&err, EXIT_FAILURE),
        },
        Command::Rotate(args) => match lifecycle::rotate(*args, vault) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => failures.fail(&err, EXIT_FAILURE),
        },
        Command::Recover(args) => match recover::recover(args, vault) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => failures.fail(&err, EXIT_FAILURE),
        },
        Command::Backups(args) => match recover::backups(args, vault) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => failures.fail(&err, EXIT_FAILURE),
        },
        Command::Expiry(args) => match lifecycle::expiry(args, vault) {
            Ok(code) => ExitCode::from(code),
            Err(err) => failures.fail(&err, EXPIRY_UNKNOWN),
        },
        Command::Deploy(args) => match deploy::run(args, vault) {
            Ok(false) => ExitCode::SUCCESS,
            Ok(true) => ExitCode::from(EXIT_FINDINGS),
            Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
        },
        Command::Probe(args) => match probe::run(*args, vault) {
            Ok(probe::Outcome::Clean) => ExitCode::SUCCESS,
            Ok(probe::Outcome::Errors) => ExitCode::from(EXIT_FINDINGS),
            Ok(probe::Outcome::NotWhole) => ExitCode::from(EXIT_COULD_NOT_RUN),
            Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
        },
        Command::Completions { shell } => {
            shell::completions(Cli::command(), shell);
            ExitCode::SUCCESS
        }
        Command::Schema { name, list } => {
            match output::print_schema(if list { None } else { name.as_deref() }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
            }
        }
        Command::Man { out_dir } => match shell::man(Cli::command(), out_dir.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => failures.fail(&err, EXIT_FAILURE),
        },
        Command::Node(args) => match node::run(args, vault) {
            Ok(false) => ExitCode::SUCCESS,
            Ok(true) => ExitCode::from(EXIT_FINDINGS),
            Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
        },
        Command::Explain(args) => match check::explain(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => failures.fail(&err, EXIT_COULD_NOT_RUN),
        },
    }
}
