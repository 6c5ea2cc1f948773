//! YAML as Ansible loads it, for every YAML file Ansible reads
//! (`passwords.yml`, `globals.yml`); [`load_all`] reads the other YAML
//! documents (Kubernetes manifests, the charm's options) with the same
//! typing and bounds.
//!
//! - **JSON first.** Ansible reads a file that is JSON as JSON (`json.rs`),
//!   with JSON's types (`1e3` is a float), and any other as YAML.
//! - **Ansible's typing.** Ansible loads with PyYAML (YAML 1.1) and its own
//!   constructors (`construct.rs`): a plain `yes`, `on` or `true` is a
//!   boolean, `1_000` and `0x1F` are integers, `017` is octal, `1:20`
//!   sexagesimal; an explicit tag names the type whatever the quotes
//!   (`!!bool 'yes'`, `!!float '1.50'`, `!!binary`); `!unsafe` types its
//!   text as if it were plain but is never rendered as Jinja; `!vault` is
//!   ciphertext. Each scalar carries how Jinja renders it into a template
//!   ([`Resolved`]: Python's `str()` of the value), which is what kolla
//!   writes into octavia.conf.
//! - **Refusals.** What Ansible refuses to load is refused with its reason,
//!   the line and the top-level key, never the value ([`YamlError::Refused`]):
//!   a tag with no constructor (`!!python/str`, `!foo`), a plain `=` or `<<`
//!   as a value, a merge key (`<<`) whose value is not a mapping or a list
//!   of mappings, a collection as a key, a value its tag's constructor
//!   cannot make (`!!int 'x'`, a 30th of February), a second document.
//! - **Merge keys.** `<<: *defaults` merges a mapping (or a list of them)
//!   as PyYAML does: a key of the mapping itself wins over a merged one, a
//!   later merged mapping over an earlier, unless it is the same key node.
//! - **Duplicate keys.** Ansible warns and keeps the last value; so does
//!   this loader, and it lists them ([`Loaded::duplicates`]).
//! - **Bounded.** Aliases are expanded by copying, so a few hundred bytes of
//!   nested aliases can stand for gigabytes (the "billion laughs"): the
//!   expanded document is capped at [`MAX_NODES`] nodes and
//!   [`MAX_SCALAR_BYTES`] bytes of text, and nesting at [`MAX_DEPTH`], each
//!   an error that says so, before memory is spent.
//! - **Writing.** The documents this crate generates are written by one
//!   writer from a tree (`write.rs`), every text double-quoted.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::yaml::Hash;

pub use yaml_rust2::Yaml;

mod construct;
mod json;
mod loaded;
mod python;
pub(crate) mod write;

use loaded::typed_node;
pub use loaded::{
    Duplicate, Loaded, MAX_DEPTH, MAX_NODES, MAX_SCALAR_BYTES, RawScalar, Resolved, Typed,
};

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
    /// Valid YAML that Ansible refuses to load (and so kolla-ansible fails
    /// on it before any task runs).
    #[error(
        "Ansible refuses to load it (line {line}, column {column}{}): {reason}",
        key.as_deref().map(|k| format!(", under {}", crate::text::escape(k))).unwrap_or_default()
    )]
    Refused {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The top-level key whose value holds it, if it is in one.
        key: Option<String>,
        /// Ansible's reason (PyYAML's and Python's words, the value left out).
        reason: String,
    },
}

/// Loads `bytes` (UTF-8, one document) as Ansible does, refusing what it
/// refuses: as JSON when Python's `json` takes it, else as YAML.
pub fn load(bytes: &[u8]) -> Result<Loaded, YamlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| YamlError::NotUtf8)?;
    if let Some(loaded) = json::load(text) {
        return Ok(loaded);
    }
    let builder = build(bytes, false)?;
    Ok(Loaded {
        doc: builder.doc.unwrap_or(Yaml::Null),
        duplicates: builder.duplicates,
        raw: builder.raw,
        key_lines: builder.key_lines,
    })
}

