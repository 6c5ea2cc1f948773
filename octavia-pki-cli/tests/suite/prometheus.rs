//! `--format prometheus`, read by Prometheus' own Python client's text
//! parser, with the values compared with what openssl reads.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// Every sample of a metrics file, as `prometheus_client.parser` reads it:
/// `(metric family, type, help, sample name, labels, value)`.
fn parsed(file: &Path) -> Vec<Value> {
    let out = ok(peer_python()
        .arg("-c")
        .arg(
            "import json, sys\n\
             from prometheus_client.parser import text_string_to_metric_families\n\
             out = []\n\
             for family in text_string_to_metric_families(open(sys.argv[1]).read()):\n\
             \x20   for s in family.samples:\n\
             \x20       out.append({'family': family.name, 'type': family.type,\n\
             \x20                   'help': family.documentation, 'name': s.name,\n\
             \x20                   'labels': s.labels, 'value': s.value})\n\
             print(json.dumps(out))\n",
        )
        .arg(file));
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn samples<'a>(all: &'a [Value], name: &str) -> Vec<&'a Value> {
    all.iter().filter(|s| s["name"] == name).collect()
}

/// What `openssl x509 -enddate` reads of each certificate of `file`, as Unix time.
fn openssl_not_afters(file: &Path) -> Vec<i64> {
    let text = fs::read_to_string(file).unwrap();
    let mut out: Vec<i64> = text
        .split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|b| b.contains("-----BEGIN CERTIFICATE-----"))
        .map(|block| {
            let mut cmd = openssl();
            cmd.args(["x509", "-noout", "-enddate", "-dateopt", "iso_8601"]);
            let date = stdin_ok(&mut cmd, block);
            let date = date
                .trim()
                .trim_start_matches("notAfter=")
                .replace(' ', "T");
            time::OffsetDateTime::parse(&date, &time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|e| panic!("{date}: {e}"))
                .unix_timestamp()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn expiry_metrics_parse_and_hold_the_dates_openssl_reads() {
    // A subject with a quote and a backslash: label values must be escaped.
    let set = generate(&[
        "--key-type",
        "ecdsa-p256",
        "--ca-days",
        "20",
        "--client-days",
        "20",
        "--client-cn",
        r#"controller "one" \ two"#,
    ]);
    ok(octavia_pki()
        .args(["renew", "client-ca"])
        .args(set.change_args()));
    let metrics = set.tmp.path().join("textfile/octavia-pki-expiry.prom");
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .args(["--format", "prometheus", "--output"])
        .arg(&metrics));
    assert_eq!(out.status.code(), Some(1), "WARNING: a CA within 30 days");
    assert!(
        out.stdout.is_empty(),
        "--output writes the file, not stdout"
    );
    let all = parsed(&metrics);
    for s in &all {
        assert_eq!(s["type"], "gauge", "{s}");
        assert!(!s["help"].as_str().unwrap().is_empty(), "{s}");
    }

    // Each file's not-after values are exactly openssl's.
    let mut by_file: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for s in samples(&all, "octavia_pki_certificate_not_after_seconds") {
        by_file
            .entry(s["labels"]["file"].as_str().unwrap().to_owned())
            .or_default()
            .push(s["value"].as_f64().unwrap() as i64);
    }
    assert_eq!(by_file.len(), 5, "{by_file:?}");
    for (file, mut values) in by_file {
        values.sort();
        assert_eq!(values, openssl_not_afters(Path::new(&file)), "{file}");
    }
    let roles: Vec<&str> = samples(&all, "octavia_pki_certificate_not_after_seconds")
        .iter()
        .map(|s| s["labels"]["role"].as_str().unwrap())
        .collect();
    for role in ["server_ca", "client_ca", "client"] {
        assert!(roles.contains(&role), "{roles:?}");
    }
    // The escaped subject reads back exactly.
    let client = openssl_not_afters(&set.work_dir.join("client_ca/client.cert.pem"));
    let subject = samples(&all, "octavia_pki_certificate_not_after_seconds")
        .into_iter()
        .find(|s| s["value"].as_f64().unwrap() as i64 == client[0])
        .unwrap()["labels"]["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        subject.ends_with(r#"CN=controller "one" \ two"#),
        "{subject}"
    );

    // The renewal's deadline is the old client CA certificate's not-after.
    let deadline = samples(&all, "octavia_pki_amphorae_deadline_seconds");
    assert_eq!(deadline.len(), 1);
    let old_ca = set.dir.join(".backup");
    let backup = fs::read_dir(&old_ca)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("client_ca.cert.pem");
    assert_eq!(
        deadline[0]["value"].as_f64().unwrap() as i64,
        openssl_not_afters(&backup)[0]
    );
    assert_eq!(samples(&all, "octavia_pki_expiry_status")[0]["value"], 1.0);
    let success = samples(&all, "octavia_pki_run_success");
    assert_eq!(success[0]["labels"]["command"], "expiry");
    assert_eq!(success[0]["value"], 1.0);
    assert!(
        samples(&all, "octavia_pki_file_readable")
            .iter()
            .all(|s| s["value"] == 1.0)
    );

    // An unreadable file: readable 0, success 0, UNKNOWN; still parses.
    fs::write(set.dir.join("client_ca.cert.pem"), "not a certificate\n").unwrap();
    let out = run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .args(["--format", "prometheus", "--output"])
        .arg(&metrics));
    assert_eq!(out.status.code(), Some(3));
    let all = parsed(&metrics);
    assert_eq!(samples(&all, "octavia_pki_run_success")[0]["value"], 0.0);
    let unreadable: Vec<&str> = samples(&all, "octavia_pki_file_readable")
        .iter()
        .filter(|s| s["value"] == 0.0)
        .map(|s| s["labels"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(unreadable.len(), 1);
    assert!(unreadable[0].ends_with("client_ca.cert.pem"));
    // Nothing but the metrics file is left in the collector's directory.
    let names: Vec<_> = fs::read_dir(metrics.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["octavia-pki-expiry.prom"]);
}

#[test]
fn probe_metrics_parse_and_hold_each_amphoras_status_and_certificate() {
    let work = tempfile::tempdir().unwrap();
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (amphora, id) = set.octavia_amphora();
    let mut agent = Agent::start(
        work.path(),
        "agent",
        &amphora,
        &set.dir.join("client_ca.cert.pem"),
        &id,
        &[],
    );
    agent.wait_ready(work.path(), "agent");
    let gone = "7d1c0e5b-2a4f-4f7e-8b1a-3c2d4e5f6a7b";
    let metrics = work.path().join("octavia-pki-probe.prom");
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .arg(format!("{id}@127.0.0.1:{}", agent.port))
        .arg(format!("{gone}@127.0.0.1:{}", free_port()))
        .args(["--timeout", "5", "--format", "prometheus", "--output"])
        .arg(&metrics));
    assert_eq!(out.status.code(), Some(1), "one refused");
    let all = parsed(&metrics);
    let status: BTreeMap<String, String> = samples(&all, "octavia_pki_amphora_status")
        .iter()
        .map(|s| {
            assert_eq!(s["value"], 1.0);
            (
                s["labels"]["amphora_id"].as_str().unwrap().to_owned(),
                s["labels"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(status[&id], "ok");
    assert_eq!(status[gone], "connect-refused");
    let not_after = samples(&all, "octavia_pki_amphora_certificate_not_after_seconds");
    assert_eq!(not_after.len(), 1);
    assert_eq!(not_after[0]["labels"]["amphora_id"], id.as_str());
    assert_eq!(
        not_after[0]["value"].as_f64().unwrap() as i64,
        openssl_not_afters(&amphora)[0]
    );
    assert_eq!(
        samples(&all, "octavia_pki_amphora_issuer_index")[0]["value"],
        0.0
    );
    let counts: BTreeMap<String, f64> = samples(&all, "octavia_pki_amphorae")
        .iter()
        .map(|s| {
            (
                s["labels"]["status"].as_str().unwrap().to_owned(),
                s["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        BTreeMap::from([("connect-refused".into(), 1.0), ("ok".into(), 1.0)])
    );
    assert_eq!(
        samples(&all, "octavia_pki_run_success")[0]["labels"]["command"],
        "probe"
    );

    // A human report cannot go to --output.
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .arg(format!("{id}@127.0.0.1:{}", agent.port))
        .arg("--output")
        .arg(&metrics));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format json or prometheus"));
}

/// The alert rules shipped in `monitoring/prometheus` (and in the Debian
/// package): Debian's `promtool check rules` accepts them and their unit
/// tests (`promtool test rules`, which feed series and assert which alerts
/// fire, with what labels and text) pass; and every metric and label a rule
/// reads is one that `expiry` and `probe` really write (`instance` aside,
/// which Prometheus adds when it scrapes).
#[test]
fn the_alert_rules_pass_promtool_and_read_what_expiry_and_probe_write() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../monitoring/prometheus");
    let promtool = |args: &[&str]| {
        let out = run(std::process::Command::new("promtool")
            .args(args)
            .current_dir(&dir));
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    promtool(&["check", "rules", "octavia-pki.rules"]);
    promtool(&["test", "rules", "octavia-pki_test.yml"]);

    // Real metrics: a set with a pending client CA deadline, and a probe of
    // an address where nothing listens.
    let work = tempfile::tempdir().unwrap();
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let mut stage = octavia_pki();
    stage.args([
        "rotate",
        "client-ca",
        "--staged",
        "--key-type",
        "ecdsa-p256",
    ]);
    ok(stage.args(set.change_args()));
    let expiry = work.path().join("expiry.prom");
    run(octavia_pki()
        .arg("expiry")
        .arg(&set.dir)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .args(["--format", "prometheus", "--output"])
        .arg(&expiry));
    let probe = work.path().join("probe.prom");
    run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .arg(format!(
            "7d1c0e5b-2a4f-4f7e-8b1a-3c2d4e5f6a7b@127.0.0.1:{}",
            free_port()
        ))
        .args(["--timeout", "5", "--format", "prometheus", "--output"])
        .arg(&probe));
    let mut written = parsed(&expiry);
    written.extend(parsed(&probe));

    // Each rule's metrics, and the labels it reads ($labels.X, matchers).
    let rules = ok(peer_python()
        .arg("-c")
        .arg(
            "import json, sys, yaml\n\
             print(json.dumps([r for g in yaml.safe_load(open(sys.argv[1]))['groups'] for r in g['rules']]))\n",
        )
        .arg(dir.join("octavia-pki.rules")));
    let rules: Vec<Value> = serde_json::from_str(&rules).unwrap();
    let words = |text: &str, prefix: &str| -> Vec<String> {
        text.match_indices(prefix)
            .map(|(i, _)| {
                text[i + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    };
    let mut missing = Vec::new();
    for rule in &rules {
        let expr = rule["expr"].as_str().unwrap();
        let text = serde_json::to_string(rule).unwrap();
        let metrics: Vec<String> = words(expr, "octavia_pki_")
            .into_iter()
            .map(|w| format!("octavia_pki_{w}"))
            .collect();
        let mut labels = words(&text, "$labels.");
        // Label matchers: `{name="..."}` and `{name!~"..."}`.
        for (i, _) in expr.match_indices('{') {
            let name: String = expr[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            labels.push(name);
        }
        for metric in &metrics {
            let samples = samples(&written, metric);
            if samples.is_empty() {
                missing.push(format!("{}: no {metric} written", rule["alert"]));
            }
            for label in labels.iter().filter(|l| *l != "instance") {
                if !samples.iter().all(|s| s["labels"].get(label).is_some()) {
                    missing.push(format!("{}: {metric} has no label {label}", rule["alert"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
