//! The module graph of a crate's `src/`, read as text, for the layer tests of this crate
//! (`tests/layers.rs`) and of the emulator (`emulator/tests/layers.rs`, through `#[path]`):
//! which modules each module names through `crate::`, and a check that the names form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The module path of a source file (`src/io/delivery.rs` → `io::delivery`).
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix("src").unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The longest known module a `::`-separated path starts with.
fn resolve(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    while !parts.is_empty() && !modules.contains(&parts.join("::")) {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join("::"))
}

/// Every module a file names through `crate::` (in `use` lines, with braced groups such as
/// `crate::handlers::{v1, v2}`, and in inline paths).
fn references(source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let prefix: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let tail = &after[prefix.len()..];
            if let Some(group) = tail.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                for item in inner.split(',') {
                    let item = item.trim();
                    let item = if item == "self" { "" } else { item };
                    found.extend(resolve(&format!("{prefix}{item}"), modules));
                }
            } else {
                found.extend(resolve(&prefix, modules));
            }
            rest = after;
        }
    }
    found
}

/// Every module of `src/` (run from the crate's root) and the modules it names.
pub fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    files
        .iter()
        .map(|file| {
            let source = fs::read_to_string(file).unwrap();
            (module_of(file), references(&source, &modules))
        })
        .collect()
}

/// Panics with the path of the first cycle among the modules (a module naming itself, or its
/// parent, is not one).
pub fn assert_acyclic(graph: &BTreeMap<String, BTreeSet<String>>) {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) {
        match state.get(node) {
            Some(2) => return,
            Some(1) => panic!("import cycle: {} → {node}", path.join(" → ")),
            _ => {}
        }
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if next != node && !node.starts_with(&format!("{next}::")) {
                visit(next, graph, state, path);
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        visit(node, graph, &mut state, &mut Vec::new());
    }
}
