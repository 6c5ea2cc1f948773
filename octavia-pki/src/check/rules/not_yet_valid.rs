//! `not-yet-valid`: a certificate is not valid yet.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;

super::rule_code! {
    id = "not-yet-valid",
    severity = Error,
    strict = false,
    title = "A certificate is not valid yet.",
    symptom = Some("certificate is not yet valid"),
    fix = "Check the clocks of the host that made it and of the controllers; re-issue it if its notBefore is wrong.",
    explanation = "A certificate whose notBefore lies in the future fails verification until then.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
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
