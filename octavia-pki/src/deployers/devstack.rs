//! devstack's Octavia plugin: the gate script's files in
//! `/etc/octavia/certs`, the keys under `private/`.

use super::{Housekeeping, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// devstack's files, as openstack-helm's pods mount its Secret too.
pub(super) const FILES: DeployedFiles = DeployedFiles([
    "server_ca.cert.pem",
    "private/server_ca.key.pem",
    "server_ca-chain.cert.pem",
    "private/client.cert-and-key.pem",
    "client_ca.cert.pem",
]);

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "devstack",
    title: "devstack",
    layout: Layout::Devstack,
    files: FILES,
    recognised: true,
    marker: None,
    form: Form::Directory,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        work_dir: Some("/etc/octavia/ca"),
        key_type: KeyType::Rsa4096,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: None,
    }),
    passphrase: PassphraseFrom::GateScript,
    secrets: None,
    put_in_use: PutInUse::RestartServices,
    housekeeping: Housekeeping::Devstack,
};