/// Every document of `bytes` (a Kubernetes manifest: `---` between
/// objects), typed as [`load`] types them and within the same bounds over
/// all of them, but not refusing what only Ansible refuses (these files
/// are read by other YAML readers: a tag with no constructor is text).
pub fn load_all(bytes: &[u8]) -> Result<Vec<Yaml>, YamlError> {
    Ok(build(bytes, true)?.docs)
}

/// The parse both loaders share: Ansible's one document, or every one.
fn build(bytes: &[u8], every_document: bool) -> Result<Builder, YamlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| YamlError::NotUtf8)?;
    let mut builder = Builder {
        every_document,
        ..Builder::default()
    };
    // Every document is parsed, so that Ansible's "a single document" is
    // judged; only the first is kept for it.
    let parsed = Parser::new_from_str(text).load(&mut builder, true);
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

/// What a merge tells keys apart by: PyYAML compares `id()` of the key
/// node's text, which is one object for one node (and its aliases), and for
/// every empty or one-character Latin-1 text (CPython's cached strings).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Text(String),
    Node(usize),
}

/// What the loader keeps of a node beside its value: a scalar as written,
/// and for a mapping or sequence that may be merged (anchored, or the value
/// of `<<`) its pairs or items, to flatten merges as PyYAML does.
#[derive(Debug, Clone, Default)]
enum Info {
    #[default]
    Other,
    Scalar(Rc<RawScalar>),
    Mapping(Rc<Vec<KeptPair>>),
    Sequence(Rc<Vec<Info>>),
}

/// A key of a mapping that may be merged: the value is the mapping's.
#[derive(Debug, Clone)]
struct KeptPair {
    key: Yaml,
    identity: Identity,
    line: usize,
    info: Info,
}

/// A key read, waiting for its value.
struct Key {
    key: Yaml,
    identity: Identity,
    line: usize,
    column: usize,
    /// A merge key (`<<`).
    merge: bool,
}

/// One key and value of a mapping being built, as PyYAML's `node.value`.
struct Pair {
    key: Key,
    value: Yaml,
    info: Info,
}

/// An open collection while building.
enum Open {
    Sequence {
        items: Vec<(Yaml, Info)>,
        anchor: usize,
        /// Its items' info is kept (it may be merged).
        keep: bool,
        tag: Option<String>,
        start: (usize, usize),
        mark: Marker,
    },
    Mapping {
        pairs: Vec<Pair>,
        pending: Option<Key>,
        anchor: usize,
        /// Its pairs' info is kept (it may be merged).
        keep: bool,
        start: (usize, usize),
    },
}

/// An anchored node, its info and its expanded size (nodes, scalar bytes).
struct Anchored {
    node: Yaml,
    info: Info,
    nodes: usize,
    bytes: usize,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    doc: Option<Yaml>,
    anchors: HashMap<usize, Anchored>,
    nodes: usize,
    bytes: usize,
    /// Scalars seen, for their identity.
    serial: usize,
    duplicates: Vec<Duplicate>,
    raw: HashMap<String, RawScalar>,
    key_lines: HashMap<String, usize>,
    error: Option<YamlError>,
    documents: usize,
    /// Every document is read ([`load_all`]), not Ansible's one.
    every_document: bool,
    /// The documents read, in order, with `every_document`.
    docs: Vec<Yaml>,
}

impl Builder {
    /// Whether Ansible's refusals apply.
    fn ansible(&self) -> bool {
        !self.every_document
    }

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

    /// Ansible refuses the file: `reason`, at `line` and `column`.
    fn refuse(&mut self, line: usize, column: usize, reason: String) {
        let key = match self.stack.first() {
            Some(Open::Mapping {
                pending: Some(k), ..
            }) => Some(key_text(&k.key)),
            _ => None,
        };
        self.error.get_or_insert(YamlError::Refused {
            line,
            column,
            key,
            reason,
        });
    }

    /// Whether the node about to be read is a key of the open mapping.
    fn at_key(&self) -> bool {
        matches!(self.stack.last(), Some(Open::Mapping { pending: None, .. }))
    }

