use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use zeroize::Zeroizing;

use super::*;

fn plan(dir: &Path, name: &str, text: &str) -> PlannedFile {
    PlannedFile::secret(dir.join(name), Zeroizing::new(text.to_owned()))
}

/// `files` and `links` written under a lock of `dir`.
fn write(
    dir: &Path,
    files: Vec<PlannedFile>,
    links: Vec<PlannedLink>,
    force: bool,
) -> Result<WriteReport> {
    let lock = DirLock::acquire(&[dir])?;
    let mut plan = WritePlan::new("a test write", files);
    plan.links = links;
    plan.force = force;
    write_all(&plan, None, &lock)
}

fn link(dir: &Path, name: &str, target: &str) -> PlannedLink {
    PlannedLink {
        path: dir.join(name),
        target: target.into(),
    }
}

/// The names in `dir`, but its `.backup`.
fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".backup")
        .collect();
    out.sort();
    out
}

#[test]
fn refuses_to_overwrite_without_force_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("b"), "old").unwrap();
    let err = write(
        tmp.path(),
        vec![
            plan(tmp.path(), "a", "new a"),
            plan(tmp.path(), "b", "new b"),
        ],
        vec![],
        false,
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
fn force_backs_up_then_replaces_with_mode_and_keeps_a_record() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("b"), "old").unwrap();
    let report = write(tmp.path(), vec![plan(tmp.path(), "b", "new")], vec![], true).unwrap();
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
    // No journal pending; the run's record lists it.
    assert!(pending_journals([tmp.path()]).is_empty());
    let runs = list_backups(&[tmp.path()], &[]).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].what.as_deref(), Some("a test write"));
    assert_eq!(runs[0].state, "done");
    assert_eq!(runs[0].files[0].original, tmp.path().join("b"));
}

#[test]
fn a_write_that_replaces_nothing_leaves_no_record() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        vec![plan(tmp.path(), "a", "new")],
        vec![],
        false,
    )
    .unwrap();
    assert_eq!(names(tmp.path()), ["a"]);
    assert!(
        fs::read_dir(tmp.path().join(".backup"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn a_symlink_at_the_target_is_replaced_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::write(&elsewhere, "precious").unwrap();
    std::os::unix::fs::symlink(&elsewhere, tmp.path().join("key")).unwrap();
    let err = write(
        tmp.path(),
        vec![plan(tmp.path(), "key", "new")],
        vec![],
        false,
    )
    .unwrap_err();
    assert!(matches!(err, FsError::WouldOverwrite { .. }));
    let report = write(
        tmp.path(),
        vec![plan(tmp.path(), "key", "new")],
        vec![],
        true,
    )
    .unwrap();
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
    let err = write(
        tmp.path(),
        vec![plan(tmp.path(), "key", "new")],
        vec![],
        true,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("is not a regular file (a directory)"),
        "{err}"
    );
}

#[test]
fn a_link_is_pointed_backed_up_and_a_file_there_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // A killed run's temporary link (a pid that cannot run) is removed.
    let stale = tmp.path().join(".Root.crt.4194305.0123456789ab.tmp");
    std::os::unix::fs::symlink("Root-999.crt", &stale).unwrap();
    let point = |target: &str| {
        write(
            tmp.path(),
            vec![],
            vec![link(tmp.path(), "Root.crt", target)],
            true,
        )
    };
    point("Root-1000.crt").unwrap();
    let root = tmp.path().join("Root.crt");
    assert_eq!(fs::read_link(&root).unwrap(), Path::new("Root-1000.crt"));
    assert!(fs::symlink_metadata(&stale).is_err());
    let report = point("Root-1001.crt").unwrap();
    assert_eq!(fs::read_link(&root).unwrap(), Path::new("Root-1001.crt"));
    assert_eq!(report.written[0].mode, "link");
    assert_eq!(
        fs::read_link(&report.backups[0].backup).unwrap(),
        Path::new("Root-1000.crt")
    );
    // A link already pointing there: nothing to do.
    assert!(point("Root-1001.crt").unwrap().written.is_empty());
    assert_eq!(names(tmp.path()), ["Root.crt"]);
    let file = tmp.path().join("file.crt");
    fs::write(&file, "kept").unwrap();
    assert!(
        write(
            tmp.path(),
            vec![],
            vec![link(tmp.path(), "file.crt", "x")],
            true
        )
        .is_err()
    );
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
    write(
        tmp.path(),
        vec![plan(tmp.path(), "key", "new")],
        vec![],
        false,
    )
    .unwrap();
    assert!(!stale.exists());
    assert!(unrelated.exists());
    assert!(live.exists(), "a live run's temporary file is its own");
    // A recovery sweeps another target's too.
    let other = tmp.path().join("sub/.other.4194305.0123456789ab.tmp");
    fs::create_dir(tmp.path().join("sub")).unwrap();
    fs::write(&other, "half").unwrap();
    recover(&DirLock::acquire(&[tmp.path()]).unwrap(), false).unwrap();
    assert!(!other.exists());
    assert!(unrelated.exists() && live.exists());
}

#[test]
fn created_directories_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let report = write(
        tmp.path(),
        vec![plan(&tmp.path().join("x/y"), "f", "v")],
        vec![],
        false,
    )
    .unwrap();
    assert_eq!(report.created_dirs.len(), 2);
    for d in &report.created_dirs {
        assert_eq!(fs::metadata(d).unwrap().permissions().mode() & 0o777, 0o700);
    }
}

