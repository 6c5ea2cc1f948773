//! Generating a complete, correct Octavia PKI.
//!
//! The certificates carry what kolla-ansible's `octavia-certificates` role
//! writes (subjects, validity, SHA-256, the same extensions), plus what Python
//! 3.13's strict verification (X509_STRICT) demands and OpenSSL-made Kolla sets
//! happen to satisfy: critical basicConstraints and keyUsage on CAs, a subject
//! key identifier everywhere, an authority key identifier on every certificate.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyUsagePurpose, SerialNumber,
};
use time::OffsetDateTime;

use crate::bundle::ClientBundle;
use crate::ca::CaRole;
use crate::cert::Certificate;
use crate::conf_snippet;
use crate::deployers::{Layout, Names, work_dir};
use crate::error::{Error, Result};
use crate::fsio::{self, PlannedFile, WriteReport};
use crate::history::Action;
use crate::key::{KeyType, PrivateKey};
use crate::model::{CaPassphrases, CertificateAuthority, OctaviaPki};
use crate::secret::Passphrase;
use crate::sources::{Role, Sources};

/// Validity of the CA certificates, in days (kolla-ansible's default).
pub const DEFAULT_CA_DAYS: u32 = 3650;
/// Validity of the client certificate, in days (kolla-ansible's default).
pub const DEFAULT_CLIENT_DAYS: u32 = 365;
/// The longest validity accepted, in days (about 100 years).
pub const MAX_DAYS: u32 = 36_500;

/// X.520's upper bounds on subject fields, in characters (RFC 5280,
/// appendix A.1: ub-state-name, ub-organization-name,
/// ub-organizational-unit-name, ub-common-name): OpenSSL refuses longer
/// values ("string too long").
pub(crate) const UB_STATE_NAME: usize = 128;
pub(crate) const UB_ORGANIZATION_NAME: usize = 64;
pub(crate) const UB_ORGANIZATIONAL_UNIT_NAME: usize = 64;
pub(crate) const UB_COMMON_NAME: usize = 64;

/// `notBefore` is set this far in the past, so that a controller or amphora
/// whose clock runs a little behind does not see `certificate is not yet valid`.
const BACKDATE: time::Duration = time::Duration::hours(1);

/// A certificate subject, as kolla-ansible's role spells it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `C`, two letters.
    pub country: String,
    /// `ST`.
    pub state: String,
    /// `L` (none when empty).
    pub locality: String,
    /// `O`.
    pub organization: String,
    /// `OU`.
    pub organizational_unit: String,
    /// `CN`.
    pub common_name: String,
}

impl Subject {
    /// `names`' fields with the given CN.
    pub fn named(names: &Names, common_name: &str) -> Self {
        Self {
            country: names.country.into(),
            state: names.state.into(),
            locality: names.locality.into(),
            organization: names.organization.into(),
            organizational_unit: names.organizational_unit.into(),
            common_name: common_name.into(),
        }
    }

    /// The server CA's, the client CA's and the client's subjects `names` gives.
    pub fn all_named(names: &Names) -> [Self; 3] {
        names.common_names.map(|cn| Self::named(names, cn))
    }

    /// kolla-ansible's defaults (`US`, `Oregon`, `OpenStack`, `Octavia`) with the given CN.
    pub fn kolla(common_name: &str) -> Self {
        Self::named(&crate::deployers::KOLLA_NAMES, common_name)
    }

    /// What OpenStack-Ansible's os_octavia gives its CAs
    /// ([`crate::deployers::Names`] of its module) with the given CN.
    pub fn osa(common_name: &str) -> Self {
        Self::named(&crate::deployers::osa::NAMES, common_name)
    }

