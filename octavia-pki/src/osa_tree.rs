//! OpenStack-Ansible's deploy-host PKI tree (`octavia_cert_dir`, by default
//! `/etc/openstack_deploy/pki`): what os_octavia's certificate tasks
//! (ansible-role-pki's standalone backend, `../shared/peers/osa/roles/pki`)
//! make and install from, written so that the role **adopts** it: it keeps a
//! key that it can open with its passphrase and that has the type and size it
//! would make (`community.crypto.openssl_privatekey`: RSA-4096), makes no CA
//! certificate unless the key changed, and signs no client certificate while
//! the CSR matches its parameters (`openssl_csr`'s idempotence check); it
//! then installs each file byte for byte.
//!
//! Read, the tree is unpacked ([`crate::packed`]) into kolla's work-directory
//! layout (the CA keys, the client certificate and key) and into the files
//! the role installs on controllers ([`Layout::Osa`]), so every reader and
//! writer serves it; packed back, changes become the tree's files, as the
//! role's own renewal would leave them (a CA certificate under the next
//! serial, `<Name>.crt` linked to it).

use std::path::Path;

use rcgen::{CertificateParams, CustomExtension, DistinguishedName, DnType};
use zeroize::Zeroizing;

use crate::bundle::ClientBundle;
use crate::deployers::{Layout, work_dir};
use crate::error::{Error, Result};
use crate::fsio::{self, PlannedFile};
use crate::generate::UB_COMMON_NAME;
use crate::role::Role;

/// Where OpenStack-Ansible keeps the tree by default (`openstack_pki_dir`): [`crate::deployers::OSA_TREE`].
pub const DEFAULT_TREE: &str = crate::deployers::OSA_TREE;

/// os_octavia's `octavia_cert_client_req_common_name`: the client CSR's CN.
pub const DEFAULT_CLIENT_CN: &str = crate::deployers::osa::NAMES.common_names[2];

/// The CA that issues amphora certificates, and the one that issues the
/// controllers' client certificate (`octavia_cert_authorities`).
const SERVER_ROOT: &str = "OctaviaServerRoot";
const CLIENT_ROOT: &str = "OctaviaClientRoot";

/// The role's first serial: it writes 999, then its first certificate is 1000.
const FIRST_SERIAL: u64 = 1000;

/// The client certificate's files (`octavia_cert_certificates`' `octavia_client`).
const CLIENT_CRT: &str = "certs/certs/octavia_client.crt";
const CLIENT_KEY: &str = "certs/private/octavia_client.key.pem";
const CLIENT_CSR: &str = "certs/csr/octavia_client.csr";
const CLIENT_CHAIN: &str = "certs/certs/octavia_client-chain.crt";
const CLIENT_CA_BUNDLE: &str = "certs/certs/octavia_client-ca_bundle.crt";

/// Where the unpacked tree's two parts go, under the unpacking directory.
pub(crate) const WORK: &str = "work";
pub(crate) const DEPLOYED: &str = "deployed";

fn ca_cert(root: &str) -> String {
    format!("roots/{root}/certs/{root}.crt")
}

fn ca_key(root: &str) -> String {
    format!("roots/{root}/private/{root}.key.pem")
}

fn serial(root: &str) -> String {
    format!("roots/{root}/serial")
}

/// The unpacked name of the file the role installs for `role`.
fn deployed(role: Role) -> String {
    format!("{DEPLOYED}/{}", Layout::Osa.files().of(role))
}

/// The unpacked name of kolla's work-directory file `rel`.
fn work(rel: &str) -> String {
    format!("{WORK}/{rel}")
}

/// Whether `dir` is such a tree (it has the server root's directory).
pub fn is_tree(dir: &Path) -> bool {
    dir.join("roots").join(SERVER_ROOT).is_dir()
}

/// What each role's file is in the tree, for reports.
pub(crate) fn names() -> [String; 5] {
    Role::ALL.map(|role| match role {
        Role::CaCertificate | Role::ServerCa => ca_cert(SERVER_ROOT),
        Role::CaPrivateKey => ca_key(SERVER_ROOT),
        Role::ClientCa => ca_cert(CLIENT_ROOT),
        Role::ClientCert => format!("{CLIENT_CRT} + {CLIENT_KEY}"),
    })
}