#[test]
fn a_write_outside_the_lock_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let inside = tmp.path().join("in");
    fs::create_dir(&inside).unwrap();
    let err = write(&inside, vec![plan(tmp.path(), "out", "x")], vec![], false).unwrap_err();
    assert!(matches!(err, FsError::NotLocked { .. }), "{err}");
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

/// A set in the middle of a write, as a kill between two renames leaves it:
/// the journal written, `a` and the link placed, `b` and `c` still staged.
struct Interrupted {
    tmp: tempfile::TempDir,
    journal: PathBuf,
}

fn interrupted() -> Interrupted {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("a"), "old a").unwrap();
    fs::write(dir.join("b"), "old b").unwrap();
    std::os::unix::fs::symlink("a", dir.join("L")).unwrap();
    // The write, done in full, then its end undone by hand: what was
    // placed last is staged again, and the journal pending again.
    let report = write(
        dir,
        vec![
            plan(dir, "a", "new a"),
            plan(dir, "b", "new b"),
            plan(dir, "c", "new c"),
        ],
        vec![link(dir, "L", "b")],
        true,
    )
    .unwrap();
    let runs = list_backups(&[dir], &[]).unwrap();
    let record = dir.join(".backup").join(format!("{}.json", runs[0].name));
    let mut journal: serde_json::Value =
        serde_json::from_slice(&fs::read(&record).unwrap()).unwrap();
    for (i, entry) in journal["entries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let path = PathBuf::from(entry["path"].as_str().unwrap());
        let temp = PathBuf::from(entry["temp"].as_str().unwrap());
        if i == 1 || i == 2 {
            fs::rename(&path, &temp).unwrap();
        }
    }
    // `b` back to its old self, as before its rename.
    fs::hard_link(&report.backups[1].backup, dir.join("b")).unwrap();
    let pending = record.with_file_name(format!("{}.journal.json", runs[0].name));
    fs::write(&pending, serde_json::to_vec(&journal).unwrap()).unwrap();
    fs::remove_file(&record).unwrap();
    Interrupted {
        tmp,
        journal: pending,
    }
}

