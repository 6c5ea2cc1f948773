//! `rehearsal-failed`: the rehearsed controller-to-amphora handshake fails, though no static rule found why.

use super::*;
use super::{Applies, Rule};
use crate::rehearse::{Cause, Failure, Side};
use crate::x509::VerifyError as E;
use crate::codes::check as codes;

/// Reported from the rehearsal's failures.
pub(crate) const RULE: Rule = Rule {
    code: codes::REHEARSAL_FAILED,
    applies: Applies::Rehearsal,
};

/// The code of a failed rehearsal: the rule's own where the failure says
/// which it is, else this catch-all.
pub(crate) fn code_of(failure: &Failure) -> Code {
    if failure.release_defect {
        return codes::OCTAVIA_RELEASE_STRICT_NO_AKI;
    }
    let error = match failure.cause {
        Cause::Verification(error) => error,
        Cause::OctaviaConf => return codes::SERVER_CERTS_KEY_PASSPHRASE_INVALID,
        _ => return codes::REHEARSAL_FAILED,
    };
    match (failure.side, error) {
        (_, E::Expired) => codes::EXPIRED,
        (_, E::NotYetValid) => codes::NOT_YET_VALID,
        (_, E::InvalidCa) => codes::CA_NOT_CA,
        (_, E::CaMdTooWeak) => codes::WEAK_SIGNATURE,
        (_, E::EeKeyTooSmall | E::CaKeyTooSmall) => codes::RSA_KEY_TOO_SMALL,
        (_, E::StrictBasicConstraintsNotCritical) => codes::STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL,
        (_, E::StrictCaNoKeyUsage) => codes::STRICT_CA_NO_KEY_USAGE,
        (_, E::StrictNoSki) => codes::STRICT_CA_NO_SKI,
        (_, E::StrictNoAki) => codes::STRICT_NO_AKI,
        // The amphora cannot chain the controller's certificate to the client CA.
        (
            Side::Amphora,
            E::UnableToGetLocalIssuer | E::UnableToGetIssuer | E::SelfSignedInChain,
        ) => codes::CLIENT_CERT_UNTRUSTED,
        // The server CA's key signs what its certificate does not name.
        (Side::Controller, E::SignatureFailure) => codes::CA_KEY_MISMATCH,
        _ => codes::REHEARSAL_FAILED,
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
                codes::CLIENT_CERT_UNTRUSTED,
            ),
            (
                Side::Controller,
                Cause::Verification(E::Expired),
                codes::EXPIRED,
            ),
            (
                Side::Controller,
                Cause::Verification(E::SignatureFailure),
                codes::CA_KEY_MISMATCH,
            ),
            (
                Side::Controller,
                Cause::Verification(E::StrictNoAki),
                codes::STRICT_NO_AKI,
            ),
            (
                Side::Controller,
                Cause::Verification(E::HostnameMismatch),
                codes::REHEARSAL_FAILED,
            ),
            (Side::Controller, Cause::Tls, codes::REHEARSAL_FAILED),
        ] {
            assert_eq!(code_of(&failure(side, cause)), code, "{side:?} {cause:?}");
        }
        let mut defect = failure(Side::Controller, Cause::Verification(E::StrictNoAki));
        defect.release_defect = true;
        assert_eq!(code_of(&defect), codes::OCTAVIA_RELEASE_STRICT_NO_AKI);
    }
}
