//! What a fuzz target asserts of one input, shared by the fuzz targets (`fuzz/fuzz_targets/`,
//! which include this file) and `tests/fuzz_regressions.rs`, which replays every input a
//! fuzzer ever crashed on: one definition of each target, so a replay checks what fuzzing did.
//! Whoever includes this file includes `libyaml.rs` and `differential.rs` beside it, as `mod
//! libyaml` and `mod differential` at the crate root: the `parse` target is differential.

use kplint::model::Location;
use kplint::report::{
    compact, github, human, json, sarif, Diagnostic, FileCounts, Report, Severity, Summary,
};
use kplint::source::tree::parse as parse_file;
use kplint::source::{SourceFile, Span};
use kplint::{lint_sources, rules, Options};

/// Bytes → the span tree of every document and its problems: spans inside the text, on
/// character boundaries; and the same verdict as libyaml's, at the same line, with the same
/// events (`differential.rs`).
pub fn parse(data: &[u8]) {
    if let Some(d) = crate::differential::compare("input", data) {
        panic!(
            "kplint and libyaml disagree: libyaml {:?}, kplint's error (byte, line) {:?}",
            d.libyaml, d.kplint
        );
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new(0, "f0.yaml".to_string(), text);
    let parsed = parse_file(&file);
    let text = file.text();
    for p in &parsed.problems {
        assert!(p.span.start <= p.span.end && p.span.end as usize <= text.len());
        assert!(text.is_char_boundary(p.span.start as usize));
    }
    assert!(parsed.documents.len() <= parsed.document_count as usize);
}

/// Bytes → the whole lint, without rendering: the input is split at 0xFF into up to three
/// files, so cross-file rules run. Every span inside its file on character boundaries, and
/// counts that add up.
pub fn lint(data: &[u8]) {
    let sources: Vec<(String, Vec<u8>)> = data
        .split(|&b| b == 0xFF)
        .take(3)
        .enumerate()
        .map(|(i, part)| (format!("f{i}.yaml"), part.to_vec()))
        .collect();
    let files = sources.len();
    let report = lint_sources(sources, &Options::default());
    for d in report.diagnostics.iter().chain(&report.suppressed) {
        let file = report
            .file(d.file)
            .expect("a diagnostic names a file of the report");
        let text = file.text();
        assert!(d.span.start <= d.span.end && d.span.end as usize <= text.len());
        assert!(text.is_char_boundary(d.span.start as usize));
        assert!(text.is_char_boundary(d.span.end as usize));
        for r in &d.related {
            let file = report
                .file(r.file)
                .expect("a related location names a file");
            assert!(r.span.end as usize <= file.text().len());
        }
    }
    let s = &report.summary;
    let count = |sev| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == sev)
            .count()
    };
    assert_eq!(s.error, count(Severity::Error));
    assert_eq!(s.warning, count(Severity::Warning));
    assert_eq!(s.info, count(Severity::Info));
    assert_eq!(s.suppressed, report.suppressed.len());
    assert_eq!(s.files, files);
    assert!(s.objects_without_kind_checks <= s.objects);
}

/// The largest character boundary at or below `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A report built straight from the input (a file's text, then 0xFF, then 6-byte records of
/// diagnostics at arbitrary spans quoting the text), rendered in every format: JSON and SARIF
/// must parse back. No lint runs, so each input costs only its rendering.
pub fn render(data: &[u8]) {
    let (text, records) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    let file = SourceFile::new(0, "f0.yaml".to_string(), &text);
    let shown = file.text().to_string();
    let mut diagnostics = Vec::new();
    for r in records.chunks_exact(6).take(16) {
        let rule = rules::ALL[r[0] as usize % rules::ALL.len()];
        let severity = match r[1] % 3 {
            0 => Severity::Info,
            1 => Severity::Warning,
            _ => Severity::Error,
        };
        let a = boundary(&shown, u16::from_le_bytes([r[2], r[3]]) as usize);
        let b = boundary(&shown, u16::from_le_bytes([r[4], r[5]]) as usize);
        let span = Span::new(a as u32, b as u32);
        // Messages quote the text, as real ones quote values.
        let quoted = &shown[span.start as usize..span.end as usize];
        let at = Location { file: 0, span };
        let mut d = Diagnostic::new(rule.id, severity, at, format!("message \"{quoted}\""));
        if r[1] & 4 != 0 {
            d = d.help(format!("help with `{quoted}`"));
        }
        if r[1] & 8 != 0 {
            d = d.path(quoted.to_string());
        }
        if r[1] & 16 != 0 {
            let before = Location {
                file: 0,
                span: Span::new(0, span.start),
            };
            d = d.related(before, quoted.to_string());
        }
        diagnostics.push(d);
    }
    let report = Report::new(
        vec![file],
        vec![FileCounts::default()],
        vec![Vec::new()],
        diagnostics,
        Vec::new(),
        Summary::default(),
    );
    serde_json::from_str::<serde_json::Value>(&json::render(&report)).expect("valid JSON");
    // The results, not the whole log: the rule catalogue, every rule's documentation, is the
    // same for every report (tests/sarif.rs validates whole logs against the schema).
    serde_json::from_str::<serde_json::Value>(&sarif::render_results(&report))
        .expect("valid SARIF results");
    let _ = human::render(&report, human::HumanOptions::default());
    let _ = github::render(&report);
    let _ = compact::render(&report);
}
