//! What the running containers hold: through the container engine, the
//! hashes of `/etc/octavia/certs/*` inside each Octavia container against its
//! host copies, and `kolla_set_configs --check`. File contents are never read
//! out of a container, only their SHA-256.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use super::findings::{FILES, Findings, Service, file_of};
use crate::cert::sha256_hex;
use crate::codes::node as codes;
use crate::fsio;
use crate::secret::Passphrase;

/// The most one engine command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Where kolla's config.json puts the files in the container.
const CERTS_IN_CONTAINER: &str = "/etc/octavia/certs";

/// Which container engine to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerEngine {
    /// `docker` if on PATH, else `podman`, else none.
    Auto,
    /// `docker`.
    Docker,
    /// `podman`.
    Podman,
    /// Do not look at containers.
    None,
}

impl FromStr for ContainerEngine {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "docker" => Ok(Self::Docker),
            "podman" => Ok(Self::Podman),
            "none" => Ok(Self::None),
            other => Err(format!(
                "unknown container engine \"{other}\" (expected auto, docker, podman or none)"
            )),
        }
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            std::fs::metadata(dir.join(program)).is_ok_and(|m| {
                m.is_file()
                    && std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
            })
        })
    })
}

/// Compares each running container with its service directory; returns the
/// engine used.
pub(super) fn compare(
    engine: ContainerEngine,
    kolla_dir: &Path,
    vault: Option<&Passphrase>,
    present: &[Service],
    findings: &mut Findings,
) -> Option<String> {
    let engine = match engine {
        ContainerEngine::None => return None,
        ContainerEngine::Docker => "docker",
        ContainerEngine::Podman => "podman",
        ContainerEngine::Auto => match ["docker", "podman"].into_iter().find(|p| on_path(p)) {
            Some(engine) => engine,
            None => {
                if !present.is_empty() {
                    findings.push(
                        codes::CONTAINER_NOT_CHECKED,
                        None,
                        None,
                        "neither docker nor podman is on PATH".into(),
                    );
                }
                return None;
            }
        },
    };
    for &service in present {
        compare_one(engine, kolla_dir, vault, service, findings);
    }
    Some(engine.to_owned())
}

fn compare_one(
    engine: &str,
    kolla_dir: &Path,
    vault: Option<&Passphrase>,
    service: Service,
    findings: &mut Findings,
) {
    let container = service.container();
    let not_checked = |findings: &mut Findings, why: String| {
        findings.push(codes::CONTAINER_NOT_CHECKED, Some(service), None, why);
    };
    match run(
        engine,
        &["inspect", "--format", "{{.State.Running}}", container],
    ) {
        Ok((true, out)) if out.trim() == "true" => {}
        Ok(_) => return not_checked(findings, format!("{container} is not running")),
        Err(why) => return not_checked(findings, why),
    }
    let paths: Vec<String> = FILES
        .iter()
        .map(|n| format!("{CERTS_IN_CONTAINER}/{n}"))
        .collect();
    let mut args = vec!["exec", container, "sha256sum"];
    args.extend(paths.iter().map(String::as_str));
    let inside = match run(engine, &args) {
        Ok((_, out)) => out,
        Err(why) => return not_checked(findings, why),
    };
    let dir = kolla_dir.join(service.dir_name());
    for name in FILES {
        let Ok(bytes) = fsio::read_file(&dir.join(name), vault) else {
            continue;
        };
        let host = sha256_hex(&bytes);
        let path = format!("{CERTS_IN_CONTAINER}/{name}");
        let theirs = inside.lines().find_map(|l| {
            let (hash, file) = l.split_once(char::is_whitespace)?;
            (file.trim_start_matches([' ', '*']) == path).then(|| hash.to_owned())
        });
        match theirs {
            Some(hash) if hash == host => {}
            Some(_) => findings.push(
                codes::CONTAINER_STALE,
                Some(service),
                Some(file_of(service, name)),
                format!("{container}'s {path} is not its host copy (SHA-256 differs)"),
            ),
            None => findings.push(
                codes::CONTAINER_STALE,
                Some(service),
                Some(file_of(service, name)),
                format!("{container} has no {path}"),
            ),
        }
    }
    match run(engine, &["exec", container, "kolla_set_configs", "--check"]) {
        Ok((true, _)) => {}
        Ok((false, _)) => findings.push(
            codes::CONTAINER_STALE,
            Some(service),
            None,
            format!("`kolla_set_configs --check` in {container}: its configuration differs from the sources it was copied from"),
        ),
        Err(why) => not_checked(findings, why),
    }
}

/// Runs `engine args`, bounded; `(succeeded, stdout)`, or why it could not run.
fn run(engine: &str, args: &[&str]) -> Result<(bool, String), String> {
    let mut child = Command::new(engine)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {engine}: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    // Read on a thread: a full pipe must not block the wait below.
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.by_ref().take(1 << 20).read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < COMMAND_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{engine} {}` did not finish within {} s",
                    args.join(" "),
                    COMMAND_TIMEOUT.as_secs()
                ));
            }
        }
    };
    let out = reader.join().unwrap_or_default();
    Ok((status.success(), String::from_utf8_lossy(&out).into_owned()))
}
