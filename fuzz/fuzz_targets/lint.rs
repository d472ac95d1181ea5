//! Fuzz the whole path: bytes → parse → decode → rules → every renderer.
//! The input is split at a 0xFF byte into up to three files, so cross-file rules run too.
#![no_main]

use kplint::report::{compact, github, human, json, sarif};
use kplint::{lint_sources, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sources: Vec<(String, Vec<u8>)> = data
        .split(|&b| b == 0xFF)
        .take(3)
        .enumerate()
        .map(|(i, part)| (format!("f{i}.yaml"), part.to_vec()))
        .collect();
    let report = lint_sources(sources, &Options::default());
    for d in &report.diagnostics {
        let file = report.file(d.file).expect("diagnostic file");
        assert!(d.span.start <= d.span.end && d.span.end as usize <= file.text().len());
    }
    let out = json::render(&report);
    serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
    let _ = human::render(&report, human::HumanOptions::default());
    serde_json::from_str::<serde_json::Value>(&sarif::render(&report)).expect("valid SARIF JSON");
    let _ = github::render(&report);
    let _ = compact::render(&report);
});
