//! `ca-chain-incomplete`: the CA file's certificates do not chain to a self-signed root in the same file.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::x509;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_CHAIN_INCOMPLETE,
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
