//! `invalid-yaml`: reported by the engine while reading files; this file holds its metadata.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// The text is not YAML (or not text): located at the parser's error.
pub const RULE: Rule = Rule {
    id: "invalid-yaml",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "The text is not YAML (or not text): located at the parser's error.",
    doc: include_str!("../../rules/invalid-yaml.md"),
    check: Check::Engine,
};
