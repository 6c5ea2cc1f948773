//! `publicly-known-key`: a certificate of the set holds a key anyone can download.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::PUBLICLY_KNOWN_KEY,
    applies: Applies::Certificate(published),
};

/// SHA-256 of the SubjectPublicKeyInfo (DER) of every published key, and
/// where it comes from (`scripts/published-keys.sh` prints them from the
/// sdists on PyPI and from `testdata/puppet-openstack-integration`).
const PUBLISHED: &[(&str, &str)] = &[
    (
        "a86495f8f4d58acdcdae4066bc0bd8f92762eddce8a8eb51e857ecebaaa62c75",
        "Octavia's devstack pregenerated CA (devstack/pregenerated/certs/ca_01.pem with private/cakey.pem, passphrase foobar, in 2.x; server_ca.cert.pem and client_ca.cert.pem since, up to 19.0.0)",
    ),
    (
        "6f30b5464248da43b5e32567df4c3e2ad0359525b4e8f94845dd68e313f27dc0",
        "Octavia's devstack pregenerated client certificate (devstack/pregenerated/certs/client.pem in 2.x; private/client.cert-and-key.pem since, up to 19.0.0)",
    ),
    (
        "f804f08bc09f7a5238938e05ec8a37af1be9990df034718ef925aac833a67c04",
        "puppet-openstack-integration's CI server CA (files/octavia-certs/server_ca.cert.pem with server_ca.key.pem, passphrase not-secure-passphrase)",
    ),
    (
        "2453b5ce382ac31dd681e6acd03308e9e88e1c819663ea40b069481f3d352127",
        "puppet-openstack-integration's CI client certificate (files/octavia-certs/client.cert-and-key.pem)",
    ),
];

fn published(cert: &Certificate, _: &Context<'_>) -> Option<String> {
    let fingerprint = cert.public_key_sha256();
    let (_, source) = PUBLISHED.iter().find(|(f, _)| *f == fingerprint)?;
    Some(format!("\"{}\" holds the key of {source}", cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_devstacks_pregenerated_set_only() {
        let hits = hits(&RULE, &load("devstack-pregenerated"));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!(
            hits.iter()
                .any(|h| h.starts_with("ca_01.pem: ") && h.contains("pregenerated CA"))
        );
        assert!(
            hits.iter()
                .any(|h| h.starts_with("client.pem: ") && h.contains("client certificate"))
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-kolla-recipe");
    }

    #[test]
    fn fires_on_puppet_openstack_integrations_committed_keys_not_on_its_client_ca() {
        let dir = crate::test_support::testdata("puppet-openstack-integration");
        let cx_files = crate::sources::Sources::in_dir(&dir, None).unwrap();
        let cx = context(&cx_files);
        let mut found = Vec::new();
        for name in [
            "server_ca.cert.pem",
            "client_ca.cert.pem",
            "client.cert-and-key.pem",
        ] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            for cert in Certificate::all_from_file_bytes(&bytes).unwrap() {
                if let Some(message) = published(&cert, &cx) {
                    found.push(format!("{name}: {message}"));
                }
            }
        }
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("server_ca.cert.pem: ") && found[0].contains("CI server CA"));
        assert!(
            found[1].starts_with("client.cert-and-key.pem: ")
                && found[1].contains("CI client certificate")
        );
    }
}
