//! Where the CA passphrases come from, and the path each takes to the
//! string Octavia uses: Kolla's `passwords.yml` (loaded by Ansible, rendered
//! by kolla's template, read by oslo.config), and the charm's passphrase
//! option (`charm.rs`).

use std::fmt;
use std::path::Path;

use std::collections::HashMap;

use zeroize::{Zeroize, Zeroizing};

mod charm;
pub(crate) mod problem;

use crate::vault::VaultError;
use crate::yaml::{RawScalar, Typed, Yaml};
pub use charm::{CHARM_PASSPHRASE, charm_octavia_value, charm_passphrase};
pub use problem::{PasswordsError, Rendering};

use crate::error::{Error, Result};
use crate::model::CaPassphrases;
use crate::secret::{Passphrase, PassphraseProblem};

/// The name used for `passwords.yml` in findings and rehearsals.
pub const PASSWORDS_FILE: &str = "passwords.yml";

/// The key whose value encrypts the server CA key (`ca_private_key_passphrase`).
pub const CA_PASSWORD: &str = "octavia_ca_password";
/// The key whose value encrypts the client CA key.
pub const CLIENT_CA_PASSWORD: &str = "octavia_client_ca_password";

/// A password as Octavia reads it through octavia.conf.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OctaviaValue {
    /// The string Octavia gets; `None` when it cannot be told here (Jinja,
    /// a time stamp).
    pub passphrase: Option<Passphrase>,
    /// How it differs from the text in passwords.yml (empty: the same).
    pub changed: Vec<Rendering>,
}

/// A parsed `passwords.yml`. String values are wiped when it is dropped.
pub struct KollaPasswords {
    doc: Yaml,
    raw: HashMap<String, RawScalar>,
    duplicates: Vec<crate::yaml::Duplicate>,
    /// The vault password, for values encrypted inline (`!vault`).
    vault: Option<Passphrase>,
}

impl fmt::Debug for KollaPasswords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KollaPasswords(<redacted>)")
    }
}

impl Drop for KollaPasswords {
    fn drop(&mut self) {
        wipe(&mut self.doc);
        for raw in self.raw.values_mut() {
            raw.text.zeroize();
            if let Some(rendered) = raw.resolved.rendered.as_mut() {
                rendered.zeroize();
            }
        }
    }
}

fn wipe(value: &mut Yaml) {
    match value {
        Yaml::String(s) | Yaml::Real(s) => s.zeroize(),
        Yaml::Hash(h) => {
            // Keys are names, not secrets; the values may be.
            for (_, v) in h.iter_mut() {
                wipe(v);
            }
        }
        Yaml::Array(a) => a.iter_mut().for_each(wipe),
        _ => {}
    }
}

impl KollaPasswords {
    /// Reads and parses the file (`vault`: its password, when it is
    /// encrypted with ansible-vault, as kolla's passwords.yml often is).
    pub fn load(path: &Path, vault: Option<&Passphrase>) -> Result<Self> {
        let bytes = crate::fsio::read_file(path, vault)?;
        let parsed = Self::parse(&bytes).map_err(|source| Error::Passwords {
            path: path.to_owned(),
            source,
        })?;
        Ok(parsed.with_vault_password(vault.cloned()))
    }

    /// With the vault password, for values encrypted inline (`!vault`), as
    /// kolla-ansible's `--vault-password-file` gives Ansible.
    pub fn with_vault_password(mut self, vault: Option<Passphrase>) -> Self {
        self.vault = vault;
        self
    }

    /// Parses the file's bytes, as Ansible loads a vars file
    /// ([`crate::yaml`]: YAML 1.1 types, the last of duplicate keys, bounded aliases).
    pub fn parse(bytes: &[u8]) -> Result<Self, PasswordsError> {
        let crate::yaml::Loaded {
            doc,
            duplicates,
            raw,
            ..
        } = crate::yaml::load(bytes)?;
        match doc {
            Yaml::Hash(_) => Ok(Self {
                doc,
                raw,
                duplicates,
                vault: None,
            }),
            // An empty file: no passwords yet.
            Yaml::Null => Ok(Self {
                doc: Yaml::Hash(Default::default()),
                raw,
                duplicates,
                vault: None,
            }),
            mut other => {
                wipe(&mut other);
                Err(PasswordsError::NotAMapping)
            }
        }
    }

    /// The keys given more than once (Ansible warns and takes the last),
    /// with the line of the last.
    pub fn duplicates(&self) -> &[crate::yaml::Duplicate] {
        &self.duplicates
    }

