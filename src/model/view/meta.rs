//! Object metadata and the objects that carry nothing else that rules read.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as k;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

/// `metadata`: the name, labels and owner references (annotations, uid, managed fields… are
/// never read from the typed view).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectMeta {
    pub name: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub owner_references: Option<Vec<OwnerReference>>,
}

impl From<k::ObjectMeta> for ObjectMeta {
    fn from(m: k::ObjectMeta) -> Self {
        ObjectMeta {
            name: m.name,
            labels: m.labels,
            owner_references: m.owner_references,
        }
    }
}

/// An object of which only the metadata is read (Endpoints, EndpointSlice).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub metadata: ObjectMeta,
}

impl From<k8s_openapi::api::core::v1::Endpoints> for Meta {
    fn from(o: k8s_openapi::api::core::v1::Endpoints) -> Self {
        Meta {
            metadata: o.metadata.into(),
        }
    }
}

impl From<k8s_openapi::api::discovery::v1::EndpointSlice> for Meta {
    fn from(o: k8s_openapi::api::discovery::v1::EndpointSlice) -> Self {
        Meta {
            metadata: o.metadata.into(),
        }
    }
}
