//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF
//! viewers: one run, every rule described, one result per diagnostic.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use super::{Diagnostic, Place, Report, Severity, SuppressedBy};
use crate::rules;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The package's repository when Cargo.toml names one, else its crates.io page.
fn information_uri() -> &'static str {
    match option_env!("CARGO_PKG_REPOSITORY") {
        Some(r) if !r.is_empty() => r,
        _ => "https://crates.io/crates/kplint",
    }
}

/// The text of one `## <title>` section of a rule's page (the page itself when it has none).
fn section<'a>(doc: &'a str, title: &str) -> &'a str {
    let heading = format!("## {title}\n");
    let Some(start) = doc.find(&heading) else {
        return doc;
    };
    let body = doc.get(start + heading.len()..).unwrap_or("");
    let end = body.find("\n## ").unwrap_or(body.len());
    body.get(..end).unwrap_or(body).trim()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The URI of a shown path: relative (forward slashes, no leading `./`, percent-encoded) for
/// paths as given under the working directory, a `file://` URI for absolute ones.
pub fn uri_of(name: &str) -> String {
    let path = name.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let drive = path.as_bytes().get(1) == Some(&b':') && path.as_bytes().get(2) == Some(&b'/');
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if drive && i == 1 => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn physical(place: &Place<'_>) -> Value {
    json!({
        "artifactLocation": {"uri": uri_of(place.name)},
        "region": {
            "startLine": place.start.line,
            "startColumn": place.start.column_utf16,
            "endLine": place.end.line,
            "endColumn": place.end.column_utf16,
        }
    })
}

fn rule_descriptor(r: &rules::Rule) -> Value {
    json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": section(r.doc, "What it checks")},
        "help": {"text": r.doc, "markdown": r.doc},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"pattern": r.pattern.as_str(), "tags": [r.pattern.as_str()]},
    })
}

fn result(report: &Report, d: &Diagnostic) -> Value {
    let place = report.place(d.file, d.span);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rp = report.place(r.file, r.span);
            json!({
                "id": i + 1,
                "physicalLocation": physical(&rp),
                "message": {"text": r.message},
            })
        })
        .collect();
    let rule_index = rules::ALL.iter().position(|r| r.id == d.rule);
    let mut out = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": physical(&place)}],
    });
    let mut extra = serde_json::Map::new();
    if let Some(i) = rule_index {
        extra.insert("ruleIndex".into(), json!(i));
    }
    if !related.is_empty() {
        extra.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(path) = &d.path {
        extra.insert("properties".into(), json!({"path": path}));
    }
    if let Some(s) = &d.suppressed {
        let kind = match s.by {
            SuppressedBy::Config => "external",
            _ => "inSource",
        };
        let mut sup = serde_json::Map::new();
        sup.insert("kind".into(), json!(kind));
        if let Some(reason) = &s.reason {
            sup.insert("justification".into(), json!(reason));
        }
        extra.insert("suppressions".into(), json!([sup]));
    }
    if let Some(map) = out.as_object_mut() {
        map.extend(extra);
    }
    out
}

/// The log, serialized field by field so that each result is built, written and dropped in
/// turn: the whole log as one `Value` took several times the memory of the run itself. Keys are
/// written in the sorted order `serde_json`'s maps use, so the text is what a `Value` gave.
struct Log<'a>(&'a Report);

struct Run<'a>(&'a Report);

struct Results<'a>(&'a Report);

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("runs", &[Run(self.0)])?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

/// The rule descriptors, each carrying its whole documentation: the same for every report, so
/// built once per process (a fuzzer or an editor renders many reports).
fn catalogue() -> &'static Value {
    static CATALOGUE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| Value::Array(rules::ALL.iter().map(|r| rule_descriptor(r)).collect()))
}

impl Serialize for Run<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tool = json!({"driver": {
            "name": "kplint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": information_uri(),
            "rules": catalogue(),
        }});
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("columnKind", "utf16CodeUnits")?;
        map.serialize_entry("results", &Results(self.0))?;
        map.serialize_entry("tool", &tool)?;
        map.end()
    }
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.listed().into_iter().map(|d| result(report, d)))
    }
}

/// The log's `results` alone, as the full log writes them: the part of a log that depends on
/// the report (the rule catalogue is the same for every report), for a fuzzer that renders
/// many reports.
pub fn render_results(report: &Report) -> String {
    serde_json::to_string_pretty(&Results(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Writes the report as a SARIF 2.1.0 log (pretty-printed, one trailing newline) to `out` as
/// it goes.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &Log(report))?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed, one trailing newline).
pub fn render(report: &Report) -> String {
    super::written(|out| write(report, out)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_description_is_the_what_it_checks_section() {
        let doc = "# x\n\n## What it checks\n\nA thing.\n\n## Why it matters\n\nB.\n";
        assert_eq!(section(doc, "What it checks"), "A thing.");
        assert_eq!(section(doc, "Fix"), doc);
    }

    #[test]
    fn uris_are_relative_and_escaped() {
        assert_eq!(uri_of("./a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri_of("dir\\x.yaml"), "dir/x.yaml");
        assert_eq!(uri_of("/tmp/a.yaml"), "file:///tmp/a.yaml");
        assert_eq!(uri_of("C:\\k8s\\a.yaml"), "file:///C:/k8s/a.yaml");
    }
}
