//! The deployers: each one module here (`kolla.rs`, `osa.rs`, `charm.rs`...)
//! holding everything this crate knows of that deployer, and one registry
//! (below) listing them, as `check/rules/mod.rs` lists the rules.
//!
//! A deployer module owns a [`Deployer`]: the names of its files by role
//! (its [`Layout`]), whether a directory is recognised as its by those
//! names, the form it takes the set in ([`Form`]: files in a directory, the
//! charm's options, Kubernetes Secrets, OpenStack-Ansible's tree), what
//! this crate writes for it by default ([`WriteDefaults`]), and its words:
//! its name in reports, where its operators keep the CA key's passphrase
//! ([`PassphraseFrom`]), and how a changed set is put in use
//! ([`PutInUse`]). Readers and writers ask the deployer of the set they
//! hold ([`crate::sources::Sources::deployer`]); nothing else says "kolla".
//!
//! **Adding a deployer**: a file `<name>.rs` with its `DEPLOYER` (copy the
//! nearest one) and its unit test, one line in `registry!` below (a new
//! file layout also names its [`Layout`] variant there), its fixtures and
//! its rows in the CLI's matrix test (`octavia-pki-cli/tests/suite/matrix.rs`).
//! Facts: `../shared/reference/octavia-deployers.md` in the repository.

mod files;
pub mod kubernetes;
pub(crate) use kolla::WORK_DIR as KOLLA_WORK_DIR;
mod recognise;
pub mod work_dir;

use std::fmt;

use crate::bundle::BundleOrder;
use crate::key::KeyType;
use crate::role::Role;

pub use files::DeployedFiles;

/// Where the deployers that unpack a document (the charm, the pods' mounts)
/// and those that install the files themselves put them on a controller.
pub const CONTROLLER_DIR: &str = "/etc/octavia/certs";

/// OpenStack-Ansible's deploy-host tree (its `octavia_cert_dir`) by default.
pub const OSA_TREE: &str = "/etc/openstack_deploy/pki";

/// openstack-helm, whose files are laid out as devstack's (no layout of its own).
pub static OPENSTACK_HELM: &Deployer = &openstack_helm::DEPLOYER;
pub use recognise::Ambiguous;

