//! Why a value of `passwords.yml` cannot be given to Octavia as written: the
//! errors [`crate::error::Error`] carries (a leaf: nothing here depends on the rest
//! of [`crate::passwords`]).

use crate::secret::PassphraseProblem;
use crate::vault::VaultError;
use crate::yaml::YamlError;

/// Why a value could not be taken from `passwords.yml`. Never shows a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordsError {
    /// The file cannot be loaded as YAML (syntax, encoding, an alias bomb).
    #[error("{0}")]
    Yaml(#[from] YamlError),
    /// The document is not a mapping of keys to values.
    #[error("the document is not a mapping of names to passwords")]
    NotAMapping,
    /// The key is absent.
    #[error("{key} is missing (run kolla-genpwd to fill in missing passwords)")]
    Missing {
        /// The key.
        key: String,
    },
    /// The key has no value.
    #[error("{key} is empty (run kolla-genpwd to fill in missing passwords)")]
    Empty {
        /// The key.
        key: String,
    },
    /// The value is not a string (a number, a list...).
    #[error("{key} is {found}, not a string; quote the value")]
    NotAString {
        /// The key.
        key: String,
        /// What kind of value it is.
        found: &'static str,
    },
    /// Octavia reads another string than the file's text ([`Rendering`]).
    #[error(
        "{key} {how}, so Octavia would use another passphrase than the text in the file; \
         write it as a quoted string of letters and digits, without a tag (kolla-genpwd makes \
         40), then re-encrypt the CA key with it"
    )]
    NotAsWritten {
        /// The key.
        key: String,
        /// How Octavia's value differs.
        how: Rendering,
    },
    /// The charm's passphrase option reaches Octavia as another string
    /// ([`Rendering`]): charm-octavia's template writes it into octavia.conf
    /// as it is.
    #[error(
        "{option} {how}: charm-octavia's template writes the option into octavia.conf as it \
         is, so Octavia uses another passphrase than the option's text; give it a passphrase \
         of letters and digits only, with the CA key encrypted with that"
    )]
    CharmNotAsWritten {
        /// The option (`lb-mgmt-issuing-ca-key-passphrase`).
        option: &'static str,
        /// How Octavia's value differs.
        how: Rendering,
    },
    /// The value is encrypted inline with ansible-vault (`!vault`) and
    /// cannot be decrypted (no vault password, another one).
    #[error("{key} is encrypted inline with ansible-vault (!vault): {source}")]
    Vault {
        /// The key.
        key: String,
        /// Why it cannot be decrypted.
        source: VaultError,
    },
    /// The value cannot be used by Octavia.
    #[error("{key} cannot be used: {problem}")]
    Unusable {
        /// The key.
        key: String,
        /// Why.
        problem: PassphraseProblem,
    },
}

/// How the value Octavia reads differs from what `passwords.yml` holds: the
/// path is passwords.yml, loaded by Ansible (YAML 1.1 and its tags), rendered
/// by kolla's template into `ca_private_key_passphrase = {{ octavia_ca_password }}`
/// (Python's `str()` of the value, Jinja markup rendered), then read by
/// oslo.config, which strips surrounding whitespace and one pair of
/// surrounding quotes. Never names the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rendering {
    /// A plain `yes`, `on`, `no`..., or `!!bool`: Ansible renders `True` or
    /// `False`.
    #[error("is a YAML boolean: Ansible renders it as True or False in octavia.conf")]
    YamlBoolean,
    /// A number in another form than Python writes it (`1_000`, `0x1F`,
    /// `017`, `1:20`, `!!float '1.50'`).
    #[error("is a YAML number: Ansible renders its value in decimal, not as written")]
    YamlNumber,
    /// A date or time stamp in another form than Python writes it
    /// (`2001-12-14 21:59:43.10 -5`, `!!timestamp '2001-1-2'`).
    #[error("is a YAML time stamp: Ansible renders it in another form")]
    YamlTimestamp,
    /// `!!binary`: Ansible renders the decoded bytes, not the base64 text.
    #[error("is YAML binary (!!binary): Ansible writes the decoded bytes into octavia.conf")]
    YamlBinary,
    /// Decoded (`!!binary`) or decrypted (`!vault`) bytes that are not
    /// UTF-8 text: oslo.config cannot read the octavia.conf they are
    /// written into.
    #[error(
        "decodes to bytes that are not UTF-8 text: oslo.config cannot read the octavia.conf \
         Ansible writes them into, and Octavia does not start"
    )]
    NotText,
    /// A `$`, which oslo.config reads as a reference to another option
    /// (`$name`, `${name}`; `$$` is one `$`).
    #[error("holds a '$', which oslo.config reads as a reference to another option ($$ as one $)")]
    Reference,
    /// A line break, which ends the value in octavia.conf.
    #[error(
        "holds a line break, which ends the value in octavia.conf (the next line is another \
         option, a continuation, or an error)"
    )]
    LineBreak,
    /// Jinja markup (`{{`, `{%`, `{#`), which Ansible renders.
    #[error("holds Jinja markup ({{{{, {{%, {{#), which Ansible renders before Octavia sees it")]
    Jinja,
    /// Leading or trailing whitespace, which oslo.config strips.
    #[error("has leading or trailing whitespace, which oslo.config strips")]
    SurroundingWhitespace,
    /// Wrapped in a pair of quotes, which oslo.config strips.
    #[error("is wrapped in quotes, which oslo.config strips")]
    SurroundingQuotes,
}
