//! Sets packed into the one document a deployer takes instead of files: the
//! Juju charm's options (`juju config octavia --file`), and Kubernetes
//! Secrets (openstack-helm's `octavia-certs`, Atmosphere's cert-manager-style
//! TLS Secrets). Reading a document unpacks it as its deployer does into the
//! files Octavia then reads, in a private temporary directory, so that every
//! reader and writer of files serves it; writing packs files back.
//! Facts: `../shared/reference/octavia-deployers.md` in the repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use zeroize::Zeroizing;

use crate::deployers::{Deployer, Layout};
use crate::error::{Error, Result};
use crate::fsio::PlannedFile;
use crate::osa_tree::Files;
use crate::role::Role;
use crate::secret::Passphrase;
use crate::sources::{Origin, Sources};
use crate::yaml::Yaml;
use crate::yaml::write::{self, Node};

/// Where the deployer puts the unpacked files on a controller (the charm's
/// `OCTAVIA_CACERT_DIR`, the pods' mounts), for commands run there.
pub const DEPLOYED_DIR: &str = crate::deployers::CONTROLLER_DIR;

/// The charm's options, by the role of the file each becomes
/// (`src/lib/charm/openstack/octavia.py` writes each, base64-decoded, to
/// the charm layout's file).
const CHARM_OPTIONS: [(&str, Role); 4] = [
    ("lb-mgmt-issuing-cacert", Role::CaCertificate),
    ("lb-mgmt-issuing-ca-private-key", Role::CaPrivateKey),
    ("lb-mgmt-controller-cacert", Role::ClientCa),
    ("lb-mgmt-controller-cert", Role::ClientCert),
];

use crate::passwords::CHARM_PASSPHRASE;

pub use crate::deployers::kubernetes::K8sStyle;
use crate::deployers::kubernetes::{Restart, Secrets};

/// A document a deployer takes, and what names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Packing {
    /// `juju config APPLICATION --file FILE`.
    Charm {
        /// The application's name (`octavia`).
        application: String,
    },
    /// `kubectl apply -f FILE` (`oc apply`).
    Kubernetes {
        /// The Secrets' namespace.
        namespace: String,
        /// Whose Secrets.
        style: K8sStyle,
        /// The resource whose name the Secrets' names carry (RHOSO's
        /// Octavia resource: `<instance>-certs-secret`); empty for fixed names.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        instance: String,
    },
    /// OpenStack-Ansible's deploy-host PKI tree ([`crate::osa_tree`]), which
    /// its role adopts and installs.
    OsaTree {
        /// The client CSR's CN: os_octavia's `octavia_cert_client_req_common_name`.
        client_cn: String,
    },
}

impl Packing {
    /// The layout of the files the deployer unpacks the document into.
    pub fn layout(&self) -> Layout {
        match self {
            Self::Charm { .. } => Layout::Charm,
            Self::Kubernetes { style, .. } => Deployer::of_style(*style).layout,
            Self::OsaTree { .. } => Layout::Osa,
        }
    }

    /// Whose document it is.
    pub fn deployer(&self) -> &'static Deployer {
        match self {
            Self::Kubernetes { style, .. } => Deployer::of_style(*style),
            other => other.layout().owner(),
        }
    }

    /// The charm's document for the Juju application `application`,
    /// refused unless Juju takes the name: it is written into the document
    /// and the commands printed with it.
    pub fn charm(application: &str) -> Result<Self> {
        Ok(Self::Charm {
            application: valid_application(application)?.to_owned(),
        })
    }

    /// `style`'s Secrets in `namespace`, refused unless Kubernetes takes the
    /// name (an RFC 1123 label): it is written into the manifest and the
    /// commands printed with it.
    /// Secrets named for a resource (RHOSO's) are named for its default
    /// name, `octavia`.
    pub fn kubernetes(namespace: &str, style: K8sStyle) -> Result<Self> {
        let named = secrets_of(style)
            .secrets
            .iter()
            .any(|s| s.name.for_instance("") != s.name.for_instance("x"));
        Ok(Self::Kubernetes {
            namespace: valid_namespace(namespace)?.to_owned(),
            style,
            instance: if named {
                "octavia".into()
            } else {
                String::new()
            },
        })
    }

    /// What puts a new `file` in use.
    pub fn deploy_step(&self, file: &Path) -> String {
        let file = crate::text::shell_path(file);
        match self {
            Self::Charm { application } => format!(
                "juju config {application} --file {file} (the charm writes the files and restarts Octavia's services)"
            ),
            Self::Kubernetes {
                namespace,
                style,
                instance,
            } => {
                let secrets = secrets_of(*style);
                let client = secrets.client;
                match secrets.restart {
                    Restart::RolloutRestart(workloads) => format!(
                        "{client} apply -n {namespace} -f {file}, then restart Octavia's pods ({client} -n \
                         {namespace} rollout restart {}; Secrets mounted with subPath are never refreshed)",
                        workloads.join(" ")
                    ),
                    Restart::ByOperator(suffixes) => {
                        let daemonsets: Vec<String> = suffixes
                            .iter()
                            .map(|s| format!("daemonset/{instance}{s}"))
                            .collect();
                        format!(
                            "{client} apply -n {namespace} -f {file} (the operator rolls the \
                             OctaviaAmphoraController pods {} when the Secret changes; if they keep \
                             their age: {client} -n {namespace} rollout restart {})",
                            suffixes
                                .iter()
                                .map(|s| format!("{instance}{s}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            daemonsets.join(" ")
                        )
                    }
                }
            }
            Self::OsaTree { client_cn } => format!(
                "openstack-ansible openstack.osa.octavia (os-octavia-install.yml before 2024.1), with \
                 octavia_cert_dir: {file} and octavia_cert_client_req_common_name: {client_cn} (its role \
                 installs the files on every controller and restarts Octavia's services)"
            ),
        }
    }

    /// How reports name the file of `role`: the option or the Secret's key.
    fn key(&self, role: Role) -> String {
        match self {
            Self::Charm { .. } => {
                let role = if role == Role::ServerCa {
                    Role::CaCertificate
                } else {
                    role
                };
                CHARM_OPTIONS
                    .iter()
                    .find(|(_, r)| *r == role)
                    .map(|(option, _)| (*option).to_owned())
                    .unwrap_or_default()
            }
            Self::Kubernetes {
                style, instance, ..
            } => {
                let name = self.layout().files().of(role);
                let (secret, key) = secrets_of(*style)
                    .key_of(name, instance)
                    .unwrap_or_default();
                format!("Secret {secret} key {key}")
            }
            Self::OsaTree { .. } => crate::osa_tree::names()[role.index()].clone(),
        }
    }
}

/// `style`'s deployer's Secrets.
fn secrets_of(style: K8sStyle) -> &'static Secrets {
    Deployer::of_style(style)
        .secrets
        .expect("a style's deployer has Secrets")
}

