//! Red Hat OpenStack Services on OpenShift 18 (openstack-k8s-operators'
//! octavia-operator, `internal/octavia/amphora_certs.go`): the Opaque Secret
//! `<name>-certs-secret` (`<name>` the Octavia resource's) with keys
//! `server_ca.key.pem` (PKCS#8, encrypted), `server_ca.cert.pem`,
//! `client_ca.key.pem` (unencrypted; since OSPRH-17062), `client_ca.cert.pem`,
//! `client.cert-and-key.pem` (key first) and `version`, mounted whole at
//! `/etc/octavia/certs` in the OctaviaAmphoraController pods
//! (`internal/amphoracontrollers/volumes.go`); the CA key's passphrase in
//! the Secret `<name>-ca-passphrase` (key `server-ca-passphrase`), which the
//! operator renders into octavia.conf as it is
//! (`templates/octaviaamphoracontroller/config/octavia.conf`, with
//! `server_ca = ca_certificate`).

use super::kubernetes::{
    K8sStyle, Mount, PassphraseSecret, Restart, Secret, SecretName, Secrets,
};
use super::{Housekeeping, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// The client CA's key, which the operator keeps in the Secret (and so in
/// the pods' directory) since OSPRH-17062, and discarded before.
pub(crate) const CLIENT_CA_KEY: &str = "client_ca.key.pem";

/// The Secret's format version the operator writes with the client CA key
/// (`OctaviaCertSecretVersion`, 2); GA-era Secrets have no `version`. Its
/// presence beside kolla's names says the directory is RHOSO's.
pub(crate) const VERSION_KEY: &str = "version";

const SECRETS: Secrets = Secrets {
    style: K8sStyle::Rhoso,
    secrets: &[Secret {
        name: SecretName::Suffixed("-certs-secret"),
        tls: false,
        mount: Mount::Whole(""),
        other_keys: &[CLIENT_CA_KEY, VERSION_KEY],
        written_keys: &[(VERSION_KEY, "2")],
        tls_from: None,
    }],
    passphrase: Some(PassphraseSecret {
        name: SecretName::Suffixed("-ca-passphrase"),
        key: "server-ca-passphrase",
    }),
    client: "oc",
    // The OctaviaAmphoraController DaemonSets (`<name>-worker`, ...): the
    // operator watches the certs Secret and rolls them when its hash changes.
    restart: Restart::ByOperator(&["-worker", "-healthmanager", "-housekeeping"]),
    client_ca_key: Some(CLIENT_CA_KEY),
    namespace: "openstack",
};

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "rhoso",
    title: "RHOSO 18 (octavia-operator)",
    layout: Layout::Rhoso,
    files: super::kolla::DEPLOYER.files,
    // kolla's names: told apart by the Secret's version beside them.
    recognised: false,
    marker: Some(VERSION_KEY),
    form: Form::KubernetesSecrets,
    bundle_order: BundleOrder::KeyFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        work_dir: None,
        // As the operator makes them.
        key_type: KeyType::Rsa4096,
        only_key_type: None,
        names: super::KOLLA_NAMES,
        fresh_passphrase: None,
    }),
    passphrase: PassphraseFrom::RhosoSecret,
    secrets: Some(&SECRETS),
    put_in_use: PutInUse::KubectlApply,
    housekeeping: Housekeeping::RhosoDaemonSet,
};
