//! What kplint knows about kinds: which it decodes, and which are cluster-scoped.

/// The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``).
pub fn group_of(api_version: &str) -> &str {
    match api_version.rsplit_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

/// The version part of an `apiVersion` (`apps/v1` → `v1`).
pub fn version_of(api_version: &str) -> &str {
    match api_version.rsplit_once('/') {
        Some((_, v)) => v,
        None => api_version,
    }
}

/// Kinds without a namespace (well-known built-ins; custom resources are taken as namespaced).
pub fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        (
            "",
            "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus"
        ) | (
            "rbac.authorization.k8s.io",
            "ClusterRole" | "ClusterRoleBinding"
        ) | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("apiregistration.k8s.io", "APIService")
            | (
                "storage.k8s.io",
                "StorageClass"
                    | "CSIDriver"
                    | "CSINode"
                    | "VolumeAttachment"
                    | "VolumeAttributesClass"
            )
            | ("scheduling.k8s.io", "PriorityClass")
            | (
                "admissionregistration.k8s.io",
                "ValidatingWebhookConfiguration"
                    | "MutatingWebhookConfiguration"
                    | "ValidatingAdmissionPolicy"
                    | "ValidatingAdmissionPolicyBinding"
                    | "MutatingAdmissionPolicy"
                    | "MutatingAdmissionPolicyBinding"
            )
            | (
                "networking.k8s.io",
                "IngressClass" | "IPAddress" | "ServiceCIDR"
            )
            | ("node.k8s.io", "RuntimeClass")
            | ("policy", "PodSecurityPolicy")
            | ("extensions", "PodSecurityPolicy")
            | (
                "flowcontrol.apiserver.k8s.io",
                "FlowSchema" | "PriorityLevelConfiguration"
            )
            | (
                "certificates.k8s.io",
                "CertificateSigningRequest" | "ClusterTrustBundle"
            )
            | ("resource.k8s.io", "DeviceClass")
    )
}

/// True for the API groups Kubernetes itself serves; any other group is a custom resource.
pub fn is_builtin_group(group: &str) -> bool {
    matches!(
        group,
        "" | "apps"
            | "batch"
            | "autoscaling"
            | "policy"
            | "extensions"
            | "networking.k8s.io"
            | "discovery.k8s.io"
            | "rbac.authorization.k8s.io"
            | "storage.k8s.io"
            | "scheduling.k8s.io"
            | "apiextensions.k8s.io"
            | "apiregistration.k8s.io"
            | "admissionregistration.k8s.io"
            | "certificates.k8s.io"
            | "coordination.k8s.io"
            | "events.k8s.io"
            | "flowcontrol.apiserver.k8s.io"
            | "node.k8s.io"
            | "resource.k8s.io"
            | "authentication.k8s.io"
            | "authorization.k8s.io"
            | "internal.apiserver.k8s.io"
            | "storagemigration.k8s.io"
    )
}

/// The typed shape kplint decodes a (group, version, kind) into, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownKind {
    Pod,
    Deployment,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
    /// `extensions/v1beta1` and `networking.k8s.io/v1beta1` Ingress (`serviceName`/`servicePort`).
    LegacyIngress,
    PodDisruptionBudget,
    PersistentVolumeClaim,
    /// `autoscaling/v1`, and the removed `v2beta1` read through the fields they share.
    HorizontalPodAutoscalerV1,
    /// `autoscaling/v2`, and the removed `v2beta2` (the same shape).
    HorizontalPodAutoscalerV2,
}

/// Looks a kind up; removed API versions map to the current shape where it is compatible.
pub fn known_kind(group: &str, version: &str, kind: &str) -> Option<KnownKind> {
    use KnownKind as K;
    Some(match (group, kind) {
        ("", "Pod") => K::Pod,
        ("apps" | "extensions", "Deployment") => K::Deployment,
        ("apps" | "extensions", "ReplicaSet") => K::ReplicaSet,
        ("apps" | "extensions", "DaemonSet") => K::DaemonSet,
        ("apps", "StatefulSet") => K::StatefulSet,
        ("", "ReplicationController") => K::ReplicationController,
        ("batch", "Job") => K::Job,
        ("batch", "CronJob") => K::CronJob,
        ("", "Service") => K::Service,
        ("", "Endpoints") => K::Endpoints,
        ("discovery.k8s.io", "EndpointSlice") => K::EndpointSlice,
        ("networking.k8s.io", "Ingress") if version == "v1" => K::Ingress,
        ("networking.k8s.io" | "extensions", "Ingress") => K::LegacyIngress,
        ("policy", "PodDisruptionBudget") => K::PodDisruptionBudget,
        ("", "PersistentVolumeClaim") => K::PersistentVolumeClaim,
        // v2beta2 is the shape that became v2 unchanged.
        ("autoscaling", "HorizontalPodAutoscaler") if version == "v2" || version == "v2beta2" => {
            K::HorizontalPodAutoscalerV2
        }
        ("autoscaling", "HorizontalPodAutoscaler") => K::HorizontalPodAutoscalerV1,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_versions() {
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "");
        assert_eq!(version_of("networking.k8s.io/v1beta1"), "v1beta1");
    }

    #[test]
    fn crds_named_like_builtins_are_not_known() {
        assert_eq!(known_kind("example.com", "v1", "Deployment"), None);
        assert_eq!(
            known_kind("extensions", "v1beta1", "Deployment"),
            Some(KnownKind::Deployment)
        );
        assert_eq!(
            known_kind("extensions", "v1beta1", "Ingress"),
            Some(KnownKind::LegacyIngress)
        );
    }
}
