//! `server-ca-missing-issuer`: the server CA file the controllers trust does not hold the issuing CA.

use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::SERVER_CA_MISSING_ISSUER,
    applies: Applies::Set(missing_issuer),
};

/// Only where `server_ca` is a file of its own: where it is the
/// `ca_certificate` file (kolla), `ca-chain-incomplete` judges it.
fn missing_issuer(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    if cx.files.first_reader(Role::ServerCa) != Role::ServerCa {
        return None;
    }
    let (issuing, trusted) = (set.server_certs?.first()?, set.server_ca?);
    // What signs amphora certificates is the issuing CA's name and key: a
    // trusted certificate with both (the same one, or a renewal with the
    // same key) verifies them, as OpenSSL matches by name and signature.
    let holds = trusted.iter().any(|t| {
        t.subject() == issuing.subject() && t.public_key_raw() == issuing.public_key_raw()
    });
    (!holds).then(|| {
        Hit::new(
            Role::ServerCa,
            format!(
                "it does not hold \"{}\", the CA {} names, so controllers cannot verify the amphora certificates it issues",
                issuing.subject(),
                cx.files.name(Role::CaCertificate)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::sources::Sources;

    #[test]
    fn fires_when_server_ca_lacks_the_issuing_ca() {
        // good-intermediates: the server CA file holds the intermediate, then
        // its root. Named as two files, as Octavia's gate script deploys them.
        let loaded = load("good-intermediates");
        let chain = loaded.server_certs.clone().unwrap();
        let files = Sources::of_layout(&loaded.sources.dir, crate::deployers::Layout::Gate);
        let cx = context(&files);
        let judge = |issuing: &[_], trusted: &[_]| {
            let set = Set {
                server_certs: Some(issuing),
                server_ca: Some(trusted),
                ..loaded.view()
            };
            missing_issuer(&set, &cx).map(|h| h.message)
        };
        assert_eq!(judge(&chain[..1], &chain), None);
        let without = judge(&chain[..1], &chain[1..]).unwrap();
        assert!(without.contains("does not hold"), "{without}");
        // Kolla's one file is judged by ca-chain-incomplete instead.
        let kolla = context(&loaded.sources);
        let set = Set {
            server_ca: Some(&chain[1..]),
            ..loaded.view()
        };
        assert!(missing_issuer(&set, &kolla).is_none());
    }
}
