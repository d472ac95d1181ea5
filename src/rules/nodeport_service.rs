//! `nodeport-service`: a Service exposed on a fixed port of every node.

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A Service of type NodePort.
pub const RULE: Rule = Rule {
    id: "nodeport-service",
    severity: Severity::Info,
    pattern: Pattern::ServiceDiscovery,
    summary: "A Service of type NodePort: a fixed port on every node, with no highly available entry point.",
    doc: include_str!("../../rules/nodeport-service.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::Service(svc) = &obj.typed else {
        return;
    };
    let Some(spec) = &svc.spec else { return };
    if spec.type_.as_deref() != Some("NodePort") {
        return;
    }
    let ports: Vec<String> = spec
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.node_port.map(|n| n.to_string()))
        .collect();
    let opens = if ports.is_empty() {
        "a port picked from the node port range (30000-32767 by default)".to_string()
    } else if ports.len() == 1 {
        format!("port {}", ports.join(""))
    } else {
        format!("ports {}", ports.join(", "))
    };
    out.push(
        RULE.at(
            obj,
            "spec.type",
            format!(
                "{} is of type NodePort: it opens {opens} on every node, and clients that connect to one node's address lose the Service when that node goes down or is replaced",
                obj.display()
            ),
        )
        .help("for traffic from outside the cluster, use type: LoadBalancer or an Ingress in front of a ClusterIP Service; for traffic inside the cluster, use ClusterIP"),
    );
}
