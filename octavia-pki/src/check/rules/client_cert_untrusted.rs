//! `client-cert-untrusted`: the client certificate is not issued by the client CA the amphorae trust.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;
use crate::deployers::Layout;
use crate::x509;

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
    // The cause in the files first: client_ca naming the server CA's
    // file; then a client certificate signed by its own key (not a root
    // the bundle carries above it).
    let why = if let Some(shared) = client_ca_is_the_server_cas_file(cx) {
        let trusted: Vec<String> = anchors
            .iter()
            .map(|a| format!("\"{}\"", a.subject()))
            .collect();
        let file = if cx.files.named_by_options() {
            cx.files.path(Role::ClientCa).display().to_string()
        } else {
            cx.files.name(Role::ClientCa)
        };
        let mut why = format!(
            "client_ca is the server CA's own file ({file}, which {shared} names too): the amphorae \
             trust {} only, and \"{}\" was issued by \"{}\", another CA. Name the client CA's own \
             file as [controller_worker] client_ca",
            trusted.join(", "),
            stuck.subject(),
            stuck.issuer(),
        );
        if cx.files.layout == Layout::Tripleo {
            why.push_str(&format!(
                ": puppet-octavia writes client_ca = ca_certificate unless {} is set, and TripleO's \
                 templates never set it. Set it to a path of its own (/etc/octavia/certs/client_ca.pem) \
                 with octavia::certificates::client_ca_data, the client CA's certificate, in the \
                 overcloud's hieradata (ExtraConfig), and run `openstack overcloud deploy` again",
                crate::deployers::tripleo::CLIENT_CA_PARAMETER
            ));
        }
        why
    } else if std::ptr::eq(stuck, &certs[0]) && x509::issued(stuck, stuck) {
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

/// The option whose file `client_ca` names too (`ca_certificate`,
/// `server_ca`): what one CA for both roles is made of, and what
/// puppet-octavia writes when its `client_ca` parameter is unset.
fn client_ca_is_the_server_cas_file(cx: &Context<'_>) -> Option<&'static str> {
    let shared = cx.files.first_reader(Role::ClientCa);
    (shared != Role::ClientCa).then(|| shared.option().1)
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

    #[test]
    fn client_ca_that_is_the_server_cas_file_is_named_so_with_puppets_parameter_for_tripleo() {
        assert_fires(
            &RULE,
            "legacy-with-dual-ca-client",
            "client.pem",
            "client_ca is the server CA's own file (ca_01.pem, which ca_certificate names too)",
        );
        let legacy = hits(&RULE, &load("legacy-with-dual-ca-client"));
        assert!(!legacy[0].contains("octavia::certificates"), "{legacy:?}");
        // The same files as TripleO's: puppet-octavia's parameter to set.
        let mut tripleo = load("legacy-with-dual-ca-client");
        tripleo.sources.layout = Layout::Tripleo;
        let found = hits(&RULE, &tripleo);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("unless octavia::certificates::client_ca is set"),
            "{found:?}"
        );
    }
}
