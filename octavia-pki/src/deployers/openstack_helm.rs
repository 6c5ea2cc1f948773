//! openstack-helm: one Opaque Secret `octavia-certs` with the gate script's
//! file names as keys, mounted as devstack lays the files out; the CA key
//! encrypted, its passphrase in the chart's values.

use super::{Housekeeping, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

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
    put_in_use: PutInUse::KubectlApply,
    housekeeping: Housekeeping::HelmDeployment,
};
