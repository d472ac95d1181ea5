//! The stage on untrusted schemas: deep nesting, huge patterns, nonsense where a schema should be.

use crate::{lint_sources, Options};

fn lint(text: &str) -> Vec<(String, String)> {
    let report = lint_sources(
        vec![("crd.yaml".to_string(), text.as_bytes().to_vec())],
        &Options::default(),
    );
    report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_string(),
                d.path.as_deref().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const HEAD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: deeps.example.com}
spec:
  group: example.com
  names: {kind: Deep, plural: deeps}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: ";

#[test]
fn deep_schemas_and_resources_are_walked_to_the_bottom() {
    // 100 levels of `{type: object, properties: {a: …}}` in flow style, and a resource as deep
    // with a typo at the bottom: found, at its full path.
    let depth = 100;
    let mut schema = String::from("{type: string}");
    for _ in 0..depth {
        schema = format!("{{type: object, properties: {{a: {schema}}}}}");
    }
    let mut value = String::from("{b: x}");
    for _ in 1..depth - 1 {
        value = format!("{{a: {value}}}");
    }
    let text = format!(
        "{HEAD}{schema}\n---\napiVersion: example.com/v1\nkind: Deep\nmetadata: {{name: d}}\na: {value}\n"
    );
    let found = lint(&text);
    let path = format!("{}b", "a.".repeat(depth - 1));
    assert_eq!(found, vec![("unknown-field".to_string(), path)]);
}

#[test]
fn nonsense_schemas_are_located_findings_and_leave_their_resources_unchecked() {
    for schema in [
        "7",
        "[]",
        "{type: [object]}",
        "{type: object, properties: 3}",
        "{type: object, properties: {a: {type: array, items: [{type: string}]}}}",
        "{type: object, properties: {a: {type: string, minLength: -1}}}",
        "{type: object, properties: {a: {type: string, enum: 3}}}",
        "{type: object, required: {a: 1}}",
    ] {
        let text = format!(
            "{HEAD}{schema}\n---\napiVersion: example.com/v1\nkind: Deep\nmetadata: {{name: d}}\na: {{b: 1}}\nc: 1\n"
        );
        let found = lint(&text);
        assert!(!found.is_empty(), "{schema}");
        // Only the CRD is reported: its resource (with unknown keys) goes unchecked.
        for (rule, path) in &found {
            assert_eq!(rule, "invalid-object", "{schema}: {found:?}");
            assert!(
                path.starts_with("spec.versions[0].schema.openAPIV3Schema"),
                "{schema}: {path}"
            );
        }
    }
}

#[test]
fn a_pattern_the_engine_rejects_is_not_checked() {
    let text = format!(
        "{HEAD}{{type: object, properties: {{s: {{type: string, pattern: '(?=x)'}}, num: {{type: integer}}}}}}\n---\napiVersion: example.com/v1\nkind: Deep\nmetadata: {{name: d}}\ns: zzz\nnum: x\n"
    );
    // The resource is still checked: `num` is reported, `s` is not.
    assert_eq!(
        lint(&text),
        vec![("invalid-object".to_string(), "num".to_string())]
    );
}

#[test]
fn a_huge_pattern_is_not_checked_rather_than_compiled() {
    let pattern = "(a|b)".repeat(20_000);
    let text = format!(
        "{HEAD}{{type: object, properties: {{s: {{type: string, pattern: '{pattern}'}}}}}}\n---\napiVersion: example.com/v1\nkind: Deep\nmetadata: {{name: d}}\ns: zzz\n"
    );
    assert!(lint(&text).is_empty());
}

#[test]
fn nested_junctors_end_quickly() {
    // A two-branch `oneOf` around each level walks the level below twice: the walk doubles with
    // each level, as the schema's text does here (a schema reused through YAML aliases would
    // not grow; the parser's alias budget and the walk's step budget bound that case).
    let depth = 40;
    let mut schema = String::from("{type: string}");
    for _ in 0..depth {
        schema = format!(
            "{{type: object, properties: {{a: {schema}}}, oneOf: [{{properties: {{a: {schema}}}}}, {{required: [a]}}]}}"
        );
        if schema.len() > 200_000 {
            break;
        }
    }
    let mut value = String::from("x");
    for _ in 0..depth {
        value = format!("{{a: {value}}}");
    }
    let text = format!(
        "{HEAD}{schema}\n---\napiVersion: example.com/v1\nkind: Deep\nmetadata: {{name: d}}\na: {value}\n"
    );
    let start = std::time::Instant::now();
    let _ = lint(&text);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn metadata_is_checked_against_the_built_in_object_meta() {
    let schema = "{type: object, properties: {a: {type: integer}}}";
    let found = lint(&format!(
        "{HEAD}{schema}\n---\napiVersion: example.com/v1\nkind: Deep\nmetadata:\n  name: d\n  labels: {{app: x}}\n  ownerReferences: []\n  lables: {{app: x}}\na: 1\n"
    ));
    assert_eq!(
        found,
        [("unknown-field".to_string(), "metadata.lables".to_string())],
        "{found:?}"
    );
}
