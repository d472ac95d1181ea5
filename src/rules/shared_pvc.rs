//! `shared-pvc`: several Pods of one workload mount the same PersistentVolumeClaim.

use super::{Check, Pattern, Rule};
use crate::model::workload::{claim_access_modes, pod_template, pvc_volumes};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A workload that can run several Pods at once, all mounting one PVC volume.
pub const RULE: Rule = Rule {
    id: "shared-pvc",
    severity: Severity::Warning,
    pattern: Pattern::StatelessService,
    summary: "A workload that runs several Pods at once mounts one PersistentVolumeClaim in all of them: unless the volume is ReadWriteMany/ReadOnlyMany, Pods on other nodes can't start.",
    doc: include_str!("../../rules/shared-pvc.md"),
    check: Check::Object(check),
};

/// How many Pods at once, as words for the message; `None` when only one can run.
fn concurrency(inv: &Inventory, obj: &Object) -> Option<String> {
    match &obj.typed {
        Typed::DaemonSet(_) => Some("one Pod on every node it targets".into()),
        Typed::Job(j) => {
            let p = j.spec.as_ref()?.parallelism?;
            (p > 1).then(|| format!("up to {p} Pods at once (parallelism: {p})"))
        }
        Typed::CronJob(c) => {
            let p = c.spec.as_ref()?.job_template.spec.as_ref()?.parallelism?;
            (p > 1).then(|| format!("up to {p} Pods at once per run (parallelism: {p})"))
        }
        _ => {
            let r = inv.replicas(obj)?;
            if r.max <= 1 {
                return None;
            }
            Some(if r.autoscaled {
                format!(
                    "up to {} Pods (its HorizontalPodAutoscaler's maxReplicas)",
                    r.max
                )
            } else {
                format!("{} Pods (replicas: {})", r.max, r.max)
            })
        }
    }
}

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(ns) = obj.namespace.as_deref() else {
        return;
    };
    if matches!(obj.typed, Typed::Pod(_)) {
        return;
    }
    let Some(t) = pod_template(obj) else { return };
    let volumes = pvc_volumes(obj, &t);
    if volumes.is_empty() {
        return;
    }
    let Some(how_many) = concurrency(inv, obj) else {
        return;
    };
    for v in volumes {
        let (i, claim, read_only) = (v.index, v.claim, v.read_only);
        let pvc = claim_access_modes(inv, obj, ns, claim);
        let modes = pvc.as_ref().map(|(_, m)| m.as_slice()).unwrap_or_default();
        if modes
            .iter()
            .any(|m| matches!(*m, "ReadWriteMany" | "ReadOnlyMany"))
        {
            continue;
        }
        let what = if modes.contains(&"ReadWriteOncePod") {
            "its access mode ReadWriteOncePod lets a single Pod use it: every other Pod stays Pending".to_string()
        } else if modes.contains(&"ReadWriteOnce") {
            "its access mode ReadWriteOnce lets a single node mount it: Pods scheduled on another node can't start (a Multi-Attach error for attachable volumes)".to_string()
        } else if pvc.is_some() {
            "it sets no ReadWriteMany or ReadOnlyMany access mode: Pods on other nodes can't attach it".to_string()
        } else if inv
            .named(ns, "PersistentVolumeClaim", claim)
            .next()
            .is_some()
        {
            "its access modes can't be read (see invalid-object); unless it is ReadWriteMany or ReadOnlyMany, it attaches to one node only and Pods scheduled elsewhere can't start".to_string()
        } else {
            "the claim is not in the linted inputs; unless it is ReadWriteMany or ReadOnlyMany, it attaches to one node only and Pods scheduled elsewhere can't start".to_string()
        };
        let ro = if read_only {
            " (readOnly: true does not change this: attaching to several nodes needs a ReadOnlyMany or ReadWriteMany volume)"
        } else {
            ""
        };
        let help = match &obj.typed {
            Typed::StatefulSet(_) => "give each replica its own volume with spec.volumeClaimTemplates instead of a shared claim",
            _ => "use a ReadWriteMany (or ReadOnlyMany) volume, or give each Pod its own storage (a StatefulSet with volumeClaimTemplates)",
        };
        let path = format!(
            "{}.volumes[{i}].persistentVolumeClaim.claimName",
            t.spec_path
        );
        let mut d = RULE
            .at(
                obj,
                &path,
                format!(
                    "{} runs {how_many}, and all of them mount PersistentVolumeClaim \"{claim}\": {what}{ro}",
                    obj.display()
                ),
            )
            .help(help);
        if let Some((pvc, _)) = pvc {
            d = d.related(
                pvc.locate("spec.accessModes"),
                format!("the access modes of {}", pvc.display()),
            );
        }
        out.push(d);
    }
}
