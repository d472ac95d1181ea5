//! `service-target-port`: a Service's named targetPort that the selected Pods do not declare.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Check, Pattern, Rule};
use crate::model::workload::{is_sidecar, pod_template, service_pod_selector};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A Service port whose named targetPort is no containerPort name of the Pods it selects.
pub const RULE: Rule = Rule {
    id: "service-target-port",
    severity: Severity::Warning,
    pattern: Pattern::ServiceDiscovery,
    summary: "A Service port's named targetPort is not the name of a containerPort of the Pods it selects: those Pods get no traffic on that port.",
    doc: include_str!("../../rules/service-target-port.md"),
    check: Check::Object(check),
};

/// How many workloads a finding points at, at most.
const MAX_RELATED: usize = 5;

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::Service(svc) = &obj.typed else {
        return;
    };
    let Some(spec) = &svc.spec else { return };
    let ns = obj.namespace.as_deref().unwrap_or_default();
    // Looked up once, and only for a Service with a named targetPort: most have none.
    let mut selected = None;
    for (i, port) in spec.ports.iter().flatten().enumerate() {
        let Some(IntOrString::String(name)) = &port.target_port else {
            continue;
        };
        let path = || format!("spec.ports[{i}].targetPort");
        let which = || match &port.name {
            Some(n) if !n.is_empty() => format!("{} port \"{n}\" ({})", obj.display(), port.port),
            _ => format!("{} port {}", obj.display(), port.port),
        };
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
            // IntOrString keeps a quoted number a string, and a string targetPort must be an
            // IANA service name (at least one letter): the API server rejects the Service.
            out.push(
                RULE.at(
                    obj,
                    &path(),
                    format!(
                        "{} has targetPort \"{name}\" written as a string: Kubernetes reads a string targetPort as a port name, not a number, and a port name must contain a letter, so the API server rejects the Service",
                        which()
                    ),
                )
                .help(format!("write the number without quotes: `targetPort: {name}`")),
            );
            continue;
        }
        let protocol = port.protocol.as_deref().unwrap_or("TCP");
        // (workload, protocol it declares the name with, if any) for each selected workload
        // whose Pods can't resolve the name.
        let mut missing: Vec<(&Object, Option<&str>, String)> = Vec::new();
        let selected: &Vec<&Object> = selected.get_or_insert_with(|| {
            service_pod_selector(obj)
                .map(|sel| {
                    // A port name the Pods do not declare is a conflict: only Pods applied
                    // with the Service are judged.
                    let mut pods = inv.pods_selected_by(ns, sel);
                    pods.retain(|w| inv.same_unit(obj, w));
                    pods
                })
                .unwrap_or_default()
        });
        for &w in selected {
            let Some(template) = pod_template(w) else {
                continue;
            };
            let Some(pod) = template.spec else { continue };
            // Endpoints resolve a named port over the app containers and the native sidecars.
            let mut declared = pod
                .containers
                .iter()
                .chain(
                    pod.init_containers
                        .iter()
                        .flatten()
                        .filter(|c| is_sidecar(c)),
                )
                .flat_map(|c| c.ports.iter().flatten())
                .filter(|p| p.name.as_deref() == Some(name.as_str()))
                .map(|p| p.protocol.as_deref().unwrap_or("TCP"));
            let other = declared.next();
            if other == Some(protocol) || declared.any(|p| p == protocol) {
                continue;
            }
            missing.push((w, other, format!("{}.containers", template.spec_path)));
        }
        if missing.is_empty() {
            continue;
        }
        let listed: Vec<String> = missing
            .iter()
            .take(3)
            .map(|(w, other, _)| match other {
                Some(p) => format!("{} (which declares \"{name}\" for {p} only)", w.display()),
                None => w.display().to_string(),
            })
            .collect();
        let more = match missing.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        let problem = if missing.len() == 1 {
            "the Service selects the Pods of"
        } else {
            "the Service selects the Pods of these workloads, whose containers do not declare it:"
        };
        let tail = if missing.len() == 1 {
            format!(", whose containers declare no {protocol} containerPort named \"{name}\"")
        } else {
            String::new()
        };
        let mut d = RULE
            .at(
                obj,
                &path(),
                format!(
                    "{} targets the named port \"{name}\", but {problem} {}{more}{tail}: the Service's endpoints for this port leave those Pods out, so its connections never reach them",
                    which(),
                    listed.join(", ")
                ),
            )
            .help(format!(
                "name the serving containerPort \"{name}\" (protocol {protocol}) in each selected pod template, or set targetPort to the container's port number"
            ));
        for (w, _, containers) in missing.iter().take(MAX_RELATED) {
            d = d.related(
                w.locate_key(containers),
                format!("the containers of {}", w.display()),
            );
        }
        out.push(d);
    }
}
