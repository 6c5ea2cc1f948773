//! The controllers' client bundle (`[haproxy_amphora] client_cert`): the
//! client certificate, any chain, then its unencrypted key, read as OpenSSL
//! reads it. Parsing only: reading the file is [`crate::load`]'s and
//! [`crate::model::read_bundle`]'s.

use std::fmt;

use zeroize::Zeroizing;

use crate::cert::{CertError, Certificate};
use crate::key::{EncodedKey, KeyError, PrivateKey};
use crate::pem::{self, PemError};

/// Why a client certificate-and-key bundle cannot be used by the controller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The PEM framing is broken.
    #[error(transparent)]
    Pem(#[from] PemError),
    /// No certificate in the bundle.
    #[error(
        "the bundle holds no certificate (OpenSSL: \"PEM lib\"; the file must hold the client certificate, then its key)"
    )]
    NoCertificate,
    /// No key in the bundle.
    #[error(
        "the bundle holds no private key (OpenSSL: \"PEM lib\"; the file must hold the client certificate, then its key)"
    )]
    NoKey,
    /// The key is encrypted: the controller cannot unlock it unattended.
    #[error("the bundle's private key is encrypted; the controller cannot read it unattended")]
    EncryptedKey,
    /// A certificate in the bundle is unreadable.
    #[error(transparent)]
    Certificate(#[from] CertError),
    /// The key is unreadable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The key is not the first certificate's.
    #[error(
        "the key is not the private key of the bundle's first certificate (OpenSSL: \"key values mismatch\")"
    )]
    KeyMismatch,
}

/// The controllers' client credentials: what `[haproxy_amphora] client_cert` names.
pub struct ClientBundle {
    /// The client certificate, issued by the client CA.
    pub certificate: Certificate,
    /// Intermediates between the client certificate and the client CA, if any.
    pub chain: Vec<Certificate>,
    /// The client key (stored unencrypted: the controller reads it unattended).
    pub key: PrivateKey,
}

impl fmt::Debug for ClientBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBundle")
            .field("certificate", &self.certificate)
            .field("chain", &self.chain)
            .field("key", &self.key)
            .finish()
    }
}

impl ClientBundle {
    /// Reads a bundle as OpenSSL does: every certificate in order (the
    /// client's, then its chain) and the first key, which must be
    /// unencrypted and the certificate's; further keys are not used.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Self, BundleError> {
        let blocks = pem::parse_blocks(bytes)?;
        let mut parts = BundleParts::from_blocks(&blocks)?;
        let key = EncodedKey::from_pem_block(parts.key.ok_or(BundleError::NoKey)?)?;
        if key.is_encrypted() {
            return Err(BundleError::EncryptedKey);
        }
        let key = key.decrypt(None)?;
        if parts.certificates.is_empty() {
            return Err(BundleError::NoCertificate);
        }
        let certificate = parts.certificates.remove(0);
        if !certificate.matches_key(&key) {
            return Err(BundleError::KeyMismatch);
        }
        Ok(Self {
            certificate,
            chain: parts.certificates,
            key,
        })
    }

    /// The bundle file's contents: certificate, chain, then the unencrypted
    /// key, as kolla-ansible assembles it.
    pub fn to_pem(&self) -> Zeroizing<String> {
        self.to_pem_ordered(BundleOrder::CertificateFirst)
    }

    /// The certificate, then its chain, without the key: a TLS Secret's
    /// `tls.crt`, OpenStack-Ansible's `octavia_client.crt`.
    pub fn certificates_to_pem(&self) -> String {
        let mut out = self.certificate.to_pem();
        for c in &self.chain {
            out.push_str(&c.to_pem());
        }
        out
    }

    /// The bundle file's contents in `order` (OpenSSL reads either).
    pub fn to_pem_ordered(&self, order: BundleOrder) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::new());
        if order == BundleOrder::KeyFirst {
            out.push_str(&self.key.to_pkcs8_pem());
        }
        out.push_str(&self.certificates_to_pem());
        if order == BundleOrder::CertificateFirst {
            out.push_str(&self.key.to_pkcs8_pem());
        }
        out
    }
}

/// The order of a bundle's blocks: OpenSSL takes the first certificate block
/// and the first key block wherever they are, and deployers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleOrder {
    /// Certificate, chain, key: kolla-ansible, OpenStack-Ansible, the charm.
    CertificateFirst,
    /// Key, certificate, chain: Octavia's certificate guide, cert-manager's
    /// `tls-combined.pem`.
    KeyFirst,
}

impl BundleOrder {
    /// The order of the bundle `bytes` hold (their first PEM block's kind),
    /// `None` when they hold no PEM block.
    pub(crate) fn of(bytes: &[u8]) -> Option<Self> {
        let first = pem::parse_blocks(bytes).ok()?.into_iter().next()?;
        Some(if pem::is_key_label(first.label()) {
            Self::KeyFirst
        } else {
            Self::CertificateFirst
        })
    }
}

/// A bundle's blocks as OpenSSL takes them, the one policy for every reader
/// of a bundle: `SSL_CTX_use_certificate_chain_file` takes every certificate
/// block in order (the first is the client's), `SSL_CTX_use_PrivateKey_file`
/// the first key block. Further keys are never used; the checker reports them.
pub(crate) struct BundleParts<'a> {
    /// Every certificate, in file order.
    pub(crate) certificates: Vec<Certificate>,
    /// The key OpenSSL uses, if any.
    pub(crate) key: Option<&'a pem::Block>,
    /// How many key blocks follow it, unused.
    pub(crate) unused_keys: usize,
}

impl<'a> BundleParts<'a> {
    /// Sorts the blocks; fails on the first certificate that cannot be parsed.
    pub(crate) fn from_blocks(blocks: &'a [pem::Block]) -> Result<Self, CertError> {
        let mut certificates = Vec::new();
        let mut keys = blocks.iter().filter(|b| pem::is_key_label(b.label()));
        for block in blocks
            .iter()
            .filter(|b| pem::is_certificate_label(b.label()))
        {
            let index = certificates.len() + 1;
            certificates.push(Certificate::from_der(block.contents().to_vec(), index)?);
        }
        let key = keys.next();
        Ok(Self {
            certificates,
            key,
            unused_keys: keys.count(),
        })
    }
}
