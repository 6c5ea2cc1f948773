//! Kolla's `passwords.yml`: where the CA passphrases come from.

use std::fmt;
use std::path::Path;

use std::collections::HashMap;

use zeroize::{Zeroize, Zeroizing};

pub(crate) mod problem;

use crate::yaml::{RawScalar, Typed, Yaml};
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
        Self::parse(&bytes).map_err(|source| Error::Passwords {
            path: path.to_owned(),
            source,
        })
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
            }),
            // An empty file: no passwords yet.
            Yaml::Null => Ok(Self {
                doc: Yaml::Hash(Default::default()),
                raw,
                duplicates,
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
    /// ([`Rendering`]), and how that differs from the text in the file.
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
        let resolved = crate::yaml::resolve(raw);
        let mut changed = Vec::new();
        match resolved.typed {
            Typed::Null => return Err(PasswordsError::Empty { key: key.into() }),
            Typed::Bool(_) => changed.push(Rendering::YamlBoolean),
            Typed::Int | Typed::Float if resolved.rendered.as_deref() != Some(&raw.text) => {
                changed.push(Rendering::YamlNumber)
            }
            Typed::Timestamp if resolved.rendered.is_none() => {
                changed.push(Rendering::YamlTimestamp)
            }
            _ => {}
        }
        let unsafe_tag = raw.tag.as_deref() == Some("!unsafe");
        if !unsafe_tag && ["{{", "{%", "{#"].iter().any(|m| raw.text.contains(m)) {
            changed.push(Rendering::Jinja);
            return Ok(OctaviaValue {
                passphrase: None,
                changed,
            });
        }
        let Some(rendered) = resolved.rendered.map(Zeroizing::new) else {
            return Ok(OctaviaValue {
                passphrase: None,
                changed,
            });
        };
        let read = crate::oslo_config::oslo_value(&rendered);
        if read.trimmed {
            changed.push(Rendering::SurroundingWhitespace);
        }
        if read.unquoted {
            changed.push(Rendering::SurroundingQuotes);
        }
        Ok(OctaviaValue {
            passphrase: Some(Passphrase::new(read.value)),
            changed,
        })
    }

    /// The passphrase stored under `key`, to write or unlock CA keys with:
    /// refused unless Octavia reads exactly the text in the file, and can
    /// use it.
    pub fn passphrase(&self, key: &str) -> Result<Passphrase, PasswordsError> {
        let value = self.octavia_value(key)?;
        if let Some(&how) = value.changed.first() {
            return Err(PasswordsError::NotAsWritten {
                key: key.into(),
                how,
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
    Zeroizing::new(format!(
        "---\n# DEMO passwords made by `octavia-pki generate --demo`: not for production.\n\
         # In a real deployment these come from /etc/kolla/passwords.yml (kolla-genpwd).\n\
         {CA_PASSWORD}: {}\n{CLIENT_CA_PASSWORD}: {}\n",
        passphrases.server_ca.expose(),
        passphrases.client_ca.expose()
    ))
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
