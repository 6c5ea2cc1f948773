//! Kolla's `passwords.yml`: where the CA passphrases come from.

use std::fmt;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::model::CaPassphrases;
use crate::secret::{Passphrase, PassphraseProblem};

/// The key whose value encrypts the server CA key (`ca_private_key_passphrase`).
pub const CA_PASSWORD: &str = "octavia_ca_password";
/// The key whose value encrypts the client CA key.
pub const CLIENT_CA_PASSWORD: &str = "octavia_client_ca_password";

/// Why a value could not be taken from `passwords.yml`. Never shows a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordsError {
    /// The file is not valid YAML.
    #[error("not valid YAML at line {line}, column {column}: {message}")]
    Yaml {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The file is not UTF-8 text.
    #[error("not UTF-8 text")]
    NotUtf8,
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
    /// The value cannot be used by Octavia.
    #[error("{key} cannot be used: {problem}")]
    Unusable {
        /// The key.
        key: String,
        /// Why.
        problem: PassphraseProblem,
    },
}

/// A parsed `passwords.yml`. String values are wiped when it is dropped.
pub struct KollaPasswords {
    doc: Yaml,
}

impl fmt::Debug for KollaPasswords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KollaPasswords(<redacted>)")
    }
}

impl Drop for KollaPasswords {
    fn drop(&mut self) {
        wipe(&mut self.doc);
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
    /// Reads and parses the file.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = crate::fsio::read_file(path)?;
        Self::parse(&bytes).map_err(|source| Error::Passwords {
            path: path.to_owned(),
            source,
        })
    }

    /// Parses the file's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, PasswordsError> {
        let text = std::str::from_utf8(bytes).map_err(|_| PasswordsError::NotUtf8)?;
        let mut docs = YamlLoader::load_from_str(text).map_err(|e| PasswordsError::Yaml {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_owned(),
        })?;
        let doc = match docs.len() {
            0 => Yaml::Hash(Default::default()),
            _ => docs.swap_remove(0),
        };
        docs.iter_mut().for_each(wipe);
        match doc {
            Yaml::Hash(_) => Ok(Self { doc }),
            mut other => {
                wipe(&mut other);
                Err(PasswordsError::NotAMapping)
            }
        }
    }

    /// The passphrase stored under `key`, checked as Octavia will use it.
    pub fn passphrase(&self, key: &str) -> Result<Passphrase, PasswordsError> {
        let value = &self.doc[key];
        let text = match value {
            Yaml::BadValue => return Err(PasswordsError::Missing { key: key.into() }),
            Yaml::Null => return Err(PasswordsError::Empty { key: key.into() }),
            Yaml::String(s) => Zeroizing::new(s.clone()),
            Yaml::Integer(_) | Yaml::Real(_) => {
                return Err(PasswordsError::NotAString {
                    key: key.into(),
                    found: "a number",
                });
            }
            Yaml::Boolean(_) => {
                return Err(PasswordsError::NotAString {
                    key: key.into(),
                    found: "a boolean",
                });
            }
            _ => {
                return Err(PasswordsError::NotAString {
                    key: key.into(),
                    found: "a list or mapping",
                });
            }
        };
        let passphrase = Passphrase::new(text.to_string());
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

/// Why `octavia_ca_password` cannot be had from passwords.yml.
#[derive(Debug)]
pub(crate) enum CaPasswordError {
    /// passwords.yml cannot be read or parsed, or the value is missing, empty
    /// or not text: what is wrong, naming no value.
    Missing(String),
    /// The value holds a `$`, which oslo.config reads as a reference.
    Dollar,
}

/// The server CA passphrase Octavia gets through octavia.conf, found one way
/// for the checker and the rehearsal: `given`, else `octavia_ca_password` of
/// `passwords`, else none. What a given passphrase holds is the caller's rule.
pub(crate) fn server_ca_passphrase(
    given: Option<&Passphrase>,
    passwords: Option<&Path>,
) -> std::result::Result<Option<Passphrase>, CaPasswordError> {
    if let Some(passphrase) = given {
        return Ok(Some(passphrase.clone()));
    }
    let Some(path) = passwords else {
        return Ok(None);
    };
    let file = KollaPasswords::load(path).map_err(|e| {
        CaPasswordError::Missing(match e {
            Error::Passwords { source, .. } => source.to_string(),
            other => other.to_string(),
        })
    })?;
    file.passphrase(CA_PASSWORD).map(Some).map_err(|e| match e {
        PasswordsError::Unusable {
            problem: PassphraseProblem::DollarSign,
            ..
        } => CaPasswordError::Dollar,
        other => CaPasswordError::Missing(other.to_string()),
    })
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
            b"octavia_ca_password:\noctavia_client_ca_password: 1234\nx: 'a$b'\ny: ''\n",
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
        assert!(matches!(err, PasswordsError::Yaml { .. }), "{err:?}");
        assert!(!err.to_string().contains("secretvalue"));
        assert_eq!(
            KollaPasswords::parse(b"- a\n- b\n").err(),
            Some(PasswordsError::NotAMapping)
        );
        assert_eq!(
            KollaPasswords::parse(b"\xff\xfe").err(),
            Some(PasswordsError::NotUtf8)
        );
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
