//! `foreign-certificate-trusted`: a trust file holds a certificate that is not the set's.

use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::ca::CaRole;
use crate::cert::Certificate;
use crate::codes::Severity;
use crate::sources::Origin;
use crate::x509::{self, Exhausted};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::FOREIGN_CERTIFICATE_TRUSTED,
    applies: Applies::TrustFiles(foreign),
};

/// One trust file as one role reads it, and what belongs in it.
struct Side<'a> {
    /// `ServerCa` or `ClientCa`.
    role: Role,
    /// The file's certificates, in order.
    certs: &'a [Certificate],
    /// The set's CA on this side: what Octavia issues amphora certificates
    /// with, or what issued the client certificate.
    ca: &'a Certificate,
    /// The keys of the certificates that belong.
    keys: Vec<&'a [u8]>,
}

/// Each trust file once (a file two roles share, the legacy layout's
/// `ca_01.pem`, against both): a finding per certificate that belongs to
/// neither side.
fn foreign(set: &Set<'_>, cx: &Context<'_>) -> Vec<Hit> {
    let sides = [
        server_side(set, cx).map(|s| (Role::ServerCa, s)),
        client_side(set).map(|s| (Role::ClientCa, s)),
    ];
    let sides: Vec<(Role, Result<Side<'_>, Exhausted>)> = sides.into_iter().flatten().collect();
    let mut hits = Vec::new();
    let mut judged = Vec::new();
    for (role, _) in &sides {
        let file = cx.files.first_reader(*role);
        if judged.contains(&file) {
            continue;
        }
        judged.push(file);
        let shared: Vec<_> = sides
            .iter()
            .filter(|(r, _)| cx.files.first_reader(*r) == file)
            .collect();
        let options = shared
            .iter()
            .map(|(r, _)| option(*r))
            .collect::<Vec<_>>()
            .join(" and ");
        let shared: Result<Vec<&Side<'_>>, Exhausted> = shared
            .iter()
            .map(|(_, s)| s.as_ref().map_err(|e| *e))
            .collect();
        let Ok(shared) = shared else {
            hits.push(Hit::new(
                file,
                format!(
                    "which certificates of {options} belong cannot be told within the signature \
                     checks one path build may make (too many name the same issuer): a trust \
                     file holds the set's CA and its chain, a few certificates; remove the others \
                     from {}",
                    location(cx, file)
                ),
            ));
            continue;
        };
        let certs = shared[0].certs;
        for (i, cert) in certs.iter().enumerate() {
            let key = cert.public_key_raw();
            if shared.iter().any(|s| s.keys.contains(&key)) {
                continue;
            }
            hits.push(finding(cx, file, &options, &shared, (i, certs.len()), cert));
        }
    }
    hits
}

/// The message about `cert`, the `index`th (of how many) of `file`.
fn finding(
    cx: &Context<'_>,
    file: Role,
    options: &str,
    sides: &[&Side<'_>],
    (index, of): (usize, usize),
    cert: &Certificate,
) -> Hit {
    let not = sides
        .iter()
        .map(|s| {
            let whose = match s.role {
                Role::ServerCa => "the server CA",
                _ => "the client CA",
            };
            format!("{whose} \"{}\"", s.ca.subject())
        })
        .collect::<Vec<_>>()
        .join(", nor ");
    let staged = if sides.iter().any(|s| s.role == Role::ServerCa) {
        match (cx.history, cx.files.work_dir.as_deref()) {
            (Some(_), Some(work_dir)) => format!(
                ", nor a staged rotation's old CA: the work directory's history, {}, records \
                 no unfinished `rotate server-ca --staged` from its key to the current CA",
                crate::history::history_file(work_dir).display()
            ),
            _ => ", nor a staged rotation's old CA as far as the file alone tells (without \
                  --work-dir, no history of staged rotations is read: such a CA follows the \
                  current one, which bears its name with the next generation suffix, G2, G3...)"
                .to_owned(),
        }
    } else {
        String::new()
    };
    let expired = cert.not_after() <= cx.now;
    let grants = if expired {
        "It has expired, so OpenSSL accepts nothing it signs any more; still, it does not belong."
            .to_owned()
    } else {
        let what: Vec<&str> = sides
            .iter()
            .map(|s| match s.role {
                Role::ServerCa => {
                    "issue certificates the controllers accept from any amphora: pose as one, and \
                     receive what the controllers send it (listeners' certificates and keys \
                     included)"
                }
                _ => {
                    "issue client certificates that the amphorae booted with this file accept as \
                     the controllers': command their agents (reconfigure or stop load balancers, \
                     replace their certificates)"
                }
            })
            .collect();
        format!("Whoever holds its key can {}.", what.join("; and "))
    };
    let amphorae = if sides.iter().any(|s| s.role == Role::ClientCa) && !expired {
        "; amphorae booted while it was deployed keep their copy until they are failed over"
    } else {
        ""
    };
    let hit = Hit::new(
        file,
        format!(
            "{options} trusts \"{}\" (certificate {} of {of}, issued by \"{}\", valid until {}), \
             which is not the set's: neither {not}, nor a certificate of its key, nor in its \
             chain{staged}. {grants} Remove it from {} and deploy the file again{amphorae}.",
            cert.subject(),
            index + 1,
            cert.issuer(),
            cert.not_after_rfc3339(),
            location(cx, file)
        ),
    );
    if expired {
        hit.with_severity(Severity::Warning)
    } else {
        hit
    }
}

/// `[haproxy_amphora] server_ca`.
fn option(role: Role) -> String {
    let (section, key) = role.option();
    format!("[{section}] {key}")
}

/// Where the operator edits `role`'s file: its path, or, for a document a
/// deployer unpacks, its key in that document.
fn location(cx: &Context<'_>, role: Role) -> String {
    match cx.files.origin {
        Origin::Packed { .. } => cx.files.name(role),
        _ => cx.files.path(role).display().to_string(),
    }
}

/// `server_ca`: what Octavia issues with (the certificate of
/// `ca_certificate` whose key is the CA key; its first where the key is not
/// at hand or is another's, which other rules report), its chain, a staged
/// rotation's old CA and its chain.
fn server_side<'a>(set: &Set<'a>, cx: &Context<'_>) -> Option<Result<Side<'a>, Exhausted>> {
    let certs = set.server_ca?;
    let issuing = set
        .server_certs
        .and_then(|issuing| {
            set.server_key
                .and_then(|key| issuing.iter().find(|c| c.matches_key(key)))
                .or(issuing.first())
        })
        .or(certs.first())?;
    let side = || {
        let mut keys = chain_keys(issuing, certs, &[])?;
        for old in certs {
            if !keys.contains(&old.public_key_raw()) && staged_old_ca(old, issuing, certs, cx) {
                keys.extend(chain_keys(old, certs, &[])?);
            }
        }
        Ok(Side {
            role: Role::ServerCa,
            certs,
            ca: issuing,
            keys: with_issued(certs, keys),
        })
    };
    Some(side())
}

/// `client_ca`: the certificates on the paths from the client certificate
/// (through the bundle's chain where the file lacks an issuer); where none
/// is (`client-cert-untrusted` says why), the file's first and its chain.
fn client_side<'a>(set: &Set<'a>) -> Option<Result<Side<'a>, Exhausted>> {
    let certs = set.client_ca_certs?;
    let side = || {
        let anchors = match set.client {
            Some([client, chain @ ..]) => x509::trusted_paths(client, certs, chain)?,
            _ => Vec::new(),
        };
        let (ca, keys) = match anchors.first() {
            Some(ca) => (*ca, anchors.iter().map(|c| c.public_key_raw()).collect()),
            None => {
                let Some(first) = certs.first() else {
                    return Ok(None);
                };
                (first, chain_keys(first, certs, &[])?)
            }
        };
        Ok(Some(Side {
            role: Role::ClientCa,
            certs,
            ca,
            keys: with_issued(certs, keys),
        }))
    };
    side().transpose()
}

