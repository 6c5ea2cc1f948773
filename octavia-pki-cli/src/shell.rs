//! `octavia-pki completions` and `man`: what shells and man read, made by
//! clap_complete and clap_mangen from the same definitions as `--help`.

use std::path::Path;

use octavia_pki::Error;
use octavia_pki::fsio::{self, PlannedFile};

/// Prints the completion script for `shell`.
pub fn completions(mut cli: clap::Command, shell: clap_complete::Shell) {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli, BIN, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap_complete 4.6 spells the state of a subcommand in its `case`
        // arms differently from the loop that sets it when the binary's name
        // has a hyphen (`octavia__subcmd__pki__subcmd__rotate` against
        // `octavia__pki__subcmd__rotate`), so nothing after the first word
        // completes (clap-rs/clap#6421). Spell the arms as the loop does; a
        // fixed clap_complete leaves nothing to replace.
        script = script.replace("octavia__subcmd__pki", "octavia__pki");
    }
    out!("{script}");
}

/// The command's name, as installed.
const BIN: &str = "octavia-pki";

/// Prints the top manual page, or writes every command's page to `out_dir`
/// (each replaced atomically; they are this tool's own output, so no backup).
pub fn man(cli: clap::Command, out_dir: Option<&Path>) -> Result<(), Error> {
    let mut cli = cli.disable_help_subcommand(true);
    cli.build();
    let Some(dir) = out_dir else {
        out!("{}", render(&clap_mangen::Man::new(cli))?);
        return Ok(());
    };
    let mut files = Vec::new();
    pages(&cli, dir, &mut files)?;
    // The pages are this tool's own output, made afresh: replaced
    // atomically, without backups.
    let mut written = fsio::WriteReport::default();
    for file in &files {
        written.written.push(fsio::replace(file)?);
    }
    crate::output::print_written(&written);
    Ok(())
}

/// The page of `cmd` and of each of its visible subcommands, depth first.
fn pages(cmd: &clap::Command, dir: &Path, files: &mut Vec<PlannedFile>) -> Result<(), Error> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages(sub, dir, files)?;
    }
    let man = clap_mangen::Man::new(cmd.clone());
    files.push(PlannedFile::public(
        dir.join(man.get_filename()),
        render(&man)?,
    ));
    Ok(())
}

fn render(man: &clap_mangen::Man) -> Result<String, Error> {
    let mut page = Vec::new();
    man.render(&mut page)
        .map_err(|e| Error::internal(format!("cannot render the manual page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}
