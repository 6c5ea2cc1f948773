//! `octavia-pki rehearse`.

use clap::Args;
use octavia_pki::rehearse::{Rehearsal, RehearseOptions, rehearse_dir};
use octavia_pki::{Error, Origin, Passphrase};

use crate::check::{DirArgs, Judged};
use crate::output::{self, Format};

#[derive(Args)]
#[command(after_help = "\
Plays what Octavia will do, in memory: unlocks the server CA key, issues an amphora certificate as \
Octavia's LocalCertGenerator does, and runs the controller-to-amphora mutual-TLS handshake, verifying \
both sides with OpenSSL's rules. Each targeted Octavia release (--octavia-version) issues the amphora \
certificate its own way and negotiates its own TLS versions (1.2 up to 18.0.1; 1.2 and 1.3 from 19.0.0); \
a failure names the releases it happens on.

Exit status: 0 the handshake succeeds, 1 Octavia's would fail, 2 the rehearsal could not run.")]
pub struct RehearseArgs {
    #[command(flatten)]
    target: DirArgs,

    /// Verify as on Python 3.13 (X509_STRICT with PARTIAL_CHAIN): the amphora agent's side, and the
    /// controller's in the releases whose urllib3 does (18.0.0 and later).
    #[arg(long)]
    strict: bool,
}

/// Runs the rehearsal; `Ok(true)` when Octavia's handshake would fail (as
/// `check` returns `Ok(true)` when it found an error).
pub fn run(args: RehearseArgs, vault: Option<&Passphrase>) -> Result<bool, Error> {
    // With --config-file, the passphrase is octavia.conf's, as Octavia's.
    let (passwords, passphrase) = if args.target.names_files() {
        (None, None)
    } else {
        args.target
            .passphrase
            .resolve(vault, args.target.deployer())?
    };
    let judged = args.target.judged(vault)?;
    let options = {
        let mut options = RehearseOptions::default();
        options.layout = args.target.target.layout().layout();
        options.passwords = passwords;
        options.passphrase = passphrase;
        options.strict = args.strict;
        options.now = None;
        options.history = args.target.history(&judged, vault)?;
        options.octavia = args.target.octavia_version.clone();
        options.vault_password = vault.cloned();
        options
    };
    let rehearsal = match judged {
        Judged::Named(opened) => octavia_pki::rehearse::rehearse(&opened.sources, &options)?,
        Judged::Dir(dir) => rehearse_dir(&dir, &options)?,
    };
    match args.target.format {
        Format::Json => output::print_report(&rehearsal, crate::schema::REHEARSE)?,
        Format::Human => print_transcript(
            &rehearsal,
            args.target.target.layout().said(rehearsal.layout),
        ),
    }
    Ok(!rehearsal.ok)
}

fn print_transcript(r: &Rehearsal, recognised: String) {
    let with = match &r.origin {
        Origin::OctaviaConf(_) => format!("the files of {}", r.origin),
        _ => format!("{} ({}{recognised})", r.dir.display(), r.origin),
    };
    outln!(
        "Rehearsing Octavia's handshake with {with}, amphora {}",
        r.amphora_id
    );
    for s in &r.steps {
        outln!(
            "  [{}] {}: {}",
            if s.ok { "ok" } else { "FAIL" },
            s.name,
            s.detail
        );
    }
    let verdicts: Vec<String> = r
        .releases
        .iter()
        .map(|v| format!("{} {}", v.version, if v.ok { "ok" } else { "FAIL" }))
        .collect();
    outln!("  Octavia releases: {}", verdicts.join(", "));
    if r.ok {
        outln!("OK: the controller and the amphora complete mutual TLS.");
    }
    if let Some(f) = &r.failure
        && r.steps.last().is_none_or(|s| s.ok)
    {
        outln!(
            "  [FAIL] {}",
            f.controller
                .as_deref()
                .or(f.amphora.as_deref())
                .unwrap_or("failed")
        );
    }
    for f in &r.failures {
        let on = if f.releases.len() == r.releases.len() {
            String::new()
        } else {
            format!(" on Octavia {}", f.releases.join(", "))
        };
        outln!("FAIL{on}: the {:?} side refuses.", f.side);
        if let Some(c) = &f.controller {
            outln!("  controller logs: {c}");
        }
        if let Some(a) = &f.amphora {
            outln!("  amphora logs:    {a}");
        }
        if let Some(detail) = &f.detail {
            outln!("  because:         {detail}");
        }
        if let Some(file) = &f.file {
            outln!("  culprit: {file} (run `octavia-pki check` for the cause and the fix)");
        }
    }
}
