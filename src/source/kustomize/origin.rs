//! Where the objects of a kustomize build come from: the build annotations kustomize adds
//! (`config.kubernetes.io/origin`, `alpha.config.kubernetes.io/transformations`), read and
//! removed from its output, and the place in the user's files that wrote a built field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::location::{steps, FieldPath, Resolution, Segment, Step};
use crate::source::file::{to_u32, SourceFile, Span};
use crate::source::tree::{parse, NodeId, ParsedFile, ScalarStyle, Tree};

use super::{normalise, NAMES};

/// The annotation naming the file (or generator) an object comes from.
const ORIGIN: &str = "config.kubernetes.io/origin";
/// The annotation listing the transformers that changed an object.
const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";

/// Deepest list nesting whose item names are noted in [`DocOrigin::item_names`].
const MAX_NAME_DEPTH: usize = 16;

/// Where one built document came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocOrigin {
    /// The resource file (absolute, normalised) the object was read from.
    pub resource: Option<PathBuf>,
    /// The kustomization whose generator made the object.
    pub generated_by: Option<PathBuf>,
    /// The transformers that changed the object, in the order they ran.
    pub transformations: Vec<Transformation>,
    /// For each list of the built object whose items have a `name`, the items' names in built
    /// order: strategic-merge patches merge such lists by name, so a built index may be another
    /// index in the files that wrote the item.
    pub item_names: Vec<(FieldPath, Vec<Option<String>>)>,
}

/// One transformer that changed a built object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transformation {
    /// The kustomization (or transformer configuration file) that configured it, absolute.
    pub configured_in: PathBuf,
    /// `NamespaceTransformer`, `PatchTransformer`, `LabelTransformer`, ...
    pub kind: String,
}

/// Strips the two build annotations (and an `annotations:` key left empty) from kustomize's
/// output text, returning the clean stream and each document's origin (same order). Works on
/// kustomize's canonical output (2-space indent) line by line, so every other line stays
/// byte-identical; a document it cannot read gets a default [`DocOrigin`].
pub fn split_origins(built: &str, wrapper_dir: &Path) -> (String, Vec<DocOrigin>) {
    let mut out = String::with_capacity(built.len());
    let mut origins = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    let mut started = false;
    for line in built.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "---" {
            if started || !doc.is_empty() {
                finish_doc(&doc, wrapper_dir, &mut out, &mut origins);
            }
            doc.clear();
            out.push_str(line);
            started = true;
        } else {
            doc.push(line);
        }
    }
    if !doc.is_empty() || started {
        finish_doc(&doc, wrapper_dir, &mut out, &mut origins);
    }
    (out, origins)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Cleans one document's lines into `out` and notes its origin.
fn finish_doc(lines: &[&str], wrapper_dir: &Path, out: &mut String, origins: &mut Vec<DocOrigin>) {
    if lines.iter().all(|l| is_blank(l)) {
        // Nothing there (kustomize prints no empty documents, but a stream may end with `---`).
        for l in lines {
            out.push_str(l);
        }
        return;
    }
    let mut origin = DocOrigin::default();
    let mut removed = vec![false; lines.len()];
    if let Some(block) = annotations_block(lines) {
        let (key_line, first, end) = block;
        let mut kept_entries = 0;
        let mut i = first;
        while i < end {
            // An entry: its key line (indent 4) and the lines under it.
            let mut j = i + 1;
            while j < end {
                let l = lines.get(j).copied().unwrap_or("");
                if !is_blank(l) && indent_of(l) <= 4 {
                    break;
                }
                j += 1;
            }
            let head = lines.get(i).copied().unwrap_or("");
            let key = head.trim_start().split(':').next().unwrap_or("");
            let key = key.trim_matches(['"', '\'']);
            if key == ORIGIN || key == TRANSFORMATIONS {
                let text: String = lines
                    .get(i..j)
                    .unwrap_or(&[])
                    .iter()
                    .map(|l| l.get(4.min(indent_of(l))..).unwrap_or(""))
                    .collect();
                if let Some(value) = entry_value(&text) {
                    if key == ORIGIN {
                        read_origin(&value, wrapper_dir, &mut origin);
                    } else {
                        read_transformations(&value, wrapper_dir, &mut origin);
                    }
                }
                for r in removed.get_mut(i..j).unwrap_or(&mut []) {
                    *r = true;
                }
            } else {
                kept_entries += 1;
            }
            i = j;
        }
        if kept_entries == 0 {
            if let Some(r) = removed.get_mut(key_line) {
                *r = true;
            }
        }
    }
    let mut clean = String::new();
    for (l, gone) in lines.iter().zip(&removed) {
        if !gone {
            clean.push_str(l);
        }
    }
    origin.item_names = item_names(&clean);
    out.push_str(&clean);
    origins.push(origin);
}

/// The line of `  annotations:` under a top-level `metadata:`, and the range of its entry lines.
fn annotations_block(lines: &[&str]) -> Option<(usize, usize, usize)> {
    let meta = lines
        .iter()
        .position(|l| l.trim_end_matches(['\n', '\r']) == "metadata:")?;
    let mut i = meta + 1;
    while let Some(l) = lines.get(i) {
        if !is_blank(l) && indent_of(l) == 0 {
            return None;
        }
        if indent_of(l) == 2 && l.trim_end_matches(['\n', '\r']) == "  annotations:" {
            let first = i + 1;
            let mut end = first;
            while let Some(l) = lines.get(end) {
                if !is_blank(l) && indent_of(l) < 4 {
                    break;
                }
                end += 1;
            }
            return Some((i, first, end));
        }
        i += 1;
    }
    None
}

