//! One part of a custom resource decoded strictly through a `k8s-openapi` type (a custom
//! workload's pod template, an Argo step's container), its findings located at the resource's
//! own fields: the decode a built-in kind gets, for a subtree the resource's CRD would
//! otherwise be alone to judge.

use serde::de::DeserializeOwned;

use super::location::{FieldPath, Segment};
use super::object::Object;
use super::strict::{Decoder, Overlay, UnknownField};
use crate::report::Diagnostic;
use crate::rules::{invalid_object, unknown_field};
use crate::source::NodeId;

/// How to decode one subtree, and what to say when it does not decode.
pub struct Subtree<'a> {
    /// The subtree's path in the object (`spec.template`).
    pub path: &'a FieldPath,
    /// The subtree's node.
    pub node: NodeId,
    /// What the decoder shows that is not written (a defaulted `name`).
    pub overlay: Overlay,
    /// Keys the resource adds to the type, by their parent's path relative to the subtree
    /// (Knative's `containerConcurrency` under `spec`): not unknown fields there.
    pub added: &'a dyn Fn(&[Segment], &str) -> bool,
    /// What is left unchecked when it does not decode, for the `invalid-object` message
    /// ("the pod template does not decode, so …").
    pub unread: &'a str,
}

/// Decodes `part` of `obj` as `T`: each key the type lacks is `unknown-field` at that key, a
/// wrong type one `invalid-object` at its field, and then `None`.
pub fn decode<T: DeserializeOwned>(
    obj: &Object,
    part: &Subtree<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut unknown = Vec::new();
    let decoded = Decoder::new(&obj.tree, part.node, part.overlay).decode::<T>(&mut unknown);
    let unknown: Vec<UnknownField> = unknown
        .into_iter()
        .filter(|u| !(part.added)(&u.parent.0, &u.key))
        .map(|mut u| {
            u.parent = prefixed(part.path, &u.parent);
            u.belongs_to = u.belongs_to.map(|b| prefixed(part.path, &b));
            u
        })
        .collect();
    out.extend(unknown_field::diagnose(obj, unknown));
    match decoded {
        Ok(t) => Some(t),
        Err(f) => {
            let path = prefixed(part.path, &f.path);
            // A missing field is shown at the key of the mapping that lacks it.
            let node = if f.message.starts_with("missing field") {
                f.key.unwrap_or(f.node)
            } else {
                f.node
            };
            out.push(
                invalid_object::RULE
                    .report(
                        obj,
                        obj.at_node(node),
                        format!(
                            "{}: `{path}`: {}; {}",
                            obj.display(),
                            f.message,
                            part.unread
                        ),
                    )
                    .path(path.to_string()),
            );
            None
        }
    }
}

/// `rest` under `base`.
pub fn prefixed(base: &FieldPath, rest: &FieldPath) -> FieldPath {
    let mut out: Vec<Segment> = base.0.clone();
    out.extend(rest.0.iter().cloned());
    FieldPath(out)
}
