//! The result of a run and its renderers. Renderers only render: suppression and ordering are
//! settled before a `Report` exists.

pub mod diagnostic;
pub mod human;
pub mod json;

pub use diagnostic::{Diagnostic, ObjectRef, Related, Severity};

use crate::source::SourceFile;

/// The counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    /// Non-empty YAML documents read.
    pub documents: usize,
    pub objects: usize,
    /// Objects of kinds kplint does not read (custom resources and the like).
    pub unknown_kinds: usize,
    /// Documents that are not Kubernetes objects (no `kind`): values files, CI workflows.
    pub not_objects: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
}

/// The threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// What one file held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileCounts {
    /// Non-empty YAML documents parsed.
    pub documents: usize,
    pub objects: usize,
    /// Documents that are not Kubernetes objects.
    pub not_objects: usize,
}

/// Every diagnostic of a run, sorted, with the files they point into.
#[derive(Debug)]
pub struct Report {
    pub files: Vec<SourceFile>,
    /// Per-file counts, parallel to `files`.
    pub counts: Vec<FileCounts>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

impl Report {
    /// Sorts diagnostics by file, position and rule, and counts them.
    pub fn new(
        files: Vec<SourceFile>,
        counts: Vec<FileCounts>,
        mut diagnostics: Vec<Diagnostic>,
        mut summary: Summary,
    ) -> Report {
        diagnostics.sort_by(|a, b| {
            let fa = files.get(a.file as usize).map(|f| f.name.as_str());
            let fb = files.get(b.file as usize).map(|f| f.name.as_str());
            fa.cmp(&fb)
                .then(a.file.cmp(&b.file))
                .then(a.span.start.cmp(&b.span.start))
                .then(a.rule.cmp(b.rule))
                .then(a.span.end.cmp(&b.span.end))
                .then(a.message.cmp(&b.message))
        });
        diagnostics.dedup();
        summary.error = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        summary.warning = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        summary.info = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Info)
            .count();
        Report {
            files,
            counts,
            diagnostics,
            summary,
        }
    }

    /// True when some diagnostic is at or above the threshold.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        let threshold = match fail_on {
            FailOn::Never => return false,
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        };
        self.diagnostics.iter().any(|d| d.severity >= threshold)
    }

    /// The file a diagnostic points into.
    pub fn file(&self, id: crate::source::FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }
}
