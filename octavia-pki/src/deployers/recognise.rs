//! Which deployer's directory: recognised by the names present.

use std::fmt;

use super::Layout;

impl Layout {
    /// The layout of the deployed files in `dir`, by the names present: the
    /// layout all of whose files are there (the one with more files where
    /// one's names contain another's: the gate's contain kolla's), else the
    /// one with the most there, then the fewest missing, else kolla (nothing
    /// there: every file is missing). Two layouts equally likely (files of
    /// both, as many of each) is [`Ambiguous`]. The guide's names are
    /// kolla's, and kolla is chosen.
    pub fn detect(dir: &std::path::Path) -> Result<Self, Ambiguous> {
        let present = |layout: Self| -> Vec<&'static str> {
            layout
                .files()
                .names()
                .into_iter()
                .filter(|name| crate::fsio::exists(&dir.join(name)))
                .collect()
        };
        let score = |layout: Self, present: usize| {
            let names = layout.files().names().len();
            (
                present == names,
                present,
                std::cmp::Reverse(names - present),
            )
        };
        let mut scored: Vec<_> = Self::ALL
            .iter()
            .copied()
            .filter(|l| l.owner().recognised)
            .map(|l| (l, present(l)))
            .filter(|(_, present)| !present.is_empty())
            .map(|(l, present)| (score(l, present.len()), l, present))
            .collect();
        // Stable: equal scores keep the registry's order.
        scored.sort_by_key(|(score, _, _)| std::cmp::Reverse(*score));
        let Some(best) = scored.first().map(|(score, _, _)| *score) else {
            return Ok(Self::Kolla);
        };
        // Among the best, a layout whose names present are all an earlier
        // one's says nothing more (Genestack's top-level names are kolla's).
        let mut tied: Vec<(Self, Vec<&str>)> = Vec::new();
        for (_, layout, present) in scored.into_iter().filter(|(s, _, _)| *s == best) {
            if !tied
                .iter()
                .any(|(_, earlier)| present.iter().all(|n| earlier.contains(n)))
            {
                tied.push((layout, present));
            }
        }
        match tied.as_slice() {
            [(layout, _)] => Ok(layout.marked_in(dir)),
            _ => Err(Ambiguous {
                dir: dir.to_owned(),
                candidates: tied.into_iter().map(|(layout, _)| layout).collect(),
            }),
        }
    }

    /// The deployer sharing this layout's names whose marker is in `dir`
    /// (the guide's drop-in beside kolla's names), else this one.
    pub(crate) fn marked_in(self, dir: &std::path::Path) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|other| {
                other.files() == self.files()
                    && other
                        .owner()
                        .marker
                        .is_some_and(|m| crate::fsio::exists(&dir.join(m)))
            })
            .unwrap_or(self)
    }

    /// The layout whose names `files` (by role, in the order of
    /// [`crate::role::Role::ALL`]) have, all in one directory: how a set read
    /// from octavia.conf is recognised as a deployer's.
    pub fn named_by(files: &[std::path::PathBuf; 5]) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|l| l.owner().recognised)
            .find(|layout| {
                let names = layout.files().0;
                let mut dirs = files.iter().zip(names).map(|(path, name)| {
                    path.to_str()
                        .and_then(|p| p.strip_suffix(name))
                        .filter(|dir| dir.is_empty() || dir.ends_with('/'))
                });
                let first = dirs.next().flatten();
                first.is_some() && dirs.all(|d| d == first)
            })
            .map(|layout| match files[0].parent() {
                Some(dir) => layout.marked_in(dir),
                None => layout,
            })
    }

    /// Among the layouts this crate writes, the one of `dir`: the kolla names
    /// if any is there, else the legacy names if any is there, else kolla.
    pub(crate) fn detect_written(dir: &std::path::Path) -> Self {
        let present = |layout: Self| {
            layout
                .files()
                .names()
                .iter()
                .any(|name| crate::fsio::exists(&dir.join(name)))
        };
        if !present(Self::Kolla) && present(Self::Legacy) {
            Self::Legacy
        } else {
            Self::Kolla
        }
    }
}

/// A directory whose file names fit two layouts equally well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    /// The directory.
    pub dir: std::path::PathBuf,
    /// The layouts it fits.
    pub candidates: Vec<Layout>,
}