/// Base64, into a zeroized string: keys and the passphrase go straight into
/// the zeroized document, never through a plain String.
fn b64(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// `name` when Juju takes it as an application name (juju/names:
/// lower-case letters, digits and single hyphens, starting with a letter, no
/// part after a hyphen all digits).
fn valid_application(name: &str) -> Result<&str> {
    let parts_ok = name.split('-').enumerate().all(|(i, part)| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && part.bytes().any(|b| b.is_ascii_lowercase())
            && (i > 0 || part.as_bytes()[0].is_ascii_lowercase())
    });
    if parts_ok {
        Ok(name)
    } else {
        Err(Error::InvalidValue {
            what: "Juju application name".into(),
            why: format!(
                "{name:?} is not a Juju application name (lower-case letters, digits and single \
             hyphens, starting with a letter, e.g. octavia)"
            ),
        })
    }
}

/// `name` when Kubernetes takes it as a namespace: an RFC 1123 label (at
/// most 63 lower-case letters, digits and hyphens, starting and ending with
/// a letter or digit).
fn valid_namespace(name: &str) -> Result<&str> {
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = name.as_bytes();
    let ok = !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum);
    if ok {
        Ok(name)
    } else {
        Err(Error::InvalidValue {
            what: "Kubernetes namespace".into(),
            why: format!(
                "{name:?} is not a Kubernetes namespace (at most 63 lower-case letters, digits and \
             hyphens, starting and ending with a letter or digit, e.g. openstack)"
            ),
        })
    }
}

/// The charm's options for `application`: `files` (by their names in
/// [`Layout::Charm`]) and the CA key's passphrase.
fn charm_options(
    application: &str,
    files: &Files,
    passphrase: Option<&Passphrase>,
) -> Result<Zeroizing<String>> {
    let application = valid_application(application)?;
    let layout = Layout::Charm.files();
    let mut options = Vec::new();
    for (option, role) in CHARM_OPTIONS {
        let file = files
            .get(layout.of(role))
            .ok_or_else(|| missing(layout.of(role)))?;
        options.push((option, Node::Text(b64(file))));
    }
    let passphrase = passphrase.ok_or_else(|| Error::InvalidValue {
        what: "passphrase".into(),
        why: "the charm's options need the CA key's passphrase".into(),
    })?;
    options.push((CHARM_PASSPHRASE, Node::text(passphrase.expose())));
    let mut out = Zeroizing::new(String::new());
    write::document(
        &mut out,
        &[
            &format!(
                "The Octavia PKI as charm-octavia's options, written by octavia-pki {}:",
                env!("CARGO_PKG_VERSION")
            ),
            &format!("  juju config {application} --file THIS-FILE"),
            "It holds the issuing CA's key and passphrase: keep it private (0600).",
        ],
        &Node::Map(vec![(application, Node::Map(options))]),
    );
    Ok(out)
}

