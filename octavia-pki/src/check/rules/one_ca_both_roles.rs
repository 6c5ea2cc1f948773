//! `one-ca-both-roles`: the CA that issues amphora certificates is also the client CA the amphorae trust.

use super::{Applies, Context, Hit, Role, Rule, Set};

super::rule_code! {
    id = "one-ca-both-roles",
    severity = Warning,
    strict = false,
    title = "The CA that issues amphora certificates is also the client CA the amphorae trust, under two names.",
    symptom = None,
    fix = "Give the amphorae a client CA of its own: `octavia-pki rotate client-ca --staged` (no failover), then finish it once every amphora was replaced.",
    explanation = "LocalCertGenerator gives every amphora certificate clientAuth. When the issuing CA is also the client CA, each amphora's own certificate and key, which sit on a VM that handles tenant traffic, are accepted by every other amphora as a controller's: one compromised amphora commands them all. Octavia's single-CA gate script (\"Single CA mode is insecure, do not use this!\") deploys so, and the charm's README once wired the controller CA in as the issuing CA. Kolla's legacy layout has one CA by design and is not reported here.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
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
