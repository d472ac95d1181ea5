//! Apply units on a fixture repository (`tests/repos/units`): alternative bundles and an
//! application split over folders stay quiet, kustomizations are built with the real
//! `kubectl kustomize` and their findings placed in the files the user edits, and a chart is
//! rendered with the real Helm engine.

#[path = "support/cli.rs"]
mod cli;
mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cli::findings;
use serde_json::Value;

fn repo() -> PathBuf {
    support::helm::root().join("tests/repos/units")
}

/// `kplint check --format json --no-config ARGS` in `dir`: the report, stderr and exit code.
fn kplint(dir: &Path, args: &[&str]) -> (Value, String, i32) {
    let mut all = vec!["--no-config"];
    all.extend_from_slice(args);
    check(dir, &all)
}

/// `kplint check --format json ARGS` in `dir`, reading the folder's configuration.
fn check(dir: &Path, args: &[&str]) -> (Value, String, i32) {
    let out = Command::cargo_bin("kplint")
        .expect("binary built")
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("kplint runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let code = out.status.code().unwrap_or(-1);
    (json, String::from_utf8_lossy(&out.stderr).to_string(), code)
}

/// True when a kustomize binary is on PATH; without one the kustomize tests are skipped, except
/// in CI, which has kubectl and must run them.
fn kubectl_on_path() -> bool {
    let found = kplint::source::kustomize::build::find_builder(None).is_some();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "kubectl or kustomize must be on PATH in CI"
    );
    if !found {
        eprintln!("skipped: no kubectl or kustomize on PATH");
    }
    found
}

/// Writes `(path, text)` files below `dir`.
fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        std::fs::create_dir_all(dir.join(path).parent().expect("a folder")).expect("mkdir");
        std::fs::write(dir.join(path), text).expect("write");
    }
}

#[test]
fn alternative_bundles_and_an_application_split_over_folders_stay_quiet() {
    let (v, err, code) = kplint(&repo(), &["bundles", "split"]);
    assert_eq!(code, 0, "{v}\n{err}");
    assert_eq!(findings(&v), [], "{v}");
    // One unit per folder: the two bundles are never compared, and the split application's
    // Service and PDB find the Deployment of the other folders.
    let kinds: Vec<(&str, &str)> = v["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| (u["root"].as_str().unwrap(), u["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("bundles/ha", "folder"),
            ("bundles/plain", "folder"),
            ("split/deploy", "folder"),
            ("split/pdb", "folder"),
            ("split/svc", "folder"),
        ]
    );
}

#[test]
fn declared_units_apply_the_bundles_together() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for bundle in ["plain", "ha"] {
        let from = repo().join(format!("bundles/{bundle}/app.yaml"));
        std::fs::create_dir_all(d.join(bundle)).unwrap();
        std::fs::copy(from, d.join(format!("{bundle}/app.yaml"))).unwrap();
    }
    std::fs::write(
        d.join(".kplint.yaml"),
        "units:\n  - [\"ha/**\", \"plain/**\"]\n",
    )
    .unwrap();
    let (v, _, _) = check(d, &[]);
    // Different definitions of one identity in one unit: the later replaces the earlier.
    let dups: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "duplicate-object")
        .collect();
    assert_eq!(dups.len(), 2, "{v}");
    assert!(dups.iter().all(|d| d["severity"] == "warning"), "{v}");
    let declared: Vec<&Value> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["kind"] == "declared")
        .collect();
    assert_eq!(declared.len(), 1, "{v}");
    assert_eq!(declared[0]["objects"], 4);
    // Identical copies in one folder replace nothing: an info.
    std::fs::remove_file(d.join(".kplint.yaml")).unwrap();
    let same = std::fs::read_to_string(d.join("plain/app.yaml")).unwrap();
    std::fs::write(d.join("plain/copy.yaml"), same).unwrap();
    let (v, _, code) = check(d, &["plain"]);
    let severities: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "duplicate-object")
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["info", "info"], "{v}");
    assert_eq!(code, 0);
}