    /// Whether the node about to be read may be merged: the value of `<<`,
    /// or an item of a sequence that may be.
    fn may_be_merged(&self) -> bool {
        match self.stack.last() {
            Some(Open::Mapping {
                pending: Some(k), ..
            }) => k.merge,
            Some(Open::Sequence { keep, .. }) => *keep,
            _ => false,
        }
    }

    /// Whether a scalar about to be read is a value whose text counts: of
    /// the top-level mapping, or of a mapping that may be merged.
    fn keeps_scalar(&self) -> bool {
        match self.stack.last() {
            Some(Open::Mapping {
                pending: Some(_),
                keep,
                ..
            }) => *keep || self.stack.len() == 1,
            _ => false,
        }
    }

    /// Places a finished node in its parent (or as a document); `merge`:
    /// it is a key that merges (`<<`).
    fn place(&mut self, node: Yaml, info: Info, identity: Identity, merge: bool, mark: Marker) {
        let ansible = self.ansible();
        match self.stack.last_mut() {
            None if self.every_document => self.docs.push(node),
            None => {
                if self.doc.is_none() {
                    self.doc = Some(node);
                }
            }
            Some(Open::Sequence { items, keep, .. }) => {
                let info = if *keep { info } else { Info::Other };
                items.push((node, info));
            }
            Some(Open::Mapping { pending, pairs, .. }) => match pending.take() {
                Some(key) => pairs.push(Pair {
                    key,
                    value: node,
                    info,
                }),
                None => {
                    if ansible && matches!(node, Yaml::Array(_) | Yaml::Hash(_)) {
                        self.refuse(
                            mark.line(),
                            mark.col() + 1,
                            "While constructing a mapping found unhashable key.".into(),
                        );
                        return;
                    }
                    *pending = Some(Key {
                        key: node,
                        identity,
                        line: mark.line(),
                        column: mark.col() + 1,
                        merge,
                    });
                }
            },
        }
    }

    /// Opens a collection, charged as one node.
    fn open(&mut self, collection: Open, mark: Marker) {
        if self.charge(1, 0, mark) {
            self.stack.push(collection);
        }
    }

    /// Records an anchored node with its info and its expanded size.
    fn anchor(&mut self, id: usize, node: &Yaml, info: &Info, start: (usize, usize)) {
        if id > 0 {
            self.anchors.insert(
                id,
                Anchored {
                    node: node.clone(),
                    info: info.clone(),
                    nodes: (self.nodes - start.0).max(1),
                    bytes: self.bytes - start.1,
                },
            );
        }
    }

    fn next_serial(&mut self) -> usize {
        self.serial += 1;
        self.serial
    }

