//! `unknown-field`: a key the kind's schema does not have. Found by the decoder in the same pass
//! as the typed decode (see `model::strict`); this file holds the rule's metadata and turns the
//! keys found into diagnostics with a suggestion.

use super::{Check, Pattern, Rule};
use crate::model::location::resolve_path;
use crate::model::strict::UnknownField;
use crate::model::{FieldPath, Object, Segment};
use crate::report::{Diagnostic, Severity};
use crate::spelling::edit_distance;

/// A field that kubectl's strict field validation rejects: not in the kind's schema.
pub const RULE: Rule = Rule {
    id: "unknown-field",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "A field the kind's schema does not have (a typo such as `RestartPolicy` or `replica`); kubectl apply rejects it.",
    doc: include_str!("../../rules/unknown-field.md"),
    check: Check::Engine,
};

/// The diagnostics for the unknown keys found while decoding `obj`, one per written key.
pub fn diagnose(obj: &Object, found: Vec<UnknownField>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for u in found {
        let parent = plain_path(&u.parent);
        if u.parent.0.is_empty() && matches!(u.key.as_str(), "apiVersion" | "kind") {
            // Shapes kplint writes for removed versions do not list them; they are checked elsewhere.
            continue;
        }
        if u.key.starts_with('$') {
            // Strategic-merge-patch directives (`$patch: delete`, `$setElementOrder/…`) in
            // kustomize patches: consumed before anything reaches the API server.
            continue;
        }
        if old_version_field(obj, &parent, &u.key) {
            continue;
        }
        let path = u.parent.clone().key(&u.key);
        let r = resolve_path(&obj.tree, obj.root, &path.0);
        let node = match (r.complete, r.key) {
            (true, Some(key)) => key,
            (_, key) => key.unwrap_or(r.value),
        };
        let at = obj.at_node(node);
        // A key written once under an anchor and reused by aliases is one mistake.
        if out.iter().any(|d| d.span == at.span && d.file == at.file) {
            continue;
        }
        let place = if parent.is_empty() {
            "the object".to_string()
        } else {
            format!("`{}`", u.parent)
        };
        out.push(
            RULE.report(
                obj,
                at,
                format!(
                    "{}: `{}` is not a field of {place}; kubectl apply rejects the object (strict field validation), and without validation the API server drops the field silently",
                    obj.display(),
                    u.key
                ),
            )
            .path(path.to_string())
            .help(help(obj, &parent, &u)),
        );
    }
    out
}

/// The path without list indices (`spec.template.spec.containers`), as the schema names places.
fn plain_path(path: &FieldPath) -> String {
    let mut s = String::new();
    for seg in &path.0 {
        if let Segment::Key(k) = seg {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(k);
        }
    }
    s
}

/// Fields that a removed API version had and the current shape it is read through lacks: they
/// were valid in the version the manifest names (`removed-api-version` reports the version).
fn old_version_field(obj: &Object, parent: &str, key: &str) -> bool {
    let version = crate::model::kinds::version_of(&obj.api_version);
    let old = matches!(
        (obj.group(), version),
        ("extensions", "v1beta1") | ("apps", "v1beta1" | "v1beta2")
    );
    match (obj.kind.as_str(), parent, key) {
        ("Deployment", "spec", "rollbackTo") => old,
        ("DaemonSet", "spec", "templateGeneration") => old,
        // autoscaling/v2beta1 is read through the autoscaling/v1 shape, which has no metrics.
        ("HorizontalPodAutoscaler", "spec", "metrics") => version == "v2beta1",
        ("EndpointSlice", "endpoints", "topology") => version == "v1beta1",
        _ => false,
    }
}

