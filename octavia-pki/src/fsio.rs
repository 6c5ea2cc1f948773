//! Reading files with errors that name them, and writing sets of files so
//! that nothing the user had is lost.
//!
//! Writing is staged: every new file is first written in full to a temporary
//! file beside its target; only when all are staged are existing targets
//! backed up and the new files moved into place with `rename`, which is
//! atomic and replaces a symlink rather than following it. Without `force`,
//! files are placed with `link`, which fails rather than replace anything
//! that appeared meanwhile.
//!
//! Backups never overwrite anything: each write makes its own backup
//! directory, `.backup/<UTC time>.<pid>.<random>/`, created exclusively, and
//! each backup is a new name (a hard link, or a copy created exclusively), so
//! two runs in the same second, or at the same time, each keep what they
//! replaced. A write that cannot back up every file it replaces writes
//! nothing. One writer at a time is the caller's [`DirLock`]: an advisory
//! lock on each directory, taken before reading and held until written.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::secret::Passphrase;
use crate::vault;

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
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The largest certificate, key or settings file this crate reads: they are
/// a few KiB, so anything larger is a mistake and is not read into memory
/// whole. Lists of amphorae grow with the cloud and have caps of their own
/// ([`FileKind`]).
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// What a file is, for the most of it that is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A certificate, key or bundle, or a small settings file
    /// (passwords.yml, globals.yml, octavia.conf): [`MAX_FILE_SIZE`].
    Small,
    /// The work directory's history: one line per change, 16 MiB.
    History,
    /// An amphora list (`openstack loadbalancer amphora list -f json`, about
    /// 230 bytes an amphora): 64 MiB, over 250,000 amphorae.
    AmphoraList,
    /// A `probe --format json` report (about 760 bytes an amphora): 256 MiB,
    /// over 300,000 amphorae.
    ProbeReport,
}

impl FileKind {
    /// The most bytes read of a file of this kind.
    pub const fn limit(self) -> u64 {
        match self {
            Self::Small => MAX_FILE_SIZE,
            Self::History => 16 * 1024 * 1024,
            Self::AmphoraList => 64 * 1024 * 1024,
            Self::ProbeReport => 256 * 1024 * 1024,
        }
    }

    /// What a file of this kind is, in a message.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Small => "a certificate, key or settings file",
            Self::History => "a history file",
            Self::AmphoraList => "an amphora list",
            Self::ProbeReport => "a probe report (`octavia-pki probe --format json`)",
        }
    }
}

/// Mode of files that hold a private key.
pub const SECRET_MODE: u32 = 0o600;
/// Mode of files that hold only certificates.
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of directories this crate creates.
pub const DIR_MODE: u32 = 0o700;

/// Reads a whole file (at most [`MAX_FILE_SIZE`] bytes) into zeroizing
/// memory. A file encrypted with ansible-vault is decrypted with `vault`,
/// the vault password ([`crate::vault`]); without it, or with another, the
/// error says so.
pub fn read_file(path: &Path, vault: Option<&Passphrase>) -> Result<Zeroizing<Vec<u8>>> {
    read_file_of(path, FileKind::Small, vault)
}

/// Reads a whole file of `kind` (at most [`FileKind::limit`] bytes) into
/// zeroizing memory, as [`read_file`] does; a larger one is an error naming
/// the kind and the cap.
pub fn read_file_of(
    path: &Path,
    kind: FileKind,
    vault: Option<&Passphrase>,
) -> Result<Zeroizing<Vec<u8>>> {
    let read_err = |source| read_error(path, source);
    let meta = fs::metadata(path).map_err(read_err)?;
    if meta.is_dir() {
        return Err(FsError::NotAFile {
            path: path.to_owned(),
            kind: "a directory",
        });
    }
    read_limited_of(path, kind, vault).map_err(read_err)
}

/// A failed read of `path`: this process not being allowed to is its own
/// error (nothing can be said about the file), any other names the cause.
fn read_error(path: &Path, source: io::Error) -> FsError {
    if source.kind() == io::ErrorKind::PermissionDenied {
        FsError::PermissionDenied {
            path: path.to_owned(),
        }
    } else {
        FsError::Read {
            path: path.to_owned(),
            source,
        }
    }
}

