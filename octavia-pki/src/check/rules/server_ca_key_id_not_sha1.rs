//! `server-ca-key-id-not-sha1`: the server CA's subject key identifier is not the SHA-1 of its key, and Octavia 16.1.0 and 17.0.1 name the issuer by that SHA-1.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::Severity;
use crate::key_id;
use crate::release::{self, RELEASES};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::SERVER_CA_KEY_ID_NOT_SHA1,
    applies: Applies::Set(key_id_not_sha1),
};

/// The certificate Octavia issues amphora certificates with must carry the
/// key identifier the targeted releases derive ([`crate::release`]).
fn key_id_not_sha1(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    let issuer = set.server_certs?.first()?;
    // Without one, every release names it by the SHA-1 of its key, or not at all.
    let ski = issuer.subject_key_id()?;
    let breaking: Vec<_> = RELEASES
        .iter()
        .filter(|r| {
            r.amphora_key_ids
                .authority_key_id(issuer)
                .is_some_and(|aki| aki != ski)
        })
        .collect();
    if breaking.is_empty() {
        return None;
    }
    // An error when a targeted release breaks, else a warning naming the others.
    let targeted: Vec<_> = breaking
        .iter()
        .copied()
        .filter(|r| cx.targeted.contains(r))
        .collect();
    let (severity, on) = if targeted.is_empty() {
        (Severity::Warning, breaking)
    } else {
        (Severity::Error, targeted)
    };
    let message = format!(
        "\"{}\" has the key identifier {}; Octavia {} names the issuer of every amphora certificate {}, so the controllers refuse those amphorae",
        issuer.subject(),
        key_id::display(&ski),
        release::names(&on),
        key_id::display(&key_id::method1(issuer.public_key_raw()))
    );
    Some(Hit::new(Role::CaCertificate, message).with_severity(severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::release::OctaviaVersions;

    #[test]
    fn is_an_error_only_where_a_targeted_release_breaks() {
        assert_fires(
            &RULE,
            "server-ca-key-id-sha256",
            SERVER_CA,
            "Octavia 16.1.0 (2025.1), 17.0.1 (2025.2) names",
        );
        assert_quiet(&RULE, "good-rsa");
        let set = load("server-ca-key-id-sha256");
        let severity = |versions: &str| {
            let targeted = versions.parse::<OctaviaVersions>().unwrap().releases();
            let mut cx = context(&set.sources);
            cx.targeted = &targeted;
            key_id_not_sha1(&set.view(), &cx).unwrap().severity
        };
        assert_eq!(severity("17.0.1"), Some(Severity::Error));
        assert_eq!(severity("18.0.0,19.0.0"), Some(Severity::Warning));
    }
}
