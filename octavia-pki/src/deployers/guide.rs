//! Octavia's certificate guide, by hand: kolla's names (so never recognised
//! by the names alone; name it), the bundle key first, octavia.conf's
//! options written by hand (`octavia-pki.conf`, [`crate::conf_snippet`]).

use super::{Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "guide",
    title: "Octavia's certificate guide, by hand (the bundle key first)",
    layout: Layout::Guide,
    files: super::kolla::DEPLOYER.files,
    recognised: false,
    form: Form::Directory,
    bundle_order: BundleOrder::KeyFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: "/etc/octavia/certs",
    writes: Some(WriteDefaults {
        dir: "/etc/octavia/certs",
        work_dir: Some("/etc/octavia/ca"),
        key_type: KeyType::Rsa4096,
        only_key_type: None,
    }),
    passphrase: PassphraseFrom::OctaviaConf,
    put_in_use: PutInUse::RestartServices,
};
