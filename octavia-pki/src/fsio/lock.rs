//! One writer at a time: advisory locks on the directories a run writes.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::{FsError, PlannedFile, Result, identity_of, target_identity};

/// Exclusive advisory locks (`flock`) on each directory a run writes, held
/// until dropped: one writer at a time, and a second run fails at once
/// naming the directory and the process that holds it. The directory itself
/// is the lock file, so that taking it writes nothing (a refused or dry run
/// leaves no trace); a directory that does not exist yet is covered by the
/// lock of its nearest existing parent.
#[derive(Debug)]
pub struct DirLock {
    /// The directories asked for, resolved; the first is the run's home,
    /// where its journal is kept.
    dirs: Vec<PathBuf>,
    /// The directories whose lock this holds (each asked-for one, or its
    /// nearest existing parent).
    held: Vec<PathBuf>,
    _files: Vec<File>,
}

impl DirLock {
    /// Locks every directory in `dirs`, or none. The first is where a
    /// write under this lock keeps its journal ([`super::write_all`]).
    pub fn acquire(dirs: &[&Path]) -> Result<Self> {
        let wanted: Vec<PathBuf> = dirs.iter().map(|d| identity_of(d)).collect();
        Self::acquire_resolved(wanted, &[])
    }

    fn acquire_resolved(wanted: Vec<PathBuf>, already: &[PathBuf]) -> Result<Self> {
        let mut held: Vec<PathBuf> = wanted.iter().map(|d| nearest_existing(d)).collect();
        held.sort();
        held.dedup();
        held.retain(|d| !already.contains(d));
        let mut files = Vec::with_capacity(held.len());
        for dir in &held {
            files.push(lock_one(dir)?);
        }
        Ok(Self {
            dirs: wanted,
            held,
            _files: files,
        })
    }

    /// The directories this lock covers (resolved), the home first.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Whether `path` is in a locked directory (or below one).
    pub fn covers(&self, path: &Path) -> bool {
        let path = target_identity(path);
        self.dirs.iter().any(|d| path.starts_with(d))
    }

    /// Fails unless every file is in a locked directory (or below one).
    pub fn require_covers(&self, files: &[PlannedFile]) -> Result<()> {
        self.require_covers_paths(files.iter().map(|f| f.path.as_path()))
    }

    pub(super) fn require_covers_paths<'a>(
        &self,
        mut paths: impl Iterator<Item = &'a Path>,
    ) -> Result<()> {
        match paths.find(|p| !self.covers(p)) {
            None => Ok(()),
            Some(p) => Err(FsError::NotLocked { path: p.to_owned() }),
        }
    }

    /// Locks those of `dirs` this does not cover yet (an interrupted
    /// write's, found in one of these): `None` when it covers them all.
    pub(super) fn also(&self, dirs: &[PathBuf]) -> Result<Option<Self>> {
        let missing: Vec<PathBuf> = dirs
            .iter()
            .map(|d| identity_of(d))
            .filter(|d| !self.dirs.iter().any(|mine| d.starts_with(mine)))
            .collect();
        if missing.is_empty() {
            return Ok(None);
        }
        Self::acquire_resolved(missing, &self.held).map(Some)
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
