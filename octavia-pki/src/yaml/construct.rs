//! How Ansible's loader types a scalar (`ansible/_internal/_yaml/`: PyYAML's
//! `SafeConstructor` and `Resolver`, YAML 1.1, and Ansible's own tags): an
//! untagged plain scalar is typed by the resolver's patterns; a tag names
//! its constructor (`!!bool 'yes'` is a boolean whatever its quotes);
//! `!unsafe` and the non-specific `!` type their text as if it were plain;
//! `!vault` holds ciphertext. What Ansible refuses to load (a tag it has no
//! constructor for, `!!python/str`; a plain `=` or `<<` as a value; a
//! `!!int` that is no integer, an impossible date...) is refused with
//! Ansible's reason, which never holds the value.

use super::loaded::{Resolved, Typed};
use super::python::{self, DateTime, PyInt};

/// The prefix of YAML's own tags (`!!str` is `tag:yaml.org,2002:str`).
pub(super) const YAML_TAG: &str = "tag:yaml.org,2002:";

/// The tag of a merge key (`<<`).
pub(super) const MERGE: &str = "tag:yaml.org,2002:merge";
/// The tag of a plain `=`.
pub(super) const VALUE: &str = "tag:yaml.org,2002:value";

/// The tag the composer gives a scalar: its explicit tag, or for a plain
/// scalar without one, or with the non-specific `!` whatever its quotes,
/// the resolver's.
pub(super) fn node_tag(text: &str, plain: bool, tag: Option<&str>) -> String {
    match tag {
        None if plain => format!("{YAML_TAG}{}", implicit(text)),
        None => format!("{YAML_TAG}str"),
        Some("!") => format!("{YAML_TAG}{}", implicit(text)),
        Some(tag) => tag.to_owned(),
    }
}

/// What a scalar of tag `tag` (its [`node_tag`]) becomes as Ansible loads
/// it, or Ansible's reason for refusing the file. A key tagged `merge`
/// (`<<`) merges, and one tagged `value` (`=`) is text (`flatten_mapping`).
pub(super) fn construct(text: &str, tag: &str, key: bool) -> Result<Resolved, String> {
    if key && (tag == MERGE || tag == VALUE) {
        return Ok(self::text(text));
    }
    match tag {
        // `!unsafe` and `!vault` type the text as if it were plain
        // (`_resolve_and_construct_object`).
        "!unsafe" => by_tag(implicit(text), text).map(|r| Resolved {
            template: false,
            ..r
        }),
        "!vault" | "!vault-encrypted" => {
            let inner = by_tag(implicit(text), text)?;
            if inner.typed != Typed::Str {
                return Err(format!("The '{tag}' tag requires a string value."));
            }
            Ok(Resolved {
                typed: Typed::Vault,
                rendered: None,
                template: false,
            })
        }
        full => match full.strip_prefix(YAML_TAG) {
            Some(short) => by_tag(short, text),
            None => Err(no_constructor(full)),
        },
    }
}

/// A string read from the file.
pub(super) fn text(text: &str) -> Resolved {
    Resolved {
        typed: Typed::Str,
        rendered: Some(text.to_owned()),
        template: true,
    }
}

/// Why Ansible refuses a mapping (`mapping`) or sequence tagged `tag`, if it
/// does: a tag with no constructor, or one for another kind of node.
pub(super) fn collection_problem(tag: Option<&str>, mapping: bool) -> Option<String> {
    let kind = if mapping { "mapping" } else { "sequence" };
    let tag = tag?;
    let short = match tag {
        "!" | "!unsafe" => return None,
        "!vault" | "!vault-encrypted" => {
            return Some(format!("The '{tag}' tag requires a string value."));
        }
        _ => match tag.strip_prefix(YAML_TAG) {
            Some(short) => short,
            None => return Some(no_constructor(tag)),
        },
    };
    match (short, mapping) {
        ("map" | "python/dict" | "set", true) | ("seq" | "omap" | "pairs", false) => None,
        ("map" | "python/dict" | "set", false) => {
            Some(format!("Expected a mapping node, but found {kind}."))
        }
        ("seq", true) => Some(format!("Expected a sequence node, but found {kind}.")),
        ("omap", true) => Some(format!(
            "While constructing an ordered map expected a sequence, but found {kind}."
        )),
        ("pairs", true) => Some(format!(
            "While constructing pairs expected a sequence, but found {kind}."
        )),
        (
            "str" | "python/unicode" | "bool" | "int" | "float" | "null" | "timestamp" | "binary",
            _,
        ) => Some(format!("Expected a scalar node, but found {kind}.")),
        _ => Some(no_constructor(tag)),
    }
}

