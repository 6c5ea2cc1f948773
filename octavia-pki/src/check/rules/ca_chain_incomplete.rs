//! `ca-chain-incomplete`: the CA file's certificates do not chain to a self-signed root in the same file.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::x509;

super::rule_code! {
    id = "ca-chain-incomplete",
    severity = Error,
    strict = false,
    title = "The CA file's certificates do not chain to a self-signed root in the same file.",
    symptom = Some("unable to get issuer certificate / unable to get local issuer certificate"),
    fix = "Append the missing intermediates and the root to the CA file, issuing certificate first.",
    explanation = "OpenSSL trusts a chain only when it ends at a self-signed root it was given; an intermediate alone is not enough.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
    applies: Applies::CaFile(incomplete),
};

fn incomplete(certs: &[Certificate]) -> Option<String> {
    let stuck = x509::complete_in_file(&certs[0], certs).err()?;
    Some(format!(
        "the issuer of \"{}\", \"{}\", is not in the file",
        stuck.subject(),
        stuck.issuer()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_an_intermediate_without_its_root() {
        assert_fires(
            &RULE,
            "client-ca-intermediate-only",
            CLIENT_CA,
            "is not in the file",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-intermediates");
    }
}
