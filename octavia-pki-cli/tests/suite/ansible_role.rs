//! The role and playbook in `ansible/`, run by the real ansible-core
//! kolla-ansible 22 pins, against an inventory of two hosts
//! (`ansible_connection=local`), each with its own kolla directory rendered
//! by kolla-ansible's templates (`testdata/node/cases`): one holding a stale
//! copy fails the play, naming host and finding; with both clean the play
//! passes, and a second run changes nothing; check mode works; the probe
//! runs from the health-manager host against Octavia's own amphora agent;
//! ansible-lint passes on the role.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

fn testdata(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/node/cases")
        .join(case)
}

fn ansible_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ansible")
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `ansible-playbook -i INVENTORY ansible/octavia-pki.yml extra...`.
fn play(inventory: &Path, extra: &[&str]) -> (Output, String) {
    let venv = kolla_venv();
    let out = run(Command::new(venv.join("bin/ansible-playbook"))
        .env("LC_ALL", "C.UTF-8")
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_FORCE_COLOR", "0")
        .arg("-i")
        .arg(inventory)
        .arg("-e")
        .arg(format!(
            "ansible_python_interpreter={}",
            venv.join("bin/python").display()
        ))
        .args(extra)
        .arg(ansible_dir().join("octavia-pki.yml")));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

/// The PLAY RECAP line of `host`.
fn recap<'a>(text: &'a str, host: &str) -> &'a str {
    text.lines()
        .rev()
        .find(|l| l.starts_with(&format!("{host} ")) && l.contains("ok="))
        .unwrap_or_else(|| panic!("no recap for {host}:\n{text}"))
}

#[test]
fn the_playbook_fails_on_a_stale_copy_naming_it_and_passes_idempotently_once_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&testdata("clean"), &root.join("node1"));
    copy_tree(&testdata("stale-copy"), &root.join("node2"));

    // An amphora the health-manager host (node1) probes: Octavia's own agent,
    // its certificate from node1's server CA by LocalCertGenerator.
    let hm = root.join("node1/kolla/octavia-health-manager");
    let conf = fs::read_to_string(hm.join("octavia.conf")).unwrap();
    let passphrase = conf
        .lines()
        .find_map(|l| l.strip_prefix("ca_private_key_passphrase = "))
        .unwrap();
    let pass_file = root.join("ca.pass");
    fs::write(&pass_file, format!("{passphrase}\n")).unwrap();
    let amphora = root.join("amphora.pem");
    let id = ok(&mut octavia_issue(
        &hm.join("server_ca.cert.pem"),
        &hm.join("server_ca.key.pem"),
        &pass_file,
        &amphora,
    ))
    .trim()
    .to_owned();
    let mut agent = Agent::start(
        root,
        "agent",
        &amphora,
        &hm.join("client_ca.cert.pem"),
        &id,
        &[],
    );
    agent.wait_ready(root, "agent");
    let amphorae = root.join("amphorae.json");
    fs::write(
        &amphorae,
        serde_json::json!([{"id": id, "lb_network_ip": "127.0.0.1", "status": "ALLOCATED"}])
            .to_string(),
    )
    .unwrap();

    // The deploy host's files for expiry: a fresh set, so no date runs out.
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let host = |n: &str| {
        let d = root.join(n);
        format!(
            "{n} octavia_pki_kolla_dir={} octavia_pki_config_dir={} octavia_pki_install_path={}",
            d.join("kolla").display(),
            d.join("config").display(),
            d.join("bin/octavia-pki").display()
        )
    };
    let inventory = root.join("inventory");
    fs::write(
        &inventory,
        format!(
            "[octavia-worker]\n{}\n{}\n[octavia-housekeeping]\nnode1\nnode2\n\
             [octavia-health-manager]\nnode1\nnode2\n[all:vars]\nansible_connection=local\n\
             octavia_pki_become=false\noctavia_pki_container_engine=none\noctavia_pki_install=binary\n\
             octavia_pki_binary={}\noctavia_pki_amphorae_file={}\noctavia_pki_probe_port={}\n\
             octavia_pki_deploy_dir={}\noctavia_pki_work_dir={}\n",
            host("node1"),
            host("node2"),
            env!("CARGO_BIN_EXE_octavia-pki"),
            amphorae.display(),
            agent.port,
            set.dir.display(),
            set.work_dir.display()
        ),
    )
    .unwrap();

    // Check mode before anything is installed: nothing installed, nothing fails.
    let (out, text) = play(&inventory, &["--check"]);
    assert!(out.status.success(), "{text}");
    assert!(
        !root.join("node1/bin/octavia-pki").exists(),
        "check mode installed"
    );
    assert!(text.contains("node check: not run"), "{text}");

    // node2 holds a stale copy: the play fails, naming host, service, code and fix.
    let (out, text) = play(&inventory, &[]);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("fatal: [node2]: FAILED!"), "{text}");
    assert!(!text.contains("fatal: [node1]"), "{text}");
    for needle in [
        "host: node2",
        "service: octavia-worker",
        "code: stale-copy",
        "fix: Run `kolla-ansible",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    assert!(
        text.contains("node1: node check: 0 errors, 4 warnings; probe: 1 ok; expiry: OK"),
        "{text}"
    );
    assert!(text.contains("node2: node check: 3 errors"), "{text}");
    assert!(recap(&text, "node1").contains("failed=0"), "{text}");

    // Reconfigured (node2 now as clean as node1): the play passes, and a
    // second run, and check mode, change nothing.
    fs::remove_dir_all(root.join("node2/kolla")).unwrap();
    fs::remove_dir_all(root.join("node2/config")).unwrap();
    copy_tree(&testdata("clean").join("kolla"), &root.join("node2/kolla"));
    copy_tree(
        &testdata("clean").join("config"),
        &root.join("node2/config"),
    );
    let (out, text) = play(&inventory, &[]);
    assert!(out.status.success(), "{text}");
    for extra in [&[][..], &["--check"][..]] {
        let (out, text) = play(&inventory, extra);
        assert!(out.status.success(), "{extra:?}: {text}");
        for node in ["node1", "node2"] {
            let line = recap(&text, node);
            assert!(
                line.contains("changed=0") && line.contains("failed=0"),
                "{extra:?}: {line}"
            );
        }
        assert!(text.contains("node2: node check: 0 errors"), "{text}");
    }
}

#[test]
fn ansible_lint_passes_on_the_role_and_playbook() {
    let venv = std::env::var_os("OCTAVIA_PKI_LINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            PathBuf::from(
                ok(Command::new("bash")
                    .arg(root.join("scripts/peers.sh"))
                    .arg("lint"))
                .trim(),
            )
        });
    let out = run(Command::new(venv.join("bin/ansible-lint"))
        .current_dir(ansible_dir())
        .env("LC_ALL", "C.UTF-8")
        .env(
            "PATH",
            format!(
                "{}:{}",
                venv.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .args([
            "--nocolor",
            "--offline",
            "octavia-pki.yml",
            "roles/octavia_pki",
        ]));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 failure(s), 0 warning(s)"), "{text}");
}
