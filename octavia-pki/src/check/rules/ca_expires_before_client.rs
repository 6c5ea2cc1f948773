//! `ca-expires-before-client`: the client CA expires before the client certificate it issued.
//!
//! The CA compared is the one that issued the certificate (in the bundle's
//! chain or in `client_ca`), not whichever comes first in `client_ca`; and
//! only an end more than a day before the certificate's is reported: a CA
//! and its certificate made the same day by one script end seconds apart.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_EXPIRES_BEFORE_CLIENT,
    applies: Applies::Set(expires_first),
};

/// How much earlier than the client certificate its CA must end to be reported.
const MARGIN: time::Duration = time::Duration::days(1);

fn expires_first(set: &Set<'_>, _cx: &Context<'_>) -> Option<Hit> {
    let (client, chain) = set.client?.split_first()?;
    let ca = chain
        .iter()
        .chain(set.client_ca_certs?)
        .find(|c| crate::x509::issued(client, c))?;
    (ca.not_after() + MARGIN < client.not_after()).then(|| {
        Hit::new(
            Role::ClientCa,
            format!(
                "the client CA expires on {}, the client certificate on {}",
                ca.not_after().date(),
                client.not_after().date()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_when_the_client_ca_ends_first() {
        assert_fires(
            &RULE,
            "client-ca-expires-first",
            CLIENT_CA,
            "the client CA expires on",
        );
        assert_quiet(&RULE, "good-rsa");
    }

    /// Certificates made here: the case is this rule's own arithmetic.
    #[test]
    fn compares_with_the_issuing_ca_and_spares_a_same_day_end() {
        use crate::generate::{client_certificate, self_signed_ca};
        let now = time::OffsetDateTime::now_utc();
        let name = |cn: &str| {
            let mut n = rcgen::DistinguishedName::new();
            n.push(rcgen::DnType::CommonName, cn);
            n
        };
        let key = || crate::key::PrivateKey::generate(crate::key::KeyType::EcdsaP256).unwrap();
        let ca = |days| self_signed_ca(key(), name("client-ca"), days, now, None).unwrap();
        let fires = |ca_days: u32, client_days: u32, first_in_file: Option<u32>| {
            let issuer = ca(ca_days);
            let client = client_certificate(key(), &issuer, name("client"), client_days, now)
                .unwrap()
                .certificate;
            let mut trusted: Vec<_> = first_in_file.map(|d| ca(d).certificate().clone()).into_iter().collect();
            trusted.push(issuer.certificate().clone());
            let client = [client];
            let set = Set {
                server_certs: None,
                server_ca: None,
                server_key: None,
                client_ca_certs: Some(&trusted),
                client: Some(&client),
            };
            let files = crate::sources::Sources::of_layout(
                std::path::Path::new("/nonexistent"),
                crate::deployers::Layout::Kolla,
            );
            expires_first(&set, &context(&files)).is_some()
        };
        assert!(fires(10, 30, None));
        // Made the same day for the same number of days: seconds apart.
        assert!(!fires(30, 30, None));
        // Another CA, ending first, listed before the one that issued it.
        assert!(!fires(365, 30, Some(10)));
    }
}
