//! `octavia-pki generate`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use octavia_pki::demo_passwords_yml;
use octavia_pki::deployers::{Deployer, FreshPassphrase, Names, PassphraseFrom, PutInUse};
use octavia_pki::fsio::{self, FsError, PlannedFile};
use octavia_pki::packed::{K8sStyle, Packing};
use octavia_pki::target::{parent_dir, work_dir_beside};
use octavia_pki::text;
use octavia_pki::{
    CaPassphrases, Destination, Error, GenerateOptions, GenerateReport, GeneratedCertificate,
    KeyType, KollaPasswords, Layout, OctaviaPki, Passphrase, Progress, Subject, WriteReport,
};

use crate::output::{self, Format};
use crate::passphrase::{self, Origin, Sources};

#[derive(Args)]
#[command(after_help = "\
Passphrases never come from the command line. They are read from --passwords (Kolla's \
passwords.yml: octavia_ca_password encrypts the server CA key, octavia_client_ca_password the \
client CA key), else --passphrase-file (its first line, for both CA keys), else /etc/kolla/passwords.yml \
if it exists, else a prompt on the terminal.

Nothing existing is overwritten without --force; with --force, replaced files are kept under \
.backup/<UTC time>.<pid>.<random>/ beside them (one per run; `octavia-pki backups list`). Key files are written \
0600, new directories 0700, each file atomically, the whole write journalled: a run killed midway is \
completed or undone by the next run, or by `octavia-pki recover`.

Examples:
  octavia-pki generate --demo ./octavia-demo
  octavia-pki generate --passwords /etc/kolla/passwords.yml
  octavia-pki generate --key-type ecdsa-p256 --format json")]
pub struct GenerateArgs {
    /// Directory of the deployed files (server_ca.cert.pem, server_ca.key.pem, client_ca.cert.pem,
    /// client.cert-and-key.pem; or ca_01.pem, cakey.pem, client.pem with --layout legacy)
    /// [default: /etc/kolla/config/octavia; /etc/octavia/certs with --layout guide].
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,

    /// CA work directory, laid out as `kolla-ansible octavia-certificates` makes it (the client CA
    /// key stays here, never deployed) [default: /etc/kolla/octavia-certificates; /etc/octavia/ca
    /// with --layout guide; octavia-ca beside --output with charm and k8s]. With --layout osa,
    /// OpenStack-Ansible's deploy-host tree itself [default: /etc/openstack_deploy/pki].
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,

    /// Kolla's passwords.yml [default: /etc/kolla/passwords.yml, when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_file")]
    passwords: Option<PathBuf>,

    /// A file whose first line is the passphrase for both CA keys.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,

    /// kolla: two CAs (kolla-ansible since Ussuri). legacy: one CA for both roles (Pike to Train).
    /// guide: by hand, as Octavia's certificate guide (kolla's names, the bundle key first) with
    /// DIR/octavia-pki.conf, the octavia.conf options naming the files (a fresh CA passphrase unless
    /// --passphrase-file, and a fresh server_certs_key_passphrase).
    /// charm: the Juju charm's options, in --output for `juju config octavia --file` (a fresh
    /// passphrase unless --passphrase-file).
    /// k8s: Kubernetes Secrets in --output (--style helm: openstack-helm's octavia-certs;
    /// atmosphere: octavia-server-ca and octavia-client-certs, CA key unencrypted; genestack:
    /// Genestack's octavia-certs; rhoso: octavia-certs-secret and octavia-ca-passphrase).
    /// devstack, atmosphere: the files as those deployers mount them, in DIR.
    #[arg(long, value_name = "LAYOUT", value_enum, default_value = "kolla")]
    layout: Form,

    /// The document of --layout charm or k8s [default: octavia-certs.yaml for charm,
    /// octavia-secrets.yaml for k8s]. Written 0600: it holds the CA key.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "demo"])]
    output: Option<PathBuf>,

    /// The charm's application name (--layout charm).
    #[arg(long, value_name = "NAME", default_value = "octavia")]
    application: String,

    /// The Secrets' namespace (--layout k8s).
    #[arg(long, value_name = "NS", default_value = "openstack")]
    namespace: String,

    /// Whose Secrets (--layout k8s).
    #[arg(long, value_enum, default_value = "helm")]
    style: StyleChoice,

    /// Key type of all keys: rsa-2048, rsa-3072, rsa-4096, ecdsa-p256 or ecdsa-p384
    /// [default: rsa-4096; ecdsa-p256 for Atmosphere, as cert-manager makes them there].
    #[arg(long, value_name = "TYPE", value_parser = parse_key_type)]
    key_type: Option<KeyType>,

    /// Validity of the CA certificates, in days [default: 3650, or globals.yml's
    /// octavia_certs_server_ca_expiry and octavia_certs_client_ca_expiry].
    #[arg(long, value_name = "DAYS", value_parser = crate::output::days)]
    ca_days: Option<u32>,

    /// Validity of the client certificate, in days [default: 365, or globals.yml's
    /// octavia_certs_client_expiry].
    #[arg(long, value_name = "DAYS", value_parser = crate::output::days)]
    client_days: Option<u32>,

    /// kolla-ansible's globals.yml: in the kolla and legacy layouts, its octavia_certs_* variables
    /// (subjects, validity) give the defaults, as kolla-ansible's octavia-certificates role reads
    /// them; the options above win [default: /etc/kolla/globals.yml, when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    globals: Option<PathBuf>,

    /// Subject country (C) of all certificates [default: US].
    #[arg(long, value_name = "CC")]
    country: Option<String>,

    /// Subject state (ST) of all certificates [default: Oregon; Denial with --layout osa].
    #[arg(long, value_name = "TEXT")]
    state: Option<String>,

    /// Subject locality (L) of all certificates [default: none; Nowhere with --layout osa].
    #[arg(long, value_name = "TEXT")]
    locality: Option<String>,

    /// Subject organization (O) of all certificates [default: OpenStack; none with --layout osa].
    #[arg(long, value_name = "TEXT")]
    organization: Option<String>,

    /// Subject organizational unit (OU) of all certificates [default: Octavia; none with --layout
    /// osa].
    #[arg(long, value_name = "TEXT")]
    organizational_unit: Option<String>,

    /// Common name of the server CA [default: server-ca.example.org; Octavia Server CA with
    /// --layout osa, as os_octavia names it].
    #[arg(long, value_name = "CN")]
    server_ca_cn: Option<String>,

    /// Common name of the client CA [default: client-ca.example.org; Octavia Client CA with
    /// --layout osa].
    #[arg(long, value_name = "CN")]
    client_ca_cn: Option<String>,

    /// Common name of the client certificate [default: client.example.org; with --layout osa,
    /// www.example.com: it must be os_octavia's octavia_cert_client_req_common_name].
    #[arg(long, value_name = "CN")]
    client_cn: Option<String>,

    /// Replace existing files (each is backed up first).
    #[arg(long)]
    force: bool,

    /// Make a self-contained DEMONSTRATION set in DIR: fresh passphrases in DIR/passwords.yml (0600),
    /// deployed files in DIR/config/octavia, the work directory in DIR/octavia-certificates.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["dir", "work_dir", "passwords", "passphrase_file"])]
    demo: Option<PathBuf>,

    /// Generate and show what would be written; write nothing.
    #[arg(long)]
    dry_run: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// What `--layout` writes: a layout's files in a directory, or a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Files(Layout),
    Charm,
    K8s,
    OsaTree,
}

/// Every form `--layout` takes, from the deployers' registry: each written
/// layout (the charm's as its options, OpenStack-Ansible's as its tree),
/// then `k8s` (whose Secrets `--style` says).
static FORMS: std::sync::LazyLock<Vec<Form>> = std::sync::LazyLock::new(|| {
    Layout::written()
        .map(|layout| match layout {
            Layout::Charm => Form::Charm,
            Layout::Osa => Form::OsaTree,
            layout => Form::Files(layout),
        })
        .chain([Form::K8s])
        .collect()
});

impl clap::ValueEnum for Form {
    fn value_variants<'a>() -> &'a [Self] {
        &FORMS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let (name, help) = match self {
            Self::Files(layout) => (
                layout.name(),
                format!("{}: {}", layout.deployer(), layout.file_names().join(", ")),
            ),
            Self::Charm => ("charm", "the Juju charm's options, in --output".to_owned()),
            Self::OsaTree => (
                "osa",
                "OpenStack-Ansible's deploy-host tree, in --work-dir".to_owned(),
            ),
            Self::K8s => (
                "k8s",
                "Kubernetes Secrets in --output, whose --style says".to_owned(),
            ),
        };
        Some(clap::builder::PossibleValue::new(name).help(help))
    }
}

/// `--style`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StyleChoice {
    /// openstack-helm: one Secret octavia-certs with the gate script's file names.
    Helm,
    /// Atmosphere: kubernetes.io/tls Secrets octavia-server-ca and octavia-client-certs.
    Atmosphere,
    /// Rackspace Genestack: one Secret octavia-certs with its own names (client.key-and-cert.pem).
    Genestack,
    /// RHOSO 18: octavia-certs-secret and the passphrase in octavia-ca-passphrase.
    Rhoso,
}

