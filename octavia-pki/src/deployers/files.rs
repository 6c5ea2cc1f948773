//! The names of one deployer's files, by role.

use crate::role::Role;

/// The file names of one deployed layout, relative to its directory, in the
/// order of [`Role::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeployedFiles(pub(crate) [&'static str; 5]);

impl DeployedFiles {
    /// The file that plays `role`.
    pub const fn of(self, role: Role) -> &'static str {
        self.0[role.index()]
    }

    /// Each file name once, in the order of [`Role::ALL`] (the legacy layout
    /// names `ca_01.pem` three times).
    pub fn names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for name in self.0 {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}
