//! Certificate verification as OpenSSL 3 does it for Octavia (the
//! rehearsal's two sides, and the probe's controller side), where
//! rustls-webpki's defaults differ: a client certificate without EKU is
//! accepted, a CA without basicConstraints is accepted if its keyUsage allows
//! certificate signing, SHA-1/MD5 signatures and RSA keys below 2048 bits are
//! refused (security level 1), and the errors read as OpenSSL's.

use std::fmt;

use time::OffsetDateTime;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::public_key::PublicKey;

use crate::cert::Certificate;

use super::budget::{Budget, Exhausted, MAX_DEPTH};
use super::issuer::{is_self_signed, issued_by, key_ids_agree};
use super::path::issuer_in;
use super::{MIN_RSA_BITS, weak_signature};

/// What the certificate is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The amphora's certificate, verified by the controller.
    TlsServer,
    /// The controller's client certificate, verified by the amphora.
    TlsClient,
}

/// An OpenSSL verification error (`X509_V_ERR_*`): what the refusing side
/// logs ([`openssl`](Self::openssl)) and the alert the other side then logs
/// ([`alert`](Self::alert)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum VerifyError {
    /// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY`: no trusted certificate issued the leaf.
    UnableToGetLocalIssuer,
    /// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT`: the chain stops at an untrusted certificate.
    UnableToGetIssuer,
    /// `X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN`: an untrusted root.
    SelfSignedInChain,
    /// `X509_V_ERR_CERT_SIGNATURE_FAILURE`: the named issuer's key did not sign it.
    SignatureFailure,
    /// `X509_V_ERR_CERT_HAS_EXPIRED`.
    Expired,
    /// `X509_V_ERR_CERT_NOT_YET_VALID`.
    NotYetValid,
    /// `X509_V_ERR_INVALID_CA`: an issuer that is no CA by `X509_check_ca`.
    InvalidCa,
    /// `X509_V_ERR_INVALID_PURPOSE`: EKU or keyUsage forbids the use.
    InvalidPurpose,
    /// `X509_V_ERR_CA_MD_TOO_WEAK`: MD5 or SHA-1 signature.
    CaMdTooWeak,
    /// `X509_V_ERR_EE_KEY_TOO_SMALL`: RSA below 2048 bits.
    EeKeyTooSmall,
    /// `X509_V_ERR_CA_KEY_TOO_SMALL`.
    CaKeyTooSmall,
    /// `X509_V_ERR_HOSTNAME_MISMATCH`: not the amphora's id.
    HostnameMismatch,
    /// X509_STRICT: a CA's basicConstraints not critical.
    StrictBasicConstraintsNotCritical,
    /// X509_STRICT: a CA without keyUsage.
    StrictCaNoKeyUsage,
    /// X509_STRICT: a CA without subject key identifier.
    StrictNoSki,
    /// X509_STRICT: no authority key identifier.
    StrictNoAki,
    /// Not OpenSSL's: this verifier's path building ran out of its budget of
    /// signature checks (rustls-webpki's `MaximumSignatureChecksExceeded`),
    /// among thousands of look-alike certificates; no verdict was reached.
    PathBudgetExhausted,
}

