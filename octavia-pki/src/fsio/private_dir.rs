//! Private temporary directories, for documents unpacked into the files
//! their deployer makes of them (keys among them): no secret outlives its
//! run. Each is 0700 (its files 0600), named by its process
//! (`octavia-pki-unpacked.<pid>.<start time>.<random>`), removed when
//! dropped, by [`remove_private_dirs`] (the CLI calls it on SIGINT, SIGTERM
//! and SIGHUP), and, when a run was killed outright, by the next run, which
//! removes every such directory of this user whose process is gone.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::{DIR_MODE, FsError, Result, SECRET_MODE, fault, random_hex};

/// The start of every such directory's name.
const PREFIX: &str = "octavia-pki-unpacked.";

/// An unpacking directory of a version before these names
/// (`octavia-pki-unpacked.XXXXXX`, no process named) is removed once it is
/// this old: no run lasts that long.
const LEGACY_AGE: Duration = Duration::from_secs(3600);

/// This process's live directories, for [`remove_private_dirs`].
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A private temporary directory, removed when dropped.
#[derive(Debug)]
pub struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    /// A new directory in the system's temporary directory (`TMPDIR`), mode
    /// 0700; first removes those killed runs of this user left.
    pub fn new() -> Result<Self> {
        remove_stale_private_dirs();
        let base = std::env::temp_dir();
        let start = start_time(std::process::id()).unwrap_or(0);
        for _ in 0..16 {
            let path = base.join(format!(
                "{PREFIX}{}.{start}.{}",
                std::process::id(),
                random_hex::<6>()
            ));
            // Registered first: a signal between the two removes it too.
            LIVE.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path.clone());
            match fs::DirBuilder::new().mode(DIR_MODE).create(&path) {
                Ok(()) => {
                    let dir = Self { path };
                    // The umask may only narrow it; exact all the same.
                    fs::set_permissions(&dir.path, fs::Permissions::from_mode(DIR_MODE))
                        .map_err(|source| dir.write_err(&dir.path, source))?;
                    return Ok(dir);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => unregister(&path),
                Err(source) => {
                    unregister(&path);
                    return Err(FsError::Write { path, source });
                }
            }
        }
        Err(FsError::Write {
            path: base,
            source: io::Error::new(io::ErrorKind::AlreadyExists, "no free directory name"),
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `contents` to the new file `rel` (a relative path, its
    /// directories made 0700), mode 0600.
    pub fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        let rel = Path::new(rel);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(self.write_err(
                rel,
                io::Error::new(io::ErrorKind::InvalidInput, "not a plain relative name"),
            ));
        }
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            fs::DirBuilder::new()
                .mode(DIR_MODE)
                .recursive(true)
                .create(parent)
                .map_err(|e| self.write_err(parent, e))?;
        }
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(SECRET_MODE)
            .open(&path)
            .map_err(|e| self.write_err(&path, e))?;
        file.write_all(contents)
            .map_err(|e| self.write_err(&path, e))?;
        fault::point("unpacked");
        Ok(())
    }

    fn write_err(&self, path: &Path, source: io::Error) -> FsError {
        FsError::Write {
            path: path.to_owned(),
            source,
        }
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
        unregister(&self.path);
    }
}

fn unregister(path: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|p| p != path);
}

/// Removes every live [`PrivateDir`] of this process: for a signal handler
/// (a thread, not an async-signal context) before the process ends.
pub fn remove_private_dirs() {
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    for path in live.iter() {
        let _ = fs::remove_dir_all(path);
    }
}

/// Removes the private directories that killed runs of this user left in
/// the system's temporary directory: each names its process and that
/// process's start time, and is removed only when that process is gone (a
/// live run's, another user's, or anything not a directory, never).
pub fn remove_stale_private_dirs() {
    let uid = uzers::get_effective_uid();
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        // Not followed: a link is never a directory of ours.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_dir() || meta.uid() != uid {
            continue;
        }
        let stale = match rest.split('.').collect::<Vec<_>>()[..] {
            [pid, start, _] => match (pid.parse::<u32>(), start.parse::<u64>()) {
                (Ok(pid), Ok(start)) => !is_running(pid, start),
                _ => false,
            },
            // tempfile's six characters, before processes were named.
            [legacy] if legacy.len() == 6 => meta
                .modified()
                .ok()
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age > LEGACY_AGE),
            _ => false,
        };
        if stale {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the process `pid`, started at `start` (clock ticks after boot),
/// still runs: not when no such process exists, or another one has its id.
/// Without /proc, assume it does: nothing of a live run is ever removed.
fn is_running(pid: u32, start: u64) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    match start_time(pid) {
        None => false,
        Some(now) => start == 0 || now == start,
    }
}

/// A process's start time (`/proc/PID/stat`'s 22nd field).
fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command's name in parentheses, which may hold spaces.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_dir_is_0700_its_files_0600_and_gone_when_dropped() {
        let dir = PrivateDir::new().unwrap();
        let path = dir.path().to_owned();
        dir.write("a/b/key.pem", b"secret").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o700);
        assert_eq!(mode(&path.join("a/b")), 0o700);
        assert_eq!(mode(&path.join("a/b/key.pem")), 0o600);
        assert!(dir.write("../escape", b"x").is_err());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let pid = std::process::id().to_string();
        assert!(name.starts_with(&format!("{PREFIX}{pid}.")), "{name}");
        drop(dir);
        assert!(!path.exists());
    }

    #[test]
    fn only_a_dead_processs_directory_is_stale() {
        let me = std::process::id();
        let start = start_time(me).unwrap();
        assert!(is_running(me, start));
        assert!(
            !is_running(me, start + 1),
            "the id reused by another process"
        );
        // Above Linux's pid_max: never running.
        assert!(!is_running(4_194_305, 1));
    }
}
