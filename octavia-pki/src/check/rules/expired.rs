//! `expired`: a certificate has expired.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::EXPIRED,
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
