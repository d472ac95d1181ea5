//! `unreadable-file`: reported by the engine while reading files; this file holds its metadata.

use super::{Check, Pattern, Rule};
use crate::report::Severity;

/// A file found while walking could not be read (permissions, size limit).
pub const RULE: Rule = Rule {
    id: "unreadable-file",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "A file found while walking could not be read (permissions, size limit).",
    doc: include_str!("../../rules/unreadable-file.md"),
    check: Check::Engine,
};
