//! Builds the fixture repository `tests/repos/kustomize/` with the real `kubectl kustomize`
//! (or `kustomize build`) and checks where built fields are located in the user's files.

use std::path::{Path, PathBuf};

use kplint::source::kustomize::build::{build, find_builder, Builder};
use kplint::source::kustomize::origin::{DocOrigin, OriginLocator};
use kplint::source::Span;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/repos/kustomize")
}

fn builder() -> Option<Builder> {
    let b = find_builder(None);
    if b.is_none() {
        assert!(
            std::env::var_os("KPLINT_REQUIRE_KUSTOMIZE").is_none(),
            "KPLINT_REQUIRE_KUSTOMIZE is set but neither kustomize nor kubectl is on PATH"
        );
        println!("skipped: neither kustomize nor kubectl is on PATH");
    }
    b
}

/// The 1-based line of a span, and the text it covers.
fn at(file: &Path, span: Span) -> (u32, String) {
    let text = std::fs::read_to_string(file).expect("read located file");
    let line = text[..span.start as usize].matches('\n').count() as u32 + 1;
    (
        line,
        text[span.start as usize..span.end as usize].to_string(),
    )
}

/// The 1-based line of the first line of `file` containing `needle`.
fn line_of(file: &Path, needle: &str) -> u32 {
    let text = std::fs::read_to_string(file).expect("read file");
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in {}", file.display()))
}

/// The origin of the built object of this kind whose name ends with `name`.
fn origin_of<'a>(text: &str, origins: &'a [DocOrigin], kind: &str, name: &str) -> &'a DocOrigin {
    let docs: Vec<&str> = text.split("---\n").collect();
    assert_eq!(docs.len(), origins.len(), "one origin per document");
    let i = docs
        .iter()
        .position(|d| {
            d.lines().any(|l| l == format!("kind: {kind}"))
                && d.lines().any(|l| l == format!("  name: {name}"))
        })
        .unwrap_or_else(|| panic!("no {kind} {name} in\n{text}"));
    &origins[i]
}

