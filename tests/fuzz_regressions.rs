//! Every input a fuzz target crashed on, replayed through the same assertions
//! (`tests/support/invariants.rs`): `tests/fuzz-regressions/<target>/` holds them, one file
//! each, named after what broke. The fixtures are replayed too, so the assertions themselves
//! are exercised on every run.

#[path = "support/differential.rs"]
#[allow(dead_code)] // what a disagreement says is read by yaml_differential
mod differential;
#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/libyaml.rs"]
#[allow(dead_code)] // the parse target's oracle; only its events and verdicts are used
mod libyaml;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != ".gitkeep") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = files(&root.join("tests/fuzz-regressions").join(target));
    inputs.extend(files(&root.join("fixtures")));
    for path in &inputs {
        // An unreadable fixture (a dangling link on purpose) has no bytes to replay.
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let caught = std::panic::catch_unwind(|| run(&bytes));
        assert!(caught.is_ok(), "{target} fails on {}", path.display());
    }
    inputs.len()
}

#[test]
fn parse_inputs_replay() {
    assert!(replay("parse", invariants::parse) > 0);
}

#[test]
fn lint_inputs_replay() {
    assert!(replay("lint", invariants::lint) > 0);
}

#[test]
fn render_inputs_replay() {
    assert!(replay("render", invariants::render) > 0);
}
