//! `pdb-blocks-eviction`: a PodDisruptionBudget that never allows an eviction of a replicated
//! workload, so node drains hang.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Check, Pattern, Rule};
use crate::model::workload::{is_replicated, is_runtime_pod_label, pdb_selector};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A PDB allowing no disruption for a workload with more than one replica.
pub const RULE: Rule = Rule {
    id: "pdb-blocks-eviction",
    severity: Severity::Warning,
    pattern: Pattern::SingletonService,
    summary: "A PodDisruptionBudget that allows no eviction of a workload with more than one replica: node drains hang.",
    doc: include_str!("../../rules/pdb-blocks-eviction.md"),
    check: Check::Object(check),
};

/// An int-or-percent scaled to `total` the way the disruption controller does (rounding up).
/// `None` for a string that is not a percentage (the API server rejects it).
fn scaled(v: &IntOrString, total: i64) -> Option<i64> {
    match v {
        IntOrString::Int(i) => Some(i64::from(*i)),
        IntOrString::String(s) => {
            let p: i64 = s.strip_suffix('%')?.trim().parse().ok()?;
            Some(p.saturating_mul(total).saturating_add(99).div_euclid(100))
        }
    }
}

fn show(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

fn check(inv: &Inventory, pdb: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::PodDisruptionBudget(p) = &pdb.typed else {
        return;
    };
    let Some(spec) = p.spec.as_ref() else { return };
    let (Some(ns), Some(Ok(sel))) = (pdb.namespace.as_deref(), pdb_selector(pdb)) else {
        return;
    };
    // Run-time labels make template matching uncertain: only judge what is certain.
    if sel.mentions(is_runtime_pod_label) {
        return;
    }
    let mut workloads: Vec<(&Object, i32, i32)> = Vec::new();
    for w in inv.resolve(pdb, inv.templates_matching(ns, &sel)) {
        if !is_replicated(w) || !inv.is_first_definition(w) {
            continue;
        }
        if let Some(r) = inv.replicas(w) {
            workloads.push((w, r.min, r.max));
        }
    }
    let min: i64 = workloads.iter().map(|w| i64::from(w.1)).sum();
    // One Pod that must not be evicted is the Singleton Service pattern, not a mistake.
    let Some(&(first, _, _)) = workloads.first() else {
        return;
    };
    if workloads.iter().all(|w| w.2 <= 1) {
        return;
    }
    // The smallest count above 1 the workloads can run at: where a budget is tightest.
    let n = min.max(2);
    let (field, why) = if let Some(mu) = &spec.max_unavailable {
        if scaled(mu, n) != Some(0) {
            return;
        }
        (
            "spec.maxUnavailable",
            format!("maxUnavailable: {}", show(mu)),
        )
    } else if let Some(ma) = &spec.min_available {
        match scaled(ma, n) {
            Some(k) if k >= n => {}
            _ => return,
        }
        let of = match ma {
            IntOrString::String(_) => format!(" of {n} Pods rounds up to all of them"),
            IntOrString::Int(_) => format!(" with {n} Pods running"),
        };
        (
            "spec.minAvailable",
            format!("minAvailable: {}{of}", show(ma)),
        )
    } else {
        return;
    };
    let names: Vec<String> = workloads
        .iter()
        .take(3)
        .map(|(w, lo, hi)| {
            if lo == hi {
                format!("{} ({lo} replicas)", w.display())
            } else {
                format!("{} ({lo} to {hi} replicas)", w.display())
            }
        })
        .collect();
    let more = match workloads.len() {
        0..=3 => String::new(),
        k => format!(" and {} more", k - 3),
    };
    out.push(
        RULE.at(
            pdb,
            field,
            format!(
                "{} allows no voluntary disruption ({why}) for {}{more}: every eviction is refused, so `kubectl drain` and node upgrades hang on the nodes running these Pods",
                pdb.display(),
                names.join(", ")
            ),
        )
        .related(
            first.locate("spec.replicas"),
            format!("the replicas of {}", first.display()),
        )
        .help("allow at least one Pod to go: `maxUnavailable: 1` (or a minAvailable below the replica count); `maxUnavailable: 0` suits only a singleton"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&IntOrString::String("0%".into()), 5), Some(0));
        assert_eq!(scaled(&IntOrString::String("10%".into()), 2), Some(1));
        assert_eq!(scaled(&IntOrString::String("90%".into()), 2), Some(2));
        assert_eq!(scaled(&IntOrString::String("50%".into()), 3), Some(2));
        assert_eq!(scaled(&IntOrString::String("100%".into()), 7), Some(7));
        assert_eq!(scaled(&IntOrString::String("x".into()), 7), None);
        assert_eq!(scaled(&IntOrString::Int(0), 7), Some(0));
    }
}
