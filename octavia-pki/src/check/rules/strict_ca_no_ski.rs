//! `strict-ca-no-ski`: a CA certificate has no subjectKeyIdentifier.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use x509_parser::extensions::ParsedExtension;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::STRICT_CA_NO_SKI,
    applies: Applies::CaCertificate(no_ski),
};

fn no_ski(cert: &Certificate) -> Option<String> {
    // OpenSSL asks v3 certificates alone for key identifiers.
    if !cert.is_v3() {
        return None;
    }
    let has_ski = cert.parsed().extensions().iter().any(|e| {
        matches!(
            e.parsed_extension(),
            ParsedExtension::SubjectKeyIdentifier(_)
        )
    });
    (!has_ski).then(|| format!("\"{}\"", cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_ca_without_subject_key_identifier() {
        assert_fires(
            &RULE,
            "strict-lax-server-ca",
            SERVER_CA,
            "server-ca.example.org",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-kolla-recipe");
    }
}
