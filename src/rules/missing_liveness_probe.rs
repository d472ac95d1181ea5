//! `missing-liveness-probe`: a hung container of a long-running workload is never restarted.

use super::{Check, Pattern, Rule};
use crate::model::workload::{is_long_running, pod_template};
use crate::model::Object;
use crate::report::{Diagnostic, Severity};

/// A container of a long-running workload without a livenessProbe.
pub const RULE: Rule = Rule {
    id: "missing-liveness-probe",
    severity: Severity::Info,
    pattern: Pattern::StatelessService,
    summary: "A container of a long-running workload has no livenessProbe: if it hangs without exiting, nothing restarts it.",
    doc: include_str!("../../rules/missing-liveness-probe.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    if !is_long_running(obj) {
        return;
    }
    let Some(template) = pod_template(obj) else {
        return;
    };
    let Some(spec) = template.spec else { return };
    for (i, c) in spec.containers.iter().enumerate() {
        if c.liveness_probe.is_some() {
            continue;
        }
        let path = format!("{}.containers[{i}].name", template.spec_path);
        out.push(
            RULE.at(
                obj,
                &path,
                format!(
                    "container \"{}\" of {} has no livenessProbe: if its process hangs (a deadlock, a stuck event loop) without exiting, the kubelet never restarts it and the Pod keeps running broken",
                    c.name,
                    obj.display()
                ),
            )
            .help("add a livenessProbe that fails only when the process cannot recover by itself (a cheap httpGet or exec check that does not depend on other services)"),
        );
    }
}