    /// What Octavia reads for `key` through kolla's octavia.conf
    /// ([`Rendering`]), and how that differs from the text in the file (for
    /// a value encrypted inline with `!vault`, from its plaintext).
    pub fn octavia_value(&self, key: &str) -> Result<OctaviaValue, PasswordsError> {
        let missing = || PasswordsError::Missing { key: key.into() };
        match &self.doc[key] {
            Yaml::BadValue => return Err(missing()),
            Yaml::Array(_) | Yaml::Hash(_) => {
                return Err(PasswordsError::NotAString {
                    key: key.into(),
                    found: "a list or mapping",
                });
            }
            _ => {}
        }
        let raw = self.raw.get(key).ok_or_else(missing)?;
        let resolved = &raw.resolved;
        // What the operator wrote, and what Ansible renders of it.
        let (written, rendered): (Zeroizing<String>, Option<Zeroizing<String>>) =
            match resolved.typed {
                Typed::Null => return Err(PasswordsError::Empty { key: key.into() }),
                Typed::Vault => {
                    let plain = self.decrypted(key, raw)?;
                    (plain.clone(), Some(plain))
                }
                _ => (
                    Zeroizing::new(raw.text.clone()),
                    resolved.rendered.clone().map(Zeroizing::new),
                ),
            };
        let mut changed = Vec::new();
        let differs = rendered.as_ref().map(|r| r.as_str()) != Some(written.as_str());
        let by_type = match resolved.typed {
            Typed::Bool(_) => Some(Rendering::YamlBoolean),
            Typed::Int | Typed::Float => Some(Rendering::YamlNumber),
            Typed::Timestamp => Some(Rendering::YamlTimestamp),
            Typed::Binary => Some(Rendering::YamlBinary),
            _ => None,
        };
        if let Some(how) = by_type.filter(|_| differs) {
            changed.push(how);
        }
        if matches!(resolved.typed, Typed::Binary | Typed::Vault) && rendered.is_none() {
            changed.push(Rendering::NotText);
        }
        let jinja = ["{{", "{%", "{#"].iter().any(|m| written.contains(m));
        if resolved.template && jinja {
            changed.push(Rendering::Jinja);
        }
        let Some(rendered) = rendered.filter(|_| !(resolved.template && jinja)) else {
            return Ok(OctaviaValue {
                passphrase: None,
                changed,
            });
        };
        Ok(read_from_conf(&rendered, changed))
    }

    /// The plaintext of a value encrypted inline with ansible-vault, as
    /// Ansible decrypts it (UTF-8 text; never typed, never rendered).
    fn decrypted(&self, key: &str, raw: &RawScalar) -> Result<Zeroizing<String>, PasswordsError> {
        let vaulted = |source: VaultError| PasswordsError::Vault {
            key: key.into(),
            source,
        };
        let (plain, _) = crate::vault::decrypt(raw.text.trim().as_bytes(), self.vault.as_ref())
            .map_err(vaulted)?;
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|e| {
                let mut bytes = e.into_bytes();
                bytes.zeroize();
                vaulted(VaultError::Malformed(
                    "the plaintext is not UTF-8 text".into(),
                ))
            })
    }

    /// The passphrase stored under `key`, to write or unlock CA keys with:
    /// refused unless Octavia reads exactly the text in the file, and can
    /// use it.
    pub fn passphrase(&self, key: &str) -> Result<Passphrase, PasswordsError> {
        let value = self.octavia_value(key)?;
        if let Some(&how) = value.changed.iter().find(|&&c| c != Rendering::Reference) {
            return Err(PasswordsError::NotAsWritten {
                key: key.into(),
                how,
            });
        }
        if value.changed.contains(&Rendering::Reference) {
            return Err(PasswordsError::Unusable {
                key: key.into(),
                problem: PassphraseProblem::DollarSign,
            });
        }
        let passphrase = value
            .passphrase
            .ok_or_else(|| PasswordsError::Empty { key: key.into() })?;
        match passphrase.octavia_problem() {
            Some(PassphraseProblem::Empty) => Err(PasswordsError::Empty { key: key.into() }),
            Some(problem) => Err(PasswordsError::Unusable {
                key: key.into(),
                problem,
            }),
            None => Ok(passphrase),
        }
    }

    /// Both CA passphrases.
    pub fn ca_passphrases(&self) -> Result<CaPassphrases, PasswordsError> {
        Ok(CaPassphrases {
            server_ca: self.passphrase(CA_PASSWORD)?,
            client_ca: self.passphrase(CLIENT_CA_PASSWORD)?,
        })
    }
}

