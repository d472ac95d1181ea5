//! Rule selection and suppression, applied once between the rules and the report: severity
//! overrides and `--select`/`--ignore`, context-only files, then the suppressions (config
//! `ignore:` entries, `ignore.kplint.io/<rule>` annotations, `# kplint-ignore` comments), and the
//! feedback on suppressions that silenced nothing or name no rule.

use std::collections::{HashMap, HashSet};

use globset::{GlobMatcher, GlobSet};
use rayon::prelude::*;

use super::place::{is_document_boundary, Block};
use super::{Diagnostic, Severity, SuppressedBy, Suppression};
use crate::model::location::resolve_written;
use crate::model::{Inventory, Location, ObjectId};
use crate::rules::{self, unknown_rule, unused_suppression};
use crate::source::file::to_u32;
use crate::source::{FileId, SourceFile, Span};

/// The prefix of suppression annotations: `ignore.kplint.io/<rule-id>: "<reason>"`.
pub const ANNOTATION_PREFIX: &str = "ignore.kplint.io/";

/// What a rule is set to by the configuration or the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

/// A configuration `ignore:` entry: silences rules on matching objects or files.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    /// The rule ids; `None` for `all` (every rule but the engine diagnostics).
    pub rules: Option<Vec<&'static str>>,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<GlobMatcher>,
    pub files: Option<GlobSet>,
    pub reason: Option<String>,
    /// Where the entry is written (`.kplint.yaml:12`), for the note when it silences nothing.
    pub origin: String,
}

/// Which rules run, at what severity, and what the configuration silences.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub levels: HashMap<&'static str, Level>,
    /// Only these rules (plus the engine diagnostics) when set.
    pub select: Option<HashSet<&'static str>>,
    pub ignore: HashSet<&'static str>,
    pub entries: Vec<IgnoreEntry>,
}

impl Policy {
    /// True when the configuration sets this rule's level.
    pub fn configures(&self, rule: &str) -> bool {
        self.levels.contains_key(rule)
    }

    /// The severity a rule reports at, or `None` when it is turned off.
    pub fn level(&self, rule: &str) -> Option<Severity> {
        let r = rules::by_id(rule)?;
        if r.is_engine() {
            // Engine diagnostics are always on and never below warning (checked in the config).
            return Some(match self.levels.get(r.id) {
                Some(Level::On(s)) => (*s).max(Severity::Warning),
                _ => r.severity,
            });
        }
        if self.ignore.contains(r.id) {
            return None;
        }
        if let Some(select) = &self.select {
            if !select.contains(r.id) {
                return None;
            }
        }
        match self.levels.get(r.id) {
            Some(Level::Off) => None,
            Some(Level::On(s)) => Some(*s),
            None => Some(r.severity),
        }
    }
}

