//! Reading files with errors that name them, and writing sets of files so
//! that nothing the user had is lost, whenever the process is stopped.
//!
//! One concern per file:
//! - `read.rs`: reads capped by the kind of file ([`FileKind`]), vaulted
//!   files decrypted, errors naming the file.
//! - `write.rs`: the one writer of a set, [`write_all`]: every new file and
//!   link is first staged in full beside its target; only when all are
//!   staged are existing targets backed up, the transaction journalled, and
//!   the new files and links moved into place with `rename` (atomic, and it
//!   replaces a symlink rather than following it). Without `force`, files
//!   are placed with `link`, which fails rather than replace anything that
//!   appeared meanwhile.
//! - `stage.rs`: what the writer and a recovery share: files and links
//!   staged under temporary names beside their targets, the stale ones of
//!   killed runs removed, directories made.
//! - `backup.rs`: backups never overwrite anything: each write makes its own
//!   backup directory, `.backup/<UTC time>.<pid>.<random>/`, created
//!   exclusively, and each backup is a new name (a hard link, or a copy
//!   created exclusively), so two runs in the same second, or at the same
//!   time, each keep what they replaced. A write that cannot back up every
//!   file it replaces writes nothing. [`list_backups`] lists a set's runs;
//!   [`restore_plan`] puts one back (itself a journalled write).
//! - `journal.rs`: before the first rename, a durable record of the whole
//!   transaction (each target, its staged file, its backup, the SHA-256 of
//!   the new contents, the links' previous targets, the directories
//!   created; no secret); a run killed between two renames is brought back
//!   to a whole state by [`recover`], forward or back.
//! - `recover.rs`: [`recover`], forward or back from a pending journal.
//! - `lock.rs`: one writer at a time is the caller's [`DirLock`], an
//!   advisory lock on each directory, taken before reading and held until
//!   written; recovery runs under it, so a journal's writer is surely dead.
//! - `private_dir.rs`: [`PrivateDir`], where documents are unpacked: 0700,
//!   removed on drop, on [`remove_private_dirs`] (signals), and by a later
//!   run when a killed one left it.
//! - `fault.rs`: the crash tests' kill points.

mod backup;
mod fault;
mod journal;
mod lock;
mod private_dir;
mod read;
mod recover;
mod stage;
mod write;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use zeroize::Zeroizing;

pub use backup::{BackedUpFile, BackupRun, BackupsReport, Restored, list_backups, restore_plan};
pub use journal::{Direction, pending_journals};
pub use lock::DirLock;
pub use private_dir::{PrivateDir, remove_private_dirs, remove_stale_private_dirs};
pub(crate) use read::read_limited;
pub use read::{
    FileKind, MAX_FILE_SIZE, read_file, read_file_of, read_json_of, require_dir, require_readable,
};
pub use recover::{RecoverReport, RecoveredFile, Recovery, RecoveryAction, recover};
pub use write::{replace, write_all};

/// This module's `Result`.
pub type Result<T, E = FsError> = std::result::Result<T, E>;

/// Why a file could not be read or written, or a write was refused. Every
/// message names the file; none holds its contents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FsError {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// This process may not read a file: nothing can be said about it.
    #[error(
        "cannot read {}: permission denied; run as root or as the file's owner",
        path.display()
    )]
    PermissionDenied {
        /// The file.
        path: PathBuf,
    },
    /// A file or directory could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// Files exist where new ones would be written, and overwriting was not allowed.
    #[error(
        "refusing to overwrite existing files (replacing them, each backed up first, must be asked for): {}",
        display_paths(paths)
    )]
    WouldOverwrite {
        /// The files that exist.
        paths: Vec<PathBuf>,
    },
    /// Two files of one write would go to the same path.
    #[error(
        "{} would be written twice by this change (two files of the set are at one path): give \
         directories that do not overlap",
        path.display()
    )]
    SameTarget {
        /// The path.
        path: PathBuf,
    },
    /// Another run holds the lock of a directory this one writes.
    #[error(
        "{} is locked by {holder}, which is writing there (an advisory lock on the directory); \
         wait for it to finish (nothing was changed)",
        path.display()
    )]
    Locked {
        /// The locked directory.
        path: PathBuf,
        /// Who holds it (`process 1234`).
        holder: String,
    },
    /// A write outside the directories its run locked.
    #[error("{} is outside the directories this run locked; nothing was written", path.display())]
    NotLocked {
        /// The file.
        path: PathBuf,
    },
    /// Something that is not a regular file (a directory...) is where a file must go.
    #[error("{} is not a regular file ({kind}); move it away first", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there instead.
        kind: &'static str,
    },
    /// An interrupted write could be brought neither forward nor back.
    #[error(
        "the interrupted write journalled in {} cannot be completed or undone: {reason}; \
         nothing more was changed (its backups are kept: `octavia-pki backups list`)",
        journal.display()
    )]
    Unrecoverable {
        /// The journal.
        journal: PathBuf,
        /// Why.
        reason: String,
    },
    /// No backup of that name.
    #[error("no backup named {name} in this set (`octavia-pki backups list` names them)")]
    NoSuchBackup {
        /// The name asked for.
        name: String,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name of each directory's backups, beside its files.
const BACKUP_DIR: &str = ".backup";

/// Mode of files that hold a private key.
pub const SECRET_MODE: u32 = 0o600;
/// Mode of files that hold only certificates.
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of directories this crate creates.
pub const DIR_MODE: u32 = 0o700;

/// Whether anything (even a dangling symlink) is at `path`.
pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// One file to write.
#[derive(Clone)]
pub struct PlannedFile {
    /// Where it goes.
    pub path: PathBuf,
    /// What it holds (wiped after writing: it may be a key).
    pub contents: Zeroizing<Vec<u8>>,
    /// Its permission bits.
    pub mode: u32,
}

impl std::fmt::Debug for PlannedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The contents may be a key: never shown.
        f.debug_struct("PlannedFile")
            .field("path", &self.path)
            .field("mode", &format_args!("{:04o}", self.mode))
            .finish_non_exhaustive()
    }
}