/// What oslo.config reads of `ca_private_key_passphrase = TEXT` where a
/// template writes `text` as it is (kolla's and the charm's), and how that
/// differs from `text`, after the changes `changed` the rendering made.
///
/// oslo.config reads the line as a whole: a line break ends the value (the
/// lines after it that are blank are nothing; any other is a continuation
/// or an error, which this cannot tell), surrounding whitespace and one
/// pair of quotes are stripped, and `$name` is a reference (`$$` a `$`).
pub(crate) fn read_from_conf(text: &str, mut changed: Vec<Rendering>) -> OctaviaValue {
    // Python's universal newlines, and `str.isspace` for blank lines.
    let (line, rest) = match text.find(['\n', '\r']) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let blank = |c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c);
    if !rest.chars().all(blank) {
        changed.push(Rendering::LineBreak);
        return OctaviaValue {
            passphrase: None,
            changed,
        };
    }
    let read = crate::oslo_config::oslo_value(line);
    if read.trimmed || !rest.is_empty() {
        changed.push(Rendering::SurroundingWhitespace);
    }
    if read.unquoted {
        changed.push(Rendering::SurroundingQuotes);
    }
    // oslo.config substitutes `$name`, and reads `$$` as `$`: what Octavia
    // gets then depends on other options, or it fails.
    let mut value = read.value;
    if value.contains('$') {
        let substituted = crate::oslo_config::substitute(&value, &mut |_| None);
        if substituted.as_deref() != Some(value.as_str()) {
            changed.push(Rendering::Reference);
        }
        value.zeroize();
        return OctaviaValue {
            passphrase: substituted.map(Passphrase::new),
            changed,
        };
    }
    OctaviaValue {
        passphrase: Some(Passphrase::new(value)),
        changed,
    }
}

/// Why `octavia_ca_password` cannot be had from passwords.yml as written.
#[derive(Debug)]
pub(crate) enum CaPasswordError {
    /// passwords.yml cannot be read or parsed, or the value is missing, empty
    /// or not text: what is wrong, naming no value.
    Missing(String),
    /// The value holds a `$`, which oslo.config reads as a reference.
    Dollar,
    /// Octavia reads another string than the text in the file: how, and
    /// that string when it can be told.
    NotAsWritten(Rendering, Option<Passphrase>),
}

/// The server CA passphrase Octavia gets through octavia.conf, found one way
/// for the checker and the rehearsal: `given`, else `octavia_ca_password` of
/// `passwords` (as [`KollaPasswords::load`] read it), else none. What a given
/// passphrase holds is the caller's rule.
pub(crate) fn server_ca_passphrase(
    given: Option<&Passphrase>,
    passwords: Option<&Result<KollaPasswords>>,
) -> std::result::Result<Option<Passphrase>, CaPasswordError> {
    if let Some(passphrase) = given {
        return Ok(Some(passphrase.clone()));
    }
    let file = match passwords {
        None => return Ok(None),
        Some(Ok(file)) => file,
        Some(Err(Error::Passwords { source, .. })) => {
            return Err(CaPasswordError::Missing(source.to_string()));
        }
        Some(Err(other)) => return Err(CaPasswordError::Missing(other.to_string())),
    };
    match file.passphrase(CA_PASSWORD) {
        Ok(passphrase) => Ok(Some(passphrase)),
        Err(PasswordsError::Unusable {
            problem: PassphraseProblem::DollarSign,
            ..
        }) => Err(CaPasswordError::Dollar),
        Err(PasswordsError::NotAsWritten { how, .. }) => {
            let octavia = file
                .octavia_value(CA_PASSWORD)
                .ok()
                .and_then(|v| v.passphrase)
                .filter(|p| p.octavia_problem().is_none());
            Err(CaPasswordError::NotAsWritten(how, octavia))
        }
        Err(other) => Err(CaPasswordError::Missing(other.to_string())),
    }
}