/// The tree's file each unpacked work-directory file comes from (paths
/// under the unpacking directory, and in the tree), so that messages name
/// the tree's files, never the temporary ones.
pub(crate) fn unpacked_sources() -> Vec<(String, String)> {
    vec![
        (work(work_dir::SERVER_CA_CERT), ca_cert(SERVER_ROOT)),
        (work(work_dir::SERVER_CA_KEY), ca_key(SERVER_ROOT)),
        (work(work_dir::CLIENT_CA_CERT), ca_cert(CLIENT_ROOT)),
        (work(work_dir::CLIENT_CA_KEY), ca_key(CLIENT_ROOT)),
        (work(work_dir::CLIENT_CERT), CLIENT_CRT.into()),
        (work(work_dir::CLIENT_KEY), CLIENT_KEY.into()),
        (
            work(work_dir::CLIENT_BUNDLE),
            format!("{CLIENT_CRT} + {CLIENT_KEY}"),
        ),
        (
            work(crate::history::HISTORY_FILE),
            crate::history::HISTORY_FILE.into(),
        ),
    ]
}

/// Unpacked files, by their path under the unpacking directory (for a tree:
/// kolla's work directory under `work/`, what the role installs under
/// `deployed/`). Shared with [`crate::packed`], which depends on this module.
pub(crate) type Files = std::collections::BTreeMap<String, Zeroizing<Vec<u8>>>;

/// Reads the tree at `tree` (`vault`: the password of files encrypted with
/// ansible-vault) and the CN of its client CSR, when it has one.
pub(crate) fn unpack(
    tree: &Path,
    vault: Option<&crate::secret::Passphrase>,
) -> Result<(Files, Option<String>)> {
    let read = |rel: &str| -> Result<Option<Zeroizing<Vec<u8>>>> {
        let path = tree.join(rel);
        if !fsio::exists(&path) {
            return Ok(None);
        }
        Ok(Some(Zeroizing::new(
            fsio::read_file(&path, vault)?.to_vec(),
        )))
    };
    let mut files = Files::new();
    let mut put = |name: String, bytes: Option<Zeroizing<Vec<u8>>>| {
        if let Some(bytes) = bytes {
            files.insert(name, bytes);
        }
    };
    let server_cert = read(&ca_cert(SERVER_ROOT))?;
    let server_key = read(&ca_key(SERVER_ROOT))?;
    let client_ca_cert = read(&ca_cert(CLIENT_ROOT))?;
    let crt = read(CLIENT_CRT)?;
    let key = read(CLIENT_KEY)?;
    // What the role installs: each file as it is; client.pem assembled from
    // the certificate, then the key (`ansible.builtin.assemble`, sorted names).
    put(deployed(Role::CaCertificate), server_cert.clone());
    put(deployed(Role::CaPrivateKey), server_key.clone());
    put(deployed(Role::ClientCa), client_ca_cert.clone());
    if let (Some(crt), Some(key)) = (&crt, &key) {
        let mut bundle = Zeroizing::new(crt.to_vec());
        bundle.extend_from_slice(key);
        put(deployed(Role::ClientCert), Some(bundle));
    }
    put(work(work_dir::SERVER_CA_CERT), server_cert);
    put(work(work_dir::SERVER_CA_KEY), server_key);
    put(work(work_dir::CLIENT_CA_CERT), client_ca_cert);
    put(work(work_dir::CLIENT_CA_KEY), read(&ca_key(CLIENT_ROOT))?);
    put(work(work_dir::CLIENT_CERT), crt);
    put(work(work_dir::CLIENT_KEY), key);
    put(
        work(crate::history::HISTORY_FILE),
        read(crate::history::HISTORY_FILE)?,
    );
    let cn = read(CLIENT_CSR)?.and_then(|csr| csr_common_name(&csr));
    Ok((files, cn))
}

/// The CN of a PEM CSR's subject.
fn csr_common_name(pem: &[u8]) -> Option<String> {
    use x509_parser::prelude::FromDer;
    let block = crate::pem::parse_blocks(pem).ok()?.into_iter().next()?;
    let (_, csr) =
        x509_parser::certification_request::X509CertificationRequest::from_der(block.contents())
            .ok()?;
    let cn = csr
        .certification_request_info
        .subject
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_owned();
    Some(cn)
}

