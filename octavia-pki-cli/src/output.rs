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

/// One line for a person (see [`write_line`]: everything in it that is not
/// plain text is written as an escape), ending quietly when the reader has
/// gone away (see [`out!`]).
macro_rules! outln {
    () => {
        $crate::output::write_line(&[$crate::output::Segment::Plain("")], false)
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(
            &[$crate::output::Segment::Plain(&format!($($arg)*))],
            false,
        )
    };
}

/// One line for a person on standard error, escaped as [`outln!`]'s are.
macro_rules! errln {
    ($($arg:tt)*) => {
        eprintln!("{}", octavia_pki::text::escape(&format!($($arg)*)))
    };
}

/// A piece of a line for a person: plain, or painted in a severity's colour.
pub enum Segment<'a> {
    /// Text as it is.
    Plain(&'a str),
    /// Text in the colour of the severity, on a terminal that shows colours.
    Painted(&'a str, octavia_pki::codes::Severity),
}

/// Writes one line for a person: the one place where text meets the
/// terminal. Every control character and invisible formatting control in
/// the segments (a newline or an escape sequence in a certificate subject,
/// a peer's answer, a file name; U+202E) is written as an escape
/// ([`octavia_pki::text::escape`]), so nothing read from a file or the
/// network reaches the terminal raw or adds a line; lines meant apart are
/// separate calls. Painted segments get their colour's codes around the
/// escaped text when `colour`.
pub fn write_line(segments: &[Segment<'_>], colour: bool) {
    let mut line = String::new();
    for segment in segments {
        match *segment {
            Segment::Plain(text) => line.push_str(&octavia_pki::text::escape(text)),
            Segment::Painted(text, severity) if colour => {
                let code = match severity {
                    octavia_pki::codes::Severity::Error => "31",
                    octavia_pki::codes::Severity::Warning => "33",
                    octavia_pki::codes::Severity::Info => "36",
                };
                line.push_str(&format!(
                    "\x1b[1;{code}m{}\x1b[0m",
                    octavia_pki::text::escape(text)
                ));
            }
            Segment::Painted(text, _) => line.push_str(&octavia_pki::text::escape(text)),
        }
    }
    write_stdout(format_args!("{line}"), true);
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

/// A value as pretty JSON, with its final newline. JSON escapes the C0
/// controls in strings; what it leaves raw (DEL, the C1 controls such as
/// U+009B, the invisible formatting controls such as U+202E) is written as
/// `\uXXXX` too, so a report shown on a terminal reads as what it holds
/// (the same strings, once parsed).
pub fn json_text(value: &impl serde::Serialize) -> Result<String, octavia_pki::Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| {
        octavia_pki::Error::InvalidOptions(format!("cannot encode the JSON report: {e}"))
    })?;
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // The C0 controls left are the layout's own newlines.
        if octavia_pki::text::needs_escape(c) && u32::from(c) >= 0x7f {
            // Outside strings JSON holds only ASCII, so `c` is in a string.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    Ok(out)
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
