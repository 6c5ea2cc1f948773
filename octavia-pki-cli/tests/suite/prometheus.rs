//! `--format prometheus`, read by Prometheus' own Python client's text
//! parser, with the values compared with what openssl reads.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::Value;

/// Every sample of a metrics file, as `prometheus_client.parser` reads it:
/// `(metric family, type, help, sample name, labels, value)`.
fn parsed(file: &Path) -> Vec<Value> {
    parsed_each(&[file]).remove(0)
}

/// [`parsed`] of each file, in one Python.
fn parsed_each(files: &[&Path]) -> Vec<Vec<Value>> {
    let out = ok(peer_python()
        .arg("-c")
        .arg(
            "import json, sys\n\
             from prometheus_client.parser import text_string_to_metric_families\n\
             files = []\n\
             for name in sys.argv[1:]:\n\
             \x20   out = []\n\
             \x20   for family in text_string_to_metric_families(open(name).read()):\n\
             \x20       for s in family.samples:\n\
             \x20           out.append({'family': family.name, 'type': family.type,\n\
             \x20                       'help': family.documentation, 'name': s.name,\n\
             \x20                       'labels': s.labels, 'value': s.value})\n\
             \x20   files.append(out)\n\
             print(json.dumps(files))\n",
        )
        .args(files));
    serde_json::from_str(&out).unwrap()
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
        "19",
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
    check_metrics(&metrics);
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
    // The renewal's moment, as the label and as the value: amphorae created
    // before hold the old certificate.
    let history: Value = serde_json::from_str(
        fs::read_to_string(set.work_dir.join("octavia-pki-history.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let change = samples(&all, "octavia_pki_client_ca_change_seconds");
    assert_eq!(change.len(), 1);
    assert_eq!(change[0]["labels"]["created_before"], history["at"]);
    assert_eq!(deadline[0]["labels"], change[0]["labels"]);
    let at = time::OffsetDateTime::parse(
        history["at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(
        change[0]["value"].as_f64().unwrap() as i64,
        at.unix_timestamp()
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
    check_metrics(&metrics);
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

/// Debian's `promtool` in `dir`, which must succeed.
fn promtool(dir: &Path, args: &[&str]) {
    let out = run(std::process::Command::new("promtool")
        .args(args)
        .current_dir(dir));
    assert!(
        out.status.success(),
        "promtool {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `promtool check metrics`, Prometheus' own linter of the text format, finds
/// nothing to say about a textfile.
fn check_metrics(file: &Path) {
    let out = stdin_output(
        std::process::Command::new("promtool").args(["check", "metrics"]),
        &fs::read(file).unwrap(),
    );
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && printed.trim().is_empty(),
        "promtool check metrics {}: {printed}",
        file.display()
    );
}

/// The directory of the alert rules shipped in the Debian package.
fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../monitoring/prometheus")
}

/// Runs our binary with the clock at `at` (libfaketime; the monotonic clock
/// left alone, for the probe's timeouts).
fn at_time(at: time::OffsetDateTime) -> std::process::Command {
    let mut cmd = octavia_pki();
    let stamp = at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    cmd.env("LD_PRELOAD", libfaketime())
        .env(
            "FAKETIME",
            format!("@{}", stamp.trim_end_matches('Z').replace('T', " ")),
        )
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("TZ", "UTC");
    cmd
}

/// A textfile's samples ([`parsed`]) as a promtool unit test's `input_series`, as
/// Prometheus holds them after scraping `instance`: each held for 20 minutes
/// of the test's clock, whose 0 stands for `zero` (Unix time): a metric whose
/// help says it is a Unix time is counted from there.
fn input_series(samples: &[Value], instance: &str, zero: i64) -> Vec<Value> {
    samples
        .iter()
        .map(|s| {
            let mut labels: BTreeMap<String, String> =
                serde_json::from_value(s["labels"].clone()).unwrap();
            labels.insert("instance".into(), instance.into());
            let selector: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}={}", serde_json::to_string(v).unwrap()))
                .collect();
            let mut value = s["value"].as_f64().unwrap();
            if s["help"].as_str().unwrap().contains("(Unix time") {
                value -= zero as f64;
            }
            serde_json::json!({
                "series": format!("{}{{{}}}", s["name"].as_str().unwrap(), selector.join(",")),
                "values": format!("{value}x20"),
            })
        })
        .collect()
}

/// Debian's node_exporter, with only its textfile collector, on loopback;
/// stopped when dropped.
struct NodeExporter {
    child: std::process::Child,
    port: u16,
}

impl NodeExporter {
    /// Reads the textfiles of `dir`.
    fn start(dir: &Path) -> Self {
        let port = free_port();
        let child = std::process::Command::new("prometheus-node-exporter")
            .arg("--collector.disable-defaults")
            .arg("--collector.textfile")
            .arg(format!("--collector.textfile.directory={}", dir.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("prometheus-node-exporter (Debian's package; scripts/peers.sh installs it)");
        Self { child, port }
    }

    /// What Prometheus scrapes from it: `/metrics`. Bounded: 10 seconds for
    /// it to listen, 10 to answer.
    fn scrape(&self) -> String {
        use std::io::{Read, Write};
        for _ in 0..100 {
            if let Ok(mut tcp) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                    .unwrap();
                tcp.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .unwrap();
                let mut answer = String::new();
                tcp.read_to_string(&mut answer).unwrap();
                return answer;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("node_exporter does not listen on port {}", self.port);
    }
}

impl Drop for NodeExporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One case of a promtool unit test over real textfiles.
struct Case {
    name: String,
    /// When its textfiles were written (Unix time): 0 on the test's clock.
    zero: i64,
    /// Each textfile, with the instance that exports it.
    files: Vec<(PathBuf, &'static str)>,
    /// Its `alert_rule_test`.
    expected: Value,
}

/// The alerts a promtool unit test expects of `alertname` at 5 minutes.
fn expect(alertname: &str, alerts: Vec<Value>) -> Value {
    serde_json::json!({"eval_time": "5m", "alertname": alertname, "exp_alerts": alerts})
}

/// The alert rules shipped in `monitoring/prometheus` (and in the Debian
/// package): Debian's `promtool check rules` accepts them and their unit
/// tests (`promtool test rules`, which feed series and assert which alerts
/// fire, with what labels and text) pass. Then the rules are evaluated over
/// what `expiry` and `probe` really write, under libfaketime's clock, so the
/// two cannot drift apart: a set after `renew client-ca` (its old client CA
/// certificate ends in 10 years), an amphora list in which amphorae created
/// before the renewal remain, one in which they are gone, one without
/// `created_at`, no probe at all; from an hour after the renewal to a year
/// after the deadline. Debian's node_exporter reads a host's two textfiles
/// together. And every metric and label a rule reads, in its expression or
/// its text, is one they write (`instance` aside, which Prometheus adds when
/// it scrapes).
#[test]
fn the_alert_rules_pass_promtool_and_fire_on_what_expiry_and_probe_write() {
    let dir = rules_dir();
    promtool(&dir, &["check", "rules", "octavia-pki.rules"]);
    promtool(&dir, &["test", "rules", "octavia-pki_test.yml"]);

    let work = tempfile::tempdir().unwrap();
    let set = generate(&["--key-type", "ecdsa-p256"]);
    ok(octavia_pki()
        .args(["renew", "client-ca"])
        .args(set.change_args()));
    let history: Value = serde_json::from_str(
        fs::read_to_string(set.work_dir.join("octavia-pki-history.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let rfc3339 = |v: &Value| {
        time::OffsetDateTime::parse(
            v.as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    let created_before = history["at"].as_str().unwrap();
    let (changed, deadline) = (
        rfc3339(&history["at"]),
        rfc3339(&history["amphorae_deadline"]),
    );
    let day = time::Duration::days(1);
    assert!(deadline - changed > 3649 * day, "{history}");

    // Amphora lists as `amphora show -f json` prints them, one after the other.
    let show = |id: &str, created: Option<time::OffsetDateTime>| {
        let mut amphora = serde_json::json!({
            "id": id, "lb_network_ip": "127.0.0.1", "status": "ALLOCATED", "role": "STANDALONE",
        });
        if let Some(created) = created {
            let text = created
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            amphora["created_at"] = text.trim_end_matches('Z').into();
        }
        amphora.to_string()
    };
    let (old, new) = (
        Some(changed - 30 * day),
        Some(changed + time::Duration::hours(1)),
    );
    let lists = [
        (
            "old amphorae remain",
            Some([show("old", old), show("new", new)]),
        ),
        (
            "old amphorae gone",
            Some([show("new", new), show("newer", new)]),
        ),
        (
            "no created_at",
            Some([show("old", None), show("new", None)]),
        ),
        ("no probe", None),
    ];
    // The moments, and what the deadline alerts say at each (the severity,
    // when amphorae created before the renewal remain or may remain).
    let moments = [
        (
            "an hour after the renewal",
            changed + time::Duration::hours(1),
            None,
        ),
        ("31 days before the deadline", deadline - 31 * day, None),
        ("10 days before", deadline - 10 * day, Some("warning")),
        ("3 days before", deadline - 3 * day, Some("critical")),
        ("at the deadline", deadline, Some("critical")),
        ("a day after", deadline + day, Some("critical")),
        ("a year after", deadline + 365 * day, Some("critical")),
    ];
    let port = free_port().to_string();
    let mut cases: Vec<Case> = Vec::new();
    for (i, (moment, at, severity)) in moments.iter().enumerate() {
        // Written 5 minutes before: the test evaluates at 5m.
        let zero = *at - time::Duration::minutes(5);
        let expiry = work.path().join(format!("expiry-{i}.prom"));
        run(at_time(zero)
            .arg("expiry")
            .arg(&set.dir)
            .arg("--work-dir")
            .arg(&set.work_dir)
            .args(["--format", "prometheus", "--output"])
            .arg(&expiry));
        check_metrics(&expiry);
        for (j, (list, amphorae)) in lists.iter().enumerate() {
            let mut files = vec![(expiry.clone(), "deploy")];
            if let Some(amphorae) = amphorae {
                let file = work.path().join(format!("amphorae-{j}.json"));
                fs::write(&file, amphorae.join("\n")).unwrap();
                let probe = work.path().join(format!("probe-{i}-{j}.prom"));
                run(at_time(zero)
                    .arg("probe")
                    .arg("--dir")
                    .arg(&set.dir)
                    .arg("--amphorae")
                    .arg(&file)
                    .args(["--port", &port, "--timeout", "5", "--no-anonymous-check"])
                    .args(["--format", "prometheus", "--output"])
                    .arg(&probe));
                check_metrics(&probe);
                files.push((probe, "hm1"));
            }
            let alert = |severity: &str| {
                serde_json::json!({"exp_labels": {
                    "severity": severity, "created_before": created_before, "instance": "deploy",
                }})
            };
            let remain = *list == "old amphorae remain";
            let unknown = matches!(*list, "no created_at" | "no probe");
            let expected = serde_json::json!([
                expect(
                    "OctaviaPkiAmphoraeFailoverDeadline",
                    (*severity)
                        .filter(|_| remain)
                        .map(alert)
                        .into_iter()
                        .collect(),
                ),
                expect(
                    "OctaviaPkiAmphoraeCreationUnknown",
                    (*severity)
                        .filter(|_| unknown)
                        .map(alert)
                        .into_iter()
                        .collect(),
                ),
            ]);
            cases.push(Case {
                name: format!("{moment}, {list}"),
                zero: zero.unix_timestamp(),
                files,
                expected,
            });
        }
    }

    // A set made under a clock two days ahead: each certificate is not yet
    // valid (Nagios CRITICAL), and each fires the rule.
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    let early = work.path().join("early");
    let passwords = work.path().join("passwords.yml");
    let (server, client) = test_passphrases();
    write_passwords(&passwords, &server, &client);
    ok(at_time(now + 2 * day)
        .arg("generate")
        .arg("--dir")
        .arg(early.join("config"))
        .arg("--work-dir")
        .arg(early.join("work"))
        .arg("--passwords")
        .arg(&passwords)
        .args(["--key-type", "ecdsa-p256"]));
    let expiry = |format: &str, output: &Path| {
        run(octavia_pki()
            .arg("expiry")
            .arg(early.join("config"))
            .arg("--work-dir")
            .arg(early.join("work"))
            .args(["--format", format, "--output"])
            .arg(output))
    };
    let metrics = work.path().join("early.prom");
    assert_eq!(expiry("prometheus", &metrics).status.code(), Some(2));
    check_metrics(&metrics);
    let report = work.path().join("early.json");
    expiry("json", &report);
    let report: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    let not_yet_valid: Vec<Value> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["not_before"].is_null())
        .map(|e| {
            serde_json::json!({"exp_labels": {
                "severity": "critical", "instance": "deploy",
                "file": e["file"], "role": e["role"], "subject": e["subject"],
            }})
        })
        .collect();
    assert_eq!(not_yet_valid.len(), 5, "{report:#}");
    cases.push(Case {
        name: "a set not yet valid".into(),
        zero: now.unix_timestamp(),
        files: vec![(metrics, "deploy")],
        expected: serde_json::json!([expect("OctaviaPkiCertificateNotYetValid", not_yet_valid)]),
    });

    // Every textfile, read by Prometheus' client in one Python.
    let mut files: Vec<&Path> = cases
        .iter()
        .flat_map(|c| c.files.iter().map(|(f, _)| f.as_path()))
        .collect();
    files.sort();
    files.dedup();
    let written: BTreeMap<&Path, Vec<Value>> =
        files.iter().copied().zip(parsed_each(&files)).collect();
    // What the probe wrote of the amphorae's creation is what the list said.
    let probe = &written[work.path().join("probe-0-0.prom").as_path()];
    let created: BTreeMap<&str, i64> = samples(probe, "octavia_pki_amphora_created_seconds")
        .iter()
        .map(|s| {
            let id = s["labels"]["amphora_id"].as_str().unwrap();
            (id, s["value"].as_f64().unwrap() as i64)
        })
        .collect();
    let old = old.unwrap().replace_nanosecond(0).unwrap().unix_timestamp();
    let new = new.unwrap().replace_nanosecond(0).unwrap().unix_timestamp();
    assert_eq!(created, BTreeMap::from([("old", old), ("new", new)]));
    assert_eq!(
        samples(probe, "octavia_pki_amphorae_created_unknown")[0]["value"],
        0.0
    );
    let listed = &written[work.path().join("probe-0-2.prom").as_path()];
    assert!(samples(listed, "octavia_pki_amphora_created_seconds").is_empty());
    assert_eq!(
        samples(listed, "octavia_pki_amphorae_created_unknown")[0]["value"],
        2.0
    );
    let tests: Vec<Value> = cases
        .iter()
        .map(|c| {
            let series: Vec<Value> = c
                .files
                .iter()
                .flat_map(|(f, instance)| input_series(&written[f.as_path()], instance, c.zero))
                .collect();
            serde_json::json!({
                "name": c.name, "interval": "1m", "input_series": series,
                "alert_rule_test": c.expected,
            })
        })
        .collect();

    // node_exporter's textfile collector reads both textfiles of a host
    // together (one family in both: the same help), as Prometheus would
    // scrape them.
    let textfiles = work.path().join("textfile");
    fs::create_dir(&textfiles).unwrap();
    for (from, to) in [
        ("expiry-0.prom", "octavia-pki-expiry.prom"),
        ("probe-0-0.prom", "octavia-pki-probe.prom"),
    ] {
        fs::copy(work.path().join(from), textfiles.join(to)).unwrap();
    }
    let scraped = NodeExporter::start(&textfiles).scrape();
    assert!(
        scraped.starts_with("HTTP/1.0 200") || scraped.starts_with("HTTP/1.1 200"),
        "{scraped}"
    );
    assert!(
        scraped.contains("\nnode_textfile_scrape_error 0\n"),
        "{scraped}"
    );
    for file in ["expiry-0.prom", "probe-0-0.prom"] {
        for s in &written[work.path().join(file).as_path()] {
            let family = format!("\n# TYPE {} gauge\n", s["family"].as_str().unwrap());
            assert!(scraped.contains(&family), "{family} in {scraped}");
        }
    }
    for command in ["expiry", "probe"] {
        let run = format!("\noctavia_pki_run_timestamp_seconds{{command=\"{command}\"}} ");
        assert!(scraped.contains(&run), "{run} in {scraped}");
    }

    // The rules as shipped, their texts aside (the unit tests above hold
    // them): the expressions and labels are what meet the metrics.
    let rules = work.path().join("expressions.rules");
    ok(peer_python()
        .arg("-c")
        .arg(
            "import sys, yaml\n\
             rules = yaml.safe_load(open(sys.argv[1]))\n\
             for g in rules['groups']:\n\
             \x20   for r in g['rules']:\n\
             \x20       r.pop('annotations', None)\n\
             yaml.safe_dump(rules, open(sys.argv[2], 'w'))\n",
        )
        .arg(dir.join("octavia-pki.rules"))
        .arg(&rules));
    // JSON is YAML: promtool reads it as its test file.
    let file = work.path().join("real_test.yml");
    fs::write(
        &file,
        serde_json::json!({
            "rule_files": [rules],
            "evaluation_interval": "1m",
            "tests": tests,
        })
        .to_string(),
    )
    .unwrap();
    promtool(work.path(), &["test", "rules", file.to_str().unwrap()]);

    // Each rule's metrics, and the labels it reads ($labels.X, matchers).
    let written_samples: Vec<Value> = written.into_values().flatten().collect();
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
        // In the expression and in the queries of its text.
        let metrics: Vec<String> = words(&text, "octavia_pki_")
            .into_iter()
            .map(|w| format!("octavia_pki_{w}"))
            .collect();
        let mut labels = words(&text, "$labels.");
        // Label matchers: `{name="..."}` and `{name!~"..."}`, each of a list.
        for (i, _) in expr.match_indices(['{', ',']) {
            let name: String = expr[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            labels.push(name);
        }
        for metric in &metrics {
            let samples = samples(&written_samples, metric);
            if samples.is_empty() {
                missing.push(format!("{}: no {metric} written", rule["alert"]));
            }
            // A label a metric family has is on each of its samples.
            for label in labels.iter().filter(|l| !l.is_empty() && *l != "instance") {
                if !samples.iter().any(|s| s["labels"].get(label).is_some()) {
                    continue;
                }
                if !samples.iter().all(|s| s["labels"].get(label).is_some()) {
                    missing.push(format!(
                        "{}: {metric} lacks {label} at times",
                        rule["alert"]
                    ));
                }
            }
        }
        // Each label the rule reads is on one of its metrics.
        for label in labels.iter().filter(|l| !l.is_empty() && *l != "instance") {
            let on_one = metrics.iter().any(|m| {
                let samples = samples(&written_samples, m);
                !samples.is_empty() && samples.iter().all(|s| s["labels"].get(label).is_some())
            });
            if !on_one {
                missing.push(format!(
                    "{}: no metric of it has the label {label}",
                    rule["alert"]
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
