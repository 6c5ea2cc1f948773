//! The way back: every changing command killed at every write point (each
//! file or link staged, backed up, moved into place, the journal written and
//! marked done), in every form a set takes (kolla's directories, the guide's
//! by directory and through its octavia.conf drop-in, the charm's options,
//! openstack-helm's and Atmosphere's Secrets, OpenStack-Ansible's tree);
//! then ONE command, `recover` (or the next writing command), makes the set
//! whole: `check` is clean, every byte the operator had is still in some
//! file, nothing is left staged or pending, and no unpacked key is left in
//! the temporary directory. `backups` lists and restores; unpacked
//! documents live in a private directory that no signal or kill leaves.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::*;

/// One form of a set: made once in `set/`, kept in `templates/`, copied
/// back into `set/` (the same absolute paths) before each run.
struct Form {
    name: &'static str,
    root: tempfile::TempDir,
    /// How a changing command names the set (with the passphrase's source).
    change: Vec<OsString>,
    /// How `recover` and `backups` name it.
    set: Vec<OsString>,
    /// `check`'s arguments for it.
    check: Vec<OsString>,
    /// `generate --force`'s arguments for it.
    generate: Vec<OsString>,
    /// `--key-type` of rotations.
    key_type: &'static str,
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn path_arg(path: PathBuf) -> OsString {
    path.into_os_string()
}

impl Form {
    fn new(name: &'static str) -> Self {
        let root = tempfile::tempdir().unwrap();
        let s = root.path().join("set");
        fs::create_dir_all(&s).unwrap();
        fs::create_dir_all(root.path().join("tmp")).unwrap();
        let pass = s.join("ca.pass");
        fs::write(&pass, "a-test-passphrase-7Qx\n").unwrap();
        let pw = s.join("passwords.yml");
        write_passwords(&pw, "ServerPass1x7Q", "ClientPass2k2W");
        let p = |rel: &str| path_arg(s.join(rel));
        let passfile = [OsString::from("--passphrase-file"), pass.clone().into()];
        let (change, set, check, generate, key_type): (Vec<_>, Vec<_>, Vec<_>, Vec<_>, _) =
            match name {
                "kolla" => (
                    [
                        os(&["--dir"]),
                        vec![p("d")],
                        os(&["--work-dir"]),
                        vec![p("w")],
                    ]
                    .concat(),
                    [
                        os(&["--dir"]),
                        vec![p("d")],
                        os(&["--work-dir"]),
                        vec![p("w")],
                    ]
                    .concat(),
                    [vec![p("d")], os(&["--work-dir"]), vec![p("w")]].concat(),
                    [
                        os(&["--dir"]),
                        vec![p("d")],
                        os(&["--work-dir"]),
                        vec![p("w")],
                    ]
                    .concat(),
                    "ecdsa-p256",
                ),
                "guide" | "config-file" => {
                    let by_dir = [
                        os(&["--dir"]),
                        vec![p("certs")],
                        os(&["--work-dir"]),
                        vec![p("ca")],
                    ]
                    .concat();
                    let by_conf = [
                        os(&["--config-file"]),
                        vec![p("certs/octavia-pki.conf")],
                        os(&["--work-dir"]),
                        vec![p("ca")],
                    ]
                    .concat();
                    let generate = [os(&["--layout", "guide"]), by_dir.clone()].concat();
                    if name == "guide" {
                        let check = [
                            vec![p("certs")],
                            os(&["--layout", "guide", "--work-dir"]),
                            vec![p("ca")],
                        ]
                        .concat();
                        (by_dir.clone(), by_dir, check, generate, "ecdsa-p256")
                    } else {
                        (
                            by_conf.clone(),
                            by_conf.clone(),
                            by_conf,
                            generate,
                            "ecdsa-p256",
                        )
                    }
                }
                "charm" => {
                    let doc = [os(&["--charm-config"]), vec![p("octavia-certs.yaml")]].concat();
                    (
                        doc.clone(),
                        doc.clone(),
                        [doc, os(&["--work-dir"]), vec![p("octavia-ca")]].concat(),
                        [
                            os(&["--layout", "charm", "--output"]),
                            vec![p("octavia-certs.yaml")],
                        ]
                        .concat(),
                        "ecdsa-p256",
                    )
                }
                "helm" | "atmosphere" => {
                    let doc = [
                        os(&["--k8s-secrets"]),
                        vec![p("secrets.yaml")],
                        os(&["--work-dir"]),
                        vec![p("k8s-ca")],
                    ]
                    .concat();
                    (
                        doc.clone(),
                        doc.clone(),
                        doc,
                        [
                            os(&["--layout", "k8s", "--style", name, "--output"]),
                            vec![p("secrets.yaml")],
                            os(&["--work-dir"]),
                            vec![p("k8s-ca")],
                        ]
                        .concat(),
                        "ecdsa-p256",
                    )
                }
                "osa" => {
                    let tree = [os(&["--layout", "osa", "--work-dir"]), vec![p("pki")]].concat();
                    (
                        tree.clone(),
                        tree.clone(),
                        [vec![p("pki")], os(&["--layout", "osa"])].concat(),
                        tree,
                        "rsa-2048",
                    )
                }
                _ => unreachable!("{name}"),
            };
        // Where the passphrase comes from: passwords.yml for kolla, the
        // file for the others (the charm's and the drop-in's their own).
        let source = match name {
            "kolla" => vec!["--passwords".into(), pw.clone().into()],
            "config-file" | "charm" => vec![],
            _ => passfile.to_vec(),
        };
        let form = Self {
            name,
            change: [change, source.clone()].concat(),
            set,
            // Atmosphere's CA key is unencrypted: no passphrase to check it with.
            check: match name {
                "atmosphere" => check,
                _ => [check, source.clone()].concat(),
            },
            generate: [
                generate,
                if name == "charm" || name == "config-file" {
                    passfile.to_vec()
                } else {
                    source
                },
            ]
            .concat(),
            key_type,
            root,
        };
        let key_type = if name == "osa" {
            "rsa-4096"
        } else {
            "ecdsa-p256"
        };
        form.ok(form.cmd(&["generate", "--key-type", key_type], &form.generate));
        form
    }

