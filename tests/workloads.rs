//! Workload kinds a repository declares in `.kplint.yaml` (`workloads:`): their pod templates get
//! the pod rules at their own fields, Services see their Pods, and a bad entry is a located
//! configuration error. Argo Workflows: their steps' containers get the container checks at their
//! own fields, once when the Workflow CRD is in the run too.

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

/// (rule, line, column) of every diagnostic, 1-based.
fn located(v: &Value) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                start["line"].as_u64().unwrap_or(0),
                start["column"].as_u64().unwrap_or(0),
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

/// A Workflow with a defect in each kind of step container, and the keys Argo adds to them.
const WORKFLOW: &str = "apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: pipeline
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: busybox:1.36
        imagePullPolcy: Always
      sidecars:
        - name: proxy
          image: envoy:1
          mirrorVolumeMounts: true
          env:
            - name: NODE
              valueFrom: {fieldRef: {fieldPath: spec.nodeNam}}
    - name: gen
      script:
        image: python:3.12
        source: print(1)
        env: [{name: PHASE, valueFrom: {fieldRef: {fieldPath: status.phase}}}]
    - name: set
      containerSet:
        containers:
          - name: a
            image: a:1
            dependencies: [b]
            ports: [{containerPort: http}]
          - name: b
            image: b:1
      initContainers:
        - {name: fetch, image: git:1, mirrorVolumeMounts: true, workDir: /src}
";

#[test]
fn an_argo_workflow_s_containers_are_checked_at_their_own_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("wf.yaml"), WORKFLOW).expect("manifests");
    let (json, stderr, _) = check(dir.path());
    assert!(json.is_object(), "no report: {stderr}");
    // The main container's typo (line 11), the sidecar's and the script's fieldRefs (18, 23),
    // a port that is not a number in a container-set container (30), the init container's typo
    // (34). `mirrorVolumeMounts`, `source` and `dependencies` are Argo's: not reported; no probe,
    // restartPolicy or selection rule fires on a step.
    assert_eq!(
        located(&json),
        vec![
            ("downward-api-field".to_string(), 18, 49),
            ("downward-api-field".to_string(), 23, 63),
            ("invalid-object".to_string(), 30, 37),
            ("unknown-field".to_string(), 11, 9),
            ("unknown-field".to_string(), 34, 65),
        ],
        "{json}"
    );
    let typo = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["path"] == "spec.templates[0].container.imagePullPolcy")
        .expect("the typo, at its path");
    assert!(
        typo["help"]
            .as_str()
            .unwrap_or_default()
            .contains("imagePullPolicy"),
        "{typo}"
    );
    assert_eq!(json["summary"]["objects_without_kind_checks"], 0, "{json}");
}

#[test]
fn a_valid_workflow_gets_nothing_and_is_counted_as_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let valid = "apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: hello
  volumes: [{name: work, emptyDir: {}}]
  templates:
    - name: hello
      container:
        image: busybox:1.36
        command: [echo, hello]
        env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        volumeMounts: [{name: work, mountPath: /work}]
---
apiVersion: example.com/v1
kind: Gadget
metadata:
  name: not-read
";
    std::fs::write(dir.path().join("wf.yaml"), valid).expect("manifests");
    let (json, stderr, code) = check(dir.path());
    assert!(json.is_object(), "no report: {stderr}");
    assert_eq!(located(&json), vec![], "{json}");
    assert_eq!(code, 0, "{json}");
    // Only the Gadget is without checks.
    assert_eq!(json["summary"]["objects"], 2, "{json}");
    assert_eq!(json["summary"]["objects_without_kind_checks"], 1, "{json}");
}

#[test]
fn with_the_workflow_crd_a_container_defect_is_reported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: workflows.argoproj.io
spec:
  group: argoproj.io
  names: {kind: Workflow, plural: workflows, singular: workflow, listKind: WorkflowList}
  scope: Namespaced
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                entrypoint: {type: string}
                templates:
                  type: array
                  items:
                    type: object
                    properties:
                      name: {type: string}
                      container:
                        type: object
                        required: [name]
                        properties:
                          name: {type: string}
                          image: {type: string}
";
    std::fs::write(dir.path().join("crd.yaml"), crd).expect("crd");
    std::fs::write(dir.path().join("wf.yaml"), WORKFLOW).expect("manifests");
    let (json, stderr, _) = check(dir.path());
    assert!(json.is_object(), "no report: {stderr}");
    let in_wf: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == "wf.yaml")
        .map(|d| {
            let start = &d["range"]["start"];
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                start["line"].as_u64().unwrap_or(0),
                start["column"].as_u64().unwrap_or(0),
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // The container decode's findings, each once (the CRD's `required: [name]` and its own
    // unknown `imagePullPolcy` are left to it); the keys the CRD lacks outside the containers
    // (`sidecars`, `script`, `containerSet`, `initContainers`) are the CRD's.
    assert_eq!(
        in_wf,
        vec![
            ("downward-api-field".to_string(), 18, 49),
            ("downward-api-field".to_string(), 23, 63),
            ("invalid-object".to_string(), 30, 37),
            ("unknown-field".to_string(), 11, 9),
            ("unknown-field".to_string(), 12, 7),
            ("unknown-field".to_string(), 20, 7),
            ("unknown-field".to_string(), 25, 7),
            ("unknown-field".to_string(), 33, 7),
            ("unknown-field".to_string(), 34, 65),
        ],
        "{json}"
    );
    let count = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == "wf.yaml")
        .count();
    assert_eq!(count, in_wf.len(), "a finding twice: {json}");
}