/// The Secrets of `style`'s deployer in `namespace` (named for `instance`),
/// holding `files` (by their names in its layout), then its passphrase
/// Secret holding `passphrase`, when the document had it (written back as
/// it was: the CA key stays encrypted with it); `fresh`: a new set.
fn secrets_manifest(
    namespace: &str,
    style: K8sStyle,
    instance: &str,
    files: &Files,
    passphrase: Option<&Passphrase>,
    fresh: bool,
) -> Result<Zeroizing<String>> {
    let namespace = valid_namespace(namespace)?;
    let spec = secrets_of(style);
    let client = spec.client;
    let head = [
        format!(
            "The Octavia PKI as Kubernetes Secrets, written by octavia-pki {}:",
            env!("CARGO_PKG_VERSION")
        ),
        format!("  {client} apply -n {namespace} -f THIS-FILE"),
        "They hold the CA keys: keep this file private (0600).".to_owned(),
    ];
    let mut comment: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut out = Zeroizing::new(String::new());
    let mut secret = |name: String, tls: bool, data: Vec<(String, Zeroizing<String>)>| {
        let data = data
            .iter()
            .map(|(key, value)| (key.as_str(), Node::Text(value.clone())))
            .collect();
        let doc = Node::Map(vec![
            ("apiVersion", Node::text("v1")),
            ("kind", Node::text("Secret")),
            (
                "metadata",
                Node::Map(vec![
                    ("name", Node::text(&name)),
                    ("namespace", Node::text(namespace)),
                ]),
            ),
            (
                "type",
                Node::text(if tls { "kubernetes.io/tls" } else { "Opaque" }),
            ),
            ("data", Node::Map(data)),
        ]);
        write::document(&mut out, &comment, &doc);
        comment.clear();
    };
    for s in spec.secrets {
        let mut keys: BTreeMap<String, Zeroizing<String>> = files
            .iter()
            .filter_map(|(name, bytes)| Some((s.key_of(name)?, b64(bytes))))
            .collect();
        // A new set (nothing unpacked) in the deployer's current format; a
        // document read keeps its own (a GA-era RHOSO Secret stays one).
        for (key, value) in s.written_keys.iter().filter(|_| fresh) {
            keys.entry((*key).to_owned())
                .or_insert_with(|| b64(value.as_bytes()));
        }
        // A kubernetes.io/tls Secret holds tls.crt and tls.key: the
        // client's, split from the combined file; the CA's, as deployed.
        if let Some(from) = s.tls_from {
            let bundle = files.get(from).ok_or_else(|| missing(from))?;
            let (certs, key) = split_bundle(bundle)?;
            keys.insert("tls.crt".into(), b64(certs.as_bytes()));
            keys.insert("tls.key".into(), b64(key.as_bytes()));
        }
        secret(
            s.name.for_instance(instance),
            s.tls,
            keys.into_iter().collect(),
        );
    }
    if let (Some(p), Some(passphrase)) = (spec.passphrase, passphrase) {
        secret(
            p.name.for_instance(instance),
            false,
            vec![(p.key.to_owned(), b64(passphrase.expose().as_bytes()))],
        );
    }
    Ok(out)
}

fn missing(name: &str) -> Error {
    Error::InvalidValue {
        what: "files to pack".into(),
        why: format!("no {name} to pack"),
    }
}

/// A bundle's certificates and its key, as `tls.crt` and `tls.key`.
fn split_bundle(bytes: &[u8]) -> Result<(String, Zeroizing<String>)> {
    let bundle =
        crate::bundle::ClientBundle::from_file_bytes(bytes).map_err(|e| Error::InvalidValue {
            what: "files to pack".into(),
            why: format!("the client bundle to pack: {e}"),
        })?;
    Ok((bundle.certificates_to_pem(), bundle.key.to_pkcs8_pem()))
}

/// What writes a packed set: files, and, for a tree, links.
#[derive(Debug, Default)]
pub struct Repacked {
    /// The files to write.
    pub files: Vec<PlannedFile>,
    /// The symbolic links to point, written with the files.
    pub links: Vec<crate::osa_tree::Link>,
}

/// `files` with those under `base` packed into `file` (a document, or a
/// tree): the others (a work directory's) as they are, then what packs
/// them. `original` holds the unpacked files there were, for those not changed.
pub(crate) fn pack_into(
    packing: &Packing,
    file: &Path,
    base: &Path,
    original: &Files,
    files: Vec<PlannedFile>,
    passphrase: Option<&Passphrase>,
    vault: Option<&Passphrase>,
) -> Result<Repacked> {
    let mut packed = original.clone();
    let mut changed = Vec::new();
    let mut rest = Vec::new();
    for f in files {
        match f.path.strip_prefix(base) {
            Ok(rel) => {
                let rel = rel.to_string_lossy().into_owned();
                packed.insert(rel.clone(), f.contents);
                changed.push(rel);
            }
            Err(_) => rest.push(f),
        }
    }
    let mut links = Vec::new();
    match packing {
        Packing::OsaTree { client_cn } => {
            let (files, tree_links) =
                crate::osa_tree::pack(file, &packed, &changed, client_cn, vault)?;
            rest.extend(files);
            links = tree_links;
        }
        Packing::Charm { application } => {
            // The charm's template writes the passphrase into octavia.conf
            // as it is: refused unless Octavia reads exactly it.
            if let Some(passphrase) = passphrase {
                crate::passwords::charm_passphrase(passphrase).map_err(|source| {
                    Error::Passwords {
                        path: file.to_owned(),
                        source,
                    }
                })?;
            }
            rest.push(PlannedFile::secret(
                file.to_owned(),
                charm_options(application, &packed, passphrase)?,
            ))
        }
        Packing::Kubernetes {
            namespace,
            style,
            instance,
        } => rest.push(PlannedFile::secret(
            file.to_owned(),
            secrets_manifest(
                namespace,
                *style,
                instance,
                &packed,
                passphrase,
                original.is_empty(),
            )?,
        )),
    }
    Ok(Repacked { files: rest, links })
}

/// Which kind of document to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackedKind {
    /// The charm's options: a `juju config --file` YAML (`APPLICATION:
    /// {option: value}`), or `juju config APPLICATION --format yaml` output.
    Charm,
    /// Secret manifests (`---` between them) or `kubectl get secret -o yaml` output (a `List`).
    Kubernetes,
    /// OpenStack-Ansible's deploy-host PKI tree (a directory).
    OsaTree,
}

/// A document unpacked as its deployer does, into a private temporary
/// directory ([`crate::fsio::PrivateDir`]: removed on drop, on a signal the
/// CLI catches, or by the next run when this one is killed).
#[derive(Debug)]
pub struct Unpacked {
    packing: Packing,
    file: PathBuf,
    dir: crate::fsio::PrivateDir,
    files: Files,
    passphrase: Option<Passphrase>,
    /// What reads the tree's files again when it is packed back (its serials).
    vault: Option<Passphrase>,
}