/// The one registry: each deployer's module, and for each file layout (the
/// names `--layout` takes) its variant and the deployer whose names they
/// are. A deployer whose files are laid out as another's (openstack-helm's
/// Secret, mounted as devstack lays the files out) has a module and no
/// layout of its own.
macro_rules! registry {
    (
        layouts { $( $(#[$doc:meta])* $variant:ident => $module:ident, )* }
        others { $( $other:ident, )* }
    ) => {
        $( pub(crate) mod $module; )*
        $( pub(crate) mod $other; )*

        /// How a deployer names the deployed files (`--layout`): one per
        /// deployer module that has names of its own ([`Deployer::layout`]).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize,
            schemars::JsonSchema,
        )]
        #[serde(rename_all = "lowercase")]
        #[non_exhaustive]
        pub enum Layout {
            $( $(#[$doc])* $variant, )*
        }

        impl Layout {
            /// Every layout.
            pub const ALL: &'static [Layout] = &[ $( Self::$variant, )* ];

            /// The deployer whose names these are.
            pub const fn owner(self) -> &'static Deployer {
                match self {
                    $( Self::$variant => &$module::DEPLOYER, )*
                }
            }
        }

        /// Every deployer, those with a layout of their own first.
        pub static ALL: &[&Deployer] = &[ $( &$module::DEPLOYER, )* $( &$other::DEPLOYER, )* ];
    };
}

registry! {
    layouts {
        /// kolla-ansible since Ussuri: two CAs (`/etc/kolla/config/octavia`).
        #[default]
        Kolla => kolla,
        /// kolla-ansible Pike to Train: one CA for both roles.
        Legacy => legacy,
        /// OpenStack-Ansible's `os_octavia` (`/etc/octavia/certs`).
        Osa => osa,
        /// The Juju charm (`/etc/octavia/certs`).
        Charm => charm,
        /// Octavia's gate script (`bin/create_dual_intermediate_CA.sh`): the
        /// issuing CA is an intermediate, the controllers trust its chain.
        Gate => gate,
        /// devstack: the gate script's files, keys under `private/`.
        Devstack => devstack,
        /// Atmosphere's cert-manager Secrets as mounted.
        Atmosphere => atmosphere,
        /// TripleO (puppet-octavia): Octavia's default names in
        /// `/etc/octavia/certs`, the key under `private/`, one CA for both roles.
        Tripleo => tripleo,
        /// devstack before Train (`bin/create_certificates.sh`): TripleO's
        /// names, recognised by the client key the script leaves beside them.
        #[serde(rename = "devstack-old")]
        DevstackOld => devstack_old,
        /// Rackspace Genestack's Secret `octavia-certs` as its helm values
        /// mount it (`private/client.key-and-cert.pem`, key first).
        Genestack => genestack,
        /// RHOSO 18's Secret `<name>-certs-secret`, mounted whole: kolla's
        /// names, the bundle key first, and the Secret's `version` beside
        /// them (how [`Layout::detect`] tells it).
        Rhoso => rhoso,
        /// Octavia's certificate guide, by hand: kolla's names (so never
        /// recognised by [`Layout::detect`]; name it), the bundle key first.
        Guide => guide,
    }
    others {
        openstack_helm,
    }
}

/// Everything this crate knows of one deployer. Each is a `DEPLOYER` in its
/// module, listed in the registry ([`ALL`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct Deployer {
    /// How reports and `--layout` name it (`kolla`, `openstack-helm`).
    pub id: &'static str,
    /// Who it is, in a report's words (`kolla-ansible (Ussuri and later)`).
    pub title: &'static str,
    /// The layout its controllers have the files in.
    pub layout: Layout,
    /// Its files, relative to its directory, by role.
    pub(crate) files: DeployedFiles,
    /// Whether a directory is recognised as its by the names present (the
    /// guide's are kolla's; openstack-helm's mounts are devstack's).
    pub recognised: bool,
    /// A file whose presence beside another deployer's names says the set is
    /// this one's (the guide's octavia.conf drop-in beside kolla's names).
    pub marker: Option<&'static str>,
    /// The form it takes the set in.
    pub form: Form,
    /// The order of the client bundle's blocks as it writes it.
    pub bundle_order: BundleOrder,
    /// Whether the deployed CA key is encrypted (cert-manager's Secrets hold
    /// keys unencrypted, and Octavia reads them with no passphrase).
    pub ca_key_encrypted: bool,
    /// Whether one CA plays both roles.
    pub single_ca: bool,
    /// Where its controllers read the files.
    pub deployed_dir: &'static str,
    /// What this crate writes for it; `None`: read only.
    pub writes: Option<WriteDefaults>,
    /// Where its operators keep the CA key's passphrase.
    pub passphrase: PassphraseFrom,
    /// Its Kubernetes Secrets, for a deployer whose form they are.
    pub secrets: Option<&'static kubernetes::Secrets>,
    /// How a changed set is put in use.
    pub put_in_use: PutInUse,
    /// Where Octavia's housekeeping (which rotates amphora certificates)
    /// runs, and how its operators look at it.
    pub housekeeping: Housekeeping,
}

/// The form a deployer takes a set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Form {
    /// Files in a directory.
    Directory,
    /// The Juju charm's options (`juju config octavia --file`).
    CharmOptions,
    /// Kubernetes Secrets (`kubectl apply -f`).
    KubernetesSecrets,
    /// OpenStack-Ansible's deploy-host tree, which its role installs.
    OsaTree,
}

