//! The Rust type each known kind decodes into (the pairs `model::decode::decode_typed` uses),
//! written once for everything here that needs the type of a kind.

use serde::de::DeserializeOwned;

use crate::model::kinds::KnownKind;

/// Something done with the type of a known kind.
pub trait WithType {
    type Out;
    /// For a `k8s-openapi` resource (its impl checks `apiVersion` and `kind`).
    fn resource<T: DeserializeOwned + k8s_openapi::Resource>(self) -> Self::Out;
    /// For kplint's own `LegacyIngress`.
    fn legacy(self) -> Self::Out;
}

/// Calls `f` with the type `kind` decodes into.
pub fn with_type<F: WithType>(kind: KnownKind, f: F) -> F::Out {
    use k8s_openapi::api as k;
    use KnownKind as K;
    match kind {
        K::Pod => f.resource::<k::core::v1::Pod>(),
        K::Deployment => f.resource::<k::apps::v1::Deployment>(),
        K::ReplicaSet => f.resource::<k::apps::v1::ReplicaSet>(),
        K::ReplicationController => f.resource::<k::core::v1::ReplicationController>(),
        K::StatefulSet => f.resource::<k::apps::v1::StatefulSet>(),
        K::DaemonSet => f.resource::<k::apps::v1::DaemonSet>(),
        K::Job => f.resource::<k::batch::v1::Job>(),
        K::CronJob => f.resource::<k::batch::v1::CronJob>(),
        K::Service => f.resource::<k::core::v1::Service>(),
        K::Endpoints => f.resource::<k::core::v1::Endpoints>(),
        K::EndpointSlice => f.resource::<k::discovery::v1::EndpointSlice>(),
        K::Ingress => f.resource::<k::networking::v1::Ingress>(),
        K::LegacyIngress => f.legacy(),
        K::PodDisruptionBudget => f.resource::<k::policy::v1::PodDisruptionBudget>(),
        K::PersistentVolumeClaim => f.resource::<k::core::v1::PersistentVolumeClaim>(),
        K::HorizontalPodAutoscalerV1 => f.resource::<k::autoscaling::v1::HorizontalPodAutoscaler>(),
        K::HorizontalPodAutoscalerV2 => f.resource::<k::autoscaling::v2::HorizontalPodAutoscaler>(),
    }
}

/// Every known kind, in declaration order.
pub const ALL_KINDS: [KnownKind; 17] = {
    use KnownKind as K;
    [
        K::Pod,
        K::Deployment,
        K::ReplicaSet,
        K::ReplicationController,
        K::StatefulSet,
        K::DaemonSet,
        K::Job,
        K::CronJob,
        K::Service,
        K::Endpoints,
        K::EndpointSlice,
        K::Ingress,
        K::LegacyIngress,
        K::PodDisruptionBudget,
        K::PersistentVolumeClaim,
        K::HorizontalPodAutoscalerV1,
        K::HorizontalPodAutoscalerV2,
    ]
};
