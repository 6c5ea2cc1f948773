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

use std::process::{Command, Output, Stdio};

/// Our binary.
pub fn octavia_pki() -> Command {
    Command::new(env!("CARGO_BIN_EXE_octavia-pki"))
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
