//! How each Octavia release issues amphora certificates and connects to
//! amphorae, where releases differ.
//!
//! Read in each release's sdist on PyPI (`pip download --no-deps --no-binary
//! :all: octavia==X`): `octavia/certificates/generator/local.py` (how
//! `LocalCertGenerator.sign_cert` writes the key identifiers) and
//! `octavia/amphorae/drivers/haproxy/rest_api_driver.py` (how
//! `CustomHostNameCheckingAdapter` sets the TLS version). Everything else the
//! rehearsal models (subject, SAN, key usages, EKU, validity, the agent's TLS
//! server) is the same from 16.0.0 to 19.0.0. The CI runs 16.1.0, 17.0.1,
//! 18.0.0 and 19.0.0 side by side to prove the three behaviours.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::cert::Certificate;
use crate::key_id;

/// How a release writes the amphora certificate's key identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AmphoraKeyIds {
    /// Neither a subject nor an authority key identifier (11.x to 16.0.1,
    /// 17.0.0, 18.0.0). Works with any CA, but Python 3.13's strict
    /// verification, which 18.0.0's controllers apply
    /// ([`OctaviaRelease::controller_strict`]), refuses a certificate without
    /// an authority key identifier.
    None,
    /// A subject key identifier, and as authority key identifier the SHA-1 of
    /// the CA's public key (`AuthorityKeyIdentifier.from_issuer_public_key`,
    /// 16.1.0 and 17.0.1): a CA whose own identifier is derived otherwise is
    /// then no issuer to OpenSSL (`unable to get local issuer certificate`).
    IssuerPublicKeySha1,
    /// A subject key identifier, and as authority key identifier the CA
    /// certificate's stored subject key identifier, or the SHA-1 of its key
    /// when it has none (18.0.1 and later).
    IssuerSubjectKeyId,
}

impl AmphoraKeyIds {
    /// The authority key identifier of an amphora certificate issued by `ca`,
    /// or `None` where the release writes no key identifiers at all (it then
    /// writes no subject key identifier either).
    pub fn authority_key_id(self, ca: &Certificate) -> Option<Vec<u8>> {
        match self {
            Self::None => None,
            Self::IssuerPublicKeySha1 => Some(key_id::method1(ca.public_key_raw())),
            Self::IssuerSubjectKeyId => Some(ca.key_id_for_issued()),
        }
    }
}

/// One Octavia release, as far as its certificates and TLS differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct OctaviaRelease {
    /// The version on PyPI (`17.0.1`).
    pub version: &'static str,
    /// The OpenStack series it belongs to (`2025.2`).
    pub series: &'static str,
    /// How it writes the amphora certificate's key identifiers.
    pub amphora_key_ids: AmphoraKeyIds,
    /// Whether the controller's client negotiates TLS 1.3. Up to 18.0.1 the
    /// REST driver passes `ssl_version=PROTOCOL_TLSv1_2`, which urllib3 2 turns
    /// into TLS 1.2 as both minimum and maximum; 19.0.0 passes
    /// `ssl_minimum_version`, so TLS 1.3 is negotiated.
    pub controller_tls13: bool,
    /// Whether the controller's client verifies amphorae strictly on Python
    /// 3.13 and later. The REST driver's session is built by urllib3's
    /// `create_urllib3_context`, which sets `VERIFY_X509_STRICT` and
    /// `VERIFY_X509_PARTIAL_CHAIN` on 3.13 from urllib3 2.3 on; the series'
    /// upper-constraints (openstack/requirements) pin urllib3 1.26.20 in
    /// 2025.1 and 2025.2 (no flags: a plain `SSLContext`), 2.6.3 in 2026.1,
    /// 2.7.0 after. The amphora agent's side always is (gunicorn 21 and later,
    /// in every series, builds it with `ssl.create_default_context`).
    pub controller_strict: bool,
}

impl OctaviaRelease {
    /// Whether `[certificates] server_certs_key_passphrase` is a list
    /// (`cfg.ListOpt` from 17.0.0) rather than one string (`cfg.StrOpt` in
    /// 16.x): `octavia/certificates/common/local.py` of each release.
    pub fn certs_key_passphrase_is_list(&self) -> bool {
        self.series != "2025.1"
    }
}

impl fmt::Display for OctaviaRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.version, self.series)
    }
}