    fn set_dir(&self) -> PathBuf {
        self.root.path().join("set")
    }

    /// The temporary directory its runs unpack documents in.
    fn tmp(&self) -> PathBuf {
        self.root.path().join("tmp")
    }

    /// `octavia-pki ARGS EXTRA`, its temporary directory its own.
    fn cmd(&self, args: &[&str], extra: &[OsString]) -> Command {
        let mut cmd = octavia_pki();
        cmd.args(args).args(extra).env("TMPDIR", self.tmp());
        cmd
    }

    fn ok(&self, mut cmd: Command) -> String {
        let out = run(&mut cmd);
        assert!(
            out.status.success(),
            "{}: {cmd:?} failed:\n{}{}",
            self.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// One of the changing commands, on this set.
    fn changing(&self, which: &str) -> Command {
        let key_type = ["--key-type", self.key_type];
        match which {
            "renew client" => self.cmd(&["renew", "client"], &self.change),
            "renew server-ca" => self.cmd(&["renew", "server-ca"], &self.change),
            "rotate server-ca --staged" => self.cmd(
                &[&["rotate", "server-ca", "--staged"][..], &key_type].concat(),
                &self.change,
            ),
            "rotate client-ca --staged" => self.cmd(
                &[&["rotate", "client-ca", "--staged"][..], &key_type].concat(),
                &self.change,
            ),
            "rotate finish" => self.cmd(&["rotate", "finish", "server-ca", "--force"], &self.set),
            "generate --force" => {
                let key_type = if self.name == "osa" {
                    "rsa-4096"
                } else {
                    "ecdsa-p256"
                };
                self.cmd(
                    &["generate", "--force", "--key-type", key_type],
                    &self.generate,
                )
            }
            _ => unreachable!("{which}"),
        }
    }

    /// `check` on the set: clean (no error).
    fn assert_clean(&self, what: &str) {
        let out = run(&mut self.cmd(&["check", "--format", "json"], &self.check));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "{}: {what}: {}",
                self.name,
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert!(
            out.status.success() && report["summary"]["errors"] == 0,
            "{}: {what}: check says {}",
            self.name,
            report["findings"]
        );
    }

    /// Saves the set as the template `name`.
    fn save(&self, name: &str) {
        let templates = self.root.path().join("templates");
        fs::create_dir_all(&templates).unwrap();
        copy_tree(&self.set_dir(), &templates.join(name));
    }

    /// The set as the template `name` left it.
    fn restore(&self, name: &str) {
        fs::remove_dir_all(self.set_dir()).unwrap();
        copy_tree(
            &self.root.path().join("templates").join(name),
            &self.set_dir(),
        );
    }
}

/// `from` copied to `to`: files with their modes, links as links.
fn copy_tree(from: &Path, to: &Path) {
    let out = run(Command::new("cp").arg("-a").arg(from).arg(to));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file below `dir` but the backups, and what each holds (a link: its
/// target).
fn operator_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().unwrap();
        if name == ".backup" {
            continue;
        }
        if kind.is_symlink() {
            let target = fs::read_link(&path).unwrap();
            out.push((path, format!("-> {}", target.display()).into_bytes()));
        } else if kind.is_dir() {
            out.extend(operator_files(&path));
        } else {
            out.push((path, fs::read(entry.path()).unwrap()));
        }
    }
    out.sort();
    out
}

/// Every file's bytes (and every link's target) below `dir`, backups included.
fn recoverable(dir: &Path) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            let target = fs::read_link(entry.path()).unwrap();
            out.insert(format!("-> {}", target.display()).into_bytes());
        } else if kind.is_dir() {
            out.extend(recoverable(&entry.path()));
        } else {
            out.insert(fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Names below `dir` that a whole set never has: staged files, pending journals.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tmp") || name.ends_with(".journal.json") {
            out.push(path);
        } else if entry.file_type().unwrap().is_dir() {
            out.extend(leftovers(&path));
        }
    }
    out
}

/// The write points of one run, in the order a write reaches them; each
/// numbered from 1. `rename` is tried at every number until the command
/// runs through.
const POINTS: &[&str] = &["stage", "backup", "journal", "rename", "done"];

/// The states each command starts from: the template it needs.
fn template_of(command: &str) -> &'static str {
    match command {
        "rotate finish" => "staged",
        _ => "generated",
    }
}

