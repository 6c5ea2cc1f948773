//! `ca-not-ca`: a CA certificate says CA:FALSE (or is no CA by any of OpenSSL's rules).

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::x509;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_NOT_CA,
    applies: Applies::CaCertificate(not_a_ca),
};

fn not_a_ca(cert: &Certificate) -> Option<String> {
    let subject = cert.subject();
    match cert.parsed().basic_constraints() {
        Ok(Some(bc)) if bc.value.ca => None,
        Ok(Some(_)) => Some(format!("\"{subject}\" says CA:FALSE")),
        _ if x509::is_ca_without_basic_constraints(cert) => None,
        _ => Some(format!("\"{subject}\" has no basicConstraints CA:TRUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_ca_false_but_not_on_a_v1_style_root() {
        assert_fires(&RULE, "client-ca-not-ca", CLIENT_CA, "says CA:FALSE");
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "client-ca-without-basic-constraints");
    }
}