const fn release(
    version: &'static str,
    series: &'static str,
    amphora_key_ids: AmphoraKeyIds,
    controller_tls13: bool,
) -> OctaviaRelease {
    OctaviaRelease {
        version,
        series,
        amphora_key_ids,
        controller_tls13,
        // urllib3 2.3 and later in the series' upper-constraints (see the field).
        controller_strict: !matches!(series.as_bytes(), b"2025.1" | b"2025.2"),
    }
}

/// Every release of the OpenStack series kolla-ansible still maintains
/// (2025.1 to 2026.2), oldest first: what `--octavia-version all` covers.
pub const RELEASES: &[OctaviaRelease] = &[
    release("16.0.0", "2025.1", AmphoraKeyIds::None, false),
    release("16.0.1", "2025.1", AmphoraKeyIds::None, false),
    release(
        "16.1.0",
        "2025.1",
        AmphoraKeyIds::IssuerPublicKeySha1,
        false,
    ),
    release("17.0.0", "2025.2", AmphoraKeyIds::None, false),
    release(
        "17.0.1",
        "2025.2",
        AmphoraKeyIds::IssuerPublicKeySha1,
        false,
    ),
    release("18.0.0", "2026.1", AmphoraKeyIds::None, false),
    release("18.0.1", "2026.1", AmphoraKeyIds::IssuerSubjectKeyId, false),
    release("19.0.0", "2026.2", AmphoraKeyIds::IssuerSubjectKeyId, true),
];

/// The releases a check or rehearsal targets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OctaviaVersions {
    /// Every release of [`RELEASES`].
    #[default]
    All,
    /// These releases (a subset of [`RELEASES`], in its order).
    Only(Vec<&'static OctaviaRelease>),
}

impl OctaviaVersions {
    /// The targeted releases, oldest first.
    pub fn releases(&self) -> Vec<&'static OctaviaRelease> {
        match self {
            Self::All => RELEASES.iter().collect(),
            Self::Only(releases) => releases.clone(),
        }
    }
}

/// Why `--octavia-version` was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown Octavia version \"{given}\": give all, a release ({known}), a major version such as 17, or a comma-separated list"
)]
pub struct UnknownVersion {
    given: String,
    known: String,
}

impl FromStr for OctaviaVersions {
    type Err = UnknownVersion;

