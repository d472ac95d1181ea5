//! From a parsed document to objects: identity from the tree, typed view through serde, and
//! `invalid-object` diagnostics located at the offending field. The same decode records the
//! keys a kind's schema lacks (`model::strict`), reported as `unknown-field` at each key.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::json::to_json;
use super::kinds::{group_of, is_cluster_scoped, known_kind, version_of, KnownKind};
use super::location::{resolve_path, FieldPath, Location, Segment};
use super::object::{Object, Typed};
use super::strict::{self, UnknownField};
use crate::report::Diagnostic;
use crate::rules::{invalid_object, unknown_field};
use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::ScalarStyle;
use crate::source::{Document, FileId, NodeId, Tree};

/// What a document yields.
#[derive(Debug, Default)]
pub struct DecodedDocument {
    pub objects: Vec<Object>,
    pub diagnostics: Vec<Diagnostic>,
    /// True when the document is not a Kubernetes object (no `kind`): skipped quietly.
    pub not_object: bool,
}

/// Decodes one document. Object ids are assigned later by the inventory.
pub fn decode_document(file: FileId, doc: Document, default_namespace: &str) -> DecodedDocument {
    let mut out = DecodedDocument::default();
    let tree = Arc::new(doc.tree);
    let root = doc.root;
    let cx = Cx {
        recovered: Default::default(),
        dropped: Default::default(),
        file,
        document: doc.index,
        tree: &tree,
        default_namespace,
    };
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
                    cx.at(root),
                    "this document is a YAML list of objects; kubectl rejects a top-level list",
                )
                .help("wrap the objects in `apiVersion: v1`, `kind: List`, `items:`, or separate them with `---`"),
            );
        } else {
            out.not_object = true;
        }
        return out;
    }
    let Some((_, kind_node)) = tree.get(root, "kind") else {
        out.not_object = true;
        return out;
    };
    let kind = match string_scalar(&tree, kind_node) {
        Some(k) => k,
        None => {
            out.diagnostics.push(
                Diagnostic::new(
                    invalid_object::RULE.id,
                    invalid_object::RULE.severity,
                    cx.at(kind_node),
                    "`kind` must be a string naming the object's type",
                )
                .path("kind")
                .help("write the kind as a string, e.g. `kind: Deployment`"),
            );
            return out;
        }
    };
    let is_list = kind == "List" || (kind.ends_with("List") && tree.get(root, "items").is_some());
    if is_list {
        if tree.get(root, "apiVersion").is_none() {
            out.diagnostics.push(cx.missing_api_version(root, &kind));
            return out;
        }
        let Some((items_key, items)) = tree.get(root, "items") else {
            return out;
        };
        if !tree.is_sequence(items) {
            out.diagnostics.push(
                Diagnostic::new(
                    invalid_object::RULE.id,
                    invalid_object::RULE.severity,
                    cx.at(items_key),
                    format!("`items` of a {kind} must be a list of objects"),
                )
                .path("items"),
            );
            return out;
        }
        for (i, &item) in tree.items(items).iter().enumerate() {
            match tree.get(item, "kind") {
                Some(_) => cx.decode_object(item, &mut out),
                None => out.diagnostics.push(
                    Diagnostic::new(
                        invalid_object::RULE.id,
                        invalid_object::RULE.severity,
                        cx.at(item),
                        format!(
                            "item {i} of this {kind} is not a Kubernetes object: it has no `kind`"
                        ),
                    )
                    .path(format!("items[{i}]"))
                    .help("give every item its `apiVersion` and `kind`"),
                ),
            }
        }
        return out;
    }
    cx.decode_object(root, &mut out);
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
}

