//! Output formats shared by the commands, and the one way they print.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

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

/// Prints the JSON error report of a failure.
pub fn print_error(message: &str, file: Option<&std::path::Path>, exit_status: u8) {
    let report = crate::schema::ErrorReport::new(message, file, exit_status);
    // The failure is already on standard error; a report that cannot be
    // printed adds nothing to it.
    let _ = print_report(&report, crate::schema::ERROR);
}

/// `octavia-pki schema NAME`: the schema, as committed under `schemas/`;
/// `--list`: every name, with its version and command.
pub fn print_schema(name: Option<&str>) -> Result<(), octavia_pki::Error> {
    let all = crate::schema::ALL;
    let Some(name) = name else {
        for p in all {
            outln!(
                "{:<14} version {}  ({} --format json)",
                p.name,
                p.version,
                p.command
            );
        }
        return Ok(());
    };
    let published = all.iter().find(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|p| p.name).collect();
        octavia_pki::Error::usage(format!(
            "no schema \"{name}\" (expected {})",
            names.join(", ")
        ))
    })?;
    print_json(&published.schema())
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
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| octavia_pki::Error::internal(format!("cannot encode the JSON report: {e}")))?;
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

/// Where a report too long to hold goes as it is made: standard output, or a
/// file (`--output`) replaced atomically once the report is whole (a
/// collector reading the directory at any moment sees the previous report or
/// the new one, never a part), as [`emit`] replaces it.
pub struct ReportOut {
    to: To,
}

enum To {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        path: std::path::PathBuf,
        staged: std::io::BufWriter<tempfile::NamedTempFile>,
    },
}

impl ReportOut {
    /// Standard output, or a temporary file beside `file` (mode 0644, the
    /// mode [`emit`] gives), moved into place by [`ReportOut::finish`].
    pub fn open(file: Option<&std::path::Path>) -> Result<Self, octavia_pki::Error> {
        let Some(path) = file else {
            return Ok(Self {
                to: To::Stdout(std::io::BufWriter::new(std::io::stdout())),
            });
        };
        let failed = |source| {
            octavia_pki::Error::Fs(octavia_pki::fsio::FsError::Write {
                path: path.to_owned(),
                source,
            })
        };
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(octavia_pki::Error::Fs(
                octavia_pki::fsio::FsError::NotAFile {
                    path: path.to_owned(),
                    kind: "a directory",
                },
            ));
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => std::path::Path::new("."),
        };
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(octavia_pki::fsio::DIR_MODE)
            .create(dir)
            .map_err(failed)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale_reports(dir, &name);
        let staged = tempfile::Builder::new()
            .prefix(&format!(".{name}.{}.", std::process::id()))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(failed)?;
        // Exactly, whatever the umask.
        staged
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(
                octavia_pki::fsio::PUBLIC_MODE,
            ))
            .map_err(failed)?;
        Ok(Self {
            to: To::File {
                path: path.to_owned(),
                staged: std::io::BufWriter::new(staged),
            },
        })
    }

    /// Writes `text`. Standard output's reader gone away ends the process
    /// quietly, as [`write_stdout`] does.
    pub fn write(&mut self, text: &str) -> Result<(), octavia_pki::Error> {
        let written = match &mut self.to {
            To::Stdout(out) => out.write_all(text.as_bytes()),
            To::File { staged, .. } => staged.write_all(text.as_bytes()),
        };
        written.map_err(|e| self.failed(e))
    }

    /// Writes one line for a person, escaped as [`write_line`]'s are: text
    /// read from a file or the network adds no line and moves no cursor.
    pub fn line(&mut self, text: &str) -> Result<(), octavia_pki::Error> {
        self.write(&octavia_pki::text::escape(text))?;
        self.write("\n")
    }

    /// Flushes the report; a file is synced and moved into place.
    pub fn finish(self) -> Result<(), octavia_pki::Error> {
        match self.to {
            To::Stdout(mut out) => out.flush().map_err(stdout_failed),
            To::File { path, staged } => {
                let failed = |source| {
                    octavia_pki::Error::Fs(octavia_pki::fsio::FsError::Write {
                        path: path.clone(),
                        source,
                    })
                };
                let staged = staged.into_inner().map_err(|e| failed(e.into_error()))?;
                staged.as_file().sync_all().map_err(failed)?;
                staged.persist(&path).map_err(|e| failed(e.error))?;
                if let Some(dir) = path.parent()
                    && let Ok(dir) = std::fs::File::open(if dir.as_os_str().is_empty() {
                        std::path::Path::new(".")
                    } else {
                        dir
                    })
                {
                    // Best effort, as fsio: the file itself is synced.
                    let _ = dir.sync_all();
                }
                Ok(())
            }
        }
    }

    fn failed(&self, e: std::io::Error) -> octavia_pki::Error {
        match &self.to {
            To::Stdout(_) => stdout_failed(e),
            To::File { path, .. } => octavia_pki::Error::Fs(octavia_pki::fsio::FsError::Write {
                path: path.clone(),
                source: e,
            }),
        }
    }
}

