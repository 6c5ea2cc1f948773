//! The file map: for each role Octavia gives a file, which file plays it.
//!
//! Every reader of a deployed set ([`crate::check`], [`crate::rehearse`],
//! [`crate::model::DeployedPki`], the probe's identity, `node check`, renewals and
//! rotations) starts from a [`Sources`], and [`crate::load`] reads it: nothing
//! else decides which file is the server CA. A deployer's layout is one
//! constructor of it ([`Sources::of_layout`] for kolla-ansible's two).

use std::path::{Path, PathBuf};

use crate::deployers::{Deployer, Layout};
pub use crate::role::Role;
use crate::secret::Passphrase;

/// Where a file map came from, as reports say it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Origin {
    /// A directory, named in a deployer's layout.
    Layout(Layout),
    /// The options of these octavia.conf files (in oslo.config's order:
    /// later files win).
    OctaviaConf(Vec<PathBuf>),
    /// A document a deployer unpacks into the files ([`crate::packed`]):
    /// the charm's options, Kubernetes Secrets.
    Packed {
        /// The document.
        file: PathBuf,
        /// What names each role's file in it, in the order of [`Role::ALL`]
        /// (`lb-mgmt-issuing-cacert`, `Secret octavia-certs key server_ca.cert.pem`).
        keys: [String; 5],
    },
}

impl std::fmt::Display for Origin {
    /// `layout kolla`, or `octavia.conf /etc/octavia/octavia.conf, ...`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Layout(layout) => write!(f, "layout {layout}"),
            Self::OctaviaConf(files) => {
                let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
                write!(f, "octavia.conf {}", files.join(", "))
            }
            Self::Packed { file, .. } => write!(f, "{}", file.display()),
        }
    }
}

/// The deployed files of one Octavia set, by role, with what unlocks the
/// server CA key and, optionally, the CA work directory it was made from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Sources {
    /// The directory the files' names are relative to, in reports; for a
    /// set read from octavia.conf, its first configuration file.
    pub dir: PathBuf,
    /// The layout whose names these are. For a set read from octavia.conf,
    /// the shape its files have: [`Layout::Legacy`] when one file is both
    /// the issuing CA and the client CA, else [`Layout::Kolla`].
    pub layout: Layout,
    /// The file of each role, in the order of [`Role::ALL`].
    files: [PathBuf; 5],
    /// Whose set it is, for the words of reports ([`Sources::deployer`]).
    deployer: &'static Deployer,
    /// A directory's layout, or octavia.conf (then reports name a file by
    /// its option: `[haproxy_amphora] server_ca = /etc/octavia/certs/server_ca.pem`).
    pub origin: Origin,
    /// Kolla's passwords.yml, for `octavia_ca_password`.
    pub passwords: Option<PathBuf>,
    /// The server CA passphrase, given directly (wins over `passwords`).
    pub passphrase: Option<Passphrase>,
    /// The CA work directory (`/etc/kolla/octavia-certificates`).
    pub work_dir: Option<PathBuf>,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault_password: Option<Passphrase>,
    /// What octavia.conf says beyond the files, for a set read from it.
    pub(crate) conf: Option<ConfOptions>,
    /// `passphrase` is exactly the string Octavia uses, as oslo.config
    /// read it from octavia.conf: rendered into no file again, a `$` in it
    /// is no reference (and a line break no end of line).
    pub(crate) passphrase_is_octavias: bool,
    /// The deployer's option the given passphrase comes from, when its
    /// template writes it into octavia.conf (the charm's).
    pub(crate) passphrase_option: Option<PassphraseOption>,
}

/// A passphrase given through a deployer's option that its template writes
/// into octavia.conf (the charm's `lb-mgmt-issuing-ca-key-passphrase`): the
/// given passphrase is the string Octavia reads of it.
#[derive(Debug, Clone)]
pub(crate) struct PassphraseOption {
    /// The option.
    pub(crate) name: &'static str,
    /// How the string Octavia reads differs from the option's text.
    pub(crate) changed: Vec<crate::passwords::problem::Rendering>,
}

/// The options of octavia.conf the checker judges besides the files.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfOptions {
    /// `[certificates] server_certs_key_passphrase` (a secret), and where
    /// it is set (`line 12 of /etc/octavia/octavia.conf`); `None`: unset.
    pub(crate) certs_key_passphrase: Option<(Passphrase, String)>,
    /// What the checker notes on the options that name a file or a
    /// passphrase (a `$` reference, a continuation line): the code, and
    /// what and where, never the value.
    pub(crate) notes: Vec<(crate::codes::Code, String)>,
}

impl Sources {
    /// The files of `layout` in `dir`: kolla-ansible's names since Ussuri
    /// (two CAs), or its legacy names (one CA for both roles).
    pub fn of_layout(dir: &Path, layout: Layout) -> Self {
        let f = layout.files();
        let file = |role| dir.join(f.of(role));
        Self {
            dir: dir.to_owned(),
            layout,
            files: Role::ALL.map(file),
            deployer: layout.owner(),
            origin: Origin::Layout(layout),
            passwords: None,
            passphrase: None,
            work_dir: None,
            vault_password: None,
            conf: None,
            passphrase_is_octavias: false,
            passphrase_option: None,
        }
    }

