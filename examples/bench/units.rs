//! `bench --units`: a repository of kustomize bases and overlays, built and linted.
//!
//! Measures, each round, the builds alone (`kubectl kustomize` on every overlay, one after the
//! other, summed), the lint of their concatenated output (`kplint check -`) and the whole run
//! (`kplint check <repo>`, which builds and lints), and checks the whole against the budget:
//! whole ≤ 1.3 × (builds / threads) + lint of output.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub const BASES: usize = 5;
pub const OVERLAYS_PER_BASE: usize = 10;
const BUDGET: f64 = 1.3;

/// Writes `bases/bN` (Deployment, Service, ConfigMap) and `overlays/bN-eM` (prefix, namespace,
/// labels, image, strategic-merge patch) under `root`; returns the overlays' folders.
pub fn generate(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut overlays = Vec::new();
    for b in 0..BASES {
        let name = format!("svc{b}");
        let base = root.join("bases").join(format!("b{b}"));
        std::fs::create_dir_all(&base)?;
        std::fs::write(
            base.join("kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n  - configmap.yaml\n",
        )?;
        std::fs::write(base.join("deployment.yaml"), deployment(&name, b))?;
        std::fs::write(base.join("service.yaml"), service(&name))?;
        std::fs::write(base.join("configmap.yaml"), configmap(&name, b))?;
        for e in 0..OVERLAYS_PER_BASE {
            let dir = root.join("overlays").join(format!("b{b}-e{e}"));
            std::fs::create_dir_all(&dir)?;
            let mut k = String::new();
            let _ = write!(
                k,
                r#"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../bases/b{b}
namePrefix: e{e}-
namespace: team-{e}
commonLabels:
  env: e{e}
  team: team-{e}
images:
  - name: registry.example.com/{name}
    newTag: "2.{e}.{b}"
patches:
  - path: patch.yaml
"#
            );
            std::fs::write(dir.join("kustomization.yaml"), k)?;
            let replicas = 2 + e % 4;
            let cpu = 100 * (1 + e % 5);
            let mem = 128 * (1 + e % 4);
            std::fs::write(
                dir.join("patch.yaml"),
                format!(
                    r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: app
          resources:
            requests:
              cpu: {cpu}m
              memory: {mem}Mi
            limits:
              cpu: {}m
              memory: {}Mi
"#,
                    cpu * 2,
                    mem * 2
                ),
            )?;
            overlays.push(dir);
        }
    }
    Ok(overlays)
}

fn deployment(name: &str, b: usize) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: app
          image: registry.example.com/{name}:1.{b}.0
          args: ["--port=8080", "--config=/etc/{name}/app.yaml"]
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: {name}-config
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
            limits:
              cpu: 100m
              memory: 128Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: config
              mountPath: /etc/{name}
      volumes:
        - name: config
          configMap:
            name: {name}-config
"#
    )
}

fn service(name: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Service
metadata:
  name: {name}
  labels:
    app.kubernetes.io/name: {name}
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: http
      port: 80
      targetPort: http
"#
    )
}

