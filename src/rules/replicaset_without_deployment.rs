//! `replicaset-without-deployment`: a ReplicaSet or ReplicationController no Deployment manages.

use super::{Check, Pattern, Rule};
use crate::model::workload::controller_owner;
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A standalone ReplicaSet or ReplicationController: no rollout, no rollback.
pub const RULE: Rule = Rule {
    id: "replicaset-without-deployment",
    severity: Severity::Info,
    pattern: Pattern::StatelessService,
    summary: "A ReplicaSet or ReplicationController that no Deployment manages: template changes are not rolled out and cannot be rolled back.",
    doc: include_str!("../../rules/replicaset-without-deployment.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let meta = match &obj.typed {
        Typed::ReplicaSet(r) => &r.metadata,
        Typed::ReplicationController(r) => &r.metadata,
        _ => return,
    };
    if controller_owner(meta).is_some() {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "kind",
            format!(
                "{} is not managed by a Deployment: a change to its pod template only reaches Pods created later (running Pods keep the old version), and there is no rollout history to roll back to",
                obj.display()
            ),
        )
        .help("make it a Deployment with the same selector and template: a Deployment replaces Pods gradually on every template change and can roll back"),
    );
}
