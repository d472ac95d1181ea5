//! `singleton-without-pdb`: a one-replica workload that no PodDisruptionBudget protects.

use std::collections::HashSet;

use super::{Check, Pattern, Rule};
use crate::model::workload::{is_replicated, is_runtime_pod_label, pdb_selector};
use crate::model::{Inventory, ObjectId};
use crate::report::{Diagnostic, Severity};

/// A workload with effective replicas 1 that no PDB in its namespace selects.
pub const RULE: Rule = Rule {
    id: "singleton-without-pdb",
    severity: Severity::Warning,
    pattern: Pattern::SingletonService,
    summary: "A workload that runs a single Pod and that no PodDisruptionBudget selects: a node drain evicts its only instance.",
    doc: include_str!("../../rules/singleton-without-pdb.md"),
    check: Check::Inventory(check),
};

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    // One pass over the PDBs marks what they cover: no PDB scan per workload.
    let mut covered: HashSet<ObjectId> = HashSet::new();
    for pdb in inv.all_of_kind("PodDisruptionBudget") {
        let (Some(ns), Some(Ok(sel))) = (pdb.namespace.as_deref(), pdb_selector(pdb)) else {
            continue;
        };
        // A PDB on labels added at run time (e.g. statefulset.kubernetes.io/pod-name) may
        // cover the Pods: counting it as covering keeps this rule quiet rather than wrong.
        let sel = sel.without_keys(is_runtime_pod_label);
        covered.extend(
            inv.resolve(pdb, inv.templates_matching(ns, &sel))
                .iter()
                .map(|o| o.id),
        );
    }
    for obj in &inv.objects {
        if !is_replicated(obj) || covered.contains(&obj.id) {
            continue;
        }
        let Some(r) = inv.replicas(obj) else { continue };
        if r.max != 1 {
            continue;
        }
        let why = if r.autoscaled {
            "its HorizontalPodAutoscaler allows at most 1 replica"
        } else if obj.has("spec.replicas") {
            "replicas: 1"
        } else {
            "replicas is unset, which means 1"
        };
        out.push(
            RULE.at(
                obj,
                "spec.replicas",
                format!(
                    "{} runs a single Pod ({why}) and no PodDisruptionBudget in namespace \"{}\" selects it: a voluntary eviction (kubectl drain, node upgrade, cluster autoscaler) takes the only instance down without waiting",
                    obj.display(),
                    obj.namespace.as_deref().unwrap_or_default()
                ),
            )
            .help(format!(
                "add a PodDisruptionBudget with `maxUnavailable: 0` (or `minAvailable: 1`) whose selector matches the Pods of {}: drains then wait until you move the singleton deliberately (Singleton Service pattern)",
                obj.display()
            )),
        );
    }
}
