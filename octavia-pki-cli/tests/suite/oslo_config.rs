//! The library's one oslo.config reader (`OctaviaConf`) against oslo.config
//! itself on random octavia.conf files: section names in any case and with
//! spaces, continuation lines (indented comments among them), repeated
//! sections and keys, `DEFAULT`, `$` references and escapes, quotes, comments,
//! blank lines, Python's white space and line ends, malformed lines, one to
//! three files read in order. Every option the files set, and each of the
//! PKI's, must read the same; a file oslo.config refuses must be refused at
//! the same line.
//!
//! The cases come from proptest with a fixed seed (the same files on every
//! run) and go to oslo.config in one Python process per distinct oslo.config
//! among the Octavia releases' venvs (`octavia_peer.py oslo-batch`); a failing
//! case is then shrunk by proptest, each smaller case asked of oslo.config
//! on its own.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use octavia_pki::Role;
use octavia_pki::octavia_conf::OctaviaConf;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use crate::common::*;

/// How many random cases (each one to three files).
const CASES: u32 = 600;

/// The seed: the same files on every run.
const SEED: u64 = 0x0000_510C_0F16;

/// Section names, in the case and spelling operators write them; a few
/// with letters whose lower case is not ASCII (final sigma, dotted I, the
/// Kelvin sign).
const SECTIONS: &[&str] = &[
    "certificates",
    "Certificates",
    "CERTIFICATES",
    "haproxy_amphora",
    "HAPROXY_AMPHORA",
    "Haproxy_Amphora",
    "controller_worker",
    "Controller_Worker",
    "DEFAULT",
    "Default",
    "default",
    "health_manager",
    "ΟΔΟΣ",
    "İx",
    "\u{212a}ey",
];

/// Keys: the PKI's options (the first six), others Octavia has, and odd ones.
const KEYS: &[&str] = &[
    "ca_certificate",
    "ca_private_key",
    "ca_private_key_passphrase",
    "server_ca",
    "client_cert",
    "client_ca",
    "server_certs_key_passphrase",
    "heartbeat_key",
    "debug",
    "Ca_Certificate",
    "a.b",
    "x-y",
    "k y",
];

/// Pieces of values: text, white space of every kind Python strips, quotes,
/// `$` escapes, comment and section characters.
const TEXT: &[&str] = &[
    "abc",
    "/etc/octavia/certs/ca.pem",
    ".pem",
    " ",
    "  ",
    "\t",
    "\"",
    "'",
    "$",
    "$$",
    "\\$",
    "\\",
    "$$ca_certificate",
    "${a b}",
    "${",
    "}",
    "$.",
    "$1",
    "#",
    ";",
    "=",
    ":",
    "[",
    "]",
    "\u{a0}",
    "\u{2028}",
    "\u{b}",
    "\u{c}",
    "\u{1c}",
    "\u{85}",
    "\u{feff}",
    "é",
    "Σ",
];

/// References: to the PKI's options, in and across groups, to options that
/// do not exist or that the library does not know, to a group.
const REFERENCES: &[&str] = &[
    "${ca_certificate}",
    "$ca_certificate",
    "${ca_private_key}",
    "$ca_private_key_passphrase",
    "${haproxy_amphora.server_ca}",
    "$server_ca",
    "${controller_worker.client_ca}",
    "$client_ca",
    "${certificates.ca_certificate}",
    "${certificates.ca_private_key_passphrase}",
    "${CERTIFICATES.ca_certificate}",
    "$nosuch",
    "$debug",
    "${certificates}",
    "$\u{212a}ey",
    "$\u{131}",
];

fn pick(from: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop::sample::select(from).prop_map(str::to_owned)
}

fn value() -> impl Strategy<Value = String> + Clone {
    let token = prop_oneof![8 => pick(TEXT), 1 => pick(REFERENCES)];
    prop_oneof![
        40 => prop::collection::vec(token, 0..6).prop_map(|t| t.concat()),
        // A lone carriage return ends a line in Python's text files.
        1 => Just("a\rb = c".to_owned()),
    ]
}

