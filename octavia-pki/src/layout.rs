//! Where the files go: the deployed layouts Octavia reads, and kolla-ansible's work directory.

use std::fmt;

/// How the deployed files are named (in `/etc/kolla/config/octavia`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Layout {
    /// kolla-ansible since Ussuri: two CAs. `server_ca.cert.pem`,
    /// `server_ca.key.pem`, `client_ca.cert.pem`, `client.cert-and-key.pem`.
    #[default]
    Kolla,
    /// kolla-ansible Pike to Train: one CA for both roles. `ca_01.pem`,
    /// `cakey.pem`, `client.pem`.
    Legacy,
}

impl Layout {
    /// Both layouts.
    pub const ALL: [Layout; 2] = [Self::Kolla, Self::Legacy];

    /// `kolla` or `legacy`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Kolla => "kolla",
            Self::Legacy => "legacy",
        }
    }

    /// The names of the deployed files ([`crate::Sources::of_layout`] is
    /// what readers and writers use).
    pub(crate) const fn files(self) -> DeployedFiles {
        match self {
            Self::Kolla => DeployedFiles {
                server_ca_cert: "server_ca.cert.pem",
                server_ca_key: "server_ca.key.pem",
                client_ca_cert: "client_ca.cert.pem",
                client_bundle: "client.cert-and-key.pem",
            },
            // Octavia's default `client_ca` is `ca_certificate`: one file, two roles.
            Self::Legacy => DeployedFiles {
                server_ca_cert: "ca_01.pem",
                server_ca_key: "cakey.pem",
                client_ca_cert: "ca_01.pem",
                client_bundle: "client.pem",
            },
        }
    }

    /// The layout of the deployed files in `dir`: the kolla names if any is
    /// there, else the legacy names if any is there, else kolla.
    pub fn detect(dir: &std::path::Path) -> Self {
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

    /// Whether one CA plays both roles.
    pub fn is_single_ca(self) -> bool {
        self == Self::Legacy
    }
}

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
            .ok_or_else(|| format!("unknown layout \"{s}\" (expected kolla or legacy)"))
    }
}

/// The file names of one deployed layout, relative to its directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeployedFiles {
    /// The server CA certificate (`[certificates] ca_certificate`, `[haproxy_amphora] server_ca`).
    pub(crate) server_ca_cert: &'static str,
    /// The server CA key, encrypted (`[certificates] ca_private_key`).
    pub(crate) server_ca_key: &'static str,
    /// The client CA certificate (`[controller_worker] client_ca`); in the
    /// legacy layout, the same file as the server CA.
    pub(crate) client_ca_cert: &'static str,
    /// Client certificate, optional chain, then its unencrypted key (`[haproxy_amphora] client_cert`).
    pub(crate) client_bundle: &'static str,
}

impl DeployedFiles {
    /// Each file name once, in the order above (the legacy layout names
    /// `ca_01.pem` twice: server and client CA).
    pub(crate) fn names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for name in [
            self.server_ca_cert,
            self.server_ca_key,
            self.client_ca_cert,
            self.client_bundle,
        ] {
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