impl VerifyError {
    /// What OpenSSL says (`X509_verify_cert_error_string`).
    pub fn openssl(self) -> &'static str {
        match self {
            Self::UnableToGetLocalIssuer => "unable to get local issuer certificate",
            Self::UnableToGetIssuer => "unable to get issuer certificate",
            Self::SelfSignedInChain => "self-signed certificate in certificate chain",
            Self::SignatureFailure => "certificate signature failure",
            Self::Expired => "certificate has expired",
            Self::NotYetValid => "certificate is not yet valid",
            Self::InvalidCa => "invalid CA certificate",
            Self::InvalidPurpose => "unsuitable certificate purpose",
            Self::CaMdTooWeak => "CA signature digest algorithm too weak",
            Self::EeKeyTooSmall => "EE certificate key too weak",
            Self::CaKeyTooSmall => "CA certificate key too weak",
            Self::HostnameMismatch => "Hostname mismatch",
            Self::StrictBasicConstraintsNotCritical => {
                "Basic Constraints of CA cert not marked critical"
            }
            Self::StrictCaNoKeyUsage => "CA cert does not include key usage extension",
            Self::StrictNoSki => "Missing Subject Key Identifier",
            Self::StrictNoAki => "Missing Authority Key Identifier",
            Self::PathBudgetExhausted => {
                "path building gave up after its budget of signature checks"
            }
        }
    }

    /// The alert the verifying side sends, as the other side logs it (`ssl_verify_alarm_type`).
    pub fn alert(self) -> &'static str {
        match self {
            Self::UnableToGetLocalIssuer
            | Self::UnableToGetIssuer
            | Self::SelfSignedInChain
            | Self::InvalidCa => "tlsv1 alert unknown ca",
            Self::Expired => "sslv3 alert certificate expired",
            Self::SignatureFailure => "tlsv1 alert decrypt error",
            Self::InvalidPurpose => "sslv3 alert unsupported certificate",
            // Not in ssl_verify_alarm_type's list: its default (observed with
            // Python 3.11's OpenSSL 3.0 refusing an amphora certificate without
            // an authority key identifier under VERIFY_X509_STRICT).
            Self::StrictBasicConstraintsNotCritical
            | Self::StrictCaNoKeyUsage
            | Self::StrictNoSki
            | Self::StrictNoAki => "sslv3 alert certificate unknown",
            _ => "sslv3 alert bad certificate",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.openssl())
    }
}

impl std::error::Error for VerifyError {}

/// Verifies `leaf` (with the `presented` chain) against the trusted `anchors`.
///
/// `strict`: as Python 3.13's `ssl.create_default_context` (and urllib3
/// 2.3's `create_urllib3_context` on it) sets up the context: both
/// `VERIFY_X509_STRICT` and `VERIFY_X509_PARTIAL_CHAIN`, so a trusted
/// certificate ends the path whether it is self-signed or not, and the rules
/// OpenSSL applies to X.509 v3 certificates only (key identifiers) spare v1.
pub(crate) fn verify(
    leaf: &Certificate,
    presented: &[Certificate],
    anchors: &[Certificate],
    purpose: Purpose,
    host: Option<&str>,
    now: OffsetDateTime,
    strict: bool,
) -> Result<(), VerifyError> {
    let path = build_path(leaf, presented, anchors, strict)?;
    for (depth, cert) in path.iter().enumerate() {
        if cert.not_before() > now {
            return Err(VerifyError::NotYetValid);
        }
        if cert.not_after() < now {
            return Err(VerifyError::Expired);
        }
        let trust_anchor = depth == path.len() - 1;
        if depth > 0 {
            issuer_rules(cert, strict)?;
        }
        if !(trust_anchor && is_self_signed(cert)) {
            let oid = cert.parsed().signature_algorithm.algorithm.to_id_string();
            if weak_signature(&oid).is_some() {
                return Err(VerifyError::CaMdTooWeak);
            }
        }
        // OpenSSL's X509_STRICT (check_extensions) wants the key identifier
        // of every v3 certificate but the last of the path: an
        // authorityKeyIdentifier naming the issuer by name and serial alone
        // is "Missing Authority Key Identifier" (OpenSSL 3.0.19,
        // testdata/certs/openssl-verify.txt); a v1 certificate has none to
        // give.
        if strict && !trust_anchor && cert.is_v3() && cert.authority_key_id().is_none() {
            return Err(VerifyError::StrictNoAki);
        }
        if rsa_too_small(cert) {
            return Err(if depth == 0 {
                VerifyError::EeKeyTooSmall
            } else {
                VerifyError::CaKeyTooSmall
            });
        }
    }
    purpose_rules(leaf, purpose)?;
    if let Some(host) = host
        && !names_host(leaf, host)
    {
        return Err(VerifyError::HostnameMismatch);
    }
    Ok(())
}