impl Unpacked {
    /// Reads `file` (`vault`: its ansible-vault password) and unpacks it.
    pub fn read(file: &Path, kind: PackedKind, vault: Option<&Passphrase>) -> Result<Self> {
        let invalid = |reason: String| Error::Document {
            file: file.to_owned(),
            reason,
        };
        let (packing, files, passphrase) = if kind == PackedKind::OsaTree {
            let (files, cn) = crate::osa_tree::unpack(file, vault)?;
            let client_cn = cn.unwrap_or_else(|| crate::osa_tree::DEFAULT_CLIENT_CN.into());
            (Packing::OsaTree { client_cn }, files, None)
        } else {
            let bytes = crate::fsio::read_file(file, vault)?;
            let docs =
                crate::yaml::load_all(&bytes).map_err(|e| invalid(format!("not YAML: {e}")))?;
            match kind {
                PackedKind::Charm => unpack_charm(&docs).map_err(invalid)?,
                _ => unpack_secrets(&docs).map_err(invalid)?,
            }
        };
        // Private (0700, files 0600), removed on drop, on a signal, or by
        // the next run when this one is killed.
        let dir = crate::fsio::PrivateDir::new()?;
        for (name, bytes) in &files {
            dir.write(name, bytes)?;
        }
        // A tree is named where the deployer is told of it: absolute.
        let file = match packing {
            Packing::OsaTree { .. } => {
                std::path::absolute(file).unwrap_or_else(|_| file.to_owned())
            }
            _ => file.to_owned(),
        };
        Ok(Self {
            packing,
            file,
            dir,
            files,
            passphrase,
            vault: vault.cloned(),
        })
    }

    /// What the document is.
    pub fn packing(&self) -> &Packing {
        &self.packing
    }

    /// The document's file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The unpacked files, named in reports by the option or Secret key
    /// each came from, with the charm's passphrase.
    pub fn sources(&self) -> Sources {
        let deployed = match self.packing {
            Packing::OsaTree { .. } => self.dir.path().join(crate::osa_tree::DEPLOYED),
            _ => self.dir.path().to_owned(),
        };
        let mut sources = Sources::of_layout(&deployed, self.packing.layout())
            .of_deployer(self.packing.deployer());
        sources.origin = Origin::Packed {
            file: self.file.clone(),
            keys: Role::ALL.map(|role| self.packing.key(role)),
        };
        // The charm's option, RHOSO's passphrase Secret: each reaches
        // Octavia through its deployer's template, which writes it into
        // octavia.conf as it is; the passphrase is the string Octavia reads.
        let Some(option) = &self.passphrase else {
            return sources;
        };
        let name = match &self.packing {
            Packing::Kubernetes { style, .. } => secrets_of(*style)
                .passphrase
                .map_or(CHARM_PASSPHRASE, |p| p.key),
            _ => CHARM_PASSPHRASE,
        };
        let octavia = crate::passwords::charm_octavia_value(option);
        sources.passphrase_option = Some(crate::sources::PassphraseOption {
            name,
            changed: octavia.changed,
        });
        sources.with_passphrase(None, octavia.passphrase)
    }

    /// The work directory unpacked with the files (a tree's), in kolla's layout.
    pub fn work_dir(&self) -> Option<PathBuf> {
        matches!(self.packing, Packing::OsaTree { .. })
            .then(|| self.dir.path().join(crate::osa_tree::WORK))
    }

    /// The CA key's passphrase the document holds (the charm's option's
    /// text; [`Unpacked::sources`] gives the string Octavia reads of it).
    pub fn passphrase(&self) -> Option<&Passphrase> {
        self.passphrase.as_ref()
    }

    /// `text` (a message) with every path of the temporary directory named
    /// as the operator knows it: by the option, Secret key or tree file it
    /// was unpacked from, else as the document's, never by a path that is
    /// gone once this run ends.
    pub fn name_paths(&self, text: &str) -> String {
        let dir = self.dir.path();
        let sources = self.sources();
        let mut names: Vec<(String, String)> = Role::ALL
            .iter()
            .map(|role| {
                (
                    sources.path(*role).display().to_string(),
                    sources.name(*role),
                )
            })
            .collect();
        if matches!(self.packing, Packing::OsaTree { .. }) {
            names.extend(crate::osa_tree::unpacked_sources().into_iter().map(
                |(unpacked, tree)| {
                    (
                        dir.join(unpacked).display().to_string(),
                        self.file.join(tree).display().to_string(),
                    )
                },
            ));
        }
        // The longest first: a file's path before its directory's.
        names.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        names.push((
            dir.display().to_string(),
            format!("{} (as unpacked)", self.file.display()),
        ));
        names.iter().fold(text.to_owned(), |text, (path, name)| {
            text.replace(path, name)
        })
    }

    /// `files` with the unpacked files among them packed back into the
    /// document (replacing its file), the rest as they are.
    pub fn repacked(&self, files: Vec<PlannedFile>) -> Result<Repacked> {
        pack_into(
            &self.packing,
            &self.file,
            self.dir.path(),
            &self.files,
            files,
            self.passphrase.as_ref(),
            self.vault.as_ref(),
        )
    }
}

