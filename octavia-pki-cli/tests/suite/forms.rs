//! Sets generated in each deployer's own form, and renewed and rotated in
//! it, judged by Octavia 16.1.0, 17.0.1, 18.0.0 and 19.0.0 (their own
//! oslo.config, LocalCertGenerator, agent TLS server and REST driver
//! session) through the octavia.conf that deployer renders, plainly and with
//! strict verification; and by `check`, which must say OK with no warning.

use std::path::{Path, PathBuf};

use crate::common::*;

/// One state of a set: a name and the octavia.conf files Octavia reads.
pub(crate) struct Case {
    name: String,
    conf: Vec<PathBuf>,
}

impl Case {
    fn new(name: &str, conf: &[&Path]) -> Self {
        Self {
            name: name.into(),
            conf: conf.iter().map(|p| p.to_path_buf()).collect(),
        }
    }
}

/// The release defect no file can mend: Octavia releases that write amphora
/// certificates without an authority key identifier, refused by strict
/// verification (Python 3.13's).
const STRICT_RELEASE_DEFECT: &str = "octavia-release-strict-no-aki";

/// Every case works on every release, plainly and strictly, as Octavia
/// says, and `check --octavia-version R` on it is OK with no warning but
/// `deployers` (what the deployer's own rendering causes: its file modes,
/// the options its octavia.conf leaves unset); where a release cannot work
/// strictly whatever the files (its defect, the only finding), Octavia
/// fails on it the same way.
pub(crate) fn every_release_works_with(cases: &[Case], deployers: &[&str]) {
    let jobs: Vec<serde_json::Value> = cases
        .iter()
        .flat_map(|c| {
            [false, true].map(|strict| serde_json::json!({"conf": c.conf, "strict": strict}))
        })
        .collect();
    let releases = octavia_releases();
    let verdicts = for_each_release(&releases, |r| r.rehearse_batch(&jobs));
    let mut failures = Vec::new();
    for (release, verdicts) in releases.iter().zip(&verdicts) {
        for (i, verdict) in verdicts.iter().enumerate() {
            let (case, strict) = (&cases[i / 2], i % 2 == 1);
            let mut cmd = octavia_pki();
            cmd.args(["check", "--format", "json", "--octavia-version"])
                .arg(&release.version);
            if strict {
                cmd.arg("--strict");
            }
            for file in &case.conf {
                cmd.arg("--config-file").arg(file);
            }
            let out = run(&mut cmd);
            let report: serde_json::Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
                    panic!("{}: {}", case.name, String::from_utf8_lossy(&out.stderr))
                });
            let codes: Vec<&str> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["severity"] != "note")
                .map(|f| f["code"].as_str().unwrap())
                .filter(|code| !deployers.contains(code))
                .collect();
            let what = format!(
                "{} ({}) on Octavia {}",
                case.name,
                if strict { "strict" } else { "plain" },
                release.version
            );
            let octavia_works = verdict["ok"] == true;
            if codes == [STRICT_RELEASE_DEFECT] {
                let refused = verdict["controller"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("Missing Authority Key Identifier");
                if octavia_works || !refused {
                    failures.push(format!("{what}: check says {codes:?}, Octavia: {verdict}"));
                }
            } else if !octavia_works || !codes.is_empty() || report["summary"]["errors"] != 0 {
                failures.push(format!(
                    "{what}: Octavia {} {}; check says {}",
                    verdict["stage"], verdict["controller"], report["findings"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Octavia's certificate guide, by hand: `generate --layout guide` writes
/// the guide's files (the bundle key first) and the drop-in that names them;
/// renewals and staged rotations of both CAs through that drop-in keep the
/// bundle's order, the passphrase and server_certs_key_passphrase, and every
/// release works with each state.
#[test]
fn guide_sets_work_with_every_release_through_their_drop_in() {
    let tmp = tempfile::tempdir().unwrap();
    let (certs, ca) = (tmp.path().join("certs"), tmp.path().join("ca"));
    let conf = certs.join("octavia-pki.conf");
    let generate = |extra: &[&str]| {
        ok(octavia_pki()
            .args(["generate", "--layout", "guide", "--key-type", "ecdsa-p256"])
            .args(extra)
            .arg("--dir")
            .arg(&certs)
            .arg("--work-dir")
            .arg(&ca))
    };
    generate(&[]);
    let bundle = certs.join("client.cert-and-key.pem");
    let key_first = || {
        std::fs::read_to_string(&bundle)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    };
    assert!(key_first(), "the guide's bundle is key first");
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&conf), 0o600, "the drop-in holds the passphrase");
    let certs_key = conf_value(&conf, "server_certs_key_passphrase");
    assert_eq!(certs_key.len(), 32);
    let passphrase = conf_value(&conf, "ca_private_key_passphrase");

    let mut cases = vec![Case::new("generated", &[&conf])];
    // Each change through the drop-in, its passphrase from it.
    let change = |name: &str, args: &[&str]| {
        let out = ok(octavia_pki()
            .args(args)
            .arg("--config-file")
            .arg(&conf)
            .arg("--work-dir")
            .arg(&ca));
        assert!(
            out.contains("systemctl restart") && !out.contains("kolla-ansible"),
            "{name}: {out}"
        );
        if name.contains("staged") {
            assert!(
                out.contains(&format!("--config-file {}", conf.display())),
                "{name}: {out}"
            );
        }
        let copy = tmp.path().join(format!("{name}.d"));
        copy_dir(&certs, &copy);
        let copied_conf = copy.join("octavia-pki.conf");
        let text = std::fs::read_to_string(&conf).unwrap().replace(
            &format!("{}/", certs.display()),
            &format!("{}/", copy.display()),
        );
        std::fs::write(&copied_conf, text).unwrap();
        Case::new(name, &[&copied_conf])
    };
    cases.push(change("renewed-client", &["renew", "client"]));
    cases.push(change("renewed-server-ca", &["renew", "server-ca"]));
    cases.push(change(
        "staged-server-ca",
        &[
            "rotate",
            "server-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ],
    ));
    cases.push(change(
        "staged-client-ca",
        &[
            "rotate",
            "client-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ],
    ));
    assert!(key_first(), "a change keeps the bundle's order");
    assert_eq!(conf_value(&conf, "server_certs_key_passphrase"), certs_key);
    assert_eq!(conf_value(&conf, "ca_private_key_passphrase"), passphrase);
    every_release_works_with(&cases, &[]);

    // A new set over the old one keeps server_certs_key_passphrase: Octavia
    // decrypts what it stored with it.
    generate(&["--force"]);
    assert_eq!(conf_value(&conf, "server_certs_key_passphrase"), certs_key);
    assert_ne!(conf_value(&conf, "ca_private_key_passphrase"), passphrase);
}

/// What the charm's and the pods' own rendering causes, whatever the set:
/// keys written 0440 (group octavia) or mounted 0644, and an octavia.conf
/// that leaves server_certs_key_passphrase at Octavia's published default.
const DEPLOYERS_RENDERING: &[&str] = &[
    "key-file-permissions",
    "server-certs-key-passphrase-insecure",
];

/// `document` unpacked by its deployer's way (`tests/peers/unpack.py`) into
/// `out`, with the octavia.conf that deployer renders.
fn unpacked(kind: &str, document: &Path, out: &Path, passphrase: Option<&Path>) -> Case {
    Case::new(
        &format!("{kind}/{}", out.file_name().unwrap().to_string_lossy()),
        &[&unpack_as_deployer(kind, document, out, passphrase)],
    )
}

/// `check` with `args` says OK, with no warning.
fn check_ok(args: &[&std::ffi::OsStr]) {
    let out = run(octavia_pki().args(["check", "--format", "json"]).args(args));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(
        out.status.success() && report["summary"]["warnings"] == 0,
        "check {args:?}: {}",
        report["findings"]
    );
}

/// The Juju charm: `generate --layout charm` writes the YAML `juju config
/// octavia --file` takes; decoded as the charm decodes it, every release
/// works with the files, as generated and after renewals and staged
/// rotations through `--charm-config`, which write a new YAML. `check
/// --charm-config` reads it, and `juju config --format yaml`'s output.
#[test]
fn charm_options_work_with_every_release_as_the_charm_decodes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = tmp.path().join("octavia-certs.yaml");
    let out = ok(octavia_pki()
        .args([
            "generate",
            "--layout",
            "charm",
            "--key-type",
            "rsa-2048",
            "--output",
        ])
        .arg(&yaml));
    assert!(out.contains("juju config octavia --file"), "{out}");
    let mode = std::fs::metadata(&yaml).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    let mut cases = Vec::new();
    let mut state = |name: &str| {
        check_ok(&["--charm-config".as_ref(), yaml.as_os_str()]);
        let case = unpacked("charm", &yaml, &tmp.path().join(name), None);
        check_ok(&[
            "--charm-config".as_ref(),
            tmp.path().join(name).join("juju-format.yaml").as_os_str(),
        ]);
        cases.push(case);
    };
    state("generated");
    let change = |args: &[&str]| {
        let out = ok(octavia_pki().args(args).arg("--charm-config").arg(&yaml));
        assert!(
            out.contains("juju config octavia --file"),
            "{args:?}: {out}"
        );
    };
    change(&["renew", "client"]);
    state("renewed-client");
    change(&["rotate", "server-ca", "--staged", "--key-type", "rsa-2048"]);
    state("staged-server-ca");
    change(&["rotate", "client-ca", "--staged", "--key-type", "rsa-2048"]);
    state("staged-client-ca");
    every_release_works_with(&cases, DEPLOYERS_RENDERING);
}

/// Kubernetes: `generate --layout k8s` writes Secrets that Kubernetes'
/// own schemas accept (kubernetes-validate, strict), in openstack-helm's,
/// Atmosphere's, Genestack's and RHOSO's forms; mounted as each mounts
/// them, every release works
/// with the files, as generated and after renewals and staged rotations
/// through `--k8s-secrets`. `check --k8s-secrets` reads the manifests and
/// `kubectl get secret -o yaml`'s List.
#[test]
fn kubernetes_secrets_validate_and_work_with_every_release_as_mounted() {
    let validate = std::env::var_os("OCTAVIA_PKI_K8S")
        .map(|v| PathBuf::from(v).join("bin/kubernetes-validate"))
        .unwrap_or_else(|| {
            panic!("OCTAVIA_PKI_K8S is not set: run the tests with `bash scripts/test.sh`")
        });
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("ca.pass");
    std::fs::write(&pass, "a-k8s-test-passphrase\n").unwrap();
    let mut cases = Vec::new();
    for style in ["helm", "atmosphere", "genestack", "rhoso"] {
        let yaml = tmp.path().join(format!("{style}.yaml"));
        let work = tmp.path().join(format!("{style}-ca"));
        ok(octavia_pki()
            .args(["generate", "--layout", "k8s", "--style", style, "--output"])
            .arg(&yaml)
            .arg("--work-dir")
            .arg(&work)
            .arg("--passphrase-file")
            .arg(&pass)
            .args(["--key-type", "ecdsa-p256"]));
        // Atmosphere's CA key is unencrypted; openstack-helm's values give the
        // passphrase; Genestack's and RHOSO's documents hold their passphrase Secret.
        let passphrase = (style == "helm").then_some(pass.as_path());
        let mut state = |name: &str| {
            let out = ok(std::process::Command::new(&validate)
                .arg("--strict")
                .arg(&yaml));
            assert!(!out.contains("ERROR"), "{out}");
            let mut with: Vec<&std::ffi::OsStr> = vec!["--k8s-secrets".as_ref(), yaml.as_os_str()];
            if let Some(p) = passphrase {
                with.extend(["--passphrase-file".as_ref(), p.as_os_str()]);
            }
            check_ok(&with);
            let dir = tmp.path().join(format!("{style}-{name}"));
            let case = unpacked("k8s", &yaml, &dir, Some(&pass));
            with[1] = dir.join("list.yaml").into_os_string().leak();
            check_ok(&with);
            cases.push(case);
        };
        state("generated");
        let change = |args: &[&str]| {
            let mut cmd = octavia_pki();
            cmd.args(args)
                .arg("--k8s-secrets")
                .arg(&yaml)
                .arg("--work-dir")
                .arg(&work)
                .arg("--passphrase-file")
                .arg(&pass);
            let out = ok(&mut cmd);
            let client = if style == "rhoso" { "oc" } else { "kubectl" };
            assert!(out.contains(&format!("{client} apply")), "{args:?}: {out}");
        };
        change(&["renew", "client"]);
        state("renewed-client");
        change(&[
            "rotate",
            "server-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ]);
        state("staged-server-ca");
        change(&[
            "rotate",
            "client-ca",
            "--staged",
            "--key-type",
            "ecdsa-p256",
        ]);
        state("staged-client-ca");
    }
    every_release_works_with(&cases, DEPLOYERS_RENDERING);
}

/// Every file and link under `dir`, as bytes or `-> target` (directories,
/// which the role makes and re-modes, aside).
fn tree_snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.push((rel, format!("-> {}", target.display()).into_bytes()));
            } else if meta.is_dir() {
                stack.push(path);
            } else {
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// OpenStack-Ansible's own role (`../shared/peers/osa/run.sh`) run on the
/// tree `tree`, installing into `out`: it must change nothing in the tree
/// (regenerate no key, sign no certificate) and install its files byte for
/// byte. Returns the octavia.conf os_octavia renders for the installed files.
pub(crate) fn osa_role_adopts(tree: &Path, out: &Path, pass: &Path) -> Case {
    let before = tree_snapshot(tree);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/peers/osa/run.sh");
    let script = if script.exists() {
        script
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/osa/run.sh")
    };
    let passphrase = std::fs::read_to_string(pass).unwrap();
    let result = run(std::process::Command::new("bash")
        .arg(&script)
        .arg(out)
        .arg("-e")
        .arg(format!("octavia_cert_dir={}", tree.display()))
        .env("OSA_VENV", kolla_venv())
        .env("OSA_PASSPHRASE", passphrase.trim_end()));
    assert!(
        result.status.success(),
        "the role failed: {}",
        String::from_utf8_lossy(&result.stdout)
    );
    let after = tree_snapshot(tree);
    let changed: Vec<String> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(
        changed.is_empty() && before.len() == after.len(),
        "the role changed the tree: {changed:?}"
    );
    let installed = out.join("etc/octavia/certs");
    let read = |p: &Path| std::fs::read(p).unwrap();
    for (file, from) in [
        (
            "server_ca.pem",
            "roots/OctaviaServerRoot/certs/OctaviaServerRoot.crt",
        ),
        (
            "ca_key.pem",
            "roots/OctaviaServerRoot/private/OctaviaServerRoot.key.pem",
        ),
        (
            "client_ca.pem",
            "roots/OctaviaClientRoot/certs/OctaviaClientRoot.crt",
        ),
    ] {
        assert!(
            read(&installed.join(file)) == read(&tree.join(from)),
            "{file} is not {from}"
        );
    }
    let mut bundle = read(&tree.join("certs/certs/octavia_client.crt"));
    bundle.extend(read(&tree.join("certs/private/octavia_client.key.pem")));
    assert!(read(&installed.join("client.pem")) == bundle, "client.pem");
    // os_octavia's template's certificate options.
    let i = |name: &str| installed.join(name).display().to_string();
    std::fs::write(
        out.join("octavia.conf"),
        format!(
            "[certificates]\nca_certificate = {}\nca_private_key = {}\nca_private_key_passphrase = {}\n\
             [haproxy_amphora]\nserver_ca = {}\nclient_cert = {}\n[controller_worker]\nclient_ca = {}\n",
            i("server_ca.pem"),
            i("ca_key.pem"),
            passphrase.trim_end(),
            i("server_ca.pem"),
            i("client.pem"),
            i("client_ca.pem")
        ),
    )
    .unwrap();
    Case::new(
        &format!("osa/{}", out.file_name().unwrap().to_string_lossy()),
        &[&out.join("octavia.conf")],
    )
}

/// OpenStack-Ansible: `generate --layout osa` writes the deploy host's PKI
/// tree, which OpenStack-Ansible's real role adopts (nothing regenerated,
/// every file installed byte for byte); so it does after `renew server-ca`
/// (same key, the next serial) and after a staged server CA rotation, and
/// an amphora Octavia issued before the rotation, served by Octavia's own
/// agent, still accepts the controllers and is accepted by them. Every
/// release works with each installed set.
#[test]
fn openstack_ansibles_role_adopts_generated_renewed_and_rotated_trees() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("pki");
    let pass = tmp.path().join("osa.pass");
    std::fs::write(&pass, "osa-test-pass\n").unwrap();
    let out = ok(octavia_pki()
        .args(["generate", "--layout", "osa", "--work-dir"])
        .arg(&tree)
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(
        out.contains("octavia_cert_client_req_common_name: www.example.com"),
        "{out}"
    );
    // Another key type would be regenerated by the role: refused.
    let refused = run(octavia_pki()
        .args([
            "generate",
            "--layout",
            "osa",
            "--key-type",
            "ecdsa-p256",
            "--work-dir",
        ])
        .arg(tmp.path().join("other"))
        .arg("--passphrase-file")
        .arg(&pass));
    assert!(!refused.status.success());
    check_ok(&[
        tree.as_os_str(),
        "--layout".as_ref(),
        "osa".as_ref(),
        "--passphrase-file".as_ref(),
        pass.as_os_str(),
    ]);
    let mut cases = vec![osa_role_adopts(&tree, &tmp.path().join("generated"), &pass)];

    let change = |args: &[&str]| {
        let out = ok(octavia_pki()
            .args(args)
            .args(["--layout", "osa", "--work-dir"])
            .arg(&tree)
            .arg("--passphrase-file")
            .arg(&pass));
        assert!(out.contains("openstack-ansible"), "{args:?}: {out}");
    };
    change(&["renew", "server-ca"]);
    assert_eq!(
        std::fs::read_link(tree.join("roots/OctaviaServerRoot/certs/OctaviaServerRoot.crt"))
            .unwrap(),
        Path::new("OctaviaServerRoot-1001.crt")
    );
    let renewed = tmp.path().join("renewed");
    cases.push(osa_role_adopts(&tree, &renewed, &pass));

    // An amphora Octavia issued from the installed CA, before the rotation.
    let installed = renewed.join("etc/octavia/certs");
    let amphora = tmp.path().join("amphora.pem");
    let id = ok(&mut octavia_issue(
        &installed.join("server_ca.pem"),
        &installed.join("ca_key.pem"),
        &pass,
        &amphora,
    ))
    .trim()
    .to_owned();
    let mut agent = Agent::start(
        tmp.path(),
        "agent",
        &amphora,
        &installed.join("client_ca.pem"),
        &id,
        &[],
    );
    agent.wait_ready(tmp.path(), "agent");

    change(&["rotate", "server-ca", "--staged"]);
    let rotated = tmp.path().join("staged-server-ca");
    cases.push(osa_role_adopts(&tree, &rotated, &pass));
    let probe = run(octavia_pki()
        .args(["probe", "--format=json", "--timeout=10", "--config-file"])
        .arg(rotated.join("octavia.conf"))
        .arg(format!("{id}@{}:{}", agent.host, agent.port)));
    let report: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();
    assert_eq!(report["targets"][0]["status"], "ok", "{report}");
    drop(agent);
    every_release_works_with(&cases, OSA_RENDERING);
}

/// What OpenStack-Ansible's role itself causes, whatever the set: it
/// installs ca_key.pem 0644, and its octavia.conf leaves
/// server_certs_key_passphrase at Octavia's published default.
pub(crate) const OSA_RENDERING: &[&str] = &[
    "key-file-permissions",
    "server-certs-key-passphrase-insecure",
];

/// A namespace or application name goes into the document and into the
/// commands printed with it: one that Kubernetes or Juju would refuse (a
/// line break that would add a key to the manifest, a space, a quote) is
/// refused before anything is written; one they take is written and read
/// back as it was.
#[test]
fn names_written_into_documents_are_those_their_deployers_take() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("ca.pass");
    std::fs::write(&pass, "a-names-test-passphrase\n").unwrap();
    let generate = |layout: &str, option: &str, name: &str, out: &Path| {
        let mut cmd = octavia_pki();
        cmd.args(["generate", "--layout", layout, option, name, "--output"])
            .arg(out)
            .arg("--work-dir")
            .arg(out.with_extension("ca"))
            .arg("--passphrase-file")
            .arg(&pass)
            .args(["--key-type", "ecdsa-p256"]);
        run(&mut cmd)
    };
    let refused = [
        ("k8s", "--namespace", "x\nkind: Evil"),
        ("k8s", "--namespace", "Openstack"),
        ("k8s", "--namespace", "lb-"),
        ("k8s", "--namespace", &"a".repeat(64)),
        ("charm", "--application", "octavia\nevil:"),
        ("charm", "--application", "octavia; rm -rf /"),
        ("charm", "--application", "1octavia"),
        ("charm", "--application", "octavia-1"),
    ];
    for (i, (layout, option, name)) in refused.iter().enumerate() {
        let out = tmp.path().join(format!("refused-{i}.yaml"));
        let ran = generate(layout, option, name, &out);
        let stderr = String::from_utf8_lossy(&ran.stderr);
        assert_eq!(ran.status.code(), Some(1), "{name:?}: {stderr}");
        assert!(stderr.contains("is not a"), "{name:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            !out.exists() && !out.with_extension("ca").exists(),
            "{name:?}"
        );
    }
    for (layout, option, name, flag) in [
        ("k8s", "--namespace", "lb-2", "--k8s-secrets"),
        ("charm", "--application", "octavia-lb", "--charm-config"),
    ] {
        let out = tmp.path().join(format!("{layout}.yaml"));
        let ran = generate(layout, option, name, &out);
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        let stdout = String::from_utf8_lossy(&ran.stdout);
        assert!(stdout.contains(&format!(" {name} ")), "{stdout}");
        let read = ok(octavia_pki()
            .args(["check", flag])
            .arg(&out)
            .arg("--passphrase-file")
            .arg(&pass)
            .args(["--format", "json"]));
        assert!(read.contains("\"errors\": 0"), "{read}");
    }
    // The charm's document as PyYAML (YAML 1.1, the charm's and Ansible's
    // reader) reads it: the passphrase is the text given, not a boolean,
    // a comment or a second key.
    let hostile = "yes: #no 'q' \"d\" \\ \u{202e}";
    let hostile_pass = tmp.path().join("hostile.pass");
    std::fs::write(&hostile_pass, format!("{hostile}\n")).unwrap();
    let out = tmp.path().join("hostile.yaml");
    ok(octavia_pki()
        .args(["generate", "--layout", "charm", "--output"])
        .arg(&out)
        .arg("--work-dir")
        .arg(tmp.path().join("hostile-ca"))
        .arg("--passphrase-file")
        .arg(&hostile_pass)
        .args(["--key-type", "ecdsa-p256"]));
    let read = ok(peer_python()
        .args([
            "-c",
            "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); \
             o = d['octavia']; sys.stdout.write(o['lb-mgmt-issuing-ca-key-passphrase'] + '|' + str(len(o)))",
        ])
        .arg(&out));
    assert_eq!(read, format!("{hostile}|5"));
}

/// RHOSO's and Genestack's Secrets as their own code makes them (rebuilt
/// from their sources by `testdata/k8s-secrets/make-k8s-secrets.py`, with
/// Python's cryptography and openssl, at each run: the GA-era client
/// certificates live one month): read through `--k8s-secrets` and as their
/// pods mount them (`--layout auto`), each with the findings its set
/// deserves, no `missing-file`, and the real cause named.
#[test]
fn rhoso_and_genestack_secrets_are_read_as_their_deployers_make_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(python_script("../testdata/k8s-secrets/make-k8s-secrets.py")
        .arg(dir)
        .args(["--bits", "2048"]));
    // (exit, each finding's code, message and fix).
    let check = |args: &[&std::ffi::OsStr]| {
        let out = run(octavia_pki().args(["check", "--format", "json"]).args(args));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)));
        let findings: Vec<[String; 3]> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| ["code", "message", "fix"].map(|k| f[k].as_str().unwrap_or("").to_owned()))
            .collect();
        (out.status.code(), findings)
    };
    let codes = |findings: &[[String; 3]]| {
        let mut codes: Vec<String> = findings.iter().map(|f| f[0].clone()).collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let doc = |name: &str| dir.join(name).into_os_string();
    let k8s: &std::ffi::OsStr = "--k8s-secrets".as_ref();
    let pass: &std::ffi::OsStr = "--passphrase-file".as_ref();

    // Today's operator: the passphrase from its Secret; the one warning is
    // real (its client certificate has no authority key identifier).
    let (exit, found) = check(&[k8s, &doc("rhoso.yaml")]);
    assert_eq!(
        (exit, codes(&found)),
        (Some(0), vec!["strict-no-aki".to_owned()]),
        "{found:?}"
    );
    for command in ["rehearse", "expiry"] {
        ok(octavia_pki().arg(command).arg(k8s).arg(doc("rhoso.yaml")));
    }
    // Mounted whole at /etc/octavia/certs: RHOSO's by the client CA key
    // beside kolla's names, the keys 0644 as the operator mounts them.
    let (exit, found) = check(&[&doc("rhoso-mounted"), pass, &doc("rhoso.pass")]);
    assert_eq!(
        (exit, codes(&found)),
        (
            Some(0),
            vec![
                "key-file-permissions".to_owned(),
                "strict-no-aki".to_owned()
            ]
        ),
        "{found:?}"
    );
    let rehearsed = ok(octavia_pki()
        .arg("rehearse")
        .arg(doc("rhoso-mounted"))
        .arg(pass)
        .arg(doc("rhoso.pass")));
    assert!(!rehearsed.contains("kolla"), "{rehearsed}");

    // GA era: the client CA's key is gone; renewing is not the fix.
    let (_, found) = check(&[k8s, &doc("rhoso-ga.yaml")]);
    let lost = found
        .iter()
        .find(|f| f[0] == "client-ca-key-lost")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        lost[1].contains("OSPRH-17062")
            && lost[2].contains("put both CAs, the old one first, in client_ca")
            && lost[2].contains("cannot make this change for you"),
        "{lost:?}"
    );
    let expiring = found.iter().find(|f| f[0] == "expiring-soon").unwrap();
    assert!(
        expiring[2].starts_with("It cannot be renewed"),
        "{expiring:?}"
    );

    // Before GA: the client certificate self-signed, named as such.
    let (exit, found) = check(&[k8s, &doc("rhoso-pre-ga.yaml")]);
    assert_eq!(exit, Some(1));
    let untrusted = found
        .iter()
        .find(|f| f[0] == "client-cert-untrusted")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        untrusted[1].contains("is self-signed") && untrusted[1].contains("OSPRH-5943"),
        "{untrusted:?}"
    );

    // Genestack: its own keys and mounts, no chain file; its default
    // passphrase is the gate script's, published.
    let (_, found) = check(&[k8s, &doc("genestack.yaml")]);
    assert_eq!(codes(&found), ["publicly-known-passphrase"], "{found:?}");
    let (_, found) = check(&[&doc("genestack-mounted"), pass, &doc("genestack.pass")]);
    assert_eq!(
        codes(&found),
        ["key-file-permissions", "publicly-known-passphrase"],
        "{found:?}"
    );
}
