//! The published JSON schemas (`schemas/`, `octavia-pki schema NAME`),
//! generated from the reports' Rust types: the committed files are what the
//! binary generates, a schema never changes without its version going up,
//! and real reports of every command validate against them with an
//! independent validator (Python's jsonschema, Draft 2020-12, in
//! `target/peers-k8s`).

use std::path::{Path, PathBuf};

use crate::common::*;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// Every published schema's name, as `octavia-pki schema --list` gives them.
fn names() -> Vec<String> {
    ok(octavia_pki().args(["schema", "--list"]))
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

/// The version a schema's text declares (`schema_version`'s const).
fn version(text: &str) -> u64 {
    let schema: serde_json::Value = serde_json::from_str(text).unwrap();
    schema["properties"]["schema_version"]["const"]
        .as_u64()
        .unwrap()
}

/// Each committed schema is exactly what the binary generates. With
/// `UPDATE_SCHEMAS=1` a changed schema is rewritten, but only when its
/// version went up: a report's shape never changes under the same version.
#[test]
fn the_committed_schemas_are_generated_and_versioned() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut problems = Vec::new();
    for name in names() {
        let generated = ok(octavia_pki().args(["schema", &name]));
        let path = schemas_dir().join(format!("{name}.schema.json"));
        let committed = std::fs::read_to_string(&path).ok();
        if committed.as_deref() == Some(generated.as_str()) {
            continue;
        }
        let bumped = committed
            .as_deref()
            .is_none_or(|c| version(&generated) > version(c));
        match (update, bumped) {
            (true, true) => std::fs::write(&path, &generated).unwrap(),
            (_, false) => problems.push(format!(
                "the {name} schema changed but its version did not: raise it in \
                 octavia-pki-cli/src/schema.rs, then UPDATE_SCHEMAS=1"
            )),
            (false, true) => problems.push(format!(
                "{} is not what the binary generates: UPDATE_SCHEMAS=1 rewrites it",
                path.display()
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `report` validates against the committed schema `name`, with that
/// schema's version; the validator is Python's jsonschema.
fn valid(name: &str, report: &str) {
    let python = std::env::var_os("OCTAVIA_PKI_K8S")
        .map(|v| PathBuf::from(v).join("bin/python"))
        .unwrap_or_else(|| {
            panic!("OCTAVIA_PKI_K8S is not set: run the tests with `bash scripts/test.sh`")
        });
    let schema = schemas_dir().join(format!("{name}.schema.json"));
    let mut cmd = std::process::Command::new(python);
    cmd.arg("-c")
        .arg(
            "import json, sys\n\
             from jsonschema import Draft202012Validator\n\
             schema = json.load(open(sys.argv[1]))\n\
             Draft202012Validator.check_schema(schema)\n\
             errors = [f'{list(e.absolute_path)}: {e.message}' for e in Draft202012Validator(schema).iter_errors(json.load(sys.stdin))]\n\
             print('\\n'.join(errors)); sys.exit(1 if errors else 0)\n",
        )
        .arg(&schema);
    let out = stdin_output(&mut cmd, report.as_bytes());
    assert!(
        out.status.success(),
        "a {name} report does not follow {}:\n{}{}",
        schema.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The JSON a command printed (any exit status), checked to be JSON.
fn json_of(cmd: &mut std::process::Command) -> String {
    let out = run(cmd);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "not JSON: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Real reports of every command, clean and with findings, validate.
#[test]
fn every_commands_json_reports_follow_their_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    valid(
        "generate",
        &json_of(
            octavia_pki()
                .args([
                    "generate",
                    "--key-type",
                    "ecdsa-p256",
                    "--format",
                    "json",
                    "--demo",
                ])
                .arg(&demo),
        ),
    );
    let dir = demo.join("config/octavia");
    let work = demo.join("octavia-certificates");
    let passwords = demo.join("passwords.yml");
    let with_set = |args: &[&str]| {
        let mut cmd = octavia_pki();
        cmd.args(args)
            .arg(&dir)
            .arg("--passwords")
            .arg(&passwords)
            .args(["--format", "json"]);
        json_of(&mut cmd)
    };
    valid("check", &with_set(&["check"]));
    valid("rehearse", &with_set(&["rehearse"]));
    valid(
        "expiry",
        &json_of(
            octavia_pki()
                .arg("expiry")
                .arg(&dir)
                .arg("--work-dir")
                .arg(&work)
                .args(["--format", "json"]),
        ),
    );
    let change = |args: &[&str]| {
        json_of(
            octavia_pki()
                .args(args)
                .arg("--dir")
                .arg(&dir)
                .arg("--work-dir")
                .arg(&work)
                .arg("--passwords")
                .arg(&passwords)
                .args(["--format", "json"]),
        )
    };
    valid("change", &change(&["renew", "client"]));
    valid(
        "change",
        &change(&[
            "rotate",
            "client-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ]),
    );
    // The way back: an interrupted write recovered, the backups listed, one restored.
    let at = |args: &[&str]| {
        json_of(
            octavia_pki()
                .args(args)
                .arg("--dir")
                .arg(&dir)
                .arg("--work-dir")
                .arg(&work)
                .args(["--format", "json"]),
        )
    };
    let killed = run(octavia_pki()
        .args(["renew", "client", "--dir"])
        .arg(&dir)
        .arg("--work-dir")
        .arg(&work)
        .arg("--passwords")
        .arg(&passwords)
        .env("OCTAVIA_PKI_FAULT", "rename:2"));
    assert_eq!(killed.status.code(), None);
    let recovered = at(&["recover"]);
    assert!(recovered.contains("\"forward\""), "{recovered}");
    valid("recover", &recovered);
    valid("recover", &at(&["recover", "--dry-run"]));
    let backups = at(&["backups", "list"]);
    valid("backups", &backups);
    let runs: serde_json::Value = serde_json::from_str(&backups).unwrap();
    let name = runs["runs"][0]["name"].as_str().unwrap().to_owned();
    valid("backups", &at(&["backups", "restore", &name]));
    // A set with findings: the client CA's file missing, a key others can read.
    std::fs::remove_file(dir.join("client_ca.cert.pem")).unwrap();
    valid("check", &with_set(&["check"]));
    valid("rehearse", &with_set(&["rehearse"]));
    valid(
        "probe",
        &json_of(
            octavia_pki()
                .arg("probe")
                .arg("--dir")
                .arg(&dir)
                .arg(format!(
                    "7d1c0e5b-2a4f-4f7e-8b1a-3c2d4e5f6a7b@127.0.0.1:{}",
                    free_port()
                ))
                .args(["--timeout", "5", "--format", "json"]),
        ),
    );
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/node/cases");
    for case in ["clean", "stale-copy"] {
        valid(
            "node-check",
            &json_of(
                octavia_pki()
                    .args([
                        "node",
                        "check",
                        "--format",
                        "json",
                        "--container-engine",
                        "none",
                        "--kolla-dir",
                    ])
                    .arg(cases.join(case).join("kolla"))
                    .arg("--config-dir")
                    .arg(cases.join(case).join("config")),
            ),
        );
    }
    // Failures asked for JSON print JSON: a file that cannot be read, a
    // change refused, and a usage error clap finds.
    let missing = tmp.path().join("no-such-dir");
    for (args, status) in [
        (vec!["check".as_ref(), missing.as_os_str()], 2),
        (
            vec![
                "renew".as_ref(),
                "client".as_ref(),
                "--dir".as_ref(),
                missing.as_os_str(),
            ],
            1,
        ),
        (vec!["check".as_ref(), "--no-such-option".as_ref()], 2),
    ] {
        let out = run(octavia_pki().args(&args).args(["--format", "json"]));
        assert_eq!(out.status.code(), Some(status), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        valid("error", &text);
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(report["error"]["exit_status"], status, "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let message = report["error"]["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && stderr.contains(message),
            "{text}\n{stderr}"
        );
    }
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/deploy");
    valid(
        "deploy-check",
        &json_of(
            octavia_pki()
                .args(["deploy", "check", "--format", "json", "--globals"])
                .arg(deploy.join("good-auto/globals.yml"))
                .arg("--passwords")
                .arg(deploy.join("passwords.yml"))
                .arg("--config-dir")
                .arg(demo.join("config")),
        ),
    );
    valid(
        "deploy-plan",
        &json_of(
            octavia_pki()
                .args(["deploy", "plan", "--format", "json", "--globals"])
                .arg(deploy.join("good-auto/globals.yml")),
        ),
    );
}