/// Where a deployer's operators keep the server CA key's passphrase, which
/// it writes into octavia.conf's `[certificates] ca_private_key_passphrase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PassphraseFrom {
    /// Kolla's passwords.yml, `octavia_ca_password`.
    KollaPasswords,
    /// octavia.conf itself, written by hand.
    OctaviaConf,
    /// The charm's option `lb-mgmt-issuing-ca-key-passphrase`.
    CharmOption,
    /// OpenStack-Ansible's `user_secrets.yml`, `octavia_ca_private_key_passphrase`.
    OsaSecrets,
    /// The chart's values (`conf.octavia.certificates.ca_private_key_passphrase`),
    /// which must match the script that encrypted the key.
    HelmValues,
    /// The gate script's and devstack's fixed passphrase (`not-secure-passphrase`).
    GateScript,
    /// TripleO's heat parameter `OctaviaCaKeyPassphrase`, which puppet-octavia
    /// writes from `octavia::certificates::ca_private_key_passphrase`.
    TripleoHeat,
    /// `bin/create_certificates.sh`'s fixed passphrase (`foobar`), which
    /// devstack's plugin sets in octavia.conf.
    CreateCertificatesScript,
    /// None: the key is deployed unencrypted (cert-manager).
    Unencrypted,
    /// Genestack's Secret `octavia-certificates` (key `password`), which
    /// its helm values template copies into the chart's conf.
    GenestackSecret,
    /// RHOSO's Secret `<name>-ca-passphrase` (key `server-ca-passphrase`),
    /// which the operator renders into octavia.conf as it is.
    RhosoSecret,
}

impl PassphraseFrom {
    /// Where the passphrase is, in the deployer's words.
    pub fn words(self) -> &'static str {
        match self {
            Self::KollaPasswords => "octavia_ca_password in passwords.yml",
            Self::OctaviaConf => "[certificates] ca_private_key_passphrase in octavia.conf",
            Self::CharmOption => "the charm's option lb-mgmt-issuing-ca-key-passphrase",
            Self::OsaSecrets => "octavia_ca_private_key_passphrase in user_secrets.yml",
            Self::HelmValues => {
                "the chart's conf.octavia.certificates.ca_private_key_passphrase value"
            }
            Self::GateScript => "the gate script's not-secure-passphrase",
            Self::TripleoHeat => {
                "the heat parameter OctaviaCaKeyPassphrase (puppet: \
                 octavia::certificates::ca_private_key_passphrase)"
            }
            Self::CreateCertificatesScript => {
                "[certificates] ca_private_key_passphrase in octavia.conf (devstack's plugin sets \
                 create_certificates.sh's foobar there)"
            }
            Self::Unencrypted => "none: the CA key is deployed unencrypted",
            Self::GenestackSecret => {
                "the Secret octavia-certificates's key password (which Genestack's helm values \
                 copy into conf.octavia.certificates.ca_private_key_passphrase)"
            }
            Self::RhosoSecret => {
                "the Secret octavia-ca-passphrase's key server-ca-passphrase (named after the \
                 Octavia resource, octavia by default), which the operator renders into octavia.conf"
            }
        }
    }
}

/// How a deployer puts a changed set in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PutInUse {
    /// `kolla-ansible -i INVENTORY reconfigure -t octavia`.
    KollaReconfigure,
    /// Restart Octavia's services on every controller.
    RestartServices,
    /// `juju config` with the new options (the charm restarts the services).
    JujuConfig,
    /// `kubectl apply` the Secrets, then restart Octavia's pods.
    KubectlApply,
    /// Run OpenStack-Ansible's Octavia playbook (its role installs the files).
    OsaPlaybook,
    /// `openstack overcloud deploy` again with the stack's templates and
    /// environment files, the set given as `OctaviaCaCert`, `OctaviaCaKey` and
    /// `OctaviaClientCert` (TripleO's puppet writes the files, and the
    /// containers restart).
    OvercloudDeploy,
}

