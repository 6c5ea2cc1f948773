//! kolla-ansible 22.2.0's own `octavia-certificates` playbook (with the
//! ansible-core it pins, from `scripts/peers.sh kolla`) run on localhost, and
//! octavia-pki on what it makes: `check` and `rehearse` are clean, `renew
//! client`, `renew client-ca` and `renew server-ca` work on its work directory
//! (where re-running the role itself fails), and `expiry` reads the dates
//! openssl reads.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

/// `octavia-certificates.yml` on localhost, without inventory, the passwords
/// from a file (never argv), with `extra` arguments for ansible-playbook.
fn run_role(dir: &Path, extra: &[&str]) -> Output {
    let venv = kolla_venv();
    let playbook = venv.join("share/kolla-ansible/ansible/octavia-certificates.yml");
    run(Command::new(venv.join("bin/ansible-playbook"))
        .current_dir(dir)
        .env("ANSIBLE_GATHERING", "explicit")
        .env("ANSIBLE_NOCOLOR", "1")
        .args(["-i", "localhost,", "-c", "local", "-e"])
        .arg(format!(
            "ansible_python_interpreter={}",
            venv.join("bin/python").display()
        ))
        .arg("-e")
        .arg(format!("@{}", dir.join("passwords.yml").display()))
        .arg("-e")
        .arg(format!(
            "octavia_certs_work_dir={}",
            dir.join("work").display()
        ))
        .arg("-e")
        .arg(format!(
            "node_custom_config={}",
            dir.join("config").display()
        ))
        .args(extra)
        .arg(playbook))
}

struct RoleSet {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

/// One run of the role for every test; each works on its own copy.
fn pristine() -> &'static Path {
    static RUN: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        write_passwords(
            &tmp.path().join("passwords.yml"),
            "RoleServerCa1x",
            "RoleClientCa2y",
        );
        let out = run_role(tmp.path(), &[]);
        assert!(
            out.status.success(),
            "the role failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        tmp
    })
    .path()
}

impl RoleSet {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_owned();
        // cp -a: the role's files keep their modes.
        ok(Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", pristine().display()))
            .arg(&dir));
        RoleSet { _tmp: tmp, dir }
    }

    fn deployed(&self) -> PathBuf {
        self.dir.join("config/octavia")
    }

    /// `check` and `rehearse` both clean.
    fn assert_clean(&self, after: &str) {
        for command in ["check", "rehearse"] {
            let out = run(octavia_pki()
                .arg(command)
                .arg(self.deployed())
                .arg("--passwords")
                .arg(self.dir.join("passwords.yml")));
            assert!(
                out.status.success(),
                "{command} after {after}:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }

    fn renew(&self, what: &str) {
        ok(octavia_pki()
            .args(["renew", what, "--dir"])
            .arg(self.deployed())
            .arg("--work-dir")
            .arg(self.dir.join("work"))
            .arg("--passwords")
            .arg(self.dir.join("passwords.yml")));
    }
}

#[test]
fn the_roles_set_checks_clean_and_renews_where_the_role_cannot() {
    let set = RoleSet::new();
    set.assert_clean("the role");

    // The pain: the role cannot renew the client certificate. Without it,
    // re-running the role fails at signing (openssl ca's unique_subject).
    let client = set.dir.join("work/client_ca/client.cert.pem");
    assert!(client.exists(), "the role's work directory changed");
    let saved = fs::read(&client).unwrap();
    fs::remove_file(&client).unwrap();
    let out = run_role(&set.dir, &[]);
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        log.contains("There is already a certificate for /C=US/ST=Oregon/O=OpenStack/OU=Octavia/CN=client.example.org"),
        "{log}"
    );
    fs::write(&client, saved).unwrap();

    set.renew("client");
    set.assert_clean("renew client");
    set.renew("client-ca");
    set.assert_clean("renew client-ca");
    set.renew("server-ca");
    set.assert_clean("renew server-ca");
}

#[test]
fn expiry_reads_the_dates_openssl_reads() {
    let set = RoleSet::new();
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(set.deployed())
        .arg("--work-dir")
        .arg(set.dir.join("work"))
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = report["entries"].as_array().unwrap();
    assert!(entries.len() >= 5, "{report:#}");
    for entry in entries {
        let file = Path::new(entry["file"].as_str().unwrap());
        let enddate = ok(openssl()
            .args(["x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in"])
            .arg(file));
        // notAfter=2036-11-22 19:04:12Z
        let theirs = enddate
            .trim()
            .trim_start_matches("notAfter=")
            .replace(' ', "T");
        assert_eq!(
            entry["not_after"].as_str().unwrap(),
            theirs,
            "{}",
            file.display()
        );
    }
}

/// The role with globals.yml's octavia_certs_* variables set (shared and
/// per-certificate subjects, each validity): `generate --globals` gives each
/// certificate the subject the role gives it and the same end, as openssl
/// reads them.
#[test]
fn generate_takes_the_roles_variables_from_globals_yml() {
    let tmp = tempfile::tempdir().unwrap();
    write_passwords(
        &tmp.path().join("passwords.yml"),
        "RoleServerCa1x",
        "RoleClientCa2y",
    );
    let globals = tmp.path().join("globals.yml");
    fs::write(
        &globals,
        "octavia_certs_country: DE\noctavia_certs_state: Berlin\noctavia_certs_organization: Example\n\
         octavia_certs_client_ca_organizational_unit: Load Balancing\n\
         octavia_certs_server_ca_common_name: octavia-server.example.net\n\
         octavia_certs_client_req_common_name: ctl.example.net\n\
         octavia_certs_server_ca_expiry: 1000\noctavia_certs_client_ca_expiry: 2000\n\
         octavia_certs_client_expiry: 90\n",
    )
    .unwrap();
    let out = run_role(tmp.path(), &["-e", &format!("@{}", globals.display())]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let ours = tmp.path().join("ours");
    ok(octavia_pki()
        .args(["generate", "--key-type", "ecdsa-p256", "--globals"])
        .arg(&globals)
        .arg("--passwords")
        .arg(tmp.path().join("passwords.yml"))
        .arg("--dir")
        .arg(ours.join("deployed"))
        .arg("--work-dir")
        .arg(ours.join("work")));
    let read = |file: &Path| {
        let text = ok(openssl()
            .args([
                "x509", "-noout", "-subject", "-enddate", "-nameopt", "RFC2253", "-dateopt",
                "iso_8601", "-in",
            ])
            .arg(file));
        let subject = text.lines().next().unwrap().to_owned();
        let end = text
            .lines()
            .nth(1)
            .unwrap()
            .trim_start_matches("notAfter=")
            .replace(' ', "T");
        let end = time::OffsetDateTime::parse(&end, &time::format_description::well_known::Rfc3339)
            .unwrap();
        (subject, end)
    };
    for file in [
        "server_ca/server_ca.cert.pem",
        "client_ca/client_ca.cert.pem",
        "client_ca/client.cert.pem",
    ] {
        let (role_subject, role_end) = read(&tmp.path().join("work").join(file));
        let (our_subject, our_end) = read(&ours.join("work").join(file));
        assert_eq!(our_subject, role_subject, "{file}");
        // Made within the same minutes: the same number of days.
        assert!(
            (our_end - role_end).abs() < time::Duration::hours(1),
            "{file}: {our_end} vs {role_end}"
        );
    }
}
