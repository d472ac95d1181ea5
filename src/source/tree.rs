//! A compact per-document YAML tree built from libyaml's events (`libyaml.rs`), keeping the byte span
//! of every key and value. Aliases stay references (never copied), so a tree is no bigger than
//! its text; expansion is budgeted here once, for every later reader.

use std::collections::HashMap;
use std::sync::Arc;

use super::libyaml::{EventKind, Events, Mark, Style};

use super::file::{to_u32, SourceFile, Span};
use super::scalar::{key_string, plain_is_string, ScalarTag};

/// Index of a node in its tree.
pub type NodeId = u32;

/// Deepest nesting accepted; real manifests stay under 40 levels.
pub const MAX_DEPTH: usize = 256;

/// Extra nodes that alias expansion may add to a document, beyond its written nodes.
pub const ALIAS_EXPANSION_BUDGET: u64 = 100_000;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl From<Style> for ScalarStyle {
    fn from(s: Style) -> Self {
        match s {
            Style::Plain => ScalarStyle::Plain,
            Style::SingleQuoted => ScalarStyle::SingleQuoted,
            Style::DoubleQuoted => ScalarStyle::DoubleQuoted,
            Style::Literal => ScalarStyle::Literal,
            Style::Folded => ScalarStyle::Folded,
        }
    }
}

/// One node: where it is and what it holds, packed into 16 bytes (retained trees hold a few
/// dozen nodes per object, for every object of a run). Read it through [`Tree::kind`].
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub span: Span,
    /// The scalar's text start, the collection's first child slot, or the alias target.
    data: u32,
    /// Kind, style, tag, where the text is, `simple`, and the length (see the `META_` masks).
    meta: u32,
}

const META_KIND: u32 = 0b11;
const KIND_SCALAR: u32 = 0;
const KIND_SEQUENCE: u32 = 1;
const KIND_MAPPING: u32 = 2;
const KIND_ALIAS: u32 = 3;
const META_STYLE_SHIFT: u32 = 2;
const META_TAG_SHIFT: u32 = 5;
const META_AT_SHIFT: u32 = 8;
const META_SIMPLE: u32 = 1 << 10;
const META_LEN_SHIFT: u32 = 11;
/// A length that does not fit the remaining 21 bits is kept in the tree's `long` list.
const META_LONG: u32 = u32::MAX >> META_LEN_SHIFT;

/// Where a scalar's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAt {
    /// `source[text_start..][..text_len]`: written as is.
    Source,
    /// The same range of the tree's own `strings` (escapes, folding, multi-line plain scalars,
    /// copied scalars).
    Strings,
    /// `COMMON_TEXTS[text_start]`: a copied scalar that is one of the usual keys.
    Common,
}

/// Keys nearly every object writes and the usual values of its identity fields, sorted
/// (bytewise): a retained tree points at these rather than copying their text, which was most
/// of its strings.
const COMMON_TEXTS: &[&str] = &[
    "Always",
    "ClusterIP",
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "CronJob",
    "DaemonSet",
    "Deployment",
    "Exact",
    "HorizontalPodAutoscaler",
    "IfNotPresent",
    "ImplementationSpecific",
    "Ingress",
    "Job",
    "LoadBalancer",
    "Namespace",
    "NetworkPolicy",
    "Never",
    "NodePort",
    "None",
    "OnFailure",
    "PersistentVolumeClaim",
    "Pod",
    "PodDisruptionBudget",
    "Prefix",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "Recreate",
    "ReplicaSet",
    "Role",
    "RoleBinding",
    "RollingUpdate",
    "Secret",
    "Service",
    "ServiceAccount",
    "StatefulSet",
    "TCP",
    "UDP",
    "annotations",
    "apiVersion",
    "app",
    "apps/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "backend",
    "batch/v1",
    "claimName",
    "clusterIP",
    "config",
    "containerName",
    "containers",
    "data",
    "default",
    "defaultBackend",
    "downwardAPI",
    "env",
    "false",
    "fieldPath",
    "fieldRef",
    "grpc",
    "host",
    "http",
    "https",
    "initContainers",
    "items",
    "jobTemplate",
    "kind",
    "labels",
    "matchExpressions",
    "matchLabels",
    "maxUnavailable",
    "metadata",
    "metrics",
    "minAvailable",
    "name",
    "namespace",
    "networking.k8s.io/v1",
    "number",
    "path",
    "pathType",
    "paths",
    "persistentVolumeClaim",
    "policy/v1",
    "policy/v1beta1",
    "port",
    "ports",
    "projected",
    "protocol",
    "rbac.authorization.k8s.io/v1",
    "replicas",
    "resource",
    "resourceFieldRef",
    "restartPolicy",
    "rules",
    "schedule",
    "selector",
    "service",
    "serviceAccountName",
    "serviceName",
    "sources",
    "spec",
    "strategy",
    "targetPort",
    "template",
    "true",
    "type",
    "v1",
    "valueFrom",
    "volumeClaimTemplates",
    "volumes",
];

/// The longest of [`COMMON_TEXTS`]: a longer text is not looked up.
const COMMON_TEXT_MAX_LEN: usize = 28;

/// For each ASCII byte, the range of [`COMMON_TEXTS`] starting with it (the list is sorted).
/// Built when compiling: an out-of-range index here fails the build, never a run.
#[allow(clippy::indexing_slicing)]
const COMMON_BY_FIRST: [(u8, u8); 128] = {
    let mut table = [(0u8, 0u8); 128];
    let mut i = 0;
    while i < COMMON_TEXTS.len() {
        let first = COMMON_TEXTS[i].as_bytes()[0] as usize;
        if table[first].1 == 0 {
            table[first].0 = i as u8;
        }
        table[first].1 = i as u8 + 1;
        i += 1;
    }
    table
};

/// The index of `text` in [`COMMON_TEXTS`]: only the texts starting with its first byte are
/// compared.
fn common_index(text: &str) -> Option<usize> {
    let first = *text.as_bytes().first()?;
    if text.len() > COMMON_TEXT_MAX_LEN {
        return None;
    }
    let &(start, end) = COMMON_BY_FIRST.get(first as usize)?;
    let (start, end) = (start as usize, end as usize);
    COMMON_TEXTS
        .get(start..end)?
        .iter()
        .position(|t| *t == text)
        .map(|i| start + i)
}

fn style_bits(style: ScalarStyle) -> u32 {
    match style {
        ScalarStyle::Plain => 0,
        ScalarStyle::SingleQuoted => 1,
        ScalarStyle::DoubleQuoted => 2,
        ScalarStyle::Literal => 3,
        ScalarStyle::Folded => 4,
    }
}

fn style_of(bits: u32) -> ScalarStyle {
    match bits & 0b111 {
        1 => ScalarStyle::SingleQuoted,
        2 => ScalarStyle::DoubleQuoted,
        3 => ScalarStyle::Literal,
        4 => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}

fn tag_bits(tag: ScalarTag) -> u32 {
    match tag {
        ScalarTag::None => 0,
        ScalarTag::Str => 1,
        ScalarTag::Int => 2,
        ScalarTag::Float => 3,
        ScalarTag::Bool => 4,
        ScalarTag::Null => 5,
        ScalarTag::Other => 6,
    }
}

fn tag_of(bits: u32) -> ScalarTag {
    match bits & 0b111 {
        1 => ScalarTag::Str,
        2 => ScalarTag::Int,
        3 => ScalarTag::Float,
        4 => ScalarTag::Bool,
        5 => ScalarTag::Null,
        6 => ScalarTag::Other,
        _ => ScalarTag::None,
    }
}

fn at_bits(at: TextAt) -> u32 {
    match at {
        TextAt::Source => 0,
        TextAt::Strings => 1,
        TextAt::Common => 2,
    }
}

fn at_of(bits: u32) -> TextAt {
    match bits & 0b11 {
        0 => TextAt::Source,
        2 => TextAt::Common,
        _ => TextAt::Strings,
    }
}

/// The node variants, as [`Tree::kind`] unpacks them; collections index into the tree's shared
/// child list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The text is `text_len` bytes from `text_start` of the place `text_at` names.
    Scalar {
        text_start: u32,
        text_len: u32,
        style: ScalarStyle,
        tag: ScalarTag,
        text_at: TextAt,
    },
    /// Items are `children[start..start + len]`.
    Sequence {
        start: u32,
        len: u32,
    },
    /// Key/value pairs are `children[start + 2i]`, `children[start + 2i + 1]`, `i < len`.
    /// `simple`: no merge key (`<<`) and no repeated key, so the written pairs are the mapping.
    Mapping {
        start: u32,
        len: u32,
        simple: bool,
    },
    Alias {
        target: NodeId,
    },
}

