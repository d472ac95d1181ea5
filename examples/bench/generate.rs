//! A deterministic generator of realistic manifests, for the benchmark.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// A small, fixed PRNG (xorshift64*) so every run generates the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What was written.
pub struct Generated {
    pub files: usize,
    pub documents: usize,
    pub bytes: u64,
}

fn deployment(out: &mut String, ns: &str, name: &str, rng: &mut Rng, defect: bool) {
    let replicas = 1 + rng.below(5);
    let _ = write!(
        out,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        tier: backend
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: {name}
      volumes:
        - name: config
          configMap:
            name: {name}-config
            defaultMode: 0644
        - name: cache
          emptyDir: {{}}
      containers:
        - name: app
          image: registry.example.com/{name}:1.{replicas}.0
          args: ["--port=8080", "--log-level=info"]
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: DEBUG
              value: {debug}
            - name: CACHE_DIR
              value: /var/cache/app
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /live
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          volumeMounts:
            - name: config
              mountPath: /etc/app
            - name: cache
              mountPath: /var/cache/app
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          ports:
            - name: admin
              containerPort: 9901
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
"#,
        debug = if defect { "yes" } else { "\"false\"" }
    );
}

/// A Service named `name` selecting the Pods of `app`.
fn service(out: &mut String, ns: &str, name: &str, app: &str, headless: bool) {
    let cluster_ip = if headless { "\n  clusterIP: None" } else { "" };
    let _ = write!(
        out,
        r#"apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:{cluster_ip}
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
"#
    );
}

fn statefulset(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: {ns}
spec:
  serviceName: {name}
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
        - name: db
          image: postgres:16
          ports:
            - name: http
              containerPort: 5432
          readinessProbe:
            exec:
              command: ["pg_isready"]
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 10Gi
"#
    );
}

fn daemonset(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      priorityClassName: system-node-critical
      containers:
        - name: agent
          image: fluent/fluent-bit:3.1
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
"#
    );
}

fn job(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  namespace: {ns}
spec:
  ttlSecondsAfterFinished: 3600
  backoffLimit: 3
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: work
          image: registry.example.com/batch:2.0
          command: ["/bin/work", "--once"]
"#
    );
}

fn cronjob(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        r#"apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
  namespace: {ns}
spec:
  schedule: "*/15 * * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 120
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: registry.example.com/report:1.0
"#
    );
}

fn pod(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        r#"apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels:
    debug: "true"
spec:
  containers:
    - name: shell
      image: busybox:1.36
      command: ["sleep", "3600"]
"#
    );
}

/// A PodDisruptionBudget named `name` for the Pods of `app`.
fn pdb(out: &mut String, ns: &str, name: &str, app: &str) {
    let _ = write!(
        out,
        r#"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
"#
    );
}

/// A HorizontalPodAutoscaler named `name` scaling the Deployment `app`.
fn hpa(out: &mut String, ns: &str, name: &str, app: &str) {
    let _ = write!(
        out,
        r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {app}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"#
    );
}

fn pvc(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        r#"apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {name}
  namespace: {ns}
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 5Gi
"#
    );
}

fn configmap(out: &mut String, ns: &str, name: &str, rng: &mut Rng) {
    let _ = write!(
        out,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\ndata:\n  app.properties: |\n"
    );
    for i in 0..(20 + rng.below(40)) {
        let _ = writeln!(
            out,
            "    setting.{i}.value = {} # a long-ish line of configuration text",
            rng.next()
        );
    }
}

/// Writes `documents` documents into `dir`, a few per file, across 20 namespaces.
pub fn generate(dir: &Path, documents: usize, seed: u64) -> std::io::Result<Generated> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let mut made = 0usize;
    let mut files = 0usize;
    let mut bytes = 0u64;
    let mut app = 0usize;
    // The newest Deployment and StatefulSet of each namespace: Services, PDBs and HPAs point at
    // them (across files, as in a real repository); one in fifty points at nothing (a defect).
    let mut deployments: HashMap<String, String> = HashMap::new();
    // StatefulSets still waiting for their headless Service, newest per namespace.
    let mut statefulsets: HashMap<String, String> = HashMap::new();
    while made < documents {
        let ns = format!("team-{}", rng.below(20));
        let mut text = String::new();
        let per_file = 1 + rng.below(6) as usize;
        for _ in 0..per_file {
            if made >= documents {
                break;
            }
            if !text.is_empty() {
                text.push_str("---\n");
            }
            app += 1;
            let name = format!("app-{app}");
            let defect = rng.below(50) == 0;
            let target = |known: &HashMap<String, String>| match known.get(&ns) {
                Some(n) if !defect => n.clone(),
                _ => format!("missing-{app}"),
            };
            match rng.below(100) {
                0..=29 => {
                    deployment(&mut text, &ns, &name, &mut rng, defect);
                    deployments.insert(ns.clone(), name);
                }
                30..=49 => service(&mut text, &ns, &name, &target(&deployments), false),
                50..=56 => {
                    statefulset(&mut text, &ns, &name);
                    statefulsets.insert(ns.clone(), name);
                }
                // The governing Service of the newest StatefulSet (named as its serviceName).
                57..=59 => match statefulsets.remove(&ns) {
                    Some(set) => service(&mut text, &ns, &set, &set, true),
                    None => service(&mut text, &ns, &name, &target(&deployments), false),
                },
                60..=63 => daemonset(&mut text, &ns, &name),
                64..=68 => job(&mut text, &ns, &name),
                69..=72 => cronjob(&mut text, &ns, &name),
                73..=74 => pod(&mut text, &ns, &name),
                75..=79 => pdb(&mut text, &ns, &name, &target(&deployments)),
                80..=83 => hpa(&mut text, &ns, &name, &target(&deployments)),
                84..=87 => pvc(&mut text, &ns, &name),
                _ => configmap(&mut text, &ns, &name, &mut rng),
            }
            made += 1;
        }
        let sub = dir.join(format!("part-{:03}", files / 500));
        std::fs::create_dir_all(&sub)?;
        let path = sub.join(format!("m-{files:06}.yaml"));
        bytes += text.len() as u64;
        std::fs::write(path, text)?;
        files += 1;
    }
    Ok(Generated {
        files,
        documents: made,
        bytes,
    })
}

/// `n` Deployments and `n` Services (each selecting one Deployment) in one namespace.
pub fn generate_cross(dir: &Path, n: usize) -> std::io::Result<Generated> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(7);
    let mut bytes = 0u64;
    let mut files = 0;
    for chunk in 0..n.div_ceil(100) {
        let mut text = String::new();
        for i in chunk * 100..((chunk + 1) * 100).min(n) {
            let name = format!("svc-{i}");
            if !text.is_empty() {
                text.push_str("---\n");
            }
            deployment(&mut text, "one", &name, &mut rng, false);
            text.push_str("---\n");
            service(&mut text, "one", &name, &name, false);
        }
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("cross-{chunk:04}.yaml")), text)?;
        files += 1;
    }
    Ok(Generated {
        files,
        documents: 2 * n,
        bytes,
    })
}
