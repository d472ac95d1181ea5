//! `removed-api-version`: an apiVersion that Kubernetes no longer serves.

use super::{Check, Pattern, Rule};
use crate::model::kinds::version_of;
use crate::model::{KubeVersion, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// An object written with an API version that Kubernetes removed.
pub const RULE: Rule = Rule {
    id: "removed-api-version",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "An apiVersion that the target Kubernetes release (--kubernetes-version, default the newest) no longer serves (extensions/v1beta1, apps/v1beta1, batch/v1beta1 CronJob, policy/v1beta1 PodDisruptionBudget…); clusters at that release reject the object.",
    doc: include_str!("../../rules/removed-api-version.md"),
    check: Check::Versioned(check),
};

/// One removal: the group/version, the kinds it served, the release that stopped serving them,
/// and what to use instead, each with the release that first served it (oldest first: the
/// newest one the target serves is suggested).
pub struct Removal {
    /// The removed `group/version`.
    pub api_version: &'static str,
    /// The kinds it served that are gone with it.
    pub kinds: &'static [&'static str],
    /// The first release that no longer serves it.
    pub removed_in: KubeVersion,
    /// Where to move, each with the release that first served it, oldest first.
    pub replacements: &'static [(&'static str, KubeVersion)],
}

impl Removal {
    /// The replacement to suggest for a cluster at `target`: the newest one it serves, else
    /// the first one any release serves. `None` when the kind itself is gone (PodSecurityPolicy).
    pub fn replacement_at(&self, target: KubeVersion) -> Option<(&'static str, KubeVersion)> {
        self.replacements
            .iter()
            .rev()
            .find(|(_, since)| *since <= target)
            .or(self.replacements.first())
            .copied()
    }
}

const fn v(minor: u16) -> KubeVersion {
    KubeVersion::new(1, minor)
}

const fn r(
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: u16,
    replacements: &'static [(&'static str, KubeVersion)],
) -> Removal {
    Removal {
        api_version,
        kinds,
        removed_in: v(removed_in),
        replacements,
    }
}

/// PodSecurityPolicy has no replacement version: the kind itself is gone.
const PSA: &[(&str, KubeVersion)] = &[];

const APPS_V1: &[(&str, KubeVersion)] = &[("apps/v1", v(9))];

/// Every API version Kubernetes stopped serving, from the Kubernetes "Deprecated API Migration
/// Guide" (removals, and the replacements it names with the release each was first served in:
/// an interim beta only where the guide names one) and, for `batch/v2alpha1`, the 1.21
/// changelog. `removed-api-version` reports what the
/// target release no longer serves, `deprecated-api-version` what it serves but a later one
/// removes: one table, so the two can never disagree.
pub const REMOVALS: &[Removal] = &[
    r(
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        16,
        APPS_V1,
    ),
    r(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        16,
        &[("networking.k8s.io/v1", v(8))],
    ),
    r(
        "extensions/v1beta1",
        &["PodSecurityPolicy"],
        16,
        &[("policy/v1beta1", v(10))],
    ),
    r(
        "extensions/v1beta1",
        &["Ingress"],
        22,
        &[("networking.k8s.io/v1", v(19))],
    ),
    r(
        "apps/v1beta1",
        &["Deployment", "StatefulSet", "ControllerRevision"],
        16,
        APPS_V1,
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
        16,
        APPS_V1,
    ),
    r(
        "batch/v2alpha1",
        &["CronJob"],
        21,
        &[("batch/v1beta1", v(8)), ("batch/v1", v(21))],
    ),
    r("batch/v1beta1", &["CronJob"], 25, &[("batch/v1", v(21))]),
    r(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        22,
        &[("networking.k8s.io/v1", v(19))],
    ),
    r(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        25,
        &[("policy/v1", v(21))],
    ),
    r("policy/v1beta1", &["PodSecurityPolicy"], 25, PSA),
    r(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        25,
        &[("autoscaling/v2", v(23))],
    ),
    r(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        26,
        &[("autoscaling/v2", v(23))],
    ),
    r(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        22,
        &[("admissionregistration.k8s.io/v1", v(16))],
    ),
    r(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        22,
        &[("apiextensions.k8s.io/v1", v(16))],
    ),
    r(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        22,
        &[("apiregistration.k8s.io/v1", v(10))],
    ),
    r(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        22,
        &[("authentication.k8s.io/v1", v(6))],
    ),
    r(
        "authorization.k8s.io/v1beta1",
        &[
            "SubjectAccessReview",
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
        ],
        22,
        &[("authorization.k8s.io/v1", v(6))],
    ),
    r(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        22,
        &[("certificates.k8s.io/v1", v(19))],
    ),
    r(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        22,
        &[("coordination.k8s.io/v1", v(14))],
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        22,
        &[("rbac.authorization.k8s.io/v1", v(8))],
    ),
    r(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        22,
        &[("scheduling.k8s.io/v1", v(14))],
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["StorageClass"],
        22,
        &[("storage.k8s.io/v1", v(6))],
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["VolumeAttachment"],
        22,
        &[("storage.k8s.io/v1", v(13))],
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSINode"],
        22,
        &[("storage.k8s.io/v1", v(17))],
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSIDriver"],
        22,
        &[("storage.k8s.io/v1", v(19))],
    ),
    r(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        25,
        &[("discovery.k8s.io/v1", v(21))],
    ),
    r(
        "events.k8s.io/v1beta1",
        &["Event"],
        25,
        &[("events.k8s.io/v1", v(19))],
    ),
    r(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        25,
        &[("node.k8s.io/v1", v(20))],
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        &["FlowSchema", "PriorityLevelConfiguration"],
        26,
        &[
            ("flowcontrol.apiserver.k8s.io/v1beta2", v(23)),
            ("flowcontrol.apiserver.k8s.io/v1", v(29)),
        ],
    ),
    r(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        27,
        &[("storage.k8s.io/v1", v(24))],
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        &["FlowSchema", "PriorityLevelConfiguration"],
        29,
        &[
            ("flowcontrol.apiserver.k8s.io/v1beta3", v(26)),
            ("flowcontrol.apiserver.k8s.io/v1", v(29)),
        ],
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        &["FlowSchema", "PriorityLevelConfiguration"],
        32,
        &[("flowcontrol.apiserver.k8s.io/v1", v(29))],
    ),
];

