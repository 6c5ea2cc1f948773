//! The checker's rules, one file each (as zlint's lints): a file holds the
//! predicate, its messages, and a unit test on the committed fixtures of
//! `testdata/check/`, and names its code, which the catalogue defines
//! ([`crate::codes::check::RULES`]: id, severity, whether `--strict` makes it
//! an error, title, symptom, fix, explanation). [`registry!`] is the one list
//! of the rules.
//!
//! The loader ([`crate::load`]) reads the files, and `check/mod.rs` reports
//! its file, framing, key and passphrase outcomes (their codes are in
//! [`crate::codes::check`] too); the rules judge what it read. To add a rule:
//! its code in `codes/check.rs`, a file here, one line in [`registry!`], and
//! a fixture in `testdata/make-check-fixtures.py`.

use time::OffsetDateTime;

use crate::cert::Certificate;
use crate::codes::{Code, Severity};
use crate::key::PrivateKey;
use crate::release::OctaviaRelease;
pub(crate) use crate::sources::Role;
use crate::sources::Sources;

/// One rule: its code, and what it looks at.
pub(crate) struct Rule {
    pub(crate) code: Code,
    pub(crate) applies: Applies,
}

/// What a rule looks at, and its predicate: `Some(message)` when it fires.
pub(crate) enum Applies {
    /// Every certificate of every file.
    Certificate(fn(&Certificate, &Context<'_>) -> Option<String>),
    /// Every certificate of a CA file: each acts as a CA.
    CaCertificate(fn(&Certificate) -> Option<String>),
    /// A CA file as a whole (its first certificate is the one in use), in
    /// the role its readers give it.
    CaFile(fn(&[Certificate], Role, &Context<'_>) -> Option<Hit>),
    /// The client certificate: the bundle's first (or, when the bundle starts
    /// with its CA, the one matching the key).
    ClientCertificate(fn(&Certificate) -> Option<String>),
    /// The files together: keys to certificates, chains across files.
    Set(fn(&Set<'_>, &Context<'_>) -> Option<Hit>),
    /// The trust files (`server_ca`, `client_ca`) against the set they
    /// serve: a finding per certificate that does not belong.
    TrustFiles(fn(&Set<'_>, &Context<'_>) -> Vec<Hit>),
    /// The outcome of the rehearsed handshake ([`rehearsal_failed::code_of`]).
    Rehearsal,
}

/// The registry: every rule, in documentation order (the order of
/// [`crate::codes::check::RULES`], which a test holds it to), by its file
/// here. It declares the modules and builds [`ALL`], so adding a rule is its
/// file, its code in the catalogue (`codes/check.rs`) and one line here.
macro_rules! registry {
    ($($module:ident,)*) => {
        $(pub(crate) mod $module;)*

        /// Every rule, in documentation order.
        pub(crate) const ALL: &[Rule] = &[$($module::RULE),*];
    };
}
registry! {
    ca_key_mismatch,
    server_ca_chain_order,
    rsa_key_too_small,
    ed25519_server_ca_key,
    client_cert_untrusted,
    foreign_certificate_trusted,
    staged_rotation_lost,
    ca_chain_incomplete,
    server_ca_missing_issuer,
    server_ca_key_id_not_sha1,
    ca_not_ca,
    ca_key_usage_no_cert_sign,
    client_eku_no_client_auth,
    client_key_usage_no_digital_signature,
    weak_signature,
    expired,
    not_yet_valid,
    expiring_soon,
    ca_expires_before_client,
    ca_short_lived,
    one_ca_both_roles,
    publicly_known_key,
    cert_manager_rotates_ca_key,
    strict_ca_basic_constraints_not_critical,
    strict_ca_no_key_usage,
    strict_ca_no_ski,
    strict_no_aki,
    rehearsal_failed,
    octavia_release_strict_no_aki,
}

/// What the rules judge against.
pub(crate) struct Context<'a> {
    /// The moment validity is judged at.
    pub(crate) now: OffsetDateTime,
    /// `--warn-days`.
    pub(crate) warn_days: u32,
    /// The Octavia releases the files must work with.
    pub(crate) targeted: &'a [&'static OctaviaRelease],
    /// `--strict`: judged as on Python 3.13 (its verification flags).
    pub(crate) strict: bool,
    /// The files, by role (for their names).
    pub(crate) files: &'a Sources,
    /// cert-manager's CA Certificates, when a manifest was given.
    pub(crate) cert_manager: &'a [crate::cert_manager::CaCertificateSpec],
    /// The work directory's history, when a work directory was given
    /// (`None`: the files alone): which staged rotation is in flight.
    pub(crate) history: Option<&'a [crate::history::HistoryEntry]>,
}

/// What the loading pass could read of each file (`None`: unreadable, and
/// reported already).
pub(crate) struct Set<'a> {
    /// The issuing CA file's certificates (`ca_certificate`), in file order.
    pub(crate) server_certs: Option<&'a [Certificate]>,
    /// What the controllers trust (`server_ca`): the same certificates in
    /// kolla's layouts, a file of its own in others (the gate's chain file).
    pub(crate) server_ca: Option<&'a [Certificate]>,
    /// The server CA key, unlocked.
    pub(crate) server_key: Option<&'a PrivateKey>,
    /// The client CA file's certificates (the server CA's in the legacy layout).
    pub(crate) client_ca_certs: Option<&'a [Certificate]>,
    /// The bundle's certificates, the client's first.
    pub(crate) client: Option<&'a [Certificate]>,
}

/// A finding of a [`Applies::Set`] rule: which file it is about, and, where
/// the rule decides it, a severity other than the code's.
#[derive(Debug)]
pub(crate) struct Hit {
    pub(crate) file: Role,
    pub(crate) message: String,
    pub(crate) severity: Option<Severity>,
}

impl Hit {
    pub(crate) fn new(file: Role, message: impl Into<String>) -> Self {
        Self {
            file,
            message: message.into(),
            severity: None,
        }
    }

