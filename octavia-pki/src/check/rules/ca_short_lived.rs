//! `ca-short-lived`: a CA certificate is valid for less than a year in all.

use super::{Applies, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_SHORT_LIVED,
    applies: Applies::CaCertificate(short_lived),
};

/// A year, in days: CAs meant to be renewed more often than that are a recipe's shortcut.
const MIN_DAYS: i64 = 365;

fn short_lived(cert: &Certificate) -> Option<String> {
    let days = (cert.not_after() - cert.not_before()).whole_days();
    (days < MIN_DAYS).then(|| {
        format!(
            "\"{}\" is valid for {days} days in all (until {})",
            cert.subject(),
            cert.not_after().date()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn fires_on_a_ca_of_weeks_not_on_one_of_years() {
        // The committed CAs are valid for years.
        assert_quiet(&RULE, "good-rsa");
        let loaded = load("good-rsa");
        let ca = &loaded.server_certs.as_ref().unwrap()[0];
        assert!(short_lived(ca).is_none());
        let key = crate::key::PrivateKey::generate(crate::key::KeyType::EcdsaP256).unwrap();
        let month = crate::generate::self_signed_ca(
            key,
            rcgen::DistinguishedName::new(),
            30,
            time::OffsetDateTime::now_utc(),
            None,
        )
        .unwrap();
        let said = short_lived(month.certificate()).unwrap();
        assert!(said.contains("valid for 30 days"), "{said}");
    }
}
