//! What `generate` reports ([`GenerateReport`], `generate --format json`):
//! the set made, where it went, and what was written. A file of its own
//! beside `generate.rs`: it names [`Packing`], and `packed.rs` writes
//! through `generate.rs`'s `Destination`.
//!
//! The published schema (`generate`, version 3) names these types `Report`
//! and `CertSummary` and describes none of their own fields: the
//! `schemars` attributes keep its words as published until its next version.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cert::Certificate;
use crate::deployers::Layout;
use crate::fsio::WriteReport;
use crate::packed::Packing;

/// What `generate` made and wrote (or, dry, would write).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Report")]
pub struct GenerateReport<'a> {
    /// A demonstration set (`--demo`): its passphrases sit beside it.
    #[schemars(description = "")]
    pub demo: bool,
    /// The layout written.
    #[schemars(description = "")]
    pub layout: Layout,
    /// The deployer's document or tree written, for a packed set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "")]
    pub output: Option<&'a Path>,
    /// How the set was packed into that document or tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "")]
    pub packing: Option<Packing>,
    /// The keys' type (`rsa-4096`).
    #[schemars(description = "")]
    pub key_type: String,
    /// The deployed directory.
    #[schemars(description = "")]
    pub dir: &'a Path,
    /// The CA work directory.
    #[schemars(description = "")]
    pub work_dir: &'a Path,
    /// Where the CA keys' passphrases came from, in words.
    #[schemars(description = "")]
    pub passphrases_from: String,
    /// The passwords file the passphrases are in, when they are in one (not
    /// in the report: for the commands a person is told to run next).
    #[serde(skip)]
    pub passphrases_path: Option<PathBuf>,
    /// The passphrase file the passphrases came from, when one (not in the
    /// report: for the commands a person is told to run next).
    #[serde(skip)]
    pub passphrase_file: Option<PathBuf>,
    /// Whose set (not in the report: for the words a person is told next).
    #[serde(skip)]
    #[schemars(skip)]
    pub deployer: &'static crate::deployers::Deployer,
    /// The certificates made, the server CA's first.
    #[schemars(description = "")]
    pub certificates: Vec<GeneratedCertificate>,
    /// Nothing was written.
    #[schemars(description = "")]
    pub dry_run: bool,
    /// What a dry run would write.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(description = "")]
    pub would_write: Vec<PathBuf>,
    /// What was written and backed up.
    #[serde(flatten)]
    #[schemars(description = "")]
    pub write: WriteReport,
    /// How long it took, in milliseconds.
    #[schemars(description = "")]
    pub elapsed_ms: u128,
}

/// A certificate `generate` made, as its report shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "CertSummary", description = "")]
pub struct GeneratedCertificate {
    /// Its role in the set: `server_ca`, `client_ca` or `client`.
    #[schemars(description = "")]
    pub role: &'static str,
    /// Its subject.
    #[schemars(description = "")]
    pub subject: String,
    /// Its issuer.
    #[schemars(description = "")]
    pub issuer: String,
    /// The end of its validity (RFC 3339).
    #[schemars(description = "")]
    pub not_after: String,
    /// The SHA-256 fingerprint of its DER.
    #[schemars(description = "")]
    pub sha256_fingerprint: String,
}

impl GeneratedCertificate {
    /// `cert`, made for `role`.
    pub fn new(role: &'static str, cert: &Certificate) -> Self {
        Self {
            role,
            subject: cert.subject().to_owned(),
            issuer: cert.issuer().to_owned(),
            not_after: cert.not_after_rfc3339(),
            sha256_fingerprint: cert.sha256_fingerprint(),
        }
    }
}
