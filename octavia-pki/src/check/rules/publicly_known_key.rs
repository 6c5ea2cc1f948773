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
/// sdists on PyPI).
const PUBLISHED: &[(&str, &str)] = &[
    (
        "a86495f8f4d58acdcdae4066bc0bd8f92762eddce8a8eb51e857ecebaaa62c75",
        "Octavia's devstack pregenerated CA (devstack/pregenerated/certs/ca_01.pem with private/cakey.pem, passphrase foobar, in 2.x; server_ca.cert.pem and client_ca.cert.pem since, up to 19.0.0)",
    ),
    (
        "6f30b5464248da43b5e32567df4c3e2ad0359525b4e8f94845dd68e313f27dc0",
        "Octavia's devstack pregenerated client certificate (devstack/pregenerated/certs/client.pem in 2.x; private/client.cert-and-key.pem since, up to 19.0.0)",
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
}
