//! Where the CA passphrases come from: never argv. One order for every
//! command ([`source`]): `--passwords FILE` (Kolla's passwords.yml),
//! `--passphrase-file FILE`, the default `/etc/kolla/passwords.yml`, and last
//! an interactive prompt when standard input is a terminal. Commands that
//! create or re-encrypt keys take both passphrases with [`for_writing`];
//! `check` and `rehearse` take the server CA's as it is with [`for_reading`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use octavia_pki::deployers::{Deployer, PassphraseFrom};
use octavia_pki::fsio::{self, FsError};
use octavia_pki::{CA_PASSWORD, CLIENT_CA_PASSWORD};
use octavia_pki::{CaPassphrases, Error, KollaPasswords, Passphrase};
use zeroize::Zeroizing;

/// Kolla's passwords file.
pub const DEFAULT_PASSWORDS: &str = "/etc/kolla/passwords.yml";

/// The sources the user named.
pub struct Sources<'a> {
    /// `--passwords`, if given.
    pub passwords: Option<&'a Path>,
    /// `--passphrase-file`, if given.
    pub passphrase_file: Option<&'a Path>,
    /// The Ansible Vault password, for files encrypted with ansible-vault.
    pub vault: Option<&'a Passphrase>,
    /// Whose set: kolla-ansible's passwords.yml is looked for by default only
    /// for kolla-ansible's, and the words of a missing passphrase are its.
    pub deployer: &'static Deployer,
}

/// Where the passphrases were found, for the report.
pub enum Origin {
    /// A passwords.yml.
    Passwords(PathBuf),
    /// A passphrase file.
    File(PathBuf),
    /// Typed at a prompt.
    Prompt,
    /// Made fresh, kept in this file (the guide layout's octavia.conf drop-in).
    Generated(PathBuf),
}

impl Origin {
    /// The passwords.yml the passphrases came from, if they did.
    pub fn passwords_file(&self) -> Option<&Path> {
        match self {
            Self::Passwords(p) => Some(p),
            _ => None,
        }
    }

    /// A short description.
    pub fn describe(&self) -> String {
        match self {
            Self::Passwords(p) => format!(
                "{CA_PASSWORD} and {CLIENT_CA_PASSWORD} from {}",
                p.display()
            ),
            Self::File(p) => format!("{}", p.display()),
            Self::Prompt => "the prompt".into(),
            Self::Generated(p) => format!("fresh, one for both CA keys, kept in {}", p.display()),
        }
    }
}

/// Where the passphrase is, in the order every command follows.
enum Source {
    Passwords(PathBuf),
    File(PathBuf),
    Prompt,
    Nowhere,
}

/// What the passphrase is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Keys are created or re-encrypted with it.
    Writing,
    /// Keys are only read (check, rehearse).
    Reading,
}

/// The one order. The default passwords.yml is used when it exists; for
/// reading, only when it can be read too (the check then runs without the
/// key's checks). For writing, an unreadable default is an error, never a
/// prompt: a prompted passphrase would encrypt keys the passwords.yml that
/// kolla-ansible deploys cannot open.
fn source(sources: &Sources<'_>, purpose: Purpose) -> Source {
    if let Some(path) = sources.passwords {
        return Source::Passwords(path.to_owned());
    }
    if let Some(path) = sources.passphrase_file {
        return Source::File(path.to_owned());
    }
    let default = Path::new(DEFAULT_PASSWORDS);
    let kolla = sources.deployer.passphrase == PassphraseFrom::KollaPasswords;
    let usable = kolla
        && match purpose {
            Purpose::Writing => fsio::exists(default),
            Purpose::Reading => std::fs::File::open(default).is_ok(),
        };
    if usable {
        return Source::Passwords(default.to_owned());
    }
    if std::io::stdin().is_terminal() {
        return Source::Prompt;
    }
    Source::Nowhere
}

/// Both CA passphrases, for keys to be written. `single_ca` asks for one only
/// (legacy layout). A passphrase Octavia could not use is refused.
pub fn for_writing(
    sources: &Sources<'_>,
    single_ca: bool,
) -> Result<(CaPassphrases, Origin), Error> {
    match source(sources, Purpose::Writing) {
        Source::Passwords(path) => from_passwords(&path, single_ca, sources.vault),
        Source::File(path) => {
            let passphrase = read_usable_passphrase_file(&path, sources.vault)?;
            let both = CaPassphrases {
                server_ca: passphrase.clone(),
                client_ca: passphrase,
            };
            Ok((both, Origin::File(path)))
        }
        Source::Prompt => {
            let server_ca = prompt_twice("server CA key", CA_PASSWORD)?;
            let client_ca = if single_ca {
                server_ca.clone()
            } else {
                prompt_twice("client CA key", CLIENT_CA_PASSWORD)?
            };
            Ok((
                CaPassphrases {
                    server_ca,
                    client_ca,
                },
                Origin::Prompt,
            ))
        }
        Source::Nowhere if sources.deployer.passphrase == PassphraseFrom::KollaPasswords => {
            Err(Error::usage(format!(
                "no passphrase for the CA keys: {DEFAULT_PASSWORDS} does not exist and standard \
                     input is not a terminal; give --passwords FILE (Kolla's passwords.yml) or \
                     --passphrase-file FILE (or --demo DIR for a self-contained demonstration set)"
            )))
        }
        Source::Nowhere => Err(Error::usage(format!(
            "no passphrase for the CA keys, and standard input is not a terminal: give \
                 --passphrase-file FILE, a file whose first line is {}",
            match sources.deployer.passphrase {
                // The deployed key is not encrypted; the work directory's are.
                PassphraseFrom::Unencrypted => {
                    "the passphrase of the CA work directory's keys".to_owned()
                }
                from => from.words().to_owned(),
            }
        ))),
    }
}