/// Why Ansible refuses a sequence tagged `!!omap` or `!!pairs` of `items`:
/// each must be a mapping of one key.
pub(super) fn pairs_problem<'a>(
    tag: Option<&str>,
    mut items: impl Iterator<Item = &'a yaml_rust2::Yaml>,
) -> Option<String> {
    let context = match tag?.strip_prefix(YAML_TAG)? {
        "omap" => "While constructing an ordered map",
        "pairs" => "While constructing pairs",
        _ => return None,
    };
    items.find_map(|item| match item {
        yaml_rust2::Yaml::Hash(h) if h.len() == 1 => None,
        yaml_rust2::Yaml::Hash(h) => Some(format!(
            "{context} expected a single mapping item, but found {} items.",
            h.len()
        )),
        yaml_rust2::Yaml::Array(_) => Some(format!(
            "{context} expected a mapping of length 1, but found sequence."
        )),
        _ => Some(format!(
            "{context} expected a mapping of length 1, but found scalar."
        )),
    })
}

/// Ansible's message for a tag it has no constructor for.
pub(super) fn no_constructor(tag: &str) -> String {
    format!(
        "Could not determine a constructor for the tag '{}'.",
        crate::text::escape(tag)
    )
}

/// The constructor of `tag` (YAML's own, by its short name) on `text`.
fn by_tag(tag: &str, text: &str) -> Result<Resolved, String> {
    let value = |typed, rendered: Option<String>| {
        Ok(Resolved {
            typed,
            rendered,
            template: false,
        })
    };
    match tag {
        "str" | "python/unicode" => Ok(self::text(text)),
        "bool" => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => value(Typed::Bool(true), Some("True".into())),
            "no" | "false" | "off" => value(Typed::Bool(false), Some("False".into())),
            _ => Err(
                "A !!bool value must be yes, no, true, false, on or off, in any case \
                      (KeyError)."
                    .into(),
            ),
        },
        "int" => value(Typed::Int, yaml_int(text)?.and_then(|i| i.to_str())),
        "float" => value(Typed::Float, yaml_float(text)?.map(python::float_str)),
        // Ansible renders None as nothing.
        "null" => value(Typed::Null, Some(String::new())),
        "timestamp" => value(Typed::Timestamp, Some(yaml_timestamp(text)?.to_str())),
        "binary" => {
            if !text.is_ascii() {
                return Err(
                    "Failed to convert base64 data into ascii: 'ascii' codec can't \
                            encode a character: ordinal not in range(128)."
                        .into(),
                );
            }
            let bytes = python::b64decode(text.as_bytes())
                .map_err(|e| format!("Failed to decode base64 data: {e}."))?;
            // Jinja writes the bytes as they are; oslo.config reads them as
            // UTF-8 text, or cannot read the file.
            value(Typed::Binary, String::from_utf8(bytes.to_vec()).ok())
        }
        "map" | "python/dict" | "set" => Err("Expected a mapping node, but found scalar.".into()),
        "seq" => Err("Expected a sequence node, but found scalar.".into()),
        "omap" => {
            Err("While constructing an ordered map expected a sequence, but found scalar.".into())
        }
        "pairs" => Err("While constructing pairs expected a sequence, but found scalar.".into()),
        other => Err(no_constructor(&format!("{YAML_TAG}{other}"))),
    }
}

