//! What a controller actually runs: the files and settings kolla-ansible
//! rendered for each Octavia service, and the containers running them.
//!
//! On each controller kolla-ansible renders `/etc/kolla/<service>/octavia.conf`
//! (its template merged with the operator's overrides), `config.json` (which
//! host file the container copies where) and copies the four certificate
//! files beside them; the containers copy them again when they start.
//! [`node_check`] reads all of it: the paths octavia.conf names, resolved
//! through config.json to the host copies; the copies against their source in
//! `/etc/kolla/config/octavia` and against each other; the rendered passphrase
//! against the deployed key; then the certificate checker and the rehearsal on
//! each service's own view; kolla's insecure defaults; and, with a container
//! engine, what each running container holds.

mod container;
mod findings;
mod host;

pub use host::{HostOptions, HostService, host_check};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::check::{self, CheckOptions, Finding, Summary};
use crate::codes::{Code, Severity, node as codes};
use crate::deployers::Layout;
use crate::error::Result;
use crate::fsio;
use crate::octavia_conf::{OctaviaConf, SetIn, Setting};
use crate::release::OctaviaVersions;
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};
pub use container::ContainerEngine;
use findings::{FILES, Findings, file_of};
pub use findings::{NodeFinding, Service};

/// How to check a node.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NodeOptions {
    /// Where kolla-ansible renders the services (`/etc/kolla`).
    pub kolla_dir: PathBuf,
    /// The operator's configuration (`/etc/kolla/config`), whose `octavia/`
    /// holds the source of the four files.
    pub config_dir: PathBuf,
    /// The services to check.
    pub services: Vec<Service>,
    /// Which container engine to ask about running containers.
    pub container_engine: ContainerEngine,
    /// Python 3.13's strict rules and kolla's insecure defaults are errors.
    pub strict: bool,
    /// Certificates expiring within this many days get a warning.
    pub warn_days: u32,
    /// The time to judge validity at (now, when `None`).
    pub now: Option<OffsetDateTime>,
    /// The Octavia releases the files must work with.
    pub octavia: OctaviaVersions,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault_password: Option<Passphrase>,
}

impl Default for NodeOptions {
    fn default() -> Self {
        Self {
            kolla_dir: PathBuf::from("/etc/kolla"),
            config_dir: PathBuf::from("/etc/kolla/config"),
            services: Service::ALL.to_vec(),
            container_engine: ContainerEngine::Auto,
            strict: false,
            warn_days: check::DEFAULT_WARN_DAYS,
            now: None,
            octavia: OctaviaVersions::All,
            vault_password: None,
        }
    }
}

/// What `node check` found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct NodeReport {
    /// The kolla directory read (empty for a host read through octavia.conf).
    #[serde(skip_serializing_if = "is_empty")]
    pub kolla_dir: PathBuf,
    /// The configuration directory compared with (empty for a host read
    /// through octavia.conf).
    #[serde(skip_serializing_if = "is_empty")]
    pub config_dir: PathBuf,
    /// The octavia.conf files read, for a host that is not kolla's
    /// ([`host_check`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config_files: Vec<PathBuf>,
    /// The services found on this node.
    pub services: Vec<Service>,
    /// The container engine asked, if any.
    pub container_engine: Option<String>,
    /// Every finding, most serious first.
    pub findings: Vec<NodeFinding>,
    /// The counts.
    pub summary: Summary,
}

fn is_empty(path: &Path) -> bool {
    path.as_os_str().is_empty()
}

impl NodeReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// kolla's config.json, as far as the files go.
#[derive(Debug, Deserialize)]
struct ConfigJson {
    #[serde(default)]
    config_files: Vec<ConfigFile>,
}

#[derive(Debug, Deserialize)]
struct ConfigFile {
    source: String,
    dest: String,
}

