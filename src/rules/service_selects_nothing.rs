//! `service-selects-nothing`: a Service whose selector matches no Pods of the inputs.

use super::{Check, Pattern, Rule};
use crate::model::selector::Labels;
use crate::model::workload::{
    runtime_label_kinds, service_pod_selector, template_labels, unreadable_template_labels,
};
use crate::model::{Inventory, Object, Selector};
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

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    let operated = inv.custom_resources();
    // A workload that failed to decode (reported as invalid-object) is not in the label index;
    // its labels as written still say whether the Service would select its Pods.
    let unreadable = unreadable_template_labels(inv);
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
        let base = format!(
            "{} selects Pods labelled {}, but no pod template or Pod in namespace \"{ns}\" among the linted inputs carries all these labels",
            svc.display(),
            wanted.join(", ")
        );
        let d = match near_match(inv, ns, selector) {
            // The template lacks one key altogether: a label added at run time (an operator, a
            // mutating webhook, `kubectl label`) is the likely story, not a typo.
            Some((obj, key, None)) => RULE
                .report(
                    svc,
                    svc.locate_key("spec.selector"),
                    format!(
                        "{base}; the Pods of {} carry every one of them but `{key}`, which is probably added at run time (by an operator, a mutating webhook or `kubectl label`): if it is, the Service finds them then",
                        obj.display()
                    ),
                )
                .severity(Severity::Info)
                .related(
                    obj.locate_key(template_labels_path(obj)),
                    format!("the labels of {}, all but `{key}`", obj.display()),
                )
                .help(format!(
                    "if nothing adds `{key}` to those Pods, add it to the pod template's labels or drop it from the selector"
                )),
            // The template writes the key with another value: a typo.
            Some((obj, key, Some(value))) => RULE
                .report(
                    svc,
                    svc.locate_key("spec.selector"),
                    format!(
                        "{base}: the Pods of {} match every label but `{key}`, which they set to \"{value}\", so the Service gets no endpoints and connections to it fail",
                        obj.display()
                    ),
                )
                .related(
                    obj.locate_key(template_labels_path(obj)),
                    format!("the labels of {}", obj.display()),
                )
                .help(format!(
                    "make `{key}` the same in the selector and the pod template (\"{value}\" or \"{}\")",
                    selector.get(key).map(|v| -> &str { v }).unwrap_or_default()
                )),
            None => RULE
                .report(
                    svc,
                    svc.locate_key("spec.selector"),
                    format!("{base}: the Service gets no endpoints and connections to it fail"),
                )
                .help("make the selector match the labels of the pod template that serves this Service (check for typos in keys and values); if those Pods are deployed from other files, lint them together"),
        };
        out.push(d.path("spec.selector"));
    }
}

/// A template in `ns` that matches every label of a selector of two or more but one: the
/// workload, the key it misses, and the value it writes for that key when it writes one.
fn near_match<'a>(
    inv: &'a Inventory,
    ns: &str,
    selector: &'a Labels,
) -> Option<(&'a Object, &'a str, Option<&'a str>)> {
    if selector.len() < 2 {
        return None;
    }
    selector.keys().find_map(|key| {
        let rest = Selector::from_map(Some(selector)).without_keys(|k| k == key);
        let obj = inv.templates_matching(ns, &rest).next()?;
        let value = template_labels(obj).get(key).map(|v| -> &str { v });
        Some((obj, key, value))
    })
}

/// Where a workload writes its Pods' labels.
fn template_labels_path(obj: &Object) -> &'static str {
    match obj.kind.as_str() {
        "Pod" => "metadata.labels",
        "CronJob" => "spec.jobTemplate.spec.template.metadata.labels",
        _ => "spec.template.metadata.labels",
    }
}
