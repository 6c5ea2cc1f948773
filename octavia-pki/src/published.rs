//! Secrets anyone can read: the passphrases deployers' scripts, READMEs and
//! Octavia's own defaults publish. A set protected by one of them is
//! protected by nothing.

/// Passphrases published for Octavia's CA keys, with where: the loader
/// tries them on an encrypted CA key when no passphrase is given (if one
/// opens it, the key is checked, and that is reported), and reports a
/// configured passphrase that is one of them.
pub(crate) const CA_PASSPHRASES: &[(&str, &str)] = &[
    (
        "not-secure-passphrase",
        "Octavia's gate scripts (bin/create_dual_intermediate_CA.sh), which devstack and openstack-helm deploy, and puppet-openstack-integration's CI set",
    ),
    (
        "foobar",
        "the Juju charm's README recipe, Octavia's devstack pregenerated CA key and bin/create_certificates.sh (devstack before Train)",
    ),
    (
        "upstreamci",
        "TripleO's CI environments (tripleo-heat-templates' ci/environments/scenario010-*.yaml, OctaviaCaKeyPassphrase)",
    ),
    (
        SERVER_CERTS_KEY_PASSPHRASE_DEFAULT,
        "Octavia's default [certificates] server_certs_key_passphrase",
    ),
];

/// Octavia's default `[certificates] server_certs_key_passphrase`
/// (`octavia/certificates/common/local.py`), which devstack also sets.
pub(crate) const SERVER_CERTS_KEY_PASSPHRASE_DEFAULT: &str = "insecure-key-do-not-use-this-key";

/// Where `passphrase` is published, if it is.
pub(crate) fn ca_passphrase_source(passphrase: &str) -> Option<&'static str> {
    CA_PASSPHRASES
        .iter()
        .find(|(known, _)| *known == passphrase)
        .map(|(_, source)| *source)
}
