//! octavia.conf read as Octavia reads it: the library's `OctaviaConf`
//! against each release's own oslo.config (`octavia_peer.py conf`, Octavia
//! 16.1.0, 17.0.1, 18.0.0 and 19.0.0), on the
//! file kolla-ansible's template renders and on files that exercise
//! oslo.config's rules (later files win, repeated sections, quotes, `:`,
//! comments, continuation lines, unset options and their defaults).

use std::path::{Path, PathBuf};

use octavia_pki::Role;
use octavia_pki::octavia_conf::OctaviaConf;

use crate::common::*;

/// SHA-256 of `text` as hex, by the `openssl` CLI (the passphrase itself is
/// never compared in the clear, nor put on a command line).
fn sha256(text: &str) -> String {
    stdin_ok(openssl().args(["dgst", "-sha256", "-r"]), text)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// What each Octavia release reads from `files` (by version), and what the
/// library reads.
fn both(files: &[PathBuf]) -> (Vec<(String, serde_json::Value)>, serde_json::Value) {
    let releases = octavia_releases();
    let octavia = for_each_release(&releases, |release| {
        let mut cmd = std::process::Command::new(&release.python);
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
            .arg("conf")
            .args(files);
        let read: serde_json::Value = serde_json::from_str(ok(&mut cmd).trim()).unwrap();
        (release.version.clone(), read)
    });
    let conf = OctaviaConf::read(files, None).unwrap();
    let ours = serde_json::json!({
        "ca_certificate": conf.file(Role::CaCertificate).value,
        "ca_private_key": conf.file(Role::CaPrivateKey).value,
        "server_ca": conf.file(Role::ServerCa).value,
        "client_cert": conf.file(Role::ClientCert).value,
        "client_ca": conf.file(Role::ClientCa).value,
        "ca_private_key_passphrase_sha256":
            conf.ca_private_key_passphrase().map(|p| sha256(p.expose())),
    });
    (octavia, ours)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_pki_options_read_as_octavias_own_oslo_config_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let kolla = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/node/cases/clean/kolla/octavia-worker/octavia.conf");
    let main = write(
        tmp.path(),
        "octavia.conf",
        "[DEFAULT]\ndebug = False\n\n[certificates]\n# the issuing CA\nca_certificate = /etc/octavia/certs/ca.pem\n\
         ca_private_key: \"/etc/octavia/certs/ca.key\"\nca_private_key_passphrase =  'a secret # not a comment'  \n\
         [haproxy_amphora]\nserver_ca = /etc/octavia/certs/server_ca.pem\n; another comment\n\
         client_cert = /etc/octavia/certs/client.pem\n[certificates]\nca_certificate = /etc/octavia/certs/intermediate.pem\n",
    );
    let drop_in = write(
        tmp.path(),
        "octavia-pki.conf",
        "[controller_worker]\nclient_ca = /etc/octavia/certs/client_ca.pem\n[haproxy_amphora]\nclient_cert = /etc/octavia/certs/client\n  bundle.pem\n",
    );
    let bare = write(tmp.path(), "bare.conf", "[DEFAULT]\ndebug = True\n");
    // oslo.config's substitution of other options' values, in the same
    // group, by `group.name`, recursively, greedily, and their defaults.
    let references = write(
        tmp.path(),
        "references.conf",
        "[certificates]\nca_certificate = ${haproxy_amphora.server_ca}\nca_private_key = ${ca_certificate}.key\n\
         ca_private_key_passphrase = x$$y-${ca_private_key}\n[haproxy_amphora]\nserver_ca = /etc/octavia/certs/ca.pem\n\
         client_cert = $server_ca-bundle\n[controller_worker]\nclient_ca = ${haproxy_amphora.client_cert}\n",
    );
    let to_a_default = write(
        tmp.path(),
        "to-a-default.conf",
        "[controller_worker]\nclient_ca = ${haproxy_amphora.server_ca}\n",
    );
    // oslo.config's escapes: `$$` and `\$` are a literal `$`.
    let escaped = write(
        tmp.path(),
        "escaped.conf",
        "[certificates]\nca_private_key_passphrase = pa$$wo\\$rd\nca_certificate = /etc/octavia/certs/a$$b.pem\n",
    );
    for files in [
        vec![kolla.clone()],
        vec![main.clone()],
        vec![main.clone(), drop_in.clone()],
        vec![drop_in, main],
        vec![bare],
        vec![escaped],
        vec![references],
        vec![to_a_default],
    ] {
        let (octavia, ours) = both(&files);
        for (version, read) in octavia {
            assert_eq!(ours, read, "Octavia {version} on {files:?}");
        }
    }
}

/// An octavia.conf naming a generated set's deployed files, as another
/// deployer would render it (absolute paths, the passphrase in the file).
fn conf_for(set: &GeneratedSet, extra: &str) -> PathBuf {
    let d = |name: &str| set.dir.join(name).display().to_string();
    write(
        set.tmp.path(),
        "octavia.conf",
        &format!(
            "[certificates]\nca_certificate = {}\nca_private_key = {}\nca_private_key_passphrase = {}\n\
             [haproxy_amphora]\nserver_ca = {}\nclient_cert = {}\n{extra}",
            d("server_ca.cert.pem"),
            d("server_ca.key.pem"),
            set.server_passphrase,
            d("server_ca.cert.pem"),
            d("client.cert-and-key.pem"),
        ),
    )
}

/// A generated set and an octavia.conf naming all its files.
fn generated_with_conf() -> (GeneratedSet, PathBuf) {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let client_ca = format!(
        "[controller_worker]\nclient_ca = {}\n",
        set.dir.join("client_ca.cert.pem").display()
    );
    let conf = conf_for(&set, &client_ca);
    (set, conf)
}

#[test]
fn check_and_rehearse_read_the_files_octavia_conf_names() {
    let (set, conf) = generated_with_conf();
    let out = run(octavia_pki()
        .args(["check", "--format", "json", "--config-file"])
        .arg(&conf));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["summary"]["errors"], 0, "{report}");
    let out = run(octavia_pki()
        .args(["rehearse", "--format", "json", "--config-file"])
        .arg(&conf));
    assert_eq!(out.status.code(), Some(0));
    // Each release's own path (its LocalCertGenerator, amphora agent and
    // REST driver) on the same files agrees.
    let job = serde_json::json!({"dir": set.dir, "layout": "kolla", "passwords": set.passwords});
    let releases = octavia_releases();
    for (release, verdict) in releases.iter().zip(for_each_release(&releases, |r| {
        r.rehearse_batch(std::slice::from_ref(&job))
    })) {
        assert_eq!(
            verdict[0]["ok"], true,
            "Octavia {}: {}",
            release.version, verdict[0]
        );
    }

    // Unset, [controller_worker] client_ca is Octavia's default, named as such.
    let conf = conf_for(&set, "");
    let out = run(octavia_pki()
        .args(["check", "--format", "json", "--config-file"])
        .arg(&conf));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        findings_at(&report, "error").contains(
            &"missing-file@[controller_worker] client_ca = /etc/octavia/certs/ca_01.pem".to_owned()
        ),
        "{report}"
    );

    // octavia.conf says where the files are: a directory or a layout besides is a usage error.
    for extra in [
        vec![set.dir.display().to_string()],
        vec!["--layout".into(), "kolla".into()],
    ] {
        let out = run(octavia_pki()
            .arg("check")
            .args(&extra)
            .arg("--config-file")
            .arg(&conf));
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
    }
}

