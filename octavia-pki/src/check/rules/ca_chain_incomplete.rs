//! `ca-chain-incomplete`: the CA file's certificates do not chain to a self-signed root in the same file.

//!
//! Under `--strict` (Python 3.13, whose default contexts set
//! `VERIFY_X509_PARTIAL_CHAIN` with `VERIFY_X509_STRICT`), a trusted
//! intermediate ends the path: the amphora agent's side (gunicorn's default
//! context) takes a `client_ca` without its root, and so do controllers whose
//! urllib3 sets the flags ([`crate::release::OctaviaRelease::controller_strict`])
//! for `server_ca`. There the file works, and the finding is a warning
//! (Python 3.12 and older still refuse it).

#[cfg(test)]
use super::fixture::*;
use super::{Applies, Context, Hit, Role, Rule};
use crate::cert::Certificate;
use crate::codes::check as codes;
use crate::codes::Severity;
use crate::x509;

pub(crate) const RULE: Rule = Rule {
    code: codes::CA_CHAIN_INCOMPLETE,
    applies: Applies::CaFile(incomplete),
};

fn incomplete(certs: &[Certificate], file: Role, cx: &Context<'_>) -> Option<Hit> {
    let stuck = x509::complete_in_file(&certs[0], certs).err()?;
    let message = format!(
        "the issuer of \"{}\", \"{}\", is not in the file",
        stuck.subject(),
        stuck.issuer()
    );
    // Whether every reader of the file ends the path at the intermediate.
    let partial_chain = cx.strict
        && match file {
            Role::ClientCa => true,
            _ => cx.targeted.iter().all(|r| r.controller_strict),
        };
    Some(if partial_chain {
        Hit::new(
            file,
            format!(
                "{message}: Python 3.13 takes it (VERIFY_X509_PARTIAL_CHAIN), Python 3.12 and \
                 older refuse it"
            ),
        )
        .with_severity(Severity::Warning)
    } else {
        Hit::new(file, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_on_an_intermediate_without_its_root() {
        assert_fires(
            &RULE,
            "client-ca-intermediate-only",
            CLIENT_CA,
            "is not in the file",
        );
        assert_quiet(&RULE, "good-rsa");
        assert_quiet(&RULE, "good-intermediates");
    }
}
