//! `node check` on a host no container stands between: OpenStack-Ansible on
//! metal or in LXC, charm units, devstack, hand-made deployments. Octavia's
//! services read octavia.conf (`--config-file`, later files win) and the
//! files it names directly, as the service user: what matters is what that
//! user can read, and that nobody else can read the keys.
//!
//! For each service's configuration: the files octavia.conf names, their
//! owner and mode (and every directory above them) against the service user;
//! `[health_manager] heartbeat_key`; then the certificate checker and the
//! rehearsal on those files with the passphrase octavia.conf gives
//! (`server_certs_key_passphrase` and `$` references are the checker's).
//! Several services' configurations are compared file by file.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::findings::{Findings, NodeFinding, Service};
use super::{NodeReport, heartbeat_key};
use crate::check::{self, CheckOptions, Summary};
use crate::codes::node as codes;
use crate::error::{Error, Result};
use crate::fsio;
use crate::octavia_conf::OctaviaConf;
use crate::release::OctaviaVersions;
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};

/// One service's configuration files.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostService {
    /// The service, when several are compared (`None`: every Octavia
    /// service of the host reads these files).
    pub service: Option<Service>,
    /// Its octavia.conf files, in `--config-file` order.
    pub config_files: Vec<PathBuf>,
}

impl HostService {
    /// `config_files`, read by `service` (or by every service: `None`).
    pub fn new(service: Option<Service>, config_files: Vec<PathBuf>) -> Self {
        Self {
            service,
            config_files,
        }
    }
}

/// What [`host_check`] checks, and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HostOptions {
    /// The services' configurations.
    pub services: Vec<HostService>,
    /// The user the services run as (`octavia`).
    pub service_user: String,
    /// Python 3.13's strict rules and the published defaults are errors.
    pub strict: bool,
    /// `--warn-days` of the certificate check.
    pub warn_days: u32,
    /// The moment validity is judged at (now, when `None`).
    pub now: Option<OffsetDateTime>,
    /// The Octavia releases the files must work with.
    pub octavia: OctaviaVersions,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault_password: Option<Passphrase>,
}

impl HostOptions {
    /// `services`, run as `service_user`, every release, with the checker's defaults.
    pub fn new(services: Vec<HostService>, service_user: &str) -> Self {
        Self {
            services,
            service_user: service_user.to_owned(),
            strict: false,
            warn_days: check::DEFAULT_WARN_DAYS,
            now: None,
            octavia: OctaviaVersions::All,
            vault_password: None,
        }
    }
}

/// The service user, as the files' modes judge it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ServiceUser {
    name: String,
    uid: u32,
    gids: Vec<u32>,
    /// Its primary group's name: the group a file it must read is given to.
    group: String,
}

impl ServiceUser {
    /// Looked up as the system does (NSS: /etc/passwd, LDAP...).
    fn lookup(name: &str) -> Result<Self> {
        let user = uzers::get_user_by_name(name).ok_or_else(|| {
            Error::InvalidValue {
                what: "service user".into(),
                why: format!(
                    "no user {name} on this host: give the user the Octavia services run as with --service-user"
                ),
            }
        })?;
        let mut gids: Vec<u32> = uzers::get_user_groups(name, user.primary_group_id())
            .unwrap_or_default()
            .iter()
            .map(uzers::Group::gid)
            .collect();
        gids.push(user.primary_group_id());
        gids.sort_unstable();
        gids.dedup();
        Ok(Self {
            name: name.to_owned(),
            uid: user.uid(),
            gids,
            group: group_name(user.primary_group_id()),
        })
    }

    /// The permission bits (of `rwx`: 4, 2, 1) that apply to this user on a
    /// file of `uid`, `gid` and `mode`, as the kernel picks them (owner,
    /// else group, else others); root reads anything.
    fn may(&self, uid: u32, gid: u32, mode: u32, bit: u32) -> bool {
        if self.uid == 0 {
            return true;
        }
        let class = if uid == self.uid {
            mode >> 6
        } else if self.gids.contains(&gid) {
            mode >> 3
        } else {
            mode
        };
        class & bit != 0
    }

