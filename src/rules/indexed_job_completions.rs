//! `indexed-job-completions`: an Indexed Job needs `spec.completions`.

use super::{Check, Pattern, Rule};
use crate::model::view::JobSpec;
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// An Indexed Job (or CronJob job template) without `completions`.
pub const RULE: Rule = Rule {
    id: "indexed-job-completions",
    severity: Severity::Error,
    pattern: Pattern::BatchJob,
    summary:
        "A Job with completionMode: Indexed but no spec.completions; the API server rejects it.",
    doc: include_str!("../../rules/indexed-job-completions.md"),
    check: Check::Local(check),
};

/// The JobSpec of a Job or a CronJob's job template, and its field path.
pub(crate) fn job_spec(obj: &Object) -> Option<(&JobSpec, &'static str)> {
    match &obj.typed {
        Typed::Job(j) => Some((j.spec.as_ref()?, "spec")),
        Typed::CronJob(c) => Some((
            c.spec.as_ref()?.job_template.spec.as_ref()?,
            "spec.jobTemplate.spec",
        )),
        _ => None,
    }
}

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some((spec, path)) = job_spec(obj) else {
        return;
    };
    if spec.completion_mode.as_deref() != Some("Indexed") || spec.completions.is_some() {
        return;
    }
    out.push(
        RULE.at(
            obj,
            &format!("{path}.completionMode"),
            format!(
                "{} uses completionMode: Indexed without completions; the API server rejects it, since an Indexed Job needs the number of indexes to run",
                obj.display()
            ),
        )
        .help("set spec.completions to the number of indexed Pods that must succeed (one per index 0..completions-1)"),
    );
}
