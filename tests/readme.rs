//! The README is part of the contract: every detail code the crate can emit has a row in its
//! table, and the two set-up commands are the ones CI runs.

use std::collections::BTreeSet;

use why401::diagnose::providers;

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

#[test]
fn every_detail_code_has_a_readme_row_with_its_cause() {
    let text = readme();
    for (detail, cause) in why401::diagnose::details::DETAILS {
        let row = format!("| `{detail}` | {} |", cause.id());
        assert!(text.contains(&row), "README lacks the row {row}");
    }
}

#[test]
fn every_rule_detail_has_a_readme_row() {
    let documented = documented_details();
    let rules = include_str!("../crates/why401-judge/src/diagnose/rules.rs").to_owned()
        + include_str!("../crates/why401-judge/src/diagnose/mod.rs");
    let details: BTreeSet<&str> = rules
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('_') && s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|s| !s.starts_with("use_") && !s.starts_with("client_id"))
        .filter(|s| {
            ![
                "access_token",
                "insufficient_scope",
                "invalid_token",
                "error_code",
            ]
            .contains(s)
        })
        .collect();
    let missing: Vec<&&str> = details
        .iter()
        .filter(|d| !documented.contains(**d))
        .collect();
    assert!(
        missing.is_empty(),
        "details without a README row: {missing:?}"
    );
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
