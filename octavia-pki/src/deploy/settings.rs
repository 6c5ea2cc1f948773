//! Kolla's `globals.yml`, read as kolla-ansible reads it: YAML, where Ansible's
//! `| bool` turns `yes`, `"yes"`, `true` and `on` into true, and values holding
//! Jinja (`{{ ... }}`) are only known once Ansible renders them.

use std::collections::HashMap;
use std::path::Path;

use crate::yaml::Yaml;

use super::DeployError;

/// A setting's value, as far as it can be known without running Ansible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// The key is not in the file (kolla's default applies).
    Absent,
    /// The key is there with no value (`key:`), or an empty string.
    Empty,
    /// A Jinja expression, rendered only by Ansible.
    Template(&'a str),
    /// Any other value.
    Plain(&'a Yaml),
}

/// What a value is, for messages ("a list", "the text \"maybe\"").
pub(super) fn describe(value: &Yaml) -> String {
    match value {
        Yaml::String(s) => format!("the text \"{s}\""),
        Yaml::Integer(i) => format!("the number {i}"),
        Yaml::Real(r) => format!("the number {r}"),
        Yaml::Boolean(b) => format!("the boolean {b}"),
        Yaml::Array(_) => "a list".to_owned(),
        Yaml::Hash(_) => "a mapping".to_owned(),
        _ => "no value".to_owned(),
    }
}

/// Whether a YAML value holds Jinja that Ansible renders.
fn is_template(value: &Yaml) -> Option<&str> {
    match value {
        Yaml::String(s) if s.contains("{{") || s.contains("{%") => Some(s),
        _ => None,
    }
}

/// Ansible's `| bool` on a YAML value: `None` when it is not a boolean.
pub(super) fn as_bool(value: &Yaml) -> Option<bool> {
    match value {
        Yaml::Boolean(b) => Some(*b),
        Yaml::Integer(1) => Some(true),
        Yaml::Integer(0) => Some(false),
        Yaml::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" | "y" | "1" => Some(true),
            "no" | "false" | "off" | "n" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A parsed settings file (`globals.yml`), with the line of each top-level key.
#[derive(Debug)]
pub struct Settings {
    doc: Yaml,
    lines: HashMap<String, usize>,
    duplicates: Vec<crate::yaml::Duplicate>,
}

impl Settings {
    /// Reads and parses `path` (`vault`: its ansible-vault password).
    /// Malformed YAML is an error with its line.
    pub fn load(
        path: &Path,
        vault: Option<&crate::secret::Passphrase>,
    ) -> Result<Self, DeployError> {
        let bytes = crate::fsio::read_file(path, vault).map_err(crate::error::Error::from)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| DeployError::Yaml {
            path: path.to_owned(),
            line: None,
            message: "not UTF-8 text".to_owned(),
        })?;
        Self::parse(path, text)
    }

    /// Parses `text`, read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, DeployError> {
        // Loaded as Ansible loads it (YAML 1.1 types, the last of duplicate
        // keys), with bounded alias expansion.
        let loaded = crate::yaml::load(text.as_bytes()).map_err(|e| DeployError::Yaml {
            path: path.to_owned(),
            line: match e {
                crate::yaml::YamlError::Syntax { line, .. }
                | crate::yaml::YamlError::TooLarge { line, .. }
                | crate::yaml::YamlError::Refused { line, .. } => Some(line),
                _ => None,
            },
            message: e.to_string(),
        })?;
        let doc = loaded.doc;
        // An empty document (comments only) has no settings yet; anything
        // other than a mapping is not a settings file.
        let doc = match doc {
            Yaml::Null => Yaml::Hash(Default::default()),
            Yaml::Hash(_) => doc,
            other => {
                return Err(DeployError::Yaml {
                    path: path.to_owned(),
                    line: None,
                    message: format!(
                        "the document is {}, not a mapping of settings",
                        describe(&other)
                    ),
                });
            }
        };
        Ok(Self {
            doc,
            lines: loaded.key_lines,
            duplicates: loaded.duplicates,
        })
    }

    /// The keys given more than once (Ansible warns and takes the last).
    pub fn duplicates(&self) -> &[crate::yaml::Duplicate] {
        &self.duplicates
    }

    /// The 1-based line of a top-level key, if present.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied()
    }

    /// The YAML value of a top-level key, as parsed (`BadValue` when absent).
    fn raw(&self, key: &str) -> &Yaml {
        &self.doc[key]
    }

    /// The value of a top-level key.
    pub fn get(&self, key: &str) -> Value<'_> {
        match self.raw(key) {
            Yaml::BadValue => Value::Absent,
            Yaml::Null => Value::Empty,
            Yaml::String(s) if s.trim().is_empty() => Value::Empty,
            v => is_template(v).map_or(Value::Plain(v), Value::Template),
        }
    }

    /// A boolean setting as Ansible's `| bool` reads it: `default` when
    /// absent, false when empty or not a boolean, `None` for a template,
    /// which only Ansible can evaluate.
    pub fn flag(&self, key: &str, default: bool) -> Option<bool> {
        match self.get(key) {
            Value::Absent => Some(default),
            Value::Empty => Some(false),
            Value::Template(_) => None,
            Value::Plain(v) => Some(as_bool(v).unwrap_or(false)),
        }
    }

    /// A plain text value (strings and numbers), when the key holds one.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key) {
            Value::Plain(v) => scalar_text(v),
            _ => None,
        }
    }

    /// The value of port setting `name` when it is a number; kolla's
    /// default when it is absent and kolla has one.
    pub fn port(&self, name: &str) -> Option<u16> {
        match self.get(name) {
            Value::Plain(v) => scalar_text(v)?.trim().parse().ok(),
            Value::Absent => KOLLA_PORTS
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.default),
            _ => None,
        }
    }

    /// The port `setting` to audit and plan with: its value when it is a
    /// number, else kolla's default (also for a template only Ansible can
    /// render).
    pub fn port_or_default(&self, setting: &PortSetting) -> u16 {
        self.port(setting.name).unwrap_or(setting.default)
    }

    /// Resolves a port in a security-group rule: a number, a numeric
    /// string, or a bare reference `{{ name }}` to a port setting (kolla
    /// writes `"{{ octavia_amp_listen_port }}"`).
    pub fn resolve_port(&self, value: &Yaml) -> Option<u16> {
        let text = scalar_text(value)?;
        if let Ok(port) = text.trim().parse() {
            return Some(port);
        }
        let name = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        self.port(name)
    }
}

