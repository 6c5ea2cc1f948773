//! Faults while writing: a write that fails midway, a target replaced by a
//! directory, and the process killed (SIGKILL) while it writes. In every case
//! the previous files are intact or kept in a backup, and no half-written
//! file ever sits under a target name.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::common::{GeneratedSet, generate, generate_into, octavia_pki, run, snapshot};

/// Every file below `dir` whose name marks a staged, not yet placed file.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(temp_files(&p));
            } else if p.to_string_lossy().ends_with(".tmp") {
                out.push(p);
            }
        }
    }
    out
}

/// The files of a snapshot that are no longer what they were.
fn changed(before: &[(PathBuf, Vec<u8>)]) -> Vec<PathBuf> {
    before
        .iter()
        .filter(|(p, bytes)| fs::read(p).ok().as_ref() != Some(bytes))
        .map(|(p, _)| p.clone())
        .collect()
}

fn targets(set: &GeneratedSet) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all = snapshot(&set.dir);
    all.extend(snapshot(&set.work_dir));
    // Not backups, nor what a killed run staged (never the operator's; the
    // next run completes the write with it, or removes it).
    all.retain(|(p, _)| {
        let p = p.to_string_lossy();
        !p.contains("/.backup/") && !p.ends_with(".tmp")
    });
    all
}

#[test]
fn a_write_that_fails_midway_changes_nothing() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let before = targets(&set);
    // Backups are made after every file is staged, directory by directory: a
    // `.backup` that is a file in the last directory fails the write late.
    fs::write(set.work_dir.join("client_ca/.backup"), "in the way").unwrap();
    let out = run(&mut generate_into(
        &set.dir,
        &set.work_dir,
        &set.passwords,
        &["--key-type", "ecdsa-p256", "--force"],
    ));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("client_ca/.backup"), "{stderr}");
    assert!(changed(&before).is_empty(), "{:?}", changed(&before));
    assert!(
        temp_files(set.tmp.path()).is_empty(),
        "{:?}",
        temp_files(set.tmp.path())
    );
}

#[test]
fn a_target_replaced_by_a_directory_is_refused_before_anything_changes() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let bundle = set.dir.join("client.cert-and-key.pem");
    fs::remove_file(&bundle).unwrap();
    fs::create_dir(&bundle).unwrap();
    let before = targets(&set);
    for args in [
        vec!["generate", "--force", "--key-type", "ecdsa-p256"],
        vec!["renew", "client"],
    ] {
        let out = run(octavia_pki().args(&args).args(set.change_args()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("client.cert-and-key.pem is not a regular file (a directory)"),
            "{args:?}: {stderr}"
        );
        assert!(changed(&before).is_empty(), "{args:?}");
        assert!(temp_files(set.tmp.path()).is_empty());
    }
}

/// Waits until `child` has staged a file (a `.tmp` appears under `root`) or
/// exited, waits `delay` more, and kills it. Returns whether it was killed
/// while writing.
fn kill_while_writing(mut child: Child, root: &Path, delay: Duration) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if !temp_files(root).is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the command never wrote");
    }
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// After a kill, every target holds either what it held before, or a whole
/// new file; whatever was replaced is in a backup.
fn assert_whole_or_backed_up(set: &GeneratedSet, before: &[(PathBuf, Vec<u8>)]) {
    let backups: Vec<Vec<u8>> = [&set.dir, &set.work_dir]
        .iter()
        .flat_map(|d| snapshot(d))
        .filter(|(p, _)| p.to_string_lossy().contains("/.backup/"))
        .map(|(_, bytes)| bytes)
        .collect();
    for (path, old) in before {
        let now = fs::read(path).unwrap();
        if &now == old {
            continue;
        }
        let text = String::from_utf8_lossy(&now);
        // A whole PEM file, or a whole history (JSON lines, each ended).
        let whole = if path.extension().is_some_and(|e| e == "jsonl") {
            text.ends_with('\n')
                && text
                    .lines()
                    .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        } else {
            text.starts_with("-----BEGIN ") && text.trim_end().ends_with("-----")
        };
        assert!(whole, "{} is half-written:\n{text}", path.display());
        assert!(
            backups.contains(old),
            "{} was replaced without a backup",
            path.display()
        );
    }
}

#[test]
fn killing_renew_leaves_a_working_deployment() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let mut killed_while_writing = 0;
    for i in 0..12 {
        let before = targets(&set);
        let child = octavia_pki()
            .args(["renew", "client"])
            .args(set.change_args())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if kill_while_writing(child, set.tmp.path(), Duration::from_micros(150 * i)) {
            killed_while_writing += 1;
        }
        assert_whole_or_backed_up(&set, &before);
        // The one deployed file renew replaces is old or new, never broken:
        // Octavia works either way.
        let check = set.check();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    assert!(killed_while_writing > 0, "no kill landed while writing");
    // The next run completes and clears what the killed ones left staged.
    let out = run(octavia_pki()
        .args(["renew", "client"])
        .args(set.change_args()));
    assert!(out.status.success());
    assert!(
        temp_files(set.tmp.path()).is_empty(),
        "{:?}",
        temp_files(set.tmp.path())
    );
}

#[test]
fn killing_generate_force_loses_nothing() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let mut killed_while_writing = 0;
    for i in 0..8 {
        let before = targets(&set);
        let child = generate_into(
            &set.dir,
            &set.work_dir,
            &set.passwords,
            &["--key-type", "ecdsa-p256", "--force"],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
        if kill_while_writing(child, set.tmp.path(), Duration::from_micros(300 * i)) {
            killed_while_writing += 1;
        }
        assert_whole_or_backed_up(&set, &before);
    }
    assert!(killed_while_writing > 0, "no kill landed while writing");
}

#[test]
fn killing_the_first_generate_leaves_no_half_written_file() {
    for i in 0..6 {
        let tmp = tempfile::tempdir().unwrap();
        let passwords = tmp.path().join("passwords.yml");
        crate::common::write_passwords(&passwords, "ServerPass1", "ClientPass2");
        let dir = tmp.path().join("config/octavia");
        let child = generate_into(
            &dir,
            &tmp.path().join("work"),
            &passwords,
            &["--key-type", "ecdsa-p256"],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
        kill_while_writing(child, tmp.path(), Duration::from_micros(400 * i));
        for (path, bytes) in snapshot(tmp.path()) {
            // Staged files, and the journal of the interrupted write.
            let journal = path.components().any(|c| c.as_os_str() == ".backup");
            if path.to_string_lossy().ends_with(".tmp") || journal || path == passwords {
                continue;
            }
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                text.starts_with("-----BEGIN ") && text.trim_end().ends_with("-----"),
                "{} is half-written",
                path.display()
            );
        }
    }
}
