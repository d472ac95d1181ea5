//! The result of a run and its renderers. Renderers only render: suppression and ordering are
//! settled before a `Report` exists.

pub mod compact;
pub mod diagnostic;
pub mod github;
pub mod human;
pub mod json;
pub mod place;
pub mod sarif;
pub mod suppress;

pub use diagnostic::{Diagnostic, ObjectRef, Related, Severity, SuppressedBy, Suppression};
pub use place::{Place, Pos};

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
    /// Diagnostics a suppression silenced; not counted, listed only with `--show-suppressed`.
    pub suppressed: Vec<Diagnostic>,
    /// Per file (parallel to `files`): the helm `# Source:` blocks that attribute text to templates.
    pub blocks: Vec<Vec<place::Block>>,
    pub summary: Summary,
    /// Renderers list the suppressed diagnostics too (`--show-suppressed`), marked as such.
    pub show_suppressed: bool,
}

impl Report {
    /// Sorts diagnostics by shown file, position and rule, and counts them; `blocks` (per file)
    /// are the helm `# Source:` blocks whose diagnostics are shown at their templates.
    pub fn new(
        files: Vec<SourceFile>,
        counts: Vec<FileCounts>,
        blocks: Vec<Vec<place::Block>>,
        diagnostics: Vec<Diagnostic>,
        suppressed: Vec<Diagnostic>,
        mut summary: Summary,
    ) -> Report {
        let mut report = Report {
            files,
            counts,
            diagnostics: Vec::new(),
            suppressed: Vec::new(),
            blocks,
            summary: Summary::default(),
            show_suppressed: false,
        };
        let diagnostics = report.sorted(diagnostics);
        let suppressed = report.sorted(suppressed);
        summary.suppressed = suppressed.len();
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
        report.diagnostics = diagnostics;
        report.suppressed = suppressed;
        report.summary = summary;
        report
    }

    /// Sorts by shown file (a helm template or the input), position, rule; drops exact repeats.
    /// Sorted in place through a key per diagnostic: a keyed copy of every diagnostic doubled
    /// the run's peak memory at the very end.
    fn sorted(&self, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        // Both sorts are stable: findings with equal keys stay in message order.
        diagnostics.sort_by(|a, b| a.message.cmp(&b.message));
        diagnostics.sort_by_cached_key(|d| {
            let p = self.place(d.file, d.span);
            (
                p.name,
                d.file,
                p.start.offset,
                d.span.start,
                d.rule,
                d.span.end,
            )
        });
        diagnostics.dedup();
        diagnostics
    }

    /// Where a span is shown (its helm template when the input is `helm template` output).
    pub fn place(&self, file: crate::source::FileId, span: crate::source::Span) -> Place<'_> {
        match self.file(file) {
            Some(f) => place::place(
                f,
                self.blocks
                    .get(file as usize)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
                span,
            ),
            None => place::nowhere(span),
        }
    }

    /// The diagnostics a renderer lists: the counted ones, and the suppressed ones when asked,
    /// in one sorted sequence.
    pub fn listed(&self) -> Vec<&Diagnostic> {
        if !self.show_suppressed || self.suppressed.is_empty() {
            return self.diagnostics.iter().collect();
        }
        let mut all: Vec<&Diagnostic> = self.diagnostics.iter().chain(&self.suppressed).collect();
        all.sort_by(|a, b| {
            let pa = self.place(a.file, a.span);
            let pb = self.place(b.file, b.span);
            (pa.name, a.file, pa.start.offset, a.rule).cmp(&(
                pb.name,
                b.file,
                pb.start.offset,
                b.rule,
            ))
        });
        all
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

/// The whole text a streaming renderer writes, for callers that want it at once (tests, the
/// fuzzer, editors): the renderers' `render` functions.
fn written(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<String> {
    let mut out = Vec::new();
    write(&mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}
