//! `weak-signature`: a certificate is signed with SHA-1 or MD5.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::x509;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::WEAK_SIGNATURE,
    applies: Applies::Certificate(weak_signature),
};

fn weak_signature(cert: &Certificate, _: &Context<'_>) -> Option<String> {
    // A trust anchor's own signature is never checked.
    if x509::is_self_signed(cert) {
        return None;
    }
    let oid = cert.parsed().signature_algorithm.algorithm.to_id_string();
    x509::weak_signature(&oid).map(|name| format!("\"{}\" is signed with {name}", cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_sha1_signature() {
        assert_fires(
            &RULE,
            "client-signed-with-sha1",
            BUNDLE,
            "SHA-1 (sha1WithRSAEncryption)",
        );
        assert_quiet(&RULE, "good-rsa");
    }
}
