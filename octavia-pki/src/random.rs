//! Randomness, from the one crypto backend (aws-lc).

/// Fills `buf` with cryptographically secure random bytes.
///
/// aws-lc's generator only fails when the operating system cannot give it
/// entropy; no key, salt or serial may be made without it, so that is fatal.
pub(crate) fn fill(buf: &mut [u8]) {
    aws_lc_rs::rand::fill(buf).expect("the operating system's random number generator failed");
}

/// A fresh array of random bytes.
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}