const COMMANDS: &[&str] = &[
    "renew client",
    "renew server-ca",
    "rotate server-ca --staged",
    "rotate client-ca --staged",
    "rotate finish",
    "generate --force",
];

/// The write points killed in `form`: before the journal, nothing has
/// changed whatever the form (the kolla and tree forms show it); the
/// journal, every rename and link, and the journal marked done, in each.
fn points_of(form: &str) -> &'static [&'static str] {
    match form {
        "kolla" | "osa" => POINTS,
        _ => &POINTS[2..],
    }
}

/// Kills every changing command at every write point of `form`, and
/// recovers each with one command. Returns how many kills landed.
fn every_kill_recovers(name: &'static str) -> usize {
    let form = Form::new(name);
    form.save("generated");
    form.ok(form.changing("rotate server-ca --staged"));
    form.save("staged");
    let mut kills = 0;
    for command in COMMANDS {
        for point in points_of(name) {
            for n in 1.. {
                form.restore(template_of(command));
                let before = operator_files(&form.set_dir());
                let at = format!("{point}:{n}");
                let out = run(form.changing(command).env("OCTAVIA_PKI_FAULT", &at));
                let what = format!("{command} killed at {at}");
                if out.status.code().is_some() {
                    // The command ran through: no such point.
                    assert!(
                        out.status.success(),
                        "{name}: {what}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    break;
                }
                kills += 1;
                let had = recoverable(&form.set_dir());
                for (path, bytes) in &before {
                    assert!(
                        had.contains(bytes),
                        "{name}: {what}: what {} held is in no file",
                        path.display()
                    );
                }
                // One command makes it whole.
                let report: Value = serde_json::from_str(
                    &form.ok(form.cmd(&["recover", "--format", "json"], &form.set)),
                )
                .unwrap();
                form.assert_clean(&what);
                let left = leftovers(&form.set_dir());
                assert!(left.is_empty(), "{name}: {what}: left {left:?}");
                let unpacked: Vec<_> = fs::read_dir(form.tmp()).unwrap().flatten().collect();
                assert!(
                    unpacked.is_empty(),
                    "{name}: {what}: {unpacked:?} left in TMPDIR"
                );
                let after = recoverable(&form.set_dir());
                for (path, bytes) in &before {
                    assert!(
                        after.contains(bytes),
                        "{name}: {what}, recovered: what {} held is in no file",
                        path.display()
                    );
                }
                let recovered = report["recovered"].as_array().unwrap();
                match (*point, recovered.first()) {
                    // Killed before its journal: nothing had changed.
                    ("stage" | "backup", _) | ("journal", _) => {
                        assert!(recovered.is_empty(), "{name}: {what}: {report}");
                        assert_eq!(operator_files(&form.set_dir()), before, "{name}: {what}");
                    }
                    (_, Some(r)) if r["direction"] == "back" => {
                        assert_eq!(operator_files(&form.set_dir()), before, "{name}: {what}");
                    }
                    (_, Some(_)) => {
                        assert_ne!(operator_files(&form.set_dir()), before, "{name}: {what}");
                    }
                    (_, None) => panic!("{name}: {what}: nothing recovered"),
                }
                if matches!(*point, "journal" | "done") {
                    break;
                }
                // One kill at the first staging and backup is enough: all
                // kills before the journal are the same to the set.
                if matches!(*point, "stage" | "backup") {
                    break;
                }
            }
        }
    }
    kills
}

#[test]
fn kolla_every_kill_recovers_with_one_command() {
    let kills = every_kill_recovers("kolla");
    assert!(kills >= 60, "{kills}");
}

#[test]
fn guide_every_kill_recovers_with_one_command() {
    assert!(every_kill_recovers("guide") >= 40);
}

#[test]
fn config_file_every_kill_recovers_with_one_command() {
    assert!(every_kill_recovers("config-file") >= 40);
}

#[test]
fn charm_every_kill_recovers_with_one_command() {
    assert!(every_kill_recovers("charm") >= 30);
}

#[test]
fn helm_every_kill_recovers_with_one_command() {
    assert!(every_kill_recovers("helm") >= 30);
}

#[test]
fn atmosphere_every_kill_recovers_with_one_command() {
    assert!(every_kill_recovers("atmosphere") >= 30);
}

#[test]
fn osa_tree_every_kill_recovers_with_one_command_links_included() {
    assert!(every_kill_recovers("osa") >= 50);
}

/// The staged files of the journal pending in `dir`'s `.backup`.
fn pending_temps(dir: &Path) -> Vec<PathBuf> {
    let journal = fs::read_dir(dir.join(".backup"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".journal.json"))
        .expect("a pending journal");
    let journal: Value = serde_json::from_slice(&fs::read(journal).unwrap()).unwrap();
    journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| PathBuf::from(e["temp"].as_str().unwrap()))
        .filter(|t| fs::symlink_metadata(t).is_ok())
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The next writing command recovers first (and says so), then does its
/// own work; a recovery killed in turn is finished by the next; a staged
/// file found damaged sends the set back to what it was, from the backups.
#[test]
fn the_next_command_recovers_a_killed_recovery_finishes_a_damaged_one_goes_back() {
    let form = Form::new("kolla");
    form.save("generated");
    let work = form.set_dir().join("w");

    // The next writing command.
    let out = run(form
        .changing("renew server-ca")
        .env("OCTAVIA_PKI_FAULT", "rename:2"));
    assert_eq!(out.status.code(), None);
    let out = run(&mut form.changing("renew client"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("completed the write that process")
            && stderr(&out).contains("renewed the CA"),
        "{}",
        stderr(&out)
    );
    form.assert_clean("renew client after a killed renew server-ca");
    assert!(leftovers(&form.set_dir()).is_empty());

    // A recovery killed at each of its steps, then finished.
    for n in 1.. {
        form.restore("generated");
        let out = run(form
            .changing("rotate client-ca --staged")
            .env("OCTAVIA_PKI_FAULT", "rename:3"));
        assert_eq!(out.status.code(), None);
        let out = run(form
            .cmd(&["recover"], &form.set)
            .env("OCTAVIA_PKI_FAULT", format!("recover:{n}")));
        if out.status.success() {
            assert!(n > 3, "{n}");
            break;
        }
        assert_eq!(out.status.code(), None, "{}", stderr(&out));
        form.ok(form.cmd(&["recover"], &form.set));
        form.assert_clean(&format!("recover killed at recover:{n}"));
        assert!(leftovers(&form.set_dir()).is_empty());
    }

    // A damaged staged file: back to the set as it was.
    form.restore("generated");
    let before = operator_files(&form.set_dir());
    let out = run(form
        .changing("rotate server-ca --staged")
        .env("OCTAVIA_PKI_FAULT", "rename:2"));
    assert_eq!(out.status.code(), None);
    let temps = pending_temps(&work);
    fs::write(temps.last().unwrap(), "damaged").unwrap();
    let dry = form.ok(form.cmd(&["recover", "--dry-run"], &form.set));
    assert!(dry.starts_with("Would undo the write"), "{dry}");
    let out = form.ok(form.cmd(&["recover"], &form.set));
    assert!(out.starts_with("Undid the write"), "{out}");
    assert!(out.contains("restored from the backup"), "{out}");
    assert_eq!(operator_files(&form.set_dir()), before);
    form.assert_clean("undone");
    let list = form.ok(form.cmd(&["backups", "list"], &form.set));
    assert!(list.contains("[undone]"), "{list}");
}

/// `backups list` names each run, what it was and its files; `backups
/// restore` puts one back as a journalled write that backs up in turn, in
/// kolla's directories and in OpenStack-Ansible's tree (its links too).
#[test]
fn backups_are_listed_and_restored_in_every_layout_links_included() {
    for name in ["kolla", "osa"] {
        let form = Form::new(name);
        let before = operator_files(&form.set_dir());
        form.ok(form.changing("renew server-ca"));
        let list: Value = serde_json::from_str(
            &form.ok(form.cmd(&["backups", "list", "--format", "json"], &form.set)),
        )
        .unwrap();
        let runs = list["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "{name}: {list}");
        let last = &runs[0];
        assert!(
            last["what"].as_str().unwrap().contains("renewed the CA"),
            "{last}"
        );
        assert_eq!(last["state"], "done");
        if name == "osa" {
            assert!(
                last["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["link"] == "OctaviaServerRoot-1000.crt"),
                "{last}"
            );
        }
        let name_of_run = last["name"].as_str().unwrap().to_owned();
        let dry = form.ok(form.cmd(
            &["backups", "restore", &name_of_run, "--dry-run"],
            &form.set,
        ));
        assert!(dry.contains("Would restore the backup"), "{dry}");
        let out = form.ok(form.cmd(&["backups", "restore", &name_of_run], &form.set));
        assert!(out.contains("Backed up before replacing"), "{name}: {out}");
        // What the set had, the history too (the renewal made new files
        // beside it, which stay: the tree's next serial).
        let now = operator_files(&form.set_dir());
        for (path, bytes) in &before {
            let here = now.iter().find(|(p, _)| p == path).map(|(_, b)| b);
            assert_eq!(here, Some(bytes), "{name}: {}", path.display());
        }
        form.assert_clean("restored");
        let list = form.ok(form.cmd(&["backups", "list"], &form.set));
        assert!(list.contains("Restored the backup"), "{list}");
        let out = run(&mut form.cmd(&["backups", "restore", "20000101T000000Z.1.00"], &form.set));
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("no backup named"), "{}", stderr(&out));
    }
}

/// The unpacked directories of `form`'s temporary directory.
fn unpacked_dirs(form: &Form) -> Vec<PathBuf> {
    fs::read_dir(form.tmp())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("octavia-pki-unpacked.")
        })
        .collect()
}

/// Waits until `child` says it paused (the fault hook's line on stderr).
fn wait_paused(child: &mut std::process::Child) {
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stderr.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.contains("paused at unpacked"), "{line}");
}

