//! PodDisruptionBudgets and HorizontalPodAutoscalers (both versions).

use k8s_openapi::api::autoscaling::{v1 as hpa1, v2 as hpa2};
use k8s_openapi::api::policy::v1 as k;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{LabelSelector, ObjectMeta};

/// A PodDisruptionBudget.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDisruptionBudget {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<PodDisruptionBudgetSpec>,
}

impl From<k::PodDisruptionBudget> for PodDisruptionBudget {
    fn from(o: k::PodDisruptionBudget) -> Self {
        PodDisruptionBudget {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A PDB's budget and selector.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDisruptionBudgetSpec {
    pub max_unavailable: Option<IntOrString>,
    pub min_available: Option<IntOrString>,
    pub selector: Option<LabelSelector>,
}

impl From<k::PodDisruptionBudgetSpec> for PodDisruptionBudgetSpec {
    fn from(s: k::PodDisruptionBudgetSpec) -> Self {
        PodDisruptionBudgetSpec {
            max_unavailable: s.max_unavailable,
            min_available: s.min_available,
            selector: s.selector.map(Into::into),
        }
    }
}

/// A HorizontalPodAutoscaler of `autoscaling/v1` or `v2`: the fields read are the same in both.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HorizontalPodAutoscaler {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<HorizontalPodAutoscalerSpec>,
}

/// An HPA's target and replica range (metrics and behavior are not read).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HorizontalPodAutoscalerSpec {
    #[serde(deserialize_with = "super::nullable")]
    pub max_replicas: i32,
    pub min_replicas: Option<i32>,
    #[serde(deserialize_with = "super::nullable")]
    pub scale_target_ref: CrossVersionObjectReference,
}

/// The object an HPA scales.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CrossVersionObjectReference {
    /// The target's `group/version`; unset in some manifests (the kind then decides).
    pub api_version: Option<String>,
    #[serde(deserialize_with = "super::nullable")]
    pub kind: String,
    #[serde(deserialize_with = "super::nullable")]
    pub name: String,
}

/// The autoscaling/v1 and v2 HPAs share the fields read here, under the same names.
macro_rules! hpa_view {
    ($source:ty) => {
        impl From<$source> for HorizontalPodAutoscaler {
            fn from(o: $source) -> Self {
                HorizontalPodAutoscaler {
                    metadata: o.metadata.into(),
                    spec: o.spec.map(|s| HorizontalPodAutoscalerSpec {
                        max_replicas: s.max_replicas,
                        min_replicas: s.min_replicas,
                        scale_target_ref: CrossVersionObjectReference {
                            api_version: s.scale_target_ref.api_version,
                            kind: s.scale_target_ref.kind,
                            name: s.scale_target_ref.name,
                        },
                    }),
                }
            }
        }
    };
}

hpa_view!(hpa1::HorizontalPodAutoscaler);
hpa_view!(hpa2::HorizontalPodAutoscaler);
