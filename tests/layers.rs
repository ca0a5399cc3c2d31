//! The shape of `src/`: the data path runs one way. Every `crate::…` path in a module names a
//! module in its own room or a room before it (text → input → decide → io → client → js), and
//! the modules' references form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The rooms of `src/` in data-path order; a room may name only itself and those before it.
const ROOMS: &[&str] = &["text", "input", "decide", "io", "client", "js"];

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

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every module a file names through `crate::` (in `use` lines and inline paths), resolved to
/// the longest known module path.
fn references(source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            // `use crate::{a, b::c}`: each braced item is a path of its own.
            let path: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            while !parts.is_empty() && !modules.contains(&parts.join("::")) {
                parts.pop();
            }
            if !parts.is_empty() {
                found.insert(parts.join("::"));
            } else if after.starts_with('{') {
                let inner = &after[1..after.find('}').unwrap_or(after.len())];
                for item in inner.split(',') {
                    let mut parts: Vec<&str> = item.trim().split("::").collect();
                    while !parts.is_empty() && !modules.contains(&parts.join("::")) {
                        parts.pop();
                    }
                    if !parts.is_empty() {
                        found.insert(parts.join("::"));
                    }
                }
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

#[test]
fn the_data_path_runs_one_way() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" || module == "allocator" {
            continue; // the crate root wires the rooms together; the allocator names nothing
        }
        let named = references(&fs::read_to_string(file).unwrap(), &modules);
        for target in &named {
            if room(target) > room(&module) {
                upward.push(format!("{module} names {target}"));
            }
        }
        graph.insert(module, named);
    }
    assert!(upward.is_empty(), "upward references: {upward:#?}");
    assert!(graph.len() > 20, "only {} modules found", graph.len());

    // No cycle among modules (a module naming itself, e.g. through its own macro, is fine).
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
fn src_has_at_most_eight_rooms() {
    let rooms = fs::read_dir("src").unwrap().count();
    assert!(rooms <= 8, "{rooms} entries in src/");
}
