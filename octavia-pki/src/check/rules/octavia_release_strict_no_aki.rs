//! `octavia-release-strict-no-aki`: under Python 3.13's strict verification (--strict), some targeted Octavia releases refuse the amphora certificates they issue themselves, whatever the files hold.
//!
//! Reported from the rehearsal: [`super::rehearsal_failed::code_of`].

use super::{Applies, Rule};

super::rule_code! {
    id = "octavia-release-strict-no-aki",
    severity = Warning,
    strict = false,
    title = "Under Python 3.13's strict verification (--strict), some targeted Octavia releases refuse the amphora certificates they issue themselves, whatever the files hold.",
    symptom = Some("controller: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Missing Authority Key Identifier"),
    fix = "Run those controllers on Python 3.12 or older, or upgrade Octavia to a release that writes an authority key identifier (16.1.0, 17.0.1, 18.0.1 or later). No change to the certificate files helps.",
    explanation = "Octavia 16.0.0, 16.0.1, 17.0.0 and 18.0.0 issue amphora certificates with neither a subject nor an authority key identifier. Python 3.13 verifies with VERIFY_X509_STRICT, which refuses a certificate without an authority key identifier, so on Python 3.13 those controllers refuse every amphora they create. The check reports it as a warning because the files are not at fault; `octavia-pki rehearse --strict` reports the failed handshake itself.",
}

/// Reported from the rehearsal's failures.
pub(crate) const RULE: Rule = Rule {
    code: CODE,
    applies: Applies::Rehearsal,
};