#[test]
fn expiry_and_probe_read_the_files_octavia_conf_names() {
    let (set, conf) = generated_with_conf();
    let out = run(octavia_pki()
        .args(["expiry", "--format", "json", "--config-file"])
        .arg(&conf));
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = strings(&serde_json::Value::Array(
        report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["file"].clone())
            .collect(),
    ));
    for name in [
        "server_ca.cert.pem",
        "client_ca.cert.pem",
        "client.cert-and-key.pem",
    ] {
        let path = set.dir.join(name).display().to_string();
        assert!(files.contains(&path), "{files:?}");
    }
    // The probe's identity is octavia.conf's bundle and server CA: a port
    // nothing listens on is connect-refused, not a failure to read the files.
    let port = free_port();
    let out = run(octavia_pki()
        .args([
            "probe",
            "--format",
            "json",
            "--timeout",
            "5",
            "--config-file",
        ])
        .arg(&conf)
        .arg(format!(
            "0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f@127.0.0.1:{port}"
        )));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["targets"][0]["status"], "connect-refused",
        "{report}"
    );
    // A directory besides is a usage error.
    let out = run(octavia_pki()
        .args(["expiry"])
        .arg(&set.dir)
        .arg("--config-file")
        .arg(&conf));
    assert_eq!(out.status.code(), Some(2));
}

