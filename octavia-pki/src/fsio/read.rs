//! Reading: whole files capped by their kind, vaulted files decrypted,
//! errors that name the file.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

use super::{FsError, Result};
use crate::secret::Passphrase;
use crate::vault;

/// The largest certificate, key or settings file this crate reads: they are
/// a few KiB, so anything larger is a mistake and is not read into memory
/// whole. Lists of amphorae grow with the cloud and have caps of their own
/// ([`FileKind`]).
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// What a file is, for the most of it that is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A certificate, key or bundle, or a small settings file
    /// (passwords.yml, globals.yml, octavia.conf): [`MAX_FILE_SIZE`].
    Small,
    /// The work directory's history: one line per change, 16 MiB.
    History,
    /// An amphora list (`openstack loadbalancer amphora list -f json`, about
    /// 230 bytes an amphora): 64 MiB, over 250,000 amphorae.
    AmphoraList,
    /// A `probe --format json` report (about 760 bytes an amphora): 256 MiB,
    /// over 300,000 amphorae.
    ProbeReport,
}

impl FileKind {
    /// The most bytes read of a file of this kind.
    pub const fn limit(self) -> u64 {
        match self {
            Self::Small => MAX_FILE_SIZE,
            Self::History => 16 * 1024 * 1024,
            Self::AmphoraList => 64 * 1024 * 1024,
            Self::ProbeReport => 256 * 1024 * 1024,
        }
    }

    /// What a file of this kind is, in a message.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Small => "a certificate, key or settings file",
            Self::History => "a history file",
            Self::AmphoraList => "an amphora list",
            Self::ProbeReport => "a probe report (`octavia-pki probe --format json`)",
        }
    }
}

/// Reads a whole file (at most [`MAX_FILE_SIZE`] bytes) into zeroizing
/// memory. A file encrypted with ansible-vault is decrypted with `vault`,
/// the vault password ([`crate::vault`]); without it, or with another, the
/// error says so.
pub fn read_file(path: &Path, vault: Option<&Passphrase>) -> Result<Zeroizing<Vec<u8>>> {
    read_file_of(path, FileKind::Small, vault)
}

/// Reads a whole file of `kind` (at most [`FileKind::limit`] bytes) into
/// zeroizing memory, as [`read_file`] does; a larger one is an error naming
/// the kind and the cap.
pub fn read_file_of(
    path: &Path,
    kind: FileKind,
    vault: Option<&Passphrase>,
) -> Result<Zeroizing<Vec<u8>>> {
    let read_err = |source| read_error(path, source);
    let meta = fs::metadata(path).map_err(read_err)?;
    if meta.is_dir() {
        return Err(FsError::NotAFile {
            path: path.to_owned(),
            kind: "a directory",
        });
    }
    read_limited_of(path, kind, vault).map_err(read_err)
}

/// A failed read of `path`: this process not being allowed to is its own
/// error (nothing can be said about the file), any other names the cause.
pub(super) fn read_error(path: &Path, source: io::Error) -> FsError {
    if source.kind() == io::ErrorKind::PermissionDenied {
        FsError::PermissionDenied {
            path: path.to_owned(),
        }
    } else {
        FsError::Read {
            path: path.to_owned(),
            source,
        }
    }
}

/// The error of a file larger than `kind`'s cap.
fn too_large(kind: FileKind) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "the file is larger than {} bytes, the most {} can be here",
            kind.limit(),
            kind.name()
        ),
    )
}

/// Reads a JSON file of `kind` into `T`, streaming it from the file (a probe
/// report of 50,000 amphorae is 35 MB, and only what `T` keeps of it stays
/// in memory); a vaulted file is decrypted whole first. Errors name the file.
pub fn read_json_of<T: serde::de::DeserializeOwned>(
    path: &Path,
    kind: FileKind,
    vault: Option<&Passphrase>,
) -> Result<T> {
    let read_err = |source| read_error(path, source);
    let invalid = |e: serde_json::Error| {
        read_err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not {} as this tool writes it: {e}", kind.name()),
        ))
    };
    let mut file = File::open(path).map_err(read_err)?;
    let mut head = [0u8; 64];
    let n = file.read(&mut head).map_err(read_err)?;
    if vault::is_vaulted(&head[..n]) {
        return serde_json::from_slice(&read_file_of(path, kind, vault)?).map_err(invalid);
    }
    let size = file.metadata().map_err(read_err)?.len();
    if size > kind.limit() {
        return Err(read_err(too_large(kind)));
    }
    let reader = io::Cursor::new(&head[..n]).chain(file.take(kind.limit()));
    serde_json::from_reader(io::BufReader::new(reader)).map_err(invalid)
}

/// Fails with [`FsError::PermissionDenied`] when this process may not read one
/// of `paths` that exist: then nothing can be said about them, and a
/// checker must say it could not run rather than that the set is broken.
pub fn require_readable<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<()> {
    for path in paths {
        let path = path.as_ref();
        if let Err(e) = File::open(path)
            && e.kind() == io::ErrorKind::PermissionDenied
        {
            return Err(read_error(path, e));
        }
    }
    Ok(())
}

/// The file's bytes, at most [`MAX_FILE_SIZE`] of them: a larger file is an
/// error of kind [`io::ErrorKind::FileTooLarge`], and is not read whole. A
/// file encrypted with ansible-vault is decrypted; without the vault
/// password, or with another, the error (of kind
/// [`io::ErrorKind::InvalidData`]) says so.
pub(crate) fn read_limited(
    path: &Path,
    vault: Option<&Passphrase>,
) -> io::Result<Zeroizing<Vec<u8>>> {
    read_limited_of(path, FileKind::Small, vault)
}

fn read_limited_of(
    path: &Path,
    kind: FileKind,
    vault: Option<&Passphrase>,
) -> io::Result<Zeroizing<Vec<u8>>> {
    let buf = read_limited_raw(path, kind)?;
    if vault::is_vaulted(&buf) {
        let (plain, _) = vault::decrypt(&buf, vault)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        return Ok(plain);
    }
    Ok(buf)
}

/// The file's bytes as they are on disk, at most `kind`'s limit of them.
pub(super) fn read_limited_raw(path: &Path, kind: FileKind) -> io::Result<Zeroizing<Vec<u8>>> {
    let limit = kind.limit();
    let mut buf = Zeroizing::new(Vec::new());
    File::open(path)?.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(kind));
    }
    Ok(buf)
}

/// Fails unless `dir` is a directory that can be listed: what `check` and
/// `rehearse` need before they can report anything about its files.
pub fn require_dir(dir: &Path) -> Result<()> {
    let read_err = |source| FsError::Read {
        path: dir.to_owned(),
        source,
    };
    if !fs::metadata(dir).map_err(read_err)?.is_dir() {
        return Err(FsError::NotAFile {
            path: dir.to_owned(),
            kind: "not a directory",
        });
    }
    fs::read_dir(dir).map_err(read_err)?;
    Ok(())
}
