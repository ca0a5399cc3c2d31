//! The shape of `src/`: a request runs one way through the house. Every `crate::…` path in a
//! module names a module in its own room or a room after it, in the order a request travels
//! (main → cli → server → route → handlers → http → model), and the modules' references form
//! no cycle. So the model at the bottom names nothing above it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The rooms of `src/` in the order a request travels; a room may name only itself and those
/// after it.
const ROOMS: &[&str] = &[
    "main", "cli", "server", "route", "handlers", "http", "model",
];

/// The module path of a source file (`src/server/fault.rs` → `server::fault`).
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

fn room(module: &str) -> usize {
    let top = module.split("::").next().unwrap();
    ROOMS.iter().position(|r| *r == top).unwrap_or(usize::MAX)
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
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

#[test]
fn a_request_runs_one_way() {
    let graph = graph();
    assert!(graph.len() > 25, "only {} modules found", graph.len());
    let mut upward = Vec::new();
    for (module, named) in &graph {
        assert_ne!(room(module), usize::MAX, "{module} is in no room");
        for target in named {
            if room(target) < room(module) {
                upward.push(format!("{module} names {target}"));
            }
        }
    }
    assert!(upward.is_empty(), "references against the way: {upward:#?}");
    // The check sees what it must: the server reaches the model, a handler the model.
    assert!(graph["server::fault"].contains("model::faults"));
    assert!(
        graph["route"].contains("handlers::v2"),
        "braced groups count"
    );

    // No cycle among modules (a module naming itself, or its parent, is fine).
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
        visit(node, &graph, &mut state, &mut Vec::new());
    }
}

#[test]
fn every_entry_of_src_is_a_room() {
    for entry in fs::read_dir("src").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            ROOMS.contains(&name.as_str()),
            "{} is not a room",
            path.display()
        );
    }
}
