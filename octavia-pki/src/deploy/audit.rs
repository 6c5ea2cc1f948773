//! `deploy check`: audits globals.yml, passwords.yml and the certificate
//! directory the way kolla-ansible and Octavia will use them.

use std::path::{Path, PathBuf};

use crate::check::{self, CheckOptions, Finding, Summary};
use crate::codes::Code;
use crate::passwords::{CA_PASSWORD, CLIENT_CA_PASSWORD, KollaPasswords, PasswordsError};
use crate::yaml::Yaml;
use serde::Serialize;

use super::DeployError;
use super::settings::{
    AMP_LISTEN_PORT, HEALTH_MANAGER_PORT, Settings, Value, as_bool, describe, scalar_text,
};
use crate::codes::check::{
    DUPLICATE_KEY, PASSWORD_MISSING, PASSWORD_NOT_AS_WRITTEN, PASSWORD_UNUSABLE,
};
use crate::codes::deploy::*;

/// The password kolla-ansible gives the octavia Keystone user.
pub const KEYSTONE_PASSWORD: &str = "octavia_keystone_password";

/// The settings that only count in manual mode.
const MANUAL_SETTINGS: [&str; 3] = [
    "octavia_amp_boot_network_list",
    "octavia_amp_secgroup_list",
    "octavia_amp_flavor_id",
];

/// How Octavia's resources get registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// kolla-ansible registers network, security groups, flavor and key pair.
    Auto,
    /// The operator does, and puts their IDs in globals.yml.
    Manual,
}

/// A finding, with the setting or password it is about.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DeployFinding {
    /// The finding, as `check` reports them (`file` names globals.yml,
    /// passwords.yml, or a file under `octavia/`).
    #[serde(flatten)]
    pub finding: Finding,
    /// The setting or password key, if the finding is about one.
    pub key: Option<String>,
    /// The key's line in its file, when known.
    pub line: Option<usize>,
}

/// The result of `deploy check`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DeployReport {
    /// The globals.yml read.
    pub globals: PathBuf,
    /// The passwords.yml read.
    pub passwords: PathBuf,
    /// The configuration directory whose `octavia/` was checked.
    pub config_dir: PathBuf,
    /// How resources are registered, if known.
    pub mode: Option<Mode>,
    /// Every finding, most serious first.
    pub findings: Vec<DeployFinding>,
    /// The counts.
    pub summary: Summary,
}

impl DeployReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// What to audit.
pub struct Inputs<'a> {
    /// globals.yml.
    pub globals: &'a Path,
    /// passwords.yml.
    pub passwords: &'a Path,
    /// /etc/kolla/config.
    pub config_dir: &'a Path,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault_password: Option<&'a crate::secret::Passphrase>,
}

/// Collects findings with their file, key and line.
struct Audit<'a> {
    settings: &'a Settings,
    globals_name: String,
    findings: Vec<DeployFinding>,
}

impl Audit<'_> {
    fn setting(&mut self, code: Code, key: &str, message: String) {
        let line = self.settings.line(key);
        let file = Some(self.globals_name.clone());
        self.push(code, file, Some(key), line, message);
    }

    fn push(
        &mut self,
        code: Code,
        file: Option<String>,
        key: Option<&str>,
        line: Option<usize>,
        message: String,
    ) {
        let info = code.info();
        self.findings.push(DeployFinding {
            finding: Finding {
                code,
                severity: info.severity,
                file,
                message,
                symptom: info.symptom.map(str::to_owned),
                fix: info.fix.to_owned(),
            },
            key: key.map(str::to_owned),
            line,
        });
    }

    /// [`Settings::flag`], reporting a value that is a template or not a
    /// boolean.
    fn flag(&mut self, key: &str, default: bool) -> Option<bool> {
        let problem = match self.settings.get(key) {
            Value::Empty => Some((
                SETTING_INVALID,
                format!(
                    "{key} has no value, which Ansible reads as false; write \"yes\" or \"no\""
                ),
            )),
            Value::Template(t) => Some((
                SETTING_TEMPLATE,
                format!("{key} is \"{t}\"; only Ansible can evaluate it"),
            )),
            Value::Plain(v) if as_bool(v).is_none() => Some((
                SETTING_INVALID,
                format!(
                    "{key} is {}, which Ansible's `| bool` reads as false; write \"yes\" or \"no\"",
                    describe(v)
                ),
            )),
            _ => None,
        };
        if let Some((code, message)) = problem {
            self.setting(code, key, message);
        }
        self.settings.flag(key, default)
    }
}

