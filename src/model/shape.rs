//! Workloads defined by custom resources: the one place that knows where a custom kind keeps its
//! pod template, selector and replica count (its *shape*), built in for the popular controllers
//! and declared by a repository in `.kplint.yaml` (`workloads:`).
//!
//! A custom resource of a known shape is decoded into [`Typed::Workload`] once its file is read
//! (its document tree is kept whole, as every object of a group Kubernetes does not serve): the
//! pod template through the same `k8s-openapi` types as a Deployment's, so the helpers of
//! `model::workload` (and every rule that goes through them) see it as they see a Deployment.
//! What each built-in shape means, with its sources: docs/workloads.md.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use smol_str::SmolStr;

use super::location::{resolve_written, FieldPath, Segment};
use super::object::{Object, Typed};
use super::selector::Labels;
use super::strict::{self, Overlay};
use super::subtree::{self, Subtree};
use super::view::{LabelSelector, ObjectMeta, PodTemplateSpec};
use crate::report::Diagnostic;

/// How a kind writes its Pod selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorForm {
    /// A `metav1.LabelSelector` (`matchLabels`, `matchExpressions`).
    LabelSelector,
    /// A plain label map, as a ReplicationController's (OpenShift `DeploymentConfig`); empty or
    /// absent, it defaults to the template's labels.
    Map,
}

/// Where a workload kind keeps its pod template, selector and replica count.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub group: String,
    /// The versions it applies to; empty for every version.
    pub versions: Vec<String>,
    pub kind: String,
    /// Dotted field path of the pod template (`spec.template`).
    pub template: String,
    /// `<template>.metadata` and `<template>.spec`, as `PodTemplate` gives them.
    pub template_metadata: String,
    pub template_spec: String,
    /// Dotted field path of the selector, when the kind has one.
    pub selector: Option<String>,
    pub selector_form: SelectorForm,
    /// Dotted field path of the replica count; `None` for kinds without one (a DaemonSet).
    pub replicas: Option<String>,
    /// The count when `replicas` is unset.
    pub default_replicas: i32,
    /// True when its Pods run until stopped (every built-in shape).
    pub long_running: bool,
    /// Ordinal identity, as a StatefulSet: never two Pods of one ordinal (a singleton at 1).
    pub ordinal: bool,
    /// Dotted field path of a reference to another workload whose template gives the Pods
    /// (Argo Rollouts' `spec.workloadRef`).
    pub workload_ref: Option<String>,
    /// Keys of the template's `spec` that the kind adds to a pod spec (Knative's
    /// `containerConcurrency`): not unknown fields there.
    pub extra_spec_fields: Vec<String>,
    /// True when its controller also runs Pods from other templates of the resource (a
    /// Rollout's experiment steps and analysis runs): those Pods' labels are in no pod template.
    pub runs_other_pods: bool,
    /// True for a shape declared in `.kplint.yaml`.
    pub declared: bool,
}

impl Shape {
    /// A shape with the usual fields: `spec.template`, a label selector at `spec.selector`,
    /// `spec.replicas` defaulting to 1, long-running.
    pub fn new(group: &str, versions: &[&str], kind: &str) -> Shape {
        let mut s = Shape {
            group: group.to_string(),
            versions: versions.iter().map(|v| v.to_string()).collect(),
            kind: kind.to_string(),
            template: String::new(),
            template_metadata: String::new(),
            template_spec: String::new(),
            selector: Some("spec.selector".to_string()),
            selector_form: SelectorForm::LabelSelector,
            replicas: Some("spec.replicas".to_string()),
            default_replicas: 1,
            long_running: true,
            ordinal: false,
            workload_ref: None,
            extra_spec_fields: Vec::new(),
            runs_other_pods: false,
            declared: false,
        };
        s.set_template("spec.template");
        s
    }

    /// Sets the template's path (and its `metadata` and `spec` paths).
    pub fn set_template(&mut self, path: &str) {
        self.template = path.to_string();
        self.template_metadata = format!("{path}.metadata");
        self.template_spec = format!("{path}.spec");
    }

    /// True when this shape is the one of `group`, `version` and `kind`.
    pub fn applies_to(&self, group: &str, version: &str, kind: &str) -> bool {
        self.kind == kind
            && self.group == group
            && (self.versions.is_empty() || self.versions.iter().any(|v| v == version))
    }
}