/// PyYAML's `construct_yaml_int`.
fn yaml_int(text: &str) -> Result<Option<PyInt>, String> {
    let value = text.replace('_', "");
    let negative = value.starts_with('-');
    let value = value.strip_prefix(['-', '+']).unwrap_or(&value);
    let Some(first) = value.chars().next() else {
        return Err("string index out of range".into());
    };
    let parsed = if value == "0" {
        Some(PyInt::zero())
    } else if let Some(bin) = value.strip_prefix("0b") {
        python::int(bin, 2)?
    } else if let Some(hex) = value.strip_prefix("0x") {
        python::int(hex, 16)?
    } else if first == '0' {
        python::int(value, 8)?
    } else if value.contains(':') {
        let mut parts = Vec::new();
        for part in value.split(':') {
            match python::int(part, 10)? {
                Some(p) => parts.push(p),
                None => return Ok(None),
            }
        }
        PyInt::sexagesimal(&parts)
    } else {
        python::int(value, 10)?
    };
    Ok(parsed.map(|i| i.signed(negative)))
}

/// PyYAML's `construct_yaml_float`.
fn yaml_float(text: &str) -> Result<Option<f64>, String> {
    let value = text.replace('_', "").to_lowercase();
    if value.is_empty() {
        return Err("string index out of range".into());
    }
    let sign = if value.starts_with('-') { -1.0 } else { 1.0 };
    let value = value.strip_prefix(['-', '+']).unwrap_or(&value);
    if value == ".inf" {
        return Ok(Some(sign * f64::INFINITY));
    }
    if value == ".nan" {
        return Ok(Some(f64::NAN));
    }
    if value.contains(':') {
        let mut parts = Vec::new();
        for part in value.split(':') {
            match python::float(part)? {
                Some(p) => parts.push(p),
                None => return Ok(None),
            }
        }
        // The same sum, in the same order, as PyYAML's.
        let (mut total, mut base) = (0.0f64, 1.0f64);
        for digit in parts.iter().rev() {
            total += digit * base;
            base *= 60.0;
        }
        return Ok(Some(sign * total));
    }
    Ok(python::float(value)?.map(|f| sign * f))
}

/// `text` without the one final line break that Python's `$` also matches
/// before.
fn before_final_break(text: &str) -> &str {
    text.strip_suffix('\n').unwrap_or(text)
}

