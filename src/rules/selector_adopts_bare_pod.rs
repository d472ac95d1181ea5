//! `selector-adopts-bare-pod`: a controller whose selector matches a bare Pod takes it over.

use super::{Check, Pattern, Rule};
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
        Typed::StatefulSet(_) => {
            let rest = pod.name().strip_prefix(ctrl.name())?.strip_prefix('-')?;
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            format!(
                "its name makes it ordinal {rest} of the StatefulSet, which adopts it as that replica and deletes and recreates it when it does not match the current revision"
            )
        }
        Typed::DaemonSet(_) => "the DaemonSet adopts it as the daemon Pod of its node and deletes it when that node already runs one or should not run one".to_string(),
        Typed::Job(_) => "the Job (manualSelector: true) adopts it, counts its success or failure toward the Job's completions and deletes it when more Pods are active than parallelism allows".to_string(),
        _ => return None,
    })
}