impl GenerateArgs {
    /// The layout `--layout` writes, and the document it is packed into, if any.
    fn form(&self) -> octavia_pki::Result<(Layout, Option<Packing>)> {
        let packing = match self.layout {
            Form::Files(layout) => return Ok((layout, None)),
            Form::Charm => Packing::charm(&self.application)?,
            Form::OsaTree => Packing::OsaTree {
                client_cn: self
                    .client_cn
                    .clone()
                    .unwrap_or_else(|| octavia_pki::osa_tree::DEFAULT_CLIENT_CN.into()),
            },
            Form::K8s => Packing::kubernetes(
                &self.namespace,
                match self.style {
                    StyleChoice::Helm => K8sStyle::Helm,
                    StyleChoice::Atmosphere => K8sStyle::Atmosphere,
                    StyleChoice::Genestack => K8sStyle::Genestack,
                    StyleChoice::Rhoso => K8sStyle::Rhoso,
                },
            )?,
        };
        Ok((packing.layout(), Some(packing)))
    }
}

fn parse_key_type(s: &str) -> Result<KeyType, String> {
    s.parse()
}

pub fn run(args: GenerateArgs, vault: Option<&Passphrase>) -> Result<(), Error> {
    let started = Instant::now();
    let (layout, packing) = args.form()?;
    // What the deployer takes, by default.
    let deployer = packing.as_ref().map_or(layout.owner(), Packing::deployer);
    let defaults = deployer.writes.ok_or(octavia_pki::deployers::NotWritten {
        layout,
        written: Layout::written().collect(),
    })?;
    let key_type = args.key_type.unwrap_or(defaults.key_type);
    let tree = matches!(packing, Some(Packing::OsaTree { .. }));
    if let Some((only, why)) = defaults.only_key_type
        && key_type != only
    {
        return Err(Error::usage(format!(
            "{why}: leave --key-type at {only}, not {key_type}"
        )));
    }
    // A document, or the tree (the work directory itself).
    let document = packing.as_ref().map(|p| match p {
        Packing::OsaTree { .. } => {
            let tree = args.work_dir.clone().unwrap_or_else(|| {
                defaults
                    .work_dir
                    .unwrap_or(octavia_pki::osa_tree::DEFAULT_TREE)
                    .into()
            });
            // Named to OpenStack-Ansible (octavia_cert_dir): absolute.
            std::path::absolute(&tree).unwrap_or(tree)
        }
        Packing::Charm { .. } => args.output.clone().unwrap_or("octavia-certs.yaml".into()),
        _ => args.output.clone().unwrap_or("octavia-secrets.yaml".into()),
    });
    if args.output.is_some() && (packing.is_none() || tree) {
        return Err(Error::usage(
            "--output is for --layout charm or k8s; the other layouts write files in --dir \
                  (osa: the tree in --work-dir)"
                .into(),
        ));
    }
    let (dir, work_dir) = match &args.demo {
        Some(demo) => (
            demo.join("config/octavia"),
            demo.join("octavia-certificates"),
        ),
        None => match &document {
            // The unpacked files are never written; the work directory beside the document.
            Some(document) => (
                octavia_pki::packed::DEPLOYED_DIR.into(),
                args.work_dir
                    .clone()
                    .unwrap_or_else(|| work_dir_beside(document)),
            ),
            None => (
                args.dir
                    .clone()
                    .unwrap_or_else(|| deployer.deployed_dir.into()),
                args.work_dir.clone().unwrap_or_else(|| {
                    defaults.work_dir.map_or_else(
                        || work_dir_beside(Path::new(deployer.deployed_dir)),
                        PathBuf::from,
                    )
                }),
            ),
        },
    };
    // One writer at a time, from the first look at what exists to the last rename.
    let lock = {
        let mut dirs = vec![work_dir.clone()];
        match &document {
            Some(document) if tree => dirs.push(document.clone()),
            Some(document) => dirs.push(parent_dir(document).to_owned()),
            None => dirs.push(dir.clone()),
        }
        dirs.extend(args.demo.clone());
        crate::lock::lock_set(&dirs, args.dry_run)?
    };
    let single_ca = layout.is_single_ca();
    let mut extra_files = Vec::new();
    // Where the deployer reads a passphrase written with the set: made fresh.
    let kept_in = match (defaults.fresh_passphrase, &document) {
        (Some(FreshPassphrase::InDocument), Some(document)) => Some(document.clone()),
        (Some(FreshPassphrase::InConfSnippet), None) => {
            Some(dir.join(octavia_pki::conf_snippet::FILE_NAME))
        }
        _ => None,
    }
    .filter(|_| args.passwords.is_none() && args.passphrase_file.is_none());
    let (passphrases, origin) = match (&args.demo, kept_in) {
        (Some(demo), _) => demo_passphrases(demo, vault, &mut extra_files)?,
        // One passphrase for both CA keys, kept where the deployer reads it.
        (None, Some(kept_in)) => {
            let passphrase = Passphrase::generate();
            (
                CaPassphrases {
                    server_ca: passphrase.clone(),
                    client_ca: passphrase,
                },
                Origin::Generated(kept_in),
            )
        }
        (None, None) => passphrase::for_writing(
            &Sources {
                passwords: args.passwords.as_deref(),
                passphrase_file: args.passphrase_file.as_deref(),
                vault,
                deployer: packing.as_ref().map_or(layout.owner(), Packing::deployer),
            },
            single_ca,
        )?,
    };
    // The charm's template writes the passphrase into octavia.conf as it is:
    // one Octavia would read otherwise is refused, naming the file it came from.
    if let (Some(Packing::Charm { .. }), Origin::File(path) | Origin::Passwords(path)) =
        (&packing, &origin)
    {
        octavia_pki::charm_passphrase(&passphrases.server_ca).map_err(|source| {
            Error::Passwords {
                path: path.clone(),
                source,
            }
        })?;
    }

    let options = {
        let mut options = GenerateOptions::default();
        options.layout = layout;
        options.key_type = key_type;
        let kolla = kolla_vars(&args, layout, vault)?;
        let base = GenerateOptions::default();
        options.ca_days = args
            .ca_days
            .or(kolla.as_ref().map(|k| k.server_ca_days))
            .unwrap_or(base.ca_days);
        options.client_ca_days = args.ca_days.or(kolla.as_ref().map(|k| k.client_ca_days));
        options.client_days = args
            .client_days
            .or(kolla.as_ref().map(|k| k.client_days))
            .unwrap_or(base.client_days);
        let [server_ca, client_ca, client] = subjects(&args, &defaults.names, kolla.as_ref());
        options.server_ca_subject = server_ca;
        options.client_ca_subject = client_ca;
        options.client_subject = client;
        options
    };
    let to = Destination {
        vault_password: vault,
        ..Destination::new(&dir, &work_dir)
    };

    // Refuse before the slow part: nothing is generated if nothing may be written.
    if tree && !args.force && octavia_pki::osa_tree::is_tree(&work_dir) {
        return Err(FsError::WouldOverwrite {
            paths: vec![work_dir.join("roots")],
        }
        .into());
    }
    if !args.force {
        let taken: Vec<PathBuf> = to
            .paths(layout)
            .into_iter()
            // A document's unpacked files are never written: the document is.
            .filter(|p| document.is_none() || !p.starts_with(&dir))
            .chain(document.clone().filter(|_| !tree))
            .chain(extra_files.iter().map(|f: &PlannedFile| f.path.clone()))
            .filter(|p| fsio::exists(p))
            .collect();
        if !taken.is_empty() {
            return Err(FsError::WouldOverwrite { paths: taken }.into());
        }
    }

    // Progress only where there is something to wait for (RSA-3072/4096).
    let keys = if layout.is_single_ca() { 2 } else { 3 };
    let bar = crate::progress::keys(
        if key_type.is_slow() { keys } else { 0 },
        &format!("generating {keys} {key_type} keys in parallel"),
    );
    let pki = octavia_pki::generate_with_progress(&options, &|p| show_progress(&bar, p));
    bar.finish_and_clear();
    let pki = pki?;
    let (mut files, links) = match (&packing, &document) {
        (Some(packing), Some(document)) => {
            let packed = pki.planned_packed(packing, document, &work_dir, &passphrases)?;
            (packed.files, packed.links)
        }
        _ => (pki.planned_files(&to, &passphrases)?, Vec::new()),
    };
    files.append(&mut extra_files);
    // Replacing a set: the work directory's history records it.
    if args.force {
        files.extend(pki.history_of_replacing(&to, time::OffsetDateTime::now_utc())?);
    }
    let (write, would_write) = match &lock {
        None => (
            WriteReport::default(),
            files.iter().map(|f| f.path.clone()).collect(),
        ),
        Some(lock) => {
            let mut plan = fsio::WritePlan::new(format!("Generated a new set ({layout})"), files);
            plan.links = links;
            plan.force = args.force;
            (fsio::write_all(&plan, vault, lock)?, Vec::new())
        }
    };

    let report = GenerateReport {
        demo: args.demo.is_some(),
        layout,
        output: document.as_deref(),
        packing,
        key_type: key_type.to_string(),
        dir: &dir,
        work_dir: &work_dir,
        passphrases_from: origin.describe(),
        passphrases_path: origin.passwords_file().map(Path::to_owned),
        passphrase_file: match &origin {
            Origin::File(path) => Some(path.clone()),
            _ => None,
        },
        deployer,
        certificates: summaries(&pki),
        dry_run: args.dry_run,
        would_write,
        write,
        elapsed_ms: started.elapsed().as_millis(),
    };
    match args.format {
        Format::Json => output::print_report(&report, crate::schema::GENERATE),
        Format::Human => {
            print_human(&report);
            Ok(())
        }
    }
}

