//! Typed decoding straight from the span tree, with strict field checking in the same pass.
//!
//! [`Decoder`] runs a type's `Deserialize` impl (`k8s-openapi`'s generated ones, serde's derive)
//! over a document subtree through a serde `Deserializer` that reads the tree the way kubectl
//! reads YAML: scalars resolved as go-yaml v2 resolves them (`source::scalar::resolve`), aliases
//! followed, `<<` merge keys applied (written keys win), the last of repeated keys kept, mapping
//! keys handed over as the JSON key kubectl makes of them. No intermediate `serde_json::Value` is
//! built.
//!
//! The same pass records the keys a struct's schema lacks: `deserialize_struct(name, fields,
//! visitor)` receives every field name the schema has, so the mapping's keys are compared with
//! `fields` there: exactly the keys kubectl's strict field validation rejects. Free-form maps
//! (labels, `resources.limits`, `data`) go through `deserialize_map` and untyped JSON through
//! `deserialize_any`, so their keys are never judged.
//!
//! A decode that fails says where: the innermost node an error left, its path and its key
//! ([`Failure`]). The caller can drop that field ([`Decoder::drop_field`]: a mapping entry is
//! then absent, a list item null) and decode again, to report every bad field of an object.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::Error;

use super::location::{FieldPath, Segment};
use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::{is_merge_key, NodeKind};
use crate::source::{NodeId, Tree};

/// Deepest expansion accepted while decoding (aliases can stack written depth).
pub const MAX_JSON_DEPTH: usize = 512;

/// A key the schema of the mapping it is written in does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// Path of the mapping that holds the key.
    pub parent: FieldPath,
    pub key: String,
    /// The fields the schema has at that place.
    pub fields: &'static [&'static str],
    /// A struct a level or two above or below whose schema has `key` (an indentation slip):
    /// the enclosing one is preferred.
    pub belongs_to: Option<FieldPath>,
}

/// Why a subtree has no JSON form (kubectl's YAML-to-JSON step fails on it).
#[derive(Debug, Clone)]
pub struct JsonError {
    pub node: NodeId,
    pub message: String,
}

/// Where and why a decode failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// serde's message (`invalid type: …, expected …`, `missing field `x``).
    pub message: String,
    /// The path of the innermost value the error left; for a missing field, the struct's.
    pub path: FieldPath,
    /// The node at `path` (the value as written, an alias stays the alias).
    pub node: NodeId,
    /// The key of `node` when it is a mapping entry's value.
    pub key: Option<NodeId>,
}

/// What the decoder shows differently from the tree at the object's root.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overlay {
    /// Leave the root's `status` out: manifests describe desired state, `status` is never read.
    pub skip_status: bool,
    /// Shown as the root's `apiVersion` and `kind` (removed versions are read through the
    /// current shape, whose impl checks both).
    pub api_version_kind: Option<(&'static str, &'static str)>,
    /// Show an empty `spec.selector` where the root's `spec` mapping has none.
    pub empty_selector: bool,
    /// Shown as the root's `name` where it has none: an Argo step's main container, whose name
    /// is optional, is named `main` by Argo, and findings name it so.
    pub default_name: Option<&'static str>,
}

/// Decodes one subtree, possibly several times with more fields dropped each time.
#[derive(Debug)]
pub struct Decoder<'t> {
    tree: &'t Tree,
    root: NodeId,
    overlay: Overlay,
    dropped: Vec<FieldPath>,
    sorted: bool,
}

impl<'t> Decoder<'t> {
    pub fn new(tree: &'t Tree, root: NodeId, overlay: Overlay) -> Self {
        Decoder {
            tree,
            root,
            overlay,
            dropped: Vec::new(),
            sorted: false,
        }
    }

    /// From now on, visits every mapping's keys in sorted order, as a `serde_json::Map` holds
    /// them. Which error comes first (and so which ones are reported) depends on the order;
    /// whether a decode succeeds does not.
    pub fn sort_keys(&mut self) {
        self.sorted = true;
    }

    /// Decodes again without the field at `path`: a mapping entry is absent, a list item null.
    pub fn drop_field(&mut self, path: FieldPath) {
        self.dropped.push(path);
    }

    /// Decodes `T`, appending to `unknown` every key no schema struct has. The keys met before
    /// a type error are recorded even when decoding fails.
    pub fn decode<T: de::DeserializeOwned>(
        &self,
        unknown: &mut Vec<UnknownField>,
    ) -> Result<T, Failure> {
        let first_new = unknown.len();
        let (result, state) = self.run::<T>(std::mem::take(unknown), false, self.sorted);
        *unknown = state.unknown;
        let found = unknown.get_mut(first_new..).unwrap_or_default();
        if !self.sorted {
            // The order a sorted traversal records them in: the renderer keeps the first of
            // keys shared through an alias.
            found.sort_by(|a, b| {
                path_order(&a.parent.0, &b.parent.0).then_with(|| a.key.cmp(&b.key))
            });
        }
        if found.iter().any(|u| u.belongs_to.is_none()) {
            // Rare (only objects with unknown keys): decode once more, noting every struct, to
            // find a key that belongs a level or two deeper (`schedule` at a CronJob's top level).
            let (_, collected) = self.run::<T>(Vec::new(), true, true);
            for u in found.iter_mut() {
                if u.belongs_to.is_none() {
                    u.belongs_to = below(&collected.visits, &u.parent, &u.key);
                }
            }
        }
        result.map_err(|err| {
            let at = state.failure.unwrap_or(Located {
                path: FieldPath::default(),
                node: self.root,
                key: None,
            });
            Failure {
                message: err.to_string(),
                path: at.path,
                node: at.node,
                key: at.key,
            }
        })
    }