/// The error of a file larger than `kind`'s cap.
fn too_large(kind: FileKind) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "the file is larger than {} bytes, the most {} can be here",
            kind.limit(),
            kind.name()
        ),
    )
}

/// Reads a JSON file of `kind` into `T`, streaming it from the file (a probe
/// report of 50,000 amphorae is 35 MB, and only what `T` keeps of it stays
/// in memory); a vaulted file is decrypted whole first. Errors name the file.
pub fn read_json_of<T: serde::de::DeserializeOwned>(
    path: &Path,
    kind: FileKind,
    vault: Option<&Passphrase>,
) -> Result<T> {
    let read_err = |source| read_error(path, source);
    let invalid = |e: serde_json::Error| {
        read_err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not {} as this tool writes it: {e}", kind.name()),
        ))
    };
    let mut file = File::open(path).map_err(read_err)?;
    let mut head = [0u8; 64];
    let n = file.read(&mut head).map_err(read_err)?;
    if vault::is_vaulted(&head[..n]) {
        return serde_json::from_slice(&read_file_of(path, kind, vault)?).map_err(invalid);
    }
    let size = file.metadata().map_err(read_err)?.len();
    if size > kind.limit() {
        return Err(read_err(too_large(kind)));
    }
    let reader = io::Cursor::new(&head[..n]).chain(file.take(kind.limit()));
    serde_json::from_reader(io::BufReader::new(reader)).map_err(invalid)
}

/// Fails with [`FsError::PermissionDenied`] when this process may not read one
/// of `paths` that exist: then nothing can be said about them, and a
/// checker must say it could not run rather than that the set is broken.
pub fn require_readable<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<()> {
    for path in paths {
        let path = path.as_ref();
        if let Err(e) = File::open(path)
            && e.kind() == io::ErrorKind::PermissionDenied
        {
            return Err(read_error(path, e));
        }
    }
    Ok(())
}

/// The file's bytes, at most [`MAX_FILE_SIZE`] of them: a larger file is an
/// error of kind [`io::ErrorKind::FileTooLarge`], and is not read whole. A
/// file encrypted with ansible-vault is decrypted; without the vault
/// password, or with another, the error (of kind
/// [`io::ErrorKind::InvalidData`]) says so.
pub(crate) fn read_limited(
    path: &Path,
    vault: Option<&Passphrase>,
) -> io::Result<Zeroizing<Vec<u8>>> {
    read_limited_of(path, FileKind::Small, vault)
}

fn read_limited_of(
    path: &Path,
    kind: FileKind,
    vault: Option<&Passphrase>,
) -> io::Result<Zeroizing<Vec<u8>>> {
    let buf = read_limited_raw(path, kind)?;
    if vault::is_vaulted(&buf) {
        let (plain, _) = vault::decrypt(&buf, vault)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        return Ok(plain);
    }
    Ok(buf)
}

/// What to write at `f`'s path: its contents, encrypted again with `vault`
/// when the file it replaces was vaulted (same vault id).
fn contents_for(f: &PlannedFile, vault: Option<&Passphrase>) -> Result<Zeroizing<Vec<u8>>> {
    let mut head = [0u8; 64];
    let n = File::open(&f.path)
        .and_then(|mut file| file.read(&mut head))
        .unwrap_or(0);
    if !vault::is_vaulted(&head[..n]) {
        return Ok(f.contents.clone());
    }
    // The largest kind of file this crate writes.
    let existing =
        read_limited_raw(&f.path, FileKind::History).map_err(|source| FsError::Read {
            path: f.path.clone(),
            source,
        })?;
    let envelope = vault::envelope_of(&existing);
    let password = vault.ok_or_else(|| FsError::Write {
        path: f.path.clone(),
        source: io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is encrypted with ansible-vault, and would be written back encrypted: give \
             --vault-password-file",
        ),
    })?;
    let id = envelope.and_then(|e| e.vault_id);
    Ok(Zeroizing::new(
        vault::encrypt(&f.contents, password, id.as_deref()).into_bytes(),
    ))
}

