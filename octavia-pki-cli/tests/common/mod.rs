//! Helpers shared by the CLI's integration tests: running our binary and the
//! real peers (the `openssl` CLI, Python's cryptography, Octavia itself).
#![allow(dead_code)] // each test file uses its own subset

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Our binary.
pub fn octavia_pki() -> Command {
    Command::new(env!("CARGO_BIN_EXE_octavia-pki"))
}

/// The Python that has Octavia 19 and cryptography installed. Set by
/// `scripts/test.sh` (and so by CI); a test that needs it fails without it,
/// rather than silently skipping.
pub fn python() -> Command {
    python_script("tests/peers/octavia_peer.py")
}

/// That Python, running one of this crate's test scripts.
pub fn python_script(relative: &str) -> Command {
    let mut cmd = peer_python();
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative));
    cmd
}

/// That Python, with no script yet.
pub fn peer_python() -> Command {
    let python = std::env::var_os("OCTAVIA_PKI_PYTHON").unwrap_or_else(|| {
        panic!(
            "OCTAVIA_PKI_PYTHON is not set: run the tests with `bash scripts/test.sh`, which \
             installs Octavia 19 and cryptography into target/peers-venv"
        )
    });
    Command::new(python)
}

/// One Octavia release installed beside the others (by `scripts/peers.sh`).
pub struct OctaviaPeer {
    /// Its version (`17.0.1`).
    pub version: String,
    /// The Python of its venv.
    pub python: PathBuf,
}

impl OctaviaPeer {
    /// Octavia's whole path (see `octavia_peer.py rehearse`) over each job
    /// (`{"dir", "layout", "passwords", "strict", "amphora_cert",
    /// "amphora_id"}`), in one Python process; one verdict per job. Asserts
    /// that the verdicts come from this release.
    pub fn rehearse_batch(&self, jobs: &[serde_json::Value]) -> Vec<serde_json::Value> {
        let mut child = Command::new(&self.python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
            .arg("rehearse-batch")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.python.display()));
        let input = serde_json::to_vec(jobs).unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Written from a thread: a large answer must not block on a full pipe.
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(
            out.status.success(),
            "Octavia {} rehearse-batch failed: {}",
            self.version,
            String::from_utf8_lossy(&out.stderr)
        );
        let verdicts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(verdicts.len(), jobs.len());
        for v in &verdicts {
            assert_eq!(v["octavia"], self.version.as_str(), "the wrong Octavia ran");
        }
        verdicts
    }

    /// This release's `LocalCertGenerator` issues an amphora certificate
    /// (certificate and key in `out`); returns the amphora id.
    pub fn issue(&self, ca_cert: &Path, ca_key: &Path, pass_file: &Path, out: &Path) -> String {
        // The same command, run by this release's Python.
        let cmd = octavia_issue(ca_cert, ca_key, pass_file, out);
        let mut peer = Command::new(&self.python);
        peer.args(cmd.get_args());
        ok(&mut peer).trim().to_owned()
    }
}

/// Octavia 16.1.0, 17.0.1, 18.0.0 and 19.0.0, each in its own venv: from
/// `OCTAVIA_PKI_RELEASES` (`VERSION=PYTHON ...`), which `scripts/test.sh`
/// sets. A test that needs them fails without them, rather than skipping.
pub fn octavia_releases() -> Vec<OctaviaPeer> {
    let list = std::env::var("OCTAVIA_PKI_RELEASES").unwrap_or_else(|_| {
        panic!(
            "OCTAVIA_PKI_RELEASES is not set: run the tests with `bash scripts/test.sh`, which \
             installs Octavia 16.1.0, 17.0.1, 18.0.0 and 19.0.0 under target/"
        )
    });
    let peers: Vec<OctaviaPeer> = list
        .split_whitespace()
        .map(|pair| {
            let (version, python) = pair.split_once('=').expect("VERSION=PYTHON");
            OctaviaPeer {
                version: version.to_owned(),
                python: PathBuf::from(python),
            }
        })
        .collect();
    let versions: Vec<&str> = peers.iter().map(|p| p.version.as_str()).collect();
    assert_eq!(versions, ["16.1.0", "17.0.1", "18.0.0", "19.0.0"]);
    peers
}

