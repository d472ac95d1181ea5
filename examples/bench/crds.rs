//! `bench --crds`: custom resources checked against their CRDs. A generated run of `n` CRDs
//! (each with a nested schema of about 40 nodes: strings with patterns and enums, integers with
//! bounds, a set, a map list, an int-or-string, a preserved object, a map) and 10 custom
//! resources of each kind (one in ten with a typo or a wrong type), measured against the same
//! resources without their CRDs (counted, not checked) and against the tree parse alone, at
//! 100 and 1,000 CRDs: the growth says whether the check stays linear.

use std::path::Path;

use super::{measure, Sample};

/// Custom resources per CRD.
const PER_CRD: usize = 10;

fn crd(out: &mut String, i: usize) {
    out.push_str(&format!(
        r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things{i}.bench{i}.example.com
spec:
  group: bench{i}.example.com
  scope: Namespaced
  names: {{kind: Thing{i}, plural: things{i}}}
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {{status: {{}}}}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [image, replicas]
              properties:
                image: {{type: string, pattern: '^[a-z0-9./-]+:[a-z0-9.]+$', maxLength: 200}}
                replicas: {{type: integer, minimum: 0, maximum: 100}}
                mode: {{type: string, enum: [fast, safe, off]}}
                port: {{x-kubernetes-int-or-string: true}}
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items: {{type: string}}
                ports:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name]
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: {{type: string, minLength: 1}}
                      port: {{type: integer, minimum: 1, maximum: 65535}}
                      protocol: {{type: string, enum: [TCP, UDP]}}
                env:
                  type: object
                  additionalProperties: {{type: string}}
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                resources:
                  type: object
                  properties:
                    cpu: {{x-kubernetes-int-or-string: true}}
                    memory: {{x-kubernetes-int-or-string: true}}
                probe:
                  type: object
                  properties:
                    path: {{type: string}}
                    periodSeconds: {{type: integer, minimum: 1}}
                    enabled: {{type: boolean}}
            status:
              type: object
              properties:
                phase: {{type: string}}
"#
    ));
}

fn resource(out: &mut String, i: usize, j: usize) {
    // One in ten has a defect: a typo, a wrong type, a value out of range.
    let (replicas_key, replicas, mode) = match j {
        3 => ("replica", "3", "fast"),
        6 => ("replicas", "\"3\"", "fast"),
        9 => ("replicas", "300", "slow"),
        _ => ("replicas", "3", "safe"),
    };
    out.push_str(&format!(
        r#"apiVersion: bench{i}.example.com/v1
kind: Thing{i}
metadata:
  name: thing-{j}
  namespace: ns-{ns}
  labels: {{app: thing-{j}, tier: backend}}
spec:
  image: registry.example.com/thing:1.{j}
  {replicas_key}: {replicas}
  mode: {mode}
  port: http
  tags: [a, b, c]
  ports:
    - {{name: http, port: 8080, protocol: TCP}}
    - {{name: metrics, port: 9090}}
  env: {{LOG_LEVEL: info, REGION: eu}}
  extra: {{anything: [1, 2, 3], nested: {{deep: true}}}}
  resources: {{cpu: 500m, memory: 1Gi}}
  probe: {{path: /healthz, periodSeconds: 10, enabled: true}}
status:
  phase: Running
"#,
        ns = i % 20
    ));
}

/// Writes `crds` CRDs (one file each, with their resources in a second file) under `dir`, or
/// only the resources when `with_crds` is false. Returns the documents written.
fn generate(dir: &Path, crds: usize, with_crds: bool) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut documents = 0;
    for i in 0..crds {
        if with_crds {
            let mut text = String::new();
            crd(&mut text, i);
            std::fs::write(dir.join(format!("crd-{i:04}.yaml")), text)?;
            documents += 1;
        }
        let mut text = String::new();
        for j in 0..PER_CRD {
            if j > 0 {
                text.push_str("---\n");
            }
            resource(&mut text, i, j);
            documents += 1;
        }
        std::fs::write(dir.join(format!("things-{i:04}.yaml")), text)?;
    }
    Ok(documents)
}

pub fn run(exe: &Path, root: &Path, runs: usize) {
    println!(
        "custom resources against their CRDs ({PER_CRD} per CRD, one in ten with a defect), 2 threads, {runs} rounds; times are medians\n"
    );
    println!(
        "{:>6} {:>7} | {:>9} {:>11} {:>9} | {:>10} {:>10}",
        "CRDs", "CRs", "lint ms", "no-CRDs ms", "tree ms", "lint/tree", "CRD cost"
    );
    let mut lints: Vec<(usize, Sample)> = Vec::new();
    for crds in [100, 1_000] {
        let with = root.join(format!("crds-{crds}"));
        let without = root.join(format!("crs-{crds}"));
        let _ = std::fs::remove_dir_all(&with);
        let _ = std::fs::remove_dir_all(&without);
        generate(&with, crds, true).expect("generate");
        generate(&without, crds, false).expect("generate");
        let samples = measure(
            exe,
            &[
                (with.as_path(), "lint"),
                (without.as_path(), "lint"),
                (with.as_path(), "tree"),
            ],
            2,
            runs,
        );
        let (lint, plain, tree) = (&samples[0], &samples[1], &samples[2]);
        println!(
            "{:>6} {:>7} | {:>9.0} {:>11.0} {:>9.0} | {:>9.2}× {:>9.2}×",
            crds,
            crds * PER_CRD,
            lint.wall_ms,
            plain.wall_ms,
            tree.wall_ms,
            lint.ratio(tree),
            lint.ratio(plain)
        );
        println!(
            "{:>15} | peak {:.1} MB with CRDs, {:.1} MB without",
            "",
            lint.peak_kb as f64 * 1024.0 / 1e6,
            plain.peak_kb as f64 * 1024.0 / 1e6
        );
        lints.push((crds, samples.into_iter().next().expect("lint sample")));
        let _ = std::fs::remove_dir_all(&with);
        let _ = std::fs::remove_dir_all(&without);
    }
    if let [(a, small), (b, large)] = lints.as_slice() {
        println!(
            "\ngrowth {a}→{b} CRDs ({}→{} custom resources): {:.2}× time for {:.0}× work",
            a * PER_CRD,
            b * PER_CRD,
            large.ratio(small),
            *b as f64 / *a as f64
        );
    }
}
