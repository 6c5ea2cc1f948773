//! YAML as Ansible reads it, for every YAML file this crate reads
//! (`passwords.yml`, `globals.yml`).
//!
//! - **YAML 1.1 types.** Ansible loads with PyYAML's resolver, where a plain
//!   `yes`, `on` or `true` is a boolean, `1_000` and `0x1F` are integers,
//!   `017` is octal and `1:20` is sexagesimal: [`resolve`] types a plain
//!   scalar as it does and says how Jinja renders it back into a template
//!   (Python's `str`), which is what kolla writes into octavia.conf.
//! - **Duplicate keys.** Ansible warns and keeps the last value; so does this
//!   loader, and it lists them ([`Loaded::duplicates`]).
//! - **Bounded.** Aliases are expanded by copying, so a few hundred bytes of
//!   nested aliases can stand for gigabytes (the "billion laughs"): the
//!   expanded document is capped at [`MAX_NODES`] nodes and
//!   [`MAX_SCALAR_BYTES`] bytes of text, and nesting at [`MAX_DEPTH`], each
//!   an error that says so, before memory is spent.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::yaml::Hash;

pub use yaml_rust2::Yaml;

/// The most nodes an expanded document may have (a passwords.yml has a few
/// hundred; kolla's globals.yml a few thousand).
pub const MAX_NODES: usize = 100_000;
/// The most bytes of scalar text an expanded document may hold.
pub const MAX_SCALAR_BYTES: usize = 8 * 1024 * 1024;
/// The deepest nesting of collections.
pub const MAX_DEPTH: usize = 64;

/// Why a YAML file could not be loaded. Never shows a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum YamlError {
    /// The text is not valid YAML.
    #[error("not valid YAML at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The file is not UTF-8 text.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// Expanding its aliases, or its nesting, goes past a cap.
    #[error(
        "its aliases expand past {limit} {what} (at line {line}): refused, as a YAML \
         alias bomb would exhaust memory"
    )]
    TooLarge {
        /// What went past the cap (`nodes`, `bytes of text`, `levels of nesting`).
        what: &'static str,
        /// The cap.
        limit: usize,
        /// The line where it was reached.
        line: usize,
    },
}

/// A key given twice in one mapping: Ansible warns and keeps the last value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The key, as text.
    pub key: String,
    /// The 1-based line of its last occurrence.
    pub line: usize,
}

/// A plain, quoted or block scalar as written, before typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawScalar {
    /// Its text (quotes and escapes already undone).
    pub text: String,
    /// Whether it was plain (unquoted, not a block): only plain scalars are typed.
    pub plain: bool,
    /// Its explicit tag, if any (`!!str`, `!unsafe`, `!vault`...).
    pub tag: Option<String>,
    /// Its 1-based line.
    pub line: usize,
}

/// A loaded document.
#[derive(Debug)]
pub struct Loaded {
    /// The first document (`Null` when there is none).
    pub doc: Yaml,
    /// Keys given more than once, in any mapping.
    pub duplicates: Vec<Duplicate>,
    /// The top-level mapping's scalar values as written, by key: what a
    /// value's typing and rendering are read from ([`resolve`]).
    pub raw: HashMap<String, RawScalar>,
    /// The 1-based line of each top-level key (its last occurrence, whose
    /// value counts).
    pub key_lines: HashMap<String, usize>,
}

/// Loads the first document of `bytes` (UTF-8) as Ansible does.
pub fn load(bytes: &[u8]) -> Result<Loaded, YamlError> {
    let builder = build(bytes, false)?;
    Ok(Loaded {
        doc: builder.doc.unwrap_or(Yaml::Null),
        duplicates: builder.duplicates,
        raw: builder.raw,
        key_lines: builder.key_lines,
    })
}

/// Every document of `bytes` (a Kubernetes manifest: `---` between
/// objects), within the same bounds as [`load`], over all of them.
pub fn load_all(bytes: &[u8]) -> Result<Vec<Yaml>, YamlError> {
    Ok(build(bytes, true)?.docs)
}

