//! Octavia's gate script (`bin/create_dual_intermediate_CA.sh`, its
//! `etc/octavia/certs`): the issuing CA `server_ca.cert.pem` is an
//! intermediate, the controllers trust `server_ca-chain.cert.pem`; the
//! passphrase `not-secure-passphrase`. Read, never written.

use super::{Housekeeping, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse};
use crate::bundle::BundleOrder;

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "gate",
    title: "Octavia's gate script",
    layout: Layout::Gate,
    files: DeployedFiles([
        "server_ca.cert.pem",
        "server_ca.key.pem",
        "server_ca-chain.cert.pem",
        "client.cert-and-key.pem",
        "client_ca.cert.pem",
    ]),
    recognised: true,
    marker: None,
    form: Form::Directory,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: false,
    deployed_dir: super::CONTROLLER_DIR,
    writes: None,
    passphrase: PassphraseFrom::GateScript,
    secrets: None,
    put_in_use: PutInUse::RestartServices,
    housekeeping: Housekeeping::Devstack,
};
