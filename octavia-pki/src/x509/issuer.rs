//! Who issued what, as OpenSSL's `X509_check_issued` decides it.

use crate::cert::Certificate;

use super::budget::{Budget, Exhausted};

/// Whether `parent` issued `child`: the names match, the key identifiers
/// agree, and `parent`'s key made `child`'s signature. The signature check
/// is charged to `budget`; without budget left there is no answer.
pub(crate) fn issued_by(
    child: &Certificate,
    parent: &Certificate,
    budget: &mut Budget,
) -> Result<bool, Exhausted> {
    if child.issuer() != parent.subject() || !key_ids_agree(child, parent) {
        return Ok(false);
    }
    budget.signature()?;
    Ok(child.is_signed_by(parent))
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

/// Whether `parent` issued `child`, asked once, outside any path build
/// (one check from a fresh budget, which cannot run out).
pub(crate) fn issued(child: &Certificate, parent: &Certificate) -> bool {
    issued_by(child, parent, &mut Budget::default()).unwrap_or(false)
}

/// Whether the certificate is a self-signed root (it issued itself).
pub(crate) fn is_self_signed(cert: &Certificate) -> bool {
    issued(cert, cert)
}
