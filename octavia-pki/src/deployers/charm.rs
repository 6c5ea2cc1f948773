//! The Juju charm (charm-octavia): the set in the application's options
//! (`juju config octavia --file`), which the charm writes, base64-decoded,
//! to `/etc/octavia/certs`; the passphrase the option
//! `lb-mgmt-issuing-ca-key-passphrase`, written into octavia.conf as it is.

use super::{Housekeeping, FreshPassphrase, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "charm",
    title: "the Juju charm",
    layout: Layout::Charm,
    files: DeployedFiles([
        "issuing_ca.pem",
        "issuing_ca_key.pem",
        "issuing_ca.pem",
        "controller_cert.pem",
        "controller_ca.pem",
    ]),
    recognised: true,
    marker: None,
    form: Form::CharmOptions,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        work_dir: None,
        key_type: KeyType::Rsa4096,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: Some(FreshPassphrase::InDocument),
    }),
    passphrase: PassphraseFrom::CharmOption,
    secrets: None,
    put_in_use: PutInUse::JujuConfig,
    housekeeping: Housekeeping::CharmService,
};