/// A node as written, as [`Tree::written`] unpacks it.
#[derive(Debug, Clone, Copy)]
pub enum Written<'a> {
    Scalar(Scalar<'a>),
    /// The items.
    Sequence(&'a [NodeId]),
    /// Key/value pairs flattened (key, value, key, value…); `simple` as in [`NodeKind`].
    Mapping {
        pairs: &'a [NodeId],
        simple: bool,
    },
    /// The node it stands for.
    Alias(NodeId),
}

/// The nodes of one YAML document.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    /// Lengths over 21 bits, by node id (ascending): a multi-megabyte scalar, say.
    long: Vec<(NodeId, u32)>,
    children: Vec<NodeId>,
    /// Scalar texts that differ from their source text.
    strings: String,
    /// The file's text, shared by all its trees: most scalars are read straight from it rather
    /// than copied.
    source: Option<Arc<str>>,
}

/// A scalar's text and how it was written.
#[derive(Debug, Clone, Copy)]
pub struct Scalar<'a> {
    pub text: &'a str,
    pub style: ScalarStyle,
    pub tag: ScalarTag,
}

impl<'a> Scalar<'a> {
    /// The JSON object key kubectl makes of this scalar.
    pub fn key(&self) -> std::borrow::Cow<'a, str> {
        if self.is_verbatim_key() {
            return std::borrow::Cow::Borrowed(self.text);
        }
        key_string(self.text, self.style, self.tag)
    }

    /// True when [`Scalar::key`] is `key`.
    pub fn key_is(&self, key: &str) -> bool {
        if self.text == key {
            return self.is_verbatim_key() || self.key() == key;
        }
        // Another text still reads as `key` only when it resolves to a number, a boolean or a
        // null; a lookup by any other key (nearly all of them) is settled by the text alone.
        !key_from_strings_only(key) && !self.is_verbatim_key() && self.key() == key
    }

    /// True when the key is the text itself, as it is for most keys: a cheap test that spares
    /// them resolving the scalar as a number, boolean or null first.
    fn is_verbatim_key(&self) -> bool {
        self.tag == ScalarTag::None
            && (self.style != ScalarStyle::Plain || plain_is_string(self.text))
    }
}

/// True when no number, boolean or null reads as `key`: such scalars read as digits (with a
/// sign), `true`, `false`, `null`, `inf`, `-inf` or `NaN` ([`key_string`]), so only a string
/// written as `key` is `key`.
fn key_from_strings_only(key: &str) -> bool {
    let starts_like_number = key
        .as_bytes()
        .first()
        .is_none_or(|b| b.is_ascii_digit() || *b == b'-');
    !starts_like_number && !matches!(key, "true" | "false" | "null" | "inf" | "NaN")
}

impl Tree {
    /// The node with this id (ids come from this tree, so they are in range).
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// What node `id` is and holds.
    pub fn kind(&self, id: NodeId) -> Option<NodeKind> {
        let n = self.nodes.get(id as usize)?;
        Some(match n.meta & META_KIND {
            KIND_SCALAR => NodeKind::Scalar {
                text_start: n.data,
                text_len: self.len_of(id, n),
                style: style_of(n.meta >> META_STYLE_SHIFT),
                tag: tag_of(n.meta >> META_TAG_SHIFT),
                text_at: at_of(n.meta >> META_AT_SHIFT),
            },
            KIND_SEQUENCE => NodeKind::Sequence {
                start: n.data,
                len: self.len_of(id, n),
            },
            KIND_MAPPING => NodeKind::Mapping {
                start: n.data,
                len: self.len_of(id, n),
                simple: n.meta & META_SIMPLE != 0,
            },
            _ => NodeKind::Alias { target: n.data },
        })
    }

    /// The length packed in `n` (node `id`), or the one kept aside when it did not fit.
    fn len_of(&self, id: NodeId, n: &Node) -> u32 {
        match n.meta >> META_LEN_SHIFT {
            META_LONG => self
                .long
                .binary_search_by_key(&id, |&(node, _)| node)
                .ok()
                .and_then(|i| self.long.get(i))
                .map_or(0, |&(_, len)| len),
            len => len,
        }
    }

    /// The node `id` stands for (after aliases), if it is of kind `kind`: the hot lookups
    /// read the packed word directly instead of unpacking a whole [`NodeKind`].
    fn resolved_of(&self, id: NodeId, kind: u32) -> Option<(NodeId, &Node)> {
        let id = self.resolve(id);
        let n = self.nodes.get(id as usize)?;
        (n.meta & META_KIND == kind).then_some((id, n))
    }

