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
    /// A document or input file that is not what it must be: a deployer's
    /// document not as the deployer writes it (the charm's options,
    /// Kubernetes Secrets), a cert-manager manifest that is not YAML, an
    /// octavia.conf that is not oslo.config INI, an OpenStack-Ansible tree's
    /// serial file, an amphora list, a globals.yml kolla-ansible refuses.
    #[error("invalid options: {}: {reason}", file.display())]
    #[non_exhaustive]
    Document {
        /// The file, as it was given.
        file: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A CA work directory was given where the deployed files' directory
    /// belongs.
    #[error(
        "invalid options: {} is a CA work directory (server_ca/, client_ca/), not the deployed \
         files' directory: check the deployed directory ({deployed_dir} by default) and give this \
         one as --work-dir",
        dir.display()
    )]
    #[non_exhaustive]
    WorkDirAsDeployed {
        /// The work directory given.
        dir: PathBuf,
        /// The deployer's default deployed directory.
        deployed_dir: String,
    },
    /// A staged rotation, in flight or asked for, refuses the change:
    /// nothing was written.
    #[error("invalid options: {why}")]
    #[non_exhaustive]
    StagedRotation {
        /// The CA whose staged rotation it is.
        ca: crate::ca::CaRole,
        /// Which refusal.
        refusal: StagedRefusal,
        /// The whole sentence: the files and subjects concerned, and what to
        /// do.
        why: String,
    },
    /// The set's layout has one CA for both roles, and the change asked for
    /// needs two, or names the second.
    #[error("invalid options: {why}")]
    #[non_exhaustive]
    SingleCa {
        /// The set's layout.
        layout: crate::deployers::Layout,
        /// The whole sentence, with what to do instead.
        why: String,
    },
    /// A value given to the library is out of range, or contradicts another
    /// (a validity, a subject's country or common name, the probe's
    /// concurrency, a Juju application or Kubernetes namespace name, the
    /// files given to pack).
    #[error("invalid options: {why}")]
    #[non_exhaustive]
    InvalidValue {
        /// What was given (`validity`, `country`, `concurrency`...).
        what: String,
        /// The whole sentence: the value and what it must be.
        why: String,
    },
    /// The set, as it stands, cannot take the change (a CA that is not a
    /// self-signed root, a trust file that holds more than the issuing
    /// CA's): nothing was written.
    #[error("invalid options: {why}")]
    #[non_exhaustive]
    Refused {
        /// The whole sentence: what in the set, and what to do.
        why: String,
    },
    /// A failure that no input causes, only a defect here or in a library
    /// this uses (a report that cannot be encoded, a TLS configuration the
    /// backend refuses): worth reporting as a bug.
    #[error("invalid options: {detail}")]
    #[non_exhaustive]
    Internal {
        /// What failed, and the library's message.
        detail: String,
    },
    /// A complaint of the command-line tool about what it was given
    /// (options that contradict each other or are missing, a TARGET, an
    /// amphora list on standard input, the globals.yml `generate` takes its
    /// defaults from): only the tool meets it.
    #[error("invalid options: {why}")]
    #[non_exhaustive]
    Usage {
        /// The whole sentence, with what to give instead.
        why: String,
    },
}

/// Why a staged rotation refuses a change ([`Error::StagedRotation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StagedRefusal {
    /// A staged rotation of the CA is in flight: finish it first.
    Unfinished,
    /// The CA has expired: staging cannot help, only a rotation at once.
    Expired,
    /// Finishing the rotation now would cut off amphorae that still need
    /// what it keeps, or no probe report shows that none does.
    StillNeeded,
    /// No staged rotation of the CA to finish.
    NothingToFinish,
}

impl Error {
    /// [`Error::Document`]: `file` is not what it must be, for `reason`.
    pub fn document(file: PathBuf, reason: String) -> Self {
        Self::Document { file, reason }
    }

    /// [`Error::Usage`]: the command line's complaint `why`.
    pub fn usage(why: String) -> Self {
        Self::Usage { why }
    }

    /// [`Error::Internal`]: a defect, said in `detail`.
    pub fn internal(detail: String) -> Self {
        Self::Internal { detail }
    }

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
            Self::StagedRotationLost { file, .. } | Self::Document { file, .. } => Some(file),
            Self::WorkDirAsDeployed { dir, .. } => Some(dir),
            _ => None,
        }
    }
}

/// This crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn the_typed_variants_keep_the_invalid_options_text_and_name_their_file() {
        let document = Error::document("octavia-config.yaml".into(), "not YAML: bad".into());
        assert_eq!(
            document.to_string(),
            "invalid options: octavia-config.yaml: not YAML: bad"
        );
        assert_eq!(document.file(), Some(Path::new("octavia-config.yaml")));
        let work_dir = Error::WorkDirAsDeployed {
            dir: "/etc/kolla/config/octavia".into(),
            deployed_dir: "/etc/kolla/config/octavia".into(),
        };
        assert!(
            work_dir
                .to_string()
                .starts_with("invalid options: /etc/kolla/config/octavia is a CA work directory"),
            "{work_dir}"
        );
        assert_eq!(
            work_dir.file(),
            Some(Path::new("/etc/kolla/config/octavia"))
        );
        for (error, text) in [
            (
                Error::usage("no amphora to probe".into()),
                "no amphora to probe",
            ),
            (Error::internal("TLS setup: x".into()), "TLS setup: x"),
            (
                Error::StagedRotation {
                    ca: crate::ca::CaRole::ServerCa,
                    refusal: StagedRefusal::Unfinished,
                    why: "a staged rotation of the server CA is not finished".into(),
                },
                "a staged rotation of the server CA is not finished",
            ),
        ] {
            assert_eq!(error.to_string(), format!("invalid options: {text}"));
            assert_eq!(error.file(), None);
        }
    }
}
