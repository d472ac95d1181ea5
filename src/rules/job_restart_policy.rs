//! `job-restart-policy`: Job Pods must restart `OnFailure` or `Never`.

use super::{Check, Pattern, Rule};
use crate::model::workload::pod_template;
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A Job or CronJob whose pod template has restartPolicy unset or Always.
pub const RULE: Rule = Rule {
    id: "job-restart-policy",
    severity: Severity::Error,
    pattern: Pattern::BatchJob,
    summary: "A Job's or CronJob's pod template has restartPolicy unset or Always; the API server requires OnFailure or Never.",
    doc: include_str!("../../rules/job-restart-policy.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    if !matches!(obj.typed, Typed::Job(_) | Typed::CronJob(_)) {
        return;
    }
    let Some(t) = pod_template(obj) else { return };
    let Some(spec) = t.spec else { return };
    let path = format!("{}.restartPolicy", t.spec_path);
    let what = match spec.restart_policy.as_deref() {
        None => "does not set restartPolicy, which defaults to Always".to_string(),
        Some("Always") => "sets restartPolicy: Always".to_string(),
        Some(_) => return,
    };
    out.push(
        RULE.at(
            obj,
            &path,
            format!(
                "{}'s pod template {what}; a Job's Pods run to completion, so the API server rejects it (only OnFailure or Never is allowed)",
                obj.display()
            ),
        )
        .help("set restartPolicy: OnFailure (retry the container in place) or Never (the Job creates a new Pod on failure)"),
    );
}
