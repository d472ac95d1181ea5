//! `apps` workloads: Deployments, ReplicaSets, StatefulSets and DaemonSets.

use k8s_openapi::api::apps::v1 as k;
use k8s_openapi::api::apps::v1::DeploymentStrategy;

use super::{opt_list, LabelSelector, ObjectMeta, PersistentVolumeClaim, PodTemplateSpec};

/// A Deployment.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Deployment {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<DeploymentSpec>,
}

impl From<k::Deployment> for Deployment {
    fn from(o: k::Deployment) -> Self {
        Deployment {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A Deployment's replicas, selector, rollout strategy and template.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentSpec {
    pub replicas: Option<i32>,
    #[serde(deserialize_with = "super::nullable")]
    pub selector: LabelSelector,
    /// Boxed: most Deployments leave it to its default.
    pub strategy: Option<Box<DeploymentStrategy>>,
    #[serde(deserialize_with = "super::nullable")]
    pub template: PodTemplateSpec,
}

impl From<k::DeploymentSpec> for DeploymentSpec {
    fn from(s: k::DeploymentSpec) -> Self {
        DeploymentSpec {
            replicas: s.replicas,
            selector: s.selector.into(),
            strategy: s.strategy.map(Box::new),
            template: s.template.into(),
        }
    }
}

/// A ReplicaSet.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSet {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<ReplicaSetSpec>,
}

impl From<k::ReplicaSet> for ReplicaSet {
    fn from(o: k::ReplicaSet) -> Self {
        ReplicaSet {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A ReplicaSet's replicas, selector and template.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetSpec {
    pub replicas: Option<i32>,
    #[serde(deserialize_with = "super::nullable")]
    pub selector: LabelSelector,
    pub template: Option<PodTemplateSpec>,
}

impl From<k::ReplicaSetSpec> for ReplicaSetSpec {
    fn from(s: k::ReplicaSetSpec) -> Self {
        ReplicaSetSpec {
            replicas: s.replicas,
            selector: s.selector.into(),
            template: s.template.map(Into::into),
        }
    }
}

/// A StatefulSet.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSet {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<StatefulSetSpec>,
}

impl From<k::StatefulSet> for StatefulSet {
    fn from(o: k::StatefulSet) -> Self {
        StatefulSet {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A StatefulSet's replicas, selector, governing Service, template and claim templates.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetSpec {
    pub replicas: Option<i32>,
    #[serde(deserialize_with = "super::nullable")]
    pub selector: LabelSelector,
    pub service_name: Option<String>,
    #[serde(deserialize_with = "super::nullable")]
    pub template: PodTemplateSpec,
    pub volume_claim_templates: Option<Vec<PersistentVolumeClaim>>,
}

impl From<k::StatefulSetSpec> for StatefulSetSpec {
    fn from(s: k::StatefulSetSpec) -> Self {
        StatefulSetSpec {
            replicas: s.replicas,
            selector: s.selector.into(),
            service_name: s.service_name,
            template: s.template.into(),
            volume_claim_templates: opt_list(s.volume_claim_templates),
        }
    }
}

/// A DaemonSet.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonSet {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<DaemonSetSpec>,
}

impl From<k::DaemonSet> for DaemonSet {
    fn from(o: k::DaemonSet) -> Self {
        DaemonSet {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A DaemonSet's selector and template.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonSetSpec {
    #[serde(deserialize_with = "super::nullable")]
    pub selector: LabelSelector,
    #[serde(deserialize_with = "super::nullable")]
    pub template: PodTemplateSpec,
}

impl From<k::DaemonSetSpec> for DaemonSetSpec {
    fn from(s: k::DaemonSetSpec) -> Self {
        DaemonSetSpec {
            selector: s.selector.into(),
            template: s.template.into(),
        }
    }
}
