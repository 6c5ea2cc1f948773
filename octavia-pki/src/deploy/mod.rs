//! The deployment around the certificates, as kolla-ansible runs it.
//!
//! [`audit`] reads a Kolla configuration for Octavia (globals.yml,
//! passwords.yml, and the certificate directory through [`crate::check`])
//! and reports each problem as a finding with a code of [`crate::codes::deploy`]
//! and the file, key and line it is at. [`plan()`] gives the ordered setup
//! steps, each with the pitfall it avoids, as text, JSON or a bash script.

mod audit;
mod certs_vars;
mod plan;
mod settings;

use std::path::PathBuf;

pub use audit::{DeployFinding, DeployReport, Inputs, KEYSTONE_PASSWORD, Mode, audit};
pub use certs_vars::{KollaCertVars, RejectedVar};
pub use plan::{Plan, Step, Variable, plan};
pub use settings::Settings;

/// kolla-ansible's globals.yml, where it is by default.
pub const DEFAULT_GLOBALS: &str = "/etc/kolla/globals.yml";
/// kolla-ansible's custom configuration directory, by default.
pub const DEFAULT_CONFIG_DIR: &str = "/etc/kolla/config";

/// Why an audit or a plan could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// A file could not be read, or passwords.yml could not be parsed.
    #[error(transparent)]
    Pki(#[from] crate::error::Error),
    /// globals.yml is not valid YAML or not a mapping.
    #[error("{}: not valid YAML{}: {message}", path.display(), line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Yaml {
        /// The file.
        path: PathBuf,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
}
