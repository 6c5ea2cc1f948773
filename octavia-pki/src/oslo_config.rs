//! The one oslo.config reader (`oslo_config/iniparser.py`), for octavia.conf
//! wherever it is read ([`crate::octavia_conf`], `node check`):
//! `[section]`, `key = value` or `key: value`, `#` and `;` comments, a line
//! that starts with white space continues the previous value, surrounding
//! quotes are stripped, and the last of repeated keys wins. Hand-written
//! because rust-ini knows no continuation lines and reports no line numbers.

use std::fmt;

/// One `key = value`, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The value, continuation lines joined with `\n`, quotes stripped.
    pub(crate) value: String,
    /// Its first line (1-based).
    pub(crate) line: usize,
}

/// A parsed file: sections in order, each with its keys in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ini {
    sections: Vec<(String, Vec<(String, Entry)>)>,
}

/// Why a file is not oslo.config INI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    /// The line (1-based).
    pub(crate) line: usize,
    /// What is wrong with it.
    pub(crate) why: &'static str,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

impl Ini {
    /// Parses `text`.
    pub(crate) fn parse(text: &str) -> Result<Self, IniError> {
        let mut ini = Ini::default();
        // The key and value being read, for continuation lines.
        let mut open = false;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |why| IniError { line, why };
            if raw.trim().is_empty() {
                open = false;
                continue;
            }
            if raw.starts_with([' ', '\t']) {
                if raw.trim_start().starts_with(['#', ';']) {
                    continue;
                }
                if !open {
                    return Err(err("a continuation line without a value before it"));
                }
                let entry = &mut ini.last_entry();
                entry.value.push('\n');
                entry.value.push_str(&unquote(raw.trim()));
                continue;
            }
            open = false;
            if raw.starts_with(['#', ';']) {
                continue;
            }
            if let Some(rest) = raw.strip_prefix('[') {
                let name = rest
                    .trim_end()
                    .strip_suffix(']')
                    .ok_or_else(|| err("a section header without its closing ]"))?;
                if name.trim().is_empty() {
                    return Err(err("an empty section name"));
                }
                ini.sections.push((name.trim().to_owned(), Vec::new()));
                continue;
            }
            let split = raw
                .find(['=', ':'])
                .ok_or_else(|| err("neither a section, a key = value, nor a comment"))?;
            let key = raw[..split].trim();
            if key.is_empty() {
                return Err(err("a value without a key"));
            }
            let Some((_, entries)) = ini.sections.last_mut() else {
                return Err(err("a key before the first [section]"));
            };
            entries.push((
                key.to_owned(),
                Entry {
                    value: unquote(raw[split + 1..].trim()),
                    line,
                },
            ));
            open = true;
        }
        Ok(ini)
    }

    fn last_entry(&mut self) -> &mut Entry {
        // Only called while a value is open, so both exist.
        &mut self
            .sections
            .last_mut()
            .and_then(|(_, entries)| entries.last_mut())
            .expect("an open value")
            .1
    }

    /// The value of `key` in `section` (the last, where repeated; a section
    /// may also be repeated).
    pub(crate) fn get(&self, section: &str, key: &str) -> Option<&Entry> {
        self.sections
            .iter()
            .filter(|(name, _)| name == section)
            .flat_map(|(_, entries)| entries)
            .filter(|(k, _)| k == key)
            .map(|(_, e)| e)
            .next_back()
    }
}

fn unquote(value: &str) -> String {
    oslo_value(value).value
}

/// A value as oslo.config reads the text after `=`, and what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OsloValue {
    /// The value.
    pub(crate) value: String,
    /// Surrounding white space was stripped.
    pub(crate) trimmed: bool,
    /// A pair of surrounding quotes was stripped.
    pub(crate) unquoted: bool,
}

/// oslo.config's `BaseParser._split_key_value`: `value.strip()`, then, when
/// the first and last characters are the same quote, both dropped (a lone
/// quote reads as nothing). The one place this rule is written.
pub(crate) fn oslo_value(text: &str) -> OsloValue {
    let stripped = text.trim();
    let trimmed = stripped.len() != text.len();
    let bytes = stripped.as_bytes();
    let unquoted = matches!(
        (bytes.first(), bytes.last()),
        (Some(&first), Some(&last)) if first == last && (first == b'"' || first == b'\'')
    );
    let value = if !unquoted {
        stripped.to_owned()
    } else if stripped.len() == 1 {
        String::new()
    } else {
        stripped[1..stripped.len() - 1].to_owned()
    };
    OsloValue {
        value,
        trimmed,
        unquoted,
    }
}

/// Whether oslo.config would substitute something in `value` (`$name` or
/// `${name}`; `$$` and `\$` are a literal `$`: `ConfigOpts._substitute`).
pub(crate) fn has_reference(value: &str) -> bool {
    value.replace(r"\$", "").replace("$$", "").contains('$')
}