/// A kolla-ansible port setting and its default.
pub struct PortSetting {
    /// The key in globals.yml.
    pub name: &'static str,
    /// kolla-ansible's value when the key is not set.
    pub default: u16,
}

/// The amphora agent's port, which the controllers reach over TLS.
pub(super) const AMP_LISTEN_PORT: PortSetting = PortSetting {
    name: "octavia_amp_listen_port",
    default: 9443,
};

/// The health manager's port, which amphorae send UDP heartbeats to.
pub(super) const HEALTH_MANAGER_PORT: PortSetting = PortSetting {
    name: "octavia_health_manager_port",
    default: 5555,
};

/// kolla-ansible's port settings that its security-group rules refer to.
pub(super) const KOLLA_PORTS: &[PortSetting] = &[AMP_LISTEN_PORT, HEALTH_MANAGER_PORT];

/// Strings and numbers as text; `None` for anything else.
pub(super) fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Settings {
        Settings::parse(Path::new("globals.yml"), text).unwrap()
    }

    #[test]
    fn booleans_as_ansible_reads_them() {
        let s = parse("a: yes\nb: \"yes\"\nc: true\nd: 'no'\ne: False\nf: maybe\ng: 1\n");
        let b = |k| match s.get(k) {
            Value::Plain(v) => as_bool(v),
            _ => None,
        };
        assert_eq!(
            ["a", "b", "c", "d", "e", "f", "g"].map(b),
            [
                Some(true),
                Some(true),
                Some(true),
                Some(false),
                Some(false),
                None,
                Some(true)
            ]
        );
    }

    #[test]
    fn templates_empties_and_lines() {
        let s = parse(
            "---\n# comment\nenable_octavia: \"{{ enable_neutron | bool }}\"\nnested:\n  x: 1\n  y: [1, 2]\nempty:\nafter: ''\n",
        );
        assert_eq!(
            s.get("enable_octavia"),
            Value::Template("{{ enable_neutron | bool }}")
        );
        assert_eq!(s.get("empty"), Value::Empty);
        assert_eq!(s.get("after"), Value::Empty);
        assert_eq!(s.get("missing"), Value::Absent);
        assert_eq!(s.line("enable_octavia"), Some(3));
        assert_eq!(s.line("nested"), Some(4));
        assert_eq!(s.line("empty"), Some(7));
        assert_eq!(s.line("after"), Some(8));
        assert_eq!(s.line("x"), None);
    }

    #[test]
    fn ports_resolve_references_and_defaults() {
        let s = parse("octavia_amp_listen_port: 9444\nother: \"{{ a.b }}\"\n");
        let port = |text: &str| s.resolve_port(&Yaml::String(text.into()));
        assert_eq!(port("{{ octavia_amp_listen_port }}"), Some(9444));
        assert_eq!(port("{{octavia_health_manager_port}}"), Some(5555));
        assert_eq!(port("22"), Some(22));
        assert_eq!(port("{{ a.b }}"), None);
        assert_eq!(port("{{ unknown_port }}"), None);
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let err = Settings::parse(Path::new("g.yml"), "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("g.yml: not valid YAML at line "), "{text}");
        let err = Settings::parse(Path::new("g.yml"), "- a\n- b\n").unwrap_err();
        assert!(err.to_string().contains("a list, not a mapping"), "{err}");
    }
}