fn section_name() -> impl Strategy<Value = String> {
    let pad = || pick(&["", "", "", "", "", "", "", "", " ", "\t", "\u{a0}"]);
    // Mostly the PKI's groups, as Octavia names them: their options are set.
    let pki = pick(&["certificates", "haproxy_amphora", "controller_worker"]);
    let name = prop_oneof![2 => pki, 3 => pick(SECTIONS)];
    (pad(), name, pad()).prop_map(|(l, n, r)| format!("{l}{n}{r}"))
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        36 => section_name().prop_map(|n| format!("[{n}]")),
        1 => section_name().prop_map(|n| format!("[{n}")),
        1 => section_name().prop_map(|n| format!("[{n}] # note")),
        1 => section_name().prop_map(|n| format!("[[{n}]]")),
        1 => Just("[]".to_owned()),
        1 => Just("[ ]".to_owned()),
    ]
}

/// `key = value` (or `:`), with its continuation lines.
fn entry() -> impl Strategy<Value = Vec<String>> {
    let lead = pick(&["", "", "", "", "", "\u{a0}", "\u{c}"]);
    let gap = || pick(&["", " ", " ", "\t"]);
    let separator = pick(&["=", "=", "=", ":", "=:", ":="]);
    let indent = pick(&[" ", "  ", "\t", " \t"]);
    let continued = prop_oneof![
        8 => value().prop_map(|v| format!("c{v}")),
        1 => value(),
        3 => pick(&["# a comment", "; a comment", "#", "[certificates]", "key = v"]),
    ];
    let continuation = (indent, continued).prop_map(|(i, v)| format!("{i}{v}"));
    (
        (
            lead,
            prop_oneof![pick(&KEYS[..6]), pick(KEYS)],
            gap(),
            separator,
            gap(),
            value(),
        ),
        prop::collection::vec(continuation, 0..3),
    )
        .prop_map(|((lead, key, g1, sep, g2, value), more)| {
            let mut lines = vec![format!("{lead}{key}{g1}{sep}{g2}{value}")];
            lines.extend(more);
            lines
        })
}

/// One or more lines of a file.
fn unit() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        30 => entry(),
        6 => header().prop_map(|h| vec![h]),
        4 => pick(&["", " ", "\t", "\u{c}", "\u{a0}"]).prop_map(|b| vec![b]),
        4 => pick(&["# comment", ";comment", "#[certificates]", "# k = v"]).prop_map(|c| vec![c]),
        1 => (pick(&[" ", "\t"]), value()).prop_map(|(i, v)| vec![format!("{i}{v}")]),
        1 => pick(&["just words", "= value", "\u{a0}= value", "\u{feff}[certificates]"])
            .prop_map(|g| vec![g]),
    ]
}

/// A file's text: usually a section first, lines ended by `\n`, `\r\n` or
/// `\r`, the last end optional.
fn file() -> impl Strategy<Value = String> {
    let first = prop_oneof![19 => header().prop_map(Some), 1 => Just(None)];
    let end = pick(&["\n", "\n", "\n", "\n", "\n", "\n", "\r\n", "\r"]);
    (
        first,
        prop::collection::vec(unit(), 0..10),
        prop::collection::vec(end, 40),
        any::<bool>(),
    )
        .prop_map(|(first, units, ends, last_end)| {
            let lines: Vec<String> = first
                .into_iter()
                .chain(units.into_iter().flatten())
                .collect();
            let mut text = String::new();
            for (i, line) in lines.iter().enumerate() {
                text.push_str(line);
                if i + 1 < lines.len() || last_end {
                    text.push_str(&ends[i % ends.len()]);
                }
            }
            text
        })
}

fn case() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(file(), 1..=3)
}

/// An Octavia release's Python, for each distinct oslo.config among the
/// releases' venvs (with the releases that have it).
fn oslo_configs() -> Vec<(String, PathBuf, Vec<String>)> {
    let mut distinct: Vec<(String, PathBuf, Vec<String>)> = Vec::new();
    for release in octavia_releases() {
        let version = ok(std::process::Command::new(&release.python).args([
            "-c",
            "from importlib.metadata import version; print(version('oslo.config'))",
        ]))
        .trim()
        .to_owned();
        match distinct.iter_mut().find(|(v, _, _)| *v == version) {
            Some((_, _, releases)) => releases.push(release.version),
            None => distinct.push((version, release.python, vec![release.version])),
        }
    }
    distinct
}