    fn run<'a, T: de::DeserializeOwned>(
        &'a self,
        unknown: Vec<UnknownField>,
        note_structs: bool,
        sorted: bool,
    ) -> (Result<T, Error>, State<'a>) {
        let cx = Cx {
            tree: self.tree,
            overlay: self.overlay,
            dropped: &self.dropped,
            sorted,
        };
        let state = RefCell::new(State {
            path: Vec::new(),
            structs: Vec::new(),
            unknown,
            note_structs,
            visits: Vec::new(),
            entries: Vec::new(),
            failure: None,
        });
        let result = T::deserialize(Strict {
            cx: &cx,
            state: &state,
            node: self.root,
            key: None,
            src: Src::Node,
            depth: 0,
            place: Place::Root,
        });
        (result, state.into_inner())
    }
}

/// Decodes `T` from the subtree at `root` as written (no overlay, keys in written order).
pub fn deserialize<T: de::DeserializeOwned>(
    tree: &Tree,
    root: NodeId,
    unknown: &mut Vec<UnknownField>,
) -> Result<T, Failure> {
    Decoder::new(tree, root, Overlay::default()).decode(unknown)
}

/// The first reason, in document order, that the subtree at `id` has no JSON form: a mapping key
/// that is not a scalar, a number JSON cannot hold (`.nan`, `.inf`), a merge key that merges no
/// mapping, nesting past [`MAX_JSON_DEPTH`] once aliases expand.
pub fn json_error(tree: &Tree, id: NodeId) -> Option<JsonError> {
    check(tree, id, 0).err()
}

fn check(tree: &Tree, id: NodeId, depth: usize) -> Result<(), JsonError> {
    if depth > MAX_JSON_DEPTH {
        return Err(too_deep(id));
    }
    let resolved = tree.resolve(id);
    match tree.kind(resolved) {
        Some(NodeKind::Scalar { .. }) => match tree.scalar(resolved) {
            Some(s) if !representable(resolve(s.text, s.style, s.tag)) => {
                Err(not_a_number(id, s.text))
            }
            _ => Ok(()),
        },
        Some(NodeKind::Sequence { .. }) => tree
            .items(resolved)
            .iter()
            .try_for_each(|&item| check(tree, item, depth + 1)),
        Some(NodeKind::Mapping { .. }) => {
            for (k, v) in tree.entries(resolved) {
                let Some(key) = tree.scalar(k) else {
                    return Err(non_scalar_key(k));
                };
                if !is_merge_key(&key) {
                    check(tree, v, depth + 1)?;
                }
            }
            for (k, v) in tree.entries(resolved) {
                if tree.scalar(k).is_some_and(|key| is_merge_key(&key)) {
                    for &src in tree.merge_sources(&v) {
                        check(tree, src, depth + 1)?;
                        if !tree.is_mapping(src) {
                            return Err(not_mergeable(src));
                        }
                    }
                }
            }
            Ok(())
        }
        Some(NodeKind::Alias { .. }) | None => Ok(()),
    }
}

fn too_deep(node: NodeId) -> JsonError {
    JsonError {
        node,
        message: format!("nesting deeper than {MAX_JSON_DEPTH} levels once aliases expand"),
    }
}

fn not_a_number(node: NodeId, text: &str) -> JsonError {
    JsonError {
        node,
        message: format!("`{text}` is not a number JSON can represent"),
    }
}

fn non_scalar_key(node: NodeId) -> JsonError {
    JsonError {
        node,
        message: "a mapping key must be a scalar, not a mapping or a list".into(),
    }
}

fn not_mergeable(node: NodeId) -> JsonError {
    JsonError {
        node,
        message: "a merge key (`<<`) must merge a mapping".into(),
    }
}

fn representable(r: Resolved<'_>) -> bool {
    match r {
        Resolved::Float(f) => f.is_finite(),
        _ => true,
    }
}

/// The shallowest struct written one or two keys below `parent` whose schema has `key`.
fn below(
    visits: &[(FieldPath, &'static [&'static str])],
    parent: &FieldPath,
    key: &str,
) -> Option<FieldPath> {
    let keys = |p: &FieldPath| p.0.iter().filter(|s| matches!(s, Segment::Key(_))).count();
    let base = keys(parent);
    visits
        .iter()
        .filter(|(path, fields)| {
            path.0.starts_with(&parent.0)
                && (base + 1..=base + MISPLACED_LEVELS).contains(&keys(path))
                && fields.contains(&key)
        })
        .min_by_key(|(path, _)| path.0.len())
        .map(|(path, _)| path.clone())
}

/// How many enclosing structs are searched for a misplaced key: an indentation slip moves a
/// key a level or two, and generic names (`name`, `kind`) would match far ancestors by chance.
const MISPLACED_LEVELS: usize = 2;

/// Paths in the order a traversal with sorted keys meets them: a mapping before what is inside
/// it, keys by their bytes, items by index.
fn path_order(a: &[Segment], b: &[Segment]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Segment::Key(x), Segment::Key(y)) => x.cmp(y),
            (Segment::Index(x), Segment::Index(y)) => x.cmp(y),
            (Segment::Key(_), Segment::Index(_)) => Ordering::Less,
            (Segment::Index(_), Segment::Key(_)) => Ordering::Greater,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// What stays the same for a whole decode.
struct Cx<'a> {
    tree: &'a Tree,
    overlay: Overlay,
    dropped: &'a [FieldPath],
    sorted: bool,
}

#[derive(Clone)]
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

/// Where a failure was first seen.
struct Located {
    path: FieldPath,
    node: NodeId,
    key: Option<NodeId>,
}

struct State<'a> {
    /// Where the value being decoded is.
    path: Vec<Step<'a>>,
    /// The structs being decoded around the current value: their depth in `path` and fields.
    structs: Vec<(usize, &'static [&'static str])>,
    unknown: Vec<UnknownField>,
    /// When set, every struct decoded is noted in `visits` (and unknown keys are not judged).
    note_structs: bool,
    visits: Vec<(FieldPath, &'static [&'static str])>,
    /// The entries of the mappings being decoded, innermost last (a stack of ranges).
    entries: Vec<Entry<'a>>,
    /// The innermost place an error left, set once.
    failure: Option<Located>,
}

