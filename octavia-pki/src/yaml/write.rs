//! The one YAML writer for the documents this crate generates (the charm's
//! options, Kubernetes Secrets): a document is built as a tree of mappings
//! and texts, never by pasting values into YAML, and every text (keys
//! included) that is not a plain name is written double-quoted with its
//! escapes. That style reads
//! the same in YAML 1.1 (PyYAML, Ansible) and 1.2 (go-yaml: kubectl, Juju):
//! no value is typed (`yes`, `1e3`, `0x1F` stay text), and no character of a
//! value can end the line, the mapping or the document.
//!
//! Escaped: `"` and `\`, every C0 and C1 control, DEL, and what YAML 1.1
//! reads as a line break or a byte order mark (U+2028, U+2029, U+FEFF);
//! every other character is written as it is (UTF-8).

use zeroize::{Zeroize, Zeroizing};

/// A node of a document to write.
pub(crate) enum Node<'a> {
    /// A text (held zeroized: it may be a key or a passphrase).
    Text(Zeroizing<String>),
    /// A mapping, written in the order given.
    Map(Vec<(&'a str, Node<'a>)>),
}

impl Node<'_> {
    /// A text node.
    pub(crate) fn text(text: &str) -> Self {
        Self::Text(Zeroizing::new(text.to_owned()))
    }
}

/// Appends `comment`, one `# ` line per line of it, then `doc` as one YAML
/// document (after `---`), to `out`.
pub(crate) fn document(out: &mut Zeroizing<String>, comment: &[&str], doc: &Node<'_>) {
    for line in comment {
        // A comment ends at a line break: none is written raw.
        out.push_str("# ");
        out.push_str(&crate::text::escape(line));
        out.push('\n');
    }
    out.push_str("---\n");
    match doc {
        Node::Map(entries) => mapping(out, entries, 0),
        Node::Text(text) => {
            scalar(out, text);
            out.push('\n');
        }
    }
}

fn mapping(out: &mut Zeroizing<String>, entries: &[(&str, Node<'_>)], indent: usize) {
    if entries.is_empty() {
        out.push_str(&" ".repeat(indent));
        out.push_str("{}\n");
    }
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        scalar(out, key);
        out.push(':');
        match value {
            Node::Text(text) => {
                out.push(' ');
                scalar(out, text);
                out.push('\n');
            }
            Node::Map(inner) => {
                out.push('\n');
                mapping(out, inner, indent + 2);
            }
        }
    }
}

/// `text` plain when it reads as that text in YAML 1.1 and 1.2 alike (a
/// name such as `octavia_ca_password` or `tls.crt`: a letter, then letters,
/// digits and `_-./`, and no word YAML 1.1 types), else double-quoted.
fn scalar(out: &mut Zeroizing<String>, text: &str) {
    let typed = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"];
    let plain = text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && !typed.iter().any(|w| w.eq_ignore_ascii_case(text));
    if plain {
        out.push_str(text);
    } else {
        quoted(out, text);
    }
}

/// `text` as a YAML double-quoted scalar.
fn quoted(out: &mut Zeroizing<String>, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let mut escape = format!("\\u{:04x}", u32::from(c));
                out.push_str(&escape);
                escape.zeroize();
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(doc: &Node<'_>) -> String {
        let mut out = Zeroizing::new(String::new());
        document(&mut out, &["a\ncomment"], doc);
        out.to_string()
    }

    #[test]
    fn every_text_reads_back_as_written() {
        let hostile = [
            "x\nkind: Evil",
            "yes",
            "1e3",
            "0x1F",
            "~",
            "",
            " lead",
            "a: b # c",
            "\"quoted\" \\ back",
            "\u{1b}[31m\u{7f}\u{85}\u{2028}\u{2029}\u{feff}\u{202e}",
            "--- \n...",
            "é ☃ 😀",
            "Yes",
            "NULL",
            "octavia_ca_password",
            "a.b-c_d/e",
            "1.5",
            "x:y",
        ];
        for text in hostile {
            let doc = Node::Map(vec![("outer", Node::Map(vec![(text, Node::text(text))]))]);
            let yaml = written(&doc);
            assert_eq!(yaml.lines().count(), 4, "{yaml}");
            let read = crate::yaml::load_all(yaml.as_bytes()).unwrap();
            assert_eq!(read.len(), 1, "{yaml}");
            let inner = read[0]["outer"].as_hash().unwrap();
            let (k, v) = inner.iter().next().unwrap();
            assert_eq!(k.as_str(), Some(text), "{yaml}");
            assert_eq!(v.as_str(), Some(text), "{yaml}");
        }
    }

    #[test]
    fn a_comment_is_one_line_per_line_given() {
        let yaml = written(&Node::Map(vec![]));
        assert!(yaml.starts_with("# a\\ncomment\n---\n{}\n"), "{yaml}");
    }
}
