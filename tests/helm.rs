//! The Helm render stage against a real engine (see `support/helm.rs` for how it is found).

mod support;

use std::path::{Path, PathBuf};

use kplint::source::helm::{find_binary, render, HelmOptions, RenderError};
use support::helm::{helm, root};

fn chart(name: &str) -> PathBuf {
    root().join("tests/repos").join(name)
}

fn opts(release: &str) -> HelmOptions {
    HelmOptions {
        release: release.to_string(),
        ..HelmOptions::default()
    }
}

fn sources(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# Source: "))
        .collect()
}

#[test]
fn renders_with_sources_named_after_the_display_dir() {
    let Some(helm) = helm() else { return };
    let out = render(
        helm,
        &chart("chart-basic"),
        "repo/chart-basic",
        &opts("web"),
    )
    .unwrap();
    // Service before Deployment: helm's install order, not the file names'.
    assert_eq!(
        sources(&out),
        [
            "repo/chart-basic/templates/service.yaml",
            "repo/chart-basic/templates/deployment.yaml"
        ]
    );
    assert!(out.starts_with("---\n# Source: "), "{out}");
    assert!(out.contains("  name: web-web\n"), "{out}");
    // No namespace given: helm's own default.
    assert!(out.contains("  namespace: default\n"), "{out}");
    assert!(out.contains("  replicas: 2\n"), "{out}");
    assert!(out.contains("\"ghcr.io/example/web:1.0.0\""), "{out}");
    assert!(!out.contains("web/templates"), "{out}");
}

#[test]
fn values_files_then_set_override_the_chart_values() {
    let Some(helm) = helm() else { return };
    let dir = chart("chart-basic");
    let o = HelmOptions {
        namespace: Some("shop".to_string()),
        // Relative to where kplint runs, not to the chart: helm runs in the chart folder.
        values: vec![dir
            .join("values-prod.yaml")
            .strip_prefix(std::env::current_dir().unwrap())
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| dir.join("values-prod.yaml"))],
        set: vec!["replicaCount=9,service.port=9090".to_string()],
        ..opts("web")
    };
    let out = render(helm, &dir, "c", &o).unwrap();
    assert!(out.contains("  replicas: 9\n"), "{out}");
    assert!(out.contains("\"ghcr.io/example/web:2.0.0\""), "{out}");
    assert!(out.contains("containerPort: 9090\n"), "{out}");
    assert!(out.contains("  namespace: shop\n"), "{out}");
}

#[test]
fn test_hooks_are_left_out_unless_asked_for() {
    let Some(helm) = helm() else { return };
    let dir = chart("chart-basic");
    let without = render(helm, &dir, "c", &opts("web")).unwrap();
    assert!(!without.contains("test-connection"), "{without}");
    let with = render(
        helm,
        &dir,
        "c",
        &HelmOptions {
            include_tests: true,
            ..opts("web")
        },
    )
    .unwrap();
    // Hooks come after every other manifest, as helm prints them.
    assert_eq!(
        sources(&with).last(),
        Some(&"c/templates/tests/test-connection.yaml")
    );
    assert!(with.contains("helm.sh/hook: test"), "{with}");
}

#[test]
fn a_template_syntax_error_names_its_file_and_line() {
    let Some(helm) = helm() else { return };
    let dir = chart("chart-broken");
    let e = render(helm, &dir, "c", &opts("broken")).unwrap_err();
    assert_eq!(e.file, Some(dir.join("templates/configmap.yaml")), "{e:?}");
    assert_eq!(e.line, Some(6), "{e:?}");
    assert!(e.message.contains("nosuchfunc"), "{e:?}");
}

#[test]
fn missing_dependencies_fail_at_chart_yaml_without_running_helm() {
    let dir = chart("chart-missing-dep");
    // A binary that does not exist: reaching it would be a different error.
    let e = render(
        Path::new("/nonexistent/helm"),
        &dir,
        "c",
        &opts("needs-deps"),
    )
    .unwrap_err();
    assert_eq!(
        e,
        RenderError {
            message: "missing chart dependencies: redis; run `helm dependency build`".to_string(),
            file: Some(dir.join("Chart.yaml")),
            line: Some(4),
        }
    );
}

#[test]
fn find_binary_honours_an_explicit_path_only_when_it_exists() {
    assert_eq!(find_binary(Some(Path::new("/nonexistent/helm"))), None);
    let Some(helm) = helm() else { return };
    assert_eq!(find_binary(Some(helm)), Some(helm.to_path_buf()));
}
