//! Rackspace Genestack (`ansible/roles/octavia_preconf`): two CAs made with
//! community.crypto and openssl (PKCS#1 CA keys under AES-256), one Opaque
//! Secret `octavia-certs` with its own keys (`files/create_k8s_secret.sh`:
//! `client.key-and-cert.pem`, key first; no chain file), mounted by
//! `subPath` as its helm values template (`octavia_amphora_provider.yaml.j2`)
//! says, with `server_ca = ca_certificate`; the passphrase in the Secret
//! `octavia-certificates` (key `password`), which the template copies into
//! the chart's `conf.octavia.certificates.ca_private_key_passphrase`.

use super::kubernetes::{
    K8sStyle, Mount, PassphraseSecret, Restart, Secret, SecretName, Secrets,
};
use super::{Housekeeping, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

const SECRETS: Secrets = Secrets {
    style: K8sStyle::Genestack,
    secrets: &[Secret {
        name: SecretName::Fixed("octavia-certs"),
        tls: false,
        mount: Mount::Keys(&[
            ("server_ca.cert.pem", "server_ca.cert.pem"),
            ("server_ca.key.pem", "private/server_ca.key.pem"),
            ("client_ca.cert.pem", "client_ca.cert.pem"),
            ("client.key-and-cert.pem", "private/client.key-and-cert.pem"),
        ]),
        other_keys: &[],
        written_keys: &[],
        tls_from: None,
    }],
    // What the role encrypts the CA keys with; its helm values template
    // copies it into the chart's conf.
    passphrase: Some(PassphraseSecret {
        name: SecretName::Fixed("octavia-certificates"),
        key: "password",
    }),
    client: "kubectl",
    // The openstack-helm chart's, which Genestack installs
    // (`bin/install-octavia.sh`).
    restart: Restart::RolloutRestart(&[
        "deployment/octavia-api",
        "deployment/octavia-worker",
        "deployment/octavia-housekeeping",
        "daemonset/octavia-health-manager",
    ]),
    client_ca_key: None,
    namespace: "openstack",
};

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "genestack",
    title: "Rackspace Genestack",
    layout: Layout::Genestack,
    files: DeployedFiles([
        "server_ca.cert.pem",
        "private/server_ca.key.pem",
        "server_ca.cert.pem",
        "private/client.key-and-cert.pem",
        "client_ca.cert.pem",
    ]),
    recognised: true,
    marker: None,
    form: Form::KubernetesSecrets,
    bundle_order: BundleOrder::KeyFirst,
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
    passphrase: PassphraseFrom::GenestackSecret,
    secrets: Some(&SECRETS),
    put_in_use: PutInUse::KubectlApply,
    housekeeping: Housekeeping::HelmDeployment,
};
