//! Every Octavia cloud, whoever deployed it: the sets other deployers' own
//! code makes (`tests/peers/deployers.sh`: Octavia's gate scripts and
//! devstack plugin, its certificate guide, the charm's recipe, a
//! cert-manager-like set, OpenStack-Ansible's real role, TripleO's own
//! tasks, devstack's plugin before Train, puppet-openstack-integration's
//! committed set), each with the
//! octavia.conf its deployer renders, and broken variants of each. For every
//! case, `check --config-file` and `rehearse --config-file` must say what
//! Octavia 16.1.0, 17.0.1, 18.0.0 and 19.0.0 do on the same octavia.conf
//! (their own oslo.config, LocalCertGenerator, agent TLS server and REST
//! driver session): works where Octavia works, fails where it fails.
//! The Kubernetes deployers' sets (RHOSO's operator, Genestack's role,
//! openstack-helm's script) are also read by their Secret
//! (`--k8s-secrets OUT/secrets.yaml`) and by their mounted directory.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The deployers' sets `deployers.sh` makes.
const KINDS: [&str; 16] = [
    "gate",
    "devstack",
    "single",
    "guide",
    "charm",
    "certmanager",
    "osa",
    "tripleo",
    "devstack-old",
    "puppet-ci",
    "rhoso",
    "rhoso-ga",
    "rhoso-ga-newline",
    "rhoso-pre-ga",
    "genestack",
    "helm-script",
];

/// The Kubernetes deployers' sets: each has its Secrets in
/// `OUT/secrets.yaml`, its files as mounted under `OUT/etc/octavia/certs`,
/// and the file holding its CA key's passphrase (None: the public one in
/// its octavia.conf).
const K8S_KINDS: [(&str, Option<&str>); 6] = [
    ("rhoso", Some("rhoso.pass")),
    ("rhoso-ga", Some("rhoso.pass")),
    ("rhoso-ga-newline", Some("rhoso.pass")),
    ("rhoso-pre-ga", Some("rhoso.pass")),
    ("genestack", Some("genestack.pass")),
    ("helm-script", None),
];

/// Makes `kind`'s set in `out` with the deployer's own code.
pub(crate) fn make(kind: &str, out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/deployers.sh");
    let sdist = std::env::var_os("OCTAVIA_PKI_SDIST").unwrap_or_else(|| {
        panic!("OCTAVIA_PKI_SDIST is not set: run the tests with `bash scripts/test.sh`")
    });
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(script)
        .arg(kind)
        .arg(out)
        .env("OCTAVIA_PKI_SDIST", sdist)
        .env("OSA_VENV", kolla_venv())
        .env("OCTAVIA_PKI_KOLLA", kolla_venv());
    let out_log = out.join("work.log");
    let result = run(&mut cmd);
    assert!(
        result.status.success(),
        "deployers.sh {kind} failed: {}\n{}",
        String::from_utf8_lossy(&result.stderr),
        std::fs::read_to_string(out_log).unwrap_or_default()
    );
}

/// One case: a name and the octavia.conf files Octavia is started with.
struct Case {
    name: String,
    conf: Vec<PathBuf>,
}

/// A drop-in after the deployer's octavia.conf (later files win, as with
/// Octavia's own `--config-file`): the variant's options.
fn variant(dir: &Path, kind: &str, name: &str, text: &str) -> Case {
    let drop_in = dir.join(format!("{name}.conf"));
    std::fs::write(&drop_in, text).unwrap();
    Case {
        name: format!("{kind}/{name}"),
        conf: vec![dir.join("octavia.conf"), drop_in],
    }
}

/// The option `key` of the deployer's octavia.conf (the last value).
fn option(dir: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(dir.join("octavia.conf")).unwrap();
    text.lines()
        .rev()
        .filter_map(|l| l.split_once(" = "))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_else(|| panic!("{key} is not in {}", dir.display()))
}

