//! `strict-ca-no-key-usage`: a CA certificate has no keyUsage extension.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::STRICT_CA_NO_KEY_USAGE,
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
