//! What a Kubernetes deployer's Secrets are: their names, their type,
//! which key is mounted as which file of the deployer's layout, the
//! passphrase Secret if it has one, and how its operators apply them. Each
//! deployer module holds its own (its `Deployer::secrets`);
//! `packed.rs` reads and writes every one from this data alone.

/// Whose Kubernetes Secrets: the name `--style` and the reports give a
/// deployer's Secrets ([`Secrets::style`]).
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
    /// Rackspace Genestack: one Opaque Secret `octavia-certs` with its own
    /// names (`client.key-and-cert.pem`, key first; no chain file).
    Genestack,
    /// RHOSO 18 (octavia-operator): the Opaque Secret `<name>-certs-secret`
    /// (`<name>` the Octavia resource's), mounted whole, and the passphrase
    /// in `<name>-ca-passphrase`.
    Rhoso,
}

impl K8sStyle {
    /// How `--style` and the reports name it (`helm`, `rhoso`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Helm => "helm",
            Self::Atmosphere => "atmosphere",
            Self::Genestack => "genestack",
            Self::Rhoso => "rhoso",
        }
    }
}

/// A Secret's name: fixed, or the name of the resource that owns it
/// followed by a suffix (RHOSO's `<name>-certs-secret`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretName {
    /// Always this name.
    Fixed(&'static str),
    /// `<instance>` then this suffix.
    Suffixed(&'static str),
}

impl SecretName {
    /// The instance `name` names (`""` for a fixed name), if it is this one's.
    pub fn instance_of(self, name: &str) -> Option<&str> {
        match self {
            Self::Fixed(fixed) => (name == fixed).then_some(""),
            Self::Suffixed(suffix) => name.strip_suffix(suffix).filter(|i| !i.is_empty()),
        }
    }

    /// The name for `instance` (ignored by a fixed name).
    pub fn for_instance(self, instance: &str) -> String {
        match self {
            Self::Fixed(fixed) => fixed.to_owned(),
            Self::Suffixed(suffix) => format!("{instance}{suffix}"),
        }
    }

    /// As the deployer's documentation names it (`<name>-certs-secret`).
    pub fn pattern(self) -> String {
        self.for_instance("<name>")
    }
}

/// How a Secret's keys become files in the pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mount {
    /// The whole Secret as a directory (relative to the layout's; `""`: the
    /// layout's own): every key a file of its name.
    Whole(&'static str),
    /// Each key by `subPath` at its file (relative to the layout's
    /// directory); keys not listed are not mounted.
    Keys(&'static [(&'static str, &'static str)]),
}

/// One Secret of a deployer.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Secret {
    /// Its name.
    pub name: SecretName,
    /// `kubernetes.io/tls` (else `Opaque`).
    pub tls: bool,
    /// How its keys are mounted.
    pub mount: Mount,
    /// Keys the deployer puts in it besides the mounted files of its
    /// layout's roles (RHOSO's `client_ca.key.pem` and `version`): each
    /// counts for the Secret being this deployer's, and is kept.
    pub other_keys: &'static [&'static str],
    /// Keys written with this value when the document has none (RHOSO's
    /// `version`: the format of the Secret the operator writes today).
    pub written_keys: &'static [(&'static str, &'static str)],
    /// The file (of the layout) a `kubernetes.io/tls` Secret's `tls.crt`
    /// and `tls.key` are split from when written (Atmosphere's client bundle).
    pub tls_from: Option<&'static str>,
}

impl Secret {
    /// The file (relative to the layout's directory) `key` is mounted as.
    pub fn file_of(&self, key: &str) -> Option<String> {
        match self.mount {
            Mount::Whole(dir) => Some(join(dir, key)),
            Mount::Keys(keys) => keys
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, f)| (*f).to_owned()),
        }
    }

    /// The key mounted as `file` (relative to the layout's directory).
    pub fn key_of(&self, file: &str) -> Option<String> {
        match self.mount {
            Mount::Whole("") => (!file.contains('/')).then(|| file.to_owned()),
            Mount::Whole(dir) => file
                .strip_prefix(dir)
                .and_then(|rest| rest.strip_prefix('/'))
                .filter(|rest| !rest.contains('/'))
                .map(str::to_owned),
            Mount::Keys(keys) => keys
                .iter()
                .find(|(_, f)| *f == file)
                .map(|(k, _)| (*k).to_owned()),
        }
    }
}

