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

use super::issuer::{is_self_signed, issued_by, key_ids_agree};
use super::path::{Budget, MAX_DEPTH, issuer_in};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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
            Self::StrictNoSki => "Subject Key Identifier missing",
            Self::StrictNoAki => "Missing Authority Key Identifier",
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
pub(crate) fn verify(
    leaf: &Certificate,
    presented: &[Certificate],
    anchors: &[Certificate],
    purpose: Purpose,
    host: Option<&str>,
    now: OffsetDateTime,
    strict: bool,
) -> Result<(), VerifyError> {
    let path = build_path(leaf, presented, anchors)?;
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
            if strict
                && !has_extension(cert, |e| {
                    matches!(e, ParsedExtension::AuthorityKeyIdentifier(_))
                })
            {
                return Err(VerifyError::StrictNoAki);
            }
        }
        if let Ok(PublicKey::RSA(rsa)) = cert.parsed().public_key().parsed()
            && rsa.key_size() < MIN_RSA_BITS
        {
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

/// Leaf, then each issuer, ending at a trusted self-signed root.
fn build_path<'a>(
    leaf: &'a Certificate,
    presented: &'a [Certificate],
    anchors: &'a [Certificate],
) -> Result<Vec<&'a Certificate>, VerifyError> {
    let mut budget = Budget::default();
    let mut path = vec![leaf];
    let mut current = leaf;
    for _ in 0..MAX_DEPTH {
        if let Some(anchor) = anchors.iter().find(|a| issued_by(current, a, &mut budget)) {
            if !std::ptr::eq(anchor, current) {
                path.push(anchor);
            }
            if is_self_signed(anchor) {
                return Ok(path);
            }
            current = anchor;
            continue;
        }
        if is_self_signed(current) {
            return Err(VerifyError::SelfSignedInChain);
        }
        if let Some(next) = issuer_in(current, presented, &mut budget) {
            path.push(next);
            current = next;
            continue;
        }
        // A candidate with the issuer's name whose key identifier matches
        // (OpenSSL's check_issued discards the others) did not sign it.
        let named = anchors
            .iter()
            .chain(presented)
            .any(|c| c.subject() == current.issuer() && key_ids_agree(current, c));
        return Err(if named {
            VerifyError::SignatureFailure
        } else if path.len() == 1 {
            VerifyError::UnableToGetLocalIssuer
        } else {
            VerifyError::UnableToGetIssuer
        });
    }
    Err(VerifyError::UnableToGetIssuer)
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
    if strict
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
