//! Passphrases on every path to Octavia, judged by the real peers rather
//! than our word: passwords.yml as kolla-ansible's own Ansible loads it
//! (YAML 1.1, explicit tags, `!unsafe`, `!vault`, merge keys, and what it
//! refuses to load) and renders it into kolla's octavia.conf line, read
//! back by oslo.config; and the charm's passphrase option as charm-octavia's
//! template writes it.

use std::fs;
use std::path::Path;
use std::process::Command;

use octavia_pki::{CA_PASSWORD, KollaPasswords, Passphrase, PasswordsError};
use serde_json::Value;

use crate::common::*;

/// Ansible's and Octavia's verdict on each passwords.yml text
/// (`tests/peers/ansible_passwords.py`, one kolla-ansible Python process),
/// with `vault` as the vault password.
fn ansible_verdicts(texts: &[String], vault: Option<&str>) -> Vec<Value> {
    let mut cmd = Command::new(kolla_venv().join("bin/python"));
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/ansible_passwords.py"));
    cmd.args(vault);
    let out = stdin_output(&mut cmd, &serde_json::to_vec(texts).unwrap());
    assert!(
        out.status.success(),
        "ansible_passwords.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdicts.len(), texts.len());
    verdicts
}

/// Where this tool and Ansible-then-oslo.config disagree on `text`, if they
/// do: Ansible refuses to load it exactly when this tool does; when Octavia
/// gets a string, the tool's `octavia_value` is that string, or says it
/// cannot tell and why; it reports no change exactly when that string is
/// the text written; and a passphrase it would write or unlock with is that
/// string.
fn disagreement(text: &str, verdict: &Value, vault: Option<&Passphrase>) -> Option<String> {
    let ours =
        KollaPasswords::parse(text.as_bytes()).map(|p| p.with_vault_password(vault.cloned()));
    if let Some(reason) = verdict["refused"].as_str() {
        return match ours {
            Err(PasswordsError::Yaml(_)) => None,
            Err(e) => Some(format!("Ansible refuses ({reason}); we say: {e}")),
            Ok(_) => Some(format!("Ansible refuses ({reason}); we load it")),
        };
    }
    let render_error = verdict["render_error"].as_str();
    let ours = match ours {
        Err(PasswordsError::NotAMapping) if render_error == Some("missing") => return None,
        Err(e) => return Some(format!("Ansible loads it ({verdict}); we refuse: {e}")),
        Ok(ours) => ours,
    };
    let value = ours.octavia_value(CA_PASSWORD);
    let usable = ours.passphrase(CA_PASSWORD).ok();
    let Some(octavia) = verdict["octavia"].as_str() else {
        // Ansible cannot render it, or Octavia cannot read the result: no
        // passphrase may be claimed.
        return match (render_error, &value) {
            (Some("missing"), Err(PasswordsError::Missing { .. })) => None,
            (_, Ok(v)) if v.passphrase.is_none() && !v.changed.is_empty() => None,
            (Some(e), Err(_)) if e != "missing" => None,
            (None, Err(_)) => None,
            _ => Some(format!("{verdict}; we say {value:?}")),
        };
    };
    let written = verdict["written"].as_str();
    if let Some(p) = &usable
        && (p.expose() != octavia || written.is_some_and(|w| w != octavia))
    {
        return Some(format!(
            "we would use it as written, Octavia reads another string ({verdict})"
        ));
    }
    // No passphrase at all: whatever this tool says, it uses none.
    if octavia.is_empty() && usable.is_none() {
        return None;
    }
    match value {
        // A list or mapping, which Ansible renders as Python's repr.
        Err(PasswordsError::NotAString { .. }) if verdict["written"].is_null() => None,
        Err(e) => Some(format!("Octavia reads a string ({verdict}); we say: {e}")),
        Ok(v) => {
            if let Some(p) = &v.passphrase
                && p.expose() != octavia
            {
                return Some(format!(
                    "we say Octavia reads another string ({verdict}; changed {:?})",
                    v.changed
                ));
            }
            if v.passphrase.is_none() && v.changed.is_empty() {
                return Some(format!(
                    "we cannot tell, and say nothing changed ({verdict})"
                ));
            }
            if written.is_some() && v.changed.is_empty() != (written == Some(octavia)) {
                return Some(format!("changed {:?} ({verdict})", v.changed));
            }
            None
        }
    }
}

/// Asserts that this tool and Ansible agree on every text.
fn assert_agree(texts: &[String], vault: Option<&str>) -> usize {
    let verdicts = ansible_verdicts(texts, vault);
    let vault = vault.map(|v| Passphrase::new(v.into()));
    let disagreements: Vec<String> = texts
        .iter()
        .zip(&verdicts)
        .filter_map(|(text, verdict)| {
            disagreement(text, verdict, vault.as_ref()).map(|why| format!("{text:?}: {why}"))
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} passwords.yml files are read otherwise than Ansible and oslo.config read \
         them:\n{}",
        disagreements.len(),
        texts.len(),
        disagreements[..disagreements.len().min(40)].join("\n")
    );
    verdicts.iter().filter(|v| v["refused"].is_string()).count()
}

/// Texts of values worth trying: YAML 1.1's typed forms and their near
/// misses, base64, dates, quotes and whitespace oslo.config strips, Jinja.
const TEXTS: &[&str] = &[
    "Abc123xyz",
    "yes",
    "Yes",
    "YES",
    "yEs",
    "no",
    "On",
    "OFF",
    "y",
    "n",
    "true",
    "True",
    "1_000",
    "0x1F",
    "0x_1F",
    "0X1F",
    "0b101",
    "0b_",
    "0b2",
    "017",
    "08",
    "0o17",
    "0_7",
    "1:20",
    "1:20.5",
    "0:20",
    "1__",
    "0",
    "-0",
    "+12",
    "- 12",
    "12345",
    "1.5",
    "1.50",
    "1.",
    ".5",
    "-.5",
    "1._",
    "1e3",
    "1E3",
    "1.0e+3",
    "1.0e3",
    "1e+3",
    "1.5e-07",
    ".inf",
    "-.Inf",
    ".NaN",
    "nan",
    "Infinity",
    "--1",
    "~",
    "null",
    "NULL",
    "nULL",
    "",
    " ",
    "2001-12-14",
    "2001-1-2",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14t21:59:43.10Z",
    "2001-12-14 1:02:03.1234567",
    "2001-12-14 21:59:43 +05:30",
    "2001-02-30",
    "2000-02-29",
    "2001-12-14 25:00:00",
    "0000-01-01",
    "2001-12-14 1:02:03 +24",
    "=",
    "==",
    "<<",
    "aGVsbG8=",
    "/w==",
    "aGVsbG8",
    "a",
    "4pyT",
    "QWJj\nMTIz",
    "AAo=",
    "aGVs=bG8=",
    " lead",
    "trail ",
    "\"q\"",
    "'q'",
    "\" lead\"",
    "{{ 1 }}",
    "{{ x }}",
    "a{#b#}c",
    "{%",
    "x$y",
    "snow\u{2603}man",
    "a\nb",
    "a\tb",
    "123456789012345678901234567890123456789012345",
    "0x123456789abcdef0123456789abcdef0123456789",
];

/// The tags tried on each text: none, YAML's own, Ansible's, the
/// non-specific `!`; the first three in every style (their typing depends on
/// it), the others quoted and as a block.
const TAGS: &[&str] = &[
    "",
    "!unsafe ",
    "! ",
    "!!str ",
    "!!bool ",
    "!!int ",
    "!!float ",
    "!!null ",
    "!!binary ",
    "!!timestamp ",
    "!!python/unicode ",
    "!<tag:yaml.org,2002:float> ",
];

/// Tags Ansible has no constructor for, or one for another kind of node.
const REFUSED_TAGS: &[&str] = &[
    "!!python/str ",
    "!foo ",
    "!!merge ",
    "!!value ",
    "!!seq ",
    "!!map ",
    "!!omap ",
    "!vault ",
];

/// `text` as a YAML scalar in `style`: plain, single- or double-quoted, a
/// literal block (kept or stripped line break).
fn scalar(text: &str, style: usize) -> String {
    match style {
        0 => text.to_owned(),
        // A line break in a quoted scalar: a blank line, then the rest
        // indented (libyaml also takes it unindented; yaml-rust2 does not).
        1 => format!("'{}'", text.replace('\'', "''").replace('\n', "\n\n  ")),
        2 => serde_json::to_string(text).unwrap(),
        3 | 4 => {
            let indicator = if style == 3 { "|" } else { "|-" };
            let body: Vec<String> = text.split('\n').map(|l| format!("  {l}")).collect();
            format!("{indicator}\n{}", body.join("\n"))
        }
        _ => unreachable!(),
    }
}

/// A small deterministic generator (xorshift), so that a failure names a
/// text that fails again.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// A short text of characters YAML 1.1's patterns and oslo.config care about.
    fn text(&mut self) -> String {
        const ALPHABET: &[char] = &[
            '0', '1', '7', '9', '_', '.', ':', '-', '+', 'e', 'E', 'x', 'b', 'o', 'y', 'Y', 'n',
            'T', 'Z', 't', ' ', '~', '=', '<', 'a', 'A', 'f', '/', '\'', '"', '{', '#', '$',
        ];
        let len = 1 + self.below(8);
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len())])
            .collect()
    }
}