/// The parse both loaders share: the first document, or every one.
fn build(bytes: &[u8], every_document: bool) -> Result<Builder, YamlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| YamlError::NotUtf8)?;
    let mut builder = Builder {
        every_document,
        ..Builder::default()
    };
    let parsed = Parser::new_from_str(text).load(&mut builder, every_document);
    if let Some(err) = builder.error.take() {
        return Err(err);
    }
    parsed.map_err(|e| YamlError::Syntax {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: e.info().to_owned(),
    })?;
    Ok(builder)
}

/// A scalar typed as Ansible's loader (PyYAML, YAML 1.1) types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    /// Text.
    Str,
    /// `yes`, `on`, `true`... and their opposites.
    Bool(bool),
    /// An integer in any of YAML 1.1's forms.
    Int,
    /// A float.
    Float,
    /// `~`, `null`, or nothing.
    Null,
    /// A date or a time stamp.
    Timestamp,
}

/// A scalar's type as Ansible loads it, and its text once Jinja renders it
/// into a template (Python's `str()` of the value), when that is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// Its type.
    pub typed: Typed,
    /// What `{{ value }}` renders to; `None` when it cannot be told here
    /// (a time stamp with a time, an integer beyond 128 bits).
    pub rendered: Option<String>,
}

/// Types a scalar as PyYAML's resolver and constructor do (YAML 1.1).
pub fn resolve(scalar: &RawScalar) -> Resolved {
    let text = scalar.text.as_str();
    let as_str = || Resolved {
        typed: Typed::Str,
        rendered: Some(text.to_owned()),
    };
    match scalar.tag.as_deref() {
        Some("tag:yaml.org,2002:str") | Some("!!str") => return as_str(),
        Some(_) => return as_str(),
        None if !scalar.plain => return as_str(),
        None => {}
    }
    if let Some(b) = yaml11_bool(text) {
        return Resolved {
            typed: Typed::Bool(b),
            rendered: Some(if b { "True" } else { "False" }.to_owned()),
        };
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Resolved {
            typed: Typed::Null,
            rendered: Some("None".to_owned()),
        };
    }
    if is_yaml11_int(text) {
        return Resolved {
            typed: Typed::Int,
            rendered: yaml11_int(text).map(|i| i.to_string()),
        };
    }
    if is_yaml11_float(text) {
        return Resolved {
            typed: Typed::Float,
            rendered: yaml11_float(text).map(python_float_str),
        };
    }
    if let Some(date_only) = yaml11_timestamp(text) {
        return Resolved {
            typed: Typed::Timestamp,
            // Python's str() of a date is its ISO form: the same text.
            rendered: date_only.then(|| text.to_owned()),
        };
    }
    as_str()
}

fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// `text` without a leading sign, and whether it was negative.
fn unsigned(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// PyYAML's int pattern: `0b[01_]+`, `0[0-7_]+`, `0|[1-9][0-9_]*`,
/// `0x[0-9a-fA-F_]+`, `[1-9][0-9_]*(:[0-5]?[0-9])+`, each signed.
fn is_yaml11_int(text: &str) -> bool {
    let (_, t) = unsigned(text);
    let all = |s: &str, f: fn(u8) -> bool| !s.is_empty() && s.bytes().all(f);
    if let Some(bin) = t.strip_prefix("0b") {
        return all(bin, |b| b == b'0' || b == b'1' || b == b'_');
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return all(hex, |b| b.is_ascii_hexdigit() || b == b'_');
    }
    if t == "0" {
        return true;
    }
    if let Some(oct) = t.strip_prefix('0') {
        return all(oct, |b| (b'0'..=b'7').contains(&b) || b == b'_');
    }
    let mut parts = t.split(':');
    let head = parts.next().unwrap_or_default();
    if !(head
        .as_bytes()
        .first()
        .is_some_and(|b| (b'1'..=b'9').contains(b))
        && all(head, |b| b.is_ascii_digit() || b == b'_'))
    {
        return false;
    }
    parts.all(is_sexagesimal_part)
}

/// `[0-5]?[0-9]`.
fn is_sexagesimal_part(part: &str) -> bool {
    match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
        _ => false,
    }
}