/// Python's `base64.b64decode(s)` as the charm calls it: characters outside
/// the alphabet are dropped, then the rest must be whole, padded groups.
fn python_b64decode(text: &str) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "+/=".contains(*c))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(kept)
        .map(Zeroizing::new)
        .map_err(|e| format!("not base64 ({e}): binascii.Error, the charm's hook fails"))
}

/// What `unpack_*` read: the document's kind, its files, the passphrase it holds.
type Unpacking = (Packing, Files, Option<Passphrase>);

fn unpack_charm(docs: &[Yaml]) -> std::result::Result<Unpacking, String> {
    let doc = docs.first().ok_or("empty")?;
    let text = |y: &Yaml| y.as_str().map(str::to_owned);
    // The options' values, by name, and the passphrase option as written.
    let (application, values, passphrase_node): (
        String,
        BTreeMap<String, Zeroizing<String>>,
        &Yaml,
    ) = if let Some(settings) = doc["settings"].as_hash() {
        // `juju config APP --format yaml`: {application, settings: {option: {value}}}.
        let values = settings
            .iter()
            .filter_map(|(k, v)| Some((text(k)?, Zeroizing::new(text(&v["value"])?))))
            .collect();
        (
            text(&doc["application"]).unwrap_or("octavia".into()),
            values,
            &doc["settings"][CHARM_PASSPHRASE]["value"],
        )
    } else {
        // `juju config --file`'s: {application: {option: value}}.
        let apps = doc
            .as_hash()
            .ok_or("not a mapping of application to options")?;
        let (name, options) = match apps.len() {
            1 => apps.iter().next().expect("one"),
            _ => apps
                .iter()
                .find(|(k, _)| k.as_str() == Some("octavia"))
                .ok_or("options of several applications, none named octavia")?,
        };
        let values = options
            .as_hash()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((text(k)?, Zeroizing::new(text(v)?))))
            .collect();
        (
            text(name).ok_or("an application name that is not text")?,
            values,
            &options[CHARM_PASSPHRASE],
        )
    };
    let value = |option: &str| values.get(option).filter(|v| !v.is_empty());
    let layout = Layout::Charm.files();
    let mut files = Files::new();
    for (option, role) in CHARM_OPTIONS {
        // An option unset: the charm writes no file (and blocks).
        if let Some(value) = value(option) {
            let bytes = python_b64decode(value).map_err(|e| format!("{option}: {e}"))?;
            files.insert(layout.of(role).to_owned(), bytes);
        }
    }
    let passphrase = value(CHARM_PASSPHRASE).map(|v| Passphrase::new(v.to_string()));
    if let Some(found) = not_a_string(passphrase_node) {
        return Err(format!(
            "{CHARM_PASSPHRASE} is {found}, not a string: `juju config` refuses it (option \
             expected string); quote the value"
        ));
    }
    let packing = Packing::charm(&application).map_err(|e| e.to_string())?;
    Ok((packing, files, passphrase))
}

/// What a string option holds when it is set to something else (a YAML
/// boolean or number, a list), which Juju refuses (`option "..." expected
/// string`); `None` for a string, or unset.
fn not_a_string(value: &Yaml) -> Option<&'static str> {
    match value {
        Yaml::Boolean(_) => Some("a YAML boolean"),
        Yaml::Integer(_) | Yaml::Real(_) => Some("a YAML number"),
        Yaml::Array(_) | Yaml::Hash(_) => Some("a list or mapping"),
        _ => None,
    }
}

