//! Which CA, and a CA found twice with two keys: the words the errors of
//! [`crate::lifecycle`] and the checker share (a leaf: it depends on nothing
//! of this crate).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Which CA: the one enum every command and report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CaRole {
    /// The server CA (the one CA, in the legacy layout).
    ServerCa,
    /// The client CA.
    ClientCa,
}

impl CaRole {
    /// Both CAs, the server CA first.
    pub const ALL: [CaRole; 2] = [Self::ServerCa, Self::ClientCa];

    /// Its name in commands and the history (`server-ca`).
    pub fn id(self) -> &'static str {
        match self {
            Self::ServerCa => "server-ca",
            Self::ClientCa => "client-ca",
        }
    }

    /// Its name as a report's key (`server_ca`).
    pub fn key(self) -> &'static str {
        match self {
            Self::ServerCa => "server_ca",
            Self::ClientCa => "client_ca",
        }
    }

    /// Its name in a sentence (`server CA`).
    pub fn words(self) -> &'static str {
        match self {
            Self::ServerCa => "server CA",
            Self::ClientCa => "client CA",
        }
    }

    /// What a staged rotation of this CA keeps in the set while in flight,
    /// in a sentence: the old server CA in the controllers' trust file, or
    /// the cross-certificate in the bundle.
    pub fn staged_keeps(self) -> &'static str {
        match self {
            Self::ServerCa => "the old server CA",
            Self::ClientCa => "the cross-certificate",
        }
    }
}

impl fmt::Display for CaRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A CA whose work-directory copy and deployed copy have different keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Mismatch {
    /// Which CA.
    pub role: CaRole,
    /// The work directory's file.
    pub work_file: PathBuf,
    /// The file it differs from: the deployed copy, or, for a work directory
    /// key that is not its certificate's, that certificate.
    pub against: PathBuf,
    /// Whether the keys (rather than the certificates) differ.
    pub key: bool,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} and {} are not the same {} {}: the work directory belongs to another set, or a \
             run stopped between writing the two (their .backup/ directories keep what was \
             replaced)",
            self.work_file.display(),
            self.against.display(),
            self.role.words(),
            if self.key {
                "key"
            } else {
                "(another public key)"
            }
        )
    }
}
