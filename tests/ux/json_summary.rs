//! `summary.objects_without_kind_checks` counts objects whose kind no rule reads (ConfigMaps
//! included), and `unknown_kinds`, its first name, keeps the same value until version 2.

use crate::{kplint, write, POD};

#[test]
fn objects_without_kind_checks_counts_known_and_custom_kinds_and_unknown_kinds_follows() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "pod.yaml", POD);
    write(
        dir.path(),
        "config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    );
    let out = kplint()
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .assert()
        .code(0);
    let v: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("JSON on stdout");
    let summary = &v["summary"];
    assert_eq!(summary["objects"], 3);
    assert_eq!(summary["objects_without_kind_checks"], 2, "{summary}");
    assert_eq!(
        summary["unknown_kinds"],
        summary["objects_without_kind_checks"]
    );
    let human = kplint()
        .args(["check", "--fail-on", "never"])
        .arg(dir.path())
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&human.get_output().stdout).to_string();
    assert!(
        text.contains("3 objects, 2 of kinds without checks"),
        "{text}"
    );
}
