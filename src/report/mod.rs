//! The result of a run and its renderers. Renderers only render: suppression and ordering are
//! settled before a `Report` exists.

pub mod compact;
pub mod diagnostic;
pub mod findings;
pub mod github;
pub mod human;
pub mod json;
pub mod place;
pub mod sarif;
pub mod statistics;
pub mod suppress;

pub use diagnostic::{Diagnostic, ObjectRef, Related, Severity, SuppressedBy, Suppression};
pub use place::{Place, Pos};

use rayon::prelude::*;

use crate::source::SourceFile;

/// The counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    /// Non-empty YAML documents read.
    pub documents: usize,
    pub objects: usize,
    /// Objects of a kind whose fields no rule reads (ConfigMaps, Secrets, custom resources,
    /// kinds at a removed apiVersion): only the checks that hold for any kind apply to them
    /// (`duplicate-object`, `removed-api-version`, suppressions). JSON `unknown_kinds` until
    /// version 2, which misnamed them: most are kinds Kubernetes knows well.
    pub objects_without_kind_checks: usize,
    /// Documents that are not Kubernetes objects (no `kind`): values files, CI workflows.
    pub not_objects: usize,
    /// Kustomize strategic-merge patches no kustomization names, not linted.
    pub patches: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
    /// Apply units the run was split into.
    pub units: usize,
    /// Kustomizations and charts not built or rendered for want of their tool (linted as
    /// written, or not at all), and kustomize components no kustomization uses.
    pub unbuilt: usize,
}

/// One apply unit of a run, as the JSON report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSummary {
    /// The folder (or stdin's name, or the declared entry) as shown.
    pub root: String,
    /// `kustomization`, `chart`, `folder`, `stdin` or `declared`.
    pub kind: &'static str,
    /// The objects linted in it.
    pub objects: usize,
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
    /// The run's apply units (empty for texts linted in memory).
    pub units: Vec<UnitSummary>,
    /// Per file (parallel to `files`): the unit of what it holds.
    pub file_units: Vec<crate::model::UnitId>,
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
            units: Vec::new(),
            file_units: Vec::new(),
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

    /// Sorts by shown file (a helm template or the input), position, rule, then message;
    /// drops exact repeats. Sorted in place through an order of indices: a keyed copy of every
    /// diagnostic doubled the run's peak memory at the very end. Messages are compared only
    /// between findings at the same place (sorting every message first was most of the cost).
    fn sorted(&self, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let keys: Vec<_> = diagnostics
            .par_iter()
            .map(|d| {
                let (name, offset) = self.order(d.file, d.span);
                (name, d.file, offset, d.span.start, d.rule, d.span.end)
            })
            .collect();
        let message = |i: usize| diagnostics.get(i).map(|d| d.message.as_str());
        let mut order: Vec<usize> = (0..diagnostics.len()).collect();
        // Stable, over ascending indices: findings equal in both keep their order. On the pool:
        // the 55,599 findings of 100k documents took 21-27 ms on one core, 13-23 ms on two.
        order.par_sort_by(|&a, &b| {
            keys.get(a)
                .cmp(&keys.get(b))
                .then_with(|| message(a).cmp(&message(b)))
        });
        drop(keys);
        permute(&mut diagnostics, order);
        diagnostics.dedup();
        diagnostics
    }

    /// The name and offset a span's place starts at: what the report is sorted by.
    fn order(&self, file: crate::source::FileId, span: crate::source::Span) -> (&str, u32) {
        match self.file(file) {
            Some(f) => place::order(f, self.blocks_of(file), span),
            None => (place::nowhere(span).name, span.start),
        }
    }

    /// Where a span is shown (its helm template when the input is `helm template` output).
    pub fn place(&self, file: crate::source::FileId, span: crate::source::Span) -> Place<'_> {
        match self.file(file) {
            Some(f) => place::place(f, self.blocks_of(file), span),
            None => place::nowhere(span),
        }
    }

    /// The helm template blocks of a file (none for ordinary manifests).
    fn blocks_of(&self, file: crate::source::FileId) -> &[place::Block] {
        self.blocks
            .get(file as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
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

/// Reorders `items` so that position `j` holds what was at `order[j]` (a permutation of the
/// indices), by swapping along its cycles: no second array of items.
pub(crate) fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while let Some(next) = order.get_mut(at).map(|n| std::mem::replace(n, at)) {
            // Back at the cycle's start (or a position already done, which points at itself).
            if next == start {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod order_tests {
    use super::*;
    use crate::model::Location;
    use crate::source::{SourceFile, Span};

    #[test]
    fn findings_are_ordered_by_file_place_rule_then_message_and_repeats_dropped() {
        let files = vec![
            SourceFile::new(0, "b.yaml".into(), "kind: Pod\nmetadata: {}\n"),
            SourceFile::new(1, "a.yaml".into(), "kind: Pod\nmetadata: {}\n"),
        ];
        let at = |file, start| Location {
            file,
            span: Span::new(start, start + 4),
        };
        let d = |rule, file, start, message: &str| {
            Diagnostic::new(rule, Severity::Warning, at(file, start), message)
        };
        let written = vec![
            d("x", 0, 10, "m"),
            d("y", 1, 0, "b"),
            d("y", 1, 0, "a"),
            d("x", 1, 10, "z"),
            d("x", 1, 0, "c"),
            d("y", 1, 0, "a"),
            d("x", 0, 0, "k"),
        ];
        let report = Report::new(
            files,
            vec![FileCounts::default(); 2],
            vec![Vec::new(); 2],
            written,
            Vec::new(),
            Summary::default(),
        );
        let got: Vec<(&str, u32, &str, &str)> = report
            .diagnostics
            .iter()
            .map(|d| {
                (
                    report.place(d.file, d.span).name,
                    d.span.start,
                    d.rule,
                    d.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a.yaml", 0, "x", "c"),
                ("a.yaml", 0, "y", "a"),
                ("a.yaml", 0, "y", "b"),
                ("a.yaml", 10, "x", "z"),
                ("b.yaml", 0, "x", "k"),
                ("b.yaml", 10, "x", "m"),
            ]
        );
    }
}

#[cfg(test)]
mod permute_tests {
    use super::permute;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let orders: [&[usize]; 5] = [
            &[],
            &[0, 1, 2],
            &[2, 0, 1],
            &[1, 0, 3, 2, 4],
            &[4, 3, 0, 1, 2, 6, 5],
        ];
        for order in orders {
            let mut items: Vec<char> = ('a'..).take(order.len()).collect();
            let want: Vec<char> = order.iter().map(|&i| items[i]).collect();
            permute(&mut items, order.to_vec());
            assert_eq!(items, want, "{order:?}");
        }
    }
}
