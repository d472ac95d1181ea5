//! Pinned renderings: a change to the human or JSON output shows up in review, never by accident.

use std::path::Path;

use kplint::report::{human, json};
use kplint::{lint_sources, Options};

fn fixture(rel: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    (
        rel.to_string(),
        std::fs::read(path).expect("fixture readable"),
    )
}

fn report_of(rels: &[&str]) -> kplint::report::Report {
    lint_sources(
        rels.iter().map(|r| fixture(r)).collect(),
        &Options::default(),
    )
}

#[test]
fn human_type_errors() {
    let report = report_of(&["invalid-object/env-types.yaml"]);
    insta::assert_snapshot!(human::render(&report, human::HumanOptions::default()));
}

#[test]
fn human_related_location_in_another_file() {
    let report = report_of(&["duplicate-object/one.yaml", "duplicate-object/two.yaml"]);
    insta::assert_snapshot!(human::render(&report, human::HumanOptions::default()));
}

#[test]
fn human_duplicate_key_and_invalid_yaml() {
    let report = report_of(&["duplicate-key/keys.yaml", "invalid-yaml/broken-indent.yaml"]);
    insta::assert_snapshot!(human::render(&report, human::HumanOptions::default()));
}

#[test]
fn json_related_and_file_level() {
    let report = report_of(&[
        "duplicate-object/one.yaml",
        "duplicate-object/two.yaml",
        "invalid-yaml/placeholder.yaml",
    ]);
    insta::assert_snapshot!(json::render(&report));
}
