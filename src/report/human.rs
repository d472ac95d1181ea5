//! Human output: miette's graphical reports (snippet, label on the node, help, related labels).

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{statistics, Diagnostic, Place, Report, Severity};
use crate::source::line_index::LineIndex;

/// Rendering choices for the human format.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    /// Terminal width to wrap at.
    pub width: usize,
    /// Only the per-rule table and the summary line, no finding (`--statistics`).
    pub statistics_only: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            statistics_only: false,
        }
    }
}

/// A file's text with its line index, handing miette only the lines around a span. miette's
/// own `str` source scans from the start of the text for every report, and copying the text per
/// report made a 2 MB bundle with many findings cost seconds.
struct Windowed<'a> {
    name: String,
    text: &'a str,
    lines: Lines<'a>,
}

/// A text's line index: its file's own, or one built for a helm block and cached.
enum Lines<'a> {
    File(&'a LineIndex),
    Built(Arc<LineIndex>),
}

impl std::ops::Deref for Lines<'_> {
    type Target = LineIndex;

    fn deref(&self) -> &LineIndex {
        match self {
            Lines::File(lines) => lines,
            Lines::Built(lines) => lines,
        }
    }
}

impl fmt::Debug for Windowed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Windowed<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(crate::source::file::to_u32(offset)).0
    }
}

impl SourceCode for Windowed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = (start + span.len()).min(len);
        // One spare line each side so miette sees the same context as in the whole text.
        let first = self.line_of(start).saturating_sub(before + 1);
        let last = self.line_of(end) + after + 2;
        let line_start = |i: usize| self.lines.start(i).map(|s| s as usize);
        let window_start = line_start(first).unwrap_or(0);
        let window_end = line_start(last).unwrap_or(len).min(len);
        let window: &'b str = self.text.get(window_start..window_end).unwrap_or("");
        let local = SourceSpan::new((start - window_start).into(), end - start);
        let inner = window.read_span(&local, before, after)?;
        let abs = SourceSpan::new(
            (inner.span().offset() + window_start).into(),
            inner.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            abs,
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// Line indexes built for the helm blocks rendered last (a whole file has its own).
#[derive(Default)]
struct LineCache(RefCell<Vec<(usize, Arc<LineIndex>)>>);

/// Files whose line indexes [`LineCache`] keeps: diagnostics come sorted by file, so the few
/// most recent cover a diagnostic and its related places; keeping every file's held a table
/// the size of the corpus's line count.
const LINE_CACHE_FILES: usize = 8;

impl LineCache {
    fn source<'a>(&self, name: String, text: &'a str) -> Windowed<'a> {
        Windowed {
            name,
            text,
            lines: Lines::Built(self.lines_of(text)),
        }
    }

    fn lines_of(&self, text: &str) -> Arc<LineIndex> {
        let key = text.as_ptr() as usize ^ text.len().rotate_left(32);
        let mut cache = self.0.borrow_mut();
        match cache.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                let hit = cache.remove(i);
                let lines = Arc::clone(&hit.1);
                cache.push(hit);
                lines
            }
            None => {
                let lines = Arc::new(LineIndex::new(text));
                if cache.len() >= LINE_CACHE_FILES {
                    cache.remove(0);
                }
                cache.push((key, Arc::clone(&lines)));
                lines
            }
        }
    }
}

#[derive(Debug)]
struct Rendered<'a> {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Windowed<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered<'a>>,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn source_of<'a>(lines: &LineCache, place: &Place<'a>) -> Windowed<'a> {
    let name = if place.rendered.is_some() {
        format!("{} (rendered)", place.name)
    } else {
        place.name.to_string()
    };
    match place.lines() {
        Some(own) => Windowed {
            name,
            text: place.text(),
            lines: Lines::File(own),
        },
        None => lines.source(name, place.text()),
    }
}

fn label(text: &str, span: crate::source::Span, primary: bool) -> LabeledSpan {
    let start = span.start as usize;
    let len = span.len() as usize;
    if primary {
        LabeledSpan::new_primary_with_span(Some(text.to_string()), (start, len))
    } else {
        LabeledSpan::new_with_span(Some(text.to_string()), (start, len))
    }
}

fn to_rendered<'a>(report: &'a Report, lines: &LineCache, d: &Diagnostic) -> Rendered<'a> {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let primary = match &d.path {
        Some(p) => p.to_string(),
        None => "here".to_string(),
    };
    let place = report.place(d.file, d.span);
    let mut labels = vec![label(&primary, place.span, true)];
    let mut related = Vec::new();
    for r in &d.related {
        let rp = report.place(r.file, r.span);
        if r.file == d.file && std::ptr::eq(rp.text(), place.text()) {
            labels.push(label(&r.message, rp.span, false));
        } else {
            related.push(Rendered {
                message: r.message.clone(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: source_of(lines, &rp),
                labels: vec![label(&r.message, rp.span, true)],
                related: Vec::new(),
            });
        }
    }
    let mut message = d.message.clone();
    if let Some(s) = &d.suppressed {
        message.push_str(&format!(" [suppressed by {}", s.by.as_str()));
        if let Some(reason) = &s.reason {
            message.push_str(&format!(": {reason}"));
        }
        message.push(']');
    }
    Rendered {
        message,
        code: Some(d.rule.to_string()),
        severity,
        help: d.help.as_deref().map(str::to_string),
        source: source_of(lines, &place),
        labels,
        related,
    }
}

/// Renders every diagnostic, the per-rule table when there are more than
/// [`statistics::TABLE_AFTER`] findings, then a one-line summary.
pub fn render(report: &Report, options: HumanOptions) -> String {
    // Writing to memory can't fail.
    super::written(|out| write(report, options, out)).unwrap_or_default()
}

/// As [`render`], written to `out` one diagnostic at a time: the whole text of a large report
/// was the run's peak memory.
pub fn write(
    report: &Report,
    options: HumanOptions,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    if options.statistics_only {
        statistics::write_table(report, &mut out)?;
        writeln!(out, "{}", summary_line(report))?;
        return out.flush();
    }
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut text = String::new();
    let lines = LineCache::default();
    for d in report.listed() {
        text.clear();
        let rendered = to_rendered(report, &lines, d);
        if handler.render_report(&mut text, &rendered).is_err() {
            text.push_str(&format!("{}: {}: {}\n", d.rule, d.severity, d.message));
        }
        text.push('\n');
        out.write_all(text.as_bytes())?;
    }
    if report.diagnostics.len() > statistics::TABLE_AFTER {
        statistics::write_table(report, &mut out)?;
    }
    writeln!(out, "{}", summary_line(report))?;
    out.flush()
}

/// `3 errors, 1 warning, 0 infos in 4 files (9 objects, 2 of unknown kinds)`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let found = if s.error + s.warning + s.info == 0 {
        "no problems".to_string()
    } else {
        format!(
            "{}, {}, {}",
            plural(s.error, "error", "errors"),
            plural(s.warning, "warning", "warnings"),
            plural(s.info, "info", "infos")
        )
    };
    let mut line = format!(
        "kplint: {found} in {} ({}, {}",
        plural(s.files, "file", "files"),
        plural(s.documents, "document", "documents"),
        plural(s.objects, "object", "objects"),
    );
    if s.objects_without_kind_checks > 0 {
        line.push_str(&format!(
            ", {} of kinds without checks",
            s.objects_without_kind_checks
        ));
    }
    if s.not_objects > 0 {
        line.push_str(&format!(
            ", {}",
            plural(
                s.not_objects,
                "document not a Kubernetes object",
                "documents not Kubernetes objects"
            )
        ));
    }
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    line.push(')');
    line
}