/// The string value of a one-entry mapping written as YAML text.
fn entry_value(text: &str) -> Option<String> {
    let file = SourceFile::new(0, String::new(), text);
    let parsed = parse(&file);
    let doc = parsed.documents.first()?;
    let (_, v) = doc.tree.entries(doc.root).next()?;
    doc.tree.scalar(v).map(|s| s.text.to_string())
}

fn parse_text(text: &str) -> ParsedFile {
    parse(&SourceFile::new(0, String::new(), text))
}

fn scalar_at<'t>(tree: &'t Tree, map: NodeId, key: &str) -> Option<&'t str> {
    tree.get(map, key)
        .and_then(|(_, v)| tree.scalar(v))
        .map(|s| s.text)
}

fn read_origin(value: &str, wrapper_dir: &Path, origin: &mut DocOrigin) {
    let parsed = parse_text(value);
    let Some(doc) = parsed.documents.first() else {
        return;
    };
    let tree = &doc.tree;
    if let Some(p) = scalar_at(tree, doc.root, "path") {
        if tree.get(doc.root, "repo").is_none() {
            origin.resource = Some(normalise(&wrapper_dir.join(p)));
        }
    } else if let Some(k) = scalar_at(tree, doc.root, "configuredIn") {
        let kind = tree
            .get(doc.root, "configuredBy")
            .and_then(|(_, by)| scalar_at(tree, by, "kind"))
            .unwrap_or("");
        if kind.ends_with("Generator") {
            origin.generated_by = Some(normalise(&wrapper_dir.join(k)));
        }
    }
}

fn read_transformations(value: &str, wrapper_dir: &Path, origin: &mut DocOrigin) {
    let parsed = parse_text(value);
    let Some(doc) = parsed.documents.first() else {
        return;
    };
    let tree = &doc.tree;
    for &item in tree.items(doc.root) {
        let Some(configured_in) = scalar_at(tree, item, "configuredIn") else {
            continue;
        };
        let kind = tree
            .get(item, "configuredBy")
            .and_then(|(_, by)| scalar_at(tree, by, "kind"))
            .unwrap_or("");
        origin.transformations.push(Transformation {
            configured_in: normalise(&wrapper_dir.join(configured_in)),
            kind: kind.to_string(),
        });
    }
}

/// The names of the items of every list (of the built document `text`) whose items have one.
fn item_names(text: &str) -> Vec<(FieldPath, Vec<Option<String>>)> {
    let parsed = parse_text(text);
    let mut out = Vec::new();
    if let Some(doc) = parsed.documents.first() {
        walk_names(&doc.tree, doc.root, &mut FieldPath::default(), 0, &mut out);
    }
    out
}

fn walk_names(
    tree: &Tree,
    node: NodeId,
    path: &mut FieldPath,
    depth: usize,
    out: &mut Vec<(FieldPath, Vec<Option<String>>)>,
) {
    if depth > MAX_NAME_DEPTH {
        return;
    }
    if tree.is_mapping(node) {
        for (k, v) in tree.entries(node) {
            let Some(key) = tree.scalar(k) else { continue };
            path.0.push(Segment::Key(key.text.to_string()));
            walk_names(tree, v, path, depth + 1, out);
            path.0.pop();
        }
    } else if tree.is_sequence(node) {
        let items = tree.items(node);
        let names: Vec<Option<String>> = items
            .iter()
            .map(|&i| scalar_at(tree, i, "name").map(str::to_string))
            .collect();
        if names.iter().any(Option::is_some) {
            out.push((path.clone(), names));
        }
        for (n, &i) in items.iter().enumerate() {
            path.0.push(Segment::Index(n));
            walk_names(tree, i, path, depth + 1, out);
            path.0.pop();
        }
    }
}

/// A user file, read and parsed once.
#[derive(Debug)]
struct Loaded {
    file: SourceFile,
    parsed: ParsedFile,
}

impl Loaded {
    fn text(&self) -> &str {
        self.file.text()
    }
}

/// Finds where a field of a built object is written in the user's files; caches the files it
/// parses.
#[derive(Debug, Default)]
pub struct OriginLocator {
    files: HashMap<PathBuf, Option<Arc<Loaded>>>,
}

/// Where a patch's text is.
enum Body {
    /// A patch file.
    File(PathBuf),
    /// A patch written in the kustomization: its text, and the spans of the value and key.
    Inline {
        text: String,
        value: Span,
        key: Span,
    },
}

struct PatchEntry {
    body: Body,
    /// `target.kind` and `target.name`, when a target is given.
    target: Option<(Option<String>, Option<String>)>,
}

/// A found place: the file and the span.
type Found = (PathBuf, Span);

