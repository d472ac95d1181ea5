//! `controllers-overlap`: two controllers whose selectors claim each other's Pods.

use super::{Check, Pattern, Rule};
use crate::model::selector::Selector;
use crate::model::workload::{
    accepted_controller_selector, is_replicated, pod_template, template_labels,
};
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// Two controllers in one namespace where one's selector matches the other's template labels.
pub const RULE: Rule = Rule {
    id: "controllers-overlap",
    severity: Severity::Warning,
    pattern: Pattern::StatelessService,
    summary: "Two controllers in one namespace where one's selector matches the other's Pod template: they compete for the same Pods.",
    doc: include_str!("../../rules/controllers-overlap.md"),
    check: Check::Object(check),
};

/// How many other controllers one finding names in its message.
const NAMED: usize = 3;

fn same_identity(a: &Object, b: &Object) -> bool {
    a.kind == b.kind && a.group() == b.group() && a.name.is_some() && a.name == b.name
}

fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(ns) = obj.namespace.as_deref() else {
        return;
    };
    let Some((selector, path)) = accepted_controller_selector(obj) else {
        return;
    };
    // A redefinition of the same object is `duplicate-object`'s finding; compare first copies.
    if !inv.is_first_definition(obj) {
        return;
    }
    let own = template_labels(obj);
    let mut others: Vec<&Object> = Vec::new();
    for other in inv.templates_matching(ns, &selector) {
        if other.id == obj.id
            || same_identity(obj, other)
            || !inv.is_first_definition(other)
            || !inv.same_unit(obj, other)
        {
            continue;
        }
        let Some((other_selector, _)) = accepted_controller_selector(other) else {
            continue;
        };
        // Each pair once: when both selectors match, the earlier object reports it.
        if other.id < obj.id && other_selector.matches(own) {
            continue;
        }
        others.push(other);
    }
    let Some(first) = others.first() else { return };
    let mut names: Vec<String> = others
        .iter()
        .take(NAMED)
        .map(|o| o.display().to_string())
        .collect();
    if others.len() > NAMED {
        names.push(format!("{} more", others.len() - NAMED));
    }
    let mut msg = format!(
        "{}'s selector matches the Pod template of {}, so these controllers compete for the same Pods",
        obj.display(),
        join(&names)
    );
    msg.push_str(&consequence(obj, &selector, first, &others));
    // Controllers only in sibling files of a plain folder may be alternatives applied one at a
    // time (`tgi-gemma.yaml` or `vllm-gemma.yaml`), as for duplicate-object: worth reading.
    let alternatives = others.iter().all(|o| inv.in_sibling_files(obj, o));
    if alternatives {
        msg.push_str(
            "; the files are in one folder, and if they are alternatives applied one at a time, nothing competes",
        );
    }
    let mut d = RULE.report(obj, obj.locate_key(path), msg).path(path).help(format!(
        "give each controller a label the others do not select (e.g. add a distinct label to the Pod template and selector of {}); if the files are alternatives, declare them as separate `units:` in .kplint.yaml",
        obj.display()
    ));
    if alternatives {
        d = d.severity(Severity::Info);
    }
    for other in &others {
        if let Some(t) = pod_template(other) {
            d = d.related(
                other.locate(&format!("{}.labels", t.metadata_path)),
                format!(
                    "the Pod template labels of {}, which {}'s selector matches",
                    other.display(),
                    obj.display()
                ),
            );
        }
    }
    out.push(d);
}

fn join(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What goes wrong at run time, told for one pair: an adopted ReplicaSet if there is one.
fn consequence(obj: &Object, selector: &Selector, first: &Object, others: &[&Object]) -> String {
    // A Deployment claims standalone ReplicaSets whose own labels its selector matches.
    if matches!(obj.typed, Typed::Deployment(_)) {
        let adopted = others.iter().find(|o| match &o.typed {
            Typed::ReplicaSet(rs) => {
                selector.matches(&rs.metadata.labels.clone().unwrap_or_default())
            }
            _ => false,
        });
        if let Some(rs) = adopted {
            return format!(
                ": {} adopts {} (its labels match the selector) as one of its revisions and scales it as its rollout decides, down to 0 when its template differs",
                obj.display(),
                rs.display()
            );
        }
    }
    let mut s = ": Pods that one of them leaves orphaned (deleted with --cascade=orphan, or recreated) are adopted by whichever controller claims them first".to_string();
    if is_replicated(obj) {
        s.push_str(&format!(
            ", and an HPA scaling {} (it measures the Pods its selector matches) also counts the Pods of {}",
            obj.display(),
            first.display()
        ));
    }
    s
}