/// The built-in shapes (docs/workloads.md gives each one's source).
pub static BUILTIN: LazyLock<Vec<Arc<Shape>>> = LazyLock::new(|| {
    let mut rollout = Shape::new("argoproj.io", &["v1alpha1"], "Rollout");
    rollout.workload_ref = Some("spec.workloadRef".to_string());
    // Experiment steps run ReplicaSets with labels of their own (`templates[].metadata`).
    rollout.runs_other_pods = true;
    let clone_set = Shape::new("apps.kruise.io", &["v1alpha1"], "CloneSet");
    let mut stateful_set = Shape::new("apps.kruise.io", &["v1alpha1", "v1beta1"], "StatefulSet");
    stateful_set.ordinal = true;
    let mut daemon_set = Shape::new("apps.kruise.io", &["v1alpha1"], "DaemonSet");
    daemon_set.replicas = None;
    let mut deployment_config = Shape::new("apps.openshift.io", &["v1"], "DeploymentConfig");
    deployment_config.selector_form = SelectorForm::Map;
    let mut knative = Shape::new("serving.knative.dev", &["v1"], "Service");
    // Knative Serving scales a Service's revisions itself (0..n by requests) and selects their
    // Pods by labels it generates: only the pod-level checks apply (docs/workloads.md).
    knative.selector = None;
    knative.replicas = None;
    knative.extra_spec_fields = [
        "containerConcurrency",
        "timeoutSeconds",
        "responseStartTimeoutSeconds",
        "idleTimeoutSeconds",
    ]
    .map(String::from)
    .to_vec();
    vec![
        Arc::new(rollout),
        Arc::new(clone_set),
        Arc::new(stateful_set),
        Arc::new(daemon_set),
        Arc::new(deployment_config),
        Arc::new(knative),
    ]
});

/// The shape of `obj`'s kind among `declared` (from `.kplint.yaml`, first) and the built-in
/// ones; `None` for objects of groups Kubernetes serves.
pub fn shape_of<'a>(obj: &Object, declared: &'a [Arc<Shape>]) -> Option<&'a Arc<Shape>> {
    let group = obj.group();
    if super::kinds::is_builtin_group(group) {
        return None;
    }
    let version = super::kinds::version_of(&obj.api_version);
    declared
        .iter()
        .find(|s| s.applies_to(group, version, &obj.kind))
        .or_else(|| {
            BUILTIN
                .iter()
                .find(|s| s.applies_to(group, version, &obj.kind))
        })
}

/// A custom workload's selector as written.
#[derive(Debug, Clone, PartialEq)]
pub enum WrittenSelector {
    Absent,
    LabelSelector(LabelSelector),
    Map(Labels),
    /// Not of the kind's selector type (reported by its CRD, when the run has it).
    Invalid,
}

/// The typed view of a custom workload: its metadata, pod template, selector and replicas.
#[derive(Debug, Clone)]
pub struct Workload {
    pub metadata: ObjectMeta,
    pub shape: Arc<Shape>,
    pub template: Option<PodTemplateSpec>,
    pub selector: WrittenSelector,
    pub replicas: Option<i32>,
    /// The `(kind, name)` of the workload whose template gives the Pods (`workloadRef`).
    pub workload_ref: Option<(SmolStr, SmolStr)>,
}

impl Workload {
    /// The path of the replica count, or `spec.replicas`.
    pub fn replicas_path(&self) -> &str {
        self.shape.replicas.as_deref().unwrap_or("spec.replicas")
    }
}

/// Decodes the custom resources of known workload shapes among `objects` into
/// [`Typed::Workload`], with the findings of their pod templates (`invalid-object`,
/// `unknown-field`, each at its field). Objects of other kinds are left as they are.
pub fn classify(objects: &mut [Object], declared: &[Arc<Shape>], out: &mut Vec<Diagnostic>) {
    for obj in objects.iter_mut() {
        if !matches!(obj.typed, Typed::Unknown) {
            continue;
        }
        let Some(shape) = shape_of(obj, declared) else {
            continue;
        };
        let shape = Arc::clone(shape);
        let (workload, broken) = decode(obj, shape, out);
        obj.typed = Typed::Workload(Box::new(workload));
        if !broken.is_empty() {
            obj.broken = broken.into_boxed_slice();
        }
        out.extend(super::decode::missing_containers(obj));
    }
}