    /// Follows aliases to the node they stand for (bounded: anchors precede their aliases).
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.nodes.get(id as usize) {
                Some(n) if n.meta & META_KIND == KIND_ALIAS => id = n.data,
                _ => return id,
            }
        }
        id
    }

    /// The span of a node.
    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).map(|n| n.span).unwrap_or_default()
    }

    /// The scalar at `id` (after aliases), if it is one.
    pub fn scalar(&self, id: NodeId) -> Option<Scalar<'_>> {
        let (id, n) = self.resolved_of(id, KIND_SCALAR)?;
        self.scalar_of(id, n)
    }

    /// Node `id` as written (an alias is not followed), unpacked once for a reader that walks
    /// the whole tree: each node is looked up once instead of once per question.
    #[inline]
    pub fn written(&self, id: NodeId) -> Option<Written<'_>> {
        let n = self.nodes.get(id as usize)?;
        Some(match n.meta & META_KIND {
            KIND_SCALAR => Written::Scalar(self.scalar_of(id, n)?),
            KIND_SEQUENCE => {
                let start = n.data as usize;
                let len = self.len_of(id, n) as usize;
                Written::Sequence(self.children.get(start..start + len)?)
            }
            KIND_MAPPING => {
                let start = n.data as usize;
                let len = self.len_of(id, n) as usize;
                Written::Mapping {
                    pairs: self.children.get(start..start + 2 * len)?,
                    simple: n.meta & META_SIMPLE != 0,
                }
            }
            _ => Written::Alias(n.data),
        })
    }

    /// The scalar node `n` (of id `id`) holds.
    fn scalar_of(&self, id: NodeId, n: &Node) -> Option<Scalar<'_>> {
        let start = n.data as usize;
        let text = match at_of(n.meta >> META_AT_SHIFT) {
            TextAt::Source => self
                .source
                .as_deref()?
                .get(start..start + self.len_of(id, n) as usize)?,
            TextAt::Strings => self
                .strings
                .get(start..start + self.len_of(id, n) as usize)?,
            TextAt::Common => COMMON_TEXTS.get(start)?,
        };
        Some(Scalar {
            text,
            style: style_of(n.meta >> META_STYLE_SHIFT),
            tag: tag_of(n.meta >> META_TAG_SHIFT),
        })
    }

    /// True when `id` (after aliases) is a mapping.
    pub fn is_mapping(&self, id: NodeId) -> bool {
        self.resolved_of(id, KIND_MAPPING).is_some()
    }

    /// True when `id` (after aliases) is a sequence.
    pub fn is_sequence(&self, id: NodeId) -> bool {
        self.resolved_of(id, KIND_SEQUENCE).is_some()
    }

    /// The written key/value pairs of a mapping (after aliases); empty for other nodes.
    pub fn entries(&self, id: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        let (start, len) = match self.resolved_of(id, KIND_MAPPING) {
            Some((id, n)) => (n.data as usize, self.len_of(id, n) as usize),
            None => (0, 0),
        };
        let pairs = self.children.get(start..start + 2 * len).unwrap_or(&[]);
        pairs.chunks_exact(2).filter_map(|p| match p {
            [k, v] => Some((*k, *v)),
            _ => None,
        })
    }

    /// The items of a sequence (after aliases); empty for other nodes.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.resolved_of(id, KIND_SEQUENCE) {
            Some((id, n)) => {
                let start = n.data as usize;
                self.children
                    .get(start..start + self.len_of(id, n) as usize)
                    .unwrap_or(&[])
            }
            None => &[],
        }
    }

    /// True when `id` (after aliases) is a mapping without merge keys and repeated keys: its
    /// written pairs are exactly what kubectl reads.
    pub fn is_simple_mapping(&self, id: NodeId) -> bool {
        self.resolved_of(id, KIND_MAPPING)
            .is_some_and(|(_, n)| n.meta & META_SIMPLE != 0)
    }

    /// The mappings a `<<` value merges: its items when it is a list, else the value itself.
    pub fn merge_sources<'t>(&'t self, value: &'t NodeId) -> &'t [NodeId] {
        if self.is_sequence(*value) {
            self.items(*value)
        } else {
            std::slice::from_ref(value)
        }
    }

    /// Looks a key up in a mapping as kubectl would: written keys first (the last of repeated
    /// keys wins), then the `<<` merge sources. Returns the key node and the value node.
    pub fn get(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        self.get_bounded(map, key, 8)
    }

    fn get_bounded(&self, map: NodeId, key: &str, depth: u8) -> Option<(NodeId, NodeId)> {
        if let Some((id, n)) = self.resolved_of(map, KIND_MAPPING) {
            if n.meta & META_SIMPLE != 0 {
                // No repeated key and no merge key: the first match is the only one. A key only
                // a string can be is told apart by its length before its text is looked at.
                let strings_only = key_from_strings_only(key);
                return self.entries(id).find(|&(k, _)| {
                    let other_length = strings_only
                        && self.nodes.get(k as usize).is_some_and(|n| {
                            n.meta & META_KIND == KIND_SCALAR
                                && self.len_of(k, n) as usize != key.len()
                        });
                    !other_length && self.scalar(k).is_some_and(|s| s.key_is(key))
                });
            }
        }
        let mut found = None;
        let mut merges = Vec::new();
        for (k, v) in self.entries(map) {
            let Some(s) = self.scalar(k) else { continue };
            if s.key_is(key) {
                found = Some((k, v));
            } else if is_merge_key(&s) {
                merges.push(v);
            }
        }
        if found.is_some() || depth == 0 {
            return found;
        }
        for m in &merges {
            for &src in self.merge_sources(m) {
                if let Some(hit) = self.get_bounded(src, key, depth - 1) {
                    return Some(hit);
                }
            }
        }
        None
    }

    /// Number of nodes written in the document.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True for a tree without nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// True when no alias and no merge or repeated key is written: every node has one path
    /// from the root, so a copy of some of its nodes reads the same at those paths.
    pub fn is_plain(&self) -> bool {
        self.nodes.iter().all(|n| match n.meta & META_KIND {
            KIND_MAPPING => n.meta & META_SIMPLE != 0,
            KIND_ALIAS => false,
            _ => true,
        })
    }

    /// Copies node `id` of `from` without its children: a scalar whole (its text into this
    /// tree's own strings, so the copy does not keep the file's text alive), a collection as an
    /// empty one with its span.
    pub fn copy_leaf(&mut self, from: &Tree, id: NodeId) -> NodeId {
        let Some(&n) = from.nodes.get(id as usize) else {
            return self.push_node(Span::default(), NodeKind::Sequence { start: 0, len: 0 });
        };
        // Copied word for word where it stays true: span, kind, style, tag and length.
        let mut copy = n;
        match n.meta & META_KIND {
            KIND_SCALAR => {
                let text = from.scalar_of(id, &n).map_or("", |s| s.text);
                let (start, at) = match common_index(text) {
                    Some(i) => (to_u32(i), TextAt::Common),
                    None => {
                        let start = to_u32(self.strings.len());
                        self.strings.push_str(text);
                        (start, TextAt::Strings)
                    }
                };
                copy.data = start;
                copy.meta = (n.meta & !(0b11 << META_AT_SHIFT)) | (at_bits(at) << META_AT_SHIFT);
            }
            KIND_ALIAS => {}
            _ => {
                // A collection without its children.
                copy.data = 0;
                copy.meta = n.meta & !(META_LONG << META_LEN_SHIFT);
            }
        }
        self.push_packed(from, id, copy)
    }

    /// Adds a sequence (`items`) or a mapping (`items` are key, value, key, value…) with the
    /// span and kind of node `like` of `from`, over nodes already copied into this tree.
    pub fn push_collection(&mut self, from: &Tree, like: NodeId, items: &[NodeId]) -> NodeId {
        let start = to_u32(self.children.len());
        self.children.extend_from_slice(items);
        let Some(&n) = from.nodes.get(like as usize) else {
            return self.push_node(Span::default(), NodeKind::Sequence { start, len: 0 });
        };
        let kind = if n.meta & META_KIND == KIND_MAPPING {
            NodeKind::Mapping {
                start,
                len: to_u32(items.len() / 2),
                simple: n.meta & META_SIMPLE != 0,
            }
        } else {
            NodeKind::Sequence {
                start,
                len: to_u32(items.len()),
            }
        };
        self.push_node(n.span, kind)
    }

    /// Adds `node`, a copy of node `id` of `from` whose length field is still `from`'s.
    fn push_packed(&mut self, from: &Tree, id: NodeId, node: Node) -> NodeId {
        let new_id = to_u32(self.nodes.len());
        if node.meta >> META_LEN_SHIFT == META_LONG {
            self.long.push((new_id, from.len_of(id, &node)));
        }
        self.nodes.push(node);
        new_id
    }

    /// A copy taking exactly the room it needs (a tree that is kept, out of reused buffers).
    pub fn exact_copy(&self) -> Tree {
        Tree {
            nodes: self.nodes.as_slice().to_vec(),
            long: self.long.clone(),
            children: self.children.as_slice().to_vec(),
            strings: self.strings.as_str().to_owned(),
            source: self.source.clone(),
        }
    }

    /// This tree emptied, its buffers kept to be filled again, unless they grew past about
    /// 1 MB (a very large file's room would stay with whoever keeps it).
    pub fn recycle(mut self) -> Option<Tree> {
        if self.nodes.capacity() > KEEP_NODES || self.strings.capacity() > KEEP_BYTES {
            return None;
        }
        self.clear();
        // A file's text must not outlive the file.
        self.source = None;
        Some(self)
    }

    /// Removes every node, keeping the buffers' room.
    fn clear(&mut self) {
        self.nodes.clear();
        self.long.clear();
        self.children.clear();
        self.strings.clear();
    }

    /// Releases the spare room of a tree that is done growing.
    pub fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.long.shrink_to_fit();
        self.children.shrink_to_fit();
        self.strings.shrink_to_fit();
    }

    /// Adds a node, packing `kind` into it.
    fn push_node(&mut self, span: Span, kind: NodeKind) -> NodeId {
        let id = to_u32(self.nodes.len());
        let (data, bits, len) = match kind {
            NodeKind::Scalar {
                text_start,
                text_len,
                style,
                tag,
                text_at,
            } => (
                text_start,
                (style_bits(style) << META_STYLE_SHIFT)
                    | (tag_bits(tag) << META_TAG_SHIFT)
                    | (at_bits(text_at) << META_AT_SHIFT),
                text_len,
            ),
            NodeKind::Sequence { start, len } => (start, KIND_SEQUENCE, len),
            NodeKind::Mapping { start, len, simple } => (
                start,
                KIND_MAPPING | if simple { META_SIMPLE } else { 0 },
                len,
            ),
            NodeKind::Alias { target } => (target, KIND_ALIAS, 0),
        };
        let stored = if len >= META_LONG {
            self.long.push((id, len));
            META_LONG
        } else {
            len
        };
        self.nodes.push(Node {
            span,
            data,
            meta: bits | (stored << META_LEN_SHIFT),
        });
        id
    }
}

/// True for the YAML 1.1 merge key `<<` (plain).
pub fn is_merge_key(s: &Scalar<'_>) -> bool {
    s.text == "<<" && s.style == ScalarStyle::Plain && s.tag == ScalarTag::None
}

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document {
    /// 0-based index of the document in its file.
    pub index: u32,
    pub tree: Tree,
    pub root: NodeId,
    /// The tree's [`Tree::is_plain`], noted while it was built.
    pub plain: bool,
}

/// What kind of problem the parser found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    InvalidYaml,
    DuplicateKey,
}

/// A parse-time finding, turned into a diagnostic by the engine.
#[derive(Debug, Clone)]
pub struct ParseProblem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// The earlier node this one conflicts with (the first of duplicated keys).
    pub related: Option<Span>,
    /// The document the problem is in.
    pub document: u32,
    /// True for a syntax error of the YAML parser itself (what libyaml rejects), false for
    /// what the tree builder refuses on top (depth, alias budget, unknown anchor) and for
    /// repeated keys.
    pub syntax: bool,
}

