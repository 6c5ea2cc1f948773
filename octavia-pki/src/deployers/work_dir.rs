//! The paths of the CA work directory this crate keeps for every deployer,
//! as kolla-ansible lays out its own (`/etc/kolla/octavia-certificates`),
//! relative to it. A set made by `kolla-ansible octavia-certificates` has
//! them all.

/// The server CA certificate.
pub const SERVER_CA_CERT: &str = "server_ca/server_ca.cert.pem";
/// The server CA key, encrypted with the server CA passphrase.
pub const SERVER_CA_KEY: &str = "server_ca/server_ca.key.pem";
/// The client CA certificate.
pub const CLIENT_CA_CERT: &str = "client_ca/client_ca.cert.pem";
/// The client CA key, encrypted with the client CA passphrase. Never deployed.
pub const CLIENT_CA_KEY: &str = "client_ca/client_ca.key.pem";
/// The client certificate.
pub const CLIENT_CERT: &str = "client_ca/client.cert.pem";
/// The client key, unencrypted.
pub const CLIENT_KEY: &str = "client_ca/client.key.pem";
/// Client certificate then key: what is deployed as `client.cert-and-key.pem`.
pub const CLIENT_BUNDLE: &str = "client_ca/client.cert-and-key.pem";