/// A symbolic link to make: `link` (a path in the tree) pointing at `target`
/// (a name beside it), as the role's `file: state=link` tasks make them; it
/// is written with the files, journalled as they are.
pub use crate::fsio::PlannedLink as Link;

/// The tree's files and links for the unpacked files `merged` (the
/// originals with the changes laid over), writing only what `changed` names
/// (paths under the unpacking directory, as in `merged`), and the client
/// CSR with `client_cn`.
pub(crate) fn pack(
    tree: &Path,
    merged: &Files,
    changed: &[String],
    client_cn: &str,
    vault: Option<&crate::secret::Passphrase>,
) -> Result<(Vec<PlannedFile>, Vec<Link>)> {
    let was_changed = |name: &str| changed.iter().any(|c| c == name);
    let get = |name: &str| {
        merged.get(name).ok_or_else(|| Error::InvalidValue {
            what: "files to write".into(),
            why: format!("no {name} to write into {}", tree.display()),
        })
    };
    let text =
        |bytes: &Zeroizing<Vec<u8>>| Zeroizing::new(String::from_utf8_lossy(bytes).into_owned());
    let mut files = Vec::new();
    let mut links = Vec::new();
    // Each CA: its certificate file as deployed (during a staged rotation,
    // new and old), under the next serial; its key, the work directory's.
    for (root, cert_role, key) in [
        (SERVER_ROOT, Role::CaCertificate, work_dir::SERVER_CA_KEY),
        (CLIENT_ROOT, Role::ClientCa, work_dir::CLIENT_CA_KEY),
    ] {
        if was_changed(&deployed(cert_role)) {
            let serial_path = tree.join(serial(root));
            let next = match fsio::exists(&serial_path) {
                true => {
                    let current = fsio::read_file(&serial_path, vault)?;
                    String::from_utf8_lossy(&current)
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| Error::Document {
                            file: serial_path.clone(),
                            reason: "not a serial number".into(),
                        })?
                        + 1
                }
                false => FIRST_SERIAL,
            };
            let numbered = format!("{root}-{next}.crt");
            let pem = String::from_utf8_lossy(get(&deployed(cert_role))?).into_owned();
            files.push(PlannedFile::public(
                tree.join(format!("roots/{root}/certs/{numbered}")),
                pem,
            ));
            files.push(PlannedFile::public(serial_path, next.to_string()));
            links.push(Link {
                path: tree.join(ca_cert(root)),
                target: numbered,
            });
            let chain = tree.join(format!("roots/{root}/certs/{root}-chain.crt"));
            if !fsio::exists(&chain) {
                links.push(Link {
                    path: chain,
                    target: format!("{root}.crt"),
                });
            }
        }
        if was_changed(&work(key)) {
            files.push(PlannedFile::secret(
                tree.join(ca_key(root)),
                text(get(&work(key))?),
            ));
        }
    }
    // The client certificate (and any cross-certificate) and key, from the
    // bundle as deployed; its CSR as the role would make it for that key.
    let bundle_name = deployed(Role::ClientCert);
    if was_changed(&bundle_name) {
        let bundle =
            ClientBundle::from_file_bytes(get(&bundle_name)?).map_err(|e| Error::InvalidValue {
                what: "files to write".into(),
                why: format!("the client bundle to write: {e}"),
            })?;
        let certs = bundle.certificates_to_pem();
        let client_ca = get(&deployed(Role::ClientCa))?;
        // The role's chain file: the client certificate, then its CA (the
        // first certificate of the CA file, which holds two mid-rotation).
        let first_ca = crate::cert::Certificate::all_from_file_bytes(client_ca)
            .map_err(|e| Error::InvalidValue {
                what: "files to write".into(),
                why: format!("the client CA to write: {e}"),
            })?
            .remove(0) // never empty when read
            .to_pem();
        files.push(PlannedFile::public(tree.join(CLIENT_CRT), certs));
        files.push(PlannedFile::secret(
            tree.join(CLIENT_KEY),
            bundle.key.to_pkcs8_pem(),
        ));
        files.push(PlannedFile::public(
            tree.join(CLIENT_CSR),
            client_csr(&bundle.key, client_cn)?,
        ));
        files.push(PlannedFile::public(
            tree.join(CLIENT_CHAIN),
            format!("{}{first_ca}", bundle.certificate.to_pem()),
        ));
        files.push(PlannedFile::public(
            tree.join(CLIENT_CA_BUNDLE),
            String::from_utf8_lossy(client_ca).into_owned(),
        ));
    }
    let history = work(crate::history::HISTORY_FILE);
    if was_changed(&history) {
        files.push(PlannedFile::public(
            tree.join(crate::history::HISTORY_FILE),
            String::from_utf8_lossy(get(&history)?).into_owned(),
        ));
    }
    Ok((files, links))
}

