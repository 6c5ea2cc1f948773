//! `client-key-usage-no-digital-signature`: the client certificate's keyUsage does not include digitalSignature.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;

super::rule_code! {
    id = "client-key-usage-no-digital-signature",
    severity = Error,
    strict = false,
    title = "The client certificate's keyUsage does not include digitalSignature.",
    symptom = Some("amphora: unsuitable certificate purpose"),
    fix = "Re-issue the client certificate with keyUsage = critical, digitalSignature.",
    explanation = "A TLS client signs the handshake; OpenSSL refuses a client certificate whose keyUsage forbids that.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
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