/// Whole files where a value alone would not show it: merge keys (and
/// their misuse), aliases, a second document, keys that cannot be hashed,
/// tag directives, collections.
const DOCUMENTS: &[&str] = &[
    "octavia_ca_password: a\n---\nb: 1\n",
    "---\noctavia_ca_password: a\n...\n",
    "<<: {octavia_ca_password: inline}\n",
    "base: &b\n  octavia_ca_password: fromb\n<<: *b\noctavia_ca_password: own\n",
    "b: &b\n  octavia_ca_password: fromb\no: &o\n  octavia_ca_password: fromo\n<<: [*b, *o]\n",
    "b: &b\n  octavia_ca_password: fromb\n<<: [*b, {octavia_ca_password: x}, *b]\n",
    "<<: [{a: 1}, {octavia_ca_password: inl}]\n",
    "<<: abc\noctavia_ca_password: own\n",
    "<<: [abc]\noctavia_ca_password: own\n",
    "<<: ~\noctavia_ca_password: own\n",
    "<<: []\noctavia_ca_password: own\n",
    "a: &a x\n<<: *a\noctavia_ca_password: own\n",
    "'<<': abc\noctavia_ca_password: own\n",
    "!!merge x: {octavia_ca_password: t}\n",
    "=: x\noctavia_ca_password: own\n",
    "x: &p !!bool yes\noctavia_ca_password: *p\n",
    "x: &p 'Abc123'\noctavia_ca_password: *p\n",
    "octavia_ca_password: &p Abc\nx: *p\n",
    "octavia_ca_password: *nowhere\n",
    "? [a]\n: 1\noctavia_ca_password: a\n",
    "octavia_ca_password: !!omap [{a: 1}]\n",
    "octavia_ca_password: !!omap [{a: 1, b: 2}]\n",
    "octavia_ca_password: !!pairs [a]\n",
    "octavia_ca_password: !!set {a}\n",
    "octavia_ca_password: !!str [a]\n",
    "octavia_ca_password: !foo {a: b}\n",
    "octavia_ca_password: !unsafe [a]\n",
    "octavia_ca_password: [a]\n",
    "octavia_ca_password: !vault [a]\n",
    "- octavia_ca_password\n",
    "%TAG !e! tag:yaml.org,2002:\n---\noctavia_ca_password: !e!bool yes\n",
    "octavia_ca_password: Abc\noctavia_ca_password: yes\n",
    "octavia_ca_password: !!str\n",
    "octavia_ca_password:\n",
    "# nothing\n",
    "other: !!python/str x\noctavia_ca_password: Abc\n",
    "other: 2001-02-30\noctavia_ca_password: Abc\n",
    "other: 0b_\noctavia_ca_password: Abc\n",
];

