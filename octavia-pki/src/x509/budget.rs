//! What one path build may spend, as rustls-webpki's `Budget`: so many
//! signature checks and so deep a chain. A file of thousands of look-alike
//! certificates then costs milliseconds, not minutes (the checker reads
//! files of up to 1 MiB), and running out is said as such
//! ([`super::VerifyError::PathBudgetExhausted`]), never as "not issued".

/// The deepest chain followed; Octavia's chains have three certificates at most.
pub(crate) const MAX_DEPTH: usize = 8;

/// Signature checks one path build may make.
pub(crate) const MAX_SIGNATURE_CHECKS: usize = 100;

/// What one path build may still spend.
#[derive(Debug)]
pub(crate) struct Budget {
    signatures: usize,
}

/// The budget ran out: no answer, rather than a wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

impl Default for Budget {
    fn default() -> Self {
        Self {
            signatures: MAX_SIGNATURE_CHECKS,
        }
    }
}

impl Budget {
    /// Takes one signature check from the budget.
    pub(crate) fn signature(&mut self) -> Result<(), Exhausted> {
        self.signatures = self.signatures.checked_sub(1).ok_or(Exhausted)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out() {
        let mut budget = Budget::default();
        assert_eq!(
            (0..1000).filter(|_| budget.signature().is_ok()).count(),
            MAX_SIGNATURE_CHECKS
        );
        assert_eq!(budget.signature(), Err(Exhausted));
    }
}