    fn validate(&self, role: &str) -> Result<()> {
        if self.country.len() != 2 || !self.country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Error::InvalidValue {
                what: format!("{role} country"),
                why: format!(
                    "the {role} country must be two letters, not \"{}\"",
                    self.country
                ),
            });
        }
        if self.common_name.trim().is_empty() {
            return Err(Error::InvalidValue {
                what: format!("{role} common name"),
                why: format!("the {role} common name is empty"),
            });
        }
        Ok(())
    }

    pub(crate) fn to_dn(&self) -> DistinguishedName {
        let mut dn = DistinguishedName::new();
        // As OpenSSL writes it: C as PrintableString, the rest as UTF8String.
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString(self.country.clone().try_into().expect("validated letters")),
        );
        for (ty, value) in [
            (DnType::StateOrProvinceName, &self.state),
            (DnType::LocalityName, &self.locality),
            (DnType::OrganizationName, &self.organization),
            (DnType::OrganizationalUnitName, &self.organizational_unit),
            (DnType::CommonName, &self.common_name),
        ] {
            if !value.is_empty() {
                dn.push(ty, DnValue::Utf8String(value.clone()));
            }
        }
        dn
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GenerateOptions {
    /// Two CAs (kolla) or one CA for both roles (legacy).
    pub layout: Layout,
    /// The type of all three keys.
    pub key_type: KeyType,
    /// Validity of the CA certificates, in days (the server CA's, where
    /// `client_ca_days` is given).
    pub ca_days: u32,
    /// Validity of the client CA's certificate, in days, when it differs
    /// from `ca_days` (kolla's `octavia_certs_client_ca_expiry`).
    pub client_ca_days: Option<u32>,
    /// Validity of the client certificate, in days.
    pub client_days: u32,
    /// The server CA's subject (the one CA's, in the legacy layout).
    pub server_ca_subject: Subject,
    /// The client CA's subject.
    pub client_ca_subject: Subject,
    /// The client certificate's subject.
    pub client_subject: Subject,
}

impl Default for GenerateOptions {
    /// kolla-ansible's defaults.
    fn default() -> Self {
        Self {
            layout: Layout::Kolla,
            key_type: KeyType::Rsa4096,
            ca_days: DEFAULT_CA_DAYS,
            client_ca_days: None,
            client_days: DEFAULT_CLIENT_DAYS,
            server_ca_subject: Subject::kolla("server-ca.example.org"),
            client_ca_subject: Subject::kolla("client-ca.example.org"),
            client_subject: Subject::kolla("client.example.org"),
        }
    }
}

impl GenerateOptions {
    fn validate(&self) -> Result<()> {
        self.layout.require_written()?;
        for (name, days) in [
            ("CA", self.ca_days),
            ("client CA", self.client_ca_days.unwrap_or(self.ca_days)),
            ("client", self.client_days),
        ] {
            if days == 0 || days > MAX_DAYS {
                return Err(Error::InvalidValue {
                    what: format!("{name} validity"),
                    why: format!("the {name} validity must be 1 to {MAX_DAYS} days, not {days}"),
                });
            }
        }
        // OpenSSL refuses a certificate once its issuer has expired: a client
        // certificate that outlives its CA is dead for its last days (what
        // `check` reports as ca-expires-before-client).
        let issuer_days = if self.layout.is_single_ca() {
            self.ca_days
        } else {
            self.client_ca_days.unwrap_or(self.ca_days)
        };
        if self.client_days > issuer_days {
            return Err(Error::InvalidValue {
                what: "client validity".into(),
                why: format!(
                    "the client certificate's validity ({} days) would outlive the CA that issues \
                     it ({issuer_days} days), and OpenSSL refuses it once that CA expires: give a \
                     client validity of at most {issuer_days} days, or a longer CA validity",
                    self.client_days
                ),
            });
        }
        self.server_ca_subject.validate("server CA")?;
        self.client_ca_subject.validate("client CA")?;
        self.client_subject.validate("client")
    }

    /// The keys to generate, by role.
    fn roles(&self) -> &'static [KeyRole] {
        if self.layout.is_single_ca() {
            &[KeyRole::Ca(CaRole::ServerCa), KeyRole::Client]
        } else {
            &[
                KeyRole::Ca(CaRole::ServerCa),
                KeyRole::Ca(CaRole::ClientCa),
                KeyRole::Client,
            ]
        }
    }
}

/// Which key is being generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRole {
    /// A CA's key (the server CA's is the one CA's, in the legacy layout).
    Ca(CaRole),
    /// The controllers' client key.
    Client,
}

impl KeyRole {
    /// A short name for progress messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ca(CaRole::ServerCa) => "server CA key",
            Self::Ca(CaRole::ClientCa) => "client CA key",
            Self::Client => "client key",
        }
    }
}