/// A [`ReportOut`] as a `fmt::Write`, for encoders that write text: a failed
/// write is kept, to be told rather than a bare `fmt::Error`.
pub struct FmtOut<'a> {
    out: &'a mut ReportOut,
    failed: Option<octavia_pki::Error>,
}

impl<'a> FmtOut<'a> {
    /// Writes to `out`.
    pub fn new(out: &'a mut ReportOut) -> Self {
        Self { out, failed: None }
    }

    /// The write that failed, if one did.
    pub fn failure(self) -> Option<octavia_pki::Error> {
        self.failed
    }
}

impl std::fmt::Write for FmtOut<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.write(s).map_err(|e| {
            self.failed = Some(e);
            std::fmt::Error
        })
    }
}

/// A failed write to standard output: its reader gone away ends the process
/// quietly (status 141), as [`write_stdout`] does; any other failure is an
/// error.
fn stdout_failed(e: std::io::Error) -> octavia_pki::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_READER_GONE);
    }
    octavia_pki::Error::Local(format!("cannot write to standard output: {e}"))
}

/// Removes the temporary reports of killed runs for the file `name` in
/// `dir` (`.<name>.<pid>.<random>.tmp`, as [`ReportOut::open`] names them):
/// one whose process still runs is that run's own and is left alone.
fn remove_stale_reports(dir: &std::path::Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let running = pid == std::process::id()
            || !std::path::Path::new("/proc/self").exists()
            || std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !running && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Lines put aside while a long report is written, read back at its end:
/// in a temporary file (unlinked at once: nothing is left behind), not in
/// memory.
pub struct Spool {
    file: std::io::BufWriter<std::fs::File>,
}

impl Spool {
    /// An empty spool.
    pub fn new() -> Result<Self, octavia_pki::Error> {
        let file = tempfile::tempfile().map_err(|e| {
            octavia_pki::Error::Local(format!("cannot create a temporary file: {e}"))
        })?;
        Ok(Self {
            file: std::io::BufWriter::new(file),
        })
    }

    /// Puts a line aside (whatever it holds, line breaks included).
    pub fn line(&mut self, line: &str) -> Result<(), octavia_pki::Error> {
        // As a JSON string: one line on disk, whatever it holds.
        serde_json::to_writer(&mut self.file, line)
            .map_err(std::io::Error::from)
            .and_then(|()| self.file.write_all(b"\n"))
            .map_err(spool_failed)
    }

    /// Every line put aside, in order (again at each call).
    pub fn lines(
        &mut self,
    ) -> Result<impl Iterator<Item = Result<String, octavia_pki::Error>> + '_, octavia_pki::Error>
    {
        use std::io::{BufRead, Seek};
        self.file.flush().map_err(spool_failed)?;
        let mut file = self.file.get_ref();
        file.rewind().map_err(spool_failed)?;
        Ok(std::io::BufReader::new(file).lines().map(|line| {
            line.and_then(|l| serde_json::from_str(&l).map_err(std::io::Error::from))
                .map_err(spool_failed)
        }))
    }
}

fn spool_failed(e: std::io::Error) -> octavia_pki::Error {
    octavia_pki::Error::Local(format!("cannot use a temporary file: {e}"))
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
