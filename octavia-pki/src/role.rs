//! The roles Octavia gives files: one option of octavia.conf each.

/// A role a file plays for Octavia: one option of octavia.conf each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// `[certificates] ca_certificate`: the server CA certificate the
    /// controllers issue amphora certificates with.
    CaCertificate,
    /// `[certificates] ca_private_key`: its key, encrypted with
    /// `ca_private_key_passphrase`.
    CaPrivateKey,
    /// `[haproxy_amphora] server_ca`: the CA certificates the controllers
    /// verify amphorae against.
    ServerCa,
    /// `[haproxy_amphora] client_cert`: the controllers' certificate, any
    /// chain, then its unencrypted key.
    ClientCert,
    /// `[controller_worker] client_ca`: the CA certificates each amphora
    /// agent verifies the controllers against.
    ClientCa,
}

impl Role {
    /// Every role, in the order the loader reads them.
    pub const ALL: [Role; 5] = [
        Self::CaCertificate,
        Self::CaPrivateKey,
        Self::ServerCa,
        Self::ClientCert,
        Self::ClientCa,
    ];

    /// The section and key of the octavia.conf option that names the file.
    pub fn option(self) -> (&'static str, &'static str) {
        match self {
            Self::CaCertificate => ("certificates", "ca_certificate"),
            Self::CaPrivateKey => ("certificates", "ca_private_key"),
            Self::ServerCa => ("haproxy_amphora", "server_ca"),
            Self::ClientCert => ("haproxy_amphora", "client_cert"),
            Self::ClientCa => ("controller_worker", "client_ca"),
        }
    }

    /// Its place in [`Role::ALL`].
    pub(crate) const fn index(self) -> usize {
        match self {
            Self::CaCertificate => 0,
            Self::CaPrivateKey => 1,
            Self::ServerCa => 2,
            Self::ClientCert => 3,
            Self::ClientCa => 4,
        }
    }

    /// Whether the file holds a private key (its mode matters).
    pub fn holds_key(self) -> bool {
        matches!(self, Self::CaPrivateKey | Self::ClientCert)
    }
}