/// Progress of [`generate_with_progress`], reported from the generating threads.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Progress {
    /// Key generation starts: `count` keys of `key_type`, in parallel.
    KeysStarted {
        /// How many keys.
        count: usize,
        /// Their type.
        key_type: KeyType,
    },
    /// One key is ready.
    KeyDone {
        /// Which.
        role: KeyRole,
        /// How long it took.
        elapsed: Duration,
    },
}

/// Generates a complete PKI with the given options.
pub fn generate(options: &GenerateOptions) -> Result<OctaviaPki> {
    generate_with_progress(options, &|_| {})
}

/// Like [`generate`], reporting progress (keys are generated in parallel, so
/// `progress` is called from several threads).
pub fn generate_with_progress(
    options: &GenerateOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<OctaviaPki> {
    options.validate()?;
    let roles = options.roles();
    progress(Progress::KeysStarted {
        count: roles.len(),
        key_type: options.key_type,
    });
    let make_key = |role: KeyRole| {
        let started = Instant::now();
        let key = PrivateKey::generate(options.key_type).map_err(|e| Error::Generate {
            what: role.name().into(),
            detail: e.to_string(),
        });
        progress(Progress::KeyDone {
            role,
            elapsed: started.elapsed(),
        });
        key
    };
    // RSA keys take up to seconds each: one thread per key. EC keys take
    // microseconds, less than starting a thread, so they are made here.
    let keys: Vec<Result<PrivateKey>> = if options.key_type.is_rsa() {
        std::thread::scope(|scope| {
            let handles: Vec<_> = roles
                .iter()
                .map(|&role| scope.spawn(move || make_key(role)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Generate {
                            what: "keys".into(),
                            detail: "a worker thread panicked".into(),
                        })
                    })
                })
                .collect()
        })
    } else {
        roles.iter().map(|&role| make_key(role)).collect()
    };
    let mut keys = keys.into_iter().collect::<Result<Vec<_>>>()?.into_iter();
    let mut next_key = || keys.next().expect("one key per role");

    let now = OffsetDateTime::now_utc();
    let server_ca = self_signed_ca(
        next_key(),
        options.server_ca_subject.to_dn(),
        options.ca_days,
        now,
        None,
    )?;
    let client_ca = if options.layout.is_single_ca() {
        None
    } else {
        Some(self_signed_ca(
            next_key(),
            options.client_ca_subject.to_dn(),
            options.client_ca_days.unwrap_or(options.ca_days),
            now,
            None,
        )?)
    };
    let issuer = client_ca.as_ref().unwrap_or(&server_ca);
    let client = client_certificate(
        next_key(),
        issuer,
        options.client_subject.to_dn(),
        options.client_days,
        now,
    )?;
    Ok(OctaviaPki {
        layout: options.layout,
        server_ca,
        client_ca,
        client,
    })
}

/// What every certificate this crate issues shares: subject, validity, a
/// random serial, and the subject key identifier of `key` by RFC 5280's
/// method 1 (see [`crate::key_id`]).
fn base_params(
    subject: DistinguishedName,
    key: &PrivateKey,
    days: u32,
    now: OffsetDateTime,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.key_identifier_method =
        rcgen::KeyIdMethod::PreSpecified(crate::key_id::method1(key.public_key_raw()));
    params.distinguished_name = subject;
    params.not_before = now - BACKDATE;
    params.not_after = now + time::Duration::days(i64::from(days));
    params.serial_number = Some(random_serial());
    params
}

/// 16 random bytes, positive and non-zero: unique without an `openssl ca` database.
fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = crate::random::bytes();
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

