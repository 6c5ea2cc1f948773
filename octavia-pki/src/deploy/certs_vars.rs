//! kolla-ansible's `octavia_certs_*` variables (its `octavia-certificates`
//! role's `defaults/main.yml`): the subjects and validity of the set the role
//! makes, as `globals.yml` overrides them. `generate` takes them, so its set
//! is the one the role would make for that operator; `deploy check` reports
//! a value the role would fail on.

use super::settings::{Settings, Value};
use crate::generate::{
    MAX_DAYS, Subject, UB_COMMON_NAME, UB_ORGANIZATION_NAME, UB_ORGANIZATIONAL_UNIT_NAME,
    UB_STATE_NAME,
};

/// The subjects and validity kolla-ansible's role gives a set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KollaCertVars {
    /// The server CA's subject.
    pub server_ca: Subject,
    /// The client CA's subject.
    pub client_ca: Subject,
    /// The client certificate's subject.
    pub client: Subject,
    /// `octavia_certs_server_ca_expiry`, in days.
    pub server_ca_days: u32,
    /// `octavia_certs_client_ca_expiry`, in days.
    pub client_ca_days: u32,
    /// `octavia_certs_client_expiry`, in days.
    pub client_days: u32,
}

/// A variable whose value the role would fail on (its `openssl req` or
/// `openssl ca` refuses it), or that holds Jinja only Ansible renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedVar {
    /// The variable.
    pub key: String,
    /// Why, in a sentence.
    pub problem: String,
    /// Whether it holds Jinja (a value only Ansible knows), rather than a
    /// value the role fails on.
    pub templated: bool,
}

/// Each certificate's variables: the prefix of its subject's, its expiry
/// variable, and the role's defaults (common name, days).
const CERTIFICATES: [(&str, &str, &str, u32); 3] = [
    (
        "octavia_certs_server_ca",
        "octavia_certs_server_ca_expiry",
        "server-ca.example.org",
        3650,
    ),
    (
        "octavia_certs_client_ca",
        "octavia_certs_client_ca_expiry",
        "client-ca.example.org",
        3650,
    ),
    (
        "octavia_certs_client_req",
        "octavia_certs_client_expiry",
        "client.example.org",
        365,
    ),
];

/// The subject fields: the variable's suffix, the role's shared default
/// variable and value, and X.520's upper bound on its length (OpenSSL
/// refuses longer: "string too long").
const FIELDS: [(&str, &str, usize); 5] = [
    ("country", "US", 2),
    ("state", "Oregon", UB_STATE_NAME),
    ("organization", "OpenStack", UB_ORGANIZATION_NAME),
    (
        "organizational_unit",
        "Octavia",
        UB_ORGANIZATIONAL_UNIT_NAME,
    ),
    ("common_name", "", UB_COMMON_NAME),
];

impl KollaCertVars {
    /// The role's variables as `settings` (globals.yml) set them, with the
    /// role's defaults elsewhere; and every value the role would fail on.
    pub fn from_globals(settings: &Settings) -> (Self, Vec<RejectedVar>) {
        let mut rejected = Vec::new();
        let mut subjects = Vec::new();
        let mut days = Vec::new();
        for (prefix, expiry, default_cn, default_days) in CERTIFICATES {
            let mut values = Vec::new();
            for (field, default, max) in FIELDS {
                let key = format!("{prefix}_{field}");
                // The role's default for each field but the CN is the shared variable.
                let shared = format!("octavia_certs_{field}");
                let fallback = if field == "common_name" {
                    default_cn.to_owned()
                } else {
                    value(settings, &shared, default, &mut rejected)
                };
                // The value, and the variable that set it (to name in a rejection).
                let (value, source) = match settings.get(&key) {
                    Value::Absent => (fallback, shared),
                    // The role's own default for the field: the shared variable.
                    Value::Template(t) if t.replace(' ', "") == format!("{{{{{shared}}}}}") => {
                        (fallback, shared)
                    }
                    _ => (value(settings, &key, &fallback, &mut rejected), key),
                };
                if let Some(problem) = subject_problem(field, &value, max) {
                    rejected.push(RejectedVar {
                        key: source,
                        problem,
                        templated: false,
                    });
                }
                values.push(value);
            }
            subjects.push(Subject {
                country: values[0].clone(),
                state: values[1].clone(),
                locality: String::new(),
                organization: values[2].clone(),
                organizational_unit: values[3].clone(),
                common_name: values[4].clone(),
            });
            let text = value(settings, expiry, &default_days.to_string(), &mut rejected);
            days.push(match text.trim().parse::<u32>() {
                Ok(n) if (1..=MAX_DAYS).contains(&n) => n,
                _ => {
                    rejected.push(RejectedVar {
                        key: expiry.to_owned(),
                        problem: format!(
                            "\"{text}\" is not a number of days from 1 to {}: openssl's -days refuses it",
                            MAX_DAYS
                        ),
                        templated: false,
                    });
                    default_days
                }
            });
        }
        // A shared variable is read for each certificate: named once.
        let mut seen = Vec::new();
        rejected.retain(|r| {
            let new = !seen.contains(r);
            seen.push(r.clone());
            new
        });
        let [server_ca, client_ca, client] = <[Subject; 3]>::try_from(subjects).expect("three");
        let vars = Self {
            server_ca,
            client_ca,
            client,
            server_ca_days: days[0],
            client_ca_days: days[1],
            client_days: days[2],
        };
        (vars, rejected)
    }
}

