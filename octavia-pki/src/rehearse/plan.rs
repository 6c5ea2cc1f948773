//! Which handshakes run: each targeted release's amphora certificate (one
//! per distinct profile), in each TLS version it negotiates, and each older
//! generation of running amphorae the history names; their failures merged
//! by what fails, with the releases each fails on.

use super::amphora;
use super::files::Loaded;
use super::handshake::{Sides, controller_verifies, handshake};
use super::report::{
    Cause, Failure, GenerationVerdict, Rehearsal, RehearseOptions, Side, Stop, step, stop,
};
use crate::cert::Certificate;
use crate::history::HistoryEntry;
use crate::key_id;
use crate::release::{self, OctaviaRelease, RELEASES};
use crate::x509::VerifyError;

/// A failure, and the releases it happens on.
pub(super) type Failed = (Failure, Vec<&'static OctaviaRelease>);

/// The releases that issue one and the same amphora certificate.
struct Profile {
    /// Its authority key identifier (`None`: no key identifiers at all).
    aki: Option<Vec<u8>>,
    /// Whether their controllers verify it strictly (`--strict` and the
    /// release's urllib3: [`OctaviaRelease::controller_strict`]).
    controller_strict: bool,
    /// The releases, oldest first.
    on: Vec<&'static OctaviaRelease>,
}

impl Profile {
    /// Those of its releases whose controller negotiates `version`.
    fn negotiating(
        &self,
        version: &rustls::SupportedProtocolVersion,
    ) -> Vec<&'static OctaviaRelease> {
        self.on
            .iter()
            .copied()
            .filter(|r| version.version == rustls::ProtocolVersion::TLSv1_2 || r.controller_tls13)
            .collect()
    }
}

/// The TLS versions a controller may negotiate with the agent.
const VERSIONS: [&rustls::SupportedProtocolVersion; 2] =
    [&rustls::version::TLS12, &rustls::version::TLS13];

/// How one profile fared in one TLS version.
struct Outcome {
    result: Result<(), Stop>,
    /// Only the controller's verification of the amphora certificate ran:
    /// everything else is the reference handshake's (see [`handshakes`]).
    verified_only: bool,
}