/// A self-signed CA certificate for `key`: CA:TRUE and keyUsage critical,
/// SKI and AKI (equal: it is its own issuer). `key_id` keeps an existing CA's
/// key identifier (renewal), so certificates it issued still name it;
/// without it, the identifier is RFC 5280's method 1.
pub(crate) fn self_signed_ca(
    key: PrivateKey,
    subject: DistinguishedName,
    days: u32,
    now: OffsetDateTime,
    key_id: Option<Vec<u8>>,
) -> Result<CertificateAuthority> {
    let mut params = ca_params(subject, &key, days, now);
    params.use_authority_key_identifier_extension = true;
    if let Some(id) = key_id {
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(id);
    }
    let failed = |detail: String| Error::Generate {
        what: "CA certificate".into(),
        detail,
    };
    let signer = key.signing_key().map_err(|e| failed(e.to_string()))?;
    let cert = params
        .self_signed(&signer.0)
        .map_err(|e| failed(e.to_string()))?;
    let cert = Certificate::from_der(cert.der().to_vec(), 1).map_err(|e| failed(e.to_string()))?;
    Ok(CertificateAuthority {
        certificates: vec![cert],
        key,
    })
}

/// What every CA certificate this crate issues has: CA:TRUE, and keyUsage
/// keyCertSign and cRLSign, critical.
fn ca_params(
    subject: DistinguishedName,
    key: &PrivateKey,
    days: u32,
    now: OffsetDateTime,
) -> CertificateParams {
    let mut params = base_params(subject, key, days, now);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

/// A cross-certificate: `new`'s subject and key, as a CA, issued by `old`
/// and valid no longer than `old`'s own certificate (nor `new`'s). Running
/// amphorae, which trust only `old`, accept a client certificate from `new`
/// when the controllers send this certificate with it.
pub(crate) fn cross_certificate(
    new: &CertificateAuthority,
    old: &CertificateAuthority,
    now: OffsetDateTime,
) -> Result<Certificate> {
    let subject = subject_of(new.certificate())?;
    let mut params = ca_params(subject, &new.key, 1, now);
    params.not_after = new
        .certificate()
        .not_after()
        .min(old.certificate().not_after());
    // Its own identifier is the new CA's, so either issuer is found for the
    // certificates the new CA issues; its authority identifier is the old CA's.
    params.key_identifier_method =
        rcgen::KeyIdMethod::PreSpecified(new.certificate().key_id_for_issued());
    signed_by(params, &new.key, old, "cross-certificate")
}

/// `params` for `key`, signed by `issuer`'s key, naming it as OpenSSL
/// expects: its exact subject and its own key identifier.
fn signed_by(
    mut params: CertificateParams,
    key: &PrivateKey,
    issuer: &CertificateAuthority,
    what: &str,
) -> Result<Certificate> {
    params
        .custom_extensions
        .push(crate::key_id::authority_extension(
            &issuer.certificate().key_id_for_issued(),
        ));
    let failed = |detail: String| Error::Generate {
        what: what.into(),
        detail,
    };
    let issuer_signer = issuer
        .key
        .signing_key()
        .map_err(|e| failed(e.to_string()))?;
    // From the certificate itself: the issuer name is then exactly the CA's.
    let issuer_der = rustls_pki_types::CertificateDer::from(issuer.certificate().der());
    let rcgen_issuer = Issuer::from_ca_cert_der(&issuer_der, &issuer_signer.0)
        .map_err(|e| failed(format!("reading the issuing CA certificate: {e}")))?;
    let subject_key = key.signing_key().map_err(|e| failed(e.to_string()))?;
    let cert = params
        .signed_by(&subject_key.0, &rcgen_issuer)
        .map_err(|e| failed(e.to_string()))?;
    Certificate::from_der(cert.der().to_vec(), 1).map_err(|e| failed(e.to_string()))
}

/// The subject of a certificate as rcgen writes names, keeping each
/// attribute's string type so the new certificate names the same entity.
pub(crate) fn subject_of(cert: &Certificate) -> Result<DistinguishedName> {
    renamed(cert, |_| None)
}

/// The subject of the next generation of a CA: its common name with a
/// generation suffix (` G2`, then ` G3`...), so that no two CAs a trust store
/// may hold together share a name and path building never confuses them.
pub(crate) fn next_generation(cert: &Certificate) -> Result<DistinguishedName> {
    let mut renamed_one = false;
    let mut dn = renamed(cert, |cn| {
        renamed_one = true;
        Some(with_next_suffix(cn))
    })?;
    if !renamed_one {
        dn.push(DnType::CommonName, with_next_suffix(""));
    }
    Ok(dn)
}

/// Whether `newer`'s subject is the one [`next_generation`] gives `older`:
/// how a staged rotation names the CA it puts before the old one.
pub(crate) fn is_next_generation(older: &Certificate, newer: &Certificate) -> bool {
    matches!(
        (next_generation(older), subject_of(newer)),
        (Ok(next), Ok(subject)) if next == subject
    )
}

/// `Octavia CA` to `Octavia CA G2`, `Octavia CA G2` to `Octavia CA G3`.
fn with_next_suffix(cn: &str) -> String {
    let generation = cn
        .rsplit_once(" G")
        .and_then(|(base, n)| Some((base, n.parse::<u32>().ok().filter(|n| *n >= 2)?)));
    match generation {
        Some((base, n)) => format!("{base} G{}", n + 1),
        None if cn.is_empty() => "G2".into(),
        None => format!("{cn} G2"),
    }
}

/// A certificate's subject, each common name passed through `rename`.
fn renamed(
    cert: &Certificate,
    mut rename: impl FnMut(&str) -> Option<String>,
) -> Result<DistinguishedName> {
    use x509_parser::der_parser::asn1_rs::Tag;
    let parsed = cert.parsed();
    let mut dn = DistinguishedName::new();
    for attr in parsed.subject().iter_attributes() {
        let arcs: Vec<u64> = attr
            .attr_type()
            .iter()
            .map(|a| a.collect())
            .unwrap_or_default();
        let invalid = |e: &dyn std::fmt::Display| Error::InvalidValue {
            what: "subject".into(),
            why: format!("subject of \"{}\": {e}", cert.subject()),
        };
        let text = attr.as_str().map_err(|e| invalid(&e))?;
        let is_cn = arcs == [2, 5, 4, 3];
        let renamed = if is_cn { rename(text) } else { None };
        let text = renamed.as_deref().unwrap_or(text);
        let value = match attr.attr_value().tag() {
            Tag::PrintableString => {
                DnValue::PrintableString(text.try_into().map_err(|e| invalid(&e))?)
            }
            Tag::Ia5String => DnValue::Ia5String(text.try_into().map_err(|e| invalid(&e))?),
            _ => DnValue::Utf8String(text.to_owned()),
        };
        dn.push(DnType::from_oid(&arcs), value);
    }
    Ok(dn)
}

/// The controllers' client certificate for `key`, issued by `issuer`:
/// CA:FALSE and keyUsage digitalSignature critical, EKU clientAuth, SKI, AKI.
pub(crate) fn client_certificate(
    key: PrivateKey,
    issuer: &CertificateAuthority,
    subject: DistinguishedName,
    days: u32,
    now: OffsetDateTime,
) -> Result<ClientBundle> {
    let mut params = base_params(subject, &key, days, now);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let certificate = signed_by(params, &key, issuer, "client certificate")?;
    Ok(ClientBundle {
        certificate,
        chain: Vec::new(),
        key,
    })
}

/// Where a PKI is: its deployed directory and its CA work directory.
#[derive(Debug, Clone)]
pub struct Destination<'a> {
    /// The deployed files' directory (`/etc/kolla/config/octavia`).
    pub dir: &'a Path,
    /// The CA work directory (`/etc/kolla/octavia-certificates`).
    pub work_dir: &'a Path,
    /// The Ansible Vault password: files encrypted with ansible-vault are
    /// read with it, and written back encrypted ([`crate::vault`]).
    pub vault_password: Option<&'a Passphrase>,
    /// The deployed files, when octavia.conf names them
    /// ([`crate::octavia_conf::OctaviaConf::sources`]) rather than a layout
    /// of `dir`: renewals and rotations then read and write those.
    pub deployed: Option<&'a Sources>,
}

