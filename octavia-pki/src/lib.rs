//! The control-plane certificates of OpenStack Octavia, right the first time.
//!
//! Octavia's controllers talk to every amphora over mutual TLS. That needs a
//! **server CA** (issues each amphora's certificate; its encrypted key is
//! deployed), a **client CA** (the amphora agent trusts only client
//! certificates it issued), and a **client bundle** (the controllers'
//! certificate followed by its unencrypted key). This crate models that set
//! ([`OctaviaPki`]), generates it correctly ([`generate()`]), writes it in the
//! layouts kolla-ansible deploys ([`Layout`]), reads every key and
//! certificate format Octavia and OpenSSL meet in the field ([`EncodedKey`],
//! [`Certificate`]), checks a deployed directory, saying exactly what is
//! wrong and what Octavia will log because of it ([`check::check_dir`]), and
//! rehearses the controller-to-amphora handshake offline ([`rehearse::rehearse_dir`]),
//! probes running amphorae as the controllers connect to them ([`probe`]),
//! checks what a controller runs from kolla-ansible's rendered files
//! ([`node::node_check`]), and keeps the history of renewals and rotations,
//! with the deadline by which amphorae booted before a client CA change must
//! be failed over ([`history`], [`lifecycle`]), and rotates a CA in stages,
//! without failing amphorae over ([`lifecycle::rotate_staged`]). Files
//! encrypted with ansible-vault are read and written back transparently
//! with the vault password each operation's options carry ([`vault`]).
//! Octavia releases issue amphora certificates differently ([`release`]: 16.1.0
//! and 17.0.1 name the server CA by the SHA-1 of its key, which is why every
//! certificate this crate makes uses that [key identifier](key_id)); the
//! checker and the rehearsal target every maintained release unless told
//! otherwise ([`OctaviaVersions`]).
//!
//! # Generate, write, check, rehearse
//!
//! ```
//! use octavia_pki::check::{check_dir, CheckOptions};
//! use octavia_pki::rehearse::{rehearse_dir, RehearseOptions};
//! use octavia_pki::{generate, CaPassphrases, DeployedPki, Destination, GenerateOptions, KeyType, Passphrase, Sources};
//!
//! # fn main() -> Result<(), octavia_pki::Error> {
//! let tmp = tempfile::tempdir().expect("a temporary directory");
//! // Options are built from their defaults (they may gain fields).
//! let mut options = GenerateOptions::default();
//! options.key_type = KeyType::EcdsaP256;
//! let pki = generate(&options)?;
//!
//! let passphrases = CaPassphrases {
//!     server_ca: Passphrase::generate(),
//!     client_ca: Passphrase::generate(),
//! };
//! let dir = tmp.path().join("config/octavia");
//! let work_dir = tmp.path().join("octavia-certificates");
//! let report = pki.write(&Destination::new(&dir, &work_dir), &passphrases, false)?;
//! assert_eq!(report.written.len(), 11);
//!
//! // What Octavia will load: the server CA unlocks with its passphrase, and
//! // the client certificate was issued by the client CA.
//! let deployed = DeployedPki::read(&Sources::of_layout(&dir, options.layout), &passphrases.server_ca)?;
//! assert!(deployed.client.certificate.is_signed_by(&deployed.client_ca_certificates[0]));
//!
//! // The checker reads the directory as Octavia will and says what is wrong:
//! // here, nothing. Each finding has a stable code, the file, the symptom
//! // Octavia would log, and a fix.
//! let mut check = CheckOptions::default();
//! check.passphrase = Some(passphrases.server_ca.clone());
//! let report = check_dir(&dir, &check)?;
//! assert!(!report.has_errors(), "{:?}", report.findings);
//!
//! // The handshake Octavia will make, played in memory: an amphora
//! // certificate issued as Octavia issues it, then mutual TLS 1.2 and 1.3.
//! let mut rehearse = RehearseOptions::default();
//! rehearse.passphrase = Some(passphrases.server_ca.clone());
//! let rehearsal = rehearse_dir(&dir, &rehearse)?;
//! assert!(rehearsal.ok, "{:?}", rehearsal.failure);
//!
//! std::fs::write(dir.join("client.cert-and-key.pem"), deployed.client.key.to_pkcs8_pem().as_bytes())
//!     .expect("overwrite the bundle with the key alone, as the field report did");
//! let report = check_dir(&dir, &check)?;
//! assert_eq!(report.findings[0].code.id(), "bundle-no-certificate");
//! assert_eq!(report.findings[0].symptom.as_deref(), Some("[SSL] PEM lib (OpenSSL 1.x: SSL_CTX_use_certificate_chain_file no start line)"));
//! # Ok(())
//! # }
//! ```
//!
//! # Probe running amphorae
//!
//! ```
//! use octavia_pki::probe::{probe, ControllerIdentity, ProbeOptions, Target};
//! use octavia_pki::{generate, CaPassphrases, Destination, GenerateOptions, KeyType, Passphrase, Sources};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let mut options = GenerateOptions::default();
//! # options.key_type = KeyType::EcdsaP256;
//! # let passphrases = CaPassphrases { server_ca: Passphrase::generate(), client_ca: Passphrase::generate() };
//! let dir = tmp.path().join("config/octavia");
//! # let work_dir = tmp.path().join("octavia-certificates");
//! # generate(&options)?.write(&Destination::new(&dir, &work_dir), &passphrases, false)?;
//! // Who the controllers are: the client bundle and the server CA file; no passphrase.
//! let identity = ControllerIdentity::read(&Sources::in_dir(&dir, None)?)?;
//! // A port nothing listens on any more.
//! let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
//! let target: Target = format!("0b9a5d43-5c3f-4a2e-9e3e-1f4b2c6d7e8f@127.0.0.1:{port}").parse()?;
//! let report = probe(&identity, &[target], &ProbeOptions::default())?;
//! assert_eq!(report.targets[0].status.id(), "connect-refused");
//! assert!(report.has_errors());
//! # Ok(())
//! # }
//! ```
//!
//! # Rotate a CA without failing amphorae over
//!
//! A staged rotation keeps the old CA working beside the new one; the
//! rehearsal, given the history, plays the amphorae booted before it too.
//!
//! ```
//! use octavia_pki::lifecycle::{rotate_staged, CaRole, RotateOptions};
//! use octavia_pki::rehearse::{rehearse_dir, RehearseOptions};
//! use octavia_pki::{generate, history, CaPassphrases, Destination, GenerateOptions, KeyType, Passphrase};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let mut options = GenerateOptions::default();
//! # options.key_type = KeyType::EcdsaP256;
//! # let passphrases = CaPassphrases { server_ca: Passphrase::generate(), client_ca: Passphrase::generate() };
//! # let dir = tmp.path().join("config/octavia");
//! # let work_dir = tmp.path().join("octavia-certificates");
//! let to = Destination::new(&dir, &work_dir);
//! # generate(&options)?.write(&to, &passphrases, false)?;
//! let lock = to.lock()?; // one writer at a time, from reading to writing
//! let mut rotation = RotateOptions::default(); // now, the default validities
//! rotation.key_type = KeyType::EcdsaP256;
//! let change = rotate_staged(&to, CaRole::ClientCa, &passphrases, &rotation)?;
//! // Amphorae created before now accept the controllers until the old client CA expires.
//! assert!(change.amphorae_deadline.is_some());
//! change.apply(&lock)?;
//! drop(lock);
//!
//! let mut rehearse = RehearseOptions::default();
//! rehearse.passphrase = Some(passphrases.server_ca.clone());
//! rehearse.history = history::read_history(&work_dir, None)?;
//! let rehearsal = rehearse_dir(&dir, &rehearse)?;
//! assert!(rehearsal.ok);
//! assert!(rehearsal.generations.iter().all(|g| g.ok) && rehearsal.generations.len() == 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Secrets
//!
//! Private keys and passphrases live in zeroizing memory ([`Passphrase`],
//! [`PrivateKey`]), no `Debug` or `Display` output and no error message of
//! this crate contains them, and key files are written with mode 0600.
//!
//! # The API
//!
//! Every item has one path. The root holds the set and its parts
//! ([`OctaviaPki`], [`Certificate`], [`PrivateKey`], [`Passphrase`]), making
//! it ([`generate()`]), where it is read from ([`Sources`], the file of each
//! [`Role`] Octavia reads) and written to ([`Destination`]), and the crate's
//! [`Error`]. Each command's own types live under its module: [`check`],
//! [`rehearse`], [`probe`], [`node`], [`expiry`], [`lifecycle`] (renew and
//! rotate), [`deploy`], with the finding codes in [`codes`]. The loader's
//! typed outcome is [`load`]; files are read and written safely by [`fsio`].
//! Operations take `#[non_exhaustive]` options built from their `Default`,
//! and the vault password travels in them, never in process state. The whole
//! surface is recorded in `octavia-pki/public-api.txt`, checked in CI.

