//! Backups: what each write replaced, kept under `.backup/<run>/` beside
//! it, never written over; listing a set's runs, and putting one back.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::journal::{Journal, Previous};
use super::read::read_limited_raw;
use super::stage::{absolute, create_dirs};
use super::{
    BACKUP_DIR, Backup, DIR_MODE, FileKind, FsError, PlannedFile, PlannedLink, Result, WritePlan,
    WriteReport, random_hex, timestamp,
};

/// The backup directories of one write: `.backup/<UTC time>.<pid>.<random>/`
/// beside each directory that has a replaced file, each created exclusively
/// (never an existing one), all with the same name.
pub(super) struct BackupDirs {
    name: String,
    made: Vec<(PathBuf, PathBuf)>,
}

impl BackupDirs {
    pub(super) fn new() -> Self {
        Self {
            name: format!(
                "{}.{}.{}",
                timestamp(OffsetDateTime::now_utc()),
                std::process::id(),
                random_hex::<4>()
            ),
            made: Vec::new(),
        }
    }

    /// The run's name: its backup directories', and its journal's.
    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// This write's backup directory for files in `parent`.
    fn for_parent(&mut self, parent: &Path) -> Result<PathBuf> {
        if let Some((_, dir)) = self.made.iter().find(|(p, _)| p == parent) {
            return Ok(dir.clone());
        }
        let root = parent.join(BACKUP_DIR);
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
pub(super) fn back_up(path: &Path, dirs: &mut BackupDirs) -> Result<Backup> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = dirs.for_parent(parent)?;
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

/// What `backups list` and `backups restore` report (`--format json`, the
/// `backups` schema).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct BackupsReport {
    /// The runs, newest first.
    pub runs: Vec<BackupRun>,
    /// When a restore: the run put back, and what the restore wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restored: Option<Restored>,
}

/// What `backups restore` did.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Restored {
    /// The run.
    pub name: String,
    /// Nothing was written.
    pub dry_run: bool,
    /// What was written, and backed up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<WriteReport>,
}

/// One run's backups, across the set's directories.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct BackupRun {
    /// Its name (`<UTC time>.<pid>.<random>`): `backups restore NAME`.
    pub name: String,
    /// When it ran (RFC 3339, UTC, to the second).
    pub time: String,
    /// The process that ran it.
    pub pid: u32,
    /// What it was (`Renewed the client certificate...`), when recorded
    /// (runs of this version and later).
    pub what: Option<String>,
    /// `done`; `interrupted` (a journal is pending: the next writing
    /// command, or `recover`, completes or undoes it); `completed` or
    /// `undone` (interrupted, then recovered that way); `unrecorded` (a run
    /// before journals).
    pub state: String,
    /// The files (and links) it replaced, each with its backup.
    pub files: Vec<BackedUpFile>,
    /// The files it created where there was none (not in any backup).
    pub created: Vec<PathBuf>,
}

/// A replaced file and where its old contents are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct BackedUpFile {
    /// Where it was (and is put back).
    pub original: PathBuf,
    /// The backup.
    pub backup: PathBuf,
    /// For a symbolic link, where it pointed.
    pub link: Option<String>,
}

/// How deep below a set's directory backups are looked for (OpenStack-
/// Ansible's tree keeps files three levels down), and how many directories
/// at most are looked into.
const MAX_DEPTH: usize = 4;
const MAX_DIRS: usize = 4096;

/// The runs whose backups are in `deep` (a work directory, a tree: and
/// below, a few levels) or `shallow` (a document's directory: only its own
/// `.backup`), newest first. A run of this version names every backup it
/// made, and what it was, in its record; older runs are found by their
/// directories' names.
pub fn list_backups(deep: &[&Path], shallow: &[&Path]) -> Result<Vec<BackupRun>> {
    let mut backup_dirs = Vec::new();
    let mut budget = MAX_DIRS;
    for dir in deep {
        find_backup_dirs(dir, MAX_DEPTH, &mut budget, &mut backup_dirs);
    }
    for dir in shallow {
        find_backup_dirs(dir, 0, &mut budget, &mut backup_dirs);
    }
    backup_dirs.sort();
    backup_dirs.dedup();
    let mut runs: BTreeMap<String, BackupRun> = BTreeMap::new();
    // When each recorded run started, to the nanosecond: names order runs
    // to the second only (and then by process and chance).
    let mut started: BTreeMap<String, OffsetDateTime> = BTreeMap::new();
    for root in &backup_dirs {
        let Ok(entries) = fs::read_dir(root) else {
            continue;
        };
        let parent = root.parent().unwrap_or(Path::new("/"));
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if let Some(run) = name.strip_suffix(".journal.json") {
                record_run(&mut runs, &mut started, run, &path, true);
            } else if let Some(run) = name.strip_suffix(".json") {
                record_run(&mut runs, &mut started, run, &path, false);
            } else if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let Some(run) = new_run(&mut runs, &name) else {
                    continue;
                };
                for file in fs::read_dir(&path).into_iter().flatten().flatten() {
                    let backup = file.path();
                    let link = fs::read_link(&backup)
                        .ok()
                        .map(|t| t.to_string_lossy().into_owned());
                    let found = BackedUpFile {
                        original: parent.join(file.file_name()),
                        backup,
                        link,
                    };
                    if !run.files.contains(&found) {
                        run.files.push(found);
                    }
                }
            }
        }
    }
    let mut out: Vec<BackupRun> = runs.into_values().collect();
    for run in &mut out {
        run.files.sort_by(|a, b| a.original.cmp(&b.original));
    }
    // Newest first: by the second in the name, then by the recorded start.
    out.sort_by(|a, b| {
        let key = |r: &BackupRun| (r.time.clone(), started.get(&r.name).copied());
        key(b).cmp(&key(a)).then_with(|| b.name.cmp(&a.name))
    });
    Ok(out)
}

