//! `server-ca-chain-order`: the server CA file does not start with the certificate of the server CA key (a root-first chain).

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::SERVER_CA_CHAIN_ORDER,
    applies: Applies::Set(chain_order),
};

fn chain_order(set: &Set<'_>, _cx: &Context<'_>) -> Option<Hit> {
    let (certs, key) = (set.server_certs?, set.server_key?);
    if certs[0].matches_key(key) {
        return None;
    }
    let i = certs.iter().position(|c| c.matches_key(key))?;
    Some(Hit::new(
        Role::CaCertificate,
        format!(
            "the key belongs to certificate {} (\"{}\"), but Octavia issues with the first, \"{}\"",
            i + 1,
            certs[i].subject(),
            certs[0].subject()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_when_the_keys_certificate_is_not_first() {
        assert_fires(
            &RULE,
            "server-ca-root-first",
            SERVER_CA,
            "belongs to certificate 2",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-intermediates");
        assert_quiet(&RULE, "server-key-mismatch");
    }
}
