//! From a parsed document to objects: identity from the tree, typed view through serde, and
//! `invalid-object` diagnostics located at the offending field. The same decode records the
//! keys a kind's schema lacks (`model::strict`), reported as `unknown-field` at each key.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use smol_str::SmolStr;

use super::kinds::{group_of, is_cluster_scoped, known_kind, version_of, KnownKind};
use super::location::{resolve_written, FieldPath, Location};
use super::object::{Object, Typed};
use super::retained::RetainedPool;
use super::strict::{self, Decoder, Failure, Overlay, UnknownField};
use crate::report::Diagnostic;
use crate::rules::{invalid_object, unknown_field};
use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::ScalarStyle;
use crate::source::{Document, FileId, NodeId, Tree};

/// What a document yields.
#[derive(Debug, Default)]
pub struct DecodedDocument {
    /// The document's objects, after those [`decode_document_in`] was given to append to.
    pub objects: Vec<Object>,
    pub diagnostics: Vec<Diagnostic>,
    /// True when the document is not a Kubernetes object (no `kind`): skipped quietly.
    pub not_object: bool,
    /// The document's tree when no object keeps it, for the parser to build the next one in
    /// (`tree::parse_with`).
    pub spare: Option<Tree>,
}

/// Decodes one document. Object ids are assigned later by the inventory. Each object keeps only
/// the fields rules point at (`model::retained`).
pub fn decode_document(file: FileId, doc: Document, default_namespace: &str) -> DecodedDocument {
    let mut pool = RetainedPool::default();
    let mut out = decode_document_with(file, doc, default_namespace, Some(&mut pool));
    pool.finish(&mut out.objects);
    out
}

/// As [`decode_document`], the retained fields going to `pool` (finished by the caller, once
/// per file); without a pool each object keeps its whole document tree (what
/// `tests/retained.rs` compares the retained fields against).
pub fn decode_document_with(
    file: FileId,
    doc: Document,
    default_namespace: &str,
    pool: Option<&mut RetainedPool>,
) -> DecodedDocument {
    decode_document_in(file, doc, default_namespace, pool, true, Vec::new())
}

/// As [`decode_document_with`] without a pool, every known object through the typed decode
/// (never read straight from the tree): what `tests/views_from_tree.rs` compares against.
pub fn decode_document_typed(
    file: FileId,
    doc: Document,
    default_namespace: &str,
) -> DecodedDocument {
    decode_document_in(file, doc, default_namespace, None, false, Vec::new())
}

/// As [`decode_document_with`]; with `schema_check` false, every known object goes through
/// the typed decode (`Options::typed_decode`). The objects are appended to `objects` (the
/// file's so far: a list per document was an allocation and a copy per document).
pub fn decode_document_in(
    file: FileId,
    doc: Document,
    default_namespace: &str,
    pool: Option<&mut RetainedPool>,
    schema_check: bool,
    objects: Vec<Object>,
) -> DecodedDocument {
    let mut tree = doc.tree;
    if !(doc.plain && pool.is_some()) {
        // Kept whole by its objects: it takes exactly the room it needs.
        tree.shrink_to_fit();
    }
    let tree = Arc::new(tree);
    let cx = Cx {
        recovered: Default::default(),
        dropped: Default::default(),
        file,
        document: doc.index,
        tree: &tree,
        default_namespace,
        plain: doc.plain,
        pool: std::cell::RefCell::new(pool),
        schema_check,
        whole: std::cell::OnceCell::new(),
    };
    let mut out = DecodedDocument {
        objects,
        ..DecodedDocument::default()
    };
    cx.decode_root(doc.root, &mut out);
    drop(cx);
    out.spare = Arc::into_inner(tree);
    out
}

struct Cx<'a> {
    /// Type errors of objects that still decoded once the bad fields were dropped.
    recovered: std::cell::RefCell<Vec<Diagnostic>>,
    /// The fields dropped for those type errors.
    dropped: std::cell::RefCell<Vec<FieldPath>>,
    file: FileId,
    document: u32,
    tree: &'a Arc<Tree>,
    default_namespace: &'a str,
    pool: std::cell::RefCell<Option<&'a mut RetainedPool>>,
    /// True when the document's tree has no alias and no merge or repeated key
    /// ([`Tree::is_plain`]): its views are read straight from it, and its objects' retained
    /// fields copied into the pool (when there is one).
    plain: bool,
    /// Whether an object the schema check passes is read straight from the tree.
    schema_check: bool,
    /// The exact copy of the tree kept by CRDs and custom resources ([`keeps_whole_tree`]).
    whole: std::cell::OnceCell<Arc<Tree>>,
}