#![deny(missing_docs)]
#![warn(unreachable_pub)]

// The namespaces of the public API; everything else is private and what a
// user needs is re-exported below, so modules can move without breaking anyone.
mod cert_manager;
pub mod check;
pub mod codes;
pub mod conf_snippet;
pub mod deploy;
pub mod deployers;
pub mod expiry;
pub mod fsio;
pub mod history;
pub mod housekeeping;
pub mod key_id;
pub mod lifecycle;
pub mod load;
pub mod node;
pub mod octavia_conf;
pub mod osa_tree;
pub mod packed;
pub mod pem;
pub mod probe;
mod published;
pub mod rehearse;
pub mod release;
mod role;
pub mod target;
pub mod text;
pub mod vault;
pub mod yaml;

mod bundle;
mod ca;
mod cert;
mod error;
mod generate;
mod generate_report;
mod key;
mod model;
mod oid;
mod oslo_config;
mod passwords;
mod random;
mod secret;
mod sources;
#[cfg(test)]
mod test_support;
mod x509;

pub use bundle::{BundleError, BundleOrder, ClientBundle};
pub use cert::{CertError, Certificate};
pub use deployers::{Ambiguous, Layout, work_dir};
pub use error::{Error, Result, StagedRefusal};
pub use fsio::WriteReport;
pub use generate::{
    DEFAULT_CA_DAYS, DEFAULT_CLIENT_DAYS, Destination, GenerateOptions, KeyRole, MAX_DAYS,
    Progress, Subject, generate, generate_with_progress,
};
pub use generate_report::{GenerateReport, GeneratedCertificate};
pub use key::{
    EncodedKey, KeyAlgorithm, KeyError, KeyFormat, KeyType, LegacyCipher, MAX_PBKDF2_ITERATIONS,
    MAX_SCRYPT_MEMORY, PBKDF2_ITERATIONS, PrivateKey,
};
pub use model::{
    CaPassphrases, CertificateAuthority, ClientCa, DeployedPki, OctaviaPki, ServerCa, read_bundle,
    read_certificates, read_private_key,
};
pub use passwords::{
    CA_PASSWORD, CHARM_PASSPHRASE, CLIENT_CA_PASSWORD, KollaPasswords, OctaviaValue,
    PasswordsError, Rendering, charm_octavia_value, charm_passphrase, demo_passwords_yml,
};
pub use release::{OctaviaRelease, OctaviaVersions};
pub use secret::{Passphrase, PassphraseProblem};
pub use sources::{Origin, Role, Sources};
pub use x509::VerifyError;
