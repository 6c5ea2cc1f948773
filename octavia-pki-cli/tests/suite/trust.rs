//! Trust under real use: nothing the operator had is ever lost, and no
//! broken set is written or reported as success. Concurrent runs, runs in the
//! same second, another set's work directory, and runs killed at each rename
//! (the binary built for tests aborts at `OCTAVIA_PKI_FAULT=rename:N`, as a
//! kill would), each judged by `check` and by the bytes left on disk.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::*;
use serde_json::Value;

/// Every file's bytes below `root`, backups included: what can be recovered.
fn recoverable(root: &Path) -> BTreeSet<Vec<u8>> {
    snapshot(root).into_iter().map(|(_, bytes)| bytes).collect()
}

/// The operator's files of a set (deployed and work directory, no backups,
/// no lock files), with their bytes.
fn operator_files(set: &GeneratedSet) -> Vec<(PathBuf, Vec<u8>)> {
    [&set.dir, &set.work_dir]
        .into_iter()
        .flat_map(|d| snapshot(d))
        .filter(|(p, _)| {
            // Not backups, and not the temporary files a killed run left
            // (`.<name>.<pid>.<hex>.tmp`, never moved into place).
            !p.components().any(|c| c.as_os_str() == ".backup")
                && !p.to_string_lossy().ends_with(".tmp")
        })
        .collect()
}

