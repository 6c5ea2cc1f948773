//! OpenStack-Ansible (`os_octavia` with ansible-role-pki): the files in
//! `/etc/octavia/certs` on each controller, installed from the deploy host's
//! tree (`/etc/openstack_deploy/pki`, [`crate::osa_tree`]); the passphrase
//! `octavia_ca_private_key_passphrase` in `user_secrets.yml`.

use super::{Housekeeping, Names, 
    DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults,
};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

/// What os_octavia names its CAs and client (`octavia_cert_client_req_*`'s
/// defaults: `US`, `Denial`, `Nowhere`; its `orgnization_name` typo drops
/// the organization), so that a CA the role re-issues
/// (`octavia_regenerate_ca`) keeps the name the client certificate names; the
/// client's CN must be `octavia_cert_client_req_common_name`.
pub(crate) const NAMES: Names = Names {
    country: "US",
    state: "Denial",
    locality: "Nowhere",
    organization: "",
    organizational_unit: "",
    common_names: ["Octavia Server CA", "Octavia Client CA", "www.example.com"],
};

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "osa",
    title: "OpenStack-Ansible",
    layout: Layout::Osa,
    files: DeployedFiles([
        "server_ca.pem",
        "ca_key.pem",
        "server_ca.pem",
        "client.pem",
        "client_ca.pem",
    ]),
    recognised: true,
    marker: None,
    form: Form::OsaTree,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: Some(WriteDefaults {
        // The tree is its own work directory.
        work_dir: Some(super::OSA_TREE),
        key_type: KeyType::Rsa4096,
        only_key_type: Some((
            KeyType::Rsa4096,
            "OpenStack-Ansible's role keeps only RSA-4096 keys (community.crypto.openssl_privatekey's \
             default) and would regenerate keys of another type",
        )),
        names: NAMES,
        fresh_passphrase: None,
    }),
    passphrase: PassphraseFrom::OsaSecrets,
    secrets: None,
    put_in_use: PutInUse::OsaPlaybook,
    housekeeping: Housekeeping::OsaService,
};
