//! X.509 certificates: reading PEM or DER, writing PEM.

use std::fmt;

use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::pem;

/// Why certificates could not be read from a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// No certificate block (OpenSSL says `no start line`).
    #[error("no certificate found{}", found_suffix(.found))]
    NotFound {
        /// Labels of the PEM blocks that were there instead.
        found: Vec<String>,
    },
    /// The PEM framing is broken.
    #[error(transparent)]
    Pem(#[from] pem::PemError),
    /// A block (or the DER file) is not a valid X.509 certificate.
    #[error("certificate {index} is not valid X.509: {detail}")]
    Malformed {
        /// 1-based position of the certificate in the file.
        index: usize,
        /// What the parser said.
        detail: String,
    },
}

fn found_suffix(found: &[String]) -> String {
    if found.is_empty() {
        " (no PEM block at all; OpenSSL would say \"no start line\")".to_owned()
    } else {
        format!(" (the file holds: {})", found.join(", "))
    }
}

/// An X.509 certificate: its DER, and the fields this crate reads often.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    issuer: String,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    is_ca: bool,
    public_key: Vec<u8>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// Parses one DER certificate. `index` (1-based) names it in errors.
    pub fn from_der(der: Vec<u8>, index: usize) -> Result<Self, CertError> {
        let malformed = |detail: String| CertError::Malformed { index, detail };
        let (rest, cert) = X509Certificate::from_der(&der).map_err(|e| malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(malformed(format!(
                "{} bytes after the certificate",
                rest.len()
            )));
        }
        let is_ca = cert
            .basic_constraints()
            .ok()
            .flatten()
            .is_some_and(|bc| bc.value.ca);
        let info = Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            is_ca,
            public_key: cert.public_key().subject_public_key.data.to_vec(),
            der: Vec::new(),
        };
        Ok(Self { der, ..info })
    }

    /// Reads every certificate of a file's bytes: all certificate blocks of a
    /// PEM file, in order, or one DER certificate if there is no PEM at all.
    pub fn all_from_file_bytes(bytes: &[u8]) -> Result<Vec<Self>, CertError> {
        if !pem::has_begin_line(bytes) {
            return Self::from_der(bytes.to_vec(), 1)
                .map(|c| vec![c])
                .map_err(|_| CertError::NotFound { found: Vec::new() });
        }
        let blocks = pem::parse_blocks(bytes)?;
        let certs: Vec<_> = blocks
            .iter()
            .filter(|b| pem::is_certificate_label(b.label()))
            .enumerate()
            .map(|(i, b)| Self::from_der(b.contents().to_vec(), i + 1))
            .collect::<Result<_, _>>()?;
        if certs.is_empty() {
            return Err(CertError::NotFound {
                found: blocks.iter().map(|b| b.label().to_owned()).collect(),
            });
        }
        Ok(certs)
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `BEGIN CERTIFICATE` PEM.
    pub fn to_pem(&self) -> String {
        pem::encode(pem::CERTIFICATE, &self.der)
    }

    /// SHA-256 of the DER, as `AB:CD:...` (what `openssl x509 -fingerprint -sha256` prints).
    pub fn sha256_fingerprint(&self) -> String {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &self.der);
        crate::key_id::display(digest.as_ref())
    }

    /// SHA-256 of the public key (the SubjectPublicKeyInfo DER), in lowercase
    /// hexadecimal: what `openssl x509 -pubkey | openssl pkey -pubin -outform
    /// DER | sha256sum` prints, and the same for every certificate of a key.
    pub fn public_key_sha256(&self) -> String {
        sha256_hex(self.parsed().public_key().raw)
    }

    /// The subject, as `C=US, ST=Oregon, ... CN=...`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The subject's (first) common name, when it has one.
    pub(crate) fn common_name(&self) -> Option<String> {
        let parsed = self.parsed();
        let cn = parsed.subject().iter_common_name().next()?;
        cn.as_str().ok().map(str::to_owned)
    }

    /// The issuer, in the same form.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Start of validity.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// End of validity.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// End of validity as RFC 3339 text (`2036-11-21T21:48:45Z`), for reports.
    pub fn not_after_rfc3339(&self) -> String {
        self.not_after
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    /// Whether basicConstraints says `CA:TRUE`.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }

    /// The subjectPublicKey bits, comparable with
    /// [`PrivateKey::public_key_raw`](crate::key::PrivateKey::public_key_raw).
    pub fn public_key_raw(&self) -> &[u8] {
        &self.public_key
    }

    /// The subjectKeyIdentifier extension's value, if there is one.
    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        self.parsed()
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(ski) => Some(ski.0.to_vec()),
                _ => None,
            })
    }

    /// The authority key identifier a certificate this one issues must carry
    /// for OpenSSL to match them: this one's subject key identifier, or
    /// method 1 of its key when it has none (what OpenSSL's
    /// `authorityKeyIdentifier=keyid` and Octavia 18.0.1 and later write).
    pub(crate) fn key_id_for_issued(&self) -> Vec<u8> {
        self.subject_key_id()
            .unwrap_or_else(|| crate::key_id::method1(self.public_key_raw()))
    }

    /// Whether it is an X.509 v3 certificate: OpenSSL's strict rules on key
    /// identifiers apply to those alone (openssl's `x509 -req` without
    /// extensions, as TripleO's client certificate, writes v1).
    pub(crate) fn is_v3(&self) -> bool {
        self.parsed().version() == x509_parser::x509::X509Version::V3
    }

    /// The key identifier of the authorityKeyIdentifier extension, if there is one.
    pub fn authority_key_id(&self) -> Option<Vec<u8>> {
        self.parsed()
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                _ => None,
            })
    }

    /// Whether the subject key identifier is RFC 5280's method 1 (SHA-1 of
    /// the key), as OpenSSL and cryptography derive it; `None` without one.
    pub fn has_method1_key_id(&self) -> Option<bool> {
        self.subject_key_id()
            .map(|id| id == crate::key_id::method1(&self.public_key))
    }

    /// Whether `key` is the private half of this certificate's public key.
    pub fn matches_key(&self, key: &crate::key::PrivateKey) -> bool {
        self.public_key == key.public_key_raw()
    }

    /// The certificate parsed by x509-parser, for rules that need every field
    /// (crate-private: x509-parser's types are not part of this API).
    pub(crate) fn parsed(&self) -> X509Certificate<'_> {
        // `from_der` parsed these very bytes when the value was made.
        X509Certificate::from_der(&self.der)
            .map(|(_, c)| c)
            .expect("validated when constructed")
    }

    /// Whether `issuer`'s key made this certificate's signature.
    pub fn is_signed_by(&self, issuer: &Certificate) -> bool {
        self.parsed()
            .verify_signature(Some(issuer.parsed().public_key()))
            .is_ok()
    }
}

/// SHA-256 of `bytes` in lowercase hexadecimal, as `sha256sum` prints it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
