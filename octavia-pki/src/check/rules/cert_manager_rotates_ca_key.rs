//! `cert-manager-rotates-ca-key`: cert-manager will re-issue a deployed CA with a new key.

use time::OffsetDateTime;

use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::cert::Certificate;
use crate::codes::Severity;
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::CERT_MANAGER_ROTATES_CA_KEY,
    applies: Applies::Set(rotates),
};

/// When cert-manager renews `cert`: `renew_before` before its end, else two
/// thirds into its life.
fn renewal(cert: &Certificate, renew_before: Option<time::Duration>) -> OffsetDateTime {
    match renew_before {
        Some(before) => cert.not_after() - before,
        None => cert.not_before() + (cert.not_after() - cert.not_before()) * 2 / 3,
    }
}

/// The soonest CA cert-manager will re-key, of those deployed.
fn rotates(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    let deployed = [
        (Role::CaCertificate, set.server_certs),
        (Role::ClientCa, set.client_ca_certs),
    ];
    let mut soonest: Option<(OffsetDateTime, Hit)> = None;
    for spec in cx.cert_manager {
        let explicit = match spec.rotates_key() {
            Some(false) => continue,
            Some(true) => true,
            None => false,
        };
        let matched = deployed.iter().find_map(|(role, certs)| {
            let cert = (*certs)?.iter().find(|c| {
                spec.common_name
                    .as_deref()
                    .is_some_and(|cn| c.common_name().as_deref() == Some(cn))
            })?;
            Some((*role, cert))
        });
        let policy = if explicit {
            "has privateKey.rotationPolicy: Always"
        } else {
            "sets no privateKey.rotationPolicy (Always from cert-manager 1.18)"
        };
        let (at, hit) = match matched {
            Some((role, cert)) => {
                let at = renewal(cert, spec.renew_before);
                let hit = Hit::new(
                    role,
                    format!(
                        "Certificate {} {policy}: on {} it re-issues \"{}\" with a new key, and every amphora created before is stranded",
                        spec.name,
                        at.date(),
                        cert.subject()
                    ),
                );
                (at, hit)
            }
            None => (
                OffsetDateTime::now_utc(),
                Hit::new(
                    Role::CaCertificate,
                    format!(
                        "Certificate {} {policy}: at its next renewal it re-issues its CA with a new key (it names no deployed CA by commonName)",
                        spec.name
                    ),
                ),
            ),
        };
        let hit = if explicit {
            hit.with_severity(Severity::Error)
        } else {
            hit
        };
        if soonest.as_ref().is_none_or(|(t, _)| at < *t) {
            soonest = Some((at, hit));
        }
    }
    soonest.map(|(_, hit)| hit)
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::cert_manager::CaCertificateSpec;

    #[test]
    fn names_the_ca_and_the_day_cert_manager_rekeys_it() {
        let loaded = load("good-rsa");
        let server = &loaded.server_certs.as_ref().unwrap()[0];
        let spec = |policy: Option<&str>| CaCertificateSpec {
            name: "openstack/octavia-server-ca".into(),
            common_name: server.common_name(),
            rotation_policy: policy.map(str::to_owned),
            renew_before: Some(time::Duration::days(30)),
        };
        let judge = |specs: &[CaCertificateSpec]| {
            let mut cx = context(&loaded.sources);
            cx.cert_manager = specs;
            rotates(&loaded.view(), &cx)
        };
        let always = judge(&[spec(Some("Always"))]).unwrap();
        assert_eq!(always.file, Role::CaCertificate);
        assert_eq!(always.severity, Some(Severity::Error));
        let day = (server.not_after() - time::Duration::days(30)).date().to_string();
        assert!(always.message.contains(&day), "{}", always.message);
        let unset = judge(&[spec(None)]).unwrap();
        assert_eq!(unset.severity, None);
        assert!(judge(&[spec(Some("Never"))]).is_none());
        assert!(judge(&[]).is_none());
    }
}
