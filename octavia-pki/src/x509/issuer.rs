//! Who issued what, as OpenSSL's `X509_check_issued` decides it.

use crate::cert::Certificate;

use super::path::Budget;

/// Whether `parent` issued `child`: the names match, the key identifiers
/// agree, and `parent`'s key made `child`'s signature. The signature check
/// is charged to `budget`; without budget left the answer is no.
pub(crate) fn issued_by(child: &Certificate, parent: &Certificate, budget: &mut Budget) -> bool {
    child.issuer() == parent.subject()
        && key_ids_agree(child, parent)
        && budget.signature()
        && child.is_signed_by(parent)
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

/// Whether the certificate is a self-signed root (it issued itself).
pub(crate) fn is_self_signed(cert: &Certificate) -> bool {
    issued_by(cert, cert, &mut Budget::default())
}