/// The `.backup` directories in `dir` and below it, `depth` levels down at
/// most (hidden directories and links are not followed).
fn find_backup_dirs(dir: &Path, depth: usize, budget: &mut usize, out: &mut Vec<PathBuf>) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    let root = dir.join(BACKUP_DIR);
    if root.is_dir() {
        out.push(absolute(&root));
    }
    if depth == 0 {
        return;
    }
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && entry.file_type().is_ok_and(|t| t.is_dir()) {
            find_backup_dirs(&entry.path(), depth - 1, budget, out);
        }
    }
}

/// The run named `name` (`<time>.<pid>.<hex>`), made if new; `None` for a
/// name that is not a run's.
fn new_run<'a>(runs: &'a mut BTreeMap<String, BackupRun>, name: &str) -> Option<&'a mut BackupRun> {
    let mut parts = name.split('.');
    let (Some(time), Some(pid), Some(hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let pid = pid.parse().ok()?;
    let b = time.as_bytes();
    let is_time = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !is_time || hex.is_empty() || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &time[..4],
        &time[4..6],
        &time[6..8],
        &time[9..11],
        &time[11..13],
        &time[13..15]
    );
    Some(runs.entry(name.to_owned()).or_insert_with(|| BackupRun {
        name: name.to_owned(),
        time: rfc3339,
        pid,
        what: None,
        state: "unrecorded".into(),
        files: Vec::new(),
        created: Vec::new(),
    }))
}

/// What a run's journal or record says of it.
fn record_run(
    runs: &mut BTreeMap<String, BackupRun>,
    started: &mut BTreeMap<String, OffsetDateTime>,
    name: &str,
    path: &Path,
    pending: bool,
) {
    let Ok(journal) = Journal::read(path) else {
        return;
    };
    let Some(run) = new_run(runs, name) else {
        return;
    };
    if let Ok(at) = OffsetDateTime::parse(&journal.started, &Rfc3339) {
        started.insert(name.to_owned(), at);
    }
    run.what = Some(journal.what.clone());
    run.state = match (pending, &journal.recovered) {
        (true, _) => "interrupted".into(),
        (false, None) => "done".into(),
        (false, Some(r)) => r.direction.past().into(),
    };
    for entry in &journal.entries {
        let found = match &entry.previous {
            Previous::None => {
                if !run.created.contains(&entry.path) {
                    run.created.push(entry.path.clone());
                }
                continue;
            }
            Previous::File { backup } => BackedUpFile {
                original: entry.path.clone(),
                backup: backup.clone(),
                link: None,
            },
            Previous::Link { target, backup } => BackedUpFile {
                original: entry.path.clone(),
                backup: backup.clone(),
                link: Some(target.clone()),
            },
        };
        if super::exists(&found.backup) && !run.files.contains(&found) {
            run.files.push(found);
        }
    }
}

/// The write that puts `run`'s backups back where they were: each file
/// byte for byte (a vaulted one as it was), with its mode, each link
/// pointing where it did. It is a journalled write like any other: what it
/// replaces is backed up in turn. Files the run created are left.
pub fn restore_plan(run: &BackupRun) -> Result<WritePlan> {
    let mut plan = WritePlan::new(
        format!("Restored the backup {} (of {})", run.name, run.time),
        Vec::new(),
    );
    plan.force = true;
    plan.verbatim = true;
    for file in &run.files {
        let read_err = |source| FsError::Read {
            path: file.backup.clone(),
            source,
        };
        let meta = fs::symlink_metadata(&file.backup).map_err(read_err)?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&file.backup).map_err(read_err)?;
            plan.links.push(PlannedLink {
                path: file.original.clone(),
                target: target.to_string_lossy().into_owned(),
            });
        } else {
            plan.files.push(PlannedFile {
                path: file.original.clone(),
                contents: read_limited_raw(&file.backup, FileKind::History).map_err(read_err)?,
                mode: meta.permissions().mode() & 0o777,
            });
        }
    }
    Ok(plan)
}
