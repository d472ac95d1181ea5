//! `pdb-selects-nothing`: a PodDisruptionBudget that protects no Pod of the inputs.

use std::collections::HashSet;

use super::{Check, Pattern, Rule};
use crate::model::kinds::group_of;
use crate::model::shape::may_run_unseen_pods;
use crate::model::workload::{is_runtime_pod_label, pdb_selector, unreadable_template_labels};
use crate::model::{Inventory, Selector};
use crate::report::{Diagnostic, Severity};

/// A PDB whose selector matches no pod template or bare Pod in its namespace.
pub const RULE: Rule = Rule {
    id: "pdb-selects-nothing",
    severity: Severity::Warning,
    pattern: Pattern::SingletonService,
    summary: "A PodDisruptionBudget whose selector matches no Pod template or Pod in its namespace: it protects nothing.",
    doc: include_str!("../../rules/pdb-selects-nothing.md"),
    check: Check::Inventory(check),
};

/// True for an apiVersion of a custom resource (not a Kubernetes built-in group).
fn is_custom_group(api_version: &str) -> bool {
    let group = group_of(api_version);
    group.contains('.') && !group.ends_with(".k8s.io")
}

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    // Operators create Pods from custom resources at run time (kube-prometheus' Prometheus and
    // Alertmanager): in a namespace holding custom resources, no match in the inputs proves nothing.
    let operated: HashSet<&str> = inv
        .objects
        .iter()
        .filter(|o| may_run_unseen_pods(o) && is_custom_group(&o.api_version))
        .filter_map(|o| o.namespace.as_deref())
        .collect();
    // A workload that failed to decode is still the one a PDB may be meant for.
    let unreadable = unreadable_template_labels(inv);
    for pdb in inv.all_of_kind("PodDisruptionBudget") {
        let (Some(ns), Some(Ok(sel))) = (pdb.namespace.as_deref(), pdb_selector(pdb)) else {
            continue;
        };
        let msg = match sel {
            Selector::Nothing if pdb.api_version == "policy/v1beta1" && pdb.has("spec.selector") => format!(
                "{} has an empty selector, which in policy/v1beta1 selects no Pods: it protects nothing",
                pdb.display()
            ),
            Selector::Nothing => format!(
                "{} has no selector, so it selects no Pods and protects nothing",
                pdb.display()
            ),
            sel => {
                if operated.contains(ns) {
                    continue;
                }
                // Labels added at run time are not in templates: judge the rest of the selector.
                let relaxed = sel.without_keys(is_runtime_pod_label);
                if inv.templates_matching(ns, &relaxed).next().is_some()
                    || unreadable
                        .get(ns)
                        .is_some_and(|all| all.iter().any(|labels| relaxed.matches(labels)))
                {
                    continue;
                }
                format!(
                    "{}'s selector matches no Pod template or Pod of namespace \"{ns}\" in the linted inputs: unless something else creates such Pods, it protects nothing and the workload it was meant for can be evicted freely",
                    pdb.display()
                )
            }
        };
        out.push(
            RULE.report(pdb, pdb.locate_key("spec.selector"), msg)
                .path("spec.selector")
                .help(
                "make spec.selector match the Pod template labels of the workload to protect (same namespace)",
            ),
        );
    }
}
