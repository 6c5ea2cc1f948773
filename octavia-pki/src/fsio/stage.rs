//! Staging: new files and links written in full under temporary names
//! beside their targets, the stale ones of killed runs removed, and the
//! directories a write makes.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::{
    BACKUP_DIR, DIR_MODE, FsError, PlannedFile, PlannedLink, Result, process_is_running,
    random_hex, sync_dir,
};

/// `path` made absolute (not resolved): what the journal records, so that a
/// recovery run from another directory finds the same files.
pub(super) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
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
        let descend = name == BACKUP_DIR || !name.to_string_lossy().starts_with('.');
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