impl<'a> Destination<'a> {
    /// The deployed directory `dir` and the work directory `work_dir`, no
    /// vault password.
    pub fn new(dir: &'a Path, work_dir: &'a Path) -> Self {
        Self {
            dir,
            work_dir,
            vault_password: None,
            deployed: None,
        }
    }

    /// The deployed files: [`Destination::deployed`], else `layout`'s names in `dir`.
    pub(crate) fn deployed_files(&self, layout: Layout) -> Sources {
        match self.deployed {
            Some(sources) => sources.clone(),
            None => Sources::of_layout(self.dir, layout),
        }
    }
}

impl OctaviaPki {
    /// The files that [`write`](Self::write) writes, with their contents:
    /// the deployed layout in `dir`, and kolla-ansible's work directory layout
    /// in `work_dir`, so a later renewal finds the CA keys where kolla-ansible
    /// keeps them.
    pub fn planned_files(
        &self,
        to: &Destination<'_>,
        passphrases: &CaPassphrases,
    ) -> Result<Vec<PlannedFile>> {
        check_passphrase(crate::passwords::CA_PASSWORD, &passphrases.server_ca)?;
        if self.client_ca.is_some() {
            check_passphrase(crate::passwords::CLIENT_CA_PASSWORD, &passphrases.client_ca)?;
        }
        // Each encryption is a deliberate 100 000-iteration PBKDF2: the two
        // CA keys are independent, so they are encrypted in parallel.
        let (server_key, client_ca_key) = std::thread::scope(|scope| {
            let client = self.client_ca.as_ref().map(|ca| {
                scope.spawn(|| encrypt_ca_key(&ca.key, &passphrases.client_ca, "client CA key"))
            });
            let server =
                encrypt_ca_key(&self.server_ca.key, &passphrases.server_ca, "server CA key");
            let client = client.map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::Generate {
                        what: "encrypted client CA key".into(),
                        detail: "the worker thread panicked".into(),
                    })
                })
            });
            (server, client.transpose())
        });
        let (server_key, client_ca_key) = (server_key?, client_ca_key?);
        let server_cert = self.server_ca.certificates_pem();
        let bundle = self.client.to_pem();
        let deployed_bundle = self.client.to_pem_ordered(self.layout.bundle_order());
        let files = Sources::of_layout(to.dir, self.layout);
        let d = |role| files.path(role).to_owned();
        let w = |name: &str| to.work_dir.join(name);

        // cert-manager's Secrets hold the CA key unencrypted (Octavia then
        // reads it with no passphrase); the work directory's copy is encrypted.
        let deployed_key = self
            .layout
            .deployed_ca_key(&self.server_ca.key, server_key.clone());
        let mut planned = vec![
            PlannedFile::public(d(Role::CaCertificate), server_cert.clone()),
            PlannedFile::secret(d(Role::CaPrivateKey), deployed_key),
        ];
        // The controllers' trust file, where it is a file of its own (the
        // gate's chain file, cert-manager's ca.crt): the same self-signed CA.
        if files.first_reader(Role::ServerCa) == Role::ServerCa {
            planned.push(PlannedFile::public(d(Role::ServerCa), server_cert.clone()));
        }
        if let Some(client_ca) = &self.client_ca {
            planned.push(PlannedFile::public(
                d(Role::ClientCa),
                client_ca.certificates_pem(),
            ));
        }
        planned.push(PlannedFile::secret(d(Role::ClientCert), deployed_bundle));
        if self.layout == Layout::Guide {
            // What names the files to Octavia, which no deployer renders here.
            let snippet = conf_snippet::path_in(to.dir);
            let certs_key = conf_snippet::kept_certs_key_passphrase(&snippet, to.vault_password)
                .unwrap_or_else(Passphrase::generate_server_certs_key);
            planned.push(PlannedFile::secret(
                snippet,
                conf_snippet::render(&files, &passphrases.server_ca, &certs_key)?,
            ));
        }

        planned.push(PlannedFile::public(
            w(work_dir::SERVER_CA_CERT),
            server_cert,
        ));
        planned.push(PlannedFile::secret(w(work_dir::SERVER_CA_KEY), server_key));
        if let (Some(client_ca), Some(client_ca_key)) = (&self.client_ca, client_ca_key) {
            planned.push(PlannedFile::public(
                w(work_dir::CLIENT_CA_CERT),
                client_ca.certificates_pem(),
            ));
            planned.push(PlannedFile::secret(
                w(work_dir::CLIENT_CA_KEY),
                client_ca_key,
            ));
        }
        planned.push(PlannedFile::public(
            w(work_dir::CLIENT_CERT),
            self.client.certificate.to_pem(),
        ));
        planned.push(PlannedFile::secret(
            w(work_dir::CLIENT_KEY),
            self.client.key.to_pkcs8_pem(),
        ));
        planned.push(PlannedFile::secret(w(work_dir::CLIENT_BUNDLE), bundle));
        Ok(planned)
    }

    /// Writes the PKI (see [`planned_files`](Self::planned_files)): CA keys
    /// encrypted with their passphrases, key files 0600, new directories 0700,
    /// every file atomically. Existing files stop the write unless `force`,
    /// in which case they are backed up first.
    pub fn write(
        &self,
        to: &Destination<'_>,
        passphrases: &CaPassphrases,
        force: bool,
    ) -> Result<WriteReport> {
        let lock = to.lock()?;
        fsio::recover(&lock, false)?;
        let mut planned = self.planned_files(to, passphrases)?;
        planned.extend(self.history_of_replacing(to, OffsetDateTime::now_utc())?);
        let mut plan = fsio::WritePlan::new("generate", planned);
        plan.force = force;
        Ok(fsio::write_all(&plan, to.vault_password, &lock)?)
    }

    /// When this set replaces one in `to`'s work directory: its history with
    /// the replacement recorded, as `rotate all` records it (each CA; the one
    /// amphorae trust with a deadline of `now`, since every amphora booted
    /// before refuses the controllers from then on, which also ends every
    /// earlier deadline). `None` when there is no set to replace.
    pub fn history_of_replacing(
        &self,
        to: &Destination<'_>,
        now: OffsetDateTime,
    ) -> Result<Option<PlannedFile>> {
        let first =
            |rel: &str| crate::model::first_certificate(&to.work_dir.join(rel), to.vault_password);
        let mut replaced = vec![(
            Action::Generated(CaRole::ServerCa),
            first(work_dir::SERVER_CA_CERT),
            self.server_ca.certificate(),
        )];
        if let Some(client_ca) = &self.client_ca {
            replaced.push((
                Action::Generated(CaRole::ClientCa),
                first(work_dir::CLIENT_CA_CERT),
                client_ca.certificate(),
            ));
        }
        // Only the CAs there was one of; the last the amphorae trust.
        let replaced: Vec<_> = replaced
            .iter()
            .filter_map(|(action, old, new)| Some((action.clone(), old.as_ref()?, *new)))
            .collect();
        if replaced.is_empty() {
            return Ok(None);
        }
        let entries = crate::history::replaced_at_once(&replaced, true, now);
        crate::history::appended(to.work_dir, &entries, to.vault_password).map(Some)
    }
}