    /// Files named by octavia.conf's options, in the order of [`Role::ALL`]
    /// ([`crate::octavia_conf::OctaviaConf::sources`]), read from
    /// `config_files`; `dir` is the first.
    pub(crate) fn by_option(
        config_files: Vec<PathBuf>,
        files: [PathBuf; 5],
        passphrase: Option<Passphrase>,
        conf: ConfOptions,
    ) -> Self {
        let dir = config_files.first().cloned().unwrap_or_default();
        let one_ca = files[0] == files[4];
        // The deployer whose names the files have, all in one directory;
        // else the shape they have: one CA for both roles, or two.
        let named = Layout::named_by(&files);
        Self {
            dir,
            layout: match named {
                Some(layout) if layout.is_single_ca() == one_ca => layout,
                _ if one_ca => Layout::Legacy,
                _ => Layout::Kolla,
            },
            files,
            // Files named in octavia.conf, whoever wrote it: its passphrase
            // is octavia.conf's, and a change is put in use by restarting
            // the services, in the words of a set kept by hand.
            deployer: Layout::Guide.owner(),
            origin: Origin::OctaviaConf(config_files),
            passwords: None,
            passphrase,
            work_dir: None,
            vault_password: None,
            conf: Some(conf),
            passphrase_is_octavias: false,
            passphrase_option: None,
        }
    }

    /// The files in `dir`, of `layout` or, when `None`, of the layout its
    /// file names say ([`Layout::detect`]; two equally likely is an error).
    pub fn in_dir(dir: &Path, layout: Option<Layout>) -> crate::error::Result<Self> {
        let layout = match layout {
            Some(layout) => layout,
            None => Layout::detect(dir)?,
        };
        Ok(Self::of_layout(dir, layout))
    }

    /// With passwords.yml and a passphrase given directly (which wins).
    pub fn with_passphrase(
        mut self,
        passwords: Option<PathBuf>,
        passphrase: Option<Passphrase>,
    ) -> Self {
        self.passwords = passwords;
        self.passphrase = passphrase;
        self
    }

    /// With the Ansible Vault password ([`crate::vault`]).
    pub fn with_vault_password(mut self, password: Option<Passphrase>) -> Self {
        self.vault_password = password;
        self
    }

    /// Whether the files were named by octavia.conf's options (then
    /// [`Sources::dir`] is its first file, not a directory).
    pub(crate) fn named_by_options(&self) -> bool {
        matches!(self.origin, Origin::OctaviaConf(_))
    }

    /// With the CA work directory.
    pub fn with_work_dir(mut self, work_dir: Option<PathBuf>) -> Self {
        self.work_dir = work_dir;
        self
    }

    /// Whose set it is: the deployer of the layout, of the document it was
    /// unpacked from; for files octavia.conf names, one kept by hand.
    pub fn deployer(&self) -> &'static Deployer {
        self.deployer
    }

    /// As `deployer`'s (a document's deployer, whose files are laid out as
    /// another's).
    pub(crate) fn of_deployer(mut self, deployer: &'static Deployer) -> Self {
        self.deployer = deployer;
        self
    }

    /// The file that plays `role`.
    pub fn path(&self, role: Role) -> &Path {
        &self.files[role.index()]
    }

    /// The file's name in reports: relative to [`Sources::dir`] where it is
    /// inside, or, for a set read from octavia.conf, the option that names it
    /// (`[haproxy_amphora] server_ca = /etc/octavia/certs/server_ca.pem`).
    pub fn name(&self, role: Role) -> String {
        let path = self.path(role);
        if let Origin::Packed { file, keys } = &self.origin {
            return format!("{} in {}", keys[role.index()], file.display());
        }
        if self.named_by_options() {
            let (section, key) = role.option();
            return format!("[{section}] {key} = {}", path.display());
        }
        path.strip_prefix(&self.dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// Where the given passphrase's option is, as reports name it
    /// (`lb-mgmt-issuing-ca-key-passphrase in octavia-certs.yaml`), when it
    /// comes from a deployer's option.
    pub(crate) fn passphrase_option_name(&self) -> Option<String> {
        let option = self.passphrase_option.as_ref()?;
        Some(match &self.origin {
            Origin::Packed { file, .. } => format!("{} in {}", option.name, file.display()),
            _ => option.name.to_owned(),
        })
    }

    /// The role that reads `role`'s file first: roles sharing one file
    /// (kolla's `server_ca.cert.pem` is both `ca_certificate` and
    /// `server_ca`) are read once, as that role.
    pub fn first_reader(&self, role: Role) -> Role {
        let path = self.path(role);
        Role::ALL
            .into_iter()
            .find(|r| self.path(*r) == path)
            .unwrap_or(role)
    }

    /// Each file once, in the order of [`Role::ALL`].
    pub fn paths(&self) -> Vec<&Path> {
        let mut paths: Vec<&Path> = Vec::new();
        for role in Role::ALL {
            let path = self.path(role);
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        paths
    }

    /// Every file this set reads: the deployed ones and passwords.yml.
    pub(crate) fn every_input(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.paths()
            .into_iter()
            .map(Path::to_owned)
            .chain(self.passwords.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kolla_names_one_file_for_the_issuing_and_the_trusted_server_ca() {
        let s = Sources::of_layout(Path::new("/etc/kolla/config/octavia"), Layout::Kolla);
        assert_eq!(s.name(Role::CaCertificate), "server_ca.cert.pem");
        assert_eq!(s.name(Role::ServerCa), "server_ca.cert.pem");
        assert_eq!(s.first_reader(Role::ServerCa), Role::CaCertificate);
        assert_eq!(s.name(Role::ClientCa), "client_ca.cert.pem");
        assert_eq!(s.paths().len(), 4);
    }

    #[test]
    fn the_legacy_layout_has_one_ca_file_for_both_roles() {
        let s = Sources::of_layout(Path::new("/x"), Layout::Legacy);
        assert_eq!(s.first_reader(Role::ClientCa), Role::CaCertificate);
        assert_eq!(s.name(Role::ClientCert), "client.pem");
        assert_eq!(s.paths().len(), 3);
    }
}
