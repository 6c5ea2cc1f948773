//! The loader's outcome as Octavia's two sides take it: the first problem,
//! in the order Octavia meets them, becomes the line Octavia logs
//! (`LocalCertGenerator` for the CA files, OpenSSL's context setup for the
//! bundle, the amphora agent for the client CA).

use std::path::Path;

use time::OffsetDateTime;

use super::report::{Cause, Rehearsal, RehearseOptions, Side, Stop, step, stop};
use crate::cert::Certificate;
use crate::key::PrivateKey;
use crate::load::{BundleRead, FileLoad, Load, PassphraseIssue, Problem};
use crate::sources::{Role, Sources};
use crate::x509;

/// What both sides load before any certificate is issued.
pub(super) struct Loaded<'a> {
    pub(super) now: OffsetDateTime,
    /// The certificate the controller issues with (`ca_certificate`'s first).
    pub(super) issuer: &'a Certificate,
    pub(super) ca_key: &'a PrivateKey,
    /// What the controller verifies amphorae against (`server_ca`).
    pub(super) server_ca: &'a [Certificate],
    pub(super) client_ca: &'a [Certificate],
    pub(super) bundle_certs: &'a [Certificate],
    pub(super) bundle_key: &'a PrivateKey,
    /// The names of the files to blame.
    pub(super) ca_key_file: String,
    pub(super) bundle_file: String,
    pub(super) server_ca_file: String,
}

/// The loader's outcome as each side of Octavia takes it: the first
/// problem, in the order Octavia meets them, ends the rehearsal with the
/// line Octavia logs.
pub(super) fn loaded<'a>(
    sources: &'a Sources,
    load: &'a Load,
    options: &RehearseOptions,
    r: &mut Rehearsal,
) -> Result<Loaded<'a>, Stop> {
    let controller = |cause, role, msg: String| {
        stop(
            Side::Controller,
            cause,
            Some(&sources.name(role)),
            Some(msg),
            None,
        )
    };

    // 1. The controller unlocks the server CA, as LocalCertGenerator does.
    if let Some(line) = passphrase_line(load.passphrase.issue.as_ref()) {
        return Err(stop(
            Side::Controller,
            Cause::Passphrase,
            Some(crate::passwords::PASSWORDS_FILE),
            Some(line),
            None,
        ));
    }
    let server_certs = load.ca_certificate.value.as_ref().map_err(|p| {
        let line = certificates_line(p, sources.path(Role::CaCertificate));
        controller(Cause::CaCertificates, Role::CaCertificate, line)
    })?;
    let key_line = |p: &Problem| key_line(p, sources.path(Role::CaPrivateKey));
    let not_encrypted = load
        .ca_private_key
        .notes
        .iter()
        .find(|p| matches!(p, Problem::KeyNotEncrypted(_)));
    let ca_key = match (&load.ca_private_key.value, not_encrypted) {
        (Err(p), _) | (Ok(_), Some(p)) => {
            let stop = controller(Cause::ServerCaKey, Role::CaPrivateKey, key_line(p));
            // Octavia's line is that of any wrong passphrase; why it is wrong
            // is known here, and said.
            return Err(match p {
                Problem::PassphraseTrailingNewline(_) => stop.because(p.to_string()),
                _ => stop,
            });
        }
        (Ok(key), None) => key,
    };
    step(
        r,
        "controller unlocks the server CA key",
        true,
        format!(
            "{} key, {}",
            ca_key.algorithm(),
            sources.name(Role::CaPrivateKey)
        ),
    );
    let server_ca = load.server_ca.value.as_ref().map_err(|p| {
        let line = certificates_line(p, sources.path(Role::ServerCa));
        controller(Cause::CaCertificates, Role::ServerCa, line)
    })?;

    // 2. The amphora agent loads the client CA; the controller its bundle.
    let client_ca = load.client_ca.value.as_ref().map_err(|p| {
        let line = certificates_line(p, sources.path(Role::ClientCa));
        stop(
            Side::Amphora,
            Cause::CaCertificates,
            Some(&sources.name(Role::ClientCa)),
            None,
            Some(format!(
                "the amphora agent cannot load the client CA: {line}"
            )),
        )
    })?;
    let (bundle_certs, bundle_key) = bundle(&load.client_cert).map_err(|(line, detail)| {
        controller(Cause::Bundle, Role::ClientCert, line).because(detail)
    })?;
    step(
        r,
        "both sides load their files",
        true,
        format!(
            "{} client CA certificate(s); bundle of {} certificate(s) and a key",
            client_ca.len(),
            bundle_certs.len()
        ),
    );
    Ok(Loaded {
        now: options.now.unwrap_or_else(OffsetDateTime::now_utc),
        issuer: &server_certs[0],
        ca_key,
        server_ca,
        client_ca,
        bundle_certs,
        bundle_key,
        ca_key_file: sources.name(Role::CaPrivateKey),
        bundle_file: sources.name(Role::ClientCert),
        server_ca_file: sources.name(Role::ServerCa),
    })
}

