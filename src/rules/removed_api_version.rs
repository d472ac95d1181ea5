//! `removed-api-version`: an apiVersion that Kubernetes no longer serves.

use super::{Check, Pattern, Rule};
use crate::model::kinds::version_of;
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// An object written with an API version that Kubernetes removed.
pub const RULE: Rule = Rule {
    id: "removed-api-version",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "An apiVersion that Kubernetes removed (extensions/v1beta1, apps/v1beta1, batch/v1beta1 CronJob, policy/v1beta1 PodDisruptionBudget…); current clusters reject the object.",
    doc: include_str!("../../rules/removed-api-version.md"),
    check: Check::Local(check),
};

/// One removal: the group/version, the kinds it served, the release that stopped serving them,
/// and what to use instead.
struct Removal {
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: &'static str,
    replacement: &'static str,
}

const fn r(
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: &'static str,
    replacement: &'static str,
) -> Removal {
    Removal {
        api_version,
        kinds,
        removed_in,
        replacement,
    }
}

/// PodSecurityPolicy has no replacement version: the kind itself is gone.
const PSA: &str = "";

/// From the Kubernetes "Deprecated API Migration Guide" and the 1.16 removal notes.
const REMOVALS: &[Removal] = &[
    r(
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        "1.16",
        "apps/v1",
    ),
    r(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        "1.16",
        "networking.k8s.io/v1",
    ),
    r("extensions/v1beta1", &["PodSecurityPolicy"], "1.16", PSA),
    r(
        "extensions/v1beta1",
        &["Ingress"],
        "1.22",
        "networking.k8s.io/v1",
    ),
    r(
        "apps/v1beta1",
        &["Deployment", "StatefulSet", "ControllerRevision"],
        "1.16",
        "apps/v1",
    ),
    r(
        "apps/v1beta2",
        &[
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ControllerRevision",
        ],
        "1.16",
        "apps/v1",
    ),
    r("batch/v2alpha1", &["CronJob"], "1.21", "batch/v1"),
    r("batch/v1beta1", &["CronJob"], "1.25", "batch/v1"),
    r(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        "1.22",
        "networking.k8s.io/v1",
    ),
    r(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        "1.25",
        "policy/v1",
    ),
    r("policy/v1beta1", &["PodSecurityPolicy"], "1.25", PSA),
    r(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        "1.25",
        "autoscaling/v2",
    ),
    r(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        "1.26",
        "autoscaling/v2",
    ),
    r(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        "1.22",
        "admissionregistration.k8s.io/v1",
    ),
    r(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        "1.22",
        "apiextensions.k8s.io/v1",
    ),
    r(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        "1.22",
        "apiregistration.k8s.io/v1",
    ),
    r(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        "1.22",
        "authentication.k8s.io/v1",
    ),
    r(
        "authorization.k8s.io/v1beta1",
        &[
            "SubjectAccessReview",
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
        ],
        "1.22",
        "authorization.k8s.io/v1",
    ),
    r(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        "1.22",
        "certificates.k8s.io/v1",
    ),
    r(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        "1.22",
        "coordination.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        "1.22",
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        "1.22",
        "scheduling.k8s.io/v1",
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        "1.22",
        "storage.k8s.io/v1",
    ),
    r(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        "1.25",
        "discovery.k8s.io/v1",
    ),
    r(
        "events.k8s.io/v1beta1",
        &["Event"],
        "1.25",
        "events.k8s.io/v1",
    ),
    r(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        "1.25",
        "node.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "1.26",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        "1.27",
        "storage.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "1.29",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "1.32",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

fn removal(api_version: &str, kind: &str) -> Option<&'static Removal> {
    REMOVALS
        .iter()
        .find(|r| r.api_version == api_version && r.kinds.contains(&kind))
}

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(removed) = removal(&obj.api_version, &obj.kind) else {
        return;
    };
    let (replacement, help) = if removed.replacement == PSA {
        (
            "none: the PodSecurityPolicy kind no longer exists since Kubernetes 1.25".to_string(),
            "enforce Pod Security Standards with Pod Security Admission (namespace label `pod-security.kubernetes.io/enforce`) and delete this object".to_string(),
        )
    } else {
        (
            removed.replacement.to_string(),
            format!(
                "write `apiVersion: {}`{}",
                removed.replacement,
                notable_changes(obj)
            ),
        )
    };
    out.push(
        RULE.at(
            obj,
            "apiVersion",
            format!(
                "{}: `{}` {} was removed in Kubernetes {}; clusters since then reject the object (replacement: {replacement})",
                obj.display(),
                obj.api_version,
                obj.kind,
                removed.removed_in,
            ),
        )
        .help(help),
    );
}

/// What else changes when moving to the replacement, where the shape or meaning differs.
fn notable_changes(obj: &Object) -> &'static str {
    let version = version_of(&obj.api_version);
    match (obj.group(), version, obj.kind.as_str()) {
        ("extensions" | "apps", _, "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet")
            if obj.selector_absent =>
        {
            "; apps/v1 requires `spec.selector`: copy the template labels into `spec.selector.matchLabels`"
        }
        ("extensions" | "networking.k8s.io", _, "Ingress") => {
            "; backends become `service: {name: <service>, port: {number: <port>}}`, `spec.backend` becomes `spec.defaultBackend`, and each path needs a `pathType`"
        }
        ("policy", "v1beta1", "PodDisruptionBudget") if empty_pdb_selector(obj) => {
            "; careful: this PDB's empty `selector: {}` protects no Pod in v1beta1 but every Pod of the namespace in policy/v1"
        }
        ("autoscaling", "v2beta1", "HorizontalPodAutoscaler") => {
            "; metric targets move into `target` (e.g. `targetAverageUtilization: 80` becomes `target: {type: Utilization, averageUtilization: 80}`)"
        }
        _ => "",
    }
}

/// True for a PodDisruptionBudget whose selector is written but empty.
fn empty_pdb_selector(obj: &Object) -> bool {
    let Typed::PodDisruptionBudget(pdb) = &obj.typed else {
        return false;
    };
    pdb.spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .is_some_and(|s| {
            s.match_labels.as_ref().is_none_or(|m| m.is_empty())
                && s.match_expressions.as_ref().is_none_or(|e| e.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_removals() {
        assert_eq!(
            removal("extensions/v1beta1", "Deployment").map(|r| r.removed_in),
            Some("1.16")
        );
        assert_eq!(
            removal("extensions/v1beta1", "Ingress").map(|r| r.removed_in),
            Some("1.22")
        );
        assert_eq!(
            removal("batch/v1beta1", "CronJob").map(|r| r.removed_in),
            Some("1.25")
        );
        assert_eq!(
            removal("autoscaling/v2beta2", "HorizontalPodAutoscaler").map(|r| r.removed_in),
            Some("1.26")
        );
        assert!(removal("apps/v1", "Deployment").is_none());
        assert!(removal("batch/v1beta1", "Job").is_none());
        assert!(removal("example.com/v1beta1", "Deployment").is_none());
    }
}
