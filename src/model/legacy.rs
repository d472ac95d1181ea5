//! Shapes of removed API versions that `k8s-openapi` no longer carries.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Deserialize;

/// An `extensions/v1beta1` or `networking.k8s.io/v1beta1` Ingress.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LegacyIngress {
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: Option<LegacyIngressSpec>,
}

/// The spec of a legacy Ingress.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyIngressSpec {
    pub backend: Option<LegacyIngressBackend>,
    pub ingress_class_name: Option<String>,
    pub rules: Option<Vec<LegacyIngressRule>>,
    pub tls: Option<Vec<LegacyIngressTls>>,
}

/// A legacy Ingress TLS entry (the same shape as in `networking.k8s.io/v1`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyIngressTls {
    pub hosts: Option<Vec<String>>,
    pub secret_name: Option<String>,
}

/// A legacy Ingress rule.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LegacyIngressRule {
    pub host: Option<String>,
    pub http: Option<LegacyHttpIngressRuleValue>,
}

/// The HTTP paths of a legacy Ingress rule.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LegacyHttpIngressRuleValue {
    pub paths: Vec<LegacyHttpIngressPath>,
}

/// One legacy Ingress path.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyHttpIngressPath {
    pub path: Option<String>,
    pub path_type: Option<String>,
    pub backend: LegacyIngressBackend,
}

/// A legacy backend: a Service name and port, or a resource reference.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyIngressBackend {
    pub service_name: Option<String>,
    pub service_port: Option<IntOrString>,
    pub resource: Option<BTreeMap<String, serde_json::Value>>,
}