/// The outcome: counted diagnostics, silenced ones, and notes for stderr.
#[derive(Debug, Default)]
pub struct Applied {
    /// The findings left, in the order they came in, then the feedback on unused suppressions.
    pub diagnostics: Vec<Diagnostic>,
    pub suppressed: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

/// One written suppression of one rule id.
#[derive(Debug)]
struct Written {
    file: FileId,
    /// Where the rule id is written (the annotation key, or the id inside the comment).
    span: Span,
    rule: String,
    reason: Option<String>,
    by: SuppressedBy,
    scope: Scope,
    used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Diagnostics starting on this 1-based line.
    Line(u32),
    /// Diagnostics starting inside this byte range (a document).
    Range(Span),
    /// Diagnostics about this object.
    Object(ObjectId),
}

/// The suppression comments of one file, read while its text is at hand (it is released
/// before suppressions are applied).
#[derive(Debug, Default)]
pub struct Comments(Vec<Written>);

/// Finds the `# kplint-ignore` and `# kplint-ignore-file` comments of `file`.
pub fn comments_of(file: &SourceFile) -> Comments {
    let mut out = Vec::new();
    scan_comments(file, &mut out);
    Comments(out)
}

/// Applies `policy` and every suppression to the diagnostics of a run. Diagnostics in files
/// that are not `checked` (context files) are dropped; `blocks` (per file) lets `files:` globs
/// match the helm templates of a rendered stream; `comments` are the files' suppression comments.
pub fn apply(
    inv: &Inventory,
    mut diagnostics: Vec<Diagnostic>,
    policy: &Policy,
    checked: &[bool],
    blocks: &[Vec<Block>],
    comments: Vec<Comments>,
) -> Applied {
    let is_checked = |f: FileId| checked.get(f as usize).copied().unwrap_or(true);
    let mut written: Vec<Written> = comments
        .into_iter()
        .flat_map(|c| c.0)
        .filter(|w| is_checked(w.file))
        .collect();
    // In parallel, in object order: every object is looked at, and few have any.
    written.par_extend(
        inv.objects
            .par_iter()
            .filter(|obj| obj.may_suppress && is_checked(obj.file))
            .flat_map_iter(|obj| {
                let mut found = Vec::new();
                scan_annotations(inv, obj.id, &mut found);
                found
            }),
    );
    // Grouped by rule and file, written order kept within a group (the first that hits gives
    // the reason): a finding looks at the suppressions of its own rule and file only, not at
    // every suppression of the run.
    let mut written: Vec<(usize, Written)> = written.into_iter().enumerate().collect();
    written.sort_by(|(_, a), (_, b)| (a.rule.as_str(), a.file).cmp(&(b.rule.as_str(), b.file)));
    // (file, document, object), sorted: the objects of a document are one range of it.
    let mut by_document: Vec<(FileId, u32, ObjectId)> = inv
        .objects
        .iter()
        .map(|o| (o.file, o.document, o.id))
        .collect();
    by_document.sort_unstable();
    let in_document = |file: FileId, document: u32| {
        let start = by_document.partition_point(|&(f, d, _)| (f, d) < (file, document));
        let end = by_document.partition_point(|&(f, d, _)| (f, d) <= (file, document));
        by_document.get(start..end).unwrap_or(&[])
    };
    let mut entry_used = vec![false; policy.entries.len()];
    let mut out = Applied::default();
    // Filtered in place: every finding is held at this point, and a second array of them
    // was the run's peak.
    let mut filter = |d: &mut Diagnostic| {
        if !is_checked(d.file) {
            return false;
        }
        // A rule id missing from the registry can't be configured: it reports as written.
        let rule = rules::by_id(d.rule);
        if rule.is_some() {
            let Some(severity) = policy.level(d.rule) else {
                return false;
            };
            // A rule may report a finding below its default (an identical duplicate is an
            // info); only a level the user configured overrides it.
            if policy.configures(d.rule) || d.severity > severity {
                d.severity = severity;
            }
        }
        if rule.is_some_and(|r| r.is_engine()) {
            return true;
        }
        // A finding placed where the user wrote the field (a kustomize build's) is about an
        // object of the built stream: its annotations are found there, its comments here.
        let object_file = d.rendered.map_or(d.file, |(file, _)| file);
        let here = group_of(&written, d.rule, d.file);
        let in_object = if object_file == d.file {
            0..0
        } else {
            group_of(&written, d.rule, object_file)
        };
        if policy.entries.is_empty() && here.is_empty() && in_object.is_empty() {
            // Nothing could silence it: most findings of a run.
            return true;
        }
        let object = d.object.as_ref().and_then(|o| {
            in_document(object_file, o.document)
                .iter()
                .map(|&(_, _, id)| id)
                .find(|&id| {
                    inv.object(id)
                        .is_some_and(|obj| obj.kind == o.kind && obj.name == o.name)
                })
        });
        let mut found: Option<Suppression> = None;
        for (i, e) in policy.entries.iter().enumerate() {
            if entry_matches(inv, e, d, object, blocks.get(d.file as usize)) {
                if let Some(used) = entry_used.get_mut(i) {
                    *used = true;
                }
                found.get_or_insert(Suppression {
                    by: SuppressedBy::Config,
                    reason: e.reason.clone(),
                });
            }
        }
        // Only a line comment of this file needs the line: a file's text is read again for it.
        let mut line = None;
        for at in here.chain(in_object) {
            let Some((_, w)) = written.get_mut(at) else {
                continue;
            };
            // Within its rule and file: an object's annotations are in the object's file.
            let hit = match w.scope {
                Scope::Object(id) => object == Some(id),
                Scope::Line(l) => {
                    w.file == d.file
                        && l == *line.get_or_insert_with(|| {
                            inv.file(d.file)
                                .map(|f| f.position(d.span.start).line)
                                .unwrap_or(0)
                        })
                }
                Scope::Range(r) => {
                    w.file == d.file
                        && r.start <= d.span.start
                        && d.span.start < r.end.max(r.start + 1)
                }
            };
            if hit {
                w.used = true;
                found.get_or_insert(Suppression {
                    by: w.by,
                    reason: w.reason.clone(),
                });
            }
        }
        match found {
            Some(s) => {
                d.suppressed = Some(Box::new(s));
                out.suppressed
                    .push(std::mem::replace(d, Diagnostic::placeholder()));
                false
            }
            None => true,
        }
    };
    diagnostics.retain_mut(&mut filter);
    out.diagnostics = diagnostics;
    written.sort_by_key(|&(i, _)| i);
    out.diagnostics.extend(
        written
            .into_iter()
            .map(|(_, w)| w)
            .filter(|w| !w.used)
            .filter_map(|w| feedback(inv, &w, policy)),
    );
    for (e, used) in policy.entries.iter().zip(entry_used) {
        if !used {
            out.notes.push(format!(
                "{}: this ignore entry silenced nothing in this run",
                e.origin
            ));
        }
    }
    out
}

/// The positions in `written` (sorted by rule, then file) of the suppressions of `rule` in `file`.
fn group_of(written: &[(usize, Written)], rule: &str, file: FileId) -> std::ops::Range<usize> {
    let start = written.partition_point(|(_, w)| (w.rule.as_str(), w.file) < (rule, file));
    let len = written
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|(_, w)| w.rule == rule && w.file == file)
        .count();
    start..start + len
}