#[test]
fn builds_the_overlay_and_locates_where_fields_are_written() {
    let Some(b) = builder() else { return };
    let root = repo();
    let built = build(&b, &root.join("overlays/prod")).expect("overlay builds");
    let text = &built.text;
    assert!(!text.contains("config.kubernetes.io/origin"), "{text}");
    assert!(!text.contains("alpha.config.kubernetes.io"), "{text}");
    assert!(text.contains("kind: Deployment"));
    assert!(
        text.contains("  name: prod-web\n  namespace: shop\n"),
        "{text}"
    );
    assert_eq!(built.origins.len(), 3, "ConfigMap, Service, Deployment");
    // The component's annotation stays; the build's annotations go.
    assert!(text.contains("prometheus.io/scrape: \"true\""));

    let base_dep = root.join("base/deployment.yaml");
    let overlay = root.join("overlays/prod/kustomization.yaml");
    let smp = root.join("overlays/prod/resources.yaml");
    let json = root.join("overlays/prod/replicas-json.yaml");
    let dep = origin_of(text, &built.origins, "Deployment", "prod-web");
    assert_eq!(dep.resource.as_deref(), Some(base_dep.as_path()));
    let mut loc = OriginLocator::default();
    let mut find = |o: &DocOrigin, kind: &str, name: &str, path: &str, v: Option<&str>| {
        let (file, span) = loc
            .locate(o, kind, Some(name), path, v)
            .unwrap_or_else(|| panic!("{path} not located"));
        let (line, text) = at(&file, span);
        (file, line, text)
    };

    // Written in the base; the strategic merge put the `web` container first.
    let (f, line, t) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.template.spec.containers[0].securityContext.runAsNonRoot",
        Some("true"),
    );
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (
            base_dep.as_path(),
            line_of(&base_dep, "runAsNonRoot"),
            "true"
        )
    );
    // Set by the strategic-merge patch file.
    let (f, line, t) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.template.spec.containers[0].image",
        Some("nginx:1.27"),
    );
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (smp.as_path(), line_of(&smp, "nginx:1.27"), "nginx:1.27")
    );
    let (f, line, _) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.template.spec.containers[0].resources.limits.memory",
        None,
    );
    assert_eq!(
        (f.as_path(), line),
        (smp.as_path(), line_of(&smp, "memory: 256Mi"))
    );
    // Set by the JSON 6902 patch file.
    let (f, line, t) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.template.spec.terminationGracePeriodSeconds",
        Some("45"),
    );
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (json.as_path(), line_of(&json, "value: 45"), "45")
    );
    // The JSON patch sets 5, but the replicas transformer runs later and sets 3.
    let (f, line, t) = find(dep, "Deployment", "prod-web", "spec.replicas", Some("3"));
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (overlay.as_path(), line_of(&overlay, "count: 3"), "3")
    );
    // The namespace transformer.
    let (f, line, _) = find(
        dep,
        "Deployment",
        "prod-web",
        "metadata.namespace",
        Some("shop"),
    );
    assert_eq!(
        (f.as_path(), line),
        (overlay.as_path(), line_of(&overlay, "namespace: shop"))
    );
    // The prefix transformer.
    let (f, line, _) = find(
        dep,
        "Deployment",
        "prod-web",
        "metadata.name",
        Some("prod-web"),
    );
    assert_eq!(
        (f.as_path(), line),
        (overlay.as_path(), line_of(&overlay, "namePrefix:"))
    );
    // The image transformer changed the sidecar's tag (the base writes 1.36).
    let (f, line, t) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.template.spec.containers[1].image",
        Some("busybox:1.37"),
    );
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (
            overlay.as_path(),
            line_of(&overlay, "newTag: \"1.37\""),
            "\"1.37\""
        )
    );
    // A common label.
    let (f, line, _) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.selector.matchLabels.env",
        Some("prod"),
    );
    assert_eq!(
        (f.as_path(), line),
        (overlay.as_path(), line_of(&overlay, "env: prod"))
    );
    // The component's annotation.
    let comp = root.join("components/monitoring/kustomization.yaml");
    let (f, line, _) = find(
        dep,
        "Deployment",
        "prod-web",
        "metadata.annotations[\"prometheus.io/scrape\"]",
        Some("true"),
    );
    assert_eq!(
        (f.as_path(), line),
        (comp.as_path(), line_of(&comp, "prometheus.io/scrape"))
    );
    // A field nobody writes: the nearest written parent in the base.
    let (f, line, _) = find(
        dep,
        "Deployment",
        "prod-web",
        "spec.template.spec.containers[0].livenessProbe",
        None,
    );
    assert_eq!(f, base_dep);
    assert_eq!(line, line_of(&base_dep, "- name: web"));

    // The inline patch in the kustomization.
    let svc = origin_of(text, &built.origins, "Service", "prod-web");
    let (f, line, t) = find(
        svc,
        "Service",
        "prod-web",
        "spec.sessionAffinity",
        Some("ClientIP"),
    );
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (
            overlay.as_path(),
            line_of(&overlay, "sessionAffinity: ClientIP"),
            "ClientIP"
        )
    );
    let base_svc = root.join("base/service.yaml");
    let (f, line, _) = find(svc, "Service", "prod-web", "spec.ports[0].port", Some("80"));
    assert_eq!(
        (f.as_path(), line),
        (base_svc.as_path(), line_of(&base_svc, "port: 80"))
    );

    // The generated ConfigMap: its generator entry, and the env file line of a key.
    let cm_name = text
        .lines()
        .find_map(|l| l.strip_prefix("  name: prod-web-config-"))
        .map(|h| format!("prod-web-config-{h}"))
        .expect("generated ConfigMap name");
    let cm = origin_of(text, &built.origins, "ConfigMap", &cm_name);
    let base_k = root.join("base/kustomization.yaml");
    assert_eq!(cm.generated_by.as_deref(), Some(base_k.as_path()));
    assert_eq!(cm.resource, None);
    let (f, line, t) = find(cm, "ConfigMap", &cm_name, "metadata.name", Some(&cm_name));
    // The prefix transformer names it; the generator entry is where its name is written.
    assert_eq!(
        (f.as_path(), line),
        (overlay.as_path(), line_of(&overlay, "namePrefix:")),
        "{t}"
    );
    let (f, line, t) = find(cm, "ConfigMap", &cm_name, "immutable", None);
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (
            base_k.as_path(),
            line_of(&base_k, "name: web-config"),
            "web-config"
        )
    );
    let env = root.join("base/web.env");
    let (f, line, t) = find(cm, "ConfigMap", &cm_name, "data.LOG_LEVEL", Some("info"));
    assert_eq!(
        (f.as_path(), line, t.as_str()),
        (env.as_path(), 1, "LOG_LEVEL=info")
    );
}

#[test]
fn a_missing_resource_points_at_its_entry() {
    let Some(b) = builder() else { return };
    let root = repo();
    let err = build(&b, &root.join("broken")).expect_err("broken must not build");
    let k = root.join("broken/kustomization.yaml");
    assert_eq!(err.file, k, "{err:?}");
    assert_eq!(
        err.line,
        Some(line_of(&k, "- ../does-not-exist")),
        "{err:?}"
    );
    assert!(err.message.contains("does-not-exist"), "{}", err.message);
    assert!(!err.message.contains("run.go"), "{}", err.message);
    assert!(
        !err.message.contains("kplint-kustomize-"),
        "{}",
        err.message
    );
}

#[test]
fn a_remote_base_is_refused_before_building() {
    let root = repo();
    // A builder that would fail loudly if it were run: the refusal comes first.
    let fake = Builder::Kubectl(PathBuf::from("/nonexistent/kubectl"));
    let err = build(&fake, &root.join("remote")).expect_err("remote must not build");
    let k = root.join("remote/kustomization.yaml");
    assert_eq!(err.file, k);
    assert_eq!(err.line, Some(line_of(&k, "github.com/")), "{err:?}");
    assert!(
        err.message.contains("does not reach the network"),
        "{}",
        err.message
    );
}
