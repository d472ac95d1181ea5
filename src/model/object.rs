//! One Kubernetes object read from a document, with its typed view and source map.

use std::sync::Arc;

use smol_str::SmolStr;

use super::location::{resolve_path, resolve_written, FieldPath, Location, Resolution};
use super::view::{self, ObjectMeta};
use crate::source::tree::ScalarStyle;
use crate::source::{FileId, NodeId, Span, Tree};

/// Index of an object in the inventory.
pub type ObjectId = u32;

/// Index of an apply unit in a run (`source::units`).
pub type UnitId = u32;

/// The unit of `--context` objects: read into the inventory and seen by every unit.
pub const CONTEXT_UNIT: UnitId = UnitId::MAX;

/// The typed view of an object of a kind kplint reads: the compact [`view`] of its decoded
/// `k8s-openapi` struct, which holds only the fields rules read.
#[derive(Debug, Clone)]
pub enum Typed {
    Pod(Box<view::Pod>),
    Deployment(Box<view::Deployment>),
    ReplicaSet(Box<view::ReplicaSet>),
    ReplicationController(Box<view::ReplicationController>),
    StatefulSet(Box<view::StatefulSet>),
    DaemonSet(Box<view::DaemonSet>),
    Job(Box<view::Job>),
    CronJob(Box<view::CronJob>),
    Service(Box<view::Service>),
    Endpoints(Box<view::Meta>),
    EndpointSlice(Box<view::Meta>),
    Ingress(Box<view::Ingress>),
    LegacyIngress(Box<view::LegacyIngress>),
    PodDisruptionBudget(Box<view::PodDisruptionBudget>),
    PersistentVolumeClaim(Box<view::PersistentVolumeClaim>),
    HpaV1(Box<view::HorizontalPodAutoscaler>),
    HpaV2(Box<view::HorizontalPodAutoscaler>),
    /// A custom resource of a workload kind (`model::shape`): its pod template, selector and
    /// replicas. Only such objects have it, so built-in kinds take no memory for it.
    Workload(Box<super::shape::Workload>),
    /// An Argo Workflow kind (`model::workflow`): the containers of its step templates.
    Workflow(Box<super::workflow::Workflow>),
    /// A known kind whose fields do not decode (reported as `invalid-object`).
    Invalid,
    /// A kind kplint does not read (custom resources, ConfigMaps…): counted, never checked.
    Unknown,
}

impl Typed {
    /// The object's metadata, when decoded.
    pub fn metadata(&self) -> Option<&ObjectMeta> {
        Some(match self {
            Typed::Pod(o) => &o.metadata,
            Typed::Deployment(o) => &o.metadata,
            Typed::ReplicaSet(o) => &o.metadata,
            Typed::ReplicationController(o) => &o.metadata,
            Typed::StatefulSet(o) => &o.metadata,
            Typed::DaemonSet(o) => &o.metadata,
            Typed::Job(o) => &o.metadata,
            Typed::CronJob(o) => &o.metadata,
            Typed::Service(o) => &o.metadata,
            Typed::Endpoints(o) => &o.metadata,
            Typed::EndpointSlice(o) => &o.metadata,
            Typed::Ingress(o) => &o.metadata,
            Typed::LegacyIngress(o) => &o.metadata,
            Typed::PodDisruptionBudget(o) => &o.metadata,
            Typed::PersistentVolumeClaim(o) => &o.metadata,
            Typed::HpaV1(o) => &o.metadata,
            Typed::HpaV2(o) => &o.metadata,
            Typed::Workload(o) => &o.metadata,
            Typed::Workflow(o) => &o.metadata,
            Typed::Invalid | Typed::Unknown => return None,
        })
    }
}

/// A Kubernetes object: identity, typed view, and where it is written.
#[derive(Debug, Clone)]
pub struct Object {
    pub id: ObjectId,
    pub file: FileId,
    /// The apply unit the object belongs to ([`CONTEXT_UNIT`] for `--context` objects, which
    /// every unit sees).
    pub unit: UnitId,
    /// A hash of the document's text as written: two definitions with the same digest (and
    /// identity) are byte-identical, so applying the second replaces nothing.
    pub digest: u64,
    /// 0-based index of the YAML document in its file.
    pub document: u32,
    // Identity strings are inline up to 23 bytes (no allocation: most kinds, versions,
    // namespaces and names), shared when longer: a finding's `ObjectRef` copies them.
    pub api_version: SmolStr,
    pub kind: SmolStr,
    /// `metadata.name` (absent when the manifest uses `generateName` or forgets it).
    pub name: Option<SmolStr>,
    /// The effective namespace (the default namespace when unset); `None` for cluster-scoped kinds.
    pub namespace: Option<SmolStr>,
    pub typed: Typed,
    /// True for a controller whose `spec.selector` is not written (decoded as empty).
    pub selector_absent: bool,
    /// False when the object is known to write no suppression annotation
    /// (`ignore.kplint.io/…`): suppression then skips reading its annotations.
    pub may_suppress: bool,
    /// Fields dropped because their type was wrong (reported as `invalid-object`): the typed
    /// view reads them as unset, so rules must not draw conclusions from their defaults.
    pub broken: Box<[FieldPath]>,
    /// The document tree (shared by the items of a `List`).
    pub tree: Arc<Tree>,
    /// The node of this object in the tree.
    pub root: NodeId,
}

