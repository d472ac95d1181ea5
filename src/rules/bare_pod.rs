//! `bare-pod`: a Pod that no controller owns is not recreated when its node fails.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A Pod without a controller: not rescheduled when its node fails.
pub const RULE: Rule = Rule {
    id: "bare-pod",
    severity: Severity::Warning,
    pattern: Pattern::BatchJob,
    summary:
        "A Pod that no controller owns: nothing recreates it when its node fails or it is evicted.",
    doc: include_str!("../../rules/bare-pod.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::Pod(pod) = &obj.typed else { return };
    let owned = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .any(|r| r.controller == Some(true));
    if owned {
        return;
    }
    let restart = pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref());
    let help = match restart {
        Some("Never" | "OnFailure") => {
            "run it as a Job (its restartPolicy says it runs to completion): the Job controller recreates the Pod if its node fails"
        }
        _ => "run it under a Deployment (or a StatefulSet for stable identity, a DaemonSet for one per node), which recreates it",
    };
    out.push(
        RULE.at(
            obj,
            "kind",
            format!(
                "{} is a bare Pod: no controller owns it, so if its node fails or it is evicted, nothing recreates it",
                obj.display()
            ),
        )
        .help(help),
    );
}
