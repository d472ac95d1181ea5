//! `render-failed`: a kustomization that does not build or a chart that does not render.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// Reported by the build stage (`source::render`), at the file and line the tool named.
pub const RULE: Rule = Rule {
    id: "render-failed",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "A kustomization that `kustomize build` rejects, or a Helm chart that `helm template` cannot render: nothing of that unit is checked.",
    doc: include_str!("../../rules/render-failed.md"),
    check: Check::Engine,
};
