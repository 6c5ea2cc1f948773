//! The octavia.conf options that name a set's files, for a deployment made
//! by hand as Octavia's certificate guide does it (no deployer renders them):
//! a drop-in for `/etc/octavia/octavia.conf.d/`, or to merge by hand.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::octavia_conf::{CERTS_KEY_PASSPHRASE, OctaviaConf};
use crate::oslo_config::{LineBreak, write_value};
use crate::role::Role;
use crate::secret::{Passphrase, PassphraseProblem};
use crate::sources::Sources;

/// The drop-in's name, beside the files it names.
pub const FILE_NAME: &str = crate::deployers::guide::SNIPPET;

/// The drop-in for `files`: each role's option, the CA key's passphrase, and
/// `server_certs_key_passphrase`, each written so that oslo.config reads it
/// exactly ([`write_value`]: `$` escaped, quoted where oslo.config would strip
/// white space or quotes). Paths are made absolute (the services do not run
/// where this was written). A value no octavia.conf line can carry (a line
/// break; a path that is not UTF-8) is refused, naming what it is, never a
/// passphrase.
pub(crate) fn render(
    files: &Sources,
    ca_passphrase: &Passphrase,
    certs_key_passphrase: &Passphrase,
) -> Result<Zeroizing<String>> {
    let path = |role: Role| {
        let path = files.path(role);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let refused = |why: &str| Error::InvalidValue {
            what: "path".into(),
            why: format!(
                "{}: {why}, so {FILE_NAME} cannot name it for oslo.config",
                crate::text::escape(&absolute.to_string_lossy())
            ),
        };
        let text = absolute
            .to_str()
            .ok_or_else(|| refused("the path is not UTF-8"))?;
        write_value(text).map_err(|LineBreak| refused("the path holds a line break"))
    };
    let passphrase = |what: &str, passphrase: &Passphrase| {
        write_value(passphrase.expose()).map_err(|LineBreak| Error::Passphrase {
            what: what.into(),
            problem: PassphraseProblem::LineBreak,
        })
    };
    let (section, certs_key) = CERTS_KEY_PASSPHRASE;
    debug_assert_eq!(section, "certificates");
    let ca_passphrase = passphrase(crate::passwords::CA_PASSWORD, ca_passphrase)?;
    let certs_key_passphrase = passphrase(certs_key, certs_key_passphrase)?;
    let header = format!(
        "# Octavia's control-plane PKI, written by octavia-pki {}.\n\
         # Readable by Octavia's services only (root:octavia 0640): it holds the CA key's passphrase.\n\
         # Keep server_certs_key_passphrase: Octavia decrypts the amphorae's stored certificates with it\n\
         # (from Octavia 17.0.0 a list: a new value first, the previous after it).\n",
        env!("CARGO_PKG_VERSION")
    );
    let [
        ca_certificate,
        ca_private_key,
        server_ca,
        client_cert,
        client_ca,
    ] = [
        Role::CaCertificate,
        Role::CaPrivateKey,
        Role::ServerCa,
        Role::ClientCert,
        Role::ClientCa,
    ]
    .map(path);
    let groups = [
        (
            "certificates",
            vec![
                ("ca_certificate", ca_certificate?),
                ("ca_private_key", ca_private_key?),
                ("ca_private_key_passphrase", ca_passphrase),
                (certs_key, certs_key_passphrase),
            ],
        ),
        (
            "haproxy_amphora",
            vec![("server_ca", server_ca?), ("client_cert", client_cert?)],
        ),
        ("controller_worker", vec![("client_ca", client_ca?)]),
    ];
    let mut pieces = vec![header.as_str()];
    for (name, options) in &groups {
        pieces.extend(["\n[", name, "]\n"]);
        for (key, value) in options {
            pieces.extend([key, " = ", value.as_str(), "\n"]);
        }
    }
    // Sized once: no reallocation leaves a copy of a passphrase behind.
    let mut out = Zeroizing::new(String::with_capacity(pieces.iter().map(|p| p.len()).sum()));
    for piece in pieces {
        out.push_str(piece);
    }
    Ok(out)
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
