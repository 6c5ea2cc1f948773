//! `octavia-pki generate`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use octavia_pki::demo_passwords_yml;
use octavia_pki::fsio::{self, FsError, PlannedFile};
use octavia_pki::{
    CaPassphrases, Certificate, Destination, Error, GenerateOptions, KeyType, KollaPasswords,
    Layout, OctaviaPki, Passphrase, Progress, Subject, WriteReport,
};
use serde::Serialize;

use crate::output::{self, Format};
use crate::passphrase::{self, Origin, Sources};

const DEFAULT_DIR: &str = "/etc/kolla/config/octavia";
const DEFAULT_WORK_DIR: &str = "/etc/kolla/octavia-certificates";

#[derive(Args)]
#[command(after_help = "\
Passphrases never come from the command line. They are read from --passwords (Kolla's \
passwords.yml: octavia_ca_password encrypts the server CA key, octavia_client_ca_password the \
client CA key), else --passphrase-file (its first line, for both CA keys), else /etc/kolla/passwords.yml \
if it exists, else a prompt on the terminal.

Nothing existing is overwritten without --force; with --force, replaced files are kept under \
.backup/<UTC time>.<pid>.<random>/ beside them (one per run). Key files are written 0600, new directories 0700, each file atomically.

Examples:
  octavia-pki generate --demo ./octavia-demo
  octavia-pki generate --passwords /etc/kolla/passwords.yml
  octavia-pki generate --key-type ecdsa-p256 --format json")]
pub struct GenerateArgs {
    /// Directory of the deployed files (server_ca.cert.pem, server_ca.key.pem, client_ca.cert.pem,
    /// client.cert-and-key.pem; or ca_01.pem, cakey.pem, client.pem with --layout legacy).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DIR)]
    dir: PathBuf,

    /// CA work directory, laid out as `kolla-ansible octavia-certificates` makes it (the client CA
    /// key stays here, never deployed).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_WORK_DIR)]
    work_dir: PathBuf,

    /// Kolla's passwords.yml [default: /etc/kolla/passwords.yml, when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_file")]
    passwords: Option<PathBuf>,

    /// A file whose first line is the passphrase for both CA keys.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,

    /// kolla: two CAs (kolla-ansible since Ussuri). legacy: one CA for both roles (Pike to Train).
    #[arg(long, value_name = "LAYOUT", default_value = "kolla", value_parser = parse_layout)]
    layout: Layout,

    /// Key type of all keys: rsa-2048, rsa-3072, rsa-4096, ecdsa-p256 or ecdsa-p384.
    #[arg(long, value_name = "TYPE", default_value = "rsa-4096", value_parser = parse_key_type)]
    key_type: KeyType,

    /// Validity of the CA certificates, in days.
    #[arg(long, value_name = "DAYS", default_value_t = octavia_pki::DEFAULT_CA_DAYS, value_parser = crate::output::days)]
    ca_days: u32,

    /// Validity of the client certificate, in days.
    #[arg(long, value_name = "DAYS", default_value_t = octavia_pki::DEFAULT_CLIENT_DAYS, value_parser = crate::output::days)]
    client_days: u32,

    /// Subject country (C) of all certificates.
    #[arg(long, value_name = "CC", default_value = "US")]
    country: String,

    /// Subject state (ST) of all certificates.
    #[arg(long, value_name = "TEXT", default_value = "Oregon")]
    state: String,

    /// Subject organization (O) of all certificates.
    #[arg(long, value_name = "TEXT", default_value = "OpenStack")]
    organization: String,

    /// Subject organizational unit (OU) of all certificates.
    #[arg(long, value_name = "TEXT", default_value = "Octavia")]
    organizational_unit: String,

    /// Common name of the server CA.
    #[arg(long, value_name = "CN", default_value = "server-ca.example.org")]
    server_ca_cn: String,

    /// Common name of the client CA.
    #[arg(long, value_name = "CN", default_value = "client-ca.example.org")]
    client_ca_cn: String,

    /// Common name of the client certificate.
    #[arg(long, value_name = "CN", default_value = "client.example.org")]
    client_cn: String,

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

fn parse_layout(s: &str) -> Result<Layout, String> {
    s.parse()
}

fn parse_key_type(s: &str) -> Result<KeyType, String> {
    s.parse()
}

#[derive(Serialize)]
struct Report<'a> {
    demo: bool,
    layout: Layout,
    key_type: String,
    dir: &'a Path,
    work_dir: &'a Path,
    passphrases_from: String,
    #[serde(skip)]
    passphrases_path: Option<PathBuf>,
    certificates: Vec<CertSummary>,
    dry_run: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    would_write: Vec<PathBuf>,
    #[serde(flatten)]
    write: WriteReport,
    elapsed_ms: u128,
}

#[derive(Serialize)]
struct CertSummary {
    role: &'static str,
    subject: String,
    issuer: String,
    not_after: String,
    sha256_fingerprint: String,
}

impl CertSummary {
    fn new(role: &'static str, cert: &Certificate) -> Self {
        Self {
            role,
            subject: cert.subject().to_owned(),
            issuer: cert.issuer().to_owned(),
            not_after: cert.not_after_rfc3339(),
            sha256_fingerprint: cert.sha256_fingerprint(),
        }
    }
}

pub fn run(args: GenerateArgs, vault: Option<&Passphrase>) -> Result<(), Error> {
    let started = Instant::now();
    let (dir, work_dir) = match &args.demo {
        Some(demo) => (
            demo.join("config/octavia"),
            demo.join("octavia-certificates"),
        ),
        None => (args.dir.clone(), args.work_dir.clone()),
    };
    // One writer at a time, from the first look at what exists to the last rename.
    let _lock = if args.dry_run {
        None
    } else {
        let mut dirs = vec![dir.as_path(), work_dir.as_path()];
        dirs.extend(args.demo.as_deref());
        Some(fsio::DirLock::acquire(&dirs)?)
    };
    let single_ca = args.layout.is_single_ca();
    let mut extra_files = Vec::new();
    let (passphrases, origin) = match &args.demo {
        Some(demo) => demo_passphrases(demo, vault, &mut extra_files)?,
        None => passphrase::for_writing(
            &Sources {
                passwords: args.passwords.as_deref(),
                passphrase_file: args.passphrase_file.as_deref(),
                vault,
            },
            single_ca,
        )?,
    };

    let options = {
        let mut options = GenerateOptions::default();
        options.layout = args.layout;
        options.key_type = args.key_type;
        options.ca_days = args.ca_days;
        options.client_days = args.client_days;
        options.server_ca_subject = subject(&args, &args.server_ca_cn);
        options.client_ca_subject = subject(&args, &args.client_ca_cn);
        options.client_subject = subject(&args, &args.client_cn);
        options
    };
    let to = Destination {
        vault_password: vault,
        ..Destination::new(&dir, &work_dir)
    };

    // Refuse before the slow part: nothing is generated if nothing may be written.
    if !args.force {
        let taken: Vec<PathBuf> = to
            .paths(args.layout)
            .into_iter()
            .chain(extra_files.iter().map(|f: &PlannedFile| f.path.clone()))
            .filter(|p| fsio::exists(p))
            .collect();
        if !taken.is_empty() {
            return Err(FsError::WouldOverwrite { paths: taken }.into());
        }
    }

    // Progress only where there is something to wait for (RSA-3072/4096).
    let slow = args.key_type.is_slow();
    let pki = octavia_pki::generate_with_progress(&options, &|p| {
        if slow {
            show_progress(p);
        }
    })?;
    let mut files = pki.planned_files(&to, &passphrases)?;
    files.append(&mut extra_files);
    // Replacing a set: the work directory's history records it.
    if args.force {
        files.extend(pki.history_of_replacing(&to, time::OffsetDateTime::now_utc())?);
    }
    let (write, would_write) = if args.dry_run {
        (
            WriteReport::default(),
            files.iter().map(|f| f.path.clone()).collect(),
        )
    } else {
        (fsio::write_all(&files, args.force, vault)?, Vec::new())
    };

    let report = Report {
        demo: args.demo.is_some(),
        layout: args.layout,
        key_type: args.key_type.to_string(),
        dir: &dir,
        work_dir: &work_dir,
        passphrases_from: origin.describe(),
        passphrases_path: origin.passwords_file().map(Path::to_owned),
        certificates: summaries(&pki),
        dry_run: args.dry_run,
        would_write,
        write,
        elapsed_ms: started.elapsed().as_millis(),
    };
    match args.format {
        Format::Json => output::print_json(&report),
        Format::Human => {
            print_human(&report);
            Ok(())
        }
    }
}

fn subject(args: &GenerateArgs, common_name: &str) -> Subject {
    Subject {
        country: args.country.clone(),
        state: args.state.clone(),
        organization: args.organization.clone(),
        organizational_unit: args.organizational_unit.clone(),
        common_name: common_name.to_owned(),
    }
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

fn summaries(pki: &OctaviaPki) -> Vec<CertSummary> {
    let mut out = vec![CertSummary::new("server_ca", pki.server_ca.certificate())];
    if let Some(ca) = &pki.client_ca {
        out.push(CertSummary::new("client_ca", ca.certificate()));
    }
    out.push(CertSummary::new("client", &pki.client.certificate));
    out
}

fn show_progress(progress: Progress) {
    match progress {
        Progress::KeysStarted { count, key_type } => {
            eprintln!("Generating {count} {key_type} keys in parallel...");
        }
        Progress::KeyDone { role, elapsed } => {
            eprintln!("  {} ready ({:.1} s)", role.name(), elapsed.as_secs_f64());
        }
        // Progress the library adds later is not shown.
        _ => {}
    }
}

fn print_human(report: &Report<'_>) {
    let kind = if report.demo {
        "a DEMO Octavia PKI"
    } else {
        "an Octavia PKI"
    };
    outln!(
        "Generated {kind} (layout {}, {} keys) in {} ms; passphrases: {}.",
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
        "octavia-pki check {} --passwords {}",
        report.dir.display(),
        report
            .passphrases_path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "FILE".into())
    );
    if report.demo {
        outln!(
            "This is a demonstration set: its passphrases sit beside it in passwords.yml. \
             Do not deploy it."
        );
        outln!("Check it: {check}");
    } else {
        outln!("Check it: {check}");
        outln!("Next: kolla-ansible -i INVENTORY reconfigure -t octavia");
    }
}