/// Runs `f` for each release in its own thread (each starts one Python).
pub fn for_each_release<T: Send>(
    releases: &[OctaviaPeer],
    f: impl Fn(&OctaviaPeer) -> T + Sync,
) -> Vec<T> {
    std::thread::scope(|s| {
        let handles: Vec<_> = releases.iter().map(|r| s.spawn(|| f(r))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// kolla-ansible 22.2.0 with the ansible-core it pins: `OCTAVIA_PKI_KOLLA`,
/// which `scripts/test.sh` sets, else what `scripts/peers.sh kolla`
/// installs and prints (once per test binary).
pub fn kolla_venv() -> PathBuf {
    static VENV: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    VENV.get_or_init(|| {
        if let Some(venv) = std::env::var_os("OCTAVIA_PKI_KOLLA") {
            return PathBuf::from(venv);
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        PathBuf::from(
            ok(Command::new("bash")
                .arg(root.join("scripts/peers.sh"))
                .arg("kolla"))
            .trim(),
        )
    })
    .clone()
}

/// The `openssl` command line tool.
pub fn openssl() -> Command {
    Command::new("openssl")
}

/// Runs a command, returning its output; panics only if it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs a command that must succeed; returns its stdout.
pub fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A generated set in a temporary directory, with known passphrases.
pub struct GeneratedSet {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub work_dir: PathBuf,
    pub passwords: PathBuf,
    /// Files holding each passphrase, for `-passin file:` and the Python peer.
    pub server_pass_file: PathBuf,
    pub client_pass_file: PathBuf,
    pub server_passphrase: String,
    pub stdout: String,
    pub stderr: String,
}

/// Two distinct passphrases, letters and digits like kolla-genpwd's.
pub fn test_passphrases() -> (String, String) {
    let nonce = std::process::id();
    (
        format!("ServerCaPass{nonce}x7Q"),
        format!("ClientCaPass{nonce}k2W"),
    )
}

/// Writes a passwords.yml with the given values (mode 0600).
pub fn write_passwords(path: &Path, server: &str, client: &str) {
    std::fs::write(
        path,
        format!("---\nkeystone_admin_password: unrelated\noctavia_ca_password: {server}\noctavia_client_ca_password: {client}\n"),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `octavia-pki generate --dir DIR --work-dir WORK --passwords FILE extra...`.
pub fn generate_into(dir: &Path, work_dir: &Path, passwords: &Path, extra: &[&str]) -> Command {
    let mut cmd = octavia_pki();
    cmd.arg("generate")
        .arg("--dir")
        .arg(dir)
        .arg("--work-dir")
        .arg(work_dir)
        .arg("--passwords")
        .arg(passwords)
        .args(extra);
    cmd
}

impl GeneratedSet {
    /// `--dir DIR --work-dir WORK --passwords FILE`: where the commands that
    /// change a set find it.
    pub fn change_args(&self) -> Vec<String> {
        vec![
            "--dir".into(),
            self.dir.display().to_string(),
            "--work-dir".into(),
            self.work_dir.display().to_string(),
            "--passwords".into(),
            self.passwords.display().to_string(),
        ]
    }

    /// `octavia-pki check` on the deployed directory, with the set's passwords.
    pub fn check(&self) -> Output {
        run(octavia_pki()
            .arg("check")
            .arg(&self.dir)
            .arg("--passwords")
            .arg(&self.passwords))
    }

    /// `rotate CA --staged` (ECDSA P-256) on this set, which must succeed; its output.
    pub fn stage(&self, ca: &str) -> String {
        ok(octavia_pki()
            .args(["rotate", ca, "--staged", "--key-type", "ecdsa-p256"])
            .args(self.change_args()))
    }

    /// `COMMAND DIR --work-dir WORK --passwords FILE --format json` (check,
    /// rehearse): the report (`null` when not JSON) and the exit status.
    pub fn report(&self, command: &str) -> (serde_json::Value, Option<i32>) {
        let out = run(octavia_pki()
            .arg(command)
            .arg(&self.dir)
            .arg("--work-dir")
            .arg(&self.work_dir)
            .arg("--passwords")
            .arg(&self.passwords)
            .args(["--format", "json"]));
        (
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null),
            out.status.code(),
        )
    }

    /// Runs `generate` again over this set's directories.
    pub fn regenerate(&self, extra: &[&str]) -> Output {
        run(&mut generate_into(
            &self.dir,
            &self.work_dir,
            &self.passwords,
            extra,
        ))
    }
}

/// Runs `octavia-pki generate` with a passwords.yml and `extra` arguments.
pub fn generate(extra: &[&str]) -> GeneratedSet {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("config/octavia");
    let work_dir = tmp.path().join("octavia-certificates");
    let passwords = tmp.path().join("passwords.yml");
    let (server, client) = test_passphrases();
    write_passwords(&passwords, &server, &client);
    let server_pass_file = tmp.path().join("server.pass");
    let client_pass_file = tmp.path().join("client.pass");
    std::fs::write(&server_pass_file, format!("{server}\n")).unwrap();
    std::fs::write(&client_pass_file, format!("{client}\n")).unwrap();
    let out = run(&mut generate_into(&dir, &work_dir, &passwords, extra));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "generate {extra:?} failed:\n{stdout}\n{stderr}"
    );
    GeneratedSet {
        tmp,
        dir,
        work_dir,
        passwords,
        server_pass_file,
        client_pass_file,
        server_passphrase: server,
        stdout,
        stderr,
    }
}

/// Octavia's `LocalCertGenerator` issuing an amphora certificate with a CA
/// certificate and key unlocked with `pass_file`: the command, to run.
pub fn octavia_issue(ca_cert: &Path, ca_key: &Path, pass_file: &Path, out: &Path) -> Command {
    let mut cmd = python();
    cmd.args(["issue", "--ca-cert"])
        .arg(ca_cert)
        .arg("--ca-key")
        .arg(ca_key)
        .arg("--passphrase-file")
        .arg(pass_file)
        .arg("--out")
        .arg(out);
    cmd
}

impl GeneratedSet {
    /// Octavia issues an amphora certificate with this (kolla layout) set's
    /// server CA; returns its file and the amphora id.
    pub fn octavia_amphora(&self) -> (PathBuf, String) {
        let amphora = self.tmp.path().join("amphora.pem");
        let id = ok(&mut octavia_issue(
            &self.dir.join("server_ca.cert.pem"),
            &self.dir.join("server_ca.key.pem"),
            &self.server_pass_file,
            &amphora,
        ));
        (amphora, id.trim().to_owned())
    }
}

/// Every file below `dir` with its contents, to prove nothing changed.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(snapshot(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

/// Result of one mutual-TLS handshake between `openssl s_server` (the amphora
/// agent's side) and `openssl s_client` (the controller's side).
pub struct Handshake {
    pub succeeded: bool,
    pub client_output: String,
}

/// Plays the controller-to-amphora handshake with OpenSSL on loopback, TLS 1.2
/// as the amphora agent requires: the server presents the amphora certificate
/// and requires a client certificate issued by `client_ca`; the client
/// presents `bundle` and verifies the server against `server_ca` with the
/// amphora id as the expected host name.
pub fn openssl_mutual_tls(
    amphora_pem: &Path,
    client_ca: &Path,
    bundle: &Path,
    server_ca: &Path,
    amphora_id: &str,
) -> Handshake {
    let port = free_port();
    // The server is killed by the guard, however the test ends; it is not
    // wrapped in `timeout`: killing the wrapper left openssl running.
    let mut server = ChildGuard(
        Command::new("openssl")
            .args(["s_server", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(amphora_pem)
            .arg("-key")
            .arg(amphora_pem)
            .arg("-CAfile")
            .arg(client_ca)
            .args(["-Verify", "1", "-verify_return_error", "-tls1_2", "-www"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts"),
    );
    // s_server prints ACCEPT once it listens.
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .take(20)
        .any(|l| l.map(|l| l.contains("ACCEPT")).unwrap_or(false));
    assert!(ready, "openssl s_server did not start listening");

    let mut client = Command::new("timeout")
        .args(["30", "openssl", "s_client", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(bundle)
        .arg("-key")
        .arg(bundle)
        .arg("-CAfile")
        .arg(server_ca)
        .args([
            "-verify_return_error",
            "-verify_hostname",
            amphora_id,
            "-tls1_2",
            "-ign_eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl s_client starts");
    client
        .stdin
        .take()
        .unwrap()
        .write_all(b"GET / HTTP/1.0\r\n\r\n")
        .unwrap();
    let out = client.wait_with_output().unwrap();
    drop(server);
    let client_output = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The -www page arrives only if both sides accepted the other's certificate.
    let succeeded = out.status.success()
        && client_output.contains("Verify return code: 0 (ok)")
        && client_output.contains("HTTP/1.0 200 ok");
    Handshake {
        succeeded,
        client_output,
    }
}

/// A child process killed and reaped when dropped, so no test leaves one behind.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nothing listens on (free when asked).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `code@file` (`-` for none) of each finding of a JSON report (`check`,
/// `node check`) with `severity`, sorted, each once.
pub fn findings_at(report: &serde_json::Value, severity: &str) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| {
            format!(
                "{}@{}",
                f["code"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-")
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A JSON array of strings.
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// A port free on each of `hosts` (loopback addresses), so that amphorae on
/// different addresses share the one port the controllers use. Bounded.
pub fn port_free_on(hosts: &[&str]) -> u16 {
    for _ in 0..100 {
        let first = TcpListener::bind((hosts[0], 0)).unwrap();
        let port = first.local_addr().unwrap().port();
        if hosts[1..]
            .iter()
            .all(|h| TcpListener::bind((*h, port)).is_ok())
        {
            return port;
        }
    }
    panic!("no port free on all of {hosts:?} in 100 tries");
}

/// One running amphora agent; stopped (its whole process group) when dropped.
pub struct Agent {
    child: std::process::Child,
    /// Its loopback address.
    pub host: String,
    /// Its port.
    pub port: u16,
}

impl Agent {
    /// Starts the agent with `cert` (certificate and key) trusting `client_ca`.
    pub fn start(
        work: &Path,
        name: &str,
        cert: &Path,
        client_ca: &Path,
        id: &str,
        extra: &[&str],
    ) -> Agent {
        Self::start_with(work, name, cert, client_ca, id, extra, &[])
    }

    /// [`Agent::start`] with environment variables (libfaketime's, say).
    pub fn start_with(
        work: &Path,
        name: &str,
        cert: &Path,
        client_ca: &Path,
        id: &str,
        extra: &[&str],
        vars: &[(&str, String)],
    ) -> Agent {
        Self::spawn(
            work,
            name,
            ("127.0.0.1", free_port()),
            cert,
            client_ca,
            id,
            extra,
            vars,
        )
    }

    /// [`Agent::start`] on another loopback address and a given port.
    pub fn start_at(
        work: &Path,
        name: &str,
        (host, port): (&str, u16),
        cert: &Path,
        client_ca: &Path,
        id: &str,
    ) -> Agent {
        Self::spawn(work, name, (host, port), cert, client_ca, id, &[], &[])
    }

    #[allow(clippy::too_many_arguments)] // the agent's whole configuration
    fn spawn(
        work: &Path,
        name: &str,
        (host, port): (&str, u16),
        cert: &Path,
        client_ca: &Path,
        id: &str,
        extra: &[&str],
        vars: &[(&str, String)],
    ) -> Agent {
        let dir = work.join(name);
        let log = std::fs::File::create(work.join(format!("{name}.out"))).unwrap();
        let child = python_script("tests/peers/amphora_agent.py")
            .arg("run")
            .arg("--dir")
            .arg(&dir)
            .args([
                "--host",
                host,
                "--port",
                &port.to_string(),
                "--amphora-id",
                id,
            ])
            .arg("--cert")
            .arg(cert)
            .arg("--client-ca")
            .arg(client_ca)
            .args(extra)
            .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            // Its own group: gunicorn's master, worker and the health sender stop together.
            .process_group(0) // std::os::unix::process::CommandExt
            .spawn()
            .expect("the amphora agent starts");
        Agent {
            child,
            host: host.to_owned(),
            port,
        }
    }

    /// Waits until it listens (bounded).
    pub fn wait_ready(&mut self, work: &Path, name: &str) {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(60) {
            if std::net::TcpStream::connect((self.host.as_str(), self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let log =
                    std::fs::read_to_string(work.join(format!("{name}.out"))).unwrap_or_default();
                panic!("the {name} agent exited ({status}):\n{log}");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the {name} agent did not listen within 60 s");
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // Whatever of the group is left.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The actions of a work directory's history, in order.
pub fn history_actions(work_dir: &Path) -> Vec<String> {
    std::fs::read_to_string(work_dir.join("octavia-pki-history.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}
