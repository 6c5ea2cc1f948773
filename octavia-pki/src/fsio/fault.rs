//! Fault injection for the crash tests: with the `fault-injection` feature,
//! `OCTAVIA_PKI_FAULT=<point>:<n>` aborts the process (as a kill would: no
//! destructor runs, no signal handler) the n-th time it reaches `<point>`
//! (from 1); `<point>:<n>:pause` stops there instead, having said so on
//! standard error, until a signal ends it. Without the feature, nothing.
//!
//! The points: `stage` (before each file or link is staged), `backup`
//! (before each replaced file is backed up), `journal` (before the journal
//! is put in place), `rename` (before each file or link is moved into
//! place), `done` (before the journal is marked done), `recover` (before
//! each step of a recovery), `unpacked` (a document just unpacked).

#[cfg(feature = "fault-injection")]
pub(crate) fn point(name: &str) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static REACHED: AtomicU32 = AtomicU32::new(0);
    let Ok(spec) = std::env::var("OCTAVIA_PKI_FAULT") else {
        return;
    };
    let mut parts = spec.split(':');
    let (Some(point), Some(n)) = (parts.next(), parts.next()) else {
        return;
    };
    if point != name || n.parse() != Ok(REACHED.fetch_add(1, Ordering::SeqCst) + 1) {
        return;
    }
    if parts.next() == Some("pause") {
        eprintln!("octavia-pki: paused at {name}:{n}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
    std::process::abort();
}

#[cfg(not(feature = "fault-injection"))]
pub(crate) fn point(_name: &str) {}
