//! Output formats shared by the commands, and the one way they print.

use std::io::Write;

use clap::ValueEnum;

/// `print!` that ends the process quietly when standard output's reader has
/// gone away (`octavia-pki explain --list | head -3`), as Unix tools do,
/// where `print!` would panic.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*), false)
    };
}

/// `println!`, ending quietly when the reader has gone away (see [`out!`]).
macro_rules! outln {
    () => {
        $crate::output::write_stdout(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*), true)
    };
}

/// Exit status when standard output's reader has gone away: the shell's
/// for a process ended by SIGPIPE (128 + 13), what `yes | head` shows.
const EXIT_READER_GONE: i32 = 141;

/// Writes to standard output; exits quietly (status 141) when its reader has
/// gone away, and with a message (status 2) on any other write error.
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_READER_GONE);
        }
        eprintln!("octavia-pki: error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

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
    out!("{}", json_text(value)?);
    Ok(())
}

/// A report as pretty JSON on standard output, carrying its schema's version.
pub fn print_report<T: serde::Serialize + schemars::JsonSchema>(
    report: &T,
    published: crate::schema::Published,
) -> Result<(), octavia_pki::Error> {
    print_json(&crate::schema::versioned(report, published))
}

/// What a command asked for JSON prints on standard output when it fails
/// (the message is on standard error too).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ErrorReport {
    /// The failure.
    error: Failure,
}

/// A failure, as `ErrorReport` holds it.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Failure {
    /// What went wrong, as the message on standard error says it.
    message: String,
    /// The file it is about, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<std::path::PathBuf>,
    /// The command's exit status.
    exit_status: u8,
}

/// Prints the JSON error report of a failure.
pub fn print_error(message: &str, file: Option<&std::path::Path>, exit_status: u8) {
    let report = ErrorReport {
        error: Failure {
            message: message.to_owned(),
            file: file.map(std::path::Path::to_owned),
            exit_status,
        },
    };
    // The failure is already on standard error; a report that cannot be
    // printed adds nothing to it.
    let _ = print_report(&report, crate::schema::ERROR);
}

/// A report as pretty JSON, carrying its schema's version, with its final newline.
pub fn report_text<T: serde::Serialize + schemars::JsonSchema>(
    report: &T,
    published: crate::schema::Published,
) -> Result<String, octavia_pki::Error> {
    json_text(&crate::schema::versioned(report, published))
}

/// A value as pretty JSON, with its final newline.
pub fn json_text(value: &impl serde::Serialize) -> Result<String, octavia_pki::Error> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| {
        octavia_pki::Error::InvalidOptions(format!("cannot encode the JSON report: {e}"))
    })?;
    text.push('\n');
    Ok(text)
}

/// A machine-readable report: on standard output, or in `file`, replaced
/// atomically (a collector reading the directory at any moment sees a
/// whole report; the previous one is not kept, it was this tool's own).
pub fn emit(text: &str, file: Option<&std::path::Path>) -> Result<(), octavia_pki::Error> {
    match file {
        None => out!("{text}"),
        Some(path) => {
            octavia_pki::fsio::replace(&octavia_pki::fsio::PlannedFile::public(
                path.to_owned(),
                text.to_owned(),
            ))?;
        }
    }
    Ok(())
}

/// Prints what a write did: each file with its mode, then the backups of
/// the files it replaced.
pub fn print_written(report: &octavia_pki::WriteReport) {
    outln!("Wrote:");
    for f in &report.written {
        outln!("  {}  {}", f.mode, f.path.display());
    }
    if !report.backups.is_empty() {
        outln!("Backed up before replacing:");
        for b in &report.backups {
            outln!("  {} -> {}", b.original.display(), b.backup.display());
        }
    }
}

/// Prints what a dry run would have written.
pub fn print_would_write<'a>(paths: impl IntoIterator<Item = &'a std::path::Path>) {
    outln!("Would write (nothing was written):");
    for path in paths {
        outln!("  {}", path.display());
    }
}

/// A validity in days, from 1 to the library's [`octavia_pki::MAX_DAYS`]: a
/// value out of range is a usage error (exit 2), as clap reports it.
pub fn days(text: &str) -> Result<u32, String> {
    let days: u32 = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a whole number of days"))?;
    if (1..=octavia_pki::MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(format!(
            "{days} is out of range: from 1 to {} days",
            octavia_pki::MAX_DAYS
        ))
    }
}
