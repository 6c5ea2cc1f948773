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
    /// A directory whose file names fit two deployers' layouts.
    #[error(transparent)]
    AmbiguousLayout(#[from] crate::layout::Ambiguous),
    /// This host lacks what the operation needs (file descriptors, a
    /// temporary file, threads): the fix is here, not in the files.
    #[error("{0}")]
    Local(String),
    /// Options that cannot work together, or out of range.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

/// This crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
