//! `not-yet-valid`: a certificate is not valid yet.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::NOT_YET_VALID,
    applies: Applies::Certificate(not_yet_valid),
};

fn not_yet_valid(cert: &Certificate, cx: &Context<'_>) -> Option<String> {
    (cert.not_before() > cx.now && cert.not_after() >= cx.now)
        .then(|| format!("\"{}\" is valid from {}", cert.subject(), cert.not_before()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_a_certificate_valid_from_tomorrow() {
        assert_fires(&RULE, "client-not-yet-valid", BUNDLE, "is valid from");
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "client-expired");
    }
}