/// The deployer's set and broken variants of it, each an octavia.conf
/// (plus files the variant needs, made with openssl).
fn cases(kind: &str, dir: &Path) -> Vec<Case> {
    let mut cases = vec![Case {
        name: format!("{kind}/as-deployed"),
        conf: vec![dir.join("octavia.conf")],
    }];
    let server_ca = option(dir, "server_ca");
    let client_ca = option(dir, "client_ca");
    let ca_certificate = option(dir, "ca_certificate");
    // Another PKI's client certificate and key, and a CA key of no set.
    let (stranger, stranger_key) = stranger(dir);
    let bundle = dir.join("stranger-bundle.pem");
    let mut text = std::fs::read(&stranger).unwrap();
    text.extend(std::fs::read(&stranger_key).unwrap());
    std::fs::write(&bundle, text).unwrap();
    let wrong_pass = "[certificates]\nca_private_key_passphrase = not-the-passphrase\n";
    cases.extend([
        variant(dir, kind, "wrong-passphrase", wrong_pass),
        variant(
            dir,
            kind,
            "swapped-cas",
            &format!("[haproxy_amphora]\nserver_ca = {client_ca}\n[controller_worker]\nclient_ca = {server_ca}\n"),
        ),
        // The controllers trust only the issuing CA's own file (the gate's
        // intermediate without its root).
        variant(
            dir,
            kind,
            "server-ca-is-the-issuing-file",
            &format!("[haproxy_amphora]\nserver_ca = {ca_certificate}\n"),
        ),
        variant(
            dir,
            kind,
            "server-ca-is-the-client-ca",
            &format!("[haproxy_amphora]\nserver_ca = {client_ca}\n"),
        ),
        variant(
            dir,
            kind,
            "client-cert-from-another-ca",
            &format!("[haproxy_amphora]\nclient_cert = {}\n", bundle.display()),
        ),
        variant(
            dir,
            kind,
            "ca-key-of-no-set",
            &format!(
                "[certificates]\nca_private_key = {}\nca_private_key_passphrase = \n",
                stranger_key.display()
            ),
        ),
        variant(
            dir,
            kind,
            "bad-server-certs-key-passphrase",
            "[certificates]\nserver_certs_key_passphrase = too-short\n",
        ),
        // puppet-octavia's client_ca when octavia::certificates::client_ca
        // is unset: the issuing CA's file (on a dual-CA set, the client
        // certificate is then untrusted).
        variant(
            dir,
            kind,
            "client-ca-is-the-server-ca",
            &format!("[controller_worker]\nclient_ca = {ca_certificate}\n"),
        ),
        // oslo.config substitutes another option's value (its default,
        // `local_cert_generator`) as the passphrase: not known here, reported.
        variant(
            dir,
            kind,
            "passphrase-is-a-reference",
            "[certificates]\nca_private_key_passphrase = $cert_generator\n",
        ),
    ]);
    if kind == "tripleo" {
        // An operator's own dual CAs under TripleO's names, client_ca as
        // puppet writes it (the issuing CA's file); then with
        // octavia::certificates::client_ca set to the client CA's file.
        let own = dir.join("own-cas.conf");
        cases.push(Case {
            name: "tripleo/own-cas, client-ca-is-the-server-ca".to_owned(),
            conf: vec![dir.join("octavia.conf"), own.clone()],
        });
        let mut fixed = variant(
            dir,
            kind,
            "own-cas-with-client-ca-set",
            &format!(
                "[controller_worker]\nclient_ca = {}\n",
                dir.join("own-cas/etc/octavia/certs/client_ca.pem")
                    .display()
            ),
        );
        fixed.conf.insert(1, own);
        cases.push(fixed);
    }
    cases
}

/// What a case's `client-cert-untrusted` must say (`None`: not reported):
/// client_ca naming the server CA's own file on a set of two CAs, and, on
/// TripleO's names, puppet-octavia's parameter to set.
fn client_ca_words(case: &str) -> Option<&'static [&'static str]> {
    const SAME_FILE: &str = "client_ca is the server CA's own file";
    match case {
        "tripleo/own-cas, client-ca-is-the-server-ca" => {
            Some(&[SAME_FILE, "octavia::certificates::client_ca"])
        }
        c if c.ends_with("/client-ca-is-the-server-ca") => {
            let one_ca = ["single", "tripleo", "devstack-old"];
            (!one_ca.iter().any(|k| c.starts_with(&format!("{k}/")))).then_some(&[SAME_FILE][..])
        }
        _ => None,
    }
}