/// JSON values, which Ansible reads before trying YAML: JSON's numbers
/// (`1e3` a float), Python's `NaN` and `Infinity`, Ansible's `__ansible_unsafe`
/// and `__ansible_vault` objects, and what Python's `json` refuses (then
/// read as YAML).
const JSON_VALUES: &[&str] = &[
    "1e3",
    "1E+3",
    "1.5e3",
    "1.5",
    "-0",
    "-0.0",
    "0",
    "017",
    "1.",
    ".5",
    "12345678901234567890123",
    "NaN",
    "Infinity",
    "-Infinity",
    "true",
    "null",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"a\\u0000b\"",
    "\"a\\nb\"",
    "\"a\tb\"",
    "{\"__ansible_unsafe\": \"{{ 1 }}\"}",
    "{\"__ansible_unsafe\": 1}",
    "{\"a\": 1, \"__ansible_unsafe\": \"Abc\"}",
    "{\"__ansible_vault\": \"x\"}",
    "[1]",
    "{\"a\": 1}",
    "1,",
    "1 x",
];

/// The many passwords.yml files: every tag on every text in every style,
/// whole documents, JSON, and random texts with random tags and styles.
fn sweep() -> Vec<String> {
    let doc = |value: &str| format!("{CA_PASSWORD}: {value}\n");
    let mut texts: Vec<String> = DOCUMENTS.iter().map(|d| (*d).to_owned()).collect();
    let json = |value: &str| format!("{{\"{CA_PASSWORD}\": {value}, \"other\": 1}}\n");
    texts.extend(JSON_VALUES.iter().map(|v| json(v)));
    texts.extend(
        TEXTS
            .iter()
            .map(|t| json(&serde_json::to_string(t).unwrap())),
    );
    texts.push(format!(
        "{{\"{CA_PASSWORD}\": \"a\", \"{CA_PASSWORD}\": 1e3}}"
    ));
    for (i, tag) in TAGS.iter().enumerate() {
        let styles: &[usize] = if i < 3 { &[0, 1, 2, 3, 4] } else { &[1, 3] };
        for text in TEXTS {
            for &style in styles {
                texts.push(doc(&format!("{tag}{}", scalar(text, style))));
            }
        }
    }
    for tag in REFUSED_TAGS {
        for text in ["Abc123", "yes", "12", "", "<<"] {
            texts.push(doc(&format!("{tag}{text}")));
        }
    }
    let mut random = Random(0x5eed_0c7a_71a0_0001);
    let every_tag: Vec<&str> = TAGS.iter().chain(REFUSED_TAGS).copied().collect();
    for _ in 0..1500 {
        let (tag, style) = (every_tag[random.below(every_tag.len())], random.below(5));
        let text = random.text();
        texts.push(doc(&format!("{tag}{}", scalar(&text, style))));
    }
    texts
}

