//! The journal of a write (what a recovery follows: `recover.rs`).
//!
//! Before the first rename, [`super::write_all`] records the whole
//! transaction in `.backup/<run>.journal.json` in its lock's first
//! directory, written atomically and synced: each target, its staged file,
//! the SHA-256 of its new contents (or the link's new target), its backup or
//! that there was none, and the directories it created. No secret: paths,
//! modes, hashes, link targets. Done, the journal becomes the run's record
//! (`.backup/<run>.json`), or is removed when the run replaced nothing.
//!
//! A journal still pending means its writer died between two renames.
//! [`super::recover`], run under the lock of the set (so that the writer is surely
//! dead), brings the set back to a whole state: **forward** when every
//! target holds its new contents or its staged file is intact (verified by
//! hash), else **back** from the backups (removing what did not exist
//! before). The direction is recorded in the journal before the first step,
//! so that a recovery killed in turn is finished the same way.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::read::read_limited_raw;
use super::stage::{create_dirs, stage};
use super::{
    BACKUP_DIR, FileKind, FsError, PlannedFile, Result, SECRET_MODE, WritePlan, fault, sync_dir,
};

/// The journal's format version.
const VERSION: u32 = 1;
const PENDING: &str = ".journal.json";
const RECORD: &str = ".json";
/// How deep below a locked directory a recovery removes stale temporary
/// files (OpenStack-Ansible's tree keeps files three levels down).
pub(super) const SWEEP_DEPTH: usize = 4;

/// Which way a recovery went.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The interrupted write was completed: the new set.
    Forward,
    /// The interrupted write was undone: the set as it was before.
    Back,
}

impl Direction {
    /// The run's state once recovered this way, as `backups list` says it.
    pub(super) fn past(self) -> &'static str {
        match self {
            Self::Forward => "completed",
            Self::Back => "undone",
        }
    }
}

/// A write's journal.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Journal {
    pub(super) version: u32,
    /// The run's name (`<UTC time>.<pid>.<random>`), its backups'.
    pub(super) name: String,
    pub(super) pid: u32,
    /// When it started (RFC 3339, to the nanosecond: runs named in the same
    /// second are listed in the order they ran by it).
    pub(super) started: String,
    /// What it is.
    pub(super) what: String,
    /// What the operator must do once it is written.
    pub(super) notes: Vec<String>,
    /// Whether files were placed with `rename` (replacing), or `link`.
    pub(super) force: bool,
    /// The directories its writer locked.
    pub(super) locked: Vec<PathBuf>,
    /// The directories it created, parents first.
    pub(super) created_dirs: Vec<PathBuf>,
    /// Each target.
    pub(super) entries: Vec<Entry>,
    /// A recovery's direction, once chosen.
    #[serde(default)]
    pub(super) recovering: Option<Direction>,
    /// How it was recovered (in a record).
    #[serde(default)]
    pub(super) recovered: Option<Recovered>,
}

/// One target of a write.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Entry {
    /// The target (absolute).
    pub(super) path: PathBuf,
    /// Its staged file or link, beside it.
    pub(super) temp: PathBuf,
    /// What goes there.
    pub(super) new: New,
    /// What was there.
    pub(super) previous: Previous,
}

/// What a target is to hold.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum New {
    /// A file with these contents (their SHA-256) and mode.
    File { sha256: String, mode: u32 },
    /// A symbolic link to `target`.
    Link { target: String },
}

impl New {
    /// The mode as a report shows it.
    pub(super) fn mode_text(&self) -> String {
        match self {
            Self::File { mode, .. } => format!("{mode:04o}"),
            Self::Link { .. } => "link".into(),
        }
    }
}

/// What was at a target before.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Previous {
    /// Nothing.
    None,
    /// A file (or a link, kept as such), backed up.
    File { backup: PathBuf },
    /// A symbolic link to `target`, backed up.
    Link { target: String, backup: PathBuf },
}

/// When and how a journal was recovered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Recovered {
    pub(super) direction: Direction,
    pub(super) at: String,
    pub(super) pid: u32,
}

