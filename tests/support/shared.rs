//! The data kept beside the repository, `../shared` (`corpus/`: real manifests; `repos/`: real
//! repositories), which a clone alone does not have.
//!
//! A test that reads it calls [`folder`]. When the folder is there, the test runs. When it is
//! missing, the test fails if `KPLINT_REQUIRE_SHARED=1` (CI: `.ci/run` sets it, so a missing
//! corpus can't pass unnoticed), and is skipped otherwise, with one line on stderr for the
//! whole `cargo test` run. `KPLINT_SHARED=DIR` names another shared folder;
//! `KPLINT_SKIP_CORPUS=1` skips these tests even when the folder is there (they are the slow
//! ones), unless `KPLINT_REQUIRE_SHARED=1`. See docs/development.md.
//!
//! Included by path (`#[path = ".../shared.rs"] mod shared;`) from every test binary that
//! needs it, the library's unit tests too, so there is one rule for all of them.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The shared folder: `KPLINT_SHARED`, or `../shared` beside the repository.
pub fn root() -> PathBuf {
    match std::env::var_os("KPLINT_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// `name` (`corpus`, `repos`) inside the shared folder when the tests that read it run;
/// `None` when they are skipped. Panics when it is missing and required.
pub fn folder(name: &str) -> Option<PathBuf> {
    let dir = root().join(name);
    let required = flag("KPLINT_REQUIRE_SHARED");
    if dir.is_dir() {
        if flag("KPLINT_SKIP_CORPUS") && !required {
            skipped(&format!(
                "KPLINT_SKIP_CORPUS=1: the tests that read {} were not run",
                dir.display()
            ));
            return None;
        }
        return Some(dir);
    }
    assert!(
        !required,
        "KPLINT_REQUIRE_SHARED=1, but {} is not a folder: the tests that read it can't run. Put \
         the shared data beside the repository (../shared) or point KPLINT_SHARED at it.",
        dir.display()
    );
    skipped(&format!(
        "{} not found: the tests that read it were not run (KPLINT_REQUIRE_SHARED=1 makes this \
         a failure; KPLINT_SHARED=DIR names another shared folder)",
        dir.display()
    ));
    None
}

/// True when the variable is set to something other than empty or `0`.
fn flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Says once that tests were skipped: once per `cargo test` run when the marker below can be
/// made, else once per test binary. Written to stderr directly: the test harness captures
/// `eprintln!` of a passing test, and a skip nobody sees is the silence this avoids.
fn skipped(message: &str) {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        if first_in_this_run() {
            let _ = writeln!(std::io::stderr(), "skipped: {message}");
        }
    });
}

/// False when another test binary of the same `cargo test` run has already said it. Cargo runs
/// the binaries one after another as its children, so the parent process (its pid and start
/// time, which a reused pid does not share) names the run; a marker file records that it was
/// said. Where that can't be known (no /proc), every binary says it.
fn first_in_this_run() -> bool {
    let Some(run) = parent_run() else {
        return true;
    };
    // The system's, not cargo's: the library's unit tests have no CARGO_TARGET_TMPDIR, and
    // every binary of the run must look in one place.
    let dir = std::env::temp_dir();
    let marker = dir.join(format!("kplint-shared-skipped-{run}"));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&marker)
    {
        Ok(_) => {
            // Markers of earlier runs are done with; a recent one may be a run still going
            // (a test that runs a test binary is a run inside a run).
            let day = std::time::Duration::from_secs(24 * 60 * 60);
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for e in entries.flatten() {
                    let old = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > day);
                    let name = e.file_name();
                    if old && name.to_string_lossy().starts_with("kplint-shared-skipped-") {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
            true
        }
        Err(e) => e.kind() != std::io::ErrorKind::AlreadyExists,
    }
}

/// `<pid>-<start time>` of the parent process, from /proc.
fn parent_run() -> Option<String> {
    #[cfg(unix)]
    {
        let pid = std::os::unix::process::parent_id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Field 22 is the start time; fields after the command name (in parentheses, which
        // may hold spaces) are counted from its closing parenthesis.
        let after = stat.rsplit_once(')')?.1;
        let start = after.split_whitespace().nth(19)?;
        Some(format!("{pid}-{start}"))
    }
    #[cfg(not(unix))]
    {
        None
    }
}