/// The file's bytes as they are on disk, at most `kind`'s limit of them.
fn read_limited_raw(path: &Path, kind: FileKind) -> io::Result<Zeroizing<Vec<u8>>> {
    let limit = kind.limit();
    let mut buf = Zeroizing::new(Vec::new());
    File::open(path)?.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(kind));
    }
    Ok(buf)
}

/// Fails unless `dir` is a directory that can be listed: what `check` and
/// `rehearse` need before they can report anything about its files.
pub fn require_dir(dir: &Path) -> Result<()> {
    let read_err = |source| FsError::Read {
        path: dir.to_owned(),
        source,
    };
    if !fs::metadata(dir).map_err(read_err)?.is_dir() {
        return Err(FsError::NotAFile {
            path: dir.to_owned(),
            kind: "not a directory",
        });
    }
    fs::read_dir(dir).map_err(read_err)?;
    Ok(())
}

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

/// What a write did.
#[derive(Debug, Clone, Default, serde::Serialize, schemars::JsonSchema)]
pub struct WriteReport {
    /// The files written, in order.
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
    /// The permission bits, as octal text (`0600`).
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

/// Writes `files` all or nothing (see the module docs). Without `force`, an
/// existing file at any target stops everything before anything is written.
/// A file that replaces one encrypted with ansible-vault is encrypted with
/// `vault`, the vault password, and the same vault id.
pub fn write_all(
    files: &[PlannedFile],
    force: bool,
    vault: Option<&Passphrase>,
) -> Result<WriteReport> {
    refuse_same_target(files)?;
    let mut report = WriteReport::default();
    let mut existing = Vec::new();
    for f in files {
        match fs::symlink_metadata(&f.path) {
            Ok(meta) if meta.is_dir() => {
                return Err(FsError::NotAFile {
                    path: f.path.clone(),
                    kind: "a directory",
                });
            }
            Ok(_) => existing.push(f.path.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // A parent is a regular file: the target can never be written.
            Err(source) if source.kind() == io::ErrorKind::NotADirectory => {
                return Err(FsError::Write {
                    path: f.path.clone(),
                    source,
                });
            }
            Err(source) => {
                return Err(FsError::Read {
                    path: f.path.clone(),
                    source,
                });
            }
        }
    }
    if !existing.is_empty() && !force {
        return Err(FsError::WouldOverwrite { paths: existing });
    }

    for f in files {
        if let Some(parent) = f.path.parent() {
            create_dirs(parent, &mut report.created_dirs)?;
        }
    }

    let contents = files
        .iter()
        .map(|f| contents_for(f, vault))
        .collect::<Result<Vec<_>>>()?;
    let mut staged = Staged::default();
    for (f, contents) in files.iter().zip(&contents) {
        let temp = stage(f, contents)?;
        staged.0.push(temp);
    }

    // Every replaced file is kept before the first is replaced: a run that
    // cannot back up writes nothing.
    let mut backup_dirs = BackupDirs::new();
    for path in &existing {
        report.backups.push(back_up(path, &mut backup_dirs)?);
    }

    for (f, temp) in files.iter().zip(staged.0.iter()) {
        fault::point("rename");
        let place = if force {
            fs::rename(temp, &f.path)
        } else {
            fs::hard_link(temp, &f.path)
        };
        place.map_err(|source| FsError::Write {
            path: f.path.clone(),
            source,
        })?;
        report.written.push(WrittenFile {
            path: f.path.clone(),
            mode: format!("{:04o}", f.mode),
        });
    }
    drop(staged);
    let mut dirs: Vec<&Path> = files.iter().filter_map(|f| f.path.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        sync_dir(dir);
    }
    Ok(report)
}

/// Replaces one file atomically and without a backup: for this tool's own
/// output, made afresh on each run (a metrics file a collector may read at
/// any moment sees the old contents or the new, never a part of either).
pub fn replace(file: &PlannedFile) -> Result<WrittenFile> {
    if fs::symlink_metadata(&file.path).is_ok_and(|m| m.is_dir()) {
        return Err(FsError::NotAFile {
            path: file.path.clone(),
            kind: "a directory",
        });
    }
    if let Some(parent) = file.path.parent() {
        create_dirs(parent, &mut Vec::new())?;
    }
    let staged = Staged(vec![stage(file, &file.contents)?]);
    fs::rename(&staged.0[0], &file.path).map_err(|source| FsError::Write {
        path: file.path.clone(),
        source,
    })?;
    drop(staged);
    if let Some(parent) = file.path.parent() {
        sync_dir(parent);
    }
    Ok(WrittenFile {
        path: file.path.clone(),
        mode: format!("{:04o}", file.mode),
    })
}

/// Temporary files not yet moved into place; removed when dropped.
#[derive(Default)]
struct Staged(Vec<PathBuf>);

impl Drop for Staged {
    fn drop(&mut self) {
        for temp in &self.0 {
            // After a rename the temp name is gone; after a link, this removes
            // the extra name. Either way nothing is left under a temp name.
            let _ = fs::remove_file(temp);
        }
    }
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    match fs::DirBuilder::new().mode(DIR_MODE).create(dir) {
        Ok(()) => {
            created.push(dir.to_owned());
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(source) => Err(FsError::Write {
            path: dir.to_owned(),
            source,
        }),
    }
}

/// Random bytes in a temporary file's name (`.<target>.<pid>.<hex>.tmp`).
const TEMP_SUFFIX_BYTES: usize = 6;

/// Removes the temporary files that killed runs left for the target `name`:
/// they may hold a private key, and are never moved into place. A temporary
/// file names the process that made it; one whose process still runs is that
/// run's own and is left alone.
fn remove_stale_temps(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((pid, hex)) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('.'))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let is_ours =
            hex.len() == 2 * TEMP_SUFFIX_BYTES && hex.bytes().all(|b| b.is_ascii_hexdigit());
        // A file, or a link (`replace_symlink`'s); never a directory.
        let removable = entry
            .file_type()
            .is_ok_and(|t| t.is_file() || t.is_symlink());
        if is_ours && !process_is_running(pid) && removable {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs (Linux's /proc; elsewhere, assume it
/// does, so that nothing of a live run is ever removed).
fn process_is_running(pid: u32) -> bool {
    pid == std::process::id()
        || !Path::new("/proc/self").exists()
        || Path::new(&format!("/proc/{pid}")).exists()
}

/// A fresh temporary name for `name` in `dir`: `.<name>.<pid>.<hex>.tmp`,
/// the form [`remove_stale_temps`] recognises.
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    let suffix: [u8; TEMP_SUFFIX_BYTES] = crate::random::bytes();
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!(".{name}.{}.{hex}.tmp", std::process::id()))
}

/// Writes `contents` to a fresh temporary file beside `f`'s path, with its
/// mode, synced to disk. `create_new` (O_CREAT|O_EXCL) refuses any existing
/// name, symlinks included.
fn stage(f: &PlannedFile, contents: &[u8]) -> Result<PathBuf> {
    let dir = f.path.parent().unwrap_or(Path::new("."));
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let write_err = |source| FsError::Write {
        path: f.path.clone(),
        source,
    };
    remove_stale_temps(dir, &name);
    for _ in 0..16 {
        let temp = temp_path(dir, &name);
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(f.mode)
            .open(&temp);
        let mut file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(write_err(source)),
        };
        let result = (|| {
            // The umask may have narrowed the mode; set it exactly.
            file.set_permissions(fs::Permissions::from_mode(f.mode))?;
            file.write_all(contents)?;
            file.sync_all()
        })();
        if let Err(source) = result {
            let _ = fs::remove_file(&temp);
            return Err(write_err(source));
        }
        return Ok(temp);
    }
    Err(write_err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    )))
}

