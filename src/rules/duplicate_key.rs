//! `duplicate-key`: reported by the engine while reading files; this file holds its metadata.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// A mapping repeats a key: kubectl rejects the object (a warning in a file that is no object).
pub const RULE: Rule = Rule {
    id: "duplicate-key",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "A mapping repeats a key; kubectl rejects the document.",
    doc: include_str!("../../rules/duplicate-key.md"),
    check: Check::Engine,
};
