//! `cronjob-starting-deadline`: startingDeadlineSeconds unset or too short to be met.

use super::{Check, Pattern, Rule};
use crate::model::version::KubeVersion;
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A CronJob without startingDeadlineSeconds, or with one below 10 seconds.
pub const RULE: Rule = Rule {
    id: "cronjob-starting-deadline",
    severity: Severity::Warning,
    pattern: Pattern::PeriodicJob,
    summary: "A CronJob whose startingDeadlineSeconds is below 10 (runs may never start), or unset before Kubernetes 1.21 (100 missed runs stop it).",
    doc: include_str!("../../rules/cronjob-starting-deadline.md"),
    check: Check::Versioned(check),
};

/// The first release whose default CronJob controller (v2) still starts the latest missed run
/// after more than 100 misses, with only an event; the v1 controller gave up on the CronJob.
const CONTROLLER_V2: KubeVersion = KubeVersion::new(1, 21);

fn check(target: KubeVersion, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::CronJob(cj) = &obj.typed else {
        return;
    };
    let Some(spec) = &cj.spec else { return };
    let path = "spec.startingDeadlineSeconds";
    let help = "set spec.startingDeadlineSeconds to how late a run may still start, at least 10 (e.g. 200)";
    match spec.starting_deadline_seconds {
        None if target < CONTROLLER_V2 => out.push(
            RULE.at(
                obj,
                path,
                format!(
                    "{} does not set startingDeadlineSeconds: before Kubernetes 1.21 (the target is {target}), if the controller misses more than 100 schedules (controller down, cluster paused), it stops scheduling the CronJob and logs an error",
                    obj.display()
                ),
            )
            .help(help),
        ),
        Some(n) if n < 0 => out.push(
            RULE.at(
                obj,
                path,
                format!(
                    "{} sets startingDeadlineSeconds: {n}; the API server rejects a negative deadline",
                    obj.display()
                ),
            )
            .help(help),
        ),
        Some(n) if n < 10 => out.push(
            RULE.at(
                obj,
                path,
                format!(
                    "{} sets startingDeadlineSeconds: {n}; the CronJob controller checks schedules about every 10 seconds, so a run can miss its deadline and never start",
                    obj.display()
                ),
            )
            .help(help),
        ),
        None | Some(_) => {}
    }
}
