//! What can be wrong with a file the loader reads ([`Problem`]): a leaf the
//! loader's parts share.

use std::fmt;

/// Why a file cannot be used, or what is odd about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The file does not exist.
    Missing,
    /// The file cannot be read (the system's reason).
    Unreadable(String),
    /// A directory, a dangling symlink or another non-file is where the file belongs.
    NotAFile(String),
    /// Encrypted with ansible-vault, and the vault password is missing or wrong.
    Vaulted(String),
    /// Larger than [`crate::fsio::MAX_FILE_SIZE`].
    TooLarge,
    /// A private key readable by group or others (its mode).
    KeyReadableByOthers {
        /// The file's permission bits.
        mode: u32,
    },
    /// Nothing but white space.
    Empty,
    /// Binary DER where PEM belongs.
    Der,
    /// No `-----BEGIN` line.
    NoPemBlock,
    /// A UTF-8 byte order mark (OpenSSL skips it).
    ByteOrderMark,
    /// CRLF line endings (OpenSSL accepts them).
    CrlfLineEndings,
    /// Text before the first block (OpenSSL skips it).
    TextBeforePem,
    /// A block without its END line.
    TruncatedPem(String),
    /// Broken PEM framing or base64.
    CorruptPem(String),
    /// No block of the kind the role needs.
    WrongBlockKind {
        /// What the role needs (`certificates`, `a private key`).
        expected: &'static str,
        /// The labels of the blocks found.
        found: Vec<String>,
    },
    /// A certificate that cannot be parsed.
    UnreadableCertificate(String),
    /// A key that cannot be parsed or decrypted (not for its passphrase).
    UnreadableKey(String),
    /// The CA key is not encrypted, yet a passphrase is configured: Octavia
    /// refuses it (`Password was given but private key is not encrypted`).
    KeyNotEncrypted(String),
    /// The CA key is encrypted and no passphrase is at hand.
    PassphraseNotAvailable(String),
    /// The passphrase does not open the CA key.
    WrongPassphrase(String),
    /// The passphrase does not open the CA key, but the same passphrase
    /// followed by this line end (in words: a newline, or CR LF) does.
    PassphraseTrailingNewline(&'static str),
    /// The passphrase that opens the CA key is published (where).
    PubliclyKnownPassphrase(&'static str),
    /// The bundle holds no certificate.
    NoCertificate,
    /// The bundle holds no private key.
    NoKey,
    /// The bundle holds more than one private key (how many).
    SeveralKeys(usize),
    /// The bundle's key is encrypted (its format).
    KeyEncrypted(String),
    /// The bundle's first certificate is a CA; the key is that of the
    /// certificate at `index` (from 0).
    CaFirst {
        /// The first certificate's subject.
        subject: String,
        /// Where the key's certificate is.
        index: usize,
    },
    /// The bundle's key is not its first certificate's (whose subject this is).
    KeyMismatch(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("the file does not exist"),
            Self::Unreadable(e) => write!(f, "cannot read it: {e}"),
            Self::NotAFile(why) | Self::Vaulted(why) => f.write_str(why),
            Self::TooLarge => write!(
                f,
                "larger than {} bytes; only that much was read",
                crate::fsio::MAX_FILE_SIZE
            ),
            Self::KeyReadableByOthers { mode } => write!(
                f,
                "mode {mode:04o}: the private key is readable by group or others"
            ),
            Self::Empty => f.write_str("the file is empty"),
            Self::Der => f.write_str("the file is binary DER, not PEM"),
            Self::NoPemBlock => f.write_str("the file has no -----BEGIN line"),
            Self::ByteOrderMark => f.write_str("the file starts with a UTF-8 byte order mark"),
            Self::CrlfLineEndings => f.write_str("the file has CRLF line endings"),
            Self::TextBeforePem => f.write_str("there is text before the first PEM block"),
            Self::TruncatedPem(e)
            | Self::CorruptPem(e)
            | Self::UnreadableCertificate(e)
            | Self::UnreadableKey(e)
            | Self::WrongPassphrase(e) => f.write_str(e),
            Self::WrongBlockKind { expected, found } => {
                write!(f, "expected {expected}, found: {}", found.join(", "))
            }
            Self::KeyNotEncrypted(format) => write!(
                f,
                "the key is {format} without encryption, but a passphrase is configured"
            ),
            Self::PassphraseNotAvailable(format) => write!(
                f,
                "the key is {format}; whether it opens and matches its certificate was not checked"
            ),
            Self::PassphraseTrailingNewline(line_end) => write!(
                f,
                "the passphrase does not open the key, but the same passphrase followed by \
                 {line_end} does: the key was encrypted with a passphrase that ended in a line \
                 break, which octavia.conf cannot carry"
            ),
            Self::PubliclyKnownPassphrase(source) => write!(
                f,
                "the key opens with the passphrase published in {source}: anyone can use it"
            ),
            Self::NoCertificate => f.write_str("the bundle holds no certificate"),
            Self::NoKey => f.write_str("the bundle holds no private key"),
            Self::SeveralKeys(n) => write!(f, "the bundle holds {n} private keys"),
            Self::KeyEncrypted(format) => write!(f, "the key is {format}"),
            Self::CaFirst { subject, .. } => {
                write!(f, "the first certificate is the CA \"{subject}\"")
            }
            Self::KeyMismatch(subject) => write!(f, "the key is not the key of \"{subject}\""),
        }
    }
}
