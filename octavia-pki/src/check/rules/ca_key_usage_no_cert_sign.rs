//! `ca-key-usage-no-cert-sign`: a CA certificate has keyUsage without keyCertSign.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_KEY_USAGE_NO_CERT_SIGN,
    applies: Applies::CaCertificate(no_cert_sign),
};

fn no_cert_sign(cert: &Certificate) -> Option<String> {
    matches!(cert.parsed().key_usage(), Ok(Some(ku)) if !ku.value.key_cert_sign())
        .then(|| format!("\"{}\"", cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_key_usage_without_key_cert_sign() {
        assert_fires(
            &RULE,
            "client-ca-without-keycertsign",
            CLIENT_CA,
            "client-ca.example.org",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "strict-lax-server-ca");
    }
}
