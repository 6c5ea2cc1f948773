//! The set's lifecycle state across commands: random sequences of every
//! changing command (renewals of each kind, staged and immediate rotations,
//! `rotate finish`, and housekeeping's re-issue of amphora certificates),
//! over every form. After each step, Octavia 19.0.0's own code (its
//! oslo.config, `LocalCertGenerator`, the agent's TLS context and the REST
//! driver's session) shakes hands with every amphora booted at any earlier
//! step, each holding the client CA copy it booted with and the certificate
//! housekeeping last gave it. Every one must still reach the controllers
//! unless the change said it needs a failover (the change's `failover`),
//! and those are failed over (booted anew) in the model. `check` on the set
//! finds no error after each step.
//!
//! The sequences come from a seed (`OCTAVIA_PKI_SEAMS_SEED` to try others);
//! a failure prints the seed and the steps so far.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

/// How the set is named to the commands and read by Octavia.
enum Kind {
    /// kolla's directories: Octavia reads octavia.conf as kolla renders it.
    Kolla { dir: PathBuf, passwords: PathBuf },
    /// The guide's files, through the drop-in that names them.
    Conf(PathBuf),
    /// A document (`charm` or `k8s`), unpacked as its deployer does at each step.
    Packed {
        kind: &'static str,
        document: PathBuf,
        passphrase: Option<PathBuf>,
    },
}

struct Form {
    name: &'static str,
    tmp: tempfile::TempDir,
    kind: Kind,
    /// What names the set to renew and rotate.
    args: Vec<OsString>,
    /// What names it to check.
    check_args: Vec<OsString>,
}

impl Form {
    fn kolla() -> Self {
        let set = generate(&["--key-type", "ecdsa-p256"]);
        let args = os(&[
            &"--dir",
            &set.dir,
            &"--work-dir",
            &set.work_dir,
            &"--passwords",
            &set.passwords,
        ]);
        let check_args = os(&[
            &set.dir,
            &"--work-dir",
            &set.work_dir,
            &"--passwords",
            &set.passwords,
        ]);
        let kind = Kind::Kolla {
            dir: set.dir.clone(),
            passwords: set.passwords.clone(),
        };
        Self {
            name: "kolla",
            tmp: set.tmp,
            kind,
            args,
            check_args,
        }
    }

    fn guide() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let (certs, ca) = (tmp.path().join("certs"), tmp.path().join("ca"));
        ok(octavia_pki()
            .args(["generate", "--layout", "guide", "--key-type", "ecdsa-p256"])
            .arg("--dir")
            .arg(&certs)
            .arg("--work-dir")
            .arg(&ca));
        let conf = certs.join("octavia-pki.conf");
        Self {
            name: "guide",
            args: os(&[&"--config-file", &conf, &"--work-dir", &ca]),
            check_args: os(&[&"--config-file", &conf, &"--work-dir", &ca]),
            kind: Kind::Conf(conf),
            tmp,
        }
    }

    fn charm() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let yaml = tmp.path().join("octavia-certs.yaml");
        ok(octavia_pki()
            .args(["generate", "--layout", "charm", "--key-type", "ecdsa-p256"])
            .arg("--output")
            .arg(&yaml));
        Self {
            name: "charm",
            args: os(&[&"--charm-config", &yaml]),
            check_args: os(&[&"--charm-config", &yaml]),
            kind: Kind::Packed {
                kind: "charm",
                document: yaml,
                passphrase: None,
            },
            tmp,
        }
    }

    fn helm() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let (yaml, work) = (tmp.path().join("helm.yaml"), tmp.path().join("helm-ca"));
        let pass = tmp.path().join("ca.pass");
        std::fs::write(&pass, "a-seams-test-passphrase\n").unwrap();
        ok(octavia_pki()
            .args(["generate", "--layout", "k8s", "--style", "helm"])
            .args(["--key-type", "ecdsa-p256", "--output"])
            .arg(&yaml)
            .arg("--work-dir")
            .arg(&work)
            .arg("--passphrase-file")
            .arg(&pass));
        let args = os(&[
            &"--k8s-secrets",
            &yaml,
            &"--work-dir",
            &work,
            &"--passphrase-file",
            &pass,
        ]);
        Self {
            name: "k8s-helm",
            check_args: args.clone(),
            args,
            kind: Kind::Packed {
                kind: "k8s",
                document: yaml,
                passphrase: Some(pass),
            },
            tmp,
        }
    }

    /// What names the set to the change `args`: `rotate finish` reads no
    /// CA key, and takes no passphrase.
    fn args_for(&self, args: &[&str]) -> Vec<OsString> {
        if args[..2] != ["rotate", "finish"] {
            return self.args.clone();
        }
        let mut kept = Vec::new();
        let mut given = self.args.iter();
        while let Some(arg) = given.next() {
            if arg == "--passwords" || arg == "--passphrase-file" {
                given.next();
            } else {
                kept.push(arg.clone());
            }
        }
        kept
    }

    /// The keys of a rehearse-batch job that make Octavia read the set as
    /// deployed now, and the client CA file it names (what a new amphora
    /// boots with).
    fn octavia(&self, step: usize) -> (serde_json::Map<String, Value>, PathBuf) {
        let conf = match &self.kind {
            Kind::Kolla { dir, passwords } => {
                let job = json!({"dir": dir, "layout": "kolla", "passwords": passwords});
                return (
                    job.as_object().unwrap().clone(),
                    dir.join("client_ca.cert.pem"),
                );
            }
            Kind::Conf(conf) => conf.clone(),
            Kind::Packed {
                kind,
                document,
                passphrase,
            } => {
                let out = self.tmp.path().join(format!("deployed-{step}"));
                let mut cmd = python_script("tests/peers/unpack.py");
                cmd.arg(kind).arg(document).arg(&out);
                cmd.args(passphrase);
                ok(&mut cmd);
                out.join("octavia.conf")
            }
        };
        let client_ca = std::fs::read_to_string(&conf)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("client_ca = ").map(PathBuf::from))
            .unwrap_or_else(|| panic!("no client_ca in {}", conf.display()));
        let job = json!({ "conf": [conf] });
        (job.as_object().unwrap().clone(), client_ca)
    }
}

