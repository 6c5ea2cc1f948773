//! The octavia.conf options that name a set's files, for a deployment made
//! by hand as Octavia's certificate guide does it (no deployer renders them):
//! a drop-in for `/etc/octavia/octavia.conf.d/`, or to merge by hand.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::octavia_conf::{CERTS_KEY_PASSPHRASE, OctaviaConf};
use crate::role::Role;
use crate::secret::Passphrase;
use crate::sources::Sources;

/// The drop-in's name, beside the files it names.
pub const FILE_NAME: &str = "octavia-pki.conf";

/// The drop-in for `files`: each role's option, the CA key's passphrase, and
/// `server_certs_key_passphrase`. Paths are made absolute (the services do
/// not run where this was written) and `$` doubled, so that oslo.config reads
/// each value as written.
pub(crate) fn render(
    files: &Sources,
    ca_passphrase: &Passphrase,
    certs_key_passphrase: &Passphrase,
) -> Zeroizing<String> {
    let path = |role: Role| {
        let path = files.path(role);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        absolute.display().to_string().replace('$', "$$")
    };
    let mut out = Zeroizing::new(String::new());
    out.push_str(&format!(
        "# Octavia's control-plane PKI, written by octavia-pki {}.\n\
         # Readable by Octavia's services only (root:octavia 0640): it holds the CA key's passphrase.\n\
         # Keep server_certs_key_passphrase: Octavia decrypts the amphorae's stored certificates with it\n\
         # (from Octavia 17.0.0 a list: a new value first, the previous after it).\n",
        env!("CARGO_PKG_VERSION")
    ));
    let (section, certs_key) = CERTS_KEY_PASSPHRASE;
    debug_assert_eq!(section, "certificates");
    let mut group = |name: &str, options: &[(&str, &str)]| {
        out.push_str(&format!("\n[{name}]\n"));
        for (key, value) in options {
            out.push_str(&format!("{key} = {value}\n"));
        }
    };
    group(
        "certificates",
        &[
            ("ca_certificate", &path(Role::CaCertificate)),
            ("ca_private_key", &path(Role::CaPrivateKey)),
            (
                "ca_private_key_passphrase",
                &ca_passphrase.expose().replace('$', "$$"),
            ),
            (certs_key, certs_key_passphrase.expose()),
        ],
    );
    group(
        "haproxy_amphora",
        &[
            ("server_ca", &path(Role::ServerCa)),
            ("client_cert", &path(Role::ClientCert)),
        ],
    );
    group("controller_worker", &[("client_ca", &path(Role::ClientCa))]);
    out
}

/// The drop-in of the set in `dir`.
pub(crate) fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// The `server_certs_key_passphrase` an earlier drop-in at `path` set, to
/// keep: a new value would leave Octavia unable to decrypt what it stored.
/// `None` when there is none, or it is Octavia's published default, or no
/// release accepts it (a list, which only 16.x refuses, is kept).
pub(crate) fn kept_certs_key_passphrase(
    path: &Path,
    vault: Option<&Passphrase>,
) -> Option<Passphrase> {
    if !crate::fsio::exists(path) {
        return None;
    }
    let conf = OctaviaConf::read(&[path.to_owned()], vault).ok()?;
    let (section, key) = CERTS_KEY_PASSPHRASE;
    let value = conf.get(section, key)?.value;
    let every_release: Vec<_> = crate::release::RELEASES.iter().collect();
    let kept =
        match crate::octavia_conf::judge_certs_key_passphrase(Some(&value), "", &every_release) {
            None => true,
            Some(finding) => {
                finding.code != crate::codes::check::SERVER_CERTS_KEY_PASSPHRASE_INSECURE
                    && finding.refused_by.len() < every_release.len()
            }
        };
    kept.then(|| Passphrase::new(value))
}
