//! Atmosphere (cert-manager): `kubernetes.io/tls` Secrets
//! `octavia-server-ca` (the issuing CA, its key unencrypted) and
//! `octavia-client-certs` (with `tls-combined.pem`, key first), mounted as
//! `server/` and `client/`.

use super::{Housekeeping, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "atmosphere",
    title: "Atmosphere (cert-manager)",
    layout: Layout::Atmosphere,
    files: DeployedFiles([
        "server/tls.crt",
        "server/tls.key",
        "server/ca.crt",
        "client/tls-combined.pem",
        "client/ca.crt",
    ]),
    recognised: true,
    marker: None,
    form: Form::KubernetesSecrets,
    bundle_order: BundleOrder::KeyFirst,
    ca_key_encrypted: false,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        work_dir: Some("/etc/octavia/ca"),
        // As cert-manager makes them there.
        key_type: KeyType::EcdsaP256,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: None,
    }),
    passphrase: PassphraseFrom::Unencrypted,
    put_in_use: PutInUse::KubectlApply,
    housekeeping: Housekeeping::HelmDeployment,
};