#[test]
fn an_interrupted_write_with_its_staged_files_intact_is_completed() {
    let set = interrupted();
    let dir = set.tmp.path();
    let lock = DirLock::acquire(&[dir]).unwrap();
    let dry = recover(&lock, true).unwrap();
    assert_eq!(dry[0].direction, Direction::Forward);
    assert!(set.journal.exists(), "a dry run changes nothing");
    let done = recover(&lock, false).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].direction, Direction::Forward);
    let actions: Vec<RecoveryAction> = done[0].files.iter().map(|f| f.action).collect();
    use RecoveryAction::*;
    assert_eq!(actions, [Unchanged, Placed, Placed, Unchanged]);
    for (name, text) in [("a", "new a"), ("b", "new b"), ("c", "new c")] {
        assert_eq!(fs::read_to_string(dir.join(name)).unwrap(), text);
    }
    assert_eq!(names(dir), ["L", "a", "b", "c"], "no temporary file left");
    assert!(!set.journal.exists());
    let runs = list_backups(&[dir], &[]).unwrap();
    assert_eq!(runs[0].state, "completed");
    assert!(recover(&lock, false).unwrap().is_empty(), "once");
}

#[test]
fn an_interrupted_write_whose_staged_file_is_damaged_is_undone() {
    let set = interrupted();
    let dir = set.tmp.path();
    let journal: serde_json::Value =
        serde_json::from_slice(&fs::read(&set.journal).unwrap()).unwrap();
    let temp = journal["entries"][2]["temp"].as_str().unwrap();
    fs::write(temp, "half").unwrap();
    let lock = DirLock::acquire(&[dir]).unwrap();
    let done = recover(&lock, false).unwrap();
    assert_eq!(done[0].direction, Direction::Back);
    let actions: Vec<RecoveryAction> = done[0].files.iter().map(|f| f.action).collect();
    use RecoveryAction::*;
    assert_eq!(actions, [Restored, Unchanged, Unchanged, Restored]);
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "old a");
    assert_eq!(fs::read_to_string(dir.join("b")).unwrap(), "old b");
    assert!(!dir.join("c").exists(), "it did not exist before");
    assert_eq!(fs::read_link(dir.join("L")).unwrap(), Path::new("a"));
    assert_eq!(names(dir), ["L", "a", "b"]);
    // The backups are still there, and the record says it was undone.
    let runs = list_backups(&[dir], &[]).unwrap();
    assert_eq!(runs[0].state, "undone");
    assert_eq!(runs[0].files.len(), 3);
    assert_eq!(runs[0].created, [dir.join("c")]);
}

#[test]
fn a_backup_is_restored_as_a_journalled_write_that_backs_up_in_turn() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("a"), "one").unwrap();
    write(dir, vec![plan(dir, "a", "two")], vec![], true).unwrap();
    let runs = list_backups(&[dir], &[]).unwrap();
    let lock = DirLock::acquire(&[dir]).unwrap();
    let report = write_all(&restore_plan(&runs[0]).unwrap(), None, &lock).unwrap();
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "one");
    assert_eq!(
        fs::read_to_string(&report.backups[0].backup).unwrap(),
        "two"
    );
    let runs = list_backups(&[dir], &[]).unwrap();
    assert_eq!(runs.len(), 2);
    assert!(
        runs[0]
            .what
            .as_deref()
            .unwrap()
            .starts_with("Restored the backup")
    );
}

#[test]
fn runs_of_the_same_second_are_listed_newest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("a"), "0").unwrap();
    // Twelve runs of one process in a row: most share a second, and their
    // names' random parts order them by chance alone.
    for i in 1..=12 {
        write(dir, vec![plan(dir, "a", &i.to_string())], vec![], true).unwrap();
    }
    let runs = list_backups(&[dir], &[]).unwrap();
    let replaced: Vec<String> = runs
        .iter()
        .map(|r| fs::read_to_string(&r.files[0].backup).unwrap())
        .collect();
    let expected: Vec<String> = (0..12).rev().map(|i| i.to_string()).collect();
    assert_eq!(replaced, expected);
}