impl OriginLocator {
    fn load(&mut self, path: &Path) -> Option<Arc<Loaded>> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(path).ok()?;
                let file = SourceFile::new(0, path.display().to_string(), &text);
                let parsed = parse(&file);
                Some(Arc::new(Loaded { file, parsed }))
            })
            .clone()
    }

    /// `kind`/`name` are the built object's; `path` a field path as rules write it;
    /// `built_value` the built scalar at `path` when known. Returns the user's file (absolute)
    /// and the byte span there.
    pub fn locate(
        &mut self,
        origin: &DocOrigin,
        kind: &str,
        name: Option<&str>,
        path: &str,
        built_value: Option<&str>,
    ) -> Option<(PathBuf, Span)> {
        let field: Vec<Step<'_>> = steps(path).collect();
        let names = self.candidate_names(origin, kind, name);
        // The resource first: a field it writes (with the built value, for a scalar) is its,
        // whatever a patch repeats or adds to it (a patch naming a container adds an argument,
        // it does not write the containers). Then the patches, last applied first, each
        // checked against the built value.
        let written = self
            .in_resource(origin, kind, &names, &field, built_value, false)
            .or_else(|| self.in_patches(origin, kind, &names, &field, built_value));
        written
            .or_else(|| self.in_transformers(origin, &names, &field, built_value))
            .or_else(|| self.in_generator(origin, &names, &field))
            .or_else(|| self.in_resource(origin, kind, &names, &field, None, true))
    }

    /// The built name, then the names it had before each namePrefix/nameSuffix (outermost
    /// first) and a generator's hash were added: the last is the name the user wrote.
    fn candidate_names(
        &mut self,
        origin: &DocOrigin,
        kind: &str,
        name: Option<&str>,
    ) -> Vec<String> {
        let Some(name) = name else {
            return Vec::new();
        };
        let mut out = vec![name.to_string()];
        let mut current = name.to_string();
        if origin.generated_by.is_some() && matches!(kind, "ConfigMap" | "Secret") {
            if let Some(stripped) = strip_hash(&current) {
                current = stripped.to_string();
                out.push(current.clone());
            }
        }
        for t in origin.transformations.iter().rev() {
            let (prefix_keys, suffix_keys): (&[&str], &[&str]) = match t.kind.as_str() {
                "PrefixTransformer" => (&["namePrefix", "prefix"], &[]),
                "SuffixTransformer" => (&[], &["nameSuffix", "suffix"]),
                "PrefixSuffixTransformer" => (&["namePrefix", "prefix"], &["nameSuffix", "suffix"]),
                _ => continue,
            };
            let Some(k) = self.load(&t.configured_in) else {
                continue;
            };
            for doc in &k.parsed.documents {
                for key in prefix_keys {
                    if let Some(p) = scalar_at(&doc.tree, doc.root, key) {
                        if let Some(rest) = current.strip_prefix(p) {
                            current = rest.to_string();
                        }
                    }
                }
                for key in suffix_keys {
                    if let Some(s) = scalar_at(&doc.tree, doc.root, key) {
                        if let Some(rest) = current.strip_suffix(s) {
                            current = rest.to_string();
                        }
                    }
                }
            }
            if !out.contains(&current) {
                out.push(current.clone());
            }
        }
        out
    }

    /// (1) The patches of the kustomizations whose patch transformers changed the object, the
    /// last applied first.
    fn in_patches(
        &mut self,
        origin: &DocOrigin,
        kind: &str,
        names: &[String],
        field: &[Step<'_>],
        built_value: Option<&str>,
    ) -> Option<Found> {
        if is_identity(field) {
            return None;
        }
        let mut seen: Vec<&Path> = Vec::new();
        for t in origin.transformations.iter().rev() {
            if !t.kind.starts_with("Patch") || seen.contains(&t.configured_in.as_path()) {
                continue;
            }
            seen.push(&t.configured_in);
            let Some(k) = self.load(&t.configured_in) else {
                continue;
            };
            let dir = t.configured_in.parent().unwrap_or(Path::new("/"));
            let entries = patch_entries(&k, dir);
            for entry in entries.iter().rev() {
                if let Some((kind_t, name_t)) = &entry.target {
                    if kind_t.as_deref().is_some_and(|k| k != kind)
                        || name_t.as_deref().is_some_and(|n| !name_matches(n, names))
                    {
                        continue;
                    }
                }
                let found = match &entry.body {
                    Body::File(p) => {
                        let Some(patch) = self.load(p) else { continue };
                        find_in_patch(
                            &patch.parsed,
                            entry,
                            kind,
                            names,
                            field,
                            origin,
                            built_value,
                        )
                        .map(|span| (p.clone(), span))
                    }
                    Body::Inline { text, value, key } => {
                        let file = SourceFile::new(0, String::new(), text);
                        let parsed = parse(&file);
                        find_in_patch(&parsed, entry, kind, names, field, origin, built_value).map(
                            |span| {
                                let mapped =
                                    map_inline(k.text(), *value, text, span).unwrap_or(*key);
                                (t.configured_in.clone(), mapped)
                            },
                        )
                    }
                };
                if found.is_some() {
                    return found;
                }
            }
        }
        None
    }

    /// (2) The resource file, when it writes the field (with the built value when known); with
    /// `nearest`, (5) the nearest written parent.
    fn in_resource(
        &mut self,
        origin: &DocOrigin,
        kind: &str,
        names: &[String],
        field: &[Step<'_>],
        built_value: Option<&str>,
        nearest: bool,
    ) -> Option<Found> {
        let path = origin.resource.as_ref()?;
        let loaded = self.load(path)?;
        let docs = &loaded.parsed.documents;
        let of_kind: Vec<_> = docs
            .iter()
            .filter(|d| scalar_at(&d.tree, d.root, "kind") == Some(kind))
            .collect();
        let doc = of_kind
            .iter()
            .find(|d| {
                d.tree
                    .get(d.root, "metadata")
                    .and_then(|(_, m)| scalar_at(&d.tree, m, "name"))
                    .is_some_and(|n| names.iter().any(|c| c == n))
            })
            .or(match of_kind.as_slice() {
                [only] => Some(only),
                _ => None,
            })?;
        let r = resolve_mapped(&doc.tree, doc.root, field, &origin.item_names);
        if nearest {
            let node = if r.complete {
                r.value
            } else {
                r.key.unwrap_or(r.value)
            };
            return Some((path.clone(), doc.tree.span(node)));
        }
        (r.complete && accepts(&doc.tree, r.value, built_value))
            .then(|| (path.clone(), doc.tree.span(r.value)))
    }

    /// (3) The transformer that sets the field, the last applied first.
    fn in_transformers(
        &mut self,
        origin: &DocOrigin,
        names: &[String],
        field: &[Step<'_>],
        built_value: Option<&str>,
    ) -> Option<Found> {
        let keys: Vec<String> = field
            .iter()
            .map(|s| match s {
                Step::Key(k) => (*k).to_string(),
                Step::Index(i) => i.to_string(),
            })
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        for t in origin.transformations.iter().rev() {
            let Some(k) = self.load(&t.configured_in) else {
                continue;
            };
            let found = k.parsed.documents.iter().find_map(|doc| {
                transformer_span(&doc.tree, doc.root, &t.kind, &keys, names, built_value)
            });
            if let Some(span) = found {
                return Some((t.configured_in.clone(), span));
            }
        }
        None
    }

    /// (4) The generator entry that made the object (or the literal or env line of a key).
    fn in_generator(
        &mut self,
        origin: &DocOrigin,
        names: &[String],
        field: &[Step<'_>],
    ) -> Option<Found> {
        let kfile = origin.generated_by.as_ref()?;
        let k = self.load(kfile)?;
        let dir = kfile.parent().unwrap_or(Path::new("/"));
        let data_key = match field {
            [Step::Key("data" | "stringData" | "binaryData"), Step::Key(key)] => Some(*key),
            _ => None,
        };
        for doc in &k.parsed.documents {
            let tree = &doc.tree;
            for gen in ["configMapGenerator", "secretGenerator"] {
                let Some((_, list)) = tree.get(doc.root, gen) else {
                    continue;
                };
                for &item in tree.items(list) {
                    let Some((_, name_node)) = tree.get(item, "name") else {
                        continue;
                    };
                    let Some(n) = tree.scalar(name_node) else {
                        continue;
                    };
                    if !names.iter().any(|c| c == n.text) && names.last().is_some() {
                        continue;
                    }
                    if let Some(key) = data_key {
                        if let Some(found) = self.generator_key(tree, item, dir, key, kfile) {
                            return Some(found);
                        }
                    }
                    return Some((kfile.clone(), tree.span(name_node)));
                }
            }
        }
        None
    }

    /// The `KEY=value` literal or env-file line of a generator entry that writes `key`.
    fn generator_key(
        &mut self,
        tree: &Tree,
        item: NodeId,
        dir: &Path,
        key: &str,
        kfile: &Path,
    ) -> Option<Found> {
        let prefix = format!("{key}=");
        if let Some((_, lits)) = tree.get(item, "literals") {
            for &l in tree.items(lits) {
                if tree.scalar(l).is_some_and(|s| s.text.starts_with(&prefix)) {
                    return Some((kfile.to_path_buf(), tree.span(l)));
                }
            }
        }
        let mut env_files = Vec::new();
        for k in ["envs", "env"] {
            if let Some((_, v)) = tree.get(item, k) {
                if let Some(s) = tree.scalar(v) {
                    env_files.push(s.text.to_string());
                }
                for &e in tree.items(v) {
                    if let Some(s) = tree.scalar(e) {
                        env_files.push(s.text.to_string());
                    }
                }
            }
        }
        for f in env_files.iter().rev() {
            let path = normalise(&dir.join(f));
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut offset = 0usize;
            let mut hit = None;
            for line in text.split_inclusive('\n') {
                let body = line.trim_end_matches(['\n', '\r']);
                if body.trim_start().starts_with(&prefix) {
                    let lead = body.len() - body.trim_start().len();
                    hit = Some(Span::new(
                        to_u32(offset + lead),
                        to_u32(offset + body.len()),
                    ));
                }
                offset += line.len();
            }
            if let Some(span) = hit {
                return Some((path, span));
            }
        }
        None
    }
}

/// `kind`, `apiVersion` and `metadata.name` identify a patch's object; a patch does not set them.
fn is_identity(field: &[Step<'_>]) -> bool {
    matches!(
        field,
        [Step::Key("kind" | "apiVersion")] | [Step::Key("metadata"), Step::Key("name")]
    )
}

/// Strips the `-` and 10-character hash kustomize appends to a generated name.
fn strip_hash(name: &str) -> Option<&str> {
    let (base, hash) = name.rsplit_once('-')?;
    (hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(base)
}

/// True when a patch target's `name` (a regular expression in kustomize) may match the object.
fn name_matches(pattern: &str, names: &[String]) -> bool {
    if names.is_empty() {
        return false;
    }
    if pattern.contains(['*', '+', '?', '[', '(', '|', '^', '$', '\\', '{']) {
        // A pattern: not evaluated here; the built value check guards what it picks.
        return true;
    }
    names.iter().any(|n| n == pattern)
}

/// True when the written node at `node` is the built value (or no built value is known).
fn accepts(tree: &Tree, node: NodeId, built_value: Option<&str>) -> bool {
    match built_value {
        None => true,
        Some(v) => tree.scalar(node).is_some_and(|s| s.text == v),
    }
}

/// The patches a kustomization names, in order.
fn patch_entries(k: &Loaded, dir: &Path) -> Vec<PatchEntry> {
    let mut out = Vec::new();
    for doc in &k.parsed.documents {
        let tree = &doc.tree;
        for key in ["patchesStrategicMerge", "patchesJson6902", "patches"] {
            let Some((_, list)) = tree.get(doc.root, key) else {
                continue;
            };
            for &item in tree.items(list) {
                if let Some(s) = tree.scalar(item) {
                    // patchesStrategicMerge: a path, or a patch written inline.
                    let body = if s.text.contains('\n') {
                        let literal = s.style == ScalarStyle::Literal;
                        Body::Inline {
                            text: s.text.to_string(),
                            value: if literal {
                                tree.span(item)
                            } else {
                                Span::default()
                            },
                            key: tree.span(item),
                        }
                    } else {
                        Body::File(normalise(&dir.join(s.text)))
                    };
                    out.push(PatchEntry { body, target: None });
                    continue;
                }
                let body = if let Some(p) = scalar_at(tree, item, "path") {
                    Body::File(normalise(&dir.join(p)))
                } else if let Some((pk, pv)) = tree.get(item, "patch") {
                    let Some(s) = tree.scalar(pv) else { continue };
                    let literal = s.style == ScalarStyle::Literal;
                    Body::Inline {
                        text: s.text.to_string(),
                        value: if literal {
                            tree.span(pv)
                        } else {
                            Span::default()
                        },
                        key: tree.span(pk),
                    }
                } else {
                    continue;
                };
                let target = tree.get(item, "target").map(|(_, t)| {
                    (
                        scalar_at(tree, t, "kind").map(str::to_string),
                        scalar_at(tree, t, "name").map(str::to_string),
                    )
                });
                out.push(PatchEntry { body, target });
            }
        }
    }
    out
}

/// The span in a patch's documents that writes `field`.
fn find_in_patch(
    parsed: &ParsedFile,
    entry: &PatchEntry,
    kind: &str,
    names: &[String],
    field: &[Step<'_>],
    origin: &DocOrigin,
    built_value: Option<&str>,
) -> Option<Span> {
    for doc in parsed.documents.iter().rev() {
        let tree = &doc.tree;
        if tree.is_sequence(doc.root) {
            if entry.target.is_none() {
                continue;
            }
            if let Some(span) = find_in_json6902(tree, doc.root, field, built_value) {
                return Some(span);
            }
            continue;
        }
        if entry.target.is_none() {
            let doc_kind = scalar_at(tree, doc.root, "kind");
            let doc_name = tree
                .get(doc.root, "metadata")
                .and_then(|(_, m)| scalar_at(tree, m, "name"));
            if doc_kind != Some(kind) || !doc_name.is_some_and(|n| names.iter().any(|c| c == n)) {
                continue;
            }
        }
        let r = resolve_mapped(tree, doc.root, field, &origin.item_names);
        if r.complete && accepts(tree, r.value, built_value) {
            return Some(tree.span(r.value));
        }
    }
    None
}

/// The value of the last add/replace operation whose path is `field` or a parent of it.
fn find_in_json6902(
    tree: &Tree,
    ops: NodeId,
    field: &[Step<'_>],
    built_value: Option<&str>,
) -> Option<Span> {
    for &op in tree.items(ops).iter().rev() {
        if !matches!(scalar_at(tree, op, "op"), Some("add" | "replace")) {
            continue;
        }
        let Some(pointer) = scalar_at(tree, op, "path") else {
            continue;
        };
        let Some((_, value)) = tree.get(op, "value") else {
            continue;
        };
        let parts: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        if parts.len() > field.len() {
            continue;
        }
        let same = parts.iter().zip(field).all(|(p, s)| match s {
            Step::Key(k) => p == k,
            Step::Index(i) => p.parse::<usize>().ok() == Some(*i),
        });
        if !same {
            continue;
        }
        let rest = field.get(parts.len()..).unwrap_or(&[]);
        let r = resolve_mapped(tree, value, rest, &[]);
        if r.complete && accepts(tree, r.value, built_value) {
            return Some(tree.span(r.value));
        }
    }
    None
}

/// Walks `field` from `root` as [`crate::model::location::resolve_written`] does, except that a
/// list index picks the written item with the built item's `name` when the written list names
/// its items (strategic merge reorders such lists).
fn resolve_mapped(
    tree: &Tree,
    root: NodeId,
    field: &[Step<'_>],
    item_names: &[(FieldPath, Vec<Option<String>>)],
) -> Resolution {
    let mut res = Resolution {
        value: root,
        key: None,
        complete: true,
    };
    let mut built = FieldPath::default();
    for step in field {
        let next = match *step {
            Step::Key(k) => {
                built.0.push(Segment::Key(k.to_string()));
                tree.get(res.value, k).map(|(key, v)| (Some(key), v))
            }
            Step::Index(i) => {
                let items = tree.items(res.value);
                let wanted = item_names
                    .iter()
                    .find(|(p, _)| *p == built)
                    .and_then(|(_, names)| names.get(i))
                    .and_then(Option::as_ref);
                let written_names = items.iter().any(|&it| tree.get(it, "name").is_some());
                built.0.push(Segment::Index(i));
                match wanted {
                    Some(n) if written_names => items
                        .iter()
                        .find(|&&it| scalar_at(tree, it, "name") == Some(n.as_str()))
                        .map(|&v| (None, v)),
                    _ => items.get(i).map(|&v| (None, v)),
                }
            }
        };
        match next {
            Some((key, v)) => {
                res.value = v;
                res.key = key;
            }
            None => {
                res.complete = false;
                return res;
            }
        }
    }
    res
}

/// The span in a transformer's configuration (a kustomization or a transformer file) that sets
/// the field `keys` (the field path's steps as text), if this transformer sets it.
fn transformer_span(
    tree: &Tree,
    root: NodeId,
    kind: &str,
    keys: &[&str],
    names: &[String],
    built_value: Option<&str>,
) -> Option<Span> {
    let key_span = |k: &str| tree.get(root, k).map(|(key, _)| tree.span(key));
    match kind {
        "NamespaceTransformer" => {
            if keys != ["metadata", "namespace"] {
                return None;
            }
            key_span("namespace").or_else(|| {
                tree.get(root, "metadata")
                    .and_then(|(_, m)| tree.get(m, "namespace"))
                    .map(|(k, _)| tree.span(k))
            })
        }
        "PrefixTransformer" | "SuffixTransformer" | "PrefixSuffixTransformer" => {
            if keys != ["metadata", "name"] {
                return None;
            }
            ["namePrefix", "nameSuffix", "prefix", "suffix"]
                .iter()
                .find_map(|k| key_span(k))
        }
        "LabelTransformer" => {
            let at = keys
                .iter()
                .rposition(|k| matches!(*k, "labels" | "matchLabels" | "selector"))?;
            let label = keys.get(at + 1).copied();
            pair_span(tree, root, &["commonLabels", "labels"], label)
        }
        "AnnotationsTransformer" => {
            let at = keys.iter().rposition(|k| *k == "annotations")?;
            let label = keys.get(at + 1).copied();
            pair_span(tree, root, &["commonAnnotations", "annotations"], label)
        }
        "ImageTagTransformer" => {
            if keys.last() != Some(&"image") {
                return None;
            }
            if let Some((k, _)) = tree.get(root, "imageTag") {
                return Some(tree.span(k));
            }
            let (_, list) = tree.get(root, "images")?;
            let items = tree.items(list);
            let image = built_value.map(image_name);
            let entry = items
                .iter()
                .find(|&&e| {
                    image.is_some_and(|img| {
                        scalar_at(tree, e, "newName") == Some(img)
                            || (tree.get(e, "newName").is_none()
                                && scalar_at(tree, e, "name") == Some(img))
                    })
                })
                .or(match items {
                    [only] if image.is_none() => Some(only),
                    _ => None,
                })?;
            ["newTag", "digest", "newName", "name"]
                .iter()
                .find_map(|k| tree.get(*entry, k))
                .map(|(_, v)| tree.span(v))
        }
        "ReplicaCountTransformer" => {
            if keys != ["spec", "replicas"] {
                return None;
            }
            if let Some((k, _)) = tree.get(root, "replica") {
                return Some(tree.span(k));
            }
            let (_, list) = tree.get(root, "replicas")?;
            tree.items(list)
                .iter()
                .find(|&&e| {
                    scalar_at(tree, e, "name").is_some_and(|n| names.iter().any(|c| c == n))
                })
                .and_then(|&e| tree.get(e, "count").map(|(_, v)| tree.span(v)))
        }
        _ => None,
    }
}

/// The value of `label` in the first of `maps` (a mapping, or a `labels:` list of `pairs`), or
/// the map's key when no label is named; None when the transformer does not set `label`.
fn pair_span(tree: &Tree, root: NodeId, maps: &[&str], label: Option<&str>) -> Option<Span> {
    for m in maps {
        let Some((key, value)) = tree.get(root, m) else {
            continue;
        };
        let Some(label) = label else {
            return Some(tree.span(key));
        };
        if let Some((_, v)) = tree.get(value, label) {
            return Some(tree.span(v));
        }
        for &item in tree.items(value) {
            if let Some((_, v)) = tree
                .get(item, "pairs")
                .and_then(|(_, p)| tree.get(p, label))
            {
                return Some(tree.span(v));
            }
        }
    }
    None
}

/// An image reference without its tag and digest.
fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => name,
        _ => no_digest,
    }
}

/// Maps `span` of an inline patch's `text` (a literal block scalar whose value spans `value` in
/// the kustomization `ktext`) to the kustomization: each line of the text is a line of the
/// block with the block's indentation. None when the mapped bytes are not the same text.
fn map_inline(ktext: &str, value: Span, text: &str, span: Span) -> Option<Span> {
    if value.is_empty() {
        return None;
    }
    // A block scalar's span starts at its first content line, after the indentation.
    let value_start = value.start as usize;
    let content_start = ktext.get(..value_start)?.rfind('\n').map_or(0, |i| i + 1);
    let lead = ktext.get(content_start..value_start)?;
    if !lead.bytes().all(|b| b == b' ') {
        return None;
    }
    let indent = lead.len();
    let map = |offset: usize| -> Option<usize> {
        let before = text.get(..offset)?;
        let line = before.matches('\n').count();
        let col = offset - before.rfind('\n').map_or(0, |i| i + 1);
        let mut line_start = content_start;
        for _ in 0..line {
            line_start += ktext.get(line_start..)?.find('\n')? + 1;
        }
        Some(line_start + indent + col)
    };
    let start = map(span.start as usize)?;
    let end = map(span.end as usize)?;
    let want = text.get(span.start as usize..span.end as usize)?;
    // A span crossing lines holds the indentation in the file: compare line by line.
    let got = ktext.get(start..end)?;
    let same = got.lines().map(str::trim).eq(want.lines().map(str::trim));
    same.then(|| Span::new(to_u32(start), to_u32(end)))
}

/// The kustomization file in `dir`, if any.
pub(crate) fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kubectl kustomize` output (v1.32, kustomize v5.5) for a wrapper in `/tmp/k/build`,
    /// trimmed, with a document added that has no annotations at all.
    const BUILT: &str = r#"apiVersion: v1
data:
  env.startup.txt: |
    # startup

    LDAP_ORGANISATION: Example Inc.
    metadata:
      annotations:
        config.kubernetes.io/origin: |
          not: ours
kind: ConfigMap
metadata:
  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../../repo/overlays/prod/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PrefixTransformer
    config.kubernetes.io/origin: |
      configuredIn: ../../repo/base/kustomization.yaml
      configuredBy:
        apiVersion: builtin
        kind: ConfigMapGenerator
  name: prod-ldap-configmap-4d7m6k5b42
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../../repo/overlays/prod/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PatchTransformer
      - configuredIn: ../../repo/overlays/prod/labels.yaml
        configuredBy:
          apiVersion: builtin
          kind: LabelTransformer
          name: labels
    config.kubernetes.io/origin: |
      path: ../../repo/base/deployment.yaml
    prometheus.io/scrape: "true"
  labels:
    app: ldap
  name: prod-ldap
spec:
  template:
    spec:
      containers:
      - image: osixia/openldap:1.1.11
        name: ldap
      - image: busybox
        name: sidecar
---
apiVersion: v1
kind: Namespace
metadata:
  name: plain
"#;

    #[test]
    fn split_origins_removes_the_build_annotations_and_reads_them() {
        let (text, origins) = split_origins(BUILT, Path::new("/tmp/k/build"));
        assert_eq!(origins.len(), 3);
        assert!(!text.contains("alpha.config"), "{text}");
        assert!(!text.contains("configuredIn"), "{text}");
        // The block scalar in data is untouched, its look-alike lines included.
        assert!(text.contains("    # startup\n\n    LDAP_ORGANISATION: Example Inc.\n    metadata:\n      annotations:\n        config.kubernetes.io/origin: |\n          not: ours\n"));
        // An `annotations:` left empty goes; one with a user annotation stays.
        assert!(
            text.contains(
                "kind: ConfigMap\nmetadata:\n  name: prod-ldap-configmap-4d7m6k5b42\n---\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "metadata:\n  annotations:\n    prometheus.io/scrape: \"true\"\n  labels:\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("kind: Namespace\nmetadata:\n  name: plain\n"));

        let cm = &origins[0];
        assert_eq!(cm.resource, None);
        assert_eq!(
            cm.generated_by.as_deref(),
            Some(Path::new("/tmp/repo/base/kustomization.yaml"))
        );
        assert_eq!(cm.transformations.len(), 1);
        assert_eq!(cm.transformations[0].kind, "PrefixTransformer");
        let dep = &origins[1];
        assert_eq!(
            dep.resource.as_deref(),
            Some(Path::new("/tmp/repo/base/deployment.yaml"))
        );
        assert_eq!(
            dep.transformations,
            [
                Transformation {
                    configured_in: PathBuf::from("/tmp/repo/overlays/prod/kustomization.yaml"),
                    kind: "PatchTransformer".into()
                },
                Transformation {
                    configured_in: PathBuf::from("/tmp/repo/overlays/prod/labels.yaml"),
                    kind: "LabelTransformer".into()
                },
            ]
        );
        assert_eq!(
            dep.item_names,
            [(
                FieldPath::parse("spec.template.spec.containers"),
                vec![Some("ldap".to_string()), Some("sidecar".to_string())]
            )]
        );
        assert_eq!(origins[2], DocOrigin::default());
    }

    #[test]
    fn split_origins_survives_odd_input() {
        for text in [
            "",
            "---\n",
            "metadata:\n  annotations:\n    config.kubernetes.io/origin: [\n",
            "a: b\n---\n---\nc: d",
            "metadata:\n  annotations:\n",
        ] {
            let (out, origins) = split_origins(text, Path::new("/w"));
            assert!(origins.iter().all(|o| o.resource.is_none()), "{text:?}");
            assert!(out.len() <= text.len());
        }
    }

    /// A repository in a temporary folder: (path, text) pairs.
    fn repo(files: &[(&str, &str)]) -> PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kplint-origin-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, t) in files {
            let p = dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        dir
    }

    fn shown(file: &Path, span: Span) -> (u32, String) {
        let text = std::fs::read_to_string(file).unwrap();
        let line = text[..span.start as usize].matches('\n').count() as u32 + 1;
        (
            line,
            text[span.start as usize..span.end as usize].to_string(),
        )
    }

    const BASE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: side\n          image: busybox\n        - name: web\n          image: nginx:1.25\n";

    #[test]
    fn patches_are_found_by_item_name_inline_and_json6902() {
        let dir = repo(&[
            ("base/deploy.yaml", BASE),
            (
                "o/kustomization.yaml",
                "resources: [../base]\nnamePrefix: p-\npatches:\n  - path: smp.yaml\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: add\n        path: /spec/template/spec/securityContext\n        value:\n          runAsUser: 1000\n  - path: late.yaml\n    target: {kind: Deployment}\n",
            ),
            ("o/smp.yaml", "kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"),
            ("o/late.yaml", "- op: replace\n  path: /spec/replicas\n  value: 4\n"),
        ]);
        let origin = DocOrigin {
            resource: Some(dir.join("base/deploy.yaml")),
            transformations: ["PatchTransformer", "PrefixTransformer"]
                .iter()
                .map(|k| Transformation {
                    configured_in: dir.join("o/kustomization.yaml"),
                    kind: (*k).into(),
                })
                .collect(),
            item_names: vec![(
                FieldPath::parse("spec.template.spec.containers"),
                vec![Some("web".into()), Some("side".into())],
            )],
            ..DocOrigin::default()
        };
        let mut loc = OriginLocator::default();
        let mut find = |path: &str, v: Option<&str>| {
            let (f, span) = loc
                .locate(&origin, "Deployment", Some("p-web"), path, v)
                .unwrap();
            let (line, text) = shown(&f, span);
            (
                f.strip_prefix(&dir).unwrap().display().to_string(),
                line,
                text,
            )
        };
        // Built containers[0] is `web`: the patch's item 0, the base's item 1.
        assert_eq!(
            find("spec.template.spec.containers[0].image", Some("nginx:1.27")),
            ("o/smp.yaml".into(), 10, "nginx:1.27".into())
        );
        assert_eq!(
            find("spec.template.spec.containers[1].image", None),
            ("base/deploy.yaml".into(), 11, "busybox".into())
        );
        // The JSON patch applied last wins over the strategic merge; a stale value is passed over.
        assert_eq!(
            find("spec.replicas", Some("4")),
            ("o/late.yaml".into(), 3, "4".into())
        );
        assert_eq!(
            find("spec.replicas", Some("2")),
            ("o/smp.yaml".into(), 5, "2".into())
        );
        // An inline JSON patch whose path is a parent of the field, mapped into the kustomization.
        assert_eq!(
            find("spec.template.spec.securityContext.runAsUser", Some("1000")),
            ("o/kustomization.yaml".into(), 10, "1000".into())
        );
        // Missing everywhere: the nearest written parent in the base (the `web` item).
        assert_eq!(
            find("spec.template.spec.containers[0].resources", None).1,
            12
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn transformers_and_generators_are_found_in_their_kustomization() {
        let dir = repo(&[
            ("base/deploy.yaml", BASE),
            (
                "base/kustomization.yaml",
                "resources: [deploy.yaml]\nconfigMapGenerator:\n  - name: other\n    literals: [A=1]\n  - name: cfg\n    literals:\n      - MODE=fast\n",
            ),
            (
                "o/kustomization.yaml",
                "resources: [../base]\nnamespace: prod\nimages:\n  - name: nginx\n    newTag: \"1.27\"\n  - name: busybox\n    newName: registry/busybox\nlabels:\n  - pairs:\n      team: a\n",
            ),
        ]);
        let t = |kind: &str| Transformation {
            configured_in: dir.join("o/kustomization.yaml"),
            kind: kind.into(),
        };
        let origin = DocOrigin {
            resource: Some(dir.join("base/deploy.yaml")),
            transformations: vec![
                t("NamespaceTransformer"),
                t("ImageTagTransformer"),
                t("LabelTransformer"),
            ],
            ..DocOrigin::default()
        };
        let mut loc = OriginLocator::default();
        let mut find = |o: &DocOrigin, kind: &str, name: &str, path: &str, v: Option<&str>| {
            loc.locate(o, kind, Some(name), path, v).map(|(f, span)| {
                let (line, text) = shown(&f, span);
                (
                    f.strip_prefix(&dir).unwrap().display().to_string(),
                    line,
                    text,
                )
            })
        };
        let k = "o/kustomization.yaml".to_string();
        assert_eq!(
            find(
                &origin,
                "Deployment",
                "web",
                "metadata.namespace",
                Some("prod")
            ),
            Some((k.clone(), 2, "namespace".into()))
        );
        assert_eq!(
            find(
                &origin,
                "Deployment",
                "web",
                "spec.template.spec.containers[1].image",
                Some("nginx:1.27")
            ),
            Some((k.clone(), 5, "\"1.27\"".into()))
        );
        assert_eq!(
            find(
                &origin,
                "Deployment",
                "web",
                "spec.template.spec.containers[0].image",
                Some("registry/busybox")
            ),
            Some((k.clone(), 7, "registry/busybox".into()))
        );
        assert_eq!(
            find(
                &origin,
                "Deployment",
                "web",
                "metadata.labels.team",
                Some("a")
            ),
            Some((k.clone(), 10, "a".into()))
        );
        // Written in the base with the built value: the base.
        assert_eq!(
            find(&origin, "Deployment", "web", "spec.replicas", Some("1")).map(|f| f.1),
            Some(6)
        );

        let generated = DocOrigin {
            generated_by: Some(dir.join("base/kustomization.yaml")),
            ..DocOrigin::default()
        };
        let b = "base/kustomization.yaml".to_string();
        assert_eq!(
            find(
                &generated,
                "ConfigMap",
                "cfg-5fh9k7c2mt",
                "data.MODE",
                Some("fast")
            ),
            Some((b.clone(), 7, "MODE=fast".into()))
        );
        assert_eq!(
            find(&generated, "ConfigMap", "cfg-5fh9k7c2mt", "immutable", None),
            Some((b, 5, "cfg".into()))
        );
        // Nothing known: nothing found, no panic.
        assert_eq!(
            find(&DocOrigin::default(), "ConfigMap", "x", "data.A", None),
            None
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn inline_patch_offsets_map_back_to_the_kustomization() {
        let k =
            "patches:\n  - patch: |-\n      kind: Service\n      spec:\n        type: NodePort\n";
        let f = SourceFile::new(0, String::new(), k);
        let p = parse(&f);
        let d = &p.documents[0];
        let (_, list) = d.tree.get(d.root, "patches").unwrap();
        let (_, v) = d.tree.get(d.tree.items(list)[0], "patch").unwrap();
        let text = d.tree.scalar(v).unwrap().text;
        let at = text.find("NodePort").unwrap() as u32;
        let span = map_inline(k, d.tree.span(v), text, Span::new(at, at + 8)).unwrap();
        assert_eq!(&k[span.start as usize..span.end as usize], "NodePort");
        assert_eq!(
            map_inline(k, Span::default(), text, Span::new(at, at + 8)),
            None
        );
    }
}