/// The text of `key`, else `default`; Jinja, which only Ansible renders, is
/// rejected (and `default` taken).
fn value(settings: &Settings, key: &str, default: &str, rejected: &mut Vec<RejectedVar>) -> String {
    match settings.get(key) {
        Value::Absent => default.to_owned(),
        Value::Empty => String::new(),
        Value::Template(_) => {
            rejected.push(RejectedVar {
                key: key.to_owned(),
                problem: "holds Jinja, which only Ansible renders: give the value itself".into(),
                templated: true,
            });
            default.to_owned()
        }
        Value::Plain(_) => settings.text(key).unwrap_or_else(|| default.to_owned()),
    }
}

/// What the role's `openssl req -subj "/C=.../CN=..."` makes of `value`.
fn subject_problem(field: &str, value: &str, max: usize) -> Option<String> {
    if field == "country" && value.chars().count() != 2 {
        return Some(format!(
            "\"{value}\" is not a two-letter country code: openssl req fails (\"string too {}\")",
            if value.chars().count() > 2 {
                "long"
            } else {
                "short"
            }
        ));
    }
    if field == "common_name" && value.trim().is_empty() {
        return Some("is empty: the certificate would have no common name".into());
    }
    if value.chars().count() > max {
        return Some(format!(
            "is {} characters, more than the {max} X.520 allows: openssl req fails (\"string too long\")",
            value.chars().count()
        ));
    }
    if value.contains(['/', '"']) {
        return Some(format!(
            "\"{value}\" holds a / or a \": the role's -subj \"/C=.../CN=...\" splits or ends there"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> (KollaCertVars, Vec<RejectedVar>) {
        let settings = Settings::parse(std::path::Path::new("globals.yml"), text).unwrap();
        KollaCertVars::from_globals(&settings)
    }

    #[test]
    fn the_roles_defaults_and_overrides_as_it_resolves_them() {
        let (v, rejected) = vars("---\n");
        assert!(rejected.is_empty());
        assert_eq!(v.server_ca, Subject::kolla("server-ca.example.org"));
        assert_eq!(v.client, Subject::kolla("client.example.org"));
        assert_eq!(
            (v.server_ca_days, v.client_ca_days, v.client_days),
            (3650, 3650, 365)
        );
        let (v, rejected) = vars(
            "octavia_certs_country: DE\noctavia_certs_client_ca_organization: Example\n\
             octavia_certs_client_req_common_name: ctl.example.net\noctavia_certs_client_expiry: 90\n\
             octavia_certs_server_ca_state: \"{{ octavia_certs_state }}\"\n",
        );
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(v.server_ca.country, "DE");
        assert_eq!(v.server_ca.state, "Oregon");
        assert_eq!(v.client_ca.organization, "Example");
        assert_eq!(v.server_ca.organization, "OpenStack");
        assert_eq!(v.client.common_name, "ctl.example.net");
        assert_eq!(v.client_days, 90);
    }

    #[test]
    fn values_the_role_fails_on_are_named() {
        let (_, rejected) = vars(
            "octavia_certs_country: USA\noctavia_certs_server_ca_expiry: ten\n\
             octavia_certs_client_ca_common_name: \"a/b\"\noctavia_certs_state: \"{{ region }}\"\n",
        );
        let keys: Vec<&str> = rejected.iter().map(|r| r.key.as_str()).collect();
        for key in [
            "octavia_certs_country",
            "octavia_certs_server_ca_expiry",
            "octavia_certs_client_ca_common_name",
            "octavia_certs_state",
        ] {
            assert_eq!(
                keys.iter().filter(|k| **k == key).count(),
                1,
                "{key}: {rejected:?}"
            );
        }
    }
}