    fn on_scalar(
        &mut self,
        text: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        mark: Marker,
    ) {
        if !self.charge(1, text.len(), mark) {
            return;
        }
        let plain = style == TScalarStyle::Plain;
        let tag = tag.map(full_tag);
        let key = self.at_key();
        let node_tag = construct::node_tag(&text, plain, tag.as_deref());
        let merge = key && node_tag == construct::MERGE;
        let resolved = match construct::construct(&text, &node_tag, key) {
            Ok(resolved) => resolved,
            Err(reason) if self.ansible() => {
                self.refuse(mark.line(), mark.col() + 1, reason);
                return;
            }
            // Not Ansible's file: what Ansible would refuse is text.
            Err(_) => construct::text(&text),
        };
        let node = typed_node(&text, &resolved);
        let identity = if text.chars().count() <= 1 && text.chars().all(|c| u32::from(c) < 0x100) {
            Identity::Text(text.clone())
        } else {
            Identity::Node(self.next_serial())
        };
        let raw = RawScalar {
            text,
            plain,
            tag,
            line: mark.line(),
            resolved,
        };
        let keep = anchor > 0 || self.keeps_scalar();
        let info = if keep {
            Info::Scalar(Rc::new(raw))
        } else {
            Info::Other
        };
        if anchor > 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    info: info.clone(),
                    nodes: 1,
                    bytes: match &info {
                        Info::Scalar(raw) => raw.text.len(),
                        _ => 0,
                    },
                },
            );
        }
        self.place(node, info, identity, merge, mark);
    }

    fn on_alias(&mut self, id: usize, mark: Marker) {
        let Some(anchored) = self.anchors.get(&id) else {
            if self.ansible() {
                self.refuse(mark.line(), mark.col() + 1, "Found undefined alias.".into());
            } else {
                self.place(Yaml::BadValue, Info::Other, Identity::Node(0), false, mark);
            }
            return;
        };
        let (node, info, nodes, bytes) = (
            anchored.node.clone(),
            anchored.info.clone(),
            anchored.nodes,
            anchored.bytes,
        );
        if self.charge(nodes, bytes, mark) {
            // The same node: one identity for the merge.
            self.place(node, info, Identity::Node(usize::MAX - id), false, mark);
        }
    }

    fn on_collection_start(
        &mut self,
        mapping: bool,
        anchor: usize,
        tag: Option<Tag>,
        mark: Marker,
    ) {
        let tag = tag.map(full_tag);
        if self.ansible()
            && let Some(reason) = construct::collection_problem(tag.as_deref(), mapping)
        {
            self.refuse(mark.line(), mark.col() + 1, reason);
            return;
        }
        let keep = anchor > 0 || self.may_be_merged();
        let start = (self.nodes, self.bytes);
        let open = if mapping {
            Open::Mapping {
                pairs: Vec::new(),
                pending: None,
                anchor,
                keep,
                start,
            }
        } else {
            Open::Sequence {
                items: Vec::new(),
                anchor,
                keep,
                tag,
                start,
                mark,
            }
        };
        self.open(open, mark);
    }

    fn on_collection_end(&mut self, mark: Marker) {
        let Some(open) = self.stack.pop() else { return };
        let (node, info, anchor, start) = match open {
            Open::Sequence {
                items,
                anchor,
                keep,
                tag,
                start,
                mark: seq_mark,
            } => {
                if self.ansible()
                    && let Some(reason) =
                        construct::pairs_problem(tag.as_deref(), items.iter().map(|(item, _)| item))
                {
                    self.refuse(seq_mark.line(), seq_mark.col() + 1, reason);
                    return;
                }
                let (values, infos): (Vec<Yaml>, Vec<Info>) = items.into_iter().unzip();
                let info = if keep {
                    Info::Sequence(Rc::new(infos))
                } else {
                    Info::Other
                };
                (Yaml::Array(values), info, anchor, start)
            }
            Open::Mapping {
                pairs,
                anchor,
                keep,
                start,
                ..
            } => {
                let root = self.stack.is_empty();
                let Some(pairs) = self.flatten(pairs) else {
                    return;
                };
                let (hash, info) = self.mapping(pairs, keep, root);
                (Yaml::Hash(hash), info, anchor, start)
            }
        };
        self.anchor(anchor, &node, &info, start);
        let identity = Identity::Node(self.next_serial());
        self.place(node, info, identity, false, mark);
    }

    /// PyYAML's `flatten_mapping`: the pairs of each merged mapping (the
    /// value of `<<`, or each of a list of them), once per key node, then
    /// the mapping's own. `None` when Ansible refuses the merge.
    fn flatten(&mut self, pairs: Vec<Pair>) -> Option<Vec<Pair>> {
        if !pairs.iter().any(|p| p.key.merge) {
            return Some(pairs);
        }
        let mut merged = Vec::new();
        let mut own = Vec::new();
        let mut seen: HashSet<Identity> = HashSet::new();
        for pair in pairs {
            if !pair.key.merge {
                own.push(pair);
                continue;
            }
            let found = |y: &Yaml| {
                if matches!(y, Yaml::Array(_)) {
                    "sequence"
                } else {
                    "scalar"
                }
            };
            let sources: Vec<(Yaml, Info)> = match (pair.value, pair.info) {
                (value @ Yaml::Hash(_), info) => vec![(value, info)],
                (Yaml::Array(items), info) => {
                    let infos = match info {
                        Info::Sequence(infos) => infos.as_ref().clone(),
                        _ => vec![Info::Other; items.len()],
                    };
                    if let Some(bad) = items.iter().find(|i| !matches!(i, Yaml::Hash(_))) {
                        let reason = format!(
                            "While constructing a mapping expected a mapping for merging, but \
                             found {}.",
                            found(bad)
                        );
                        self.refuse(pair.key.line, pair.key.column, reason);
                        return None;
                    }
                    items.into_iter().zip(infos).collect()
                }
                (other, _) => {
                    let reason = format!(
                        "While constructing a mapping expected a mapping or list of mappings \
                         for merging, but found {}.",
                        found(&other)
                    );
                    self.refuse(pair.key.line, pair.key.column, reason);
                    return None;
                }
            };
            for (source, info) in sources {
                let Yaml::Hash(map) = source else { continue };
                let kept: Vec<KeptPair> = match info {
                    Info::Mapping(kept) => kept.as_ref().clone(),
                    // Not kept (cannot happen): its keys, each its own node.
                    _ => map
                        .keys()
                        .map(|k| KeptPair {
                            key: k.clone(),
                            identity: Identity::Node(self.next_serial()),
                            line: pair.key.line,
                            info: Info::Other,
                        })
                        .collect(),
                };
                for k in kept {
                    if seen.insert(k.identity.clone()) {
                        merged.push(Pair {
                            value: map.get(&k.key).cloned().unwrap_or(Yaml::Null),
                            key: Key {
                                key: k.key,
                                identity: k.identity,
                                line: k.line,
                                column: 1,
                                merge: false,
                            },
                            info: k.info,
                        });
                    }
                }
            }
        }
        merged.extend(own);
        Some(merged)
    }

    /// The mapping of `pairs` (the last of a key given twice wins, and is
    /// listed), its info when it is kept, and for the first document's
    /// top-level mapping its scalars as written and its keys' lines.
    fn mapping(&mut self, pairs: Vec<Pair>, keep: bool, root: bool) -> (Hash, Info) {
        let top = root && self.doc.is_none() && self.docs.is_empty() && self.documents <= 1;
        let mut hash = Hash::new();
        let mut kept = Vec::new();
        for Pair { key, value, info } in pairs {
            let text = key_text(&key.key);
            if top {
                match &info {
                    Info::Scalar(raw) => {
                        self.raw.insert(text.clone(), raw.as_ref().clone());
                    }
                    _ => {
                        self.raw.remove(&text);
                    }
                }
                self.key_lines.insert(text.clone(), key.line);
            }
            if keep {
                kept.push(KeptPair {
                    key: key.key.clone(),
                    identity: key.identity,
                    line: key.line,
                    info,
                });
            }
            if hash.insert(key.key, value).is_some() {
                self.duplicates.push(Duplicate {
                    key: text,
                    line: key.line,
                });
            }
        }
        let info = if keep {
            Info::Mapping(Rc::new(kept))
        } else {
            Info::Other
        };
        (hash, info)
    }
}

