//! octavia.conf as Octavia reads it: the files it is started with
//! (`--config-file`, in order; a later file's value wins, as oslo.config
//! does), read with oslo.config's rules, and the options that name the files
//! of the PKI ([`Role::option`]), with Octavia's defaults where unset.
//!
//! This is the reading half of a deployment described by its octavia.conf,
//! whoever rendered it (kolla-ansible, OpenStack-Ansible, a charm, Helm, by
//! hand): which file plays each [`Role`], where that was said, and the
//! passphrase Octavia unlocks the CA key with.

use std::path::{Path, PathBuf};

use crate::codes::{Code, check as codes};
use crate::error::{Error, Result};
use crate::housekeeping::CertRotation;
use crate::oslo_config::Ini;
use crate::published::SERVER_CERTS_KEY_PASSPHRASE_DEFAULT;
use crate::release::OctaviaRelease;
use crate::secret::Passphrase;
use crate::sources::{ConfOptions, Role, Sources};

/// The configuration files Octavia reads, parsed.
#[derive(Debug, Clone)]
pub struct OctaviaConf {
    /// Each file, in the order given, with what it holds.
    files: Vec<(PathBuf, Ini)>,
}

/// Where an option's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetIn {
    /// A line of a file.
    File {
        /// The file.
        path: PathBuf,
        /// Its line (1-based).
        line: usize,
    },
    /// No file sets it: Octavia's default.
    Default,
}

/// One option's value, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Setting {
    /// The value, as oslo.config reads it (surrounding white space and one
    /// pair of quotes stripped, continuation lines joined).
    pub value: String,
    /// Where it was set.
    pub set_in: SetIn,
    /// Whether it holds a `$name` reference this reader could not substitute
    /// (another option than the PKI's): what Octavia gets is then not known
    /// here, and `value` is as written.
    pub has_reference: bool,
}

impl Role {
    /// Octavia's default for the option when no file sets it (Octavia 16.1.0
    /// to 19.0.0: `octavia/common/config.py` and
    /// `octavia/certificates/common/local.py`, without the `OS_OCTAVIA_TLS_*`
    /// environment variables).
    pub fn octavia_default(self) -> &'static str {
        match self {
            Self::CaCertificate => "/etc/ssl/certs/ssl-cert-snakeoil.pem",
            Self::CaPrivateKey => "/etc/ssl/private/ssl-cert-snakeoil.key",
            Self::ServerCa => "/etc/octavia/certs/server_ca.pem",
            Self::ClientCert => "/etc/octavia/certs/client.pem",
            Self::ClientCa => "/etc/octavia/certs/ca_01.pem",
        }
    }
}

/// How deep references may refer to references (oslo.config recurses until
/// Python's recursion limit; a cycle fails there).
const MAX_SUBSTITUTION_DEPTH: usize = 10;

/// The section and key of the CA key's passphrase.
const CA_PASSPHRASE: (&str, &str) = ("certificates", "ca_private_key_passphrase");

/// `[certificates] cert_validity_time`: how long amphora certificates live.
const CERT_VALIDITY_TIME: (&str, &str) = ("certificates", "cert_validity_time");
/// `[house_keeping] cert_expiry_buffer`: how long before expiry housekeeping
/// rotates them.
const CERT_EXPIRY_BUFFER: (&str, &str) = ("house_keeping", "cert_expiry_buffer");
/// `[house_keeping] cert_interval`: how often housekeeping looks.
const CERT_INTERVAL: (&str, &str) = ("house_keeping", "cert_interval");

/// `[certificates] server_certs_key_passphrase`: the Fernet key(s) that
/// encrypt amphora certificates' keys in Octavia's database. A secret.
pub(crate) const CERTS_KEY_PASSPHRASE: (&str, &str) =
    ("certificates", "server_certs_key_passphrase");

/// A finding on `[certificates] server_certs_key_passphrase`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertsKeyFinding {
    /// `server-certs-key-passphrase-invalid` or `-insecure`.
    pub(crate) code: Code,
    /// What is wrong and where (never the value).
    pub(crate) message: String,
    /// The targeted releases that refuse the value (and do not start).
    pub(crate) refused_by: Vec<&'static OctaviaRelease>,
}

