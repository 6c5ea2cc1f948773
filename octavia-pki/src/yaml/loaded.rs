//! What a load makes: the document ([`Loaded`]), each scalar as written and
//! as Ansible types and renders it ([`RawScalar`], [`Typed`], [`Resolved`]),
//! and the bounds every load keeps: a leaf the YAML and JSON readers share.

use std::collections::HashMap;

use yaml_rust2::Yaml;

/// The most nodes an expanded document may have (a passwords.yml has a few
/// hundred; kolla's globals.yml a few thousand).
pub const MAX_NODES: usize = 100_000;
/// The most bytes of scalar text an expanded document may hold.
pub const MAX_SCALAR_BYTES: usize = 8 * 1024 * 1024;
/// The deepest nesting of collections.
pub const MAX_DEPTH: usize = 64;

/// A key given twice in one mapping: Ansible warns and keeps the last value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The key, as text.
    pub key: String,
    /// The 1-based line of its last occurrence.
    pub line: usize,
}

/// A scalar's type as Ansible's loader makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Typed {
    /// Text.
    Str,
    /// `yes`, `on`, `true`... and their opposites, or `!!bool`.
    Bool(bool),
    /// An integer in any of YAML 1.1's forms, or `!!int`.
    Int,
    /// A float, or `!!float`.
    Float,
    /// `~`, `null`, nothing, or `!!null`.
    Null,
    /// A date or a time stamp.
    Timestamp,
    /// `!!binary`: base64 of bytes.
    Binary,
    /// `!vault`: text encrypted with ansible-vault, which Ansible renders
    /// decrypted.
    Vault,
}

/// A scalar as Ansible's loader makes it, and how Jinja renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Its type.
    pub typed: Typed,
    /// What `{{ value }}` renders to in a template (Python's `str()` of the
    /// value; the bytes of a `!!binary` as they are, when they are UTF-8
    /// text); `None` when it cannot be told here (a `!vault`'s plaintext,
    /// bytes that are not UTF-8, a number written with digits outside ASCII).
    pub rendered: Option<String>,
    /// Whether Ansible renders Jinja markup in it: a string read from the
    /// file (not `!unsafe`, not a `!vault`'s plaintext).
    pub template: bool,
}

/// A scalar as written, and as Ansible's loader makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawScalar {
    /// Its text (quotes and escapes already undone).
    pub text: String,
    /// Whether it was plain (unquoted, not a block).
    pub plain: bool,
    /// Its explicit tag, in full (`tag:yaml.org,2002:str` for `!!str`,
    /// `!unsafe`, `!vault`, `!` for the non-specific tag).
    pub tag: Option<String>,
    /// Its 1-based line.
    pub line: usize,
    /// What Ansible's loader makes of it.
    pub resolved: Resolved,
}

/// A loaded document.
#[derive(Debug)]
pub struct Loaded {
    /// The first document (`Null` when there is none).
    pub doc: Yaml,
    /// Keys given more than once, in any mapping (merged keys included).
    pub duplicates: Vec<Duplicate>,
    /// The top-level mapping's scalar values as written and as typed, by
    /// key (merged keys and aliases included).
    pub raw: HashMap<String, RawScalar>,
    /// The 1-based line of each top-level key (its last occurrence, whose
    /// value counts).
    pub key_lines: HashMap<String, usize>,
}

/// The node a scalar becomes: typed as Ansible types it.
pub(super) fn typed_node(text: &str, resolved: &Resolved) -> Yaml {
    let rendered = || resolved.rendered.clone().unwrap_or_else(|| text.to_owned());
    match resolved.typed {
        Typed::Str | Typed::Vault => Yaml::String(text.to_owned()),
        Typed::Timestamp | Typed::Binary => Yaml::String(rendered()),
        Typed::Bool(b) => Yaml::Boolean(b),
        Typed::Null => Yaml::Null,
        Typed::Int => resolved
            .rendered
            .as_deref()
            .and_then(|r| r.parse::<i64>().ok())
            .map_or_else(|| Yaml::Real(rendered()), Yaml::Integer),
        Typed::Float => Yaml::Real(rendered()),
    }
}
