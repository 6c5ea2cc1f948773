//! Octavia's amphora agent on loopback, and the ports it listens on.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::python_script;

/// A loopback port nothing listens on (free when asked).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
