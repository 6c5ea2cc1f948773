//! `deploy check` against the fixture configurations of testdata/deploy, and
//! `deploy plan` against its golden files, shellcheck, and a run of the
//! script with stand-ins for `openstack` and `kolla-ansible`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{generate_into, kolla_venv, octavia_pki, ok, run};
use serde_json::Value;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/deploy")
}

/// A config dir holding a good certificate set made with the shared
/// passwords.yml (ECDSA: the fixtures are about configuration, not key size).
fn config_dir(tmp: &Path) -> PathBuf {
    let config = tmp.join("config");
    ok(&mut generate_into(
        &config.join("octavia"),
        &tmp.join("octavia-certificates"),
        &testdata().join("passwords.yml"),
        &["--key-type", "ecdsa-p256"],
    ));
    config
}

fn deploy_check(globals: &Path, passwords: &Path, config: &Path) -> (Value, Option<i32>) {
    let out = run(octavia_pki()
        .args(["deploy", "check", "--format", "json", "--globals"])
        .arg(globals)
        .arg("--passwords")
        .arg(passwords)
        .arg("--config-dir")
        .arg(config));
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code())
}

#[test]
fn every_fixture_yields_exactly_its_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let config = config_dir(tmp.path());
    let mut problems = Vec::new();
    let mut cases: Vec<PathBuf> = fs::read_dir(testdata())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "{cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let passwords = match case.join("passwords.yml") {
            p if p.exists() => p,
            _ => testdata().join("passwords.yml"),
        };
        // Two cases are about the certificate directory itself.
        let case_config = tmp.path().join(&name);
        let config = match name.as_str() {
            "certificates-missing" => case_config,
            "bundle-missing" => {
                let copy = case_config.join("octavia");
                fs::create_dir_all(&copy).unwrap();
                for entry in fs::read_dir(config.join("octavia")).unwrap() {
                    let entry = entry.unwrap();
                    if entry.file_name() != "client.cert-and-key.pem" && entry.path().is_file() {
                        fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
                    }
                }
                case_config
            }
            _ => config.clone(),
        };
        let (report, status) = deploy_check(&case.join("globals.yml"), &passwords, &config);
        let findings = report["findings"].as_array().unwrap();
        let found: BTreeSet<String> = findings
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["key"].as_str().unwrap_or("-")
                )
            })
            .collect();
        let expected: BTreeSet<String> = fs::read_to_string(case.join("expect"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        if found != expected {
            problems.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
        // Every finding names its file, and settings findings their key.
        for f in findings {
            if f["file"].is_null() || f["message"].as_str().unwrap_or("").is_empty() {
                problems.push(format!("{name}: finding without file or message: {f}"));
            }
            if f["file"] == "globals.yml" && f["key"].is_null() {
                problems.push(format!("{name}: globals.yml finding without key: {f}"));
            }
        }
        let errors = report["summary"]["errors"].as_u64().unwrap();
        let want = if errors > 0 { 1 } else { 0 };
        if status != Some(want) {
            problems.push(format!("{name}: exit {status:?} with {errors} errors"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn findings_name_the_line_and_certificate_files_their_path() {
    let tmp = tempfile::tempdir().unwrap();
    let (report, _) = deploy_check(
        &testdata().join("manual-names/globals.yml"),
        &testdata().join("passwords.yml"),
        &config_dir(tmp.path()),
    );
    let f = &report["findings"][0];
    assert_eq!(f["key"], "octavia_amp_boot_network_list");
    assert_eq!(f["line"], 3);
    assert_eq!(f["file"], "globals.yml");
    assert_eq!(report["mode"], "manual");

    let config = tmp.path().join("config");
    fs::write(config.join("octavia/client_ca.cert.pem"), b"").unwrap();
    let (report, status) = deploy_check(
        &testdata().join("good-manual/globals.yml"),
        &testdata().join("passwords.yml"),
        &config,
    );
    assert_eq!(status, Some(1));
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == "octavia/client_ca.cert.pem" && f["code"] == "empty-file"),
        "{report}"
    );
}

#[test]
fn human_output_groups_by_file_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(octavia_pki()
        .args(["deploy", "check", "--globals"])
        .arg(testdata().join("manual-names/globals.yml"))
        .arg("--passwords")
        .arg(testdata().join("password-with-dollar/passwords.yml"))
        .arg("--config-dir")
        .arg(config_dir(tmp.path())));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("globals.yml:3: octavia_amp_boot_network_list\n  warning manual-id-not-uuid"),
        "{text}"
    );
    assert!(
        text.contains("passwords.yml: octavia_keystone_password\n  error   password-unusable"),
        "{text}"
    );
    assert!(
        text.contains("FAIL: Octavia will not work with this configuration"),
        "{text}"
    );
    // The password is named, never shown.
    assert!(!text.contains("Pz8Km3"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn malformed_or_missing_files_stop_with_exit_2_and_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let globals = tmp.path().join("globals.yml");
    fs::write(
        &globals,
        "enable_octavia: \"yes\"\noctavia_amp_flavor: {name: amphora\nother: 1\n",
    )
    .unwrap();
    let out = run(octavia_pki()
        .args(["deploy", "check", "--globals"])
        .arg(&globals)
        .arg("--passwords")
        .arg(testdata().join("passwords.yml")));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: not valid YAML at line 3", globals.display())),
        "{stderr}"
    );

    let out = run(octavia_pki()
        .args(["deploy", "check", "--globals"])
        .arg(tmp.path().join("absent.yml"))
        .arg("--passwords")
        .arg(testdata().join("passwords.yml")));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("absent.yml") && stderr.contains("No such file"),
        "{stderr}"
    );

    // The same rule for deploy plan.
    let out = run(octavia_pki()
        .args(["deploy", "plan", "--globals"])
        .arg(&globals));
    assert_eq!(out.status.code(), Some(2));
}

/// The plan made from testdata's plan/globals.yml, its path (which the
/// script takes as its default GLOBALS) written as `TESTDATA/...`, so that
/// the golden files hold wherever the repository is.
fn plan(mode: &str, format: &str) -> String {
    let testdata = testdata().canonicalize().unwrap();
    let text = ok(octavia_pki()
        .args([
            "deploy",
            "plan",
            "--mode",
            mode,
            "--format",
            format,
            "--globals",
        ])
        .arg(testdata.join("plan/globals.yml")));
    text.replace(&testdata.display().to_string(), "TESTDATA")
}

/// The plan in each format equals its golden file; `UPDATE_GOLDEN=1` rewrites them.
#[test]
fn plans_match_their_golden_files() {
    let mut stale = Vec::new();
    for mode in ["manual", "auto"] {
        for (format, ext) in [("text", "txt"), ("json", "json"), ("shell", "sh")] {
            let golden = testdata().join(format!("plan/{mode}.{ext}"));
            let actual = plan(mode, format);
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                fs::write(&golden, &actual).unwrap();
            } else if fs::read_to_string(&golden).unwrap_or_default() != actual {
                stale.push(golden.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "differ from the plan (review, then UPDATE_GOLDEN=1 cargo test --test suite deploy::): {stale:?}"
    );
}

#[test]
fn plan_takes_the_mode_and_names_from_globals() {
    let manual = ok(octavia_pki()
        .args(["deploy", "plan", "--format", "json", "--globals"])
        .arg(testdata().join("good-manual/globals.yml")));
    let manual: Value = serde_json::from_str(&manual).unwrap();
    assert_eq!(manual["mode"], "manual");
    let auto = ok(octavia_pki()
        .args(["deploy", "plan", "--format", "json", "--globals"])
        .arg(testdata().join("good-auto/globals.yml")));
    let auto: Value = serde_json::from_str(&auto).unwrap();
    assert_eq!(auto["mode"], "auto");
    assert!(auto["steps"].as_array().unwrap().len() < manual["steps"].as_array().unwrap().len());
    // A value that is not a boolean is false to Ansible, as to deploy check.
    let tmp = tempfile::tempdir().unwrap();
    let globals = tmp.path().join("globals.yml");
    fs::write(&globals, "octavia_auto_configure: maybe\n").unwrap();
    let odd = ok(octavia_pki()
        .args(["deploy", "plan", "--format", "json", "--globals"])
        .arg(&globals));
    assert_eq!(
        serde_json::from_str::<Value>(&odd).unwrap()["mode"],
        "manual"
    );
    // testdata/deploy/plan/globals.yml renames the image tag and key pair.
    let text = plan("manual", "text");
    assert!(text.contains("--tag lb-image"), "{text}");
    assert!(
        text.contains("keypair create --public-key \"$SSH_PUBLIC_KEY\" ops-octavia-key"),
        "{text}"
    );
}

#[test]
fn shellcheck_passes_on_both_scripts() {
    for mode in ["manual", "auto"] {
        let tmp = tempfile::tempdir().unwrap();
        let script = tmp.path().join("plan.sh");
        fs::write(&script, plan(mode, "shell")).unwrap();
        let out = run(Command::new("shellcheck")
            .args(["--shell=bash", "--severity=style"])
            .arg(&script));
        assert!(
            out.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A stand-in for `openstack` that logs its arguments and the password it
/// was given in its environment, answers `show` with "not found" and
/// `create` with a fresh ID.
const FAKE_OPENSTACK: &str = r#"#!/usr/bin/env bash
set -euo pipefail
echo "openstack $*" >>"$FAKE_LOG"
[ "${OS_PASSWORD:-}" = "$EXPECTED_PASSWORD" ] || { echo "wrong or no OS_PASSWORD" >&2; exit 3; }
[ "${OS_USERNAME:-}" = octavia ] && [ "${OS_PROJECT_NAME:-}" = service ] || exit 4
case "$*" in
  *" show "*) exit 1 ;; # nothing exists yet
  *create*) printf '%08x-0000-4000-8000-%012x\n' "$RANDOM" "$RANDOM" ;;
  *) ;;
esac
"#;

/// What a run of the plan's script left behind.
struct ScriptRun {
    _tmp: tempfile::TempDir,
    kolla: PathBuf,
    log: String,
    stderr: String,
}

const KEYSTONE_PASSWORD: &str = "Pz8Km3Qw6Rt1Yx4Nb9Vc2Ls7Hd5Fg0Ja";

/// Runs the `mode` script over a copy of good-manual's globals.yml, with the
/// real octavia-pki and stand-ins for openstack and kolla-ansible.
fn run_script(mode: &str, vaulted: bool) -> ScriptRun {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let bin = root.join("bin");
    let kolla = root.join("kolla");
    for d in [&bin, &kolla] {
        fs::create_dir_all(d).unwrap();
    }
    let log = root.join("log");
    let exe = |name: &str, text: &str| {
        use std::os::unix::fs::PermissionsExt;
        let p = bin.join(name);
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    };
    exe("openstack", FAKE_OPENSTACK);
    exe(
        "kolla-ansible",
        "#!/usr/bin/env bash\necho \"kolla-ansible $*\" >>\"$FAKE_LOG\"\n",
    );
    // The real octavia-pki, found on PATH as the script expects.
    let real = PathBuf::from(env!("CARGO_BIN_EXE_octavia-pki"));
    exe(
        "octavia-pki",
        &format!("#!/usr/bin/env bash\nexec '{}' \"$@\"\n", real.display()),
    );
    let password = KEYSTONE_PASSWORD;
    fs::copy(
        testdata().join("passwords.yml"),
        kolla.join("passwords.yml"),
    )
    .unwrap();
    fs::copy(
        testdata().join("good-manual/globals.yml"),
        kolla.join("globals.yml"),
    )
    .unwrap();
    fs::write(
        kolla.join("admin-openrc.sh"),
        "export OS_AUTH_URL=http://192.0.2.1:5000\nexport OS_PASSWORD=admin-secret\nexport OS_REGION_NAME=RegionOne\n",
    )
    .unwrap();
    fs::write(root.join("id_rsa.pub"), "ssh-ed25519 AAAA test\n").unwrap();
    // Kayobe-style: passwords.yml encrypted with the real ansible-vault.
    let vault_password = root.join("vault-password");
    fs::write(&vault_password, "vault-secret\n").unwrap();
    if vaulted {
        ok(Command::new(kolla_venv().join("bin/ansible-vault"))
            .arg("encrypt")
            .arg(kolla.join("passwords.yml"))
            .arg("--vault-password-file")
            .arg(&vault_password));
        assert!(
            fs::read_to_string(kolla.join("passwords.yml"))
                .unwrap()
                .starts_with("$ANSIBLE_VAULT")
        );
    }
    let script = root.join("plan.sh");
    fs::write(&script, plan(mode, "shell")).unwrap();

    // Ansible's ansible-vault (and its Python) from the real kolla-ansible
    // venv: the script reads passwords.yml as Ansible does.
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        kolla_venv().join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let mut command = Command::new("bash");
    if vaulted {
        command.env("ANSIBLE_VAULT_PASSWORD_FILE", &vault_password);
    }
    let out = run(command
        .arg(&script)
        .env("PATH", path)
        .env("KOLLA_CONFIG", &kolla)
        .env("GLOBALS", kolla.join("globals.yml"))
        .env("INVENTORY", root.join("multinode"))
        .env("SSH_PUBLIC_KEY", root.join("id_rsa.pub"))
        .env("MGMT_SEGMENT", "107")
        .env("FAKE_LOG", &log)
        .env("EXPECTED_PASSWORD", password));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let log = fs::read_to_string(&log).unwrap();
    assert!(
        !log.contains(password) && !stderr.contains(password),
        "{log}"
    );
    // The certificates were generated, and deploy check passed on the result.
    assert!(kolla.join("config/octavia/server_ca.key.pem").exists());
    let backups = fs::read_dir(&kolla)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".bak")
        })
        .count();
    assert_eq!(backups, 1);
    ScriptRun {
        _tmp: tmp,
        kolla,
        log,
        stderr,
    }
}

#[test]
fn the_manual_script_runs_end_to_end_without_exposing_the_password() {
    // Bound whole: its temporary directory lives as long as `done`.
    let done = run_script("manual", false);
    let ScriptRun {
        kolla, log, stderr, ..
    } = &done;
    assert!(
        log.contains("--provider-physical-network physnet1 --provider-segment 107 --enable-port-security lb-mgmt-net"),
        "{log}"
    );
    assert!(
        log.contains("flavor create -f value -c id --public"),
        "{log}"
    );
    assert!(
        log.contains(
            "image create --disk-format qcow2 --container-format bare --private --tag lb-image"
        ),
        "{log}"
    );
    assert!(
        log.lines()
            .last()
            .unwrap()
            .ends_with("reconfigure -t octavia"),
        "{log}"
    );

    // globals.yml now carries the created IDs once each; the old one is kept.
    let globals = fs::read_to_string(kolla.join("globals.yml")).unwrap();
    assert_eq!(
        globals.matches("octavia_amp_boot_network_list:").count(),
        1,
        "{globals}"
    );
    assert!(
        globals.contains("kolla_base_distro: \"rocky\""),
        "{globals}"
    );
    let id = globals
        .lines()
        .find_map(|l| l.strip_prefix("octavia_amp_flavor_id: "))
        .unwrap();
    assert!(id.len() == 38, "{id}"); // a quoted UUID from the fake create
    assert!(
        stderr.contains("== 10. Deploy Octavia with kolla-ansible"),
        "{stderr}"
    );
}

#[test]
fn the_auto_script_deploys_then_uploads_the_image() {
    let done = run_script("auto", false);
    let ScriptRun { kolla, log, .. } = &done;
    let deploy = log.find("kolla-ansible -i").unwrap();
    let image = log.find("image create").unwrap();
    assert!(deploy < image, "{log}");
    assert!(!log.contains("network create"), "{log}");
    let globals = fs::read_to_string(kolla.join("globals.yml")).unwrap();
    assert!(
        globals.ends_with("enable_octavia: \"yes\"\noctavia_auto_configure: \"yes\"\n"),
        "{globals}"
    );
}

#[test]
fn the_script_reads_a_vaulted_passwords_yml_as_ansible_does() {
    let done = run_script("manual", true);
    assert!(
        done.stderr
            .contains("== 10. Deploy Octavia with kolla-ansible"),
        "{}",
        done.stderr
    );
}
