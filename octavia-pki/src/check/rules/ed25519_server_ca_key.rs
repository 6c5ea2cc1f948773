//! `ed25519-server-ca-key`: the server CA key is Ed25519; Octavia signs amphora certificates with a digest.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::key::KeyAlgorithm;
use crate::oid;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::ED25519_SERVER_CA_KEY,
    applies: Applies::Set(ed25519),
};

fn ed25519(set: &Set<'_>, _cx: &Context<'_>) -> Option<Hit> {
    // The key when it could be unlocked, else its certificate.
    if let Some(key) = set.server_key {
        return (key.algorithm() == KeyAlgorithm::Ed25519)
            .then(|| Hit::new(Role::CaPrivateKey, "the server CA key is Ed25519"));
    }
    let first = set.server_certs?.first()?;
    (first
        .parsed()
        .public_key()
        .algorithm
        .algorithm
        .to_id_string()
        == oid::ED25519)
        .then(|| {
            Hit::new(
                Role::CaCertificate,
                "the server CA certificate has an Ed25519 key",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_an_ed25519_server_ca() {
        assert_fires(&RULE, "server-ca-ed25519", SERVER_CA_KEY, "Ed25519");
        let mut locked = load("server-ca-ed25519");
        locked.server_key = None;
        assert_eq!(
            hits(&RULE, &locked),
            [format!(
                "{SERVER_CA}: the server CA certificate has an Ed25519 key"
            )]
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-ecdsa");
    }
}