/// Leaf, then each issuer, ending at a trusted self-signed root, or with
/// `partial_chain` (`X509_V_FLAG_PARTIAL_CHAIN`) at the first trusted
/// certificate, the leaf itself if it is trusted.
fn build_path<'a>(
    leaf: &'a Certificate,
    presented: &'a [Certificate],
    anchors: &'a [Certificate],
    partial_chain: bool,
) -> Result<Vec<&'a Certificate>, VerifyError> {
    let exhausted = |_: Exhausted| VerifyError::PathBudgetExhausted;
    let mut budget = Budget::default();
    let mut path = vec![leaf];
    if partial_chain && anchors.iter().any(|a| a.der() == leaf.der()) {
        return Ok(path);
    }
    let mut current = leaf;
    for _ in 0..MAX_DEPTH {
        let mut anchor = None;
        for candidate in anchors {
            if issued_by(current, candidate, &mut budget).map_err(exhausted)? {
                anchor = Some(candidate);
                break;
            }
        }
        if let Some(anchor) = anchor {
            if !std::ptr::eq(anchor, current) {
                path.push(anchor);
            }
            if partial_chain || is_self_signed(anchor) {
                return Ok(path);
            }
            current = anchor;
            continue;
        }
        if is_self_signed(current) {
            return Err(VerifyError::SelfSignedInChain);
        }
        if let Some(next) = issuer_in(current, presented, &mut budget).map_err(exhausted)? {
            path.push(next);
            current = next;
            continue;
        }
        // A candidate with the issuer's name whose key identifier matches
        // (OpenSSL's check_issued discards the others) did not sign it. But
        // OpenSSL judges a CA's key size (check_chain) before any signature
        // (internal_verify): with too small a key, that is what it says,
        // whatever the signature (which aws-lc cannot check under 2048 bits).
        let named = anchors
            .iter()
            .chain(presented)
            .find(|c| c.subject() == current.issuer() && key_ids_agree(current, c));
        return Err(if named.is_some_and(rsa_too_small) {
            VerifyError::CaKeyTooSmall
        } else if named.is_some() {
            VerifyError::SignatureFailure
        } else if path.len() == 1 {
            VerifyError::UnableToGetLocalIssuer
        } else {
            VerifyError::UnableToGetIssuer
        });
    }
    Err(VerifyError::UnableToGetIssuer)
}

/// Whether the certificate's key is RSA below [`MIN_RSA_BITS`] (security level 2).
fn rsa_too_small(cert: &Certificate) -> bool {
    matches!(cert.parsed().public_key().parsed(), Ok(PublicKey::RSA(rsa)) if rsa.key_size() < MIN_RSA_BITS)
}

