//! `nodeport-service`: two Services of one apply unit that fix the same node port, which the
//! API server allocates once per cluster.

use std::collections::HashMap;

use super::{Check, Pattern, Rule};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A fixed `nodePort` that an earlier Service (or port) of the same apply unit already takes.
pub const RULE: Rule = Rule {
    id: "nodeport-service",
    severity: Severity::Warning,
    pattern: Pattern::ServiceDiscovery,
    summary: "Two Services applied together fix the same nodePort: node ports are allocated once per cluster, so the API server rejects the second.",
    doc: include_str!("../../rules/nodeport-service.md"),
    check: Check::Inventory(check),
};

/// One fixed node port: the Service, the index of the port, its protocol.
struct Taken<'a> {
    svc: &'a Object,
    index: usize,
    protocol: &'a str,
}

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    let mut taken: HashMap<i32, Vec<Taken<'_>>> = HashMap::new();
    for svc in inv.all_of_kind("Service") {
        let Typed::Service(s) = &svc.typed else {
            continue;
        };
        let Some(spec) = &s.spec else { continue };
        // Only these types allocate node ports; a nodePort on another type is rejected by
        // validation (invalid-object's business), not by allocation.
        if !matches!(spec.type_.as_deref(), Some("NodePort" | "LoadBalancer")) {
            continue;
        }
        for (index, port) in spec.ports.iter().flatten().enumerate() {
            let Some(number) = port.node_port.filter(|n| *n != 0) else {
                continue;
            };
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            let earlier = taken.entry(number).or_default();
            let clash = earlier.iter().find(|t| {
                t.protocol == protocol
                    && inv.same_unit(svc, t.svc)
                    // A second definition of the same Service replaces the first
                    // (duplicate-object): it reuses its own port.
                    && (t.svc.id == svc.id
                        || t.svc.name != svc.name
                        || t.svc.namespace != svc.namespace)
            });
            if let Some(t) = clash {
                let path = format!("spec.ports[{index}].nodePort");
                let first = format!("spec.ports[{}].nodePort", t.index);
                out.push(
                    RULE.at(
                        svc,
                        &path,
                        format!(
                            "{} fixes nodePort {number}/{protocol}, which {} already fixes: node ports are allocated once per cluster, so applying both, the API server rejects the second (\"provided port is already allocated\")",
                            svc.display(),
                            t.svc.display()
                        ),
                    )
                    .related(t.svc.locate(&first), format!("{} takes the port here", t.svc.display()))
                    .help("give each Service its own nodePort, or leave nodePort unset so the API server picks a free one"),
                );
                continue;
            }
            earlier.push(Taken {
                svc,
                index,
                protocol,
            });
        }
    }
}