/// The keys of `ca` and of the certificates of `certs` above it.
fn chain_keys<'a>(
    ca: &'a Certificate,
    certs: &'a [Certificate],
    untrusted: &'a [Certificate],
) -> Result<Vec<&'a [u8]>, Exhausted> {
    let above = x509::trusted_paths(ca, certs, untrusted)?;
    Ok(std::iter::once(ca)
        .chain(above)
        .map(Certificate::public_key_raw)
        .collect())
}

/// `keys` with those of the certificates of `certs` that a certificate of
/// theirs issued (the set's own PKI: what only its CA keys can add).
fn with_issued<'a>(certs: &'a [Certificate], mut keys: Vec<&'a [u8]>) -> Vec<&'a [u8]> {
    loop {
        let added = certs.iter().find(|c| {
            !keys.contains(&c.public_key_raw())
                && certs
                    .iter()
                    .any(|p| keys.contains(&p.public_key_raw()) && x509::issued(c, p))
        });
        match added {
            Some(c) => keys.push(c.public_key_raw()),
            None => return keys,
        }
    }
}

/// Whether `old`, a CA of another key than `current`'s, is the old CA a
/// staged server CA rotation keeps: as the history records it when the work
/// directory was given, else by its place and name.
fn staged_old_ca(
    old: &Certificate,
    current: &Certificate,
    certs: &[Certificate],
    cx: &Context<'_>,
) -> bool {
    match cx.history {
        Some(history) => crate::history::unfinished(history, CaRole::ServerCa).is_some_and(|e| {
            e.old_key_sha256 == old.public_key_sha256()
                && e.new_key_sha256 == current.public_key_sha256()
        }),
        None => {
            let current_at = certs
                .iter()
                .position(|c| c.public_key_raw() == current.public_key_raw());
            let follows = current_at.is_some_and(|i| certs[i + 1..].iter().any(|c| c == old));
            follows && crate::generate::is_next_generation(old, current)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::history::{Action, HistoryEntry};

    #[test]
    fn fires_on_a_foreign_root_in_either_trust_file() {
        assert_fires(
            &RULE,
            "server-ca-foreign-root",
            SERVER_CA,
            "[haproxy_amphora] server_ca trusts \"O=Evil Corp, CN=Evil Corp Root\" (certificate 2 of 2",
        );
        assert_fires(
            &RULE,
            "server-ca-foreign-root",
            SERVER_CA,
            "pose as one",
        );
        assert_fires(
            &RULE,
            "client-ca-foreign-root",
            CLIENT_CA,
            "[controller_worker] client_ca trusts \"O=Evil Corp, CN=Evil Corp Root\"",
        );
        assert_fires(
            &RULE,
            "client-ca-foreign-root",
            CLIENT_CA,
            "failed over",
        );
        // A certificate of the client CA's key the root signed, in the
        // bundle, leads no path to the root: trusted first, it stops at the CA.
        assert_fires(
            &RULE,
            "client-ca-foreign-root-cross",
            CLIENT_CA,
            "client_ca trusts \"O=Evil Corp, CN=Evil Corp Root\" (certificate 2 of 2",
        );
        // The legacy layout's one file, against both roles.
        assert_fires(
            &RULE,
            "legacy-foreign-root",
            "ca_01.pem",
            "[haproxy_amphora] server_ca and [controller_worker] client_ca trusts",
        );
    }

    #[test]
    fn the_fix_names_the_file_to_edit() {
        let loaded = load("server-ca-foreign-root");
        let found = hits(&RULE, &loaded);
        let path = loaded.sources.path(Role::ServerCa).display().to_string();
        assert!(
            found[0].contains(&format!("Remove it from {path} and deploy")),
            "{found:?}"
        );
        assert!(found[0].contains("valid until 20"), "{found:?}");
    }

    #[test]
    fn quiet_on_what_belongs() {
        for case in [
            "good-rsa",
            "good-intermediates",
            "good-legacy",
            "good-kolla-recipe",
            "good-renewed-server-ca",
            "good-staged-server-ca",
            "server-ca-root-first",
            "client-from-other-pki",
            "client-ca-not-ca",
            "client-missing-intermediate",
            "devstack-pregenerated",
        ] {
            assert_quiet(&RULE, case);
        }
    }

    #[test]
    fn with_the_work_directory_only_the_history_vouches_for_a_staged_rotations_old_ca() {
        let mut loaded = load("good-staged-server-ca");
        loaded.sources = loaded
            .sources
            .clone()
            .with_work_dir(Some("/etc/kolla/octavia-certificates".into()));
        let certs = loaded.server_certs.clone().unwrap();
        let (new, old) = (&certs[0], &certs[1]);
        let judge = |history: &[HistoryEntry]| {
            let mut cx = context(&loaded.sources);
            cx.history = Some(history);
            foreign(&loaded.view(), &cx)
                .into_iter()
                .map(|h| h.message)
                .collect::<Vec<_>>()
        };
        let none = judge(&[]);
        assert!(
            none.len() == 1
                && none[0].contains(old.subject())
                && none[0].contains(
                    "/etc/kolla/octavia-certificates/octavia-pki-history.jsonl, records no \
                     unfinished"
                ),
            "{none:?}"
        );
        let at = time::OffsetDateTime::now_utc();
        let staged = HistoryEntry::new(Action::Staged(CaRole::ServerCa), old, new, None, at);
        assert!(judge(std::slice::from_ref(&staged)).is_empty());
        // Finished: the old CA has no business there any more.
        let finished = HistoryEntry::new(Action::Finish(CaRole::ServerCa), old, new, None, at);
        assert_eq!(judge(&[staged.clone(), finished]).len(), 1);
        // A staged rotation from another key vouches for nothing.
        let other = HistoryEntry::new(Action::Staged(CaRole::ServerCa), new, old, None, at);
        assert_eq!(judge(&[other]).len(), 1);
    }

    #[test]
    fn without_it_an_old_ca_is_taken_only_by_its_place_and_name() {
        let loaded = load("good-staged-server-ca");
        let certs = loaded.server_certs.clone().unwrap();
        let judge = |file: Vec<Certificate>| {
            let set = Set {
                server_ca: Some(&file),
                ..loaded.view()
            };
            foreign(&set, &context(&loaded.sources)).len()
        };
        assert_eq!(judge(certs.clone()), 0);
        // Before the current CA: not where a staged rotation puts it.
        assert_eq!(judge(vec![certs[1].clone(), certs[0].clone()]), 1);
        // After a CA whose name is not its next generation.
        let evil = load("server-ca-foreign-root").server_certs.unwrap()[1].clone();
        assert_eq!(judge(vec![certs[0].clone(), evil]), 1);
    }

    #[test]
    fn an_expired_foreign_certificate_is_a_warning() {
        let loaded = load("server-ca-foreign-root");
        let mut cx = context(&loaded.sources);
        let evil = &loaded.server_certs.as_ref().unwrap()[1];
        cx.now = evil.not_after() + time::Duration::days(1);
        let found = foreign(&loaded.view(), &cx);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Some(Severity::Warning));
        assert!(found[0].message.contains("has expired"), "{found:?}");
    }
}