/// The length of the run of ASCII digits at the start of `s`.
fn digit_run(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// PyYAML's time stamp pattern (`SafeConstructor.timestamp_regexp`): the
/// fields of a date, and of a time with its fraction and offset, or `None`
/// when `text` does not match. `strict_date`: whether the date's month and
/// day have two digits each, as the resolver's pattern wants of a date alone.
fn timestamp_fields(text: &str) -> Option<(DateTime, bool)> {
    let s = before_final_break(text).as_bytes();
    let number = |digits: &[u8]| -> u32 {
        digits
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let mut at = 0;
    // A run of `min..=max` digits, then `at` past it.
    let field = |at: &mut usize, min: usize, max: usize| -> Option<u32> {
        let n = digit_run(&s[*at..]);
        if !(min..=max).contains(&n) {
            return None;
        }
        let v = number(&s[*at..*at + n]);
        *at += n;
        Some(v)
    };
    let expect =
        |at: &mut usize, c: u8| -> Option<()> { (s.get(*at) == Some(&c)).then(|| *at += 1) };
    let year = field(&mut at, 4, 4)?;
    expect(&mut at, b'-')?;
    let month_at = at;
    let month = field(&mut at, 1, 2)?;
    let month_len = at - month_at;
    expect(&mut at, b'-')?;
    let day_at = at;
    let day = field(&mut at, 1, 2)?;
    let strict_date = month_len == 2 && at - day_at == 2;
    let date = DateTime {
        year,
        month,
        day,
        time: None,
    };
    if at == s.len() {
        return Some((date, strict_date));
    }
    // `[Tt]` or `[ \t]+`.
    match s[at] {
        b'T' | b't' => at += 1,
        b' ' | b'\t' => {
            while matches!(s.get(at), Some(b' ' | b'\t')) {
                at += 1;
            }
        }
        _ => return None,
    }
    let hour = field(&mut at, 1, 2)?;
    expect(&mut at, b':')?;
    let minute = field(&mut at, 2, 2)?;
    expect(&mut at, b':')?;
    let second = field(&mut at, 2, 2)?;
    let mut micro = 0;
    if s.get(at) == Some(&b'.') {
        at += 1;
        let n = digit_run(&s[at..]);
        let mut fraction: Vec<u8> = s[at..at + n].iter().take(6).copied().collect();
        fraction.resize(6, b'0');
        if n > 0 {
            micro = number(&fraction);
        }
        at += n;
    }
    let mut offset = None;
    if at < s.len() {
        while matches!(s.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        match s.get(at) {
            Some(b'Z') => {
                at += 1;
                offset = Some(0);
            }
            Some(&sign @ (b'+' | b'-')) => {
                at += 1;
                let hours = field(&mut at, 1, 2)? as i32;
                let minutes = if s.get(at) == Some(&b':') {
                    at += 1;
                    field(&mut at, 2, 2)? as i32
                } else {
                    0
                };
                let total = hours * 60 + minutes;
                offset = Some(if sign == b'-' { -total } else { total });
            }
            _ => return None,
        }
    }
    (at == s.len()).then_some((
        DateTime {
            time: Some((hour, minute, second, micro, offset)),
            ..date
        },
        strict_date,
    ))
}

/// PyYAML's `construct_yaml_timestamp`: a date or a datetime, checked as
/// Python's `datetime` checks it.
fn yaml_timestamp(text: &str) -> Result<DateTime, String> {
    let (fields, _) =
        timestamp_fields(text).ok_or("'NoneType' object has no attribute 'groupdict'")?;
    fields.checked()
}

/// One of PyYAML's implicit resolvers: a tag and its pattern.
type Resolver = (&'static str, fn(&str) -> bool);

/// The tag PyYAML's resolver gives a plain scalar: its patterns (YAML 1.1)
/// tried in their order for the text's first character (`bool`, `float`,
/// `int`, `merge`, `null`, `timestamp`, `value`), else `str`.
pub(super) fn implicit(text: &str) -> &'static str {
    let t = before_final_break(text);
    let Some(first) = text.chars().next() else {
        return "null";
    };
    let candidates: &[Resolver] = match first {
        'n' | 'N' => &[("bool", is_bool), ("null", is_null)],
        'y' | 'Y' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' => &[("bool", is_bool)],
        '-' | '+' => &[("float", is_float), ("int", is_int)],
        '.' => &[("float", is_float)],
        '0'..='9' => &[
            ("float", is_float),
            ("int", is_int),
            ("timestamp", is_timestamp),
        ],
        '<' => &[("merge", |t| t == "<<")],
        '~' => &[("null", is_null)],
        '=' => &[("value", |t| t == "=")],
        _ => &[],
    };
    candidates
        .iter()
        .find(|(_, matches)| matches(t))
        .map_or("str", |(tag, _)| tag)
}

fn is_bool(t: &str) -> bool {
    matches!(
        t,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn is_null(t: &str) -> bool {
    matches!(t, "~" | "null" | "Null" | "NULL" | "")
}

/// `[0-9_]*` to the end.
fn digits_(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || b == b'_')
}

/// `(?:[eE][-+][0-9]+)?` to the end.
fn exponent(s: &str) -> bool {
    match s.as_bytes() {
        [] => true,
        [b'e' | b'E', b'-' | b'+', digits @ ..] => {
            !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// `(?::[0-5]?[0-9])+` to the end.
fn sexagesimal_tail(s: &str) -> bool {
    let Some(rest) = s.strip_prefix(':') else {
        return false;
    };
    rest.split(':').all(|part| match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
        _ => false,
    })
}

/// `[-+]?`.
fn unsigned(t: &str) -> &str {
    t.strip_prefix(['-', '+']).unwrap_or(t)
}

/// `[0-9][0-9_]*` then `rest`: the split after the digits.
fn leading_number(t: &str) -> Option<(&str, &str)> {
    if !t.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let end = t
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'_'))
        .unwrap_or(t.len());
    Some(t.split_at(end))
}

/// PyYAML's float pattern.
fn is_float(t: &str) -> bool {
    let u = unsigned(t);
    // `[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?`.
    let decimal = leading_number(u)
        .and_then(|(_, rest)| rest.strip_prefix('.'))
        .is_some_and(|after| {
            let end = after
                .bytes()
                .position(|b| !(b.is_ascii_digit() || b == b'_'))
                .unwrap_or(after.len());
            exponent(&after[end..])
        });
    // `[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*`.
    let sexagesimal = leading_number(u)
        .and_then(|(_, rest)| rest.split_once('.'))
        .is_some_and(|(tail, fraction)| sexagesimal_tail(tail) && digits_(fraction));
    // `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?`, without a sign.
    let fraction = t
        .strip_prefix('.')
        .and_then(leading_number)
        .is_some_and(|(_, rest)| exponent(rest));
    decimal
        || sexagesimal
        || fraction
        || matches!(u, ".inf" | ".Inf" | ".INF")
        || matches!(t, ".nan" | ".NaN" | ".NAN")
}

/// PyYAML's int pattern.
fn is_int(t: &str) -> bool {
    let u = unsigned(t);
    let nonempty_all = |s: &str, f: fn(u8) -> bool| !s.is_empty() && s.bytes().all(f);
    let binary = u
        .strip_prefix("0b")
        .is_some_and(|d| nonempty_all(d, |b| b == b'0' || b == b'1' || b == b'_'));
    let hexadecimal = u
        .strip_prefix("0x")
        .is_some_and(|d| nonempty_all(d, |b| b.is_ascii_hexdigit() || b == b'_'));
    let octal = u
        .strip_prefix('0')
        .is_some_and(|d| nonempty_all(d, |b| (b'0'..=b'7').contains(&b) || b == b'_'));
    // `0`, `[1-9][0-9_]*`, and sexagesimal `[1-9][0-9_]*(?::[0-5]?[0-9])+`.
    let decimal = u == "0"
        || leading_number(u).is_some_and(|(head, rest)| {
            !head.starts_with('0') && (rest.is_empty() || sexagesimal_tail(rest))
        });
    binary || hexadecimal || octal || decimal
}

/// The resolver's time stamp pattern: a date alone with two-digit month and
/// day, or a date and time as the constructor reads them.
fn is_timestamp(t: &str) -> bool {
    timestamp_fields(t).is_some_and(|(f, strict_date)| f.time.is_some() || strict_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str, plain: bool, tag: Option<&str>) -> Result<Resolved, String> {
        construct(text, &node_tag(text, plain, tag), false)
    }

    fn rendered(text: &str, plain: bool, tag: Option<&str>) -> Result<Option<String>, String> {
        resolve(text, plain, tag).map(|r| r.rendered)
    }

    #[test]
    fn plain_scalars_are_typed_as_pyyaml_resolves_them() {
        for (text, tag) in [
            ("yes", "bool"),
            ("Yes", "bool"),
            ("yEs", "str"),
            ("y", "str"),
            ("1_000", "int"),
            ("0x1F", "int"),
            ("017", "int"),
            ("08", "str"),
            ("0b_", "int"),
            ("1:20", "int"),
            ("0:20", "str"),
            ("1.5", "float"),
            ("1.", "float"),
            ("1e3", "str"),
            ("1.0e+3", "float"),
            ("1.0e3", "str"),
            (".5", "float"),
            ("-.5", "str"),
            ("-.inf", "float"),
            ("-.nan", "str"),
            ("1:20.5", "float"),
            ("~", "null"),
            ("", "null"),
            ("null", "null"),
            ("nULL", "str"),
            ("2001-12-14", "timestamp"),
            ("2001-1-14", "str"),
            ("2001-1-14 1:02:03", "timestamp"),
            ("2001-12-14t21:59:43.10Z", "timestamp"),
            ("2001-12-14 21:59:43.10 -5", "timestamp"),
            ("2001-12-14 21:59:43 ", "str"),
            ("<<", "merge"),
            ("=", "value"),
            ("==", "str"),
            ("yes\n", "bool"),
            ("\n", "str"),
        ] {
            assert_eq!(implicit(text), tag, "{text:?}");
        }
    }

    #[test]
    fn tags_construct_as_ansible_does() {
        let tagged = |tag: &str, text: &str| rendered(text, false, Some(tag));
        let yaml = |short: &str| format!("{YAML_TAG}{short}");
        assert_eq!(
            tagged(&yaml("bool"), "yes").unwrap().as_deref(),
            Some("True")
        );
        assert_eq!(
            tagged(&yaml("bool"), "OFF").unwrap().as_deref(),
            Some("False")
        );
        assert!(
            tagged(&yaml("bool"), "maybe")
                .unwrap_err()
                .contains("!!bool")
        );
        assert_eq!(
            tagged(&yaml("float"), "1.50").unwrap().as_deref(),
            Some("1.5")
        );
        assert_eq!(
            tagged(&yaml("float"), "1e3").unwrap().as_deref(),
            Some("1000.0")
        );
        assert_eq!(
            tagged(&yaml("float"), "--1").unwrap().as_deref(),
            Some("1.0")
        );
        assert_eq!(
            tagged(&yaml("float"), "1:30").unwrap().as_deref(),
            Some("90.0")
        );
        assert_eq!(tagged(&yaml("int"), "0o17").unwrap().as_deref(), Some("15"));
        assert_eq!(tagged(&yaml("int"), "--5").unwrap().as_deref(), Some("5"));
        assert_eq!(
            tagged(&yaml("int"), "").unwrap_err(),
            "string index out of range"
        );
        assert_eq!(
            tagged(&yaml("float"), "_").unwrap_err(),
            "string index out of range"
        );
        assert_eq!(tagged(&yaml("null"), "x").unwrap().as_deref(), Some(""));
        assert_eq!(
            tagged(&yaml("binary"), "aGVsbG8=").unwrap().as_deref(),
            Some("hello")
        );
        assert_eq!(tagged(&yaml("binary"), "/w==").unwrap(), None);
        assert!(
            tagged(&yaml("binary"), "aGVsbG8")
                .unwrap_err()
                .contains("Incorrect padding")
        );
        assert_eq!(
            tagged(&yaml("timestamp"), "2001-1-2").unwrap().as_deref(),
            Some("2001-01-02")
        );
        assert_eq!(
            tagged(&yaml("timestamp"), "2001-02-29").unwrap_err(),
            "day is out of range for month"
        );
        assert_eq!(
            tagged(&yaml("python/str"), "x").unwrap_err(),
            "Could not determine a constructor for the tag 'tag:yaml.org,2002:python/str'."
        );
        assert_eq!(
            tagged(&yaml("python/unicode"), "x").unwrap().as_deref(),
            Some("x")
        );
        assert!(tagged("!foo", "x").unwrap_err().contains("'!foo'"));
        // `!unsafe` and `!` type the text as if plain, whatever its quotes.
        assert_eq!(tagged("!unsafe", "yes").unwrap().as_deref(), Some("True"));
        assert_eq!(tagged("!", "1_000").unwrap().as_deref(), Some("1000"));
        assert!(!resolve("{{ x }}", false, Some("!unsafe")).unwrap().template);
        assert!(resolve("{{ x }}", false, None).unwrap().template);
        assert_eq!(
            resolve("$ANSIBLE_VAULT;1.1;AES256\n61\n", false, Some("!vault"))
                .unwrap()
                .typed,
            Typed::Vault
        );
        assert!(
            tagged("!vault", "12")
                .unwrap_err()
                .contains("requires a string")
        );
        // A plain `=` or `<<` as a value has no constructor.
        assert!(rendered("=", true, None).unwrap_err().contains(VALUE));
        assert!(rendered("<<", true, None).unwrap_err().contains(MERGE));
        // Plain values Python cannot make.
        assert!(rendered("0b_", true, None).unwrap_err().contains("base 2"));
        assert_eq!(
            rendered("2001-02-30", true, None).unwrap_err(),
            "day is out of range for month"
        );
        assert_eq!(
            rendered("2001-12-14 21:59:43.10 -5", true, None)
                .unwrap()
                .as_deref(),
            Some("2001-12-14 21:59:43.100000-05:00")
        );
        assert_eq!(
            rendered("123456789012345678901234567890123456789012", true, None)
                .unwrap()
                .as_deref(),
            Some("123456789012345678901234567890123456789012")
        );
    }
}
