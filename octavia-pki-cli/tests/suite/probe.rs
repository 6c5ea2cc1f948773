//! `octavia-pki probe` against Octavia 19's own amphora agent
//! (`octavia.cmd.agent`, gunicorn, started on loopback by
//! tests/peers/amphora_agent.py), with amphora certificates minted by
//! Octavia's `LocalCertGenerator` (or, where it cannot, by Python's
//! cryptography with the CA key), and against misbehaving listeners.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;

/// An amphora certificate Octavia's LocalCertGenerator cannot make (it
/// cannot backdate, nor leave out the SAN), signed with the set's server CA
/// key by Python's cryptography.
fn forge(set: &GeneratedSet, id: &str, days: i32, no_san: bool) -> PathBuf {
    let out = set.tmp.path().join(format!("forged-{id}.pem"));
    let mut cmd = python_script("tests/peers/amphora_agent.py");
    cmd.arg("forge")
        .arg("--ca-cert")
        .arg(set.dir.join("server_ca.cert.pem"))
        .arg("--ca-key")
        .arg(set.dir.join("server_ca.key.pem"))
        .arg("--passphrase-file")
        .arg(&set.server_pass_file)
        .arg("--out")
        .arg(&out)
        .args(["--amphora-id", id, "--days", &days.to_string()]);
    if no_san {
        cmd.arg("--no-san");
    }
    ok(&mut cmd);
    out
}

fn probe_json(dir: &Path, args: &[String]) -> (Value, Option<i32>) {
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(dir)
        .args(["--format", "json", "--timeout", "5"])
        .args(args));
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code())
}

