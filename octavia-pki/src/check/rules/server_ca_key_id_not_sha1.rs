//! `server-ca-key-id-not-sha1`: the server CA's subject key identifier is not the SHA-1 of its key, and Octavia 16.1.0 and 17.0.1 name the issuer by that SHA-1.

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::Severity;
use crate::key_id;
use crate::release::{self, RELEASES};

super::rule_code! {
    id = "server-ca-key-id-not-sha1",
    severity = Error,
    strict = false,
    title = "The server CA's subject key identifier is not the SHA-1 of its key, and Octavia 16.1.0 and 17.0.1 name the issuer by that SHA-1.",
    symptom = Some("controller (Octavia 16.1.0, 17.0.1): [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"),
    fix = "Run `octavia-pki renew server-ca --key-id sha1`: it keeps the key and subject, gives the CA certificate the SHA-1 identifier, and deploys [renewed, previous] so amphora certificates already issued keep verifying; then `kolla-ansible -i INVENTORY reconfigure -t octavia`.",
    explanation = "Octavia 16.1.0 (2025.1) and 17.0.1 (2025.2) write the amphora certificate's authority key identifier as the SHA-1 of the server CA's public key (AuthorityKeyIdentifier.from_issuer_public_key), whatever the CA certificate's own subject key identifier says. OpenSSL accepts a certificate as the issuer only when the two identifiers agree, so with a CA whose identifier was derived otherwise (a truncated SHA-256, as rcgen, earlier versions of this tool and some certificate managers write) the controllers refuse every amphora they create. Releases before (no key identifiers) and 18.0.1 and later (the CA's stored identifier) work. It is an error when a targeted release (--octavia-version) fails with it, else a warning: an upgrade or a downgrade to one of those releases would break.",
}

pub(crate) const RULE: Rule = Rule {
    code: CODE,
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
