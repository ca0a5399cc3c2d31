//! The shape of `src/`: the data path runs one way. Every `crate::…` path in a module names a
//! module in its own room or a room before it (text → input → decide → io → client → js), and
//! the modules' references form no cycle.

#[path = "support/module_graph.rs"]
mod module_graph;

use std::fs;

/// The rooms of `src/` in data-path order; a room may name only itself and those before it.
const ROOMS: &[&str] = &["text", "input", "decide", "io", "client", "js"];

fn room(module: &str) -> usize {
    let top = module.split("::").next().unwrap();
    ROOMS.iter().position(|r| *r == top).unwrap_or(usize::MAX)
}

#[test]
fn the_data_path_runs_one_way() {
    let mut graph = module_graph::graph();
    // The crate root wires the rooms together; the allocator names nothing.
    graph.remove("lib");
    graph.remove("allocator");
    let mut upward = Vec::new();
    for (module, named) in &graph {
        for target in named {
            if room(target) > room(module) {
                upward.push(format!("{module} names {target}"));
            }
        }
    }
    assert!(upward.is_empty(), "upward references: {upward:#?}");
    assert!(graph.len() > 20, "only {} modules found", graph.len());
    // No cycle among modules (a module naming itself, e.g. through its own macro, is fine).
    module_graph::assert_acyclic(&graph);
}

#[test]
fn src_has_at_most_eight_rooms() {
    let rooms = fs::read_dir("src").unwrap().count();
    assert!(rooms <= 8, "{rooms} entries in src/");
}