    pub(crate) fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// Applies one rule to the set, giving each finding to `found`.
pub(crate) fn apply(rule: &Rule, set: &Set<'_>, cx: &Context<'_>, found: &mut dyn FnMut(Hit)) {
    let mut ca_files = vec![(Role::CaCertificate, set.server_certs)];
    // Files two roles share are judged once (kolla: the server CA file is
    // ca_certificate and server_ca; legacy: the client CA too).
    for (role, certs) in [
        (Role::ServerCa, set.server_ca),
        (Role::ClientCa, set.client_ca_certs),
    ] {
        if cx.files.first_reader(role) == role {
            ca_files.push((role, certs));
        }
    }
    let ca_files = ca_files
        .into_iter()
        .filter_map(|(file, certs)| Some((file, certs?)));
    let mut each = |file: Role, message: Option<String>| {
        if let Some(message) = message {
            found(Hit::new(file, message));
        }
    };
    match rule.applies {
        Applies::Certificate(f) => {
            let bundle = set.client.map(|certs| (Role::ClientCert, certs));
            for (file, certs) in ca_files.chain(bundle) {
                for cert in certs {
                    each(file, f(cert, cx));
                }
            }
        }
        Applies::CaCertificate(f) => {
            for (file, certs) in ca_files {
                for cert in certs {
                    each(file, f(cert));
                }
            }
        }
        Applies::CaFile(f) => {
            for (file, certs) in ca_files {
                // Octavia reads only the first certificate of a
                // ca_certificate file of its own; the chain is server_ca's.
                if file == Role::CaCertificate
                    && cx.files.first_reader(Role::ServerCa) == Role::ServerCa
                {
                    continue;
                }
                if let Some(hit) = f(certs, file, cx) {
                    found(hit);
                }
            }
        }
        Applies::ClientCertificate(f) => {
            if let Some(client) = set.client.and_then(<[_]>::first) {
                each(Role::ClientCert, f(client));
            }
        }
        Applies::Set(f) => {
            if let Some(hit) = f(set, cx) {
                found(hit);
            }
        }
        Applies::TrustFiles(f) => f(set, cx).into_iter().for_each(found),
        Applies::Rehearsal => {}
    }
}

/// The committed fixtures of `testdata/check/`, loaded for the rules' unit
/// tests, and checked at the moment their script recorded.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::PathBuf;

    use time::format_description::well_known::Rfc3339;

    use super::*;
    use crate::deployers::Layout;
    use crate::release::RELEASES;

    const KOLLA: crate::deployers::DeployedFiles = Layout::Kolla.files();
    pub(crate) const SERVER_CA: &str = KOLLA.of(Role::CaCertificate);
    pub(crate) const SERVER_CA_KEY: &str = KOLLA.of(Role::CaPrivateKey);
    pub(crate) const CLIENT_CA: &str = KOLLA.of(Role::ClientCa);
    pub(crate) const BUNDLE: &str = KOLLA.of(Role::ClientCert);

    fn dir(case: &str) -> PathBuf {
        crate::test_support::testdata("check").join(case)
    }

