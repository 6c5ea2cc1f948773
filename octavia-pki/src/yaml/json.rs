//! JSON, which Ansible tries before YAML (`ansible.parsing.utils.yaml.from_yaml`:
//! `json.loads` with Ansible's legacy decoder, then YAML only if that
//! fails). A file that is JSON is typed by JSON, not YAML 1.1: `1e3` is
//! the float 1000.0 (YAML's text `1e3`), `NaN` and `Infinity` are floats,
//! duplicate keys take the last value without a warning, and an object
//! holding `__ansible_unsafe` or `__ansible_vault` is that string, unsafe or
//! encrypted.
//!
//! This follows CPython 3.11's `json` decoder (its C scanner, `strict`):
//! ASCII digits, no control characters in strings, surrogate pairs joined.
//! Anything it refuses (a lone surrogate Ansible's UTF-8 check refuses, an
//! integer past Python's 4300 digits, extra data) is not JSON: the YAML
//! loader reads the file instead.

use std::collections::HashMap;

use super::loaded::{
    Loaded, MAX_DEPTH, MAX_NODES, MAX_SCALAR_BYTES, RawScalar, Resolved, Typed, typed_node,
};
use super::python;
use yaml_rust2::Yaml;
use yaml_rust2::yaml::Hash;

/// `text` as Ansible's `json.loads` reads it, or `None` when it is not JSON
/// that Python takes (then Ansible reads it as YAML).
pub(super) fn load(text: &str) -> Option<Loaded> {
    let mut parser = Parser {
        s: text.as_bytes(),
        at: 0,
        counted: (0, 1),
        nodes: 0,
        bytes: 0,
        raw: HashMap::new(),
        key_lines: HashMap::new(),
    };
    parser.space();
    let (doc, _) = parser.value(0)?;
    parser.space();
    (parser.at == parser.s.len()).then_some(Loaded {
        doc,
        duplicates: Vec::new(),
        raw: parser.raw,
        key_lines: parser.key_lines,
    })
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    /// Lines counted so far: up to which byte, and the line there.
    counted: (usize, usize),
    nodes: usize,
    bytes: usize,
    raw: HashMap<String, RawScalar>,
    key_lines: HashMap<String, usize>,
}

/// A JSON value read: its node, and for a scalar what it is as written.
type Value = (Yaml, Option<RawScalar>);

