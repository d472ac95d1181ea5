//! `invalid-object`: reported by the engine while reading files; this file holds its metadata.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// A Kubernetes object kubectl would reject: missing apiVersion, wrong field types, missing required fields.
pub const RULE: Rule = Rule {
    id: "invalid-object",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "A Kubernetes object kubectl would reject: missing apiVersion, wrong field types, missing required fields.",
    doc: include_str!("../../rules/invalid-object.md"),
    check: Check::Engine,
};
