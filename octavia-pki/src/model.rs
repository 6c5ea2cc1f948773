//! The Octavia PKI: the server CA, the client CA and the controllers' client bundle.

use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::cert::{CertError, Certificate};
use crate::error::{Error, Result};
use crate::fsio;
use crate::key::{EncodedKey, KeyError, PrivateKey};
use crate::layout::{Layout, work_dir};
use crate::pem::{self, PemError};
use crate::secret::Passphrase;

/// A certificate authority: its certificate (the issuing one first, then any
/// chain up to the root, as in `server_ca.cert.pem`) and its private key.
pub struct CertificateAuthority {
    /// The issuing certificate, then its chain. Never empty.
    pub certificates: Vec<Certificate>,
    /// The private key of the first certificate.
    pub key: PrivateKey,
}

/// The server CA: issues every amphora's certificate; the controllers trust
/// amphorae through it. Its key is deployed, encrypted with `octavia_ca_password`.
pub type ServerCa = CertificateAuthority;

/// The client CA: the amphora agent accepts only client certificates it
/// issued. Its key stays in the work directory, encrypted with
/// `octavia_client_ca_password`.
pub type ClientCa = CertificateAuthority;

impl CertificateAuthority {
    /// The issuing certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificates[0]
    }

    /// Reads a CA from its certificate file and key file, checking that the key
    /// is the first certificate's.
    pub fn read(
        cert_path: &Path,
        key_path: &Path,
        passphrase: Option<&Passphrase>,
    ) -> Result<Self> {
        let certificates = read_certificates(cert_path)?;
        let key = read_private_key(key_path, passphrase)?;
        if !certificates[0].matches_key(&key) {
            return Err(Error::KeyMismatch {
                certificate_path: cert_path.to_owned(),
                key_path: key_path.to_owned(),
            });
        }
        Ok(Self { certificates, key })
    }

    /// The certificate file's contents: every certificate, issuing one first.
    pub fn certificates_pem(&self) -> String {
        self.certificates.iter().map(Certificate::to_pem).collect()
    }
}

impl fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("certificates", &self.certificates)
            .field("key", &self.key)
            .finish()
    }
}

/// Reads every certificate of a PEM or DER file.
pub fn read_certificates(path: &Path) -> Result<Vec<Certificate>> {
    let bytes = fsio::read_file(path)?;
    Certificate::all_from_file_bytes(&bytes).map_err(|source| Error::Certificate {
        path: path.to_owned(),
        source,
    })
}

/// The first certificate of a file, when it can be read: the one Octavia
/// issues with, ahead of a staged rotation's older CAs.
pub(crate) fn first_certificate(path: &Path) -> Option<Certificate> {
    read_certificates(path)
        .ok()
        .and_then(|c| c.into_iter().next())
}

/// Reads the private key of a PEM or DER file, decrypting it if needed.
pub fn read_private_key(path: &Path, passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
    let bytes = fsio::read_file(path)?;
    PrivateKey::from_file_bytes(&bytes, passphrase).map_err(|source| Error::Key {
        path: path.to_owned(),
        source,
    })
}

/// Reads a client certificate-and-key bundle.
pub fn read_bundle(path: &Path) -> Result<ClientBundle> {
    let bytes = fsio::read_file(path)?;
    ClientBundle::from_file_bytes(&bytes).map_err(|source| Error::Bundle {
        path: path.to_owned(),
        source,
    })
}

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
        let mut out = Zeroizing::new(self.certificate.to_pem());
        for c in &self.chain {
            out.push_str(&c.to_pem());
        }
        out.push_str(&self.key.to_pkcs8_pem());
        out
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

/// The passphrases of the two CA keys, as Kolla's `passwords.yml` names them.
#[derive(Debug, Clone)]
pub struct CaPassphrases {
    /// `octavia_ca_password`: encrypts the server CA key (and, in the legacy
    /// layout, the one CA key).
    pub server_ca: Passphrase,
    /// `octavia_client_ca_password`: encrypts the client CA key.
    pub client_ca: Passphrase,
}

