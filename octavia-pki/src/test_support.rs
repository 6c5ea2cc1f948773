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

/// A self-signed certificate valid from `not_before` to `not_after`.
pub(crate) fn leaf_valid(
    not_before: time::OffsetDateTime,
    not_after: time::OffsetDateTime,
) -> crate::cert::Certificate {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["amphora".to_owned()]).unwrap();
    params.not_before = not_before;
    params.not_after = not_after;
    let cert = params.self_signed(&key).unwrap();
    crate::cert::Certificate::from_der(cert.der().to_vec(), 1).unwrap()
}
