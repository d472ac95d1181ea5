//! kplint's binary as the command-line tests run it, and what they read of its JSON report.
//! Included by path (`#[path = "support/cli.rs"] mod cli;`); each test file uses some of it.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// The binary this test run built.
pub fn kplint() -> Command {
    Command::cargo_bin("kplint").expect("binary built")
}

/// Writes `text` to `dir/rel`, creating its folders.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// The JSON report on standard output.
pub fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON on stdout")
}

/// (rule, file, line) of every finding of a JSON report, in its order.
pub fn findings(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}