/// True for the objects that keep their whole document tree: CRDs and the objects that may be
/// their custom resources (a group Kubernetes does not serve), which `model::crd` walks once
/// every file is read. Any other object keeps only its retained fields.
pub fn keeps_whole_tree(obj: &Object) -> bool {
    matches!(obj.typed, Typed::Unknown)
        && (!super::kinds::is_builtin_group(obj.group()) || super::crd::definition::is_crd(obj))
}

impl Cx<'_> {
    /// Decodes the document rooted at `root`: one object, the items of a `List`, or nothing.
    fn decode_root(&self, root: NodeId, out: &mut DecodedDocument) {
        let tree: &Tree = self.tree;
        if tree.is_sequence(root) {
            let objects_inside = tree
                .items(root)
                .iter()
                .any(|&item| tree.get(item, "kind").is_some());
            if objects_inside {
                out.diagnostics.push(
                    Diagnostic::new(
                        invalid_object::RULE.id,
                        invalid_object::RULE.severity,
                        self.at(root),
                        "this document is a YAML list of objects; kubectl rejects a top-level list",
                    )
                    .help("wrap the objects in `apiVersion: v1`, `kind: List`, `items:`, or separate them with `---`"),
                );
            } else {
                out.not_object = true;
            }
            return;
        }
        let Some((_, kind_node)) = tree.get(root, "kind") else {
            out.not_object = true;
            return;
        };
        let kind = match string_scalar(tree, kind_node) {
            Some(k) => k,
            None => {
                out.diagnostics.push(
                    Diagnostic::new(
                        invalid_object::RULE.id,
                        invalid_object::RULE.severity,
                        self.at(kind_node),
                        "`kind` must be a string naming the object's type",
                    )
                    .path("kind")
                    .help("write the kind as a string, e.g. `kind: Deployment`"),
                );
                return;
            }
        };
        let is_list =
            kind == "List" || (kind.ends_with("List") && tree.get(root, "items").is_some());
        if is_list {
            if tree.get(root, "apiVersion").is_none() {
                out.diagnostics.push(self.missing_api_version(root, &kind));
                return;
            }
            let Some((items_key, items)) = tree.get(root, "items") else {
                return;
            };
            if !tree.is_sequence(items) {
                out.diagnostics.push(
                    Diagnostic::new(
                        invalid_object::RULE.id,
                        invalid_object::RULE.severity,
                        self.at(items_key),
                        format!("`items` of a {kind} must be a list of objects"),
                    )
                    .path("items"),
                );
                return;
            }
            for (i, &item) in tree.items(items).iter().enumerate() {
                match tree.get(item, "kind") {
                    Some(_) => self.decode_object(item, out),
                    None => out.diagnostics.push(
                        Diagnostic::new(
                            invalid_object::RULE.id,
                            invalid_object::RULE.severity,
                            self.at(item),
                            format!(
                                "item {i} of this {kind} is not a Kubernetes object: it has no `kind`"
                            ),
                        )
                        .path(format!("items[{i}]"))
                        .help("give every item its `apiVersion` and `kind`"),
                    ),
                }
            }
            return;
        }
        self.decode_object(root, out);
    }

    fn at(&self, node: NodeId) -> Location {
        Location {
            file: self.file,
            span: self.tree.span(node),
        }
    }

    fn missing_api_version(&self, root: NodeId, kind: &str) -> Diagnostic {
        let key = self.tree.get(root, "kind").map(|(k, _)| k).unwrap_or(root);
        let suggestion = preferred_api_version(kind)
            .map(|v| format!("add `apiVersion: {v}`"))
            .unwrap_or_else(|| "add the `apiVersion` of this kind (`group/version`)".to_string());
        Diagnostic::new(
            invalid_object::RULE.id,
            invalid_object::RULE.severity,
            self.at(key),
            format!("`kind: {kind}` without `apiVersion`; kubectl rejects the document"),
        )
        .path("apiVersion")
        .help(suggestion)
    }

    fn decode_object(&self, root: NodeId, out: &mut DecodedDocument) {
        let tree: &Tree = self.tree;
        let kind = tree
            .get(root, "kind")
            .and_then(|(_, v)| string_scalar(tree, v))
            .unwrap_or_default();
        let Some((_, api_node)) = tree.get(root, "apiVersion") else {
            out.diagnostics.push(self.missing_api_version(root, &kind));
            return;
        };
        let Some(api_version) = string_scalar(tree, api_node) else {
            out.diagnostics.push(
                Diagnostic::new(
                    invalid_object::RULE.id,
                    invalid_object::RULE.severity,
                    self.at(api_node),
                    "`apiVersion` must be a string such as `apps/v1`",
                )
                .path("apiVersion"),
            );
            return;
        };
        let metadata = tree.get(root, "metadata").map(|(_, v)| v);
        let meta_str = |key: &str| {
            metadata
                .and_then(|m| tree.get(m, key))
                .and_then(|(_, v)| tree.scalar(v))
                .map(|s| SmolStr::new(s.text))
                .filter(|s| !s.is_empty())
        };
        let name = meta_str("name");
        let namespace = if is_cluster_scoped(group_of(&api_version), &kind) {
            None
        } else {
            Some(meta_str("namespace").unwrap_or_else(|| SmolStr::new(self.default_namespace)))
        };
        let mut object = Object {
            id: 0,
            file: self.file,
            unit: 0,
            digest: 0,
            document: self.document,
            api_version,
            kind,
            name,
            namespace,
            typed: Typed::Unknown,
            selector_absent: false,
            may_suppress: true,
            broken: Box::default(),
            tree: Arc::clone(self.tree),
            root,
        };
        if let Some(known) = known_kind(
            object.group(),
            version_of(&object.api_version),
            &object.kind,
        ) {
            let mut unknown = Vec::new();
            let decoded = self.decode_typed(known, &mut object, &mut unknown);
            out.diagnostics
                .extend(unknown_field::diagnose(&object, unknown));
            match decoded {
                Ok(typed) => {
                    object.typed = typed;
                    // Still checked by the rules: the rest of the object is readable.
                    out.diagnostics.extend(missing_containers(&object));
                }
                Err(diags) => {
                    object.typed = Typed::Invalid;
                    out.diagnostics.extend(diags);
                }
            }
            out.diagnostics.append(&mut self.recovered.borrow_mut());
            object.broken = std::mem::take(&mut *self.dropped.borrow_mut()).into_boxed_slice();
        }
        // Names, labels and annotations the API server rejects, read while the whole tree is
        // at hand (the retained copy keeps none of them).
        super::names::check_metadata(&object, &mut out.diagnostics);
        if keeps_whole_tree(&object) {
            // Walked against its CRD once every file is read (`model::crd`).
            object.tree = self.whole_tree();
        } else if let Some(pool) = self.pool.borrow_mut().as_deref_mut() {
            // Decoded and judged: from here on the object is only pointed into.
            pool.add(self.tree, self.plain, &mut object);
        }
        out.objects.push(object);
    }

    /// The document's tree for an object that keeps it whole: the parser's reused buffers are
    /// copied out at their exact size once per document (the items of a `List` share it).
    fn whole_tree(&self) -> Arc<Tree> {
        if !(self.plain && self.pool.borrow().is_some()) {
            // Already shrunk to fit (`decode_document_in`).
            return Arc::clone(self.tree);
        }
        Arc::clone(self.whole.get_or_init(|| Arc::new(self.tree.exact_copy())))
    }

    fn decode_typed(
        &self,
        known: KnownKind,
        obj: &mut Object,
        unknown: &mut Vec<UnknownField>,
    ) -> Result<Typed, Vec<Diagnostic>> {
        use k8s_openapi::api as k;
        let tree: &Tree = self.tree;
        // Manifests describe desired state: `status` is never read, so never judged. A missing
        // selector is `selector-mismatch`'s finding, not a type error: the decoder shows an
        // empty one.
        let o = super::schema::oracle::overlay_for(tree, obj.root, known);
        obj.selector_absent = o.empty_selector;
        // Most objects decode cleanly: when the schema says so, their view is read from the
        // tree, and the `k8s-openapi` structs (most of a lint's cost) are never built.
        if self.schema_check && super::schema::validate(tree, obj.root, known, o) {
            let typed = self
                .plain
                .then(|| super::view::from_tree::typed(known, tree, obj.root))
                .flatten();
            if let Some(typed) = typed {
                return Ok(typed);
            }
        }
        // Each decoded struct is moved into its compact view at once and dropped.
        Ok(match known {
            KnownKind::Pod => {
                Typed::Pod(view(self.decode_as::<k::core::v1::Pod>(o, obj, unknown)?))
            }
            KnownKind::Deployment => Typed::Deployment(view(
                self.decode_as::<k::apps::v1::Deployment>(o, obj, unknown)?,
            )),
            KnownKind::ReplicaSet => Typed::ReplicaSet(view(
                self.decode_as::<k::apps::v1::ReplicaSet>(o, obj, unknown)?,
            )),
            KnownKind::ReplicationController => Typed::ReplicationController(view(
                self.decode_as::<k::core::v1::ReplicationController>(o, obj, unknown)?,
            )),
            KnownKind::StatefulSet => Typed::StatefulSet(view(
                self.decode_as::<k::apps::v1::StatefulSet>(o, obj, unknown)?,
            )),
            KnownKind::DaemonSet => Typed::DaemonSet(view(
                self.decode_as::<k::apps::v1::DaemonSet>(o, obj, unknown)?,
            )),
            KnownKind::Job => {
                Typed::Job(view(self.decode_as::<k::batch::v1::Job>(o, obj, unknown)?))
            }
            KnownKind::CronJob => Typed::CronJob(view(
                self.decode_as::<k::batch::v1::CronJob>(o, obj, unknown)?,
            )),
            KnownKind::Service => Typed::Service(view(
                self.decode_as::<k::core::v1::Service>(o, obj, unknown)?,
            )),
            KnownKind::Endpoints => Typed::Endpoints(view(
                self.decode_as::<k::core::v1::Endpoints>(o, obj, unknown)?,
            )),
            KnownKind::EndpointSlice => Typed::EndpointSlice(view(
                self.decode_as::<k::discovery::v1::EndpointSlice>(o, obj, unknown)?,
            )),
            KnownKind::Ingress => Typed::Ingress(view(
                self.decode_as::<k::networking::v1::Ingress>(o, obj, unknown)?,
            )),
            KnownKind::LegacyIngress => Typed::LegacyIngress(view(
                self.decode_as::<super::legacy::LegacyIngress>(o, obj, unknown)?,
            )),
            KnownKind::PodDisruptionBudget => Typed::PodDisruptionBudget(view(
                self.decode_as::<k::policy::v1::PodDisruptionBudget>(o, obj, unknown)?,
            )),
            KnownKind::PersistentVolumeClaim => Typed::PersistentVolumeClaim(view(
                self.decode_as::<k::core::v1::PersistentVolumeClaim>(o, obj, unknown)?,
            )),
            KnownKind::HorizontalPodAutoscalerV1 => Typed::HpaV1(view(
                self.decode_as::<k::autoscaling::v1::HorizontalPodAutoscaler>(o, obj, unknown)?,
            )),
            KnownKind::HorizontalPodAutoscalerV2 => Typed::HpaV2(view(
                self.decode_as::<k::autoscaling::v2::HorizontalPodAutoscaler>(o, obj, unknown)?,
            )),
        })
    }

    /// Decodes `T` straight from the tree with `overlay` (`schema::oracle::overlay_for`, which
    /// also shows a resource its own `apiVersion` and `kind`), collecting the keys its schema
    /// lacks into `unknown` in the same pass.
    fn decode_as<T: DeserializeOwned>(
        &self,
        overlay: Overlay,
        obj: &mut Object,
        unknown: &mut Vec<UnknownField>,
    ) -> Result<T, Vec<Diagnostic>> {
        let mut decoder = Decoder::new(self.tree, obj.root, overlay);
        if let Ok(t) = decoder.decode::<T>(unknown) {
            return Ok(t);
        }
        unknown.clear();
        if let Some(e) = strict::json_error(self.tree, obj.root) {
            // kubectl cannot even convert the document to JSON: one diagnostic, nothing else.
            obj.selector_absent = false;
            return Err(vec![Diagnostic::new(
                invalid_object::RULE.id,
                invalid_object::RULE.severity,
                self.at(e.node),
                format!("{}: {}", obj.display(), e.message),
            )
            .object(obj)]);
        }
        // Only on failure: keep going past each bad field (dropped) so one run reports every
        // type error, meeting the keys in the order kubectl's JSON object has them.
        decoder.sort_keys();
        let mut errors: Vec<Diagnostic> = Vec::new();
        let mut seen: Vec<FieldPath> = Vec::new();
        // True while `unknown` holds what the last decode found with the current drops.
        let mut current = false;
        for _ in 0..MAX_TYPE_ERRORS {
            unknown.clear();
            let failure = match decoder.decode::<T>(unknown) {
                Ok(t) => {
                    // Every bad field is reported; the rest of the object is still checked by
                    // the rules, with the bad fields read as unset, and for unknown fields.
                    self.recovered.borrow_mut().extend(errors);
                    return Ok(t);
                }
                Err(failure) => failure,
            };
            current = true;
            if seen.contains(&failure.path) {
                // Dropping the field did not help (an item of a list): stop here.
                break;
            }
            let missing = failure.message.starts_with("missing field");
            errors.push(self.type_error(obj, &failure));
            if missing || failure.path.0.is_empty() {
                break;
            }
            decoder.drop_field(failure.path.clone());
            current = false;
            self.dropped.borrow_mut().push(failure.path.clone());
            seen.push(failure.path);
        }
        if !current {
            // Unknown fields past the last type error: one more pass with every bad field
            // dropped (a dropped field holds no keys to judge).
            unknown.clear();
            let _ = decoder.decode::<T>(unknown);
        }
        Err(errors)
    }

    fn type_error(&self, obj: &Object, failure: &Failure) -> Diagnostic {
        let path = &failure.path;
        let inner = failure.message.as_str();
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'));
        let (node, message, help) = if let Some(field) = missing {
            // Raised by the struct's own mapping: point at its key.
            let node = failure.key.unwrap_or(failure.node);
            let full = if path.0.is_empty() {
                field.to_string()
            } else {
                format!("{path}.{field}")
            };
            (
                node,
                format!(
                    "{}: required field `{full}` is missing; the API server rejects the object",
                    obj.display()
                ),
                format!(
                    "add `{field}` under `{}`",
                    if path.0.is_empty() {
                        "the object".to_string()
                    } else {
                        path.to_string()
                    }
                ),
            )
        } else {
            let node = failure.node;
            let help = self.type_help(node, inner);
            (
                node,
                format!(
                    "{}: `{path}` has the wrong type: {}",
                    obj.display(),
                    tidy(inner)
                ),
                help,
            )
        };
        Diagnostic::new(
            invalid_object::RULE.id,
            invalid_object::RULE.severity,
            self.at(node),
            message,
        )
        .path(path.to_string())
        .help(help)
        .object(obj)
    }

    fn type_help(&self, node: NodeId, inner: &str) -> String {
        let wants_string = inner.contains("expected a string") || inner.contains("expected string");
        if let Some(s) = self.tree.scalar(node) {
            if s.style == ScalarStyle::Plain && wants_string {
                let what = match resolve(s.text, s.style, s.tag) {
                    Resolved::Bool(_) => "a boolean in YAML 1.1, as kubectl reads it",
                    Resolved::Null => "null",
                    Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_) => "a number",
                    Resolved::Str(_) => "not a string here",
                };
                return format!(
                    "quote the value so it stays a string: \"{}\" (unquoted, `{}` is {what})",
                    s.text, s.text
                );
            }
        }
        if inner.contains("found string") || inner.contains("invalid type: string") {
            if inner.contains("expected i")
                || inner.contains("expected u")
                || inner.contains("expected f")
            {
                let numeric = self.tree.scalar(node).is_some_and(|s| {
                    matches!(
                        crate::source::scalar::resolve_plain(s.text),
                        Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_)
                    )
                });
                return if numeric {
                    "write the number without quotes".to_string()
                } else {
                    "write a number here".to_string()
                };
            }
            if inner.contains("expected a boolean") {
                return "write true or false without quotes".to_string();
            }
        }
        if inner.contains("expected a sequence") || inner.contains("expected a list") {
            return "write a YAML list here (items starting with `- `)".to_string();
        }
        if inner.contains("expected a map") || inner.contains("expected struct") {
            return "write a mapping (`key: value` lines) here".to_string();
        }
        "write the value with the type the Kubernetes API defines for this field".to_string()
    }
}

