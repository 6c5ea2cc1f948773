//! `rsa-key-too-small`: an RSA key is smaller than 2048 bits.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::x509;
use x509_parser::public_key::PublicKey;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::RSA_KEY_TOO_SMALL,
    applies: Applies::Certificate(rsa_key_too_small),
};

fn rsa_key_too_small(cert: &Certificate, _: &Context<'_>) -> Option<String> {
    match cert.parsed().public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) if rsa.key_size() < x509::MIN_RSA_BITS => Some(format!(
            "\"{}\" has an RSA-{} key",
            cert.subject(),
            rsa.key_size()
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_rsa_1024_only() {
        assert_fires(&RULE, "client-rsa-1024", BUNDLE, "RSA-1024");
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-ecdsa");
    }
}