impl Destination<'_> {
    /// Locks both directories for one writer ([`fsio::DirLock`]): take it
    /// before reading what a change is planned from, hold it until written.
    pub fn lock(&self) -> Result<fsio::DirLock> {
        let mut dirs = vec![self.work_dir];
        match self.deployed {
            // The directories of octavia.conf's files.
            Some(sources) => dirs.extend(sources.paths().into_iter().filter_map(Path::parent)),
            None => dirs.push(self.dir),
        }
        Ok(fsio::DirLock::acquire(&dirs)?)
    }

    /// Every path a PKI of `layout` is written to, known before generating,
    /// so a caller can refuse early instead of after minutes of key generation.
    pub fn paths(&self, layout: Layout) -> Vec<PathBuf> {
        let sources = Sources::of_layout(self.dir, layout);
        let mut paths: Vec<PathBuf> = sources.paths().into_iter().map(Path::to_owned).collect();
        if layout == Layout::Guide {
            paths.push(conf_snippet::path_in(self.dir));
        }
        let mut work = vec![work_dir::SERVER_CA_CERT, work_dir::SERVER_CA_KEY];
        if !layout.is_single_ca() {
            work.extend([work_dir::CLIENT_CA_CERT, work_dir::CLIENT_CA_KEY]);
        }
        work.extend([
            work_dir::CLIENT_CERT,
            work_dir::CLIENT_KEY,
            work_dir::CLIENT_BUNDLE,
        ]);
        paths.extend(work.into_iter().map(|p| self.work_dir.join(p)));
        paths
    }
}