#[test]
fn sibling_files_that_define_one_object_are_read_as_possible_alternatives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let config = |mode: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: serving\ndata: {{mode: {mode}}}\n"
        )
    };
    write_tree(
        d,
        &[
            ("app/serving-cpu.yaml", &config("cpu")),
            ("app/serving-gpu.yaml", &config("gpu")),
            (
                "single/both.yaml",
                &format!("{}---\n{}", config("cpu"), config("gpu")),
            ),
        ],
    );
    let (v, _, code) = kplint(d, &[]);
    let dups: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "duplicate-object")
        .map(|d| (d["file"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    // Two files of one folder: maybe alternatives, an info. One file: applied together.
    assert_eq!(
        dups,
        [
            ("app/serving-gpu.yaml", "info"),
            ("single/both.yaml", "warning")
        ],
        "{v}"
    );
    assert_eq!(code, 1);
}

#[test]
fn controllers_in_sibling_files_that_overlap_may_be_alternatives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: gemma}}\n  template:\n    metadata:\n      labels: {{app: gemma}}\n    spec:\n      containers:\n        - name: server\n          image: server:1\n          livenessProbe: {{tcpSocket: {{port: 8000}}}}\n"
        )
    };
    write_tree(
        d,
        &[
            ("serve/tgi.yaml", &deployment("tgi")),
            ("serve/vllm.yaml", &deployment("vllm")),
            (
                "both/all.yaml",
                &format!("{}---\n{}", deployment("tgi"), deployment("vllm")),
            ),
        ],
    );
    let (v, _, _) = kplint(d, &[]);
    let overlaps: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "controllers-overlap")
        .map(|d| (d["file"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        overlaps,
        [("both/all.yaml", "warning"), ("serve/tgi.yaml", "info")],
        "{v}"
    );
}

#[test]
fn findings_on_built_objects_are_placed_where_the_user_wrote_them() {
    if !kubectl_on_path() {
        return;
    }
    let (v, err, code) = kplint(&repo(), &["kustomize"]);
    assert_eq!(code, 1, "{v}\n{err}");
    let units: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["root"].as_str().unwrap())
        .collect();
    // The overlays are the units; the base is linted through them.
    assert_eq!(units, ["kustomize/overlays/a", "kustomize/overlays/b"]);
    assert_eq!(
        findings(&v),
        [
            // The base's defect, built into both overlays, is one finding at the base's line.
            (
                "workload-restart-policy".to_string(),
                "kustomize/base/deployment.yaml".to_string(),
                13
            ),
            // What a patch sets is reported in the patch file.
            (
                "singleton-without-pdb".to_string(),
                "kustomize/overlays/b/single.yaml".to_string(),
                6
            ),
        ],
        "{v}"
    );
    let first = &v["diagnostics"][0];
    assert_eq!(
        first["rendered"]["file"],
        "kustomize/overlays/a (kustomize build)"
    );
    assert!(
        first["rendered"]["range"]["start"]["line"]
            .as_u64()
            .unwrap()
            > 13
    );
    assert_eq!(first["unit"], 0);
    // commonLabels writes the Service's selector and the Pods' labels alike: no
    // service-selects-nothing. The comment in the base silences the liveness finding of
    // both overlays.
    assert!(v["summary"]["suppressed"].as_u64().unwrap() >= 1, "{v}");
}

#[test]
fn a_chart_is_rendered_and_its_findings_name_the_templates() {
    let Some(helm) = support::helm::helm() else {
        return;
    };
    let root = support::helm::root();
    let helm = helm.to_string_lossy().to_string();
    let (v, err, _) = kplint(root, &["tests/repos/chart-basic", "--helm", &helm]);
    assert_eq!(v["units"][0]["kind"], "chart", "{v}\n{err}");
    assert!(v["units"][0]["objects"].as_u64().unwrap() >= 2, "{v}");
    let files: Vec<String> = findings(&v).into_iter().map(|(_, f, _)| f).collect();
    assert!(!files.is_empty(), "{v}");
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("tests/repos/chart-basic/templates/")),
        "{files:?}"
    );
    // A chart whose dependency is not vendored is a located render-failed, not a skip.
    let (v, _, code) = kplint(root, &["tests/repos/chart-missing-dep", "--helm", &helm]);
    assert_eq!(code, 1);
    assert_eq!(v["diagnostics"][0]["rule"], "render-failed", "{v}");
    assert_eq!(
        v["diagnostics"][0]["file"],
        "tests/repos/chart-missing-dep/Chart.yaml"
    );
}

#[test]
fn an_annotation_in_a_base_suppresses_the_finding_built_from_it() {
    if !kubectl_on_path() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let deployment = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: solo
  annotations:
    ignore.kplint.io/singleton-without-pdb: \"one replica by design, drains may take it down\"
spec:
  replicas: 1
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: solo}
  template:
    metadata:
      labels: {app: solo}
    spec:
      containers:
        - name: solo
          image: example/solo:1.0
          livenessProbe: {httpGet: {path: /, port: 8080}}
