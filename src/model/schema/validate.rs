//! The fast verdict: does an object decode through the strict decoder without a type error and
//! without an unknown key? Answered from the schema table alone, without building the structs.
//!
//! It is one-sided: `true` promises what `strict::Decoder::decode` will do; `false` only means
//! "ask the decoder". Whatever it is not sure how the decoder reads is `false`: aliases, merge
//! keys and repeated keys (a mapping that is not simple), tags, lists where a derived struct is
//! expected, nesting past [`MAX_DEPTH`].

use super::leaf::{accepts, fed, Fed};
use super::shape::{Shape, Slot, StructId, StructSchema};
use super::table::{ROOTS, STRUCTS};
use crate::model::kinds::KnownKind;
use crate::model::strict::Overlay;
use crate::source::tree::Written;
use crate::source::{NodeId, Tree};

/// Deepest nesting checked; deeper objects go to the decoder. Far below the decoder's own limit
/// (`strict::MAX_JSON_DEPTH`), far above real manifests.
pub const MAX_DEPTH: usize = 128;

/// True only when decoding the object at `root` as `kind` with `overlay` succeeds and records no
/// unknown field.
pub fn validate(tree: &Tree, root: NodeId, kind: KnownKind, overlay: Overlay) -> bool {
    let Some(start) = ROOTS.iter().find(|r| r.kind == kind) else {
        return false;
    };
    let Some(schema) = STRUCTS.get(usize::from(start.schema)) else {
        return false;
    };
    if let Some((api_version, kind)) = overlay.api_version_kind {
        // Shown, they are judged like written keys and read like written strings.
        let shown_ok = |field: &str, value: &str| {
            schema
                .find(field)
                .is_some_and(|(_, slot)| match slot.shape {
                    Shape::Str => true,
                    Shape::Const(c) => c == value,
                    _ => false,
                })
        };
        if !(shown_ok("apiVersion", api_version) && shown_ok("kind", kind)) {
            return false;
        }
    }
    let walk = Walk { tree, overlay };
    match tree.written(root) {
        Some(Written::Mapping {
            pairs,
            simple: true,
        }) => walk.object(pairs, schema, Place::Root, 0),
        _ => false,
    }
}

/// Which part of the object a mapping is, for the overlay (as `strict` tells them apart).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    RootSpec,
    Other,
}

struct Walk<'t> {
    tree: &'t Tree,
    overlay: Overlay,
}

impl<'t> Walk<'t> {
    /// The JSON key of a mapping key, when it is a string written as a scalar.
    #[inline]
    fn key(&self, node: NodeId) -> Option<&'t str> {
        match self.tree.written(node)? {
            Written::Scalar(s) => match fed(&s)? {
                Fed::Str(k) => Some(k),
                _ => None,
            },
            _ => None,
        }
    }

    /// True when the key at `node` is a scalar the decoder reads as some JSON key.
    #[inline]
    fn any_key(&self, node: NodeId) -> bool {
        matches!(self.tree.written(node), Some(Written::Scalar(s)) if fed(&s).is_some())
    }

    /// The mapping of key/value `pairs` (simple, and of struct `schema`) judged against its
    /// fields.
    fn object(&self, pairs: &[NodeId], schema: &StructSchema, place: Place, depth: usize) -> bool {
        let mut present: u64 = 0;
        let mut selector = false;
        for pair in pairs.chunks_exact(2) {
            let &[k, v] = pair else {
                return false;
            };
            let Some(key) = self.key(k) else {
                return false;
            };
            if place == Place::Root {
                let shown = self.overlay.api_version_kind.is_some()
                    && (key == "apiVersion" || key == "kind");
                if shown || (self.overlay.skip_status && key == "status") {
                    // Not read, still converted to JSON by kubectl.
                    if !self.json(v, depth + 1) {
                        return false;
                    }
                    continue;
                }
            }
            let Some((i, slot)) = schema.find(key) else {
                return false;
            };
            if i < 64 {
                present |= 1 << i;
            }
            let inner = match place {
                Place::Root if key == "spec" => Place::RootSpec,
                Place::RootSpec if key == "selector" => {
                    selector = true;
                    Place::Other
                }
                _ => Place::Other,
            };
            if !self.value(v, slot, inner, depth + 1) {
                return false;
            }
        }
        if schema.has_required {
            let missing = schema
                .slots
                .iter()
                .enumerate()
                .any(|(i, s)| s.required && (i >= 64 || present & (1 << i) == 0));
            if missing {
                return false;
            }
        }
        if place == Place::RootSpec && self.overlay.empty_selector && !selector {
            // The decoder shows an empty `selector`, judged like a written one.
            return match schema.find("selector").map(|(_, s)| s.shape) {
                Some(Shape::Struct(id)) => struct_schema(id).is_some_and(|s| !s.has_required),
                Some(Shape::Map(_) | Shape::Json) => true,
                _ => false,
            };
        }
        true
    }

    /// The value at `node` read through `slot`; `place` is that of the mapping it may be.
    fn value(&self, node: NodeId, slot: &Slot, place: Place, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match self.tree.written(node) {
            Some(Written::Scalar(s)) => match fed(&s) {
                Some(Fed::Unit) if slot.nullable => true,
                Some(v) => accepts(slot.shape, v),
                None => false,
            },
            Some(Written::Sequence(items)) => match slot.shape {
                Shape::List(item) => {
                    let item = Slot::bare(*item);
                    items
                        .iter()
                        .all(|&i| self.value(i, &item, Place::Other, depth + 1))
                }
                Shape::Json => self.json(node, depth),
                _ => false,
            },
            Some(Written::Mapping {
                pairs,
                simple: true,
            }) => match slot.shape {
                Shape::Struct(id) => match struct_schema(id) {
                    Some(schema) => self.object(pairs, schema, place, depth),
                    None => false,
                },
                // Only the root's `spec` is shown differently, and it is a struct.
                _ if place == Place::RootSpec => false,
                Shape::Map(item) => {
                    let item = Slot::bare(*item);
                    pairs.chunks_exact(2).all(|pair| match *pair {
                        [k, v] => self.any_key(k) && self.value(v, &item, Place::Other, depth + 1),
                        _ => false,
                    })
                }
                Shape::Json => self.json(node, depth),
                _ => false,
            },
            Some(Written::Mapping { simple: false, .. } | Written::Alias(_)) | None => false,
        }
    }

    /// True when kubectl converts the value at `node` to JSON (what the decoder checks of a
    /// value it does not read), and the decoder reads it as free JSON.
    fn json(&self, node: NodeId, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match self.tree.written(node) {
            Some(Written::Scalar(s)) => fed(&s).is_some(),
            Some(Written::Sequence(items)) => items.iter().all(|&i| self.json(i, depth + 1)),
            Some(Written::Mapping {
                pairs,
                simple: true,
            }) => pairs.chunks_exact(2).all(|pair| match *pair {
                [k, v] => self.any_key(k) && self.json(v, depth + 1),
                _ => false,
            }),
            Some(Written::Mapping { simple: false, .. } | Written::Alias(_)) | None => false,
        }
    }
}

fn struct_schema(id: StructId) -> Option<&'static StructSchema> {
    STRUCTS.get(usize::from(id))
}
