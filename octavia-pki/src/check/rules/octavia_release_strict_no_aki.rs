//! `octavia-release-strict-no-aki`: under Python 3.13's strict verification (--strict), some targeted Octavia releases refuse the amphora certificates they issue themselves, whatever the files hold.
//!
//! Reported from the rehearsal: [`super::rehearsal_failed::code_of`].

use super::{Applies, Rule};
use crate::codes::check as codes;

/// Reported from the rehearsal's failures.
pub(crate) const RULE: Rule = Rule {
    code: codes::OCTAVIA_RELEASE_STRICT_NO_AKI,
    applies: Applies::Rehearsal,
};
