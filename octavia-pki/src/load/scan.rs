//! Reading one file of a layout the way OpenSSL will, reporting every
//! problem of the file as such (missing, unreadable, DER, framing) before any
//! rule looks at what is inside.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use zeroize::Zeroizing;

use super::problem::Problem;
use crate::cert::Certificate;
use crate::key::EncodedKey;
use crate::pem::{self, Block, PemError};
use crate::secret::Passphrase;

/// A file whose PEM framing is intact.
pub(super) struct Scanned {
    pub(super) blocks: Vec<Block>,
}

/// Reads `path`; files that `holds_key` are also checked for their mode.
/// Returns the blocks, or the problem that keeps anyone from looking into
/// the file, and the problems that do not.
pub(super) fn scan(
    path: &Path,
    holds_key: bool,
    vault: Option<&Passphrase>,
) -> (Result<Scanned, Problem>, Vec<Problem>) {
    let mut findings = Vec::new();
    let bytes = match read_capped(path, vault) {
        Ok(bytes) => bytes,
        Err(f) => return (Err(f), findings),
    };
    if holds_key && let Ok(meta) = fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            findings.push(Problem::KeyReadableByOthers { mode });
        }
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (Err(Problem::Empty), findings);
    }
    if !pem::has_begin_line(&bytes) {
        let problem = if looks_like_der(&bytes) {
            Problem::Der
        } else {
            Problem::NoPemBlock
        };
        return (Err(problem), findings);
    }
    findings.extend(harmless_oddities(&bytes));
    match pem::parse_blocks(&bytes) {
        Ok(blocks) => (Ok(Scanned { blocks }), findings),
        Err(e @ PemError::MissingEnd { .. }) => {
            (Err(Problem::TruncatedPem(e.to_string())), findings)
        }
        Err(e) => (Err(Problem::CorruptPem(e.to_string())), findings),
    }
}

/// The file's bytes, or the problem that says why they cannot be had.
fn read_capped(path: &Path, vault: Option<&Passphrase>) -> Result<Zeroizing<Vec<u8>>, Problem> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Problem::Missing),
        Err(e) => return Err(Problem::Unreadable(e.to_string())),
    };
    if meta.is_dir() {
        return Err(Problem::NotAFile(
            "a directory is where the file belongs".into(),
        ));
    }
    // Follow a symlink now: a dangling one or a loop is not a file.
    let target = match fs::metadata(path) {
        Ok(target) => target,
        Err(e) => {
            return Err(Problem::NotAFile(format!(
                "a symlink that leads nowhere readable: {e}"
            )));
        }
    };
    if !target.is_file() {
        return Err(Problem::NotAFile("not a regular file".into()));
    }
    crate::fsio::read_limited(path, vault).map_err(|e| {
        let vault = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::vault::VaultError>());
        match (e.kind(), vault) {
            (_, Some(vault)) => Problem::Vaulted(vault.to_string()),
            (io::ErrorKind::FileTooLarge, _) => Problem::TooLarge,
            _ => Problem::Unreadable(e.to_string()),
        }
    })
}

/// Whether the bytes are a DER certificate or key.
fn looks_like_der(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
        && (Certificate::from_der(bytes.to_vec(), 1).is_ok() || EncodedKey::from_der(bytes).is_ok())
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// BOM, CRLF and text before the first block: OpenSSL accepts them all.
fn harmless_oddities(bytes: &[u8]) -> Vec<Problem> {
    let mut out = Vec::new();
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if body.len() != bytes.len() {
        out.push(Problem::ByteOrderMark);
    }
    if bytes.windows(2).any(|w| w == b"\r\n") {
        out.push(Problem::CrlfLineEndings);
    }
    let first_block = body
        .windows(11)
        .position(|w| w == b"-----BEGIN ")
        .unwrap_or(0);
    if !body[..first_block].iter().all(u8::is_ascii_whitespace) {
        out.push(Problem::TextBeforePem);
    }
    out
}