/// The backup directories of one write: `.backup/<UTC time>.<pid>.<random>/`
/// beside each directory that has a replaced file, each created exclusively
/// (never an existing one), all with the same name.
struct BackupDirs {
    name: String,
    made: Vec<(PathBuf, PathBuf)>,
}

impl BackupDirs {
    fn new() -> Self {
        let random: [u8; 4] = crate::random::bytes();
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            name: format!("{}.{}.{hex}", timestamp(), std::process::id()),
            made: Vec::new(),
        }
    }

    /// This write's backup directory for files in `parent`.
    fn for_parent(&mut self, parent: &Path) -> Result<PathBuf> {
        if let Some((_, dir)) = self.made.iter().find(|(p, _)| p == parent) {
            return Ok(dir.clone());
        }
        let root = parent.join(".backup");
        create_dirs(&root, &mut Vec::new())?;
        let dir = root.join(&self.name);
        // Exclusive: a directory of that name (another run's) is never reused.
        fs::DirBuilder::new()
            .mode(DIR_MODE)
            .create(&dir)
            .map_err(|source| FsError::Write {
                path: dir.clone(),
                source,
            })?;
        self.made.push((parent.to_owned(), dir.clone()));
        Ok(dir)
    }
}

/// Keeps the current file (or symlink) at `path` under a new name in this
/// write's backup directory beside it, without touching the original: a hard
/// link, else a copy created exclusively. Nothing existing is written over.
fn back_up(path: &Path, dirs: &mut BackupDirs) -> Result<Backup> {
    let dir = dirs.for_parent(path.parent().unwrap_or(Path::new(".")))?;
    let backup = dir.join(path.file_name().unwrap_or_default());
    let write_err = |source| FsError::Write {
        path: backup.clone(),
        source,
    };
    let read_err = |source| FsError::Read {
        path: path.to_owned(),
        source,
    };
    let meta = fs::symlink_metadata(path).map_err(read_err)?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(path).map_err(read_err)?;
        std::os::unix::fs::symlink(target, &backup).map_err(write_err)?;
    } else if let Err(link_err) = fs::hard_link(path, &backup) {
        if link_err.kind() == io::ErrorKind::AlreadyExists {
            return Err(write_err(link_err));
        }
        // No hard links on this file system: copy into a new file, keeping the mode.
        let mut from = File::open(path).map_err(read_err)?;
        let mut to = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(meta.permissions().mode() & 0o7777)
            .open(&backup)
            .map_err(write_err)?;
        io::copy(&mut from, &mut to)
            .and_then(|_| to.sync_all())
            .map_err(write_err)?;
    }
    Ok(Backup {
        original: path.to_owned(),
        backup,
    })
}

