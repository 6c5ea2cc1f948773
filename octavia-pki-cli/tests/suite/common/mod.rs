//! Helpers shared by the CLI's integration tests: running our binary
//! (here), the real peers (`peers`, `openssl`, `agent`) and the sets the
//! tests make (`fixtures`).

mod agent;
mod fixtures;
mod openssl;
mod peers;

pub use agent::*;
pub use fixtures::*;
pub use openssl::*;
pub use peers::*;

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Our binary.
pub fn octavia_pki() -> Command {
    Command::new(env!("CARGO_BIN_EXE_octavia-pki"))
}

/// Arguments of mixed types (words, paths), as a command takes them.
pub fn os(args: &[&dyn AsRef<OsStr>]) -> Vec<OsString> {
    args.iter().map(|a| a.as_ref().to_owned()).collect()
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

/// Runs `cmd` with `input` on its standard input, written from a thread
/// (a large answer must not block on a full pipe); what it printed and how
/// it ended.
pub fn stdin_output(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

/// Runs `cmd` with `input` on its standard input; its standard output.
pub fn stdin_ok(cmd: &mut Command, input: &str) -> String {
    let out = stdin_output(cmd, input.as_bytes());
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
