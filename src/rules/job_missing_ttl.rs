//! `job-missing-ttl`: a finished Job without a TTL is kept forever.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A Job created under a generated name (so each run adds one) without `ttlSecondsAfterFinished`.
pub const RULE: Rule = Rule {
    id: "job-missing-ttl",
    severity: Severity::Info,
    pattern: Pattern::BatchJob,
    summary: "A Job created with generateName and without ttlSecondsAfterFinished: every run adds a finished Job and its Pods, kept forever.",
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
    // A Job with a fixed name is one object, run by hand or by a deploy tool: kept after it
    // finishes, it holds the logs someone reads, and under GitOps a TTL would even make the
    // tool recreate and rerun it. Only generated names pile up, one Job per run.
    let generated = match (&job.metadata.name, obj.scalar_text("metadata.generateName")) {
        (None, Some(prefix)) if !prefix.is_empty() => prefix,
        _ => return,
    };
    let Some(spec) = &job.spec else { return };
    if spec.ttl_seconds_after_finished.is_some() {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "spec.ttlSecondsAfterFinished",
            format!(
                "Job with generateName \"{generated}\" makes a new Job on every run, and it sets no ttlSecondsAfterFinished: finished Jobs and their Pods pile up in the cluster until someone deletes them"
            ),
        )
        .help("set spec.ttlSecondsAfterFinished (e.g. 86400) so the TTL controller deletes the finished Job and its Pods"),
    );
}