fn decode(
    obj: &Object,
    shape: Arc<Shape>,
    out: &mut Vec<Diagnostic>,
) -> (Workload, Vec<FieldPath>) {
    let tree = &obj.tree;
    let mut broken = Vec::new();
    let node_at = |path: &str| {
        let r = resolve_written(tree, obj.root, path);
        (r.complete && !is_null(obj, r.value)).then_some(r.value)
    };
    let metadata = lenient_metadata(obj);
    let template = node_at(&shape.template).and_then(|n| {
        let base = FieldPath::parse(&shape.template);
        let added = |parent: &[Segment], key: &str| {
            matches!(parent, [Segment::Key(k)] if k == "spec")
                && shape.extra_spec_fields.iter().any(|f| f == key)
        };
        let part = Subtree {
            path: &base,
            node: n,
            overlay: Overlay::default(),
            added: &added,
            unread: "the pod template does not decode, so the pod checks do not run on it",
        };
        let decoded =
            subtree::decode::<k8s_openapi::api::core::v1::PodTemplateSpec>(obj, &part, out);
        if decoded.is_none() {
            broken.push(base);
        }
        decoded.map(PodTemplateSpec::from)
    });
    let selector = match shape.selector.as_deref().and_then(node_at) {
        None => WrittenSelector::Absent,
        Some(n) => match shape.selector_form {
            SelectorForm::LabelSelector => strict::deserialize::<
                k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
            >(tree, n, &mut Vec::new())
            .map_or(WrittenSelector::Invalid, |s| {
                WrittenSelector::LabelSelector(s.into())
            }),
            SelectorForm::Map => {
                strict::deserialize::<BTreeMap<String, String>>(tree, n, &mut Vec::new())
                    .map_or(WrittenSelector::Invalid, |m| {
                        WrittenSelector::Map(Labels::from(m))
                    })
            }
        },
    };
    if selector == WrittenSelector::Invalid {
        if let Some(p) = &shape.selector {
            broken.push(FieldPath::parse(p));
        }
    }
    let replicas = match shape.replicas.as_deref().and_then(node_at) {
        None => None,
        Some(n) => match strict::deserialize::<i32>(tree, n, &mut Vec::new()) {
            Ok(r) => Some(r),
            Err(_) => {
                if let Some(p) = &shape.replicas {
                    broken.push(FieldPath::parse(p));
                }
                None
            }
        },
    };
    let workload_ref = shape.workload_ref.as_deref().and_then(|p| {
        let kind = obj
            .scalar_text(&format!("{p}.kind"))
            .unwrap_or("Deployment");
        let name = obj.scalar_text(&format!("{p}.name"))?;
        (!name.is_empty()).then(|| (SmolStr::new(kind), SmolStr::new(name)))
    });
    (
        Workload {
            metadata,
            shape,
            template,
            selector,
            replicas,
            workload_ref,
        },
        broken,
    )
}

/// True for a plain `null` (or `~`, or nothing): a field written as unset.
pub(super) fn is_null(obj: &Object, node: crate::source::NodeId) -> bool {
    obj.tree.scalar(node).is_some_and(|s| {
        s.style == crate::source::tree::ScalarStyle::Plain
            && matches!(s.text, "" | "~" | "null" | "Null" | "NULL")
    })
}

/// The object's `metadata`, or empty when it does not decode: the CRD stage, when the run has
/// the kind's CRD, reports it against the built-in ObjectMeta.
pub fn lenient_metadata(obj: &Object) -> ObjectMeta {
    let r = resolve_written(&obj.tree, obj.root, "metadata");
    if !r.complete || is_null(obj, r.value) {
        return ObjectMeta::default();
    }
    strict::deserialize::<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>(
        &obj.tree,
        r.value,
        &mut Vec::new(),
    )
    .map(ObjectMeta::from)
    .unwrap_or_default()
}

/// True for a custom resource whose controller may create Pods that no pod template of the
/// inputs shows: any custom resource that is not a workload kplint reads, and a workload whose
/// controller also runs other templates (an Argo Rollout's experiments), and an Argo Workflow
/// (its step Pods carry labels Argo gives them, in no pod template).
pub fn may_run_unseen_pods(obj: &Object) -> bool {
    match &obj.typed {
        Typed::Unknown | Typed::Workflow(_) => true,
        Typed::Workload(w) => w.shape.runs_other_pods,
        _ => false,
    }
}

/// The shape of a decoded custom workload.
pub fn workload(obj: &Object) -> Option<&Workload> {
    match &obj.typed {
        Typed::Workload(w) => Some(w),
        _ => None,
    }
}
