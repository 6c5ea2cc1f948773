//! The matrix (issue #33's proof): every deployer's set, as `generate`
//! makes it (RHOSO's and Genestack's as their own code does, rebuilt by
//! `testdata/k8s-secrets/make-k8s-secrets.py`), given to every command
//! that reads a set (`READERS`), in every
//! form that deployer's operators hold it in: the deployed directory (a
//! positional DIR or `--dir DIR`, its layout named or `auto`), the
//! octavia.conf that names the files (`--config-file`, repeatable), the
//! deployer's own document (`--charm-config`, `--k8s-secrets`, as written
//! and as its client prints it back) or OpenStack-Ansible's deploy-host
//! tree, with the work directory (`--work-dir`) and the passphrase
//! (`--passphrase-file`; kolla's also `--passwords`).
//!
//! For each deployer (one test each, one table of forms each):
//! - each command gives the same verdict (exit status and what its JSON
//!   report concludes) in every form, on the set as generated, where every
//!   command succeeds, and on one broken variant of it, which `check`,
//!   `rehearse` and `node check` must never call fine;
//! - for every deployer but kolla-ansible's own (kolla, and legacy, its
//!   old layout), nothing printed, in either format, names a kolla word
//!   (`KOLLA_WORDS`);
//! - for every deployer, no text printed holds a placeholder (`FILE`,
//!   `DIR`, `<...>`; `INVENTORY` outside kolla's own steps) for a value
//!   the tool knows: the file checked, the document, the tree, the work
//!   directory. Placeholders for what only the operator can know (the
//!   amphora list the openstack client makes) are `UNKNOWN_VALUES`.
//!
//! The forms hold the same material: where a deployer writes its files
//! with modes its document cannot carry (the charm's 0440, a Secret
//! volume's 0644, OpenStack-Ansible's 0644 `ca_key.pem`), the keys are
//! made 0600 again, and every octavia.conf sets a valid
//! server_certs_key_passphrase, so that what the directory or the document
//! cannot say is not judged in one form only.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::*;

/// The words that are kolla-ansible's alone: its name, its passwords file
/// and option, its passphrase variable, its redeploying command.
const KOLLA_WORDS: [&str; 5] = [
    "kolla",
    "passwords.yml",
    "--passwords",
    "octavia_ca_password",
    "reconfigure",
];

/// Placeholders for a value (whole words; and any `<...>`).
const PLACEHOLDERS: [&str; 2] = ["FILE", "DIR"];

/// kolla-ansible's inventory: a value only its operator knows, named so in
/// kolla's own steps, a placeholder anywhere else.
const INVENTORY: &str = "INVENTORY";

/// Placeholders for values the tool cannot know, allowed: the amphora list
/// the operator makes with the openstack client, a fresh random key.
const UNKNOWN_VALUES: [&str; 3] = [
    "--amphorae FILE",
    "(FILE from `openstack loadbalancer amphora list",
    "<random>",
];

/// Which sets and forms a command reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Every set, in every form.
    Every,
    /// The sets this tool writes (all but the gate's, which it reads
    /// only): a dry run of a change.
    Written,
    /// As `Written`, where the set has two CAs (not legacy's one).
    WrittenTwoCas,
    /// A host read through its octavia.conf: the octavia.conf forms.
    Conf,
}

/// A command that reads a set.
struct Reader {
    /// As the failures name it.
    name: &'static str,
    /// Its arguments before the set's (with the stand-ins below).
    args: &'static [&'static str],
    reads: Reads,
    /// Whether a positional argument is its DIR (probe's are its targets:
    /// a positional DIR is given to it as `--dir DIR`).
    positional_dir: bool,
}

/// Stand-ins in [`Reader::args`]: the empty amphora list, the set's key
/// type, the user running the test (the service user `node check` reads
/// the files as).
const AMPHORAE: &str = "{amphorae}";
const KEY_TYPE: &str = "{key-type}";
const USER: &str = "{user}";

/// Every command that reads a set: the one list.
const READERS: &[Reader] = &[
    Reader {
        name: "check",
        args: &["check", "--octavia-version", "19"],
        reads: Reads::Every,
        positional_dir: true,
    },
    Reader {
        name: "rehearse",
        args: &["rehearse", "--octavia-version", "19"],
        reads: Reads::Every,
        positional_dir: true,
    },
    Reader {
        name: "expiry",
        args: &["expiry"],
        reads: Reads::Every,
        positional_dir: true,
    },
    // No amphora: it must still read the set, and say so.
    Reader {
        name: "probe --amphorae [] (empty list)",
        args: &["probe", "--amphorae", AMPHORAE],
        reads: Reads::Every,
        positional_dir: false,
    },
    Reader {
        name: "renew client --dry-run",
        args: &["renew", "client", "--dry-run"],
        reads: Reads::Written,
        positional_dir: true,
    },
    Reader {
        name: "rotate server-ca --staged --dry-run",
        args: &[
            "rotate",
            "server-ca",
            "--staged",
            "--dry-run",
            "--key-type",
            KEY_TYPE,
        ],
        reads: Reads::WrittenTwoCas,
        positional_dir: true,
    },
    Reader {
        name: "node check",
        args: &[
            "node",
            "check",
            "--octavia-version",
            "19",
            "--service-user",
            USER,
        ],
        reads: Reads::Conf,
        positional_dir: false,
    },
];

impl Reader {
    fn applies_to(&self, deployer: &Deployer) -> bool {
        match self.reads {
            Reads::Every | Reads::Conf => true,
            Reads::Written => deployer.written,
            Reads::WrittenTwoCas => deployer.written && deployer.two_cas,
        }
    }

    /// Whether it judges the set (and so must fail on a broken one).
    fn judges(&self) -> bool {
        ["check", "rehearse", "node check"].contains(&self.name)
    }
}

/// A deployer, as the matrix treats it.
#[derive(Clone, Copy)]
struct Deployer {
    name: &'static str,
    /// kolla-ansible's own layouts (kolla, legacy): its words are its
    /// operators'.
    kolla: bool,
    two_cas: bool,
    /// Whether this tool writes its sets (the gate's it reads only).
    written: bool,
    /// The key type of its sets, and of a rotation's new CA.
    key_type: &'static str,
}