/// The removal of `kind` in `api_version`, whatever the target.
pub fn removal(api_version: &str, kind: &str) -> Option<&'static Removal> {
    REMOVALS
        .iter()
        .find(|r| r.api_version == api_version && r.kinds.contains(&kind))
}

fn check(target: KubeVersion, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(removed) = removal(&obj.api_version, &obj.kind) else {
        return;
    };
    if target < removed.removed_in {
        // Still served: `deprecated-api-version`'s finding, not this one.
        return;
    }
    // A replacement the target no longer serves either (extensions/v1beta1 PodSecurityPolicy's
    // policy/v1beta1) is no way out.
    let served = removed
        .replacement_at(target)
        .filter(|(to, _)| removal(to, &obj.kind).is_none_or(|r| target < r.removed_in));
    let (replacement, help) = match served {
        None => (
            "none: the PodSecurityPolicy kind no longer exists since Kubernetes 1.25".to_string(),
            "enforce Pod Security Standards with Pod Security Admission (namespace label `pod-security.kubernetes.io/enforce`) and delete this object".to_string(),
        ),
        Some((to, _)) => (
            to.to_string(),
            format!("write `apiVersion: {to}`{}", notable_changes(obj)),
        ),
    };
    out.push(
        RULE.at(
            obj,
            "apiVersion",
            format!(
                "{}: `{}` {} was removed in Kubernetes {}; clusters since then reject the object (target: {target}; replacement: {replacement})",
                obj.display(),
                obj.api_version,
                obj.kind,
                removed.removed_in,
            ),
        )
        .help(help),
    );
}

/// What else changes when moving to the replacement (shared with `deprecated-api-version`), where the shape or meaning differs.
pub fn notable_changes(obj: &Object) -> &'static str {
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
            Some(v(16))
        );
        assert_eq!(
            removal("extensions/v1beta1", "Ingress").map(|r| r.removed_in),
            Some(v(22))
        );
        assert_eq!(
            removal("batch/v1beta1", "CronJob").map(|r| r.removed_in),
            Some(v(25))
        );
        assert_eq!(
            removal("autoscaling/v2beta2", "HorizontalPodAutoscaler").map(|r| r.removed_in),
            Some(v(26))
        );
        assert!(removal("apps/v1", "Deployment").is_none());
        assert!(removal("batch/v1beta1", "Job").is_none());
        assert!(removal("example.com/v1beta1", "Deployment").is_none());
    }

    #[test]
    fn the_replacement_is_the_newest_the_target_serves() {
        let flow = removal("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema").expect("listed");
        assert_eq!(
            flow.replacement_at(v(25)).map(|r| r.0),
            Some("flowcontrol.apiserver.k8s.io/v1beta2")
        );
        assert_eq!(
            flow.replacement_at(v(29)).map(|r| r.0),
            Some("flowcontrol.apiserver.k8s.io/v1")
        );
        // Older than every replacement: the first one any release serves.
        assert_eq!(
            flow.replacement_at(v(20)).map(|r| r.0),
            Some("flowcontrol.apiserver.k8s.io/v1beta2")
        );
        let psp = removal("policy/v1beta1", "PodSecurityPolicy").expect("listed");
        assert!(psp.replacement_at(v(35)).is_none());
    }

    #[test]
    fn every_replacement_is_served_by_the_removal() {
        // A later, more stable replacement may come after the removal (flowcontrol v1beta1 →
        // v1), but something must be served when the old version goes.
        for r in REMOVALS {
            if let Some((to, since)) = r.replacements.first() {
                assert!(*since <= r.removed_in, "{} → {to}", r.api_version);
            }
            let sinces: Vec<_> = r.replacements.iter().map(|x| x.1).collect();
            let mut sorted = sinces.clone();
            sorted.sort();
            assert_eq!(sinces, sorted, "{}: oldest first", r.api_version);
        }
    }
}
