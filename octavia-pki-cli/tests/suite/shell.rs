//! Shell habits: every command that prints ends quietly when its reader goes
//! away (`octavia-pki explain --list | head -3`), as Unix tools do; the
//! completion scripts are loaded and asked by the real bash, zsh and fish,
//! and the manual pages read by the real man (groff).

use std::process::{Command, Stdio};

use crate::common::*;

/// Every printing command, on a generated set.
fn printing_commands(set: &GeneratedSet) -> Vec<Vec<String>> {
    let dir = set.dir.display().to_string();
    let work = set.work_dir.display().to_string();
    let passwords = set.passwords.display().to_string();
    let refused = format!(
        "{}@127.0.0.1:{}",
        "0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f",
        free_port()
    );
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut commands = vec![
        strings(&["--help"]),
        strings(&["explain", "--list"]),
        strings(&["explain", "bundle-no-key"]),
        strings(&["deploy", "plan"]),
        strings(&["deploy", "plan", "--format", "shell"]),
        strings(&["completions", "bash"]),
        strings(&["man"]),
    ];
    for format in ["human", "json"] {
        commands.extend([
            strings(&["check", &dir, "--passwords", &passwords, "--format", format]),
            strings(&[
                "rehearse",
                &dir,
                "--passwords",
                &passwords,
                "--format",
                format,
            ]),
            strings(&["expiry", &dir, "--work-dir", &work, "--format", format]),
            strings(&[
                "renew",
                "client",
                "--dir",
                &dir,
                "--work-dir",
                &work,
                "--passwords",
                &passwords,
                "--dry-run",
                "--format",
                format,
            ]),
            strings(&[
                "rotate",
                "server-ca",
                "--staged",
                "--key-type",
                "ecdsa-p256",
                "--dir",
                &dir,
                "--work-dir",
                &work,
                "--passwords",
                &passwords,
                "--dry-run",
                "--format",
                format,
            ]),
            strings(&[
                "probe",
                "--dir",
                &dir,
                &refused,
                "--format",
                format,
                "--timeout",
                "2",
            ]),
            strings(&[
                "node",
                "check",
                "--kolla-dir",
                &work,
                "--config-dir",
                &work,
                "--container-engine",
                "none",
                "--format",
                format,
            ]),
        ]);
    }
    commands.push(strings(&["expiry", &dir, "--format", "nagios"]));
    commands
}

#[test]
fn every_command_ends_quietly_when_its_reader_goes_away() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    for args in printing_commands(&set) {
        // The reader is gone before the first byte: every write fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = octavia_pki()
            .args(&args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        // 141 is the shell's status of a process ended by SIGPIPE; clap ends
        // its own help quietly with 0.
        let expected = if args[0] == "--help" { 0 } else { 141 };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {stderr}");

        // And as a shell runs it: whether or not the reader left early, no panic.
        let line = std::iter::once(env!("CARGO_BIN_EXE_octavia-pki").to_owned())
            .chain(args.iter().map(|a| format!("'{a}'")))
            .collect::<Vec<_>>()
            .join(" ");
        let out = Command::new("sh")
            .args(["-c", &format!("{line} | head -c1 >/dev/null")])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{line}: {stderr}");
    }
}

/// `octavia-pki completions SHELL` in a file.
fn completion_script(shell: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let script = dir.join(format!("octavia-pki.{shell}"));
    std::fs::write(&script, ok(octavia_pki().args(["completions", shell]))).unwrap();
    script
}

/// `shell args...`, which must succeed; its standard output.
fn shell_ok(shell: &str, args: &[&str]) -> String {
    let out = Command::new(shell)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{shell} (scripts/peers.sh installs it): {e}"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{shell} {args:?}: {stdout}\n{stderr}");
    stdout
}

#[test]
fn bash_zsh_and_fish_load_the_completions_and_complete_subcommands_and_values() {
    let tmp = tempfile::tempdir().unwrap();
    // bash: the completion function, asked as bash asks it.
    let bash = completion_script("bash", tmp.path());
    // The function `complete -p` names, called as bash calls it: command, word, previous word.
    let asked = |words: &str, cword: usize| {
        shell_ok(
            "bash",
            &[
                "-c",
                &format!(
                    "source '{}'; spec=$(complete -p octavia-pki); f=${{spec#*-F }}; f=${{f%% *}}; \
                     COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; \
                     COMP_POINT=${{#COMP_LINE}}; \
                     \"$f\" octavia-pki \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
                     printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                    bash.display()
                ),
            ],
        )
    };
    let replies = asked("octavia-pki ro", 1);
    assert_eq!(replies.lines().collect::<Vec<_>>(), ["rotate"], "{replies}");
    let replies = asked("octavia-pki rotate finish ''", 3);
    assert!(
        replies.lines().any(|l| l == "server-ca") && replies.lines().any(|l| l == "client-ca"),
        "{replies}"
    );

    // fish: its own completion engine (complete -C) on the loaded script.
    let fish = completion_script("fish", tmp.path());
    let replies = shell_ok(
        "fish",
        &[
            "--no-config",
            "-c",
            &format!("source '{}'; complete -C 'octavia-pki rot'", fish.display()),
        ],
    );
    assert!(
        replies.lines().any(|l| l.starts_with("rotate")),
        "{replies}"
    );

    // zsh: the script parses, and compinit loads it as a completion function.
    let zsh = completion_script("zsh", tmp.path());
    shell_ok("zsh", &["-n", &zsh.display().to_string()]);
    let functions = tmp.path().join("zfunc");
    std::fs::create_dir(&functions).unwrap();
    std::fs::copy(&zsh, functions.join("_octavia-pki")).unwrap();
    let loaded = shell_ok(
        "zsh",
        &[
            "-f",
            "-c",
            &format!(
                "fpath=('{}' $fpath); autoload -Uz compinit; compinit -u -d '{}/zcompdump'; \
                 print -r -- ${{_comps[octavia-pki]}}",
                functions.display(),
                tmp.path().display()
            ),
        ],
    );
    assert_eq!(loaded.trim(), "_octavia-pki", "{loaded}");
}

#[test]
fn man_reads_every_page_without_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    ok(octavia_pki().arg("man").arg("--out-dir").arg(&dir));
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    let names: Vec<String> = pages
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for page in [
        "octavia-pki.1",
        "octavia-pki-rotate-finish.1",
        "octavia-pki-probe.1",
    ] {
        assert!(names.iter().any(|n| n == page), "{page} not in {names:?}");
    }
    for page in &pages {
        // groff with every warning: the page is well-formed roff.
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(page)
            .output()
            .expect("groff (scripts/peers.sh installs it)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{}: {stderr}",
            page.display()
        );
    }
    // man itself shows the page, options and all.
    let text = shell_ok(
        "sh",
        &[
            "-c",
            &format!(
                "MANWIDTH=100 man -l '{}' | col -b",
                dir.join("octavia-pki-rotate-finish.1").display()
            ),
        ],
    );
    assert!(
        text.contains("--probe-report") && text.contains("--force"),
        "{text}"
    );
    // The page on standard output is the top one.
    let top = ok(octavia_pki().arg("man"));
    assert_eq!(
        top,
        std::fs::read_to_string(dir.join("octavia-pki.1")).unwrap()
    );
}
