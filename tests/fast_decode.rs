//! Objects the schema check passes have their views read straight from the tree
//! (`model::schema`, `model::view::from_tree`) instead of through the `k8s-openapi` types. That
//! must change nothing a user sees: every fixture folder, the example, the corpus and a generated
//! corpus are linted both ways, and the JSON and human reports must be identical.

use std::path::{Path, PathBuf};

use kplint::report::{human, json, Report};
use kplint::{check, Options};

#[path = "support/shared.rs"]
mod shared;

// The benchmark's generator; only `generate` is used.
#[allow(dead_code)]
#[path = "../examples/bench/generate.rs"]
mod generate;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint(dir: &Path, typed_decode: bool) -> Report {
    let options = Options {
        typed_decode,
        ..Options::default()
    };
    check(
        &[dir.to_string_lossy().to_string()],
        &globset::GlobSet::empty(),
        None,
        &options,
    )
    .expect("discoverable")
    .report
}

fn rendered(report: &Report) -> String {
    format!(
        "{}\n{}",
        json::render(report),
        human::render(report, human::HumanOptions::default())
    )
}

/// Lints `dir` both ways; returns how many findings were compared.
fn same_both_ways(dir: &Path) -> usize {
    let (fast, typed) = (lint(dir, false), lint(dir, true));
    assert_eq!(
        rendered(&fast),
        rendered(&typed),
        "{} reports differently",
        dir.display()
    );
    fast.diagnostics.len()
}

#[test]
fn fixtures_and_the_example_report_the_same_both_ways() {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    folders.push(root().join("examples/shop"));
    folders.sort();
    let compared: usize = folders.iter().map(|d| same_both_ways(d)).sum();
    // Fixtures are mostly faulty objects: the comparison covers both paths.
    assert!(compared > 300, "only {compared} findings compared");
}

#[test]
fn the_corpus_and_a_generated_corpus_report_the_same_both_ways() {
    if let Some(corpus) = shared::folder("corpus") {
        assert!(same_both_ways(&corpus) > 1000);
    }
    let generated = tempfile::tempdir().expect("a temporary directory");
    generate::generate(generated.path(), 2000, 11).expect("generated");
    assert!(same_both_ways(generated.path()) > 500);
}
