//! The one writer of a set: every file and link staged, every replaced one
//! backed up, the whole transaction journalled, then each moved into place.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::backup::{BackupDirs, back_up};
use super::journal::{Entry, Journal, New, Previous};
use super::read::read_limited_raw;
use super::stage::{absolute, create_dirs, stage, stage_link, sync_parents};
use super::{
    Backup, DirLock, FileKind, FsError, PlannedFile, PlannedLink, Result, WritePlan, WriteReport,
    WrittenFile, fault, sha256_hex, sync_dir, target_identity,
};
use crate::secret::Passphrase;
use crate::vault;

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
