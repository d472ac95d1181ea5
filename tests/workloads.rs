//! Workload kinds a repository declares in `.kplint.yaml` (`workloads:`): their pod templates get
//! the pod rules at their own fields, Services see their Pods, and a bad entry is a located
//! configuration error.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// `kplint check --format json .` in `dir`, reading its configuration.
fn check(dir: &Path) -> (Value, String, i32) {
    let out = Command::cargo_bin("kplint")
        .expect("binary built")
        .current_dir(dir)
        .args(["check", "--format", "json", "."])
        .output()
        .expect("kplint runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let code = out.status.code().unwrap_or(-1);
    (json, String::from_utf8_lossy(&out.stderr).to_string(), code)
}

/// (rule, line) of every diagnostic.
fn findings(v: &Value) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

const CONFIG: &str = "workloads:
  - apiVersion: platform.example.com/v1
    kind: WebApp
    template: spec.podTemplate
    selector: spec.selector
    replicas: spec.instances
";

const MANIFESTS: &str = "apiVersion: platform.example.com/v1
kind: WebApp
metadata:
  name: shop
spec:
  instances: 3
  selector: {matchLabels: {app: shop}}
  podTemplate:
    metadata: {labels: {app: shop}}
    spec:
      restartPolicy: Never
      containers:
        - name: shop
          image: shop:1
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector: {app: shop}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: platform.example.com/v2
kind: WebApp
metadata:
  name: other-version
spec:
  podTemplate:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: c:1}]
";

#[test]
fn a_declared_workload_gets_the_pod_rules_and_its_service_sees_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(".kplint.yaml"), CONFIG).expect("config");
    std::fs::write(dir.path().join("app.yaml"), MANIFESTS).expect("manifests");
    let (json, stderr, _) = check(dir.path());
    assert!(json.is_object(), "no report: {stderr}");
    // At the WebApp's own fields: restartPolicy (line 11), containers (12), the container's
    // name (13). The Service finds the Pods: no service-selects-nothing. The v2 WebApp is not
    // the declared version: counted, not checked.
    assert_eq!(
        findings(&json),
        vec![
            ("missing-liveness-probe".to_string(), 13),
            ("missing-readiness-probe".to_string(), 12),
            ("workload-restart-policy".to_string(), 11),
        ],
        "{json}"
    );
    assert_eq!(json["summary"]["objects_without_kind_checks"], 1, "{json}");
}

#[test]
fn an_annotation_on_a_declared_template_suppresses() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(".kplint.yaml"), CONFIG).expect("config");
    let annotated = MANIFESTS.replacen(
        "    metadata: {labels: {app: shop}}",
        "    metadata:\n      labels: {app: shop}\n      annotations: {ignore.kplint.io/missing-liveness-probe: exits on deadlock}",
        1,
    );
    std::fs::write(dir.path().join("app.yaml"), annotated).expect("manifests");
    let (json, stderr, _) = check(dir.path());
    let rules: Vec<String> = findings(&json).into_iter().map(|(r, _)| r).collect();
    assert!(json.is_object(), "no report: {stderr}");
    assert!(
        !rules.contains(&"missing-liveness-probe".to_string()),
        "{json}"
    );
    assert!(
        rules.contains(&"missing-readiness-probe".to_string()),
        "{json}"
    );
}

#[test]
fn a_bad_workloads_entry_is_a_located_config_error() {
    for (config, line, words) in [
        (
            "workloads:\n  - apiVersion: platform.example.com/v1\n    kind: WebApp\n",
            2,
            "needs `template`",
        ),
        (
            "workloads:\n  - apiVersion: apps/v1\n    kind: Deployment\n    template: spec.template\n",
            2,
            "group Kubernetes serves",
        ),
        (
            "workloads:\n  - apiVersion: platform.example.com/v1\n    kind: WebApp\n    template: spec[0].pod\n",
            4,
            "not a dotted field path",
        ),
        (
            "workloads:\n  - apiVersion: platform.example.com/v1\n    kind: WebApp\n    template: spec.pod\n    replica: spec.n\n",
            5,
            "unknown key `replica`",
        ),
        ("workloads: WebApp\n", 1, "must be a list"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(".kplint.yaml"), config).expect("config");
        std::fs::write(dir.path().join("app.yaml"), MANIFESTS).expect("manifests");
        let (_, stderr, code) = check(dir.path());
        assert_eq!(code, 2, "{config}: {stderr}");
        assert!(stderr.contains(words), "{config}: {stderr}");
        assert!(
            stderr.contains(&format!(".kplint.yaml:{line}:")),
            "{config}: {stderr}"
        );
    }
}
