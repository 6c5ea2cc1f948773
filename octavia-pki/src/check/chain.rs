//! Chains, with signatures actually verified: who issued what.

use crate::cert::Certificate;

/// Whether `parent` issued `child`, as OpenSSL's `X509_check_issued` decides
/// it: the names match, the key identifiers agree, and `parent`'s key made
/// `child`'s signature.
pub(crate) fn issued_by(child: &Certificate, parent: &Certificate) -> bool {
    child.issuer() == parent.subject() && key_ids_agree(child, parent) && child.is_signed_by(parent)
}

/// Whether `child`'s authority key identifier and `candidate`'s subject key
/// identifier agree, or either is absent: OpenSSL's `X509_check_akid`
/// discards a candidate issuer whose identifier differs (and then reports
/// `unable to get local issuer certificate`, even when its key made the
/// signature).
pub(crate) fn key_ids_agree(child: &Certificate, candidate: &Certificate) -> bool {
    match (child.authority_key_id(), candidate.subject_key_id()) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

/// Whether the certificate is a self-signed root.
pub(crate) fn is_self_signed(cert: &Certificate) -> bool {
    issued_by(cert, cert)
}

/// The deepest chain this crate follows; real Octavia chains have at most three.
const MAX_DEPTH: usize = 8;

/// Walks up from `start` through certificates of `pool` that issued the
/// current one, until `reached` holds. Returns the certificate where the walk
/// got stuck otherwise.
fn walk<'a>(
    start: &'a Certificate,
    pool: &'a [Certificate],
    reached: impl Fn(&Certificate) -> bool,
) -> Result<(), &'a Certificate> {
    let mut current = start;
    for _ in 0..MAX_DEPTH {
        if reached(current) {
            return Ok(());
        }
        match pool
            .iter()
            .find(|c| !std::ptr::eq(*c, current) && issued_by(current, c))
        {
            Some(next) => current = next,
            None => return Err(current),
        }
    }
    Err(current)
}

/// Follows `leaf` up through `intermediates` until a certificate of `anchors`
/// issued the last one (as the amphora verifies the client certificate).
pub(super) fn chain_to<'a>(
    leaf: &'a Certificate,
    intermediates: &'a [Certificate],
    anchors: &[Certificate],
) -> Result<(), &'a Certificate> {
    walk(leaf, intermediates, |c| {
        anchors.iter().any(|a| issued_by(c, a))
    })
}

/// Within one CA file: whether `first` chains, through the file's other
/// certificates, to a self-signed root in the file.
pub(super) fn complete_in_file<'a>(
    first: &'a Certificate,
    certs: &'a [Certificate],
) -> Result<(), &'a Certificate> {
    walk(first, certs, is_self_signed)
}

/// The name of a signature algorithm OpenSSL 3's security level 1 refuses
/// (MD5, SHA-1), if `oid` is one.
pub(crate) fn weak_signature(oid: &str) -> Option<&'static str> {
    match oid {
        "1.2.840.113549.1.1.4" => Some("MD5 (md5WithRSAEncryption)"),
        "1.2.840.113549.1.1.5" => Some("SHA-1 (sha1WithRSAEncryption)"),
        "1.2.840.10045.4.1" => Some("SHA-1 (ecdsa-with-SHA1)"),
        "1.2.840.10040.4.3" => Some("SHA-1 (dsaWithSHA1)"),
        _ => None,
    }
}