/// oslo.config's substitution (`ConfigOpts._substitute`: `\$` made `$$`,
/// then `string.Template.safe_substitute` with the identifier
/// `[_a-z][._a-z0-9]*`, case-insensitive, matched greedily): `$$` is a `$`,
/// each `$name` and `${name}` is `lookup(name)`, and a `$` before anything
/// else stays. `None` when `lookup` cannot give a name's value (then what
/// Octavia reads is not known here).
pub(crate) fn substitute(
    value: &str,
    lookup: &mut dyn FnMut(&str) -> Option<String>,
) -> Option<String> {
    let text = value.replace(r"\$", "$$");
    let is_start = |c: char| c == '_' || c.is_ascii_alphabetic();
    let is_part = |c: char| c == '_' || c == '.' || c.is_ascii_alphanumeric();
    let identifier = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(is_start) && chars.all(is_part)
    };
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(more) = after.strip_prefix('$') {
            out.push('$');
            rest = more;
        } else if let Some(braced) = after
            .strip_prefix('{')
            .and_then(|b| b.split_once('}'))
            .filter(|(name, _)| identifier(name))
        {
            out.push_str(&lookup(braced.0)?);
            rest = braced.1;
        } else if after.starts_with(is_start) {
            let end = after.find(|c: char| !is_part(c)).unwrap_or(after.len());
            out.push_str(&lookup(&after[..end])?);
            rest = &after[end..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// `value` as oslo.config gives it when it holds no reference: `\$` and
/// `$$` read as `$` (`\$` is first made `$$`, then string.Template reads
/// `$$` as `$`).
pub(crate) fn unescape(value: &str) -> String {
    value.replace(r"\$", "$$").replace("$$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_stripped_as_oslo_config_strips_them() {
        let read = |t: &str| {
            let v = oslo_value(t);
            (v.value, v.trimmed, v.unquoted)
        };
        assert_eq!(read(" abc "), ("abc".into(), true, false));
        assert_eq!(read("\"abc\""), ("abc".into(), false, true));
        assert_eq!(read("'a\""), ("'a\"".into(), false, false));
        assert_eq!(read("\""), (String::new(), false, true));
        assert_eq!(read(""), (String::new(), false, false));
    }

    #[test]
    fn reads_sections_continuations_quotes_and_the_last_repeat() {
        let ini = Ini::parse(
            "# kolla\n[DEFAULT]\ndebug = False\n\n[certificates]\nca_private_key_passphrase = \"abc\"\n\
             ca_certificate: /etc/octavia/certs/server_ca.cert.pem\n[haproxy_amphora]\nclient_cert = a\n  b\n\
             ; note\n[certificates]\nca_private_key_passphrase = second\n",
        )
        .unwrap();
        assert_eq!(ini.get("DEFAULT", "debug").unwrap().value, "False");
        let pass = ini
            .get("certificates", "ca_private_key_passphrase")
            .unwrap();
        assert_eq!((pass.value.as_str(), pass.line), ("second", 13));
        assert_eq!(
            ini.get("certificates", "ca_certificate").unwrap().value,
            "/etc/octavia/certs/server_ca.cert.pem"
        );
        assert_eq!(
            ini.get("haproxy_amphora", "client_cert").unwrap().value,
            "a\nb"
        );
        assert!(ini.get("haproxy_amphora", "server_ca").is_none());
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line) in [
            ("key = value\n", 1),
            ("[DEFAULT]\njust words\n", 2),
            ("[DEFAULT\n", 1),
            ("[DEFAULT]\n  continued\n", 2),
            ("[DEFAULT]\n= value\n", 2),
            ("[]\n", 1),
        ] {
            assert_eq!(Ini::parse(text).unwrap_err().line, line, "{text:?}");
        }
        assert!(has_reference("pa$word") && has_reference("${x}") && !has_reference("pa$$word"));
        assert!(!has_reference(r"pa\$word"));
        assert_eq!(unescape("pa$$word"), "pa$word");
        assert_eq!(unescape(r"pa\$word"), "pa$word");
        let mut known = |name: &str| (name == "a" || name == "g.b").then(|| format!("<{name}>"));
        assert_eq!(substitute("x/$a-y", &mut known).as_deref(), Some("x/<a>-y"));
        assert_eq!(
            substitute("${g.b}z $$ \\$a $ 1", &mut known).as_deref(),
            Some("<g.b>z $ $a $ 1")
        );
        // Greedy: `$a.pem` names `a.pem`, which is not known.
        assert_eq!(substitute("$a.pem", &mut known), None);
        assert_eq!(substitute("${unknown}", &mut known), None);
    }
}