/// One amphora of the model: what it holds.
struct Amphora {
    id: String,
    /// Its certificate and key (housekeeping's latest).
    cert: PathBuf,
    /// The common name of its certificate's issuer.
    issuer_cn: String,
    /// The client CA it booted with.
    client_ca: PathBuf,
    /// When it booted (RFC 3339, seconds).
    created: String,
}

/// The common name of `cert`'s issuer, as the openssl CLI reads it.
fn issuer_cn(cert: &Path) -> String {
    let out = ok(openssl()
        .args([
            "x509",
            "-noout",
            "-issuer",
            "-nameopt",
            "sep_multiline,utf8",
        ])
        .arg("-in")
        .arg(cert));
    out.lines()
        .find_map(|l| l.trim().strip_prefix("CN=").map(str::to_owned))
        .unwrap_or_default()
}

/// A common name of a subject as the tool prints it.
fn cn_of(subject: &str) -> String {
    subject
        .split(", ")
        .find_map(|p| p.strip_prefix("CN="))
        .unwrap_or(subject)
        .to_owned()
}

fn now_rfc3339() -> String {
    ok(std::process::Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"]))
        .trim()
        .to_owned()
}

/// The changes a step may make.
const STEPS: &[&[&str]] = &[
    &["renew", "client"],
    &["renew", "server-ca"],
    &["renew", "client-ca"],
    &[
        "rotate",
        "server-ca",
        "--staged",
        "--key-type",
        "ecdsa-p256",
    ],
    &[
        "rotate",
        "client-ca",
        "--staged",
        "--key-type",
        "ecdsa-p256",
    ],
    &["rotate", "finish", "server-ca", "--force"],
    &["rotate", "finish", "client-ca", "--force"],
    &[
        "rotate",
        "server-ca",
        "--confirm-failover",
        "--key-type",
        "ecdsa-p256",
    ],
    &[
        "rotate",
        "client-ca",
        "--confirm-failover",
        "--key-type",
        "ecdsa-p256",
    ],
    // Housekeeping re-issues every amphora certificate from the current CA.
    &["housekeeping"],
];

/// xorshift64*: enough randomness for choosing steps, the same everywhere.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// The amphorae `failover` says must be failed over now; `false` for those
/// it gives a deadline still ahead (they must keep working until then).
fn failed_over_now(failover: &Value, amphora: &Amphora, now: &str) -> bool {
    match failover["amphorae"].as_str().unwrap() {
        "none" => false,
        "all" => true,
        "created-before" => {
            let (before, by) = (
                failover["created_before"].as_str().unwrap(),
                failover["by"].as_str().unwrap(),
            );
            amphora.created.as_str() <= before && by <= now
        }
        "serving-from" => failover["issuers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| cn_of(s.as_str().unwrap()) == amphora.issuer_cn),
        other => panic!("unknown failover {other}"),
    }
}

/// Runs `first`, then `steps` random changes, over `form`.
fn sequence(
    form: &Form,
    octavia: &OctaviaPeer,
    first: &[&[&str]],
    rng: &mut Rng,
    steps: usize,
) -> Vec<String> {
    let mut octavia = octavia.stream();
    let mut log = Vec::new();
    let mut amphorae: Vec<Amphora> = Vec::new();
    for step in 0..=first.len() + steps {
        let what: &[&str] = match step {
            0 => &["(generated)"],
            n if n <= first.len() => first[n - 1],
            _ => STEPS[rng.below(STEPS.len())],
        };
        let mut failover = json!({"amphorae": "none"});
        let mut housekeeping = false;
        match what {
            ["(generated)"] => {}
            ["housekeeping"] => housekeeping = true,
            args => {
                let out = run(octavia_pki()
                    .args(args)
                    .args(form.args_for(args))
                    .args(["--format", "json"]));
                let stderr = String::from_utf8_lossy(&out.stderr);
                match out.status.code() {
                    Some(0) => {
                        let change: Value = serde_json::from_slice(&out.stdout).unwrap();
                        failover = change["failover"].clone();
                        log.push(format!("{} -> {failover}", args.join(" ")));
                    }
                    // Refused, saying why (a rotation to finish first, nothing to finish).
                    Some(1) => {
                        assert!(
                            stderr.contains("finish") || stderr.contains("staged"),
                            "{}: {} refused without saying why: {stderr}\nsteps: {log:#?}",
                            form.name,
                            args.join(" ")
                        );
                        log.push(format!("{} -> refused", args.join(" ")));
                    }
                    _ => panic!(
                        "{}: {} failed: {stderr}\nsteps: {log:#?}",
                        form.name,
                        args.join(" ")
                    ),
                }
            }
        }
        if what == ["housekeeping"] {
            log.push("housekeeping".into());
        }
        let now = now_rfc3339();
        amphorae.retain(|a| !failed_over_now(&failover, a, &now));
        // The set as deployed now; `check` finds no error in it.
        let check = run(octavia_pki()
            .arg("check")
            .args(&form.check_args)
            .args(["--format", "json"]));
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}: check after {log:#?}: {}{}",
            form.name,
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let (conf, client_ca) = form.octavia(step);
        let mut jobs = Vec::new();
        for a in &amphorae {
            let mut job = conf.clone();
            job.insert("amphora_id".into(), json!(a.id));
            job.insert("amphora_client_ca".into(), json!(a.client_ca));
            if housekeeping {
                job.insert("keep_amphora".into(), json!(a.cert.with_extension("next")));
            } else {
                job.insert("amphora_cert".into(), json!(a.cert));
            }
            jobs.push(Value::Object(job));
        }
        // A new amphora boots with the client CA deployed now.
        let new_cert = form.tmp.path().join(format!("amphora-{step}.pem"));
        let mut job = conf.clone();
        job.insert("keep_amphora".into(), json!(new_cert));
        jobs.push(Value::Object(job));
        let verdicts = octavia.batch(&jobs);
        for (a, verdict) in amphorae.iter().zip(&verdicts) {
            assert_eq!(
                verdict["ok"], true,
                "{}: amphora booted {} ({}), certificate from \"{}\", no longer reaches the \
                 controllers and no change said it needs a failover: {verdict}\nsteps: {log:#?}",
                form.name, a.created, a.id, a.issuer_cn
            );
        }
        let new = verdicts.last().unwrap();
        assert_eq!(
            new["ok"], true,
            "{}: a new amphora fails: {new}\nsteps: {log:#?}",
            form.name
        );
        if housekeeping {
            for a in &mut amphorae {
                std::fs::rename(a.cert.with_extension("next"), &a.cert).unwrap();
                a.issuer_cn = issuer_cn(&a.cert);
            }
        }
        let copy = form
            .tmp
            .path()
            .join(format!("amphora-{step}.client_ca.pem"));
        std::fs::copy(&client_ca, &copy).unwrap();
        amphorae.push(Amphora {
            id: new["amphora_id"].as_str().unwrap().to_owned(),
            issuer_cn: issuer_cn(&new_cert),
            cert: new_cert,
            client_ca: copy,
            created: now,
        });
    }
    log
}

#[test]
fn every_amphora_keeps_reaching_the_controllers_across_random_sequences_unless_told() {
    let seed: u64 = std::env::var("OCTAVIA_PKI_SEAMS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EA5_2026);
    let releases = octavia_releases();
    let octavia = releases.iter().find(|r| r.version == "19.0.0").unwrap();
    // The forms in parallel, each its own sequence from the seed, after a
    // start that meets each seam a cron job meets in a rotation's window.
    let (stage_server, stage_client) = (STEPS[3], STEPS[4]);
    let renew = |what: &'static str| -> &'static [&'static str] {
        STEPS.iter().find(|s| s[1] == what).unwrap()
    };
    let (finish_server, finish_client, housekeeping) = (STEPS[5], STEPS[6], STEPS[9]);
    type Start = Vec<&'static [&'static str]>;
    let forms: [(fn() -> Form, Start); 4] = [
        (
            Form::kolla,
            vec![
                stage_server,
                renew("server-ca"),
                housekeeping,
                finish_server,
            ],
        ),
        (
            Form::guide,
            vec![stage_client, renew("client"), finish_client],
        ),
        (
            Form::charm,
            vec![stage_client, renew("client-ca"), renew("client")],
        ),
        (
            Form::helm,
            vec![
                stage_server,
                stage_client,
                renew("server-ca"),
                renew("client"),
            ],
        ),
    ];
    let logs: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = forms
            .iter()
            .enumerate()
            .map(|(i, (make, first))| {
                s.spawn(move || {
                    let form = make();
                    let mut rng = Rng(seed ^ ((i as u64 + 1) << 32) | 1);
                    sequence(&form, octavia, first, &mut rng, 5)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| panic!("a sequence failed (seed {seed})"))
            })
            .collect()
    });
    println!("seed {seed}: {logs:#?}");
    // The sequences did something: changes went through.
    let applied = logs
        .iter()
        .flatten()
        .filter(|l| !l.ends_with("refused"))
        .count();
    assert!(applied >= 12, "seed {seed}: {logs:#?}");
}
