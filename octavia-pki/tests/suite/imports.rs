//! The files of both crates import each other without a circle, and the
//! library's files import each item from the module that defines it, never
//! through the crate root's re-exports: each file can be read, tested and
//! moved knowing only what it imports (ARCHITECTURE's layering), and the
//! lowest files do not depend on `lib.rs`, which depends on every command.
//!
//! The graph is read from the source text, file by file, without compiling:
//! a module's `mod.rs` and its children are distinct files. An edge is a path
//! outside comments, strings and `#[cfg(test)]` items (unit tests, their
//! fixtures and test-only files build nothing that ships) that names another
//! file of the same crate: `crate::a::b::C` reaches the file of the deepest
//! module it names (`a/b.rs` or `a/b/mod.rs`), `super::x` the parent's file,
//! `self::c::x` or `c::x` a child's (or, `c` a module a `use` named, that
//! module's), in `use` items (`{a, b::{c}}` groups) and in code alike
//! (`crate::fsio::exists(..)`); and a macro a file invokes by name reaches
//! the file whose `macro_rules!` defines it. An import is of the item, so it
//! is followed through re-exports (`pub use`, `pub(crate) use`, and a
//! parent's private `use` a child names through `super::`) to the file that
//! defines the item; a re-export itself only publishes (a `mod.rs` that
//! re-exports its children does not depend on them), unless the file's
//! code uses the name too. Each crate is its own tree: the CLI's
//! `octavia_pki::` paths are not edges within it.
//!
//! Doc comments are not code, but an intra-doc link through a root
//! re-export (`[x](crate::Error)`) is judged as an import of it: rustdoc
//! resolves it through `lib.rs`, and the reader should be sent to where the
//! item is defined (`crate::error::Error`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A token of Rust source, comments and literals left out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// A source's tokens, and the text of its doc comments. Strings, characters
/// and comments are dropped; lifetimes too.
fn tokenize(source: &str) -> (Vec<Tok>, Vec<String>) {
    let c: Vec<char> = source.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let ident_start = |ch: char| ch.is_alphabetic() || ch == '_';
    let ident_char = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut toks = Vec::new();
    let mut docs = Vec::new();
    let mut i = 0;
    // Skips a string from its opening quote at `i`: raw with `hashes` `#`s, or
    // with escapes.
    let skip_string = |mut i: usize, raw: Option<usize>| -> usize {
        i += 1;
        match raw {
            Some(hashes) => loop {
                if i >= c.len() {
                    return i;
                }
                if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    return i + 1 + hashes;
                }
                i += 1;
            },
            None => loop {
                match at(i) {
                    '\0' if i >= c.len() => return i,
                    '\\' => i += 2,
                    '"' => return i + 1,
                    _ => i += 1,
                }
            },
        }
    };
    // Skips a character literal from its opening quote at `i`.
    let skip_char = |mut i: usize| -> usize {
        i += 1;
        loop {
            match at(i) {
                '\0' if i >= c.len() => return i,
                '\\' => i += 2,
                '\'' => return i + 1,
                _ => i += 1,
            }
        }
    };
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && at(i + 1) == '/' {
            let end = (i..c.len()).find(|&k| c[k] == '\n').unwrap_or(c.len());
            let text: String = c[i..end].iter().collect();
            if (text.starts_with("///") && !text.starts_with("////")) || text.starts_with("//!") {
                docs.push(text[3..].to_owned());
            }
            i = end;
        } else if ch == '/' && at(i + 1) == '*' {
            let doc = matches!(at(i + 2), '*' | '!') && at(i + 3) != '/';
            let start = i;
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            if doc {
                docs.push(c[start..i].iter().collect());
            }
        } else if ch == '"' {
            i = skip_string(i, None);
        } else if ch == '\'' {
            if at(i + 1) == '\\' || at(i + 2) == '\'' {
                i = skip_char(i);
            } else {
                // A lifetime or a label.
                i += 1;
                while ident_char(at(i)) {
                    i += 1;
                }
            }
        } else if ident_start(ch) {
            let start = i;
            while ident_char(at(i)) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let hashes = (i..).take_while(|&k| at(k) == '#').count();
            match word.as_str() {
                "r" | "br" | "cr" if at(i + hashes) == '"' => {
                    i = skip_string(i + hashes, Some(hashes));
                }
                "b" | "c" if at(i) == '"' => i = skip_string(i, None),
                "b" if at(i) == '\'' => i = skip_char(i),
                "r" if hashes == 1 && ident_start(at(i + 1)) => {
                    // A raw identifier, `r#type`.
                    let start = i + 1;
                    i = start;
                    while ident_char(at(i)) {
                        i += 1;
                    }
                    toks.push(Tok::Ident(c[start..i].iter().collect()));
                }
                _ => toks.push(Tok::Ident(word)),
            }
        } else if ch.is_ascii_digit() {
            while ident_char(at(i)) {
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            toks.push(Tok::PathSep);
            i += 2;
        } else {
            if !ch.is_whitespace() {
                toks.push(Tok::Punct(ch));
            }
            i += 1;
        }
    }
    (toks, docs)
}

