//! `statefulset-service-not-headless`: a StatefulSet's governing Service has a cluster IP.

use super::{Check, Pattern, Rule};
use crate::model::workload::governing_services;
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// The Service named by a StatefulSet's `serviceName` is not headless.
pub const RULE: Rule = Rule {
    id: "statefulset-service-not-headless",
    severity: Severity::Warning,
    pattern: Pattern::StatefulService,
    summary: "The governing Service of a StatefulSet is not headless (clusterIP: None): its Pods get no stable per-Pod DNS names.",
    doc: include_str!("../../rules/statefulset-service-not-headless.md"),
    check: Check::Object(check),
};

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    // A StatefulSet defined several times (`duplicate-object`) is judged once.
    if !matches!(obj.typed, Typed::StatefulSet(_)) || !inv.is_first_definition(obj) {
        return;
    }
    // A set of one has no peers to find by per-Pod name: its clients use the Service's
    // ClusterIP, which works.
    if inv.replicas(obj).is_none_or(|r| r.max <= 1) {
        return;
    }
    let Some((name, mut services)) = governing_services(inv, obj) else {
        return;
    };
    // Headlessness is a conflict: only a Service applied with the StatefulSet is judged.
    services.retain(|svc| inv.same_unit(obj, svc));
    let cluster_ip = |svc: &Object| match &svc.typed {
        Typed::Service(s) => Some(s.spec.as_ref().and_then(|s| s.cluster_ip.clone())),
        _ => None,
    };
    // A Service defined several times (`duplicate-object`) is fine if one copy is headless.
    if services
        .iter()
        .any(|s| cluster_ip(s) == Some(Some("None".to_string())))
    {
        return;
    }
    for svc in services {
        let Some(cluster_ip) = cluster_ip(svc) else {
            continue;
        };
        let external = matches!(&svc.typed, Typed::Service(s)
            if s.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("ExternalName"));
        let what = match cluster_ip.as_deref() {
            _ if external => "is of type ExternalName (a DNS alias)".to_string(),
            Some(ip) if !ip.is_empty() => format!("has clusterIP: {ip}"),
            _ => "sets no clusterIP, so it gets a virtual IP".to_string(),
        };
        out.push(
            RULE.at(
                svc,
                "spec.clusterIP",
                format!(
                    "{} is the governing Service of {} but {what}: it is not headless, so the StatefulSet's Pods get no per-Pod DNS records ({}-0.{name})",
                    svc.display(),
                    obj.display(),
                    obj.name()
                ),
            )
            .related(
                obj.locate("spec.serviceName"),
                format!("{} names it as its governing Service", obj.display()),
            )
            .help("set `clusterIP: None` (clusterIP is immutable: recreate the Service), and use a second, normal Service for load-balanced access"),
        );
    }
}
