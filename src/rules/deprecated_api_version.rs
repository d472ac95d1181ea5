//! `deprecated-api-version`: an apiVersion the target release still serves and a later one
//! removes.

use super::removed_api_version::{notable_changes, removal};
use super::{Check, Pattern, Rule};
use crate::model::{KubeVersion, Object};
use crate::report::{Diagnostic, Severity};

/// An object written with an API version that a later Kubernetes release stops serving.
pub const RULE: Rule = Rule {
    id: "deprecated-api-version",
    severity: Severity::Warning,
    pattern: Pattern::Api,
    summary: "An apiVersion the target Kubernetes release still serves but a named later release removes (with --kubernetes-version 1.21, extensions/v1beta1 Ingress: removed in 1.22).",
    doc: include_str!("../../rules/deprecated-api-version.md"),
    check: Check::Versioned(check),
};

fn check(target: KubeVersion, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(removed) = removal(&obj.api_version, &obj.kind) else {
        return;
    };
    if target >= removed.removed_in {
        // No longer served: `removed-api-version`'s finding.
        return;
    }
    // Only what the target already offers a way out of: an API is deprecated once its
    // replacement is served, and a warning with nothing to move to is noise.
    let Some((to, since)) = removed
        .replacement_at(target)
        .filter(|(_, since)| *since <= target)
    else {
        return;
    };
    out.push(
        RULE.at(
            obj,
            "apiVersion",
            format!(
                "{}: `{}` {} is deprecated: Kubernetes {} stops serving it, and clusters upgraded to that release reject the object (target: {target}; `{to}` is served since {since})",
                obj.display(),
                obj.api_version,
                obj.kind,
                removed.removed_in,
            ),
        )
        .help(format!(
            "write `apiVersion: {to}`{} before upgrading to Kubernetes {}",
            notable_changes(obj),
            removed.removed_in
        )),
    );
}