    /// Why this user cannot read `path` (a directory above it it cannot
    /// enter, or the file's mode), if it cannot.
    fn cannot_read(&self, path: &Path) -> Option<String> {
        for dir in path
            .ancestors()
            .skip(1)
            .filter(|d| !d.as_os_str().is_empty())
        {
            let Ok(meta) = std::fs::metadata(dir) else {
                continue;
            };
            if !self.may(meta.uid(), meta.gid(), meta.mode(), 1) {
                let dir = crate::text::shell_quote(&dir.display().to_string()).to_string();
                return Some(format!(
                    "{} cannot enter {dir} ({}): `chgrp {} {dir}; chmod 0750 {dir}`",
                    self.name,
                    owner_and_mode(&meta),
                    self.group
                ));
            }
        }
        let meta = std::fs::metadata(path).ok()?;
        let file = crate::text::shell_quote(&path.display().to_string()).to_string();
        (!self.may(meta.uid(), meta.gid(), meta.mode(), 4)).then(|| {
            format!(
                "{} cannot read it ({}): `chgrp {} {file}; chmod 0640 {file}`",
                self.name,
                owner_and_mode(&meta),
                self.group
            )
        })
    }

    /// Who besides this user (and root) can read the key file, if anyone.
    fn others_read(&self, path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        let mode = meta.mode();
        let group_beyond = mode & 0o040 != 0 && !self.gids.contains(&meta.gid());
        let owner_beyond = mode & 0o400 != 0 && meta.uid() != self.uid && meta.uid() != 0;
        let who = if mode & 0o004 != 0 {
            "every user of the host".to_owned()
        } else if group_beyond {
            format!("group {} (not {}'s)", group_name(meta.gid()), self.name)
        } else if owner_beyond {
            format!("its owner {}", user_name(meta.uid()))
        } else {
            return None;
        };
        Some(format!(
            "the private key is readable by {who} ({})",
            owner_and_mode(&meta)
        ))
    }
}

fn user_name(uid: u32) -> String {
    uzers::get_user_by_uid(uid)
        .map(|u| u.name().to_string_lossy().into_owned())
        .unwrap_or_else(|| uid.to_string())
}

fn group_name(gid: u32) -> String {
    uzers::get_group_by_gid(gid)
        .map(|g| g.name().to_string_lossy().into_owned())
        .unwrap_or_else(|| gid.to_string())
}

fn owner_and_mode(meta: &std::fs::Metadata) -> String {
    format!(
        "{}:{} mode {:04o}",
        user_name(meta.uid()),
        group_name(meta.gid()),
        meta.mode() & 0o7777
    )
}

/// Checks the services of a host that reads octavia.conf directly; see the
/// module docs. Fails when the service user does not exist.
pub fn host_check(options: &HostOptions) -> Result<NodeReport> {
    if options.services.is_empty() {
        return Err(Error::InvalidValue {
            what: "services".into(),
            why: "no octavia.conf to check".into(),
        });
    }
    let user = ServiceUser::lookup(&options.service_user)?;
    let mut findings = Findings {
        strict: options.strict,
        list: Vec::new(),
    };
    let unlocked = crate::load::UnlockedKeys::default();
    let mut read: Vec<(Option<Service>, Sources)> = Vec::new();
    for host_service in &options.services {
        let service = host_service.service;
        let conf =
            match OctaviaConf::read(&host_service.config_files, options.vault_password.as_ref()) {
                Ok(conf) => conf,
                Err(e) => {
                    findings.push(codes::CONFIG_UNREADABLE, service, None, e.to_string());
                    continue;
                }
            };
        // The service reads octavia.conf itself, before any file it names.
        for file in &host_service.config_files {
            if let Some(why) = user.cannot_read(file) {
                findings.push(
                    codes::SERVICE_USER_CANNOT_READ,
                    service,
                    Some(file.display().to_string()),
                    why,
                );
            }
        }
        let first = host_service.config_files[0].display().to_string();
        heartbeat_key(
            &|section, key| {
                conf.get(section, key)
                    .map(|s| (s.value, s.set_in.to_string()))
            },
            service,
            Some(first.clone()),
            (
                &crate::text::shell_quote(&first),
                "restart Octavia's health manager and workers",
            ),
            &mut findings,
        );
        let sources = conf
            .sources()
            .with_vault_password(options.vault_password.clone());
        modes(&sources, &user, service, &mut findings);
        checker(options, &sources, service, &unlocked, &mut findings);
        read.push((service, sources));
    }
    copies_differ(&read, options.vault_password.as_ref(), &mut findings);
    let mut list = findings.list;
    list.sort_by_key(|f| f.finding.severity);
    let summary = Summary::of(list.iter().map(|f| &f.finding));
    Ok(NodeReport {
        kolla_dir: PathBuf::new(),
        config_dir: PathBuf::new(),
        config_files: options
            .services
            .iter()
            .flat_map(|s| s.config_files.clone())
            .collect(),
        services: options.services.iter().filter_map(|s| s.service).collect(),
        container_engine: None,
        findings: list,
        summary,
    })
}