    /// `all`; a release (`17.0.1`); a major version (`17`: every 17.x
    /// release) or a series (`2025.2`); or a comma-separated list of these.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim() == "all" {
            return Ok(Self::All);
        }
        let mut chosen = Vec::new();
        for part in s.split(',').map(str::trim) {
            let matching: Vec<_> = RELEASES
                .iter()
                .filter(|r| {
                    r.version == part
                        || r.series == part
                        || r.version.split('.').next() == Some(part)
                })
                .collect();
            if part.is_empty() || matching.is_empty() {
                return Err(UnknownVersion {
                    given: part.to_owned(),
                    known: RELEASES
                        .iter()
                        .map(|r| r.version)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            chosen.extend(matching);
        }
        // RELEASES order, each once.
        let releases = RELEASES.iter().filter(|r| chosen.contains(r)).collect();
        Ok(Self::Only(releases))
    }
}

/// `16.1.0 (2025.1), 17.0.1 (2025.2)`: releases as a report names them.
pub fn names(releases: &[&OctaviaRelease]) -> String {
    releases
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_dir};
    use crate::codes::Severity;
    use crate::codes::check as codes;
    use crate::generate::{Destination, GenerateOptions, Subject, generate, self_signed_ca};
    use crate::key::KeyType;
    use crate::model::CaPassphrases;
    use crate::rehearse::{RehearseOptions, rehearse_dir};
    use crate::secret::Passphrase;

    #[test]
    fn controllers_verify_strictly_from_the_series_that_pins_urllib3_2() {
        let strict: Vec<&str> = RELEASES
            .iter()
            .filter(|r| r.controller_strict)
            .map(|r| r.version)
            .collect();
        assert_eq!(strict, ["18.0.0", "18.0.1", "19.0.0"]);
    }

    /// A generated set whose server CA is re-issued, same key, with rcgen's
    /// default key identifier (a truncated SHA-256), as this crate wrote
    /// before; returns the deployed directory and its passphrase.
    fn set_with_a_sha256_key_id(tmp: &std::path::Path) -> (std::path::PathBuf, Passphrase) {
        let mut pki = generate(&GenerateOptions {
            key_type: KeyType::EcdsaP256,
            ..GenerateOptions::default()
        })
        .unwrap();
        let id = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            pki.server_ca.certificate().public_key_raw(),
        );
        let subject = Subject::kolla("server-ca.example.org");
        pki.server_ca = self_signed_ca(
            pki.server_ca.key,
            subject.to_dn(),
            3650,
            time::OffsetDateTime::now_utc(),
            Some(id.as_ref()[..20].to_vec()),
        )
        .unwrap();
        assert_eq!(
            pki.server_ca.certificate().has_method1_key_id(),
            Some(false)
        );
        let passphrases = CaPassphrases {
            server_ca: Passphrase::generate(),
            client_ca: Passphrase::generate(),
        };
        let dir = tmp.join("octavia");
        let work = tmp.join("work");
        let to = Destination::new(&dir, &work);
        pki.write(&to, &passphrases, false).unwrap();
        (dir, passphrases.server_ca)
    }

    #[test]
    fn a_server_ca_with_another_key_id_fails_exactly_on_the_releases_that_hash_its_key() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, passphrase) = set_with_a_sha256_key_id(tmp.path());
        let rehearsal = rehearse_dir(
            &dir,
            &RehearseOptions {
                passphrase: Some(passphrase.clone()),
                ..RehearseOptions::default()
            },
        )
        .unwrap();
        let failing: Vec<_> = rehearsal
            .releases
            .iter()
            .filter(|v| !v.ok)
            .map(|v| v.version)
            .collect();
        assert_eq!(failing, ["16.1.0", "17.0.1"]);
        assert_eq!(rehearsal.failures.len(), 1);
        let failure = &rehearsal.failures[0];
        assert_eq!(failure.releases, ["16.1.0", "17.0.1"]);
        assert!(
            failure
                .controller
                .as_deref()
                .unwrap()
                .ends_with("unable to get local issuer certificate"),
            "{failure:?}"
        );

        // check: an error when a targeted release fails, a warning otherwise.
        for (versions, severity) in [
            ("all", Severity::Error),
            ("17.0.1", Severity::Error),
            ("18,19", Severity::Warning),
        ] {
            let report = check_dir(
                &dir,
                &CheckOptions {
                    passphrase: Some(passphrase.clone()),
                    octavia: versions.parse().unwrap(),
                    ..CheckOptions::default()
                },
            )
            .unwrap();
            let found: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.code == codes::SERVER_CA_KEY_ID_NOT_SHA1)
                .collect();
            assert_eq!(found.len(), 1, "{versions}: {:?}", report.findings);
            assert_eq!(found[0].severity, severity, "{versions}");
            assert_eq!(
                report.has_errors(),
                severity == Severity::Error,
                "{versions}: {:?}",
                report.findings
            );
        }
    }

    fn versions(s: &str) -> Vec<&'static str> {
        s.parse::<OctaviaVersions>()
            .unwrap()
            .releases()
            .iter()
            .map(|r| r.version)
            .collect()
    }

    #[test]
    fn versions_parse_as_releases_majors_series_and_lists() {
        assert_eq!(versions("all").len(), RELEASES.len());
        assert_eq!(versions("17.0.1"), ["17.0.1"]);
        assert_eq!(versions("17"), ["17.0.0", "17.0.1"]);
        assert_eq!(versions("2026.1"), ["18.0.0", "18.0.1"]);
        assert_eq!(
            versions("19.0.0,16.1.0,16"),
            ["16.0.0", "16.0.1", "16.1.0", "19.0.0"]
        );
        let err = "15.0.0".parse::<OctaviaVersions>().unwrap_err().to_string();
        assert!(
            err.contains("\"15.0.0\"") && err.contains("16.1.0"),
            "{err}"
        );
        assert!("17,".parse::<OctaviaVersions>().is_err());
    }

    #[test]
    fn the_releases_are_ordered_and_unique() {
        let mut sorted = RELEASES.to_vec();
        sorted.sort_by_key(|r| {
            r.version
                .split('.')
                .map(|n| n.parse::<u32>().unwrap())
                .collect::<Vec<_>>()
        });
        sorted.dedup();
        assert_eq!(sorted, RELEASES);
    }
}
