//! Recovery from an interrupted write: a pending journal's set brought
//! back to a whole state, forward or back (see `journal.rs`).

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::journal::{
    Direction, Entry, Journal, New, Previous, Recovered, SWEEP_DEPTH, now, shown,
};
use super::read::read_limited_raw;
use super::stage::{stage, stage_link, sweep_stale_temps, sync_parents};
use super::{
    DirLock, FileKind, FsError, PlannedFile, PlannedLink, Result, fault, pending_journals,
    sha256_hex,
};

/// What `recover` reports (`--format json`, the `recover` schema): where it
/// looked, and each interrupted write it found.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct RecoverReport {
    /// Nothing was changed.
    pub dry_run: bool,
    /// The directories searched for interrupted writes.
    pub searched: Vec<PathBuf>,
    /// Each interrupted write, oldest first, and what was done with it.
    pub recovered: Vec<Recovery>,
}

/// What a recovery did (or, dry, would do).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Recovery {
    /// The journal it followed.
    pub journal: PathBuf,
    /// The interrupted run's name, which its backups have.
    pub name: String,
    /// What the interrupted run was.
    pub what: String,
    /// When it started (RFC 3339).
    pub started: String,
    /// Its process.
    pub pid: u32,
    /// Completed, or undone.
    pub direction: Direction,
    /// What each target got.
    pub files: Vec<RecoveredFile>,
    /// What the operator must do now that the run's write is complete
    /// (empty when undone).
    pub next_steps: Vec<String>,
    /// Nothing was changed: what would be done.
    pub dry_run: bool,
}

/// One target of a recovery.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct RecoveredFile {
    /// The file or link.
    pub path: PathBuf,
    /// What it got.
    pub action: RecoveryAction,
}

/// What a recovery did to one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RecoveryAction {
    /// Its new contents, staged and verified, were moved into place.
    Placed,
    /// It already held its new contents (or, undone, its old ones).
    Unchanged,
    /// Its old contents were put back from the backup.
    Restored,
    /// It did not exist before, and was removed.
    Removed,
    /// It did not exist before, but holds contents the write did not make:
    /// left as it is.
    Left,
}

impl RecoveryAction {
    /// In a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Placed => "new contents placed",
            Self::Unchanged => "already whole",
            Self::Restored => "restored from the backup",
            Self::Removed => "removed (it did not exist before)",
            Self::Left => "left (not made by the interrupted run)",
        }
    }
}

/// Brings back every interrupted write journalled in `lock`'s directories
/// (see the module docs), oldest first, and says what it did; with
/// `dry_run`, what it would do, changing nothing. Run it after taking the
/// lock of a set and before reading it: every writing command does.
pub fn recover(lock: &DirLock, dry_run: bool) -> Result<Vec<Recovery>> {
    let mut out = Vec::new();
    for path in pending_journals(lock.dirs()) {
        let mut journal = Journal::read(&path)?;
        // Its writer locked these: lock those this run does not hold yet.
        let _more = lock.also(&journal.locked)?;
        out.push(journal.recover(&path, dry_run)?);
    }
    if !dry_run {
        // What runs killed before their journal staged: never placed.
        for dir in lock.dirs() {
            sweep_stale_temps(dir, SWEEP_DEPTH);
        }
    }
    Ok(out)
}

impl Journal {
    /// Completes or undoes the write (see the module docs).
    fn recover(&mut self, path: &Path, dry_run: bool) -> Result<Recovery> {
        let direction = match self.recovering {
            Some(direction) => direction,
            None => self.decide(path)?,
        };
        if !dry_run && self.recovering.is_none() {
            self.recovering = Some(direction);
            self.write_at(path, "recover")?;
        }
        let mut files = Vec::new();
        for entry in &self.entries {
            let action = match direction {
                Direction::Forward => entry.forward(self.force, dry_run)?,
                Direction::Back => entry.back(dry_run)?,
            };
            files.push(RecoveredFile {
                path: entry.path.clone(),
                action,
            });
        }
        if !dry_run {
            for entry in &self.entries {
                // A staged file left (or, undone, never placed).
                let _ = fs::remove_file(&entry.temp);
            }
            if direction == Direction::Back {
                // Only those left empty: rmdir fails on any other.
                for dir in self.created_dirs.iter().rev() {
                    let _ = fs::remove_dir(dir);
                }
            }
            sync_parents(self.entries.iter().map(|e| e.path.as_path()));
            fault::point("recover");
            self.finish(
                path,
                Some(Recovered {
                    direction,
                    at: now(),
                    pid: std::process::id(),
                }),
            )?;
        }
        Ok(Recovery {
            journal: path.to_owned(),
            name: self.name.clone(),
            what: self.what.clone(),
            started: shown(&self.started),
            pid: self.pid,
            direction,
            files,
            next_steps: match direction {
                Direction::Forward => self.notes.clone(),
                Direction::Back => Vec::new(),
            },
            dry_run,
        })
    }

    /// Forward when every target is new or can be made so from its staged
    /// file; else back, when every replaced target's backup is there.
    fn decide(&self, path: &Path) -> Result<Direction> {
        let forward = self
            .entries
            .iter()
            .all(|e| e.holds_new() || (e.temp_is_new() && e.may_place()));
        if forward {
            return Ok(Direction::Forward);
        }
        let missing = self.entries.iter().find_map(|e| match &e.previous {
            Previous::File { backup } | Previous::Link { backup, .. } if !super::exists(backup) => {
                Some(backup)
            }
            _ => None,
        });
        match missing {
            None => Ok(Direction::Back),
            Some(backup) => Err(FsError::Unrecoverable {
                journal: path.to_owned(),
                reason: format!(
                    "some new files are neither in place nor staged, and the backup {} is gone",
                    backup.display()
                ),
            }),
        }
    }
}

