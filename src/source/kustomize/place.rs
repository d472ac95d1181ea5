//! Findings on built objects, placed where the user wrote the field: the rules run on the
//! built stream, and this step moves each finding (and its related locations) to the resource,
//! patch or kustomization line its origin names, keeping the built position as `rendered`. A
//! defect in a base that several overlays use is then one finding at the base's line.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::origin::{DocOrigin, OriginLocator};
use crate::model::location::resolve_written;
use crate::model::{FieldPath, Inventory, Object, ObjectId};
use crate::report::Diagnostic;
use crate::source::{FileId, NodeId, Span, Tree};

/// Moves the findings on built objects to where their fields are written; the others pass
/// unchanged. `origins` are each built stream's document origins, `reads` the files placed in
/// (by absolute path) with their ids in the run.
pub fn to_written(
    inv: &Inventory,
    diagnostics: Vec<Diagnostic>,
    origins: &[(FileId, Vec<DocOrigin>)],
    reads: &[(PathBuf, FileId)],
) -> Vec<Diagnostic> {
    let built: HashMap<FileId, &[DocOrigin]> =
        origins.iter().map(|(f, o)| (*f, o.as_slice())).collect();
    let ids: HashMap<&PathBuf, FileId> = reads.iter().map(|(p, id)| (p, *id)).collect();
    // The objects of the built streams, by file: few beside the run's.
    let mut objects_of: HashMap<FileId, Vec<ObjectId>> = HashMap::new();
    for o in &inv.objects {
        if built.contains_key(&o.file) {
            objects_of.entry(o.file).or_default().push(o.id);
        }
    }
    let mut place = Placer {
        inv,
        built,
        ids,
        objects_of,
        locator: OriginLocator::default(),
    };
    let mut out = Vec::with_capacity(diagnostics.len());
    // (rule, file, span) of each finding placed so far: the same defect built into several
    // units is reported once, where it is written.
    let mut seen: HashSet<(&'static str, FileId, Span)> = HashSet::new();
    for mut d in diagnostics {
        if !place.built.contains_key(&d.file) {
            out.push(d);
            continue;
        }
        let document = d.object.as_ref().map(|o| o.document);
        if let Some((file, span)) = place.written(d.file, document, d.span, d.path.as_deref()) {
            d.rendered = Some((d.file, d.span));
            d.file = file;
            d.span = span;
        }
        for r in &mut d.related {
            if let Some((file, span)) = place.written(r.file, None, r.span, None) {
                r.rendered = Some((r.file, r.span));
                r.file = file;
                r.span = span;
            }
        }
        if d.rendered.is_some() && !seen.insert((d.rule, d.file, d.span)) {
            continue;
        }
        out.push(d);
    }
    out
}

struct Placer<'a> {
    inv: &'a Inventory,
    built: HashMap<FileId, &'a [DocOrigin]>,
    ids: HashMap<&'a PathBuf, FileId>,
    objects_of: HashMap<FileId, Vec<ObjectId>>,
    locator: OriginLocator,
}

impl<'a> Placer<'a> {
    /// Where the user wrote what `span` of built file `file` shows (of the object of
    /// `document`, or of the object whose text holds the span); `None` to leave it built.
    fn written(
        &mut self,
        file: FileId,
        document: Option<u32>,
        span: Span,
        path: Option<&str>,
    ) -> Option<(FileId, Span)> {
        let origins = *self.built.get(&file)?;
        let obj = self.object_at(file, document, span)?;
        let origin = origins.get(obj.document as usize)?;
        let path = match path {
            Some(p) => p.to_string(),
            None => path_at(&obj.tree, obj.root, span).unwrap_or_default(),
        };
        let res = resolve_written(&obj.tree, obj.root, &path);
        let value = res
            .complete
            .then(|| obj.tree.scalar(res.value).map(|s| s.text.to_string()))
            .flatten();
        let (abs, at) = self.locator.locate(
            origin,
            &obj.kind,
            obj.name.as_deref(),
            &path,
            value.as_deref(),
        )?;
        let id = *self.ids.get(&abs)?;
        Some((id, at))
    }

    fn object_at(&self, file: FileId, document: Option<u32>, span: Span) -> Option<&'a Object> {
        let inv = self.inv;
        let ids = self.objects_of.get(&file)?;
        let mut candidates = ids.iter().filter_map(|&id| inv.object(id));
        match document {
            Some(doc) => candidates.find(|o| o.document == doc),
            None => candidates.find(|o| {
                let s = o.tree.span(o.root);
                s.start <= span.start && span.end <= s.end
            }),
        }
    }
}

/// The field path of the node of `tree` at `span` (its key or its value), if one is there.
fn path_at(tree: &Tree, root: NodeId, span: Span) -> Option<String> {
    let mut path = FieldPath::default();
    let mut at = root;
    // Bounded by the tree's depth: each step goes one level down.
    for _ in 0..tree.len() {
        let mut next = None;
        if tree.is_mapping(at) {
            for (k, v) in tree.entries(at) {
                let key = tree
                    .scalar(k)
                    .map(|s| s.text.to_string())
                    .unwrap_or_default();
                if tree.span(k) == span || tree.span(v) == span {
                    return Some(path.key(&key).to_string());
                }
                let vs = tree.span(v);
                if vs.start <= span.start && span.end <= vs.end {
                    next = Some((Some(key), None, v));
                    break;
                }
            }
        } else if tree.is_sequence(at) {
            for (i, &item) in tree.items(at).iter().enumerate() {
                let s = tree.span(item);
                if s == span {
                    return Some(path.index(i).to_string());
                }
                if s.start <= span.start && span.end <= s.end {
                    next = Some((None, Some(i), item));
                    break;
                }
            }
        }
        let (key, index, node) = next?;
        path = match (key, index) {
            (Some(k), _) => path.key(&k),
            (None, Some(i)) => path.index(i),
            _ => return None,
        };
        at = node;
    }
    None
}