/// A tag in full: `tag:yaml.org,2002:str` for `!!str`, `!foo`, `!`.
fn full_tag(tag: Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
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

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 && self.ansible() {
                    // PyYAML's `get_single_node`.
                    self.refuse(
                        mark.line(),
                        mark.col() + 1,
                        "Expected a single document in the stream but found another document."
                            .into(),
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.on_scalar(text, style, anchor, tag, mark)
            }
            Event::Alias(id) => self.on_alias(id, mark),
            Event::SequenceStart(anchor, tag) => self.on_collection_start(false, anchor, tag, mark),
            Event::MappingStart(anchor, tag) => self.on_collection_start(true, anchor, tag, mark),
            Event::SequenceEnd | Event::MappingEnd => self.on_collection_end(mark),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a plain scalar renders to, loaded as a value.
    fn rendered(text: &str) -> Option<String> {
        load(format!("k: {text}\n").as_bytes()).unwrap().raw["k"]
            .resolved
            .rendered
            .clone()
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
            ("~", ""),
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
        assert_eq!(
            rendered("2001-12-14 21:59:43.10 -5").as_deref(),
            Some("2001-12-14 21:59:43.100000-05:00")
        );
        assert_eq!(
            load(b"k: 'yes'\n").unwrap().raw["k"].resolved.typed,
            Typed::Str
        );
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
