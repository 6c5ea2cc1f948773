//! `client-eku-no-client-auth`: the client certificate's extendedKeyUsage does not include clientAuth.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CLIENT_EKU_NO_CLIENT_AUTH,
    applies: Applies::ClientCertificate(no_client_auth),
};

fn no_client_auth(client: &Certificate) -> Option<String> {
    matches!(
        client.parsed().extended_key_usage(),
        Ok(Some(eku)) if !eku.value.client_auth && !eku.value.any
    )
    .then(|| format!("\"{}\"", client.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_server_auth_only_but_not_without_eku() {
        assert_fires(
            &RULE,
            "client-eku-server-auth-only",
            BUNDLE,
            "client.example.org",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-client-without-eku");
    }
}
