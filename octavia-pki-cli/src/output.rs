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

/// Prints what a write did: each file with its mode, then the backups of
/// the files it replaced.
pub fn print_written(report: &octavia_pki::WriteReport) {
    println!("Wrote:");
    for f in &report.written {
        println!("  {}  {}", f.mode, f.path.display());
    }
    if !report.backups.is_empty() {
        println!("Backed up before replacing:");
        for b in &report.backups {
            println!("  {} -> {}", b.original.display(), b.backup.display());
        }
    }
}

/// Prints what a dry run would have written.
pub fn print_would_write<'a>(paths: impl IntoIterator<Item = &'a std::path::Path>) {
    println!("Would write (nothing was written):");
    for path in paths {
        println!("  {}", path.display());
    }
}
