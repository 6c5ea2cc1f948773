//! The deployer's part of a finding's fix and symptom: the catalogue's
//! texts ([`crate::codes`]) are kolla-ansible's, where kolla-ansible is the
//! one that deploys them; for a set of another deployer, the texts that
//! depend on the deployer are said in its words, and the file the finding
//! is about is named where the text has a placeholder for it.

use std::path::Path;

use crate::codes::Code;
use crate::codes::check as codes;
use crate::deployers::{Deployer, Form, PassphraseFrom};
use crate::text::shell_path;

/// What the tool knows of the finding's file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Known<'a> {
    /// The set's deployer.
    pub(crate) deployer: &'static Deployer,
    /// The file on disk, when it is one (not a document's unpacked copy).
    pub(crate) path: Option<&'a Path>,
    /// How reports name it (`server_ca.pem`, `Secret octavia-certs key ...`).
    pub(crate) name: Option<&'a str>,
    /// Whether the passphrase comes from octavia.conf (a set read through it).
    pub(crate) from_conf: bool,
    /// Whether the finding is about the client certificate and its CA's
    /// key is gone (`client-ca-key-lost`): renewing it is impossible.
    pub(crate) renewal_impossible: bool,
}

/// Whether `deployer` is kolla-ansible's (whose words the catalogue has).
fn is_kolla(deployer: &Deployer) -> bool {
    deployer.passphrase == PassphraseFrom::KollaPasswords
}

/// Where `deployer`'s operators keep the passphrase, in their words: a
/// passphrase Secret named after the resource the set's Secrets are (RHOSO's
/// `<name>-ca-passphrase`) named for that resource when `name` (a file's
/// name in reports: `Secret lb-certs-secret key ...`) says it.
fn passphrase_words(deployer: &Deployer, name: Option<&str>) -> String {
    let words = deployer.passphrase.words();
    let Some(secrets) = deployer.secrets else {
        return words.to_owned();
    };
    let instance = name
        .and_then(|n| n.strip_prefix("Secret "))
        .and_then(|n| n.split(' ').next())
        .and_then(|secret| secrets.secret_named(secret))
        .map(|(_, instance)| instance)
        .filter(|i| !i.is_empty());
    match (secrets.passphrase, instance) {
        (Some(p), Some(instance)) => {
            let default = p.name.for_instance("octavia");
            words.replace(&default, &p.name.for_instance(&instance))
        }
        _ => words.to_owned(),
    }
}

