//! `rsa-key-too-small`: an RSA key is smaller than 2048 bits.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::x509;
use x509_parser::public_key::PublicKey;

super::rule_code! {
    id = "rsa-key-too-small",
    severity = Error,
    strict = false,
    title = "An RSA key is smaller than 2048 bits.",
    symptom = Some("OpenSSL 3: ee key too small / ca key too small"),
    fix = "Generate new keys of at least 2048 bits: `octavia-pki generate` (RSA-4096 by default).",
    explanation = "OpenSSL 3's default security level refuses RSA keys below 2048 bits in TLS and in certificate chains.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
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
