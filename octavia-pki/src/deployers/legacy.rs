//! kolla-ansible Pike to Train: one CA for both roles (Octavia's default
//! `client_ca` is `ca_certificate`), in `/etc/kolla/config/octavia`.

use super::{Housekeeping, 
    DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults,
};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "legacy",
    title: "kolla-ansible (Pike to Train)",
    layout: Layout::Legacy,
    // One file, three roles.
    files: DeployedFiles([
        "ca_01.pem",
        "cakey.pem",
        "ca_01.pem",
        "client.pem",
        "ca_01.pem",
    ]),
    recognised: true,
    marker: None,
    form: Form::Directory,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: true,
    deployed_dir: super::kolla::CONFIG_DIR,
    writes: Some(WriteDefaults {
        work_dir: Some(super::kolla::WORK_DIR),
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