/// A complete Octavia PKI, with every private key: what `generate` makes and
/// what a CA work directory holds.
#[derive(Debug)]
pub struct OctaviaPki {
    /// How the deployed files are named.
    pub layout: Layout,
    /// The server CA.
    pub server_ca: ServerCa,
    /// The client CA; `None` in the legacy layout, where the server CA plays both roles.
    pub client_ca: Option<ClientCa>,
    /// The controllers' client certificate and key.
    pub client: ClientBundle,
}

impl OctaviaPki {
    /// The CA that issued the client certificate.
    pub fn client_ca(&self) -> &ClientCa {
        self.client_ca.as_ref().unwrap_or(&self.server_ca)
    }

    /// Reads a CA work directory laid out as `kolla-ansible octavia-certificates`
    /// makes it (`server_ca/`, `client_ca/`). A legacy set has no client CA of
    /// its own: its client certificate is issued by the server CA.
    pub fn read_work_dir(dir: &Path, passphrases: &CaPassphrases) -> Result<Self> {
        let server_ca = CertificateAuthority::read(
            &dir.join(work_dir::SERVER_CA_CERT),
            &dir.join(work_dir::SERVER_CA_KEY),
            Some(&passphrases.server_ca),
        )?;
        let client_ca_cert = dir.join(work_dir::CLIENT_CA_CERT);
        let (layout, client_ca) = if fsio::exists(&client_ca_cert) {
            let ca = CertificateAuthority::read(
                &client_ca_cert,
                &dir.join(work_dir::CLIENT_CA_KEY),
                Some(&passphrases.client_ca),
            )?;
            (Layout::Kolla, Some(ca))
        } else {
            (Layout::Legacy, None)
        };
        let client = read_work_dir_client(dir)?;
        Ok(Self {
            layout,
            server_ca,
            client_ca,
            client,
        })
    }
}

/// The client bundle of a work directory: the assembled bundle if present,
/// else `client.cert.pem` and `client.key.pem`.
fn read_work_dir_client(dir: &Path) -> Result<ClientBundle> {
    let bundle = dir.join(work_dir::CLIENT_BUNDLE);
    if fsio::exists(&bundle) {
        return read_bundle(&bundle);
    }
    let cert_path = dir.join(work_dir::CLIENT_CERT);
    let key_path = dir.join(work_dir::CLIENT_KEY);
    let mut certificates = read_certificates(&cert_path)?;
    let key = read_private_key(&key_path, None)?;
    let certificate = certificates.remove(0);
    if !certificate.matches_key(&key) {
        return Err(Error::KeyMismatch {
            certificate_path: cert_path,
            key_path,
        });
    }
    Ok(ClientBundle {
        certificate,
        chain: certificates,
        key,
    })
}

/// What is deployed for Octavia (in `/etc/kolla/config/octavia`): the client
/// CA's key is not among it.
#[derive(Debug)]
pub struct DeployedPki {
    /// The layout that was read.
    pub layout: Layout,
    /// The server CA, with its key unlocked.
    pub server_ca: ServerCa,
    /// The client CA certificates the amphorae will trust.
    pub client_ca_certificates: Vec<Certificate>,
    /// The controllers' client certificate and key.
    pub client: ClientBundle,
}

impl DeployedPki {
    /// Reads a deployed directory. Fails on the first problem; the checker
    /// reports every problem instead.
    pub fn read(dir: &Path, layout: Layout, server_ca_passphrase: &Passphrase) -> Result<Self> {
        let files = layout.files();
        let server_ca = CertificateAuthority::read(
            &dir.join(files.server_ca_cert),
            &dir.join(files.server_ca_key),
            Some(server_ca_passphrase),
        )?;
        let client_ca_certificates = read_certificates(&dir.join(files.client_ca_cert))?;
        let client = read_bundle(&dir.join(files.client_bundle))?;
        Ok(Self {
            layout,
            server_ca,
            client_ca_certificates,
            client,
        })
    }

    /// The paths of the deployed files of `layout` in `dir`.
    pub fn paths(dir: &Path, layout: Layout) -> Vec<PathBuf> {
        layout
            .files()
            .names()
            .into_iter()
            .map(|n| dir.join(n))
            .collect()
    }
}
