//! `selector-adopts-bare-pod`: a controller whose selector matches a bare Pod takes it over.

use super::{Check, Pattern, Rule};
use crate::model::shape::Workload;
use crate::model::workload::{accepted_controller_selector, is_bare_pod};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A controller whose selector matches the labels of a bare Pod in its namespace.
pub const RULE: Rule = Rule {
    id: "selector-adopts-bare-pod",
    severity: Severity::Error,
    pattern: Pattern::StatelessService,
    summary: "A controller's selector matches a bare Pod: the controller adopts it and counts (or deletes) it as one of its own.",
    doc: include_str!("../../rules/selector-adopts-bare-pod.md"),
    check: Check::Object(check),
};

const DAEMON_EFFECT: &str = "the DaemonSet adopts it as the daemon Pod of its node and deletes it when that node already runs one or should not run one";

fn ordinal_effect(ctrl: &Object, pod: &Object) -> Option<String> {
    let rest = pod.name().strip_prefix(ctrl.name())?.strip_prefix('-')?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "its name makes it ordinal {rest} of the StatefulSet, which adopts it as that replica and deletes and recreates it when it does not match the current revision"
    ))
}

/// What a custom workload's controller does with a matching orphan Pod (docs/workloads.md):
/// a Rollout's and a DeploymentConfig's Pods belong to ReplicaSets or ReplicationControllers
/// that also select a label the controller generates, so only a Pod carrying it is adopted;
/// OpenKruise's controllers claim orphans as their upstream counterparts do. A kind declared
/// in the configuration: kplint does not know what its controller does.
fn custom_effect(ctrl: &Object, w: &Workload, pod: &Object) -> Option<String> {
    let label = |key: &str| match &pod.typed {
        Typed::Pod(p) => p.metadata.labels.as_ref()?.get(key).map(str::to_string),
        _ => None,
    };
    if w.shape.declared {
        return None;
    }
    Some(match (w.shape.group.as_str(), ctrl.kind.as_str()) {
        ("argoproj.io", "Rollout") => {
            let hash = label("rollouts-pod-template-hash")?;
            format!(
                "it carries rollouts-pod-template-hash: {hash}, so the Rollout's ReplicaSet with that hash (if there is one) adopts it, counts it toward its replicas and may delete it"
            )
        }
        ("apps.openshift.io", "DeploymentConfig") => {
            let deployment = label("deployment")?;
            format!(
                "it carries deployment: {deployment}, so the DeploymentConfig's ReplicationController of that name (if there is one) adopts it, counts it toward its replicas and may delete it"
            )
        }
        ("apps.kruise.io", "CloneSet") => "the CloneSet adopts it as one of its replicas, counts it toward spec.replicas and deletes it when it has more Pods than that".to_string(),
        ("apps.kruise.io", "StatefulSet") => ordinal_effect(ctrl, pod)?,
        ("apps.kruise.io", "DaemonSet") => DAEMON_EFFECT.to_string(),
        _ => return None,
    })
}

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(ns) = obj.namespace.as_deref() else {
        return;
    };
    let Some((selector, path)) = accepted_controller_selector(obj) else {
        return;
    };
    for pod in inv.templates_matching(ns, &selector) {
        if !is_bare_pod(pod) || !inv.is_first_definition(pod) || !inv.same_unit(obj, pod) {
            continue;
        }
        let Some(effect) = effect(obj, pod) else {
            continue;
        };
        out.push(
            RULE.report(
                obj,
                obj.locate_key(path),
                format!(
                    "{}'s selector matches the labels of bare {}: {effect}",
                    obj.display(),
                    pod.display()
                ),
            )
            .path(path)
            .related(
                pod.locate("metadata.labels"),
                format!("the labels of {}", pod.display()),
            )
            .help(format!(
                "give {} labels that {} does not select (or run it under that controller instead of as a bare Pod)",
                pod.display(),
                obj.display()
            )),
        );
    }
}

/// What the controller does with a matching orphan Pod, or `None` when it leaves it alone.
fn effect(ctrl: &Object, pod: &Object) -> Option<String> {
    if let Typed::Workload(w) = &ctrl.typed {
        return custom_effect(ctrl, w, pod);
    }
    Some(match &ctrl.typed {
        Typed::ReplicaSet(_) | Typed::ReplicationController(_) => format!(
            "the {} adopts the Pod as one of its replicas, counts it toward spec.replicas and deletes it when it has more Pods than that",
            ctrl.kind
        ),
        // A Deployment's ReplicaSets select `pod-template-hash` too and the Deployment ignores
        // orphans: only a Pod carrying that label (copied from a live Pod) can be adopted.
        Typed::Deployment(_) => {
            let Typed::Pod(p) = &pod.typed else {
                return None;
            };
            let hash = p.metadata.labels.as_ref()?.get("pod-template-hash")?;
            format!(
                "it carries pod-template-hash: {hash}, so the Deployment's ReplicaSet with that hash (if there is one) adopts it, counts it toward its replicas and may delete it"
            )
        }
        // The StatefulSet controller claims only Pods named `<set>-<ordinal>`.
        Typed::StatefulSet(_) => ordinal_effect(ctrl, pod)?,
        Typed::DaemonSet(_) => DAEMON_EFFECT.to_string(),
        Typed::Job(_) => "the Job (manualSelector: true) adopts it, counts its success or failure toward the Job's completions and deletes it when more Pods are active than parallelism allows".to_string(),
        _ => return None,
    })
}
