//! Path building, bounded by a [`Budget`]: one walk up the issuers for every
//! chain this crate follows (the client certificate to the client CA, a CA
//! file to its root, the chain OpenSSL sends, the path the verifier builds).

use crate::cert::Certificate;

use super::budget::{Budget, Exhausted, MAX_DEPTH};
use super::issuer::issued_by;

/// The first certificate of `pool` other than `current` that issued it.
pub(crate) fn issuer_in<'a>(
    current: &Certificate,
    pool: &'a [Certificate],
    budget: &mut Budget,
) -> Result<Option<&'a Certificate>, Exhausted> {
    for candidate in pool {
        if !std::ptr::eq(candidate, current) && issued_by(current, candidate, budget)? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Whether a certificate of `pool` issued `current`.
fn any_issued(
    current: &Certificate,
    pool: &[Certificate],
    budget: &mut Budget,
) -> Result<bool, Exhausted> {
    for candidate in pool {
        if issued_by(current, candidate, budget)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Walks up from `start` through the certificates of `pool` that issued the
/// current one, until `reached` holds. Returns the certificate where the walk
/// got stuck otherwise (or where the budget ran out: the chain is then not
/// shown to be complete).
fn walk<'a>(
    start: &'a Certificate,
    pool: &'a [Certificate],
    mut reached: impl FnMut(&Certificate, &mut Budget) -> Result<bool, Exhausted>,
) -> Result<(), &'a Certificate> {
    let mut budget = Budget::default();
    let mut current = start;
    for _ in 0..MAX_DEPTH {
        match reached(current, &mut budget) {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(Exhausted) => return Err(current),
        }
        match issuer_in(current, pool, &mut budget) {
            Ok(Some(next)) => current = next,
            Ok(None) | Err(Exhausted) => return Err(current),
        }
    }
    Err(current)
}

/// Follows `leaf` up through `intermediates` until a certificate of `anchors`
/// issued the last one (as the amphora verifies the client certificate).
pub(crate) fn chain_to<'a>(
    leaf: &'a Certificate,
    intermediates: &'a [Certificate],
    anchors: &[Certificate],
) -> Result<(), &'a Certificate> {
    walk(leaf, intermediates, |c, budget| {
        any_issued(c, anchors, budget)
    })
}

/// Within one CA file: whether `first` chains, through the file's other
/// certificates, to a self-signed root in the file.
pub(crate) fn complete_in_file<'a>(
    first: &'a Certificate,
    certs: &'a [Certificate],
) -> Result<(), &'a Certificate> {
    walk(first, certs, |c, budget| issued_by(c, c, budget))
}

/// The chain OpenSSL sends with a certificate whose file holds no chain: it
/// builds one from its own verify store (`SSL_CTX` auto-chaining), up to and
/// including a self-signed root.
pub(crate) fn auto_chain(leaf: &Certificate, store: &[Certificate]) -> Vec<Certificate> {
    let mut budget = Budget::default();
    let mut chain: Vec<Certificate> = Vec::new();
    let mut current = leaf;
    for _ in 0..MAX_DEPTH {
        if issued_by(current, current, &mut budget).unwrap_or(true) {
            break;
        }
        let Ok(Some(issuer)) = issuer_in(current, store, &mut budget) else {
            break;
        };
        chain.push(issuer.clone());
        current = issuer;
    }
    chain
}

/// The certificates of `trusted` on the paths up from `start` as OpenSSL
/// builds them (`X509_V_FLAG_TRUSTED_FIRST`, the default since 1.1.0, and
/// its search for alternative chains): each certificate's issuers sought in
/// `trusted` first, every one there that issued it (a CA cross-signed by two
/// roots); in `untrusted` (the first that issued it) only when none of
/// `trusted` did; up to self-signed roots, [`MAX_DEPTH`] deep, within one
/// budget. `start` itself is not included.
pub(crate) fn trusted_paths<'a>(
    start: &'a Certificate,
    trusted: &'a [Certificate],
    untrusted: &'a [Certificate],
) -> Result<Vec<&'a Certificate>, Exhausted> {
    let mut budget = Budget::default();
    let mut found: Vec<&'a Certificate> = Vec::new();
    let mut frontier = vec![start];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for current in frontier {
            if issued_by(current, current, &mut budget)? {
                continue; // a root: its path ends here
            }
            let mut anchored = false;
            for candidate in trusted {
                if !std::ptr::eq(candidate, current) && issued_by(current, candidate, &mut budget)?
                {
                    anchored = true;
                    if !found.iter().any(|f| std::ptr::eq(*f, candidate)) {
                        found.push(candidate);
                        next.push(candidate);
                    }
                }
            }
            if !anchored && let Some(issuer) = issuer_in(current, untrusted, &mut budget)? {
                next.push(issuer);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    Ok(found)
}