/// Where a deployer runs Octavia's housekeeping service, which rotates the
/// amphorae's certificates ([`crate::housekeeping`]), and how its operators
/// see whether it runs and read its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Housekeeping {
    /// kolla-ansible's `octavia_housekeeping` container, logging to
    /// `/var/log/kolla/octavia/octavia-housekeeping.log` in it.
    KollaContainer,
    /// OpenStack-Ansible's `octavia-housekeeping` systemd service in the
    /// `octavia_server` container, logging to the journal.
    OsaService,
    /// The charm's unit's `octavia-housekeeping` service (Ubuntu's package),
    /// logging to `/var/log/octavia/octavia-housekeeping.log`.
    CharmService,
    /// openstack-helm's chart's Deployment `octavia-housekeeping` (namespace
    /// `openstack`), which Atmosphere and Genestack deploy too.
    HelmDeployment,
    /// RHOSO's DaemonSet `octavia-housekeeping` (namespace `openstack`), of
    /// its `OctaviaAmphoraController` with role housekeeping.
    RhosoDaemonSet,
    /// TripleO's podman container `octavia_housekeeping` on the
    /// controllers, logging to `/var/log/containers/octavia/housekeeping.log`
    /// on the host.
    TripleoContainer,
    /// devstack's `o-hk` (systemd unit `devstack@o-hk`).
    Devstack,
    /// A distribution's package: systemd unit `octavia-housekeeping`.
    SystemdService,
}

impl Housekeeping {
    /// The service, in the deployer's words.
    pub fn service(self) -> &'static str {
        match self {
            Self::KollaContainer => {
                "the octavia_housekeeping container on the hosts of the octavia-housekeeping group"
            }
            Self::OsaService => {
                "the octavia-housekeeping service in the octavia_server container of the hosts \
                 of the octavia_housekeeping group"
            }
            Self::CharmService => "the octavia-housekeeping service of each octavia unit",
            Self::HelmDeployment => {
                "the pods of the octavia-housekeeping Deployment (namespace openstack)"
            }
            Self::RhosoDaemonSet => {
                "the pods of the octavia-housekeeping DaemonSet (namespace openstack; \
                 OctaviaAmphoraController octavia-housekeeping)"
            }
            Self::TripleoContainer => {
                "the octavia_housekeeping container on the controllers (podman)"
            }
            Self::Devstack => "devstack's o-hk service (devstack@o-hk)",
            Self::SystemdService => "the octavia-housekeeping service on each controller",
        }
    }

    /// The deployer's own commands, one per line, that show whether the
    /// service runs, then its log's lines about certificate rotation
    /// ([`crate::housekeeping::LOG_STARTED`] once it starts,
    /// [`crate::housekeeping::LOG_ROTATION`] in the start and the end of
    /// each amphora's rotation).
    pub fn look(self) -> [String; 2] {
        let grep = format!(
            "grep -e '{}' -e '{}'",
            crate::housekeeping::LOG_STARTED,
            crate::housekeeping::LOG_ROTATION
        );
        let in_osa_container = "lxc-attach -n \"$(lxc-ls -1 | grep octavia_server)\" --";
        match self {
            Self::KollaContainer => [
                "docker ps -a --filter name=octavia_housekeeping".to_owned(),
                format!(
                    "docker exec octavia_housekeeping {grep} \
                     /var/log/kolla/octavia/octavia-housekeeping.log"
                ),
            ],
            Self::OsaService => [
                format!("{in_osa_container} systemctl status octavia-housekeeping"),
                format!("{in_osa_container} journalctl -u octavia-housekeeping | {grep}"),
            ],
            Self::CharmService => [
                "juju ssh octavia/leader -- sudo systemctl status octavia-housekeeping".to_owned(),
                format!(
                    "juju ssh octavia/leader -- sudo {grep} /var/log/octavia/octavia-housekeeping.log"
                ),
            ],
            Self::HelmDeployment => [
                "kubectl -n openstack get pods -l application=octavia,component=housekeeping"
                    .to_owned(),
                format!("kubectl -n openstack logs deployment/octavia-housekeeping | {grep}"),
            ],
            Self::RhosoDaemonSet => [
                "oc -n openstack get daemonset octavia-housekeeping".to_owned(),
                format!("oc -n openstack logs daemonset/octavia-housekeeping | {grep}"),
            ],
            Self::TripleoContainer => [
                "sudo podman ps -a --filter name=octavia_housekeeping".to_owned(),
                format!("sudo {grep} /var/log/containers/octavia/housekeeping.log"),
            ],
            Self::Devstack => [
                "sudo systemctl status devstack@o-hk".to_owned(),
                format!("sudo journalctl -u devstack@o-hk | {grep}"),
            ],
            Self::SystemdService => [
                "systemctl status octavia-housekeeping".to_owned(),
                format!("journalctl -u octavia-housekeeping | {grep}"),
            ],
        }
    }
}