/// Judges `[certificates] server_certs_key_passphrase` as Octavia `releases`
/// read it: `value` is oslo.config's (`None`: unset), `at` says where it is
/// set (`line 12 of /etc/octavia/octavia.conf`). The regex is
/// `octavia/certificates/common/local.py`'s, applied to the whole string in
/// 16.x and to each comma-separated entry from 17.0.0.
pub(crate) fn judge_certs_key_passphrase(
    value: Option<&str>,
    at: &str,
    releases: &[&'static OctaviaRelease],
) -> Option<CertsKeyFinding> {
    let (section, key) = CERTS_KEY_PASSPHRASE;
    let insecure = |message: String| CertsKeyFinding {
        code: codes::SERVER_CERTS_KEY_PASSPHRASE_INSECURE,
        message,
        refused_by: Vec::new(),
    };
    let Some(value) = value else {
        return Some(insecure(format!(
            "[{section}] {key} is not set: Octavia encrypts with its published default, {SERVER_CERTS_KEY_PASSPHRASE_DEFAULT}"
        )));
    };
    let valid = |k: &str| {
        k.len() == 32
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_=".contains(c))
    };
    let entries: Vec<&str> = value.split(',').map(str::trim).collect();
    let bad_entries: Vec<String> = (1..=entries.len())
        .filter(|i| !valid(entries[i - 1]))
        .map(|i| i.to_string())
        .collect();
    let refused_by: Vec<&'static OctaviaRelease> = releases
        .iter()
        .copied()
        .filter(|r| {
            if r.certs_key_passphrase_is_list() {
                !bad_entries.is_empty()
            } else {
                !valid(value)
            }
        })
        .collect();
    if !refused_by.is_empty() {
        let what = if bad_entries.is_empty() {
            format!(
                "{} keys, comma-separated: Octavia 16.x takes one key (a list from 17.0.0)",
                entries.len()
            )
        } else if entries.len() == 1 {
            "it is not 32 characters of [A-Za-z0-9-_=]".to_owned()
        } else {
            format!(
                "entry {} is not 32 characters of [A-Za-z0-9-_=]",
                bad_entries.join(", ")
            )
        };
        let on = if refused_by.len() == releases.len() {
            String::new()
        } else {
            let versions: Vec<&str> = refused_by.iter().map(|r| r.version).collect();
            format!("; Octavia {} refuses it", versions.join(", "))
        };
        return Some(CertsKeyFinding {
            code: codes::SERVER_CERTS_KEY_PASSPHRASE_INVALID,
            message: format!("[{section}] {key} ({at}): {what}{on}"),
            refused_by,
        });
    }
    (entries[0] == SERVER_CERTS_KEY_PASSPHRASE_DEFAULT).then(|| {
        insecure(format!(
            "[{section}] {key} ({at}) encrypts with Octavia's published default"
        ))
    })
}

impl OctaviaConf {
    /// Reads `files` in order, as `octavia-worker --config-file A
    /// --config-file B` does (`vault`: the password of files encrypted with
    /// ansible-vault). A file that cannot be read, or is not oslo.config
    /// INI, is an error naming it (and the line).
    pub fn read(files: &[PathBuf], vault: Option<&Passphrase>) -> Result<Self> {
        let mut parsed = Vec::new();
        for path in files {
            let bytes = crate::fsio::read_file(path, vault)?;
            let not_ini = |e: &dyn std::fmt::Display| Error::Document {
                file: path.to_owned(),
                reason: format!("not oslo.config INI: {e}"),
            };
            // oslo.config reads the file as UTF-8 text: anything else stops
            // the service (UnicodeDecodeError) before a line is parsed.
            let text = std::str::from_utf8(&bytes).map_err(|e| {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                not_ini(&format_args!(
                    "line {line}: not UTF-8 (UnicodeDecodeError: Octavia does not start)"
                ))
            })?;
            let ini = Ini::parse(text).map_err(|e| not_ini(&e))?;
            parsed.push((path.clone(), ini));
        }
        Ok(Self { files: parsed })
    }

    /// The files, in the order read.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(path, _)| path.as_path())
    }

    /// The value of `key` in `[section]`: the last file that sets it wins,
    /// read as oslo.config gives it (escapes, and references to the options
    /// this module knows, substituted).
    pub fn get(&self, section: &str, key: &str) -> Option<Setting> {
        let (path, line, raw) = self.raw(section, key)?;
        let substituted = self.substituted(section, &raw, 0);
        Some(Setting {
            has_reference: substituted.is_none(),
            // What it becomes is Octavia's: left as written.
            value: substituted.unwrap_or(raw),
            set_in: SetIn::File { path, line },
        })
    }

    /// The text of `key` in `[section]` as written, its file and line.
    fn raw(&self, section: &str, key: &str) -> Option<(PathBuf, usize, String)> {
        self.files.iter().rev().find_map(|(path, ini)| {
            ini.get(section, key)
                .map(|e| (path.clone(), e.line, e.value.clone()))
        })
    }

    /// `raw`, an option of `[section]`, with its references substituted as
    /// oslo.config does: a name is looked up in the same section, then in
    /// `[DEFAULT]`; `group.name` in that group. Only the options Octavia
    /// registers that this module knows (the PKI's, with their defaults)
    /// are looked up; any other reference, or a cycle, is `None`.
    fn substituted(&self, section: &str, raw: &str, depth: usize) -> Option<String> {
        if depth > MAX_SUBSTITUTION_DEPTH {
            return None;
        }
        let mut lookup = |name: &str| {
            let (group, option) = name.split_once('.').unwrap_or((section, name));
            [(group, option), ("DEFAULT", name)]
                .into_iter()
                .find_map(|(g, o)| self.known(g, o, depth))
        };
        crate::oslo_config::substitute(raw, &mut lookup)
    }

    /// The value of an option this module knows Octavia registers: set in
    /// a file (substituted in turn), else its default.
    fn known(&self, section: &str, key: &str, depth: usize) -> Option<String> {
        let role = Role::ALL.into_iter().find(|r| r.option() == (section, key));
        if role.is_none() && (section, key) != CA_PASSPHRASE {
            return None;
        }
        match (self.raw(section, key), role) {
            (Some((_, _, raw)), _) => self.substituted(section, &raw, depth + 1),
            (None, Some(role)) => Some(role.octavia_default().to_owned()),
            // The passphrase's default is None, which substitutes as nothing
            // (`StrSubWrapper`; its OS_OCTAVIA_CA_KEY_PASS is not read here).
            (None, None) => Some(String::new()),
        }
    }

    /// The file that plays `role`: the option's value, or Octavia's default.
    pub fn file(&self, role: Role) -> Setting {
        let (section, key) = role.option();
        self.get(section, key).unwrap_or_else(|| Setting {
            value: role.octavia_default().to_owned(),
            set_in: SetIn::Default,
            has_reference: false,
        })
    }

    /// The file map octavia.conf describes (Octavia's defaults where it names
    /// no file), with the passphrase it gives the CA key. Reports name each
    /// file by its option.
    pub fn sources(&self) -> Sources {
        let files = Role::ALL.map(|role| PathBuf::from(self.file(role).value));
        let read = self.files().map(Path::to_owned).collect();
        let (section, key) = CERTS_KEY_PASSPHRASE;
        let conf = ConfOptions {
            certs_key_passphrase: self
                .get(section, key)
                .map(|s| (Passphrase::new(s.value), s.set_in.to_string())),
            notes: self.notes(),
        };
        let (passphrase, exact) = self.passphrase_for_check();
        let mut sources = Sources::by_option(read, files, passphrase, conf);
        sources.passphrase_is_octavias = exact;
        sources
    }

    /// `[certificates] ca_private_key_passphrase` for the checker, and
    /// whether it is exactly the string Octavia uses: as written when it
    /// holds a reference this reader cannot substitute (the checker then
    /// judges its `$`, and [`OctaviaConf::notes`] names it).
    pub(crate) fn passphrase_for_check(&self) -> (Option<Passphrase>, bool) {
        let (section, key) = CA_PASSPHRASE;
        match self.get(section, key) {
            Some(s) => (Some(Passphrase::new(s.value)), !s.has_reference),
            None => (None, true),
        }
    }

    /// What the checker notes on the options of the PKI (its files and
    /// passphrases): a value holding a reference this reader cannot
    /// substitute (`config-reference`), a value that goes on over indented
    /// lines (`config-continuation`). What and where, never the value
    /// (`[certificates] ca_certificate (line 3 of /etc/octavia/octavia.conf)
    /// holds a `$``).
    pub(crate) fn notes(&self) -> Vec<(Code, String)> {
        let mut notes = Vec::new();
        let options = Role::ALL
            .map(Role::option)
            .into_iter()
            .chain([CA_PASSPHRASE, CERTS_KEY_PASSPHRASE]);
        for (section, key) in options {
            let Some(setting) = self.get(section, key) else {
                continue;
            };
            let at = &setting.set_in;
            if setting.has_reference {
                let note = format!("[{section}] {key} ({at}) holds a `$`");
                notes.push((codes::CONFIG_REFERENCE, note));
            }
            let more = self
                .raw(section, key)
                .map_or(0, |(_, _, raw)| raw.matches('\n').count());
            if more > 0 {
                let lines = crate::text::count(more, "indented line", "indented lines");
                notes.push((
                    codes::CONFIG_CONTINUATION,
                    format!(
                        "[{section}] {key} ({at}) goes on over the next {lines}: oslo.config reads them \
                         as part of the value, with a line break before each"
                    ),
                ));
            }
        }
        notes
    }

    /// The options housekeeping rotates amphora certificates by
    /// (`[certificates] cert_validity_time`, `[house_keeping]
    /// cert_expiry_buffer` and `cert_interval`), each read as oslo.config's
    /// `IntOpt` reads it, Octavia's default where no file sets it. A value
    /// Octavia cannot read (not an integer, empty, a reference to another
    /// option) is an error naming it, its file and line: housekeeping fails
    /// on it and rotates no certificate.
    pub fn cert_rotation(&self) -> Result<CertRotation> {
        use crate::housekeeping as hk;
        let int = |(section, key): (&str, &str), default: i64| -> Result<i64> {
            let Some(setting) = self.get(section, key) else {
                return Ok(default);
            };
            let SetIn::File { path, line } = &setting.set_in else {
                return Ok(default);
            };
            let why = if setting.has_reference {
                "it refers to another option, which this tool does not follow".to_owned()
            } else {
                match crate::oslo_config::int_value(&setting.value) {
                    Ok(Some(value)) => return Ok(value),
                    Ok(None) => "it is empty, so Octavia reads None".to_owned(),
                    Err(why) => why,
                }
            };
            Err(Error::Document {
                file: path.clone(),
                reason: format!(
                    "line {line}: [{section}] {key} is not an integer ({why}): Octavia's \
                     housekeeping fails on it and rotates no amphora certificate"
                ),
            })
        };
        Ok(CertRotation::new(
            int(CERT_VALIDITY_TIME, hk::DEFAULT_CERT_VALIDITY_TIME)?,
            int(CERT_EXPIRY_BUFFER, hk::DEFAULT_CERT_EXPIRY_BUFFER)?,
            int(CERT_INTERVAL, hk::DEFAULT_CERT_INTERVAL)?,
            self.files().map(Path::to_owned).collect(),
        ))
    }

    /// `[certificates] ca_private_key_passphrase`, when set and known: the
    /// string Octavia unlocks the CA key with, exactly (continuation lines
    /// included). `None` when unset, or when it holds a reference this
    /// reader cannot substitute ([`OctaviaConf::sources`] reports it).
    pub fn ca_private_key_passphrase(&self) -> Option<Passphrase> {
        let (section, key) = CA_PASSPHRASE;
        self.get(section, key)
            .filter(|s| !s.has_reference)
            .map(|s| Passphrase::new(s.value))
    }
}

