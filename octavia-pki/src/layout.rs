//! Where the files go: the deployed layouts Octavia reads, and kolla-ansible's work directory.

use std::fmt;

use crate::role::Role;

/// How a deployer names the deployed files: kolla-ansible's two layouts
/// (which this crate also writes), and the layouts other deployers leave on
/// their controllers, for reading a directory when no octavia.conf is at
/// hand (`../shared/reference/octavia-deployers.md` in the repository).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Layout {
    /// kolla-ansible since Ussuri: two CAs (`/etc/kolla/config/octavia`).
    /// `server_ca.cert.pem`, `server_ca.key.pem`, `client_ca.cert.pem`,
    /// `client.cert-and-key.pem`.
    #[default]
    Kolla,
    /// kolla-ansible Pike to Train: one CA for both roles. `ca_01.pem`,
    /// `cakey.pem`, `client.pem`.
    Legacy,
    /// OpenStack-Ansible's `os_octavia` (`/etc/octavia/certs`):
    /// `server_ca.pem`, `ca_key.pem`, `client_ca.pem`, `client.pem`.
    Osa,
    /// The Juju charm (`/etc/octavia/certs`): `issuing_ca.pem`,
    /// `issuing_ca_key.pem`, `controller_ca.pem`, `controller_cert.pem`.
    Charm,
    /// Octavia's gate script (`bin/create_dual_intermediate_CA.sh`'s
    /// `etc/octavia/certs`, openstack-helm's `octavia-certs` Secret): the
    /// issuing CA `server_ca.cert.pem` is an intermediate, the controllers
    /// trust `server_ca-chain.cert.pem`.
    Gate,
    /// devstack: the gate script's files, keys under `private/`.
    Devstack,
    /// Atmosphere's cert-manager Secrets as mounted: `server/{tls.crt,
    /// tls.key, ca.crt}`, `client/{ca.crt, tls-combined.pem}`.
    Atmosphere,
    /// Octavia's certificate guide, by hand: kolla's names (so never
    /// recognised by [`Layout::detect`]; name it), the bundle key first.
    Guide,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 8] = [
        Self::Kolla,
        Self::Legacy,
        Self::Osa,
        Self::Charm,
        Self::Gate,
        Self::Devstack,
        Self::Atmosphere,
        Self::Guide,
    ];

    /// The layouts this crate writes (generate, renew, rotate; deploy
    /// writes kolla's two): the charm's and the Kubernetes ones packed into
    /// the document their deployer takes ([`crate::packed`]).
    pub const WRITTEN: [Layout; 7] = [
        Self::Kolla,
        Self::Legacy,
        Self::Guide,
        Self::Osa,
        Self::Charm,
        Self::Devstack,
        Self::Atmosphere,
    ];

    /// `kolla`, `legacy`, `osa`, `charm`, `gate`, `devstack`, `atmosphere`, `guide`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Kolla => "kolla",
            Self::Legacy => "legacy",
            Self::Osa => "osa",
            Self::Charm => "charm",
            Self::Gate => "gate",
            Self::Devstack => "devstack",
            Self::Atmosphere => "atmosphere",
            Self::Guide => "guide",
        }
    }

    /// Who lays the files out so.
    pub fn deployer(self) -> &'static str {
        match self {
            Self::Kolla => "kolla-ansible (Ussuri and later)",
            Self::Legacy => "kolla-ansible (Pike to Train)",
            Self::Osa => "OpenStack-Ansible",
            Self::Charm => "the Juju charm",
            Self::Gate => "Octavia's gate script (openstack-helm)",
            Self::Devstack => "devstack",
            Self::Atmosphere => "Atmosphere (cert-manager)",
            Self::Guide => "Octavia's certificate guide, by hand (the bundle key first)",
        }
    }

    /// The names of the deployed files, relative to the directory, by
    /// [`Role`] ([`crate::Sources::of_layout`] is what readers and writers use).
    pub(crate) const fn files(self) -> DeployedFiles {
        let names = match self {
            Self::Kolla | Self::Guide => [
                "server_ca.cert.pem",
                "server_ca.key.pem",
                "server_ca.cert.pem",
                "client.cert-and-key.pem",
                "client_ca.cert.pem",
            ],
            // Octavia's default `client_ca` is `ca_certificate`: one file, two roles.
            Self::Legacy => [
                "ca_01.pem",
                "cakey.pem",
                "ca_01.pem",
                "client.pem",
                "ca_01.pem",
            ],
            Self::Osa => [
                "server_ca.pem",
                "ca_key.pem",
                "server_ca.pem",
                "client.pem",
                "client_ca.pem",
            ],
            Self::Charm => [
                "issuing_ca.pem",
                "issuing_ca_key.pem",
                "issuing_ca.pem",
                "controller_cert.pem",
                "controller_ca.pem",
            ],
            Self::Gate => [
                "server_ca.cert.pem",
                "server_ca.key.pem",
                "server_ca-chain.cert.pem",
                "client.cert-and-key.pem",
                "client_ca.cert.pem",
            ],
            Self::Devstack => [
                "server_ca.cert.pem",
                "private/server_ca.key.pem",
                "server_ca-chain.cert.pem",
                "private/client.cert-and-key.pem",
                "client_ca.cert.pem",
            ],
            Self::Atmosphere => [
                "server/tls.crt",
                "server/tls.key",
                "server/ca.crt",
                "client/tls-combined.pem",
                "client/ca.crt",
            ],
        };
        DeployedFiles(names)
    }

    /// The layout of the deployed files in `dir`, by the names present: the
    /// layout all of whose files are there (the one with more files where
    /// one's names contain another's: the gate's contain kolla's), else the
    /// one with the most there, then the fewest missing, else kolla (nothing
    /// there: every file is missing). Two layouts equally likely (files of
    /// both, as many of each) is [`Ambiguous`]. The guide's names are
    /// kolla's, and kolla is chosen.
    pub fn detect(dir: &std::path::Path) -> Result<Self, Ambiguous> {
        let score = |layout: Self| {
            let names = layout.files().names();
            let present = names
                .iter()
                .filter(|name| crate::fsio::exists(&dir.join(name)))
                .count();
            let missing = names.len() - present;
            (present == names.len(), present, std::cmp::Reverse(missing))
        };
        let mut scored: Vec<_> = Self::ALL
            .into_iter()
            .filter(|l| *l != Self::Guide)
            .map(|l| (score(l), l))
            .filter(|((_, present, _), _)| *present > 0)
            .collect();
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        match scored.as_slice() {
            [] => Ok(Self::Kolla),
            [(best, first), rest @ ..] => {
                if rest.first().is_none_or(|(next, _)| next != best) {
                    return Ok(*first);
                }
                Err(Ambiguous {
                    dir: dir.to_owned(),
                    candidates: scored
                        .iter()
                        .filter(|(score, _)| score == best)
                        .map(|(_, layout)| *layout)
                        .collect(),
                })
            }
        }
    }

    /// Among the layouts this crate writes, the one of `dir`: the kolla names
    /// if any is there, else the legacy names if any is there, else kolla.
    pub(crate) fn detect_written(dir: &std::path::Path) -> Self {
        let present = |layout: Self| {
            layout
                .files()
                .names()
                .iter()
                .any(|name| crate::fsio::exists(&dir.join(name)))
        };
        if !present(Self::Kolla) && present(Self::Legacy) {
            Self::Legacy
        } else {
            Self::Kolla
        }
    }

    /// Its file names, each once, relative to its directory.
    pub fn file_names(self) -> Vec<&'static str> {
        self.files().names()
    }

    /// Whether one CA plays both roles (kolla's legacy layout; a set read
    /// from octavia.conf when `client_ca` is the `ca_certificate` file).
    pub fn is_single_ca(self) -> bool {
        self == Self::Legacy
    }

    /// The order of the client bundle's blocks as the deployer writes it.
    pub fn bundle_order(self) -> crate::BundleOrder {
        match self {
            Self::Guide | Self::Atmosphere => crate::BundleOrder::KeyFirst,
            _ => crate::BundleOrder::CertificateFirst,
        }
    }

    /// Whether the deployed CA key is encrypted (cert-manager's Secrets hold
    /// keys unencrypted, and Octavia reads them with no passphrase).
    pub fn ca_key_encrypted(self) -> bool {
        self != Self::Atmosphere
    }

    /// The deployed CA key's file: `encrypted` (the work directory's copy),
    /// or `key` unencrypted where the deployer keeps it so.
    pub(crate) fn deployed_ca_key(
        self,
        key: &crate::PrivateKey,
        encrypted: zeroize::Zeroizing<String>,
    ) -> zeroize::Zeroizing<String> {
        if self.ca_key_encrypted() {
            encrypted
        } else {
            key.to_pkcs8_pem()
        }
    }

    /// Whether this crate writes the layout ([`Layout::WRITTEN`]).
    pub fn is_written(self) -> bool {
        Self::WRITTEN.contains(&self)
    }

    /// `Ok` for a layout this crate writes; else the error a writer gives.
    pub(crate) fn written(self) -> crate::Result<Self> {
        if self.is_written() {
            return Ok(self);
        }
        Err(crate::Error::InvalidOptions(format!(
            "the {self} layout ({}) is read (check, rehearse, expiry, probe), not written: \
             generate, renew and rotate write the layouts {}",
            self.deployer(),
            Self::WRITTEN.map(Self::name).join(", ")
        )))
    }
}

