//! octavia.conf as Octavia reads it: the files it is started with
//! (`--config-file`, in order; a later file's value wins, as oslo.config
//! does), read with oslo.config's rules, and the options that name the files
//! of the PKI ([`Role::option`]), with Octavia's defaults where unset.
//!
//! This is the reading half of a deployment described by its octavia.conf,
//! whoever rendered it (kolla-ansible, OpenStack-Ansible, a charm, Helm, by
//! hand): which file plays each [`Role`], where that was said, and the
//! passphrase Octavia unlocks the CA key with.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::oslo_config::{Ini, has_reference};
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};

/// The configuration files Octavia reads, parsed.
#[derive(Debug, Clone)]
pub struct OctaviaConf {
    /// Each file, in the order given, with what it holds.
    files: Vec<(PathBuf, Ini)>,
}

/// Where an option's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetIn {
    /// A line of a file.
    File {
        /// The file.
        path: PathBuf,
        /// Its line (1-based).
        line: usize,
    },
    /// No file sets it: Octavia's default.
    Default,
}

/// One option's value, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Setting {
    /// The value, as oslo.config reads it (surrounding white space and one
    /// pair of quotes stripped, continuation lines joined).
    pub value: String,
    /// Where it was set.
    pub set_in: SetIn,
    /// Whether oslo.config would substitute a `$name` in it (then Octavia
    /// gets another value, or fails to start).
    pub has_reference: bool,
}

impl Role {
    /// Octavia's default for the option when no file sets it (Octavia 16.1.0
    /// to 19.0.0: `octavia/common/config.py` and
    /// `octavia/certificates/common/local.py`, without the `OS_OCTAVIA_TLS_*`
    /// environment variables).
    pub fn octavia_default(self) -> &'static str {
        match self {
            Self::CaCertificate => "/etc/ssl/certs/ssl-cert-snakeoil.pem",
            Self::CaPrivateKey => "/etc/ssl/private/ssl-cert-snakeoil.key",
            Self::ServerCa => "/etc/octavia/certs/server_ca.pem",
            Self::ClientCert => "/etc/octavia/certs/client.pem",
            Self::ClientCa => "/etc/octavia/certs/ca_01.pem",
        }
    }
}

/// The section and key of the CA key's passphrase.
const CA_PASSPHRASE: (&str, &str) = ("certificates", "ca_private_key_passphrase");

impl OctaviaConf {
    /// Reads `files` in order, as `octavia-worker --config-file A
    /// --config-file B` does (`vault`: the password of files encrypted with
    /// ansible-vault). A file that cannot be read, or is not oslo.config
    /// INI, is an error naming it (and the line).
    pub fn read(files: &[PathBuf], vault: Option<&Passphrase>) -> Result<Self> {
        let mut parsed = Vec::new();
        for path in files {
            let bytes = crate::fsio::read_file(path, vault)?;
            let text = String::from_utf8_lossy(&bytes);
            let ini = Ini::parse(&text).map_err(|e| {
                Error::InvalidOptions(format!("{}: not oslo.config INI: {e}", path.display()))
            })?;
            parsed.push((path.clone(), ini));
        }
        Ok(Self { files: parsed })
    }