/// The deployed files by role, as a deployer names them: `ca_certificate`,
/// `ca_private_key`, `server_ca`, `client_cert`, `client_ca`
/// (`../shared/reference/octavia-deployers.md`).
type Roles = [&'static str; 5];

const KOLLA_FILES: Roles = [
    "server_ca.cert.pem",
    "server_ca.key.pem",
    "server_ca.cert.pem",
    "client.cert-and-key.pem",
    "client_ca.cert.pem",
];
const LEGACY_FILES: Roles = [
    "ca_01.pem",
    "cakey.pem",
    "ca_01.pem",
    "client.pem",
    "ca_01.pem",
];
const OSA_FILES: Roles = [
    "server_ca.pem",
    "ca_key.pem",
    "server_ca.pem",
    "client.pem",
    "client_ca.pem",
];
const CHARM_FILES: Roles = [
    "issuing_ca.pem",
    "issuing_ca_key.pem",
    "issuing_ca.pem",
    "controller_cert.pem",
    "controller_ca.pem",
];
const GATE_FILES: Roles = [
    "server_ca.cert.pem",
    "server_ca.key.pem",
    "server_ca-chain.cert.pem",
    "client.cert-and-key.pem",
    "client_ca.cert.pem",
];
/// devstack's, and openstack-helm's octavia-certs Secret as its CI mounts it.
const DEVSTACK_FILES: Roles = [
    "server_ca.cert.pem",
    "private/server_ca.key.pem",
    "server_ca-chain.cert.pem",
    "private/client.cert-and-key.pem",
    "client_ca.cert.pem",
];
/// Octavia's default names: TripleO's (puppet-octavia's), and devstack's
/// before Train.
const TRIPLEO_FILES: Roles = [
    "ca_01.pem",
    "private/cakey.pem",
    "ca_01.pem",
    "client.pem",
    "ca_01.pem",
];
/// Atmosphere's Secrets as mounted.
const ATMOSPHERE_FILES: Roles = [
    "server/tls.crt",
    "server/tls.key",
    "server/ca.crt",
    "client/tls-combined.pem",
    "client/ca.crt",
];

/// Genestack's Secret as its helm values mount it.
const GENESTACK_FILES: Roles = [
    "server_ca.cert.pem",
    "private/server_ca.key.pem",
    "server_ca.cert.pem",
    "private/client.key-and-cert.pem",
    "client_ca.cert.pem",
];

/// How a directory is given.
#[derive(Clone, Copy)]
enum DirArg {
    Positional,
    Option,
}

/// One form of a set: how a command is told where it is.
struct Form {
    /// As the failures name it.
    name: String,
    /// The directory (or tree), and how it is given.
    dir: Option<(PathBuf, DirArg)>,
    /// The rest: its layout, octavia.conf, the document, the work
    /// directory, the passphrase.
    args: Vec<OsString>,
    /// Its octavia.conf files, where it is octavia.conf: a host, as `node
    /// check` reads it (without the work directory, which is not on it).
    confs: Vec<PathBuf>,
    /// The deployer's own names of the files in its directory: all a
    /// change may plan there.
    files: Vec<&'static str>,
}

impl Form {
    /// The options of `args`, for a form's name.
    fn options(args: &[OsString]) -> String {
        args.iter()
            .filter_map(|a| a.to_str().filter(|a| a.starts_with("--")))
            .map(|a| format!(" {a}"))
            .collect()
    }

    /// `label` (DIR, TREE) given as `how`, with `--layout layout`.
    fn dir(label: &str, dir: &Path, how: DirArg, layout: &str, rest: Vec<OsString>) -> Self {
        let shown = match how {
            DirArg::Positional => label.to_owned(),
            DirArg::Option => format!("--dir {label}"),
        };
        let mut args = os(&[&"--layout", &layout]);
        args.extend(rest);
        Self {
            name: format!("{shown} --layout {layout}{}", Form::options(&args[2..])),
            dir: Some((dir.to_owned(), how)),
            args,
            confs: Vec::new(),
            files: Vec::new(),
        }
    }

    /// This directory's files are `roles` (and `extra`): a change plans
    /// no other file in it.
    fn holding(mut self, roles: Roles, extra: &[&'static str]) -> Self {
        for name in roles.iter().chain(extra) {
            if !self.files.contains(name) {
                self.files.push(name);
            }
        }
        self
    }

    /// octavia.conf, and the drop-ins after it.
    fn conf(confs: &[&Path], rest: Vec<OsString>) -> Self {
        let mut args = Vec::new();
        for conf in confs {
            args.extend(os(&[&"--config-file", conf]));
        }
        let name = match confs.len() {
            1 => "--config-file CONF".to_owned(),
            _ => "--config-file CONF --config-file DROP-IN".to_owned(),
        };
        args.extend(rest);
        Self {
            name: format!("{name}{}", Form::options(&args[2 * confs.len()..])),
            dir: None,
            args,
            confs: confs.iter().map(|c| c.to_path_buf()).collect(),
            files: Vec::new(),
        }
    }

    /// A deployer's document (`what` says which of its forms).
    fn document(option: &str, what: &str, document: &Path, rest: Vec<OsString>) -> Self {
        let mut args = os(&[&option, &document]);
        args.extend(rest);
        Self {
            name: format!("{option} ({what}){}", Form::options(&args[2..])),
            dir: None,
            args,
            confs: Vec::new(),
            files: Vec::new(),
        }
    }
}

/// A state of the set, in every form.
struct Variant {
    name: &'static str,
    /// The set as generated (every command succeeds), or broken.
    good: bool,
    forms: Vec<Form>,
}

/// A deployer's set, made in a temporary directory.
struct Set {
    deployer: Deployer,
    tmp: tempfile::TempDir,
    /// What `generate` printed making it.
    generated: Vec<(String, Output)>,
    /// The set as generated, then broken.
    variants: [Variant; 2],
}

/// A passphrase that opens no key of the sets.
const WRONG: &str = "not-the-passphrase";

/// The passphrase files of a set: the right one, and a wrong one.
struct Pass {
    text: String,
    file: PathBuf,
    wrong: PathBuf,
}

impl Pass {
    fn new(root: &Path, text: &str) -> Self {
        let (file, wrong) = (root.join("ca.pass"), root.join("wrong.pass"));
        std::fs::write(&file, format!("{text}\n")).unwrap();
        std::fs::write(&wrong, format!("{WRONG}\n")).unwrap();
        Self {
            text: text.to_owned(),
            file,
            wrong,
        }
    }

    /// A fresh passphrase, letters and digits.
    fn fresh(root: &Path) -> Self {
        Self::new(root, &test_passphrases().0)
    }
}

/// `octavia-pki generate ARGS`, which must succeed.
fn generated(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let out = run(octavia_pki().args(os(args)));
    assert!(
        out.status.success(),
        "generate {:?} failed: {}{}",
        os(args),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// An octavia.conf at `path` naming the files of `dir` by role as the
/// deployer's does, with the CA key's passphrase where it has one (and a
/// valid server_certs_key_passphrase: see the module's comment).
fn octavia_conf(path: &Path, dir: &Path, roles: Roles, passphrase: Option<&str>) -> PathBuf {
    let [
        ca_certificate,
        ca_private_key,
        server_ca,
        client_cert,
        client_ca,
    ] = roles.map(|name| dir.join(name).display().to_string());
    let passphrase = passphrase
        .map(|p| format!("ca_private_key_passphrase = {p}\n"))
        .unwrap_or_default();
    std::fs::write(
        path,
        format!(
            "[certificates]\nca_certificate = {ca_certificate}\nca_private_key = {ca_private_key}\n\
             {passphrase}server_certs_key_passphrase = matrix-test-certs-key-0123456789\n\
             [haproxy_amphora]\nserver_ca = {server_ca}\nclient_cert = {client_cert}\n\
             [controller_worker]\nclient_ca = {client_ca}\n"
        ),
    )
    .unwrap();
    path.to_owned()
}

/// A drop-in after octavia.conf (later files win) with a passphrase that
/// opens no key.
fn wrong_passphrase_drop_in(root: &Path) -> PathBuf {
    let path = root.join("wrong-passphrase.conf");
    std::fs::write(
        &path,
        format!("[certificates]\nca_private_key_passphrase = {WRONG}\n"),
    )
    .unwrap();
    path
}

/// The files of `dir` holding a key (`ca_private_key`, `client_cert`)
/// made 0600, as the tool's own unpacking makes them.
fn keys_private(dir: &Path, roles: Roles) {
    for name in [roles[1], roles[3]] {
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// `text` with `from` replaced by `to`, which must occur exactly once.
fn replaced_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {text}");
    text.replace(from, to)
}

/// Kolla's layouts: `generate --layout NAME` with a passwords.yml (both CA
/// keys under one passphrase, so that `--passphrase-file` opens them too).
fn kolla_like(deployer: Deployer, roles: Roles) -> Set {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let pass = Pass::fresh(root);
    let (dir, work) = (
        root.join("config/octavia"),
        root.join("octavia-certificates"),
    );
    let (passwords, wrong_passwords) = (root.join("passwords.yml"), root.join("wrong.yml"));
    write_passwords(&passwords, &pass.text, &pass.text);
    write_passwords(&wrong_passwords, WRONG, WRONG);
    let out = run(&mut generate_into(
        &dir,
        &work,
        &passwords,
        &["--layout", deployer.name, "--key-type", deployer.key_type],
    ));
    assert!(out.status.success(), "{out:?}");
    let conf = octavia_conf(&root.join("octavia.conf"), &dir, roles, Some(&pass.text));
    let drop_in = wrong_passphrase_drop_in(root);
    let forms = |passwords: &Path, pass_file: &Path, confs: &[&Path]| {
        vec![
            Form::dir(
                "DIR",
                &dir,
                DirArg::Positional,
                deployer.name,
                os(&[&"--work-dir", &work, &"--passwords", &passwords]),
            )
            .holding(roles, &[]),
            Form::dir(
                "DIR",
                &dir,
                DirArg::Option,
                "auto",
                os(&[&"--work-dir", &work, &"--passphrase-file", &pass_file]),
            )
            .holding(roles, &[]),
            Form::conf(confs, os(&[&"--work-dir", &work])),
        ]
    };
    let variants = [
        Variant {
            name: "as generated",
            good: true,
            forms: forms(&passwords, &pass.file, &[&conf]),
        },
        Variant {
            name: "wrong passphrase",
            good: false,
            forms: forms(&wrong_passwords, &pass.wrong, &[&conf, &drop_in]),
        },
    ];
    Set {
        deployer,
        generated: vec![(format!("generate --layout {}", deployer.name), out)],
        variants,
        tmp,
    }
}

/// The forms of a deployed directory `dir` in `layout` with the work
/// directory and a passphrase file, and of the octavia.conf naming it: the
/// set as generated and with a wrong passphrase.
fn directory_variants(
    root: &Path,
    (dir, layout, roles): (&Path, &str, Roles),
    work: &Path,
    pass: &Pass,
    conf: &Path,
) -> [Variant; 2] {
    let drop_in = wrong_passphrase_drop_in(root);
    // The guide's drop-in (its passphrase) is in its directory.
    let extra: &[&str] = if layout == "guide" {
        &["octavia-pki.conf"]
    } else {
        &[]
    };
    let forms = |pass_file: &Path, confs: &[&Path]| {
        let rest = || os(&[&"--work-dir", &work, &"--passphrase-file", &pass_file]);
        vec![
            Form::dir("DIR", dir, DirArg::Positional, layout, rest()).holding(roles, extra),
            Form::dir("DIR", dir, DirArg::Option, "auto", rest()).holding(roles, extra),
            Form::conf(confs, os(&[&"--work-dir", &work])),
        ]
    };
    [
        Variant {
            name: "as generated",
            good: true,
            forms: forms(&pass.file, &[conf]),
        },
        Variant {
            name: "wrong passphrase",
            good: false,
            forms: forms(&pass.wrong, &[conf, &drop_in]),
        },
    ]
}

/// Octavia's certificate guide, by hand: `generate --layout guide` keeps a
/// fresh passphrase in the drop-in it writes beside the files, the
/// octavia.conf of this form. The files have kolla's names, but the
/// directory holds that drop-in, which `--layout auto` can tell by.
fn guide_set() -> Set {
    let deployer = Deployer {
        name: "guide",
        kolla: false,
        two_cas: true,
        written: true,
        key_type: "ecdsa-p256",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let (dir, work) = (root.join("certs"), root.join("ca"));
    let out = generated(&[
        &"generate",
        &"--layout",
        &"guide",
        &"--key-type",
        &deployer.key_type,
        &"--dir",
        &dir,
        &"--work-dir",
        &work,
    ]);
    let conf = dir.join("octavia-pki.conf");
    let pass = Pass::new(root, &conf_value(&conf, "ca_private_key_passphrase"));
    Set {
        deployer,
        generated: vec![("generate --layout guide".into(), out)],
        variants: directory_variants(root, (&dir, "guide", KOLLA_FILES), &work, &pass, &conf),
        tmp,
    }
}

/// devstack's layout, generated with a passphrase file.
fn generate_devstack(root: &Path, deployer: &Deployer) -> (PathBuf, PathBuf, Pass, Output) {
    let pass = Pass::fresh(root);
    let (dir, work) = (root.join("certs"), root.join("ca"));
    let out = generated(&[
        &"generate",
        &"--layout",
        &"devstack",
        &"--key-type",
        &deployer.key_type,
        &"--dir",
        &dir,
        &"--work-dir",
        &work,
        &"--passphrase-file",
        &pass.file,
    ]);
    (dir, work, pass, out)
}

fn devstack_set() -> Set {
    let deployer = Deployer {
        name: "devstack",
        kolla: false,
        two_cas: true,
        written: true,
        key_type: "ecdsa-p256",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let (dir, work, pass, out) = generate_devstack(root, &deployer);
    let conf = octavia_conf(
        &root.join("octavia.conf"),
        &dir,
        DEVSTACK_FILES,
        Some(&pass.text),
    );
    Set {
        deployer,
        generated: vec![("generate --layout devstack".into(), out)],
        variants: directory_variants(
            root,
            (&dir, "devstack", DEVSTACK_FILES),
            &work,
            &pass,
            &conf,
        ),
        tmp,
    }
}

/// Octavia's gate script's layout, which the tool reads only: a devstack
/// set with its keys moved out of `private/`.
fn gate_set() -> Set {
    let deployer = Deployer {
        name: "gate",
        kolla: false,
        two_cas: true,
        written: false,
        key_type: "ecdsa-p256",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let (devstack, work, pass, _) = generate_devstack(root, &deployer);
    let dir = root.join("gate");
    copy_dir(&devstack, &dir);
    copy_dir(&devstack.join("private"), &dir);
    let conf = octavia_conf(
        &root.join("octavia.conf"),
        &dir,
        GATE_FILES,
        Some(&pass.text),
    );
    Set {
        deployer,
        generated: Vec::new(),
        variants: directory_variants(root, (&dir, "gate", GATE_FILES), &work, &pass, &conf),
        tmp,
    }
}

/// Octavia's default names, which the tool reads only (TripleO's, and
/// devstack's before Train, which also has the client key its script left
/// beside them): a set `generate --layout legacy` makes (one CA), its key
/// moved under `private/`.
fn default_names_set(name: &'static str) -> Set {
    let deployer = Deployer {
        name,
        kolla: false,
        two_cas: false,
        written: false,
        key_type: "rsa-2048",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let pass = Pass::fresh(root);
    let (legacy, work) = (root.join("legacy"), root.join("ca"));
    generated(&[
        &"generate",
        &"--layout",
        &"legacy",
        &"--key-type",
        &deployer.key_type,
        &"--dir",
        &legacy,
        &"--work-dir",
        &work,
        &"--passphrase-file",
        &pass.file,
    ]);
    let dir = root.join("certs");
    copy_dir(&legacy, &dir);
    std::fs::create_dir_all(dir.join("private")).unwrap();
    std::fs::rename(dir.join("cakey.pem"), dir.join("private/cakey.pem")).unwrap();
    let mut extra = Vec::new();
    if name == "devstack-old" {
        std::fs::copy(
            work.join("client_ca/client.key.pem"),
            dir.join("client.key"),
        )
        .unwrap();
        extra.push("client.key");
    }
    let conf = octavia_conf(
        &root.join("octavia.conf"),
        &dir,
        TRIPLEO_FILES,
        Some(&pass.text),
    );
    let mut variants = directory_variants(root, (&dir, name, TRIPLEO_FILES), &work, &pass, &conf);
    for variant in &mut variants {
        for form in &mut variant.forms {
            form.files.extend(&extra);
        }
    }
    Set {
        deployer,
        generated: Vec::new(),
        variants,
        tmp,
    }
}

/// OpenStack-Ansible: `generate --layout osa` writes the deploy-host tree
/// (RSA-4096, as its role keeps only those); the files its role installs
/// on the controllers (as `forms.rs`'s `osa_role_adopts` proves it does),
/// and os_octavia's octavia.conf naming them, with the tree as the work
/// directory.
fn osa_set() -> Set {
    let deployer = Deployer {
        name: "osa",
        kolla: false,
        two_cas: true,
        written: true,
        key_type: "rsa-4096",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let pass = Pass::fresh(root);
    let tree = root.join("pki");
    let out = generated(&[
        &"generate",
        &"--layout",
        &"osa",
        &"--work-dir",
        &tree,
        &"--passphrase-file",
        &pass.file,
    ]);
    let installed = root.join("etc/octavia/certs");
    std::fs::create_dir_all(&installed).unwrap();
    let read = |p: &str| std::fs::read(tree.join(p)).unwrap();
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
        std::fs::write(installed.join(file), read(from)).unwrap();
    }
    let mut bundle = read("certs/certs/octavia_client.crt");
    bundle.extend(read("certs/private/octavia_client.key.pem"));
    std::fs::write(installed.join("client.pem"), bundle).unwrap();
    keys_private(&installed, OSA_FILES);
    let conf = octavia_conf(
        &root.join("octavia.conf"),
        &installed,
        OSA_FILES,
        Some(&pass.text),
    );
    let drop_in = wrong_passphrase_drop_in(root);
    let forms = |pass_file: &Path, confs: &[&Path]| {
        let with_pass = || os(&[&"--passphrase-file", &pass_file]);
        vec![
            Form::dir("TREE", &tree, DirArg::Positional, "osa", with_pass()),
            Form::dir("TREE", &tree, DirArg::Option, "auto", with_pass()),
            Form::dir(
                "INSTALLED-DIR",
                &installed,
                DirArg::Positional,
                "auto",
                os(&[&"--work-dir", &tree, &"--passphrase-file", &pass_file]),
            ),
            Form::conf(confs, os(&[&"--work-dir", &tree])),
        ]
    };
    Set {
        deployer,
        generated: vec![("generate --layout osa".into(), out)],
        variants: [
            Variant {
                name: "as generated",
                good: true,
                forms: forms(&pass.file, &[&conf]),
            },
            Variant {
                name: "wrong passphrase",
                good: false,
                forms: forms(&pass.wrong, &[&conf, &drop_in]),
            },
        ],
        tmp,
    }
}

/// The Juju charm: `generate --layout charm` writes the options `juju
/// config octavia --file` takes, with a fresh passphrase; the charm
/// writes the files as `unpack.py` does. Broken: the options with a
/// passphrase that opens no key.
fn charm_set() -> Set {
    let deployer = Deployer {
        name: "charm",
        kolla: false,
        two_cas: true,
        written: true,
        key_type: "ecdsa-p256",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let (document, work) = (root.join("octavia-certs.yaml"), root.join("octavia-ca"));
    let out = generated(&[
        &"generate",
        &"--layout",
        &"charm",
        &"--key-type",
        &deployer.key_type,
        &"--output",
        &document,
        &"--work-dir",
        &work,
    ]);
    let written = root.join("charm");
    let charms_conf = unpack_as_deployer("charm", &document, &written, None);
    let pass = Pass::new(root, &conf_value(&charms_conf, "ca_private_key_passphrase"));
    let certs = written.join("certs");
    keys_private(&certs, CHARM_FILES);
    let conf = octavia_conf(
        &root.join("octavia.conf"),
        &certs,
        CHARM_FILES,
        Some(&pass.text),
    );
    let wrong_document = root.join("wrong-passphrase.yaml");
    let text = std::fs::read_to_string(&document).unwrap();
    std::fs::write(&wrong_document, replaced_once(&text, &pass.text, WRONG)).unwrap();
    let wrong_written = root.join("charm-wrong");
    unpack_as_deployer("charm", &wrong_document, &wrong_written, None);
    let drop_in = wrong_passphrase_drop_in(root);
    let forms = |document: &Path, printed: &Path, pass_file: &Path, confs: &[&Path]| {
        let in_dir = || os(&[&"--work-dir", &work, &"--passphrase-file", &pass_file]);
        vec![
            Form::document(
                "--charm-config",
                "juju config --file YAML",
                document,
                os(&[&"--work-dir", &work]),
            ),
            Form::document(
                "--charm-config",
                "juju config --format yaml",
                printed,
                os(&[&"--work-dir", &work]),
            ),
            Form::dir("DIR", &certs, DirArg::Positional, "charm", in_dir())
                .holding(CHARM_FILES, &[]),
            Form::dir("DIR", &certs, DirArg::Option, "auto", in_dir()).holding(CHARM_FILES, &[]),
            Form::conf(confs, os(&[&"--work-dir", &work])),
        ]
    };
    Set {
        deployer,
        generated: vec![("generate --layout charm".into(), out)],
        variants: [
            Variant {
                name: "as generated",
                good: true,
                forms: forms(
                    &document,
                    &written.join("juju-format.yaml"),
                    &pass.file,
                    &[&conf],
                ),
            },
            Variant {
                name: "wrong passphrase",
                good: false,
                forms: forms(
                    &wrong_document,
                    &wrong_written.join("juju-format.yaml"),
                    &pass.wrong,
                    &[&conf, &drop_in],
                ),
            },
        ],
        tmp,
    }
}

/// openstack-helm: `generate --layout k8s --style helm` writes its
/// octavia-certs Secret; mounted as its CI values do, the files are
/// devstack's layout. The CA key's passphrase is given as a file (the
/// chart's values hold it).
fn openstack_helm_set() -> Set {
    let deployer = Deployer {
        name: "openstack-helm",
        kolla: false,
        two_cas: true,
        written: true,
        key_type: "ecdsa-p256",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let pass = Pass::fresh(root);
    let (document, work) = (root.join("octavia-secrets.yaml"), root.join("octavia-ca"));
    let out = generated(&[
        &"generate",
        &"--layout",
        &"k8s",
        &"--style",
        &"helm",
        &"--key-type",
        &deployer.key_type,
        &"--output",
        &document,
        &"--work-dir",
        &work,
        &"--passphrase-file",
        &pass.file,
    ]);
    let mounted = root.join("mounted");
    unpack_as_deployer("k8s", &document, &mounted, Some(&pass.file));
    let certs = mounted.join("certs");
    keys_private(&certs, DEVSTACK_FILES);
    let conf = octavia_conf(
        &root.join("octavia.conf"),
        &certs,
        DEVSTACK_FILES,
        Some(&pass.text),
    );
    let drop_in = wrong_passphrase_drop_in(root);
    let list = mounted.join("list.yaml");
    let forms = |pass_file: &Path, confs: &[&Path]| {
        let rest = || os(&[&"--work-dir", &work, &"--passphrase-file", &pass_file]);
        vec![
            Form::document("--k8s-secrets", "manifests", &document, rest()),
            Form::document("--k8s-secrets", "kubectl get -o yaml", &list, rest()),
            Form::dir("DIR", &certs, DirArg::Positional, "devstack", rest())
                .holding(DEVSTACK_FILES, &[]),
            Form::dir("DIR", &certs, DirArg::Option, "auto", rest()).holding(DEVSTACK_FILES, &[]),
            Form::conf(confs, os(&[&"--work-dir", &work])),
        ]
    };
    Set {
        deployer,
        generated: vec![("generate --layout k8s --style helm".into(), out)],
        variants: [
            Variant {
                name: "as generated",
                good: true,
                forms: forms(&pass.file, &[&conf]),
            },
            Variant {
                name: "wrong passphrase",
                good: false,
                forms: forms(&pass.wrong, &[&conf, &drop_in]),
            },
        ],
        tmp,
    }
}

/// What `testdata/k8s-secrets/make-k8s-secrets.py` encrypts RHOSO's server
/// CA key with (its passphrase Secret's), and Genestack's with, as asked.
const RHOSO_PASSPHRASE: &str = "rhoso-test-passphrase-0123";
const GENESTACK_PASSPHRASE: &str = "genestack-matrix-passphrase";

/// RHOSO's and Genestack's Secrets as their own code makes them (rebuilt
/// from their sources by `testdata/k8s-secrets/make-k8s-secrets.py`, never
/// by this tool), each with its passphrase Secret: through `--k8s-secrets`
/// (the document, and `kubectl get -o yaml`'s List), as their pods mount
/// them (the layout named, and `auto`), and through an octavia.conf naming
/// the mounted files. Read only here: the sets hold no CA work directory of
/// this tool's, so the changes' dry runs are `forms.rs`'s, on generated
/// sets. Broken: the passphrase Secret (and file, and octavia.conf) holds
/// another passphrase.
fn deployer_secrets_set(deployer: Deployer, document: &str, roles: Roles, passphrase: &str) -> Set {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let made = root.join("made");
    ok(python_script("../testdata/k8s-secrets/make-k8s-secrets.py")
        .arg(&made)
        .args([
            "--bits",
            "2048",
            "--genestack-passphrase",
            GENESTACK_PASSPHRASE,
        ]));
    let document = made.join(document);
    let pass = Pass::new(root, passphrase);
    let mounted = root.join("mounted");
    unpack_as_deployer("k8s", &document, &mounted, None);
    let certs = mounted.join("certs");
    keys_private(&certs, roles);
    let conf = octavia_conf(&root.join("octavia.conf"), &certs, roles, Some(&pass.text));
    let text = std::fs::read_to_string(&document).unwrap();
    let (right, wrong) = (root.join("right.txt"), root.join("wrong.txt"));
    std::fs::write(&right, passphrase).unwrap();
    std::fs::write(&wrong, WRONG).unwrap();
    let wrong_document = root.join("wrong-passphrase.yaml");
    std::fs::write(
        &wrong_document,
        replaced_once(&text, &base64_of(&right), &base64_of(&wrong)),
    )
    .unwrap();
    let wrong_mounted = root.join("wrong-mounted");
    unpack_as_deployer("k8s", &wrong_document, &wrong_mounted, None);
    let drop_in = wrong_passphrase_drop_in(root);
    let layout = deployer.name;
    let forms = |document: &Path, list: &Path, pass_file: &Path, confs: &[&Path]| {
        let in_dir = || os(&[&"--passphrase-file", &pass_file]);
        vec![
            Form::document("--k8s-secrets", "manifests", document, Vec::new()),
            Form::document("--k8s-secrets", "kubectl get -o yaml", list, Vec::new()),
            Form::dir("DIR", &certs, DirArg::Positional, layout, in_dir()),
            Form::dir("DIR", &certs, DirArg::Option, "auto", in_dir()),
            Form::conf(confs, Vec::new()),
        ]
    };
    Set {
        deployer,
        generated: Vec::new(),
        variants: [
            Variant {
                name: "as made",
                good: true,
                forms: forms(&document, &mounted.join("list.yaml"), &pass.file, &[&conf]),
            },
            Variant {
                name: "wrong passphrase",
                good: false,
                forms: forms(
                    &wrong_document,
                    &wrong_mounted.join("list.yaml"),
                    &pass.wrong,
                    &[&conf, &drop_in],
                ),
            },
        ],
        tmp,
    }
}

fn rhoso_set() -> Set {
    let deployer = Deployer {
        name: "rhoso",
        kolla: false,
        two_cas: true,
        written: false,
        key_type: "rsa-2048",
    };
    deployer_secrets_set(deployer, "rhoso.yaml", KOLLA_FILES, RHOSO_PASSPHRASE)
}

fn genestack_set() -> Set {
    let deployer = Deployer {
        name: "genestack",
        kolla: false,
        two_cas: true,
        written: false,
        key_type: "rsa-2048",
    };
    deployer_secrets_set(
        deployer,
        "genestack.yaml",
        GENESTACK_FILES,
        GENESTACK_PASSPHRASE,
    )
}

/// `file` in base64 on one line, as a Secret's `data` holds it.
fn base64_of(file: &Path) -> String {
    ok(Command::new("base64").arg("-w0").arg(file))
        .trim()
        .to_owned()
}

/// Atmosphere: `generate --layout k8s --style atmosphere` writes its
/// Secrets (the CA key unencrypted, as cert-manager leaves it; the work
/// directory's client CA key under the passphrase file); mounted as
/// `server/` and `client/`, named by an octavia.conf with no passphrase,
/// as Atmosphere's. Every form is given the passphrase file: renew and
/// rotate need it for the work directory's keys, and it is not Octavia's
/// `ca_private_key_passphrase` (which Atmosphere leaves unset). Broken:
/// the client CA replaced by another PKI's (no passphrase to get wrong),
/// in the Secrets themselves.
fn atmosphere_set() -> Set {
    let deployer = Deployer {
        name: "atmosphere",
        kolla: false,
        two_cas: true,
        written: true,
        key_type: "ecdsa-p256",
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let pass = Pass::fresh(root);
    let (document, work) = (root.join("octavia-secrets.yaml"), root.join("octavia-ca"));
    let out = generated(&[
        &"generate",
        &"--layout",
        &"k8s",
        &"--style",
        &"atmosphere",
        &"--key-type",
        &deployer.key_type,
        &"--output",
        &document,
        &"--work-dir",
        &work,
        &"--passphrase-file",
        &pass.file,
    ]);
    let (stranger, _) = stranger(root);
    let foreign = root.join("foreign-client-ca.yaml");
    let text = std::fs::read_to_string(&document).unwrap();
    let client_ca = base64_of(&work.join("client_ca/client_ca.cert.pem"));
    std::fs::write(
        &foreign,
        replaced_once(&text, &client_ca, &base64_of(&stranger)),
    )
    .unwrap();
    let variant = |name: &'static str, good: bool, document: &Path| {
        let mounted = root.join(name.replace(' ', "-"));
        unpack_as_deployer("k8s", document, &mounted, Some(&pass.file));
        let certs = mounted.join("certs");
        keys_private(&certs, ATMOSPHERE_FILES);
        let conf = octavia_conf(&mounted.join("matrix.conf"), &certs, ATMOSPHERE_FILES, None);
        let rest = || os(&[&"--work-dir", &work, &"--passphrase-file", &pass.file]);
        Variant {
            name,
            good,
            forms: vec![
                Form::document("--k8s-secrets", "manifests", document, rest()),
                Form::document(
                    "--k8s-secrets",
                    "kubectl get -o yaml",
                    &mounted.join("list.yaml"),
                    rest(),
                ),
                Form::dir("DIR", &certs, DirArg::Positional, "atmosphere", rest())
                    .holding(ATMOSPHERE_FILES, &[]),
                Form::dir("DIR", &certs, DirArg::Option, "auto", rest())
                    .holding(ATMOSPHERE_FILES, &[]),
                Form::conf(&[&conf], rest()),
            ],
        }
    };
    Set {
        deployer,
        generated: vec![("generate --layout k8s --style atmosphere".into(), out)],
        variants: [
            variant("as generated", true, &document),
            variant("foreign client CA", false, &foreign),
        ],
        tmp,
    }
}

/// Every string of a JSON report with where it is (`findings[0].fix of
/// wrong-passphrase`: the code of the finding it is in), keys included.
fn json_texts(v: &Value, at: &str, code: Option<&str>, out: &mut Vec<(String, String)>) {
    let named = |at: &str| match code {
        Some(code) => format!("{at} of {code}"),
        None => at.to_owned(),
    };
    match v {
        Value::String(s) => out.push((named(at), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json_texts(item, &format!("{at}[{i}]"), code, out);
            }
        }
        Value::Object(map) => {
            let code = map.get("code").and_then(Value::as_str).or(code);
            for (key, item) in map {
                let at = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                out.push((format!("{} (key)", named(&at)), key.clone()));
                json_texts(item, &at, code, out);
            }
        }
        _ => {}
    }
}

/// Every text a run printed, with where: its JSON report's strings, or
/// its standard output's lines; its standard error's lines.
fn texts(out: &Output) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    match serde_json::from_slice::<Value>(&out.stdout) {
        Ok(report) => json_texts(&report, "", None, &mut texts),
        Err(_) => texts.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| ("stdout".to_owned(), l.to_owned())),
        ),
    }
    texts.extend(
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .map(|l| ("stderr".to_owned(), l.to_owned())),
    );
    texts
}

/// The kolla words in `text`.
fn kolla_words(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    KOLLA_WORDS
        .into_iter()
        .filter(|w| lower.contains(w))
        .collect()
}

/// The placeholders in `text` but those for values the tool cannot know
/// (and `INVENTORY` where `inventory` allows it).
fn placeholders(text: &str, inventory: bool) -> Vec<String> {
    let mut text = text.to_owned();
    for allowed in UNKNOWN_VALUES {
        text = text.replace(allowed, "");
    }
    let mut found: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| PLACEHOLDERS.contains(w) || (*w == INVENTORY && !inventory))
        .map(str::to_owned)
        .collect();
    let mut rest = text.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find('>') {
            let inner = &rest[..j];
            if (1..=40).contains(&j)
                && inner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " _.-".contains(c))
            {
                found.push(format!("<{inner}>"));
                rest = &rest[j + 1..];
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Whether a run was refused by the argument parser (clap's usage error):
/// its refusal is reported as its verdict, its usage text not scanned.
fn usage_error(out: &Output) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    out.status.code() == Some(2) && stderr.starts_with("error:") && stderr.contains("Usage:")
}

/// The first line of what a failed run said.
fn first_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: Option<Value> = serde_json::from_slice(&out.stdout).ok();
    json.as_ref()
        .and_then(|j| j["error"]["message"].as_str())
        .map(str::to_owned)
        .or_else(|| {
            stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// What a command concluded, from its JSON report: what must be the same in
/// every form (nothing that names a path).
fn verdict(reader: &Reader, out: &Output) -> String {
    let exit = match out.status.code() {
        Some(code) => format!("exit {code}"),
        None => format!("{}", out.status),
    };
    let Ok(report) = serde_json::from_slice::<Value>(&out.stdout) else {
        return format!("{exit}, no JSON report");
    };
    if !report["error"].is_null() {
        return format!("{exit}, error");
    }
    let sorted = |items: Vec<String>| {
        let mut items = items;
        items.sort();
        items.dedup();
        items.join(" ")
    };
    let each = |key: &str, f: &dyn Fn(&Value) -> String| {
        sorted(
            report[key]
                .as_array()
                .map(|a| a.iter().map(f).collect())
                .unwrap_or_default(),
        )
    };
    let what = match reader.args[0] {
        "check" | "node" => format!(
            "{}; [{}]",
            report["summary"],
            each("findings", &|f: &Value| format!(
                "{}:{}",
                f["severity"], f["code"]
            ))
        ),
        "rehearse" => format!(
            "ok {}; failures [{}]",
            report["ok"],
            each("failures", &|f: &Value| format!(
                "{}:{}",
                f["side"], f["cause"]
            ))
        ),
        "expiry" => format!(
            "{}; [{}]",
            report["status"],
            each("entries", &|e: &Value| format!(
                "{}:{}:{}:{}",
                e["role"], e["subject"], e["not_after"], e["status"]
            ))
        ),
        "probe" => format!(
            "{}; {} targets",
            report["summary"],
            report["targets"].as_array().map_or(0, Vec::len)
        ),
        _ => format!(
            "failover {}; [{}]",
            report["failover"]["amphorae"],
            each("certificates", &|c: &Value| format!(
                "{}:{}",
                c[0], c[1]["subject"]
            ))
        ),
    };
    format!("{exit}, {what}")
}

/// The files a change's JSON report plans to write.
fn planned(out: &Output) -> Option<Vec<PathBuf>> {
    let report: Value = serde_json::from_slice(&out.stdout).ok()?;
    let files = report["files"].as_array()?;
    Some(
        files
            .iter()
            .filter_map(Value::as_str)
            .map(PathBuf::from)
            .collect(),
    )
}

/// The user running the tests, as `node check`'s service user.
fn user() -> String {
    ok(Command::new("id").arg("-un")).trim().to_owned()
}

/// `reader` on `form` of `set`, in `format`.
fn command(set: &Set, reader: &Reader, form: &Form, format: &str, user: &str) -> Command {
    let mut cmd = octavia_pki();
    for arg in reader.args {
        match *arg {
            AMPHORAE => cmd.arg(set.tmp.path().join("amphorae.json")),
            KEY_TYPE => cmd.arg(set.deployer.key_type),
            USER => cmd.arg(user),
            arg => cmd.arg(arg),
        };
    }
    if reader.reads == Reads::Conf {
        for conf in &form.confs {
            cmd.arg("--config-file").arg(conf);
        }
        cmd.args(["--format", format]);
        return cmd;
    }
    if let Some((dir, how)) = &form.dir {
        match how {
            DirArg::Positional if reader.positional_dir => cmd.arg(dir),
            _ => cmd.arg("--dir").arg(dir),
        };
    }
    cmd.args(&form.args).args(["--format", format]);
    cmd
}

/// The problems found on a set, each naming the deployer, the variant,
/// the command line (the set's directory shown as `$T`) and the text.
struct Problems {
    deployer: &'static str,
    root: String,
    list: Vec<String>,
}

impl Problems {
    fn shown(&self, text: &str) -> String {
        text.replace(&self.root, "$T")
    }

    fn push(&mut self, variant: &str, what: &str, problem: &str) {
        let line = format!(
            "{} ({variant}): {}\n      {}",
            self.deployer,
            self.shown(what),
            self.shown(problem)
        );
        if !self.list.contains(&line) {
            self.list.push(line);
        }
    }

    /// The kolla words and placeholders in what `out` printed.
    fn scan(&mut self, deployer: &Deployer, variant: &str, what: &str, out: &Output) {
        if usage_error(out) {
            return;
        }
        let exit = out.status.code().unwrap_or(-1);
        for (at, text) in texts(out) {
            let text = text.trim();
            if !deployer.kolla {
                let words = kolla_words(text);
                if !words.is_empty() {
                    self.push(
                        variant,
                        what,
                        &format!("exit {exit}: kolla words {words:?} in {at}: {text:?}"),
                    );
                }
            }
            let found = placeholders(text, deployer.kolla);
            if !found.is_empty() {
                self.push(
                    variant,
                    what,
                    &format!("exit {exit}: placeholders {found:?} in {at}: {text:?}"),
                );
            }
        }
    }
}

/// The command line of `cmd`.
fn command_line(cmd: &Command) -> String {
    let mut line = "octavia-pki".to_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs every command on every form of `set`; panics with every problem.
fn verify(set: Set) {
    std::fs::write(set.tmp.path().join("amphorae.json"), "[]\n").unwrap();
    let user = user();
    let deployer = set.deployer;
    let mut problems = Problems {
        deployer: deployer.name,
        root: set.tmp.path().display().to_string(),
        list: Vec::new(),
    };
    for (what, out) in &set.generated {
        problems.scan(&deployer, "as generated", what, out);
    }
    for variant in &set.variants {
        for reader in READERS.iter().filter(|r| r.applies_to(&deployer)) {
            let mut verdicts: Vec<(String, String, String)> = Vec::new();
            let forms = variant
                .forms
                .iter()
                .filter(|f| reader.reads != Reads::Conf || !f.confs.is_empty());
            for form in forms {
                for format in ["json", "human"] {
                    let mut cmd = command(&set, reader, form, format, &user);
                    let line = command_line(&cmd);
                    let out = run(&mut cmd);
                    problems.scan(&deployer, variant.name, &line, &out);
                    if format != "json" {
                        continue;
                    }
                    let said = first_error(&out);
                    let verdict = verdict(reader, &out);
                    let exit = out.status.code();
                    if variant.good && exit != Some(0) {
                        problems.push(
                            variant.name,
                            &line,
                            &format!("{}: fails on the set as generated: {said}", verdict),
                        );
                    }
                    if !variant.good && reader.judges() && exit == Some(0) {
                        problems.push(
                            variant.name,
                            &line,
                            &format!("{verdict}: calls the broken set fine"),
                        );
                    }
                    // (OpenStack-Ansible's tree and installed files aside:
                    // what a change writes there is the role's business.)
                    let named = form.dir.as_ref().filter(|_| !form.files.is_empty());
                    if let (Some((dir, _)), Some(files)) = (named, planned(&out)) {
                        for file in files.iter().filter_map(|f| f.strip_prefix(dir).ok()) {
                            if !form.files.iter().any(|name| file == Path::new(name)) {
                                problems.push(
                                    variant.name,
                                    &line,
                                    &format!(
                                        "plans {} in the {} directory, whose files are {:?}",
                                        file.display(),
                                        deployer.name,
                                        form.files
                                    ),
                                );
                            }
                        }
                    }
                    let detail = if exit == Some(0) { String::new() } else { said };
                    verdicts.push((form.name.clone(), verdict, detail));
                }
            }
            if verdicts.iter().any(|(_, v, _)| *v != verdicts[0].1) {
                let each: Vec<String> = verdicts
                    .iter()
                    .map(|(form, verdict, said)| format!("        {form}: {verdict} {said}"))
                    .collect();
                problems.push(
                    variant.name,
                    reader.name,
                    &format!("verdicts differ across forms:\n{}", each.join("\n")),
                );
            }
        }
    }
    assert!(
        problems.list.is_empty(),
        "{}: {} problems:\n{}",
        deployer.name,
        problems.list.len(),
        problems.list.join("\n")
    );
}

#[test]
fn kolla() {
    verify(kolla_like(
        Deployer {
            name: "kolla",
            kolla: true,
            two_cas: true,
            written: true,
            key_type: "ecdsa-p256",
        },
        KOLLA_FILES,
    ));
}

#[test]
fn legacy() {
    verify(kolla_like(
        Deployer {
            name: "legacy",
            kolla: true,
            two_cas: false,
            written: true,
            key_type: "ecdsa-p256",
        },
        LEGACY_FILES,
    ));
}

#[test]
fn guide() {
    verify(guide_set());
}

#[test]
fn osa() {
    verify(osa_set());
}

#[test]
fn charm() {
    verify(charm_set());
}

#[test]
fn openstack_helm() {
    verify(openstack_helm_set());
}

#[test]
fn atmosphere() {
    verify(atmosphere_set());
}

#[test]
fn devstack() {
    verify(devstack_set());
}

#[test]
fn gate() {
    verify(gate_set());
}

#[test]
fn tripleo() {
    verify(default_names_set("tripleo"));
}

#[test]
fn devstack_old() {
    verify(default_names_set("devstack-old"));
}

#[test]
fn rhoso() {
    verify(rhoso_set());
}

#[test]
fn genestack() {
    verify(genestack_set());
}
