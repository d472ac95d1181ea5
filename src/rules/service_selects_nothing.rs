//! `service-selects-nothing`: a Service whose selector matches no Pods of the inputs.

use std::collections::HashMap;

use super::{Check, Pattern, Rule};
use crate::model::selector::Labels;
use crate::model::workload::{runtime_label_kinds, service_pod_selector, written_template_labels};
use crate::model::{Inventory, Selector, Typed};
use crate::report::{Diagnostic, Severity};

/// A Service whose selector matches no pod template or Pod in its namespace.
pub const RULE: Rule = Rule {
    id: "service-selects-nothing",
    severity: Severity::Warning,
    pattern: Pattern::ServiceDiscovery,
    summary: "A Service whose selector matches no pod template or Pod in its namespace: it has no endpoints.",
    doc: include_str!("../../rules/service-selects-nothing.md"),
    check: Check::Inventory(check),
};

/// The kinds that carry a pod template (a Pod is its own).
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    let operated = inv.custom_resources();
    // A workload that failed to decode (reported as invalid-object) is not in the label index;
    // its labels as written still say whether the Service would select its Pods.
    let mut unreadable: HashMap<&str, Vec<Labels>> = HashMap::new();
    for o in &inv.objects {
        if matches!(o.typed, Typed::Invalid) && WORKLOAD_KINDS.contains(&o.kind.as_str()) {
            if let Some(ns) = o.namespace.as_deref() {
                unreadable
                    .entry(ns)
                    .or_default()
                    .push(written_template_labels(o));
            }
        }
    }
    for svc in inv.all_of_kind("Service") {
        let Some(selector) = service_pod_selector(svc) else {
            continue;
        };
        // A label that controllers add at run time (statefulset.kubernetes.io/pod-name…) is on
        // no template; whether it matches is only known in the cluster.
        if selector.keys().any(|k| runtime_label_kinds(k).is_some()) {
            continue;
        }
        let ns = svc.namespace.as_deref().unwrap_or_default();
        let mut written = unreadable.get(ns).into_iter().flatten();
        if written.any(|labels| selector.iter().all(|(k, v)| labels.get(k) == Some(v))) {
            continue;
        }
        // Operators create Pods from custom resources at run time (a Prometheus `k8s` becomes
        // Pods labelled `app.kubernetes.io/instance: k8s`): no template in the inputs shows them.
        if selector.values().any(|v| operated.may_create(ns, v))
            || selector.keys().any(|k| operated.owns_label_key(k))
        {
            continue;
        }
        if inv
            .templates_matching(ns, &Selector::from_map(Some(selector)))
            .next()
            .is_some()
        {
            continue;
        }
        let wanted: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push(
            RULE.report(
                svc,
                svc.locate_key("spec.selector"),
                format!(
                    "{} selects Pods labelled {}, but no pod template or Pod in namespace \"{ns}\" among the linted inputs carries these labels: the Service gets no endpoints and connections to it fail",
                    svc.display(),
                    wanted.join(", ")
                ),
            )
            .path("spec.selector")
            .help("make the selector match the labels of the pod template that serves this Service (check for typos in keys and values); if those Pods are deployed from other files, lint them together"),
        );
    }
}
