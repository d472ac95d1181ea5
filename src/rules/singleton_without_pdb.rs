//! `singleton-without-pdb`: a workload that declares it runs at most one Pod, and that no
//! PodDisruptionBudget protects.

use std::collections::HashSet;

use super::{Check, Pattern, Rule};
use crate::model::inventory::is_scaled_object;
use crate::model::workload::{
    claim_access_modes, is_replicated, is_runtime_pod_label, pdb_selector, pod_template,
    pvc_volumes, replicas_path,
};
use crate::model::{Inventory, Object, ObjectId, Typed};
use crate::report::{Diagnostic, Severity};

/// A declared singleton (a StatefulSet of one, a `Recreate` Deployment of one, or a workload of
/// one on a ReadWriteOnce claim) that no PDB in its namespace selects.
pub const RULE: Rule = Rule {
    id: "singleton-without-pdb",
    severity: Severity::Info,
    pattern: Pattern::SingletonService,
    summary: "A workload that declares it runs at most one Pod (StatefulSet of 1, Recreate, ReadWriteOnce claim) and that no PodDisruptionBudget selects: a node drain takes its only instance down without warning.",
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
        // A one-replica Deployment that rolls is not a singleton: it runs two Pods during
        // every rollout, so it tolerates more than one. Its fix, if availability matters, is
        // more replicas, which is the owner's call; a blocking PDB would only stall drains.
        let Some(why) = singleton_reason(inv, obj) else {
            continue;
        };
        let count = if r.autoscaled && inv.hpas_for(obj).any(is_scaled_object) {
            "its KEDA ScaledObject allows at most 1 replica"
        } else if r.autoscaled {
            "its HorizontalPodAutoscaler allows at most 1 replica"
        } else if obj.has(replicas_path(obj)) {
            "replicas: 1"
        } else {
            "replicas is unset, which means 1"
        };
        out.push(
            RULE.at(
                obj,
                replicas_path(obj),
                format!(
                    "{} is a singleton ({why}; {count}) and no PodDisruptionBudget in namespace \"{}\" selects it: a voluntary eviction (kubectl drain, node upgrade, cluster autoscaler) takes its only instance down without waiting, until the replacement is scheduled and Ready",
                    obj.display(),
                    obj.namespace.as_deref().unwrap_or_default()
                ),
            )
            .help(format!(
                "if that downtime is acceptable, leave it (and suppress this finding); to make drains wait until you move {} deliberately, add a PodDisruptionBudget with `maxUnavailable: 0` selecting its Pods, knowing that drains and cluster upgrades then stall until someone does",
                obj.display()
            )),
        );
    }
}

/// Why the manifest says that at most one Pod of `obj` may run, or `None` when it does not.
fn singleton_reason(inv: &Inventory, obj: &Object) -> Option<&'static str> {
    match &obj.typed {
        // Ordinal identity: the StatefulSet controller never runs two Pods of one ordinal.
        Typed::StatefulSet(_) => return Some("a StatefulSet"),
        Typed::Workload(w) if w.shape.ordinal => return Some("an Advanced StatefulSet"),
        Typed::Workload(w)
            if w.shape.group == "apps.openshift.io"
                && obj.scalar_text("spec.strategy.type") == Some("Recreate") =>
        {
            return Some("strategy: Recreate stops the old Pod before starting a new one");
        }
        // A Deployment a Rollout runs (`workloadRef`) rolls out by the Rollout's strategy.
        Typed::Deployment(_) if inv.referenced_by(obj).next().is_some() => {}
        Typed::Deployment(d) => {
            let strategy = d.spec.as_ref().and_then(|s| s.strategy.as_ref());
            if strategy.and_then(|s| s.type_.as_deref()) == Some("Recreate") {
                return Some("strategy: Recreate stops the old Pod before starting a new one");
            }
        }
        _ => {}
    }
    let ns = obj.namespace.as_deref()?;
    let t = pod_template(obj)?;
    let exclusive = pvc_volumes(obj, &t).iter().any(|v| {
        !v.read_only
            && claim_access_modes(inv, obj, ns, v.claim).is_some_and(|(_, modes)| {
                !modes.is_empty()
                    && modes
                        .iter()
                        .all(|m| matches!(*m, "ReadWriteOnce" | "ReadWriteOncePod"))
            })
    });
    exclusive.then_some("it writes a ReadWriteOnce claim, which one node at a time can attach")
}
