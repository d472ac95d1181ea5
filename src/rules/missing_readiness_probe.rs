//! `missing-readiness-probe`: a Service sends traffic to Pods that nothing declares ready.

use std::collections::BTreeMap;

use super::{Check, Pattern, Rule};
use crate::model::workload::{is_long_running, is_sidecar, pod_template, service_pod_selector};
use crate::model::{Inventory, Object, ObjectId, Typed};
use crate::report::{Diagnostic, Severity};

/// A long-running workload that a Service selects, with no readinessProbe in any container.
pub const RULE: Rule = Rule {
    id: "missing-readiness-probe",
    severity: Severity::Warning,
    pattern: Pattern::StatelessService,
    summary: "A Service selects a long-running workload none of whose containers has a readinessProbe: its Pods get traffic before they are ready.",
    doc: include_str!("../../rules/missing-readiness-probe.md"),
    check: Check::Inventory(check),
};

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    // The reverse relation, built once: workload → the Services that route to its Pods.
    let mut routed: BTreeMap<ObjectId, Vec<&Object>> = BTreeMap::new();
    for svc in inv.all_of_kind("Service") {
        let Some(selector) = service_pod_selector(svc) else {
            continue;
        };
        if publishes_not_ready(svc) {
            continue;
        }
        let ns = svc.namespace.as_deref().unwrap_or_default();
        for w in inv.resolve(svc, inv.pods_selected_by(ns, selector)) {
            if is_long_running(w) {
                routed.entry(w.id).or_default().push(svc);
            }
        }
    }
    for (id, services) in routed {
        let Some(obj) = inv.object(id) else { continue };
        let Some(template) = pod_template(obj) else {
            continue;
        };
        let Some(spec) = template.spec else { continue };
        // Pod Ready needs every app container and every native sidecar Ready, so one probe on
        // any of them holds the whole Pod out of the endpoints.
        let gated = spec.containers.iter().any(|c| c.readiness_probe.is_some())
            || spec
                .init_containers
                .iter()
                .flatten()
                .any(|c| is_sidecar(c) && c.readiness_probe.is_some());
        if gated {
            continue;
        }
        // The same Service can be defined twice (two bundles of one app): name it once.
        let mut names: Vec<&str> = services.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        names.dedup();
        let quoted: Vec<String> = names.iter().take(3).map(|n| format!("\"{n}\"")).collect();
        let more = match names.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        let (who, verb) = if names.len() == 1 {
            (format!("Service {}", quoted.join("")), "sends")
        } else {
            (format!("Services {}{more}", quoted.join(", ")), "send")
        };
        let target = match obj.typed {
            Typed::Pod(_) => obj.display().to_string(),
            _ => format!("the Pods of {}", obj.display()),
        };
        let path = format!("{}.containers", template.spec_path);
        let mut d = RULE
            .report(
                obj,
                obj.locate_key(&path),
                format!(
                    "{who} {verb} traffic to {target}, but none of its containers has a readinessProbe: a Pod receives requests as soon as its containers start, before the application can serve them, and stays in the endpoints while it cannot",

                ),
            )
            .path(path)
            .help("add a readinessProbe to the container that serves the traffic (httpGet on a health endpoint, or tcpSocket on its port)");
        for svc in services.iter().take(MAX_RELATED) {
            d = d.related(
                svc.locate_key("spec.selector"),
                format!("the selector of {} matches these Pods", svc.display()),
            );
        }
        out.push(d);
    }
}

/// How many Services a finding points at, at most.
const MAX_RELATED: usize = 5;

/// A Service with `publishNotReadyAddresses: true` routes to Pods whether or not they are ready.
fn publishes_not_ready(svc: &Object) -> bool {
    let Typed::Service(s) = &svc.typed else {
        return false;
    };
    s.spec
        .as_ref()
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false)
}
