//! Reading one file of a layout the way OpenSSL will, reporting every
//! problem of the file as such (missing, unreadable, DER, framing) before any
//! rule looks at what is inside.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use zeroize::Zeroizing;

use super::Code;
use crate::cert::Certificate;
use crate::codes::check as codes;
use crate::fsio::MAX_FILE_SIZE;
use crate::key::EncodedKey;
use crate::pem::{self, Block, PemError};

/// A finding about a file, before it is placed in the report.
pub(super) struct FileFinding {
    pub code: Code,
    pub message: String,
}

fn finding(code: Code, message: impl Into<String>) -> FileFinding {
    FileFinding {
        code,
        message: message.into(),
    }
}

/// A file whose PEM framing is intact.
pub(super) struct Scanned {
    pub blocks: Vec<Block>,
}

/// Reads `dir/name`. `holds_key` files are also checked for their mode.
/// Returns the blocks when the file can be looked into, and the findings.
pub(super) fn scan(dir: &Path, name: &str, holds_key: bool) -> (Option<Scanned>, Vec<FileFinding>) {
    let mut findings = Vec::new();
    let path = dir.join(name);
    let bytes = match read_capped(&path) {
        Ok(bytes) => bytes,
        Err(f) => return (None, vec![f]),
    };
    if holds_key && let Ok(meta) = fs::metadata(&path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            findings.push(finding(
                codes::KEY_FILE_PERMISSIONS,
                format!("mode {mode:04o}: the private key is readable by group or others"),
            ));
        }
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        findings.push(finding(codes::EMPTY_FILE, "the file is empty"));
        return (None, findings);
    }
    if !pem::has_begin_line(&bytes) {
        findings.push(if looks_like_der(&bytes) {
            finding(codes::DER_NOT_PEM, "the file is binary DER, not PEM")
        } else {
            finding(codes::NO_PEM_BLOCK, "the file has no -----BEGIN line")
        });
        return (None, findings);
    }
    findings.extend(harmless_oddities(&bytes));
    match pem::parse_blocks(&bytes) {
        Ok(blocks) => (Some(Scanned { blocks }), findings),
        Err(e @ PemError::MissingEnd { .. }) => {
            findings.push(finding(codes::TRUNCATED_PEM, e.to_string()));
            (None, findings)
        }
        Err(e) => {
            findings.push(finding(codes::CORRUPT_PEM, e.to_string()));
            (None, findings)
        }
    }
}

/// The file's bytes, or the finding that says why they cannot be had.
fn read_capped(path: &Path) -> Result<Zeroizing<Vec<u8>>, FileFinding> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(finding(codes::MISSING_FILE, "the file does not exist"));
        }
        Err(e) => {
            return Err(finding(
                codes::UNREADABLE_FILE,
                format!("cannot read it: {e}"),
            ));
        }
    };
    if meta.is_dir() {
        return Err(finding(
            codes::NOT_A_FILE,
            "a directory is where the file belongs",
        ));
    }
    // Follow a symlink now: a dangling one or a loop is not a file.
    let target = match fs::metadata(path) {
        Ok(target) => target,
        Err(e) => {
            return Err(finding(
                codes::NOT_A_FILE,
                format!("a symlink that leads nowhere readable: {e}"),
            ));
        }
    };
    if !target.is_file() {
        return Err(finding(codes::NOT_A_FILE, "not a regular file"));
    }
    crate::fsio::read_limited(path).map_err(|e| {
        let vault = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::vault::VaultError>());
        match (e.kind(), vault) {
            (_, Some(vault)) => finding(codes::VAULTED_FILE, vault.to_string()),
            (io::ErrorKind::FileTooLarge, _) => finding(
                codes::FILE_TOO_LARGE,
                format!("larger than {MAX_FILE_SIZE} bytes; only that much was read"),
            ),
            _ => finding(codes::UNREADABLE_FILE, format!("cannot read it: {e}")),
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
fn harmless_oddities(bytes: &[u8]) -> Vec<FileFinding> {
    let mut out = Vec::new();
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if body.len() != bytes.len() {
        out.push(finding(
            codes::UTF8_BOM,
            "the file starts with a UTF-8 byte order mark",
        ));
    }
    if bytes.windows(2).any(|w| w == b"\r\n") {
        out.push(finding(
            codes::CRLF_LINE_ENDINGS,
            "the file has CRLF line endings",
        ));
    }
    let first_block = body
        .windows(11)
        .position(|w| w == b"-----BEGIN ")
        .unwrap_or(0);
    if !body[..first_block].iter().all(u8::is_ascii_whitespace) {
        out.push(finding(
            codes::TEXT_BEFORE_PEM,
            "there is text before the first PEM block",
        ));
    }
    out
}
