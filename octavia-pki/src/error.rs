//! The crate's error type: every failure names the file and the cause.

use std::io;
use std::path::PathBuf;

use crate::bundle::BundleError;
use crate::cert::CertError;
use crate::key::KeyError;
use crate::passwords::problem::PasswordsError;
use crate::secret::PassphraseProblem;

/// A failure of this crate. Messages never contain key material or passphrases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// This process may not read a file: nothing can be said about it.
    #[error(
        "cannot read {}: permission denied; run as root or as the file's owner",
        path.display()
    )]
    PermissionDenied {
        /// The file.
        path: PathBuf,
    },
    /// A file or directory could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A private key file could not be read.
    #[error("{}: {source}", path.display())]
    Key {
        /// The file.
        path: PathBuf,
        /// Why.
        source: KeyError,
    },
    /// A certificate file could not be read.
    #[error("{}: {source}", path.display())]
    Certificate {
        /// The file.
        path: PathBuf,
        /// Why.
        source: CertError,
    },
    /// A certificate-and-key bundle is not usable.
    #[error("{}: {source}", path.display())]
    Bundle {
        /// The file.
        path: PathBuf,
        /// Why.
        source: BundleError,
    },
    /// A certificate and the key stored for it are not a pair.
    #[error(
        "{}: the key is not the private key of {} (OpenSSL: \"key values mismatch\")",
        key_path.display(),
        certificate_path.display()
    )]
    KeyMismatch {
        /// The certificate's file.
        certificate_path: PathBuf,
        /// The key's file.
        key_path: PathBuf,
    },
    /// Kolla's passwords.yml could not be used.
    #[error("{}: {source}", path.display())]
    Passwords {
        /// The file.
        path: PathBuf,
        /// Why.
        source: PasswordsError,
    },
    /// A passphrase Octavia could not use.
    #[error("the passphrase for {what} cannot be used: {problem}")]
    Passphrase {
        /// Which passphrase (`octavia_ca_password`...).
        what: String,
        /// Why.
        problem: PassphraseProblem,
    },
    /// Files exist where new ones would be written, and overwriting was not allowed.
    #[error(
        "refusing to overwrite existing files (use --force to replace them; they are backed up first): {}",
        display_paths(paths)
    )]
    WouldOverwrite {
        /// The files that exist.
        paths: Vec<PathBuf>,
    },
    /// Two files of one write would go to the same path.
    #[error(
        "{} would be written twice by this change (two files of the set are at one path): give \
         directories that do not overlap",
        path.display()
    )]
    SameTarget {
        /// The path.
        path: PathBuf,
    },
    /// Another run holds the lock of a directory this one writes.
    #[error(
        "{} is locked by {holder}, which is writing there (an advisory lock on the directory); \
         wait for it to finish (nothing was changed)",
        path.display()
    )]
    Locked {
        /// The locked directory.
        path: PathBuf,
        /// Who holds it (`process 1234`).
        holder: String,
    },
    /// The work directory and the deployed directory are not one set.
    #[error("refusing to change the set, nothing was written: {0}")]
    NotOneSet(Box<crate::ca::Mismatch>),
    /// A write outside the directories its run locked.
    #[error("{} is outside the directories this run locked; nothing was written", path.display())]
    NotLocked {
        /// The file.
        path: PathBuf,
    },
    /// Something that is not a regular file (a directory...) is where a file must go.
    #[error("{} is not a regular file ({kind}); move it away first", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there instead.
        kind: &'static str,
    },
    /// Generating a key or certificate failed in the crypto backend.
    #[error("generating the {what} failed: {detail}")]
    Generate {
        /// The key or certificate being made.
        what: String,
        /// The backend's message.
        detail: String,
    },
    /// Options that cannot work together, or out of range.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// This crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