/// Audits a Kolla configuration for Octavia. Fails (could not run) only when
/// globals.yml or passwords.yml cannot be read or parsed.
pub fn audit(inputs: &Inputs<'_>) -> Result<DeployReport, DeployError> {
    let settings = Settings::load(inputs.globals, inputs.vault_password)?;
    let passwords = KollaPasswords::load(inputs.passwords, inputs.vault_password)?;
    let mut audit = Audit {
        settings: &settings,
        globals_name: file_name(inputs.globals),
        findings: Vec::new(),
    };

    if audit.flag("enable_octavia", false) == Some(false) {
        audit.setting(
            OCTAVIA_DISABLED,
            "enable_octavia",
            match settings.get("enable_octavia") {
                Value::Absent => "enable_octavia is not set (kolla's default is false)".to_owned(),
                _ => "enable_octavia is false".to_owned(),
            },
        );
    }
    // globals.yml's keys given twice: Ansible warns and takes the last.
    for d in settings.duplicates() {
        let key = crate::text::escape(&d.key).into_owned();
        audit.setting(
            DUPLICATE_KEY,
            &key,
            format!("{key} is given more than once; Ansible takes the last"),
        );
    }
    audit_passwords(&mut audit, &passwords, &file_name(inputs.passwords));
    drop(passwords);
    // The certificates' variables, as kolla-ansible's octavia-certificates role reads them.
    for r in super::KollaCertVars::from_globals(&settings).1 {
        let code = if r.templated {
            SETTING_TEMPLATE
        } else {
            CERTS_VARIABLE_REJECTED
        };
        audit.setting(code, &r.key, format!("{}: {}", r.key, r.problem));
    }

    let amphora = amphora_provider(&mut audit);
    let mode = amphora.then(|| {
        // A template is audited as kolla's default, auto.
        let mode = if audit.flag("octavia_auto_configure", true).unwrap_or(true) {
            Mode::Auto
        } else {
            Mode::Manual
        };
        match mode {
            Mode::Manual => audit_manual(&mut audit),
            Mode::Auto => audit_auto(&mut audit),
        }
        mode
    });
    if amphora {
        audit_certificates(&mut audit, inputs);
    }

    let mut findings = audit.findings;
    // Most serious first; within a severity, in the order of the audit.
    findings.sort_by_key(|f| f.finding.severity);
    let summary = Summary::of(findings.iter().map(|f| &f.finding));
    Ok(DeployReport {
        globals: inputs.globals.to_owned(),
        passwords: inputs.passwords.to_owned(),
        config_dir: inputs.config_dir.to_owned(),
        mode,
        findings,
        summary,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn audit_passwords(audit: &mut Audit<'_>, passwords: &KollaPasswords, file: &str) {
    // Ansible warns and takes the last of a key given twice.
    for d in passwords.duplicates() {
        let key = crate::text::escape(&d.key).into_owned();
        audit.push(
            DUPLICATE_KEY,
            Some(file.to_owned()),
            Some(&key),
            Some(d.line),
            format!(
                "{key} is given more than once; Ansible takes the last (line {})",
                d.line
            ),
        );
    }
    for key in [CA_PASSWORD, CLIENT_CA_PASSWORD, KEYSTONE_PASSWORD] {
        let Err(err) = passwords.passphrase(key) else {
            continue;
        };
        // The message names the key and the problem, never the value.
        let code = match err {
            PasswordsError::Unusable { .. } => PASSWORD_UNUSABLE,
            PasswordsError::NotAsWritten { .. } => PASSWORD_NOT_AS_WRITTEN,
            _ => PASSWORD_MISSING,
        };
        audit.push(
            code,
            Some(file.to_owned()),
            Some(key),
            None,
            err.to_string(),
        );
    }
}

/// Whether amphorae are used: `octavia_provider_drivers` names the amphora
/// provider (kolla's default does).
fn amphora_provider(audit: &mut Audit<'_>) -> bool {
    let key = "octavia_provider_drivers";
    match audit.settings.get(key) {
        Value::Plain(v) => match scalar_text(v) {
            Some(drivers) if !drivers.contains("amphora") => {
                audit.setting(
                    NO_AMPHORA_PROVIDER,
                    key,
                    format!("{key} is \"{drivers}\": amphora resources and certificates were not audited"),
                );
                false
            }
            _ => true,
        },
        _ => true,
    }
}

fn audit_manual(audit: &mut Audit<'_>) {
    for key in MANUAL_SETTINGS {
        match audit.settings.get(key) {
            Value::Absent | Value::Empty => audit.setting(
                MANUAL_SETTING_MISSING,
                key,
                format!("octavia_auto_configure is off and {key} is not set"),
            ),
            Value::Template(_) => {}
            Value::Plain(Yaml::Array(_) | Yaml::Hash(_)) => audit.setting(
                SETTING_INVALID,
                key,
                format!(
                    "{key} is a YAML list or mapping; kolla writes it into octavia.conf as it is, so give the IDs as text, comma-separated"
                ),
            ),
            Value::Plain(v) => {
                let ids = scalar_text(v).unwrap_or_default();
                if key == "octavia_amp_flavor_id" {
                    continue; // Nova flavor IDs may be any text.
                }
                for id in ids.split(',').map(str::trim) {
                    if !looks_like_uuid(id) {
                        audit.setting(
                            MANUAL_ID_NOT_UUID,
                            key,
                            format!("{key} holds \"{id}\", which is not a UUID"),
                        );
                    }
                }
            }
        }
    }
}

fn looks_like_uuid(text: &str) -> bool {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn audit_auto(audit: &mut Audit<'_>) {
    let set: Vec<&str> = MANUAL_SETTINGS
        .into_iter()
        .filter(|k| !matches!(audit.settings.get(k), Value::Absent | Value::Empty))
        .collect();
    if let Some(first) = set.first() {
        audit.setting(
            MANUAL_SETTINGS_IGNORED,
            first,
            format!(
                "octavia_auto_configure is on, so {} {} ignored",
                set.join(", "),
                if set.len() == 1 { "is" } else { "are" }
            ),
        );
    }
    audit_flavor(audit);
    audit_security_groups(audit);
    audit_network(audit);
}

/// A mapping setting: kolla's default when absent, `None` (reported) when it
/// is something else.
fn mapping_or_default<'d, 'a: 'd>(
    audit: &mut Audit<'a>,
    key: &str,
    default: &'d Yaml,
) -> Option<&'d Yaml> {
    let settings: &'a Settings = audit.settings;
    match settings.get(key) {
        Value::Absent => Some(default),
        Value::Template(_) => None,
        Value::Plain(user @ Yaml::Hash(_)) => Some(user),
        Value::Empty | Value::Plain(_) => {
            audit.setting(
                SETTING_INVALID,
                key,
                format!("{key} must be a mapping (see kolla-ansible's globals.yml)"),
            );
            None
        }
    }
}

fn kolla_default(yaml: &str) -> Yaml {
    crate::yaml::load(yaml.as_bytes()).map_or(Yaml::BadValue, |l| l.doc)
}

fn audit_flavor(audit: &mut Audit<'_>) {
    let key = "octavia_amp_flavor";
    let default = kolla_default("name: amphora\nis_public: false\nvcpus: 1\nram: 1024\ndisk: 5\n");
    let Some(flavor) = mapping_or_default(audit, key, &default) else {
        return;
    };
    match scalar_text(&flavor["ram"]).map(|t| t.trim().parse::<u64>()) {
        Some(Ok(ram)) if ram < 1024 => {
            audit.setting(AMP_FLAVOR_SMALL, key, format!("{key}.ram is {ram} MB"))
        }
        Some(Ok(_)) => {}
        _ if flavor["ram"].as_str().is_some_and(|t| t.contains("{{")) => {}
        _ => audit.setting(
            SETTING_INVALID,
            key,
            format!("{key}.ram must be a number of MB"),
        ),
    }
    // Absent is_public means private in kolla's task (`is_public | bool` of
    // its default false).
    if !as_bool(&flavor["is_public"]).unwrap_or(false) {
        audit.setting(
            AMP_FLAVOR_PRIVATE,
            key,
            format!("{key} is private (is_public is not true)"),
        );
    }
}

/// Whether a kolla security-group rule admits `port` over `protocol`.
fn admits(settings: &Settings, rule: &Yaml, protocol: &str, port: u16) -> bool {
    let proto = scalar_text(&rule["protocol"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !(proto == protocol || proto == "any" || proto.is_empty()) {
        return false;
    }
    // kolla passes src_port as port_range_min and dst_port as port_range_max.
    let min = settings.resolve_port(&rule["src_port"]);
    let max = settings.resolve_port(&rule["dst_port"]);
    match (min, max) {
        (None, None) => rule["src_port"].is_badvalue() && rule["dst_port"].is_badvalue(),
        (Some(min), Some(max)) => (min..=max).contains(&port),
        (Some(only), None) | (None, Some(only)) => only == port,
    }
}

fn audit_security_groups(audit: &mut Audit<'_>) {
    let key = "octavia_amp_security_groups";
    let default = kolla_default(
        "mgmt-sec-grp:\n  name: lb-mgmt-sec-grp\n  enabled: true\n  rules:\n    - protocol: icmp\n    - {protocol: tcp, src_port: 22, dst_port: 22}\n    - {protocol: tcp, src_port: '{{ octavia_amp_listen_port }}', dst_port: '{{ octavia_amp_listen_port }}'}\nhealth-mgr-sec-grp:\n  name: lb-health-mgr-sec-grp\n  enabled: \"{{ true if octavia_network_type == 'tenant' else false }}\"\n  rules:\n    - {protocol: udp, src_port: '{{ octavia_health_manager_port }}', dst_port: '{{ octavia_health_manager_port }}'}\n",
    );
    let Some(groups) = mapping_or_default(audit, key, &default) else {
        return;
    };
    let settings = audit.settings;
    let rules =
        |group: &str| -> &[Yaml] { groups[group]["rules"].as_vec().map_or(&[], Vec::as_slice) };
    let amp_port = settings.port_or_default(&AMP_LISTEN_PORT);
    if groups["mgmt-sec-grp"].is_badvalue() {
        audit.setting(
            SETTING_INVALID,
            key,
            format!("{key} has no mgmt-sec-grp entry; kolla-ansible takes the amphora security group from it"),
        );
    } else if !rules("mgmt-sec-grp")
        .iter()
        .any(|r| admits(settings, r, "tcp", amp_port))
    {
        audit.setting(
            AMP_PORT_CLOSED,
            key,
            format!("no rule of {key}.mgmt-sec-grp admits TCP {amp_port}"),
        );
    } else if !rules("mgmt-sec-grp")
        .iter()
        .any(|r| admits(settings, r, "tcp", 22))
    {
        audit.setting(
            SSH_PORT_CLOSED,
            key,
            format!("no rule of {key}.mgmt-sec-grp admits TCP 22"),
        );
    }

    if network_type(audit) == "tenant" {
        let health_port = settings.port_or_default(&HEALTH_MANAGER_PORT);
        let group = &groups["health-mgr-sec-grp"];
        // kolla's default `enabled` is a template that is true for tenant networks.
        let enabled = match &group["enabled"] {
            Yaml::BadValue => !group.is_badvalue(),
            v if v.as_str().is_some_and(|t| t.contains("{{")) => true,
            v => as_bool(v).unwrap_or(false),
        };
        if !enabled
            || !rules("health-mgr-sec-grp")
                .iter()
                .any(|r| admits(settings, r, "udp", health_port))
        {
            audit.setting(
                HEALTH_PORT_CLOSED,
                key,
                format!("octavia_network_type is tenant, and {key}.health-mgr-sec-grp is missing, disabled or does not admit UDP {health_port}"),
            );
        }
    }
}

/// `octavia_network_type`: "provider" (kolla's default) or "tenant".
fn network_type(audit: &Audit<'_>) -> String {
    audit
        .settings
        .text("octavia_network_type")
        .unwrap_or_else(|| "provider".to_owned())
}

fn audit_network(audit: &mut Audit<'_>) {
    let key = "octavia_amp_network";
    let default = kolla_default(
        "name: lb-mgmt-net\nshared: false\nsubnet:\n  name: lb-mgmt-subnet\n  cidr: '{{ octavia_amp_network_cidr }}'\n  no_gateway_ip: true\n  enable_dhcp: true\n",
    );
    let Some(network) = mapping_or_default(audit, key, &default) else {
        return;
    };
    if scalar_text(&network["subnet"]["cidr"]).is_none_or(|c| c.trim().is_empty()) {
        audit.setting(
            AMP_NETWORK_NO_SUBNET,
            key,
            format!("{key}.subnet.cidr is not set"),
        );
    }
    if network_type(audit) == "provider" && network["provider_network_type"].is_badvalue() {
        audit.setting(
            AMP_NETWORK_NOT_PROVIDER,
            key,
            format!(
                "{key} has no provider_network_type{}",
                if matches!(audit.settings.get(key), Value::Absent) {
                    " (kolla's default network has none)"
                } else {
                    ""
                }
            ),
        );
    }
}

/// Runs the certificate checker on `<config-dir>/octavia`; its findings name
/// their files under `octavia/`.
fn audit_certificates(audit: &mut Audit<'_>, inputs: &Inputs<'_>) {
    let dir = inputs.config_dir.join("octavia");
    let options = CheckOptions {
        passwords: Some(inputs.passwords.to_owned()),
        vault_password: inputs.vault_password.cloned(),
        ..CheckOptions::default()
    };
    match check::check_dir(&dir, &options) {
        Ok(report) => {
            for finding in report.findings {
                // passwords.yml findings repeat the password audit above.
                if finding.file.as_deref() == Some(check::PASSWORDS_FILE) {
                    continue;
                }
                let file = Some(match &finding.file {
                    Some(name) => format!("octavia/{name}"),
                    None => "octavia".to_owned(),
                });
                audit.findings.push(DeployFinding {
                    finding: Finding { file, ..finding },
                    key: None,
                    line: None,
                });
            }
        }
        Err(err) => audit.push(
            CERTIFICATES_MISSING,
            Some("octavia".to_owned()),
            None,
            None,
            err.to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert!(looks_like_uuid("0c2b1a9e-6a7c-4b43-9e0a-3d7f0e1c2b3a"));
        assert!(!looks_like_uuid("lb-mgmt-net"));
    }

    #[test]
    fn rules_as_kolla_turns_them_into_ranges() {
        let s = Settings::parse(Path::new("g"), "octavia_amp_listen_port: 9443\n").unwrap();
        let rule = |y: &str| kolla_default(y);
        assert!(admits(
            &s,
            &rule(
                "{protocol: tcp, src_port: '{{ octavia_amp_listen_port }}', dst_port: '{{ octavia_amp_listen_port }}'}"
            ),
            "tcp",
            9443
        ));
        assert!(admits(
            &s,
            &rule("{protocol: tcp, src_port: 9000, dst_port: 9999}"),
            "tcp",
            9443
        ));
        assert!(admits(&s, &rule("{protocol: tcp}"), "tcp", 9443));
        assert!(!admits(
            &s,
            &rule("{protocol: udp, src_port: 9443, dst_port: 9443}"),
            "tcp",
            9443
        ));
        assert!(!admits(
            &s,
            &rule("{protocol: tcp, src_port: 22, dst_port: 22}"),
            "tcp",
            9443
        ));
        assert!(!admits(
            &s,
            &rule("{protocol: tcp, dst_port: '{{ other.thing }}'}"),
            "tcp",
            9443
        ));
    }
}
