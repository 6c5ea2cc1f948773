//! kolla-ansible since Ussuri (and kayobe): two CAs, the files in
//! `/etc/kolla/config/octavia`, copied into each Octavia container; the CA
//! work directory `/etc/kolla/octavia-certificates`, made by
//! `kolla-ansible octavia-certificates`; the passphrase `octavia_ca_password`
//! in passwords.yml.

use super::{Housekeeping, 
    DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults,
};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// Where kolla-ansible takes the deployed files from.
pub(crate) const CONFIG_DIR: &str = "/etc/kolla/config/octavia";

/// kolla-ansible's CA work directory.
pub(crate) const WORK_DIR: &str = "/etc/kolla/octavia-certificates";

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "kolla",
    title: "kolla-ansible (Ussuri and later)",
    layout: Layout::Kolla,
    files: DeployedFiles([
        "server_ca.cert.pem",
        "server_ca.key.pem",
        "server_ca.cert.pem",
        "client.cert-and-key.pem",
        "client_ca.cert.pem",
    ]),
    recognised: true,
    marker: None,
    form: Form::Directory,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: CONFIG_DIR,
    writes: Some(WriteDefaults {
        work_dir: Some(WORK_DIR),
        key_type: KeyType::Rsa4096,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: None,
    }),
    passphrase: PassphraseFrom::KollaPasswords,
    secrets: None,
    put_in_use: PutInUse::KollaReconfigure,
    housekeeping: Housekeeping::KollaContainer,
};
