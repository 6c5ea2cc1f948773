//! The crate's error type: every failure names the file and the cause.

use std::path::PathBuf;

use crate::bundle::BundleError;
use crate::cert::CertError;
use crate::fsio::FsError;
use crate::key::KeyError;
use crate::passwords::problem::PasswordsError;
use crate::secret::PassphraseProblem;

/// A failure of this crate. Messages never contain key material or passphrases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written, or a write was refused to keep
    /// what is there ([`crate::fsio`]).
    #[error(transparent)]
    Fs(#[from] FsError),
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
    /// A passphrase in a file could not be used: Kolla's passwords.yml, a
    /// passphrase file, or a deployer's document (the charm's options).
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
    /// The work directory and the deployed directory are not one set.
    #[error("refusing to change the set, nothing was written: {0}")]
    NotOneSet(Box<crate::ca::Mismatch>),
    /// Generating a key or certificate failed in the crypto backend.
    #[error("generating the {what} failed: {detail}")]
    Generate {
        /// The key or certificate being made.
        what: String,
        /// The backend's message.
        detail: String,
    },
    /// A layout this crate reads and never writes.
    #[error(transparent)]
    NotWritten(#[from] crate::deployers::NotWritten),
    /// A directory whose file names fit two deployers' layouts.
    #[error(transparent)]
    AmbiguousLayout(#[from] crate::deployers::Ambiguous),
    /// The work directory's history records a staged rotation in flight
    /// whose files no longer carry what it needs: the old server CA in the
    /// trust file, or the cross-certificate in the bundle.
    #[error(
        "refusing to change the set, nothing was written: the history records a staged rotation \
         of the {} from \"{subject}\" at {at}, not finished, but {} no longer holds {}, so the \
         amphorae that rotation kept working are refused by the controllers. Restore {} from its \
         backup (`octavia-pki backups`), or, once those amphorae are failed over, record the end \
         of the rotation with `octavia-pki rotate finish {ca} --force`",
        ca.words(),
        file.display(),
        ca.staged_keeps(),
        file.display()
    )]
    StagedRotationLost {
        /// The CA of the rotation.
        ca: crate::ca::CaRole,
        /// The file that lost it.
        file: PathBuf,
        /// The replaced CA's subject, as the history records it.
        subject: String,
        /// When the rotation was staged (RFC 3339).
        at: String,
    },
    /// This host lacks what the operation needs (file descriptors, a
    /// temporary file, threads): the fix is here, not in the files.
    #[error("{0}")]
    Local(String),
    /// Options that cannot work together, or out of range.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

impl Error {
    /// The file the failure is about, when it names one (the first, when
    /// it names several).
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            Self::Fs(fs) => match fs {
                FsError::Read { path, .. }
                | FsError::PermissionDenied { path }
                | FsError::Write { path, .. }
                | FsError::SameTarget { path }
                | FsError::Locked { path, .. }
                | FsError::NotLocked { path }
                | FsError::NotAFile { path, .. } => Some(path),
                FsError::WouldOverwrite { paths } => paths.first().map(PathBuf::as_path),
                FsError::Unrecoverable { journal, .. } => Some(journal),
                FsError::NoSuchBackup { .. } => None,
            },
            Self::Key { path, .. }
            | Self::Certificate { path, .. }
            | Self::Bundle { path, .. }
            | Self::Passwords { path, .. } => Some(path),
            Self::KeyMismatch { key_path, .. } => Some(key_path),
            Self::StagedRotationLost { file, .. } => Some(file),
            _ => None,
        }
    }
}

/// This crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