/// The Kubernetes deployer whose Secrets `secrets` are, told by their names
/// and their keys (Genestack's and openstack-helm's are both
/// `octavia-certs`): the one that knows the most keys of its Secrets
/// present; on a tie, the one sharing another's layout (openstack-helm, the
/// first known by that name). With it, the resource the names carry.
fn whose_secrets(secrets: &[&Yaml]) -> Option<(&'static Secrets, String)> {
    let name = |d: &Yaml| {
        d["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let keys = |d: &Yaml| -> Vec<String> {
        ["data", "stringData"]
            .iter()
            .flat_map(|field| d[*field].as_hash().into_iter().flatten())
            .filter_map(|(k, _)| k.as_str().map(str::to_owned))
            .collect()
    };
    let mut best: Option<((usize, bool), &'static Secrets, String)> = None;
    for deployer in crate::deployers::ALL {
        let Some(spec) = deployer.secrets else {
            continue;
        };
        let (mut known, mut instance) = (0, None);
        for doc in secrets {
            let Some((s, i)) = spec.secret_named(&name(doc)) else {
                continue;
            };
            instance.get_or_insert(i);
            let expected: Vec<String> = deployer
                .files
                .names()
                .into_iter()
                .filter_map(|f| s.key_of(f))
                .chain(s.other_keys.iter().map(|k| (*k).to_owned()))
                .collect();
            known += keys(doc).iter().filter(|k| expected.contains(k)).count();
        }
        let Some(instance) = instance else {
            continue;
        };
        let score = (known, !deployer.recognised);
        if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            best = Some((score, spec, instance));
        }
    }
    best.map(|(_, spec, instance)| (spec, instance))
}

fn unpack_secrets(docs: &[Yaml]) -> std::result::Result<Unpacking, String> {
    let mut secrets: Vec<&Yaml> = Vec::new();
    for doc in docs {
        if doc["kind"].as_str() == Some("List") {
            secrets.extend(doc["items"].as_vec().into_iter().flatten());
        } else {
            secrets.push(doc);
        }
    }
    let secrets: Vec<&Yaml> = secrets
        .into_iter()
        .filter(|d| d["kind"].as_str() == Some("Secret"))
        .collect();
    let name = |d: &Yaml| {
        d["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let Some((spec, instance)) = whose_secrets(&secrets) else {
        let known: Vec<String> = crate::deployers::ALL
            .iter()
            .filter_map(|d| {
                Some(format!(
                    "{} ({})",
                    d.secrets?.names().join(" and "),
                    d.title
                ))
            })
            .collect();
        return Err(format!("no Secret named {}", known.join(", or ")));
    };
    let namespace = secrets
        .iter()
        .find_map(|d| d["metadata"]["namespace"].as_str())
        .unwrap_or(spec.namespace);
    let mut packing = Packing::kubernetes(namespace, spec.style)
        .map_err(|e| format!("metadata.namespace: {e}"))?;
    if let Packing::Kubernetes { instance: i, .. } = &mut packing {
        i.clone_from(&instance);
    }
    let mut files = Files::new();
    let mut passphrase = None;
    for secret in secrets {
        let secret_name = name(secret);
        let passphrase_key = spec
            .passphrase
            .filter(|p| p.name.for_instance(&instance) == secret_name)
            .map(|p| p.key);
        // The file each key is mounted as, in the layout.
        let mounted = |key: &str| -> Option<String> {
            spec.secret_named(&secret_name)
                .filter(|(_, i)| *i == instance)
                .and_then(|(s, _)| s.file_of(key))
        };
        // data (base64), then stringData, which the API server lays over it.
        for (field, encoded) in [("data", true), ("stringData", false)] {
            for (key, value) in secret[field].as_hash().into_iter().flatten() {
                let (Some(key), Some(value)) = (key.as_str(), value.as_str()) else {
                    continue;
                };
                let is_passphrase = passphrase_key == Some(key);
                let path = mounted(key);
                if path.is_none() && !is_passphrase {
                    continue;
                }
                let bytes = if encoded {
                    let clean: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    base64::engine::general_purpose::STANDARD
                        .decode(clean)
                        .map(Zeroizing::new)
                        .map_err(|e| {
                            format!("Secret {secret_name} key {key}: not base64 ({e}): the API server refuses it")
                        })?
                } else {
                    Zeroizing::new(value.as_bytes().to_vec())
                };
                if is_passphrase {
                    let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                        format!("Secret {secret_name} key {key}: not UTF-8 text, which octavia.conf cannot carry")
                    })?;
                    passphrase = Some(Passphrase::new(text));
                } else if let Some(path) = path {
                    files.insert(path, bytes);
                }
            }
        }
    }
    Ok((packing, files, passphrase))
}

