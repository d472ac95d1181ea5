//! Ingresses, current and legacy.

use k8s_openapi::api::networking::v1 as k;
use k8s_openapi::api::networking::v1::{IngressBackend, IngressRule};

use super::ObjectMeta;
use crate::model::legacy::{self, LegacyIngressSpec};

/// A `networking.k8s.io/v1` Ingress.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Ingress {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<IngressSpec>,
}

impl From<k::Ingress> for Ingress {
    fn from(o: k::Ingress) -> Self {
        Ingress {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// An Ingress's backends: the default one and the rules (TLS and class are not read).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressSpec {
    pub default_backend: Option<IngressBackend>,
    pub rules: Option<Vec<IngressRule>>,
}

impl From<k::IngressSpec> for IngressSpec {
    fn from(s: k::IngressSpec) -> Self {
        IngressSpec {
            default_backend: s.default_backend,
            rules: s.rules,
        }
    }
}

/// An `extensions/v1beta1` or `networking.k8s.io/v1beta1` Ingress, with compact metadata.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LegacyIngress {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<LegacyIngressSpec>,
}

impl From<legacy::LegacyIngress> for LegacyIngress {
    fn from(o: legacy::LegacyIngress) -> Self {
        LegacyIngress {
            metadata: o.metadata.into(),
            spec: o.spec,
        }
    }
}
