//! Files encrypted by the real `ansible-vault` (the ansible-core kolla-ansible
//! 22 pins), in both formats (1.1, and 1.2 with a vault id), are read with
//! `--vault-password-file`; what octavia-pki writes back stays vaulted and
//! `ansible-vault view` decrypts it; without the password, or with another,
//! the error names the file and nothing is written.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// The real `ansible-vault`, with `args`.
fn ansible_vault(args: &[&str], files: &[PathBuf]) -> String {
    let venv = kolla_venv();
    ok(Command::new(venv.join("bin/ansible-vault"))
        .env("LC_ALL", "C.UTF-8")
        .env("ANSIBLE_NOCOLOR", "1")
        .args(args)
        .args(files))
}

struct Vaulted {
    set: GeneratedSet,
    password_file: PathBuf,
    wrong_file: PathBuf,
}

/// A set with passwords.yml and the server CA certificate vaulted in format
/// 1.1, the server CA key and the client bundle in 1.2 with the vault id `prod`.
fn vaulted_set() -> Vaulted {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let password_file = set.tmp.path().join("vault-pass");
    fs::write(&password_file, "correct horse battery staple\n").unwrap();
    fs::set_permissions(&password_file, fs::Permissions::from_mode(0o600)).unwrap();
    let wrong_file = set.tmp.path().join("wrong-pass");
    fs::write(&wrong_file, "another password\n").unwrap();
    let with_file = format!("--vault-password-file={}", password_file.display());
    let with_id = format!("--vault-id=prod@{}", password_file.display());
    ansible_vault(
        &["encrypt", &with_file],
        &[set.passwords.clone(), set.dir.join("server_ca.cert.pem")],
    );
    ansible_vault(
        &["encrypt", &with_id],
        &[
            set.dir.join("server_ca.key.pem"),
            set.dir.join("client.cert-and-key.pem"),
        ],
    );
    let head = |f: &str| {
        fs::read_to_string(set.dir.join(f))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(head("server_ca.cert.pem"), "$ANSIBLE_VAULT;1.1;AES256");
    assert_eq!(head("server_ca.key.pem"), "$ANSIBLE_VAULT;1.2;AES256;prod");
    Vaulted {
        set,
        password_file,
        wrong_file,
    }
}

#[test]
fn files_ansible_vault_encrypted_are_read_with_the_vault_password() {
    let v = vaulted_set();
    let check = |extra: &[&str], env: Option<&Path>| {
        let mut cmd = octavia_pki();
        cmd.arg("check")
            .arg(&v.set.dir)
            .arg("--passwords")
            .arg(&v.set.passwords)
            .args(extra)
            .args(["--format", "json"]);
        match env {
            Some(file) => cmd.env("ANSIBLE_VAULT_PASSWORD_FILE", file),
            None => cmd.env_remove("ANSIBLE_VAULT_PASSWORD_FILE"),
        };
        run(&mut cmd)
    };
    let with = format!("--vault-password-file={}", v.password_file.display());
    let out = check(&[&with], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Ansible's environment variable does the same.
    let out = check(&[], Some(&v.password_file));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // So does an executable password file (a script), as in Ansible.
    let script = v.set.tmp.path().join("vault-pass.sh");
    fs::write(&script, "#!/bin/sh\necho 'correct horse battery staple'\n").unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o700)).unwrap();
    let out = check(
        &[&format!("--vault-password-file={}", script.display())],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = ok(octavia_pki()
        .arg("rehearse")
        .arg(&v.set.dir)
        .arg("--passwords")
        .arg(&v.set.passwords)
        .arg(&with));
    assert!(
        out.contains("OK: the controller and the amphora complete mutual TLS"),
        "{out}"
    );

    // Without the vault password: passwords.yml is named, with what to give.
    let out = check(&[], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("passwords.yml")
            && stderr.contains("encrypted with ansible-vault: give --vault-password-file"),
        "{stderr}"
    );
    // With the passphrase from elsewhere, each vaulted file is a finding
    // that says so, never "no PEM".
    let out = run(octavia_pki()
        .arg("check")
        .arg(&v.set.dir)
        .arg("--passphrase-file")
        .arg(&v.set.server_pass_file)
        .args(["--format", "json"])
        .env_remove("ANSIBLE_VAULT_PASSWORD_FILE"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings_at(&report, "error"),
        [
            "vaulted-file@client.cert-and-key.pem",
            "vaulted-file@server_ca.cert.pem",
            "vaulted-file@server_ca.key.pem"
        ],
        "{report:#}"
    );
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("encrypted with ansible-vault: give --vault-password-file"),
        "{report:#}"
    );
    assert!(!report.to_string().contains("no PEM"), "{report:#}");

    // Another vault password: Ansible's HMAC check fails, naming the file.
    let out = check(
        &[&format!("--vault-password-file={}", v.wrong_file.display())],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("passwords.yml") && stderr.contains("HMAC"),
        "{stderr}"
    );
}

#[test]
fn what_was_vaulted_is_written_back_vaulted_and_ansible_vault_reads_it() {
    let v = vaulted_set();
    let with = format!("--vault-password-file={}", v.password_file.display());
    let renew = |vault: &str| {
        run(octavia_pki()
            .args(["renew", "client"])
            .args(v.set.change_args())
            .arg(vault)
            .env_remove("ANSIBLE_VAULT_PASSWORD_FILE"))
    };
    let renew_ca = |vault: &str| {
        run(octavia_pki()
            .args(["renew", "server-ca"])
            .args(v.set.change_args())
            .arg(vault)
            .env_remove("ANSIBLE_VAULT_PASSWORD_FILE"))
    };
    // Another vault password: the error names the file, nothing is written.
    let before = snapshot(v.set.tmp.path());
    let out = renew(&format!("--vault-password-file={}", v.wrong_file.display()));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("HMAC"));
    assert_eq!(snapshot(v.set.tmp.path()), before);

    let out = renew(&with);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle = v.set.dir.join("client.cert-and-key.pem");
    let text = fs::read_to_string(&bundle).unwrap();
    assert!(
        text.starts_with("$ANSIBLE_VAULT;1.2;AES256;prod\n"),
        "{text}"
    );
    // ansible-vault decrypts it: the new bundle, which openssl reads.
    let plain = ansible_vault(
        &[
            "view",
            &format!("--vault-id=prod@{}", v.password_file.display()),
        ],
        std::slice::from_ref(&bundle),
    );
    let plain_file = v.set.tmp.path().join("bundle.pem");
    fs::write(&plain_file, &plain).unwrap();
    let renewed = ok(openssl()
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(&plain_file));
    let work_copy = ok(openssl()
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(v.set.work_dir.join("client_ca/client.cert.pem")));
    assert_eq!(
        renewed, work_copy,
        "the deployed bundle is the renewed client certificate"
    );
    // The backup is the vaulted file as it was; the work directory, never vaulted, stays plain.
    assert!(
        fs::read_to_string(v.set.work_dir.join("client_ca/client.cert.pem"))
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    // Format 1.1 too: renew server-ca writes the vaulted CA certificate back
    // as it was vaulted, and ansible-vault reads it.
    let out = renew_ca(&with);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ca_file = v.set.dir.join("server_ca.cert.pem");
    assert!(
        fs::read_to_string(&ca_file)
            .unwrap()
            .starts_with("$ANSIBLE_VAULT;1.1;AES256\n")
    );
    let plain = ansible_vault(
        &[
            "view",
            &format!("--vault-password-file={}", v.password_file.display()),
        ],
        std::slice::from_ref(&ca_file),
    );
    let plain_file = v.set.tmp.path().join("server_ca.pem");
    fs::write(&plain_file, &plain).unwrap();
    let renewed = ok(openssl()
        .args(["x509", "-noout", "-enddate", "-in"])
        .arg(&plain_file));
    let work_copy = ok(openssl()
        .args(["x509", "-noout", "-enddate", "-in"])
        .arg(v.set.work_dir.join("server_ca/server_ca.cert.pem")));
    assert_eq!(
        renewed, work_copy,
        "the deployed CA file is the renewed certificate"
    );
    // And the vaulted set still checks clean.
    let out = run(octavia_pki()
        .arg("check")
        .arg(&v.set.dir)
        .arg("--passwords")
        .arg(&v.set.passwords)
        .arg(&with));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The library takes the vault password with each operation, not from the
/// process: one program checks two sets vaulted with two passwords at once,
/// each with its own, and the other password opens neither.
#[test]
fn one_process_reads_two_vaults_with_two_passwords() {
    let first = vaulted_set();
    let second = generate(&["--key-type", "ecdsa-p256"]);
    let second_password = second.tmp.path().join("vault-pass");
    fs::write(&second_password, "a second, different password\n").unwrap();
    ansible_vault(
        &[
            "encrypt",
            &format!("--vault-password-file={}", second_password.display()),
        ],
        &[
            second.passwords.clone(),
            second.dir.join("server_ca.key.pem"),
        ],
    );
    let password = |file: &Path| octavia_pki::vault::password_from_file(file).unwrap();
    let check = |set: &GeneratedSet, vault: octavia_pki::Passphrase| {
        let mut options = octavia_pki::check::CheckOptions::default();
        options.passwords = Some(set.passwords.clone());
        options.vault_password = Some(vault);
        options.rehearse = false;
        octavia_pki::check::check_dir(&set.dir, &options).unwrap()
    };
    let (one, two) = std::thread::scope(|s| {
        let one = s.spawn(|| check(&first.set, password(&first.password_file)));
        let two = s.spawn(|| check(&second, password(&second_password)));
        (one.join().unwrap(), two.join().unwrap())
    });
    assert!(!one.has_errors(), "{:?}", one.findings);
    assert!(!two.has_errors(), "{:?}", two.findings);
    let crossed = check(&second, password(&first.password_file));
    assert!(
        crossed
            .findings
            .iter()
            .any(|f| f.code.id() == "vaulted-file" && f.message.contains("HMAC")),
        "{:?}",
        crossed.findings
    );
}

/// A vault password script is read as Ansible's `ScriptVaultSecret` reads
/// it (only line breaks stripped: the real `ansible-vault` encrypts with the
/// spaces the script prints), and up to a bound: a script that floods its
/// output, or is killed, is an error naming it (exit 2; expiry's UNKNOWN, 3),
/// never a password, a panic or a hang.
#[test]
fn a_vault_password_script_is_read_as_ansible_reads_it_and_within_bounds() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let script = |name: &str, body: &str| {
        let path = set.tmp.path().join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o700)).unwrap();
        path
    };
    let check = |password_file: &Path| {
        run(octavia_pki()
            .arg("check")
            .arg(&set.dir)
            .arg("--passwords")
            .arg(&set.passwords)
            .arg(format!("--vault-password-file={}", password_file.display()))
            .env_remove("ANSIBLE_VAULT_PASSWORD_FILE"))
    };
    let spaced = script("spaced.sh", "printf '  pass word  \\n'");
    ansible_vault(
        &[
            "encrypt",
            &format!("--vault-password-file={}", spaced.display()),
        ],
        std::slice::from_ref(&set.passwords),
    );
    let out = check(&spaced);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, body, said) in [
        (
            "flood.sh",
            "head -c 1048576 /dev/zero | tr '\\0' p",
            "printed more than 65536 bytes",
        ),
        ("endless.sh", "exec yes", "printed more than 65536 bytes"),
        (
            "killed.sh",
            "kill -TERM $$",
            "killed (signal: 15 (SIGTERM))",
        ),
    ] {
        let file = script(name, body);
        let out = check(&file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&file.display().to_string()) && stderr.contains(said),
            "{name}: {stderr}"
        );
        let out = run(octavia_pki()
            .arg("expiry")
            .arg(&set.dir)
            .arg(format!("--vault-password-file={}", file.display())));
        assert_eq!(out.status.code(), Some(3), "{name}");
    }
}