impl State<'_> {
    fn field_path(&self) -> FieldPath {
        FieldPath(
            self.path
                .iter()
                .map(|s| match s {
                    Step::Key(k) => Segment::Key(k.to_string()),
                    Step::Index(i) => Segment::Index(*i),
                })
                .collect(),
        )
    }

    /// True when the current path followed by `last` is one of `paths`.
    fn is_dropped(&self, paths: &[FieldPath], last: &Step<'_>) -> bool {
        paths.iter().any(|p| {
            p.0.len() == self.path.len() + 1
                && p.0
                    .iter()
                    .zip(self.path.iter().chain([last]))
                    .all(|pair| match pair {
                        (Segment::Key(a), Step::Key(b)) => a == b,
                        (Segment::Index(a), Step::Index(b)) => a == b,
                        _ => false,
                    })
        })
    }
}

/// What a node reads as.
#[derive(Clone, Copy)]
enum Src<'a> {
    /// The tree node itself.
    Node,
    /// A scalar already resolved.
    Scalar(Resolved<'a>),
    /// Null (a dropped list item).
    Null,
    /// A string that is not written (an overridden `apiVersion`).
    Str(&'static str),
    /// An empty mapping that is not written (an absent `spec.selector`).
    EmptyMap,
}

/// Which part of the object's root a mapping is, for the [`Overlay`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    RootSpec,
    Other,
}

/// One key/value pair of a mapping as serde sees it.
#[derive(Clone)]
struct Entry<'a> {
    key: Cow<'a, str>,
    key_node: Option<NodeId>,
    value: NodeId,
    src: Src<'a>,
    depth: usize,
    /// Which of repeated keys wins: the lowest (the last written, then the first merged).
    rank: usize,
}

#[derive(Clone, Copy)]
struct Strict<'a, 's> {
    cx: &'s Cx<'a>,
    state: &'s RefCell<State<'a>>,
    /// The node as written (an alias stays the alias; synthetic values point at their parent).
    node: NodeId,
    key: Option<NodeId>,
    src: Src<'a>,
    /// Levels below the root, counting alias expansion and merge sources as kubectl does.
    depth: usize,
    place: Place,
}

fn structural(e: JsonError) -> Error {
    de::Error::custom(e.message)
}

impl<'a, 's> Strict<'a, 's> {
    fn check_depth(&self) -> Result<(), Error> {
        if self.depth > MAX_JSON_DEPTH {
            return Err(structural(too_deep(self.node)));
        }
        Ok(())
    }