/// The status of each target, in order.
fn statuses(report: &Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_status_against_octavias_own_agent() {
    let work = tempfile::tempdir().unwrap();
    let a = generate(&["--key-type", "ecdsa-p256"]);
    let b = generate(&["--key-type", "ecdsa-p256"]);
    let a_client_ca = a.dir.join("client_ca.cert.pem");
    let (good_cert, good_id) = a.octavia_amphora();
    let (old_cert, old_id) = b.octavia_amphora();
    let expired_id = "e0000000-0000-4000-8000-000000000001";
    let expiring_id = "e0000000-0000-4000-8000-000000000002";
    let no_san_id = "e0000000-0000-4000-8000-000000000003";
    let expired = forge(&a, expired_id, -2, false);
    let expiring = forge(&a, expiring_id, 3, false);
    let no_san = forge(&a, no_san_id, 20, true);

    let mut agents = vec![
        (
            "good",
            Agent::start(work.path(), "good", &good_cert, &a_client_ca, &good_id, &[]),
        ),
        // Booted with another client CA (the controllers' changed since).
        (
            "other-client-ca",
            Agent::start(
                work.path(),
                "other-client-ca",
                &good_cert,
                &b.dir.join("client_ca.cert.pem"),
                &good_id,
                &[],
            ),
        ),
        // Its certificate from a previous server CA.
        (
            "old-server-ca",
            Agent::start(
                work.path(),
                "old-server-ca",
                &old_cert,
                &a_client_ca,
                &old_id,
                &[],
            ),
        ),
        (
            "expired",
            Agent::start(
                work.path(),
                "expired",
                &expired,
                &a_client_ca,
                expired_id,
                &[],
            ),
        ),
        (
            "expiring",
            Agent::start(
                work.path(),
                "expiring",
                &expiring,
                &a_client_ca,
                expiring_id,
                &[],
            ),
        ),
        (
            "no-san",
            Agent::start(work.path(), "no-san", &no_san, &a_client_ca, no_san_id, &[]),
        ),
        // An image from before the CVE-2019-17134 fix.
        (
            "anonymous",
            Agent::start(
                work.path(),
                "anonymous",
                &good_cert,
                &a_client_ca,
                &good_id,
                &["--no-client-cert"],
            ),
        ),
    ];
    for (name, agent) in &mut agents {
        agent.wait_ready(work.path(), name);
    }
    let port = |name: &str| agents.iter().find(|(n, _)| *n == name).unwrap().1.port;
    let closed = free_port();
    // Accepts TCP, never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();

    let at = |id: &str, name: &str| format!("{id}@127.0.0.1:{}", port(name));
    let targets = vec![
        at(&good_id, "good"),
        at(&good_id, "other-client-ca"),
        at(&old_id, "old-server-ca"),
        at(expired_id, "expired"),
        at(expiring_id, "expiring"),
        at("e0000000-0000-4000-8000-00000000000f", "good"), // another amphora's certificate
        at(no_san_id, "no-san"),
        at(&good_id, "anonymous"),
        format!("127.0.0.1:{closed}"),
        format!("127.0.0.1:{silent_port}"),
        format!("127.0.0.1:{}", port("good")), // no id: the chain only
    ];
    let started = Instant::now();
    let (report, status) = probe_json(&a.dir, &targets);
    let elapsed = started.elapsed();
    assert_eq!(
        statuses(&report),
        [
            "ok",
            "amphora-rejects-controller",
            "amphora-cert-untrusted",
            "amphora-cert-expired",
            "amphora-cert-expiring",
            "amphora-cert-name-mismatch",
            "amphora-cert-no-san",
            "amphora-accepts-anonymous",
            "connect-refused",
            "handshake-timeout",
            "ok",
        ],
        "{report:#}"
    );
    assert_eq!(status, Some(1));
    // The silent listener costs one --timeout (5 s), not one per connection.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    let t = &report["targets"];
    assert_eq!(t[0]["api_version"], "1.0");
    assert_eq!(t[0]["issuer_index"], 0);
    assert_eq!(t[0]["anonymous"], "refused");
    assert_eq!(t[0]["certificate"]["cn"], good_id.as_str());
    assert!(["TLSv1.2", "TLSv1.3"].contains(&t[0]["tls_version"].as_str().unwrap()));
    assert!(
        t[1]["message"]
            .as_str()
            .unwrap()
            .contains("alert unknown ca"),
        "{}",
        t[1]
    );
    assert!(
        t[2]["message"]
            .as_str()
            .unwrap()
            .contains("unable to get local issuer certificate"),
        "{}",
        t[2]
    );
    assert!(t[2]["issuer_index"].is_null());
    assert_eq!(t[4]["certificate"]["days_left"], 2);
    assert!(
        t[5]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("doesn't match '{good_id}'"))
    );
    assert_eq!(t[7]["anonymous"], "accepted");
    assert_eq!(t[10]["certificate"]["cn"], good_id.as_str());
    assert_eq!(report["summary"]["ok"], 2);
    for target in t.as_array().unwrap() {
        assert!(!target["fix"].as_str().unwrap().is_empty());
        assert!(target["elapsed_ms"].as_u64().unwrap() <= 5_500, "{target}");
    }

    // The previous server CA kept after the current one in the server CA
    // file: its amphorae are trusted, issued by certificate 1.
    let kept = work.path().join("kept");
    std::fs::create_dir(&kept).unwrap();
    for f in [
        "client.cert-and-key.pem",
        "client_ca.cert.pem",
        "server_ca.key.pem",
    ] {
        std::fs::copy(a.dir.join(f), kept.join(f)).unwrap();
    }
    let both = [
        std::fs::read(a.dir.join("server_ca.cert.pem")).unwrap(),
        std::fs::read(b.dir.join("server_ca.cert.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(kept.join("server_ca.cert.pem"), both).unwrap();
    let (report, status) = probe_json(&kept, &[at(&old_id, "old-server-ca"), at(&good_id, "good")]);
    assert_eq!(statuses(&report), ["ok", "ok"], "{report:#}");
    assert_eq!(report["targets"][0]["issuer_index"], 1);
    assert_eq!(report["targets"][1]["issuer_index"], 0);
    assert_eq!(status, Some(0));

    // The amphora list as `openstack loadbalancer amphora list -f json`
    // prints it, on standard input; the database's cert_expiration compared.
    let not_after = report["targets"][1]["certificate"]["not_after"]
        .as_str()
        .unwrap()
        .trim_end_matches('Z')
        .to_owned();
    let list = serde_json::json!([
        amphora_row(&good_id, "127.0.0.1", &not_after),
        amphora_row(expiring_id, "127.0.0.1", "2030-01-01T00:00:00"),
        {"id": "e0000000-0000-4000-8000-0000000000aa", "loadbalancer_id": null, "compute_id": null,
         "lb_network_ip": null, "status": "BOOTING", "role": null, "cert_expiration": null, "created_at": "2026-11-20T10:00:00"},
    ]);
    let out = stdin_output(
        octavia_pki()
            .arg("probe")
            .arg("--dir")
            .arg(&a.dir)
            .args([
                "--amphorae",
                "-",
                "--format",
                "json",
                "--timeout",
                "5",
                "--port",
            ])
            .arg(port("good").to_string()),
        list.to_string().as_bytes(),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        statuses(&report),
        ["ok", "amphora-cert-name-mismatch", "skipped"],
        "{report:#}"
    );
    assert_eq!(report["targets"][0]["serves_database_certificate"], true);
    assert_eq!(report["targets"][0]["record"]["role"], "STANDALONE");
    assert_eq!(report["targets"][1]["serves_database_certificate"], false);
    assert_eq!(out.status.code(), Some(1));

    // The database believes in another certificate: a warning.
    let list = serde_json::json!([amphora_row(&good_id, "127.0.0.1", "2030-01-01T00:00:00")]);
    let file = work.path().join("amphorae.json");
    std::fs::write(&file, list.to_string()).unwrap();
    let (report, status) = probe_json(
        &a.dir,
        &[
            "--amphorae".into(),
            file.display().to_string(),
            "--port".into(),
            port("good").to_string(),
        ],
    );
    assert_eq!(
        statuses(&report),
        ["amphora-cert-not-in-database"],
        "{report:#}"
    );
    assert_eq!(status, Some(0));

    // For people: errors first, then per status the fix and the failover commands.
    let human = String::from_utf8(
        run(octavia_pki()
            .arg("probe")
            .arg("--dir")
            .arg(&a.dir)
            .args(["--timeout", "5"])
            .args([at(&good_id, "good"), at(&good_id, "other-client-ca")]))
        .stdout,
    )
    .unwrap();
    let lines: Vec<&str> = human.lines().collect();
    assert!(
        lines[1].starts_with("error") && lines[1].contains("amphora-rejects-controller"),
        "{human}"
    );
    assert!(
        human.contains(&format!(
            "openstack loadbalancer amphora failover {good_id}"
        )),
        "{human}"
    );
    assert!(
        human
            .trim_end()
            .ends_with("Summary: 1 amphora-rejects-controller, 1 ok"),
        "{human}"
    );
    drop(agents);
}

fn amphora_row(id: &str, address: &str, cert_expiration: &str) -> Value {
    serde_json::json!({
        "id": id, "loadbalancer_id": "7f1e5a52-3a3c-4f0e-b6a5-2b5d3f9f6c11",
        "compute_id": "2d9f8b7e-8c2a-4e9b-9d7c-6a5b4c3d2e1f", "lb_network_ip": address,
        "vrrp_ip": null, "ha_ip": null, "vrrp_port_id": null, "ha_port_id": null,
        "cert_expiration": cert_expiration, "cert_busy": false, "role": "STANDALONE",
        "status": "ALLOCATED", "vrrp_interface": null, "vrrp_id": null, "vrrp_priority": null,
        "cached_zone": "nova", "created_at": "2026-11-20T10:00:00", "updated_at": "2026-11-21T10:00:00",
        "image_id": "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "compute_flavor": "65"
    })
}

/// A listener that misbehaves in one way for every connection, until dropped.
struct Misbehaving {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Misbehaving {
    fn start(behave: fn(TcpStream)) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            let mut served = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        stream
                            .set_write_timeout(Some(Duration::from_secs(2)))
                            .unwrap();
                        served.push(thread::spawn(move || behave(stream)));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(20)),
                }
            }
            for s in served {
                let _ = s.join();
            }
        });
        Misbehaving {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Misbehaving {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads what the client sends first (its ClientHello), bounded.
fn read_hello(stream: &mut TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf);
}

#[test]
fn misbehaving_peers_get_a_status_within_the_timeout_and_never_a_panic() {
    let garbage = Misbehaving::start(|mut s| {
        read_hello(&mut s);
        let _ = s.write_all(&[0x5a; 2048]);
    });
    let closes = Misbehaving::start(|mut s| {
        read_hello(&mut s);
        // Closed mid-handshake.
    });
    let trickle = Misbehaving::start(|mut s| {
        read_hello(&mut s);
        // A TLS record header, then one byte a second.
        for byte in [0x16u8, 0x03, 0x03, 0x00, 0x40]
            .into_iter()
            .chain([0u8; 60])
        {
            if s.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    let huge = Misbehaving::start(|mut s| {
        read_hello(&mut s);
        // A ServerHello announcing 10 MB, and the bytes to go with it.
        let mut first = vec![0x16, 0x03, 0x03, 0x40, 0x00, 0x02, 0xa0, 0x00, 0x00];
        first.resize(5 + 0x4000, 0);
        if s.write_all(&first).is_err() {
            return;
        }
        for _ in 0..640 {
            let mut record = vec![0x16, 0x03, 0x03, 0x40, 0x00];
            record.resize(5 + 0x4000, 0);
            if s.write_all(&record).is_err() {
                return;
            }
        }
    });
    let http = Misbehaving::start(|mut s| {
        read_hello(&mut s);
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let set = generate(&["--key-type", "ecdsa-p256"]);
    // A TLS service that is not the agent: openssl s_server -www, with a
    // good amphora certificate, answers GET / with its HTML status page.
    let (cert, id) = set.octavia_amphora();
    let www_port = free_port();
    let mut www = Process(
        openssl()
            .args(["s_server", "-accept"])
            .arg(format!("127.0.0.1:{www_port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&cert)
            .arg("-CAfile")
            .arg(set.dir.join("client_ca.cert.pem"))
            .args(["-Verify", "1", "-verify_return_error", "-www", "-quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    www.wait_listening(www_port);
    // A filtered port, on loopback: a listener whose accept queue (backlog 0)
    // is full drops every further SYN, so connecting times out.
    let (full, full_port) = printing_its_port(peer_python().args([
        "-c",
        "import socket, time\n\
         s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)\n\
         print(s.getsockname()[1], flush=True); time.sleep(300)",
    ]));
    let mut queued = Vec::new();
    while let Ok(s) = TcpStream::connect_timeout(
        &([127, 0, 0, 1], full_port).into(),
        Duration::from_millis(300),
    ) {
        queued.push(s);
        assert!(queued.len() < 100, "the accept queue never filled");
    }
    let mut targets: Vec<String> = [&garbage, &closes, &trickle, &huge, &http]
        .iter()
        .map(|m| {
            format!(
                "a0000000-0000-4000-8000-00000000000{}@127.0.0.1:{}",
                m.port % 10,
                m.port
            )
        })
        .collect();
    targets.push(format!("{id}@127.0.0.1:{www_port}"));
    targets.push(format!("127.0.0.1:{full_port}"));
    let started = Instant::now();
    let out = run(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .args(["--format", "json", "--timeout", "3"])
        .args(&targets));
    let elapsed = started.elapsed();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        statuses(&report),
        [
            "tls-failure",
            "tls-failure",
            "handshake-timeout",
            "tls-failure",
            "tls-failure",
            "not-an-amphora-agent",
            "connect-timeout",
        ],
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(1));
    // All at once, each within its 3 s.
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    for t in report["targets"].as_array().unwrap() {
        assert!(t["elapsed_ms"].as_u64().unwrap() <= 3_500, "{t}");
        assert!(!t["message"].as_str().unwrap().is_empty(), "{t}");
    }
    assert!(
        report["targets"][0]["message"]
            .as_str()
            .unwrap()
            .contains("does not speak TLS"),
        "{report:#}"
    );
    drop((garbage, closes, trickle, huge, http, www, full, queued));
}

/// A process killed and reaped when dropped.
struct Process(Child);

impl Process {
    /// Waits (bounded) until something listens on `port`.
    fn wait_listening(&mut self, port: u16) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            assert!(matches!(self.0.try_wait(), Ok(None)), "it exited");
            thread::sleep(Duration::from_millis(50));
        }
        panic!("nothing listens on {port} after 20 s");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn bad_targets_and_missing_files_are_usage_errors_naming_the_cause() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let probe = |args: &[&str]| {
        let out = run(octavia_pki()
            .arg("probe")
            .arg("--dir")
            .arg(&set.dir)
            .args(args));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = probe(&["id with space@1.2.3.4"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("expected AMPHORA_ID@HOST[:PORT]"), "{err}");
    let (code, err) = probe(&["10.0.0.1:99999"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("port"), "{err}");
    let (code, err) = probe(&[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no amphora to probe"), "{err}");
    // An amphora list of none is a cloud without amphorae: all well, in
    // every format, not an error every monitoring run would raise.
    let empty = set.tmp.path().join("empty.json");
    std::fs::write(&empty, "[]\n").unwrap();
    for format in ["human", "json", "prometheus"] {
        let out = run(octavia_pki()
            .arg("probe")
            .arg("--dir")
            .arg(&set.dir)
            .arg("--amphorae")
            .arg(&empty)
            .args(["--format", format]));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{format}: {stdout}");
        let whole = match format {
            "human" => "Summary: the amphora list holds no amphora",
            "json" => "\"targets\": []",
            _ => "octavia_pki_run_success{command=\"probe\"} 1",
        };
        assert!(stdout.contains(whole), "{format}: {stdout}");
    }
    let not_json = set.tmp.path().join("amphorae.json");
    std::fs::write(&not_json, "id  lb_network_ip\nabc 10.0.0.1\n").unwrap();
    let (code, err) = probe(&["--amphorae", not_json.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("amphorae.json") && err.contains("not JSON"),
        "{err}"
    );
    let (code, err) = probe(&["--amphorae", "/nonexistent/amphorae.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/nonexistent/amphorae.json"), "{err}");
    // No client bundle: the file named.
    std::fs::remove_file(set.dir.join("client.cert-and-key.pem")).unwrap();
    let (code, err) = probe(&["127.0.0.1:9"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("client.cert-and-key.pem"), "{err}");
}

/// Starts tests/peers/tls_stand_in.py in `mode` with the set's amphora
/// certificate; returns it and its port.
fn stand_in(set: &GeneratedSet, cert: &Path, mode: &str) -> (Process, u16) {
    let (mut server, port) = printing_its_port(
        python_script("tests/peers/tls_stand_in.py")
            .arg(cert)
            .arg(set.dir.join("client_ca.cert.pem"))
            .arg(mode),
    );
    server.wait_listening(port);
    (server, port)
}

/// Starts `cmd`, a listener that prints its port as its first line.
fn printing_its_port(cmd: &mut std::process::Command) -> (Process, u16) {
    let mut process = Process(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(process.0.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    (process, line.trim().parse().unwrap())
}

#[test]
fn a_whole_answer_on_a_kept_alive_connection_and_a_silent_anonymous_handshake() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (cert, id) = set.octavia_amphora();
    // An agent that ignores `Connection: close`: ok, well before the timeout.
    let (_kept, port) = stand_in(&set, &cert, "keep-alive");
    let started = Instant::now();
    let (report, code) = probe_json(&set.dir, &[format!("{id}@127.0.0.1:{port}")]);
    assert_eq!(statuses(&report), ["ok"], "{report:#}");
    assert_eq!(code, Some(0));
    assert_eq!(report["targets"][0]["anonymous"], "refused", "{report:#}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // One that lets an anonymous client finish the handshake, then says
    // nothing: not ok in silence.
    let (_silent, port) = stand_in(&set, &cert, "silent-to-anonymous");
    let (report, _) = probe_json(&set.dir, &[format!("{id}@127.0.0.1:{port}")]);
    let target = &report["targets"][0];
    assert_eq!(target["anonymous"], "silent", "{report:#}");
    assert!(
        target["message"]
            .as_str()
            .unwrap()
            .contains("it may accept anonymous clients"),
        "{report:#}"
    );
    let human = ok(octavia_pki()
        .arg("probe")
        .arg("--dir")
        .arg(&set.dir)
        .args(["--timeout", "2"])
        .arg(format!("{id}@127.0.0.1:{port}")));
    assert!(human.contains("it may accept anonymous clients"), "{human}");
}

/// Progress (amphorae done, failures so far, rate) is drawn on standard
/// error when it is a terminal (here `script`'s pseudo-terminal), never in
/// the report, and not at all when standard error is not a terminal.
#[test]
fn probe_progress_shows_on_a_terminal_only() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let targets: Vec<String> = (1..=3)
        .map(|i| {
            format!(
                "{i:08}-1111-1111-1111-111111111111@127.0.0.1:{}",
                free_port()
            )
        })
        .collect();
    let report = set.tmp.path().join("probe.json");
    let mut args = vec![
        env!("CARGO_BIN_EXE_octavia-pki").to_owned(),
        "probe".into(),
        "--dir".into(),
        set.dir.display().to_string(),
        "--timeout".into(),
        "5".into(),
        "--format".into(),
        "json".into(),
        "--output".into(),
        report.display().to_string(),
    ];
    args.extend(targets);
    // Not a terminal: nothing on stderr but what the report holds.
    let out = run(std::process::Command::new(&args[0]).args(&args[1..]));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("amphorae"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // On a terminal.
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let typescript = set.tmp.path().join("typescript");
    run(std::process::Command::new("script")
        .args(["-q", "-e", "-c", &quoted.join(" ")])
        .arg(&typescript));
    let drawn = std::fs::read_to_string(&typescript).unwrap();
    assert!(drawn.contains("3/3 amphorae, 3 failed"), "{drawn}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["targets"].as_array().unwrap().len(), 3);
}

/// A name that cannot resolve (`.invalid`, RFC 6761) is this host's failure,
/// not the amphora's: `local-name-unresolved`, a warning with no failover
/// advised, and exit 2 (the probe is not whole), in every format.
#[test]
fn a_name_that_does_not_resolve_is_no_reason_to_fail_an_amphora_over() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let unresolved = "0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f@amphora.invalid";
    let refused = format!(
        "a1b2c3d4-0000-4000-8000-000000000001@127.0.0.1:{}",
        free_port()
    );
    let (report, code) = probe_json(&set.dir, &[unresolved.to_owned(), refused.clone()]);
    assert_eq!(
        statuses(&report),
        ["local-name-unresolved", "connect-refused"],
        "{report:#}"
    );
    let target = &report["targets"][0];
    assert_eq!(target["severity"], "warning", "{report:#}");
    assert!(
        target["message"]
            .as_str()
            .unwrap()
            .contains("amphora.invalid")
            && !target["fix"].as_str().unwrap().contains("failover ID"),
        "{report:#}"
    );
    // An error status found elsewhere is still exit 1.
    assert_eq!(code, Some(1));
    let out = run(octavia_pki().arg("probe").arg("--dir").arg(&set.dir).args([
        "--timeout",
        "5",
        unresolved,
    ]));
    let human = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{human}{stderr}");
    assert!(!human.contains("failover 0b9a5d43"), "{human}");
    assert!(
        human.contains(
            "local-name-unresolved (1): Nothing is known of the amphora: do not fail it over"
        ) && human.contains("\n  0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f@amphora.invalid:9443\n"),
        "{human}"
    );
    assert!(
        stderr.contains("1 of 1 amphora could not be tested on this host (local-name-unresolved)"),
        "{stderr}"
    );
    let out = run(octavia_pki().arg("probe").arg("--dir").arg(&set.dir).args([
        "--timeout",
        "5",
        "--format",
        "prometheus",
        unresolved,
    ]));
    let metrics = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{metrics}");
    assert!(
        metrics.contains("status=\"local-name-unresolved\",severity=\"warning\"} 1")
            && metrics.contains("octavia_pki_run_success{command=\"probe\"} 0"),
        "{metrics}"
    );
}

/// Under a file-descriptor limit too low for `--concurrency`, fewer amphorae
/// are probed at once (said on standard error) and none is reported for this
/// host's want of descriptors; under one too low for any, a clear error.
/// The limit is set on the child by util-linux's `prlimit`.
#[test]
fn the_file_descriptor_limit_bounds_the_amphorae_in_flight() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    // Connections complete in the listen queue, then nothing answers: each
    // amphora holds its descriptor for the whole --timeout.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let targets: Vec<String> = (0..60).map(|_| format!("127.0.0.1:{port}")).collect();
    let probe = |limit: u32| {
        run(std::process::Command::new("prlimit")
            .arg(format!("--nofile={limit}:{limit}"))
            .arg(env!("CARGO_BIN_EXE_octavia-pki"))
            .arg("probe")
            .arg("--dir")
            .arg(&set.dir)
            .args(["--timeout", "1", "--format", "json"])
            .args(&targets))
    };
    let out = probe(48);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert!(
        stderr.contains("notice: probing")
            && stderr.contains(
                "amphorae at once, not 64: the file-descriptor limit (`ulimit -n`) is 48"
            ),
        "{stderr}"
    );
    assert_eq!(
        statuses(&report),
        vec!["handshake-timeout"; 60],
        "{report:#}\n{stderr}"
    );
    assert!(!report.to_string().contains("Too many open files"));
    assert_eq!(out.status.code(), Some(1));
    let out = probe(16);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the file-descriptor limit is 16")
            && stderr.contains("raise the limit to at least")
            && stderr.contains("ulimit -n"),
        "{stderr}"
    );
    // --format json: the failure as the error report, nothing else.
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("file-descriptor limit")),
        "{error:#}"
    );
    drop(silent);
}

/// Housekeeping that stopped rotating amphora certificates, said before
/// they expire: Octavia's LocalCertGenerator issues the amphora its
/// certificate with the default validity (30 days) and Octavia's own agent
/// serves it; our binary probes it under libfaketime's clock, days later
/// (the monotonic clock left alone, for the timeouts). With Octavia's
/// defaults (a 14-day buffer, an hourly pass) it is `ok` 10 days on and
/// `housekeeping-not-rotating` 20 days on, with kolla-ansible's container
/// and log lines to look at; an octavia.conf with other values is honoured
/// (a 25-day buffer flags it 10 days on, a 5-day one leaves it ok 20 days
/// on), and the amphora list's `cert_busy` is said.
#[test]
fn housekeeping_that_stopped_rotating_is_said_before_the_certificate_expires() {
    let work = tempfile::tempdir().unwrap();
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (cert, id) = set.octavia_amphora();
    let mut agent = Agent::start(
        work.path(),
        "housekeeping",
        &cert,
        &set.dir.join("client_ca.cert.pem"),
        &id,
        &[],
    );
    agent.wait_ready(work.path(), "housekeeping");
    let target = format!("{id}@127.0.0.1:{}", agent.port);
    let conf = |buffer_days: i64| {
        let path = work.path().join(format!("octavia-{buffer_days}.conf"));
        let file = |name: &str| set.dir.join(name).display().to_string();
        std::fs::write(
            &path,
            format!(
                "[certificates]\nca_certificate = {}\nca_private_key = {}\n\
                 [haproxy_amphora]\nserver_ca = {}\nclient_cert = {}\n\
                 [controller_worker]\nclient_ca = {}\n\
                 [house_keeping]\ncert_expiry_buffer = {}\ncert_interval = 3_600\n",
                file("server_ca.cert.pem"),
                file("server_ca.key.pem"),
                file("server_ca.cert.pem"),
                file("client.cert-and-key.pem"),
                file("client_ca.cert.pem"),
                buffer_days * 86_400
            ),
        )
        .unwrap();
        path
    };
    let probe_at = |days: u32, set_args: Vec<OsString>, format: &str| {
        let out = run(octavia_pki()
            .arg("probe")
            .args(set_args)
            .args(["--format", format, "--timeout", "5", "--no-anonymous-check"])
            .arg(&target)
            .env("LD_PRELOAD", libfaketime())
            .env("FAKETIME", format!("+{days}d"))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1"));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let json = |days: u32, set_args: Vec<OsString>| {
        let (code, stdout) = probe_at(days, set_args, "json");
        let report: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        (code, report)
    };
    let dir = || os(&[&"--dir", &set.dir]);

    // Within validity and before the buffer.
    let (code, report) = json(10, dir());
    assert_eq!(statuses(&report), ["ok"], "{report:#}");
    assert_eq!(code, Some(0));
    let housekeeping = &report["housekeeping"];
    assert_eq!(housekeeping["deployer"], "kolla");
    assert_eq!(housekeeping["rotation"]["cert_expiry_buffer"], 1_209_600);
    assert_eq!(
        housekeeping["rotation"]["config_files"],
        serde_json::json!([])
    );
    let certificate = &report["targets"][0]["certificate"];
    let not_after =
        time::OffsetDateTime::parse(certificate["not_after"].as_str().unwrap(), &Rfc3339).unwrap();
    let due = time::OffsetDateTime::parse(certificate["rotation_due"].as_str().unwrap(), &Rfc3339)
        .unwrap();
    assert_eq!(not_after - due, time::Duration::days(14));

    // Past the buffer by four days: housekeeping has not rotated it.
    let (code, report) = json(20, dir());
    assert_eq!(
        statuses(&report),
        ["housekeeping-not-rotating"],
        "{report:#}"
    );
    assert_eq!(code, Some(0), "a warning");
    let t = &report["targets"][0];
    assert_eq!(t["severity"], "warning");
    let message = t["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("due since {}", due.date())) && message.contains("it expires in"),
        "{message}"
    );
    let (_, human) = probe_at(20, dir(), "human");
    for said in [
        "housekeeping-not-rotating (1): Look at housekeeping",
        "the octavia_housekeeping container",
        "docker exec octavia_housekeeping grep -e 'Expiring certificate check interval is set to' -e 'cert rotation, amphora' /var/log/kolla/octavia/octavia-housekeeping.log",
        "[house_keeping] cert_expiry_buffer 14 days, cert_interval 1 hour (Octavia's defaults)",
        &format!("openstack loadbalancer amphora failover {id}"),
    ] {
        assert!(human.contains(said), "{said:?} not in:\n{human}");
    }

    // octavia.conf's values, not the defaults.
    let wide = conf(25);
    let (_, report) = json(10, os(&[&"--config-file", &wide]));
    assert_eq!(
        statuses(&report),
        ["housekeeping-not-rotating"],
        "{report:#}"
    );
    assert_eq!(
        report["housekeeping"]["rotation"]["cert_expiry_buffer"],
        25 * 86_400
    );
    assert_eq!(
        report["housekeeping"]["rotation"]["config_files"][0],
        wide.display().to_string()
    );
    let narrow = conf(5);
    let (_, report) = json(20, os(&[&"--config-file", &narrow]));
    assert_eq!(statuses(&report), ["ok"], "{report:#}");

    // The amphora list's cert_busy: a rotation that failed, never retried.
    let list = work.path().join("amphorae.json");
    std::fs::write(
        &list,
        serde_json::json!([{"id": id, "lb_network_ip": "127.0.0.1", "status": "ERROR",
            "cert_busy": true}])
        .to_string(),
    )
    .unwrap();
    let out = run(octavia_pki()
        .args([
            "probe",
            "--format",
            "json",
            "--timeout",
            "5",
            "--no-anonymous-check",
        ])
        .arg("--dir")
        .arg(&set.dir)
        .arg("--amphorae")
        .arg(&list)
        .args(["--port", &agent.port.to_string()])
        .env("LD_PRELOAD", libfaketime())
        .env("FAKETIME", "+20d")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        statuses(&report),
        ["housekeeping-not-rotating"],
        "{report:#}"
    );
    let message = report["targets"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("cert_busy is true") && message.contains("in ERROR"),
        "{message}"
    );

    // A value Octavia cannot read is named, with its file and line.
    let bad = work.path().join("bad.conf");
    std::fs::write(&bad, "[house_keeping]\ncert_expiry_buffer = 14d\n").unwrap();
    let out = run(octavia_pki()
        .args(["probe", "--timeout", "5"])
        .args(os(&[&"--config-file", &wide, &"--config-file", &bad]))
        .arg(&target));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 2: [house_keeping] cert_expiry_buffer is not an integer")
            && stderr.contains("rotates no amphora certificate"),
        "{stderr}"
    );
}
