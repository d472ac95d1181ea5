//! `missing-liveness-probe`: a hung container of a long-running workload is never restarted.

use super::{Check, Pattern, Rule};
use crate::model::view::{Container, KnownImage};
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
    let serving = spec.containers.iter().any(declares_ports);
    for (i, c) in spec.containers.iter().enumerate() {
        // The CSI `livenessprobe` sidecar serves the liveness endpoint of another container: a
        // probe on it would probe itself.
        if c.liveness_probe.is_some() || c.image == KnownImage::LivenessProbe {
            continue;
        }
        // In a Pod of several containers, the ones without ports are helpers (log shippers,
        // config reloaders, CSI sidecars) whose hang the main container's probe or the
        // helper's own exit shows; when no container declares ports, the first one is the
        // application by convention (kubectl's default container).
        if spec.containers.len() > 1 && (if serving { !declares_ports(c) } else { i > 0 }) {
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

fn declares_ports(c: &Container) -> bool {
    c.ports.as_ref().is_some_and(|p| !p.is_empty())
}
