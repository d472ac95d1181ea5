//! `statefulset-service-selector`: the governing headless Service does not select the
//! StatefulSet's Pods.

use super::{Check, Pattern, Rule};
use crate::model::selector::Labels;
use crate::model::workload::{governing_services, pod_template};
use crate::model::{Inventory, Object, Selector, Typed};
use crate::report::{Diagnostic, Severity};

/// The governing headless Service's selector does not match the StatefulSet's Pod labels.
pub const RULE: Rule = Rule {
    id: "statefulset-service-selector",
    severity: Severity::Warning,
    pattern: Pattern::StatefulService,
    summary: "The headless Service governing a StatefulSet does not select its Pods: they get no per-Pod DNS records.",
    doc: include_str!("../../rules/statefulset-service-selector.md"),
    check: Check::Object(check),
};

/// The labels a Pod of the StatefulSet carries at run time, as far as `wanted` asks about them:
/// the template labels plus those the StatefulSet controller adds, when the asked value is one
/// a Pod of this set can have.
fn pod_labels(set: &Object, template: Option<&Labels>, wanted: &Labels) -> Labels {
    let mut labels = template.cloned().unwrap_or_default();
    let is_ordinal = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    for (k, v) in wanted {
        let possible = match k {
            "statefulset.kubernetes.io/pod-name" => v
                .strip_prefix(set.name())
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(is_ordinal),
            "apps.kubernetes.io/pod-index" => is_ordinal(v),
            "controller-revision-hash" => true,
            _ => false,
        };
        if possible {
            labels.insert(k.to_string(), v.to_string());
        }
    }
    labels
}

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some((_, services)) = governing_services(inv, obj) else {
        return;
    };
    // Objects defined several times (`duplicate-object`): judge once, and stay quiet when any
    // copy of the StatefulSet matches any copy of the Service.
    if !inv.is_first_definition(obj) {
        return;
    }
    let Some(t) = pod_template(obj) else { return };
    let copies: Vec<&Object> = match obj.name.as_deref() {
        Some(name) => inv
            .named(
                obj.namespace.as_deref().unwrap_or_default(),
                &obj.kind,
                name,
            )
            .filter(|o| o.group() == obj.group())
            .collect(),
        None => vec![obj],
    };
    let mut findings = Vec::new();
    for svc in services {
        let Typed::Service(s) = &svc.typed else {
            continue;
        };
        let Some(spec) = s.spec.as_ref() else {
            continue;
        };
        // A non-headless Service is statefulset-service-not-headless's finding.
        if spec.cluster_ip.as_deref() != Some("None") {
            continue;
        }
        // No selector: endpoints are managed by hand, a deliberate choice.
        let Some(wanted) = spec.selector.as_ref().filter(|m| !m.is_empty()) else {
            continue;
        };
        let selector = Selector::from_map(Some(wanted));
        let matches_a_copy = copies.iter().any(|c| {
            let labels = pod_template(c).and_then(|t| t.labels);
            selector.matches(&pod_labels(c, labels, wanted))
        });
        if matches_a_copy {
            return;
        }
        if !inv.is_first_definition(svc) {
            continue;
        }
        let missing: Vec<String> = wanted
            .iter()
            .filter(|(k, v)| t.labels.and_then(|l| l.get(k)) != Some(*v))
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        findings.push(
            RULE.report(
                svc,
                svc.locate_key("spec.selector"),
                format!(
                    "{} governs {} but its selector does not match the StatefulSet's Pod labels (they lack {}): the Pods get no per-Pod DNS records",
                    svc.display(),
                    obj.display(),
                    missing.join(", ")
                ),
            )
            .path("spec.selector")
            .related(
                obj.locate(&format!("{}.labels", t.metadata_path)),
                format!("the Pod template labels of {}", obj.display()),
            )
            .help("make the Service's selector match the labels of the StatefulSet's Pod template"),
        );
    }
    out.extend(findings);
}