/// Two planned files at one path would back the original up twice and keep
/// only one of the new contents: refused, whatever the spelling of the path.
fn refuse_same_target(files: &[PlannedFile]) -> Result<()> {
    let mut seen: Vec<PathBuf> = Vec::with_capacity(files.len());
    for f in files {
        let identity = identity_of(&f.path);
        if seen.contains(&identity) {
            return Err(FsError::SameTarget {
                path: f.path.clone(),
            });
        }
        seen.push(identity);
    }
    Ok(())
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

/// Exclusive advisory locks (`flock`) on each directory a run writes, held
/// until dropped: one writer at a time, and a second run fails at once
/// naming the directory and the process that holds it. The directory itself
/// is the lock file, so that taking it writes nothing (a refused or dry run
/// leaves no trace); a directory that does not exist yet is covered by the
/// lock of its nearest existing parent.
#[derive(Debug)]
pub struct DirLock {
    dirs: Vec<PathBuf>,
    _files: Vec<File>,
}

impl DirLock {
    /// Locks every directory in `dirs`, or none.
    pub fn acquire(dirs: &[&Path]) -> Result<Self> {
        let wanted: Vec<PathBuf> = dirs.iter().map(|d| identity_of(d)).collect();
        let mut existing: Vec<PathBuf> = wanted.iter().map(|d| nearest_existing(d)).collect();
        existing.sort();
        existing.dedup();
        let mut files = Vec::with_capacity(existing.len());
        for dir in &existing {
            files.push(lock_one(dir)?);
        }
        Ok(Self {
            dirs: wanted,
            _files: files,
        })
    }

    /// Fails unless every file is in a locked directory (or below one).
    pub fn require_covers(&self, files: &[PlannedFile]) -> Result<()> {
        match files.iter().find(|f| {
            !self
                .dirs
                .iter()
                .any(|d| identity_of(&f.path).starts_with(d))
        }) {
            None => Ok(()),
            Some(f) => Err(FsError::NotLocked {
                path: f.path.clone(),
            }),
        }
    }
}

/// `dir`, or its nearest ancestor that exists.
fn nearest_existing(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|a| a.is_dir())
        .unwrap_or(Path::new("/"))
        .to_owned()
}

