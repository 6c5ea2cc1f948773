//! What a command reads a set from, whichever form it has: a directory in a
//! deployer's layout (or recognised by its names), octavia.conf's options,
//! a deployer's document (the charm's options, Kubernetes Secrets), or
//! OpenStack-Ansible's deploy-host tree. Every reading command (check,
//! rehearse, expiry, probe, renew, rotate, node check) takes a [`Target`]
//! and opens it the same way, into the file map ([`Sources`]), the work
//! directory, the directories a change locks, and the way to write back.

use std::path::{Path, PathBuf};

use crate::deployers::{Deployer, Layout};
use crate::error::Result;
use crate::housekeeping::CertRotation;
use crate::packed::{PackedKind, Unpacked};
use crate::secret::Passphrase;
use crate::sources::Sources;

/// What a command reads a set from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A directory: the deployed files in `layout` (`None`: recognised by
    /// the names present), or OpenStack-Ansible's deploy-host tree (with
    /// `None` or [`Layout::Osa`]).
    Directory {
        /// The directory.
        dir: PathBuf,
        /// Its layout, or `None` to recognise it.
        layout: Option<Layout>,
    },
    /// The files octavia.conf's options name (later files win, as with
    /// Octavia's own `--config-file`).
    OctaviaConf(Vec<PathBuf>),
    /// A deployer's document, unpacked as its deployer does.
    Document {
        /// The document.
        file: PathBuf,
        /// Which kind.
        kind: PackedKind,
    },
}

/// A target opened: its files, and the document they came from.
#[derive(Debug)]
#[non_exhaustive]
pub struct Opened {
    /// The file map, with the vault password and a tree's work directory
    /// (the passphrase and another work directory are the caller's to add).
    pub sources: Sources,
    /// The document or tree the files were unpacked from, which a change is
    /// packed back into.
    pub unpacked: Option<Unpacked>,
}

impl Target {
    /// OpenStack-Ansible's deploy-host tree, when the target is one.
    pub fn tree(&self) -> Option<&Path> {
        match self {
            Self::Directory { dir, layout }
                if matches!(layout, None | Some(Layout::Osa)) && crate::osa_tree::is_tree(dir) =>
            {
                Some(dir)
            }
            _ => None,
        }
    }

    /// The document given (the charm's options, Secrets).
    pub fn document(&self) -> Option<&Path> {
        match self {
            Self::Document { file, .. } => Some(file),
            _ => None,
        }
    }

    /// Whether the files (and the CA key's passphrase) are named by
    /// something other than a directory's layout.
    pub fn names_files(&self) -> bool {
        !matches!(self, Self::Directory { .. }) || self.tree().is_some()
    }

