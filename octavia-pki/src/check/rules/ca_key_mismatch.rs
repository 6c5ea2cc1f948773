//! `ca-key-mismatch`: the server CA key is not the key of the server CA certificate.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_KEY_MISMATCH,
    applies: Applies::Set(key_mismatch),
};

fn key_mismatch(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    let (certs, key) = (set.server_certs?, set.server_key?);
    // The key of a later certificate: server-ca-chain-order.
    if certs.iter().any(|c| c.matches_key(key)) {
        return None;
    }
    Some(Hit::new(
        Role::CaPrivateKey,
        format!(
            "the key is not the key of \"{}\" ({})",
            certs[0].subject(),
            cx.files.name(Role::CaCertificate)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_when_no_certificate_of_the_file_has_the_key() {
        assert_fires(
            &RULE,
            "server-key-mismatch",
            SERVER_CA_KEY,
            "the key is not the key of",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "server-ca-root-first");
    }
}
