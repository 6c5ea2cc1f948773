//! `ca-expires-before-client`: the client CA expires before the client certificate it issued.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_EXPIRES_BEFORE_CLIENT,
    applies: Applies::Set(expires_first),
};

fn expires_first(set: &Set<'_>, _cx: &Context<'_>) -> Option<Hit> {
    let (ca, client) = (set.client_ca_certs?.first()?, set.client?.first()?);
    (ca.not_after() < client.not_after()).then(|| {
        Hit::new(
            Role::ClientCa,
            format!(
                "the client CA expires on {}, the client certificate on {}",
                ca.not_after().date(),
                client.not_after().date()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_when_the_client_ca_ends_first() {
        assert_fires(
            &RULE,
            "client-ca-expires-first",
            CLIENT_CA,
            "the client CA expires on",
        );
        assert_quiet(&RULE, "good-rsa");
    }
}
