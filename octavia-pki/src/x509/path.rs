//! Path building, bounded: one walk up the issuers for every chain this crate
//! follows (the client certificate to the client CA, a CA file to its root,
//! the chain OpenSSL sends, the path the verifier builds).
//!
//! Like rustls-webpki's `Budget`, a build may check only so many signatures:
//! a file of thousands of look-alike certificates costs milliseconds, not
//! minutes (the checker reads files of up to 2 MiB).

use crate::cert::Certificate;

use super::issuer::issued_by;

/// The deepest chain followed; Octavia's chains have three certificates at most.
pub(crate) const MAX_DEPTH: usize = 8;

/// Signature checks one path build may make.
const MAX_SIGNATURE_CHECKS: usize = 100;

/// What one path build may still spend.
#[derive(Debug)]
pub(crate) struct Budget {
    signatures: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            signatures: MAX_SIGNATURE_CHECKS,
        }
    }
}

impl Budget {
    /// Takes one signature check from the budget; false when none is left.
    pub(super) fn signature(&mut self) -> bool {
        match self.signatures.checked_sub(1) {
            Some(left) => {
                self.signatures = left;
                true
            }
            None => false,
        }
    }
}

/// The first certificate of `pool` other than `current` that issued it.
pub(crate) fn issuer_in<'a>(
    current: &Certificate,
    pool: &'a [Certificate],
    budget: &mut Budget,
) -> Option<&'a Certificate> {
    pool.iter()
        .find(|c| !std::ptr::eq(*c, current) && issued_by(current, c, budget))
}

/// Walks up from `start` through the certificates of `pool` that issued the
/// current one, until `reached` holds. Returns the certificate where the walk
/// got stuck otherwise.
fn walk<'a>(
    start: &'a Certificate,
    pool: &'a [Certificate],
    mut reached: impl FnMut(&Certificate, &mut Budget) -> bool,
) -> Result<(), &'a Certificate> {
    let mut budget = Budget::default();
    let mut current = start;
    for _ in 0..MAX_DEPTH {
        if reached(current, &mut budget) {
            return Ok(());
        }
        match issuer_in(current, pool, &mut budget) {
            Some(next) => current = next,
            None => return Err(current),
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
        anchors.iter().any(|a| issued_by(c, a, budget))
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
        if issued_by(current, current, &mut budget) {
            break;
        }
        let Some(issuer) = issuer_in(current, store, &mut budget) else {
            break;
        };
        chain.push(issuer.clone());
        current = issuer;
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out() {
        let mut budget = Budget::default();
        assert_eq!(
            (0..1000).filter(|_| budget.signature()).count(),
            MAX_SIGNATURE_CHECKS
        );
    }
}
