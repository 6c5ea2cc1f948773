//! `client-key-usage-no-digital-signature`: the client certificate's keyUsage does not include digitalSignature.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CLIENT_KEY_USAGE_NO_DIGITAL_SIGNATURE,
    applies: Applies::ClientCertificate(no_digital_signature),
};

fn no_digital_signature(client: &Certificate) -> Option<String> {
    matches!(client.parsed().key_usage(), Ok(Some(ku)) if !ku.value.digital_signature())
        .then(|| format!("\"{}\"", client.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_key_usage_without_digital_signature() {
        assert_fires(
            &RULE,
            "client-ku-without-digital-signature",
            BUNDLE,
            "client.example.org",
        );
        assert_quiet(&RULE, "good-rsa");
    }
}