impl crate::model::OctaviaPki {
    /// The files that write this PKI packed into `file` as `packing` says:
    /// the document, and the work directory's files in `work_dir` (the
    /// client CA's key, never deployed, stays there, encrypted). Its
    /// [`layout`](crate::model::OctaviaPki::layout) must be `packing`'s.
    pub fn planned_packed(
        &self,
        packing: &Packing,
        file: &Path,
        work_dir: &Path,
        passphrases: &crate::model::CaPassphrases,
    ) -> Result<Repacked> {
        if self.layout != packing.layout() {
            return Err(Error::InvalidValue {
                what: "packing".into(),
                why: format!(
                    "a {} set cannot be packed as {} files",
                    self.layout,
                    packing.layout()
                ),
            });
        }
        // The unpacked files' paths are where the deployer puts them; never
        // written. A tree packs the work directory's files too.
        let base = Path::new(DEPLOYED_DIR);
        let (deployed, work) = match packing {
            Packing::OsaTree { .. } => (
                base.join(crate::osa_tree::DEPLOYED),
                base.join(crate::osa_tree::WORK),
            ),
            _ => (base.to_owned(), work_dir.to_owned()),
        };
        let to = crate::generate::Destination::new(&deployed, &work);
        let files = self.planned_files(&to, passphrases)?;
        // The charm's options carry the passphrase; Secrets do not.
        pack_into(
            packing,
            file,
            base,
            &Files::new(),
            files,
            Some(&passphrases.server_ca),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unpack(kind: PackedKind, text: &str) -> Result<Unpacked> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.yaml");
        std::fs::write(&file, text).unwrap();
        let unpacked = Unpacked::read(&file, kind, None);
        drop(dir);
        unpacked
    }

    fn b64(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn charm_options_decode_as_python_b64decode_does() {
        // `base64 FILE` wraps at 76 columns: the charm's b64decode drops the line breaks.
        let wrapped = b64(&"x".repeat(100));
        let wrapped = format!("{}\n{}", &wrapped[..76], &wrapped[76..]);
        let text = format!(
            "octavia:\n  lb-mgmt-issuing-cacert: |\n    {}\n  lb-mgmt-issuing-ca-key-passphrase: foo\n",
            wrapped.replace('\n', "\n    ")
        );
        let u = unpack(PackedKind::Charm, &text).unwrap();
        assert_eq!(*u.files["issuing_ca.pem"], "x".repeat(100).into_bytes());
        assert_eq!(u.passphrase().unwrap().expose(), "foo");
        assert_eq!(
            u.packing,
            Packing::Charm {
                application: "octavia".into()
            }
        );
        // An option unset is a file the charm does not write; named by its option.
        let s = u.sources();
        assert!(!s.path(Role::ClientCa).exists());
        assert!(
            s.name(Role::ClientCa)
                .starts_with("lb-mgmt-controller-cacert in ")
        );
        let err = unpack(
            PackedKind::Charm,
            "octavia:\n  lb-mgmt-issuing-cacert: \"abc\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("lb-mgmt-issuing-cacert") && err.contains("doc.yaml"),
            "{err}"
        );
    }

    #[test]
    fn the_charms_passphrase_is_the_string_octavia_reads_through_its_template() {
        let u = unpack(
            PackedKind::Charm,
            "octavia:\n  lb-mgmt-issuing-ca-key-passphrase: \" Lead\"\n",
        )
        .unwrap();
        // The option as written; the sources carry what Octavia reads of it.
        assert_eq!(u.passphrase().unwrap().expose(), " Lead");
        let sources = u.sources();
        assert_eq!(sources.passphrase.as_ref().unwrap().expose(), "Lead");
        assert_eq!(
            sources.passphrase_option.unwrap().changed,
            [crate::passwords::Rendering::SurroundingWhitespace]
        );
        // Juju's string option refuses a number.
        let err = unpack(
            PackedKind::Charm,
            "octavia:\n  lb-mgmt-issuing-ca-key-passphrase: 12345\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("lb-mgmt-issuing-ca-key-passphrase is a YAML number, not a string"),
            "{err}"
        );
        // Written back, it is refused, naming the document.
        let charm = Packing::Charm {
            application: "octavia".into(),
        };
        let err = pack_into(
            &charm,
            Path::new("/x/doc.yaml"),
            Path::new(DEPLOYED_DIR),
            &Files::new(),
            Vec::new(),
            Some(&Passphrase::new(" Lead".into())),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("/x/doc.yaml: lb-mgmt-issuing-ca-key-passphrase has leading"),
            "{err}"
        );
        assert!(!err.contains("Lead"), "{err}");
    }

    #[test]
    fn juju_config_output_and_several_applications_are_read() {
        let juju = format!(
            "application: lb\ncharm: octavia\nsettings:\n  lb-mgmt-controller-cacert:\n    \
             type: string\n    value: {}\n",
            b64("ca")
        );
        let u = unpack(PackedKind::Charm, &juju).unwrap();
        assert_eq!(*u.files["controller_ca.pem"], b"ca".to_vec());
        assert_eq!(
            u.packing,
            Packing::Charm {
                application: "lb".into()
            }
        );
        let two = format!(
            "other:\n  x: y\noctavia:\n  lb-mgmt-controller-cacert: {}\n",
            b64("ca")
        );
        assert!(unpack(PackedKind::Charm, &two).is_ok());
        let err = unpack(PackedKind::Charm, "a: {}\nb: {}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("none named octavia"), "{err}");
    }

    #[test]
    fn secrets_are_mounted_as_each_deployer_mounts_them() {
        let list = format!(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    \
             name: octavia-certs\n    namespace: lb\n  data:\n    server_ca.key.pem: {}\n    \
             client_ca.cert.pem: {}\n  stringData:\n    client_ca.cert.pem: plain\n",
            b64("key"),
            b64("ignored")
        );
        let u = unpack(PackedKind::Kubernetes, &list).unwrap();
        assert_eq!(u.packing.layout(), Layout::Devstack);
        assert_eq!(*u.files["private/server_ca.key.pem"], b"key".to_vec());
        // stringData is laid over data, as the API server does.
        assert_eq!(*u.files["client_ca.cert.pem"], b"plain".to_vec());
        assert_eq!(
            u.sources().name(Role::CaPrivateKey),
            format!(
                "Secret octavia-certs key server_ca.key.pem in {}",
                u.file().display()
            )
        );
        let atmosphere = format!(
            "kind: Secret\nmetadata:\n  name: octavia-server-ca\ntype: kubernetes.io/tls\ndata:\n  \
             tls.crt: {}\n---\nkind: Secret\nmetadata:\n  name: octavia-client-certs\ndata:\n  \
             tls-combined.pem: {}\n",
            b64("server"),
            b64("client")
        );
        let u = unpack(PackedKind::Kubernetes, &atmosphere).unwrap();
        assert_eq!(u.packing.layout(), Layout::Atmosphere);
        assert_eq!(*u.files["server/tls.crt"], b"server".to_vec());
        assert_eq!(*u.files["client/tls-combined.pem"], b"client".to_vec());
        let err = unpack(
            PackedKind::Kubernetes,
            "kind: Secret\nmetadata:\n  name: octavia-certs\ndata:\n  server_ca.cert.pem: \"*\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Secret octavia-certs key server_ca.cert.pem"),
            "{err}"
        );
        let err = unpack(
            PackedKind::Kubernetes,
            "kind: Secret\nmetadata:\n  name: x\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("octavia-certs (openstack-helm)")
                && err.contains("<name>-certs-secret (RHOSO 18"),
            "{err}"
        );
    }

    #[test]
    fn genestacks_octavia_certs_is_told_from_openstack_helms_by_its_keys() {
        let genestack = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: octavia-certs\n  namespace: openstack\n\
             type: Opaque\ndata:\n  server_ca.cert.pem: {}\n  server_ca.key.pem: {}\n  \
             client_ca.cert.pem: {}\n  client.key-and-cert.pem: {}\n",
            b64("ca"),
            b64("key"),
            b64("client-ca"),
            b64("bundle")
        );
        let u = unpack(PackedKind::Kubernetes, &genestack).unwrap();
        assert_eq!(u.packing.deployer().id, "genestack");
        assert_eq!(u.packing.layout(), Layout::Genestack);
        assert_eq!(
            *u.files["private/client.key-and-cert.pem"],
            b"bundle".to_vec()
        );
        let s = u.sources();
        // No chain file: server_ca is the CA certificate.
        assert_eq!(s.path(Role::ServerCa), s.path(Role::CaCertificate));
        assert!(
            s.name(Role::ClientCert)
                .starts_with("Secret octavia-certs key client.key-and-cert.pem in "),
            "{}",
            s.name(Role::ClientCert)
        );
        // Only the keys both share: openstack-helm's, as before Genestack.
        let shared = format!(
            "kind: Secret\nmetadata:\n  name: octavia-certs\ndata:\n  server_ca.cert.pem: {}\n",
            b64("ca")
        );
        let u = unpack(PackedKind::Kubernetes, &shared).unwrap();
        assert_eq!(u.packing.deployer().id, "openstack-helm");
    }

    #[test]
    fn rhosos_secret_is_mounted_whole_with_its_passphrase_secret() {
        let rhoso = format!(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    \
             name: lb-certs-secret\n    namespace: rhoso\n  data:\n    server_ca.key.pem: {}\n    \
             server_ca.cert.pem: {}\n    client_ca.key.pem: {}\n    client_ca.cert.pem: {}\n    \
             client.cert-and-key.pem: {}\n    version: {}\n- apiVersion: v1\n  kind: Secret\n  \
             metadata:\n    name: lb-ca-passphrase\n    namespace: rhoso\n  data:\n    \
             server-ca-passphrase: {}\n- kind: Secret\n  metadata:\n    name: other-ca-passphrase\n  \
             data:\n    server-ca-passphrase: {}\n",
            b64("key"),
            b64("ca"),
            b64("client-ca-key"),
            b64("client-ca"),
            b64("bundle"),
            b64("2"),
            b64("secret-pass\n"),
            b64("another")
        );
        let u = unpack(PackedKind::Kubernetes, &rhoso).unwrap();
        assert_eq!(u.packing.deployer().id, "rhoso");
        assert_eq!(
            u.packing,
            Packing::Kubernetes {
                namespace: "rhoso".into(),
                style: K8sStyle::Rhoso,
                instance: "lb".into(),
            }
        );
        // Every key is a file: the client CA key and the version too.
        assert_eq!(*u.files["client_ca.key.pem"], b"client-ca-key".to_vec());
        assert_eq!(*u.files["version"], b"2".to_vec());
        // The instance's passphrase Secret, as the operator renders it into
        // octavia.conf: the newline is no part of what Octavia reads.
        assert_eq!(u.passphrase().unwrap().expose(), "secret-pass\n");
        let s = u.sources();
        assert_eq!(s.passphrase.as_ref().unwrap().expose(), "secret-pass");
        assert!(
            s.name(Role::CaPrivateKey)
                .starts_with("Secret lb-certs-secret key server_ca.key.pem in "),
            "{}",
            s.name(Role::CaPrivateKey)
        );
        let step = u.packing.deploy_step(Path::new("/x/certs.yaml"));
        assert!(
            step.starts_with("oc apply -n rhoso -f /x/certs.yaml")
                && step.contains("daemonset/lb-worker"),
            "{step}"
        );
        // Written back: the certs Secret with every key it had, and the
        // passphrase Secret as it was.
        let repacked = u.repacked(Vec::new()).unwrap();
        let text = String::from_utf8(repacked.files[0].contents.to_vec()).unwrap();
        let again = unpack(PackedKind::Kubernetes, &text).unwrap();
        assert_eq!(again.files, u.files);
        assert_eq!(again.passphrase().unwrap().expose(), "secret-pass\n");
        assert_eq!(again.packing, u.packing);
    }

    #[test]
    fn a_packed_document_unpacks_to_the_same_files() {
        let files: Files = Layout::Charm
            .files()
            .names()
            .into_iter()
            .map(|n| (n.to_owned(), Zeroizing::new(format!("<{n}>").into_bytes())))
            .collect();
        let charm = Packing::Charm {
            application: "octa-via2".into(),
        };
        let text = charm_options(
            "octa-via2",
            &files,
            Some(&Passphrase::new("p\"q\\r".into())),
        )
        .unwrap();
        let u = unpack(PackedKind::Charm, &text).unwrap();
        assert_eq!(u.files, files);
        assert_eq!(u.passphrase().unwrap().expose(), "p\"q\\r");
        assert_eq!(u.packing, charm);
    }

    #[test]
    fn a_document_not_as_the_deployer_writes_it_is_the_errors_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("octavia-config.yaml");
        for (kind, text) in [
            (PackedKind::Charm, "octavia: [unclosed\n"),
            (
                PackedKind::Charm,
                "octavia:\n  lb-mgmt-issuing-cacert: \"abc\"\n",
            ),
            (PackedKind::Kubernetes, "kind: ConfigMap\n"),
        ] {
            std::fs::write(&file, text).unwrap();
            let err = Unpacked::read(&file, kind, None).unwrap_err();
            assert!(
                matches!(&err, Error::Document { file: f, .. } if *f == file),
                "{err:?}"
            );
            assert_eq!(err.file(), Some(file.as_path()));
            let shown = format!("invalid options: {}: ", file.display());
            assert!(err.to_string().starts_with(&shown), "{err}");
        }
    }

    #[test]
    fn a_name_the_deployer_refuses_is_a_value_not_a_file() {
        for err in [
            Packing::charm("Octavia").unwrap_err(),
            Packing::kubernetes("-openstack", K8sStyle::Helm).unwrap_err(),
        ] {
            assert!(matches!(err, Error::InvalidValue { .. }), "{err:?}");
            assert_eq!(err.file(), None);
        }
    }
}