    /// The mapping node to read, if this is one (after aliases).
    fn mapping(&self) -> Option<NodeId> {
        match self.src {
            Src::Node => {
                let id = self.cx.tree.resolve(self.node);
                match self.cx.tree.kind(id) {
                    Some(NodeKind::Mapping { .. }) => Some(id),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Decodes a child, noting where an error left it, the first time.
    fn child<T: DeserializeSeed<'a>>(
        self,
        step: Step<'a>,
        seed: T,
        child: Strict<'a, 's>,
    ) -> Result<T::Value, Error> {
        self.state.borrow_mut().path.push(step);
        let out = seed.deserialize(child);
        let mut state = self.state.borrow_mut();
        if out.is_err() && state.failure.is_none() {
            let path = state.field_path();
            state.failure = Some(Located {
                path,
                node: child.node,
                key: child.key,
            });
        }
        state.path.pop();
        out
    }

    fn visit_resolved<V: Visitor<'a>>(&self, r: Resolved<'a>, v: V) -> Result<V::Value, Error> {
        match r {
            Resolved::Null => v.visit_unit(),
            Resolved::Bool(b) => v.visit_bool(b),
            Resolved::Int(i) => visit_int(i, v),
            Resolved::Uint(u) => v.visit_u64(u),
            Resolved::Float(f) => {
                // Go's json.Marshal writes an integral float without a fraction (`8`, not
                // `8.0`), so the API server reads `replicas: 3.0` as the integer 3.
                if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
                    visit_int(f as i64, v)
                } else if f.is_finite() {
                    v.visit_f64(f)
                } else {
                    let text = self.cx.tree.scalar(self.node).map_or("", |s| s.text);
                    Err(structural(not_a_number(self.node, text)))
                }
            }
            Resolved::Str(s) => v.visit_borrowed_str(s),
        }
    }

    /// Pushes the entries of the mapping `map` as kubectl reads them onto the entry stack:
    /// merged, repeated keys settled, the overlay applied, dropped fields left out.
    fn collect(&self, map: Option<NodeId>) -> Result<(usize, usize), Error> {
        let start = self.state.borrow().entries.len();
        let out = self.collect_from(map, start);
        if out.is_err() {
            self.state.borrow_mut().entries.truncate(start);
        }
        out.map(|end| (start, end))
    }

    fn collect_from(&self, map: Option<NodeId>, start: usize) -> Result<usize, Error> {
        let cx = self.cx;
        let mut state = self.state.borrow_mut();
        if let Some(map) = map {
            collect_into(cx.tree, map, self.depth, &mut state.entries).map_err(structural)?;
        }
        let entries = &mut state.entries;
        match self.place {
            Place::Root => {
                if cx.overlay.skip_status {
                    remove_key(cx.tree, entries, start, "status")?;
                }
                if let Some((api_version, kind)) = cx.overlay.api_version_kind {
                    self.set_str(entries, start, "apiVersion", api_version)?;
                    self.set_str(entries, start, "kind", kind)?;
                }
                if let Some(name) = cx.overlay.default_name {
                    let tail = entries.get(start..).unwrap_or_default();
                    if !tail.iter().any(|e| e.key == "name") {
                        self.set_str(entries, start, "name", name)?;
                    }
                }
            }
            Place::RootSpec if cx.overlay.empty_selector => {
                let tail = entries.get(start..).unwrap_or_default();
                if !tail.iter().any(|e| e.key == "selector") {
                    entries.push(self.synthetic("selector", Src::EmptyMap));
                }
            }
            Place::RootSpec | Place::Other => {}
        }
        if !cx.dropped.is_empty() {
            let mut i = start;
            while i < state.entries.len() {
                let dropped = match state.entries.get(i) {
                    Some(e) => state.is_dropped(cx.dropped, &Step::Key(e.key.clone())),
                    None => false,
                };
                if dropped {
                    state.entries.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        let entries = &mut state.entries;
        if cx.sorted {
            if let Some(tail) = entries.get_mut(start..) {
                tail.sort_by(|a, b| a.key.cmp(&b.key));
            }
        }
        Ok(entries.len())
    }

    /// What this value is, for an `invalid type` message.
    fn unexpected(&self) -> Unexpected<'a> {
        match self.src {
            Src::Null => Unexpected::Unit,
            Src::Str(s) => Unexpected::Str(s),
            Src::EmptyMap => Unexpected::Map,
            Src::Scalar(r) => unexpected(r),
            Src::Node => {
                let tree = self.cx.tree;
                let id = tree.resolve(self.node);
                match tree.kind(id) {
                    Some(NodeKind::Scalar { .. }) => {
                        tree.scalar(id).map_or(Unexpected::Unit, |s| {
                            unexpected(resolve(s.text, s.style, s.tag))
                        })
                    }
                    Some(NodeKind::Sequence { .. }) => Unexpected::Seq,
                    Some(NodeKind::Mapping { .. }) => Unexpected::Map,
                    Some(NodeKind::Alias { .. }) | None => Unexpected::Unit,
                }
            }
        }
    }

    /// A value that is not written, located at this mapping (its key when it has one).
    fn synthetic(&self, key: &'static str, src: Src<'a>) -> Entry<'a> {
        Entry {
            key: Cow::Borrowed(key),
            key_node: self.key,
            value: self.key.unwrap_or(self.node),
            src,
            depth: self.depth + 1,
            rank: 0,
        }
    }

    /// Shows `key` as the string `value`, whether it is written or not.
    fn set_str(
        &self,
        entries: &mut Vec<Entry<'a>>,
        start: usize,
        key: &'static str,
        value: &'static str,
    ) -> Result<(), Error> {
        let tail = entries.get_mut(start..).unwrap_or_default();
        match tail.iter_mut().find(|e| e.key == key) {
            Some(e) => {
                // The written value is still converted by kubectl.
                if matches!(e.src, Src::Node) {
                    check(self.cx.tree, e.value, e.depth).map_err(structural)?;
                }
                e.src = Src::Str(value);
            }
            None => {
                let mut e = self.synthetic(key, Src::Str(value));
                e.value = self.node;
                e.key_node = None;
                entries.push(e);
            }
        }
        Ok(())
    }

    fn visit_mapping<V: Visitor<'a>>(
        self,
        map: Option<NodeId>,
        fields: Option<&'static [&'static str]>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (start, end) = self.collect(map)?;
        if let Some(fields) = fields {
            self.judge(start, end, fields);
        }
        let mut access = Map {
            parent: self,
            pos: start,
            end,
            pending: None,
        };
        let out = visitor.visit_map(&mut access);
        let remaining = access.end.saturating_sub(access.pos);
        let pending = access.pending.take();
        let mut state = self.state.borrow_mut();
        state.entries.truncate(start);
        if fields.is_some() {
            state.structs.pop();
        }
        drop(state);
        let out = out?;
        if let Some(e) = pending {
            self.check_skipped(&e)?;
        }
        if remaining > 0 {
            return Err(de::Error::invalid_length(
                end - start,
                &"fewer elements in map",
            ));
        }
        Ok(out)
    }

    /// A value serde skipped is still converted by kubectl: only its JSON form is checked.
    fn check_skipped(&self, e: &Entry<'a>) -> Result<(), Error> {
        match e.src {
            Src::Node => check(self.cx.tree, e.value, e.depth).map_err(structural),
            _ => Ok(()),
        }
    }

    /// Records the keys of a struct's mapping that its schema lacks, and enters the struct.
    fn judge(&self, start: usize, end: usize, fields: &'static [&'static str]) {
        let mut state = self.state.borrow_mut();
        if state.note_structs {
            let here = state.field_path();
            state.visits.push((here, fields));
        } else {
            let mut found = Vec::new();
            for e in state.entries.get(start..end).unwrap_or_default() {
                if !fields.contains(&e.key.as_ref()) {
                    found.push(e.key.to_string());
                }
            }
            if !found.is_empty() {
                let parent = state.field_path();
                for key in found {
                    let belongs_to = state
                        .structs
                        .iter()
                        .rev()
                        .take(MISPLACED_LEVELS)
                        .find(|(_, f)| f.contains(&key.as_str()))
                        .map(|(depth, _)| {
                            FieldPath(parent.0.iter().take(*depth).cloned().collect())
                        });
                    state.unknown.push(UnknownField {
                        parent: parent.clone(),
                        key,
                        fields,
                        belongs_to,
                    });
                }
            }
        }
        let depth = state.path.len();
        state.structs.push((depth, fields));
    }
}

