//! The target Kubernetes release (`--kubernetes-version`, `kubernetes-version:`): one file is
//! reported differently for different targets.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// A CronJob in `batch/v1beta1`: served until 1.24, removed in 1.25 (`batch/v1` since 1.21).
const CRONJOB: &str = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 3 * * *\"\n  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 60\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: job, image: job:1}]\n";

fn kplint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kplint").expect("binary built");
    cmd.current_dir(dir);
    cmd
}

/// The rules of the findings on `cron.yaml`, run in `dir` with `args`.
fn rules_for(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = kplint(dir)
        .args(["check", "cron.yaml", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["rule"].as_str().expect("rule").to_string())
        .collect()
}

#[test]
fn one_file_is_deprecated_for_one_release_and_removed_for_the_next() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("cron.yaml"), CRONJOB).expect("write");
    let old = rules_for(dir.path(), &["--no-config", "--kubernetes-version", "1.24"]);
    assert_eq!(old, ["deprecated-api-version"]);
    let new = rules_for(
        dir.path(),
        &["--no-config", "--kubernetes-version", "v1.25"],
    );
    assert_eq!(new, ["removed-api-version"]);
    // The default is the newest release kplint knows.
    assert_eq!(
        rules_for(dir.path(), &["--no-config"]),
        ["removed-api-version"]
    );
    // Before batch/v1 was served there is nothing to move to: no finding at all.
    assert!(rules_for(dir.path(), &["--no-config", "--kubernetes-version", "1.20"]).is_empty());
}

#[test]
fn an_unset_starting_deadline_matters_only_before_the_v2_cronjob_controller() {
    let dir = tempfile::tempdir().expect("tempdir");
    let unset = CRONJOB
        .replace("batch/v1beta1", "batch/v1")
        .replace("  startingDeadlineSeconds: 60\n", "");
    fs::write(dir.path().join("cron.yaml"), unset).expect("write");
    // 1.20's v1 controller gives up after 100 missed runs; 1.21's v2 starts the latest one.
    assert_eq!(
        rules_for(dir.path(), &["--no-config", "--kubernetes-version", "1.20"]),
        ["cronjob-starting-deadline"]
    );
    assert!(rules_for(dir.path(), &["--no-config", "--kubernetes-version", "1.21"]).is_empty());
}

#[test]
fn the_configuration_sets_the_target_and_the_flag_overrides_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("cron.yaml"), CRONJOB).expect("write");
    fs::write(
        dir.path().join(".kplint.yaml"),
        "kubernetes-version: \"1.24\"\n",
    )
    .expect("write");
    assert_eq!(rules_for(dir.path(), &[]), ["deprecated-api-version"]);
    assert_eq!(
        rules_for(dir.path(), &["--kubernetes-version", "1.30"]),
        ["removed-api-version"]
    );
    // A deprecation is a warning the user may turn off, unlike a removal.
    fs::write(
        dir.path().join(".kplint.yaml"),
        "kubernetes-version: \"1.24\"\nrules:\n  deprecated-api-version: off\n",
    )
    .expect("write");
    assert!(rules_for(dir.path(), &[]).is_empty());
}

#[test]
fn a_bad_version_is_a_usage_or_located_configuration_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("cron.yaml"), CRONJOB).expect("write");
    let out = kplint(dir.path())
        .args([
            "check",
            "cron.yaml",
            "--no-config",
            "--kubernetes-version",
            "2.0",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a Kubernetes release"), "{stderr}");
    fs::write(
        dir.path().join(".kplint.yaml"),
        "namespace: shop\nkubernetes-version: latest\n",
    )
    .expect("write");
    let out = kplint(dir.path())
        .args(["check", "cron.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".kplint.yaml:2:21"), "{stderr}");
    assert!(stderr.contains("is not a Kubernetes release"), "{stderr}");
}

#[test]
fn the_help_documents_the_flag() {
    let out = Command::cargo_bin("kplint")
        .expect("binary built")
        .args(["check", "--help"])
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--kubernetes-version <X.Y>"), "{help}");
}

/// A Deployment whose pod template asks for seccomp through the alpha annotation: the field
/// came in 1.19, the annotation is ignored from 1.27.
const SECCOMP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: runtime/default\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          livenessProbe: {httpGet: {path: /, port: 80}}\n";

#[test]
fn an_annotation_is_ignored_deprecated_or_the_way_to_ask_by_release() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("cron.yaml"), SECCOMP).expect("write");
    let severity = |version: &str| -> Vec<String> {
        let out = kplint(dir.path())
            .args(["check", "cron.yaml", "--format", "json", "--no-config"])
            .args(["--kubernetes-version", version])
            .output()
            .expect("runs");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["rule"] == "removed-annotation")
            .map(|d| {
                assert_eq!(d["range"]["start"]["line"], 12, "at the key");
                d["severity"].as_str().expect("severity").to_string()
            })
            .collect()
    };
    assert_eq!(severity("1.27"), ["warning"]);
    assert_eq!(severity("1.26"), ["info"]);
    assert!(severity("1.18").is_empty());
}