/// Checks what this node runs; see the module docs. Fails only when the kolla
/// directory itself cannot be read.
pub fn node_check(options: &NodeOptions) -> Result<NodeReport> {
    fsio::require_dir(&options.kolla_dir)?;
    let mut findings = Findings {
        strict: options.strict,
        list: Vec::new(),
    };
    let mut present = Vec::new();
    for &service in &options.services {
        let dir = options.kolla_dir.join(service.dir_name());
        if dir.is_dir() {
            present.push(service);
        } else {
            findings.push(
                codes::SERVICE_ABSENT,
                Some(service),
                None,
                format!("{} does not exist", dir.display()),
            );
        }
    }
    if present.is_empty() {
        findings.push(
            codes::NO_OCTAVIA_SERVICE,
            None,
            None,
            format!(
                "none of {} is in {}",
                names(&options.services),
                options.kolla_dir.display()
            ),
        );
    }
    let source = options.config_dir.join("octavia");
    let source_present = source.is_dir();
    if !source_present && !present.is_empty() {
        findings.push(
            codes::SOURCE_NOT_COMPARED,
            None,
            None,
            format!("{} does not exist on this host", source.display()),
        );
    }
    // The source files, read once for every service's comparison.
    let originals =
        source_present.then(|| Originals::read(&source, options.vault_password.as_ref()));
    // One derivation per distinct key file and passphrase, across the services.
    let unlocked = crate::load::UnlockedKeys::default();
    for &service in &present {
        check_service(
            options,
            service,
            originals.as_ref(),
            &unlocked,
            &mut findings,
        );
    }
    if !source_present {
        copies_differ(options, &present, &mut findings);
    }
    let engine = container::compare(
        options.container_engine,
        &options.kolla_dir,
        options.vault_password.as_ref(),
        &present,
        &mut findings,
    );
    let mut list = findings.list;
    list.sort_by_key(|f| f.finding.severity);
    let summary = Summary::of(list.iter().map(|f| &f.finding));
    Ok(NodeReport {
        kolla_dir: options.kolla_dir.clone(),
        config_dir: options.config_dir.clone(),
        config_files: Vec::new(),
        services: present,
        container_engine: engine,
        findings: list,
        summary,
    })
}

fn names(services: &[Service]) -> String {
    services
        .iter()
        .map(|s| s.dir_name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The four files of the source directory that could be read.
struct Originals {
    dir: PathBuf,
    files: BTreeMap<&'static str, zeroize::Zeroizing<Vec<u8>>>,
}

impl Originals {
    fn read(dir: &Path, vault: Option<&Passphrase>) -> Self {
        let files = FILES
            .into_iter()
            .filter_map(|name| Some((name, fsio::read_file(&dir.join(name), vault).ok()?)))
            .collect();
        Self {
            dir: dir.to_owned(),
            files,
        }
    }
}

fn check_service(
    options: &NodeOptions,
    service: Service,
    originals: Option<&Originals>,
    unlocked: &crate::load::UnlockedKeys,
    findings: &mut Findings,
) {
    let dir = options.kolla_dir.join(service.dir_name());
    let vault = options.vault_password.as_ref();
    let conf = read_conf(&dir, service, vault, findings);
    let copies = read_config_json(&dir, service, vault, findings);
    if let (Some(conf), Some(copies)) = (&conf, &copies) {
        let standard = resolve_paths(conf, copies, service, findings);
        insecure_defaults(
            conf,
            &options.config_dir,
            service,
            &options.octavia.releases(),
            findings,
        );
        if standard {
            run_checker(options, &dir, conf, service, unlocked, findings);
        }
    }
    if let Some(originals) = originals {
        for (&name, original) in &originals.files {
            let Ok(copy) = fsio::read_file(&dir.join(name), vault) else {
                continue; // a missing copy is the checker's missing-file
            };
            if copy.as_slice() != original.as_slice() {
                findings.push(
                    codes::STALE_COPY,
                    Some(service),
                    Some(file_of(service, name)),
                    format!(
                        "differs from {}: {} runs the previous file until `kolla-ansible -i INVENTORY reconfigure -t octavia`",
                        originals.dir.join(name).display(),
                        service.dir_name()
                    ),
                );
            }
        }
    }
}

/// The service's octavia.conf, read as oslo.config reads it.
fn read_conf(
    dir: &Path,
    service: Service,
    vault: Option<&Passphrase>,
    findings: &mut Findings,
) -> Option<OctaviaConf> {
    match OctaviaConf::read(&[dir.join("octavia.conf")], vault) {
        Ok(conf) => Some(conf),
        Err(e) => {
            findings.push(
                codes::CONFIG_UNREADABLE,
                Some(service),
                Some(file_of(service, "octavia.conf")),
                e.to_string(),
            );
            None
        }
    }
}

/// `line 12`: where a setting of the service's one octavia.conf is.
fn line_of(setting: &Setting) -> String {
    match &setting.set_in {
        SetIn::File { line, .. } => format!("line {line}"),
        other => other.to_string(),
    }
}

/// The container paths config.json provides, and the host file each comes from.
fn read_config_json(
    dir: &Path,
    service: Service,
    vault: Option<&Passphrase>,
    findings: &mut Findings,
) -> Option<BTreeMap<String, String>> {
    let file = file_of(service, "config.json");
    let parsed = fsio::read_file(&dir.join("config.json"), vault)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            serde_json::from_slice::<ConfigJson>(&bytes)
                .map_err(|e| format!("not kolla's config.json: {e}"))
        });
    match parsed {
        Ok(json) => Some(
            json.config_files
                .into_iter()
                .map(|f| {
                    let name = f.source.rsplit('/').next().unwrap_or_default().to_owned();
                    (f.dest, name)
                })
                .collect(),
        ),
        Err(why) => {
            findings.push(codes::CONFIG_UNREADABLE, Some(service), Some(file), why);
            None
        }
    }
}

