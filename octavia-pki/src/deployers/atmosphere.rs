//! Atmosphere (cert-manager): `kubernetes.io/tls` Secrets
//! `octavia-server-ca` (the issuing CA, its key unencrypted) and
//! `octavia-client-certs` (with `tls-combined.pem`, key first), mounted as
//! `server/` and `client/`.

use super::kubernetes::{K8sStyle, Mount, Restart, Secret, SecretName, Secrets};
use super::{Housekeeping, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// Its Secrets, each mounted whole as a directory; the client's `tls.crt`
/// and `tls.key` are its combined file's parts.
const SECRETS: Secrets = Secrets {
    style: K8sStyle::Atmosphere,
    secrets: &[
        Secret {
            name: SecretName::Fixed("octavia-server-ca"),
            tls: true,
            mount: Mount::Whole("server"),
            other_keys: &[],
            written_keys: &[],
            tls_from: None,
        },
        Secret {
            name: SecretName::Fixed("octavia-client-certs"),
            tls: true,
            mount: Mount::Whole("client"),
            other_keys: &["tls.crt", "tls.key"],
            written_keys: &[],
            tls_from: Some("client/tls-combined.pem"),
        },
    ],
    passphrase: None,
    client: "kubectl",
    restart: Restart::RolloutRestart(super::openstack_helm::WORKLOADS),
    client_ca_key: None,
    namespace: "openstack",
};

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
    secrets: Some(&SECRETS),
    put_in_use: PutInUse::KubectlApply,
    housekeeping: Housekeeping::HelmDeployment,
};
