//! The Octavia PKI: the server CA, the client CA and the controllers' client bundle.

use std::fmt;
use std::path::Path;

use crate::bundle::ClientBundle;
use crate::cert::Certificate;
use crate::deployers::{Layout, work_dir};
use crate::error::{Error, Result};
use crate::fsio;
use crate::key::PrivateKey;
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};

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
    /// Either file may be encrypted with ansible-vault (`vault`: its password).
    pub fn read(
        cert_path: &Path,
        key_path: &Path,
        passphrase: Option<&Passphrase>,
        vault: Option<&Passphrase>,
    ) -> Result<Self> {
        let certificates = read_certificates(cert_path, vault)?;
        let key = read_private_key(key_path, passphrase, vault)?;
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

/// Reads every certificate of a PEM or DER file (`vault`: the password of
/// a file encrypted with ansible-vault).
pub fn read_certificates(path: &Path, vault: Option<&Passphrase>) -> Result<Vec<Certificate>> {
    let bytes = fsio::read_file(path, vault)?;
    Certificate::all_from_file_bytes(&bytes).map_err(|source| Error::Certificate {
        path: path.to_owned(),
        source,
    })
}

/// The first certificate of a file, when it can be read: the one Octavia
/// issues with, ahead of a staged rotation's older CAs.
pub(crate) fn first_certificate(path: &Path, vault: Option<&Passphrase>) -> Option<Certificate> {
    read_certificates(path, vault)
        .ok()
        .and_then(|c| c.into_iter().next())
}

/// Reads the private key of a PEM or DER file, decrypting it with
/// `passphrase` if needed (`vault`: the password of a file encrypted with
/// ansible-vault).
pub fn read_private_key(
    path: &Path,
    passphrase: Option<&Passphrase>,
    vault: Option<&Passphrase>,
) -> Result<PrivateKey> {
    let bytes = fsio::read_file(path, vault)?;
    PrivateKey::from_file_bytes(&bytes, passphrase).map_err(|source| Error::Key {
        path: path.to_owned(),
        source,
    })
}

/// Reads a client certificate-and-key bundle (`vault`: the password of a
/// file encrypted with ansible-vault).
pub fn read_bundle(path: &Path, vault: Option<&Passphrase>) -> Result<ClientBundle> {
    let bytes = fsio::read_file(path, vault)?;
    ClientBundle::from_file_bytes(&bytes).map_err(|source| Error::Bundle {
        path: path.to_owned(),
        source,
    })
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
    /// its own: its client certificate is issued by the server CA. `vault`:
    /// the password of files encrypted with ansible-vault.
    pub fn read_work_dir(
        dir: &Path,
        passphrases: &CaPassphrases,
        vault: Option<&Passphrase>,
    ) -> Result<Self> {
        let server_ca = CertificateAuthority::read(
            &dir.join(work_dir::SERVER_CA_CERT),
            &dir.join(work_dir::SERVER_CA_KEY),
            Some(&passphrases.server_ca),
            vault,
        )?;
        let client_ca_cert = dir.join(work_dir::CLIENT_CA_CERT);
        let (layout, client_ca) = if fsio::exists(&client_ca_cert) {
            let ca = CertificateAuthority::read(
                &client_ca_cert,
                &dir.join(work_dir::CLIENT_CA_KEY),
                Some(&passphrases.client_ca),
                vault,
            )?;
            (Layout::Kolla, Some(ca))
        } else {
            (Layout::Legacy, None)
        };
        let client = read_work_dir_client(dir, vault)?;
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
fn read_work_dir_client(dir: &Path, vault: Option<&Passphrase>) -> Result<ClientBundle> {
    let bundle = dir.join(work_dir::CLIENT_BUNDLE);
    if fsio::exists(&bundle) {
        return read_bundle(&bundle, vault);
    }
    let cert_path = dir.join(work_dir::CLIENT_CERT);
    let key_path = dir.join(work_dir::CLIENT_KEY);
    let mut certificates = read_certificates(&cert_path, vault)?;
    let key = read_private_key(&key_path, None, vault)?;
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
    /// Reads the deployed files `sources` names. Fails on the first
    /// problem; the checker reports every problem instead.
    pub fn read(sources: &Sources, server_ca_passphrase: &Passphrase) -> Result<Self> {
        let vault = sources.vault_password.as_ref();
        let server_ca = CertificateAuthority::read(
            sources.path(Role::CaCertificate),
            sources.path(Role::CaPrivateKey),
            Some(server_ca_passphrase),
            vault,
        )?;
        let client_ca_certificates = read_certificates(sources.path(Role::ClientCa), vault)?;
        let client = read_bundle(sources.path(Role::ClientCert), vault)?;
        Ok(Self {
            layout: sources.layout,
            server_ca,
            client_ca_certificates,
            client,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployers::Layout;
    use crate::test_support::testdata;

    /// The passphrases `testdata/kolla-recipe.sh` encrypted the recipe's CA keys with.
    fn recipe_passphrases() -> CaPassphrases {
        let pass = std::fs::read_to_string(testdata("PASSPHRASE")).unwrap();
        let pass = pass.trim_end();
        CaPassphrases {
            server_ca: Passphrase::new(pass.to_owned()),
            client_ca: Passphrase::new(format!("{pass}-client")),
        }
    }

    #[test]
    fn kolla_ansibles_work_directory_reads_as_a_two_ca_set() {
        let pki = OctaviaPki::read_work_dir(&testdata("kolla-recipe"), &recipe_passphrases(), None)
            .unwrap();
        assert_eq!(pki.layout, Layout::Kolla);
        let client_ca = pki.client_ca.as_ref().unwrap();
        assert!(pki.client.certificate.is_signed_by(client_ca.certificate()));
        assert!(std::ptr::eq(pki.client_ca(), client_ca));
    }

    #[test]
    fn a_ca_whose_key_is_another_s_is_refused_naming_both_files() {
        let dir = testdata("kolla-recipe");
        let err = CertificateAuthority::read(
            &dir.join(work_dir::SERVER_CA_CERT),
            &dir.join(work_dir::CLIENT_CA_KEY),
            Some(&recipe_passphrases().client_ca),
            None,
        )
        .unwrap_err();
        assert!(matches!(err, Error::KeyMismatch { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("client_ca.key.pem") && text.contains("server_ca.cert.pem"),
            "{text}"
        );
    }

    #[test]
    fn a_deployed_directory_reads_through_its_file_map() {
        let dir = testdata("check/good-legacy");
        let sources = Sources::in_dir(&dir, None).unwrap();
        let pass = crate::passwords::server_ca_passphrase(
            None,
            Some(&crate::passwords::KollaPasswords::load(
                &dir.join("passwords.yml"),
                None,
            )),
        )
        .unwrap()
        .unwrap();
        let deployed = DeployedPki::read(&sources, &pass).unwrap();
        assert_eq!(deployed.layout, Layout::Legacy);
        // One CA plays both roles: the client CA file is the server CA's.
        assert_eq!(
            deployed.client_ca_certificates[0].subject(),
            deployed.server_ca.certificate().subject()
        );
    }
}