fn is_punct(tok: Option<&Tok>, ch: char) -> bool {
    tok == Some(&Tok::Punct(ch))
}

fn is_ident(tok: Option<&Tok>, word: &str) -> bool {
    matches!(tok, Some(Tok::Ident(w)) if w == word)
}

/// The index after the balanced group that opens at `i` (`(`, `[` or `{`).
fn skip_group(toks: &[Tok], mut i: usize) -> usize {
    let mut depth = 0i32;
    while i < toks.len() {
        match toks[i] {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// `toks` without the items under `#[cfg(test)]` (unit tests, their
/// fixtures and the `use`s that serve them): they build no dependency of the
/// code that ships.
fn without_test_items(toks: &[Tok]) -> Vec<Tok> {
    let cfg_test = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i..].starts_with(&cfg_test) {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        i += cfg_test.len();
        // Other attributes of the same item.
        while is_punct(toks.get(i), '#') && is_punct(toks.get(i + 1), '[') {
            i = skip_group(toks, i + 1);
        }
        // The item: to its `;`, or to the brace that closes its body.
        let mut depth = 0i32;
        while i < toks.len() {
            match toks[i] {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    depth -= 1;
                    if depth < 0 {
                        break;
                    }
                    if depth == 0 && toks[i] == Tok::Punct('}') {
                        i += 1;
                        if is_punct(toks.get(i), ';') {
                            i += 1;
                        }
                        break;
                    }
                }
                Tok::Punct(';') if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// A path a `use` tree or an expression names, as its segments, with the
/// name `as` gives it.
type Named = (Vec<String>, Option<String>);

/// The paths of a path expression or `use` tree starting at `i` (`a::{b,
/// c::{d, e as f}}` is `a::b`, `a::c::d` and `a::c::e` named `f`; a group's
/// `self` is the path before it), and the index after it.
fn read_tree(toks: &[Tok], mut i: usize) -> (Vec<Named>, usize) {
    let mut segments = Vec::new();
    loop {
        match toks.get(i) {
            Some(Tok::Ident(word)) => {
                segments.push(word.clone());
                i += 1;
            }
            Some(Tok::Punct('{')) => {
                let mut out = Vec::new();
                i += 1;
                while i < toks.len() && !is_punct(toks.get(i), '}') {
                    let (paths, next) = read_tree(toks, i);
                    for (path, name) in paths {
                        let mut full = segments.clone();
                        full.extend(path.into_iter().filter(|s| s != "self"));
                        out.push((full, name));
                    }
                    i = next;
                    // A glob, then the separator.
                    while i < toks.len() && !matches!(toks[i], Tok::Punct(',' | '}')) {
                        i += 1;
                    }
                    if is_punct(toks.get(i), ',') {
                        i += 1;
                    }
                }
                return (out, i + 1);
            }
            _ => break,
        }
        if toks.get(i) != Some(&Tok::PathSep) {
            break;
        }
        i += 1;
    }
    let mut name = None;
    if let (true, Some(Tok::Ident(renamed))) = (is_ident(toks.get(i), "as"), toks.get(i + 1)) {
        name = Some(renamed.clone());
        i += 2;
    }
    (vec![(segments, name)], i)
}

/// One file of a crate.
struct File {
    /// Relative to the crate's directory (`src/codes/check.rs`).
    path: String,
    /// Its module (`["codes", "check"]`; the crate root's is empty).
    module: Vec<String>,
    /// Its code: tokens without `#[cfg(test)]` items.
    toks: Vec<Tok>,
    /// The text of its doc comments.
    docs: Vec<String>,
    /// The modules it declares in files of their own (`mod x;`).
    children: BTreeSet<String>,
}

/// The directory a file's child modules live in: beside `lib.rs`,
/// `main.rs` and `mod.rs`, else in a directory named as the file.
fn children_dir(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap().to_string_lossy();
    if ["lib.rs", "main.rs", "mod.rs"].contains(&name.as_ref()) {
        path.parent().unwrap().to_owned()
    } else {
        path.with_extension("")
    }
}

/// A crate's files, by module, found from its root file (`src/lib.rs`,
/// `src/main.rs`) through its `mod x;` declarations (a test-only module's
/// file is not code); `read` gives a file's source, `None` if there is none.
fn crate_files(root: &str, read: &dyn Fn(&Path) -> Option<String>) -> BTreeMap<Vec<String>, File> {
    let mut files = BTreeMap::new();
    let mut pending = vec![(Path::new("src").join(root), Vec::new())];
    while let Some((path, module)) = pending.pop() {
        let source = read(&path).unwrap_or_else(|| panic!("cannot read {}", path.display()));
        let (toks, docs) = tokenize(&source);
        let toks = without_test_items(&toks);
        let mut children = BTreeSet::new();
        for i in 0..toks.len() {
            if let (Tok::Ident(word), Some(Tok::Ident(name))) = (&toks[i], toks.get(i + 1))
                && word == "mod"
                && is_punct(toks.get(i + 2), ';')
            {
                children.insert(name.clone());
                let stem = children_dir(&path).join(name);
                let file = [stem.with_extension("rs"), stem.join("mod.rs")]
                    .into_iter()
                    .find(|f| read(f).is_some())
                    .unwrap_or_else(|| panic!("{}: no file for mod {name}", path.display()));
                let mut child = module.clone();
                child.push(name.clone());
                pending.push((file, child));
            }
        }
        files.insert(
            module.clone(),
            File {
                path: path.to_string_lossy().into_owned(),
                module,
                toks,
                docs,
                children,
            },
        );
    }
    files
}

/// A path a file names that reaches a file of its crate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    /// The module of the file it reaches.
    to: Vec<String>,
    /// The first segment after that module, when there is one (the item:
    /// `Error` of `crate::Error`).
    item: Option<String>,
}

/// What a file names of its crate.
#[derive(Default)]
struct Names {
    /// What its code imports: paths in code and in `use` items, macros
    /// invoked by name, as named (before re-exports are followed).
    uses: BTreeSet<Import>,
    /// The names its `use` items bring into its module, each with the path
    /// from the crate root of what it stands for: the names it re-exports,
    /// and private ones, which a child may name through `super::`.
    in_scope: BTreeMap<String, Vec<String>>,
    /// Of those, the names it re-exports (`pub use`, `pub(crate) use`).
    re_exported: BTreeSet<String>,
    /// Everything it names by path, re-exports included.
    named: BTreeSet<Import>,
}

/// The module a path names from the crate root, as `file` names it in
/// `scope` (the file's module, or an inline module within it): `crate::`,
/// `self::`, `super::`, a child module, or a module a `use` named
/// (`aliases`); `None` for anything else (another crate, a local item).
fn resolve(
    file: &File,
    path: &[String],
    scope: &[String],
    aliases: &BTreeMap<String, Vec<String>>,
) -> Option<Vec<String>> {
    let (first, mut rest) = path.split_first()?;
    let mut base = match first.as_str() {
        "crate" => Vec::new(),
        "self" => scope.to_vec(),
        "super" => {
            let mut base = scope.to_vec();
            base.pop()?;
            base
        }
        name if scope == file.module && file.children.contains(name) => {
            let mut base = scope.to_vec();
            base.push(name.to_owned());
            base
        }
        name if aliases.contains_key(name) => aliases[name].clone(),
        _ => return None,
    };
    while let Some((segment, tail)) = rest.split_first() {
        if segment != "super" {
            break;
        }
        base.pop()?;
        rest = tail;
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The file a path from the crate root reaches: its deepest module that is
/// a file, and the item after it.
fn import_of(files: &BTreeMap<Vec<String>, File>, full: &[String]) -> Import {
    let depth = (0..=full.len())
        .rev()
        .find(|&k| files.contains_key(&full[..k]))
        .expect("the crate root is a file");
    Import {
        to: full[..depth].to_vec(),
        item: full.get(depth).cloned(),
    }
}

/// Whether the `use` at `i` is a re-export: `pub use`, `pub(crate) use`.
fn is_re_export(toks: &[Tok], i: usize) -> bool {
    match i.checked_sub(1).map(|k| &toks[k]) {
        Some(Tok::Ident(word)) => word == "pub",
        Some(Tok::Punct(')')) => {
            let open = (0..i - 1).rev().find(|&k| is_punct(toks.get(k), '('));
            open.is_some_and(|k| k > 0 && is_ident(toks.get(k - 1), "pub"))
        }
        _ => false,
    }
}

/// What `file` names of its crate (`macros`: each macro's defining files).
fn names(
    file: &File,
    files: &BTreeMap<Vec<String>, File>,
    macros: &BTreeMap<String, BTreeSet<Vec<String>>>,
) -> Names {
    let toks = &file.toks;
    // The names `use` items give modules (`use crate::codes::check as
    // codes;`), so that `codes::X` reaches `codes/check.rs`.
    let mut aliases = BTreeMap::new();
    for i in 0..toks.len() {
        if is_ident(toks.get(i), "use") {
            for (path, name) in read_tree(toks, i + 1).0 {
                if let Some(full) = resolve(file, &path, &file.module, &BTreeMap::new())
                    && files.contains_key(&full)
                    && let Some(name) = name.or_else(|| full.last().cloned())
                {
                    aliases.insert(name, full);
                }
            }
        }
    }

    let mut out = Names::default();
    // The inline modules the walk is in, with the brace depth each opened at.
    let mut inline: Vec<(String, i32)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < toks.len() {
        let word = match &toks[i] {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
                continue;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
                i += 1;
                continue;
            }
            Tok::Ident(word) => word,
            _ => {
                i += 1;
                continue;
            }
        };
        if word == "mod"
            && let (Some(Tok::Ident(name)), true) =
                (toks.get(i + 1), is_punct(toks.get(i + 2), '{'))
        {
            inline.push((name.clone(), depth + 1));
        }
        let after_sep = i > 0 && toks[i - 1] == Tok::PathSep;
        if !after_sep && word != "macro_rules" && is_punct(toks.get(i + 1), '!') {
            let defining = macros.get(word).cloned().unwrap_or_default();
            if !defining.contains(&file.module) {
                for module in defining {
                    out.uses.insert(Import {
                        to: module,
                        item: Some(word.clone()),
                    });
                }
            }
        }
        let re_export = word == "use" && is_re_export(toks, i);
        let start = if word == "use" { i + 1 } else { i };
        if after_sep || (word != "use" && toks.get(i + 1) != Some(&Tok::PathSep)) {
            i += 1;
            continue;
        }
        let mut scope = file.module.clone();
        scope.extend(inline.iter().map(|(name, _)| name.clone()));
        let (paths, end) = read_tree(toks, start);
        // Whether the file's code names `name` outside this path: not as a
        // method, a field, a later segment of a path, a declaration, or the
        // child module of that name (`mod recover;`, `recover::...`).
        let code_names = |name: &str| {
            (0..toks.len()).any(|k| {
                let before = k.checked_sub(1).map(|b| &toks[b]);
                let declared = [
                    "mod", "fn", "struct", "enum", "const", "static", "type", "let",
                ]
                .iter()
                .any(|w| is_ident(before, w));
                let child_path =
                    file.children.contains(name) && toks.get(k + 1) == Some(&Tok::PathSep);
                (k < i || k >= end)
                    && is_ident(toks.get(k), name)
                    && !declared
                    && !child_path
                    && !is_punct(before, '.')
                    && before != Some(&Tok::PathSep)
                    && !is_punct(toks.get(k + 1), ':')
            })
        };
        for (path, name) in paths {
            let Some(full) = resolve(file, &path, &scope, &aliases) else {
                continue;
            };
            let import = import_of(files, &full);
            out.named.insert(import.clone());
            if import.to == file.module {
                continue;
            }
            let name = name.or_else(|| full.last().cloned()).unwrap_or_default();
            if word == "use" && import.item.is_some() {
                out.in_scope.insert(name.clone(), full);
                if re_export {
                    out.re_exported.insert(name.clone());
                }
            }
            // A re-export only publishes: the file depends on the item when
            // its code names it too, or when the path names no item (a
            // module, or a path a macro completes).
            if !re_export || import.item.is_none() || code_names(&name) {
                out.uses.insert(import);
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// One crate's files and what each names.
struct Crate {
    files: BTreeMap<Vec<String>, File>,
    names: BTreeMap<Vec<String>, Names>,
}

impl Crate {
    /// The crate whose files `read` gives, rooted at `root`.
    fn read(root: &str, read: &dyn Fn(&Path) -> Option<String>) -> Crate {
        let files = crate_files(root, read);
        let mut macros: BTreeMap<String, BTreeSet<Vec<String>>> = BTreeMap::new();
        for file in files.values() {
            for pair in file.toks.windows(3) {
                if let [Tok::Ident(word), Tok::Punct('!'), Tok::Ident(name)] = pair
                    && word == "macro_rules"
                {
                    macros
                        .entry(name.clone())
                        .or_default()
                        .insert(file.module.clone());
                }
            }
        }
        let names = files
            .iter()
            .map(|(module, file)| (module.clone(), names(file, &files, &macros)))
            .collect();
        Crate { files, names }
    }

    fn path(&self, module: &[String]) -> &str {
        &self.files[module].path
    }

    /// The file that defines what `import` names: re-exports followed.
    fn defining(&self, mut import: Import) -> Import {
        for _ in 0..16 {
            let Some(item) = &import.item else { break };
            let Some(full) = self.names[&import.to].in_scope.get(item) else {
                break;
            };
            import = import_of(&self.files, full);
        }
        import
    }

    /// The items `lib.rs` re-exports (`pub use a::{B, c as D}`: `B`, `D`).
    fn root_re_exports(&self) -> BTreeSet<String> {
        self.names[&Vec::new()].re_exported.clone()
    }

    /// Each root re-export a file other than the root imports, as
    /// `(file, item)`: by path in code, or as the target of a doc link.
    fn root_re_export_imports(&self) -> BTreeSet<(String, String)> {
        let re_exports = self.root_re_exports();
        let mut out = BTreeSet::new();
        for (module, names) in &self.names {
            for import in &names.named {
                if let (true, Some(item)) = (import.to.is_empty(), &import.item)
                    && re_exports.contains(item)
                {
                    out.insert((self.path(module).to_owned(), item.clone()));
                }
            }
        }
        for file in self.files.values().filter(|f| !f.module.is_empty()) {
            let prefixes: &[&str] = if file.module.len() == 1 {
                &["crate::", "super::"]
            } else {
                &["crate::"]
            };
            for doc in &file.docs {
                for prefix in prefixes {
                    for (at, _) in doc.match_indices(prefix) {
                        let before = doc[..at].chars().next_back();
                        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                            continue;
                        }
                        let rest = &doc[at + prefix.len()..];
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        // `crate::generate::...` is the module, not the function.
                        let module = rest[name.len()..].starts_with("::")
                            && self.files.contains_key(&vec![name.clone()]);
                        if re_exports.contains(&name) && !module {
                            out.insert((file.path.clone(), name));
                        }
                    }
                }
            }
        }
        out
    }

    /// File -> the files whose items it uses, re-exports followed to the
    /// file that defines the item (so an import through a root re-export,
    /// which the other test judges, reaches the item's file, not `lib.rs`).
    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut graph = BTreeMap::new();
        for (module, names) in &self.names {
            let from = self.path(module).to_owned();
            let edges = names
                .uses
                .iter()
                .map(|import| self.defining(import.clone()).to)
                .filter(|to| to != module)
                .map(|to| self.path(&to).to_owned())
                .collect();
            graph.insert(from, edges);
        }
        graph
    }
}

/// The circles in `graph`, each as the files in order, the first again at
/// the end: for each file in a circle (a strongly connected component of
/// more than one file), the shortest circle through it, unless one printed
/// already passes through it.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str, to: &str| -> Option<Vec<String>> {
        // The shortest way from `from` to `to`, breadth first.
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(v) = queue.pop_front() {
            for w in graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if w == to {
                    let mut back = vec![to.to_owned()];
                    let mut at = v;
                    while at != from {
                        back.push(at.to_owned());
                        at = previous[at];
                    }
                    back.push(from.to_owned());
                    back.reverse();
                    return Some(back);
                }
                if w != from && !previous.contains_key(w) {
                    previous.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        None
    };
    let mut covered = BTreeSet::new();
    let mut out = Vec::new();
    for file in graph.keys() {
        if covered.contains(file) {
            continue;
        }
        if let Some(cycle) = reach(file, file) {
            covered.extend(cycle.iter().cloned());
            out.push(cycle);
        }
    }
    out
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The crate in the workspace's directory `dir`.
fn on_disk(dir: &str, root: &str) -> Crate {
    let dir = workspace().join(dir);
    Crate::read(root, &|path| fs::read_to_string(dir.join(path)).ok())
}

fn library() -> Crate {
    on_disk("octavia-pki", "lib.rs")
}

fn cli() -> Crate {
    on_disk("octavia-pki-cli", "main.rs")
}

/// The circles of a crate, one per line, with the crate's directory.
fn circles(krate: &Crate, dir: &str) -> Vec<String> {
    cycles(&krate.graph())
        .iter()
        .map(|cycle| {
            cycle
                .iter()
                .map(|f| format!("{dir}/{f}"))
                .collect::<Vec<_>>()
                .join(" -> ")
        })
        .collect()
}

#[test]
fn the_files_of_both_crates_import_each_other_without_a_circle() {
    let library = library();
    let cli = cli();
    let edge = |krate: &Crate, from: &str, to: &str| krate.graph()[from].contains(to);
    assert!(
        library.files.len() > 80 && cli.files.len() > 15,
        "the walk found the files: {} and {}",
        library.files.len(),
        cli.files.len()
    );
    assert!(
        edge(&library, "src/check/mod.rs", "src/load/mod.rs")
            && edge(&library, "src/fsio/write.rs", "src/fsio/mod.rs")
            && edge(&cli, "src/check.rs", "src/output.rs"),
        "the graphs have the edges the code has"
    );
    let mut found = circles(&library, "octavia-pki");
    found.extend(circles(&cli, "octavia-pki-cli"));
    assert!(
        found.is_empty(),
        "files import each other in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_library_imports_no_root_re_export_from_below() {
    let forbidden: Vec<String> = library()
        .root_re_export_imports()
        .iter()
        .map(|(file, item)| format!("octavia-pki/{file}: crate::{item}"))
        .collect();
    assert!(
        forbidden.is_empty(),
        "import these from the module that defines them, not through lib.rs's re-exports:\n{}",
        forbidden.join("\n")
    );
}

/// A crate made of `files` (path under `src/`, source).
fn crate_of(files: &[(&str, &str)]) -> Crate {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, source)| (Path::new("src").join(path), (*source).to_owned()))
        .collect();
    Crate::read("lib.rs", &|path| files.get(path).cloned())
}

#[test]
fn the_reader_finds_each_kind_of_import_and_nothing_else() {
    let krate = crate_of(&[
        (
            "lib.rs",
            "mod a; mod b; mod c; mod d; #[cfg(test)] mod t;\npub use a::{Alpha, x::X as Ex};\n",
        ),
        (
            "a/mod.rs",
            "pub(crate) mod x;\npub mod y;\npub use x::{X, Gamma};\npub(crate) use x::Delta as D;\npub struct Alpha;\npub(crate) fn f() { x::g() }\n",
        ),
        (
            "a/x.rs",
            "use super::Alpha;\npub struct X;\npub fn g() {}\npub struct Gamma;\npub struct Delta;\n",
        ),
        (
            "a/y.rs",
            "// use crate::b::Gone;\nconst S: &str = \"crate::c::Str\";\nconst R: &str = r#\"crate::c::\"Raw\"#;\nfn f<'a>(_: &'a str) -> char { crate::d::run(); 'x' }\n",
        ),
        (
            "b.rs",
            "use crate::{a::{self, x::{X}}, Ex};\nuse super::a::Gamma;\n/// [`Alpha`](crate::Alpha)\npub struct B;\n",
        ),
        (
            "c.rs",
            "use crate::a::x as ax;\nfn f() { ax::g(); }\nmacro_rules! m { () => {} }\n#[cfg(test)]\nmod tests { use crate::b::B; }\n",
        ),
        ("d.rs", "pub fn run() { m!(); let _ = crate::a::D; }\n"),
        ("t.rs", "use crate::b::B;\n"),
    ]);
    let uses = |module: &[&str]| -> Vec<String> {
        let module: Vec<String> = module.iter().map(|s| (*s).to_owned()).collect();
        krate.names[&module]
            .uses
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    krate.path(&i.to),
                    i.item.clone().unwrap_or_default()
                )
            })
            .collect()
    };
    let graph = krate.graph();
    let edges = |file: &str| graph[file].iter().cloned().collect::<Vec<_>>();
    assert_eq!(
        uses(&["a"]),
        ["src/a/x.rs g"],
        "a child, by relative path; no re-export"
    );
    assert_eq!(
        uses(&["a", "x"]),
        ["src/a/mod.rs Alpha"],
        "super: the parent's file"
    );
    assert_eq!(
        uses(&["a", "y"]),
        ["src/d.rs run"],
        "code, not comments or strings"
    );
    assert_eq!(
        uses(&["b"]),
        [
            "src/lib.rs Ex",
            "src/a/mod.rs ",
            "src/a/mod.rs Gamma",
            "src/a/x.rs X"
        ],
        "nested groups, self, super from the top, a root re-export"
    );
    assert_eq!(
        edges("src/b.rs"),
        ["src/a/mod.rs", "src/a/x.rs"],
        "re-exports followed to the file that defines the item"
    );
    assert_eq!(
        uses(&["c"]),
        ["src/a/x.rs ", "src/a/x.rs g"],
        "an alias; no test items"
    );
    assert_eq!(
        uses(&["d"]),
        ["src/a/mod.rs D", "src/c.rs m"],
        "a macro by name"
    );
    assert_eq!(
        edges("src/d.rs"),
        ["src/a/x.rs", "src/c.rs"],
        "a pub(crate) use, renamed, followed"
    );
    assert!(
        !krate.files.contains_key(&vec!["t".to_owned()]),
        "a test-only file"
    );
    assert_eq!(
        krate.root_re_exports(),
        ["Alpha", "Ex"].map(String::from).into_iter().collect(),
    );
    assert_eq!(
        krate.root_re_export_imports(),
        [("src/b.rs", "Alpha"), ("src/b.rs", "Ex")]
            .map(|(f, i)| (f.to_owned(), i.to_owned()))
            .into_iter()
            .collect(),
        "by path and by doc link"
    );
    assert_eq!(
        circles(&krate, "x"),
        ["x/src/a/mod.rs -> x/src/a/x.rs -> x/src/a/mod.rs"]
    );
}