";
    write_tree(
        d,
        &[
            ("base/deployment.yaml", deployment),
            ("base/kustomization.yaml", "resources: [deployment.yaml]\n"),
            (
                "overlay/kustomization.yaml",
                "resources: [../base]\nnamePrefix: a-\n",
            ),
        ],
    );
    let (v, err, code) = kplint(d, &["--show-suppressed"]);
    let rules: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|x| {
            (
                x["rule"].as_str().unwrap(),
                x["suppressed"]["by"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    // Found on the built object, though the finding is placed in the base file.
    assert_eq!(
        rules,
        [("singleton-without-pdb", "annotation")],
        "{v}\n{err}"
    );
    assert_eq!(v["diagnostics"][0]["file"], "base/deployment.yaml");
    assert_eq!(code, 0);
}

#[test]
fn a_patch_that_adds_to_a_list_leaves_the_list_s_finding_in_the_base() {
    if !kubectl_on_path() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let app = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1.0
          livenessProbe: {httpGet: {path: /, port: 8080}}
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
";
    // Two overlays: one plain, one whose patch adds an argument to the container.
    let patch = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          args: [--verbose]
";
    write_tree(
        d,
        &[
            ("base/app.yaml", app),
            ("base/kustomization.yaml", "resources: [app.yaml]\n"),
            ("plain/kustomization.yaml", "resources: [../base]\n"),
            ("patched/args.yaml", patch),
            (
                "patched/kustomization.yaml",
                "resources: [../base]\npatches:\n  - path: args.yaml\n",
            ),
        ],
    );
    let (v, err, _) = kplint(d, &[]);
    let readiness: Vec<(String, String, u64)> = findings(&v)
        .into_iter()
        .filter(|(rule, _, _)| rule == "missing-readiness-probe")
        .collect();
    // The containers are the base's: the patch only adds an argument to one of them, so the
    // finding is the base's, once for both overlays.
    assert_eq!(
        readiness,
        [(
            "missing-readiness-probe".to_string(),
            "base/app.yaml".to_string(),
            14
        )],
        "{v}\n{err}"
    );
}

#[test]
fn a_chart_is_rendered_with_its_own_settings_from_the_configuration() {
    let Some(helm) = support::helm::helm() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let chart = support::helm::root().join("tests/repos/chart-basic");
    for entry in [
        "Chart.yaml",
        "values.yaml",
        "values-prod.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/service.yaml",
        "templates/tests/test-connection.yaml",
    ] {
        let to = d.join("chart").join(entry);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(chart.join(entry), to).unwrap();
    }
    std::fs::write(
        d.join(".kplint.yaml"),
        "helm:\n  tests: true\n  charts:\n    - path: chart\n      release: shop\n      values: [chart/values-prod.yaml]\n",
    )
    .unwrap();
    let helm = helm.to_string_lossy().to_string();
    let (v, err, _) = check(d, &["chart", "--helm", &helm]);
    let names: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|x| x["object"]["name"].as_str())
        .collect();
    // The release is the configured one, and the test hook is rendered (a bare Pod).
    assert!(!names.is_empty(), "{v}\n{err}");
    assert!(names.iter().all(|n| n.starts_with("shop-web")), "{names:?}");
    assert!(
        findings(&v).contains(&(
            "bare-pod".to_string(),
            "chart/templates/tests/test-connection.yaml".to_string(),
            2
        )),
        "{v}"
    );
    // Without the configuration: the chart's name as release, no test hook.
    let (v, _, _) = kplint(d, &["chart", "--helm", &helm]);
    let rules: Vec<String> = findings(&v).into_iter().map(|(r, _, _)| r).collect();
    assert!(!rules.contains(&"bare-pod".to_string()), "{v}");
    assert_eq!(v["diagnostics"][0]["object"]["name"], "web-web", "{v}");
}

#[test]
fn selectors_that_labels_transformers_write_are_read_from_the_build() {
    if !kubectl_on_path() {
        return;
    }
    // As ingress-nginx's deploy/grafana: the Deployment and Service write no selector at all;
    // commonLabels (or labels with includeSelectors) writes them. Linted as written, they are
    // a selector-mismatch and a service-without-endpoints; built, nothing is wrong.
    let app = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: grafana
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: grafana
          image: grafana/grafana:10.0.0
          readinessProbe: {httpGet: {path: /api/health, port: 3000}}
          livenessProbe: {httpGet: {path: /api/health, port: 3000}}
---
apiVersion: v1
kind: Service
metadata:
  name: grafana
spec:
  ports: [{port: 3000, targetPort: 3000}]
";
    for transformer in [
        "commonLabels:\n  app: grafana\n",
        "labels:\n  - pairs: {app: grafana}\n    includeSelectors: true\n",
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("grafana")).unwrap();
        std::fs::write(d.join("grafana/app.yaml"), app).unwrap();
        std::fs::write(
            d.join("grafana/kustomization.yaml"),
            format!("resources: [app.yaml]\n{transformer}"),
        )
        .unwrap();
        let (v, err, code) = kplint(d, &[]);
        assert_eq!(findings(&v), [], "{transformer}\n{v}\n{err}");
        assert_eq!(code, 0);
        // The same files without kustomize are linted as written, and the findings are there.
        let out = Command::cargo_bin("kplint")
            .unwrap()
            .current_dir(d)
            .env("PATH", "")
            .args(["check", "--format", "json", "--no-config"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let rules: Vec<String> = findings(&v).into_iter().map(|(r, _, _)| r).collect();
        assert!(rules.contains(&"selector-mismatch".to_string()), "{v}");
    }
}
