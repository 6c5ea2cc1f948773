//! `strict-ca-no-key-usage`: a CA certificate has no keyUsage extension.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;

super::rule_code! {
    id = "strict-ca-no-key-usage",
    severity = Warning,
    strict = true,
    title = "A CA certificate has no keyUsage extension.",
    symptom = Some("Python 3.13+: CA cert does not include key usage extension"),
    fix = "Re-issue the CA with keyUsage = critical, keyCertSign, cRLSign.",
    explanation = "VERIFY_X509_STRICT (Python 3.13's default) requires keyUsage on CA certificates.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
    applies: Applies::CaCertificate(no_key_usage),
};

fn no_key_usage(cert: &Certificate) -> Option<String> {
    matches!(cert.parsed().key_usage(), Ok(None)).then(|| format!("\"{}\"", cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_ca_without_key_usage() {
        assert_fires(
            &RULE,
            "strict-lax-server-ca",
            SERVER_CA,
            "server-ca.example.org",
        );
        assert_quiet(&RULE, "good-rsa");
    }
}
