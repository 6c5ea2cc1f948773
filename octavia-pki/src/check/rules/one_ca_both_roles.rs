//! `one-ca-both-roles`: the CA that issues amphora certificates is also the client CA the amphorae trust.

use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::ONE_CA_BOTH_ROLES,
    applies: Applies::Set(both_roles),
};

fn both_roles(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    // One file for both (kolla's legacy layout) is the design, not an accident.
    if cx.files.first_reader(Role::ClientCa) != Role::ClientCa {
        return None;
    }
    let issuing = set.server_certs?.first()?;
    let trusted = set
        .client_ca_certs?
        .iter()
        .find(|c| c.public_key_raw() == issuing.public_key_raw())?;
    Some(Hit::new(
        Role::ClientCa,
        format!(
            "\"{}\" is the CA of {} too: every amphora's own certificate is accepted by the others as a controller's",
            trusted.subject(),
            cx.files.name(Role::CaCertificate)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn fires_when_the_client_ca_file_holds_the_issuing_ca() {
        assert_quiet(&RULE, "good-rsa");
        // Kolla's legacy layout: one file, by design.
        assert_quiet(&RULE, "good-legacy");
        let loaded = load("good-rsa");
        let cx = context(&loaded.sources);
        let set = Set {
            client_ca_certs: loaded.server_certs.as_deref(),
            ..loaded.view()
        };
        let hit = both_roles(&set, &cx).unwrap();
        assert_eq!(hit.file, Role::ClientCa);
        assert!(hit.message.contains("accepted by the others"), "{}", hit.message);
    }
}
