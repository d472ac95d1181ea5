//! The version-1 JSON contract (see DESIGN.md): stable field names, sorted diagnostics.

use rayon::prelude::*;
use serde::Serialize;

use super::{Diagnostic, Place, Pos, Report};

/// The report, with `diagnostics` left empty by [`write`], which renders them apart.
#[derive(Serialize)]
struct JsonReport<'a, D> {
    version: u32,
    tool: Tool,
    summary: JsonSummary,
    /// The apply units of the run (added in version 1; empty for texts linted in memory).
    units: Vec<JsonUnit<'a>>,
    diagnostics: D,
}

#[derive(Serialize)]
struct JsonUnit<'a> {
    root: &'a str,
    kind: &'a str,
    objects: usize,
}

impl<'a, D> JsonReport<'a, D> {
    fn new(report: &'a Report, diagnostics: D) -> JsonReport<'a, D> {
        let s = &report.summary;
        JsonReport {
            version: 1,
            tool: Tool {
                name: "kplint",
                version: env!("CARGO_PKG_VERSION"),
            },
            summary: JsonSummary {
                files: s.files,
                documents: s.documents,
                objects: s.objects,
                objects_without_kind_checks: s.objects_without_kind_checks,
                unknown_kinds: s.objects_without_kind_checks,
                not_objects: s.not_objects,
                error: s.error,
                warning: s.warning,
                info: s.info,
                suppressed: s.suppressed,
                units: s.units,
                unbuilt: s.unbuilt,
                patches: s.patches,
            },
            units: report
                .units
                .iter()
                .map(|u| JsonUnit {
                    root: &u.root,
                    kind: u.kind,
                    objects: u.objects,
                })
                .collect(),
            diagnostics,
        }
    }
}

/// How the pretty printer ends the report when `diagnostics` is empty: where the rendered
/// diagnostics go otherwise.
const EMPTY_END: &[u8] = b"[]\n}";

/// Diagnostics rendered at once on the thread pool before they are written: enough to keep
/// the workers busy, few enough that their text stays about a megabyte.
const WINDOW: usize = 1024;

/// Diagnostics one worker renders into one buffer.
const CHUNK: usize = 64;

/// How deep an item of `diagnostics` sits in the report: inside the report's object and the list.
const ITEM_DEPTH: usize = 2;

/// The pretty printer's layout (two spaces a level) for a value that starts `base` levels deep:
/// an item of `diagnostics`, rendered alone, is laid out as it is inside the whole report.
struct Nested {
    base: usize,
    level: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + std::io::Write>(&self, out: &mut W, lead: &[u8]) -> std::io::Result<()> {
        out.write_all(lead)?;
        for _ in 0..self.base + self.level {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.line(out, b"\n")?;
        }
        out.write_all(bracket)
    }

