//! The part of an object's document tree kept once the object is decoded: the fields rules,
//! suppression and the renderers point at. A whole tree takes about twice its text; the fields
//! kept here are a fraction of it, so a run holds the corpus's text and little more.
//!
//! A path a rule locates must lie inside [`RETAINED`]; outside it, `Object::locate` stops at the
//! deepest kept parent. `tests/retained.rs` lints every fixture with and without this step and
//! requires the same output, so a rule that points somewhere new fails there first.

use std::sync::OnceLock;

use crate::source::tree::NodeKind;
use crate::source::{NodeId, Tree};

/// Where a pod spec sits in the kinds that have one.
const POD_SPECS: [&str; 3] = [
    "spec",
    "spec.template.spec",
    "spec.jobTemplate.spec.template.spec",
];

/// The fields kept, as dotted paths from the object's root: `*` stands for any one key or list
/// index, `**` for everything below. `{pod}` stands for each of [`POD_SPECS`].
pub const RETAINED: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata.*",
    "metadata.labels.**",
    "metadata.annotations.**",
    "metadata.ownerReferences.**",
    "spec.*",
    "spec.selector.**",
    "spec.ports.**",
    "spec.rules.**",
    "spec.defaultBackend.**",
    "spec.backend.**",
    "spec.tls.**",
    "spec.accessModes.**",
    "spec.strategy.**",
    "spec.updateStrategy.**",
    "spec.volumeClaimTemplates.**",
    "spec.scaleTargetRef.**",
    "spec.template.*",
    "spec.template.metadata.**",
    "spec.jobTemplate.*",
    "spec.jobTemplate.metadata.**",
    "spec.jobTemplate.spec.*",
    "spec.jobTemplate.spec.selector.**",
    "spec.jobTemplate.spec.template.*",
    "spec.jobTemplate.spec.template.metadata.**",
    "{pod}.*",
    "{pod}.volumes.**",
    "{pod}.containers.*.*",
    "{pod}.containers.*.ports.**",
    "{pod}.containers.*.env.*.*",
    "{pod}.containers.*.env.*.valueFrom.**",
    "{pod}.initContainers.*.*",
    "{pod}.initContainers.*.ports.**",
    "{pod}.initContainers.*.env.*.*",
    "{pod}.initContainers.*.env.*.valueFrom.**",
    "{pod}.ephemeralContainers.*.*",
    "{pod}.ephemeralContainers.*.env.*.*",
    "{pod}.ephemeralContainers.*.env.*.valueFrom.**",
];

/// One step of a retained path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Key(&'static str),
    /// Any one key or list index.
    Any,
    /// The whole subtree.
    Rest,
}

fn patterns() -> &'static [Vec<Step>] {
    static PATTERNS: OnceLock<Vec<Vec<Step>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let parse = |path: &'static str| -> Vec<Step> {
            path.split('.')
                .map(|s| match s {
                    "*" => Step::Any,
                    "**" => Step::Rest,
                    key => Step::Key(key),
                })
                .collect()
        };
        let mut out = Vec::new();
        for &p in RETAINED {
            match p.strip_prefix("{pod}.") {
                Some(rest) => {
                    for pod in POD_SPECS {
                        let mut steps: Vec<Step> = pod.split('.').map(Step::Key).collect();
                        steps.extend(parse(rest));
                        out.push(steps);
                    }
                }
                None => out.push(parse(p)),
            }
        }
        out
    })
}

/// A copy of the object at `root` holding only the [`RETAINED`] fields, and the copy's root;
/// `None` when the tree has aliases or merge keys (one node reachable by several paths), which
/// the object then keeps whole.
pub fn retain(tree: &Tree, root: NodeId) -> Option<(Tree, NodeId)> {
    if !tree.is_plain() {
        return None;
    }
    let all: Vec<&[Step]> = patterns().iter().map(Vec::as_slice).collect();
    let mut out = tree.empty_like();
    let new_root = copy(tree, root, &all, &mut out);
    out.shrink_to_fit();
    Some((out, new_root))
}