/// PyYAML's `construct_yaml_int`, where it fits in 128 bits.
fn yaml11_int(text: &str) -> Option<i128> {
    let cleaned = text.replace('_', "");
    let (negative, t) = unsigned(&cleaned);
    let value = if t == "0" {
        0
    } else if let Some(bin) = t.strip_prefix("0b") {
        i128::from_str_radix(bin, 2).ok()?
    } else if let Some(hex) = t.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = t.strip_prefix('0') {
        i128::from_str_radix(oct, 8).ok()?
    } else if t.contains(':') {
        t.split(':').try_fold(0i128, |acc, part| {
            acc.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)
        })?
    } else {
        t.parse().ok()?
    };
    Some(if negative { -value } else { value })
}

/// PyYAML's float pattern: digits with a dot (and an optional signed
/// exponent), a leading dot, sexagesimal with a dot, `.inf`, `.nan`.
fn is_yaml11_float(text: &str) -> bool {
    let (_, t) = unsigned(text);
    if matches!(t, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    if let Some(e) = exponent {
        let (sign, digits) = e.split_at(e.len().min(1));
        if !matches!(sign, "+" | "-")
            || digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return false;
        }
    }
    let Some((int, frac)) = mantissa.split_once('.') else {
        return false;
    };
    let digits_ = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if int.is_empty() {
        // `.5`: digits required after the dot; no sign allowed by PyYAML.
        return !frac.is_empty() && digits_(frac) && text == t;
    }
    if !int.as_bytes()[0].is_ascii_digit() || !digits_(frac) {
        return false;
    }
    if int.contains(':') {
        let mut parts = int.split(':');
        let head = parts.next().unwrap_or_default();
        return exponent.is_none() && digits_(head) && parts.all(is_sexagesimal_part);
    }
    digits_(int)
}

/// PyYAML's `construct_yaml_float`.
fn yaml11_float(text: &str) -> Option<f64> {
    let cleaned = text.replace('_', "").to_ascii_lowercase();
    let (negative, t) = unsigned(&cleaned);
    let value = match t {
        ".inf" => f64::INFINITY,
        ".nan" => return Some(f64::NAN),
        _ if t.contains(':') => t.split(':').try_fold(0f64, |acc, part| {
            Some(acc * 60.0 + part.parse::<f64>().ok()?)
        })?,
        _ => t.parse().ok()?,
    };
    Some(if negative { -value } else { value })
}

/// Python's `repr`/`str` of a float: the shortest digits that read back,
/// positional from 1e-4 to below 1e16, else scientific (`1e+16`).
fn python_float_str(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-4..1e16).contains(&magnitude) {
        let text = format!("{value}");
        return if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        };
    }
    // Rust: `1e16`, `1.5e-5`; Python: `1e+16`, `1.5e-05`.
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exponent),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// A YAML 1.1 time stamp: `Some(true)` for a date alone, `Some(false)` for a
/// date with a time.
fn yaml11_timestamp(text: &str) -> Option<bool> {
    let b = text.as_bytes();
    let date = b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && text[5..].split(['-', 'T', 't', ' ']).count() >= 2;
    if !date {
        return None;
    }
    let strict_date = b.len() == 10
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if strict_date {
        return Some(true);
    }
    // A date, then `T` or spaces, then a time with a colon.
    let rest = &text[4..];
    let has_time = rest.contains(':')
        && text.split(['T', 't', ' ']).next().is_some_and(|d| {
            let p: Vec<&str> = d.split('-').collect();
            p.len() == 3
                && p.iter()
                    .all(|x| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit()))
        });
    has_time.then_some(false)
}

