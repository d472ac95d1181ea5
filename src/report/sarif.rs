//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF
//! viewers: one run, every rule described, one result per diagnostic.

use serde_json::{json, Value};

use super::{Diagnostic, Place, Report, Severity, SuppressedBy};
use crate::rules;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/kplint/kplint";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference: forward slashes, no leading `./`, each segment percent-encoded.
pub fn uri_of(name: &str) -> String {
    let path = name.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
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
        "fullDescription": {"text": r.summary},
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
    if let Some(i) = rule_index {
        out["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        out["relatedLocations"] = Value::Array(related);
    }
    if let Some(path) = &d.path {
        out["properties"] = json!({"path": path});
    }
    if let Some(s) = &d.suppressed {
        let kind = match s.by {
            SuppressedBy::Config => "external",
            _ => "inSource",
        };
        let mut sup = json!({"kind": kind});
        if let Some(reason) = &s.reason {
            sup["justification"] = json!(reason);
        }
        out["suppressions"] = json!([sup]);
    }
    out
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed, one trailing newline).
pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = rules::ALL.iter().map(|r| rule_descriptor(r)).collect();
    let results: Vec<Value> = report
        .listed()
        .into_iter()
        .map(|d| result(report, d))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kplint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_escaped() {
        assert_eq!(uri_of("./a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri_of("dir\\x.yaml"), "dir/x.yaml");
    }
}
