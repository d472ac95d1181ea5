//! `selector-mismatch`: a controller whose selector does not select its own Pod template, is
//! missing, or is invalid. The API server rejects all three.

use super::{Check, Pattern, Rule};
use crate::model::selector::{InvalidSelector, Labels, Selector};
use crate::model::workload::{controller_selector, defaults_selector_from_template, pod_template};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};

/// A controller's selector that does not match its template labels, or no selector at all.
pub const RULE: Rule = Rule {
    id: "selector-mismatch",
    severity: Severity::Error,
    pattern: Pattern::StatelessService,
    summary: "A controller's selector is missing, invalid, or does not match its own Pod template labels; the API server rejects it.",
    doc: include_str!("../../rules/selector-mismatch.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(cs) = controller_selector(obj) else {
        return;
    };
    let Some(template) = pod_template(obj) else {
        return;
    };
    let empty = Labels::new();
    let labels = template.labels.unwrap_or(&empty);
    let labels_path = format!("{}.labels", template.metadata_path);
    let related = |d: Diagnostic| {
        d.related(
            obj.locate(&labels_path),
            format!("the Pod template labels of {}", obj.display()),
        )
    };
    let apps_kind = matches!(
        obj.typed,
        Typed::Deployment(_) | Typed::ReplicaSet(_) | Typed::StatefulSet(_) | Typed::DaemonSet(_)
    );
    if obj.selector_absent {
        // extensions/v1beta1 and apps/v1beta1 default the selector to the template labels.
        if defaults_selector_from_template(obj) {
            return;
        }
        out.push(related(
            RULE.report(
                obj,
                obj.locate_key(cs.path),
                format!(
                    "{} has no spec.selector: {} requires one, so the API server rejects the object",
                    obj.display(),
                    obj.api_version
                ),
            )
            .path(cs.path)
            .help(select_template_help(obj, labels)),
        ));
        return;
    }
    let selector = match cs.selector {
        Ok(s) => s,
        Err(e) => {
            out.push(invalid(obj, cs.path, &e));
            return;
        }
    };
    match &selector {
        Selector::Everything if apps_kind => {
            out.push(related(
                RULE.at(
                    obj,
                    cs.path,
                    format!(
                        "{}'s selector has neither matchLabels nor matchExpressions: an empty selector, which the API server rejects (it would claim every Pod of the namespace)",
                        obj.display()
                    ),
                )
                .path(cs.path)
                .help(select_template_help(obj, labels)),
            ));
        }
        Selector::Nothing => {
            let msg = match &obj.typed {
                Typed::Job(_) => format!(
                    "{} sets manualSelector: true but has no selector: the API server rejects it",
                    obj.display()
                ),
                _ => format!(
                    "{} has no selector and its Pod template has no labels to default it from: the API server rejects it",
                    obj.display()
                ),
            };
            out.push(related(
                RULE.report(obj, obj.locate_key(cs.path), msg)
                    .path(cs.path)
                    .help("label the Pod template and select those labels in spec.selector"),
            ));
        }
        _ if selector.matches(labels) => {}
        Selector::Match {
            labels: want,
            requirements,
        } => {
            let rc = matches!(obj.typed, Typed::ReplicationController(_));
            let (path, what) =
                if let Some((k, v)) = want.iter().find(|(k, v)| labels.get(k) != Some(v)) {
                    let have = match labels.get(k) {
                        Some(h) => format!("the template has `{k}: {h}`"),
                        None => format!("the template has no label `{k}`"),
                    };
                    let path = if rc {
                        format!("{}[\"{k}\"]", cs.path)
                    } else {
                        format!("{}.matchLabels[\"{k}\"]", cs.path)
                    };
                    (path, format!("it requires `{k}: {v}` but {have}"))
                } else if let Some((i, r)) = requirements
                    .iter()
                    .enumerate()
                    .find(|(_, r)| !r.matches(labels))
                {
                    (
                        format!("{}.matchExpressions[{i}]", cs.path),
                        format!(
                            "its term `{} {:?} [{}]` is false for the template labels",
                            r.key,
                            r.operator,
                            r.values.join(", ")
                        ),
                    )
                } else {
                    (cs.path.to_string(), String::new())
                };
            out.push(related(
                RULE.at(
                    obj,
                    &path,
                    format!(
                        "{}'s selector does not match its own Pod template: {what}; the API server rejects it (`selector` does not match template `labels`)",
                        obj.display()
                    ),
                )
                .help("make spec.selector select the Pod template's labels (the selector of an existing controller is immutable: change the template labels, or recreate the object)"),
            ));
        }
        Selector::Everything => {}
    }
}

fn invalid(obj: &Object, selector_path: &str, e: &InvalidSelector) -> Diagnostic {
    let expr = format!("{selector_path}.matchExpressions[{}]", e.expression);
    let field = if e.reason.starts_with("operator `") && e.reason.contains("is not one of") {
        format!("{expr}.operator")
    } else if obj.has(&format!("{expr}.values")) {
        format!("{expr}.values")
    } else {
        expr
    };
    RULE.at(
        obj,
        &field,
        format!(
            "{}'s selector is invalid: {}; the API server rejects it",
            obj.display(),
            e.reason
        ),
    )
    .help("use In or NotIn with at least one value, or Exists or DoesNotExist without values (operators are case-sensitive)")
}

/// How to select the template's Pods: its labels when it has some; when it has none, an empty
/// `matchLabels` would be rejected too, so the template needs a label first.
fn select_template_help(obj: &Object, labels: &Labels) -> String {
    if labels.is_empty() {
        let name = if obj.name().is_empty() {
            "web"
        } else {
            obj.name()
        };
        return format!(
            "the Pod template has no labels: label it (e.g. `app: {name}` in its metadata.labels) and select that label: `selector: {{matchLabels: {{app: {name}}}}}`"
        );
    }
    format!(
        "add `selector: {{matchLabels: {}}}` with the labels of the Pod template",
        inline_map(labels)
    )
}

fn inline_map(labels: &Labels) -> String {
    let body: Vec<String> = labels.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", body.join(", "))
}
