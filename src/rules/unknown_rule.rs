//! `unknown-rule`: reported by the report stage when a suppression names no kplint rule; this
//! file holds its metadata.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// A suppression naming a rule that does not exist (a typo): it silences nothing.
pub const RULE: Rule = Rule {
    id: "unknown-rule",
    severity: Severity::Warning,
    pattern: Pattern::Suppression,
    summary:
        "A suppression names a rule kplint does not have (often a typo), so it silences nothing.",
    doc: include_str!("../../rules/unknown-rule.md"),
    check: Check::Engine,
};