/// For each targeted release: the controller issues the amphora certificate
/// as that release does, and the two sides shake hands in each TLS version
/// that release negotiates. Returns the failures, each with the releases it
/// happens on.
///
/// Releases that would issue the same certificate share one (a
/// [`Profile`]). Per TLS version one handshake runs in full, with the newest
/// profile negotiating it. The other profiles' certificates differ from its
/// only in their key identifiers, and the controller judges the amphora's
/// certificate before the amphora judges the controller's, so where that
/// handshake succeeded, or failed on the amphora's side, the controller's
/// verification of another profile's certificate is all that can differ: it
/// alone runs. The certificates (a CA signature each) and the full
/// handshakes run in parallel.
pub(super) fn handshakes(
    loaded: &Loaded<'_>,
    releases: &[&'static OctaviaRelease],
    options: &RehearseOptions,
    r: &mut Rehearsal,
) -> Vec<Failed> {
    let issuer = loaded.issuer;
    let mut profiles: Vec<Profile> = Vec::new();
    for &release in releases {
        let aki = release.amphora_key_ids.authority_key_id(issuer);
        let controller_strict = options.strict && release.controller_strict;
        match profiles
            .iter_mut()
            .find(|p| p.aki == aki && p.controller_strict == controller_strict)
        {
            Some(p) => p.on.push(release),
            None => profiles.push(Profile {
                aki,
                controller_strict,
                on: vec![release],
            }),
        }
    }
    // Newest releases first: the transcript starts with what clouds move to.
    profiles.reverse();
    let amphora_key = amphora::amphora_key();
    let amphora_id = r.amphora_id.clone();
    let issue = |p: &Profile| {
        amphora::issue(
            issuer,
            loaded.ca_key,
            &amphora_key,
            &amphora_id,
            p.aki.as_deref(),
            loaded.now,
        )
    };
    let certs: Vec<Result<Certificate, String>> = in_parallel(&profiles, issue);
    let sides = |cert, profile: &Profile| Sides {
        amphora_cert: cert,
        amphora_key: &amphora_key,
        client_ca: loaded.client_ca,
        server_ca: loaded.server_ca,
        bundle_certs: loaded.bundle_certs,
        bundle_key: loaded.bundle_key,
        amphora_id: &amphora_id,
        now: loaded.now,
        amphora_strict: options.strict,
        controller_strict: profile.controller_strict,
    };
    let full = |(i, version): &(usize, &'static rustls::SupportedProtocolVersion)| {
        let cert = certs[*i]
            .as_ref()
            .expect("only issued certificates shake hands");
        handshake(
            &sides(cert, &profiles[*i]),
            version,
            &loaded.bundle_file,
            &loaded.server_ca_file,
        )
    };
    // The reference handshake of each version.
    let references: Vec<(usize, &'static rustls::SupportedProtocolVersion)> = VERSIONS
        .iter()
        .filter_map(|&v| {
            (0..profiles.len())
                .find(|&i| certs[i].is_ok() && !profiles[i].negotiating(v).is_empty())
                .map(|i| (i, v))
        })
        .collect();
    let mut reference_results = in_parallel(&references, full).into_iter();
    let mut outcomes: Vec<Vec<Option<Outcome>>> =
        profiles.iter().map(|_| vec![None, None]).collect();
    for &(i, v) in &references {
        let result = reference_results.next().expect("one result per reference");
        outcomes[i][version_index(v)] = Some(Outcome {
            result,
            verified_only: false,
        });
    }
    for (i, profile) in profiles.iter().enumerate() {
        let Ok(cert) = &certs[i] else { continue };
        for v in VERSIONS {
            if profile.negotiating(v).is_empty() || outcomes[i][version_index(v)].is_some() {
                continue;
            }
            let reference = references
                .iter()
                .find(|(_, rv)| rv.version == v.version)
                .and_then(|&(ri, _)| outcomes[ri][version_index(v)].as_ref());
            let outcome = match reference.map(|o| &o.result) {
                Some(Ok(())) => Outcome {
                    result: controller_verifies(&sides(cert, profile), &loaded.server_ca_file),
                    verified_only: true,
                },
                Some(Err(Stop(f))) if f.side == Side::Amphora => Outcome {
                    result: controller_verifies(&sides(cert, profile), &loaded.server_ca_file)
                        .and(Err(Stop(f.clone()))),
                    verified_only: true,
                },
                _ => Outcome {
                    result: full(&(i, v)),
                    verified_only: false,
                },
            };
            outcomes[i][version_index(v)] = Some(outcome);
        }
    }

    // The transcript and the failures, in profile order.
    let mut failures: Vec<Failed> = Vec::new();
    for ((profile, cert), outcomes) in profiles.iter().zip(&certs).zip(outcomes) {
        let label = format!("Octavia {}", release::names(&profile.on));
        let issued = format!("controller issues the amphora certificate ({label})");
        let cert = match cert {
            Ok(cert) => cert,
            Err(m) => {
                step(r, &issued, false, m.clone());
                let failure = *stop(
                    Side::Controller,
                    Cause::Issue,
                    Some(&loaded.ca_key_file),
                    Some(m.clone()),
                    None,
                )
                .0;
                record(&mut failures, failure, &profile.on);
                continue;
            }
        };
        step(
            r,
            &issued,
            true,
            format!(
                "CN={}, issuer \"{}\", {}",
                r.amphora_id,
                cert.issuer(),
                match &profile.aki {
                    Some(id) => format!("authority key id {}", key_id::display(id)),
                    None => "no key identifiers".into(),
                }
            ),
        );
        for (v, outcome) in VERSIONS.iter().zip(outcomes) {
            let Some(outcome) = outcome else { continue };
            let on = profile.negotiating(v);
            let name = if outcome.verified_only {
                format!(
                    "controller verifies this amphora certificate, {:?} (Octavia {}; the rest of \
                     the handshake as above)",
                    v.version,
                    release::names(&on)
                )
            } else {
                format!(
                    "mutual TLS handshake, {:?} (Octavia {})",
                    v.version,
                    release::names(&on)
                )
            };
            match outcome.result {
                Ok(()) if outcome.verified_only => step(r, &name, true, "accepted"),
                Ok(()) => step(r, &name, true, "both sides accept each other"),
                Err(Stop(failure)) => {
                    let mut failure = *failure;
                    if profile.aki.is_none()
                        && failure.side == Side::Controller
                        && failure.cause == Cause::Verification(VerifyError::StrictNoAki)
                    {
                        // Not the files' fault: the release's own certificates.
                        failure.file = None;
                        failure.release_defect = true;
                        failure.detail = Some(
                            "these releases issue amphora certificates without an authority key \
                             identifier, which their controllers refuse on Python 3.13 (urllib3 2.3 \
                             and later verify strictly); 18.0.1 and later write one"
                                .into(),
                        );
                    }
                    let logged = failure
                        .controller
                        .clone()
                        .or(failure.amphora.clone())
                        .unwrap_or_default();
                    step(r, &name, false, logged);
                    record(&mut failures, failure, &on);
                }
            }
        }
    }
    failures
}

/// Each older client CA copy the history says running amphorae hold: one
/// handshake with it as the amphora's trust store.
pub(super) fn generations(
    loaded: &Loaded<'_>,
    releases: &[&'static OctaviaRelease],
    options: &RehearseOptions,
    r: &mut Rehearsal,
) -> Vec<Failed> {
    let held: Vec<(&HistoryEntry, Certificate)> =
        crate::history::pending_deadlines(&options.history, loaded.now)
            .into_iter()
            .filter_map(|e| Some((e, e.old_certificate()?)))
            .collect();
    let Some(newest) = releases.last() else {
        return Vec::new();
    };
    if held.is_empty() {
        return Vec::new();
    }
    let issuer = loaded.issuer;
    let amphora_key = amphora::amphora_key();
    let Ok(cert) = amphora::issue(
        issuer,
        loaded.ca_key,
        &amphora_key,
        &r.amphora_id,
        newest.amphora_key_ids.authority_key_id(issuer).as_deref(),
        loaded.now,
    ) else {
        return Vec::new(); // the main rehearsal reports it
    };
    let mut failures = Vec::new();
    for (entry, client_ca) in held {
        let amphorae = format!("amphorae created before {} ({})", entry.at, entry.action);
        let sides = Sides {
            amphora_cert: &cert,
            amphora_key: &amphora_key,
            client_ca: std::slice::from_ref(&client_ca),
            server_ca: loaded.server_ca,
            bundle_certs: loaded.bundle_certs,
            bundle_key: loaded.bundle_key,
            amphora_id: &r.amphora_id,
            now: loaded.now,
            amphora_strict: options.strict,
            controller_strict: options.strict && newest.controller_strict,
        };
        let result = handshake(
            &sides,
            &rustls::version::TLS13,
            &loaded.bundle_file,
            &loaded.server_ca_file,
        );
        let name = format!(
            "{amphorae}, holding the client CA \"{}\": mutual TLS handshake",
            client_ca.subject()
        );
        r.generations.push(GenerationVerdict {
            amphorae: amphorae.clone(),
            client_ca: client_ca.subject().to_owned(),
            deadline: entry.amphorae_deadline.clone(),
            ok: result.is_ok(),
        });
        match result {
            Ok(()) => step(
                r,
                &name,
                true,
                format!(
                    "they accept the controllers (until {} at best)",
                    entry.amphorae_deadline.as_deref().unwrap_or("?")
                ),
            ),
            Err(Stop(failure)) => {
                let mut failure = *failure;
                failure.generation = Some(amphorae);
                if failure.side == Side::Amphora {
                    failure.detail = Some(format!(
                        "they hold \"{}\", which the bundle's certificates do not lead to: keep \
                         a certificate that does in the bundle (a staged rotation's \
                         cross-certificate) until they are failed over",
                        client_ca.subject()
                    ));
                }
                let logged = failure
                    .amphora
                    .clone()
                    .or(failure.controller.clone())
                    .unwrap_or_default();
                step(r, &name, false, logged);
                record(&mut failures, failure, releases);
            }
        }
    }
    failures
}

fn version_index(version: &rustls::SupportedProtocolVersion) -> usize {
    VERSIONS
        .iter()
        .position(|v| v.version == version.version)
        .expect("a version of VERSIONS")
}

/// `f` of each item, the first on this thread and the others on their own
/// (each is a signature or a handshake: milliseconds, worth a thread).
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let Some((first, rest)) = items.split_first() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = rest
            .iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        let mut results = vec![f(first)];
        results.extend(handles.into_iter().map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        results
    })
}

/// Adds `failure` on `releases`, merged with an equal failure seen on others.
fn record(failures: &mut Vec<Failed>, failure: Failure, releases: &[&'static OctaviaRelease]) {
    let same = |f: &Failure| {
        (f.side, &f.controller, &f.amphora, &f.file, &f.detail)
            == (
                failure.side,
                &failure.controller,
                &failure.amphora,
                &failure.file,
                &failure.detail,
            )
    };
    let on = match failures.iter_mut().find(|(f, _)| same(f)) {
        Some((_, on)) => on,
        None => {
            failures.push((failure, Vec::new()));
            &mut failures.last_mut().expect("just pushed").1
        }
    };
    for release in releases {
        if !on.contains(release) {
            on.push(release);
        }
    }
    on.sort_by_key(|r| RELEASES.iter().position(|k| k == *r));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(controller: &str) -> Failure {
        *stop(
            Side::Controller,
            Cause::Tls,
            Some("server_ca.cert.pem"),
            Some(controller.to_owned()),
            None,
        )
        .0
    }

    #[test]
    fn equal_failures_merge_with_their_releases_in_release_order() {
        let (old, new) = (&RELEASES[0], &RELEASES[RELEASES.len() - 1]);
        let mut failures = Vec::new();
        record(&mut failures, failure("refused"), &[new]);
        record(&mut failures, failure("refused"), &[old, new]);
        record(&mut failures, failure("another"), &[old]);
        assert_eq!(failures.len(), 2);
        assert_eq!(failures[0].1, vec![old, new]);
        assert_eq!(failures[1].1, vec![old]);
    }

    #[test]
    fn tls_1_3_is_negotiated_only_by_releases_whose_controller_offers_it() {
        let profile = Profile {
            aki: None,
            controller_strict: false,
            on: RELEASES.iter().collect(),
        };
        assert_eq!(
            profile.negotiating(&rustls::version::TLS12).len(),
            RELEASES.len()
        );
        assert!(
            profile
                .negotiating(&rustls::version::TLS13)
                .iter()
                .all(|r| r.controller_tls13)
        );
    }
}
