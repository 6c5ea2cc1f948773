//! What the unit tests share: the committed fixtures of `testdata/`.

use std::path::{Path, PathBuf};

use crate::load::{Load, load};
use crate::sources::Sources;

/// A path below `testdata/`.
pub(crate) fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(rel)
}

/// A case of `testdata/check/`: its file map, with its passwords.yml, and
/// what the loader read of it.
pub(crate) fn check_fixture(case: &str) -> (Sources, Load) {
    let dir = testdata("check").join(case);
    let sources = Sources::in_dir(&dir, None)
        .unwrap()
        .with_passphrase(Some(dir.join("passwords.yml")), None);
    let load = load(&sources);
    (sources, load)
}
