//! Custom resources checked against CRDs named by `--crds` and `crds:`, and against the CRDs a
//! real operator repository ships beside its examples.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/shared.rs"]
mod shared;

use std::fs;

use cli::{findings, json_of, kplint, write};

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                replicas: {type: integer}
";

/// A Deployment beside the CRD: a `--crds` folder gives schemas, not objects to lint.
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: operator
spec:
  selector: {matchLabels: {app: operator}}
  template:
    metadata: {labels: {app: operator}}
    spec:
      containers: [{name: c, image: busybox}]
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  replica: 2
";

fn typo_found() -> Vec<(String, String, u64)> {
    vec![(
        "unknown-field".to_string(),
        "app/widget.yaml".to_string(),
        6,
    )]
}

#[test]
fn crds_flag_checks_custom_resources_and_reports_nothing_in_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "crds/widget.yaml", CRD);
    write(dir.path(), "crds/operator.yaml", DEPLOYMENT);
    write(dir.path(), "app/widget.yaml", WIDGET);

    // Without the CRD the Widget is counted, not checked.
    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "app", "--format", "json"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert!(findings(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["objects_without_kind_checks"], 1);

    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "app", "--crds", "crds", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(findings(&v), typo_found(), "{v}");
    let message = v["diagnostics"][0]["message"].as_str().unwrap_or_default();
    let help = v["diagnostics"][0]["help"].as_str().unwrap_or_default();
    assert!(message.contains("widgets.example.com"), "{message}");
    assert_eq!(help, "did you mean `replicas`?");
    // The Deployment of the CRD folder did not join the run (it would fire probe rules), and
    // only the Widget was counted.
    assert_eq!(v["summary"]["objects"], 1);
    assert_eq!(v["summary"]["objects_without_kind_checks"], 0);

    // A folder both checked and named by --crds is checked: its Deployment is linted.
    let out = kplint()
        .current_dir(dir.path())
        .args(["check", ".", "--crds", "crds", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["summary"]["objects"], 3);
    assert!(findings(&v).contains(&typo_found()[0]), "{v}");
}

#[test]
fn crds_config_key_reads_the_folder_relative_to_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "repo/crds/widget.yaml", CRD);
    write(dir.path(), "repo/app/widget.yaml", WIDGET);
    write(dir.path(), "repo/.kplint.yaml", "crds: [crds]\n");
    let out = kplint()
        .current_dir(dir.path().join("repo"))
        .args(["check", "app", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(findings(&v), typo_found(), "{v}");
}

#[test]
fn a_missing_crds_path_is_a_located_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "app/widget.yaml", WIDGET);
    write(
        dir.path(),
        ".kplint.yaml",
        "namespace: shop\ncrds:\n  - schemas\n",
    );
    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "app"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("`crds` path `schemas` does not exist"),
        "{err}"
    );
    assert!(err.contains(".kplint.yaml:3:5"), "{err}");

    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "app", "--no-config", "--crds", "nowhere"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("nowhere"), "{err}");
}

#[test]
fn an_invalid_crd_in_a_crds_folder_is_a_note_and_its_resources_stay_unchecked() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "crds/widget.yaml",
        &CRD.replace("type: integer", "type: int"),
    );
    write(dir.path(), "app/widget.yaml", WIDGET);
    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "app", "--crds", "crds", "--format", "json"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert!(findings(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["objects_without_kind_checks"], 1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("crds/widget.yaml") && err.contains("`type: int` is not a type"),
        "{err}"
    );
}

/// argo-rollouts ships its CRDs in `manifests/crds` beside `examples/`: the Rollouts there are
/// checked against them, and a typo in a copy of one is found at its line.
#[test]
fn argo_rollouts_are_checked_against_their_own_crds() {
    let Some(repos) = shared::folder("repos") else {
        return;
    };
    let repo = repos.join("argoproj+argo-rollouts");
    let out = kplint()
        .current_dir(&repo)
        .args(["check", ".", "--format", "json"])
        .assert();
    let v = json_of(&out.get_output().stdout);
    // 95 objects of kinds without checks before CRDs were read; the 29 custom resources of
    // argoproj.io (Rollouts, AnalysisTemplates, an Experiment) are now checked.
    assert_eq!(
        v["summary"]["objects_without_kind_checks"], 66,
        "{}",
        v["summary"]
    );

    let rollout =
        fs::read_to_string(repo.join("examples/rollout-canary.yaml")).expect("example present");
    let typo = rollout.replacen("replicas:", "replica:", 1);
    assert_ne!(typo, rollout, "the example sets replicas");
    let line = typo
        .lines()
        .position(|l| l.trim_start().starts_with("replica:"))
        .expect("typo line") as u64
        + 1;
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "rollout.yaml", &typo);
    let crds = repo.join("manifests/crds");
    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "rollout.yaml", "--format", "json", "--crds"])
        .arg(&crds)
        .assert();
    let v = json_of(&out.get_output().stdout);
    let found = findings(&v);
    assert!(
        found.contains(&(
            "unknown-field".to_string(),
            "rollout.yaml".to_string(),
            line
        )),
        "{v}"
    );
    assert_eq!(v["summary"]["objects_without_kind_checks"], 0);
}
