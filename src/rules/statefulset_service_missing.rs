//! `statefulset-service-missing`: the governing Service a StatefulSet names is not defined.

use super::{Check, Pattern, Rule};
use crate::model::workload::governing_services;
use crate::model::{Inventory, Object};
use crate::report::{Diagnostic, Severity};

/// A StatefulSet whose `serviceName` names a Service no input defines in its namespace.
pub const RULE: Rule = Rule {
    id: "statefulset-service-missing",
    severity: Severity::Warning,
    pattern: Pattern::StatefulService,
    summary: "A StatefulSet's serviceName names a Service that the linted inputs do not define: its Pods get no stable DNS names.",
    doc: include_str!("../../rules/statefulset-service-missing.md"),
    check: Check::Object(check),
};

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some((name, services)) = governing_services(inv, obj) else {
        return;
    };
    if !services.is_empty() {
        return;
    }
    // Per-Pod DNS names are how replicas find each other; a set of one is reached through a
    // Service, and many (CSI controllers) set serviceName only because it used to be required.
    if inv.replicas(obj).is_none_or(|r| r.max <= 1) {
        return;
    }
    out.push(
        RULE.at(
            obj,
            "spec.serviceName",
            format!(
                "{} names the governing Service \"{name}\", but the linted inputs define no Service \"{name}\" in namespace \"{}\": without it the Pods get no stable DNS names ({}-0.{name})",
                obj.display(),
                obj.namespace.as_deref().unwrap_or_default(),
                obj.name()
            ),
        )
        .help(format!(
            "define a headless Service \"{name}\" (`clusterIP: None`) selecting the StatefulSet's Pods, or lint the file that defines it together with this one"
        )),
    );
}
