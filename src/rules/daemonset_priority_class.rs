//! `daemonset-priority-class`: node daemons should not be the first Pods preempted.

use super::{Check, Pattern, Rule};
use crate::model::view::{Container, KnownImage};
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
    // A DaemonSet whose work is done once per node (by init containers, or a script that then
    // sleeps) has nothing running that preemption or eviction would interrupt.
    if !pod.containers.is_empty() && pod.containers.iter().all(is_idle) {
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

/// True for a container that only keeps the Pod alive: the `pause` image, or a command that
/// ends in sleeping for good (`sleep infinity`, `tail -f /dev/null`, a sleep of a day or more
/// outside a loop). A `while true` loop with a sleep does periodic work: it is not idle.
fn is_idle(c: &Container) -> bool {
    if c.image == KnownImage::Pause {
        return true;
    }
    let words: Vec<&str> = c
        .command
        .iter()
        .chain(c.args.iter())
        .flatten()
        .flat_map(|a| a.split(|ch: char| ch.is_whitespace() || ch == ';'))
        .filter(|w| !w.is_empty())
        .collect();
    let text = words.join(" ");
    let long_sleep = match words.as_slice() {
        [.., "sleep", seconds] => {
            seconds.parse::<u64>().is_ok_and(|s| s >= 86_400) && !text.contains("while")
        }
        _ => false,
    };
    text.ends_with("sleep infinity") || text.ends_with("tail -f /dev/null") || long_sleep
}
