//! openstack-helm: one Opaque Secret `octavia-certs` with the gate script's
//! file names as keys (`tools/deployment/component/octavia/octavia_certs.sh`),
//! mounted by `subPath` as devstack lays the files out (its CI's
//! `octavia-values.yaml.j2`); the CA key encrypted, its passphrase in the
//! chart's values.

use super::kubernetes::{K8sStyle, Mount, Restart, Secret, SecretName, Secrets};
use super::{Housekeeping, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// The chart's workloads that mount the Secret (by `subPath`, so never
/// refreshed: restarted).
pub(super) const WORKLOADS: &[&str] = &[
    "deployment/octavia-worker",
    "deployment/octavia-housekeeping",
    "daemonset/octavia-health-manager",
];

const SECRETS: Secrets = Secrets {
    style: K8sStyle::Helm,
    secrets: &[Secret {
        name: SecretName::Fixed("octavia-certs"),
        tls: false,
        mount: Mount::Keys(&[
            ("server_ca.cert.pem", "server_ca.cert.pem"),
            ("server_ca-chain.cert.pem", "server_ca-chain.cert.pem"),
            ("server_ca.key.pem", "private/server_ca.key.pem"),
            ("client_ca.cert.pem", "client_ca.cert.pem"),
            ("client.cert-and-key.pem", "private/client.cert-and-key.pem"),
        ]),
        other_keys: &[],
        written_keys: &[],
        tls_from: None,
    }],
    passphrase: None,
    client: "kubectl",
    restart: Restart::RolloutRestart(WORKLOADS),
    client_ca_key: None,
    namespace: "openstack",
};

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "openstack-helm",
    title: "openstack-helm",
    // Its pods mount the Secret as devstack lays the files out.
    layout: Layout::Devstack,
    files: super::devstack::FILES,
    recognised: false,
    marker: None,
    form: Form::KubernetesSecrets,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        work_dir: None,
        key_type: KeyType::Rsa4096,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: None,
    }),
    passphrase: PassphraseFrom::HelmValues,
    secrets: Some(&SECRETS),
    put_in_use: PutInUse::KubectlApply,
    housekeeping: Housekeeping::HelmDeployment,
};
