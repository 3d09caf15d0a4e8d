//! The layers are crates, and this test holds their edges: a crate that gains a dependency on
//! another of ours outside its row (a reader importing the judge, a writer importing a reader)
//! fails here, even where the compiler would accept it. ARCHITECTURE.md draws the same picture.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Each crate of ours and the crates of ours it may depend on (normal, dev or build).
const ALLOWED: &[(&str, &[&str])] = &[
    ("why401-model", &[]),
    ("why401-redact", &["why401-model"]),
    ("why401-read", &["why401-model"]),
    ("why401-judge", &["why401-model", "why401-redact"]),
    ("why401-report", &["why401-model", "why401-redact"]),
    (
        "why401",
        &[
            "why401-model",
            "why401-redact",
            "why401-read",
            "why401-judge",
            "why401-report",
        ],
    ),
];

/// The workspace's packages and the crates of ours each depends on, from `cargo metadata`.
fn workspace_edges() -> BTreeMap<String, BTreeSet<String>> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let ours: BTreeSet<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    packages
        .iter()
        .map(|package| {
            let name = package["name"].as_str().expect("name").to_owned();
            let deps = package["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter_map(|d| d["name"].as_str())
                .filter(|d| ours.contains(d))
                .map(str::to_owned)
                .collect();
            (name, deps)
        })
        .collect()
}

#[test]
fn every_crate_depends_only_on_the_crates_of_its_row() {
    let edges = workspace_edges();
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(name, deps)| (*name, deps.iter().copied().collect()))
        .collect();
    for (name, deps) in &edges {
        let Some(row) = allowed.get(name.as_str()) else {
            panic!("crate {name} has no row in ALLOWED (and ARCHITECTURE.md): give it one");
        };
        let outside: Vec<&String> = deps.iter().filter(|d| !row.contains(d.as_str())).collect();
        assert!(
            outside.is_empty(),
            "{name} depends on {outside:?}, outside its row {row:?}"
        );
    }
}

#[test]
fn every_row_names_a_crate_of_the_workspace() {
    let edges = workspace_edges();
    for (name, _) in ALLOWED {
        assert!(
            edges.contains_key(*name),
            "ALLOWED names {name}, which the workspace lacks"
        );
    }
    // The binary crate is the only one that sees every layer.
    assert_eq!(edges["why401"].len(), ALLOWED.len() - 1);
}
