//! `cronjob-concurrency-policy`: an unset concurrencyPolicy lets runs overlap.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A CronJob that leaves concurrencyPolicy to its default, Allow.
pub const RULE: Rule = Rule {
    id: "cronjob-concurrency-policy",
    severity: Severity::Warning,
    pattern: Pattern::PeriodicJob,
    summary: "A CronJob without concurrencyPolicy: a run that takes longer than the interval overlaps the next (implicit Allow).",
    doc: include_str!("../../rules/cronjob-concurrency-policy.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::CronJob(cj) = &obj.typed else {
        return;
    };
    let Some(spec) = &cj.spec else { return };
    if spec.concurrency_policy.is_some() {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "spec.concurrencyPolicy",
            format!(
                "{} does not set concurrencyPolicy, so it defaults to Allow: when a run outlasts the schedule interval, the next one starts beside it and both work on the same data",
                obj.display()
            ),
        )
        .help("set spec.concurrencyPolicy: Forbid (skip a run while one is active) or Replace (stop the old run); write Allow if overlapping runs are intended"),
    );
}
