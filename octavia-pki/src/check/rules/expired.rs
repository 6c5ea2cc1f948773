//! `expired`: a certificate has expired.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;

super::rule_code! {
    id = "expired",
    severity = Error,
    strict = false,
    title = "A certificate has expired.",
    symptom = Some("certificate has expired / sslv3 alert certificate expired"),
    fix = "Renew it (`octavia-pki generate` for a new set; renewal commands keep running amphorae working).",
    explanation = "An expired certificate fails verification on the other side of every controller-to-amphora connection.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
    applies: Applies::Certificate(expired),
};

fn expired(cert: &Certificate, cx: &Context<'_>) -> Option<String> {
    (cert.not_after() < cx.now).then(|| {
        format!(
            "\"{}\" expired on {}",
            cert.subject(),
            cert.not_after().date()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_an_expired_client_certificate() {
        assert_fires(&RULE, "client-expired", BUNDLE, "expired on");
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "client-not-yet-valid");
    }
}
