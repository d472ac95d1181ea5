//! A path in `.kplint.yaml` that does not exist stops the run (exit 2) with an error at its
//! line and column, as every other configuration mistake does.

use std::path::Path;

use crate::{kplint, stderr_of, write, POD};

/// Runs `kplint check .` in `dir` and returns stderr, expecting exit 2.
fn config_error(dir: &Path) -> String {
    let out = kplint().current_dir(dir).arg("check").assert().code(2);
    stderr_of(&out)
}

#[test]
fn the_readme_example_context_without_its_folder_is_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "pod.yaml", POD);
    write(
        dir.path(),
        ".kplint.yaml",
        "namespace: shop\ncontext: [base]\n",
    );
    let err = config_error(dir.path());
    assert!(
        err.contains(".kplint.yaml:2:11: `context` path `base` does not exist"),
        "{err}"
    );
    assert!(err.contains("relative to its folder"), "{err}");
    // There, it is read.
    write(
        dir.path(),
        "base/svc.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    kplint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(1);
}

#[test]
fn paths_are_relative_to_the_configuration_s_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "pod.yaml", POD);
    write(dir.path(), "conf/.kplint.yaml", "context: [base]\n");
    let out = kplint()
        .current_dir(dir.path())
        .args(["check", "--config", "conf/.kplint.yaml"])
        .assert()
        .code(2);
    let err = stderr_of(&out);
    assert!(
        err.contains("conf/.kplint.yaml:1:11: `context` path `conf/base` does not exist"),
        "{err}"
    );
    assert!(err.contains("(`conf`)"), "{err}");
    write(
        dir.path(),
        "conf/base/c.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    kplint()
        .current_dir(dir.path())
        .args(["check", "--config", "conf/.kplint.yaml"])
        .assert()
        .code(1);
}

#[test]
fn helm_values_charts_and_binaries_are_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "pod.yaml", POD);
    write(
        d,
        ".kplint.yaml",
        "helm:\n  values: [ci/values-lint.yaml]\n",
    );
    assert!(
        config_error(d)
            .contains(".kplint.yaml:2:12: `helm.values` file `ci/values-lint.yaml` does not exist"),
        "{}",
        config_error(d)
    );
    write(d, "charts/web/values.yaml", "replicaCount: 1\n");
    write(
        d,
        ".kplint.yaml",
        "helm:\n  charts:\n    - {path: charts/web}\n",
    );
    let err = config_error(d);
    assert!(err.contains(".kplint.yaml:3:14: `helm.charts` path `charts/web` is not a chart: no Chart.yaml there"), "{err}");
    write(
        d,
        ".kplint.yaml",
        "helm:\n  charts:\n    - path: charts/api\n      values: [x.yaml]\n",
    );
    assert!(config_error(d)
        .contains(".kplint.yaml:3:13: `helm.charts` path `charts/api` does not exist"));
    write(
        d,
        ".kplint.yaml",
        "helm:\n  charts:\n    - path: charts/web\n      values: [charts/web/prod.yaml]\n",
    );
    write(
        d,
        "charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    assert!(config_error(d).contains(
        ".kplint.yaml:4:16: `helm.charts` values file `charts/web/prod.yaml` does not exist"
    ));
    write(d, ".kplint.yaml", "kustomize: ./bin/kustomize\n");
    assert!(
        config_error(d)
            .contains(".kplint.yaml:1:12: `kustomize` binary `./bin/kustomize` does not exist"),
        "{}",
        config_error(d)
    );
    write(d, ".kplint.yaml", "helm: {binary: tools/helm}\n");
    assert!(
        config_error(d).contains(".kplint.yaml:1:16: `helm` binary `tools/helm` does not exist"),
        "{}",
        config_error(d)
    );
}

#[test]
fn units_globs_need_their_folders_and_other_globs_are_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "deploy/pod.yaml", POD);
    write(
        d,
        ".kplint.yaml",
        "units:\n  - [\"deploy/**\", \"deplyo/*.yaml\"]\n",
    );
    let err = config_error(d);
    assert!(
        err.contains(
            ".kplint.yaml:2:19: `units` glob `deplyo/*.yaml` names `deplyo`, which does not exist"
        ),
        "{err}"
    );
    // A glob that names no folder matches wherever it matches; excludes may name anything.
    write(
        d,
        ".kplint.yaml",
        "units: [\"deploy/**\", \"**/svc-*.yaml\"]\nexclude: [\"vendor/**\"]\n",
    );
    kplint().current_dir(d).arg("check").assert().code(1);
}