/// No secret outlives its run: a document is unpacked into a directory of
/// mode 0700 (its key files 0600); killed outright, the run leaves it to the
/// next run, which removes it; SIGTERM, SIGINT and SIGHUP remove it at
/// once; a live run's directory is never touched by another run.
#[test]
fn unpacked_keys_live_in_a_private_directory_that_no_kill_or_signal_leaves() {
    let form = Form::new("atmosphere");
    // Killed outright (as SIGKILL would: the hook aborts) after two files.
    let out = run(form
        .cmd(&["check"], &form.check)
        .env("OCTAVIA_PKI_FAULT", "unpacked:2"));
    assert_eq!(out.status.code(), None);
    let left = unpacked_dirs(&form);
    assert_eq!(left.len(), 1, "{left:?}");
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&left[0]), 0o700);
    for (path, _) in snapshot(&left[0]) {
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    // The next run, whatever it is, removes it.
    form.ok(form.cmd(&["explain", "missing-file"], &[]));
    assert!(unpacked_dirs(&form).is_empty());

    // A run paused with its keys unpacked: another run leaves its directory;
    // each signal removes it at once and ends the run as the signal would.
    for signal in ["TERM", "INT", "HUP"] {
        let mut paused = form
            .cmd(&["renew", "client"], &form.change)
            .env("OCTAVIA_PKI_FAULT", "unpacked:2:pause")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_paused(&mut paused);
        assert_eq!(unpacked_dirs(&form).len(), 1);
        form.assert_clean("another run meanwhile");
        assert_eq!(
            unpacked_dirs(&form).len(),
            1,
            "a live run's directory was removed"
        );
        let killed = run(Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(paused.id().to_string()));
        assert!(killed.status.success());
        let status = paused.wait().unwrap();
        assert_eq!(status.code(), None, "SIG{signal}: ended by the signal");
        assert!(
            unpacked_dirs(&form).is_empty(),
            "SIG{signal} left {:?}",
            unpacked_dirs(&form)
        );
    }
}