/// The codes a variant must be reported with (on some deployer's set, on
/// every release), where a code is shown nowhere else (`check.rs`'s
/// `SHOWN_ELSEWHERE`).
const VARIANT_CODES: &[(&str, &str)] = &[
    ("server-ca-is-the-client-ca", "server-ca-missing-issuer"),
    (
        "bad-server-certs-key-passphrase",
        "server-certs-key-passphrase-invalid",
    ),
    ("passphrase-is-a-reference", "config-reference"),
    // The charm README's 30-day CAs; the single-CA gate script's one CA as both.
    ("charm/as-deployed", "ca-short-lived"),
    ("single/as-deployed", "one-ca-both-roles"),
];

/// A report's verdict on Octavia: no error but those that leave it working
/// (a published passphrase or key, a key others can read).
fn octavia_works(report: &serde_json::Value) -> bool {
    let summary = &report["summary"];
    summary["errors"] == summary["exposing"]
}

/// What octavia-pki says of a case for one release: (check works, rehearse works).
fn ours(case: &Case, release: &str, strict: bool) -> (bool, bool, String, Vec<String>) {
    let with = |command: &str| {
        let mut cmd = octavia_pki();
        cmd.args([command, "--format", "json", "--octavia-version", release]);
        if strict {
            cmd.arg("--strict");
        }
        for file in &case.conf {
            cmd.arg("--config-file").arg(file);
        }
        run(&mut cmd)
    };
    let check = with("check");
    assert!(
        matches!(check.status.code(), Some(0 | 1)),
        "check on {}: {}",
        case.name,
        String::from_utf8_lossy(&check.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let works = octavia_works(&report);
    let rehearse = with("rehearse");
    assert!(
        matches!(rehearse.status.code(), Some(0 | 1)),
        "rehearse on {}",
        case.name
    );
    let all_codes = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    (
        works,
        rehearse.status.success(),
        errors_of(&report),
        all_codes,
    )
}

#[test]
fn check_and_rehearse_agree_with_every_release_on_every_deployers_set() {
    let tmp = tempfile::tempdir().unwrap();
    // Each deployer's set, made at once (OpenStack-Ansible's role takes the longest).
    std::thread::scope(|s| {
        for kind in KINDS {
            let out = tmp.path().join(kind);
            s.spawn(move || make(kind, &out));
        }
    });
    let mut all: Vec<(Case, bool)> = Vec::new();
    for kind in KINDS {
        let dir = tmp.path().join(kind);
        let cases = cases(kind, &dir);
        // Strict verification (Python 3.13's flags) on the set as deployed,
        // and where VERIFY_X509_PARTIAL_CHAIN, set with it, changes the
        // verdict: the issuing CA's own file as the controllers' server_ca
        // (the gate's intermediate without its root).
        for name in ["as-deployed", "server-ca-is-the-issuing-file"] {
            let case = cases.iter().find(|c| c.name == format!("{kind}/{name}"));
            all.push((
                Case {
                    name: format!("{kind}/{name}, strict"),
                    conf: case.expect("every kind has the case").conf.clone(),
                },
                true,
            ));
        }
        all.extend(cases.into_iter().map(|c| (c, false)));
    }
    let jobs: Vec<serde_json::Value> = all
        .iter()
        .map(|(case, strict)| serde_json::json!({"conf": case.conf, "strict": strict}))
        .collect();
    let releases = octavia_releases();
    let verdicts = for_each_release(&releases, |r| r.rehearse_batch(&jobs));
    let mut disagreements = Vec::new();
    let mut shown = Vec::new();
    let mut failing = 0;
    for (release, verdicts) in releases.iter().zip(&verdicts) {
        for ((case, strict), verdict) in all.iter().zip(verdicts) {
            let octavia = verdict["ok"] == true;
            failing += usize::from(!octavia);
            let (check, rehearse, errors, codes) = ours(case, &release.version, *strict);
            if let Some(words) = client_ca_words(&case.name)
                && !words.iter().all(|w| {
                    errors
                        .split("; ")
                        .any(|e| e.starts_with("\"client-cert-untrusted\"") && e.contains(w))
                })
            {
                disagreements.push(format!(
                    "{} on Octavia {}: client-cert-untrusted does not say {words:?}: {errors}",
                    case.name, release.version
                ));
            }
            for (name, code) in VARIANT_CODES {
                let named = case.name == *name || case.name.ends_with(&format!("/{name}"));
                if named && codes.iter().any(|c| c == code) {
                    shown.push((release.version.clone(), *code));
                }
            }
            if check != octavia || rehearse != octavia {
                disagreements.push(format!(
                    "{} on Octavia {}: Octavia {} ({} {}), check {check} [{errors}], rehearse {rehearse}",
                    case.name,
                    release.version,
                    if octavia { "works" } else { "fails" },
                    verdict["stage"],
                    verdict["controller"]
                ));
            }
        }
    }
    for release in &releases {
        for (name, code) in VARIANT_CODES {
            if !shown.contains(&(release.version.clone(), *code)) {
                disagreements.push(format!(
                    "{name} on Octavia {}: no set shows {code}",
                    release.version
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // Both ways: the cases include sets Octavia refuses, and sets it takes.
    let total = all.len() * releases.len();
    assert!(failing > 0 && failing < total, "{failing} of {total} fail");

    // Without octavia.conf: each directory's layout recognised by its file
    // names, and the same verdict as through the conf.
    for (kind, certs, layout, passphrase) in [
        ("gate", "certs", "gate", None),
        ("devstack", "certs", "devstack", None),
        ("single", "certs", "kolla", None),
        ("guide", "certs", "kolla", Some("server.pass")),
        ("charm", "certs", "charm", None),
        ("certmanager", "certs", "atmosphere", None),
        ("osa", "etc/octavia/certs", "osa", Some("osa.pass")),
        (
            "tripleo",
            "etc/octavia/certs",
            "tripleo",
            Some("passphrase"),
        ),
        ("devstack-old", "certs", "devstack-old", Some("passphrase")),
        // puppet-openstack-integration puts its files under kolla's names.
        (
            "puppet-ci",
            "etc/octavia/certs",
            "kolla",
            Some("passphrase"),
        ),
    ] {
        let dir = tmp.path().join(kind);
        let mut cmd = octavia_pki();
        cmd.args(["check", "--format", "json"]).arg(dir.join(certs));
        if let Some(file) = passphrase {
            cmd.arg("--passphrase-file").arg(dir.join(file));
        }
        let report: serde_json::Value = serde_json::from_slice(&run(&mut cmd).stdout).unwrap();
        assert_eq!(report["layout"], layout, "{kind}: {report}");
        let by_conf = ours(
            &all.iter()
                .find(|(c, s)| c.name == format!("{kind}/as-deployed") && !s)
                .unwrap()
                .0,
            "19.0.0",
            false,
        );
        assert_eq!(
            octavia_works(&report),
            by_conf.0,
            "{kind}: the directory's verdict is not the conf's: {report}"
        );
    }
    directories_of_octavias_default_names_are_read_whole(tmp.path());
    let newest = releases.len() - 1;
    let octavia_19 = |kind: &str| {
        let i = all
            .iter()
            .position(|(c, s)| c.name == format!("{kind}/as-deployed") && !s)
            .unwrap();
        verdicts[newest][i]["ok"] == true
    };
    kubernetes_sets_by_secret_and_directory_agree(tmp.path(), octavia_19);
    openstack_ansibles_own_tree_renewed_is_adopted(&tmp.path().join("osa"));
    expiry_and_probe_read_each_deployers_files(tmp.path());
    cert_manager_rekeying_a_ca_is_reported(&tmp.path().join("certmanager"));
    node_check_agrees_with_octavia_run_as_the_service_user(tmp.path());
}

/// TripleO's and devstack's older directories (Octavia's default names,
/// the key under `private/`), by directory: no file reported missing, and a
/// wrong passphrase reported as such, in the deployer's words.
fn directories_of_octavias_default_names_are_read_whole(root: &Path) {
    for (kind, certs, words) in [
        ("tripleo", "etc/octavia/certs", "OctaviaCaKeyPassphrase"),
        ("devstack-old", "certs", "create_certificates.sh"),
    ] {
        let dir = root.join(kind);
        let wrong = dir.join("wrong.pass");
        std::fs::write(&wrong, "not-the-passphrase\n").unwrap();
        let report: serde_json::Value = serde_json::from_slice(
            &run(octavia_pki()
                .args(["check", "--format", "json"])
                .arg(dir.join(certs))
                .arg("--passphrase-file")
                .arg(&wrong))
            .stdout,
        )
        .unwrap();
        let findings = report["findings"].as_array().unwrap();
        assert!(
            !findings.iter().any(|f| f["code"] == "missing-file"),
            "{kind}: {report}"
        );
        let wrong_passphrase: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| f["code"] == "wrong-passphrase")
            .collect();
        assert_eq!(wrong_passphrase.len(), 1, "{kind}: {report}");
        let fix = wrong_passphrase[0]["fix"].as_str().unwrap_or_default();
        assert!(fix.contains(words), "{kind}: {fix}");
    }
}

/// The Kubernetes deployers' sets read as their operators have them: by
/// the Secrets the deployer created (`check --k8s-secrets OUT/secrets.yaml`)
/// and by the directory the pods mount (`check OUT/etc/octavia/certs`),
/// each with the same verdict as Octavia 19.0.0 on the deployer's
/// octavia.conf (`octavia_19`).
fn kubernetes_sets_by_secret_and_directory_agree(root: &Path, octavia_19: impl Fn(&str) -> bool) {
    let mut disagreements = Vec::new();
    for (kind, passphrase) in K8S_KINDS {
        let dir = root.join(kind);
        let pass_file = dir.join("check.pass");
        match passphrase {
            Some(file) => std::fs::copy(dir.join(file), &pass_file).map(drop).unwrap(),
            None => std::fs::write(&pass_file, option(&dir, "ca_private_key_passphrase") + "\n")
                .unwrap(),
        }
        let octavia = octavia_19(kind);
        for (how, args) in [
            (
                "k8s-secrets",
                vec![
                    "--k8s-secrets".into(),
                    dir.join("secrets.yaml").into_os_string(),
                ],
            ),
            (
                "directory",
                vec![dir.join("etc/octavia/certs").into_os_string()],
            ),
        ] {
            let out = run(octavia_pki()
                .args(["check", "--format", "json", "--passphrase-file"])
                .arg(&pass_file)
                .args(&args));
            let works = match out.status.code() {
                Some(0 | 1) => serde_json::from_slice::<serde_json::Value>(&out.stdout)
                    .map(|report| (octavia_works(&report), errors_of(&report)))
                    .map_err(|e| e.to_string()),
                // Not judged at all (a usage error): never agreement.
                code => Err(format!(
                    "exit {code:?}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
            };
            match works {
                Ok((works, _)) if works == octavia => {}
                Ok((works, errors)) => disagreements.push(format!(
                    "{kind}/{how}: Octavia {}, check {works} [{errors}]",
                    if octavia { "works" } else { "fails" },
                )),
                Err(e) => disagreements.push(format!("{kind}/{how}: {e}")),
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// A report's errors, as "code: message" joined by "; ".
fn errors_of(report: &serde_json::Value) -> String {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{}: {}", f["code"], f["message"]))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The tree OpenStack-Ansible's own role made (its PKCS#1 keys, its
/// serials), renewed here (`renew client`, which also ends the role's client
/// certificate outliving its CA, and `renew server-ca`): a second run of the
/// role adopts it, and every release works with what it installs.
fn openstack_ansibles_own_tree_renewed_is_adopted(dir: &Path) {
    let (tree, pass) = (dir.join("pki"), dir.join("osa.pass"));
    for what in ["client", "server-ca"] {
        ok(octavia_pki()
            .args(["renew", what, "--layout", "osa", "--work-dir"])
            .arg(&tree)
            .arg("--passphrase-file")
            .arg(&pass));
    }
    let case = crate::forms::osa_role_adopts(&tree, &dir.join("renewed"), &pass);
    crate::forms::every_release_works_with(&[case], crate::forms::OSA_RENDERING);
}

/// `expiry --config-file` gives each certificate's end as `openssl x509
/// -enddate` reads it, on every deployer's set; `probe --config-file`
/// reaches Octavia's own amphora agent serving a certificate Octavia's
/// LocalCertGenerator issued from that deployer's CA, with its client CA.
fn expiry_and_probe_read_each_deployers_files(root: &Path) {
    for kind in KINDS {
        let dir = root.join(kind);
        let out = run(octavia_pki()
            .args(["expiry", "--format", "json", "--config-file"])
            .arg(dir.join("octavia.conf")));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let entries = report["entries"].as_array().unwrap();
        for file in
            ["ca_certificate", "server_ca", "client_ca", "client_cert"].map(|k| option(&dir, k))
        {
            // The first certificate of the file, as OpenSSL reads it.
            let enddate = ok(openssl()
                .args(["x509", "-noout", "-enddate", "-in"])
                .arg(&file));
            let openssl_end = enddate.trim().trim_start_matches("notAfter=").to_owned();
            // Every certificate of the file has an entry; the first's is OpenSSL's.
            let ends: Vec<String> = entries
                .iter()
                .filter(|e| e["file"] == file.as_str())
                .map(|e| {
                    let end = ok(std::process::Command::new("date")
                        .args(["-u", "-d"])
                        .arg(e["not_after"].as_str().unwrap())
                        .arg("+%b %e %H:%M:%S %Y GMT"));
                    end.trim().to_owned()
                })
                .collect();
            assert!(
                ends.contains(&openssl_end),
                "{kind}: {file} ends {openssl_end} (OpenSSL), expiry says {ends:?}"
            );
        }
    }
    // The probe, on the sets whose files differ most: the gate's intermediate
    // and chain, the cert-manager-like key-first bundle, OpenStack-Ansible's
    // PKCS#1 keys.
    let releases = octavia_releases();
    let newest = releases.last().unwrap();
    for (kind, passphrase) in [
        ("gate", Some("not-secure-passphrase")),
        ("certmanager", None),
        ("osa", None),
    ] {
        let dir = root.join(kind);
        let pass_file = dir.join("issue.pass");
        match passphrase {
            Some(p) => std::fs::write(&pass_file, format!("{p}\n")).unwrap(),
            None if kind == "osa" => std::fs::copy(dir.join("osa.pass"), &pass_file)
                .map(drop)
                .unwrap(),
            None => std::fs::write(&pass_file, "").unwrap(),
        }
        let amphora = dir.join("amphora.pem");
        let mut issue = std::process::Command::new(&newest.python);
        issue
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
            .args([
                "issue",
                "--ca-cert",
                &option(&dir, "ca_certificate"),
                "--ca-key",
            ])
            .arg(option(&dir, "ca_private_key"))
            .arg("--out")
            .arg(&amphora);
        if passphrase.is_some() || kind == "osa" {
            issue.arg("--passphrase-file").arg(&pass_file);
        }
        let id = ok(&mut issue).trim().to_owned();
        let client_ca = PathBuf::from(option(&dir, "client_ca"));
        let mut agent = Agent::start(&dir, "agent", &amphora, &client_ca, &id, &[]);
        agent.wait_ready(&dir, "agent");
        let out = run(octavia_pki()
            .args(["probe", "--format=json", "--timeout=10", "--config-file"])
            .arg(dir.join("octavia.conf"))
            .arg(format!("{id}@{}:{}", agent.host, agent.port)));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["targets"][0]["status"], "ok", "{kind}: {report}");
    }
}

/// The cert-manager-like set with the Certificate manifest Atmosphere
/// would have for its server CA: a policy that re-keys it is reported, with
/// the day; one that keeps the key is not.
fn cert_manager_rekeying_a_ca_is_reported(dir: &Path) {
    let manifest = dir.join("certificates.yaml");
    for (policy, expected) in [
        ("", Some("warning")),
        ("\n    rotationPolicy: Always", Some("error")),
        ("\n    rotationPolicy: Never", None),
    ] {
        let text = format!(
            r#"apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: octavia-server-ca
  namespace: openstack
spec:
  isCA: true
  commonName: octavia-server-ca
  secretName: octavia-server-ca
  duration: 87600h
  renewBefore: 720h
  privateKey:
    algorithm: ECDSA
    size: 256{policy}
  issuerRef:
    name: self-signed
    kind: Issuer
"#
        );
        std::fs::write(&manifest, text).unwrap();
        let out = run(octavia_pki()
            .args(["check", "--format", "json", "--cert-manager"])
            .arg(&manifest)
            .arg("--config-file")
            .arg(dir.join("octavia.conf")));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let found: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "cert-manager-rotates-ca-key")
            .collect();
        match expected {
            None => assert!(found.is_empty(), "{policy:?}: {report}"),
            Some(severity) => {
                assert_eq!(found.len(), 1, "{policy:?}: {report}");
                assert_eq!(found[0]["severity"], severity, "{report}");
                let message = found[0]["message"].as_str().unwrap();
                assert!(message.contains("openstack/octavia-server-ca"), "{message}");
            }
        }
    }
}

/// The user the services run as in these tests: `daemon` (every Debian
/// host has it; the deployers' own `octavia` user is not there).
const SERVICE_USER: &str = "daemon";

/// `node check --config-file` on each deployer's host, its files owned as
/// the deployer installs them (group the service user's where it sets
/// one), against Octavia 19.0.0 started as that user on the same
/// octavia.conf: the node check says it fails where Octavia cannot read a
/// file, and works where Octavia works.
fn node_check_agrees_with_octavia_run_as_the_service_user(root: &Path) {
    use std::os::unix::fs::{PermissionsExt, chown};
    let daemon_gid = 1;
    // The tests' temporary directory is 0700: let the service user in.
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The charm installs its files root:octavia 0440, OpenStack-Ansible its
    // client.pem root:octavia 0640 (ca_key.pem 0644); the others leave root's.
    for (kind, file) in [
        ("charm", "certs/issuing_ca.pem"),
        ("charm", "certs/issuing_ca_key.pem"),
        ("charm", "certs/controller_ca.pem"),
        ("charm", "certs/controller_cert.pem"),
        ("osa", "etc/octavia/certs/client.pem"),
        // puppet-octavia's file resources: octavia:octavia 0640.
        ("puppet-ci", "etc/octavia/certs/server_ca.cert.pem"),
        ("puppet-ci", "etc/octavia/certs/server_ca.key.pem"),
        ("puppet-ci", "etc/octavia/certs/client_ca.cert.pem"),
        ("puppet-ci", "etc/octavia/certs/client.cert-and-key.pem"),
    ] {
        chown(root.join(kind).join(file), None, Some(daemon_gid)).unwrap();
    }
    let jobs: Vec<serde_json::Value> = KINDS
        .iter()
        .map(|kind| serde_json::json!({"conf": [root.join(kind).join("octavia.conf")]}))
        .collect();
    let releases = octavia_releases();
    let newest = releases.last().unwrap();
    let mut peer = std::process::Command::new("setpriv");
    peer.args([
        "--reuid",
        SERVICE_USER,
        "--regid",
        SERVICE_USER,
        "--init-groups",
    ])
    .arg(&newest.python)
    .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/octavia_peer.py"))
    .arg("rehearse-batch");
    let verdicts: Vec<serde_json::Value> =
        serde_json::from_str(&stdin_ok(&mut peer, &serde_json::to_string(&jobs).unwrap())).unwrap();
    let mut disagreements = Vec::new();
    let mut refused = 0;
    for (kind, verdict) in KINDS.iter().zip(&verdicts) {
        let out = run(octavia_pki()
            .args(["node", "check", "--format=json", "--octavia-version=19.0.0"])
            .args(["--service-user", SERVICE_USER, "--config-file"])
            .arg(root.join(kind).join("octavia.conf")));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{kind}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let works = octavia_works(&report);
        let octavia = verdict["ok"] == true;
        refused += usize::from(!octavia);
        // The guide's 0700 root directory; OpenStack-Ansible's 0644 ca_key.pem.
        let codes: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        for (which, code) in [
            ("guide", "service-user-cannot-read"),
            ("osa", "key-readable-beyond-service"),
        ] {
            if *kind == which && !codes.contains(&code) {
                disagreements.push(format!("{kind}: no {code} in {codes:?}"));
            }
        }
        if works != octavia {
            disagreements.push(format!(
                "{kind}/node-check: Octavia as {SERVICE_USER} {} ({}), node check {works}: {}",
                if octavia { "works" } else { "fails" },
                verdict["controller"],
                report["findings"]
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(
        refused > 0 && refused < KINDS.len(),
        "{refused} of {} refused",
        KINDS.len()
    );
}
