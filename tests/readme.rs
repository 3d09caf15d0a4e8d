//! The README is part of the contract: its table of detail codes is the crate's table, and
//! the two set-up commands are the ones CI runs.

use std::collections::BTreeSet;

use why401::diagnose::{details, providers};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README")
}

fn documented_details() -> BTreeSet<String> {
    readme()
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_provider_detail_has_a_readme_row() {
    let documented = documented_details();
    for (row, _) in providers::table_rows() {
        assert!(
            documented.contains(row.detail),
            "detail {} (provider table) has no README row",
            row.detail
        );
    }
}

/// The README's table of detail codes is `details.tsv`, row for row: code, cause, meaning.
/// (Rules return a typed `Detail`, so every code they can emit is a row of that table.)
#[test]
fn the_readme_detail_table_is_the_details_table() {
    let text = readme();
    let documented: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "### Detail codes")
        .skip_while(|l| !l.starts_with("| `"))
        .take_while(|l| l.starts_with("| `"))
        .collect();
    let table: Vec<String> = details::rows()
        .map(|r| format!("| `{}` | {} | {} |", r.code, r.cause, r.meaning))
        .collect();
    assert_eq!(documented, table);
}

#[test]
fn readme_opens_with_the_two_commands_ci_runs() {
    let text = readme();
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        text.contains("cargo run --release -- analyze --profile samples/profile.toml samples/")
    );
    assert!(text.contains("cargo test"));
    assert!(ci.contains("cargo test"));
    assert!(ci.contains("analyze --profile samples/profile.toml samples/"));
}
