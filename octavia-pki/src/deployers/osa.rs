//! OpenStack-Ansible (`os_octavia` with ansible-role-pki): the files in
//! `/etc/octavia/certs` on each controller, installed from the deploy host's
//! tree (`/etc/openstack_deploy/pki`, [`crate::osa_tree`]); the passphrase
//! `octavia_ca_private_key_passphrase` in `user_secrets.yml`.

use super::{
    DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse, WriteDefaults,
};
use crate::bundle::BundleOrder;
use crate::key::KeyType;

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
    form: Form::OsaTree,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: "/etc/octavia/certs",
    writes: Some(WriteDefaults {
        dir: "/etc/octavia/certs",
        // The tree is its own work directory.
        work_dir: Some(crate::osa_tree::DEFAULT_TREE),
        key_type: KeyType::Rsa4096,
        only_key_type: Some((
            KeyType::Rsa4096,
            "OpenStack-Ansible's role keeps only RSA-4096 keys (community.crypto.openssl_privatekey's \
             default) and would regenerate keys of another type",
        )),
    }),
    passphrase: PassphraseFrom::OsaSecrets,
    put_in_use: PutInUse::OsaPlaybook,
};
