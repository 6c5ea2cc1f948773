//! `octavia-pki generate` as an operator and as tooling meet it: refusals,
//! backups, passphrase sources, JSON, exit codes, and no secret in any output.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::*;

fn stdout_stderr(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn refuses_to_overwrite_and_changes_nothing() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let before = snapshot(set.tmp.path());
    let out = set.regenerate(&["--key-type", "ecdsa-p256"]);
    let (_, stderr) = stdout_stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("refusing to overwrite") && stderr.contains("server_ca.key.pem"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(snapshot(set.tmp.path()), before, "nothing may change");
}

#[test]
fn force_backs_up_every_replaced_file() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let old_key = fs::read(set.dir.join("server_ca.key.pem")).unwrap();
    let out = set.regenerate(&["--force", "--format", "json", "--key-type", "ecdsa-p256"]);
    let (stdout, stderr) = stdout_stderr(&out);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let backups = report["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 11, "{stdout}");
    let key_backup = backups
        .iter()
        .find(|b| {
            b["original"]
                .as_str()
                .unwrap()
                .ends_with("config/octavia/server_ca.key.pem")
        })
        .unwrap();
    let backup_path = key_backup["backup"].as_str().unwrap();
    assert_eq!(fs::read(backup_path).unwrap(), old_key);
    assert_eq!(
        fs::metadata(backup_path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_ne!(
        fs::read(set.dir.join("server_ca.key.pem")).unwrap(),
        old_key
    );
}

#[test]
fn json_report_lists_files_modes_and_certificates() {
    let set = generate(&["--key-type", "ecdsa-p256", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&set.stdout).unwrap();
    assert_eq!(report["layout"], "kolla");
    assert_eq!(report["key_type"], "ecdsa-p256");
    assert_eq!(report["demo"], false);
    let written = report["written"].as_array().unwrap();
    assert_eq!(written.len(), 11);
    for f in written {
        let path = f["path"].as_str().unwrap();
        let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(format!("{mode:04o}"), f["mode"].as_str().unwrap(), "{path}");
        let secret = path.ends_with(".key.pem") || path.ends_with("cert-and-key.pem");
        assert_eq!(mode, if secret { 0o600 } else { 0o644 }, "{path}");
    }
    let certs = report["certificates"].as_array().unwrap();
    let roles: Vec<_> = certs.iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["server_ca", "client_ca", "client"]);
    assert!(
        certs[2]["issuer"]
            .as_str()
            .unwrap()
            .contains("CN=client-ca.example.org")
    );
    assert_eq!(certs[0]["sha256_fingerprint"].as_str().unwrap().len(), 95);
    for d in report["created_dirs"].as_array().unwrap() {
        let mode = fs::metadata(d.as_str().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700);
    }
}

#[test]
fn no_passphrase_ever_reaches_the_output() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let out = set.regenerate(&["--force", "--format", "json", "--key-type", "ecdsa-p256"]);
    for text in [
        &set.stdout,
        &set.stderr,
        &stdout_stderr(&out).0,
        &stdout_stderr(&out).1,
    ] {
        assert!(
            !text.contains(&set.server_passphrase),
            "passphrase leaked: {text}"
        );
        assert!(!text.contains("PRIVATE KEY"), "key material leaked: {text}");
    }
}

#[test]
fn passwords_yml_problems_name_the_key_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let passwords = tmp.path().join("passwords.yml");
    let cases: &[(&str, &str)] = &[
        (
            "octavia_client_ca_password: abc\n",
            "octavia_ca_password is missing (run kolla-genpwd",
        ),
        (
            "octavia_ca_password:\noctavia_client_ca_password: abc\n",
            "octavia_ca_password is empty",
        ),
        (
            "octavia_ca_password: 'dollar$sign'\noctavia_client_ca_password: abc\n",
            "oslo.config",
        ),
        (
            "octavia_ca_password: abc\noctavia_client_ca_password: [x\n",
            "not valid YAML at line",
        ),
        (
            "octavia_ca_password: yes\noctavia_client_ca_password: abc\n",
            "octavia_ca_password is a YAML boolean",
        ),
        (
            "octavia_ca_password: ' dollar$sign'\noctavia_client_ca_password: abc\n",
            "has leading or trailing whitespace",
        ),
    ];
    for (content, expected) in cases {
        fs::write(&passwords, content).unwrap();
        let out = run(&mut generate_into(
            &tmp.path().join("d"),
            &tmp.path().join("w"),
            &passwords,
            &["--key-type", "ecdsa-p256"],
        ));
        let (_, stderr) = stdout_stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{content}");
        assert!(stderr.contains(expected), "{content} -> {stderr}");
        assert!(
            stderr.contains(&passwords.display().to_string()),
            "{stderr}"
        );
        assert!(!stderr.contains("dollar$sign"), "{stderr}");
        assert!(
            !tmp.path().join("d").exists(),
            "nothing is written on error"
        );
    }
    let missing = tmp.path().join("nope.yml");
    let out = run(&mut generate_into(
        &tmp.path().join("d"),
        &tmp.path().join("w"),
        &missing,
        &["--key-type", "ecdsa-p256"],
    ));
    let (_, stderr) = stdout_stderr(&out);
    assert!(
        stderr.contains("nope.yml") && stderr.contains("No such file"),
        "{stderr}"
    );
}

#[test]
fn a_passphrase_file_serves_both_cas_and_legacy_needs_only_one_password() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("pass");
    fs::write(&pass, "OnlyOnePassphrase42\n").unwrap();
    let out = run(octavia_pki()
        .args(["generate", "--key-type", "ecdsa-p256", "--dir"])
        .arg(tmp.path().join("d"))
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(out.status.success(), "{}", stdout_stderr(&out).1);
    let key = format!("file:{}", pass.display());
    for k in ["d/server_ca.key.pem", "w/client_ca/client_ca.key.pem"] {
        ok(openssl()
            .args(["pkey", "-noout", "-passin", &key, "-in"])
            .arg(tmp.path().join(k)));
    }

    // The legacy layout's one CA uses octavia_ca_password; the client CA password may be absent.
    let passwords = tmp.path().join("passwords.yml");
    fs::write(&passwords, "octavia_ca_password: LegacyOnly1\n").unwrap();
    let out = run(&mut generate_into(
        &tmp.path().join("legacy"),
        &tmp.path().join("legacy-work"),
        &passwords,
        &["--layout", "legacy", "--key-type", "ecdsa-p256"],
    ));
    assert!(out.status.success(), "{}", stdout_stderr(&out).1);
}

#[test]
fn without_any_passphrase_source_it_says_what_to_give() {
    let tmp = tempfile::tempdir().unwrap();
    // Standard input is not a terminal here; /etc/kolla/passwords.yml does not
    // exist on build machines. Both facts are asserted, not assumed.
    assert!(!Path::new("/etc/kolla/passwords.yml").exists());
    let out = run(octavia_pki()
        .args(["generate", "--key-type", "ecdsa-p256", "--dir"])
        .arg(tmp.path().join("d"))
        .arg("--work-dir")
        .arg(tmp.path().join("w")));
    let (_, stderr) = stdout_stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("--passwords FILE") && stderr.contains("--passphrase-file FILE"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_bad_values_are_explained() {
    let out = run(octavia_pki().args(["generate", "--key-type", "rsa-1024"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout_stderr(&out).1.contains("expected one of: rsa-2048"),
        "{}",
        stdout_stderr(&out).1
    );
    let out = run(octavia_pki().args(["generate", "--passwords", "a", "--passphrase-file", "b"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(octavia_pki().args(["generate", "--demo", "x", "--dir", "y"]));
    assert_eq!(out.status.code(), Some(2));
    let help = ok(octavia_pki().args(["generate", "--help"]));
    for word in [
        "--work-dir",
        "--passwords",
        "--layout",
        "--key-type",
        "--force",
        "--demo",
        "never come from the command line",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
}

#[test]
fn demo_makes_a_self_contained_set_and_reuses_its_passphrases() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let out = run(octavia_pki()
        .args(["generate", "--key-type", "ecdsa-p256", "--demo"])
        .arg(&demo));
    let (stdout, stderr) = stdout_stderr(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("DEMO") && stdout.contains("Do not deploy"),
        "{stdout}"
    );
    let passwords = fs::read_to_string(demo.join("passwords.yml")).unwrap();
    assert!(passwords.contains("DEMO"));
    assert_eq!(
        fs::metadata(demo.join("passwords.yml"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let pass_line = passwords
        .lines()
        .find(|l| l.starts_with("octavia_ca_password: "))
        .unwrap();
    let pass_file = tmp.path().join("p");
    // Written plain, or double-quoted when YAML would read it otherwise
    // (a passphrase starting with a digit): alphanumeric either way.
    let passphrase = pass_line
        .trim_start_matches("octavia_ca_password: ")
        .trim_matches('"');
    assert!(passphrase.chars().all(|c| c.is_ascii_alphanumeric()));
    fs::write(&pass_file, passphrase).unwrap();
    let passin = format!("file:{}", pass_file.display());
    ok(openssl()
        .args(["pkey", "-noout", "-passin", &passin, "-in"])
        .arg(demo.join("config/octavia/server_ca.key.pem")));

    // Again with --force: the same passwords.yml, untouched, unlocks the new key.
    let out = run(octavia_pki()
        .args(["generate", "--force", "--key-type", "ecdsa-p256", "--demo"])
        .arg(&demo));
    assert!(out.status.success(), "{}", stdout_stderr(&out).1);
    assert_eq!(
        fs::read_to_string(demo.join("passwords.yml")).unwrap(),
        passwords
    );
    ok(openssl()
        .args(["pkey", "-noout", "-passin", &passin, "-in"])
        .arg(demo.join("config/octavia/server_ca.key.pem")));
}

#[test]
fn a_symlink_at_a_target_is_replaced_not_followed() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let precious = set.tmp.path().join("precious.pem");
    fs::write(&precious, "keep me").unwrap();
    let target = set.dir.join("server_ca.cert.pem");
    fs::remove_file(&target).unwrap();
    std::os::unix::fs::symlink(&precious, &target).unwrap();
    let out = set.regenerate(&["--force", "--key-type", "ecdsa-p256"]);
    assert!(out.status.success(), "{}", stdout_stderr(&out).1);
    assert_eq!(fs::read_to_string(&precious).unwrap(), "keep me");
    assert!(
        !fs::symlink_metadata(&target)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_target_under_a_regular_file_fails_cleanly_naming_it() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let blocker = set.tmp.path().join("not-a-dir");
    fs::write(&blocker, "x").unwrap();
    let out = run(&mut generate_into(
        &blocker.join("octavia"),
        &set.tmp.path().join("w2"),
        &set.passwords,
        &["--key-type", "ecdsa-p256"],
    ));
    let (_, stderr) = stdout_stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("cannot write") && stderr.contains("not-a-dir"),
        "{stderr}"
    );
    assert!(
        !set.tmp.path().join("w2").exists(),
        "all or nothing: {stderr}"
    );
}

#[test]
fn the_prompt_never_echoes_refuses_unusable_passphrases_and_confirms() {
    let tmp = tempfile::tempdir().unwrap();
    let (d, w) = (tmp.path().join("d"), tmp.path().join("w"));
    let server = "PromptServer123";
    let client = "PromptClient456";
    // Each answer is typed only once the prompt is shown with echo off (the
    // driver fails with 97 if echo stays on).
    let answers = [
        format!("(octavia_ca_password): =dollar$in{server}"),
        format!("(octavia_ca_password): ={server}"),
        "Again, to confirm: =Mistyped999".to_owned(),
        format!("(octavia_ca_password): ={server}"),
        format!("Again, to confirm: ={server}"),
        format!("(octavia_client_ca_password): ={client}"),
        format!("Again, to confirm: ={client}"),
    ];
    let out = run(python_script("tests/support/answer_prompts.py")
        .args(&answers)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_octavia-pki"))
        .args(["generate", "--key-type", "ecdsa-p256", "--dir"])
        .arg(&d)
        .arg("--work-dir")
        .arg(&w));
    let (screen, _) = stdout_stderr(&out);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("cannot be used") && screen.contains("oslo.config"),
        "{screen}"
    );
    assert!(screen.contains("The two entries differ"), "{screen}");
    for secret in [server, client, "Mistyped999", "dollar$in"] {
        assert!(!screen.contains(secret), "{secret} was echoed:\n{screen}");
    }
    let server_file = tmp.path().join("s");
    let client_file = tmp.path().join("c");
    fs::write(&server_file, server).unwrap();
    fs::write(&client_file, client).unwrap();
    for (key, pass) in [
        (d.join("server_ca.key.pem"), &server_file),
        (w.join("client_ca/client_ca.key.pem"), &client_file),
    ] {
        let passin = format!("file:{}", pass.display());
        ok(openssl()
            .args(["pkey", "-noout", "-passin", &passin, "-in"])
            .arg(key));
    }
}

#[test]
fn generate_dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let passwords = tmp.path().join("passwords.yml");
    write_passwords(&passwords, "DryRunServer1", "DryRunClient2");
    let out = ok(&mut generate_into(
        &tmp.path().join("d"),
        &tmp.path().join("w"),
        &passwords,
        &["--key-type", "ecdsa-p256", "--dry-run"],
    ));
    assert!(
        out.contains("Would write (nothing was written)") && out.contains("server_ca.key.pem"),
        "{out}"
    );
    assert!(!tmp.path().join("d").exists() && !tmp.path().join("w").exists());
    let demo = tmp.path().join("demo");
    ok(octavia_pki()
        .args([
            "generate",
            "--key-type",
            "ecdsa-p256",
            "--dry-run",
            "--demo",
        ])
        .arg(&demo));
    assert!(!demo.exists(), "not even the demo passwords.yml");
}

#[test]
fn failing_runs_never_show_a_passphrase_or_key() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (server, client) = crate::common::test_passphrases();
    // Secrets that must never appear: the real passphrases, wrong ones given
    // on purpose, and every line of every key's base64.
    let wrong = ["WrongServerPass8q", "Dollar$InPass3", "Another$one"];
    let mut secrets: Vec<String> = vec![server.clone(), client.clone()];
    secrets.extend(wrong.iter().map(|s| s.to_string()));
    for (path, bytes) in crate::common::snapshot(set.tmp.path()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if path.to_string_lossy().contains("key") {
            let mut in_key = false;
            for line in text.lines() {
                if line.starts_with("-----BEGIN") {
                    in_key = line.contains("PRIVATE KEY");
                } else if in_key && line.len() > 16 && !line.starts_with("-----") {
                    secrets.push(line.to_owned());
                }
            }
        }
    }
    let bad_passwords = set.tmp.path().join("bad-passwords.yml");
    let globals = set.tmp.path().join("globals.yml");
    fs::write(
        &globals,
        "enable_octavia: \"yes\"\noctavia_auto_configure: \"no\"\n",
    )
    .unwrap();
    let config_dir = set.dir.parent().unwrap().to_owned();
    let mut runs = Vec::new();
    for (ca, client_ca) in [
        (wrong[0], client.as_str()),
        (wrong[1], wrong[2]),
        (client.as_str(), server.as_str()),
    ] {
        crate::common::write_passwords(&bad_passwords, ca, client_ca);
        let dir_cmds: Vec<Vec<&str>> = vec![
            vec!["check", "--format", "json"],
            vec!["check"],
            vec!["rehearse", "--format", "json"],
            vec!["rehearse"],
        ];
        for args in dir_cmds {
            runs.push(run(octavia_pki()
                .args(&args)
                .arg(&set.dir)
                .arg("--passwords")
                .arg(&bad_passwords)));
        }
        for args in [
            vec!["renew", "client"],
            vec!["renew", "server-ca"],
            vec!["renew", "client-ca"],
            vec!["rotate", "all", "--confirm-failover"],
            vec!["generate", "--force", "--key-type", "ecdsa-p256"],
        ] {
            runs.push(run(octavia_pki()
                .args(&args)
                .arg("--dir")
                .arg(&set.dir)
                .arg("--work-dir")
                .arg(&set.work_dir)
                .arg("--passwords")
                .arg(&bad_passwords)));
        }
        runs.push(run(octavia_pki()
            .args(["deploy", "check", "--globals"])
            .arg(&globals)
            .arg("--passwords")
            .arg(&bad_passwords)
            .arg("--config-dir")
            .arg(&config_dir)));
    }
    let mut failed = 0;
    for out in &runs {
        let (stdout, stderr) = stdout_stderr(out);
        if !out.status.success() {
            failed += 1;
        }
        for secret in &secrets {
            assert!(
                !stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()),
                "a secret reached the output:\n{stdout}\n{stderr}"
            );
        }
    }
    // Most runs fail, as intended (a wrong or unusable passphrase); some
    // succeed (generate --force needs no old passphrase, renew client only
    // the client CA's), and their output is held to the same rule.
    assert!(failed >= runs.len() / 2, "{failed} of {}", runs.len());
}