/// Each file octavia.conf names, against the service user.
fn modes(sources: &Sources, user: &ServiceUser, service: Option<Service>, findings: &mut Findings) {
    let mut seen: Vec<&Path> = Vec::new();
    for role in Role::ALL {
        let path = sources.path(role);
        if seen.contains(&path) || !fsio::exists(path) {
            continue; // a missing file is the checker's finding
        }
        seen.push(path);
        let name = Some(sources.name(role));
        if let Some(why) = user.cannot_read(path) {
            findings.push(codes::SERVICE_USER_CANNOT_READ, service, name.clone(), why);
        }
        let holds_key = Role::ALL
            .into_iter()
            .any(|r| r.holds_key() && sources.path(r) == path);
        if let Some(why) = holds_key.then(|| user.others_read(path)).flatten() {
            findings.push(codes::KEY_READABLE_BEYOND_SERVICE, service, name, why);
        }
    }
}

/// The checker and the rehearsal on the service's files; its mode finding
/// gives way to [`modes`]' (which knows who may read).
fn checker(
    options: &HostOptions,
    sources: &Sources,
    service: Option<Service>,
    unlocked: &crate::load::UnlockedKeys,
    findings: &mut Findings,
) {
    let check = CheckOptions {
        strict: options.strict,
        warn_days: options.warn_days,
        now: options.now,
        octavia: options.octavia.clone(),
        rehearse: service.is_none_or(Service::connects),
        ..CheckOptions::default()
    };
    let report = match check::check_sharing(sources, &check, unlocked) {
        Ok(report) => report,
        Err(e) => {
            findings.push(codes::CONFIG_UNREADABLE, service, None, e.to_string());
            return;
        }
    };
    let modes = crate::codes::check::KEY_FILE_PERMISSIONS;
    for finding in report.findings.into_iter().filter(|f| f.code != modes) {
        findings.list.push(NodeFinding {
            finding,
            service: service.map(Service::dir_name),
        });
    }
}

/// Services that read different bytes for one role.
fn copies_differ(
    read: &[(Option<Service>, Sources)],
    vault: Option<&Passphrase>,
    findings: &mut Findings,
) {
    if read.len() < 2 {
        return;
    }
    for role in Role::ALL {
        let mut versions: Vec<(Vec<u8>, Vec<String>)> = Vec::new();
        for (service, sources) in read {
            let Ok(bytes) = fsio::read_file(sources.path(role), vault) else {
                continue;
            };
            let holder = format!(
                "{} ({})",
                service.map_or("every service", Service::dir_name),
                sources.path(role).display()
            );
            match versions.iter_mut().find(|(b, _)| **b == *bytes) {
                Some((_, holders)) => holders.push(holder),
                None => versions.push((bytes.to_vec(), vec![holder])),
            }
        }
        if versions.len() > 1 {
            let (section, key) = role.option();
            let groups: Vec<String> = versions.iter().map(|(_, h)| h.join(", ")).collect();
            findings.push(
                codes::COPIES_DIFFER,
                None,
                Some(format!("[{section}] {key}")),
                format!("{} copies differ: {}", versions.len(), groups.join(" / ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn octavia() -> ServiceUser {
        ServiceUser {
            name: "octavia".into(),
            uid: 999,
            gids: vec![998],
            group: "octavia".into(),
        }
    }

    #[test]
    fn the_kernels_owner_group_other_choice_decides() {
        let user = octavia();
        // Owner: the owner bits only, even when others may read.
        assert!(!user.may(999, 0, 0o044, 4));
        assert!(user.may(999, 0, 0o400, 4));
        // A group it is in.
        assert!(user.may(0, 998, 0o440, 4));
        assert!(!user.may(0, 998, 0o404, 4));
        // Neither: the other bits.
        assert!(user.may(0, 0, 0o644, 4));
        assert!(!user.may(0, 0, 0o600, 4));
        // root reads anything.
        let root = ServiceUser {
            name: "root".into(),
            uid: 0,
            gids: vec![0],
            group: "root".into(),
        };
        assert!(root.may(5, 5, 0o000, 4));
    }
}
