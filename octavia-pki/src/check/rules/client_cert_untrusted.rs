//! `client-cert-untrusted`: the client certificate is not issued by the client CA the amphorae trust.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::x509;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CLIENT_CERT_UNTRUSTED,
    applies: Applies::Set(untrusted),
};

/// The amphora's view: does the client certificate chain to the client CA?
fn untrusted(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    let (certs, anchors) = (set.client?, set.client_ca_certs?);
    let stuck = x509::chain_to(&certs[0], &certs[1..], anchors).err()?;
    let by_server_ca = set.server_certs.is_some_and(|s| {
        s.iter().any(|ca| x509::issued(stuck, ca))
    });
    let why = if x509::issued(stuck, stuck) {
        // RHOSO's operator signed its client certificate with the client's
        // own key before March 2024 (octavia-operator e77c27c, OSPRH-5943).
        let whose = if cx.files.deployer().layout == crate::deployers::Layout::Rhoso {
            ": RHOSO's operator made its client certificates so before OSPRH-5943 (March 2024), \
             and never regenerates an existing Secret"
        } else {
            ""
        };
        format!(
            "\"{}\" is self-signed (issued and signed by its own key), not issued by the client CA \
             \"{}\"{whose}",
            stuck.subject(),
            anchors.first().map_or("", |a| a.subject())
        )
    } else if by_server_ca {
        format!(
            "\"{}\" was issued by the server CA, not the client CA",
            stuck.subject()
        )
    } else if anchors.iter().any(|a| a.subject() == stuck.issuer()) {
        format!(
            "\"{}\" names \"{}\" as issuer, but that CA's key did not sign it: it comes from another PKI with the same names",
            stuck.subject(),
            stuck.issuer()
        )
    } else {
        format!(
            "the issuer of \"{}\", \"{}\", is not in {}: the certificate is from another PKI, or an intermediate is missing from the bundle",
            stuck.subject(),
            stuck.issuer(),
            cx.files.name(Role::ClientCa)
        )
    };
    Some(Hit::new(Role::ClientCert, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_why_the_amphora_cannot_chain_it() {
        assert_fires(
            &RULE,
            "client-signed-by-server-ca",
            BUNDLE,
            "issued by the server CA",
        );
        assert_fires(
            &RULE,
            "client-from-other-pki",
            BUNDLE,
            "another PKI with the same names",
        );
        assert_fires(
            &RULE,
            "client-missing-intermediate",
            BUNDLE,
            "an intermediate is missing",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-intermediates");
        assert_quiet(&RULE, "good-legacy");
    }
}