/// Fails unless every byte of `before` is still in some file below `root`.
fn assert_all_recoverable(root: &Path, before: &[(PathBuf, Vec<u8>)], what: &str) {
    let now = recoverable(root);
    for (path, bytes) in before {
        assert!(
            now.contains(bytes),
            "{what}: the contents {} had are in no file any more",
            path.display()
        );
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn history_lines(set: &GeneratedSet) -> usize {
    fs::read_to_string(set.work_dir.join("octavia-pki-history.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

fn check_with_work_dir(set: &GeneratedSet) -> (Value, Option<i32>) {
    set.report("check")
}

#[test]
fn commands_in_the_same_second_each_keep_what_they_replaced() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let before = operator_files(&set);
    // Reproduced: the original server_ca.cert.pem was in no backup afterwards.
    ok(octavia_pki()
        .args(["renew", "server-ca", "--key-id", "sha1"])
        .args(set.change_args()));
    ok(octavia_pki()
        .args(["rotate", "server-ca", "--staged"])
        .args(set.change_args()));
    for _ in 0..3 {
        ok(octavia_pki()
            .args(["renew", "client"])
            .args(set.change_args()));
    }
    assert_all_recoverable(
        set.tmp.path(),
        &before,
        "renew then rotate then 3 renew client",
    );
    // Each run has a backup directory of its own.
    let backups: Vec<_> = fs::read_dir(set.dir.join(".backup"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(backups.len(), 5, "{backups:?}");
    assert_eq!(history_lines(&set), 5);
    assert!(set.check().status.success());
}

#[test]
fn concurrent_writers_one_at_a_time_every_byte_kept_history_one_line_each() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let mut seen: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut successes = 0;
    for round in 0..20 {
        seen.extend(operator_files(&set));
        let children: Vec<_> = (0..10)
            .map(|_| {
                octavia_pki()
                    .args(["renew", "client"])
                    .args(set.change_args())
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            if out.status.success() {
                successes += 1;
            } else {
                let err = stderr(&out);
                assert!(
                    err.contains(" is locked by process "),
                    "round {round}: a run failed otherwise than on the lock: {err}"
                );
                assert_eq!(out.status.code(), Some(1), "{err}");
            }
        }
        assert_all_recoverable(set.tmp.path(), &seen, &format!("round {round}"));
        assert_eq!(history_lines(&set), successes, "round {round}");
        let (report, code) = check_with_work_dir(&set);
        assert_eq!(code, Some(0), "round {round}: {report}");
    }
    assert!(successes >= 20, "{successes}");
    // No temporary file is left behind.
    for (path, _) in snapshot(set.tmp.path()) {
        assert!(
            !path.to_string_lossy().ends_with(".tmp"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_held_lock_stops_a_writer_at_once_naming_the_file_and_the_holder() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    // Another process (util-linux's flock) holds the work directory's lock;
    // it says so once it has it, and ends by itself after 30 s at the latest.
    // --no-fork: flock execs the shell, which execs sleep, so one process
    // (the one killed below) holds the lock throughout.
    let mut holder = std::process::Command::new("flock")
        .args(["--exclusive", "--no-fork"])
        .arg(&set.work_dir)
        .args(["-c", "echo locked; exec sleep 30"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "locked\n");
    let pid = holder.id();
    let locked = format!("{} is locked by process {pid}", set.work_dir.display());
    let before = operator_files(&set);
    for args in [
        &["renew", "client"][..],
        &["rotate", "server-ca", "--staged"],
    ] {
        let out = run(octavia_pki().args(args).args(set.change_args()));
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(&locked), "{err}");
    }
    let out = set.regenerate(&["--force", "--key-type", "ecdsa-p256"]);
    assert!(stderr(&out).contains(&locked), "{}", stderr(&out));
    assert_eq!(operator_files(&set), before, "nothing was written");
    // --dry-run writes nothing and takes no lock.
    ok(octavia_pki()
        .args(["renew", "client", "--dry-run"])
        .args(set.change_args()));
    holder.kill().unwrap();
    holder.wait().unwrap();
    ok(octavia_pki()
        .args(["renew", "client"])
        .args(set.change_args()));
}

#[test]
fn another_sets_work_directory_is_refused_and_reported() {
    let a = generate(&["--key-type", "ecdsa-p256"]);
    let b = generate(&["--key-type", "ecdsa-p256"]);
    let before = operator_files(&a);
    for what in ["client", "client-ca", "server-ca"] {
        let out = run(octavia_pki()
            .args(["renew", what, "--dir"])
            .arg(&a.dir)
            .arg("--work-dir")
            .arg(&b.work_dir)
            .arg("--passwords")
            .arg(&b.passwords));
        assert_eq!(out.status.code(), Some(1), "renew {what}");
        let err = stderr(&out);
        assert!(
            err.contains("nothing was written")
                && err.contains(
                    &b.work_dir
                        .join("server_ca/server_ca.cert.pem")
                        .display()
                        .to_string()
                )
                && err.contains(&a.dir.join("server_ca.cert.pem").display().to_string()),
            "renew {what}: {err}"
        );
    }
    assert_eq!(operator_files(&a), before, "nothing was written");
    let out = run(octavia_pki()
        .arg("check")
        .arg(&a.dir)
        .arg("--work-dir")
        .arg(&b.work_dir)
        .arg("--passwords")
        .arg(&a.passwords)
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = findings_at(&report, "error");
    assert!(
        errors
            .iter()
            .any(|f| f == "work-dir-mismatch@server_ca.cert.pem")
            && errors
                .iter()
                .any(|f| f == "work-dir-mismatch@client_ca.cert.pem"),
        "{errors:?}"
    );
    // The work directory given where the deployed one belongs is named as such.
    let out = run(octavia_pki().arg("check").arg(&a.work_dir));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a CA work directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn overlapping_directories_are_refused_before_anything_is_emptied() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let before = operator_files(&set);
    // --dir inside --work-dir: a deployed file and a work file are one path.
    for inner in ["server_ca", "client_ca"] {
        let out = run(&mut generate_into(
            &set.work_dir.join(inner),
            &set.work_dir,
            &set.passwords,
            &["--force", "--key-type", "ecdsa-p256"],
        ));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("would be written twice"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(operator_files(&set), before);
}

#[test]
fn a_run_killed_at_any_rename_loses_nothing_and_is_never_reported_as_a_good_set() {
    let template = generate(&["--key-type", "ecdsa-p256"]);
    // generate --force writes every file of the set, and the history.
    let files = operator_files(&template).len() + 1;
    let mut reported = 0;
    for k in 1..=files + 2 {
        let set = generate(&["--key-type", "ecdsa-p256"]);
        let before = operator_files(&set);
        let out = run(generate_into(
            &set.dir,
            &set.work_dir,
            &set.passwords,
            &["--force", "--key-type", "ecdsa-p256"],
        )
        .env("OCTAVIA_PKI_FAULT", format!("rename:{k}")));
        let killed = out.status.code().is_none();
        assert_eq!(killed, k <= files, "rename {k}: {}", stderr(&out));
        assert_all_recoverable(set.tmp.path(), &before, &format!("killed at rename {k}"));
        let (report, code) = check_with_work_dir(&set);
        let mismatch = findings_at(&report, "error")
            .iter()
            .any(|f| f.starts_with("work-dir-mismatch"));
        if mismatch {
            reported += 1;
            assert_eq!(code, Some(1));
        }
        // The next writing command completes the interrupted write first
        // (its journal), then renews: whole either way.
        let renew = run(octavia_pki()
            .args(["renew", "client"])
            .args(set.change_args()));
        assert!(renew.status.success(), "rename {k}: {}", stderr(&renew));
        assert_eq!(
            stderr(&renew).contains("completed the write"),
            killed,
            "rename {k}: {}",
            stderr(&renew)
        );
        let (report, code) = check_with_work_dir(&set);
        assert_eq!(code, Some(0), "rename {k}: renewed set {report}");
        assert_all_recoverable(set.tmp.path(), &before, &format!("renewed after {k}"));
    }
    // Killed between the deployed files and the work directory's, the sets
    // differ: said by check (never a good set), mended by the next command.
    assert!(reported >= files / 2, "{reported} of {files}");
}

#[test]
fn the_history_records_both_cas_and_an_immediate_rotation_ends_older_deadlines() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    ok(octavia_pki()
        .args([
            "rotate",
            "all",
            "--confirm-failover",
            "--key-type",
            "ecdsa-p256",
        ])
        .args(set.change_args()));
    let actions = history_actions(&set.work_dir);
    assert_eq!(actions, ["rotate server-ca", "rotate client-ca"]);

    // renew client-ca opens a deadline; an immediate client CA rotation ends it.
    ok(octavia_pki()
        .args(["renew", "client-ca"])
        .args(set.change_args()));
    ok(octavia_pki()
        .args([
            "rotate",
            "client-ca",
            "--confirm-failover",
            "--key-type",
            "ecdsa-p256",
        ])
        .args(set.change_args()));
    let (report, code) = check_with_work_dir(&set);
    assert_eq!(code, Some(0), "{report}");
    let expiry = ok(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .args(["--format", "json"]));
    assert!(!expiry.contains("amphorae-deadline"), "{expiry}");
}

/// Odd but legal passwords.yml values, and whether Octavia reads another
/// string than the text (judged below by the real Ansible and oslo.config;
/// `passwords.rs` sweeps thousands more through Ansible's loader).
const PASSWORD_FORMS: &[(&str, bool)] = &[
    ("yes", true),
    ("On", true),
    ("1_000", true),
    ("0x1F", true),
    ("017", true),
    ("\"  padded \"", true),
    ("'\"Qu0ted7x\"'", true),
    ("12345", false),
    ("\"True\"", false),
    ("Abc123xyz", false),
    // Explicit tags type the value whatever its quotes.
    ("!!bool 'yes'", true),
    ("! 'yes'", true),
    ("!!float '1.50'", true),
    ("!!int '0o17'", true),
    ("!!binary QWJjMTIzeHl6", true),
    ("2001-12-14 21:59:43.10 -5", true),
    ("!!str yes", false),
    ("!!python/unicode Abc123xyz", false),
    ("'2001-12-14'", false),
    ("!unsafe 'Abc{{ x }}'", false),
];

#[test]
fn passphrases_are_read_as_ansible_renders_them_and_oslo_config_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    // The real Ansible (kolla-ansible's ansible-core) renders every form into
    // an octavia.conf line as kolla's template writes it...
    let vars = tmp.path().join("vars.yml");
    let template = tmp.path().join("octavia.conf.j2");
    let rendered = tmp.path().join("octavia.conf");
    let mut vars_text = String::new();
    let mut template_text = String::from("[certificates]\n");
    for (i, (form, _)) in PASSWORD_FORMS.iter().enumerate() {
        vars_text.push_str(&format!("p{i}: {form}\n"));
        template_text.push_str(&format!("p{i} = {{{{ p{i} }}}}\n"));
    }
    fs::write(&vars, vars_text).unwrap();
    fs::write(&template, template_text).unwrap();
    ok(Command::new(kolla_venv().join("bin/ansible"))
        .args([
            "localhost",
            "-c",
            "local",
            "-i",
            "localhost,",
            "-m",
            "template",
            "-a",
        ])
        .arg(format!(
            "src={} dest={}",
            template.display(),
            rendered.display()
        ))
        .arg("-e")
        .arg(format!("@{}", vars.display()))
        .arg("-e")
        .arg(format!(
            "ansible_python_interpreter={}",
            kolla_venv().join("bin/python").display()
        ))
        .env("ANSIBLE_LOCALHOST_WARNING", "false")
        .env("ANSIBLE_INVENTORY_UNPARSED_WARNING", "false"));
    // ...and Octavia's own oslo.config reads each back.
    let read_back = tmp.path().join("read.json");
    let script = format!(
        "import json, sys\nfrom oslo_config import cfg\nconf = cfg.ConfigOpts()\n\
         conf.register_opts([cfg.StrOpt('p%d' % i) for i in range({n})], group='certificates')\n\
         conf(['--config-file', sys.argv[1]])\n\
         json.dump([getattr(conf.certificates, 'p%d' % i) for i in range({n})], open(sys.argv[2], 'w'))\n",
        n = PASSWORD_FORMS.len()
    );
    ok(peer_python()
        .args(["-c", &script])
        .arg(&rendered)
        .arg(&read_back));
    let octavia_reads: Vec<String> =
        serde_json::from_str(&fs::read_to_string(&read_back).unwrap()).unwrap();

    let set = generate(&["--key-type", "ecdsa-p256"]);
    let key = set.dir.join("server_ca.key.pem");
    let original = fs::read(&key).unwrap();
    for ((form, changed), octavia) in PASSWORD_FORMS.iter().zip(&octavia_reads) {
        // The deployed key, encrypted with the string Octavia really gets.
        let pass = tmp.path().join("octavia.pass");
        fs::write(&pass, format!("{octavia}\n")).unwrap();
        let plain_key = tmp.path().join("original.key.pem");
        fs::write(&plain_key, &original).unwrap();
        ok(openssl()
            .args(["pkey", "-aes256", "-in"])
            .arg(&plain_key)
            .arg("-passin")
            .arg(format!("file:{}", set.server_pass_file.display()))
            .arg("-passout")
            .arg(format!("file:{}", pass.display()))
            .arg("-out")
            .arg(&key));
        let passwords = tmp.path().join("passwords.yml");
        fs::write(
            &passwords,
            format!("octavia_ca_password: {form}\noctavia_client_ca_password: abc\n"),
        )
        .unwrap();
        let out = run(octavia_pki()
            .arg("check")
            .arg(&set.dir)
            .arg("--passwords")
            .arg(&passwords)
            .args(["--format", "json"]));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = findings_at(&report, "error");
        // The key opens with what Octavia reads: never wrong-passphrase.
        assert!(
            !errors.iter().any(|f| f.starts_with("wrong-passphrase")),
            "{form}: {errors:?}"
        );
        assert_eq!(
            errors
                .iter()
                .any(|f| f.starts_with("password-not-as-written")),
            *changed,
            "{form}: {errors:?}"
        );
        assert_eq!(
            out.status.code(),
            Some(if *changed { 1 } else { 0 }),
            "{form}"
        );
        let secret = octavia.trim_matches('"').trim();
        assert!(
            secret.len() < 6 || !String::from_utf8_lossy(&out.stdout).contains(secret),
            "{form}: the value is never shown"
        );
        // generate refuses a value Octavia reads otherwise.
        let fresh = tmp.path().join("fresh");
        let out = run(&mut generate_into(
            &fresh.join("d"),
            &fresh.join("w"),
            &passwords,
            &["--key-type", "ecdsa-p256", "--dry-run"],
        ));
        assert_eq!(out.status.success(), !changed, "{form}: {}", stderr(&out));
        if *changed {
            assert!(
                stderr(&out).contains("octavia_ca_password "),
                "{}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn a_key_given_twice_in_passwords_yml_is_a_warning_and_the_last_value_counts() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (server, client) = test_passphrases();
    fs::write(
        &set.passwords,
        format!(
            "octavia_ca_password: NotThisOne\noctavia_client_ca_password: {client}\n\
             octavia_ca_password: {server}\n"
        ),
    )
    .unwrap();
    let out = run(octavia_pki()
        .arg("check")
        .arg(&set.dir)
        .arg("--passwords")
        .arg(&set.passwords)
        .args(["--format", "json"]));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(
        findings_at(&report, "warning"),
        ["duplicate-key@passwords.yml"],
        "{report}"
    );
}

#[test]
fn a_file_this_user_may_not_read_means_the_check_could_not_run() {
    use std::os::unix::fs::PermissionsExt;
    let set = generate(&["--key-type", "ecdsa-p256"]);
    // Directories anyone may enter; the key stays 0600, as generate writes it.
    for dir in [set.tmp.path(), &set.tmp.path().join("config"), &set.dir] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The same check as an unprivileged user (nobody), with util-linux's setpriv.
    for command in ["check", "rehearse"] {
        let out = run(Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_octavia-pki"))
            .arg(command)
            .arg(&set.dir));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {err}");
        assert!(
            err.contains(&format!(
                "cannot read {}: permission denied; run as root or as the file's owner",
                set.dir.join("server_ca.key.pem").display()
            )),
            "{command}: {err}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("FAIL"));
    }
}

/// What `--help` of `args` says.
fn help(args: &[&str]) -> String {
    ok(octavia_pki().args(args).arg("--help"))
}

#[test]
fn every_changing_commands_help_agrees_with_it_on_failovers() {
    let failover_words = ["deadline", "failed over", "fail every", "failover deadline"];
    for (args, extra) in [
        (&["renew", "client"][..], &[][..]),
        (&["renew", "server-ca"], &[]),
        (&["renew", "client-ca"], &[]),
        (
            &["rotate", "server-ca", "--staged"],
            &["--key-type", "ecdsa-p256"][..],
        ),
        (
            &["rotate", "client-ca", "--staged"],
            &["--key-type", "ecdsa-p256"],
        ),
        (
            &["rotate", "all", "--confirm-failover"],
            &["--key-type", "ecdsa-p256"],
        ),
    ] {
        let set = generate(&["--key-type", "ecdsa-p256"]);
        let out = ok(octavia_pki()
            .args(args)
            .args(extra)
            .args(set.change_args())
            .args(["--format", "json"]));
        let change: Value = serde_json::from_str(&out).unwrap();
        let steps = change["next_steps"].to_string();
        let needs_failover = !change["amphorae_deadline"].is_null()
            || steps.contains("failed over")
            || steps.contains("loadbalancer failover");
        // The command's own help, and the help of the command above it.
        let texts = [help(&args[..2]), help(&args[..1])];
        for text in &texts {
            assert!(
                !(needs_failover && text.contains("no failover needed")),
                "{args:?} needs a failover, its help says none: {text}"
            );
        }
        if needs_failover {
            assert!(
                failover_words.iter().any(|w| texts[0].contains(w)),
                "{args:?} needs a failover, its help does not say so: {}",
                texts[0]
            );
        } else {
            assert!(
                !texts[0].contains("must be failed over"),
                "{args:?}: {}",
                texts[0]
            );
        }
    }
    // Each command's exit codes, in the top-level help.
    let top = help(&[]);
    for command in [
        "generate",
        "renew",
        "rotate",
        "check",
        "rehearse",
        "expiry",
        "probe",
        "node check",
        "deploy check",
        "explain",
    ] {
        assert!(top.contains(command), "{command} missing from: {top}");
    }
}

#[test]
fn words_match_what_the_tool_did() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    // Without a passphrase, the key was not checked: not "will work".
    let out = ok(octavia_pki().arg("check").arg(&set.dir));
    let last = out.trim_end().lines().last().unwrap().to_owned();
    assert!(last.starts_with("OK as far as checked"), "{out}");
    assert!(last.ends_with("(0 errors, 0 warnings, 1 note)"), "{last}");
    // A usage error is exit 2, as the help says.
    for days in ["0", "36501", "ten"] {
        let out = run(octavia_pki()
            .args(["generate", "--dry-run", "--ca-days", days])
            .args(["--passwords"])
            .arg(&set.passwords));
        assert_eq!(
            out.status.code(),
            Some(2),
            "--ca-days {days}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn the_vault_password_file_is_read_as_ansible_reads_it_and_only_when_needed() {
    use std::os::unix::fs::PermissionsExt;
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let tmp = tempfile::tempdir().unwrap();
    let script = |dir: &Path, body: &str| {
        fs::create_dir_all(dir).unwrap();
        let path = dir.join("vault-pass");
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    };
    // A bare name is the file in the current directory, never one on PATH.
    let here = tmp.path().join("here");
    let on_path = tmp.path().join("bin");
    script(&here, "echo the-password");
    script(&on_path, "exit 7");
    let path = format!("{}:{}", on_path.display(), std::env::var("PATH").unwrap());
    let out = run(octavia_pki()
        .args(["--vault-password-file", "vault-pass", "expiry"])
        .arg(&set.dir)
        .current_dir(&here)
        .env("PATH", &path));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A failing vault password: expiry is UNKNOWN (3), check could not run (2).
    for (command, code) in [("expiry", 3), ("check", 2)] {
        let out = run(octavia_pki()
            .args(["--vault-password-file", "vault-pass", command])
            .arg(&set.dir)
            .current_dir(&on_path));
        assert_eq!(out.status.code(), Some(code), "{command}: {}", stderr(&out));
    }
    // Commands that read no file never run it; an empty variable is unset.
    for args in [
        &["explain", "missing-file"][..],
        &["completions", "bash"],
        &["man"],
    ] {
        let out = run(octavia_pki()
            .args(["--vault-password-file", "vault-pass"])
            .args(args)
            .current_dir(&on_path));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .env("ANSIBLE_VAULT_PASSWORD_FILE", ""));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn fifty_thousand_amphorae_are_read_listed_and_finish_a_staged_rotation() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    set.stage("client-ca");
    // As `xargs -n1 openstack loadbalancer amphora show -f json` prints them
    // (no lb_network_ip here, so the probe skips each without connecting).
    let list = set.tmp.path().join("amphorae.json");
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str(&format!(
            "{{\"id\": \"{i:08x}-0000-4000-8000-000000000000\", \"status\": \"ALLOCATED\", \
             \"role\": \"STANDALONE\", \"created_at\": \"2030-01-01T00:00:00\", \
             \"updated_at\": null, \"loadbalancer_id\": \"lb\", \"compute_id\": \"c\"}}\n"
        ));
    }
    fs::write(&list, &text).unwrap();
    assert!(text.len() > 1024 * 1024 * 5, "{}", text.len());
    let report = set.tmp.path().join("probe.json");
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .arg("--amphorae")
        .arg(&list)
        .args(["--format", "json", "--output"])
        .arg(&report));
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    let size = fs::metadata(&report).unwrap().len();
    assert!(size > 1024 * 1024 * 10, "a probe report of {size} bytes");
    // Read as a stream: the whole process stays within 64 MiB of address space.
    let out = run(Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 65536 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_octavia-pki"))
        .args(["rotate", "finish", "client-ca", "--probe-report"])
        .arg(&report)
        .arg("--dir")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir));
    assert!(out.status.success(), "{}", stderr(&out));
    // Past the cap, the message names the kind and the limit.
    let huge = set.tmp.path().join("huge.json");
    let file = fs::File::create(&huge).unwrap();
    file.set_len(256 * 1024 * 1024 + 1).unwrap();
    let out = run(octavia_pki()
        .args([
            "rotate",
            "finish",
            "client-ca",
            "--dry-run",
            "--probe-report",
        ])
        .arg(&huge)
        .args(set.change_args().iter().take(4)));
    assert!(
        stderr(&out)
            .contains("the most a probe report (`octavia-pki probe --format json`) can be here"),
        "{}",
        stderr(&out)
    );
}

/// A certificate whose subject forges a line, Nagios performance data and a
/// terminal escape, made by Python's cryptography; expiring in 20 days, so
/// that it is the soonest.
fn forged_certificate(out: &Path) {
    let script = r#"
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
    "evil\n| days_left_min=9999 \x1b[2J\x1b]0;pwned\x07\u009b \u202efdp.exe")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
    .public_key(key.public_key()).serial_number(x509.random_serial_number())
    .not_valid_before(now - datetime.timedelta(days=1))
    .not_valid_after(now + datetime.timedelta(days=20))
    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    .sign(key, hashes.SHA256()))
open(sys.argv[1], "wb").write(cert.public_bytes(serialization.Encoding.PEM))
"#;
    ok(peer_python().args(["-c", script]).arg(out));
}

#[test]
fn forged_subjects_cannot_add_lines_fake_data_or_reach_the_terminal() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let forged = set.tmp.path().join("forged.pem");
    forged_certificate(&forged);
    let ca = set.dir.join("server_ca.cert.pem");
    let mut pem = fs::read(&ca).unwrap();
    pem.extend(fs::read(&forged).unwrap());
    fs::write(&ca, pem).unwrap();
    let expiry = |format: &str| {
        let out = run(octavia_pki()
            .arg("expiry")
            .arg(&set.dir)
            .args(["--format", format]));
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let nagios = expiry("nagios");
    assert_eq!(nagios.lines().count(), 1, "{nagios}");
    assert_eq!(nagios.matches('|').count(), 1, "{nagios}");
    assert!(
        nagios.trim_end().ends_with("| days_left_min=19"),
        "{nagios}"
    );
    let raw =
        |text: &str| text.contains('\x1b') || text.contains('\u{9b}') || text.contains('\u{202e}');
    for (format, text) in [("nagios", nagios), ("human", expiry("human"))] {
        assert!(!raw(&text), "{format}: {text:?}");
        assert!(
            !text.lines().any(|l| l.starts_with("| ")),
            "{format}: {text}"
        );
        assert!(text.contains("evil\\n"), "{format}: {text}");
    }
    // JSON keeps the subject exactly, escaped by JSON itself (U+202E too).
    let json = expiry("json");
    assert!(!raw(&json), "{json:?}");
    let json: Value = serde_json::from_str(&json).unwrap();
    assert!(
        json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject"]
                .as_str()
                .unwrap_or("")
                .contains("\n| days_left_min=9999 \x1b[2J")
                && e["subject"].as_str().unwrap_or("").contains('\u{202e}')),
        "{json}"
    );
    // Prometheus: one sample per line, the label escaped.
    let metrics = expiry("prometheus");
    assert!(!metrics.lines().any(|l| l.starts_with("| ")), "{metrics}");
    // check's human output quotes the subject in its findings: escaped too.
    let out = run(octavia_pki()
        .arg("check")
        .arg(&set.dir)
        .arg("--passwords")
        .arg(&set.passwords));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!raw(&text), "{text:?}");
    assert!(text.contains("\\u{202e}fdp.exe"), "{text}");
    // And errors on standard error: a change refused over it names it escaped.
    let out = run(octavia_pki()
        .args([
            "rotate",
            "server-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ])
        .args(set.change_args()));
    let text = stderr(&out);
    assert!(!raw(&text), "{text:?}");
}

#[test]
fn random_sequences_with_random_kills_lose_nothing_and_end_in_a_good_set() {
    const OPS: &[&[&str]] = &[
        &["renew", "client"],
        &["renew", "client-ca"],
        &["renew", "server-ca"],
        &[
            "rotate",
            "server-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ],
        &[
            "rotate",
            "client-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ],
        &["rotate", "finish", "server-ca", "--force"],
        &["rotate", "finish", "client-ca", "--force"],
        &[
            "rotate",
            "all",
            "--confirm-failover",
            "--key-type",
            "ecdsa-p256",
        ],
        &["generate", "--force", "--key-type", "ecdsa-p256"],
    ];
    for seed in [
        0x9e37_79b9_7f4a_7c15_u64,
        0x2545_f491_4f6c_dd1d,
        0x1234_5678_9abc_def1,
    ] {
        // xorshift64*: the same sequence on every run, different per seed.
        let mut state = seed;
        let mut next = |n: u64| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
        };
        let set = generate(&["--key-type", "ecdsa-p256"]);
        let mut had = operator_files(&set);
        let mut steps = Vec::new();
        for _ in 0..12 {
            let op = OPS[next(OPS.len() as u64) as usize];
            let kill = (next(3) == 0).then(|| 1 + next(8));
            let mut cmd = octavia_pki();
            if op[0] == "generate" {
                cmd = generate_into(&set.dir, &set.work_dir, &set.passwords, &op[1..]);
            } else if op[1] == "finish" {
                // Finishing reads no key: --dir and --work-dir only.
                cmd.args(op).args(&set.change_args()[..4]);
            } else {
                cmd.args(op).args(set.change_args());
            }
            if let Some(k) = kill {
                cmd.env("OCTAVIA_PKI_FAULT", format!("rename:{k}"));
            }
            let out = run(&mut cmd);
            steps.push(format!("{op:?} kill {kill:?} -> {:?}", out.status.code()));
            assert_all_recoverable(set.tmp.path(), &had, &format!("seed {seed:x}: {steps:?}"));
            had.extend(operator_files(&set));
            // Whatever check says of the set, it never says OK of a mixed one:
            // a mismatch it reports is refused by renew.
            let (report, code) = check_with_work_dir(&set);
            if findings_at(&report, "error")
                .iter()
                .any(|f| f.starts_with("work-dir-mismatch"))
            {
                assert_eq!(code, Some(1));
            }
        }
        // The operator's way back from anything: generate anew (backed up).
        let (_, code) = check_with_work_dir(&set);
        if code != Some(0) {
            let out = set.regenerate(&["--force", "--key-type", "ecdsa-p256"]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        assert_all_recoverable(set.tmp.path(), &had, &format!("seed {seed:x}: {steps:?}"));
        let (report, code) = check_with_work_dir(&set);
        assert_eq!(code, Some(0), "seed {seed:x}: {steps:?}: {report}");
        // And Octavia's own code agrees: it issues with the final CA.
        let (amphora, id) = set.octavia_amphora();
        assert!(fs::metadata(&amphora).unwrap().len() > 0 && !id.is_empty());
    }
}

/// A 366-byte YAML whose nested aliases stand for 9^9 (387 million) strings.
fn alias_bomb(path: &Path, key: &str) {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='i' {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    text.push_str(&format!("{key}: *i\n"));
    assert!(text.len() < 400);
    fs::write(path, text).unwrap();
}

#[test]
fn yaml_alias_bombs_are_refused_within_64_mib() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let bomb = set.tmp.path().join("bomb.yml");
    alias_bomb(&bomb, "octavia_ca_password");
    let exe = env!("CARGO_BIN_EXE_octavia-pki");
    let (dir, bomb_path) = (set.dir.display().to_string(), bomb.display().to_string());
    for (args, code) in [
        (vec!["check", &dir, "--passwords", &bomb_path], 1),
        (
            vec![
                "generate",
                "--dry-run",
                "--key-type",
                "ecdsa-p256",
                "--passwords",
                &bomb_path,
            ],
            1,
        ),
        (
            vec![
                "deploy",
                "check",
                "--globals",
                &bomb_path,
                "--passwords",
                &bomb_path,
            ],
            2,
        ),
    ] {
        // The whole process, address space included, under 64 MiB.
        let out = run(Command::new("bash")
            .arg("-c")
            .arg("ulimit -v 65536 && exec \"$0\" \"$@\"")
            .arg(exe)
            .args(&args));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(out.status.code(), Some(code), "{args:?}: {text}");
        assert!(text.contains("alias bomb"), "{args:?}: {text}");
    }
}
