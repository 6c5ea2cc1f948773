//! The one oslo.config reader, for octavia.conf wherever it is read
//! ([`crate::octavia_conf`], `node check`), and its one writer of values
//! ([`write_value`], for the guide layout's drop-in). Rule for rule,
//! oslo.config 10.7.0 (`iniparser.BaseParser`, `cfg.ConfigParser`,
//! `ConfigOpts._substitute`), which every Octavia release here runs:
//!
//! - The file is UTF-8; lines end at `\n`, `\r\n` or a lone `\r` (Python's
//!   universal newlines). Each line loses its trailing white space, where
//!   white space is Python's (`str.isspace`: Unicode's, and U+001C..U+001F).
//! - A blank line ends a value. A line that starts with a space or a tab
//!   continues the value before it, whatever it holds (`  # note` included):
//!   the value gains `\n` and the line without its leading white space. Such
//!   a line with no value open is an error.
//! - `[name]` starts a section: `name` exactly as written between the
//!   brackets, spaces included. Lookups lower-case it, except `DEFAULT`
//!   (so `[Certificates]` is `[certificates]`, `[ certificates ]` is not, and
//!   `[default]` is not `[DEFAULT]`). A section may be repeated: it goes on.
//! - `#` or `;` in the first column starts a comment; anywhere else it is
//!   text.
//! - Any other line is `key = value` or `key: value`, split at the first `=`
//!   or `:`; the key and the value are stripped, then one pair of identical
//!   surrounding quotes is dropped from the value (on its first line only).
//!   The last of repeated keys wins; an assignment before any section is an
//!   error, reported at the line that ends the assignment, as oslo.config does.
//! - Values then go through `$` substitution ([`substitute`]).
//!
//! Hand-written because rust-ini knows none of this and reports no line
//! numbers. `octavia-pki-cli/tests/suite/octavia_conf.rs` proves it against
//! oslo.config itself on random files.

use std::borrow::Cow;
use std::fmt;

use zeroize::Zeroizing;

/// One `key = value`, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The value, continuation lines joined with `\n`, quotes stripped.
    pub(crate) value: String,
    /// Its first line (1-based).
    pub(crate) line: usize,
}

/// A parsed file: sections in order (by their looked-up name, repeats
/// kept), each with its keys in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ini {
    sections: Vec<(String, Vec<(String, Entry)>)>,
}

/// Why a file is not oslo.config INI: oslo.config's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    /// The line (1-based) oslo.config names.
    pub(crate) line: usize,
    /// What is wrong with it.
    pub(crate) why: &'static str,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// An assignment being read: its key, the value of each of its lines, the
/// line it starts on.
type Open = (String, Vec<String>, usize);

impl Ini {
    /// Parses `text`, as `iniparser.BaseParser.parse` does.
    pub(crate) fn parse(text: &str) -> Result<Self, IniError> {
        let mut ini = Ini::default();
        let mut open: Option<Open> = None;
        let mut number = 0;
        for raw in lines(text) {
            number += 1;
            let err = |why| IniError { line: number, why };
            let line = raw.trim_end_matches(is_space);
            if line.is_empty() {
                ini.assign(open.take(), number)?;
                continue;
            }
            if line.starts_with([' ', '\t']) {
                let (_, values, _) = open
                    .as_mut()
                    .ok_or_else(|| err("Unexpected continuation line"))?;
                values.push(line.trim_start_matches(is_space).to_owned());
                continue;
            }
            ini.assign(open.take(), number)?;
            if line.starts_with('[') {
                let name = line
                    .strip_suffix(']')
                    .ok_or_else(|| err("Invalid section (must end with ])"))?;
                // `[` and `]` are one byte each: `[]` is the only empty name.
                let name = name.get(1..).filter(|n| !n.is_empty());
                let name = name.ok_or_else(|| err("Empty section name"))?;
                ini.sections
                    .push((normalize_group(name).into_owned(), Vec::new()));
            } else if !line.starts_with(['#', ';']) {
                let split = line
                    .find(['=', ':'])
                    .ok_or_else(|| err("No ':' or '=' found in assignment"))?;
                let key = line[..split].trim_matches(is_space);
                if key.is_empty() {
                    return Err(err("Key cannot be empty"));
                }
                let value = oslo_value(&line[split + 1..]).value;
                open = Some((key.to_owned(), vec![value], number));
            }
        }
        ini.assign(open, number)?;
        Ok(ini)
    }

