//! `rwo-pvc-rolling-update`: a rolling update starts the new Pod while the old one still holds
//! a ReadWriteOnce volume.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Check, Pattern, Rule};
use crate::model::workload::{claim_access_modes, pod_template, pvc_volumes};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A RollingUpdate Deployment mounting a ReadWriteOnce/ReadWriteOncePod claim.
pub const RULE: Rule = Rule {
    id: "rwo-pvc-rolling-update",
    severity: Severity::Warning,
    pattern: Pattern::StatelessService,
    summary: "A Deployment with the RollingUpdate strategy mounts a ReadWriteOnce claim: the new Pod can't attach it while the old Pod runs.",
    doc: include_str!("../../rules/rwo-pvc-rolling-update.md"),
    check: Check::Object(check),
};

fn is_zero(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i == 0,
        IntOrString::String(s) => s.trim_end_matches('%').trim().parse::<i64>() == Ok(0),
    }
}

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::Deployment(d) = &obj.typed else {
        return;
    };
    let Some(ns) = obj.namespace.as_deref() else {
        return;
    };
    let strategy = d.spec.as_ref().and_then(|s| s.strategy.as_ref());
    if strategy
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
        != "RollingUpdate"
    {
        return;
    }
    // With maxSurge 0 the old Pod is stopped before its replacement is created.
    let surge = strategy
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.max_surge.as_ref());
    if surge.is_some_and(is_zero) {
        return;
    }
    if inv.replicas(obj).is_some_and(|r| r.max == 0) {
        return;
    }
    let Some(t) = pod_template(obj) else { return };
    for v in pvc_volumes(obj, &t) {
        let (i, claim) = (v.index, v.claim);
        let Some((pvc, modes)) = claim_access_modes(inv, obj, ns, claim) else {
            continue;
        };
        if modes
            .iter()
            .any(|m| matches!(*m, "ReadWriteMany" | "ReadOnlyMany"))
        {
            continue;
        }
        let what = if modes.contains(&"ReadWriteOncePod") {
            "ReadWriteOncePod: a new Pod can't use it while an old Pod does, and the rollout waits for the new Pod to become Ready before it stops the old ones, so it hangs"
        } else if modes.contains(&"ReadWriteOnce") {
            "ReadWriteOnce: a new Pod scheduled on another node can't attach it while an old Pod uses it, and the rollout waits for the new Pod to become Ready before it stops the old ones, so it hangs"
        } else {
            continue;
        };
        let path = format!(
            "{}.volumes[{i}].persistentVolumeClaim.claimName",
            t.spec_path
        );
        let strategy_note = if obj.has("spec.strategy") {
            "uses the RollingUpdate strategy"
        } else {
            "uses the default RollingUpdate strategy"
        };
        out.push(
            RULE.at(
                obj,
                &path,
                format!(
                    "{} {strategy_note} and mounts {} which is {what}",
                    obj.display(),
                    pvc.display()
                ),
            )
            .related(
                pvc.locate("spec.accessModes"),
                format!("the access modes of {}", pvc.display()),
            )
            .help("set `strategy: {type: Recreate}` so the old Pod releases the volume before the new one starts"),
        );
    }
}
