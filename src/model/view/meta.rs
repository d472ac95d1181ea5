//! Object metadata and the objects that carry nothing else that rules read.

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as k;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelectorRequirement, OwnerReference};
use smol_str::SmolStr;

use crate::model::selector::Labels;

/// `metadata`: the name, labels and owner references (annotations, uid, managed fields… are
/// never read from the typed view).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    pub name: Option<SmolStr>,
    pub labels: Option<Labels>,
    pub owner_references: Option<Vec<OwnerReference>>,
}

impl From<k::ObjectMeta> for ObjectMeta {
    fn from(m: k::ObjectMeta) -> Self {
        ObjectMeta {
            name: m.name.map(Into::into),
            labels: m.labels.map(Labels::from),
            owner_references: m.owner_references,
        }
    }
}

/// An object of which only the metadata is read (Endpoints, EndpointSlice).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Meta {
    #[serde(deserialize_with = "super::nullable")]
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

/// A `metav1.LabelSelector`, its `matchLabels` held compactly.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    pub match_labels: Option<Labels>,
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

impl From<k::LabelSelector> for LabelSelector {
    fn from(s: k::LabelSelector) -> Self {
        LabelSelector {
            match_labels: s.match_labels.map(Labels::from),
            match_expressions: s.match_expressions,
        }
    }
}
