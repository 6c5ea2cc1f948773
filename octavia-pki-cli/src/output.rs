//! Output formats shared by the commands.

use clap::ValueEnum;

/// How results are printed on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for a person.
    Human,
    /// One JSON document, for Ansible and other tooling.
    Json,
}

/// Prints a value as pretty JSON on standard output.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), octavia_pki::Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| {
        octavia_pki::Error::InvalidOptions(format!("cannot encode the JSON report: {e}"))
    })?;
    println!("{text}");
    Ok(())
}