/// An octavia.conf naming the kolla-named files of `dir`, with `passphrase`.
fn conf_naming(dir: &Path, conf: &Path, passphrase: &str) {
    let d = |name: &str| dir.join(name).display().to_string();
    std::fs::write(
        conf,
        format!(
            "[certificates]\nca_certificate = {}\nca_private_key = {}\nca_private_key_passphrase = {passphrase}\n\
             [haproxy_amphora]\nserver_ca = {}\nclient_cert = {}\n[controller_worker]\nclient_ca = {}\n",
            d("server_ca.cert.pem"),
            d("server_ca.key.pem"),
            d("server_ca.cert.pem"),
            d("client.cert-and-key.pem"),
            d("client_ca.cert.pem"),
        ),
    )
    .unwrap();
}

#[test]
fn node_check_compares_the_files_each_services_octavia_conf_names() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let other = generate(&["--key-type", "ecdsa-p256"]);
    // Two services' copies; housekeeping's bundle is another set's.
    let copies = |name: &str| {
        let dir = set.tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for file in [
            "server_ca.cert.pem",
            "server_ca.key.pem",
            "client_ca.cert.pem",
            "client.cert-and-key.pem",
        ] {
            std::fs::copy(set.dir.join(file), dir.join(file)).unwrap();
        }
        let conf = set.tmp.path().join(format!("{name}.conf"));
        conf_naming(&dir, &conf, &set.server_passphrase);
        (dir, conf)
    };
    let (_, worker) = copies("worker");
    let (housekeeping_dir, housekeeping) = copies("housekeeping");
    std::fs::copy(
        other.dir.join("client.cert-and-key.pem"),
        housekeeping_dir.join("client.cert-and-key.pem"),
    )
    .unwrap();
    let out = run(octavia_pki()
        .args(["node", "check", "--format=json", "--service-user=root"])
        .arg(format!("--service-config=worker={}", worker.display()))
        .arg(format!(
            "--service-config=housekeeping={}",
            housekeeping.display()
        )));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{report}");
    let differ: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "copies-differ")
        .collect();
    assert_eq!(differ.len(), 1, "{report}");
    assert_eq!(
        differ[0]["file"], "[haproxy_amphora] client_cert",
        "{report}"
    );
    let message = differ[0]["message"].as_str().unwrap();
    assert!(
        message.contains("octavia-worker") && message.contains("octavia-housekeeping"),
        "{message}"
    );
    // The worker's own files are a good set; the housekeeping's bundle is not its client CA's.
    assert!(
        findings_at(&report, "error")
            .iter()
            .any(|f| f.starts_with("client-cert-untrusted@")),
        "{report}"
    );
    assert_eq!(
        report["services"],
        serde_json::json!(["octavia-worker", "octavia-housekeeping"])
    );
    // A service that is not Octavia's, or a user the host has not: usage errors.
    let out = run(octavia_pki().args([
        "node",
        "check",
        "--service-config",
        "api=/etc/octavia/octavia.conf",
    ]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(octavia_pki()
        .args([
            "node",
            "check",
            "--service-user",
            "no-such-user-here",
            "--config-file",
        ])
        .arg(&worker));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user no-such-user-here"));
}

#[test]
fn renew_and_rotate_write_the_files_octavia_conf_names() {
    let set = generate(&["--key-type", "ecdsa-p256"]);
    let conf = set.tmp.path().join("octavia.conf");
    conf_naming(&set.dir, &conf, &set.server_passphrase);
    let bundle = set.dir.join("client.cert-and-key.pem");
    let before = std::fs::read(&bundle).unwrap();
    let out = run(octavia_pki()
        .args(["renew", "client", "--format", "json", "--config-file"])
        .arg(&conf)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .arg("--passwords")
        .arg(&set.passwords));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(std::fs::read(&bundle).unwrap(), before, "{report}");
    // The services read the files in place: restarted, not kolla-reconfigured.
    assert!(
        report["next_steps"][0]
            .as_str()
            .unwrap()
            .starts_with("systemctl restart octavia-worker"),
        "{report}"
    );
    let out = run(octavia_pki()
        .args(["check", "--format", "json", "--config-file"])
        .arg(&conf));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A server_ca file of its own holding what the issuing CA's file holds
    // (cert-manager's ca.crt of a self-signed CA) is written with it.
    let chain = set.tmp.path().join("server_ca-chain.cert.pem");
    std::fs::copy(set.dir.join("server_ca.cert.pem"), &chain).unwrap();
    let own = set.tmp.path().join("own.conf");
    std::fs::write(
        &own,
        format!("[haproxy_amphora]\nserver_ca = {}\n", chain.display()),
    )
    .unwrap();
    ok(octavia_pki()
        .args(["renew", "server-ca", "--config-file"])
        .arg(&conf)
        .arg("--config-file")
        .arg(&own)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .arg("--passwords")
        .arg(&set.passwords));
    assert_eq!(
        std::fs::read(&chain).unwrap(),
        std::fs::read(set.dir.join("server_ca.cert.pem")).unwrap()
    );
    // One holding more (the gate's chain: the issuing CA and its root) is
    // not rewritten: refused, nothing written.
    let mut more = std::fs::read(&chain).unwrap();
    more.extend(std::fs::read(set.dir.join("client_ca.cert.pem")).unwrap());
    std::fs::write(&chain, more).unwrap();
    let gate = set.tmp.path().join("gate.conf");
    std::fs::write(
        &gate,
        format!("[haproxy_amphora]\nserver_ca = {}\n", chain.display()),
    )
    .unwrap();
    let server_ca = std::fs::read(set.dir.join("server_ca.cert.pem")).unwrap();
    let out = run(octavia_pki()
        .args(["renew", "server-ca", "--config-file"])
        .arg(&conf)
        .arg("--config-file")
        .arg(&gate)
        .arg("--work-dir")
        .arg(&set.work_dir)
        .arg("--passwords")
        .arg(&set.passwords));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(set.dir.join("server_ca.cert.pem")).unwrap(),
        server_ca
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is a file of its own"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `check --config-file` on `conf`: its exit code and JSON report.
fn check_conf(conf: &Path) -> (Option<i32>, serde_json::Value) {
    let out = run(octavia_pki()
        .args(["check", "--format", "json", "--config-file"])
        .arg(conf));
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

/// Each reading the issue reported wrong: the library reads what every
/// release's oslo.config reads, and the check's verdict follows (a wrong
/// passphrase or another set's server CA where Octavia reads them is a
/// failure; a section Octavia never reads changes nothing).
#[test]
fn section_names_and_continuation_lines_are_judged_as_octavia_reads_them() {
    let (set, _) = generated_with_conf();
    let other = generate(&["--key-type", "ecdsa-p256"]);
    let d = |name: &str| set.dir.join(name).display().to_string();
    let certificates = format!(
        "ca_certificate = {}\nca_private_key = {}\nca_private_key_passphrase = {}\n",
        d("server_ca.cert.pem"),
        d("server_ca.key.pem"),
        set.server_passphrase
    );
    let others = format!(
        "[haproxy_amphora]\nserver_ca = {}\nclient_cert = {}\n[controller_worker]\nclient_ca = {}\n",
        d("server_ca.cert.pem"),
        d("client.cert-and-key.pem"),
        d("client_ca.cert.pem"),
    );
    let good = format!("[certificates]\n{certificates}{others}");
    // The key encrypted with `pa$word`, which octavia.conf writes `pa$$word`.
    let dollar_key = set.tmp.path().join("dollar.key.pem");
    let dollar_pass = write(set.tmp.path(), "dollar.pass", "pa$word\n");
    let file = |path: &Path| format!("file:{}", path.display());
    ok(openssl()
        .args(["pkey", "-aes256", "-in"])
        .arg(set.dir.join("server_ca.key.pem"))
        .args(["-passin", &file(&set.server_pass_file)])
        .args(["-passout", &file(&dollar_pass), "-out"])
        .arg(&dollar_key));
    let cases = [
        // oslo.config lower-cases section names: this is [certificates].
        (
            "certificates-case",
            format!("{good}[Certificates]\nca_private_key_passphrase = wrong\n"),
            Some("wrong-passphrase@[certificates] ca_private_key"),
        ),
        (
            "haproxy-amphora-case",
            format!(
                "{good}[HAPROXY_AMPHORA]\nserver_ca = {}\n",
                other.dir.join("server_ca.cert.pem").display()
            ),
            Some("[haproxy_amphora] server_ca"),
        ),
        // Spaces inside the brackets are part of the name: Octavia reads
        // none of these options and uses its defaults.
        (
            "spaced",
            format!("[ certificates ]\n{certificates}{others}"),
            Some("@[certificates] ca_certificate = /etc/ssl/certs/ssl-cert-snakeoil.pem"),
        ),
        // ... or never reads the wrong passphrase.
        (
            "trailing-space",
            format!("{good}[certificates ]\nca_private_key_passphrase = wrong\n"),
            None,
        ),
        // `$$` is oslo.config's `$`: Octavia unlocks with `pa$word`, no
        // reference.
        (
            "escaped-dollar",
            format!(
                "[certificates]\nca_certificate = {}\nca_private_key = {}\nca_private_key_passphrase = pa$$word\n{others}",
                d("server_ca.cert.pem"),
                dollar_key.display()
            ),
            None,
        ),
        // An indented comment after a value continues it: the passphrase
        // is `P\n# a comment`.
        (
            "indented-comment",
            format!("[certificates]\n{certificates}    # rotated in May\n{others}"),
            Some("wrong-passphrase@[certificates] ca_private_key"),
        ),
    ];
    // Every case is tried; the failures are listed together.
    let mut wrong = Vec::new();
    for (name, text, failure) in cases {
        let conf = write(set.tmp.path(), &format!("{name}.conf"), &text);
        let (octavia, ours) = both(std::slice::from_ref(&conf));
        for (version, read) in octavia {
            if ours != read {
                wrong.push(format!(
                    "{name}: Octavia {version} reads {read}, the library {ours}"
                ));
            }
        }
        let (code, report) = check_conf(&conf);
        let errors = findings_at(&report, "error");
        let judged = match failure {
            None => code == Some(0) && errors.is_empty(),
            Some(finding) => code == Some(1) && errors.iter().any(|e| e.contains(finding)),
        };
        // A value that goes on over an indented line is named as such.
        let continued = findings_at(&report, "warning")
            .contains(&format!("config-continuation@{}", conf.display()));
        if continued != (name == "indented-comment") {
            wrong.push(format!("{name}: config-continuation {continued}"));
        }
        if !judged {
            wrong.push(format!("{name}: check exits {code:?} with {errors:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// `generate --layout guide` writes its drop-in so that oslo.config reads
/// exactly the passphrase of `--passphrase-file` and the paths of the files,
/// whatever one line holds (white space at either end, quotes, `#`, `\`; a
/// directory with `$`, `\$` and quotes in its name): each release's
/// oslo.config reads them, and Octavia's whole path (the CA key unlocked
/// with what oslo.config read, an amphora certificate issued, the handshake)
/// works. What no line can carry is refused, naming the file, never the
/// passphrase.
#[test]
fn the_guide_drop_in_is_read_by_oslo_config_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("a $b \\$c ${d} #e 'f\"");
    let passphrases = [
        " lead",
        "trail\t",
        "\"quoted\"",
        "'",
        "#hash ;semi = x",
        "back\\slash",
        "nbsp\u{a0}",
    ];
    let generate = |name: &str, passphrase: &str| {
        let pass_file = tmp.path().join(format!("{name}.pass"));
        std::fs::write(&pass_file, format!("{passphrase}\n")).unwrap();
        let certs = root.join(name).join("certs");
        let out = run(octavia_pki()
            .args(["generate", "--layout", "guide", "--key-type", "ecdsa-p256"])
            .arg("--passphrase-file")
            .arg(&pass_file)
            .arg("--dir")
            .arg(&certs)
            .arg("--work-dir")
            .arg(root.join(name).join("ca")));
        (out, pass_file, certs)
    };
    let mut sets = Vec::new();
    for (i, passphrase) in passphrases.iter().enumerate() {
        let (out, _, certs) = generate(&i.to_string(), passphrase);
        assert!(
            out.status.success(),
            "{passphrase:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Where the services read it (a `$` in the path of a --config-file
        // is itself substituted by oslo.config).
        let conf = tmp.path().join(format!("octavia-pki-{i}.conf"));
        std::fs::copy(certs.join("octavia-pki.conf"), &conf).unwrap();
        sets.push((*passphrase, conf, certs));
    }
    let drop_ins: Vec<&PathBuf> = sets.iter().map(|(_, conf, _)| conf).collect();
    let releases = octavia_releases();
    let read = for_each_release(&releases, |release| {
        let mut cmd = std::process::Command::new(&release.python);
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
            .args(["conf", "--each"])
            .args(&drop_ins);
        serde_json::from_str::<Vec<serde_json::Value>>(ok(&mut cmd).trim()).unwrap()
    });
    let jobs: Vec<serde_json::Value> = drop_ins
        .iter()
        .map(|conf| serde_json::json!({"conf": [conf]}))
        .collect();
    let verdicts = for_each_release(&releases, |r| r.rehearse_batch(&jobs));
    let mut wrong = Vec::new();
    for (i, (passphrase, conf, certs)) in sets.iter().enumerate() {
        let file = |name: &str| certs.join(name).display().to_string();
        let expected = serde_json::json!({
            "ca_certificate": file("server_ca.cert.pem"),
            "ca_private_key": file("server_ca.key.pem"),
            "server_ca": file("server_ca.cert.pem"),
            "client_cert": file("client.cert-and-key.pem"),
            "client_ca": file("client_ca.cert.pem"),
            "ca_private_key_passphrase_sha256": sha256(passphrase),
        });
        for (release, (read, verdicts)) in releases.iter().zip(read.iter().zip(&verdicts)) {
            if read[i] != expected {
                wrong.push(format!(
                    "{passphrase:?}: Octavia {} reads {}, not {expected}",
                    release.version, read[i]
                ));
            }
            if verdicts[i]["ok"] != true {
                wrong.push(format!(
                    "{passphrase:?}: Octavia {} fails: {}",
                    release.version, verdicts[i]
                ));
            }
        }
        // And the library reads it as oslo.config does.
        let (code, report) = check_conf(conf);
        if code != Some(0) {
            wrong.push(format!("{passphrase:?}: check exits {code:?}: {report}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");

    // A line break (a lone carriage return stays in the file's first line)
    // and a `$` (oslo.config would read a reference) are refused.
    for (name, passphrase, why) in [
        ("cr", "one\rtwo", "line break"),
        ("dollar", "pa$word", "'$'"),
    ] {
        let (out, pass_file, certs) = generate(name, passphrase);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: {stderr}");
        assert!(
            stderr.contains(&pass_file.display().to_string()) && stderr.contains(why),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains(passphrase), "{name}: {stderr}");
        assert!(!certs.join("octavia-pki.conf").exists(), "{name}");
    }
}