fn has_extension(cert: &Certificate, pred: impl Fn(&ParsedExtension<'_>) -> bool) -> bool {
    cert.parsed()
        .extensions()
        .iter()
        .any(|e| pred(e.parsed_extension()))
}

/// An issuer must be a CA by OpenSSL's `X509_check_ca` and may sign certificates.
fn issuer_rules(cert: &Certificate, strict: bool) -> Result<(), VerifyError> {
    let parsed = cert.parsed();
    let ku = parsed.key_usage().ok().flatten();
    let cert_sign = ku.as_ref().is_some_and(|k| k.value.key_cert_sign());
    match parsed.basic_constraints().ok().flatten() {
        Some(bc) if bc.value.ca => {
            if strict && !bc.critical {
                return Err(VerifyError::StrictBasicConstraintsNotCritical);
            }
        }
        Some(_) => return Err(VerifyError::InvalidCa),
        None if cert_sign || is_self_signed(cert) => {
            if strict {
                return Err(VerifyError::StrictBasicConstraintsNotCritical);
            }
        }
        None => return Err(VerifyError::InvalidCa),
    }
    match ku {
        // X509_check_ca: keyUsage without keyCertSign is no CA at all.
        Some(k) if !k.value.key_cert_sign() => return Err(VerifyError::InvalidCa),
        None if strict => return Err(VerifyError::StrictCaNoKeyUsage),
        _ => {}
    }
    // As the authority key identifier: X.509 v3 certificates only.
    if strict
        && cert.is_v3()
        && !has_extension(cert, |e| {
            matches!(e, ParsedExtension::SubjectKeyIdentifier(_))
        })
    {
        return Err(VerifyError::StrictNoSki);
    }
    Ok(())
}

/// OpenSSL's `check_purpose_ssl_client` / `_server`: EKU, if present, must name
/// the purpose; keyUsage, if present, must allow signing.
fn purpose_rules(leaf: &Certificate, purpose: Purpose) -> Result<(), VerifyError> {
    let parsed = leaf.parsed();
    if let Ok(Some(eku)) = parsed.extended_key_usage() {
        let allowed = eku.value.any
            || match purpose {
                Purpose::TlsClient => eku.value.client_auth,
                Purpose::TlsServer => eku.value.server_auth,
            };
        if !allowed {
            return Err(VerifyError::InvalidPurpose);
        }
    }
    if let Ok(Some(ku)) = parsed.key_usage() {
        let signs = ku.value.digital_signature()
            || (purpose == Purpose::TlsServer && ku.value.key_encipherment());
        if !signs {
            return Err(VerifyError::InvalidPurpose);
        }
    }
    Ok(())
}

/// Whether a DNS subjectAltName is exactly `host` (as Octavia's adapter checks the amphora id).
fn names_host(leaf: &Certificate, host: &str) -> bool {
    match leaf.parsed().subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .any(|n| matches!(n, GeneralName::DNSName(name) if name.eq_ignore_ascii_case(host))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    //! One test per [`VerifyError`], each on files OpenSSL or Python's
    //! cryptography wrote (`testdata/`), or on certificates made here where
    //! the case is this verifier's own (the budget).

    use super::*;
    use crate::test_support::{check_fixture, testdata};
    use VerifyError as E;

    /// The moment the check fixtures were recorded at.
    fn checked_at() -> OffsetDateTime {
        let at = std::fs::read_to_string(testdata("check/CHECKED_AT")).unwrap();
        OffsetDateTime::parse(at.trim(), &time::format_description::well_known::Rfc3339).unwrap()
    }

    fn certs(rel: &str) -> Vec<Certificate> {
        Certificate::all_from_file_bytes(&std::fs::read(testdata(rel)).unwrap()).unwrap()
    }

    /// The amphora's verdict on a check fixture's client bundle.
    fn client_side(case: &str, strict: bool) -> Result<(), VerifyError> {
        let (_, load) = check_fixture(case);
        let bundle = load.client_cert.ok().unwrap();
        let anchors = load.client_ca.ok().unwrap();
        let (leaf, chain) = bundle.certificates.split_first().unwrap();
        verify(
            leaf,
            chain,
            anchors,
            Purpose::TlsClient,
            None,
            checked_at(),
            strict,
        )
    }

    /// The controller's verdict on an amphora certificate issued with a
    /// check fixture's server CA, for amphora `host`.
    fn server_side(case: &str, host: &str) -> Result<(), VerifyError> {
        let (_, load) = check_fixture(case);
        let ca = crate::model::CertificateAuthority {
            certificates: load.ca_certificate.ok().unwrap().clone(),
            key: load.ca_private_key.ok().unwrap().clone(),
        };
        let id = "8f0b6b5e-6c0e-4f59-a2b8-0c3ad1c0b7f1";
        let newest = crate::release::RELEASES.last().unwrap();
        let amphora =
            crate::rehearse::issue_amphora_certificate(&ca, newest, id, checked_at()).unwrap();
        verify(
            &amphora,
            &[],
            &ca.certificates,
            Purpose::TlsServer,
            Some(host),
            checked_at(),
            false,
        )
    }

    /// A leaf of `testdata/certs` against its CA, and what OpenSSL's verify
    /// said of the pair (`testdata/certs/openssl-verify.txt`).
    fn openssl_pair(name: &str, ca: &str, strict: bool) -> (Result<(), VerifyError>, String) {
        let leaf = &certs(&format!("certs/{name}-leaf.pem"))[0];
        let ca = certs(&format!("certs/{ca}.pem"));
        let said = std::fs::read_to_string(testdata("certs/openssl-verify.txt")).unwrap();
        let line = said
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}-leaf: ")))
            .unwrap()
            .split_once(": ")
            .unwrap()
            .1
            .to_owned();
        let now = leaf.not_before() + time::Duration::days(1);
        (
            verify(leaf, &[], &ca, Purpose::TlsClient, None, now, strict),
            line,
        )
    }

    #[test]
    fn a_good_set_verifies_both_ways() {
        assert_eq!(client_side("good-rsa", true), Ok(()));
        assert_eq!(
            server_side("good-rsa", "8f0b6b5e-6c0e-4f59-a2b8-0c3ad1c0b7f1"),
            Ok(())
        );
    }

    #[test]
    fn unable_to_get_local_issuer() {
        assert_eq!(
            client_side("client-from-other-pki", false),
            Err(E::UnableToGetLocalIssuer)
        );
    }

    #[test]
    fn unable_to_get_issuer() {
        assert_eq!(
            client_side("client-ca-intermediate-only", false),
            Err(E::UnableToGetIssuer)
        );
    }

    #[test]
    fn self_signed_in_chain() {
        // The bundle's certificate with its own CA presented, judged against
        // another CA: the chain ends at a root the verifier does not trust.
        let (_, load) = check_fixture("good-rsa");
        let leaf = &load.client_cert.ok().unwrap().certificates[0];
        let own_ca = load.client_ca.ok().unwrap();
        let other = load.ca_certificate.ok().unwrap();
        let verdict = verify(
            leaf,
            own_ca,
            other,
            Purpose::TlsClient,
            None,
            checked_at(),
            false,
        );
        assert_eq!(verdict, Err(E::SelfSignedInChain));
    }

    #[test]
    fn signature_failure() {
        let host = "8f0b6b5e-6c0e-4f59-a2b8-0c3ad1c0b7f1";
        assert_eq!(
            server_side("server-key-mismatch", host),
            Err(E::SignatureFailure)
        );
    }

    #[test]
    fn expired_and_not_yet_valid() {
        assert_eq!(client_side("client-expired", false), Err(E::Expired));
        assert_eq!(
            client_side("client-not-yet-valid", false),
            Err(E::NotYetValid)
        );
    }

    #[test]
    fn invalid_ca() {
        assert_eq!(client_side("client-ca-not-ca", false), Err(E::InvalidCa));
        assert_eq!(
            client_side("client-ca-without-keycertsign", false),
            Err(E::InvalidCa)
        );
    }

    #[test]
    fn invalid_purpose() {
        assert_eq!(
            client_side("client-eku-server-auth-only", false),
            Err(E::InvalidPurpose)
        );
        assert_eq!(
            client_side("client-ku-without-digital-signature", false),
            Err(E::InvalidPurpose)
        );
    }

    #[test]
    fn ca_md_too_weak() {
        assert_eq!(
            client_side("client-signed-with-sha1", false),
            Err(E::CaMdTooWeak)
        );
    }

    #[test]
    fn ee_key_too_small() {
        assert_eq!(client_side("client-rsa-1024", false), Err(E::EeKeyTooSmall));
    }

    #[test]
    fn ca_key_too_small_as_openssl_says_it() {
        let (verdict, openssl) = openssl_pair("rsa1024", "rsa1024-ca", false);
        assert_eq!(verdict, Err(E::CaKeyTooSmall));
        assert_eq!(E::CaKeyTooSmall.openssl(), openssl);
    }

    #[test]
    fn hostname_mismatch() {
        assert_eq!(
            server_side("good-rsa", "00000000-0000-4000-8000-000000000000"),
            Err(E::HostnameMismatch)
        );
    }

    #[test]
    fn strict_basic_constraints_not_critical() {
        assert_eq!(
            client_side("client-ca-without-basic-constraints", true),
            Err(E::StrictBasicConstraintsNotCritical)
        );
        assert_eq!(
            client_side("client-ca-without-basic-constraints", false),
            Ok(())
        );
    }

    #[test]
    fn strict_ca_no_key_usage_as_openssl_says_it() {
        let (verdict, openssl) = openssl_pair("ca-no-key-usage", "ca-no-key-usage", true);
        assert_eq!(verdict, Err(E::StrictCaNoKeyUsage));
        assert_eq!(E::StrictCaNoKeyUsage.openssl(), openssl);
        assert_eq!(
            openssl_pair("ca-no-key-usage", "ca-no-key-usage", false).0,
            Ok(())
        );
    }

    #[test]
    fn strict_no_ski_as_openssl_says_it() {
        let (verdict, openssl) = openssl_pair("ca-no-ski", "ca-no-ski", true);
        assert_eq!(verdict, Err(E::StrictNoSki));
        assert_eq!(E::StrictNoSki.openssl(), openssl);
    }

    #[test]
    fn strict_no_aki_as_openssl_says_it() {
        assert_eq!(
            client_side("strict-client-without-aki", true),
            Err(E::StrictNoAki)
        );
        // An authorityKeyIdentifier without the key identifier is missing too.
        let (verdict, openssl) = openssl_pair("aki-without-keyid", "aki-without-keyid", true);
        assert_eq!(verdict, Err(E::StrictNoAki));
        assert_eq!(E::StrictNoAki.openssl(), openssl);
    }

    #[test]
    fn strict_is_python_3_13s_partial_chain_too() {
        // An intermediate alone as client_ca: no root to end at, unless the
        // first trusted certificate ends the path (VERIFY_X509_PARTIAL_CHAIN,
        // set with VERIFY_X509_STRICT by Python 3.13's default context).
        assert_eq!(
            client_side("client-ca-intermediate-only", false),
            Err(E::UnableToGetIssuer)
        );
        assert_eq!(client_side("client-ca-intermediate-only", true), Ok(()));
    }

    #[test]
    fn strict_asks_v1_certificates_for_no_key_identifiers() {
        // An X.509 v1 client certificate (TripleO's): no extensions, no
        // authority key identifier, and OpenSSL's strict rules spare it.
        assert_eq!(client_side("client-v1-certificate", true), Ok(()));
    }

    #[test]
    fn path_budget_exhausted() {
        // More look-alike anchors than the budget has signature checks, none
        // of which made the leaf's signature.
        use crate::generate::self_signed_ca;
        let now = OffsetDateTime::now_utc();
        let name = |cn: &str| {
            let mut n = rcgen::DistinguishedName::new();
            n.push(rcgen::DnType::CommonName, cn);
            n
        };
        let key = || crate::key::PrivateKey::generate(crate::key::KeyType::EcdsaP256).unwrap();
        let real = self_signed_ca(key(), name("look-alike"), 1, now, None).unwrap();
        let leaf = crate::generate::client_certificate(key(), &real, name("leaf"), 1, now)
            .unwrap()
            .certificate;
        // Same name and key identifier as the real CA, other keys: each
        // passes OpenSSL's name and identifier test and needs a signature check.
        let real_id = real.certificate().subject_key_id().unwrap();
        let anchors: Vec<Certificate> = (0..=super::super::budget::MAX_SIGNATURE_CHECKS)
            .map(|_| {
                let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
                params.distinguished_name = name("look-alike");
                params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
                params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(real_id.clone());
                let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
                let cert = params.self_signed(&pair).unwrap();
                Certificate::from_der(cert.der().to_vec(), 1).unwrap()
            })
            .collect();
        let verdict = verify(&leaf, &[], &anchors, Purpose::TlsClient, None, now, false);
        assert_eq!(verdict, Err(E::PathBudgetExhausted));
    }
}