/// What this crate writes for a deployer by default (the deployed files in
/// its [`Deployer::deployed_dir`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct WriteDefaults {
    /// The CA work directory (`--work-dir`); `None`: beside the document.
    pub work_dir: Option<&'static str>,
    /// The key type.
    pub key_type: KeyType,
    /// The only key type the deployer keeps (OpenStack-Ansible's role
    /// regenerates any other), with why.
    pub only_key_type: Option<(KeyType, &'static str)>,
    /// The certificates' names when none is given.
    pub names: Names,
    /// Where a fresh passphrase is kept when none is given; `None`: one
    /// must be given (kolla-ansible's passwords.yml, a file, a prompt).
    pub fresh_passphrase: Option<FreshPassphrase>,
}

/// The certificates' subject fields (`C`, `ST`, `L`, `O`, `OU`; empty: none)
/// and common names (server CA, client CA, client) a deployer gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Names {
    /// `C`.
    pub country: &'static str,
    /// `ST`.
    pub state: &'static str,
    /// `L`.
    pub locality: &'static str,
    /// `O`.
    pub organization: &'static str,
    /// `OU`.
    pub organizational_unit: &'static str,
    /// The server CA's, the client CA's and the client's common names.
    pub common_names: [&'static str; 3],
}

/// kolla-ansible's role's names (`octavia_certs_*`'s defaults), which this
/// crate gives every deployer that has none of its own.
pub const KOLLA_NAMES: Names = Names {
    country: "US",
    state: "Oregon",
    locality: "",
    organization: "OpenStack",
    organizational_unit: "Octavia",
    common_names: [
        "server-ca.example.org",
        "client-ca.example.org",
        "client.example.org",
    ],
};

/// Where a fresh passphrase is kept, where the deployer reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FreshPassphrase {
    /// In the document written (the charm's option).
    InDocument,
    /// In the octavia.conf drop-in written beside the files
    /// ([`crate::conf_snippet`]).
    InConfSnippet,
}

impl Deployer {
    /// The deployer whose Kubernetes Secrets are of `style`.
    pub fn of_style(style: kubernetes::K8sStyle) -> &'static Deployer {
        ALL.iter()
            .copied()
            .find(|d| d.secrets.is_some_and(|s| s.style == style))
            .expect("every style is a deployer's")
    }

    /// The deployer `id` names (`kolla`, `openstack-helm`).
    pub fn by_id(id: &str) -> Option<&'static Deployer> {
        ALL.iter().copied().find(|d| d.id == id)
    }

    /// Whether this crate writes it.
    pub fn is_written(&self) -> bool {
        self.writes.is_some()
    }

    /// The file that plays `role`, relative to its directory.
    pub fn file(&self, role: Role) -> &'static str {
        self.files.of(role)
    }
}

impl Layout {
    /// The deployers whose layouts this crate writes (generate, renew,
    /// rotate; deploy writes kolla's two): the charm's and the Kubernetes
    /// ones packed into the document their deployer takes ([`crate::packed`]).
    pub fn written() -> impl Iterator<Item = Layout> {
        Self::ALL.iter().copied().filter(|l| l.owner().is_written())
    }

