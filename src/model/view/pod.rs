//! Pods, pod templates and the parts of a pod spec that rules read.

use k8s_openapi::api::core::v1 as k;
use k8s_openapi::api::core::v1::{
    DownwardAPIProjection, DownwardAPIVolumeSource, ObjectFieldSelector,
    PersistentVolumeClaimVolumeSource, ResourceFieldSelector,
};
use smol_str::SmolStr;

use super::{list, opt_list, ObjectMeta};

/// A Pod.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<PodSpec>,
}

impl From<k::Pod> for Pod {
    fn from(o: k::Pod) -> Self {
        Pod {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A pod template of a workload.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplateSpec {
    pub metadata: Option<ObjectMeta>,
    pub spec: Option<PodSpec>,
}

impl From<k::PodTemplateSpec> for PodTemplateSpec {
    fn from(t: k::PodTemplateSpec) -> Self {
        PodTemplateSpec {
            metadata: t.metadata.map(Into::into),
            spec: t.spec.map(Into::into),
        }
    }
}

/// A pod spec: containers, volumes and the two scheduling fields that rules read.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    #[serde(deserialize_with = "super::nullable")]
    pub containers: Vec<Container>,
    pub init_containers: Option<Vec<Container>>,
    pub priority_class_name: Option<SmolStr>,
    pub restart_policy: Option<SmolStr>,
    pub volumes: Option<Vec<Volume>>,
}

impl From<k::PodSpec> for PodSpec {
    fn from(s: k::PodSpec) -> Self {
        PodSpec {
            containers: list(s.containers),
            init_containers: opt_list(s.init_containers),
            priority_class_name: s.priority_class_name.map(Into::into),
            restart_policy: s.restart_policy.map(Into::into),
            volumes: opt_list(s.volumes),
        }
    }
}

/// A container: its name, what it is told (env, command, args), its ports and which probes it
/// has.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    // Boxed slices, not vectors: a run holds every container, and none of them grows.
    pub args: Option<Box<[SmolStr]>>,
    pub command: Option<Box<[SmolStr]>>,
    pub env: Option<Box<[EnvVar]>>,
    /// What the image is, when rules know it: one byte instead of the image's name.
    #[serde(deserialize_with = "known_image")]
    pub image: KnownImage,
    pub liveness_probe: Option<Probe>,
    #[serde(deserialize_with = "super::nullable")]
    pub name: SmolStr,
    pub ports: Option<Box<[ContainerPort]>>,
    pub readiness_probe: Option<Probe>,
    pub restart_policy: Option<SmolStr>,
}

impl From<k::Container> for Container {
    fn from(c: k::Container) -> Self {
        Container {
            args: opt_list(c.args).map(Vec::into_boxed_slice),
            command: opt_list(c.command).map(Vec::into_boxed_slice),
            env: opt_list(c.env).map(Vec::into_boxed_slice),
            image: c.image.as_deref().map(KnownImage::of).unwrap_or_default(),
            liveness_probe: c.liveness_probe.map(Into::into),
            name: c.name.into(),
            ports: opt_list(c.ports).map(Vec::into_boxed_slice),
            readiness_probe: c.readiness_probe.map(Into::into),
            restart_policy: c.restart_policy.map(Into::into),
        }
    }
}

/// Images whose job rules know from the name alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KnownImage {
    #[default]
    Other,
    /// `pause`: keeps a Pod alive and does nothing else.
    Pause,
    /// The CSI `livenessprobe` sidecar: serves another container's liveness endpoint.
    LivenessProbe,
}

impl KnownImage {
    /// Classifies an image reference by its repository's last path segment, whatever the
    /// registry, tag or digest (`registry.k8s.io/pause:3.9`, `…/sig-storage/livenessprobe@sha256:…`).
    pub fn of(image: &str) -> KnownImage {
        let last = image.rsplit('/').next().unwrap_or_default();
        let repository = last.split([':', '@']).next().unwrap_or_default();
        match repository {
            "pause" => KnownImage::Pause,
            "livenessprobe" => KnownImage::LivenessProbe,
            _ => KnownImage::Other,
        }
    }
}

