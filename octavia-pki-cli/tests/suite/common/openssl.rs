//! The `openssl` command line tool, and a handshake played with it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{free_port, ok};

/// The `openssl` command line tool.
pub fn openssl() -> Command {
    Command::new("openssl")
}

/// Another PKI, made by openssl in `dir`: a self-signed ECDSA P-256
/// certificate `stranger.pem` (CN=stranger, 30 days) and its unencrypted
/// key `stranger.key`.
pub fn stranger(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("stranger.pem"), dir.join("stranger.key"));
    ok(openssl()
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-subj", "/CN=stranger", "-days", "30", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert));
    (cert, key)
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
