//! `workload-restart-policy`: long-running controllers' Pods must restart `Always`.

use super::{Check, Pattern, Rule};
use crate::model::workload::{is_long_running, is_replicated, pod_template};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A Deployment, ReplicaSet, ReplicationController or StatefulSet whose pod template sets a
/// restartPolicy other than Always.
pub const RULE: Rule = Rule {
    id: "workload-restart-policy",
    severity: Severity::Error,
    pattern: Pattern::StatelessService,
    summary: "A Deployment's, ReplicaSet's, ReplicationController's or StatefulSet's pod template sets restartPolicy to something other than Always; the API server rejects it.",
    doc: include_str!("../../rules/workload-restart-policy.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    // Custom workloads (a Rollout, a CloneSet, an Advanced DaemonSet) keep their Pods running
    // as a ReplicaSet or DaemonSet does, and their controllers validate the template as one.
    let custom = matches!(obj.typed, Typed::Workload(_)) && is_long_running(obj);
    if !is_replicated(obj) && !custom {
        return;
    }
    let Some(template) = pod_template(obj) else {
        return;
    };
    let Some(policy) = template.spec.and_then(|s| s.restart_policy.as_deref()) else {
        return;
    };
    if policy == "Always" {
        return;
    }
    let job = if policy == "Never" || policy == "OnFailure" {
        "; for Pods that run to completion use a Job"
    } else {
        ""
    };
    out.push(
        RULE.at(
            obj,
            &format!("{}.restartPolicy", template.spec_path),
            format!(
                "{} sets restartPolicy: {policy}; a {} keeps its Pods running and only accepts Always, so {}",
                obj.display(),
                obj.kind,
                if custom {
                    "its controller (or its admission webhook) rejects the template"
                } else {
                    "the API server rejects the object"
                }
            ),
        )
        .help(format!("remove restartPolicy or set it to Always{job}")),
    );
}