/// A resolved scalar as serde_json's `Value` would name it.
fn unexpected(r: Resolved<'_>) -> Unexpected<'_> {
    let int = |i: i64| match u64::try_from(i) {
        Ok(u) => Unexpected::Unsigned(u),
        Err(_) => Unexpected::Signed(i),
    };
    match r {
        Resolved::Null => Unexpected::Unit,
        Resolved::Bool(b) => Unexpected::Bool(b),
        Resolved::Int(i) => int(i),
        Resolved::Uint(u) => Unexpected::Unsigned(u),
        Resolved::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => int(f as i64),
        Resolved::Float(f) => Unexpected::Float(f),
        Resolved::Str(s) => Unexpected::Str(s),
    }
}

fn visit_int<'a, V: Visitor<'a>>(i: i64, v: V) -> Result<V::Value, Error> {
    match u64::try_from(i) {
        Ok(u) => v.visit_u64(u),
        Err(_) => v.visit_i64(i),
    }
}

/// Drops the entry `key` (kubectl still converts its value).
fn remove_key(
    tree: &Tree,
    entries: &mut Vec<Entry<'_>>,
    start: usize,
    key: &str,
) -> Result<(), Error> {
    let mut i = start;
    while let Some(e) = entries.get(i) {
        if e.key == key {
            if matches!(e.src, Src::Node) {
                check(tree, e.value, e.depth).map_err(structural)?;
            }
            entries.remove(i);
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Pushes the entries of the mapping `map` (at `depth`) onto `out`: written keys (the last of
/// repeated ones) first, then the keys of each merge source that are not there yet.
fn collect_into<'a>(
    tree: &'a Tree,
    map: NodeId,
    depth: usize,
    out: &mut Vec<Entry<'a>>,
) -> Result<(), JsonError> {
    let start = out.len();
    let mut merges = false;
    for (k, v) in tree.entries(map) {
        let Some(key) = tree.scalar(k) else {
            return Err(non_scalar_key(k));
        };
        if is_merge_key(&key) {
            merges = true;
            continue;
        }
        out.push(Entry {
            key: key.key(),
            key_node: Some(k),
            value: v,
            src: Src::Node,
            depth: depth + 1,
            rank: 0,
        });
    }
    if tree.is_simple_mapping(map) {
        return Ok(());
    }
    // Repeated keys: the last written wins.
    let written = out.len() - start;
    for (i, e) in out.iter_mut().skip(start).enumerate() {
        e.rank = written - i;
    }
    if merges {
        for (k, v) in tree.entries(map) {
            if !tree.scalar(k).is_some_and(|key| is_merge_key(&key)) {
                continue;
            }
            for &src in tree.merge_sources(&v) {
                if depth + 1 > MAX_JSON_DEPTH {
                    return Err(too_deep(src));
                }
                let resolved = tree.resolve(src);
                if !tree.is_mapping(resolved) {
                    check(tree, src, depth + 1)?;
                    return Err(not_mergeable(src));
                }
                let from = out.len();
                collect_into(tree, resolved, depth + 1, out)?;
                // Merged keys rank after every written one, earlier sources first.
                for (i, e) in out.iter_mut().enumerate().skip(from) {
                    e.rank = written + 1 + i - start;
                }
            }
        }
    }
    let Some(tail) = out.get_mut(start..) else {
        return Ok(());
    };
    tail.sort_by(|a, b| a.key.cmp(&b.key).then(a.rank.cmp(&b.rank)));
    // Keep the best of each key; the others are still converted by kubectl.
    let mut keep = start;
    for i in start..out.len() {
        let repeated = keep > start
            && out
                .get(keep - 1)
                .zip(out.get(i))
                .is_some_and(|(kept, e)| kept.key == e.key);
        if repeated {
            if let Some(e) = out.get(i) {
                check(tree, e.value, e.depth)?;
            }
        } else {
            out.swap(keep, i);
            keep += 1;
        }
    }
    out.truncate(keep);
    Ok(())
}

impl<'de> Deserializer<'de> for Strict<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.check_depth()?;
        match self.src {
            Src::Scalar(r) => self.visit_resolved(r, visitor),
            Src::Null => visitor.visit_unit(),
            Src::Str(s) => visitor.visit_borrowed_str(s),
            Src::EmptyMap => self.visit_mapping(None, None, visitor),
            Src::Node => {
                let tree = self.cx.tree;
                let id = tree.resolve(self.node);
                match tree.kind(id) {
                    Some(NodeKind::Scalar { .. }) => match tree.scalar(id) {
                        Some(s) => self.visit_resolved(resolve(s.text, s.style, s.tag), visitor),
                        None => visitor.visit_unit(),
                    },
                    Some(NodeKind::Sequence { .. }) => {
                        let items = tree.items(id);
                        let mut access = Seq {
                            parent: self,
                            items,
                            pos: 0,
                        };
                        let out = visitor.visit_seq(&mut access)?;
                        if access.pos < items.len() {
                            return Err(de::Error::invalid_length(
                                items.len(),
                                &"fewer elements in array",
                            ));
                        }
                        Ok(out)
                    }
                    Some(NodeKind::Mapping { .. }) => self.visit_mapping(Some(id), None, visitor),
                    Some(NodeKind::Alias { .. }) | None => visitor.visit_unit(),
                }
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.check_depth()?;
        match self.src {
            Src::Null => visitor.visit_none(),
            Src::Node => {
                let tree = self.cx.tree;
                let id = tree.resolve(self.node);
                match tree.kind(id) {
                    Some(NodeKind::Scalar { .. }) => match tree.scalar(id) {
                        Some(s) => match resolve(s.text, s.style, s.tag) {
                            Resolved::Null => visitor.visit_none(),
                            r => visitor.visit_some(Strict {
                                src: Src::Scalar(r),
                                ..self
                            }),
                        },
                        None => visitor.visit_none(),
                    },
                    Some(NodeKind::Alias { .. }) | None => visitor.visit_none(),
                    Some(_) => visitor.visit_some(self),
                }
            }
            Src::Scalar(Resolved::Null) => visitor.visit_none(),
            Src::Scalar(_) | Src::Str(_) | Src::EmptyMap => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.check_depth()?;
        match (self.src, self.mapping()) {
            (Src::EmptyMap, _) => self.visit_mapping(None, Some(fields), visitor),
            (_, Some(map)) => self.visit_mapping(Some(map), Some(fields), visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // No schema type decodes through a serde enum; read as serde_json reads a value: a
        // string is a unit variant, a mapping of one key a variant with content.
        self.check_depth()?;
        if let Some(map) = self.mapping() {
            let (start, end) = self.collect(Some(map))?;
            let entry = self.state.borrow().entries.get(start).cloned();
            self.state.borrow_mut().entries.truncate(start);
            return match entry {
                Some(e) if end - start == 1 => visitor.visit_enum(Enum {
                    parent: self,
                    entry: e,
                }),
                _ => Err(de::Error::invalid_value(
                    Unexpected::Map,
                    &"map with a single key",
                )),
            };
        }
        let text =
            match self.src {
                Src::Str(s) => Some(s),
                Src::Scalar(Resolved::Str(s)) => Some(s),
                Src::Node => self.cx.tree.scalar(self.node).and_then(|s| {
                    match resolve(s.text, s.style, s.tag) {
                        Resolved::Str(t) => Some(t),
                        _ => None,
                    }
                }),
                _ => None,
            };
        match text {
            Some(t) => visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(t)),
            None => Err(de::Error::invalid_type(self.unexpected(), &"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // Skipped by serde, still converted by kubectl.
        self.check_depth()?;
        if matches!(self.src, Src::Node) {
            check(self.cx.tree, self.node, self.depth).map_err(structural)?;
        }
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Seq<'a, 's> {
    parent: Strict<'a, 's>,
    items: &'a [NodeId],
    pos: usize,
}

impl<'a> SeqAccess<'a> for Seq<'a, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(&item) = self.items.get(self.pos) else {
            return Ok(None);
        };
        let index = self.pos;
        self.pos += 1;
        let parent = self.parent;
        let step = Step::Index(index);
        let dropped = !parent.cx.dropped.is_empty()
            && parent.state.borrow().is_dropped(parent.cx.dropped, &step);
        let child = Strict {
            node: item,
            key: None,
            src: if dropped { Src::Null } else { Src::Node },
            depth: parent.depth + 1,
            place: Place::Other,
            ..parent
        };
        parent.child(step, seed, child).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len().saturating_sub(self.pos))
    }
}

struct Map<'a, 's> {
    parent: Strict<'a, 's>,
    /// The next entry on the state's entry stack, and the end of this mapping's entries.
    pos: usize,
    end: usize,
    pending: Option<Entry<'a>>,
}

impl<'a> MapAccess<'a> for Map<'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if let Some(skipped) = self.pending.take() {
            self.parent.check_skipped(&skipped)?;
        }
        if self.pos >= self.end {
            return Ok(None);
        }
        let Some(entry) = self.parent.state.borrow().entries.get(self.pos).cloned() else {
            return Ok(None);
        };
        self.pos += 1;
        let key = entry.key.clone();
        self.pending = Some(entry);
        match key {
            Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::<Error>::new(k)),
            Cow::Owned(k) => seed.deserialize(StringDeserializer::<Error>::new(k)),
        }
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(entry) = self.pending.take() else {
            return Err(de::Error::custom(
                "a map value was asked for before its key",
            ));
        };
        let parent = self.parent;
        let place = if parent.place == Place::Root && entry.key == "spec" {
            Place::RootSpec
        } else {
            Place::Other
        };
        let child = Strict {
            node: entry.value,
            key: entry.key_node,
            src: entry.src,
            depth: entry.depth,
            place,
            ..parent
        };
        parent.child(Step::Key(entry.key), seed, child)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.end.saturating_sub(self.pos))
    }
}

/// A mapping of one key read as an enum variant.
struct Enum<'a, 's> {
    parent: Strict<'a, 's>,
    entry: Entry<'a>,
}

impl<'a, 's> EnumAccess<'a> for Enum<'a, 's> {
    type Error = Error;
    type Variant = Strict<'a, 's>;

    fn variant_seed<V: DeserializeSeed<'a>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let variant = match self.entry.key.clone() {
            Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::<Error>::new(k)),
            Cow::Owned(k) => seed.deserialize(StringDeserializer::<Error>::new(k)),
        }?;
        let content = Strict {
            node: self.entry.value,
            key: self.entry.key_node,
            src: self.entry.src,
            depth: self.entry.depth,
            place: Place::Other,
            ..self.parent
        };
        Ok((variant, content))
    }
}

