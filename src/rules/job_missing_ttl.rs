//! `job-missing-ttl`: a finished Job without a TTL is kept forever.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A standalone Job without `ttlSecondsAfterFinished`.
pub const RULE: Rule = Rule {
    id: "job-missing-ttl",
    severity: Severity::Info,
    pattern: Pattern::BatchJob,
    summary: "A standalone Job without ttlSecondsAfterFinished: the finished Job and its Pods are kept forever.",
    doc: include_str!("../../rules/job-missing-ttl.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    // A CronJob's jobTemplate is not a Typed::Job, and its history limits clean up after it.
    let Typed::Job(job) = &obj.typed else { return };
    let owned_by_cronjob = job
        .metadata
        .owner_references
        .iter()
        .flatten()
        .any(|r| r.controller == Some(true) && r.kind == "CronJob");
    if owned_by_cronjob {
        return;
    }
    let Some(spec) = &job.spec else { return };
    if spec.ttl_seconds_after_finished.is_some() {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "spec.ttlSecondsAfterFinished",
            format!(
                "{} does not set ttlSecondsAfterFinished: once it finishes, the Job and its Pods stay in the cluster until someone deletes them",
                obj.display()
            ),
        )
        .help("set spec.ttlSecondsAfterFinished (e.g. 86400) so the TTL controller deletes the finished Job and its Pods"),
    );
}
