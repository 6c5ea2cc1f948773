//! Whether a CA work directory and a deployed directory are one set: the
//! same CA keys. A renewal issues from the work directory's CA and writes
//! some deployed files but not others, so with another set's work directory
//! (or after a run killed between writing the deployed files and the work
//! directory's) it would leave a set Octavia refuses. Compared by public key,
//! so a renewed certificate (same key, new dates) is the same CA.

use std::path::{Path, PathBuf};

use crate::ca::{CaRole, Mismatch};
use crate::deployers::{Layout, work_dir};
use crate::generate::Destination;
use crate::model::{CaPassphrases, first_certificate as first};
use crate::secret::Passphrase;
use crate::sources::Role;

/// The CA certificate files that must hold the same CA in both directories:
/// (role, work directory file, deployed file).
fn pairs(to: &Destination<'_>, layout: Layout) -> Vec<(CaRole, PathBuf, PathBuf)> {
    let files = to.deployed_files(layout);
    let mut pairs = vec![(
        CaRole::ServerCa,
        to.work_dir.join(work_dir::SERVER_CA_CERT),
        files.path(Role::CaCertificate).to_owned(),
    )];
    if !layout.is_single_ca() {
        pairs.push((
            CaRole::ClientCa,
            to.work_dir.join(work_dir::CLIENT_CA_CERT),
            files.path(Role::ClientCa).to_owned(),
        ));
    }
    pairs
}

/// The CA certificates that differ between the work directory and the
/// deployed directory. A file missing or unreadable on either side is not a
/// mismatch (the checker reports it as such).
pub fn certificate_mismatches(to: &Destination<'_>, layout: Layout) -> Vec<Mismatch> {
    pairs(to, layout)
        .into_iter()
        .filter_map(|(role, work_file, deployed_file)| {
            let vault = to.vault_password;
            let (work, deployed) = (first(&work_file, vault)?, first(&deployed_file, vault)?);
            (work.public_key_raw() != deployed.public_key_raw()).then_some(Mismatch {
                role,
                work_file,
                against: deployed_file,
                key: false,
            })
        })
        .collect()
}

/// [`certificate_mismatches`], and, with the passphrases, the keys: each
/// work directory CA key must open and be its certificate's, and the
/// deployed server CA key must be the same bytes as the work directory's or
/// open to the same key. A key that opens to another key than its
/// certificate's is what a run stopped between the two files leaves.
pub fn mismatches(
    to: &Destination<'_>,
    layout: Layout,
    passphrases: Option<&CaPassphrases>,
) -> Vec<Mismatch> {
    let mut found = certificate_mismatches(to, layout);
    let Some(passphrases) = passphrases else {
        return found;
    };
    let mut keys = vec![(
        CaRole::ServerCa,
        work_dir::SERVER_CA_KEY,
        work_dir::SERVER_CA_CERT,
        &passphrases.server_ca,
    )];
    if !layout.is_single_ca() && crate::fsio::exists(&to.work_dir.join(work_dir::CLIENT_CA_KEY)) {
        keys.push((
            CaRole::ClientCa,
            work_dir::CLIENT_CA_KEY,
            work_dir::CLIENT_CA_CERT,
            &passphrases.client_ca,
        ));
    }
    for (role, key, cert, passphrase) in keys {
        let (key_file, cert_file) = (to.work_dir.join(key), to.work_dir.join(cert));
        if !key_is_the_certificates(&key_file, &cert_file, passphrase, to.vault_password) {
            found.push(Mismatch {
                role,
                work_file: key_file,
                against: cert_file,
                key: true,
            });
        }
    }
    let work_file = to.work_dir.join(work_dir::SERVER_CA_KEY);
    let deployed_file = to
        .deployed_files(layout)
        .path(Role::CaPrivateKey)
        .to_owned();
    if let (Ok(work), Ok(deployed)) = (
        crate::fsio::read_file(&work_file, to.vault_password),
        crate::fsio::read_file(&deployed_file, to.vault_password),
    ) && *work != *deployed
        && !key_is_the_certificates(
            &deployed_file,
            &to.work_dir.join(work_dir::SERVER_CA_CERT),
            &passphrases.server_ca,
            to.vault_password,
        )
    {
        found.push(Mismatch {
            role: CaRole::ServerCa,
            work_file,
            against: deployed_file,
            key: true,
        });
    }
    found
}

/// Whether the key in `key_file` opens with `passphrase` to the key of the
/// first certificate of `cert_file`. Either unreadable, or a key that does
/// not open, is not a mismatch of sets: the key's readers report it.
fn key_is_the_certificates(
    key_file: &Path,
    cert_file: &Path,
    passphrase: &Passphrase,
    vault: Option<&Passphrase>,
) -> bool {
    let (Some(cert), Ok(key)) = (
        first(cert_file, vault),
        crate::model::read_private_key(key_file, Some(passphrase), vault),
    ) else {
        return true;
    };
    cert.matches_key(&key)
}
