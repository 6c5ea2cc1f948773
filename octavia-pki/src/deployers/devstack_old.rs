//! devstack's Octavia plugin before Train (Octavia 4.x and earlier):
//! `bin/create_certificates.sh` run in `/etc/octavia/certs` (or
//! `devstack/pregenerated/certs` copied there), leaving Octavia's default
//! names as TripleO keeps them (`ca_01.pem`, `private/cakey.pem`,
//! `client.pem`: one CA for both roles) beside its own work files; the CA
//! key's passphrase is the script's `foobar`, which the plugin sets in
//! octavia.conf with `iniset`, as it sets `server_ca` to `ca_01.pem`
//! (`client_ca` left at Octavia's default, the same file).
//!
//! Recognised by the client key the script leaves beside the bundle
//! (`client.key`, in the pregenerated directory too), which TripleO's
//! controllers never have. Read only: devstack makes a new set on every
//! `stack.sh`.

use super::{Housekeeping, Deployer, Form, Layout, PassphraseFrom, PutInUse};
use crate::bundle::BundleOrder;

/// The file `create_certificates.sh` leaves beside the bundle, which says the
/// directory is devstack's and not TripleO's.
const MARKER: &str = "client.key";

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "devstack-old",
    title: "devstack before Train (bin/create_certificates.sh)",
    layout: Layout::DevstackOld,
    files: super::tripleo::FILES,
    recognised: false,
    marker: Some(MARKER),
    form: Form::Directory,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: true,
    deployed_dir: super::CONTROLLER_DIR,
    writes: None,
    passphrase: PassphraseFrom::CreateCertificatesScript,
    put_in_use: PutInUse::RestartServices,
    housekeeping: Housekeeping::Devstack,
    secrets: None,
};