fn configmap(name: &str, b: usize) -> String {
    format!(
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
data:
  LOG_LEVEL: info
  SHARD: "{b}"
  app.yaml: |
    listen: :8080
    upstream: http://{name}-backend
"#
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn abort(message: String) -> ! {
    eprintln!("bench --units: {message}");
    std::process::exit(2);
}

/// Builds every overlay with `kubectl kustomize`, one after the other: the summed wall time of
/// the builds (each timed alone) and their concatenated output.
fn build_all(overlays: &[PathBuf]) -> (f64, Vec<u8>) {
    let mut total = 0.0;
    let mut out = Vec::new();
    for dir in overlays {
        let start = Instant::now();
        let built = Command::new("kubectl")
            .arg("kustomize")
            .arg(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| abort(format!("cannot run kubectl: {e}")));
        total += start.elapsed().as_secs_f64() * 1000.0;
        if !built.status.success() {
            abort(format!(
                "kubectl kustomize {} failed: {}",
                dir.display(),
                String::from_utf8_lossy(&built.stderr)
            ));
        }
        out.extend_from_slice(b"---\n");
        out.extend_from_slice(&built.stdout);
    }
    (total, out)
}

/// Runs kplint; its wall time and standard output. Exit codes other than 0 and 1 abort.
fn kplint(bin: &Path, args: &[&str], stdin: Option<&Path>) -> (f64, Vec<u8>) {
    let mut cmd = Command::new(bin);
    cmd.args(args).stderr(Stdio::piped()).stdout(Stdio::piped());
    match stdin {
        Some(f) => cmd.stdin(std::fs::File::open(f).expect("built output")),
        None => cmd.stdin(Stdio::null()),
    };
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| abort(format!("cannot run {}: {e}", bin.display())));
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    match out.status.code() {
        Some(0 | 1) => {}
        code => abort(format!(
            "kplint {} exited {code:?}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )),
    }
    (wall, out.stdout)
}

/// The kustomization units of a JSON report.
fn kustomization_units(json: &[u8]) -> usize {
    let v: serde_json::Value = serde_json::from_slice(json)
        .unwrap_or_else(|e| abort(format!("whole run: report is not JSON: {e}")));
    v["units"]
        .as_array()
        .unwrap_or_else(|| abort("whole run: report has no `units` array".into()))
        .iter()
        .filter(|u| u["kind"] == "kustomization")
        .count()
}

pub fn run(bin: &Path, runs: usize) {
    if !bin.is_file() {
        abort(format!("{} not built (run scripts/bench)", bin.display()));
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let repo = tmp.path().join("repo");
    let overlays = generate(&repo).expect("generate repository");
    let output = tmp.path().join("built.yaml");
    let repo_arg = repo.to_string_lossy().into_owned();

    // Per round: builds; lint of output at 1 and 2 threads; whole at 1 and 2 threads.
    let mut builds = Vec::new();
    let mut lint = [Vec::new(), Vec::new()];
    let mut whole = [Vec::new(), Vec::new()];
    let mut ratio = [Vec::new(), Vec::new()];
    let mut built_bytes = 0;
    for round in 0..runs {
        let (b, text) = build_all(&overlays);
        if round == 0 {
            built_bytes = text.len();
        }
        std::fs::File::create(&output)
            .and_then(|mut f| f.write_all(&text))
            .expect("write built output");
        builds.push(b);
        for (i, threads) in [1usize, 2].into_iter().enumerate() {
            let t = threads.to_string();
            let (l, _) = kplint(
                bin,
                &["check", "-", "--threads", &t, "--format", "json"],
                Some(&output),
            );
            let (w, report) = kplint(
                bin,
                &["check", &repo_arg, "--threads", &t, "--format", "json"],
                None,
            );
            let units = kustomization_units(&report);
            if units != overlays.len() {
                abort(format!(
                    "whole run at {threads} thread(s) found {units} kustomization units, not {}",
                    overlays.len()
                ));
            }
            lint[i].push(l);
            whole[i].push(w);
            ratio[i].push(w / (b / threads as f64 + l));
        }
    }

    println!(
        "kplint units benchmark: {} overlays of {BASES} bases ({:.1} KB built), {runs} rounds; times are medians in ms, the ratio the median of each round's whole / (builds/T + lint)\n",
        overlays.len(),
        built_bytes as f64 / 1e3
    );
    println!(
        "{:>3} | {:>9} {:>10} | {:>14} | {:>9} | {:>6} {:>6}",
        "thr", "builds ms", "builds/T", "lint of output", "whole ms", "ratio", "≤1.3"
    );
    let b = median(builds);
    for (i, threads) in [1usize, 2].into_iter().enumerate() {
        let r = median(ratio[i].clone());
        println!(
            "{:>3} | {:>9.0} {:>10.0} | {:>14.0} | {:>9.0} | {:>6.2} {:>6}",
            threads,
            b,
            b / threads as f64,
            median(lint[i].clone()),
            median(whole[i].clone()),
            r,
            if r <= BUDGET { "PASS" } else { "FAIL" }
        );
    }
}