impl fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.candidates.iter().map(|l| l.name()).collect();
        write!(
            f,
            "the files in {} fit the layouts {} equally well: name it with --layout, or give the \
             octavia.conf that names the files with --config-file",
            self.dir.display(),
            names.join(" and ")
        )
    }
}

impl std::error::Error for Ambiguous {}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        dir
    }

    #[test]
    fn each_deployers_directory_is_recognised_by_its_names() {
        for layout in Layout::ALL.iter().copied().filter(|l| l.owner().recognised) {
            let dir = dir_with(&layout.files().names());
            assert_eq!(Layout::detect(dir.path()), Ok(layout), "{layout}");
        }
        // The guide's drop-in beside kolla's names says whose they are.
        let guide = dir_with(&["server_ca.cert.pem", "octavia-pki.conf"]);
        assert_eq!(Layout::detect(guide.path()), Ok(Layout::Guide));
        // RHOSO's Secret mounted whole: kolla's names, the client CA's key
        // and the version beside them.
        let mut rhoso = Layout::Kolla.files().names();
        rhoso.extend(["client_ca.key.pem", "version"]);
        assert_eq!(Layout::detect(dir_with(&rhoso).path()), Ok(Layout::Rhoso));
        // Genestack's mounts: kolla's top-level names, its own under private/.
        let genestack = dir_with(&Layout::Genestack.files().names());
        assert_eq!(Layout::detect(genestack.path()), Ok(Layout::Genestack));
        // Nothing there: kolla (every file is then missing).
        assert_eq!(Layout::detect(dir_with(&[]).path()), Ok(Layout::Kolla));
        // A kolla directory missing a file is still kolla, not the gate's
        // (which would miss two).
        let partial = dir_with(&[
            "server_ca.cert.pem",
            "server_ca.key.pem",
            "client.cert-and-key.pem",
        ]);
        assert_eq!(Layout::detect(partial.path()), Ok(Layout::Kolla));
        // Octavia's default names are TripleO's; kolla's legacy layout, with
        // the key beside the CA, stays kolla's; the client key
        // create_certificates.sh leaves beside them says devstack's (Stein and
        // before), its pregenerated copy too.
        let tripleo = ["ca_01.pem", "private/cakey.pem", "client.pem"];
        assert_eq!(
            Layout::detect(dir_with(&tripleo).path()),
            Ok(Layout::Tripleo)
        );
        let legacy = ["ca_01.pem", "cakey.pem", "client.pem"];
        assert_eq!(Layout::detect(dir_with(&legacy).path()), Ok(Layout::Legacy));
        let old = dir_with(&[&tripleo[..], &["client.key", "index.txt", "serial"]].concat());
        assert_eq!(Layout::detect(old.path()), Ok(Layout::DevstackOld));
    }

    #[test]
    fn files_octavia_conf_names_are_recognised_by_their_names_in_one_directory() {
        let base = std::path::Path::new("/etc/octavia/certs");
        for layout in Layout::ALL.iter().copied().filter(|l| l.owner().recognised) {
            let files = layout.files().0.map(|name| base.join(name));
            assert_eq!(Layout::named_by(&files), Some(layout), "{layout}");
        }
        // Names of one deployer in two directories are no one's.
        let mut files = Layout::Charm.files().0.map(|name| base.join(name));
        files[3] = std::path::Path::new("/elsewhere").join(Layout::Charm.files().0[3]);
        assert_eq!(Layout::named_by(&files), None);
        // Named by octavia.conf, devstack's older set is told from TripleO's
        // by the script's client key beside them.
        let old = dir_with(&["ca_01.pem", "private/cakey.pem", "client.pem", "client.key"]);
        let files = Layout::Tripleo.files().0.map(|name| old.path().join(name));
        assert_eq!(Layout::named_by(&files), Some(Layout::DevstackOld));
    }

    #[test]
    fn files_of_two_layouts_alike_are_ambiguous_and_say_what_to_give() {
        let mixed = dir_with(&["server_ca.cert.pem", "server_ca.pem"]);
        let err = Layout::detect(mixed.path()).unwrap_err();
        assert_eq!(err.candidates, [Layout::Kolla, Layout::Osa]);
        let text = err.to_string();
        assert!(
            text.contains("--layout") && text.contains("--config-file"),
            "{text}"
        );
    }
}