/// Type errors reported per object at most.
const MAX_TYPE_ERRORS: usize = 20;

/// serde's message without its internal type names.
fn tidy(inner: &str) -> String {
    inner
        .replace("invalid type: ", "found ")
        .replace("std::string::String", "string")
        .replace("a sequence", "a list")
        .replace("sequence", "list")
        .replace("struct ", "")
        .replace("expected i32", "expected an integer")
        .replace("expected i64", "expected an integer")
        .replace("expected u32", "expected a non-negative integer")
        .replace("expected u64", "expected a non-negative integer")
        .replace("expected f64", "expected a number")
}

/// `k8s-openapi` defaults a missing list to empty; the API server requires one container.
/// Moves a decoded `k8s-openapi` struct into its compact view: the struct's unread parts
/// (kilobytes for a workload) are freed now instead of living as long as the inventory.
fn view<T, V: From<T>>(decoded: T) -> Box<V> {
    Box::new(V::from(decoded))
}

pub(crate) fn missing_containers(obj: &Object) -> Option<Diagnostic> {
    let t = super::workload::pod_template(obj)?;
    if t.spec.is_some_and(|s| !s.containers.is_empty()) {
        return None;
    }
    let path = format!("{}.containers", t.spec_path);
    let written = resolve_written(&obj.tree, obj.root, &path);
    if written.complete && !obj.tree.is_sequence(written.value) {
        // Written, but not as a list: the type error already says so.
        return None;
    }
    Some(
        Diagnostic::new(
            invalid_object::RULE.id,
            invalid_object::RULE.severity,
            obj.locate(&path),
            format!(
                "{}: the pod template has no containers; `{path}` is required and the API server rejects the object",
                obj.display()
            ),
        )
        .path(path)
        .help("add at least one container with a `name` and an `image`")
        .object(obj),
    )
}

