//! Compact views of the decoded objects: only the fields that rules and model helpers read.
//!
//! Decoding goes through the `k8s-openapi` types (they check field types and find unknown
//! fields), but those structs are large (a Container is over 2 KB, a Volume over 3 KB) and most
//! of their fields are never read. Every object stays in the inventory until the report is
//! done, so each decoded struct is moved into its view right away and dropped. The views keep
//! the `k8s-openapi` names, field names and nesting, so rules read the same paths.

mod apps;
mod batch;
mod core;
pub mod from_tree;
mod meta;
mod networking;
mod other;
mod pod;

pub use self::apps::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, ReplicaSet, ReplicaSetSpec, StatefulSet,
    StatefulSetSpec,
};
pub use self::batch::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
pub use self::core::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, ReplicationController,
    ReplicationControllerSpec, Service, ServiceSpec,
};
pub use self::meta::{LabelSelector, Meta, ObjectMeta};
pub use self::networking::{Ingress, IngressSpec, LegacyIngress};
pub use self::other::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec,
    PodDisruptionBudget, PodDisruptionBudgetSpec,
};
pub use self::pod::{
    Container, ContainerPort, EnvVar, EnvVarSource, KnownImage, Pod, PodSpec, PodTemplateSpec,
    Probe, ProjectedVolumeSource, Volume, VolumeProjection,
};

/// Converts each item into its view, in a new allocation sized to the items: `collect` may
/// reuse the source buffer in place, which would keep the large structs' capacity alive.
fn list<T, V: From<T>>(items: Vec<T>) -> Vec<V> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.into_iter().map(V::from));
    out
}

/// As [`list`], for an optional list.
fn opt_list<T, V: From<T>>(items: Option<Vec<T>>) -> Option<Vec<V>> {
    items.map(list)
}

/// Reads a field as `k8s-openapi` reads every field, as an option: written `null` is unset, and
/// an unset required field is its default.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}