/// Every document of a file that parsed, and what went wrong.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub problems: Vec<ParseProblem>,
    /// Documents in the file, including empty ones and ones lost to errors.
    pub document_count: u32,
}

struct Frame {
    is_mapping: bool,
    start: Span,
    anchor: usize,
    scratch_start: usize,
}

/// The most nodes a tree may have room for to be kept for the next file ([`Tree::recycle`]): a
/// few thousand-line manifests' worth, 1 MB of nodes.
const KEEP_NODES: usize = 1 << 16;
/// The most bytes of copied scalar text a tree may have room for to be kept.
const KEEP_BYTES: usize = 1 << 18;

thread_local! {
    /// The builder a thread's last file used, its buffers emptied.
    static SPARE_BUILDER: std::cell::Cell<Option<DocumentBuilder>> =
        const { std::cell::Cell::new(None) };
}

struct DocumentBuilder {
    tree: Tree,
    sizes: Vec<u64>,
    /// Anchor ids to the nodes they name; an id is given when the anchor is written.
    anchors: HashMap<usize, NodeId>,
    /// Anchor names to the id of their latest definition (a name may be defined again, and an
    /// alias names the latest one before it).
    anchor_ids: HashMap<Box<[u8]>, usize>,
    /// The last anchor id given.
    last_anchor: usize,
    stack: Vec<Frame>,
    scratch: Vec<NodeId>,
    root: Option<NodeId>,
    expanded: u64,
    duplicates: Vec<Duplicate>,
    /// Set after an alias budget error or an unknown anchor: the rest of the document is read
    /// but not built.
    poisoned: bool,
    /// No alias and no mapping with a merge or repeated key so far ([`Tree::is_plain`]).
    plain: bool,
}

impl DocumentBuilder {
    fn new() -> Self {
        DocumentBuilder {
            tree: Tree::default(),
            sizes: Vec::new(),
            anchors: HashMap::new(),
            anchor_ids: HashMap::new(),
            last_anchor: 0,
            stack: Vec::new(),
            scratch: Vec::new(),
            root: None,
            expanded: 0,
            duplicates: Vec::new(),
            poisoned: false,
            plain: true,
        }
    }

    /// The builder this thread kept from its last file, or a new one: a builder made for each
    /// file grew its buffers anew, two dozen reallocations a file.
    fn reused() -> Self {
        SPARE_BUILDER
            .with(|spare| spare.take())
            .unwrap_or_else(DocumentBuilder::new)
    }

    /// Keeps this builder's buffers for the thread's next file, unless a very large file grew
    /// them: that room would stay with the thread for the rest of the run.
    fn keep(mut self) {
        let Some(tree) = std::mem::take(&mut self.tree).recycle() else {
            return;
        };
        self.reset();
        self.tree = tree;
        SPARE_BUILDER.with(|spare| spare.set(Some(self)));
    }

    /// Starts the next document, keeping the buffers: one builder serves a whole file, so its
    /// vectors grow once rather than once per document.
    fn reset(&mut self) {
        self.tree.clear();
        self.sizes.clear();
        self.anchors.clear();
        self.anchor_ids.clear();
        self.last_anchor = 0;
        self.stack.clear();
        self.scratch.clear();
        self.root = None;
        self.expanded = 0;
        self.duplicates.clear();
        self.poisoned = false;
        self.plain = true;
    }

    /// A new id for the anchor `name` (0 for none): aliases after this point name this node.
    fn anchor_id(&mut self, name: Option<&[u8]>) -> usize {
        let Some(name) = name else { return 0 };
        self.last_anchor += 1;
        self.anchor_ids.insert(name.into(), self.last_anchor);
        self.last_anchor
    }

    fn push(&mut self, span: Span, kind: NodeKind, size: u64, anchor: usize) {
        let id = self.tree.push_node(span, kind);
        self.sizes.push(size);
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        if self.stack.is_empty() {
            self.root = Some(id);
        } else {
            self.scratch.push(id);
        }
    }
}

/// Parses a whole file into documents. Never panics; stops at the first syntax error, keeping
/// the documents before it.
pub fn parse(file: &SourceFile) -> ParsedFile {
    let mut documents = Vec::new();
    let mut out = parse_with(file, |doc| {
        // Kept: each takes exactly the room it needs, and the buffers go on to the next.
        documents.push(Document {
            index: doc.index,
            root: doc.root,
            tree: doc.tree.exact_copy(),
            plain: doc.plain,
        });
        Some(doc.tree)
    });
    out.documents = documents;
    out
}

/// As [`parse`], handing each document to `each` as soon as it is read instead of keeping it
/// (the result's `documents` is empty). `each` gives the tree back when it keeps nothing of it:
/// the next document is built in the same buffers, so a file's documents cost no allocation
/// and no copy each.
pub fn parse_with(file: &SourceFile, mut each: impl FnMut(Document) -> Option<Tree>) -> ParsedFile {
    let mut out = ParsedFile::default();
    let text: &str = file.text();
    let mut events = Events::new(text);
    let mut builder = DocumentBuilder::reused();
    builder.tree.source = Some(file.text_arc());
    let mut in_document = false;
    // Nesting of the collections open, whether or not the builder still builds them.
    let mut depth: usize = 0;
    // libyaml's marks count bytes of the text kplint gave it: they are offsets already.
    let len = to_u32(text.len());
    let offset_of = |m: Mark| to_u32(usize::try_from(m.index).unwrap_or(usize::MAX)).min(len);
    while let Some(next) = events.next_event() {
        let event = match next {
            Ok(ev) => ev,
            Err(err) => {
                let at = offset_of(err.mark);
                out.problems.push(ParseProblem {
                    kind: ProblemKind::InvalidYaml,
                    span: Span::new(at, at),
                    message: syntax_message(file, &err),
                    help: None,
                    related: None,
                    document: out.document_count.saturating_sub(u32::from(in_document)),
                    syntax: true,
                });
                break;
            }
        };
        let span = Span::new(offset_of(event.start()), offset_of(event.end()));
        let kind = event.kind();
        match kind {
            EventKind::SequenceStart { .. } | EventKind::MappingStart { .. } => depth += 1,
            EventKind::SequenceEnd | EventKind::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            // libyaml checks each token against every open flow level: past this depth it
            // would take quadratic time (100,000 `[` took minutes), so the file stops here.
            out.problems.push(ParseProblem {
                kind: ProblemKind::InvalidYaml,
                span,
                message: format!("invalid YAML: nesting is deeper than {MAX_DEPTH} levels"),
                help: Some(
                    "no Kubernetes object nests this deep; the rest of this file is not read"
                        .to_string(),
                ),
                related: None,
                document: out.document_count.saturating_sub(1),
                syntax: false,
            });
            break;
        }
        match kind {
            EventKind::StreamStart | EventKind::StreamEnd => {}
            EventKind::DocumentStart => {
                builder.reset();
                in_document = true;
                out.document_count += 1;
            }
            EventKind::DocumentEnd => {
                if in_document {
                    in_document = false;
                    let index = out.document_count.saturating_sub(1);
                    if let Some(doc) = finish_document(&mut builder, index, &mut out) {
                        let source = doc.tree.source.clone();
                        builder.tree = each(doc).unwrap_or_else(|| Tree {
                            source,
                            ..Tree::default()
                        });
                    }
                }
            }
            kind => {
                let index = out.document_count.saturating_sub(1);
                if !in_document {
                    continue;
                }
                let b = &mut builder;
                if b.poisoned {
                    continue;
                }
                if let Err(problem) = build(b, text, kind, span, index) {
                    b.poisoned = true;
                    out.problems.push(problem);
                }
            }
        }
    }
    builder.keep();
    out
}

/// The message of a syntax error: libyaml's problem, and what it was reading since which line
/// (`did not find expected key (while parsing a block mapping from line 3)`).
fn syntax_message(file: &SourceFile, err: &super::libyaml::SyntaxError) -> String {
    match &err.context {
        // The context's line only when it is another line than the problem's.
        Some((context, mark)) if mark.line != err.mark.line => {
            let at = to_u32(usize::try_from(mark.index).unwrap_or(usize::MAX));
            let line = file.position(at).line;
            format!("invalid YAML: {} ({context} from line {line})", err.problem)
        }
        Some((context, _)) => format!("invalid YAML: {} ({context})", err.problem),
        None => format!("invalid YAML: {}", err.problem),
    }
}