fn lock_one(dir: &Path) -> Result<File> {
    let read_err = |source| FsError::Read {
        path: dir.to_owned(),
        source,
    };
    let file = File::open(dir).map_err(read_err)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(FsError::Locked {
            path: dir.to_owned(),
            holder: lock_holder(&file).map_or_else(
                || "another process".to_owned(),
                |pid| format!("process {pid}"),
            ),
        }),
        Err(fs::TryLockError::Error(source)) => Err(read_err(source)),
    }
}

/// The process holding a `flock` on `file`, from Linux's `/proc/locks`
/// (`1: FLOCK ADVISORY WRITE <pid> <major>:<minor>:<inode> 0 EOF`).
fn lock_holder(file: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().ok()?;
    let dev = meta.dev();
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    let locks = fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let at = fields.iter().position(|f| *f == "FLOCK")?;
        (fields.get(at + 4) == Some(&id.as_str()))
            .then(|| fields.get(at + 3)?.parse().ok())
            .flatten()
    })
}

/// Fault injection for the crash tests: with the `fault-injection` feature,
/// `OCTAVIA_PKI_FAULT=<point>:<n>` aborts the process (as a kill would:
/// no destructor runs) at the n-th time it reaches `<point>` (from 1).
/// Without the feature, nothing.
mod fault {
    #[cfg(feature = "fault-injection")]
    pub(super) fn point(name: &str) {
        use std::sync::atomic::{AtomicU32, Ordering};
        static REACHED: AtomicU32 = AtomicU32::new(0);
        let Ok(spec) = std::env::var("OCTAVIA_PKI_FAULT") else {
            return;
        };
        let Some((point, n)) = spec.split_once(':') else {
            return;
        };
        if point == name && n.parse() == Ok(REACHED.fetch_add(1, Ordering::SeqCst) + 1) {
            std::process::abort();
        }
    }

    #[cfg(not(feature = "fault-injection"))]
    pub(super) fn point(_name: &str) {}
}

fn timestamp() -> String {
    let now = OffsetDateTime::now_utc();
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

/// Points the symbolic link `path` at `target` (a name relative to its
/// directory) in one step, as `ln -sfn` would in two: a new link beside it,
/// renamed over it. A link already pointing there is left as it is; a
/// regular file there is refused (it would be lost).
pub fn replace_symlink(path: &Path, target: &str) -> Result<()> {
    let write_err = |source| FsError::Write {
        path: path.to_owned(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            if std::fs::read_link(path).is_ok_and(|t| t == Path::new(target)) {
                return Ok(());
            }
        }
        Ok(_) => {
            return Err(write_err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "a file, not a symbolic link, is there: move it away",
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(write_err(e)),
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // A temporary name as a file's, so that a killed run's link is removed
    // by the next run as its files are.
    remove_stale_temps(dir, &name);
    for _ in 0..16 {
        let temp = temp_path(dir, &name);
        match std::os::unix::fs::symlink(target, &temp) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(e)),
        }
        if let Err(e) = std::fs::rename(&temp, path) {
            let _ = std::fs::remove_file(&temp);
            return Err(write_err(e));
        }
        sync_dir(dir);
        return Ok(());
    }
    Err(write_err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary name",
    )))
}