    /// The files, in the order read.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(path, _)| path.as_path())
    }

    /// The value of `key` in `[section]`: the last file that sets it wins.
    pub fn get(&self, section: &str, key: &str) -> Option<Setting> {
        self.files.iter().rev().find_map(|(path, ini)| {
            ini.get(section, key).map(|entry| Setting {
                value: entry.value.clone(),
                set_in: SetIn::File {
                    path: path.clone(),
                    line: entry.line,
                },
                has_reference: has_reference(&entry.value),
            })
        })
    }

    /// The file that plays `role`: the option's value, or Octavia's default.
    pub fn file(&self, role: Role) -> Setting {
        let (section, key) = role.option();
        self.get(section, key).unwrap_or_else(|| Setting {
            value: role.octavia_default().to_owned(),
            set_in: SetIn::Default,
            has_reference: false,
        })
    }

    /// The file map octavia.conf describes (Octavia's defaults where it names
    /// no file), with the passphrase it gives the CA key. Reports name each
    /// file by its option.
    pub fn sources(&self) -> Sources {
        let files = Role::ALL.map(|role| PathBuf::from(self.file(role).value));
        let first = self.files().next().map(Path::to_owned).unwrap_or_default();
        Sources::by_option(first, files, self.ca_private_key_passphrase())
    }

    /// `[certificates] ca_private_key_passphrase`, when set: the string
    /// Octavia unlocks the CA key with.
    pub fn ca_private_key_passphrase(&self) -> Option<Passphrase> {
        let (section, key) = CA_PASSPHRASE;
        self.get(section, key).map(|s| Passphrase::new(s.value))
    }
}

impl std::fmt::Display for Setting {
    /// `/etc/octavia/certs/server_ca.pem (line 20 of /etc/octavia/octavia.conf)`,
    /// or `(Octavia's default)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.set_in {
            SetIn::File { path, line } => {
                write!(f, "{} (line {line} of {})", self.value, path.display())
            }
            SetIn::Default => write!(f, "{} (Octavia's default)", self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::testdata;

    #[test]
    fn kollas_rendered_octavia_conf_names_its_four_files() {
        let worker = testdata("node/cases/clean/kolla/octavia-worker/octavia.conf");
        let conf = OctaviaConf::read(std::slice::from_ref(&worker), None).unwrap();
        let file = |role| conf.file(role).value;
        assert_eq!(
            file(Role::CaCertificate),
            "/etc/octavia/certs/server_ca.cert.pem"
        );
        assert_eq!(
            file(Role::ServerCa),
            "/etc/octavia/certs/server_ca.cert.pem"
        );
        assert_eq!(
            file(Role::CaPrivateKey),
            "/etc/octavia/certs/server_ca.key.pem"
        );
        assert_eq!(
            file(Role::ClientCert),
            "/etc/octavia/certs/client.cert-and-key.pem"
        );
        assert_eq!(
            file(Role::ClientCa),
            "/etc/octavia/certs/client_ca.cert.pem"
        );
        assert!(matches!(
            conf.file(Role::ClientCa).set_in,
            SetIn::File { ref path, .. } if *path == worker
        ));
        assert!(conf.ca_private_key_passphrase().is_some());
    }

    #[test]
    fn a_later_file_wins_and_unset_options_take_octavias_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("octavia.conf");
        let second = dir.path().join("octavia-pki.conf");
        std::fs::write(
            &first,
            "[certificates]\nca_certificate = /a/ca.pem\nca_private_key_passphrase = one\n",
        )
        .unwrap();
        std::fs::write(&second, "[certificates]\nca_certificate = \"/b/ca.pem\"\n").unwrap();
        let conf = OctaviaConf::read(&[first.clone(), second.clone()], None).unwrap();
        let ca = conf.file(Role::CaCertificate);
        assert_eq!(ca.value, "/b/ca.pem");
        assert_eq!(
            ca.set_in,
            SetIn::File {
                path: second,
                line: 2
            }
        );
        assert_eq!(conf.ca_private_key_passphrase().unwrap().expose(), "one");
        let client_ca = conf.file(Role::ClientCa);
        assert_eq!(client_ca.set_in, SetIn::Default);
        assert_eq!(client_ca.value, "/etc/octavia/certs/ca_01.pem");
        assert_eq!(
            client_ca.to_string(),
            "/etc/octavia/certs/ca_01.pem (Octavia's default)"
        );
    }

    #[test]
    fn a_file_that_is_not_ini_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("octavia.conf");
        std::fs::write(&bad, "[certificates]\njust words\n").unwrap();
        let err = OctaviaConf::read(&[bad], None).unwrap_err().to_string();
        assert!(
            err.contains("octavia.conf") && err.contains("line 2"),
            "{err}"
        );
    }
}