fn known_image<'de, D: serde::Deserializer<'de>>(d: D) -> Result<KnownImage, D::Error> {
    let image = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(d)?;
    Ok(image.as_deref().map(KnownImage::of).unwrap_or_default())
}

/// A port a container declares: its number, and the name and protocol a Service's
/// `targetPort` is matched against.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    #[serde(deserialize_with = "super::nullable")]
    pub container_port: i32,
    pub name: Option<SmolStr>,
    pub protocol: Option<SmolStr>,
}

impl From<k::ContainerPort> for ContainerPort {
    fn from(p: k::ContainerPort) -> Self {
        ContainerPort {
            container_port: p.container_port,
            name: p.name.map(Into::into),
            protocol: p.protocol.map(Into::into),
        }
    }
}

/// That a probe is written: rules only check for presence, so its settings are dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Probe;

impl<'de> serde::Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Probe)
    }
}

impl From<k::Probe> for Probe {
    fn from(_: k::Probe) -> Self {
        Probe
    }
}

/// An environment variable: its literal value, or the downward API field it reads.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    #[serde(deserialize_with = "super::nullable")]
    pub name: SmolStr,
    pub value: Option<SmolStr>,
    /// Boxed: rare, and three times the size of the rest of the variable.
    pub value_from: Option<Box<EnvVarSource>>,
}

impl From<k::EnvVar> for EnvVar {
    fn from(e: k::EnvVar) -> Self {
        EnvVar {
            name: e.name.into(),
            value: e.value.map(Into::into),
            value_from: e.value_from.map(|v| Box::new(v.into())),
        }
    }
}

/// The downward API sources of an env var (ConfigMap, Secret and file refs are not read).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVarSource {
    pub field_ref: Option<ObjectFieldSelector>,
    pub resource_field_ref: Option<ResourceFieldSelector>,
}

impl From<k::EnvVarSource> for EnvVarSource {
    fn from(s: k::EnvVarSource) -> Self {
        EnvVarSource {
            field_ref: s.field_ref,
            resource_field_ref: s.resource_field_ref,
        }
    }
}

/// A volume: its name and the sources rules read (a claim, the downward API); the other
/// inline sources are dropped.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Volume {
    // The rare sources are boxed: a volume is otherwise a name and a claim.
    #[serde(rename = "downwardAPI")]
    pub downward_api: Option<Box<DownwardAPIVolumeSource>>,
    #[serde(deserialize_with = "super::nullable")]
    pub name: SmolStr,
    pub persistent_volume_claim: Option<PersistentVolumeClaimVolumeSource>,
    pub projected: Option<Box<ProjectedVolumeSource>>,
}

impl From<k::Volume> for Volume {
    fn from(v: k::Volume) -> Self {
        Volume {
            downward_api: v.downward_api.map(Box::new),
            name: v.name.into(),
            persistent_volume_claim: v.persistent_volume_claim,
            projected: v.projected.map(|p| Box::new(p.into())),
        }
    }
}

/// A projected volume's sources.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectedVolumeSource {
    pub sources: Option<Vec<VolumeProjection>>,
}

impl From<k::ProjectedVolumeSource> for ProjectedVolumeSource {
    fn from(p: k::ProjectedVolumeSource) -> Self {
        ProjectedVolumeSource {
            sources: opt_list(p.sources),
        }
    }
}

/// A projected source: only a downward API one is read.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeProjection {
    #[serde(rename = "downwardAPI")]
    pub downward_api: Option<DownwardAPIProjection>,
}

impl From<k::VolumeProjection> for VolumeProjection {
    fn from(p: k::VolumeProjection) -> Self {
        VolumeProjection {
            downward_api: p.downward_api,
        }
    }
}