/// kolla-ansible's octavia_certs_* variables, in the kolla and legacy
/// layouts: from --globals, else /etc/kolla/globals.yml when it exists. A
/// value the role would fail on is an error naming it.
fn kolla_vars(
    args: &GenerateArgs,
    layout: Layout,
    vault: Option<&Passphrase>,
) -> Result<Option<octavia_pki::deploy::KollaCertVars>, Error> {
    if !matches!(layout, Layout::Kolla | Layout::Legacy) || args.demo.is_some() {
        return Ok(None);
    }
    let default = Path::new(octavia_pki::deploy::DEFAULT_GLOBALS);
    let path = match &args.globals {
        Some(path) => path.as_path(),
        None if fsio::exists(default) => default,
        None => return Ok(None),
    };
    let settings = octavia_pki::deploy::Settings::load(path, vault)
        .map_err(|e| Error::usage(e.to_string()))?;
    let (vars, rejected) = octavia_pki::deploy::KollaCertVars::from_globals(&settings);
    if rejected.is_empty() {
        return Ok(Some(vars));
    }
    let lines: Vec<String> = rejected
        .iter()
        .map(|r| format!("  {}: {}", r.key, r.problem))
        .collect();
    Err(Error::document(
        path.to_owned(),
        format!(
            "kolla-ansible's octavia-certificates role would fail on:\n{}",
            lines.join("\n")
        ),
    ))
}