fn help(obj: &Object, parent: &str, u: &UnknownField) -> String {
    let key = u.key.as_str();
    let v1 = obj.api_version.as_str();
    match (obj.kind.as_str(), key) {
        ("Ingress", "serviceName" | "servicePort") if parent.ends_with("ackend") => {
            return format!(
                "{v1} writes a backend as `service: {{name: <service>, port: {{number: <port>}}}}` (or `port: {{name: <port-name>}}`); `serviceName`/`servicePort` are the removed v1beta1 shape"
            );
        }
        ("Ingress", "backend") if parent == "spec" => {
            return format!("{v1} renamed `spec.backend` to `spec.defaultBackend`");
        }
        ("Deployment", "rollbackTo") if parent == "spec" => {
            return format!(
                "{v1} has no `rollbackTo`; remove it and roll back with `kubectl rollout undo`"
            );
        }
        ("DaemonSet", "templateGeneration") if parent == "spec" => {
            return format!("{v1} has no `templateGeneration`; remove it");
        }
        _ => {}
    }
    let in_container = parent.ends_with("containers") || parent.ends_with("initContainers");
    match key {
        "requests" | "limits" | "request" | "limit" if in_container => {
            return "requests and limits go under the container's `resources:` (`resources: {requests: {cpu: 100m, memory: 128Mi}}`)".to_string();
        }
        "runAsUser"
        | "runAsGroup"
        | "runAsNonRoot"
        | "privileged"
        | "readOnlyRootFilesystem"
        | "allowPrivilegeEscalation"
        | "capabilities"
        | "seccompProfile"
            if in_container =>
        {
            return format!("`{key}` goes under the container's `securityContext:`");
        }
        "privileged" | "readOnlyRootFilesystem" | "allowPrivilegeEscalation" | "capabilities"
            if parent.ends_with("spec.securityContext") =>
        {
            return format!(
                "`{key}` is set per container: move it to `containers[].securityContext`"
            );
        }
        _ => {}
    }
    let close = closest(key, u.fields);
    if let Some(close) = close.filter(|c| c.eq_ignore_ascii_case(key)) {
        return format!("field names are case-sensitive: write `{close}`");
    }
    if let Some(owner) = &u.belongs_to {
        let owner = if owner.0.is_empty() {
            "the top level of the object".to_string()
        } else {
            format!("`{owner}`")
        };
        return format!("`{key}` is a field of {owner}: check the indentation and move it there");
    }
    if let Some(close) = close {
        return format!("did you mean `{close}`?");
    }
    if u.fields == ["matchExpressions", "matchLabels"] {
        return format!(
            "a label selector lists its labels under `matchLabels`: `{}: {{matchLabels: {{{key}: …}}}}`",
            u.parent
        );
    }
    let explain = if parent.is_empty() {
        obj.kind.to_lowercase()
    } else {
        format!("{}.{parent}", obj.kind.to_lowercase())
    };
    let fields: Vec<&str> = u
        .fields
        .iter()
        .copied()
        .filter(|f| *f != "status")
        .collect();
    if fields.len() <= 12 {
        let list = fields
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("remove it or move it where it belongs; the fields here are {list}")
    } else {
        format!("remove it or move it where it belongs; `kubectl explain {explain}` lists the fields here")
    }
}

/// The valid field closest to `key`: a case-insensitive match first, then the smallest edit
/// distance within a bound that grows with the key's length.
fn closest(key: &str, fields: &[&'static str]) -> Option<&'static str> {
    if let Some(f) = fields.iter().find(|f| f.eq_ignore_ascii_case(key)) {
        return Some(f);
    }
    // `timeout` for `timeoutSeconds`: a key that only lacks the end of one field's name.
    let lower = key.to_lowercase();
    let mut prefixed = fields
        .iter()
        .filter(|f| key.len() >= 4 && f.to_lowercase().starts_with(&lower));
    if let (Some(f), None) = (prefixed.next(), prefixed.next()) {
        return Some(f);
    }
    let bound = (key.chars().count() + 2) / 4;
    let bound = bound.clamp(1, 3);
    fields
        .iter()
        .filter(|f| **f != "status")
        .map(|f| (edit_distance(&key.to_lowercase(), &f.to_lowercase()), *f))
        .filter(|(d, _)| *d <= bound)
        .min_by_key(|(d, _)| *d)
        .map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(
            closest("contianers", &["containers", "volumes"]),
            Some("containers")
        );
        assert_eq!(
            closest("RestartPolicy", &["restartPolicy"]),
            Some("restartPolicy")
        );
    }

    #[test]
    fn suggestions() {
        const F: &[&str] = &["containers", "restartPolicy", "volumes", "nodeName"];
        assert_eq!(closest("RestartPolicy", F), Some("restartPolicy"));
        assert_eq!(closest("contianers", F), Some("containers"));
        assert_eq!(closest("volume", F), Some("volumes"));
        assert_eq!(closest("x", F), None);
        assert_eq!(closest("nodeN", F), Some("nodeName"));
        assert_eq!(closest("completelyDifferent", F), None);
    }
}