impl ConfOptions {
    /// [`judge_certs_key_passphrase`] on this
    /// octavia.conf's value, for `releases`: what check reports and the
    /// rehearsal's first step plays.
    pub(crate) fn judge_certs_key_passphrase(
        &self,
        releases: &[&'static crate::release::OctaviaRelease],
    ) -> Option<CertsKeyFinding> {
        let value = self.certs_key_passphrase.as_ref();
        judge_certs_key_passphrase(
            value.map(|(p, _)| p.expose()),
            value.map_or("", |(_, at)| at.as_str()),
            releases,
        )
    }
}

impl std::fmt::Display for SetIn {
    /// `line 12 of /etc/octavia/octavia.conf`, or `Octavia's default`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File { path, line } => write!(f, "line {line} of {}", path.display()),
            Self::Default => f.write_str("Octavia's default"),
        }
    }
}

impl std::fmt::Display for Setting {
    /// `/etc/octavia/certs/server_ca.pem (line 20 of /etc/octavia/octavia.conf)`,
    /// or `(Octavia's default)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.value, self.set_in)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::testdata;

    #[test]
    fn housekeepings_options_are_read_as_oslo_config_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let none = write("none.conf", "[DEFAULT]\ndebug = true\n");
        let conf = OctaviaConf::read(std::slice::from_ref(&none), None).unwrap();
        let rotation = conf.cert_rotation().unwrap();
        assert_eq!(
            (
                rotation.cert_validity_time,
                rotation.cert_expiry_buffer,
                rotation.cert_interval
            ),
            (2_592_000, 1_209_600, 3600)
        );
        assert_eq!(rotation.config_files, std::slice::from_ref(&none));
        let set = write(
            "set.conf",
            "[certificates]\ncert_validity_time = 864000\n[house_keeping]\ncert_expiry_buffer = '432_000'\n",
        );
        let later = write("later.conf", "[house_keeping]\ncert_interval = 60\n");
        let conf = OctaviaConf::read(&[none, set, later], None).unwrap();
        let rotation = conf.cert_rotation().unwrap();
        assert_eq!(
            (
                rotation.cert_validity_time,
                rotation.cert_expiry_buffer,
                rotation.cert_interval
            ),
            (864_000, 432_000, 60)
        );
        for (text, why) in [
            ("cert_expiry_buffer = 14d", "invalid literal for int()"),
            ("cert_expiry_buffer =", "it is empty"),
            ("cert_interval = $other", "refers to another option"),
        ] {
            let bad = write("bad.conf", &format!("[house_keeping]\n{text}\n"));
            let e = OctaviaConf::read(std::slice::from_ref(&bad), None)
                .unwrap()
                .cert_rotation()
                .unwrap_err()
                .to_string();
            assert!(e.contains(why) && e.contains("line 2"), "{e}");
            assert!(e.contains("rotates no amphora certificate"), "{e}");
        }
    }

    #[test]
    fn kollas_rendered_octavia_conf_names_its_four_files() {
        let worker = testdata("node/cases/clean/kolla/octavia-worker/octavia.conf");
        let conf = OctaviaConf::read(std::slice::from_ref(&worker), None).unwrap();
        let file = |role| conf.file(role).value;
        assert_eq!(
            file(Role::CaCertificate),
            "/etc/octavia/certs/server_ca.cert.pem"
        );
        assert_eq!(
            file(Role::ServerCa),
            "/etc/octavia/certs/server_ca.cert.pem"
        );
        assert_eq!(
            file(Role::CaPrivateKey),
            "/etc/octavia/certs/server_ca.key.pem"
        );
        assert_eq!(
            file(Role::ClientCert),
            "/etc/octavia/certs/client.cert-and-key.pem"
        );
        assert_eq!(
            file(Role::ClientCa),
            "/etc/octavia/certs/client_ca.cert.pem"
        );
        assert!(matches!(
            conf.file(Role::ClientCa).set_in,
            SetIn::File { ref path, .. } if *path == worker
        ));
        assert!(conf.ca_private_key_passphrase().is_some());
    }

    #[test]
    fn a_later_file_wins_and_unset_options_take_octavias_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("octavia.conf");
        let second = dir.path().join("octavia-pki.conf");
        std::fs::write(
            &first,
            "[certificates]\nca_certificate = /a/ca.pem\nca_private_key_passphrase = one\n",
        )
        .unwrap();
        std::fs::write(&second, "[certificates]\nca_certificate = \"/b/ca.pem\"\n").unwrap();
        let conf = OctaviaConf::read(&[first.clone(), second.clone()], None).unwrap();
        let ca = conf.file(Role::CaCertificate);
        assert_eq!(ca.value, "/b/ca.pem");
        assert_eq!(
            ca.set_in,
            SetIn::File {
                path: second,
                line: 2
            }
        );
        assert_eq!(conf.ca_private_key_passphrase().unwrap().expose(), "one");
        let client_ca = conf.file(Role::ClientCa);
        assert_eq!(client_ca.set_in, SetIn::Default);
        assert_eq!(client_ca.value, "/etc/octavia/certs/ca_01.pem");
        assert_eq!(
            client_ca.to_string(),
            "/etc/octavia/certs/ca_01.pem (Octavia's default)"
        );
    }

    #[test]
    fn a_file_that_is_not_ini_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("octavia.conf");
        std::fs::write(&bad, "[certificates]\njust words\n").unwrap();
        let err = OctaviaConf::read(std::slice::from_ref(&bad), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("octavia.conf") && err.contains("line 2"),
            "{err}"
        );
        // oslo.config reads UTF-8 only (UnicodeDecodeError: no service starts).
        std::fs::write(&bad, b"[certificates]\n# caf\xe9\n").unwrap();
        let err = OctaviaConf::read(&[bad], None).unwrap_err().to_string();
        assert!(err.contains("line 2: not UTF-8"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_ini_is_the_errors_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("octavia.conf");
        let bad = dir.path().join("octavia.conf.d/pki.conf");
        std::fs::create_dir(bad.parent().unwrap()).unwrap();
        std::fs::write(&good, "[certificates]\n").unwrap();
        std::fs::write(&bad, "just words\n").unwrap();
        let err = OctaviaConf::read(&[good, bad.clone()], None).unwrap_err();
        assert!(matches!(err, Error::Document { .. }), "{err:?}");
        assert_eq!(err.file(), Some(bad.as_path()));
    }

    #[test]
    fn server_certs_key_passphrase_is_judged_as_each_release_declares_it() {
        let every: Vec<&'static OctaviaRelease> = crate::release::RELEASES.iter().collect();
        let judge = |v: Option<&str>| judge_certs_key_passphrase(v, "line 3 of o.conf", &every);
        let good = "0123456789abcdefABCDEF-_=0123456";
        assert_eq!(judge(Some(good)), None);
        let unset = judge(None).unwrap();
        assert_eq!(unset.code, codes::SERVER_CERTS_KEY_PASSPHRASE_INSECURE);
        assert!(unset.refused_by.is_empty());
        let default = judge(Some(SERVER_CERTS_KEY_PASSPHRASE_DEFAULT)).unwrap();
        assert_eq!(default.code, codes::SERVER_CERTS_KEY_PASSPHRASE_INSECURE);
        // Too short: every release refuses it, and the message never holds it.
        let short = judge(Some("too-short")).unwrap();
        assert_eq!(short.code, codes::SERVER_CERTS_KEY_PASSPHRASE_INVALID);
        assert_eq!(short.refused_by.len(), every.len());
        assert!(!short.message.contains("too-short"), "{}", short.message);
        // A list: 16.x (a string option) refuses it; 17.0.0 and later take it.
        let list = format!("{good},{SERVER_CERTS_KEY_PASSPHRASE_DEFAULT}");
        let listed = judge(Some(&list)).unwrap();
        let refused: Vec<&str> = listed.refused_by.iter().map(|r| r.version).collect();
        assert_eq!(refused, ["16.0.0", "16.0.1", "16.1.0"]);
        assert!(
            listed.message.contains("16.x takes one key"),
            "{}",
            listed.message
        );
        let on_17: Vec<&'static OctaviaRelease> = every
            .iter()
            .copied()
            .filter(|r| r.certs_key_passphrase_is_list())
            .collect();
        assert_eq!(judge_certs_key_passphrase(Some(&list), "", &on_17), None);
    }

    #[test]
    fn escaped_dollars_read_as_oslo_config_reads_them_and_references_are_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("octavia.conf");
        std::fs::write(
            &conf,
            "[certificates]\nca_private_key_passphrase = pa$$wo\\$rd\nca_certificate = $state_path/ca.pem\n",
        )
        .unwrap();
        let read = OctaviaConf::read(std::slice::from_ref(&conf), None).unwrap();
        assert_eq!(
            read.ca_private_key_passphrase().unwrap().expose(),
            "pa$wo$rd"
        );
        let ca = read.file(Role::CaCertificate);
        assert!(ca.has_reference && ca.value == "$state_path/ca.pem");
        let sources = read.sources();
        let notes = &sources.conf.as_ref().unwrap().notes;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, codes::CONFIG_REFERENCE);
        assert!(
            notes[0]
                .1
                .starts_with("[certificates] ca_certificate (line 3 of")
        );
    }
}