/// A string scalar's text (numbers and booleans are not names).
fn string_scalar(tree: &Tree, node: NodeId) -> Option<SmolStr> {
    let s = tree.scalar(node)?;
    match resolve(s.text, s.style, s.tag) {
        Resolved::Str(t) if !t.is_empty() => Some(SmolStr::new(t)),
        _ => None,
    }
}

/// The apiVersion to suggest for a well-known kind.
fn preferred_api_version(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Pod"
        | "Service"
        | "ConfigMap"
        | "Secret"
        | "Namespace"
        | "ServiceAccount"
        | "PersistentVolumeClaim"
        | "PersistentVolume"
        | "ReplicationController"
        | "Endpoints"
        | "List" => "v1",
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "Ingress" | "NetworkPolicy" | "IngressClass" => "networking.k8s.io/v1",
        "PodDisruptionBudget" => "policy/v1",
        "HorizontalPodAutoscaler" => "autoscaling/v2",
        "EndpointSlice" => "discovery.k8s.io/v1",
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io/v1"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use k8s_openapi::api as k;
    use serde_json::{Map, Number, Value};

    use super::*;
    use crate::source::tree::{is_merge_key, parse, NodeKind};
    use crate::source::SourceFile;

    fn decode_text(text: &str) -> DecodedDocument {
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let mut parsed = parse(&file);
        decode_document(0, parsed.documents.remove(0), "default")
    }

    #[test]
    fn recovery_reports_every_bad_field_of_an_object() {
        let out = decode_text(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {name: w}
spec:
  replicas: two
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      hostNetwork: maybe
      containers:
        - name: c
          image: i
          tty: 1
          env: [{name: A, value: yes}]
",
        );
        let mut errors: Vec<(String, String)> = out
            .diagnostics
            .iter()
            .filter(|d| d.rule == invalid_object::RULE.id)
            .map(|d| {
                (
                    d.path.as_deref().unwrap_or_default().to_string(),
                    d.message.clone(),
                )
            })
            .collect();
        errors.sort();
        let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "spec.replicas",
                "spec.template.spec.containers[0].env[0].value",
                "spec.template.spec.containers[0].tty",
                "spec.template.spec.hostNetwork",
            ]
        );
        let [object] = out.objects.as_slice() else {
            panic!("one object")
        };
        // The rest of the object is still read, without the bad fields.
        let Typed::Deployment(d) = &object.typed else {
            panic!(
                "decoded once the bad fields are dropped: {:?}",
                object.typed
            )
        };
        assert_eq!(d.spec.as_ref().and_then(|s| s.replicas), None);
        let mut broken: Vec<String> = object.broken.iter().map(|p| p.to_string()).collect();
        broken.sort();
        assert_eq!(broken, paths);
    }

    #[test]
    fn a_missing_required_field_stops_recovery_and_is_located_at_its_key() {
        let text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: l}\nspec:\n  backend: {serviceName: 5}\n  rules:\n    - http: {}\n";
        let out = decode_text(text);
        let found: Vec<(String, u32)> = out
            .diagnostics
            .iter()
            .filter(|d| d.rule == invalid_object::RULE.id)
            .map(|d| {
                (
                    d.path.as_deref().unwrap_or_default().to_string(),
                    d.span.start,
                )
            })
            .collect();
        let http = text.find("http").map(|i| i as u32);
        let service = text.find("5}").map(|i| i as u32);
        assert_eq!(
            found,
            vec![
                ("spec.backend.serviceName".to_string(), service.unwrap_or(0)),
                ("spec.rules[0].http".to_string(), http.unwrap_or(0)),
            ]
        );
    }

    /// The old path, kept here to compare with: the subtree as the JSON kubectl would send.
    fn to_json(tree: &Tree, id: NodeId, depth: usize) -> Option<Value> {
        if depth > strict::MAX_JSON_DEPTH {
            return None;
        }
        let resolved = tree.resolve(id);
        Some(match tree.kind(resolved)? {
            NodeKind::Scalar { .. } => {
                let s = tree.scalar(resolved)?;
                match resolve(s.text, s.style, s.tag) {
                    Resolved::Null => Value::Null,
                    Resolved::Bool(b) => Value::Bool(b),
                    Resolved::Int(i) => Value::Number(i.into()),
                    Resolved::Uint(u) => Value::Number(u.into()),
                    Resolved::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
                        Value::Number((f as i64).into())
                    }
                    Resolved::Float(f) => Value::Number(Number::from_f64(f)?),
                    Resolved::Str(s) => Value::String(s.to_string()),
                }
            }
            NodeKind::Sequence { .. } => Value::Array(
                tree.items(resolved)
                    .iter()
                    .map(|&i| to_json(tree, i, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            NodeKind::Mapping { .. } => {
                let mut map = Map::new();
                let mut merges = Vec::new();
                for (k, v) in tree.entries(resolved) {
                    let key = tree.scalar(k)?;
                    if is_merge_key(&key) {
                        merges.push(v);
                        continue;
                    }
                    map.insert(key.key().into_owned(), to_json(tree, v, depth + 1)?);
                }
                for m in merges {
                    let sources = if tree.is_sequence(m) {
                        tree.items(m).to_vec()
                    } else {
                        vec![m]
                    };
                    for src in sources {
                        let Value::Object(extra) = to_json(tree, src, depth + 1)? else {
                            return None;
                        };
                        for (k, v) in extra {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
                Value::Object(map)
            }
            NodeKind::Alias { .. } => Value::Null,
        })
    }

    /// What the old path decoded an object to, next to what the tree decoder gives for the same
    /// `k8s-openapi` type: the view in `Typed` drops most fields, so the whole structs are
    /// compared here.
    struct Reference {
        view: Typed,
        want_full: String,
        /// `None` when the tree decoder fails on the object.
        full: Option<String>,
    }

    fn compare<T, V>(
        obj: &Object,
        mut v: Value,
        api_version_kind: Option<(&'static str, &'static str)>,
        wrap: fn(Box<V>) -> Typed,
    ) -> Option<Reference>
    where
        T: DeserializeOwned + std::fmt::Debug,
        V: From<T>,
    {
        if let (Value::Object(m), Some((api_version, kind))) = (&mut v, api_version_kind) {
            m.insert("apiVersion".into(), api_version.into());
            m.insert("kind".into(), kind.into());
        }
        let want: T = serde_json::from_value(v).ok()?;
        let overlay = Overlay {
            skip_status: true,
            api_version_kind,
            empty_selector: obj.selector_absent,
            default_name: None,
        };
        let full = Decoder::new(&obj.tree, obj.root, overlay)
            .decode::<T>(&mut Vec::new())
            .ok()
            .map(|t| format!("{t:?}"));
        Some(Reference {
            want_full: format!("{want:?}"),
            full,
            view: wrap(view(want)),
        })
    }

    /// [`compare`] for a `k8s-openapi` resource, whose apiVersion and kind are its own.
    macro_rules! resource {
        ($obj:expr, $v:expr, $t:ty, $variant:path) => {
            compare::<$t, _>(
                $obj,
                $v,
                Some((
                    <$t as k8s_openapi::Resource>::API_VERSION,
                    <$t as k8s_openapi::Resource>::KIND,
                )),
                $variant,
            )
        };
    }

    /// What the old path decoded `obj` to, when it did.
    fn reference(known: KnownKind, obj: &Object) -> Option<Reference> {
        let mut v = to_json(&obj.tree, obj.root, 0)?;
        if let Value::Object(m) = &mut v {
            m.remove("status");
            if matches!(
                known,
                KnownKind::Deployment
                    | KnownKind::ReplicaSet
                    | KnownKind::DaemonSet
                    | KnownKind::StatefulSet
            ) {
                if let Some(Value::Object(spec)) = m.get_mut("spec") {
                    spec.entry("selector").or_insert(Value::Object(Map::new()));
                }
            }
        }
        match known {
            KnownKind::Pod => resource!(obj, v, k::core::v1::Pod, Typed::Pod),
            KnownKind::Deployment => resource!(obj, v, k::apps::v1::Deployment, Typed::Deployment),
            KnownKind::ReplicaSet => resource!(obj, v, k::apps::v1::ReplicaSet, Typed::ReplicaSet),
            KnownKind::ReplicationController => resource!(
                obj,
                v,
                k::core::v1::ReplicationController,
                Typed::ReplicationController
            ),
            KnownKind::StatefulSet => {
                resource!(obj, v, k::apps::v1::StatefulSet, Typed::StatefulSet)
            }
            KnownKind::DaemonSet => resource!(obj, v, k::apps::v1::DaemonSet, Typed::DaemonSet),
            KnownKind::Job => resource!(obj, v, k::batch::v1::Job, Typed::Job),
            KnownKind::CronJob => resource!(obj, v, k::batch::v1::CronJob, Typed::CronJob),
            KnownKind::Service => resource!(obj, v, k::core::v1::Service, Typed::Service),
            KnownKind::Endpoints => resource!(obj, v, k::core::v1::Endpoints, Typed::Endpoints),
            KnownKind::EndpointSlice => {
                resource!(
                    obj,
                    v,
                    k::discovery::v1::EndpointSlice,
                    Typed::EndpointSlice
                )
            }
            KnownKind::Ingress => resource!(obj, v, k::networking::v1::Ingress, Typed::Ingress),
            KnownKind::LegacyIngress => compare::<crate::model::legacy::LegacyIngress, _>(
                obj,
                v,
                None,
                Typed::LegacyIngress,
            ),
            KnownKind::PodDisruptionBudget => resource!(
                obj,
                v,
                k::policy::v1::PodDisruptionBudget,
                Typed::PodDisruptionBudget
            ),
            KnownKind::PersistentVolumeClaim => resource!(
                obj,
                v,
                k::core::v1::PersistentVolumeClaim,
                Typed::PersistentVolumeClaim
            ),
            KnownKind::HorizontalPodAutoscalerV1 => resource!(
                obj,
                v,
                k::autoscaling::v1::HorizontalPodAutoscaler,
                Typed::HpaV1
            ),
            KnownKind::HorizontalPodAutoscalerV2 => resource!(
                obj,
                v,
                k::autoscaling::v2::HorizontalPodAutoscaler,
                Typed::HpaV2
            ),
        }
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn decodes_what_serde_json_decoded_from_the_json_form() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("fixtures"), &mut files);
        // The shared corpus too, when it is there (KPLINT_SHARED names another shared folder);
        // tests/corpus.rs is the test that insists on it (tests/support/shared.rs).
        let shared = std::env::var_os("KPLINT_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared"));
        yaml_files(&shared.join("corpus"), &mut files);
        files.sort();
        let (mut same, mut invalid) = (0, 0);
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let file = SourceFile::new(0, path.display().to_string(), &text);
            for d in parse(&file).documents {
                for obj in decode_document_with(0, d, "default", None).objects {
                    let known = known_kind(
                        group_of(&obj.api_version),
                        version_of(&obj.api_version),
                        &obj.kind,
                    );
                    let Some(known) = known else { continue };
                    let at = format!("{} {}", path.display(), obj.display());
                    match reference(known, &obj) {
                        Some(want) => {
                            assert!(obj.broken.is_empty(), "{at}: {:?}", obj.broken);
                            assert_eq!(want.full.as_ref(), Some(&want.want_full), "{at}");
                            assert_eq!(
                                format!("{:?}", obj.typed),
                                format!("{:?}", want.view),
                                "{at}"
                            );
                            same += 1;
                        }
                        None => {
                            assert!(
                                matches!(obj.typed, Typed::Invalid) || !obj.broken.is_empty(),
                                "{at}: decoded, but serde_json did not"
                            );
                            invalid += 1;
                        }
                    }
                }
            }
        }
        // Not vacuous: the fixtures alone hold about 300 objects, 7 of them invalid.
        assert!(
            same > 200 && invalid > 3,
            "{same} decoded, {invalid} invalid"
        );
    }
}
