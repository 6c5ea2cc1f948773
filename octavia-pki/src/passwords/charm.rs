//! The charm's path: `lb-mgmt-issuing-ca-key-passphrase`, a Juju string
//! option, reaches Octavia through charm-octavia's template
//! (`src/templates/*/octavia.conf`: `ca_private_key_passphrase = {{
//! options.issuing_ca_private_key_passphrase }}`), which writes the option's
//! text as it is: unquoted, and not rendered again as Jinja. oslo.config then
//! reads that line as it reads any ([`crate::oslo_config`]): surrounding
//! whitespace and one pair of surrounding quotes stripped, a line break
//! ending the value, `$` a reference.

use super::{OctaviaValue, PasswordsError};
use crate::secret::{Passphrase, PassphraseProblem};

/// The charm's option that holds the CA key's passphrase.
pub const CHARM_PASSPHRASE: &str = "lb-mgmt-issuing-ca-key-passphrase";

/// What Octavia reads of the charm's passphrase option whose text is
/// `option`, and how that differs from it.
pub fn charm_octavia_value(option: &Passphrase) -> OctaviaValue {
    super::read_from_conf(option.expose(), Vec::new())
}

/// `passphrase`, to be written as the charm's option: refused unless Octavia
/// reads exactly it through the charm's template, and can use it.
pub fn charm_passphrase(passphrase: &Passphrase) -> Result<(), PasswordsError> {
    let octavia = charm_octavia_value(passphrase);
    if let Some(&how) = octavia
        .changed
        .iter()
        .find(|&&c| c != super::Rendering::Reference)
    {
        return Err(PasswordsError::CharmNotAsWritten {
            option: CHARM_PASSPHRASE,
            how,
        });
    }
    match passphrase.octavia_problem() {
        Some(PassphraseProblem::Empty) => Err(PasswordsError::Empty {
            key: CHARM_PASSPHRASE.into(),
        }),
        Some(problem) => Err(PasswordsError::Unusable {
            key: CHARM_PASSPHRASE.into(),
            problem,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passwords::Rendering;

    fn told(text: &str) -> (Vec<Rendering>, Option<String>) {
        let v = charm_octavia_value(&Passphrase::new(text.into()));
        (v.changed, v.passphrase.map(|p| p.expose().to_owned()))
    }

    #[test]
    fn the_charms_template_writes_the_option_as_it_is_and_oslo_strips_it() {
        assert_eq!(told("Abc123"), (vec![], Some("Abc123".into())));
        // Not typed, not rendered: the charm's option is a string.
        assert_eq!(told("yes"), (vec![], Some("yes".into())));
        assert_eq!(told("{{ x }}"), (vec![], Some("{{ x }}".into())));
        assert_eq!(
            told(" lead"),
            (vec![Rendering::SurroundingWhitespace], Some("lead".into()))
        );
        assert_eq!(
            told("\" lead\""),
            (vec![Rendering::SurroundingQuotes], Some(" lead".into()))
        );
        assert_eq!(told("a\nb"), (vec![Rendering::LineBreak], None));
        // A line break followed by blank lines: oslo.config reads the line.
        assert_eq!(
            told("abc\n \n"),
            (vec![Rendering::SurroundingWhitespace], Some("abc".into()))
        );
        let refused = |text: &str| charm_passphrase(&Passphrase::new(text.into())).unwrap_err();
        let err = refused(" lead").to_string();
        assert!(
            err.starts_with("lb-mgmt-issuing-ca-key-passphrase has leading or trailing whitespace"),
            "{err}"
        );
        assert!(!err.contains("lead\""), "{err}");
        assert!(matches!(
            refused("a$b"),
            PasswordsError::Unusable {
                problem: PassphraseProblem::DollarSign,
                ..
            }
        ));
        assert!(charm_passphrase(&Passphrase::new("p\"q\\r".into())).is_ok());
    }
}
