//! The lock every writing command takes before it reads a set, and the
//! recovery of a killed write that follows it.

use std::path::PathBuf;

use octavia_pki::{Error, fsio};

/// A recovery, in a line.
pub fn recovery_line(r: &fsio::Recovery) -> String {
    let done = match (r.direction, r.dry_run) {
        (fsio::Direction::Forward, false) => "completed",
        (fsio::Direction::Forward, true) => "would complete",
        (fsio::Direction::Back, false) => "undid",
        (fsio::Direction::Back, true) => "would undo",
    };
    format!(
        "{done} the write that process {} began at {} and did not finish ({}; journal {})",
        r.pid,
        r.started,
        r.what,
        r.journal.display()
    )
}

/// Locks the directories of a set (one writer at a time, from reading to
/// writing) and brings back any write a killed run left half done, saying so
/// on standard error; none for a dry run, which writes nothing (it warns of
/// an interrupted write instead). Every writing command starts here.
pub(crate) fn lock_set(dirs: &[PathBuf], dry_run: bool) -> Result<Option<fsio::DirLock>, Error> {
    if dry_run {
        if let Some(journal) = fsio::pending_journals(dirs).first() {
            errln!(
                "octavia-pki: an interrupted write is pending ({}): the next run completes or \
                 undoes it first, and the plan below may change then; see `octavia-pki \
                 recover --dry-run`",
                journal.display()
            );
        }
        return Ok(None);
    }
    let lock = fsio::DirLock::acquire(&dirs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    for recovery in fsio::recover(&lock, false)? {
        errln!("octavia-pki: {}", recovery_line(&recovery));
    }
    Ok(Some(lock))
}