/// The property: for thousands of passwords.yml files (every tag on every
/// typed form, in every style; merges, aliases, refusals; random texts), in
/// one Python process of kolla-ansible's Ansible, this tool refuses what
/// Ansible refuses to load, and takes as the passphrase exactly the string
/// oslo.config reads from kolla's octavia.conf line as Ansible renders it,
/// or says why it cannot tell.
#[test]
fn passwords_yml_is_read_as_ansible_loads_and_renders_it_and_oslo_config_reads_it() {
    let texts = sweep();
    let refused = assert_agree(&texts, None);
    // The sweep holds both kinds, in numbers.
    assert!(
        refused > 1000 && texts.len() - refused > 2000,
        "{refused} of {}",
        texts.len()
    );
}

/// `plain` encrypted inline by the real `ansible-vault encrypt_string`, as
/// a passwords.yml holding it as `octavia_ca_password`.
fn vaulted_passwords(plain: &str, password_file: &Path) -> String {
    stdin_ok(
        Command::new(kolla_venv().join("bin/ansible-vault"))
            .args(["encrypt_string", "--vault-password-file"])
            .arg(password_file)
            .args(["--stdin-name", CA_PASSWORD]),
        plain,
    )
}

/// A value encrypted inline (`!vault`, as `ansible-vault encrypt_string`
/// writes it) is what Ansible decrypts, never typed nor rendered as Jinja,
/// then stripped by oslo.config; without the vault password, or with
/// another, this tool says so and takes no passphrase.
#[test]
fn values_vaulted_inline_are_read_as_ansible_decrypts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let password_file = tmp.path().join("vault-pass");
    fs::write(&password_file, "a-vault-password\n").unwrap();
    let texts: Vec<String> = [
        "Abc123xyz",
        " lead",
        "{{ 1 }}x",
        "yes",
        "1_000",
        "x$y",
        "a\nb",
    ]
    .iter()
    .map(|plain| vaulted_passwords(plain, &password_file))
    .collect();
    assert_agree(&texts, Some("a-vault-password"));
    let first = KollaPasswords::parse(texts[0].as_bytes()).unwrap();
    for (vault, why) in [(None, "--vault-password-file"), (Some("another"), "HMAC")] {
        let read = first.octavia_value(CA_PASSWORD);
        let read = match vault {
            None => read,
            Some(v) => KollaPasswords::parse(texts[0].as_bytes())
                .unwrap()
                .with_vault_password(Some(Passphrase::new(v.into())))
                .octavia_value(CA_PASSWORD),
        };
        let err = read.unwrap_err().to_string();
        assert!(
            err.contains("octavia_ca_password is encrypted inline with ansible-vault")
                && err.contains(why),
            "{err}"
        );
    }
    // Through the CLI: the vault password file opens the value as it opens files.
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let (server, client) = test_passphrases();
    let passwords = tmp.path().join("passwords.yml");
    fs::write(
        &passwords,
        format!(
            "{}octavia_client_ca_password: {client}\n",
            vaulted_passwords(&server, &password_file)
        ),
    )
    .unwrap();
    let check = |vault: bool| {
        let mut cmd = octavia_pki();
        cmd.arg("check")
            .arg(&set.dir)
            .arg("--passwords")
            .arg(&passwords);
        cmd.args(["--format", "json"]);
        if vault {
            cmd.arg("--vault-password-file").arg(&password_file);
        }
        let out = run(&mut cmd);
        (
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
            out.status.code(),
        )
    };
    let (report, code) = check(true);
    assert_eq!(code, Some(0), "{report}");
    let (report, code) = check(false);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        findings_at(&report, "error"),
        ["password-missing@passwords.yml"],
        "{report}"
    );
}