impl PlannedFile {
    /// A file holding a secret (mode 0600).
    pub fn secret(path: PathBuf, contents: Zeroizing<String>) -> Self {
        Self {
            path,
            contents: Zeroizing::new(contents.as_bytes().to_vec()),
            mode: SECRET_MODE,
        }
    }

    /// A file holding only public data (mode 0644).
    pub fn public(path: PathBuf, contents: String) -> Self {
        Self {
            path,
            contents: Zeroizing::new(contents.into_bytes()),
            mode: PUBLIC_MODE,
        }
    }
}

/// A symbolic link to point, as part of a write: `path` pointing at
/// `target` (a name relative to its directory), as `ln -sfn` would, but
/// staged, backed up and journalled as files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLink {
    /// The link.
    pub path: PathBuf,
    /// What it points at, relative to its directory.
    pub target: String,
}

/// What one journalled write ([`write_all`]) writes, and what it is.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct WritePlan {
    /// The files.
    pub files: Vec<PlannedFile>,
    /// The symbolic links (a link replaces only a link).
    pub links: Vec<PlannedLink>,
    /// Replace existing files, each backed up first; without it, an
    /// existing file at any target stops everything before anything is
    /// written.
    pub force: bool,
    /// Write each file's contents as given, never encrypted again with
    /// ansible-vault (a restored backup already is what it was).
    pub verbatim: bool,
    /// What the write is, in a line (`renew client`), kept in its journal:
    /// `octavia-pki backups list` and a recovery say it.
    pub what: String,
    /// What the operator must do once it is written (no secret): a
    /// recovery that completes the write says it again.
    pub notes: Vec<String>,
}

impl WritePlan {
    /// A plan to write `files`, described as `what`.
    pub fn new(what: impl Into<String>, files: Vec<PlannedFile>) -> Self {
        Self {
            files,
            what: what.into(),
            ..Self::default()
        }
    }
}

/// What a write did.
#[derive(Debug, Clone, Default, serde::Serialize, schemars::JsonSchema)]
pub struct WriteReport {
    /// The files (and links) written, in order.
    pub written: Vec<WrittenFile>,
    /// Existing files that were replaced, and where their backup is.
    pub backups: Vec<Backup>,
    /// Directories created.
    pub created_dirs: Vec<PathBuf>,
}

/// A file that was written.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct WrittenFile {
    /// The path.
    pub path: PathBuf,
    /// The permission bits, as octal text (`0600`); `link` for a symbolic link.
    pub mode: String,
}

/// A replaced file and its backup.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Backup {
    /// The file that was replaced.
    pub original: PathBuf,
    /// Where the old contents are now.
    pub backup: PathBuf,
}

/// A path with its longest existing ancestor resolved (symlinks, `..`),
/// to compare targets and directories however they are spelt.
fn identity_of(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(resolved) = fs::canonicalize(at) {
            return rest.iter().rev().fold(resolved, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                at = parent;
            }
            _ => return absolute,
        }
    }
}

/// A target's identity: its directory resolved as [`identity_of`] does, its
/// own name not (a link there is replaced, never followed).
fn target_identity(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        // A bare name is in the current directory.
        (Some(parent), Some(name)) if parent.as_os_str().is_empty() => {
            identity_of(Path::new(".")).join(name)
        }
        (Some(parent), Some(name)) => identity_of(parent).join(name),
        _ => identity_of(path),
    }
}

/// Makes a directory's new entries durable. Best effort: some file systems
/// cannot sync a directory, and the files themselves are already synced.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Whether a process with this id runs (Linux's /proc; elsewhere, assume it
/// does, so that nothing of a live run is ever removed).
fn process_is_running(pid: u32) -> bool {
    pid == std::process::id()
        || !Path::new("/proc/self").exists()
        || Path::new(&format!("/proc/{pid}")).exists()
}

/// `now` as a name sorts: `20250102T030405Z`.
fn timestamp(now: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Random bytes as lowercase hex, for names no other run picks.
fn random_hex<const N: usize>() -> String {
    let bytes: [u8; N] = crate::random::bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes`, as lowercase hex: what the journal records of a
/// file's contents (never the contents).
fn sha256_hex(bytes: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
