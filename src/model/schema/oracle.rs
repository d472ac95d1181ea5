//! The strict decoder's own verdict, which [`super::validate()`] must never contradict by saying
//! yes: what the soundness tests compare against, and what a caller falls back to.

use serde::de::DeserializeOwned;

use super::types::{with_type, WithType};
use crate::model::kinds::{group_of, known_kind, version_of, KnownKind};
use crate::model::legacy::LegacyIngress;
use crate::model::strict::{Decoder, Overlay};
use crate::source::{NodeId, Tree};

/// The overlay `model::decode` decodes `kind` with: `status` skipped, the resource's own
/// `apiVersion` and `kind` shown (removed versions are read through the current shape, whose
/// impl checks both), an empty `spec.selector` shown where a workload has none.
pub fn overlay_for(tree: &Tree, root: NodeId, kind: KnownKind) -> Overlay {
    use KnownKind as K;
    let selector_absent = matches!(
        kind,
        K::Deployment | K::ReplicaSet | K::DaemonSet | K::StatefulSet
    ) && tree
        .get(root, "spec")
        .is_some_and(|(_, spec)| tree.is_mapping(spec) && tree.get(spec, "selector").is_none());
    Overlay {
        skip_status: true,
        api_version_kind: with_type(kind, Constants),
        empty_selector: selector_absent,
        default_name: None,
    }
}

/// The `apiVersion` and `kind` a type's impl insists on, if it checks them.
struct Constants;

impl WithType for Constants {
    type Out = Option<(&'static str, &'static str)>;
    fn resource<T: DeserializeOwned + k8s_openapi::Resource>(self) -> Self::Out {
        Some((T::API_VERSION, T::KIND))
    }
    fn legacy(self) -> Self::Out {
        None
    }
}

/// What the strict decode of an object says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The decode succeeded.
    pub decodes: bool,
    /// How many keys no schema has it recorded.
    pub unknown: usize,
}

impl Verdict {
    /// Decodes and records no unknown key: what [`super::validate()`] promises when it says yes.
    pub fn clean(&self) -> bool {
        self.decodes && self.unknown == 0
    }
}

/// Decodes the object at `root` into the type `model::decode` uses for `kind`, with `overlay`.
pub fn strict_verdict(tree: &Tree, root: NodeId, kind: KnownKind, overlay: Overlay) -> Verdict {
    with_type(
        kind,
        Decode {
            decoder: Decoder::new(tree, root, overlay),
        },
    )
}

struct Decode<'t> {
    decoder: Decoder<'t>,
}

impl Decode<'_> {
    fn run<T: DeserializeOwned>(&self) -> Verdict {
        let mut unknown = Vec::new();
        let decodes = self.decoder.decode::<T>(&mut unknown).is_ok();
        Verdict {
            decodes,
            unknown: unknown.len(),
        }
    }
}

impl WithType for Decode<'_> {
    type Out = Verdict;
    fn resource<T: DeserializeOwned + k8s_openapi::Resource>(self) -> Verdict {
        self.run::<T>()
    }
    fn legacy(self) -> Verdict {
        self.run::<LegacyIngress>()
    }
}

/// The known-kind objects of a document, for the soundness tests and the cost measurement: its
/// root, or the items of a list.
pub fn known_objects(tree: &Tree, root: NodeId) -> Vec<(NodeId, KnownKind)> {
    let text = |map: NodeId, key: &str| {
        tree.get(map, key)
            .and_then(|(_, v)| tree.scalar(v))
            .map(|s| s.text)
    };
    let known = |obj: NodeId| {
        let (api, kind) = (text(obj, "apiVersion")?, text(obj, "kind")?);
        known_kind(group_of(api), version_of(api), kind).map(|k| (obj, k))
    };
    match tree.get(root, "items") {
        Some((_, items)) if tree.is_sequence(items) => {
            tree.items(items).iter().filter_map(|&i| known(i)).collect()
        }
        _ => known(root).into_iter().collect(),
    }
}