/// The fix of `code` for a finding about what `known` says.
pub(crate) fn fix(code: Code, known: Known<'_>) -> String {
    let catalogue = code.info().fix;
    let d = known.deployer;
    let passphrase = if known.from_conf {
        PassphraseFrom::OctaviaConf.words().to_owned()
    } else {
        passphrase_words(d, known.name)
    };
    let kolla = is_kolla(d) && !known.from_conf;
    let file = known.path.map(shell_path).or(known.name.map(str::to_owned));
    let text = match code {
        c if (c == codes::EXPIRING_SOON || c == codes::EXPIRED) && known.renewal_impossible => {
            Some(format!(
                "It cannot be renewed: its CA's key is gone (client-ca-key-lost). {}",
                codes::CLIENT_CA_KEY_LOST.info().fix
            ))
        }
        c if c == codes::MISSING_FILE && !kolla => Some(match d.form {
            Form::CharmOptions => format!(
                "Set the charm's option ({}) to the file's contents, base64-encoded (`juju config`), \
                 or make a new set with `octavia-pki generate --layout charm`.",
                known.name.unwrap_or("its option")
            ),
            Form::KubernetesSecrets => format!(
                "Add the key to the Secret ({}) and apply it, or make new Secrets with \
                 `octavia-pki generate --layout k8s{}`.",
                known.name.unwrap_or("its Secret"),
                d.secrets
                    .map(|s| format!(" --style {}", s.style.name()))
                    .unwrap_or_default()
            ),
            Form::OsaTree => "Run OpenStack-Ansible's Octavia playbook, whose role makes what is \
                 missing in the tree and installs the files on the controllers."
                .to_owned(),
            Form::Directory => format!(
                "Copy the file from the CA work directory, or make a new set with `octavia-pki \
                 generate --layout {}`; {} reads it from {}.",
                d.id, d.title, d.deployed_dir
            ),
        }),
        c if c == codes::UNREADABLE_FILE && !kolla => Some(
            "Check the file's owner and mode: Octavia's services must read it as their user."
                .to_owned(),
        ),
        c if c == codes::CA_KEY_NOT_ENCRYPTED && !kolla => Some(match d.passphrase {
            PassphraseFrom::Unencrypted => format!(
                "{} keeps the CA key unencrypted: remove ca_private_key_passphrase from octavia.conf, \
                 or encrypt the key and set the passphrase there.",
                d.title
            ),
            _ => format!(
                "Encrypt it with the passphrase of {passphrase}: `openssl pkey -in {} -aes256 -out \
                 {}.enc` (the passphrase read from a file), then put the encrypted key in its place.",
                file.as_deref().unwrap_or("the key"),
                file.as_deref().unwrap_or("the key")
            ),
        }),
        c if c == codes::PASSPHRASE_NOT_AVAILABLE && !kolla => Some(match d.passphrase {
            PassphraseFrom::CharmOption => format!(
                "Set {passphrase} (or give --passphrase-file, a file whose first line is the \
                 passphrase) to check the key too."
            ),
            _ if known.from_conf => {
                "Set [certificates] ca_private_key_passphrase in octavia.conf, as Octavia needs it, \
                 to check the key too."
                    .to_owned()
            }
            _ => format!(
                "Give --passphrase-file, a file whose first line is {passphrase}, to check the key \
                 too."
            ),
        }),
        // TripleO keeps an existing key as it is when the parameter changes.
        // A passphrase Secret (RHOSO's) carried the newline: the key, and
        // the Secret, are put right where the operator reads them.
        c if c == codes::PASSPHRASE_TRAILING_NEWLINE
            && d.secrets.is_some_and(|s| s.passphrase.is_some())
            && !known.from_conf =>
        {
            Some(format!(
                "{} Here the newline is in {passphrase}: save its value to PASSFILE (`{} get secret \
                 NAME -o jsonpath='{{.data.{}}}' | base64 -d > PASSFILE` keeps it, NAME the \
                 passphrase Secret), re-encrypt as above, then put FILE.new in {} and the passphrase \
                 alone in the passphrase Secret, and apply both.",
                codes::PASSPHRASE_TRAILING_NEWLINE.info().fix,
                d.secrets.map_or("kubectl", |s| s.client),
                d.secrets
                    .and_then(|s| s.passphrase)
                    .map_or("passphrase", |p| p.key),
                file.as_deref().unwrap_or("the certs Secret")
            ))
        }
        c if c == codes::WRONG_PASSPHRASE
            && d.passphrase == PassphraseFrom::TripleoHeat
            && !known.from_conf =>
        {
            Some(format!(
                "Set {passphrase} back to the passphrase the key was encrypted with and run \
                 `openstack overcloud deploy` again with the same templates and environment files: \
                 TripleO keeps an existing CA key as it is when the parameter changes. Or \
                 re-encrypt the key with the new passphrase and give it as OctaviaCaKey."
            ))
        }
        c if c == codes::WRONG_PASSPHRASE && !kolla => Some(format!(
            "Set {passphrase} to the passphrase the key was encrypted with, or re-encrypt the key \
             with it."
        )),
        _ => None,
    };
    let text = text.unwrap_or_else(|| catalogue.to_owned());
    match (&file, known.path) {
        // The file is named where the text has a placeholder for it.
        (Some(file), Some(_)) => text.replace(" FILE", &format!(" {file}")),
        _ => text,
    }
}

/// The symptom of `code` for a set of `deployer`: the catalogue's, less
/// what only kolla-ansible does.
pub(crate) fn symptom(code: Code, deployer: &Deployer, symptom: String) -> String {
    if is_kolla(deployer) || code != codes::MISSING_FILE {
        return symptom;
    }
    symptom.replace("Kolla's precheck fails; ", "")
}
