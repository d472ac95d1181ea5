//! `unused-suppression`: reported by the report stage when a suppression silenced nothing; this
//! file holds its metadata.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// A suppression comment or annotation that silenced nothing.
pub const RULE: Rule = Rule {
    id: "unused-suppression",
    severity: Severity::Info,
    pattern: Pattern::Suppression,
    summary: "A `kplint-ignore` comment or `ignore.kplint.io/` annotation that silenced nothing: stale, misplaced, or aimed at an engine diagnostic.",
    doc: include_str!("../../rules/unused-suppression.md"),
    check: Check::Engine,
};
