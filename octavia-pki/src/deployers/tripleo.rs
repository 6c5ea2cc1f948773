//! TripleO (tripleo-heat-templates' `deployment/octavia`, tripleo-ansible's
//! `octavia_overcloud_config` and `octavia_controller_config` roles,
//! puppet-octavia's `octavia::certificates`): Octavia's default paths, one
//! CA for both roles. With `OctaviaGenerateCerts: true`, `certs_gen.yml` makes
//! the CA (`ca_01.pem`, its key `private/cakey.pem` encrypted with the heat
//! parameter `OctaviaCaKeyPassphrase`) and an X.509 v1 client certificate
//! with openssl's text dump before it, followed by its key (`client.pem`);
//! `octavia_controller_config` writes the three into
//! `/var/lib/config-data/puppet-generated/octavia/etc/octavia/certs` on
//! each controller (from the tasks' output: no final newline), which the
//! containers mount at `/etc/octavia/certs`. Otherwise the operator gives
//! them as `OctaviaCaCert`, `OctaviaCaKey` and `OctaviaClientCert`, which
//! puppet writes (`octavia::certificates::ca_certificate_data`...).
//!
//! puppet-octavia writes octavia.conf: `ca_certificate`, `ca_private_key`,
//! `ca_private_key_passphrase`, `client_cert` from its parameters, always
//! `server_ca = ca_certificate`, and `client_ca` from
//! `octavia::certificates::client_ca`, else `ca_certificate`: TripleO's
//! templates have no client CA parameter, so an operator's own dual CAs need
//! that hiera key (`ExtraConfig`) with `client_ca_data`.
//!
//! Read only: the set belongs to the overcloud's heat stack, whose next
//! `openstack overcloud deploy` writes what its parameters say (and, with
//! `OctaviaGenerateCerts`, keeps what the controllers hold only while every
//! one holds the same), so a changed set is put in use by giving it as
//! `OctaviaCaCert`, `OctaviaCaKey` and `OctaviaClientCert` in an environment
//! file and deploying again, not by files written in place.

use super::{Housekeeping, DeployedFiles, Deployer, Form, Layout, PassphraseFrom, PutInUse};
use crate::bundle::BundleOrder;

/// Octavia's own defaults (`[certificates] ca_certificate`...), which
/// TripleO's heat parameters keep and devstack's plugin used before Train.
pub(super) const FILES: DeployedFiles = DeployedFiles([
    "ca_01.pem",
    "private/cakey.pem",
    "ca_01.pem",
    "client.pem",
    "ca_01.pem",
]);

/// The puppet-octavia parameter that separates the client CA from
/// `ca_certificate` (which it writes as `client_ca` when it is unset).
pub(crate) const CLIENT_CA_PARAMETER: &str = "octavia::certificates::client_ca";

pub(super) const DEPLOYER: Deployer = Deployer {
    id: "tripleo",
    title: "TripleO (puppet-octavia)",
    layout: Layout::Tripleo,
    files: FILES,
    recognised: true,
    marker: None,
    form: Form::Directory,
    bundle_order: BundleOrder::CertificateFirst,
    ca_key_encrypted: true,
    single_ca: true,
    deployed_dir: super::CONTROLLER_DIR,
    writes: None,
    passphrase: PassphraseFrom::TripleoHeat,
    put_in_use: PutInUse::OvercloudDeploy,
    housekeeping: Housekeeping::TripleoContainer,
    secrets: None,
};