/// The client CSR os_octavia's `octavia_client` entry makes
/// (`community.crypto.openssl_csr`): subject CN only, subjectAltName
/// `DNS:<CN>` (`use_common_name_for_san`), keyUsage nonRepudiation,
/// digitalSignature, keyEncipherment and extendedKeyUsage clientAuth,
/// emailProtection, none critical, no basicConstraints, no key identifier;
/// the module keeps a CSR that has exactly these.
fn client_csr(key: &crate::key::PrivateKey, cn: &str) -> Result<String> {
    let failed = |detail: String| Error::Generate {
        what: "client CSR".into(),
        detail,
    };
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, cn.to_owned());
    // X.520's upper bound for a common name; the role's CSR has no other.
    if cn.is_empty() || cn.len() > UB_COMMON_NAME || !cn.is_ascii() {
        return Err(failed(format!(
            "the client CN \"{cn}\" must be 1 to {UB_COMMON_NAME} ASCII characters"
        )));
    }
    // SEQUENCE { [2] IA5String cn }
    let san = tlv(0x30, &tlv(0x82, cn.as_bytes()));
    // BIT STRING: digitalSignature, nonRepudiation, keyEncipherment (bits 0-2).
    let key_usage = vec![0x03, 0x02, 0x05, 0xe0];
    // SEQUENCE { clientAuth, emailProtection }
    let eku = [
        &[0x30, 0x14][..],
        &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04],
    ]
    .concat();
    for (oid, content) in [
        (&[2, 5, 29, 15][..], key_usage),
        (&[2, 5, 29, 17][..], san),
        (&[2, 5, 29, 37][..], eku),
    ] {
        let mut ext = CustomExtension::from_oid_content(oid, content);
        ext.set_criticality(false);
        params.custom_extensions.push(ext);
    }
    let signer = key.signing_key().map_err(|e| failed(e.to_string()))?;
    let csr = params
        .serialize_request(&signer.0)
        .map_err(|e| failed(e.to_string()))?;
    csr.pem().map_err(|e| failed(e.to_string()))
}

/// A DER TLV with a short-form length (content under 128 bytes).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = u8::try_from(content.len())
        .ok()
        .filter(|l| *l < 0x80)
        .expect("a short DER value");
    let mut out = vec![tag, len];
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_csr_names_its_cn_and_refuses_what_x520_does() {
        let key = crate::key::PrivateKey::generate(crate::key::KeyType::EcdsaP256).unwrap();
        let csr = client_csr(&key, DEFAULT_CLIENT_CN).unwrap();
        assert_eq!(
            csr_common_name(csr.as_bytes()).as_deref(),
            Some(DEFAULT_CLIENT_CN)
        );
        assert!(client_csr(&key, &"x".repeat(65)).is_err());
        assert!(client_csr(&key, "").is_err());
    }

    #[test]
    fn each_role_is_named_by_its_file_in_the_tree() {
        let names = names();
        assert_eq!(
            names[Role::CaCertificate.index()],
            "roots/OctaviaServerRoot/certs/OctaviaServerRoot.crt"
        );
        assert_eq!(
            names[Role::ServerCa.index()],
            names[Role::CaCertificate.index()]
        );
        assert!(names[Role::ClientCert.index()].contains("octavia_client.key.pem"));
    }
}