/// The server CA's, the client CA's and the client's subjects: the options
/// given, else kolla's variables (globals.yml), else the deployer's names.
fn subjects(
    args: &GenerateArgs,
    names: &Names,
    kolla: Option<&octavia_pki::deploy::KollaCertVars>,
) -> [Subject; 3] {
    let defaults: [Subject; 3] = match kolla {
        Some(k) => [k.server_ca.clone(), k.client_ca.clone(), k.client.clone()],
        None => Subject::all_named(names),
    };
    let cns = [&args.server_ca_cn, &args.client_ca_cn, &args.client_cn];
    let mut out = defaults;
    for (subject, cn) in out.iter_mut().zip(cns) {
        let given = |field: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                field.clone_from(v);
            }
        };
        given(&mut subject.country, &args.country);
        given(&mut subject.state, &args.state);
        given(&mut subject.locality, &args.locality);
        given(&mut subject.organization, &args.organization);
        given(&mut subject.organizational_unit, &args.organizational_unit);
        given(&mut subject.common_name, cn);
    }
    out
}

/// A demo set's passphrases: those of DIR/passwords.yml if it exists (so a
/// demo can be regenerated with --force), else fresh ones, written there.
fn demo_passphrases(
    demo: &Path,
    vault: Option<&Passphrase>,
    extra: &mut Vec<PlannedFile>,
) -> Result<(CaPassphrases, Origin), Error> {
    let path = demo.join("passwords.yml");
    if fsio::exists(&path) {
        let loaded = KollaPasswords::load(&path, vault)?;
        let both = loaded.ca_passphrases().map_err(|source| Error::Passwords {
            path: path.clone(),
            source,
        })?;
        return Ok((both, Origin::Passwords(path)));
    }
    let both = CaPassphrases {
        server_ca: Passphrase::generate(),
        client_ca: Passphrase::generate(),
    };
    extra.push(PlannedFile::secret(path.clone(), demo_passwords_yml(&both)));
    Ok((both, Origin::Passwords(path)))
}

