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

/// openstack-helm's Secret (its CI's `octavia_certs.yaml`): the gate
/// script's file names as keys, mounted as devstack lays them out.
const HELM_SECRET: &str = "octavia-certs";

/// Atmosphere's Secrets and the directory each is mounted as.
const ATMOSPHERE_SECRETS: [(&str, &str); 2] = [
    ("octavia-server-ca", "server"),
    ("octavia-client-certs", "client"),
];

/// Which Kubernetes Secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum K8sStyle {
    /// openstack-helm: one Opaque Secret `octavia-certs`, the gate
    /// script's names (the CA key encrypted, its passphrase in the chart's
    /// values).
    Helm,
    /// Atmosphere: `kubernetes.io/tls` Secrets `octavia-server-ca` (the
    /// issuing CA, its key unencrypted) and `octavia-client-certs` (with
    /// `tls-combined.pem`, key first).
    Atmosphere,
}

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
    /// `kubectl apply -f FILE`.
    Kubernetes {
        /// The Secrets' namespace.
        namespace: String,
        /// Whose Secrets.
        style: K8sStyle,
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
            Self::Kubernetes {
                style: K8sStyle::Helm,
                ..
            } => Layout::Devstack,
            Self::Kubernetes {
                style: K8sStyle::Atmosphere,
                ..
            } => Layout::Atmosphere,
            Self::OsaTree { .. } => Layout::Osa,
        }
    }

    /// Whose document it is.
    pub fn deployer(&self) -> &'static Deployer {
        match self {
            Self::Kubernetes {
                style: K8sStyle::Helm,
                ..
            } => crate::deployers::OPENSTACK_HELM,
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
    pub fn kubernetes(namespace: &str, style: K8sStyle) -> Result<Self> {
        Ok(Self::Kubernetes {
            namespace: valid_namespace(namespace)?.to_owned(),
            style,
        })
    }

    /// What puts a new `file` in use.
    pub fn deploy_step(&self, file: &Path) -> String {
        let file = crate::text::shell_path(file);
        match self {
            Self::Charm { application } => format!(
                "juju config {application} --file {file} (the charm writes the files and restarts Octavia's services)"
            ),
            Self::Kubernetes { namespace, .. } => format!(
                "kubectl apply -n {namespace} -f {file}, then restart Octavia's pods (kubectl -n {namespace} \
                 rollout restart deployment/octavia-worker deployment/octavia-housekeeping \
                 daemonset/octavia-health-manager; Secrets mounted with subPath are never refreshed)"
            ),
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
            Self::Kubernetes { style, .. } => {
                let name = self.layout().files().of(role);
                let (secret, key) = secret_key(*style, name);
                format!("Secret {secret} key {key}")
            }
            Self::OsaTree { .. } => crate::osa_tree::names()[role.index()].clone(),
        }
    }
}

/// The Secret and key of the unpacked file `name` (relative to the layout's
/// directory) in `style`'s Secrets.
fn secret_key(style: K8sStyle, name: &str) -> (&'static str, String) {
    let base = name.rsplit('/').next().unwrap_or(name).to_owned();
    match style {
        K8sStyle::Atmosphere => {
            let dir = name.split('/').next().unwrap_or_default();
            let secret = ATMOSPHERE_SECRETS
                .iter()
                .find(|(_, d)| *d == dir)
                .map_or("", |(s, _)| *s);
            (secret, base)
        }
        K8sStyle::Helm => (HELM_SECRET, base),
    }
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

/// `style`'s Secrets in `namespace`, holding `files` (by their names in the
/// style's layout).
fn secrets_manifest(namespace: &str, style: K8sStyle, files: &Files) -> Result<Zeroizing<String>> {
    let namespace = valid_namespace(namespace)?;
    let head = [
        format!(
            "The Octavia PKI as Kubernetes Secrets, written by octavia-pki {}:",
            env!("CARGO_PKG_VERSION")
        ),
        format!("  kubectl apply -n {namespace} -f THIS-FILE"),
        "They hold the CA keys: keep this file private (0600).".to_owned(),
    ];
    let mut comment: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut secrets: BTreeMap<&str, Vec<(String, &[u8])>> = BTreeMap::new();
    for (name, bytes) in files {
        let (secret, key) = secret_key(style, name);
        secrets.entry(secret).or_default().push((key, bytes));
    }
    let client = files.get("client/tls-combined.pem");
    let tls = style == K8sStyle::Atmosphere;
    let mut out = Zeroizing::new(String::new());
    for (secret, mut keys) in secrets {
        // A kubernetes.io/tls Secret holds tls.crt and tls.key: the
        // client's, split from the combined file; the CA's, as deployed.
        let split;
        if tls && secret == "octavia-client-certs" {
            let bundle = client.ok_or_else(|| missing("client/tls-combined.pem"))?;
            split = split_bundle(bundle)?;
            keys.push(("tls.crt".into(), split.0.as_bytes()));
            keys.push(("tls.key".into(), split.1.as_bytes()));
        }
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let data = keys
            .iter()
            .map(|(key, bytes)| (key.as_str(), Node::Text(b64(bytes))))
            .collect();
        let doc = Node::Map(vec![
            ("apiVersion", Node::text("v1")),
            ("kind", Node::text("Secret")),
            (
                "metadata",
                Node::Map(vec![
                    ("name", Node::text(secret)),
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
        Packing::Kubernetes { namespace, style } => rest.push(PlannedFile::secret(
            file.to_owned(),
            secrets_manifest(namespace, *style, &packed)?,
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
        // The charm's option reaches Octavia through its template: the
        // passphrase is the string Octavia reads of it.
        let Some(option) = &self.passphrase else {
            return sources;
        };
        let octavia = crate::passwords::charm_octavia_value(option);
        sources.passphrase_option = Some(crate::sources::PassphraseOption {
            name: CHARM_PASSPHRASE,
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
    let style = if secrets.iter().any(|d| name(d) == HELM_SECRET) {
        K8sStyle::Helm
    } else if secrets
        .iter()
        .any(|d| ATMOSPHERE_SECRETS.iter().any(|(s, _)| name(d) == *s))
    {
        K8sStyle::Atmosphere
    } else {
        return Err(format!(
            "no Secret named {HELM_SECRET} (openstack-helm) or {} (Atmosphere)",
            ATMOSPHERE_SECRETS.map(|(s, _)| s).join(" and ")
        ));
    };
    let namespace = secrets
        .iter()
        .find_map(|d| d["metadata"]["namespace"].as_str())
        .unwrap_or("openstack");
    let packing =
        Packing::kubernetes(namespace, style).map_err(|e| format!("metadata.namespace: {e}"))?;
    let layout = packing.layout().files();
    let mut files = Files::new();
    for secret in secrets {
        let secret_name = name(secret);
        // The file each key is mounted as, in the layout.
        let mounted = |key: &str| -> Option<String> {
            layout
                .names()
                .into_iter()
                .find(|n| {
                    let (s, k) = secret_key(style, n);
                    s == secret_name && k == key
                })
                .map(str::to_owned)
        };
        // data (base64), then stringData, which the API server lays over it.
        for (field, encoded) in [("data", true), ("stringData", false)] {
            for (key, value) in secret[field].as_hash().into_iter().flatten() {
                let (Some(key), Some(value)) = (key.as_str(), value.as_str()) else {
                    continue;
                };
                let Some(path) = mounted(key) else { continue };
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
                files.insert(path, bytes);
            }
        }
    }
    Ok((packing, files, None))
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
        assert!(err.contains("no Secret named octavia-certs"), "{err}");
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