/// What Ansible refuses to load (a tag it has no constructor for, a plain
/// `=` or `<<`, a merge of a scalar, an impossible date, a second
/// document) stops `check` and `generate` with Ansible's reason, the file
/// and the key, never the value; the real Ansible refuses each too.
#[test]
fn what_ansible_refuses_to_load_is_refused_naming_the_file_the_key_and_the_reason() {
    let (server, client) = test_passphrases();
    let cases = [
        ("!!python/str Secret0value", "tag:yaml.org,2002:python/str"),
        ("=", "tag:yaml.org,2002:value"),
        ("<<", "tag:yaml.org,2002:merge"),
        (
            "!!int Secret0value",
            "invalid literal for int() with base 10",
        ),
        ("!!bool Secret0value", "!!bool value must be yes, no"),
        ("2001-02-30", "day is out of range for month"),
        ("!!binary Secret0valu", "Incorrect padding"),
        ("Secret0value\n---\nx: 1", "Expected a single document"),
    ];
    let texts: Vec<String> = cases
        .iter()
        .map(|(value, _)| format!("{CA_PASSWORD}: {value}\noctavia_client_ca_password: {client}\n"))
        .collect();
    let verdicts = ansible_verdicts(&texts, None);
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let tmp = tempfile::tempdir().unwrap();
    for (((_, reason), text), verdict) in cases.iter().zip(&texts).zip(&verdicts) {
        assert!(
            verdict["refused"].is_string(),
            "Ansible loads {text:?}: {verdict}"
        );
        let passwords = tmp.path().join("passwords.yml");
        fs::write(&passwords, text).unwrap();
        let out = run(octavia_pki()
            .arg("check")
            .arg(&set.dir)
            .arg("--passwords")
            .arg(&passwords)
            .args(["--format", "json"]));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{text:?}: {report}");
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "password-missing")
            .unwrap_or_else(|| panic!("{text:?}: {report}"));
        let message = finding["message"].as_str().unwrap();
        assert!(
            message.contains("Ansible refuses to load it") && message.contains(reason),
            "{text:?}: {message}"
        );
        let fresh = tmp.path().join("fresh");
        let out = run(&mut generate_into(
            &fresh.join("d"),
            &fresh.join("w"),
            &passwords,
            &["--key-type", "ecdsa-p256", "--dry-run"],
        ));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text:?}: {err}");
        assert!(
            err.contains(&passwords.display().to_string())
                && err.contains(reason)
                && (err.contains(&format!("under {CA_PASSWORD}")) || reason.contains("single")),
            "{text:?}: {err}"
        );
        for said in [message, &err] {
            assert!(
                !said.contains("Secret0value") && !said.contains(&server),
                "{said}"
            );
        }
    }
}