fn summaries(pki: &OctaviaPki) -> Vec<GeneratedCertificate> {
    let mut out = vec![GeneratedCertificate::new(
        "server_ca",
        pki.server_ca.certificate(),
    )];
    if let Some(ca) = &pki.client_ca {
        out.push(GeneratedCertificate::new("client_ca", ca.certificate()));
    }
    out.push(GeneratedCertificate::new("client", &pki.client.certificate));
    out
}

/// Each key as it is ready, above the bar.
fn show_progress(bar: &indicatif::ProgressBar, progress: Progress) {
    if let Progress::KeyDone { role, elapsed } = progress {
        bar.println(format!(
            "  {} ready ({:.1} s)",
            role.name(),
            elapsed.as_secs_f64()
        ));
        bar.inc(1);
    }
}

fn print_human(report: &GenerateReport<'_>) {
    let kind = if report.demo {
        "a DEMO Octavia PKI"
    } else {
        "an Octavia PKI"
    };
    outln!(
        "Generated {kind} for {} (layout {}, {} keys) in {} ms; passphrases: {}.",
        report.deployer.title,
        report.layout,
        report.key_type,
        report.elapsed_ms,
        report.passphrases_from
    );
    for c in &report.certificates {
        outln!("  {:<10} {}  (until {})", c.role, c.subject, c.not_after);
    }
    if report.dry_run {
        output::print_would_write(report.would_write.iter().map(PathBuf::as_path));
        return;
    }
    output::print_written(&report.write);
    let check = format!(
        "octavia-pki check {}{}",
        text::shell_path(report.dir),
        passphrase_option(report)
    );
    if let (Some(packing), Some(document)) = (&report.packing, report.output) {
        print_packed_next(packing, document, report);
    } else if report.layout == Layout::Guide {
        let snippet = report.dir.join(octavia_pki::conf_snippet::FILE_NAME);
        outln!(
            "Check it: octavia-pki check --config-file {}",
            text::shell_path(&snippet)
        );
        outln!(
            "Next: install {} as /etc/octavia/octavia.conf.d/{} (root:octavia 0640; or merge its \
             options into octavia.conf), then: {}",
            snippet.display(),
            octavia_pki::conf_snippet::FILE_NAME,
            octavia_pki::lifecycle::RESTART
        );
    } else if report.demo {
        outln!(
            "This is a demonstration set: its passphrases sit beside it in passwords.yml. \
             Do not deploy it."
        );
        outln!("Check it: {check}");
    } else {
        outln!("Check it: {check}");
        outln!("Next: {}", put_in_use(report.deployer));
    }
}