fn encrypt_ca_key(
    key: &PrivateKey,
    passphrase: &Passphrase,
    what: &str,
) -> Result<zeroize::Zeroizing<String>> {
    key.to_encrypted_pkcs8_pem(passphrase)
        .map_err(|e| Error::Generate {
            what: format!("encrypted {what}"),
            detail: e.to_string(),
        })
}

/// Refuses a passphrase Octavia could not use (`$`, empty, line break).
fn check_passphrase(key: &str, passphrase: &Passphrase) -> Result<()> {
    match passphrase.octavia_problem() {
        Some(problem) => Err(Error::Passphrase {
            what: key.into(),
            problem,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_generation_gets_the_next_suffix() {
        for (cn, next) in [
            ("Octavia CA", "Octavia CA G2"),
            ("Octavia CA G2", "Octavia CA G3"),
            ("Octavia CA G9", "Octavia CA G10"),
            // Not a generation suffix: a G1, or letters after the G.
            ("Octavia CA G1", "Octavia CA G1 G2"),
            ("Octavia Gateway", "Octavia Gateway G2"),
            ("", "G2"),
        ] {
            assert_eq!(with_next_suffix(cn), next, "{cn:?}");
        }
    }

    #[test]
    fn destination_paths_are_exactly_the_planned_files() {
        let tmp = std::path::Path::new("/nonexistent");
        let (d, w) = (tmp.join("d"), tmp.join("w"));
        let to = Destination::new(&d, &w);
        let passphrases = CaPassphrases {
            server_ca: Passphrase::generate(),
            client_ca: Passphrase::generate(),
        };
        for layout in Layout::written() {
            let options = GenerateOptions {
                layout,
                key_type: KeyType::EcdsaP256,
                ..Default::default()
            };
            let pki = generate(&options).unwrap();
            let mut planned: Vec<_> = pki
                .planned_files(&to, &passphrases)
                .unwrap()
                .into_iter()
                .map(|f| f.path)
                .collect();
            let mut expected = to.paths(layout);
            planned.sort();
            expected.sort();
            assert_eq!(planned, expected, "{layout}");
        }
    }

    #[test]
    fn a_dollar_in_the_passphrase_is_refused_before_anything_is_written() {
        let pki = generate(&GenerateOptions {
            key_type: KeyType::EcdsaP256,
            ..Default::default()
        })
        .unwrap();
        let tmp = std::path::Path::new("/nonexistent");
        let (d, w) = (tmp.join("d"), tmp.join("w"));
        let to = Destination::new(&d, &w);
        let passphrases = CaPassphrases {
            server_ca: Passphrase::new("a$b".into()),
            client_ca: Passphrase::generate(),
        };
        let err = pki
            .planned_files(&to, &passphrases)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("octavia_ca_password") && err.contains("oslo.config"),
            "{err}"
        );
        assert!(!err.contains("a$b"));
    }

    #[test]
    fn options_out_of_range_are_refused() {
        let bad = GenerateOptions {
            ca_days: 0,
            ..Default::default()
        };
        assert!(
            generate(&bad)
                .unwrap_err()
                .to_string()
                .contains("1 to 36500 days")
        );
        let mut bad = GenerateOptions::default();
        bad.client_subject.country = "USA".into();
        assert!(
            generate(&bad)
                .unwrap_err()
                .to_string()
                .contains("two letters")
        );
    }

    #[test]
    fn a_value_out_of_range_says_which_value() {
        let what_of = |options: &GenerateOptions| match generate(options).unwrap_err() {
            Error::InvalidValue { what, .. } => what,
            other => panic!("{other}"),
        };
        let bad = GenerateOptions {
            client_days: 0,
            ..Default::default()
        };
        assert_eq!(what_of(&bad), "client validity");
        let bad = GenerateOptions {
            client_days: DEFAULT_CA_DAYS + 1,
            ..Default::default()
        };
        assert_eq!(what_of(&bad), "client validity");
        let mut bad = GenerateOptions::default();
        bad.server_ca_subject.common_name = " ".into();
        assert_eq!(what_of(&bad), "server CA common name");
        let err = generate(&bad).unwrap_err();
        assert_eq!(err.file(), None);
        assert!(err.to_string().starts_with("invalid options: "), "{err}");
    }
}
