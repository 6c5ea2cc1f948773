//! `strict-ca-basic-constraints-not-critical`: a CA certificate's basicConstraints is missing or not marked critical.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::x509;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL,
    applies: Applies::CaCertificate(not_critical),
};

fn not_critical(cert: &Certificate) -> Option<String> {
    let subject = cert.subject();
    match cert.parsed().basic_constraints() {
        Ok(Some(bc)) if bc.value.ca => (!bc.critical).then(|| format!("\"{subject}\"")),
        Ok(Some(_)) => None, // not a CA at all: ca-not-ca
        _ if x509::is_ca_without_basic_constraints(cert) => {
            Some(format!("\"{subject}\" has no basicConstraints"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_non_critical_or_absent_basic_constraints() {
        assert_fires(
            &RULE,
            "strict-lax-server-ca",
            SERVER_CA,
            "server-ca.example.org",
        );
        assert_fires(
            &RULE,
            "client-ca-without-basic-constraints",
            CLIENT_CA,
            "has no basicConstraints",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "client-ca-not-ca");
    }
}