/// Copies `node` and the children some pattern in `active` still leads into.
fn copy(tree: &Tree, node: NodeId, active: &[&[Step]], out: &mut Tree) -> NodeId {
    if active.iter().any(|p| p.first() == Some(&Step::Rest)) {
        return copy_all(tree, node, out);
    }
    match tree.node(node).map(|n| n.kind) {
        Some(NodeKind::Mapping { .. }) => {
            let mut pairs = Vec::new();
            let mut next: Vec<&[Step]> = Vec::new();
            for (k, v) in tree.entries(node) {
                let Some(key) = tree.scalar(k) else { continue };
                let key = key.key();
                next.clear();
                next.extend(active.iter().filter_map(|p| match p.split_first() {
                    Some((Step::Any, rest)) => Some(rest),
                    Some((Step::Key(want), rest)) if *want == key => Some(rest),
                    _ => None,
                }));
                if next.is_empty() {
                    continue;
                }
                let new_key = out.copy_leaf(tree, k);
                let new_value = copy(tree, v, &next, out);
                pairs.push(new_key);
                pairs.push(new_value);
            }
            out.push_collection(tree, node, &pairs)
        }
        Some(NodeKind::Sequence { .. }) => {
            // Only `*` leads into an item, and it leads into every item: indices stay the same.
            let next: Vec<&[Step]> = active
                .iter()
                .filter_map(|p| match p.split_first() {
                    Some((Step::Any, rest)) => Some(rest),
                    _ => None,
                })
                .collect();
            if next.is_empty() {
                return out.copy_leaf(tree, node);
            }
            let items: Vec<NodeId> = tree
                .items(node)
                .iter()
                .map(|&item| copy(tree, item, &next, out))
                .collect();
            out.push_collection(tree, node, &items)
        }
        _ => out.copy_leaf(tree, node),
    }
}

fn copy_all(tree: &Tree, node: NodeId, out: &mut Tree) -> NodeId {
    match tree.node(node).map(|n| n.kind) {
        Some(NodeKind::Mapping { .. }) => {
            let mut pairs = Vec::new();
            for (k, v) in tree.entries(node) {
                let new_key = out.copy_leaf(tree, k);
                let new_value = copy_all(tree, v, out);
                pairs.push(new_key);
                pairs.push(new_value);
            }
            out.push_collection(tree, node, &pairs)
        }
        Some(NodeKind::Sequence { .. }) => {
            let items: Vec<NodeId> = tree
                .items(node)
                .iter()
                .map(|&item| copy_all(tree, item, out))
                .collect();
            out.push_collection(tree, node, &items)
        }
        _ => out.copy_leaf(tree, node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::location::{resolve_path, FieldPath};
    use crate::source::tree::parse;
    use crate::source::SourceFile;

    fn both(text: &str) -> (Tree, NodeId, Tree, NodeId) {
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let mut parsed = parse(&file);
        let doc = parsed.documents.remove(0);
        let (kept, root) = retain(&doc.tree, doc.root).expect("plain");
        (doc.tree, doc.root, kept, root)
    }

    #[test]
    fn keeps_located_fields_at_their_spans_and_drops_the_rest() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: a\n          args: [x, y, z]\n          resources:\n            limits: {cpu: 1}\n        - name: b\n";
        let (full, froot, kept, kroot) = both(text);
        for path in [
            "metadata.name",
            "spec.replicas",
            "spec.template.spec.containers[1].name",
            "spec.template.spec.containers[0].args",
            "spec.template.spec.containers[0].resources",
        ] {
            let p = FieldPath::parse(path);
            let a = resolve_path(&full, froot, &p.0);
            let b = resolve_path(&kept, kroot, &p.0);
            assert!(b.complete, "{path} is kept");
            assert_eq!(full.span(a.value), kept.span(b.value), "{path}");
        }
        // The container's limits lie outside every retained path.
        let limits = FieldPath::parse("spec.template.spec.containers[0].resources.limits");
        assert!(!resolve_path(&kept, kroot, &limits.0).complete);
        assert!(kept.len() < full.len());
    }

    #[test]
    fn trees_with_aliases_are_kept_whole() {
        let file = SourceFile::new(
            0,
            "t.yaml".into(),
            "kind: Pod\nmetadata: &m {name: a}\nx: *m\n",
        );
        let parsed = parse(&file);
        let doc = &parsed.documents[0];
        assert!(retain(&doc.tree, doc.root).is_none());
    }
}
