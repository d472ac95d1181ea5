//! Pinned renderings: a change to the human or JSON output shows up in review, never by accident.

use std::path::Path;

use kplint::report::{human, json};
use kplint::{lint_sources, Options};

fn fixture(rel: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    (
        rel.to_string(),
        std::fs::read(path).expect("fixture readable"),
    )
}

fn report_of(rels: &[&str]) -> kplint::report::Report {
    lint_sources(
        rels.iter().map(|r| fixture(r)).collect(),
        &Options::default(),
    )
}

#[test]
fn human_type_errors() {
    let report = report_of(&["invalid-object/env-types.yaml"]);
    insta::assert_snapshot!(human::render(&report, human::HumanOptions::default()));
}

#[test]
fn human_related_location_in_another_file() {
    let report = report_of(&["duplicate-object/one.yaml", "duplicate-object/two.yaml"]);
    insta::assert_snapshot!(human::render(&report, human::HumanOptions::default()));
}

#[test]
fn human_duplicate_key_and_invalid_yaml() {
    let report = report_of(&["duplicate-key/keys.yaml", "invalid-yaml/broken-indent.yaml"]);
    insta::assert_snapshot!(human::render(&report, human::HumanOptions::default()));
}

#[test]
fn json_related_and_file_level() {
    let report = report_of(&[
        "duplicate-object/one.yaml",
        "duplicate-object/two.yaml",
        "invalid-yaml/placeholder.yaml",
    ]);
    insta::assert_snapshot!(json::render(&report));
}

/// SARIF with the rule descriptors left out: they change with every new rule and are checked
/// in `tests/sarif.rs`.
fn sarif_without_rules(report: &kplint::report::Report) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&kplint::report::sarif::render(report)).expect("valid JSON");
    let n = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert_eq!(n, kplint::rules::ALL.len());
    v["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!("<every rule>");
    v["runs"][0]["tool"]["driver"]["version"] = serde_json::json!("<version>");
    v["runs"][0]["tool"]["driver"]["semanticVersion"] = serde_json::json!("<version>");
    serde_json::to_string_pretty(&v).expect("serializes")
}

#[test]
fn sarif_related_and_file_level() {
    let report = report_of(&[
        "duplicate-object/one.yaml",
        "duplicate-object/two.yaml",
        "invalid-yaml/placeholder.yaml",
    ]);
    insta::assert_snapshot!(sarif_without_rules(&report));
}

#[test]
fn github_and_compact_lines() {
    let report = report_of(&[
        "duplicate-object/one.yaml",
        "duplicate-object/two.yaml",
        "invalid-object/env-types.yaml",
    ]);
    insta::assert_snapshot!(format!(
        "{}\n{}",
        kplint::report::github::render(&report),
        kplint::report::compact::render(&report)
    ));
}

#[test]
fn suppressions_shown_in_every_format() {
    let mut report = report_of(&["unused-suppression/used.yaml", "unknown-rule/typos.yaml"]);
    report.show_suppressed = true;
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}",
        kplint::report::compact::render(&report),
        json::render(&report),
        human::render(&report, human::HumanOptions::default())
    ));
}

const HELM: &str = "---
# Source: shop/templates/debug.yaml
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers: [{name: c, image: busybox}]
---
# Source: shop/templates/agent.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: agent}]
";

#[test]
fn helm_template_output_is_attributed_to_templates() {
    let report = lint_sources(
        vec![("-".to_string(), HELM.as_bytes().to_vec())],
        &Options::default(),
    );
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}",
        human::render(&report, human::HumanOptions::default()),
        kplint::report::compact::render(&report),
        json::render(&report)
    ));
}