    fn entry<W: ?Sized + std::io::Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.line(out, if first { b"\n" } else { b",\n" })
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.entry(out, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.entry(out, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
    ) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Appends the `diagnostics` item for `d` to `out`, after the separator the list puts before it.
fn write_item(
    report: &Report,
    d: &Diagnostic,
    first: bool,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let layout = Nested {
        base: ITEM_DEPTH,
        level: 0,
        has_value: false,
    };
    layout.entry(out, first)?;
    let mut ser = serde_json::Serializer::with_formatter(out, layout);
    diagnostic(report, d).serialize(&mut ser)?;
    Ok(())
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
    /// Added in version 1: objects of a kind whose fields no rule reads.
    objects_without_kind_checks: usize,
    /// The same count under its first, wrong name (ConfigMaps are not unknown): kept, with the
    /// same value, until version 2 removes it (docs/json.md).
    unknown_kinds: usize,
    not_objects: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
    units: usize,
    unbuilt: usize,
    /// Added in version 1: kustomize patches skipped.
    patches: usize,
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
    /// The index in `units` of the apply unit the finding belongs to; absent when it has none
    /// (texts linted in memory, `--context` objects).
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<u32>,
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

/// The position in a built stream of a place mapped back to the user's file.
fn built(
    report: &Report,
    at: Option<(crate::source::FileId, crate::source::Span)>,
) -> Option<JsonRendered<'_>> {
    let (file, span) = at?;
    let p = report.place(file, span);
    Some(JsonRendered {
        file: p.name,
        range: range(p.start, p.end),
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
                    rendered: built(report, r.rendered).or_else(|| rendered(&rp)),
                }
            })
            .collect(),
        unit: d
            .unit
            .or_else(|| report.file_units.get(d.file as usize).copied())
            .filter(|&u| (u as usize) < report.units.len()),
        rendered: built(report, d.rendered).or_else(|| rendered(&place)),
        suppressed: d.suppressed.as_ref().map(|s| JsonSuppressed {
            by: s.by.as_str(),
            reason: s.reason.as_deref(),
        }),
    }
}

/// Writes the report as pretty-printed JSON (one trailing newline) to `out` as it goes: the
/// whole text of a large report was the run's peak memory. The diagnostics are rendered a window
/// at a time on the thread pool (on one core, 75-123 ms of a 100k-document run) and written in
/// their order: the bytes `serde_json::to_writer_pretty` gives for the whole report.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    let empty: [(); 0] = [];
    let whole = serde_json::to_vec_pretty(&JsonReport::new(report, empty))?;
    let listed = report.listed();
    let head = match whole.strip_suffix(EMPTY_END) {
        Some(head) if !listed.is_empty() => head,
        _ => {
            out.write_all(&whole)?;
            out.write_all(b"\n")?;
            return out.flush();
        }
    };
    out.write_all(head)?;
    out.write_all(b"[")?;
    for (w, window) in listed.chunks(WINDOW).enumerate() {
        let parts: Vec<std::io::Result<Vec<u8>>> = window
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut part = Vec::new();
                for (i, d) in chunk.iter().enumerate() {
                    write_item(report, d, w == 0 && c == 0 && i == 0, &mut part)?;
                }
                Ok(part)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    // The list's end at the report's level, then the report's.
    out.write_all(b"\n  ]\n}\n")?;
    out.flush()
}

/// Renders the report as pretty-printed JSON (one trailing newline).
pub fn render(report: &Report) -> String {
    super::written(|out| write(report, out)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{lint_sources, Options};

    /// The whole report through `serde_json`'s own pretty printer: what `write` must match.
    fn whole(report: &Report) -> String {
        let listed: Vec<JsonDiagnostic<'_>> = report
            .listed()
            .into_iter()
            .map(|d| diagnostic(report, d))
            .collect();
        let mut text =
            serde_json::to_string_pretty(&JsonReport::new(report, listed)).expect("render");
        text.push('\n');
        text
    }

    fn both(sources: Vec<(String, Vec<u8>)>, show_suppressed: bool) -> (String, String) {
        let mut report = lint_sources(sources, &Options::default());
        report.show_suppressed = show_suppressed;
        (render(&report), whole(&report))
    }

    #[test]
    fn the_windowed_rendering_is_serde_jsons_pretty_printing_of_the_whole() {
        // More findings than a window and a chunk hold, with related places, helps, object
        // references, nulls, empty lists and suppressed findings among them.
        let mut text = String::new();
        for i in 0..700 {
            text.push_str(&format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  annotations:\n    ignore.kplint.io/bare-pod: \"{}\"\nspec:\n  containers:\n    - name: c\n      image: busybox\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{}\nspec:\n  selector:\n    app: none\n  ports:\n    - port: 80\n---\n",
                if i % 3 == 0 { "one-off" } else { "" },
                i % 500
            ));
        }
        let sources = vec![
            ("many.yaml".to_string(), text.into_bytes()),
            ("bad.yaml".to_string(), b"a: [\n".to_vec()),
        ];
        for show_suppressed in [false, true] {
            let (written, expected) = both(sources.clone(), show_suppressed);
            assert!(expected.matches("\"rule\"").count() > WINDOW + CHUNK);
            assert!(expected.contains("\"related\": [\n        {"));
            assert!(expected.contains("\"related\": []"));
            assert_eq!(written.len(), expected.len());
            assert!(
                written == expected,
                "the rendering differs from serde_json's"
            );
        }
    }

    #[test]
    fn a_report_without_findings_is_rendered_whole() {
        let map = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";
        let (written, expected) = both(vec![("cm.yaml".to_string(), map.to_vec())], false);
        assert!(expected.contains("\"diagnostics\": []\n}"));
        assert_eq!(written, expected);
    }
}
