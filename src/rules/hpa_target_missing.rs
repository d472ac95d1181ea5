//! `hpa-target-missing`: a HorizontalPodAutoscaler whose `scaleTargetRef` names no object.

use super::{Check, Pattern, Rule};
use crate::model::inventory::CustomResources;
use crate::model::kinds::{group_of, is_builtin_group};
use crate::model::{hpa_target, Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};
use crate::spelling::closest;

/// A HorizontalPodAutoscaler that scales an object its namespace does not have.
pub const RULE: Rule = Rule {
    id: "hpa-target-missing",
    severity: Severity::Warning,
    pattern: Pattern::StatelessService,
    summary: "A HorizontalPodAutoscaler whose scaleTargetRef names no Deployment, StatefulSet, ReplicaSet or ReplicationController (or custom resource of a kind the inputs define) in its namespace: nothing is autoscaled.",
    doc: include_str!("../../rules/hpa-target-missing.md"),
    check: Check::Inventory(check),
};

/// The built-in kinds an HPA scales: each one's objects are expected among the inputs.
const SCALABLE: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
];

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    // Built only when a target is missing: most runs never need it.
    let mut operated: Option<CustomResources<'_>> = None;
    for hpa in inv.all_of_kind("HorizontalPodAutoscaler") {
        if !matches!(hpa.typed, Typed::HpaV1(_) | Typed::HpaV2(_)) || !inv.is_first_definition(hpa)
        {
            continue;
        }
        let Some((kind, name)) = hpa_target(hpa) else {
            continue;
        };
        if kind.is_empty() || name.is_empty() {
            continue;
        }
        let ns = hpa.namespace.as_deref().unwrap_or_default();
        let group = target_group(hpa);
        let found = inv.named(ns, kind, name).filter(|o| same_group(group, o));
        if !inv.resolve(hpa, found).is_empty() {
            continue;
        }
        let builtin = SCALABLE.contains(&kind) && group.is_none_or(is_builtin_group);
        // A custom kind (an Argo Rollout) may be applied by another tool or repository: only a
        // run that defines objects of that kind is expected to define this one.
        if !builtin && !inv.all_of_kind(kind).any(|o| same_group(group, o)) {
            continue;
        }
        // Operators create workloads named after their custom resources at run time.
        let operated = operated.get_or_insert_with(|| inv.custom_resources());
        if operated.may_create(ns, name) {
            continue;
        }
        let suggestion = closest(
            name,
            inv.of_kind(ns, kind)
                .filter(|o| same_group(group, o))
                .filter_map(|o| o.name.as_deref()),
        );
        // The name is right and the kind wrong (a StatefulSet autoscaled as a Deployment).
        let other_kind = SCALABLE
            .iter()
            .find(|k| **k != kind && inv.named(ns, k, name).next().is_some());
        let hint = match (suggestion, other_kind) {
            (_, Some(k)) => format!(" (a {k} \"{name}\" exists: did you mean `kind: {k}`?)"),
            (Some(s), None) => format!(" (did you mean \"{s}\"?)"),
            (None, None) => String::new(),
        };
        let help = match (suggestion, other_kind) {
            (_, Some(k)) => format!("write `kind: {k}` in scaleTargetRef"),
            (Some(s), None) => format!("write `name: {s}`, the name of the {kind} to autoscale"),
            (None, None) => format!(
                "name the {kind} to autoscale exactly as its `metadata.name`; if it is defined in other files, lint them together (or pass them with --context)"
            ),
        };
        out.push(
            RULE.at(
                hpa,
                "spec.scaleTargetRef.name",
                format!(
                    "{} scales {kind} \"{name}\", but the linted inputs define no {kind} \"{name}\" in namespace \"{ns}\"{hint}: the autoscaler has nothing to scale, and the workload it was meant for keeps its fixed replica count",
                    hpa.display(),
                ),
            )
            .help(help),
        );
    }
}

/// The API group `scaleTargetRef.apiVersion` names, when written.
fn target_group(hpa: &Object) -> Option<&str> {
    let spec = match &hpa.typed {
        Typed::HpaV1(h) | Typed::HpaV2(h) => h.spec.as_ref()?,
        _ => return None,
    };
    spec.scale_target_ref.api_version.as_deref().map(group_of)
}

/// True when `obj` is of the group the reference names: a built-in kind is served under
/// several groups over the releases (`extensions` and `apps` Deployments are one resource),
/// a custom kind under its own.
fn same_group(group: Option<&str>, obj: &Object) -> bool {
    match group {
        None => true,
        Some(g) if is_builtin_group(g) => is_builtin_group(obj.group()),
        Some(g) => obj.group() == g,
    }
}
