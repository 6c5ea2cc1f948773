//! The one writer of a set: every file and link staged, every replaced one
//! backed up, the whole transaction journalled, then each moved into place.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::backup::{BackupDirs, back_up};
use super::journal::{Entry, Journal, New, Previous};
use super::read::read_limited_raw;
use super::{
    Backup, DIR_MODE, DirLock, FileKind, FsError, PlannedFile, PlannedLink, Result, WriteReport,
    WrittenFile, fault, process_is_running, random_hex, sha256_hex, sync_dir, target_identity,
};
use crate::secret::Passphrase;
use crate::vault;

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

/// Writes `plan`'s files and links all or nothing, under `lock`, which must
/// cover every target (see the module docs). A file that replaces one
/// encrypted with ansible-vault is encrypted with `vault`, the vault
/// password, and the same vault id (unless the plan is verbatim).
///
/// Killed at any point, the set is whole again after [`super::recover`]:
/// before the journal is written nothing has changed; after, the journal
/// (in the lock's first directory, `.backup/<run>.journal.json`) says how to
/// complete or undo it. When the write completes, its journal becomes the
/// run's record (`.backup/<run>.json`, beside its backups) if it replaced
/// anything, and is removed otherwise.
pub fn write_all(
    plan: &WritePlan,
    vault: Option<&Passphrase>,
    lock: &DirLock,
) -> Result<WriteReport> {
    let targets: Vec<&Path> = plan
        .files
        .iter()
        .map(|f| f.path.as_path())
        .chain(plan.links.iter().map(|l| l.path.as_path()))
        .collect();
    refuse_same_target(&targets)?;
    lock.require_covers_paths(targets.iter().copied())?;
    let mut report = WriteReport::default();
    let mut existing = Vec::new();
    for f in &plan.files {
        if is_there(&f.path)? {
            existing.push(f.path.clone());
        }
    }
    if !existing.is_empty() && !plan.force {
        return Err(FsError::WouldOverwrite { paths: existing });
    }
    let links = links_to_point(&plan.links)?;
    if plan.files.is_empty() && links.is_empty() {
        return Ok(report);
    }

    for path in &targets {
        if let Some(parent) = path.parent() {
            create_dirs(parent, &mut report.created_dirs)?;
        }
    }

    let contents = plan
        .files
        .iter()
        .map(|f| match plan.verbatim {
            true => Ok(f.contents.clone()),
            false => contents_for(f, vault),
        })
        .collect::<Result<Vec<_>>>()?;
    let mut staged = Staged::default();
    let mut entries = Vec::new();
    // Each entry's path as the caller gave it, for the report.
    let mut given: Vec<&Path> = Vec::new();
    for (f, contents) in plan.files.iter().zip(&contents) {
        fault::point("stage");
        let temp = stage(f, contents)?;
        staged.0.push(temp.clone());
        given.push(&f.path);
        entries.push(Entry {
            path: absolute(&f.path),
            temp: absolute(&temp),
            new: New::File {
                sha256: sha256_hex(contents),
                mode: f.mode,
            },
            previous: Previous::None,
        });
    }
    for (link, _) in &links {
        fault::point("stage");
        let temp = stage_link(link)?;
        staged.0.push(temp.clone());
        given.push(&link.path);
        entries.push(Entry {
            path: absolute(&link.path),
            temp: absolute(&temp),
            new: New::Link {
                target: link.target.clone(),
            },
            previous: Previous::None,
        });
    }

    // Every replaced file is kept before the first is replaced: a run that
    // cannot back up writes nothing.
    let mut backup_dirs = BackupDirs::new();
    for (entry, path) in entries.iter_mut().zip(&given) {
        let previous_link = links
            .iter()
            .find(|(l, _)| absolute(&l.path) == entry.path)
            .and_then(|(_, previous)| previous.clone());
        let replaced = match &entry.new {
            New::File { .. } => existing.iter().any(|e| absolute(e) == entry.path),
            New::Link { .. } => previous_link.is_some(),
        };
        if !replaced {
            continue;
        }
        fault::point("backup");
        let Backup { original, backup } = back_up(path, &mut backup_dirs)?;
        entry.previous = match previous_link {
            Some(target) => Previous::Link {
                target,
                backup: absolute(&backup),
            },
            None => Previous::File {
                backup: absolute(&backup),
            },
        };
        report.backups.push(Backup { original, backup });
    }

    let journal = Journal::new(
        backup_dirs.name(),
        plan,
        lock.dirs(),
        report.created_dirs.iter().map(|d| absolute(d)).collect(),
        entries,
    );
    let home = lock.dirs().first().cloned().unwrap_or_else(|| ".".into());
    let journal_path = journal.write_new(&home)?;

    for (entry, path) in journal.entries.iter().zip(&given) {
        fault::point("rename");
        let placed = match (&entry.new, plan.force) {
            (New::File { .. }, false) => fs::hard_link(&entry.temp, &entry.path),
            _ => fs::rename(&entry.temp, &entry.path),
        };
        placed.map_err(|source| FsError::Write {
            path: entry.path.clone(),
            source,
        })?;
        report.written.push(WrittenFile {
            path: path.to_path_buf(),
            mode: entry.new.mode_text(),
        });
    }
    sync_parents(targets.iter().copied());
    drop(staged);
    fault::point("done");
    journal.finish(&journal_path, None)?;
    Ok(report)
}

