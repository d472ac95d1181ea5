//! Views read straight from the span tree, for objects already known to decode cleanly.
//!
//! The strict decode builds whole `k8s-openapi` structs to judge an object, then keeps a few
//! fields of them. Once an object is known to be valid (no type error, no unknown key), its view
//! can be read from the tree directly: a serde `Deserializer` that hands over only what the
//! view's fields ask for and skips every other subtree without visiting it.
//!
//! Only plain trees (no alias, merge key or repeated key) are read here; anything this reader
//! does not accept makes [`read`] return `None`, and the caller decodes the slow way.

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

use crate::model::kinds::KnownKind;
use crate::model::object::Typed;
use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::Written;
use crate::source::{NodeId, Tree};

/// Deepest nesting read (deeper views do not exist; deeper input goes the slow way).
const MAX_DEPTH: usize = 64;

/// Reads `T` from the subtree at `root` of a plain tree ([`Tree::is_plain`], which the caller
/// knows: every node has one path, so a view reads what kubectl reads); `None` when the subtree
/// does not read as `T`.
pub fn read<T: DeserializeOwned>(tree: &Tree, root: NodeId) -> Option<T> {
    T::deserialize(Node {
        tree,
        id: root,
        depth: 0,
        scalar: None,
    })
    .ok()
}

/// Why a subtree did not read: never shown, the slow path reports instead.
#[derive(Debug)]
pub struct Mismatch;

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("does not read as the view")
    }
}

impl std::error::Error for Mismatch {}

impl de::Error for Mismatch {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Mismatch
    }
}

#[derive(Clone, Copy)]
struct Node<'t> {
    tree: &'t Tree,
    id: NodeId,
    depth: usize,
    /// The scalar at `id`, once resolved (an option's test resolves it; its value reuses it).
    scalar: Option<Resolved<'t>>,
}

impl<'t> Node<'t> {
    fn at(&self, id: NodeId) -> Node<'t> {
        Node {
            tree: self.tree,
            id,
            depth: self.depth + 1,
            scalar: None,
        }
    }
}

impl<'de, 't: 'de> de::Deserializer<'de> for Node<'t> {
    type Error = Mismatch;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if self.depth > MAX_DEPTH {
            return Err(Mismatch);
        }
        let scalar = match self.scalar {
            Some(r) => r,
            None => match self.tree.written(self.id) {
                Some(Written::Scalar(s)) => resolve(s.text, s.style, s.tag),
                Some(Written::Sequence(items)) => {
                    return visitor.visit_seq(Items { node: self, items })
                }
                Some(Written::Mapping { pairs, .. }) => {
                    return visitor.visit_map(Entries {
                        node: self,
                        pairs,
                        value: None,
                    })
                }
                Some(Written::Alias(_)) | None => return Err(Mismatch),
            },
        };
        match scalar {
            Resolved::Null => visitor.visit_unit(),
            Resolved::Bool(b) => visitor.visit_bool(b),
            Resolved::Int(i) => visitor.visit_i64(i),
            Resolved::Uint(u) => visitor.visit_u64(u),
            Resolved::Float(f) => visitor.visit_f64(f),
            Resolved::Str(s) => visitor.visit_borrowed_str(s),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        match self.tree.written(self.id) {
            Some(Written::Scalar(s)) => match resolve(s.text, s.style, s.tag) {
                Resolved::Null => visitor.visit_none(),
                r => visitor.visit_some(Node {
                    scalar: Some(r),
                    ..self
                }),
            },
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        // The point of this reader: what no view field asks for is never visited.
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct enum identifier
    }
}

struct Items<'t> {
    node: Node<'t>,
    items: &'t [NodeId],
}

impl<'de, 't: 'de> SeqAccess<'de> for Items<'t> {
    type Error = Mismatch;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Mismatch> {
        let Some((&first, rest)) = self.items.split_first() else {
            return Ok(None);
        };
        self.items = rest;
        seed.deserialize(self.node.at(first)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'t> {
    node: Node<'t>,
    /// Keys and values, flattened.
    pairs: &'t [NodeId],
    value: Option<NodeId>,
}

impl<'de, 't: 'de> MapAccess<'de> for Entries<'t> {
    type Error = Mismatch;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Mismatch> {
        let [key, value, rest @ ..] = self.pairs else {
            return Ok(None);
        };
        self.pairs = rest;
        self.value = Some(*value);
        let Some(Written::Scalar(scalar)) = self.node.tree.written(*key) else {
            return Err(Mismatch);
        };
        // The key kubectl's JSON object has (`0x10` is "16"), as the strict decode sees it.
        match scalar.key() {
            std::borrow::Cow::Borrowed(k) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(k))
                .map(Some),
            std::borrow::Cow::Owned(k) => seed
                .deserialize(de::value::StringDeserializer::new(k))
                .map(Some),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len() / 2)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Mismatch> {
        match self.value.take() {
            Some(v) => seed.deserialize(self.node.at(v)),
            None => Err(Mismatch),
        }
    }
}

/// The view of an object of kind `known` at `root`, read from a plain tree (see [`read`]).
pub fn typed(known: KnownKind, tree: &Tree, root: NodeId) -> Option<Typed> {
    fn boxed<T: DeserializeOwned>(tree: &Tree, root: NodeId) -> Option<Box<T>> {
        read::<T>(tree, root).map(Box::new)
    }
    use super as v;
    Some(match known {
        KnownKind::Pod => Typed::Pod(boxed::<v::Pod>(tree, root)?),
        KnownKind::Deployment => Typed::Deployment(boxed::<v::Deployment>(tree, root)?),
        KnownKind::ReplicaSet => Typed::ReplicaSet(boxed::<v::ReplicaSet>(tree, root)?),
        KnownKind::ReplicationController => {
            Typed::ReplicationController(boxed::<v::ReplicationController>(tree, root)?)
        }
        KnownKind::StatefulSet => Typed::StatefulSet(boxed::<v::StatefulSet>(tree, root)?),
        KnownKind::DaemonSet => Typed::DaemonSet(boxed::<v::DaemonSet>(tree, root)?),
        KnownKind::Job => Typed::Job(boxed::<v::Job>(tree, root)?),
        KnownKind::CronJob => Typed::CronJob(boxed::<v::CronJob>(tree, root)?),
        KnownKind::Service => Typed::Service(boxed::<v::Service>(tree, root)?),
        KnownKind::Endpoints => Typed::Endpoints(boxed::<v::Meta>(tree, root)?),
        KnownKind::EndpointSlice => Typed::EndpointSlice(boxed::<v::Meta>(tree, root)?),
        KnownKind::Ingress => Typed::Ingress(boxed::<v::Ingress>(tree, root)?),
        KnownKind::LegacyIngress => Typed::LegacyIngress(boxed::<v::LegacyIngress>(tree, root)?),
        KnownKind::PodDisruptionBudget => {
            Typed::PodDisruptionBudget(boxed::<v::PodDisruptionBudget>(tree, root)?)
        }
        KnownKind::PersistentVolumeClaim => {
            Typed::PersistentVolumeClaim(boxed::<v::PersistentVolumeClaim>(tree, root)?)
        }
        KnownKind::HorizontalPodAutoscalerV1 => {
            Typed::HpaV1(boxed::<v::HorizontalPodAutoscaler>(tree, root)?)
        }
        KnownKind::HorizontalPodAutoscalerV2 => {
            Typed::HpaV2(boxed::<v::HorizontalPodAutoscaler>(tree, root)?)
        }
    })
}
