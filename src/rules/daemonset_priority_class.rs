//! `daemonset-priority-class`: node daemons should not be the first Pods preempted.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A DaemonSet whose pod template has no priorityClassName.
pub const RULE: Rule = Rule {
    id: "daemonset-priority-class",
    severity: Severity::Info,
    pattern: Pattern::DaemonService,
    summary: "A DaemonSet without priorityClassName: its node daemons may be preempted or fail to schedule on full nodes.",
    doc: include_str!("../../rules/daemonset-priority-class.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::DaemonSet(ds) = &obj.typed else {
        return;
    };
    let Some(pod) = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref()) else {
        return;
    };
    if pod
        .priority_class_name
        .as_deref()
        .is_some_and(|p| !p.is_empty())
    {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "spec.template.spec.priorityClassName",
            format!(
                "{} has no priorityClassName: its Pods run at the default priority, so on a full node they can't preempt other Pods to get scheduled, Pods of higher priority can preempt them, and under node pressure they are evicted before those",
                obj.display()
            ),
        )
        .help("set spec.template.spec.priorityClassName, e.g. system-node-critical for a daemon the node needs, or a PriorityClass of your own above your applications'"),
    );
}