/// An open collection while building.
enum Open {
    Sequence(Vec<Yaml>, usize),
    Mapping(Hash, Option<(Yaml, Option<RawScalar>)>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    doc: Option<Yaml>,
    /// Each anchor's node, and its expanded size (nodes, scalar bytes).
    anchors: HashMap<usize, (Yaml, usize, usize)>,
    nodes: usize,
    bytes: usize,
    /// The size of each open collection when it began, to know its own.
    starts: Vec<(usize, usize)>,
    duplicates: Vec<Duplicate>,
    raw: HashMap<String, RawScalar>,
    key_lines: HashMap<String, usize>,
    error: Option<YamlError>,
    documents: usize,
    /// Every document is read ([`load_all`]), not the first only.
    every_document: bool,
    /// The documents read, in order, with `every_document`.
    docs: Vec<Yaml>,
}

impl Builder {
    fn charge(&mut self, nodes: usize, bytes: usize, mark: Marker) -> bool {
        self.nodes = self.nodes.saturating_add(nodes);
        self.bytes = self.bytes.saturating_add(bytes);
        let over = if self.nodes > MAX_NODES {
            Some(("nodes", MAX_NODES))
        } else if self.bytes > MAX_SCALAR_BYTES {
            Some(("bytes of text", MAX_SCALAR_BYTES))
        } else if self.stack.len() > MAX_DEPTH {
            Some(("levels of nesting", MAX_DEPTH))
        } else {
            None
        };
        if let Some((what, limit)) = over {
            self.error.get_or_insert(YamlError::TooLarge {
                what,
                limit,
                line: mark.line(),
            });
            return false;
        }
        true
    }

    /// Places a finished node in its parent (or as the document).
    fn place(&mut self, node: Yaml, raw: Option<RawScalar>, mark: Marker) {
        let top = self.stack.len() == 1;
        match self.stack.last_mut() {
            None if self.every_document => self.docs.push(node),
            None => {
                if self.doc.is_none() {
                    self.doc = Some(node);
                }
            }
            Some(Open::Sequence(items, _)) => items.push(node),
            Some(Open::Mapping(_, pending @ None, _)) => *pending = Some((node, raw)),
            Some(Open::Mapping(map, pending @ Some(_), _)) => {
                let Some((key, key_raw)) = pending.take() else {
                    return;
                };
                let key_text = key_text(&key);
                if top && let Some(key_raw) = &key_raw {
                    self.key_lines.insert(key_text.clone(), key_raw.line);
                }
                if top && let Some(raw) = raw {
                    self.raw.insert(key_text.clone(), raw);
                } else if top {
                    self.raw.remove(&key_text);
                }
                if map.insert(key, node).is_some() {
                    self.duplicates.push(Duplicate {
                        key: key_text,
                        line: mark.line(),
                    });
                }
            }
        }
    }

    /// Opens a collection, charged as one node.
    fn open(&mut self, collection: Open, mark: Marker) {
        if self.charge(1, 0, mark) {
            self.starts.push((self.nodes - 1, self.bytes));
            self.stack.push(collection);
        }
    }

    /// Records an anchored node with its expanded size.
    fn anchor(&mut self, id: usize, node: &Yaml, start: (usize, usize)) {
        if id > 0 {
            let size = (self.nodes - start.0, self.bytes - start.1);
            self.anchors
                .insert(id, (node.clone(), size.0.max(1), size.1));
        }
    }
}

fn key_text(key: &Yaml) -> String {
    match key {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => if *b { "True" } else { "False" }.to_owned(),
        Yaml::Null => "None".to_owned(),
        _ => "(a collection)".to_owned(),
    }
}

fn tag_text(tag: Option<Tag>) -> Option<String> {
    tag.map(|t| match t.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", t.suffix),
        _ => format!("{}{}", t.handle, t.suffix),
    })
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match ev {
            Event::DocumentStart => self.documents += 1,
            // Only the first document counts, as in a vars file.
            _ if self.documents > 1 && !self.every_document => {}
            Event::Scalar(text, style, anchor, tag) => {
                if !self.charge(1, text.len(), mark) {
                    return;
                }
                let raw = RawScalar {
                    plain: style == TScalarStyle::Plain,
                    tag: tag_text(tag),
                    line: mark.line(),
                    text,
                };
                let node = typed_node(&raw);
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (node.clone(), 1, raw.text.len()));
                }
                self.place(node, Some(raw), mark);
            }
            Event::Alias(id) => {
                let Some((node, nodes, bytes)) = self.anchors.get(&id).cloned() else {
                    self.place(Yaml::BadValue, None, mark);
                    return;
                };
                if self.charge(nodes, bytes, mark) {
                    self.place(node, None, mark);
                }
            }
            Event::SequenceStart(anchor, _) => self.open(Open::Sequence(Vec::new(), anchor), mark),
            Event::MappingStart(anchor, _) => {
                self.open(Open::Mapping(Hash::new(), None, anchor), mark)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::Sequence(items, anchor)) => (Yaml::Array(items), anchor),
                    Some(Open::Mapping(map, _, anchor)) => (Yaml::Hash(map), anchor),
                    None => return,
                };
                let start = self.starts.pop().unwrap_or((self.nodes, self.bytes));
                self.anchor(anchor, &node, start);
                self.place(node, None, mark);
            }
            _ => {}
        }
    }
}