/// The server CA passphrase for reading, as the library's check and
/// rehearsal take it: the passwords.yml to read (the library reports what is
/// wrong in it), or the passphrase as it is (one prompt, empty for none), or
/// neither.
pub fn for_reading(sources: &Sources<'_>) -> Result<(Option<PathBuf>, Option<Passphrase>), Error> {
    match source(sources, Purpose::Reading) {
        Source::Passwords(path) => {
            // Named and unreadable: say why, and do not run.
            fsio::read_file(&path, sources.vault)?;
            Ok((Some(path), None))
        }
        Source::File(path) => Ok((None, Some(read_passphrase_file(&path, sources.vault)?))),
        Source::Prompt => Ok((None, prompt_once("server CA key", CA_PASSWORD)?)),
        Source::Nowhere => Ok((None, None)),
    }
}

fn from_passwords(
    path: &Path,
    single_ca: bool,
    vault: Option<&Passphrase>,
) -> Result<(CaPassphrases, Origin), Error> {
    let passwords = KollaPasswords::load(path, vault)?;
    let named = |source| Error::Passwords {
        path: path.to_owned(),
        source,
    };
    let server_ca = passwords.passphrase(CA_PASSWORD).map_err(named)?;
    // The legacy layout has one CA, encrypted with octavia_ca_password.
    let client_ca = if single_ca {
        server_ca.clone()
    } else {
        passwords.passphrase(CLIENT_CA_PASSWORD).map_err(named)?
    };
    Ok((
        CaPassphrases {
            server_ca,
            client_ca,
        },
        Origin::Passwords(path.to_owned()),
    ))
}

/// The first line of the file, without its line ending, as it is: the
/// checker reports what Octavia would make of it.
pub fn read_passphrase_file(path: &Path, vault: Option<&Passphrase>) -> Result<Passphrase, Error> {
    let bytes = fsio::read_file(path, vault)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| FsError::Read {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the passphrase file is not UTF-8 text",
        ),
    })?;
    Ok(Passphrase::new(
        text.lines().next().unwrap_or("").to_owned(),
    ))
}

/// Like [`read_passphrase_file`], refusing what Octavia could not use.
fn read_usable_passphrase_file(
    path: &Path,
    vault: Option<&Passphrase>,
) -> Result<Passphrase, Error> {
    let passphrase = read_passphrase_file(path, vault)?;
    if let Some(problem) = passphrase.octavia_problem() {
        return Err(Error::Passphrase {
            what: path.display().to_string(),
            problem,
        });
    }
    Ok(passphrase)
}

/// One prompt, no confirmation (for reading, not creating); empty means none.
fn prompt_once(what: &str, key: &str) -> Result<Option<Passphrase>, Error> {
    let answer = Zeroizing::new(
        rpassword::prompt_password(format!(
            "Passphrase for the {what} ({key}; empty to skip): "
        ))
        .map_err(|e| FsError::Read {
            path: PathBuf::from("/dev/tty"),
            source: e,
        })?,
    );
    Ok((!answer.is_empty()).then(|| Passphrase::new(answer.to_string())))
}

fn prompt_twice(what: &str, key: &str) -> Result<Passphrase, Error> {
    let prompt_err = |e: std::io::Error| FsError::Read {
        path: PathBuf::from("/dev/tty"),
        source: e,
    };
    loop {
        let first = Zeroizing::new(
            rpassword::prompt_password(format!("Passphrase for the {what} ({key}): "))
                .map_err(prompt_err)?,
        );
        let passphrase = Passphrase::new(first.to_string());
        if let Some(problem) = passphrase.octavia_problem() {
            eprintln!("That passphrase cannot be used: {problem}. Try again.");
            continue;
        }
        let again =
            Zeroizing::new(rpassword::prompt_password("Again, to confirm: ").map_err(prompt_err)?);
        if *again == *first {
            return Ok(passphrase);
        }
        eprintln!("The two entries differ. Try again.");
    }
}