/// Where a scalar's text is written verbatim in the source (a plain scalar on one line, or a
/// quoted one without escapes), so the tree can point at it instead of copying it.
fn source_range(source: Option<&str>, span: Span, style: Style, text: &str) -> Option<u32> {
    let quote = match style {
        Style::Plain => 0,
        Style::SingleQuoted | Style::DoubleQuoted => 1,
        Style::Literal | Style::Folded => return None,
    };
    let start = span.start.checked_add(quote)?;
    let end = start.checked_add(to_u32(text.len()))?;
    // Equal bytes at the span is the proof: a folded or escaped scalar never matches.
    (source?.get(start as usize..end as usize)? == text).then_some(start)
}

/// A block scalar's span from its first content line, after the indentation: libyaml starts
/// it at the `|` or `>`, and readers of the text (inline kustomize patches, whose lines they map
/// back to the file) count from the content.
fn block_content_span(text: &str, span: Span) -> Span {
    let Some(body) = text.get(span.start as usize..span.end as usize) else {
        return span;
    };
    // Past the header line, then past the lines that hold only blanks, then the indentation.
    let Some(header_end) = body.find('\n') else {
        return span;
    };
    let mut at = header_end + 1;
    let bytes = body.as_bytes();
    loop {
        let line_start = at;
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'\n') => at += 1,
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            Some(_) => break,
            None => {
                at = line_start;
                break;
            }
        }
    }
    if at >= body.len() {
        return span;
    }
    Span::new(span.start + to_u32(at), span.end)
}

/// A node's span without its properties: libyaml starts a node that has an anchor or a tag at
/// the first of them, and kplint points at the value (`&x value`, `!!str 1`).
fn without_properties(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut at = span.start as usize;
    while let Some(b'&' | b'!') = bytes.get(at) {
        // A property runs to the next blank.
        while bytes.get(at).is_some_and(|b| !blank(b)) {
            at += 1;
        }
        // Blanks, line breaks and comments separate it from the node.
        loop {
            match bytes.get(at) {
                Some(b) if blank(b) => at += 1,
                Some(b'#') => {
                    while bytes.get(at).is_some_and(|&b| b != b'\n') {
                        at += 1;
                    }
                }
                _ => break,
            }
        }
    }
    let start = to_u32(at);
    // A node with properties and no content (`&x` alone) keeps its whole span.
    if start >= span.end {
        return span;
    }
    Span::new(start, span.end)
}

/// Records the repeated keys of the document just read, and hands over its tree unless the
/// document is empty or was given up.
fn finish_document(b: &mut DocumentBuilder, index: u32, out: &mut ParsedFile) -> Option<Document> {
    if b.poisoned {
        return None;
    }
    for &(first, second) in &b.duplicates {
        let key = b.tree.scalar(second).map(|s| s.text).unwrap_or("");
        out.problems.push(ParseProblem {
            kind: ProblemKind::DuplicateKey,
            span: b.tree.span(second),
            // What breaks depends on whether the document is a Kubernetes object, which only
            // the decoder knows: it completes the message.
            message: format!("mapping key \"{key}\" is repeated"),
            help: Some(format!(
                "remove one of the two `{key}` keys (a missing `---` between two objects causes this too)"
            )),
            related: Some(b.tree.span(first)),
            document: index,
            syntax: false,
        });
    }
    let root = b.root?;
    // An empty document (`---` alone) is a null scalar: nothing to lint.
    if let Some(s) = b.tree.scalar(root) {
        if s.text.is_empty() && s.style == ScalarStyle::Plain {
            return None;
        }
    }
    Some(Document {
        index,
        tree: std::mem::take(&mut b.tree),
        root,
        plain: b.plain,
    })
}

// Inlined into the event loop: called once per event, its entry and exit cost more than most
// of what it does.
#[inline(always)]
fn build(
    b: &mut DocumentBuilder,
    source: &str,
    event: EventKind<'_>,
    span: Span,
    doc: u32,
) -> Result<(), ParseProblem> {
    let problem = |span: Span, message: String, help: &str| ParseProblem {
        kind: ProblemKind::InvalidYaml,
        span,
        message,
        help: Some(help.to_string()),
        related: None,
        document: doc,
        syntax: false,
    };
    match event {
        EventKind::Scalar {
            value,
            style,
            anchor,
            tag,
        } => {
            let span = if anchor.is_some() || tag.is_some() {
                without_properties(source, span)
            } else {
                span
            };
            let span = match style {
                Style::Literal | Style::Folded => block_content_span(source, span),
                _ => span,
            };
            let tag = tag.map(tag_of_bytes).unwrap_or_default();
            // libyaml's values are UTF-8 (its input is, and escapes are encoded as UTF-8); a
            // lossy copy would only ever replace what can't be there.
            let text = String::from_utf8_lossy(value);
            let (text_start, text_at) =
                match source_range(b.tree.source.as_deref(), span, style, &text) {
                    Some(start) => (start, TextAt::Source),
                    None => {
                        let start = to_u32(b.tree.strings.len());
                        b.tree.strings.push_str(&text);
                        (start, TextAt::Strings)
                    }
                };
            let anchor = b.anchor_id(anchor);
            b.expanded += 1;
            b.push(
                span,
                NodeKind::Scalar {
                    text_start,
                    text_len: to_u32(text.len()),
                    style: style.into(),
                    tag,
                    text_at,
                },
                1,
                anchor,
            );
        }
        EventKind::SequenceStart { anchor, tag } | EventKind::MappingStart { anchor, tag } => {
            // A collection's properties may stand on the line before its content: it starts
            // at the content, and its end is found from its children.
            let span = if anchor.is_some() || tag.is_some() {
                let start = without_properties(source, Span::new(span.start, to_u32(source.len())));
                Span::new(start.start, start.start)
            } else {
                span
            };
            let anchor = b.anchor_id(anchor);
            b.stack.push(Frame {
                is_mapping: matches!(event, EventKind::MappingStart { .. }),
                start: span,
                anchor,
                scratch_start: b.scratch.len(),
            });
            b.expanded += 1;
        }
        EventKind::SequenceEnd | EventKind::MappingEnd => {
            let Some(frame) = b.stack.pop() else {
                return Ok(());
            };
            let kids = b.scratch.get(frame.scratch_start..).unwrap_or(&[]);
            let count = kids.len();
            let start = to_u32(b.tree.children.len());
            let mut size: u64 = 1;
            let mut end = frame.start.end;
            for &k in kids {
                size = size.saturating_add(b.sizes.get(k as usize).copied().unwrap_or(1));
                end = end.max(b.tree.span(k).end);
            }
            if !span.is_empty() {
                end = end.max(span.end);
            }
            b.tree.children.extend_from_slice(kids);
            b.scratch.truncate(frame.scratch_start);
            let kind = if frame.is_mapping {
                // Reported, not fatal: the document is still built and linted.
                let kids = b.tree.children.get(start as usize..).unwrap_or(&[]);
                let simple = find_duplicate_keys(&b.tree, kids, &mut b.duplicates);
                b.plain &= simple;
                NodeKind::Mapping {
                    start,
                    len: to_u32(count / 2),
                    simple,
                }
            } else {
                NodeKind::Sequence {
                    start,
                    len: to_u32(count),
                }
            };
            b.push(Span::new(frame.start.start, end), kind, size, frame.anchor);
        }
        EventKind::Alias { anchor } => {
            let target = b
                .anchor_ids
                .get(anchor)
                .and_then(|id| b.anchors.get(id))
                .copied();
            let Some(target) = target else {
                return Err(problem(
                    span,
                    "invalid YAML: alias to an unknown anchor".to_string(),
                    "define the anchor (`&name`) before using it (`*name`)",
                ));
            };
            let size = b.sizes.get(target as usize).copied().unwrap_or(1);
            b.expanded = b.expanded.saturating_add(size);
            let written = b.tree.nodes.len() as u64 + 1;
            if b.expanded > written.saturating_add(ALIAS_EXPANSION_BUDGET) {
                return Err(problem(
                    span,
                    format!(
                        "invalid YAML: aliases in this document expand to more than {ALIAS_EXPANSION_BUDGET} extra nodes (an alias bomb)"
                    ),
                    "kubectl rejects excessive aliasing too; write the values out or use fewer nested aliases",
                ));
            }
            b.plain = false;
            b.push(span, NodeKind::Alias { target }, size, 0);
        }
        EventKind::StreamStart
        | EventKind::StreamEnd
        | EventKind::DocumentStart
        | EventKind::DocumentEnd => {}
    }
    Ok(())
}