/// The line Octavia logs when it cannot be given the passphrase.
fn passphrase_line(issue: Option<&PassphraseIssue>) -> Option<String> {
    match issue? {
        PassphraseIssue::DollarInPasswords | PassphraseIssue::DollarGiven => Some(
            "oslo_config.cfg.TemplateSubstitutionError: ca_private_key_passphrase contains '$', \
             read as a reference to another option"
                .into(),
        ),
        PassphraseIssue::Missing(what) => Some(what.clone()),
        PassphraseIssue::NotAsWritten(how, false) => {
            Some(format!("{} {how}", crate::passwords::CA_PASSWORD))
        }
        PassphraseIssue::OptionNotAsWritten {
            option,
            how,
            known: false,
        } => Some(format!("{option} {how}")),
        // Octavia gets another string than the file's text: played with that string.
        PassphraseIssue::NotAsWritten(_, true) | PassphraseIssue::OptionNotAsWritten { .. } => None,
    }
}

/// Whether the problem is that the file could not be read at all.
fn unreadable(problem: &Problem) -> bool {
    matches!(
        problem,
        Problem::Missing
            | Problem::Unreadable(_)
            | Problem::NotAFile(_)
            | Problem::Vaulted(_)
            | Problem::TooLarge
    )
}

/// Whether the file has no PEM `BEGIN` line.
fn no_start_line(problem: &Problem) -> bool {
    matches!(problem, Problem::Empty | Problem::Der | Problem::NoPemBlock)
}

/// What Octavia logs when a CA certificate file cannot be loaded, as
/// `load_pem_x509_certificate` and OpenSSL's CA loading read it.
fn certificates_line(problem: &Problem, path: &Path) -> String {
    if unreadable(problem) {
        format!(
            "Failed to load CA Certificate {}: {problem}",
            path.display()
        )
    } else if no_start_line(problem) {
        "Unable to load PEM file (no start line)".into()
    } else {
        format!("Unable to load PEM file: {problem}")
    }
}

/// What Octavia logs when the server CA key cannot be used, with
/// `load_pem_private_key(key, password)`'s rules.
fn key_line(problem: &Problem, path: &Path) -> String {
    match problem {
        p if unreadable(p) => format!("Failed to load CA Private Key {}: {p}", path.display()),
        p if no_start_line(p) => "Could not deserialize key data (no start line)".into(),
        Problem::KeyNotEncrypted(_) => {
            "TypeError: Password was given but private key is not encrypted".into()
        }
        Problem::WrongPassphrase(_) | Problem::PassphraseTrailingNewline(_) => {
            "Could not sign the certificate request: Incorrect password, could not decrypt key"
                .into()
        }
        Problem::PassphraseNotAvailable(_) => {
            "TypeError: Password was not given but private key is encrypted".into()
        }
        other => format!("Could not deserialize key data: {other}"),
    }
}