/// Resolves each certificate option to the host copy; `true` when every one
/// is the file kolla's template names (the service's view is the kolla layout).
fn resolve_paths(
    conf: &OctaviaConf,
    copies: &BTreeMap<String, String>,
    service: Service,
    findings: &mut Findings,
) -> bool {
    let file = || Some(file_of(service, "octavia.conf"));
    for (code, note) in conf.notes() {
        findings.push(code, Some(service), file(), note);
    }
    let mut standard = true;
    // The options of octavia.conf that name a certificate file, and the
    // file kolla's template points each at.
    let kolla = Sources::of_layout(Path::new(""), Layout::Kolla);
    for role in Role::ALL {
        let ((section, key), expected) = (role.option(), kolla.name(role));
        let Some(entry) = conf.get(section, key) else {
            findings.push(
                codes::PATH_NOT_PROVIDED,
                Some(service),
                file(),
                format!("[{section}] {key} is not set: Octavia's default is no file kolla copies"),
            );
            standard = false;
            continue;
        };
        match copies.get(&entry.value) {
            Some(name) if *name == expected => {}
            Some(name) => {
                findings.push(
                    codes::PATH_NOT_PROVIDED,
                    Some(service),
                    file(),
                    format!(
                        "[{section}] {key} = {} ({}) is the container's copy of {name}, not of {expected}",
                        entry.value,
                        line_of(&entry)
                    ),
                );
                standard = false;
            }
            None => {
                let provided: Vec<&str> = copies
                    .keys()
                    .filter(|d| d.starts_with("/etc/octavia/certs/"))
                    .map(String::as_str)
                    .collect();
                findings.push(
                    codes::PATH_NOT_PROVIDED,
                    Some(service),
                    file(),
                    format!(
                        "[{section}] {key} = {} ({}): config.json copies no file there (the container has {})",
                        entry.value,
                        line_of(&entry),
                        provided.join(", ")
                    ),
                );
                standard = false;
            }
        }
    }
    standard
}

/// The certificate checker (and, for the services that connect, the
/// rehearsal) on the service's own copies, with its own passphrase.
fn run_checker(
    options: &NodeOptions,
    dir: &Path,
    conf: &OctaviaConf,
    service: Service,
    unlocked: &crate::load::UnlockedKeys,
    findings: &mut Findings,
) {
    let (passphrase, passphrase_is_octavias) = conf.passphrase_for_check();
    let check = CheckOptions {
        layout: Some(Layout::Kolla),
        passphrase,
        passphrase_is_octavias,
        strict: options.strict,
        warn_days: options.warn_days,
        now: options.now,
        octavia: options.octavia.clone(),
        rehearse: service.connects(),
        vault_password: options.vault_password.clone(),
        ..CheckOptions::default()
    };
    let report = match check::check_dir_sharing(dir, &check, unlocked) {
        Ok(report) => report,
        Err(e) => {
            findings.push(codes::CONFIG_UNREADABLE, Some(service), None, e.to_string());
            return;
        }
    };
    let mut cannot_issue = Vec::new();
    // kolla's role copies the files to the host with mode 0660 on purpose;
    // the container's copies are 0600 (config.json's perm).
    let host_modes = crate::codes::check::KEY_FILE_PERMISSIONS;
    // The files housekeeping signs with, as the findings name them.
    let kolla = Sources::of_layout(Path::new(""), Layout::Kolla);
    let signing_files = [
        kolla.name(Role::CaCertificate),
        kolla.name(Role::CaPrivateKey),
        "octavia.conf".to_owned(),
    ];
    for finding in report.findings.into_iter().filter(|f| f.code != host_modes) {
        let name = finding
            .file
            .clone()
            .unwrap_or_else(|| "octavia.conf".to_owned());
        let signing_file = signing_files.contains(&name);
        let blocks = stops_signing(finding.code)
            && (finding.severity == Severity::Error
                || finding.code == crate::codes::check::PASSPHRASE_NOT_AVAILABLE);
        if service == Service::Housekeeping && signing_file && blocks {
            cannot_issue.push(finding.code.id());
        }
        findings.list.push(NodeFinding {
            finding: Finding {
                file: Some(file_of(service, &name)),
                ..finding
            },
            service: Some(service.dir_name()),
        });
    }
    if !cannot_issue.is_empty() {
        cannot_issue.dedup();
        findings.push(
            codes::HOUSEKEEPING_CANNOT_ISSUE,
            Some(service),
            None,
            format!(
                "with its own files and passphrase it cannot sign ({}): amphora certificates will not be renewed and expire within 30 days",
                cannot_issue.join(", ")
            ),
        );
    }
}