    /// `kolla`, `legacy`, `osa`, `charm`, `gate`, `devstack`, `atmosphere`,
    /// `tripleo`, `devstack-old`, `genestack`, `rhoso`, `guide`.
    pub const fn name(self) -> &'static str {
        self.owner().id
    }

    /// Who lays the files out so.
    pub fn deployer(self) -> &'static str {
        self.owner().title
    }

    /// The names of the deployed files, relative to the directory, by
    /// [`Role`] ([`crate::sources::Sources::of_layout`] is what readers and writers use).
    pub(crate) const fn files(self) -> DeployedFiles {
        self.owner().files
    }

    /// Its file names, each once, relative to its directory.
    pub fn file_names(self) -> Vec<&'static str> {
        self.files().names()
    }

    /// Whether one CA plays both roles (kolla's legacy layout; a set read
    /// from octavia.conf when `client_ca` is the `ca_certificate` file).
    pub fn is_single_ca(self) -> bool {
        self.owner().single_ca
    }

    /// The order of the client bundle's blocks as the deployer writes it.
    pub fn bundle_order(self) -> BundleOrder {
        self.owner().bundle_order
    }

    /// Whether the deployed CA key is encrypted.
    pub fn ca_key_encrypted(self) -> bool {
        self.owner().ca_key_encrypted
    }

    /// The deployed CA key's file: `encrypted` (the work directory's copy),
    /// or `key` unencrypted where the deployer keeps it so.
    pub(crate) fn deployed_ca_key(
        self,
        key: &crate::key::PrivateKey,
        encrypted: zeroize::Zeroizing<String>,
    ) -> zeroize::Zeroizing<String> {
        if self.ca_key_encrypted() {
            encrypted
        } else {
            key.to_pkcs8_pem()
        }
    }

    /// Whether this crate writes the layout.
    pub fn is_written(self) -> bool {
        self.owner().is_written()
    }

    /// `Ok` for a layout this crate writes; else the error a writer gives.
    pub(crate) fn require_written(self) -> Result<Self, NotWritten> {
        if self.is_written() {
            return Ok(self);
        }
        Err(NotWritten {
            layout: self,
            written: Self::written().collect(),
        })
    }
}

/// A layout this crate reads and never writes (generate, renew and rotate
/// were asked to write it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotWritten {
    /// The layout.
    pub layout: Layout,
    /// The layouts this crate writes.
    pub written: Vec<Layout>,
}

impl fmt::Display for NotWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let written: Vec<&str> = self.written.iter().map(|l| l.name()).collect();
        write!(
            f,
            "the {} layout ({}) is read (check, rehearse, expiry, probe), not written: generate, \
             renew and rotate write the layouts {}",
            self.layout,
            self.layout.deployer(),
            written.join(", ")
        )
    }
}

impl std::error::Error for NotWritten {}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Layout {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|l| l.name()).collect();
                format!("unknown layout \"{s}\" (expected {})", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_deployer_is_registered_once_and_every_layout_has_its_owner() {
        let mut ids: Vec<&str> = ALL.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len(), "an id twice");
        for layout in Layout::ALL {
            assert_eq!(layout.owner().layout, *layout, "{layout}");
            assert_eq!(Deployer::by_id(layout.name()).unwrap().layout, *layout);
        }
        for deployer in ALL {
            if deployer.form == Form::Directory {
                assert_eq!(deployer.layout.owner().id, deployer.id);
            }
            if let Some(w) = deployer.writes
                && let Some((only, _)) = w.only_key_type
            {
                assert_eq!(only, w.key_type, "{}", deployer.id);
            }
            assert_eq!(
                deployer.ca_key_encrypted,
                deployer.passphrase != PassphraseFrom::Unencrypted,
                "{}",
                deployer.id
            );
        }
    }

    #[test]
    fn every_deployer_says_where_housekeeping_runs_and_how_to_read_its_rotation_lines() {
        for deployer in ALL {
            let h = deployer.housekeeping;
            assert!(h.service().contains("housekeeping") || h.service().contains("o-hk"));
            let [status, log] = h.look();
            assert!(!status.is_empty(), "{}", deployer.id);
            assert!(
                log.contains(crate::housekeeping::LOG_STARTED)
                    && log.contains(crate::housekeeping::LOG_ROTATION),
                "{}: {log}",
                deployer.id
            );
        }
        assert_eq!(
            Layout::Kolla.owner().housekeeping,
            Housekeeping::KollaContainer
        );
        assert_eq!(OPENSTACK_HELM.housekeeping, Housekeeping::HelmDeployment);
    }

    #[test]
    fn names_parse_back() {
        for layout in Layout::ALL {
            assert_eq!(layout.name().parse::<Layout>(), Ok(*layout));
        }
        assert!(
            "kayobe"
                .parse::<Layout>()
                .unwrap_err()
                .contains("atmosphere")
        );
    }
}
