//! `removed-annotation`: annotations Kubernetes used to honour and no longer does (or soon will
//! not), each with the field that replaced it.

use super::{Check, Pattern, Rule};
use crate::model::kinds::is_builtin_group;
use crate::model::location::resolve_written;
use crate::model::{KubeVersion, Object};
use crate::report::{Diagnostic, Severity};

/// An annotation the target Kubernetes release ignores, or has deprecated for a field.
pub const RULE: Rule = Rule {
    id: "removed-annotation",
    severity: Severity::Warning,
    pattern: Pattern::Api,
    summary: "An annotation the target Kubernetes release no longer honours (init containers, critical-pod, seccomp, scheduler annotations…), so what it asked for silently does not happen; info for deprecated ones still honoured (AppArmor, ingress.class, storage-class).",
    doc: include_str!("../../rules/removed-annotation.md"),
    check: Check::Versioned(check),
};

/// Which objects an annotation acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum On {
    /// A Pod, read on Pods and on the pod templates of workloads.
    Pod,
    Ingress,
    /// PersistentVolumeClaims and PersistentVolumes.
    Volume,
}

/// One annotation and what replaced it.
struct Retired {
    /// The key; one ending in `/` is a prefix (the container's name follows).
    key: &'static str,
    on: On,
    /// The release whose field made the annotation deprecated.
    deprecated_in: KubeVersion,
    /// The first release that ignores it; `None` while the newest release still honours it.
    ignored_from: Option<KubeVersion>,
    /// What stops happening when it is ignored.
    effect: &'static str,
    replacement: &'static str,
}

const fn v(minor: u16) -> KubeVersion {
    KubeVersion::new(1, minor)
}

/// Sources: the init containers page (1.6: "deprecated in 1.6 and 1.7. In 1.8, the annotations
/// are no longer supported"); the sig-scheduling announcement for 1.6 (affinity, tolerations and
/// scheduler name move from annotations to fields and the annotations "stop working"); the 1.16
/// changelog (the ExperimentalCriticalPodAnnotation gate, deprecated in 1.13, removed); KEP-135
/// and the release notes of kubernetes#109819 (1.25: kubelets stop reading the seccomp
/// annotations, the API server still copies them into the field when a Pod is created) and
/// kubernetes#114947 (1.27: "completely removed", nothing copies them); the API server's own warning for AppArmor ("deprecated since v1.30; use the
/// appArmorProfile field instead"); the Ingress page (`kubernetes.io/ingress.class` deprecated
/// by `ingressClassName` in 1.18); the storage classes page (`storageClassName` since 1.6, the
/// beta annotation still read).
const RETIRED: &[Retired] = &[
    Retired {
        key: "pod.beta.kubernetes.io/init-containers",
        on: On::Pod,
        deprecated_in: v(6),
        ignored_from: Some(v(8)),
        effect: "the init containers written in it never run",
        replacement: "`spec.initContainers`",
    },
    Retired {
        key: "pod.alpha.kubernetes.io/init-containers",
        on: On::Pod,
        deprecated_in: v(6),
        ignored_from: Some(v(8)),
        effect: "the init containers written in it never run",
        replacement: "`spec.initContainers`",
    },
    Retired {
        key: "scheduler.alpha.kubernetes.io/affinity",
        on: On::Pod,
        deprecated_in: v(6),
        ignored_from: Some(v(6)),
        effect: "the Pod is scheduled without its affinity rules",
        replacement: "`spec.affinity`",
    },
    Retired {
        key: "scheduler.alpha.kubernetes.io/tolerations",
        on: On::Pod,
        deprecated_in: v(6),
        ignored_from: Some(v(6)),
        effect: "the Pod tolerates no taint and stays off the tainted nodes meant for it",
        replacement: "`spec.tolerations`",
    },
    Retired {
        key: "scheduler.alpha.kubernetes.io/name",
        on: On::Pod,
        deprecated_in: v(6),
        ignored_from: Some(v(6)),
        effect: "the default scheduler places the Pod, not the one named",
        replacement: "`spec.schedulerName`",
    },
    Retired {
        key: "scheduler.alpha.kubernetes.io/critical-pod",
        on: On::Pod,
        deprecated_in: v(13),
        ignored_from: Some(v(16)),
        effect: "the Pod is not treated as critical: it can be evicted or preempted like any other",
        replacement: "`spec.priorityClassName: system-cluster-critical` (or `system-node-critical` for node agents)",
    },
    Retired {
        key: "seccomp.security.alpha.kubernetes.io/pod",
        on: On::Pod,
        deprecated_in: v(19),
        ignored_from: Some(v(27)),
        effect: "the seccomp profile is not applied: the containers run unconfined unless a field sets one",
        replacement: "`spec.securityContext.seccompProfile`",
    },
    Retired {
        key: "container.seccomp.security.alpha.kubernetes.io/",
        on: On::Pod,
        deprecated_in: v(19),
        ignored_from: Some(v(27)),
        effect: "the container's seccomp profile is not applied",
        replacement: "the container's `securityContext.seccompProfile`",
    },
    Retired {
        key: "container.apparmor.security.beta.kubernetes.io/",
        on: On::Pod,
        deprecated_in: v(30),
        ignored_from: None,
        effect: "",
        replacement: "the container's `securityContext.appArmorProfile`",
    },
    Retired {
        key: "kubernetes.io/ingress.class",
        on: On::Ingress,
        deprecated_in: v(18),
        ignored_from: None,
        effect: "",
        replacement: "`spec.ingressClassName` (naming an IngressClass)",
    },
    Retired {
        key: "volume.beta.kubernetes.io/storage-class",
        on: On::Volume,
        deprecated_in: v(6),
        ignored_from: None,
        effect: "",
        replacement: "`spec.storageClassName`",
    },
];

