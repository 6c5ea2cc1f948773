//! `strict-no-aki`: a certificate that is not a self-signed root has no authorityKeyIdentifier.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::x509;
use x509_parser::extensions::ParsedExtension;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::STRICT_NO_AKI,
    applies: Applies::Certificate(no_aki),
};

fn no_aki(cert: &Certificate, _: &Context<'_>) -> Option<String> {
    // OpenSSL's X509_STRICT exempts self-signed roots, and asks v3
    // certificates alone for key identifiers.
    if x509::is_self_signed(cert) || !cert.is_v3() {
        return None;
    }
    let has_aki = cert.parsed().extensions().iter().any(|e| {
        matches!(
            e.parsed_extension(),
            ParsedExtension::AuthorityKeyIdentifier(_)
        )
    });
    (!has_aki).then(|| format!("\"{}\"", cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_client_certificate_without_aki_and_never_on_a_root() {
        assert_fires(
            &RULE,
            "strict-client-without-aki",
            BUNDLE,
            "client.example.org",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "strict-lax-server-ca");
    }
}