    /// Ends the assignment `open` (if any) at line `number`: oslo.config
    /// refuses it there when no section has started.
    fn assign(&mut self, open: Option<Open>, number: usize) -> Result<(), IniError> {
        let Some((key, values, line)) = open else {
            return Ok(());
        };
        let (_, entries) = self.sections.last_mut().ok_or(IniError {
            line: number,
            why: "Section must be started before assignment",
        })?;
        let value = values.join("\n");
        entries.push((key, Entry { value, line }));
        Ok(())
    }

    /// The value of `key` in the option group `group` (the last, where
    /// repeated; every section whose name the group's matches counts, in
    /// file order).
    pub(crate) fn get(&self, group: &str, key: &str) -> Option<&Entry> {
        let group = normalize_group(group);
        self.sections
            .iter()
            .filter(|(name, _)| *name == group)
            .flat_map(|(_, entries)| entries)
            .filter(|(k, _)| k == key)
            .map(|(_, e)| e)
            .next_back()
    }
}

/// The name oslo.config looks a section up by (`_normalize_group_name`):
/// lower-cased, except `DEFAULT`.
fn normalize_group(name: &str) -> Cow<'_, str> {
    if name == "DEFAULT" {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.to_lowercase())
    }
}

/// Python's `str.isspace`, which `strip` and its kin use: Unicode's White
/// Space, and the four separators U+001C..U+001F.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The lines of `text` as Python's text files give them (universal
/// newlines: `\n`, `\r\n` and a lone `\r` end a line), without their ends.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match rest.find(['\r', '\n']) {
            None => (rest, ""),
            Some(end) if rest[end..].starts_with("\r\n") => (&rest[..end], &rest[end + 2..]),
            Some(end) => (&rest[..end], &rest[end + 1..]),
        };
        rest = next;
        Some(line)
    })
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
    let stripped = text.trim_matches(is_space);
    let unquoted = unquote(stripped);
    OsloValue {
        value: unquoted.unwrap_or(stripped).to_owned(),
        trimmed: stripped.len() != text.len(),
        unquoted: unquoted.is_some(),
    }
}

/// oslo.config's `IntOpt` (`types.Integer`) of a value as read: stripped,
/// nothing is `None` (the option is then None, and what uses it fails), else
/// Python's `int()` of it: an optional sign, then decimal digits with single
/// underscores between them. `Err` says why Python raises (or, for digits
/// outside ASCII, which Python maps through its Unicode tables, why it is
/// not read here).
pub(crate) fn int_value(value: &str) -> Result<Option<i64>, String> {
    let text = value.trim_matches(is_space);
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || format!("invalid literal for int() with base 10: '{text}'");
    let (negative, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.chars().any(|c| !c.is_ascii() && c.is_numeric()) {
        return Err(format!(
            "'{text}' has digits outside ASCII, which Python reads and this tool does not"
        ));
    }
    let between_digits = digits
        .split('_')
        .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()));
    if !between_digits {
        return Err(invalid());
    }
    let magnitude: i64 = digits
        .replace('_', "")
        .parse()
        .map_err(|_| format!("'{text}' is beyond what a time span holds"))?;
    Ok(Some(if negative { -magnitude } else { magnitude }))
}

/// `text` without its first and last characters when they are the same
/// quote (`"` or `'`; a lone quote is both), as oslo.config drops them.
fn unquote(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) if first == last && (first == b'"' || first == b'\'') => {
            Some(text.get(1..text.len() - 1).unwrap_or(""))
        }
        _ => None,
    }
}

/// Whether `c` may start a name oslo.config substitutes: its
/// `Template.idpattern`, `[_a-z]`, matched case-insensitively in Unicode
/// mode, which also takes U+0130, U+0131, U+017F and U+212A (they fold to
/// `i`, `s` and `k`).
fn starts_name(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphabetic()
        || matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
}

