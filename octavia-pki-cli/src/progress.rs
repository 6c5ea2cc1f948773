//! Progress on standard error, where work is long (probing many amphorae,
//! generating RSA keys): drawn by indicatif only when standard error is a
//! terminal, so never in a report, a pipe or a log.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `total` steps, labelled `what`, or a hidden one when standard
/// error is not a terminal (or there is nothing to wait for).
pub fn bar(total: usize, what: &str, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || total < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The probe's bar: amphorae done of all, failures so far (its message,
/// none at first), rate, time left.
pub fn probe(total: usize) -> ProgressBar {
    bar(
        total,
        "0",
        "probing [{bar:30}] {pos}/{len} amphorae, {msg} failed, {per_sec}, {eta} left",
    )
}

/// Key generation: keys ready of all, time spent.
pub fn keys(total: usize, what: &str) -> ProgressBar {
    bar(
        total,
        what,
        "{msg} [{bar:20}] {pos}/{len} ready ({elapsed})",
    )
}
