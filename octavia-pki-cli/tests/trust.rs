//! Trust under real use: nothing the operator had is ever lost, and no
//! broken set is written or reported as success. Concurrent runs, runs in the
//! same second, another set's work directory, and runs killed at each rename
//! (the binary built for tests aborts at `OCTAVIA_PKI_FAULT=rename:N`, as a
//! kill would), each judged by `check` and by the bytes left on disk.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;
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
        .filter(|(p, _)| !p.components().any(|c| c.as_os_str() == ".backup"))
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
    let out = run(octavia_pki()
        .arg("check")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .arg("--passwords")
        .arg(&set.passwords)
        .args(["--format", "json"]));
    (
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        out.status.code(),
    )
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
    let files = operator_files(&template).len();
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
        let renew = run(octavia_pki()
            .args(["renew", "client"])
            .args(set.change_args()));
        let mismatch = findings_at(&report, "error")
            .iter()
            .any(|f| f.starts_with("work-dir-mismatch"));
        if mismatch {
            reported += 1;
            assert_eq!(code, Some(1));
            assert_eq!(renew.status.code(), Some(1), "rename {k}");
            assert!(stderr(&renew).contains("nothing was written"));
        } else if code == Some(0) {
            assert!(renew.status.success(), "rename {k}: {}", stderr(&renew));
            let (report, code) = check_with_work_dir(&set);
            assert_eq!(code, Some(0), "rename {k}: renewed set {report}");
        }
    }
    // Killed between the deployed files and the work directory's, the sets
    // differ: said by check, refused by renew.
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
/// string than the text (judged below by the real Ansible and oslo.config).
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
