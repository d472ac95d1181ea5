//! `service-without-endpoints`: a Service without selector whose endpoints no input defines.

use std::collections::HashSet;

use super::{Check, Pattern, Rule};
use crate::model::{Inventory, Typed};
use crate::report::{Diagnostic, Severity};

/// A selector-less, non-ExternalName Service with no Endpoints or EndpointSlice in the inputs.
pub const RULE: Rule = Rule {
    id: "service-without-endpoints",
    severity: Severity::Info,
    pattern: Pattern::ServiceDiscovery,
    summary: "A Service without selector (not ExternalName) for which no Endpoints or EndpointSlice is defined: it has no backends.",
    doc: include_str!("../../rules/service-without-endpoints.md"),
    check: Check::Inventory(check),
};

/// The label that ties an EndpointSlice to its Service.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    let sliced: HashSet<(&str, &str)> = inv
        .all_of_kind("EndpointSlice")
        .filter_map(|o| {
            let Typed::EndpointSlice(s) = &o.typed else {
                return None;
            };
            let service = s.metadata.labels.as_ref()?.get(SERVICE_NAME_LABEL)?;
            Some((o.namespace.as_deref().unwrap_or_default(), service))
        })
        .collect();
    let operated = inv.custom_resources();
    // An EndpointSlice that failed to decode (reported as invalid-object) may be the one.
    let unreadable: HashSet<&str> = inv
        .all_of_kind("EndpointSlice")
        .filter(|o| matches!(o.typed, Typed::Invalid))
        .filter_map(|o| o.namespace.as_deref())
        .collect();
    for svc in inv.all_of_kind("Service") {
        let Typed::Service(s) = &svc.typed else {
            continue;
        };
        let Some(name) = svc.name.as_deref() else {
            continue;
        };
        let spec = s.spec.as_ref();
        if spec.and_then(|s| s.type_.as_deref()) == Some("ExternalName") {
            continue;
        }
        if spec
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|m| !m.is_empty())
        {
            continue;
        }
        let ns = svc.namespace.as_deref().unwrap_or_default();
        // Operators fill in the endpoints of the selector-less Services they make for their
        // custom resources.
        if operated.may_create(ns, name)
            || unreadable.contains(ns)
            || sliced.contains(&(ns, name))
            || inv.named(ns, "Endpoints", name).next().is_some()
        {
            continue;
        }
        out.push(
            RULE.report(
                svc,
                svc.locate_key("spec.selector"),
                format!(
                    "{} has no selector, and no Endpoints or EndpointSlice for it is among the linted inputs: Kubernetes does not fill in its endpoints, so until something else creates them, connections to it fail",
                    svc.display()
                ),
            )
            .path("spec.selector")
            .help(format!(
                "add a selector for the Pods that serve it, or define an EndpointSlice labelled `{SERVICE_NAME_LABEL}: {name}` with the backend addresses (or use type: ExternalName for an external host name)"
            )),
        );
    }
}
