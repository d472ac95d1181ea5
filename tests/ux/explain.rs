//! `kplint explain`: readable text with a header from the rule's metadata, the Markdown source
//! on request, "did you mean" for a mistyped id; `kplint rules` says the same.

use crate::{kplint, stderr_of, stdout_of};

#[test]
fn a_mistyped_id_gets_a_suggestion() {
    let out = kplint().args(["explain", "bare-pods"]).assert().code(2);
    assert_eq!(
        stderr_of(&out),
        "error: no rule named `bare-pods`; did you mean `bare-pod`? (`kplint rules` lists them)\n"
    );
    let out = kplint().args(["explain", "zzzzzzzz"]).assert().code(2);
    assert!(
        !stderr_of(&out).contains("did you mean"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn explain_prints_text_with_the_generated_header() {
    let out = kplint().args(["explain", "bare-pod"]).assert().code(0);
    let text = stdout_of(&out);
    assert!(
        text.starts_with("bare-pod\n\nSeverity: warning · Pattern: Batch Job · on by default"),
        "{text}"
    );
    assert!(text.contains("\nWHAT IT CHECKS\n"), "{text}");
    assert!(
        text.contains("\n    apiVersion: v1\n    kind: Pod\n"),
        "code indented: {text}"
    );
    for markdown in ["```", "## ", "**"] {
        assert!(!text.contains(markdown), "{markdown} left in {text}");
    }
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
    assert_eq!(text.matches("Severity").count(), 1, "{text}");
    let engine = stdout_of(&kplint().args(["explain", "invalid-yaml"]).assert().code(0));
    assert!(
        engine.contains("Pattern: API · engine diagnostic, always on"),
        "{engine}"
    );
}

#[test]
fn explain_markdown_prints_the_source_with_the_same_header() {
    let out = kplint()
        .args(["explain", "bare-pod", "--markdown"])
        .assert()
        .code(0);
    let page = stdout_of(&out);
    assert!(
        page.starts_with(
            "# bare-pod\n\n**Severity:** warning · **Pattern:** Batch Job · on by default"
        ),
        "{page}"
    );
    assert!(page.contains("\n## What it checks\n"), "{page}");
    assert!(page.contains("```yaml\n"), "{page}");
}

#[test]
fn rules_marks_the_engine_diagnostics_as_explain_does() {
    let text = stdout_of(&kplint().arg("rules").assert().code(0));
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} not listed: {text}"))
            .to_string()
    };
    assert!(
        line("invalid-yaml").contains(" error    API (always on) "),
        "{text}"
    );
    assert!(line("bare-pod").contains(" warning  Batch Job "), "{text}");
    let out = kplint()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let engine = |id: &str| {
        v.as_array()
            .and_then(|a| a.iter().find(|r| r["id"] == id))
            .map(|r| r["engine"].clone())
    };
    assert_eq!(engine("invalid-yaml"), Some(serde_json::Value::Bool(true)));
    assert_eq!(engine("bare-pod"), Some(serde_json::Value::Bool(false)));
    assert_eq!(
        engine("duplicate-object"),
        Some(serde_json::Value::Bool(false))
    );
}
