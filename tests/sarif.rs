//! The SARIF output is valid SARIF 2.1.0: checked against the OASIS JSON schema kept in
//! `tests/sarif-schema-2.1.0.json` (the 2.1.0 "rtm.5" schema, as shipped in the npm package
//! `@microsoft/jest-sarif`), with and without findings.

use std::path::Path;

use kplint::report::sarif;
use kplint::{lint_sources, rules, Options};

fn schema() -> jsonschema::Validator {
    let text = include_str!("sarif-schema-2.1.0.json");
    // The published schema's `language` patterns have a stray `]` that the meta-schema's regex
    // format check rejects; kplint never writes `language`, so use the intended pattern.
    let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(bad).count(), 2);
    let text = text.replace(bad, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn validate(log: &serde_json::Value) {
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

fn sarif_of(sources: Vec<(String, Vec<u8>)>) -> serde_json::Value {
    let report = lint_sources(sources, &Options::default());
    serde_json::from_str(&sarif::render(&report)).expect("SARIF is JSON")
}

fn fixture(rel: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    (rel.to_string(), std::fs::read(path).expect("fixture"))
}

#[test]
fn findings_are_valid_sarif() {
    let log = sarif_of(vec![
        fixture("duplicate-object/one.yaml"),
        fixture("duplicate-object/two.yaml"),
        fixture("invalid-yaml/placeholder.yaml"),
        fixture("invalid-object/env-types.yaml"),
        fixture("unknown-rule/typos.yaml"),
    ]);
    validate(&log);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let descriptors = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(descriptors.len(), rules::ALL.len());
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(descriptors[i]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(!uri.contains('\\') && !uri.starts_with("./"), "{uri}");
    }
    let with_related = results
        .iter()
        .find(|r| r["ruleId"] == "duplicate-object")
        .expect("duplicate-object result");
    let related = &with_related["relatedLocations"][0];
    assert_eq!(related["id"], 1);
    assert!(related["message"]["text"]
        .as_str()
        .expect("text")
        .contains("first defined"));
    assert!(
        related["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .expect("line")
            > 0
    );
}

#[test]
fn every_rule_is_described() {
    let log = sarif_of(vec![fixture("bare-pod/bare.yaml")]);
    validate(&log);
    for (d, r) in log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .zip(rules::ALL)
    {
        assert_eq!(d["id"], r.id);
        assert_eq!(d["shortDescription"]["text"], r.summary);
        assert!(d["help"]["markdown"]
            .as_str()
            .expect("help")
            .starts_with(&format!("# {}", r.id)));
        let level = d["defaultConfiguration"]["level"].as_str().expect("level");
        assert!(["error", "warning", "note"].contains(&level));
    }
}

#[test]
fn a_clean_run_is_valid_with_empty_results() {
    let log = sarif_of(vec![(
        "cm.yaml".to_string(),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".to_vec(),
    )]);
    validate(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn columns_count_utf16_code_units() {
    // The emoji is one character but two UTF-16 code units.
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {x: \"\u{1F600}\", ignore.kplint.io/bare-pods: typo}\nspec:\n  containers: [{name: c, image: i}]\n";
    let log = sarif_of(vec![("p.yaml".to_string(), text.as_bytes().to_vec())]);
    validate(&log);
    let r = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "unknown-rule")
        .expect("unknown-rule")
        .clone();
    let region = &r["locations"][0]["physicalLocation"]["region"];
    let line = text.lines().nth(4).expect("line 5");
    let chars_before = line[..line.find("ignore.kplint").expect("key")]
        .chars()
        .count() as u64;
    assert_eq!(region["startColumn"], chars_before + 2);
}