impl Parser<'_> {
    fn space(&mut self) {
        while matches!(self.s.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The 1-based line at the current byte (counted once, onwards).
    fn line(&mut self) -> usize {
        let (from, line) = self.counted;
        let more = self.s[from..self.at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted = (self.at, line + more);
        line + more
    }

    fn eat(&mut self, word: &str) -> bool {
        let found = self.s[self.at..].starts_with(word.as_bytes());
        if found {
            self.at += word.len();
        }
        found
    }

    /// Counts a node of `bytes` of text; `None` past the loader's caps
    /// (then the YAML loader, which reports them, reads it).
    fn charge(&mut self, bytes: usize) -> Option<()> {
        self.nodes += 1;
        self.bytes += bytes;
        (self.nodes <= MAX_NODES && self.bytes <= MAX_SCALAR_BYTES).then_some(())
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = self.line();
        let scalar = |text: String, plain: bool, resolved: Resolved| {
            let node = typed_node(&text, &resolved);
            Some((
                node,
                Some(RawScalar {
                    text,
                    plain,
                    tag: None,
                    line,
                    resolved,
                }),
            ))
        };
        let typed = |typed: Typed, rendered: &str| Resolved {
            typed,
            rendered: Some(rendered.to_owned()),
            template: false,
        };
        match self.s.get(self.at)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => {
                let text = self.string()?;
                self.charge(text.len())?;
                let resolved = super::construct::text(&text);
                scalar(text, false, resolved)
            }
            _ if self.eat("true") => scalar("true".into(), true, typed(Typed::Bool(true), "True")),
            _ if self.eat("false") => {
                scalar("false".into(), true, typed(Typed::Bool(false), "False"))
            }
            _ if self.eat("null") => scalar("null".into(), true, typed(Typed::Null, "")),
            _ if self.eat("NaN") => scalar("NaN".into(), true, typed(Typed::Float, "nan")),
            _ if self.eat("Infinity") => {
                scalar("Infinity".into(), true, typed(Typed::Float, "inf"))
            }
            _ if self.eat("-Infinity") => {
                scalar("-Infinity".into(), true, typed(Typed::Float, "-inf"))
            }
            _ => {
                let (text, float) = self.number()?;
                self.charge(text.len())?;
                let resolved = if float {
                    let value = python::float(&text).ok()??;
                    typed(Typed::Float, &python::float_str(value))
                } else {
                    // Past 4300 digits Python's int() raises: not JSON then.
                    let value = python::int(&text, 10).ok()??;
                    typed(Typed::Int, &value.to_str()?)
                };
                scalar(text, true, resolved)
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`: its text, and
    /// whether it is a float.
    fn number(&mut self) -> Option<(String, bool)> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.s.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at - from
        };
        self.eat("-");
        match self.s.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        let mut float = false;
        // A fraction or exponent without its digits ends the number there.
        if self.s.get(self.at) == Some(&b'.')
            && self.s.get(self.at + 1).is_some_and(u8::is_ascii_digit)
        {
            self.at += 1;
            digits(self);
            float = true;
        }
        if matches!(self.s.get(self.at), Some(b'e' | b'E')) {
            let mark = self.at;
            self.at += 1;
            let _sign = self.eat("+") || self.eat("-");
            if digits(self) == 0 {
                self.at = mark;
            } else {
                float = true;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.at]).ok()?;
        Some((text.to_owned(), float))
    }

    /// A string, its escapes undone (a surrogate pair joined; a lone
    /// surrogate, which Ansible's UTF-8 check refuses, is not JSON).
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = std::str::from_utf8(&self.s[self.at..]).ok()?;
            let c = rest.chars().next()?;
            self.at += c.len_utf8();
            match c {
                '"' => return Some(out),
                '\\' => {
                    let escape = *self.s.get(self.at)?;
                    self.at += 1;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    /// The character of `\uXXXX` (and of the `\uXXXX` after it, for a
    /// surrogate pair).
    fn unicode_escape(&mut self) -> Option<char> {
        let hex = |p: &mut Self| {
            let digits = std::str::from_utf8(p.s.get(p.at..p.at + 4)?).ok()?;
            let value = u32::from_str_radix(digits, 16).ok()?;
            digits
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then_some(())?;
            p.at += 4;
            Some(value)
        };
        let first = hex(self)?;
        if (0xD800..0xDC00).contains(&first) && self.s[self.at..].starts_with(b"\\u") {
            let mark = self.at;
            self.at += 2;
            match hex(self) {
                Some(second) if (0xDC00..0xE000).contains(&second) => {
                    return char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
                }
                _ => self.at = mark,
            }
        }
        char::from_u32(first)
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        self.at += 1;
        self.charge(0)?;
        let mut items = Vec::new();
        self.space();
        if self.eat("]") {
            return Some((Yaml::Array(items), None));
        }
        loop {
            self.space();
            items.push(self.value(depth + 1)?.0);
            self.space();
            if self.eat("]") {
                return Some((Yaml::Array(items), None));
            }
            self.eat(",").then_some(())?;
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        self.at += 1;
        self.charge(0)?;
        let mut pairs: Vec<(String, usize, Value)> = Vec::new();
        self.space();
        if !self.eat("}") {
            loop {
                self.space();
                (self.s.get(self.at) == Some(&b'"')).then_some(())?;
                let line = self.line();
                let key = self.string()?;
                self.space();
                self.eat(":").then_some(())?;
                self.space();
                let value = self.value(depth + 1)?;
                pairs.push((key, line, value));
                self.space();
                if self.eat("}") {
                    break;
                }
                self.eat(",").then_some(())?;
            }
        }
        // Ansible's object hook: the object is the string it holds.
        for (hook, tag) in [
            ("__ansible_unsafe", "!unsafe"),
            ("__ansible_vault", "!vault"),
        ] {
            if let Some((_, line, (value, raw))) = pairs.iter().rev().find(|(k, ..)| k == hook) {
                // It must be a string (a plain one: not itself such an object).
                let (Yaml::String(text), Some(None)) = (value, raw.as_ref().map(|r| &r.tag)) else {
                    return None;
                };
                let resolved = Resolved {
                    typed: if tag == "!vault" {
                        Typed::Vault
                    } else {
                        Typed::Str
                    },
                    rendered: (tag != "!vault").then(|| text.clone()),
                    template: false,
                };
                let raw = raw.as_ref().map(|r| RawScalar {
                    tag: Some(tag.into()),
                    line: *line,
                    resolved,
                    ..r.clone()
                });
                return Some((value.clone(), raw));
            }
        }
        let top = depth == 0;
        let mut hash = Hash::new();
        for (key, line, (value, raw)) in pairs {
            if top {
                match raw {
                    Some(raw) => self.raw.insert(key.clone(), raw),
                    None => self.raw.remove(&key),
                };
                self.key_lines.insert(key.clone(), line);
            }
            hash.insert(Yaml::String(key), value);
        }
        Some((Yaml::Hash(hash), None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> Option<Option<String>> {
        load(text).map(|l| l.raw["k"].resolved.rendered.clone())
    }

    #[test]
    fn json_is_typed_as_python_reads_it() {
        assert_eq!(rendered(r#"{"k": 1e3}"#), Some(Some("1000.0".into())));
        assert_eq!(rendered(r#"{"k": -0}"#), Some(Some("0".into())));
        assert_eq!(rendered(r#" {"k": NaN} "#), Some(Some("nan".into())));
        assert_eq!(rendered(r#"{"k": -Infinity}"#), Some(Some("-inf".into())));
        assert_eq!(
            rendered(r#"{"k": "\ud83d\ude00"}"#),
            Some(Some("\u{1f600}".into()))
        );
        assert_eq!(rendered(r#"{"k": "a", "k": "b"}"#), Some(Some("b".into())));
        let unsafe_ = load(r#"{"k": {"__ansible_unsafe": "{{ x }}"}}"#).unwrap();
        assert!(!unsafe_.raw["k"].resolved.template);
        assert_eq!(unsafe_.raw["k"].tag.as_deref(), Some("!unsafe"));
        // Not JSON as Python takes it: read as YAML.
        for not_json in [
            r#"{"k": "\ud800"}"#,
            r#"{"k": 01}"#,
            r#"{"k": 1,}"#,
            "{\"k\": \"a\tb\"}",
            r#"{"k": 1} x"#,
            r#"{k: 1}"#,
            r#"{"k": {"__ansible_unsafe": 1}}"#,
        ] {
            assert!(load(not_json).is_none(), "{not_json}");
        }
        assert!(load(&format!(r#"{{"k": {}}}"#, "1".repeat(4301))).is_none());
        assert_eq!(load("{\n\"a\": 1,\n\"k\": 2}").unwrap().key_lines["k"], 3);
    }
}