impl Entry {
    /// Whether the target holds what the write put there.
    fn holds_new(&self) -> bool {
        matches_new(&self.path, &self.new)
    }

    /// Whether the staged file (or link) is intact.
    fn temp_is_new(&self) -> bool {
        matches_new(&self.temp, &self.new)
    }

    /// Whether the staged file may go in place: a target that did not exist
    /// before must still not (nothing appeared there that would be lost).
    fn may_place(&self) -> bool {
        !matches!(self.previous, Previous::None) || !super::exists(&self.path)
    }

    fn write_err(&self, source: io::Error) -> FsError {
        FsError::Write {
            path: self.path.clone(),
            source,
        }
    }

    fn forward(&self, force: bool, dry_run: bool) -> Result<RecoveryAction> {
        if self.holds_new() {
            return Ok(RecoveryAction::Unchanged);
        }
        if !dry_run {
            fault::point("recover");
            let placed = match (&self.new, force) {
                (New::File { .. }, false) => fs::hard_link(&self.temp, &self.path),
                _ => fs::rename(&self.temp, &self.path),
            };
            placed.map_err(|e| self.write_err(e))?;
        }
        Ok(RecoveryAction::Placed)
    }

    fn back(&self, dry_run: bool) -> Result<RecoveryAction> {
        match &self.previous {
            Previous::None => {
                if !super::exists(&self.path) {
                    return Ok(RecoveryAction::Unchanged);
                }
                if !self.holds_new() {
                    return Ok(RecoveryAction::Left);
                }
                if !dry_run {
                    fault::point("recover");
                    fs::remove_file(&self.path).map_err(|e| self.write_err(e))?;
                }
                Ok(RecoveryAction::Removed)
            }
            Previous::Link { target, .. } => {
                if fs::read_link(&self.path).is_ok_and(|t| t == Path::new(target)) {
                    return Ok(RecoveryAction::Unchanged);
                }
                if !dry_run {
                    fault::point("recover");
                    let temp = stage_link(&PlannedLink {
                        path: self.path.clone(),
                        target: target.clone(),
                    })?;
                    fs::rename(&temp, &self.path).map_err(|e| {
                        let _ = fs::remove_file(&temp);
                        self.write_err(e)
                    })?;
                }
                Ok(RecoveryAction::Restored)
            }
            Previous::File { backup } => {
                if same_contents(&self.path, backup) {
                    return Ok(RecoveryAction::Unchanged);
                }
                if !dry_run {
                    fault::point("recover");
                    restore_copy(backup, &self.path)?;
                }
                Ok(RecoveryAction::Restored)
            }
        }
    }
}

/// Whether `path` holds `new`: a regular file with its SHA-256, or a link
/// to its target.
fn matches_new(path: &Path, new: &New) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    match new {
        New::File { sha256, .. } => {
            meta.is_file()
                && read_limited_raw(path, FileKind::History)
                    .is_ok_and(|bytes| sha256_hex(&bytes) == *sha256)
        }
        New::Link { target } => {
            meta.file_type().is_symlink()
                && fs::read_link(path).is_ok_and(|t| t == Path::new(target))
        }
    }
}

/// Whether `path` is `backup` (the same file, or a link to the same
/// target, or the same bytes).
fn same_contents(path: &Path, backup: &Path) -> bool {
    let (Ok(a), Ok(b)) = (fs::symlink_metadata(path), fs::symlink_metadata(backup)) else {
        return false;
    };
    if a.file_type().is_symlink() || b.file_type().is_symlink() {
        return a.file_type().is_symlink()
            && b.file_type().is_symlink()
            && fs::read_link(path).ok() == fs::read_link(backup).ok();
    }
    if (a.dev(), a.ino()) == (b.dev(), b.ino()) {
        return true;
    }
    match (
        read_limited_raw(path, FileKind::History),
        read_limited_raw(backup, FileKind::History),
    ) {
        (Ok(x), Ok(y)) => *x == *y && a.mode() & 0o7777 == b.mode() & 0o7777,
        _ => false,
    }
}

/// Puts a copy of `backup` (a file, or a link) at `path` in one rename: the
/// backup itself stays as it is, a new file of its own.
fn restore_copy(backup: &Path, path: &Path) -> Result<()> {
    let read_err = |source| FsError::Read {
        path: backup.to_owned(),
        source,
    };
    let meta = fs::symlink_metadata(backup).map_err(read_err)?;
    let temp = if meta.file_type().is_symlink() {
        let target = fs::read_link(backup).map_err(read_err)?;
        stage_link(&PlannedLink {
            path: path.to_owned(),
            target: target.to_string_lossy().into_owned(),
        })?
    } else {
        let file = PlannedFile {
            path: path.to_owned(),
            contents: read_limited_raw(backup, FileKind::History).map_err(read_err)?,
            mode: meta.mode() & 0o777,
        };
        stage(&file, &file.contents)?
    };
    fs::rename(&temp, path).map_err(|source| {
        let _ = fs::remove_file(&temp);
        FsError::Write {
            path: path.to_owned(),
            source,
        }
    })
}
