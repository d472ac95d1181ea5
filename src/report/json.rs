//! The version-1 JSON contract (see DESIGN.md): stable field names, sorted diagnostics.

use serde::Serialize;

use super::{Diagnostic, Place, Pos, Report};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    summary: JsonSummary,
    diagnostics: Listed<'a>,
}

/// The listed diagnostics, each converted as it is written: a run with a hundred thousand
/// findings never holds all of them in their JSON form.
struct Listed<'a>(&'a Report);

impl Serialize for Listed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.listed().into_iter().map(|d| diagnostic(report, d)))
    }
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
    /// Present only for `helm template` output: where the finding is in the rendered stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered: Option<JsonRendered<'a>>,
    /// Present only with `--show-suppressed`, on diagnostics a suppression silenced.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppressed<'a>>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered: Option<JsonRendered<'a>>,
}

#[derive(Serialize)]
struct JsonRendered<'a> {
    file: &'a str,
    range: JsonRange,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    by: &'a str,
    reason: Option<&'a str>,
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

fn position(p: Pos) -> JsonPosition {
    JsonPosition {
        line: p.line,
        column: p.column,
        offset: p.offset,
    }
}

fn range(start: Pos, end: Pos) -> JsonRange {
    JsonRange {
        start: position(start),
        end: position(end),
    }
}

fn rendered<'a>(p: &Place<'a>) -> Option<JsonRendered<'a>> {
    p.rendered.map(|(file, start, end)| JsonRendered {
        file,
        range: range(start, end),
    })
}

fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let place = report.place(d.file, d.span);
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        file: place.name,
        range: range(place.start, place.end),
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
                let rp = report.place(r.file, r.span);
                JsonRelated {
                    file: rp.name,
                    range: range(rp.start, rp.end),
                    message: &r.message,
                    rendered: rendered(&rp),
                }
            })
            .collect(),
        rendered: rendered(&place),
        suppressed: d.suppressed.as_ref().map(|s| JsonSuppressed {
            by: s.by.as_str(),
            reason: s.reason.as_deref(),
        }),
    }
}

/// Writes the report as pretty-printed JSON (one trailing newline) to `out` as it goes: the
/// whole text of a large report was the run's peak memory.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
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
        diagnostics: Listed(report),
    };
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Renders the report as pretty-printed JSON (one trailing newline).
pub fn render(report: &Report) -> String {
    super::written(|out| write(report, out)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}
