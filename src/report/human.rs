//! Human output: miette's graphical reports (snippet, label on the node, help, related labels).

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{Diagnostic, Place, Report, Severity};

/// Rendering choices for the human format.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    /// Terminal width to wrap at.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

#[derive(Debug)]
struct Rendered {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
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

fn source_of(place: &Place<'_>) -> NamedSource<Arc<str>> {
    let name = if place.rendered.is_some() {
        format!("{} (rendered)", place.name)
    } else {
        place.name.to_string()
    };
    NamedSource::new(name, Arc::from(place.text))
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

fn to_rendered(report: &Report, d: &Diagnostic) -> Rendered {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let primary = match &d.path {
        Some(p) => p.clone(),
        None => "here".to_string(),
    };
    let place = report.place(d.file, d.span);
    let mut labels = vec![label(&primary, place.span, true)];
    let mut related = Vec::new();
    for r in &d.related {
        let rp = report.place(r.file, r.span);
        if r.file == d.file && std::ptr::eq(rp.text, place.text) {
            labels.push(label(&r.message, rp.span, false));
        } else {
            related.push(Rendered {
                message: r.message.clone(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: source_of(&rp),
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
        help: d.help.clone(),
        source: source_of(&place),
        labels,
        related,
    }
}

/// Renders every diagnostic, then a one-line summary.
pub fn render(report: &Report, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for d in report.listed() {
        let rendered = to_rendered(report, d);
        if handler.render_report(&mut out, &rendered).is_err() {
            out.push_str(&format!("{}: {}: {}\n", d.rule, d.severity, d.message));
        }
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
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
    if s.unknown_kinds > 0 {
        line.push_str(&format!(", {} of kinds without checks", s.unknown_kinds));
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
