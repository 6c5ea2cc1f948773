//! `expiring-soon`: a certificate expires soon.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::EXPIRING_SOON,
    applies: Applies::Certificate(expiring_soon),
};

fn expiring_soon(cert: &Certificate, cx: &Context<'_>) -> Option<String> {
    // Expired and not yet valid are rules of their own.
    if cert.not_after() < cx.now || cert.not_before() > cx.now {
        return None;
    }
    let left = cert.not_after() - cx.now;
    (left < time::Duration::days(i64::from(cx.warn_days))).then(|| {
        format!(
            "\"{}\" expires {}, on {}",
            cert.subject(),
            crate::text::in_days(left),
            cert.not_after().date()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_within_the_warning_days_only() {
        assert_fires(&RULE, "client-expiring-soon", BUNDLE, "expires in 9 days");
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "client-expired");
    }
}