impl Cx<'_> {
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
                .map(|s| s.text.to_string())
                .filter(|s| !s.is_empty())
        };
        let name = meta_str("name");
        let group = group_of(&api_version).to_string();
        let namespace = if is_cluster_scoped(&group, &kind) {
            None
        } else {
            Some(meta_str("namespace").unwrap_or_else(|| self.default_namespace.to_string()))
        };
        let mut object = Object {
            id: 0,
            file: self.file,
            document: self.document,
            api_version,
            kind,
            name,
            namespace,
            typed: Typed::Unknown,
            selector_absent: false,
            broken: Vec::new(),
            tree: Arc::clone(self.tree),
            root,
        };
        if let Some(known) = known_kind(&group, version_of(&object.api_version), &object.kind) {
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
            object.broken = std::mem::take(&mut *self.dropped.borrow_mut());
        }
        out.objects.push(object);
    }

    fn decode_typed(
        &self,
        known: KnownKind,
        obj: &mut Object,
        unknown: &mut Vec<UnknownField>,
    ) -> Result<Typed, Vec<Diagnostic>> {
        use k8s_openapi::api as k;
        let mut value = to_json(self.tree, obj.root).map_err(|e| {
            vec![Diagnostic::new(
                invalid_object::RULE.id,
                invalid_object::RULE.severity,
                self.at(e.node),
                format!("{}: {}", obj.display(), e.message),
            )
            .object(obj)]
        })?;
        if let Value::Object(map) = &mut value {
            // Manifests describe desired state: `status` is never read, so never judged.
            map.remove("status");
            if matches!(
                known,
                KnownKind::Deployment
                    | KnownKind::ReplicaSet
                    | KnownKind::DaemonSet
                    | KnownKind::StatefulSet
            ) {
                if let Some(Value::Object(spec)) = map.get_mut("spec") {
                    if !spec.contains_key("selector") {
                        // A missing selector is `selector-mismatch`'s finding, not a type error.
                        spec.insert("selector".into(), Value::Object(Default::default()));
                        obj.selector_absent = true;
                    }
                }
            }
        }
        Ok(match known {
            KnownKind::Pod => Typed::Pod(self.typed::<k::core::v1::Pod>(&mut value, obj, unknown)?),
            KnownKind::Deployment => {
                Typed::Deployment(self.typed::<k::apps::v1::Deployment>(&mut value, obj, unknown)?)
            }
            KnownKind::ReplicaSet => {
                Typed::ReplicaSet(self.typed::<k::apps::v1::ReplicaSet>(&mut value, obj, unknown)?)
            }
            KnownKind::ReplicationController => Typed::ReplicationController(
                self.typed::<k::core::v1::ReplicationController>(&mut value, obj, unknown)?,
            ),
            KnownKind::StatefulSet => Typed::StatefulSet(
                self.typed::<k::apps::v1::StatefulSet>(&mut value, obj, unknown)?,
            ),
            KnownKind::DaemonSet => {
                Typed::DaemonSet(self.typed::<k::apps::v1::DaemonSet>(&mut value, obj, unknown)?)
            }
            KnownKind::Job => {
                Typed::Job(self.typed::<k::batch::v1::Job>(&mut value, obj, unknown)?)
            }
            KnownKind::CronJob => {
                Typed::CronJob(self.typed::<k::batch::v1::CronJob>(&mut value, obj, unknown)?)
            }
            KnownKind::Service => {
                Typed::Service(self.typed::<k::core::v1::Service>(&mut value, obj, unknown)?)
            }
            KnownKind::Endpoints => {
                Typed::Endpoints(self.typed::<k::core::v1::Endpoints>(&mut value, obj, unknown)?)
            }
            KnownKind::EndpointSlice => Typed::EndpointSlice(
                self.typed::<k::discovery::v1::EndpointSlice>(&mut value, obj, unknown)?,
            ),
            KnownKind::Ingress => {
                Typed::Ingress(self.typed::<k::networking::v1::Ingress>(&mut value, obj, unknown)?)
            }
            KnownKind::LegacyIngress => Typed::LegacyIngress(
                self.untyped::<super::legacy::LegacyIngress>(&value, obj, unknown)?,
            ),
            KnownKind::PodDisruptionBudget => Typed::PodDisruptionBudget(
                self.typed::<k::policy::v1::PodDisruptionBudget>(&mut value, obj, unknown)?,
            ),
            KnownKind::PersistentVolumeClaim => Typed::PersistentVolumeClaim(
                self.typed::<k::core::v1::PersistentVolumeClaim>(&mut value, obj, unknown)?,
            ),
            KnownKind::HorizontalPodAutoscalerV1 => {
                Typed::HpaV1(self.typed::<k::autoscaling::v1::HorizontalPodAutoscaler>(
                    &mut value, obj, unknown,
                )?)
            }
            KnownKind::HorizontalPodAutoscalerV2 => {
                Typed::HpaV2(self.typed::<k::autoscaling::v2::HorizontalPodAutoscaler>(
                    &mut value, obj, unknown,
                )?)
            }
        })
    }

    /// Decodes a `k8s-openapi` resource; its own apiVersion check is satisfied first, because
    /// removed versions are read through the current shape.
    fn typed<T>(
        &self,
        value: &mut Value,
        obj: &Object,
        unknown: &mut Vec<UnknownField>,
    ) -> Result<Box<T>, Vec<Diagnostic>>
    where
        T: DeserializeOwned + k8s_openapi::Resource,
    {
        if let Value::Object(map) = value {
            map.insert("apiVersion".into(), Value::String(T::API_VERSION.into()));
            map.insert("kind".into(), Value::String(T::KIND.into()));
        }
        self.untyped::<T>(value, obj, unknown)
    }

    /// Decodes `T`, collecting the keys its schema lacks into `unknown` in the same pass.
    fn untyped<T: DeserializeOwned>(
        &self,
        value: &Value,
        obj: &Object,
        unknown: &mut Vec<UnknownField>,
    ) -> Result<Box<T>, Vec<Diagnostic>> {
        if let Ok(t) = strict::deserialize::<T>(value, unknown) {
            return Ok(Box::new(t));
        }
        unknown.clear();
        // Only on failure: decode again with the path tracker (it doubles the cost), and keep
        // going past each bad field (nulled out) so one run reports every type error.
        let mut value = value.clone();
        let mut errors: Vec<Diagnostic> = Vec::new();
        let mut seen: Vec<FieldPath> = Vec::new();
        for _ in 0..MAX_TYPE_ERRORS {
            let err = match serde_path_to_error::deserialize::<_, T>(&value) {
                Ok(t) => {
                    // Every bad field is reported; the rest of the object is still checked by
                    // the rules, with the bad fields read as unset, and for unknown fields.
                    self.recovered.borrow_mut().extend(errors);
                    unknown.clear();
                    let _ = strict::deserialize::<T>(&value, unknown);
                    return Ok(Box::new(t));
                }
                Err(err) => err,
            };
            let path = field_path(err.path());
            if seen.contains(&path) {
                // Dropping the field did not help (an item of a list): stop here.
                break;
            }
            let missing = err.inner().to_string().starts_with("missing field");
            errors.push(self.type_error(obj, &path, &err.inner().to_string()));
            if missing || path.0.is_empty() || !drop_field(&mut value, &path) {
                break;
            }
            self.dropped.borrow_mut().push(path.clone());
            seen.push(path);
        }
        // Unknown fields past the first type error: one more strict pass over the value with
        // the bad fields nulled out (a nulled field holds no keys to judge).
        let _ = strict::deserialize::<T>(&value, unknown);
        Err(errors)
    }

    fn type_error(&self, obj: &Object, path: &FieldPath, inner: &str) -> Diagnostic {
        let path = path.clone();
        let resolution = resolve_path(self.tree, obj.root, &path.0);
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'));
        let (node, message, help) = if let Some(field) = missing {
            let node = resolution.key.unwrap_or(resolution.value);
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
            let node = if resolution.complete {
                resolution.value
            } else {
                resolution.key.unwrap_or(resolution.value)
            };
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

fn field_path(p: &serde_path_to_error::Path) -> FieldPath {
    let mut path = FieldPath::default();
    for seg in p.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => path.0.push(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => path.0.push(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    path
}

/// Removes the field at `path` (a list item becomes null, keeping later indices); false when
/// the path is not there.
fn drop_field(value: &mut Value, path: &FieldPath) -> bool {
    let Some((last, parents)) = path.0.split_last() else {
        return false;
    };
    let mut cur = value;
    for seg in parents {
        cur = match (seg, cur) {
            (Segment::Key(k), Value::Object(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (Segment::Index(i), Value::Array(a)) => match a.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, cur) {
        (Segment::Key(k), Value::Object(m)) => m.remove(k).is_some(),
        (Segment::Index(i), Value::Array(a)) => match a.get_mut(*i) {
            Some(v) => {
                *v = Value::Null;
                true
            }
            None => false,
        },
        _ => false,
    }
}

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
fn missing_containers(obj: &Object) -> Option<Diagnostic> {
    let t = super::workload::pod_template(obj)?;
    if t.spec.is_some_and(|s| !s.containers.is_empty()) {
        return None;
    }
    let path = format!("{}.containers", t.spec_path);
    let written = resolve_path(&obj.tree, obj.root, &FieldPath::parse(&path).0);
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
fn string_scalar(tree: &Tree, node: NodeId) -> Option<String> {
    let s = tree.scalar(node)?;
    match resolve(s.text, s.style, s.tag) {
        Resolved::Str(t) if !t.is_empty() => Some(t.to_string()),
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