fn entry_matches(
    inv: &Inventory,
    e: &IgnoreEntry,
    d: &Diagnostic,
    object: Option<ObjectId>,
    templates: Option<&Vec<Block>>,
) -> bool {
    if let Some(rules) = &e.rules {
        if !rules.contains(&d.rule) {
            return false;
        }
    }
    if e.kind.is_some() || e.namespace.is_some() || e.name.is_some() {
        let Some(obj) = object.and_then(|id| inv.object(id)) else {
            return false;
        };
        if e.kind.as_ref().is_some_and(|k| *k != obj.kind) {
            return false;
        }
        if e.namespace
            .as_ref()
            .is_some_and(|n| obj.namespace.as_deref() != Some(n.as_str()))
        {
            return false;
        }
        if e.name.as_ref().is_some_and(|g| !g.is_match(obj.name())) {
            return false;
        }
    }
    if let Some(files) = &e.files {
        let name = inv.file(d.file).map(|f| f.name.as_str()).unwrap_or("-");
        let template = templates.and_then(|blocks| {
            blocks
                .iter()
                .find(|b| b.span.start <= d.span.start && d.span.start < b.span.end)
                .map(|b| b.template.as_str())
        });
        if !files.is_match(name) && !template.is_some_and(|t| files.is_match(t)) {
            return false;
        }
    }
    true
}

/// The diagnostic for a suppression that silenced nothing, or that names no rule.
fn feedback(inv: &Inventory, w: &Written, policy: &Policy) -> Option<Diagnostic> {
    let at = Location {
        file: w.file,
        span: w.span,
    };
    let form = match w.by {
        SuppressedBy::Annotation => format!("annotation `{ANNOTATION_PREFIX}{}`", w.rule),
        SuppressedBy::FileComment => format!("`# kplint-ignore-file {}`", w.rule),
        _ => format!("`# kplint-ignore {}`", w.rule),
    };
    let scope_text = match w.scope {
        Scope::Object(id) => inv
            .object(id)
            .map(|o| format!(" on {}", o.display()))
            .unwrap_or_default(),
        Scope::Line(l) => format!(" for line {l}"),
        Scope::Range(_) => " for this document".to_string(),
    };
    let Some(rule) = rules::by_id(&w.rule) else {
        let severity = policy.level(unknown_rule::RULE.id)?;
        let message = if w.rule.is_empty() {
            format!("{form} names no rule; kplint has no blanket suppression")
        } else {
            format!(
                "suppression {form} names `{}`, which is not a kplint rule, so it silences nothing",
                w.rule
            )
        };
        let help = match did_you_mean(&w.rule) {
            Some(close) => format!("did you mean `{close}`? (`kplint rules` lists every rule)"),
            None => "name a rule id from `kplint rules`".to_string(),
        };
        return Some(Diagnostic::new(unknown_rule::RULE.id, severity, at, message).help(help));
    };
    let severity = policy.level(unused_suppression::RULE.id)?;
    if rule.is_engine() {
        return Some(
            Diagnostic::new(
                unused_suppression::RULE.id,
                severity,
                at,
                format!(
                    "suppression {form}{scope_text} has no effect: `{}` is an engine diagnostic (the API server or kubectl rejects the input), which can't be suppressed",
                    rule.id
                ),
            )
            .help("fix the manifest, or exclude the file with --exclude"),
        );
    }
    // A rule turned off silences nothing by design: its suppressions are not stale.
    policy.level(rule.id)?;
    Some(
        Diagnostic::new(
            unused_suppression::RULE.id,
            severity,
            at,
            format!(
                "suppression {form}{scope_text} silenced nothing: `{}` reports nothing here",
                rule.id
            ),
        )
        .help("remove the suppression (the problem it silenced is gone, or it is on the wrong line or object)"),
    )
}