/// oslo.config (the one in `python`'s venv) on each case: its answer per case.
fn oslo_batch(python: &Path, cases: &[Vec<PathBuf>]) -> Vec<serde_json::Value> {
    let mut cmd = std::process::Command::new(python);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
        .arg("oslo-batch")
        // As Octavia's services run: UTF-8, and no OS_* variable (oslo.config's
        // environment source) from whoever runs the tests.
        .env_clear()
        .env("PYTHONUTF8", "1");
    let out = stdin_output(&mut cmd, &serde_json::to_vec(cases).unwrap());
    assert!(
        out.status.success(),
        "oslo-batch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = answer["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), cases.len());
    results
}

/// Writes each case's files into its own directory of `root`.
fn write_cases(root: &Path, cases: &[Vec<String>]) -> Vec<Vec<PathBuf>> {
    cases
        .iter()
        .enumerate()
        .map(|(i, texts)| {
            let dir = root.join(i.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            texts
                .iter()
                .enumerate()
                .map(|(j, text)| {
                    let path = dir.join(format!("{j}.conf"));
                    std::fs::write(&path, text).unwrap();
                    path
                })
                .collect()
        })
        .collect()
}

/// What one case exercised, to prove the cases are not vacuous.
#[derive(Default, Debug)]
struct Tally {
    refused: usize,
    read: usize,
    /// Options compared by value, set in a file.
    values: usize,
    /// PKI options compared by value, set in a file.
    pki_values: usize,
    /// Values with a continuation line.
    continued: usize,
    /// Values set in a file into which oslo.config substituted an unset
    /// PKI option (its default).
    defaults_substituted: usize,
    /// Options oslo.config could not read, or read through another option.
    unknown: usize,
}

/// The PKI's option of `(group, key)`.
fn role_of(group: &str, key: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.option() == (group, key))
}

