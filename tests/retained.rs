//! Objects keep only the fields rules point at (`model::retained`), not their whole document
//! trees. That must change nothing a user sees: every fixture folder, the examples and the corpus
//! are linted both ways, and the JSON and human reports (messages, lines, columns, related
//! places, snippets) must be identical.

use std::path::{Path, PathBuf};

use kplint::report::{human, json, Report};
use kplint::{check, lint_sources, Options};

#[path = "support/shared.rs"]
mod shared;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_in(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn options(full_trees: bool) -> Options {
    Options {
        full_trees,
        ..Options::default()
    }
}

fn rendered(report: &Report) -> String {
    format!(
        "{}\n{}",
        json::render(report),
        human::render(report, human::HumanOptions::default())
    )
}

/// Lints one folder's readable files as one inventory, both ways.
fn both_ways(dir: &Path) -> (String, String, usize) {
    let mut paths = Vec::new();
    files_in(dir, &mut paths);
    let sources: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(p).ok()?)))
        .collect();
    let kept = lint_sources(sources.clone(), &options(false));
    let whole = lint_sources(sources, &options(true));
    (rendered(&kept), rendered(&whole), kept.diagnostics.len())
}

#[test]
fn every_fixture_reports_the_same_with_retained_fields_as_with_whole_trees() {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    folders.push(root().join("examples/shop"));
    folders.sort();
    let mut diagnostics = 0;
    for dir in &folders {
        let (kept, whole, n) = both_ways(dir);
        assert_eq!(kept, whole, "{} reports differently", dir.display());
        diagnostics += n;
    }
    // The comparison means something only if the fixtures report a lot.
    assert!(diagnostics > 300, "only {diagnostics} diagnostics compared");
}

#[test]
fn the_corpus_reports_the_same_with_retained_fields_as_with_whole_trees() {
    let Some(dir) = shared::folder("corpus") else {
        return;
    };
    let run = |full_trees| {
        check(
            &[dir.to_string_lossy().to_string()],
            &globset::GlobSet::empty(),
            None,
            &options(full_trees),
        )
        .expect("corpus discoverable")
        .report
    };
    let (kept, whole) = (run(false), run(true));
    assert!(kept.diagnostics.len() > 1000);
    assert_eq!(json::render(&kept), json::render(&whole));
}