/// The closest rule id to a misspelt one.
pub fn did_you_mean(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_lowercase();
    rules::ALL
        .iter()
        .map(|r| (crate::spelling::edit_distance(&id, r.id), r.id))
        .filter(|(d, r)| *d <= (r.len() / 3).max(2))
        .min()
        .map(|(_, r)| r)
}

fn scan_annotations(inv: &Inventory, id: ObjectId, out: &mut Vec<Written>) {
    let Some(obj) = inv.object(id) else { return };
    // A custom workload declared with its template elsewhere (`workloads:` in the config).
    let custom = match &obj.typed {
        crate::model::Typed::Workload(w) if w.shape.template != "spec.template" => {
            Some(format!("{}.annotations", w.shape.template_metadata))
        }
        _ => None,
    };
    for path in [
        "metadata.annotations",
        "spec.template.metadata.annotations",
        "spec.jobTemplate.spec.template.metadata.annotations",
    ]
    .into_iter()
    .chain(custom.as_deref())
    {
        let r = resolve_written(&obj.tree, obj.root, path);
        if !r.complete {
            continue;
        }
        for (k, v) in obj.tree.entries(r.value) {
            let Some(key) = obj.tree.scalar(k) else {
                continue;
            };
            let key = key.key();
            let Some(rule) = key.strip_prefix(ANNOTATION_PREFIX) else {
                continue;
            };
            let reason = obj
                .tree
                .scalar(v)
                .map(|s| s.text.trim().to_string())
                .filter(|s| !s.is_empty());
            out.push(Written {
                file: obj.file,
                span: obj.tree.span(k),
                rule: rule.to_string(),
                reason,
                by: SuppressedBy::Annotation,
                scope: Scope::Object(id),
                used: false,
            });
        }
    }
}

/// Finds the `# kplint-ignore` and `# kplint-ignore-file` comments of a file.
fn scan_comments(file: &SourceFile, out: &mut Vec<Written>) {
    let text: &str = file.text();
    if !text.contains("kplint-ignore") {
        return;
    }
    let mut document_start = 0usize;
    let mut pending_file: Vec<Written> = Vec::new();
    let mut at = 0usize;
    let mut line_no = 0u32;
    let close = |pending: &mut Vec<Written>, out: &mut Vec<Written>, from: usize, to: usize| {
        for mut w in pending.drain(..) {
            w.scope = Scope::Range(Span::new(to_u32(from), to_u32(to)));
            out.push(w);
        }
    };
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        line_no += 1;
        let body = line.trim_end_matches(['\n', '\r']);
        if is_document_boundary(body) {
            close(&mut pending_file, out, document_start, start);
            document_start = start;
            continue;
        }
        let Some(hash) = comment_start(body) else {
            continue;
        };
        let comment = body.get(hash + 1..).unwrap_or("");
        let lead = comment.len() - comment.trim_start().len();
        let comment_trim = comment.trim_start();
        let (file_wide, rest) = if let Some(r) = comment_trim.strip_prefix("kplint-ignore-file") {
            (true, r)
        } else if let Some(r) = comment_trim.strip_prefix("kplint-ignore") {
            (false, r)
        } else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            continue;
        }
        let rest_offset = start + hash + 1 + lead + (comment_trim.len() - rest.len());
        // The ids end at `--` (a reason follows) or at a further `#` comment.
        let (ids, reason) = match rest.find("--") {
            Some(i) => (
                rest.get(..i).unwrap_or(rest),
                Some(rest.get(i + 2..).unwrap_or("").trim().to_string()),
            ),
            None => (rest, None),
        };
        let ids = ids.split('#').next().unwrap_or("");
        let reason = reason.filter(|r| !r.is_empty());
        let standalone = body.get(..hash).unwrap_or("").trim().is_empty();
        let scope = if file_wide {
            Scope::Range(Span::default())
        } else if standalone {
            Scope::Line(line_no + 1)
        } else {
            Scope::Line(line_no)
        };
        let by = if file_wide {
            SuppressedBy::FileComment
        } else {
            SuppressedBy::Comment
        };
        let mut any = false;
        for piece in ids.split(|c: char| c == ',' || c.is_whitespace()) {
            if piece.is_empty() {
                continue;
            }
            // Measured, not counted: a separator may be wider than a byte (U+00A0 is two).
            let piece_start = piece.as_ptr() as usize - ids.as_ptr() as usize;
            any = true;
            let from = rest_offset + piece_start;
            let w = Written {
                file: file.id,
                span: Span::new(to_u32(from), to_u32(from + piece.len())),
                rule: piece.to_string(),
                reason: reason.clone(),
                by,
                scope,
                used: false,
            };
            if file_wide {
                pending_file.push(w);
            } else {
                out.push(w);
            }
        }
        if !any {
            let from = start + hash;
            let w = Written {
                file: file.id,
                span: Span::new(to_u32(from), to_u32(start + body.len())),
                rule: String::new(),
                reason: None,
                by,
                scope,
                used: false,
            };
            if file_wide {
                pending_file.push(w);
            } else {
                out.push(w);
            }
        }
    }
    close(&mut pending_file, out, document_start, text.len());
}