/// A `passwords.yml` holding only the two CA passphrases, for demonstration
/// sets; the header says so.
pub fn demo_passwords_yml(passphrases: &CaPassphrases) -> Zeroizing<String> {
    use crate::yaml::write::{self, Node};
    let mut out = Zeroizing::new(String::new());
    write::document(
        &mut out,
        &[
            "DEMO passwords made by `octavia-pki generate --demo`: not for production.",
            "In a real deployment these come from /etc/kolla/passwords.yml (kolla-genpwd).",
        ],
        &Node::Map(vec![
            (CA_PASSWORD, Node::text(passphrases.server_ca.expose())),
            (
                CLIENT_CA_PASSWORD,
                Node::text(passphrases.client_ca.expose()),
            ),
        ]),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::YamlError;

    #[test]
    fn reads_kolla_style_values() {
        let p = KollaPasswords::parse(
            b"---\n# comment\nkeystone_admin_password: x\noctavia_ca_password: Abc123\noctavia_client_ca_password: 'q u o'\n",
        )
        .unwrap();
        let both = p.ca_passphrases().unwrap();
        assert_eq!(both.server_ca.expose(), "Abc123");
        assert_eq!(both.client_ca.expose(), "q u o");
    }

    #[test]
    fn missing_empty_and_odd_values_are_named() {
        let p = KollaPasswords::parse(
            b"octavia_ca_password:\noctavia_client_ca_password: [1]\nx: 'a$b'\ny: ''\n",
        )
        .unwrap();
        assert_eq!(
            p.passphrase("octavia_ca_password").unwrap_err(),
            PasswordsError::Empty {
                key: "octavia_ca_password".into()
            }
        );
        assert!(
            p.passphrase("octavia_client_ca_password")
                .unwrap_err()
                .to_string()
                .contains("quote")
        );
        assert!(
            p.passphrase("nope")
                .unwrap_err()
                .to_string()
                .contains("kolla-genpwd")
        );
        assert!(matches!(
            p.passphrase("x"),
            Err(PasswordsError::Unusable {
                problem: PassphraseProblem::DollarSign,
                ..
            })
        ));
        assert!(matches!(
            p.passphrase("y"),
            Err(PasswordsError::Empty { .. })
        ));
    }

    #[test]
    fn malformed_yaml_names_the_line_and_never_the_value() {
        let err = KollaPasswords::parse(b"a: b\noctavia_ca_password: [secretvalue\n")
            .err()
            .unwrap();
        assert!(
            matches!(err, PasswordsError::Yaml(YamlError::Syntax { .. })),
            "{err:?}"
        );
        assert!(!err.to_string().contains("secretvalue"));
        assert_eq!(
            KollaPasswords::parse(b"- a\n- b\n").err(),
            Some(PasswordsError::NotAMapping)
        );
        assert_eq!(
            KollaPasswords::parse(b"\xff\xfe").err(),
            Some(PasswordsError::Yaml(YamlError::NotUtf8))
        );
    }

    #[test]
    fn values_octavia_reads_otherwise_are_refused_and_their_octavia_value_told() {
        let p = KollaPasswords::parse(
            b"a: yes\nb: 1_000\nc: ' pad '\nd: '\"quoted\"'\ne: '{{ x }}'\nf: 12345\ng: \"True\"\na: on\n",
        )
        .unwrap();
        assert_eq!(p.duplicates().len(), 1);
        let told = |key: &str| {
            let v = p.octavia_value(key).unwrap();
            (v.changed, v.passphrase.map(|p| p.expose().to_owned()))
        };
        assert_eq!(
            told("a"),
            (vec![Rendering::YamlBoolean], Some("True".into()))
        );
        assert_eq!(
            told("b"),
            (vec![Rendering::YamlNumber], Some("1000".into()))
        );
        assert_eq!(
            told("c"),
            (vec![Rendering::SurroundingWhitespace], Some("pad".into()))
        );
        assert_eq!(
            told("d"),
            (vec![Rendering::SurroundingQuotes], Some("quoted".into()))
        );
        assert_eq!(told("e"), (vec![Rendering::Jinja], None));
        // The same text either way: usable.
        assert_eq!(p.passphrase("f").unwrap().expose(), "12345");
        assert_eq!(p.passphrase("g").unwrap().expose(), "True");
        let err = p.passphrase("a").unwrap_err().to_string();
        assert!(err.contains("a is a YAML boolean"), "{err}");
    }

    #[test]
    fn demo_file_reads_back() {
        let both = CaPassphrases {
            server_ca: Passphrase::generate(),
            client_ca: Passphrase::generate(),
        };
        let text = demo_passwords_yml(&both);
        let back = KollaPasswords::parse(text.as_bytes())
            .unwrap()
            .ca_passphrases()
            .unwrap();
        assert_eq!(back.server_ca.expose(), both.server_ca.expose());
        assert!(text.contains("DEMO"));
    }
}