/// Whether a checker finding on the server CA's files keeps
/// `LocalCertGenerator` from signing: what the loading pass reports (the files,
/// the key, the passphrase) and the key not being the first certificate's.
/// An expired CA, a published key or passphrase still signs.
fn stops_signing(code: Code) -> bool {
    use crate::codes::check as c;
    (c::LOADING.contains(&code) && code != c::PUBLICLY_KNOWN_PASSPHRASE)
        || [
            c::CA_KEY_MISMATCH,
            c::SERVER_CA_CHAIN_ORDER,
            c::ED25519_SERVER_CA_KEY,
        ]
        .contains(&code)
}

/// An option's value and where it is set (`line 12`), by section and key.
type Lookup<'a> = &'a dyn Fn(&str, &str) -> Option<(String, String)>;

/// `[health_manager] heartbeat_key` unset or `insecure` (kolla's template
/// writes it): `get` gives an option's value and where it is set.
/// Its fix names `set_in`, the octavia.conf override to write it in, and
/// `then`, what puts it in use.
fn heartbeat_key(
    get: Lookup<'_>,
    service: Option<Service>,
    file: Option<String>,
    (set_in, then): (&str, &str),
    findings: &mut Findings,
) {
    let before = findings.len();
    match get("health_manager", "heartbeat_key") {
        None => findings.push(
            codes::HEARTBEAT_KEY_INSECURE,
            service,
            file,
            "[health_manager] heartbeat_key is not set".into(),
        ),
        Some((value, at)) if value == "insecure" => findings.push(
            codes::HEARTBEAT_KEY_INSECURE,
            service,
            file,
            format!(
                "[health_manager] heartbeat_key = insecure ({at}), as kolla's template writes it"
            ),
        ),
        Some(_) => {}
    }
    if findings.len() > before {
        findings.set_last_fix(format!(
            "Set `heartbeat_key` in `[health_manager]` of {set_in} to a random value, the same on \
             every controller (`openssl rand -hex 32`), then {then}."
        ));
    }
}

/// kolla's template leaves the heartbeat key and Octavia's key passphrase at
/// published values.
fn insecure_defaults(
    conf: &OctaviaConf,
    config_dir: &std::path::Path,
    service: Service,
    releases: &[&'static crate::release::OctaviaRelease],
    findings: &mut Findings,
) {
    let file = || Some(file_of(service, "octavia.conf"));
    if service != Service::Housekeeping {
        heartbeat_key(
            &|section, key| {
                conf.get(section, key)
                    .map(|s| (s.value.clone(), line_of(&s)))
            },
            Some(service),
            file(),
            (
                &crate::text::shell_path(&config_dir.join("octavia.conf")),
                "`kolla-ansible -i INVENTORY reconfigure -t octavia`",
            ),
            findings,
        );
    }
    if service == Service::HealthManager {
        return; // it stores no amphora certificates
    }
    let (section, key) = crate::octavia_conf::CERTS_KEY_PASSPHRASE;
    let entry = conf.get(section, key);
    let at = entry.as_ref().map(line_of).unwrap_or_default();
    let value = entry.as_ref().map(|e| e.value.as_str());
    if let Some(f) = crate::octavia_conf::judge_certs_key_passphrase(value, &at, releases) {
        findings.push(f.code, Some(service), file(), f.message);
    }
}

/// Without the source to compare with, the services' copies at least agree.
fn copies_differ(options: &NodeOptions, present: &[Service], findings: &mut Findings) {
    for name in FILES {
        let mut versions: Vec<(Vec<u8>, Vec<&'static str>)> = Vec::new();
        for &service in present {
            let Ok(bytes) = fsio::read_file(
                &options.kolla_dir.join(service.dir_name()).join(name),
                options.vault_password.as_ref(),
            ) else {
                continue;
            };
            match versions.iter_mut().find(|(b, _)| **b == *bytes) {
                Some((_, holders)) => holders.push(service.dir_name()),
                None => versions.push((bytes.to_vec(), vec![service.dir_name()])),
            }
        }
        if versions.len() > 1 {
            let groups: Vec<String> = versions.iter().map(|(_, h)| h.join(" and ")).collect();
            findings.push(
                codes::COPIES_DIFFER,
                None,
                Some(name.to_owned()),
                format!("{} copies differ: {}", versions.len(), groups.join(" / ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_parse_by_directory_or_short_name() {
        assert_eq!("octavia-worker".parse::<Service>(), Ok(Service::Worker));
        assert_eq!(
            "health-manager".parse::<Service>(),
            Ok(Service::HealthManager)
        );
        assert!("octavia-api".parse::<Service>().is_err());
    }
}