/// Whether `c` may go on a name (`[\._a-z0-9]`, as [`starts_name`]).
fn continues_name(c: char) -> bool {
    starts_name(c) || c == '.' || c.is_ascii_digit()
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
    let name = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(starts_name) && chars.all(continues_name)
    };
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(more) = after.strip_prefix('$') {
            out.push('$');
            rest = more;
        } else if after.starts_with(starts_name) {
            let end = after
                .find(|c: char| !continues_name(c))
                .unwrap_or(after.len());
            out.push_str(&lookup(&after[..end])?);
            rest = &after[end..];
        } else if let Some((braced, more)) = after
            .strip_prefix('{')
            .and_then(|b| b.split_once('}'))
            .filter(|(braced, _)| name(braced))
        {
            out.push_str(&lookup(braced)?);
            rest = more;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Why a value cannot be written for oslo.config to read it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineBreak;

/// `value` as the text to write after `key = ` so that oslo.config reads
/// exactly `value` ([`Ini::parse`], then [`substitute`]): each `$` doubled
/// (one after a `\` written `\$`, which oslo.config reads as `$$`), and the
/// whole wrapped in `"` when oslo.config would otherwise strip something (white
/// space at either end, or a pair of surrounding quotes). A line break
/// (`\n`, `\r`) cannot be written: it ends the line, and what follows is
/// another line (a continuation line loses its leading white space).
pub(crate) fn write_value(value: &str) -> Result<Zeroizing<String>, LineBreak> {
    if value.contains(['\n', '\r']) {
        return Err(LineBreak);
    }
    // Room for every `$` doubled and the quotes: a secret is never
    // reallocated, which would leave a copy behind.
    let mut text = Zeroizing::new(String::with_capacity(2 * value.len() + 2));
    for c in value.chars() {
        match c {
            // After a `\`, `$$` would read `\$` + `$`: `\$` + `$` is `$$$`.
            '$' if text.ends_with('\\') => text.push_str(r"\$"),
            '$' => text.push_str("$$"),
            c => text.push(c),
        }
    }
    let stripped = text.trim_matches(is_space);
    if stripped.len() != text.len() || unquote(stripped).is_some() {
        text.insert(0, '"');
        text.push('"');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_int_option_reads_as_python_int_reads_it() {
        assert_eq!(int_value(" 1209600 "), Ok(Some(1_209_600)));
        assert_eq!(int_value("+3_600"), Ok(Some(3600)));
        assert_eq!(int_value("-5"), Ok(Some(-5)));
        assert_eq!(int_value("007"), Ok(Some(7)));
        assert_eq!(int_value("  "), Ok(None));
        for bad in ["14d", "1__0", "_1", "1_", "1.5", "0x10", "--1", "1 2"] {
            assert!(int_value(bad).is_err(), "{bad}");
        }
        assert!(
            int_value("\u{ff11}\u{ff14}")
                .unwrap_err()
                .contains("outside ASCII")
        );
    }
    use proptest::prelude::*;

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
        // Python's white space: Unicode's, and the information separators.
        assert_eq!(read("\u{a0}a\u{1c}\u{2028}"), ("a".into(), true, false));
    }

    #[test]
    fn reads_sections_continuations_quotes_and_the_last_repeat() {
        let ini = Ini::parse(
            "# kolla\n[DEFAULT]\ndebug = False\n\n[certificates]\nca_private_key_passphrase = \"abc\"\n\
             ca_certificate: /etc/octavia/certs/server_ca.cert.pem\n[haproxy_amphora]\nclient_cert = a\n  \"b\"\n\
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
        // A continuation line keeps its quotes.
        assert_eq!(
            ini.get("haproxy_amphora", "client_cert").unwrap().value,
            "a\n\"b\""
        );
        assert!(ini.get("haproxy_amphora", "server_ca").is_none());
    }

    #[test]
    fn section_names_are_looked_up_as_oslo_config_normalises_them() {
        let ini = Ini::parse(
            "[certificates]\nca_private_key_passphrase = right\n[Certificates]\nca_private_key_passphrase = wrong\n\
             [HAPROXY_AMPHORA]\nserver_ca = /other.pem\n[ controller_worker ]\nclient_ca = /spaced.pem\n\
             [default]\ndebug = lower\n[DEFAULT]\nhost = upper\n",
        )
        .unwrap();
        let value = |group, key| ini.get(group, key).map(|e| e.value.as_str());
        assert_eq!(
            value("certificates", "ca_private_key_passphrase"),
            Some("wrong")
        );
        assert_eq!(value("haproxy_amphora", "server_ca"), Some("/other.pem"));
        assert_eq!(value("controller_worker", "client_ca"), None);
        assert_eq!(
            value(" controller_worker ", "client_ca"),
            Some("/spaced.pem")
        );
        assert_eq!(value("DEFAULT", "debug"), None);
        assert_eq!(value("DEFAULT", "host"), Some("upper"));
    }

    #[test]
    fn an_indented_comment_after_a_value_continues_it() {
        let ini =
            Ini::parse("[certificates]\nca_private_key_passphrase = P\n  # a comment\n").unwrap();
        assert_eq!(
            ini.get("certificates", "ca_private_key_passphrase")
                .unwrap()
                .value,
            "P\n# a comment"
        );
        // A lone carriage return ends a line, as in Python's text files.
        let ini = Ini::parse("[certificates]\rca_certificate = a\r\n\tb\r").unwrap();
        assert_eq!(
            ini.get("certificates", "ca_certificate").unwrap().value,
            "a\nb"
        );
    }

    #[test]
    fn malformed_files_name_the_line_oslo_config_names() {
        for (text, line) in [
            ("key = value\n", 1),
            // Refused when the assignment ends: at the blank line, or the last.
            ("key = value\n\n\n", 2),
            ("key = value\n  more\n", 2),
            ("[DEFAULT]\njust words\n", 2),
            ("[DEFAULT\n", 1),
            ("[DEFAULT] # note\n", 1),
            ("[DEFAULT]\n  continued\n", 2),
            ("[DEFAULT]\n  # an indented comment\n", 2),
            ("[DEFAULT]\n= value\n", 2),
            ("[DEFAULT]\n\u{a0}: value\n", 2),
            ("[]\n", 1),
            ("\u{feff}[DEFAULT]\n", 1),
        ] {
            assert_eq!(Ini::parse(text).unwrap_err().line, line, "{text:?}");
        }
        assert!(Ini::parse("[ ]\n[[x]]\nk = v\n").is_ok());
    }

    #[test]
    fn references_are_substituted_as_string_template_does() {
        let mut known = |name: &str| (name == "a" || name == "g.b").then(|| format!("<{name}>"));
        assert_eq!(substitute("x/$a-y", &mut known).as_deref(), Some("x/<a>-y"));
        assert_eq!(
            substitute("${g.b}z $$ \\$a $ 1 ${a b} ${", &mut known).as_deref(),
            Some("<g.b>z $ $a $ 1 ${a b} ${")
        );
        // Greedy: `$a.pem` names `a.pem`, which is not known.
        assert_eq!(substitute("$a.pem", &mut known), None);
        assert_eq!(substitute("${unknown}", &mut known), None);
        // The Kelvin sign matches `[a-z]` case-insensitively: a name.
        assert_eq!(substitute("$\u{212a}", &mut known), None);
        assert_eq!(substitute("$é", &mut known).as_deref(), Some("$é"));
    }

    /// What oslo.config reads from `key = {text}`.
    fn read_back(text: &str) -> Option<String> {
        let ini = Ini::parse(&format!("[certificates]\nkey = {text}\n")).ok()?;
        substitute(&ini.get("certificates", "key")?.value, &mut |_| None)
    }

    #[test]
    fn written_values_read_back_exactly() {
        for value in [
            " lead",
            "trail\t",
            "\"quoted\"",
            "'",
            "\"",
            "''",
            "pa$$word",
            "a\\$b",
            "\\\\$",
            "$\\$",
            "${x}",
            "$x",
            "#not a comment",
            "; nor this",
            "\u{a0}",
            "\u{2028}x",
            "",
            "[x]",
            "k = v",
        ] {
            let written = write_value(value).unwrap();
            assert_eq!(read_back(&written).as_deref(), Some(value), "{written:?}");
        }
        assert_eq!(*write_value("plain").unwrap(), "plain");
        assert_eq!(*write_value(" lead").unwrap(), "\" lead\"");
        assert_eq!(write_value("a\nb"), Err(LineBreak));
        assert_eq!(write_value("a\rb"), Err(LineBreak));
    }

    proptest! {
        // A fixed seed: the same values on every run.
        #![proptest_config(ProptestConfig {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0510),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever one line can hold, the writer writes so that this reader
        /// (proved against oslo.config itself) reads it back.
        #[test]
        fn any_one_line_value_is_written_faithfully(
            value in "([ \t\"'$\\\\#;=:\\[\\]{}a-z\u{a0}\u{b}\u{c}\u{1c}\u{85}\u{2028}\u{feff}é]|\\$\\{[a-z_.]{1,5}\\}){0,12}"
        ) {
            let written = write_value(&value).unwrap();
            prop_assert_eq!(read_back(&written), Some(value));
        }
    }
}