/// The string Octavia's own oslo.config reads as the CA key's passphrase
/// from the octavia.conf charm-octavia renders for `document`
/// (`tests/peers/unpack.py`, the charm's template's line, then oslo.config).
fn charm_octavia_reads(document: &Path, out: &Path) -> Result<String, String> {
    ok(python_script("tests/peers/unpack.py")
        .arg("charm")
        .arg(document)
        .arg(out));
    let script = "import sys\nfrom oslo_config import cfg\nc = cfg.ConfigOpts()\n\
                  c.register_opts([cfg.StrOpt('ca_private_key_passphrase')], group='certificates')\n\
                  try:\n    c(['--config-file', sys.argv[1]], default_config_files=[])\n    \
                  sys.stdout.write(c.certificates.ca_private_key_passphrase)\n\
                  except BaseException as e:\n    sys.stderr.write(type(e).__name__)\n    sys.exit(3)\n";
    let result = run(peer_python()
        .args(["-c", script])
        .arg(out.join("octavia.conf")));
    match result.status.code() {
        Some(0) => Ok(String::from_utf8(result.stdout).unwrap()),
        _ => Err(String::from_utf8_lossy(&result.stderr).into_owned()),
    }
}

/// `document` (the charm's options, as `generate --layout charm` writes
/// them) with the passphrase option set to `option` and the CA key
/// re-encrypted from `old` to `new`.
fn charm_document(
    document: &str,
    option: &str,
    key_pem: &[u8],
    old: &Path,
    new: &Path,
    tmp: &Path,
) -> String {
    let plain = tmp.join("key.pem");
    let encrypted = tmp.join("key.enc.pem");
    fs::write(&plain, key_pem).unwrap();
    ok(openssl()
        .args(["pkey", "-aes256", "-in"])
        .arg(&plain)
        .arg("-passin")
        .arg(format!("file:{}", old.display()))
        .arg("-passout")
        .arg(format!("file:{}", new.display()))
        .arg("-out")
        .arg(&encrypted));
    let encoded = ok(openssl().args(["base64", "-A", "-in"]).arg(&encrypted));
    document
        .lines()
        .map(|line| {
            let (indent, rest) = line.split_at(line.len() - line.trim_start().len());
            match rest.split_once(": ") {
                Some(("lb-mgmt-issuing-ca-private-key", _)) => {
                    format!(
                        "{indent}lb-mgmt-issuing-ca-private-key: \"{}\"",
                        encoded.trim()
                    )
                }
                Some(("lb-mgmt-issuing-ca-key-passphrase", _)) => format!(
                    "{indent}lb-mgmt-issuing-ca-key-passphrase: {}",
                    serde_json::to_string(option).unwrap()
                ),
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The charm writes `lb-mgmt-issuing-ca-key-passphrase` into octavia.conf
/// as it is (charm-octavia's template), and oslo.config strips it: with the
/// CA key encrypted with what Octavia really reads, `check --charm-config`
/// names the option when that is not the option's text (never a wrong
/// passphrase, and never the value), and is OK when it is; `generate
/// --layout charm --passphrase-file` refuses a passphrase Octavia would read
/// otherwise, naming the file, and `renew` refuses to write such an option
/// back; a value that is not a string, which `juju config` refuses, is
/// refused naming the option.
#[test]
fn the_charms_passphrase_is_judged_as_its_template_writes_it_and_oslo_config_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("ca.pass");
    fs::write(&pass, "Charm0Passphrase\n").unwrap();
    // The same again: OpenSSL reads -passin and -passout of one file as two lines.
    let same = tmp.path().join("same.pass");
    fs::copy(&pass, &same).unwrap();
    let document = tmp.path().join("octavia-certs.yaml");
    ok(octavia_pki()
        .args([
            "generate",
            "--layout",
            "charm",
            "--key-type",
            "ecdsa-p256",
            "--output",
        ])
        .arg(&document)
        .arg("--passphrase-file")
        .arg(&pass));
    let generated = fs::read_to_string(&document).unwrap();
    // The CA key as the charm writes it, encrypted with the passphrase file's.
    ok(python_script("tests/peers/unpack.py")
        .arg("charm")
        .arg(&document)
        .arg(tmp.path().join("first")));
    let key_pem = fs::read(tmp.path().join("first/certs/issuing_ca_key.pem")).unwrap();
    let forms = [
        (" Lead7x", true),
        ("Trail7x ", true),
        ("\"Qu0ted7x\"", true),
        ("'S1ngle7x'", true),
        ("\" Sp4ce7x\"", true),
        ("Abc123xyz", false),
        ("yes", false),
        ("{{ x }}", false),
        ("1_000", false),
    ];
    for (i, (option, changed)) in forms.iter().enumerate() {
        let case = tmp.path().join(format!("case-{i}"));
        fs::create_dir(&case).unwrap();
        let file = case.join("octavia-certs.yaml");
        // The text as written first, to learn what Octavia reads of it...
        fs::write(
            &file,
            charm_document(&generated, option, &key_pem, &pass, &same, &case),
        )
        .unwrap();
        let octavia = charm_octavia_reads(&file, &case.join("unpacked")).unwrap();
        assert_eq!(
            octavia != *option,
            *changed,
            "{option:?}: Octavia reads {octavia:?}"
        );
        // ...then the key encrypted with that, as a working deployment has it.
        let octavia_pass = case.join("octavia.pass");
        fs::write(&octavia_pass, format!("{octavia}\n")).unwrap();
        fs::write(
            &file,
            charm_document(&generated, option, &key_pem, &pass, &octavia_pass, &case),
        )
        .unwrap();
        let out = run(octavia_pki()
            .args(["check", "--format", "json", "--charm-config"])
            .arg(&file));
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{option:?}: {}", String::from_utf8_lossy(&out.stderr)));
        let errors = findings_at(&report, "error");
        let named = format!(
            "password-not-as-written@lb-mgmt-issuing-ca-key-passphrase in {}",
            file.display()
        );
        if *changed {
            assert_eq!(errors, [named], "{option:?}: {report}");
            assert_eq!(out.status.code(), Some(1), "{option:?}");
        } else {
            assert!(errors.is_empty(), "{option:?}: {report}");
            assert_eq!(out.status.code(), Some(0), "{option:?}: {report}");
        }
        let said = String::from_utf8_lossy(&out.stdout);
        let core = option.trim_matches([' ', '"', '\'']);
        assert!(core.len() < 6 || !said.contains(core), "{said}");
        // generate with that passphrase in a file.
        let pass_file = case.join("option.pass");
        fs::write(&pass_file, format!("{option}\n")).unwrap();
        let out = run(octavia_pki()
            .args([
                "generate",
                "--layout",
                "charm",
                "--key-type",
                "ecdsa-p256",
                "--dry-run",
            ])
            .arg("--output")
            .arg(case.join("fresh.yaml"))
            .arg("--passphrase-file")
            .arg(&pass_file));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.success(), !changed, "{option:?}: {err}");
        if *changed {
            assert!(
                err.contains(&format!(
                    "{}: lb-mgmt-issuing-ca-key-passphrase ",
                    pass_file.display()
                )),
                "{err}"
            );
        }
    }
    // renew writes the option back: refused while Octavia reads it
    // otherwise, though the keys open with what Octavia reads.
    let lead = tmp.path().join("lead");
    fs::create_dir(&lead).unwrap();
    let lead_pass = lead.join("lead.pass");
    fs::write(&lead_pass, "lead\n").unwrap();
    let file = lead.join("octavia-certs.yaml");
    ok(octavia_pki()
        .args([
            "generate",
            "--layout",
            "charm",
            "--key-type",
            "ecdsa-p256",
            "--output",
        ])
        .arg(&file)
        .arg("--passphrase-file")
        .arg(&lead_pass));
    let text = fs::read_to_string(&file).unwrap().replace(
        "lb-mgmt-issuing-ca-key-passphrase: lead\n",
        "lb-mgmt-issuing-ca-key-passphrase: \" lead\"\n",
    );
    fs::write(&file, &text).unwrap();
    let out = run(octavia_pki()
        .args(["renew", "client", "--charm-config"])
        .arg(&file));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "{}: lb-mgmt-issuing-ca-key-passphrase has leading or trailing whitespace",
            file.display()
        )),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        text,
        "the document was written"
    );
    // A number where Juju's string option wants a string.
    let file = tmp.path().join("number.yaml");
    fs::write(
        &file,
        generated.replace(
            "lb-mgmt-issuing-ca-key-passphrase: Charm0Passphrase\n",
            "lb-mgmt-issuing-ca-key-passphrase: 12345\n",
        ),
    )
    .unwrap();
    let out = run(octavia_pki().args(["check", "--charm-config"]).arg(&file));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("lb-mgmt-issuing-ca-key-passphrase is a YAML number, not a string"),
        "{err}"
    );
}