impl Object {
    /// The API group (`apps`, or `` for the core group).
    pub fn group(&self) -> &str {
        super::kinds::group_of(&self.api_version)
    }

    /// `Deployment "web"`, for messages; written straight into the message that shows it.
    pub fn display(&self) -> Shown<'_> {
        Shown(self)
    }

    /// The name, or an empty string.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The value at `path`, or the key of its nearest written parent when it is missing.
    pub fn locate(&self, path: &str) -> Location {
        self.located(resolve_written(&self.tree, self.root, path))
    }

    /// As [`Object::locate`], for a built path.
    pub fn locate_path(&self, path: &FieldPath) -> Location {
        self.located(resolve_path(&self.tree, self.root, &path.0))
    }

    /// The value a resolution reached, or the key of its nearest written parent.
    fn located(&self, r: Resolution) -> Location {
        let node = if r.complete {
            r.value
        } else {
            r.key.unwrap_or(r.value)
        };
        self.at_node(node)
    }

    /// The key at `path` (the value when the last step is a list index), or its nearest parent.
    pub fn locate_key(&self, path: &str) -> Location {
        let r = resolve_written(&self.tree, self.root, path);
        self.at_node(r.key.unwrap_or(r.value))
    }

    /// The text of the scalar at `path`, for a field the typed view leaves out (an image, a
    /// generateName): `None` when it is not written or not a scalar.
    pub fn scalar_text(&self, path: &str) -> Option<&str> {
        let r = resolve_written(&self.tree, self.root, path);
        if !r.complete {
            return None;
        }
        self.tree.scalar(r.value).map(|s| s.text)
    }

    /// True when the field at `path` is written in the manifest.
    pub fn has(&self, path: &str) -> bool {
        resolve_written(&self.tree, self.root, path).complete
    }

    /// The bytes `range` of the string value at `path`, when its source text is that string
    /// verbatim (a plain scalar, or a quoted one without escapes or line folding); otherwise the
    /// whole value, as [`Object::locate`] gives it.
    pub fn locate_within(&self, path: &str, range: std::ops::Range<usize>) -> Location {
        let whole = self.locate(path);
        let r = resolve_written(&self.tree, self.root, path);
        if !r.complete || range.start >= range.end {
            return whole;
        }
        let Some(s) = self.tree.scalar(r.value) else {
            return whole;
        };
        // Escapes, folding and aliases all make the source longer than the value, so equal
        // lengths mean the text is written as is.
        let span = self.tree.span(r.value);
        let text_len = s.text.len() as u64;
        let quote = match s.style {
            ScalarStyle::Plain => 0,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => 1,
            ScalarStyle::Literal | ScalarStyle::Folded => return whole,
        };
        if u64::from(span.len()) != text_len + 2 * quote || range.end > s.text.len() {
            return whole;
        }
        let base = span.start + quote as u32;
        Location {
            file: self.file,
            span: Span::new(base + range.start as u32, base + range.end as u32),
        }
    }

    /// True when the field at `path` (or a parent of it) was dropped for a type error.
    pub fn is_broken(&self, path: &str) -> bool {
        if self.broken.is_empty() {
            return false;
        }
        let want = FieldPath::parse(path);
        self.broken
            .iter()
            .any(|b| want.0.starts_with(&b.0) || b.0.starts_with(&want.0))
    }

    /// The location of a node of this object's tree.
    pub fn at_node(&self, node: NodeId) -> Location {
        Location {
            file: self.file,
            span: self.tree.span(node),
        }
    }
}

/// An object as messages name it: `Deployment "web"`, or `Pod (unnamed)`.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(&'a Object);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.name {
            Some(n) => write!(f, "{} \"{}\"", self.0.kind, n),
            None => write!(f, "{} (unnamed)", self.0.kind),
        }
    }
}