fn join(dir: &str, key: &str) -> String {
    if dir.is_empty() {
        key.to_owned()
    } else {
        format!("{dir}/{key}")
    }
}

/// A Secret holding the CA key's passphrase, which the deployer renders
/// into octavia.conf as it is.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PassphraseSecret {
    /// Its name.
    pub name: SecretName,
    /// The key holding the passphrase.
    pub key: &'static str,
}

/// A Kubernetes deployer's Secrets, and how its operators apply them.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Secrets {
    /// Its name among the styles.
    pub style: K8sStyle,
    /// Its Secrets.
    pub secrets: &'static [Secret],
    /// The Secret the CA key's passphrase is in, if the set is read with it.
    pub passphrase: Option<PassphraseSecret>,
    /// Its operators' client (`kubectl`, `oc`).
    pub client: &'static str,
    /// What restarts Octavia's pods once the Secrets changed.
    pub restart: Restart,
    /// The key the deployer keeps the client CA's key under, beside the
    /// files (RHOSO's `client_ca.key.pem`): a set without it, and without
    /// the deployer's marker (the format that keeps it), has lost it.
    pub client_ca_key: Option<&'static str>,
    /// The namespace its Secrets are in when a document names none.
    pub namespace: &'static str,
}

/// How Octavia's pods take changed Secrets.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Restart {
    /// Rolled by hand: these workloads (`deployment/octavia-worker`).
    RolloutRestart(&'static [&'static str]),
    /// Rolled by the deployer's operator, which watches the Secret (its
    /// hash is in the pods' environment): its DaemonSets, `<instance>`
    /// then each of these suffixes, restarted by hand otherwise.
    ByOperator(&'static [&'static str]),
}

impl Secrets {
    /// The instance (RHOSO's Octavia resource) a Secret named `name` is
    /// one of this deployer's for, with the Secret.
    pub fn secret_named(&self, name: &str) -> Option<(&'static Secret, String)> {
        self.secrets
            .iter()
            .find_map(|s| s.name.instance_of(name).map(|i| (s, i.to_owned())))
    }

    /// Every name, as its documentation says them.
    pub fn names(&self) -> Vec<String> {
        self.secrets.iter().map(|s| s.name.pattern()).collect()
    }

    /// The Secret and key of the file `file` (relative to the layout's
    /// directory), for `instance`.
    pub fn key_of(&self, file: &str, instance: &str) -> Option<(String, String)> {
        self.secrets.iter().find_map(|s| {
            s.key_of(file)
                .map(|key| (s.name.for_instance(instance), key))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kubernetes_deployers_files_are_keys_of_its_secrets() {
        for deployer in super::super::ALL {
            let Some(secrets) = deployer.secrets else {
                assert_ne!(
                    deployer.form,
                    super::super::Form::KubernetesSecrets,
                    "{}",
                    deployer.id
                );
                continue;
            };
            assert_eq!(
                super::super::Deployer::of_style(secrets.style).id,
                deployer.id
            );
            for name in deployer.files.names() {
                let (secret, key) = secrets.key_of(name, "octavia").unwrap();
                let s = secrets.secret_named(&secret).unwrap().0;
                assert_eq!(s.file_of(&key).as_deref(), Some(name), "{}", deployer.id);
            }
        }
    }

    #[test]
    fn a_styles_name_is_its_serialised_name() {
        for style in [
            K8sStyle::Helm,
            K8sStyle::Atmosphere,
            K8sStyle::Genestack,
            K8sStyle::Rhoso,
        ] {
            assert_eq!(
                serde_json::to_value(style).unwrap(),
                serde_json::Value::from(style.name())
            );
        }
    }

    #[test]
    fn a_suffixed_name_names_its_instance() {
        let n = SecretName::Suffixed("-certs-secret");
        assert_eq!(n.instance_of("octavia-certs-secret"), Some("octavia"));
        assert_eq!(n.instance_of("-certs-secret"), None);
        assert_eq!(n.pattern(), "<name>-certs-secret");
        assert_eq!(SecretName::Fixed("a").instance_of("a"), Some(""));
    }
}
