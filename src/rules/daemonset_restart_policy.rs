//! `daemonset-restart-policy`: DaemonSet Pods must restart `Always`.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A DaemonSet whose pod template sets a restartPolicy other than Always.
pub const RULE: Rule = Rule {
    id: "daemonset-restart-policy",
    severity: Severity::Error,
    pattern: Pattern::DaemonService,
    summary: "A DaemonSet's pod template sets restartPolicy to something other than Always; the API server rejects it.",
    doc: include_str!("../../rules/daemonset-restart-policy.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::DaemonSet(ds) = &obj.typed else {
        return;
    };
    let policy = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.restart_policy.as_deref());
    let Some(policy) = policy else { return };
    if policy == "Always" {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "spec.template.spec.restartPolicy",
            format!(
                "{} sets restartPolicy: {policy}; DaemonSet Pods must restart Always (the API server rejects the object)",
                obj.display()
            ),
        )
        .help("remove restartPolicy or set it to Always"),
    );
}
