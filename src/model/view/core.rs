//! Core objects other than Pods: Services, claims and ReplicationControllers.

use k8s_openapi::api::core::v1 as k;
use k8s_openapi::api::core::v1::ServicePort;

use super::{ObjectMeta, PodTemplateSpec};
use crate::model::selector::Labels;

/// A Service.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<ServiceSpec>,
}

impl From<k::Service> for Service {
    fn from(o: k::Service) -> Self {
        Service {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// How a Service routes: its type, selector, ports and cluster IP.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    pub ports: Option<Vec<ServicePort>>,
    pub publish_not_ready_addresses: Option<bool>,
    pub selector: Option<Labels>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

impl From<k::ServiceSpec> for ServiceSpec {
    fn from(s: k::ServiceSpec) -> Self {
        ServiceSpec {
            cluster_ip: s.cluster_ip,
            ports: s.ports,
            publish_not_ready_addresses: s.publish_not_ready_addresses,
            selector: s.selector.map(Labels::from),
            type_: s.type_,
        }
    }
}

/// A PersistentVolumeClaim (also a StatefulSet's claim template).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaim {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<PersistentVolumeClaimSpec>,
}

impl From<k::PersistentVolumeClaim> for PersistentVolumeClaim {
    fn from(o: k::PersistentVolumeClaim) -> Self {
        PersistentVolumeClaim {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A claim's access modes: whether Pods on several nodes can mount it.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaimSpec {
    pub access_modes: Option<Vec<String>>,
}

impl From<k::PersistentVolumeClaimSpec> for PersistentVolumeClaimSpec {
    fn from(s: k::PersistentVolumeClaimSpec) -> Self {
        PersistentVolumeClaimSpec {
            access_modes: s.access_modes,
        }
    }
}

/// A ReplicationController.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicationController {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<ReplicationControllerSpec>,
}

impl From<k::ReplicationController> for ReplicationController {
    fn from(o: k::ReplicationController) -> Self {
        ReplicationController {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A ReplicationController's replicas, map selector and template.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicationControllerSpec {
    pub replicas: Option<i32>,
    pub selector: Option<Labels>,
    pub template: Option<PodTemplateSpec>,
}

impl From<k::ReplicationControllerSpec> for ReplicationControllerSpec {
    fn from(s: k::ReplicationControllerSpec) -> Self {
        ReplicationControllerSpec {
            replicas: s.replicas,
            selector: s.selector.map(Labels::from),
            template: s.template.map(Into::into),
        }
    }
}
