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
        let score = |layout: Self| {
            let names = layout.files().names();
            let present = names
                .iter()
                .filter(|name| crate::fsio::exists(&dir.join(name)))
                .count();
            let missing = names.len() - present;
            (present == names.len(), present, std::cmp::Reverse(missing))
        };
        let mut scored: Vec<_> = Self::ALL
            .iter()
            .copied()
            .filter(|l| l.owner().recognised)
            .map(|l| (score(l), l))
            .filter(|((_, present, _), _)| *present > 0)
            .collect();
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        match scored.as_slice() {
            [] => Ok(Self::Kolla),
            [(best, first), rest @ ..] => {
                if rest.first().is_none_or(|(next, _)| next != best) {
                    return Ok(*first);
                }
                Err(Ambiguous {
                    dir: dir.to_owned(),
                    candidates: scored
                        .iter()
                        .filter(|(score, _)| score == best)
                        .map(|(_, layout)| *layout)
                        .collect(),
                })
            }
        }
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
