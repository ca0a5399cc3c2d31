//! The shape of `src/`: a request runs one way through the house. Every `crate::…` path in a
//! module names a module in its own room or a room after it, in the order a request travels
//! (main → cli → server → route → handlers → http → model), and the modules' references form
//! no cycle. So the model at the bottom names nothing above it.

#[path = "../../tests/support/module_graph.rs"]
mod module_graph;

use std::fs;

/// The rooms of `src/` in the order a request travels; a room may name only itself and those
/// after it.
const ROOMS: &[&str] = &[
    "main", "cli", "server", "route", "handlers", "http", "model",
];

fn room(module: &str) -> usize {
    let top = module.split("::").next().unwrap();
    ROOMS.iter().position(|r| *r == top).unwrap_or(usize::MAX)
}

#[test]
fn a_request_runs_one_way() {
    let graph = module_graph::graph();
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
    module_graph::assert_acyclic(&graph);
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