/// The node a scalar becomes: typed as Ansible types it.
fn typed_node(raw: &RawScalar) -> Yaml {
    let resolved = resolve(raw);
    match resolved.typed {
        Typed::Str | Typed::Timestamp => Yaml::String(raw.text.clone()),
        Typed::Bool(b) => Yaml::Boolean(b),
        Typed::Null => Yaml::Null,
        Typed::Int => yaml11_int(&raw.text)
            .and_then(|i| i64::try_from(i).ok())
            .map_or_else(|| Yaml::Real(raw.text.clone()), Yaml::Integer),
        Typed::Float => Yaml::Real(resolved.rendered.unwrap_or_else(|| raw.text.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> RawScalar {
        RawScalar {
            text: text.into(),
            plain: true,
            tag: None,
            line: 1,
        }
    }

    fn rendered(text: &str) -> Option<String> {
        resolve(&plain(text)).rendered
    }

    #[test]
    fn plain_scalars_are_typed_and_rendered_as_ansible_does() {
        for (text, want) in [
            ("yes", "True"),
            ("On", "True"),
            ("off", "False"),
            ("1_000", "1000"),
            ("0x1F", "31"),
            ("017", "15"),
            ("0b101", "5"),
            ("1:20", "80"),
            ("-0", "0"),
            ("1.5", "1.5"),
            ("1_0.5", "10.5"),
            ("1.", "1.0"),
            ("1.0e+3", "1000.0"),
            ("1.0e+20", "1e+20"),
            (".5", "0.5"),
            (".inf", "inf"),
            ("~", "None"),
            ("2001-12-14", "2001-12-14"),
            // Strings stay as they are.
            ("y", "y"),
            ("1e3", "1e3"),
            ("0o17", "0o17"),
            ("Abc123", "Abc123"),
            ("08", "08"),
        ] {
            assert_eq!(rendered(text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(resolve(&plain("2001-12-14 21:59:43.10 -5")).rendered, None);
        let quoted = RawScalar {
            plain: false,
            ..plain("yes")
        };
        assert_eq!(resolve(&quoted).typed, Typed::Str);
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_are_listed() {
        let loaded = load(b"a: 1\nb: x\na: 2\n").unwrap();
        assert_eq!(loaded.doc["a"], Yaml::Integer(2));
        assert_eq!(
            loaded.duplicates,
            [Duplicate {
                key: "a".into(),
                line: 3
            }]
        );
        assert_eq!(loaded.raw["a"].text, "2");
    }

    #[test]
    fn alias_bombs_stop_at_the_cap_in_little_memory() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for name in names {
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = name;
        }
        assert!(bomb.len() < 400, "{}", bomb.len());
        let err = load(bomb.as_bytes()).unwrap_err();
        assert!(
            matches!(err, YamlError::TooLarge { what: "nodes", .. }),
            "{err}"
        );
        // Aliases within the caps still work.
        let loaded = load(b"x: &x {k: v}\ny: *x\n").unwrap();
        assert_eq!(loaded.doc["y"]["k"].as_str(), Some("v"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(matches!(
            load(deep.as_bytes()),
            Err(YamlError::TooLarge {
                what: "levels of nesting",
                ..
            })
        ));
    }
}
