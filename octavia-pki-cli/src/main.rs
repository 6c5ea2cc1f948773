//! `octavia-pki`: Octavia's control-plane certificates, right the first time.
//!
//! The logic lives in the `octavia-pki` library; this binary parses
//! arguments, prints, and maps results to exit codes.

mod generate;
mod output;
mod passphrase;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status of a run that could not do its job (bad input, refused overwrite...).
const EXIT_FAILURE: u8 = 1;

#[derive(Parser)]
#[command(
    name = "octavia-pki",
    version,
    about = "Octavia's control-plane certificates, right the first time",
    long_about = "Generates the certificates OpenStack Octavia's controllers and amphorae use for \
                  mutual TLS (server CA, client CA, client certificate-and-key bundle) in the layout \
                  kolla-ansible deploys.",
    after_help = "Exit status: 0 success, 1 failure (the message names the file and the cause), \
                  2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a complete, correct set of Octavia certificates and keys.
    Generate(generate::GenerateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("octavia-pki: error: {err}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