/// The byte index of the `#` that starts a YAML comment on this line, if any: at the start of
/// the line or after whitespace, and outside quoted scalars.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut prev_mark: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => {
                let after_space = prev.is_none_or(|p| p == ' ' || p == '\t');
                if c == '#' && after_space {
                    return Some(i);
                }
                let opens_value = matches!(prev_mark, None | Some(':' | '-' | '[' | '{' | ','));
                if (c == '"' || c == '\'')
                    && opens_value
                    && (after_space || matches!(prev, Some('[' | '{' | ',')))
                {
                    quote = Some(c);
                }
            }
        }
        prev = Some(c);
        if !c.is_whitespace() {
            prev_mark = Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes() {
        assert_eq!(comment_start("a: b # c"), Some(5));
        assert_eq!(comment_start("# c"), Some(0));
        assert_eq!(comment_start("a: \"x # y\" # z"), Some(11));
        assert_eq!(comment_start("a: x#y"), None);
        assert_eq!(comment_start("a: 'it''s # no'"), None);
    }

    #[test]
    fn comment_directives_are_parsed() {
        let f = SourceFile::new(
            0,
            "x".into(),
            "# kplint-ignore bare-pod, job-missing-ttl -- batch pod\nkind: Pod\n---\nkind: Job # kplint-ignore-file bare-pod\n",
        );
        let mut out = Vec::new();
        scan_comments(&f, &mut out);
        let rules: Vec<(&str, Scope)> = out.iter().map(|w| (w.rule.as_str(), w.scope)).collect();
        assert_eq!(rules[0], ("bare-pod", Scope::Line(2)));
        assert_eq!(rules[1], ("job-missing-ttl", Scope::Line(2)));
        assert_eq!(out[0].reason.as_deref(), Some("batch pod"));
        assert_eq!(f.slice(out[1].span), "job-missing-ttl");
        assert_eq!(out[2].by, SuppressedBy::FileComment);
        assert!(matches!(out[2].scope, Scope::Range(r) if r.start == 65));
    }

    #[test]
    fn ids_after_a_wide_separator_are_located_at_their_own_bytes() {
        // U+00A0 (no-break space) is whitespace of two bytes: each id still spans itself.
        let f = SourceFile::new(
            0,
            "x".into(),
            "kind: Pod # kplint-ignore bare-pod\u{a0}job-missing-ttl,\u{a0}x\n",
        );
        let mut out = Vec::new();
        scan_comments(&f, &mut out);
        let ids: Vec<&str> = out.iter().map(|w| f.slice(w.span)).collect();
        assert_eq!(ids, ["bare-pod", "job-missing-ttl", "x"]);
    }

    #[test]
    fn typos_find_their_rule() {
        assert_eq!(did_you_mean("bare-pods"), Some("bare-pod"));
        assert_eq!(did_you_mean("zzzzzzzzzzzz"), None);
    }
}