/// The bundle as `SSL_CTX_use_certificate_chain_file` + `_use_PrivateKey_file`
/// take it. Errors: OpenSSL's line, and why.
fn bundle(load: &FileLoad<BundleRead>) -> Result<(&[Certificate], &PrivateKey), (String, String)> {
    let pem_lib = |why: String| ("[SSL] PEM lib".to_owned(), why);
    let read = load.value.as_ref().map_err(|p| pem_lib(p.to_string()))?;
    let certs = &read.certificates;
    if certs.is_empty() {
        return Err(pem_lib(Problem::NoCertificate.to_string()));
    }
    let key = match &read.key {
        Ok(key) => key,
        Err(Problem::KeyEncrypted(_)) => {
            return Err((
                "Enter PEM pass phrase:".into(),
                "the client key is encrypted: OpenSSL asks for a pass phrase, and unattended the connection fails".into(),
            ));
        }
        Err(p) => return Err(pem_lib(p.to_string())),
    };
    // SSL_CTX_use_certificate applies the security level to the own certificate.
    let oid = certs[0]
        .parsed()
        .signature_algorithm
        .algorithm
        .to_id_string();
    if let Some(weak) = x509::weak_signature(&oid) {
        return Err((
            "[SSL: CA_MD_TOO_WEAK] ca md too weak".into(),
            format!("the client certificate is signed with {weak}"),
        ));
    }
    if let crate::key::KeyAlgorithm::Rsa { bits } = key.algorithm()
        && (bits as usize) < x509::MIN_RSA_BITS
    {
        return Err((
            "[SSL: EE_KEY_TOO_SMALL] ee key too small".into(),
            format!("the client key is RSA-{bits}"),
        ));
    }
    if !certs[0].matches_key(key) {
        return Err((
            "[X509: KEY_VALUES_MISMATCH] key values mismatch".into(),
            "the key is not the first certificate's".into(),
        ));
    }
    Ok((certs, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::check_fixture;

    /// The first failure Octavia meets, as `(cause, what the controller logs,
    /// what the amphora logs)`; `None` when both sides load their files.
    fn first_failure(case: &str) -> Option<(Cause, Option<String>, Option<String>)> {
        stop_of(case).map(|f| (f.cause, f.controller, f.amphora))
    }

    /// The first failure Octavia meets, whole.
    fn stop_of(case: &str) -> Option<Box<crate::rehearse::Failure>> {
        let (sources, load) = check_fixture(case);
        let mut r = Rehearsal {
            ok: false,
            dir: sources.dir.clone(),
            layout: sources.layout,
            origin: sources.origin.clone(),
            amphora_id: String::new(),
            steps: Vec::new(),
            releases: Vec::new(),
            failures: Vec::new(),
            failure: None,
            generations: Vec::new(),
        };
        match loaded(&sources, &load, &RehearseOptions::default(), &mut r) {
            Ok(_) => None,
            Err(Stop(f)) => Some(f),
        }
    }

    #[test]
    fn a_good_set_loads_on_both_sides() {
        assert!(first_failure("good-rsa").is_none());
        assert!(first_failure("good-key-before-cert").is_none());
    }

    #[test]
    fn each_file_problem_is_the_line_octavia_logs() {
        let controller = |case: &str| {
            let (cause, controller, _) = first_failure(case).expect(case);
            (cause, controller.unwrap_or_default())
        };
        assert_eq!(
            controller("server-ca-der"),
            (
                Cause::CaCertificates,
                "Unable to load PEM file (no start line)".into()
            )
        );
        assert_eq!(
            controller("wrong-passphrase"),
            (
                Cause::ServerCaKey,
                "Could not sign the certificate request: Incorrect password, could not decrypt key"
                    .into()
            )
        );
        assert_eq!(
            controller("passphrase-trailing-newline"),
            controller("wrong-passphrase")
        );
        let stop = stop_of("passphrase-trailing-newline").unwrap();
        let detail = stop.detail.unwrap_or_default();
        assert!(
            detail.contains("followed by a newline (LF) does"),
            "{detail}"
        );
        assert_eq!(
            controller("ca-key-not-encrypted"),
            (
                Cause::ServerCaKey,
                "TypeError: Password was given but private key is not encrypted".into()
            )
        );
        assert_eq!(
            controller("bundle-key-encrypted"),
            (Cause::Bundle, "Enter PEM pass phrase:".into())
        );
        assert_eq!(
            controller("bundle-cert-only"),
            (Cause::Bundle, "[SSL] PEM lib".into())
        );
        assert_eq!(
            controller("bundle-key-mismatch"),
            (
                Cause::Bundle,
                "[X509: KEY_VALUES_MISMATCH] key values mismatch".into()
            )
        );
        assert_eq!(
            controller("client-rsa-1024"),
            (
                Cause::Bundle,
                "[SSL: EE_KEY_TOO_SMALL] ee key too small".into()
            )
        );
        assert!(
            controller("server-ca-is-a-directory")
                .1
                .starts_with("Failed to load CA Certificate ")
        );
    }

    #[test]
    fn a_client_ca_octavia_cannot_load_stops_the_amphora_agent() {
        let (cause, controller, amphora) = first_failure("client-ca-missing").unwrap();
        assert_eq!(cause, Cause::CaCertificates);
        assert_eq!(controller, None);
        assert!(
            amphora
                .unwrap()
                .starts_with("the amphora agent cannot load the client CA: Failed to load")
        );
    }

    #[test]
    fn a_passphrase_octavia_cannot_take_is_refused_before_any_file() {
        let (cause, controller, _) = first_failure("passphrase-dollar").unwrap();
        assert_eq!(cause, Cause::Passphrase);
        assert!(controller.unwrap().contains("TemplateSubstitutionError"));
        assert_eq!(
            passphrase_line(Some(&PassphraseIssue::NotAsWritten(
                crate::passwords::Rendering::SurroundingQuotes,
                true
            ))),
            None,
            "played with the string Octavia reads"
        );
    }
}