impl<'a> VariantAccess<'a> for Strict<'a, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_struct("", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::legacy::LegacyIngress;
    use crate::source::tree::parse;
    use crate::source::SourceFile;
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Pod;

    /// The first document of `text`, parsed.
    fn doc(text: &str) -> (SourceFile, crate::source::Document) {
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let mut parsed = parse(&file);
        assert!(
            parsed.problems.is_empty()
                || parsed
                    .problems
                    .iter()
                    .all(|p| { p.kind == crate::source::tree::ProblemKind::DuplicateKey })
        );
        let d = parsed.documents.remove(0);
        (file, d)
    }

    /// The text a node spans.
    fn text_at(file: &SourceFile, tree: &Tree, node: NodeId) -> String {
        let span = tree.span(node);
        file.text()
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
            .to_string()
    }

    fn unknown_of<T: de::DeserializeOwned>(text: &str) -> Vec<(String, String)> {
        let (_, d) = doc(text);
        let mut found = Vec::new();
        let _ = deserialize::<T>(&d.tree, d.root, &mut found);
        found
            .into_iter()
            .map(|u| (u.parent.to_string(), u.key))
            .collect()
    }

    fn decoded<T: de::DeserializeOwned>(text: &str) -> Result<T, Failure> {
        let (_, d) = doc(text);
        deserialize::<T>(&d.tree, d.root, &mut Vec::new())
    }

    #[test]
    fn finds_typos_at_every_level() {
        let found = unknown_of::<Deployment>(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {name: w, labels: {Any: thing}, creationTimestamp: null}
spec:
  replica: 2
  selector: {matchLabels: {a: b}, matchLabel: {}}
  template:
    metadata: {labels: {a: b}, annotations: {x.y/z: '1'}}
    spec:
      RestartPolicy: Always
      nodeSelector: {disk: ssd}
      volumes: [{name: v, emptyDir: {sizeLimit: 1Gi, medium: ''}, hostpath: {}}]
      containers:
        - name: c
          image: i
          resources: {limits: {cpu: 1, nvidia.com/gpu: 1}}
          livenessProbe: {httpGet: {path: /, port: http}, timeout: 1}
          ports: [{containerPort: 80, protocl: TCP}]
",
        );
        let want = [
            ("spec", "replica"),
            ("spec.selector", "matchLabel"),
            ("spec.template.spec", "RestartPolicy"),
            ("spec.template.spec.containers[0].livenessProbe", "timeout"),
            ("spec.template.spec.containers[0].ports[0]", "protocl"),
            ("spec.template.spec.volumes[0]", "hostpath"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(p, k)| (p.to_string(), k.to_string()))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn names_the_enclosing_struct_a_misplaced_field_belongs_to() {
        let (_, d) = doc("
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      replicas: 2
      containers: [{name: c, image: i, kind: x}]
");
        let mut found = Vec::new();
        let _ = deserialize::<Deployment>(&d.tree, d.root, &mut found);
        let owners: Vec<Option<String>> = found
            .iter()
            .map(|u| u.belongs_to.as_ref().map(|p| p.to_string()))
            .collect();
        // `kind` is a top-level field, but too far up to be an indentation slip.
        assert_eq!(owners, vec![Some("spec".to_string()), None]);
    }

    #[test]
    fn names_the_struct_below_a_key_that_was_not_indented_enough() {
        let (_, d) = doc("
apiVersion: v1
kind: Pod
schedule: x
image: i
spec:
  image: i
  containers: [{name: c, image: i}]
");
        let mut found = Vec::new();
        let _ = deserialize::<Pod>(&d.tree, d.root, &mut found);
        let owners: Vec<(String, Option<String>)> = found
            .iter()
            .map(|u| (u.key.clone(), u.belongs_to.as_ref().map(|p| p.to_string())))
            .collect();
        // In the order of a traversal with sorted keys, whatever the written order.
        assert_eq!(
            owners,
            vec![
                ("image".to_string(), Some("spec.containers[0]".to_string())),
                ("schedule".to_string(), None),
                ("image".to_string(), Some("spec.containers[0]".to_string())),
            ]
        );
    }

    #[test]
    fn valid_pod_has_no_unknown_fields() {
        let found = unknown_of::<Pod>(
            "
apiVersion: v1
kind: Pod
metadata:
  name: p
  managedFields: [{fieldsV1: {'f:spec': {'f:x': {}}}}]
spec:
  containers:
    - name: c
      image: i
      env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
  overhead: {cpu: '1'}
",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn decodes_the_same_value_as_serde_json() {
        let text = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]}}"#;
        let strict: Pod = decoded(text).expect("decodes");
        let plain: Pod = serde_json::from_str(text).expect("decodes");
        assert_eq!(strict, plain);
    }

    #[test]
    fn type_errors_still_fail() {
        let e = decoded::<Pod>("apiVersion: v1\nkind: Pod\nspec: {containers: nope}\n")
            .expect_err("a string is not a list");
        assert_eq!(e.path.to_string(), "spec.containers");
        assert!(
            e.message.starts_with("invalid type: string \"nope\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn merge_keys_written_keys_win_then_earlier_sources() {
        let text = "
defaults: &defaults {image: base, imagePullPolicy: Always, tty: true}
more: &more {workingDir: /m, image: more, stdin: true}
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - <<: [*defaults, *more]
      name: c
      image: mine
    - <<: *more
      name: d
";
        let pod: Pod = decoded(text).expect("decodes");
        let spec = pod.spec.expect("spec");
        let [c, d] = spec.containers.as_slice() else {
            panic!("two containers")
        };
        assert_eq!(c.image.as_deref(), Some("mine"));
        assert_eq!(c.image_pull_policy.as_deref(), Some("Always"));
        assert_eq!(c.working_dir.as_deref(), Some("/m"));
        assert_eq!(c.tty, Some(true));
        assert_eq!(c.stdin, Some(true));
        assert_eq!(d.image.as_deref(), Some("more"));
        assert_eq!(d.name, "d");
        // Merged keys are judged like written ones (only the anchors' holders are unknown).
        let found: Vec<String> = unknown_of::<Pod>(text)
            .into_iter()
            .map(|(p, k)| p + &k)
            .collect();
        assert_eq!(found, ["defaults", "more"]);
        let found = unknown_of::<Pod>(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{<<: {name: c, imag: i}}]\n",
        );
        assert_eq!(
            found,
            vec![("spec.containers[0]".to_string(), "imag".to_string())]
        );
    }

    #[test]
    fn merging_something_else_than_a_mapping_has_no_json_form() {
        let (_, d) = doc("apiVersion: v1\nkind: Pod\nspec:\n  <<: [{a: 1}, 5]\n");
        assert!(deserialize::<Pod>(&d.tree, d.root, &mut Vec::new()).is_err());
        let e = json_error(&d.tree, d.root).expect("an error");
        assert_eq!(e.message, "a merge key (`<<`) must merge a mapping");
    }

    #[test]
    fn aliases_are_followed_and_errors_located_at_the_alias() {
        let text = "
c: &c {name: c, image: i}
flag: &flag maybe
apiVersion: v1
kind: Pod
spec:
  containers: [*c, {name: d, image: j, tty: *flag}]
";
        let (file, d) = doc(text);
        let e = deserialize::<Pod>(&d.tree, d.root, &mut Vec::new()).expect_err("tty");
        assert_eq!(e.path.to_string(), "spec.containers[1].tty");
        assert_eq!(text_at(&file, &d.tree, e.node), "*flag");
        assert_eq!(
            e.message,
            "invalid type: string \"maybe\", expected a boolean"
        );
        let pod: Pod = decoded(&text.replace("tty: *flag", "tty: true")).expect("decodes");
        let names: Vec<&str> = pod
            .spec
            .as_ref()
            .map(|s| s.containers.iter().map(|c| c.name.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["c", "d"]);
    }

    #[test]
    fn a_yaml_1_1_boolean_in_a_string_field_is_a_type_error_at_the_scalar() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      env:\n        - name: DEBUG\n          value: yes\n";
        let (file, d) = doc(text);
        let e = deserialize::<Pod>(&d.tree, d.root, &mut Vec::new()).expect_err("a boolean");
        assert_eq!(e.message, "invalid type: boolean `true`, expected a string");
        assert_eq!(e.path.to_string(), "spec.containers[0].env[0].value");
        assert_eq!(text_at(&file, &d.tree, e.node), "yes");
        assert_eq!(
            e.key.map(|k| text_at(&file, &d.tree, k)).as_deref(),
            Some("value")
        );
        // Quoted, it is a string.
        let pod: Pod = decoded(&text.replace("yes", "\"yes\"")).expect("decodes");
        let value = pod
            .spec
            .and_then(|s| s.containers.into_iter().next())
            .and_then(|c| c.env)
            .and_then(|e| e.into_iter().next())
            .and_then(|e| e.value);
        assert_eq!(value.as_deref(), Some("yes"));
    }

    #[test]
    fn a_missing_required_field_is_located_at_the_key_of_its_mapping() {
        let text = "apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  rules:\n    - host: a\n      http: {}\n";
        let (file, d) = doc(text);
        let e = deserialize::<LegacyIngress>(&d.tree, d.root, &mut Vec::new())
            .expect_err("paths is required");
        assert_eq!(e.message, "missing field `paths`");
        assert_eq!(e.path.to_string(), "spec.rules[0].http");
        assert_eq!(
            e.key.map(|k| text_at(&file, &d.tree, k)).as_deref(),
            Some("http")
        );
    }

    #[test]
    fn the_last_of_repeated_keys_wins() {
        let pod: Pod = decoded(
            "apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: maybe\n  hostNetwork: true\n  containers: []\n",
        )
        .expect("the first value is not read");
        assert_eq!(pod.spec.and_then(|s| s.host_network), Some(true));
    }

    #[test]
    fn keys_are_the_json_keys_kubectl_makes() {
        let pod: Pod = decoded(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {80: a, on: b, ~: c, 0x10: d, '1.0': e}\n",
        )
        .expect("decodes");
        let labels = pod.metadata.labels.unwrap_or_default();
        let keys: Vec<&str> = labels.keys().map(String::as_str).collect();
        assert_eq!(keys, ["1.0", "16", "80", "null", "true"]);
    }

    #[test]
    fn numbers_json_cannot_hold_and_deep_aliases_have_no_json_form() {
        let (_, d) = doc("apiVersion: v1\nkind: Pod\nstatus: {x: .nan}\nspec: {}\n");
        assert_eq!(
            json_error(&d.tree, d.root).map(|e| e.message).as_deref(),
            Some("`.nan` is not a number JSON can represent")
        );
        let mut text = String::from("a0: &a0 [1]\n");
        for i in 1..300 {
            text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        text.push_str("apiVersion: v1\nkind: Pod\nmetadata:\n  managedFields:\n    - fieldsV1:\n");
        text.push_str(&format!(
            "        x: {}*a299{}\n",
            "[".repeat(230),
            "]".repeat(230)
        ));
        let (_, d) = doc(&text);
        assert!(deserialize::<Pod>(&d.tree, d.root, &mut Vec::new()).is_err());
        let e = json_error(&d.tree, d.root).expect("too deep");
        assert!(
            e.message.starts_with("nesting deeper than 512"),
            "{}",
            e.message
        );
    }

    #[test]
    fn dropped_fields_read_as_absent_or_null() {
        let (_, d) = doc("apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: x\n  containers: [{name: a, image: b, tty: 1}]\n");
        let mut decoder = Decoder::new(&d.tree, d.root, Overlay::default());
        decoder.sort_keys();
        let first = decoder
            .decode::<Pod>(&mut Vec::new())
            .expect_err("two errors");
        assert_eq!(first.path.to_string(), "spec.containers[0].tty");
        decoder.drop_field(first.path);
        let second = decoder
            .decode::<Pod>(&mut Vec::new())
            .expect_err("one error");
        assert_eq!(second.path.to_string(), "spec.hostNetwork");
        decoder.drop_field(second.path);
        let pod: Pod = decoder.decode(&mut Vec::new()).expect("decodes");
        let spec = pod.spec.expect("spec");
        assert_eq!(spec.host_network, None);
        assert_eq!(spec.containers.first().and_then(|c| c.tty), None);
        decoder.drop_field(FieldPath::parse("spec.containers[0]"));
        let e = decoder
            .decode::<Pod>(&mut Vec::new())
            .expect_err("a null container");
        assert_eq!(e.message, "invalid type: null, expected Container");
    }

    #[test]
    fn the_overlay_hides_status_and_shows_apiversion_kind_and_selector() {
        let (_, d) = doc("apiVersion: extensions/v1beta1\nkind: Deployment\nspec: {replicas: 1}\nstatus: {replicas: x}\n");
        let overlay = Overlay {
            skip_status: true,
            api_version_kind: Some(("apps/v1", "Deployment")),
            empty_selector: true,
            default_name: None,
        };
        let mut found = Vec::new();
        let dep: Deployment = Decoder::new(&d.tree, d.root, overlay)
            .decode(&mut found)
            .expect("decodes");
        assert!(found.is_empty(), "{found:?}");
        assert!(dep.status.is_none());
        assert_eq!(dep.spec.map(|s| s.selector), Some(Default::default()));
        assert!(deserialize::<Deployment>(&d.tree, d.root, &mut Vec::new()).is_err());
    }

    #[test]
    fn untyped_json_decodes_inside_a_struct() {
        let backend: crate::model::legacy::LegacyIngressBackend = decoded(
            "serviceName: s\nservicePort: 80\nresource: {apiGroup: x, extra: [1, {a: yes}, ~, 1.5, '2']}\n",
        )
        .expect("decodes");
        let extra = backend
            .resource
            .and_then(|r| r.get("extra").cloned())
            .unwrap_or_default();
        assert_eq!(extra, serde_json::json!([1, {"a": true}, null, 1.5, "2"]));
    }
}