    /// A fixture's files, read plainly (the loading pass's findings are not
    /// the rules' business).
    pub(crate) struct Loaded {
        pub(crate) sources: Sources,
        pub(crate) server_certs: Option<Vec<Certificate>>,
        pub(crate) server_key: Option<PrivateKey>,
        pub(crate) client_ca_certs: Option<Vec<Certificate>>,
        pub(crate) client: Option<Vec<Certificate>>,
    }

    impl Loaded {
        pub(crate) fn view(&self) -> Set<'_> {
            Set {
                server_certs: self.server_certs.as_deref(),
                server_ca: self.server_certs.as_deref(),
                server_key: self.server_key.as_ref(),
                client_ca_certs: self.client_ca_certs.as_deref(),
                client: self.client.as_deref(),
            }
        }
    }

    pub(crate) fn load(case: &str) -> Loaded {
        let dir = dir(case);
        let sources = Sources::in_dir(&dir, None).unwrap();
        let read = |role| std::fs::read(sources.path(role)).ok();
        let certs = |role| read(role).and_then(|b| Certificate::all_from_file_bytes(&b).ok());
        let passphrase = crate::passwords::server_ca_passphrase(
            None,
            Some(&crate::passwords::KollaPasswords::load(
                &dir.join("passwords.yml"),
                None,
            )),
        )
        .unwrap();
        Loaded {
            server_certs: certs(Role::CaCertificate),
            server_key: read(Role::CaPrivateKey)
                .and_then(|b| PrivateKey::from_file_bytes(&b, passphrase.as_ref()).ok()),
            client_ca_certs: certs(Role::ClientCa),
            client: certs(Role::ClientCert),
            sources,
        }
    }

    /// The context of the fixture run: its CHECKED_AT, every release.
    pub(crate) fn context(files: &Sources) -> Context<'_> {
        let at = std::fs::read_to_string(dir("CHECKED_AT")).unwrap();
        let every: &'static [&'static OctaviaRelease] =
            Box::leak(RELEASES.iter().collect::<Vec<_>>().into_boxed_slice());
        Context {
            now: OffsetDateTime::parse(at.trim(), &Rfc3339).unwrap(),
            warn_days: crate::check::DEFAULT_WARN_DAYS,
            targeted: every,
            strict: false,
            files,
            cert_manager: &[],
            history: None,
        }
    }

    /// What `rule` reports on a loaded fixture, as `file: message`.
    pub(crate) fn hits(rule: &Rule, loaded: &Loaded) -> Vec<String> {
        let cx = context(&loaded.sources);
        let mut out = Vec::new();
        apply(rule, &loaded.view(), &cx, &mut |hit| {
            out.push(format!(
                "{}: {}",
                loaded.sources.name(hit.file),
                hit.message
            ))
        });
        out
    }

    /// The rule reports exactly one finding on the case, about `file`, saying `needle`.
    #[track_caller]
    pub(crate) fn assert_fires(rule: &Rule, case: &str, file: &str, needle: &str) {
        let found = hits(rule, &load(case));
        assert!(
            found.len() == 1
                && found[0].starts_with(&format!("{file}: "))
                && found[0].contains(needle),
            "{} on {case}: {found:?}, expected one about {file} saying {needle:?}",
            rule.code
        );
    }

    /// The rule reports nothing on the case.
    #[track_caller]
    pub(crate) fn assert_quiet(rule: &Rule, case: &str) {
        let found = hits(rule, &load(case));
        assert!(found.is_empty(), "{} on {case}: {found:?}", rule.code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_holds_each_rule_once_in_the_order_of_its_codes_and_every_code_is_a_rule_or_loaded()
     {
        let rules: Vec<Code> = ALL.iter().map(|r| r.code).collect();
        let loading = [crate::codes::check::LOADING, crate::codes::check::CONF].concat();
        let loading = loading.as_slice();
        for code in crate::codes::check::ALL {
            let n = rules.iter().chain(loading).filter(|c| *c == code).count();
            assert_eq!(n, 1, "{code} is registered {n} times");
        }
        assert_eq!(
            rules.len() + loading.len(),
            crate::codes::check::ALL.len(),
            "a rule or loader code is missing from codes::check::ALL"
        );
        assert_eq!(
            rules,
            crate::codes::check::RULES,
            "each rule names its own code, in the catalogue's order"
        );
        for code in crate::codes::all() {
            let info = code.info();
            assert!(
                !info.title.is_empty() && !info.fix.is_empty() && !info.explanation.is_empty(),
                "{code} is not explained"
            );
            // Strictness is declared, not read off the id (the checker's
            // strict-* codes are Python 3.13's rules).
            if info.namespace == "check" {
                assert_eq!(info.strict, info.id.starts_with("strict-"), "{code}");
            }
        }
    }
}
