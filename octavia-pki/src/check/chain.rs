//! Chains, with signatures actually verified: who issued what.

use crate::cert::Certificate;

/// Whether `parent` issued `child`: the names match and `parent`'s key made
/// `child`'s signature.
pub(super) fn issued_by(child: &Certificate, parent: &Certificate) -> bool {
    child.issuer() == parent.subject() && child.is_signed_by(parent)
}

/// Whether the certificate is a self-signed root.
pub(super) fn is_self_signed(cert: &Certificate) -> bool {
    issued_by(cert, cert)
}

/// The deepest chain this crate follows; real Octavia chains have at most three.
const MAX_DEPTH: usize = 8;

/// Follows `leaf` up through `intermediates` until a certificate of `anchors`
/// issued the last one. Returns the last certificate reached when no anchor
/// is found.
pub(super) fn chain_to<'a>(
    leaf: &'a Certificate,
    intermediates: &'a [Certificate],
    anchors: &[Certificate],
) -> Result<(), &'a Certificate> {
    let mut current = leaf;
    for _ in 0..MAX_DEPTH {
        if anchors.iter().any(|a| issued_by(current, a)) {
            return Ok(());
        }
        match intermediates
            .iter()
            .find(|i| !std::ptr::eq(*i, current) && issued_by(current, i))
        {
            Some(next) => current = next,
            None => return Err(current),
        }
    }
    Err(current)
}

/// Within one CA file: whether `first` chains, through the file's other
/// certificates, to a self-signed root in the file. Returns the certificate
/// whose issuer is missing otherwise.
pub(super) fn complete_in_file<'a>(
    first: &'a Certificate,
    certs: &'a [Certificate],
) -> Result<(), &'a Certificate> {
    let mut current = first;
    for _ in 0..MAX_DEPTH {
        if is_self_signed(current) {
            return Ok(());
        }
        match certs
            .iter()
            .find(|c| !std::ptr::eq(*c, current) && issued_by(current, c))
        {
            Some(next) => current = next,
            None => return Err(current),
        }
    }
    Err(current)
}