/// The annotation keys (or key prefixes) this rule reads: the retained copy of each object
/// keeps them (`model::retained`), and nothing else of the annotations.
pub fn watched() -> impl Iterator<Item = &'static str> {
    RETIRED.iter().map(|r| r.key)
}

/// Where the annotations an `On` reads are written in `obj`, if it is such an object.
fn annotation_paths(obj: &Object) -> Option<(On, &'static str)> {
    if !is_builtin_group(obj.group()) {
        return None;
    }
    Some(match obj.kind.as_str() {
        "Pod" => (On::Pod, "metadata.annotations"),
        "Deployment"
        | "ReplicaSet"
        | "ReplicationController"
        | "StatefulSet"
        | "DaemonSet"
        | "Job" => (On::Pod, "spec.template.metadata.annotations"),
        "CronJob" => (
            On::Pod,
            "spec.jobTemplate.spec.template.metadata.annotations",
        ),
        "Ingress" => (On::Ingress, "metadata.annotations"),
        "PersistentVolumeClaim" | "PersistentVolume" => (On::Volume, "metadata.annotations"),
        _ => return None,
    })
}

fn retired(key: &str, on: On) -> Option<&'static Retired> {
    RETIRED.iter().find(|r| {
        r.on == on
            && match r.key.strip_suffix('/') {
                Some(_) => key.len() > r.key.len() && key.starts_with(r.key),
                None => key == r.key,
            }
    })
}

fn check(target: KubeVersion, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some((on, path)) = annotation_paths(obj) else {
        return;
    };
    let r = resolve_written(&obj.tree, obj.root, path);
    if !r.complete {
        return;
    }
    for (k, _) in obj.tree.entries(r.value) {
        let Some(key) = obj.tree.scalar(k).map(|s| s.key()) else {
            continue;
        };
        let Some(found) = retired(&key, on) else {
            continue;
        };
        // Before its field existed, the annotation was the way to ask.
        if target < found.deprecated_in {
            continue;
        }
        let field = format!("{path}[\"{key}\"]");
        let mut d = match found.ignored_from.filter(|ignored| target >= *ignored) {
            Some(ignored) => RULE.report(
                obj,
                obj.at_node(k),
                format!(
                    "{}: Kubernetes {ignored} and later ignore the annotation `{key}` (target: {target}): {}",
                    obj.display(),
                    found.effect
                ),
            ),
            None => {
                let when = match (found.ignored_from, on) {
                    (Some(ignored), _) => format!("Kubernetes {ignored} stops honouring it"),
                    (None, On::Ingress) => {
                        "Kubernetes itself never read it; Ingress controllers still do, for compatibility".to_string()
                    }
                    (None, _) => "it is still honoured, but only for compatibility".to_string(),
                };
                let mut d = RULE.report(
                    obj,
                    obj.at_node(k),
                    format!(
                        "{}: the annotation `{key}` is deprecated since Kubernetes {} in favour of {} (target: {target}); {when}",
                        obj.display(),
                        found.deprecated_in,
                        found.replacement
                    ),
                );
                // Still honoured: advice, not a defect.
                d.severity = Severity::Info;
                d
            }
        };
        d = d.path(field).help(format!(
            "use {} instead, and remove the annotation",
            found.replacement
        ));
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_prefixes_match_only_their_objects() {
        assert!(retired("pod.beta.kubernetes.io/init-containers", On::Pod).is_some());
        assert!(retired(
            "container.seccomp.security.alpha.kubernetes.io/app",
            On::Pod
        )
        .is_some());
        // The prefix alone names no container.
        assert!(retired("container.seccomp.security.alpha.kubernetes.io/", On::Pod).is_none());
        assert!(retired("kubernetes.io/ingress.class", On::Ingress).is_some());
        assert!(retired("kubernetes.io/ingress.class", On::Pod).is_none());
        assert!(retired("kubernetes.io/ingress.classes", On::Ingress).is_none());
        assert!(retired("seccomp.security.alpha.kubernetes.io/pods", On::Pod).is_none());
    }

    #[test]
    fn deprecation_comes_no_later_than_being_ignored() {
        for r in RETIRED {
            assert!(
                r.ignored_from.is_none_or(|i| r.deprecated_in <= i),
                "{}",
                r.key
            );
            assert_eq!(r.ignored_from.is_some(), !r.effect.is_empty(), "{}", r.key);
        }
    }
}
