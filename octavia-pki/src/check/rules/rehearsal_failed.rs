//! `rehearsal-failed`: the rehearsed controller-to-amphora handshake fails, though no static rule found why.

use super::*;
use super::{Applies, Rule};
use crate::rehearse::{Cause, Failure, Side};
use crate::x509::VerifyError as E;

super::rule_code! {
    id = "rehearsal-failed",
    severity = Error,
    strict = false,
    title = "The rehearsed controller-to-amphora handshake fails, though no static rule found why.",
    symptom = Some("the alert in the message"),
    fix = "Run `octavia-pki rehearse` on the same files for the transcript; the message names the side that refuses and the file.",
    explanation = "The last stage of check plays Octavia's handshake in memory (amphora certificate issued as LocalCertGenerator does, mutual TLS 1.2 and 1.3 with OpenSSL's verification rules). It runs when the static rules found no error, to catch what they cannot see.",
}

/// Reported from the rehearsal's failures.
pub(crate) const RULE: Rule = Rule {
    code: CODE,
    applies: Applies::Rehearsal,
};

/// The code of a failed rehearsal: the rule's own where the failure says
/// which it is, else this catch-all.
pub(crate) fn code_of(failure: &Failure) -> Code {
    if failure.release_defect {
        return octavia_release_strict_no_aki::CODE;
    }
    let error = match failure.cause {
        Cause::Verification(error) => error,
        Cause::OctaviaConf => return crate::codes::check::SERVER_CERTS_KEY_PASSPHRASE_INVALID,
        _ => return CODE,
    };
    match (failure.side, error) {
        (_, E::Expired) => expired::CODE,
        (_, E::NotYetValid) => not_yet_valid::CODE,
        (_, E::InvalidCa) => ca_not_ca::CODE,
        (_, E::CaMdTooWeak) => weak_signature::CODE,
        (_, E::EeKeyTooSmall | E::CaKeyTooSmall) => rsa_key_too_small::CODE,
        (_, E::StrictBasicConstraintsNotCritical) => strict_ca_basic_constraints_not_critical::CODE,
        (_, E::StrictCaNoKeyUsage) => strict_ca_no_key_usage::CODE,
        (_, E::StrictNoSki) => strict_ca_no_ski::CODE,
        (_, E::StrictNoAki) => strict_no_aki::CODE,
        // The amphora cannot chain the controller's certificate to the client CA.
        (
            Side::Amphora,
            E::UnableToGetLocalIssuer | E::UnableToGetIssuer | E::SelfSignedInChain,
        ) => client_cert_untrusted::CODE,
        // The server CA's key signs what its certificate does not name.
        (Side::Controller, E::SignatureFailure) => ca_key_mismatch::CODE,
        _ => CODE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(side: Side, cause: Cause) -> Failure {
        Failure {
            side,
            cause,
            controller: None,
            amphora: None,
            file: None,
            detail: None,
            releases: Vec::new(),
            release_defect: false,
            generation: None,
        }
    }

    #[test]
    fn a_failed_handshake_gets_the_rules_code_where_there_is_one() {
        for (side, cause, code) in [
            (
                Side::Amphora,
                Cause::Verification(E::UnableToGetLocalIssuer),
                client_cert_untrusted::CODE,
            ),
            (
                Side::Controller,
                Cause::Verification(E::Expired),
                expired::CODE,
            ),
            (
                Side::Controller,
                Cause::Verification(E::SignatureFailure),
                ca_key_mismatch::CODE,
            ),
            (
                Side::Controller,
                Cause::Verification(E::StrictNoAki),
                strict_no_aki::CODE,
            ),
            (
                Side::Controller,
                Cause::Verification(E::HostnameMismatch),
                CODE,
            ),
            (Side::Controller, Cause::Tls, CODE),
        ] {
            assert_eq!(code_of(&failure(side, cause)), code, "{side:?} {cause:?}");
        }
        let mut defect = failure(Side::Controller, Cause::Verification(E::StrictNoAki));
        defect.release_defect = true;
        assert_eq!(code_of(&defect), octavia_release_strict_no_aki::CODE);
    }
}
