//! cert-manager `Certificate` manifests (Atmosphere; openstack-helm with
//! cert-manager): of each CA certificate cert-manager keeps (`spec.isCA`),
//! whether it re-issues it with a new key (`spec.privateKey.rotationPolicy`:
//! `Always`, the default from cert-manager 1.18) and when
//! (`spec.renewBefore`, else two thirds into its life). Read from a manifest
//! file (`---` between objects) or `kubectl get certificate -o yaml` output
//! (a `List`).

use std::path::Path;

use time::Duration;

use crate::error::{Error, Result};
use crate::secret::Passphrase;
use crate::yaml::Yaml;

/// One CA `Certificate`, as far as the checker needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaCertificateSpec {
    /// `namespace/name`, or `name`.
    pub(crate) name: String,
    /// `spec.commonName`: how it is matched to a deployed CA.
    pub(crate) common_name: Option<String>,
    /// `spec.privateKey.rotationPolicy`, when set.
    pub(crate) rotation_policy: Option<String>,
    /// `spec.renewBefore`, when set.
    pub(crate) renew_before: Option<Duration>,
}

impl CaCertificateSpec {
    /// Whether cert-manager makes a new key at each renewal: `Always`, or
    /// unset (`None`: the default of the cert-manager running, Always from 1.18).
    pub(crate) fn rotates_key(&self) -> Option<bool> {
        match self.rotation_policy.as_deref() {
            Some("Always") => Some(true),
            Some(_) => Some(false),
            None => None,
        }
    }
}

/// The CA `Certificate`s of `path`; a file that is not YAML is an error naming it.
pub(crate) fn read(path: &Path, vault: Option<&Passphrase>) -> Result<Vec<CaCertificateSpec>> {
    let bytes = crate::fsio::read_file(path, vault)?;
    let docs = crate::yaml::load_all(&bytes).map_err(|e| Error::Document {
        file: path.to_owned(),
        reason: format!("not a YAML manifest: {e}"),
    })?;
    let mut specs = Vec::new();
    for doc in &docs {
        collect(doc, &mut specs);
    }
    Ok(specs)
}

/// The CA Certificates of one object, or of the items of a `List`.
fn collect(doc: &Yaml, specs: &mut Vec<CaCertificateSpec>) {
    let kind = doc["kind"].as_str();
    if kind == Some("List") || kind.is_some_and(|k| k.ends_with("List")) {
        for item in doc["items"].as_vec().into_iter().flatten() {
            collect(item, specs);
        }
        return;
    }
    let is_certificate = kind == Some("Certificate")
        && doc["apiVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("cert-manager.io/"));
    let spec = &doc["spec"];
    if !is_certificate || spec["isCA"].as_bool() != Some(true) {
        return;
    }
    let metadata = &doc["metadata"];
    let name = metadata["name"].as_str().unwrap_or("(unnamed)");
    specs.push(CaCertificateSpec {
        name: match metadata["namespace"].as_str() {
            Some(ns) => format!("{ns}/{name}"),
            None => name.to_owned(),
        },
        common_name: spec["commonName"].as_str().map(str::to_owned),
        rotation_policy: spec["privateKey"]["rotationPolicy"]
            .as_str()
            .map(str::to_owned),
        renew_before: spec["renewBefore"].as_str().and_then(go_duration),
    });
}

/// A Go duration as Kubernetes writes one (`720h`, `2160h0m0s`, `90m`,
/// `1.5h`): hours, minutes, seconds; `None` when it is not one.
pub(crate) fn go_duration(text: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut number = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += number.parse::<f64>().ok()? * unit;
        number.clear();
        any = true;
    }
    (any && number.is_empty()).then(|| Duration::seconds_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_read_as_kubernetes_writes_them() {
        assert_eq!(go_duration("720h"), Some(Duration::hours(720)));
        assert_eq!(go_duration("2160h0m0s"), Some(Duration::hours(2160)));
        assert_eq!(go_duration("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(go_duration("1.5h"), Some(Duration::minutes(90)));
        for bad in ["", "30d", "h", "12"] {
            assert_eq!(go_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_manifest_that_is_not_yaml_is_the_errors_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("certs.yaml");
        std::fs::write(&file, "kind: [Certificate\n").unwrap();
        let err = read(&file, None).unwrap_err();
        assert!(matches!(err, Error::Document { .. }), "{err:?}");
        assert_eq!(err.file(), Some(file.as_path()));
        assert!(err.to_string().contains(": not a YAML manifest: "), "{err}");
    }

    #[test]
    fn ca_certificates_come_from_manifests_and_lists() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("certs.yaml");
        std::fs::write(
            &file,
            "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: octavia-server-ca, namespace: openstack}\n\
             spec: {isCA: true, commonName: octavia-server-ca, renewBefore: 720h, privateKey: {algorithm: ECDSA, rotationPolicy: Always}}\n\
             ---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: leaf}\nspec: {commonName: x}\n\
             ---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: cert-manager.io/v1\n  kind: Certificate\n  metadata: {name: client-ca}\n  spec: {isCA: true}\n",
        )
        .unwrap();
        let specs = read(&file, None).unwrap();
        assert_eq!(specs.len(), 2, "{specs:?}");
        assert_eq!(specs[0].name, "openstack/octavia-server-ca");
        assert_eq!(specs[0].rotates_key(), Some(true));
        assert_eq!(specs[0].renew_before, Some(Duration::hours(720)));
        assert_eq!(specs[1].name, "client-ca");
        assert_eq!(specs[1].rotates_key(), None);
        std::fs::write(&file, "kind: [unclosed\n").unwrap();
        let err = read(&file, None).unwrap_err().to_string();
        assert!(
            err.contains("certs.yaml") && err.contains("not a YAML manifest"),
            "{err}"
        );
    }
}