/// How the check of a new set is given its passphrase: the file it came
/// from (kolla-ansible's passwords.yml, or a passphrase file), else a file
/// the operator names.
fn passphrase_option(report: &GenerateReport<'_>) -> String {
    let known = |p: &Path| format!(" --passphrase-file {}", text::shell_path(p));
    match (&report.passphrases_path, &report.passphrase_file) {
        (Some(passwords), _) => format!(" --passwords {}", text::shell_path(passwords)),
        (None, Some(file)) => known(file),
        (None, None) if report.deployer.passphrase == PassphraseFrom::KollaPasswords => {
            " --passwords FILE".to_owned()
        }
        (None, None) if !report.deployer.ca_key_encrypted => String::new(),
        (None, None) => " --passphrase-file FILE".to_owned(),
    }
}

/// The deployer's step that puts a set of files in use.
fn put_in_use(deployer: &Deployer) -> &'static str {
    match deployer.put_in_use {
        PutInUse::KollaReconfigure => octavia_pki::lifecycle::RECONFIGURE,
        _ => octavia_pki::lifecycle::RESTART,
    }
}

/// How to check and deploy a document.
fn print_packed_next(packing: &Packing, document: &Path, report: &GenerateReport<'_>) {
    match packing {
        Packing::Charm { .. } => {
            outln!(
                "Check it: octavia-pki check --charm-config {}",
                text::shell_path(document)
            );
        }
        Packing::Kubernetes { style, .. } => {
            // RHOSO's and Genestack's documents hold their passphrase Secret.
            let with = if Deployer::of_style(*style)
                .secrets
                .is_some_and(|s| s.passphrase.is_some())
            {
                String::new()
            } else {
                passphrase_option(report)
            };
            outln!(
                "Check it: octavia-pki check --k8s-secrets {}{with}",
                text::shell_path(document)
            );
            if *style == K8sStyle::Helm {
                outln!(
                    "Set the chart's conf.octavia.certificates.ca_private_key_passphrase to the CA key's \
                     passphrase ({}), and mount octavia-certs as openstack-helm's CI values do (keys under \
                     /etc/octavia/certs/private/).",
                    report.passphrases_from
                );
            }
            if *style == K8sStyle::Genestack {
                outln!(
                    "The Secret octavia-certificates (key password) holds the CA key's passphrase ({}): \
                     Genestack's octavia_preconf role copies it into the helm values it writes \
                     (octavia_amphora_provider.yaml, conf.octavia.certificates.ca_private_key_passphrase), \
                     which mount octavia-certs under /etc/octavia/certs/ and /etc/octavia/certs/private/.",
                    report.passphrases_from
                );
            }
        }
        Packing::OsaTree { client_cn } => {
            outln!(
                "Check it: octavia-pki check {} --layout osa{}",
                text::shell_path(document),
                passphrase_option(report)
            );
            outln!(
                "OpenStack-Ansible's variables must match it: octavia_cert_dir: {} and \
                 octavia_cert_client_req_common_name: {client_cn} (user_variables.yml), \
                 octavia_cert_client_password: the CA keys' passphrase ({}; user_secrets.yml, with \
                 octavia_ca_private_key_passphrase unset or the same).",
                document.display(),
                report.passphrases_from
            );
            outln!("Next: {}", packing.deploy_step(document));
            return;
        }
        _ => {}
    }
    outln!(
        "The CA work directory (keep it: renew and rotate read it): {}",
        report.work_dir.display()
    );
    outln!("Next: {}", packing.deploy_step(document));
}