/// The tag libyaml resolved (`!!str` is `tag:yaml.org,2002:str`), as kplint classifies it.
fn tag_of_bytes(tag: &[u8]) -> ScalarTag {
    const CORE: &[u8] = b"tag:yaml.org,2002:";
    match tag.strip_prefix(CORE) {
        Some(suffix) => {
            ScalarTag::from_parts("tag:yaml.org,2002:", &String::from_utf8_lossy(suffix))
        }
        None => ScalarTag::Other,
    }
}

/// A repeated key in one mapping: (first key, second key).
type Duplicate = (NodeId, NodeId);

/// Records the repeated keys of one mapping; true when it has neither a repeated key nor a
/// merge key (a simple mapping).
fn find_duplicate_keys(tree: &Tree, kids: &[NodeId], out: &mut Vec<Duplicate>) -> bool {
    if let [key, _] = kids {
        // One key can't repeat: only a merge key makes it not simple.
        return !tree.scalar(*key).is_some_and(|s| is_merge_key(&s));
    }
    if kids.is_empty() {
        return true;
    }
    let mut merges = false;
    let before = out.len();
    if kids.len() <= 2 * SMALL_MAPPING {
        // Most mappings: keys read without writing a string (all but numbers) compared on the
        // stack, pairwise (a vector per mapping was a tenth of the tree's cost).
        let mut keys: [(NodeId, &str); SMALL_MAPPING] = [(0, ""); SMALL_MAPPING];
        let mut n = 0;
        let mut resolved = false;
        for pair in kids.chunks_exact(2) {
            let Some(&id) = pair.first() else { continue };
            let Some(s) = tree.scalar(id) else { continue };
            if is_merge_key(&s) {
                merges = true;
                continue;
            }
            let key = match s.key() {
                std::borrow::Cow::Borrowed(key) => key,
                std::borrow::Cow::Owned(_) => {
                    // A number key, written out anew: the keys are compared below instead.
                    resolved = true;
                    break;
                }
            };
            let earlier = keys.get(..n).unwrap_or(&[]);
            if let Some((first, _)) = earlier.iter().find(|(_, other)| *other == key) {
                out.push((*first, id));
            }
            if let Some(slot) = keys.get_mut(n) {
                *slot = (id, key);
                n += 1;
            }
        }
        if !resolved {
            return !merges && out.len() == before;
        }
        out.truncate(before);
        merges = false;
    }
    let keys: Vec<(NodeId, std::borrow::Cow<'_, str>)> = kids
        .chunks_exact(2)
        .filter_map(|p| {
            let key = *p.first()?;
            let s = tree.scalar(key)?;
            if is_merge_key(&s) {
                merges = true;
                return None;
            }
            Some((key, s.key()))
        })
        .collect();
    let mut seen: HashMap<&str, NodeId> = HashMap::with_capacity(keys.len());
    for (id, k) in &keys {
        match seen.get(k.as_ref()) {
            Some(&first) => out.push((first, *id)),
            None => {
                seen.insert(k.as_ref(), *id);
            }
        }
    }
    !merges && out.len() == before
}

/// Mappings with at most this many keys compare them pairwise; larger ones through a map.
const SMALL_MAPPING: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaf_copy_keeps_a_scalar_whole_and_a_collection_empty() {
        // Longer than the length a node packs: kept aside, and carried over by the copy.
        let long = "x".repeat((1 << 21) + 5);
        let file = SourceFile::new(0, "t.yaml".into(), &format!("k: {long}\nl: [1, 2]\n"));
        let doc = parse(&file).documents.remove(0);
        let (tree, root) = (&doc.tree, doc.root);
        let mut copy = Tree::default();
        let scalar = copy.copy_leaf(tree, tree.get(root, "k").expect("k").1);
        let list = tree.get(root, "l").expect("l").1;
        let empty = copy.copy_leaf(tree, list);
        assert_eq!(copy.scalar(scalar).map(|s| s.text.len()), Some(long.len()));
        assert!(copy.is_sequence(empty) && copy.items(empty).is_empty());
        assert_eq!(copy.span(empty), tree.span(list));
        let common = copy.copy_leaf(tree, tree.get(root, "l").expect("l").0);
        assert_eq!(copy.scalar(common).map(|s| s.text), Some("l"));
    }

    #[test]
    fn a_document_notes_whether_its_tree_is_plain() {
        let text = "a: {b: 1}\n---\na: &x 1\nb: *x\n---\n<<: {a: 1}\nb: 2\n---\na: 1\na: 2\n---\n- [x, {y: z}]\n";
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let docs = parse(&file).documents;
        let plain: Vec<bool> = docs.iter().map(|d| d.plain).collect();
        assert_eq!(plain, [true, false, false, false, true]);
        for d in &docs {
            assert_eq!(d.plain, d.tree.is_plain());
        }
    }

    #[test]
    fn repeated_keys_are_found_as_kubectl_reads_them() {
        // (document, repeated keys found): the second of each pair is reported.
        let cases = [
            ("{a: 1, b: 2, c: 3}", 0),
            ("{a: 1, 'a': 2}", 1),
            ("{1: a, '1': b}", 1),
            ("{x: 1, 0x10: a, 16: b}", 1),
            ("{yes: 1, true: 2, 'yes': 3}", 1),
            ("{a: 1, b: 2, a: 3, b: 4, a: 5}", 3),
            ("{<<: {a: 1}, a: 2}", 0),
        ];
        for (text, repeated) in cases {
            let file = SourceFile::new(0, "t.yaml".into(), text);
            let found = parse(&file)
                .problems
                .iter()
                .filter(|p| p.kind == ProblemKind::DuplicateKey)
                .count();
            assert_eq!(found, repeated, "{text}");
        }
        // Beyond the small mappings compared on the stack.
        let mut big: Vec<String> = (0..40).map(|i| format!("k{i}: {i}")).collect();
        big.push("'k7': again".into());
        let file = SourceFile::new(0, "t.yaml".into(), &big.join("\n"));
        assert_eq!(parse(&file).problems.len(), 1);
    }

    #[test]
    fn get_finds_keys_as_kubectl_reads_them() {
        let file = SourceFile::new(
            0,
            "t.yaml".into(),
            "na: 1\nname: a\n'names': b\n1: c\n0x10: d\nyes: f\n---\nbase: &x {k: v}\nm: {<<: *x, name: z}\n",
        );
        let docs = parse(&file).documents;
        let (tree, root) = (&docs[0].tree, docs[0].root);
        let value = |key: &str| {
            tree.get(root, key)
                .and_then(|(_, v)| tree.scalar(v))
                .map(|s| s.text)
        };
        assert_eq!(value("name"), Some("a"));
        assert_eq!(value("names"), Some("b"), "quoted");
        assert_eq!(value("1"), Some("c"));
        assert_eq!(value("16"), Some("d"), "hex reads as 16");
        assert_eq!(value("true"), Some("f"), "yes reads as true");
        assert_eq!(value("yes"), None);
        assert_eq!(value("nam"), None);
        // Through a merge key.
        let (tree, root) = (&docs[1].tree, docs[1].root);
        let m = tree.get(root, "m").expect("m").1;
        let k = tree
            .get(m, "k")
            .and_then(|(_, v)| tree.scalar(v))
            .map(|s| s.text);
        assert_eq!(k, Some("v"));
    }

    #[test]
    fn key_is_agrees_with_the_key_kubectl_makes() {
        let texts = [
            "name", "1", "01", "0x10", "-1", "1.0", "1e3", ".inf", "-.inf", ".nan", "true", "yes",
            "on", "no", "null", "~", "", "NaN", "inf", "false", "1_000", "+5", "nAme", "y",
        ];
        let styles = [ScalarStyle::Plain, ScalarStyle::SingleQuoted];
        let tags = [
            ScalarTag::None,
            ScalarTag::Str,
            ScalarTag::Int,
            ScalarTag::Float,
            ScalarTag::Bool,
            ScalarTag::Null,
            ScalarTag::Other,
        ];
        let mut wanted: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        wanted.extend(["16", "1000", "5", "-inf", "1000"].map(String::from));
        for text in texts {
            for style in styles {
                for tag in tags {
                    let s = Scalar { text, style, tag };
                    // Every key this scalar could be looked up by, and the one it makes.
                    let made = s.key().into_owned();
                    for key in wanted.iter().map(String::as_str).chain([made.as_str()]) {
                        assert_eq!(
                            s.key_is(key),
                            s.key() == key,
                            "{text:?} {style:?} {tag:?} looked up as {key:?}"
                        );
                    }
                }
            }
        }
    }

    /// A tree as text: scalars with their spans, collections in brackets.
    fn dump(tree: &Tree, id: NodeId) -> String {
        match tree.written(id) {
            Some(Written::Scalar(s)) => format!("{}@{:?}", s.text, tree.span(id)),
            Some(Written::Sequence(items)) => {
                let items: Vec<String> = items.iter().map(|&i| dump(tree, i)).collect();
                format!("[{}]", items.join(","))
            }
            Some(Written::Mapping { pairs, simple }) => {
                let pairs: Vec<String> = pairs.iter().map(|&i| dump(tree, i)).collect();
                format!("{{{}|{simple}}}", pairs.join(","))
            }
            Some(Written::Alias(to)) => format!("*{to}"),
            None => "?".into(),
        }
    }

    #[test]
    fn documents_handed_over_read_as_the_kept_ones_whether_or_not_their_trees_come_back() {
        let text = "a: 1\nb: [x, y]\n---\n---\nc: {d: \"e\\n\"}\nb: 2\nb: 3\n---\n- z\n";
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let kept = parse(&file);
        for give_back in [true, false] {
            let mut seen = Vec::new();
            let streamed = parse_with(&file, |doc| {
                let json = dump(&doc.tree, doc.root);
                seen.push((doc.index, doc.tree.len(), json));
                give_back.then_some(doc.tree)
            });
            let want: Vec<_> = kept
                .documents
                .iter()
                .map(|d| {
                    let json = dump(&d.tree, d.root);
                    (d.index, d.tree.len(), json)
                })
                .collect();
            assert_eq!(seen, want, "trees given back: {give_back}");
            assert!(streamed.documents.is_empty());
            assert_eq!(streamed.document_count, kept.document_count);
            let messages = |p: &ParsedFile| {
                p.problems
                    .iter()
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(messages(&streamed), messages(&kept));
        }
        assert_eq!(kept.documents.len(), 3);
    }

    fn texts(yaml: &str) -> Vec<(String, bool)> {
        let file = SourceFile::new(0, "t.yaml".into(), yaml);
        let parsed = parse(&file);
        let doc = parsed.documents.first().expect("one document");
        doc.tree
            .entries(doc.root)
            .map(|(_, v)| {
                let in_source = matches!(
                    doc.tree.kind(v),
                    Some(NodeKind::Scalar {
                        text_at: TextAt::Source,
                        ..
                    })
                );
                let text = doc.tree.scalar(v).map(|s| s.text.to_string());
                (text.unwrap_or_default(), in_source)
            })
            .collect()
    }

    #[test]
    fn written_unpacks_what_kind_scalar_items_and_entries_say() {
        let file = SourceFile::new(
            0,
            "t.yaml".into(),
            "a: &x [1, 'two', {b: c}]\nd: *x\ne: {<<: {f: g}, h: i}\nj: \"k\\tl\"\n",
        );
        let doc = parse(&file).documents.remove(0);
        let tree = &doc.tree;
        for id in 0..tree.len() as NodeId {
            match (tree.written(id), tree.kind(id)) {
                (Some(Written::Scalar(s)), Some(NodeKind::Scalar { style, tag, .. })) => {
                    let want = tree.scalar(id).expect("a scalar");
                    assert_eq!((s.text, s.style, s.tag), (want.text, style, tag));
                }
                (Some(Written::Sequence(items)), Some(NodeKind::Sequence { .. })) => {
                    assert_eq!(items, tree.items(id));
                }
                (Some(Written::Mapping { pairs, simple }), Some(NodeKind::Mapping { .. })) => {
                    let entries: Vec<NodeId> = tree.entries(id).flat_map(|(k, v)| [k, v]).collect();
                    assert_eq!(pairs, entries.as_slice());
                    assert_eq!(simple, tree.is_simple_mapping(id));
                }
                (Some(Written::Alias(to)), Some(NodeKind::Alias { target })) => {
                    assert_eq!(to, target);
                }
                other => panic!("node {id}: {other:?}"),
            }
        }
        assert!(tree.written(tree.len() as NodeId).is_none());
    }

    #[test]
    fn a_thread_parses_a_file_alike_whatever_it_parsed_before() {
        // Anchors, a repeated key, an alias, long copied text, and a syntax error part-way.
        let before = format!(
            "a: &x {{k: 1}}\nb: *x\nb: 2\nc: \"{}\\t\"\n---\nd: [1, 2\n",
            "y".repeat(5000)
        );
        let after = "base: &b {x: 1}\nm:\n  <<: *b\n  y: 'two'\n---\n- *unknown\n";
        let parse_text = |text: &str| {
            let file = SourceFile::new(0, "t.yaml".into(), text);
            format!("{:?}", parse(&file))
        };
        let fresh = std::thread::spawn(move || parse_text(after))
            .join()
            .expect("thread");
        let _ = parse_text(&before);
        assert_eq!(parse_text(after), fresh);
    }

    #[test]
    fn a_recycled_tree_is_empty_and_holds_no_file_text() {
        let file = SourceFile::new(0, "t.yaml".into(), "a: 'it''s'\nb: [1, 2]\n");
        let mut tree = parse(&file).documents.remove(0).tree;
        tree.source = Some(file.text_arc());
        let kept = tree.recycle().expect("small trees are kept");
        assert!(kept.nodes.is_empty() && kept.children.is_empty() && kept.strings.is_empty());
        assert!(kept.source.is_none());
        let mut big = Tree::default();
        big.strings.reserve(KEEP_BYTES + 1);
        assert!(big.recycle().is_none());
    }

    #[test]
    fn verbatim_scalars_are_read_from_the_source_and_the_rest_copied() {
        let got = texts(
            "a: plain\nb: 'quoted'\nc: \"tab\\there\"\nd: 'it''s'\ne: two\n  lines\nf: |\n  block\ng:\nh: \"é\"\n",
        );
        let want = [
            ("plain", true),
            ("quoted", true),
            ("tab\there", false),
            ("it's", false),
            ("two lines", false),
            ("block\n", false),
            ("", true),
            ("é", true),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(t, s)| (t.to_string(), *s)).collect();
        assert_eq!(got, want);
    }

    /// The value at `path` (keys, or `#n` for the nth item) of the first document, as text.
    fn value_at(text: &str, path: &[&str]) -> Option<String> {
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let parsed = parse(&file);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let doc = parsed.documents.first()?;
        let mut at = doc.root;
        for step in path {
            at = match step.strip_prefix('#') {
                Some(n) => *doc.tree.items(at).get(n.parse::<usize>().ok()?)?,
                None => doc.tree.get(at, step)?.1,
            };
        }
        Some(match doc.tree.scalar(at) {
            Some(s) => format!("{}@{}", s.text, file.slice(doc.tree.span(at))),
            None => format!("{} items", doc.tree.items(at).len()),
        })
    }

    #[test]
    fn indentation_libyaml_forgives_builds_the_tree_kubectl_reads() {
        // istio's spire-quickstart: `]` at the key's column.
        let args = "spec:\n  containers:\n    - name: s\n      args: [\n        \"-config\",\n        \"/run/server.conf\"\n      ]\n      image: spire\n";
        let c = ["spec", "containers", "#0"];
        assert_eq!(
            value_at(args, &[&c[..], &["args"]].concat()).as_deref(),
            Some("2 items")
        );
        assert_eq!(
            value_at(args, &[&c[..], &["args", "#1"]].concat()).as_deref(),
            Some("/run/server.conf@\"/run/server.conf\"")
        );
        assert_eq!(
            value_at(args, &[&c[..], &["image"]].concat()).as_deref(),
            Some("spire@spire")
        );
        // sock-shop's dashboard annotation: `]'` at the key's indentation; folded like go-yaml.
        let quoted =
            "metadata:\n  annotations:\n    d: '[\n      {\"a\": 1}\n    ]'\n  name: web\n";
        assert_eq!(
            value_at(quoted, &["metadata", "annotations", "d"]).as_deref(),
            Some("[ {\"a\": 1} ]@'[\n      {\"a\": 1}\n    ]'")
        );
        assert_eq!(
            value_at(quoted, &["metadata", "name"]).as_deref(),
            Some("web@web")
        );
        // Quoted scalars continued at column 1, flow items at column 0, `]` at the dash.
        let cases = [
            (
                "a:\n  b: \"one\n two\"\n",
                &["a", "b"][..],
                "one two@\"one\n two\"",
            ),
            (
                "a:\n  b: 'one\n two'\n",
                &["a", "b"][..],
                "one two@'one\n two'",
            ),
            ("a:\n  b: [x,\ny]\n", &["a", "b", "#1"][..], "y@y"),
            ("l:\n  - [a,\n     b\n  ]\n  - c\n", &["l", "#1"][..], "c@c"),
        ];
        for (text, path, want) in cases {
            assert_eq!(value_at(text, path).as_deref(), Some(want), "{text:?}");
        }
    }

    #[test]
    fn a_syntax_error_is_at_libyamls_problem_mark_not_the_scalar_start() {
        // The quoted scalar starts on line 2; the text goes wrong where the stream ends in it.
        let text = "a: 1\nb: \"open\nc: 2\nd: 3\n";
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let parsed = parse(&file);
        let p = parsed.problems.first().expect("rejected");
        assert!(p.syntax && p.kind == ProblemKind::InvalidYaml);
        assert_eq!(file.position(p.span.start).line, 5, "{}", p.message);
        assert!(p.message.contains("from line 2"), "{}", p.message);
        // A key at the wrong indentation: the line of that key.
        let file = SourceFile::new(0, "t.yaml".into(), "a:\n    b: 1\n  c: 2\n");
        let p = parse(&file).problems.remove(0);
        assert_eq!(file.position(p.span.start).line, 3, "{}", p.message);
    }

    #[test]
    fn anchors_tags_and_block_scalars_keep_their_value_spans() {
        let text = "a: &x value\nb: !!str 1\nc: *x\nd: &m\n  k: v\ne: |\n  line\n";
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let doc = parse(&file).documents.remove(0);
        let slice = |key: &str| {
            let (_, v) = doc.tree.get(doc.root, key).expect(key);
            file.slice(doc.tree.span(v)).to_string()
        };
        assert_eq!(slice("a"), "value");
        assert_eq!(slice("b"), "1");
        assert_eq!(
            doc.tree
                .scalar(doc.tree.get(doc.root, "b").unwrap().1)
                .unwrap()
                .tag,
            ScalarTag::Str
        );
        assert_eq!(slice("c"), "*x");
        assert_eq!(slice("d"), "k: v");
        assert!(slice("e").starts_with("line"), "{}", slice("e"));
        // A redefined anchor: an alias names the latest definition before it.
        let text = "a: &x 1\nb: [&x 2, *x]\nc: *x\n";
        assert_eq!(value_at(text, &["c"]).as_deref(), Some("2@*x"));
        assert_eq!(value_at(text, &["b", "#1"]).as_deref(), Some("2@*x"));
    }

    #[test]
    fn nesting_past_the_limit_stops_the_file_at_once() {
        // Flow (libyaml's scanner is quadratic in its depth), block sequences and mappings.
        let deep_map: String = (0..100_000)
            .map(|i| format!("{}k:\n", " ".repeat(2 + i % 2000)))
            .collect();
        let flow = format!("  {}", "[".repeat(200_000));
        let block = format!("  {}", "- ".repeat(200_000));
        for deep in [flow, block, deep_map] {
            let text = format!("a: 1\n---\nb:\n{deep}\n");
            let file = SourceFile::new(0, "t.yaml".into(), &text);
            let started = std::time::Instant::now();
            let parsed = parse(&file);
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
            assert_eq!(parsed.documents.len(), 1, "the document before is kept");
            assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
            let message = &parsed.problems[0].message;
            assert!(message.contains("nesting is deeper"), "{message}");
        }
    }

    #[test]
    fn a_bom_and_crlf_keep_verbatim_scalars_right() {
        let got = texts("\u{feff}a: one\r\nb: 'two'\r\n");
        assert_eq!(
            got,
            vec![("one".to_string(), true), ("two".to_string(), true)]
        );
    }

    #[test]
    fn a_second_byte_order_mark_is_text_and_spans_stay_on_their_bytes() {
        // The loader removes the first mark; the second is text, which libyaml skips at a
        // line's start (counting a column: a second key at column 0 would be rejected, as
        // libyaml rejects it).
        let file = SourceFile::new(0, "t.yaml".into(), "\u{feff}\u{feff}a: {b: two}\n");
        let parsed = parse(&file);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let doc = parsed.documents.first().expect("one document");
        let spans: Vec<&str> = doc
            .tree
            .entries(doc.root)
            .flat_map(|(k, v)| [k, v])
            .map(|n| file.slice(doc.tree.span(n)))
            .collect();
        assert_eq!(spans, ["a", "{b: two}"]);
    }

    #[test]
    fn nodes_pack_into_16_bytes_and_unpack_to_what_was_pushed() {
        assert_eq!(std::mem::size_of::<Node>(), 16);
        let mut tree = Tree::default();
        let kinds = [
            NodeKind::Scalar {
                text_start: 7,
                text_len: 3,
                style: ScalarStyle::Folded,
                tag: ScalarTag::Other,
                text_at: TextAt::Strings,
            },
            NodeKind::Sequence { start: 9, len: 0 },
            NodeKind::Mapping {
                start: u32::MAX,
                len: META_LONG - 1,
                simple: true,
            },
            NodeKind::Mapping {
                start: 1,
                len: 2,
                simple: false,
            },
            NodeKind::Alias { target: 4 },
            // Past the 21 bits of the packed length: kept aside, read back the same.
            NodeKind::Sequence {
                start: 0,
                len: META_LONG,
            },
            NodeKind::Scalar {
                text_start: 0,
                text_len: u32::MAX,
                style: ScalarStyle::DoubleQuoted,
                tag: ScalarTag::Null,
                text_at: TextAt::Source,
            },
        ];
        for (i, kind) in kinds.iter().enumerate() {
            let id = tree.push_node(Span::new(i as u32, i as u32 + 1), *kind);
            assert_eq!(id, i as u32);
        }
        for (i, kind) in kinds.iter().enumerate() {
            assert_eq!(tree.kind(i as u32), Some(*kind), "node {i}");
            assert_eq!(tree.span(i as u32), Span::new(i as u32, i as u32 + 1));
        }
        assert_eq!(tree.kind(kinds.len() as u32), None);
    }

    #[test]
    fn a_scalar_longer_than_the_packed_length_reads_whole() {
        let long = "x".repeat(META_LONG as usize + 10);
        let yaml = format!("a: \"{long}\\t\"\nb: {long}\n");
        let got = texts(&yaml);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.len(), long.len() + 1);
        assert!(got[0].0.ends_with("x\t"));
        assert_eq!(got[1], (long.clone(), true));
    }

    #[test]
    fn copied_common_keys_point_at_the_table() {
        assert!(
            COMMON_TEXTS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        for (i, text) in COMMON_TEXTS.iter().enumerate() {
            assert_eq!(common_index(text), Some(i), "{text}");
            let shorter = &text[..text.len() - 1];
            let want = COMMON_TEXTS.iter().position(|t| *t == shorter);
            assert_eq!(common_index(shorter), want, "{shorter}");
        }
        for text in ["", "zzz", "éx", "Al", "spec ", "metadatas"] {
            assert_eq!(common_index(text), None, "{text}");
        }
        let file = SourceFile::new(0, "t.yaml".into(), "metadata: {name: web, 'x y': z}\n");
        let doc = parse(&file).documents.remove(0);
        let mut copy = Tree::default();
        let mut pairs = Vec::new();
        for (k, v) in doc.tree.entries(doc.root) {
            pairs.push(copy.copy_leaf(&doc.tree, k));
            pairs.push(copy.copy_leaf(&doc.tree, v));
        }
        let root = copy.push_collection(&doc.tree, doc.root, &pairs);
        let (key, _) = copy.get(root, "metadata").expect("copied");
        assert!(matches!(
            copy.kind(key),
            Some(NodeKind::Scalar {
                text_at: TextAt::Common,
                ..
            })
        ));
        assert_eq!(
            copy.span(key),
            doc.tree.span(doc.tree.get(doc.root, "metadata").unwrap().0)
        );
        // Nothing but the table was needed for the text.
        assert!(copy.strings.is_empty());
    }
}