/// The pending journals in `dirs`' `.backup`, oldest first: interrupted
/// writes that [`super::recover`] would bring back.
pub fn pending_journals<P: AsRef<Path>>(dirs: impl IntoIterator<Item = P>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in dirs {
        let root = dir.as_ref().join(BACKUP_DIR);
        for entry in fs::read_dir(&root).into_iter().flatten().flatten() {
            let is_journal = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.ends_with(PENDING) && !n.starts_with('.'));
            if is_journal && entry.file_type().is_ok_and(|t| t.is_file()) {
                out.push(entry.path());
            }
        }
    }
    out.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    out.dedup();
    out
}

impl Journal {
    pub(super) fn new(
        name: &str,
        plan: &WritePlan,
        locked: &[PathBuf],
        created_dirs: Vec<PathBuf>,
        entries: Vec<Entry>,
    ) -> Self {
        Self {
            version: VERSION,
            name: name.to_owned(),
            pid: std::process::id(),
            started: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
            what: plan.what.clone(),
            notes: plan.notes.clone(),
            force: plan.force,
            locked: locked.to_vec(),
            created_dirs,
            entries,
            recovering: None,
            recovered: None,
        }
    }

    /// Reads a journal or record.
    pub(super) fn read(path: &Path) -> Result<Self> {
        let bytes = read_limited_raw(path, FileKind::History).map_err(|source| FsError::Read {
            path: path.to_owned(),
            source,
        })?;
        let journal: Self = serde_json::from_slice(&bytes).map_err(|e| FsError::Read {
            path: path.to_owned(),
            source: io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a journal this tool writes: {e}"),
            ),
        })?;
        if journal.version != VERSION {
            return Err(FsError::Read {
                path: path.to_owned(),
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a journal of format {} (this version reads {VERSION}): recover it with \
                         the version that wrote it",
                        journal.version
                    ),
                ),
            });
        }
        Ok(journal)
    }

    /// Writes the pending journal in `home`'s `.backup`, durably; its path.
    pub(super) fn write_new(&self, home: &Path) -> Result<PathBuf> {
        let path = home
            .join(BACKUP_DIR)
            .join(format!("{}{PENDING}", self.name));
        self.write_at(&path, "journal")?;
        Ok(path)
    }

    /// Replaces the file at `path` with this journal, atomically and synced.
    pub(super) fn write_at(&self, path: &Path, point: &str) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| FsError::Write {
            path: path.to_owned(),
            source: io::Error::other(e),
        })?;
        if let Some(dir) = path.parent() {
            create_dirs(dir, &mut Vec::new())?;
        }
        let file = PlannedFile {
            path: path.to_owned(),
            contents: text.into(),
            mode: SECRET_MODE,
        };
        let temp = stage(&file, &file.contents)?;
        fault::point(point);
        fs::rename(&temp, path).map_err(|source| {
            let _ = fs::remove_file(&temp);
            FsError::Write {
                path: path.to_owned(),
                source,
            }
        })?;
        if let Some(dir) = path.parent() {
            sync_dir(dir);
        }
        Ok(())
    }

    /// The write is whole: the journal becomes the run's record if it
    /// replaced anything (its backups are then listed with what it was),
    /// else it is removed.
    pub(super) fn finish(&self, pending: &Path, recovered: Option<Recovered>) -> Result<()> {
        let backed_up = self
            .entries
            .iter()
            .any(|e| !matches!(e.previous, Previous::None));
        let record = pending.with_file_name(format!("{}{RECORD}", self.name));
        let remove_err = |source| FsError::Write {
            path: pending.to_owned(),
            source,
        };
        match (backed_up, recovered) {
            (false, _) => fs::remove_file(pending).map_err(remove_err)?,
            (true, None) => fs::rename(pending, &record).map_err(remove_err)?,
            (true, Some(recovered)) => {
                let mut done = self.clone();
                done.recovering = None;
                done.recovered = Some(recovered);
                done.write_at(&record, "recover")?;
                fs::remove_file(pending).map_err(remove_err)?;
            }
        }
        if let Some(dir) = pending.parent() {
            sync_dir(dir);
        }
        Ok(())
    }
}

/// Now, to the second (RFC 3339): what reports show.
pub(super) fn now() -> String {
    to_the_second(OffsetDateTime::now_utc())
}

/// A recorded time (RFC 3339) as reports show it: to the second.
pub(super) fn shown(recorded: &str) -> String {
    OffsetDateTime::parse(recorded, &Rfc3339)
        .map(to_the_second)
        .unwrap_or_else(|_| recorded.to_owned())
}

fn to_the_second(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}
