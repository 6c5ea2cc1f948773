//! The modules of `octavia-pki/src` import each other without a cycle: each
//! can be read, tested and moved knowing only what it imports (ARCHITECTURE's
//! layering). The graph is built from the source text: every `crate::` path
//! outside comments and the `#[cfg(test)] mod tests` tail, resolved to the
//! deepest module it names. A module using its own parent or child is not an
//! edge (a module's submodules are part of it).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every module, by path (`check::rules::expired`), with its source.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            out.insert(parts.join("::"), fs::read_to_string(&path).unwrap());
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The code of a module: no comment lines, no unit-test tail.
fn code(source: &str) -> String {
    // `#[cfg(test)]` then `mod tests` (or `pub(super) mod tests`, shared
    // with a sibling's tests).
    let end = source
        .match_indices("#[cfg(test)]\n")
        .map(|(at, _)| at)
        .find(|&at| {
            let rest = &source[at + "#[cfg(test)]\n".len()..];
            rest.trim_start_matches("pub(super) ")
                .starts_with("mod tests")
        })
        .unwrap_or(source.len());
    source[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a source names through `crate::`, or `super::` from
/// `module` (one level of `{a, b::c}` expanded), each as the segments after
/// `crate`.
fn named_paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    // `super::` of module `a::b` is `a`; of a top-level module, the crate.
    let parent: Vec<String> = {
        let mut segments: Vec<String> = module.split("::").map(str::to_owned).collect();
        segments.pop();
        segments
    };
    let mut starts = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_none_or(|c| !ident(c) && c != ':') {
            starts.push((at + "crate::".len(), Vec::new()));
        }
    }
    for (at, _) in code.match_indices("super::") {
        let before = code[..at].chars().next_back();
        if before.is_none_or(|c| !ident(c) && c != ':') {
            starts.push((at + "super::".len(), parent.clone()));
        }
    }
    let mut out = Vec::new();
    for (start, prefix) in starts {
        let rest = &code[start..];
        let mut segments = prefix;
        let mut tail = rest;
        loop {
            let len = tail.find(|c: char| !ident(c)).unwrap_or(tail.len());
            if len == 0 {
                break;
            }
            segments.push(tail[..len].to_owned());
            tail = &tail[len..];
            match tail.strip_prefix("::") {
                Some(next) => tail = next,
                None => break,
            }
        }
        if let Some(group) = tail.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let first = item.trim().split(|c: char| !ident(c)).next().unwrap_or("");
                if first.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && first != "self" {
                    let mut path = segments.clone();
                    path.push(first.to_owned());
                    out.push(path);
                }
            }
        }
        out.push(segments);
    }
    out
}

/// Module -> the modules it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut graph = BTreeMap::new();
    for (module, source) in &modules {
        let mut edges = BTreeSet::new();
        for path in named_paths(module, &code(source)) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|k| path[..k].join("::"))
                .find(|candidate| modules.contains_key(candidate))
            else {
                continue;
            };
            let related = target == *module
                || target.starts_with(&format!("{module}::"))
                || module.starts_with(&format!("{target}::"))
                || target.is_empty();
            if !related {
                edges.insert(target);
            }
        }
        graph.insert(module.clone(), edges);
    }
    graph
}

/// A cycle through `graph`, if there is one, as the modules in order.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut cycle = path[start..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_modules_import_each_other_without_a_cycle() {
    let graph = graph();
    assert!(
        graph.len() > 40,
        "the walk found the modules: {:?}",
        graph.keys()
    );
    assert!(
        graph["check"].contains("load") && graph["load"].contains("sources"),
        "the graph has the edges the code has: {:?}",
        graph["check"]
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules import each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in pairs {
            graph
                .entry((*from).into())
                .or_default()
                .insert((*to).into());
            graph.entry((*to).into()).or_default();
        }
        graph
    };
    assert_eq!(find_cycle(&edges(&[("a", "b"), ("b", "c")])), None);
    assert_eq!(
        find_cycle(&edges(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let owned = |path: &[&str]| path.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        named_paths(
            "x509::issuer",
            "use crate::codes::{check as codes, Severity};\nlet x = crate::fsio::read(p);\nuse super::path::Budget;"
        ),
        vec![
            owned(&["codes", "check"]),
            owned(&["codes"]),
            owned(&["fsio", "read"]),
            owned(&["x509", "path", "Budget"]),
        ]
    );
}