/// A killed run's leftovers, or a tree missing a file: messages name the
/// tree's files, never the temporary directory it was unpacked into.
#[test]
fn messages_name_the_trees_files_never_the_temporary_ones() {
    let form = Form::new("osa");
    let key = form
        .set_dir()
        .join("pki/roots/OctaviaClientRoot/private/OctaviaClientRoot.key.pem");
    fs::remove_file(&key).unwrap();
    let out = run(&mut form.changing("renew client"));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains("octavia-pki-unpacked"), "{err}");
    assert!(err.contains(&key.display().to_string()), "{err}");
}

/// A write killed half-way leaves its journal pending: `check` says so (the
/// files may mix two states that its rules do not all see), and a dry run
/// warns of it, until `recover` closes it.
#[test]
fn check_reports_an_interrupted_write_until_it_is_recovered() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let killed = run(octavia_pki()
        .args(["renew", "client"])
        .args(set.change_args())
        .env("OCTAVIA_PKI_FAULT", "rename:1"));
    assert!(!killed.status.success());
    let (report, _) = set.report("check");
    assert_eq!(
        findings_at(&report, "warning"),
        ["interrupted-write@-"],
        "{report:#}"
    );
    assert!(report.to_string().contains(".journal.json"), "{report:#}");
    // A dry run writes nothing, so recovers nothing: it says so.
    let dry = run(&mut generate_into(
        &set.dir,
        &set.work_dir,
        &set.passwords,
        &["--force", "--dry-run", "--key-type", "ecdsa-p256"],
    ));
    let stderr = String::from_utf8_lossy(&dry.stderr);
    assert!(
        dry.status.success() && stderr.contains("an interrupted write is pending"),
        "{stderr}"
    );
    ok(octavia_pki().arg("recover").args(
        set.change_args()
            .iter()
            .filter(|a| !a.contains("passwords")),
    ));
    let (report, code) = set.report("check");
    assert_eq!(code, Some(0), "{report:#}");
    assert!(findings_at(&report, "warning").is_empty(), "{report:#}");
}
