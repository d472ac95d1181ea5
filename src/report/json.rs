//! The version-1 JSON contract (see DESIGN.md): stable field names, sorted diagnostics.

use serde::Serialize;

use super::{Diagnostic, Report};
use crate::source::{SourceFile, Span};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    documents: usize,
    objects: usize,
    unknown_kinds: usize,
    not_objects: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    range: JsonRange,
    path: Option<&'a str>,
    object: Option<JsonObject<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonObject<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    document: u32,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    range: JsonRange,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
    offset: u32,
}

fn range(file: Option<&SourceFile>, span: Span) -> JsonRange {
    let pos = |off: u32| match file {
        Some(f) => {
            let p = f.position(off);
            JsonPosition {
                line: p.line,
                column: p.column,
                offset: p.offset,
            }
        }
        None => JsonPosition {
            line: 1,
            column: 1,
            offset: off,
        },
    };
    JsonRange {
        start: pos(span.start),
        end: pos(span.end),
    }
}

fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let file = report.file(d.file);
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        file: file.map(|f| f.name.as_str()).unwrap_or("-"),
        range: range(file, d.span),
        path: d.path.as_deref(),
        object: d.object.as_ref().map(|o| JsonObject {
            api_version: &o.api_version,
            kind: &o.kind,
            namespace: o.namespace.as_deref(),
            name: o.name.as_deref(),
            document: o.document,
        }),
        related: d
            .related
            .iter()
            .map(|r| {
                let rf = report.file(r.file);
                JsonRelated {
                    file: rf.map(|f| f.name.as_str()).unwrap_or("-"),
                    range: range(rf, r.span),
                    message: &r.message,
                }
            })
            .collect(),
    }
}

/// Renders the report as pretty-printed JSON (one trailing newline).
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let doc = JsonReport {
        version: 1,
        tool: Tool {
            name: "kplint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: JsonSummary {
            files: s.files,
            documents: s.documents,
            objects: s.objects,
            unknown_kinds: s.unknown_kinds,
            not_objects: s.not_objects,
            error: s.error,
            warning: s.warning,
            info: s.info,
            suppressed: s.suppressed,
        },
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| diagnostic(report, d))
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