/// The library on `files` against oslo.config's `answer`.
fn compare(files: &[PathBuf], answer: &serde_json::Value, tally: &mut Tally) -> Result<(), String> {
    let read = OctaviaConf::read(files, None);
    if let Some(error) = answer.get("error") {
        tally.refused += 1;
        let file = &files[error["file"].as_u64().unwrap() as usize];
        let message = match read {
            Ok(_) => {
                return Err(format!(
                    "oslo.config refuses {error} and the library reads it"
                ));
            }
            Err(e) => e.to_string(),
        };
        let at = format!("line {}:", error["line"]);
        if !message.contains(&file.display().to_string()) || !message.contains(&at) {
            return Err(format!(
                "oslo.config refuses {error}; the library says: {message}"
            ));
        }
        return Ok(());
    }
    tally.read += 1;
    let conf =
        read.map_err(|e| format!("oslo.config reads the files; the library refuses: {e}"))?;
    let inventory: Vec<(String, String)> = answer["inventory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for option in answer["options"].as_array().unwrap() {
        let (group, key) = (option[0].as_str().unwrap(), option[1].as_str().unwrap());
        let (value, status) = (option[2].as_str(), option[3].as_str().unwrap());
        let ours = conf.get(group, key);
        let at = format!("[{group}] {key}");
        match (&ours, status) {
            (None, "ok") => {
                // Unset: Octavia's default.
                let default = role_of(group, key).map(Role::octavia_default);
                if value != default {
                    return Err(format!(
                        "{at}: oslo.config reads {value:?}, the library nothing"
                    ));
                }
            }
            (None, _) => {
                return Err(format!(
                    "{at}: oslo.config reads it ({status}), the library nothing"
                ));
            }
            (Some(setting), "ok") => {
                if setting.has_reference || Some(setting.value.as_str()) != value {
                    return Err(format!(
                        "{at}: oslo.config reads {value:?}, the library {:?} (reference: {})",
                        setting.value, setting.has_reference
                    ));
                }
                tally.values += 1;
                tally.pki_values += usize::from(
                    role_of(group, key).is_some() || key == "ca_private_key_passphrase",
                );
                tally.continued += usize::from(setting.value.contains('\n'));
            }
            (Some(setting), _) => {
                if !setting.has_reference {
                    return Err(format!(
                        "{at}: oslo.config's reading went through an option the library does not know \
                         ({status}); the library reads {:?} as known",
                        setting.value
                    ));
                }
                tally.unknown += 1;
            }
        }
        let defaults = Role::ALL.map(Role::octavia_default);
        if status == "ok" && ours.is_some_and(|s| defaults.iter().any(|d| s.value.contains(d))) {
            tally.defaults_substituted += 1;
        }
    }
    // And nothing the files do not set for oslo.config.
    let groups = SECTIONS
        .iter()
        .map(|s| s.to_lowercase())
        .chain(["DEFAULT".to_owned()]);
    for group in groups {
        for key in KEYS {
            let set = inventory.iter().any(|(g, k)| *g == group && k == key);
            if !set && conf.get(&group, key).is_some() {
                return Err(format!(
                    "[{group}] {key}: the library reads a value oslo.config does not"
                ));
            }
        }
    }
    // The passphrase Octavia unlocks the CA key with.
    let passphrase = answer["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o[0] == "certificates" && o[1] == "ca_private_key_passphrase")
        .unwrap();
    if passphrase[3] == "ok" {
        let ours = conf.ca_private_key_passphrase();
        if ours.as_ref().map(|p| p.expose()) != passphrase[2].as_str() {
            return Err(
                "ca_private_key_passphrase: the library unlocks with another string".into(),
            );
        }
    }
    Ok(())
}

#[test]
fn random_files_read_as_oslo_config_reads_them() {
    let configs = oslo_configs();
    let config = Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        max_shrink_iters: 32,
        ..Config::default()
    };
    // The cases the runner will try, in its order (the seed is fixed).
    let cases = RefCell::new(Vec::new());
    TestRunner::new(config.clone())
        .run(&case(), |c| {
            cases.borrow_mut().push(c);
            Ok(())
        })
        .unwrap();
    let cases = cases.into_inner();
    // oslo.config on all of them, once per version.
    let tmp = tempfile::tempdir().unwrap();
    let paths = write_cases(tmp.path(), &cases);
    let answers: Vec<HashMap<&Vec<String>, serde_json::Value>> = configs
        .iter()
        .map(|(_, python, _)| cases.iter().zip(oslo_batch(python, &paths)).collect())
        .collect();
    // The same run, each case against each oslo.config; a smaller case met
    // while shrinking a failure is asked of oslo.config on its own.
    let tally = RefCell::new(Tally::default());
    let result = TestRunner::new(config).run(&case(), |texts| {
        let dir = tempfile::tempdir().unwrap();
        let files = write_cases(dir.path(), std::slice::from_ref(&texts)).remove(0);
        for ((version, python, releases), answers) in configs.iter().zip(&answers) {
            let answer = match answers.get(&texts) {
                Some(answer) => answer.clone(),
                None => oslo_batch(python, std::slice::from_ref(&files)).remove(0),
            };
            compare(&files, &answer, &mut tally.borrow_mut()).map_err(|e| {
                TestCaseError::fail(format!("oslo.config {version} (Octavia {releases:?}): {e}"))
            })?;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The cases reach what they are meant to (the counts are the seed's:
    // about twice these).
    let tally = tally.into_inner();
    let per_version = |n: usize| n / configs.len();
    let at_least = [
        (per_version(tally.read), 150, "cases read"),
        (per_version(tally.refused), 60, "cases refused"),
        (per_version(tally.values), 500, "values compared"),
        (per_version(tally.pki_values), 100, "PKI options compared"),
        (
            per_version(tally.continued),
            300,
            "values with continuation lines",
        ),
        (
            per_version(tally.defaults_substituted),
            40,
            "defaults substituted",
        ),
        (
            per_version(tally.unknown),
            200,
            "values through unknown options",
        ),
    ];
    for (count, least, what) in at_least {
        assert!(count >= least, "only {count} {what}: {tally:?}");
    }
}