/// Makes a directory's new entries durable. Best effort: some file systems
/// cannot sync a directory, and the files themselves are already synced.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(dir: &Path, name: &str, text: &str) -> PlannedFile {
        PlannedFile::secret(dir.join(name), Zeroizing::new(text.to_owned()))
    }

    #[test]
    fn refuses_to_overwrite_without_force_and_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("b"), "old").unwrap();
        let err = write_all(
            &[
                plan(tmp.path(), "a", "new a"),
                plan(tmp.path(), "b", "new b"),
            ],
            false,
            None,
        )
        .unwrap_err();
        assert!(
            matches!(err, FsError::WouldOverwrite { ref paths } if paths == &[tmp.path().join("b")])
        );
        assert!(!tmp.path().join("a").exists());
        assert_eq!(fs::read_to_string(tmp.path().join("b")).unwrap(), "old");
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn force_backs_up_then_replaces_with_mode() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("b"), "old").unwrap();
        let report = write_all(&[plan(tmp.path(), "b", "new")], true, None).unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("b")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(&report.backups[0].backup).unwrap(),
            "old"
        );
        let mode = fs::metadata(tmp.path().join("b"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        fs::write(&elsewhere, "precious").unwrap();
        std::os::unix::fs::symlink(&elsewhere, tmp.path().join("key")).unwrap();
        let err = write_all(&[plan(tmp.path(), "key", "new")], false, None).unwrap_err();
        assert!(matches!(err, FsError::WouldOverwrite { .. }));
        let report = write_all(&[plan(tmp.path(), "key", "new")], true, None).unwrap();
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "precious");
        assert!(
            !fs::symlink_metadata(tmp.path().join("key"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::symlink_metadata(&report.backups[0].backup)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_directory_at_the_target_is_refused_even_with_force() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("key")).unwrap();
        let err = write_all(&[plan(tmp.path(), "key", "new")], true, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("is not a regular file (a directory)"),
            "{err}"
        );
    }

    #[test]
    fn a_link_is_pointed_in_one_step_and_a_file_there_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("Root.crt");
        // A killed run's temporary link (a pid that cannot run) is removed.
        let stale = tmp.path().join(".Root.crt.4194305.0123456789ab.tmp");
        std::os::unix::fs::symlink("Root-999.crt", &stale).unwrap();
        replace_symlink(&link, "Root-1000.crt").unwrap();
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("Root-1000.crt"));
        assert!(fs::symlink_metadata(&stale).is_err());
        replace_symlink(&link, "Root-1001.crt").unwrap();
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("Root-1001.crt"));
        // Nothing else is left beside it.
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["Root.crt"]);
        let file = tmp.path().join("file.crt");
        fs::write(&file, "kept").unwrap();
        assert!(replace_symlink(&file, "Root-1001.crt").is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "kept");
    }

    #[test]
    fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        // A process id that cannot be running (above Linux's pid_max).
        let stale = tmp.path().join(".key.4194305.0123456789ab.tmp");
        let live = tmp
            .path()
            .join(format!(".key.{}.0123456789ab.tmp", std::process::id()));
        fs::write(&live, "a live run's").unwrap();
        let unrelated = tmp.path().join(".key.notours.tmp");
        fs::write(&stale, "half").unwrap();
        fs::write(&unrelated, "keep").unwrap();
        write_all(&[plan(tmp.path(), "key", "new")], false, None).unwrap();
        assert!(!stale.exists());
        assert!(unrelated.exists());
        assert!(live.exists(), "a live run's temporary file is its own");
    }

    #[test]
    fn created_directories_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let report = write_all(&[plan(&tmp.path().join("x/y"), "f", "v")], false, None).unwrap();
        assert_eq!(report.created_dirs.len(), 2);
        for d in &report.created_dirs {
            assert_eq!(fs::metadata(d).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn oversized_files_are_refused_with_their_name() {
        let tmp = tempfile::tempdir().unwrap();
        let big = tmp.path().join("big.pem");
        fs::write(&big, vec![b'A'; (MAX_FILE_SIZE + 10) as usize]).unwrap();
        let err = read_file(&big, None).unwrap_err().to_string();
        assert!(
            err.contains("big.pem") && err.contains("larger than"),
            "{err}"
        );
    }
}