    /// The deployer the target is known to be before it is read: the layout
    /// named, the document's kind; `None` for a directory to recognise and
    /// for octavia.conf.
    pub fn known_deployer(&self) -> Option<&'static Deployer> {
        match self {
            Self::Directory { .. } if self.tree().is_some() => Some(Layout::Osa.owner()),
            Self::Directory { layout, .. } => layout.map(Layout::owner),
            Self::Document {
                kind: PackedKind::Charm,
                ..
            } => Some(Layout::Charm.owner()),
            _ => None,
        }
    }

    /// Whose set it is, as far as known before it is read: the layout named,
    /// the document's kind, else the deployer whose names a directory has;
    /// kolla-ansible's when unknown (octavia.conf, Secrets not yet read).
    pub fn deployer(&self) -> &'static Deployer {
        self.known_deployer()
            .or_else(|| match self {
                Self::Directory { dir, .. } => Layout::detect(dir).ok().map(Layout::owner),
                _ => None,
            })
            .unwrap_or(Layout::Kolla.owner())
    }

    /// The CA work directory when none is given: a tree's own, else beside
    /// a document (`octavia-ca`), else the deployer's default (kolla's when
    /// the deployer is not known).
    pub fn default_work_dir(&self) -> PathBuf {
        if let Some(tree) = self.tree() {
            return tree.to_owned();
        }
        if let Some(document) = self.document() {
            return work_dir_beside(document);
        }
        let work_dir = self.deployer().writes.and_then(|w| w.work_dir);
        PathBuf::from(work_dir.unwrap_or(crate::deployers::KOLLA_WORK_DIR))
    }

    /// The directories a change of this set locks, known before anything is
    /// unpacked, the work directory (or tree) first, where journals are
    /// kept: a tree alone; else the work directory and a document's
    /// directory (rather than the temporary one it is unpacked into), or
    /// octavia.conf's files' directories, or the deployed directory.
    pub fn lock_dirs(&self, work_dir: &Path, vault: Option<&Passphrase>) -> Result<Vec<PathBuf>> {
        if let Some(tree) = self.tree() {
            return Ok(vec![std::path::absolute(tree).unwrap_or(tree.to_owned())]);
        }
        let mut dirs = vec![work_dir.to_owned()];
        match self {
            Self::Document { file, .. } => dirs.push(parent_dir(file).to_owned()),
            Self::Directory { dir, .. } => dirs.push(dir.clone()),
            Self::OctaviaConf(_) => {
                let sources = self.open(vault)?.sources;
                dirs.extend(
                    sources
                        .paths()
                        .into_iter()
                        .filter_map(Path::parent)
                        .map(Path::to_owned),
                );
            }
        }
        Ok(dirs)
    }

    /// How housekeeping rotates the amphorae's certificates: octavia.conf's
    /// options ([`crate::octavia_conf::OctaviaConf::cert_rotation`]) when the
    /// target is octavia.conf, else Octavia's defaults.
    pub fn cert_rotation(&self, vault: Option<&Passphrase>) -> Result<CertRotation> {
        match self {
            Self::OctaviaConf(files) => {
                crate::octavia_conf::OctaviaConf::read(files, vault)?.cert_rotation()
            }
            _ => Ok(CertRotation::default()),
        }
    }

    /// Reads the target into its file map: a directory's layout (recognised
    /// when not named), octavia.conf's options, a document or tree unpacked
    /// as its deployer does.
    pub fn open(&self, vault: Option<&Passphrase>) -> Result<Opened> {
        if let Some(tree) = self.tree() {
            return Self::unpack(tree, PackedKind::OsaTree, vault);
        }
        let sources = match self {
            Self::Directory { dir, layout } => Sources::in_dir(dir, *layout)?,
            Self::OctaviaConf(files) => {
                crate::octavia_conf::OctaviaConf::read(files, vault)?.sources()
            }
            Self::Document { file, kind } => return Self::unpack(file, *kind, vault),
        };
        Ok(Opened {
            sources: sources.with_vault_password(vault.cloned()),
            unpacked: None,
        })
    }

    fn unpack(file: &Path, kind: PackedKind, vault: Option<&Passphrase>) -> Result<Opened> {
        let unpacked = Unpacked::read(file, kind, vault)?;
        // A tree's work directory (and its history) is unpacked with it.
        let sources = unpacked
            .sources()
            .with_vault_password(vault.cloned())
            .with_work_dir(unpacked.work_dir());
        Ok(Opened {
            sources,
            unpacked: Some(unpacked),
        })
    }
}

impl std::fmt::Display for Target {
    /// In words: `the directory /etc/kolla/config/octavia`, `octavia.conf
    /// /etc/octavia/octavia.conf`, `charm-options.yaml`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Directory { dir, .. } => write!(f, "{}", dir.display()),
            Self::OctaviaConf(files) => {
                let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
                write!(f, "octavia.conf {}", files.join(", "))
            }
            Self::Document { file, .. } => write!(f, "{}", file.display()),
        }
    }
}

/// The CA work directory of a document (the charm's options, Secrets) when
/// none is given: `octavia-ca` beside it.
pub fn work_dir_beside(document: &Path) -> PathBuf {
    parent_dir(document).join("octavia-ca")
}

/// The directory of `path` ("." for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_work_dir_is_the_deployers_whose_names_the_directory_has() {
        let tmp = tempfile::tempdir().unwrap();
        let with = |layout: Layout| {
            let dir = tmp.path().join(layout.name());
            for name in layout.file_names() {
                let path = dir.join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "x").unwrap();
            }
            Target::Directory { dir, layout: None }.default_work_dir()
        };
        assert_eq!(with(Layout::Devstack), Path::new("/etc/octavia/ca"));
        assert_eq!(
            with(Layout::Kolla),
            Path::new(crate::deployers::KOLLA_WORK_DIR)
        );
        let document = Target::Document {
            file: tmp.path().join("octavia-certs.yaml"),
            kind: PackedKind::Charm,
        };
        assert_eq!(document.default_work_dir(), tmp.path().join("octavia-ca"));
    }
}