/// A directory whose file names fit two layouts equally well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    /// The directory.
    pub dir: std::path::PathBuf,
    /// The layouts it fits.
    pub candidates: Vec<Layout>,
}

impl fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.candidates.iter().map(|l| l.name()).collect();
        write!(
            f,
            "the files in {} fit the layouts {} equally well: name it with --layout, or give the \
             octavia.conf that names the files with --config-file",
            self.dir.display(),
            names.join(" and ")
        )
    }
}

impl std::error::Error for Ambiguous {}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Layout {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|l| l.name()).collect();
                format!("unknown layout \"{s}\" (expected {})", names.join(", "))
            })
    }
}

/// The file names of one deployed layout, relative to its directory, in the
/// order of [`Role::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeployedFiles([&'static str; 5]);

impl DeployedFiles {
    /// The file that plays `role`.
    pub(crate) const fn of(self, role: Role) -> &'static str {
        self.0[role.index()]
    }

    /// Each file name once, in the order of [`Role::ALL`] (the legacy layout
    /// names `ca_01.pem` three times).
    pub(crate) fn names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for name in self.0 {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// The paths of kolla-ansible's CA work directory (`/etc/kolla/octavia-certificates`),
/// relative to it. A set made by `kolla-ansible octavia-certificates` has them all.
pub mod work_dir {
    /// The server CA certificate.
    pub const SERVER_CA_CERT: &str = "server_ca/server_ca.cert.pem";
    /// The server CA key, encrypted with `octavia_ca_password`.
    pub const SERVER_CA_KEY: &str = "server_ca/server_ca.key.pem";
    /// The client CA certificate.
    pub const CLIENT_CA_CERT: &str = "client_ca/client_ca.cert.pem";
    /// The client CA key, encrypted with `octavia_client_ca_password`. Never deployed.
    pub const CLIENT_CA_KEY: &str = "client_ca/client_ca.key.pem";
    /// The client certificate.
    pub const CLIENT_CERT: &str = "client_ca/client.cert.pem";
    /// The client key, unencrypted.
    pub const CLIENT_KEY: &str = "client_ca/client.key.pem";
    /// Client certificate then key: what is deployed as `client.cert-and-key.pem`.
    pub const CLIENT_BUNDLE: &str = "client_ca/client.cert-and-key.pem";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        dir
    }

    #[test]
    fn each_deployers_directory_is_recognised_by_its_names() {
        for layout in Layout::ALL.into_iter().filter(|l| *l != Layout::Guide) {
            let dir = dir_with(&layout.files().names());
            assert_eq!(Layout::detect(dir.path()), Ok(layout), "{layout}");
        }
        // Nothing there: kolla (every file is then missing).
        assert_eq!(Layout::detect(dir_with(&[]).path()), Ok(Layout::Kolla));
        // A kolla directory missing a file is still kolla, not the gate's
        // (which would miss two).
        let partial = dir_with(&[
            "server_ca.cert.pem",
            "server_ca.key.pem",
            "client.cert-and-key.pem",
        ]);
        assert_eq!(Layout::detect(partial.path()), Ok(Layout::Kolla));
    }

    #[test]
    fn files_of_two_layouts_alike_are_ambiguous_and_say_what_to_give() {
        let mixed = dir_with(&["server_ca.cert.pem", "server_ca.pem"]);
        let err = Layout::detect(mixed.path()).unwrap_err();
        assert_eq!(err.candidates, [Layout::Kolla, Layout::Osa]);
        let text = err.to_string();
        assert!(
            text.contains("--layout") && text.contains("--config-file"),
            "{text}"
        );
    }

    #[test]
    fn names_parse_back() {
        for layout in Layout::ALL {
            assert_eq!(layout.name().parse::<Layout>(), Ok(layout));
        }
        assert!(
            "kayobe"
                .parse::<Layout>()
                .unwrap_err()
                .contains("atmosphere")
        );
    }
}
