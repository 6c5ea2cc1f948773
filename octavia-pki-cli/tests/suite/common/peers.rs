//! The real peers: Python with Octavia and cryptography, each Octavia
//! release in its own venv, kolla-ansible.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ok;

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

/// The Python of cryptography 43.0.3 alone (`scripts/peers.sh crypto43`):
/// what every OpenStack series' upper-constraints pin, and so the
/// cryptography deployed Octavia opens keys with. No Octavia there: it runs
/// only what needs none (`octavia_peer.py public-key`).
pub fn crypto43_python() -> Command {
    let python = std::env::var_os("OCTAVIA_PKI_CRYPTO43").unwrap_or_else(|| {
        panic!(
            "OCTAVIA_PKI_CRYPTO43 is not set: run the tests with `bash scripts/test.sh`, which \
             installs cryptography 43.0.3 into target/peers-crypto43"
        )
    });
    Command::new(python)
}

/// Debian's libfaketime, which runs a program under a shifted clock
/// (`LD_PRELOAD` it with `FAKETIME`); `scripts/peers.sh` installs it.
pub fn libfaketime() -> String {
    Command::new("dpkg")
        .args(["-L", "libfaketime"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find(|l| l.ends_with("/libfaketime.so.1"))
                .map(str::to_owned)
        })
        .expect("libfaketime (Debian's faketime package; scripts/peers.sh installs it)")
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
        let out = super::stdin_output(
            Command::new(&self.python)
                .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
                .arg("rehearse-batch"),
            &serde_json::to_vec(jobs).unwrap(),
        );
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

    /// Its `rehearse-stream`: one Python, started once, for many batches.
    pub fn stream(&self) -> OctaviaStream {
        let mut child = Command::new(&self.python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
            .arg("rehearse-stream")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Octavia {}: {e}", self.version));
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        OctaviaStream {
            version: self.version.clone(),
            child,
            stdin,
            stdout,
        }
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

/// A release's `octavia_peer.py rehearse-stream`, running: batches go in
/// one line each, verdicts come back one line each. Stopped when dropped.
pub struct OctaviaStream {
    version: String,
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl OctaviaStream {
    /// The verdicts of `jobs` (as [`OctaviaPeer::rehearse_batch`]'s).
    pub fn batch(&mut self, jobs: &[serde_json::Value]) -> Vec<serde_json::Value> {
        use std::io::{BufRead, Write};
        let mut line = serde_json::to_string(jobs).unwrap();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        let verdicts: Vec<serde_json::Value> = serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("Octavia {} rehearse-stream stopped ({e})", self.version));
        assert_eq!(verdicts.len(), jobs.len());
        for v in &verdicts {
            assert_eq!(v["octavia"], self.version.as_str(), "the wrong Octavia ran");
        }
        verdicts
    }
}

impl Drop for OctaviaStream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
