//! Octavia's certificate guide, by hand: kolla's names (so never recognised
//! by the names alone; name it), the bundle key first, octavia.conf's
//! options written by hand (`octavia-pki.conf`, [`crate::conf_snippet`]).

use super::{Housekeeping, FreshPassphrase, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// The octavia.conf drop-in the guide's set is written with, beside its
/// files: `[certificates]` and `[haproxy_amphora]` options naming them.
pub(crate) const SNIPPET: &str = "octavia-pki.conf";

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "guide",
    title: "Octavia's certificate guide, by hand (the bundle key first)",
    layout: Layout::Guide,
    files: super::kolla::DEPLOYER.files,
    recognised: false,
    marker: Some(SNIPPET),
    form: Form::Directory,
    bundle_order: BundleOrder::KeyFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        work_dir: Some("/etc/octavia/ca"),
        key_type: KeyType::Rsa4096,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: Some(FreshPassphrase::InConfSnippet),
    }),
    passphrase: PassphraseFrom::OctaviaConf,
    secrets: None,
    put_in_use: PutInUse::RestartServices,
    housekeeping: Housekeeping::SystemdService,
};