/// `path` made absolute (not resolved): what the journal records, so that a
/// recovery run from another directory finds the same files.
pub(super) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Whether something is at a file's target: nothing, or a file or link to
/// replace; a directory, or a parent that is a file, is an error.
fn is_there(path: &Path) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(FsError::NotAFile {
            path: path.to_owned(),
            kind: "a directory",
        }),
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        // A parent is a regular file: the target can never be written.
        Err(source) if source.kind() == io::ErrorKind::NotADirectory => Err(FsError::Write {
            path: path.to_owned(),
            source,
        }),
        Err(source) => Err(FsError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The links that do not point where planned yet, each with the target it
/// points at now (`None`: no link there). A regular file where a link goes
/// is refused: a link never replaces a file.
fn links_to_point(links: &[PlannedLink]) -> Result<Vec<(&PlannedLink, Option<String>)>> {
    let mut out = Vec::new();
    for link in links {
        let write_err = |source| FsError::Write {
            path: link.path.clone(),
            source,
        };
        match fs::symlink_metadata(&link.path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let now = fs::read_link(&link.path).map_err(write_err)?;
                if now == Path::new(&link.target) {
                    continue;
                }
                out.push((link, Some(now.to_string_lossy().into_owned())));
            }
            Ok(_) => {
                return Err(write_err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "a file, not a symbolic link, is there: move it away",
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => out.push((link, None)),
            Err(e) => return Err(write_err(e)),
        }
    }
    Ok(out)
}

/// Syncs each distinct parent directory of `paths`.
pub(super) fn sync_parents<'a>(paths: impl Iterator<Item = &'a Path>) {
    let mut dirs: Vec<&Path> = paths.filter_map(Path::parent).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        sync_dir(dir);
    }
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

pub(super) fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<()> {
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
/// they may hold a private key, and are never moved into place (a journal
/// that still names one is recovered before anything is staged again). A
/// temporary file names the process that made it; one whose process still
/// runs is that run's own and is left alone.
fn remove_stale_temps(dir: &Path, name: &str) {
    remove_stale_temps_of(dir, Some(name));
}

/// Removes the temporary files killed runs left in `dir` and below it (a
/// few levels; `.backup` included, where journals are staged), whatever
/// their target: `recover` does, once every journal is recovered.
pub(super) fn sweep_stale_temps(dir: &Path, depth: usize) {
    remove_stale_temps_of(dir, None);
    if depth == 0 {
        return;
    }
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let descend = name == super::backup::BACKUP_DIR || !name.to_string_lossy().starts_with('.');
        if descend && entry.file_type().is_ok_and(|t| t.is_dir()) {
            sweep_stale_temps(&entry.path(), depth - 1);
        }
    }
}

/// [`remove_stale_temps`] for the target `name`, or any.
fn remove_stale_temps_of(dir: &Path, name: Option<&str>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
        else {
            continue;
        };
        let rest = match name {
            Some(name) => match rest.strip_prefix(name).and_then(|r| r.strip_prefix('.')) {
                Some(rest) => rest,
                None => continue,
            },
            // `<name>.<pid>.<hex>`: the last two dot-separated parts.
            None => match rest.rsplitn(3, '.').collect::<Vec<_>>()[..] {
                [hex, pid, _] => &rest[rest.len() - hex.len() - pid.len() - 1..],
                _ => continue,
            },
        };
        let Some((pid, hex)) = rest.split_once('.') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let is_ours =
            hex.len() == 2 * TEMP_SUFFIX_BYTES && hex.bytes().all(|b| b.is_ascii_hexdigit());
        // A file, or a link (a staged link's); never a directory.
        let removable = entry
            .file_type()
            .is_ok_and(|t| t.is_file() || t.is_symlink());
        if is_ours && !process_is_running(pid) && removable {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A fresh temporary name for `name` in `dir`: `.<name>.<pid>.<hex>.tmp`,
/// the form [`remove_stale_temps`] recognises.
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    let hex = random_hex::<TEMP_SUFFIX_BYTES>();
    dir.join(format!(".{name}.{}.{hex}.tmp", std::process::id()))
}

/// The directory and file name of `path`.
fn dir_and_name(path: &Path) -> (&Path, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// Writes `contents` to a fresh temporary file beside `f`'s path, with its
/// mode, synced to disk. `create_new` (O_CREAT|O_EXCL) refuses any existing
/// name, symlinks included.
pub(super) fn stage(f: &PlannedFile, contents: &[u8]) -> Result<PathBuf> {
    let (dir, name) = dir_and_name(&f.path);
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

/// A new symbolic link beside `link`'s path, pointing where it will, under
/// a temporary name as a file's (so that a killed run's is removed by the
/// next run as its files are).
pub(super) fn stage_link(link: &PlannedLink) -> Result<PathBuf> {
    let (dir, name) = dir_and_name(&link.path);
    let write_err = |source| FsError::Write {
        path: link.path.clone(),
        source,
    };
    remove_stale_temps(dir, &name);
    for _ in 0..16 {
        let temp = temp_path(dir, &name);
        match std::os::unix::fs::symlink(&link.target, &temp) {
            Ok(()) => return Ok(temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(e)),
        }
    }
    Err(write_err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary name",
    )))
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

/// Two planned files at one path would back the original up twice and keep
/// only one of the new contents: refused, whatever the spelling of the path.
fn refuse_same_target(paths: &[&Path]) -> Result<()> {
    let mut seen: Vec<PathBuf> = Vec::with_capacity(paths.len());
    for path in paths {
        let identity = target_identity(path);
        if seen.contains(&identity) {
            return Err(FsError::SameTarget {
                path: path.to_path_buf(),
            });
        }
        seen.push(identity);
    }
    Ok(())
}
