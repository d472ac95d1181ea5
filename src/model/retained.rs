//! The part of an object's document tree kept once the object is decoded: the fields rules,
//! suppression and the renderers point at. A whole tree takes about twice its text; the fields
//! kept here are a fraction of it, so a run holds the corpus's text and little more.
//!
//! A path a rule locates must lie inside [`RETAINED`]; outside it, `Object::locate` stops at the
//! deepest kept parent. `tests/retained.rs` lints every fixture with and without this step and
//! requires the same output, so a rule that points somewhere new fails there first.

use std::sync::{Arc, OnceLock};

use super::object::{Object, Typed};

use crate::report::suppress::ANNOTATION_PREFIX;
use crate::source::tree::NodeKind;
use crate::source::{NodeId, Tree};

/// Where a pod spec sits in the kinds that have one.
const POD_SPECS: [&str; 3] = [
    "spec",
    "spec.template.spec",
    "spec.jobTemplate.spec.template.spec",
];

/// The fields kept, as dotted paths from the object's root: `*` stands for any one key or list
/// index, `**` for everything below. `{pod}` stands for each of [`POD_SPECS`]. A collection
/// reached by no longer path is kept without its children: its span is what rules point at.
pub const RETAINED: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata.*",
    "spec.*",
    "spec.selector.**",
    "spec.ports.**",
    "spec.rules.**",
    "spec.defaultBackend.**",
    "spec.backend.**",
    "spec.scaleTargetRef.*",
    "spec.template.*",
    "spec.template.metadata.*",
    "spec.jobTemplate.*",
    "spec.jobTemplate.spec.*",
    "spec.jobTemplate.spec.template.*",
    "spec.jobTemplate.spec.template.metadata.*",
    "{pod}.*",
    "{pod}.volumes.*.name",
    "{pod}.volumes.*.persistentVolumeClaim.**",
    "{pod}.volumes.*.downwardAPI.**",
    "{pod}.volumes.*.projected.sources.*.downwardAPI.**",
    "{pod}.containers.*.name",
    "{pod}.containers.*.env.*.valueFrom.**",
    "{pod}.initContainers.*.name",
    "{pod}.initContainers.*.env.*.valueFrom.**",
    "{pod}.ephemeralContainers.*.name",
    "{pod}.ephemeralContainers.*.env.*.valueFrom.**",
];

/// Where annotations are read; only the keys with the suppression prefix and those
/// `removed-annotation` reads are kept.
const ANNOTATIONS: [&str; 3] = [
    "metadata.annotations",
    "spec.template.metadata.annotations",
    "spec.jobTemplate.spec.template.metadata.annotations",
];

/// Kept as well for an object that failed to decode: its labels as written stand in for the
/// typed view's (`workload::written_template_labels`).
pub const RETAINED_WHEN_INVALID: &[&str] = &[
    "metadata.labels.**",
    "spec.template.metadata.labels.**",
    "spec.jobTemplate.spec.template.metadata.labels.**",
];

/// One step of a retained path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Key(&'static str),
    /// Any key starting with this.
    Prefix(&'static str),
    /// Any one key or list index.
    Any,
    /// The whole subtree.
    Rest,
}

fn parse_all(paths: &[&'static str]) -> Vec<Vec<Step>> {
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
    for &p in paths {
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
}

/// The patterns merged into a trie, so a key is matched against the few steps that can follow
/// where the copy is, not against every pattern.
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Default)]
struct TrieNode {
    keys: Vec<(&'static str, u16)>,
    prefixes: Vec<(&'static str, u16)>,
    any: Option<u16>,
    /// Everything below is kept.
    rest: bool,
}

impl Trie {
    fn build(patterns: &[Vec<Step>]) -> Trie {
        let mut trie = Trie {
            nodes: vec![TrieNode::default()],
        };
        for steps in patterns {
            let mut at = 0usize;
            for step in steps {
                let next_id = u16::try_from(trie.nodes.len()).unwrap_or(u16::MAX);
                let Some(node) = trie.nodes.get_mut(at) else {
                    break;
                };
                let child = match *step {
                    Step::Rest => {
                        node.rest = true;
                        break;
                    }
                    Step::Any => *node.any.get_or_insert(next_id),
                    Step::Key(k) => match node.keys.iter().find(|(key, _)| *key == k) {
                        Some(&(_, id)) => id,
                        None => {
                            node.keys.push((k, next_id));
                            next_id
                        }
                    },
                    Step::Prefix(p) => match node.prefixes.iter().find(|(pre, _)| *pre == p) {
                        Some(&(_, id)) => id,
                        None => {
                            node.prefixes.push((p, next_id));
                            next_id
                        }
                    },
                };
                if child == next_id {
                    trie.nodes.push(TrieNode::default());
                }
                at = child as usize;
            }
        }
        trie
    }

    fn node(&self, id: u16) -> Option<&TrieNode> {
        self.nodes.get(id as usize)
    }

    /// The states that follow `states` over a mapping key; true when a key prefix (the
    /// suppression annotations') led there.
    fn over_key(&self, states: &[u16], key: &str, out: &mut Vec<u16>) -> bool {
        out.clear();
        let mut by_prefix = false;
        for node in states.iter().filter_map(|&s| self.node(s)) {
            out.extend(
                node.keys
                    .iter()
                    .filter(|(k, _)| *k == key)
                    .map(|&(_, id)| id),
            );
            for &(_, id) in node.prefixes.iter().filter(|(p, _)| key.starts_with(p)) {
                out.push(id);
                by_prefix = true;
            }
            out.extend(node.any);
        }
        by_prefix
    }

    /// The states that follow `states` into a list item.
    fn over_item(&self, states: &[u16], out: &mut Vec<u16>) {
        out.clear();
        out.extend(states.iter().filter_map(|&s| self.node(s)?.any));
    }

    fn keeps_all(&self, states: &[u16]) -> bool {
        states.iter().any(|&s| self.node(s).is_some_and(|n| n.rest))
    }
}

/// The trie for an object: `invalid` adds [`RETAINED_WHEN_INVALID`].
fn trie(invalid: bool) -> &'static Trie {
    static VALID: OnceLock<Trie> = OnceLock::new();
    static INVALID: OnceLock<Trie> = OnceLock::new();
    let build = |extra: &[&'static str]| {
        let mut out = parse_all(RETAINED);
        out.extend(parse_all(extra));
        for path in ANNOTATIONS {
            let watched = crate::rules::removed_annotation::watched();
            for prefix in std::iter::once(ANNOTATION_PREFIX).chain(watched) {
                let mut steps: Vec<Step> = path.split('.').map(Step::Key).collect();
                steps.push(Step::Prefix(prefix));
                out.push(steps);
            }
        }
        Trie::build(&out)
    };
    if invalid {
        INVALID.get_or_init(|| build(RETAINED_WHEN_INVALID))
    } else {
        VALID.get_or_init(|| build(&[]))
    }
}

/// The retained fields of one file's objects, in one tree: a tree per object cost its own
/// allocations and spare room.
#[derive(Debug)]
pub struct RetainedPool {
    tree: Tree,
    /// What an object added here points at until [`RetainedPool::finish`].
    placeholder: Arc<Tree>,
    /// The copy walk's buffers, kept from object to object (made anew for each object, they
    /// were two dozen allocations per object).
    buffers: CopyBuffers,
}

/// The buffers of one copy walk.
#[derive(Debug, Default)]
struct CopyBuffers {
    /// The copied children of the collections being copied, innermost last.
    kids: Vec<NodeId>,
    /// The trie states for the children of a collection, one buffer per depth.
    levels: Vec<Vec<u16>>,
}

/// The most copied children the walk's buffer may have room for to be kept for the next file.
const KEEP_KIDS: usize = 1 << 16;

thread_local! {
    /// The tree and buffers of this thread's last pool, emptied for its next file: a pool made
    /// anew for each file grew them again, a dozen reallocations a file.
    static SPARE_POOL: std::cell::Cell<Option<(Tree, CopyBuffers)>> =
        const { std::cell::Cell::new(None) };
}

impl Default for RetainedPool {
    fn default() -> Self {
        let (tree, buffers) = SPARE_POOL.with(|spare| spare.take()).unwrap_or_default();
        RetainedPool {
            tree,
            placeholder: Arc::new(Tree::default()),
            buffers,
        }
    }
}

impl RetainedPool {
    /// Copies the [`RETAINED`] fields of `obj` (in `tree`) into the pool and points `obj` at
    /// them; an object whose tree is not `plain` ([`Tree::is_plain`]: aliases or merge keys,
    /// one node reachable by several paths) keeps that tree whole.
    pub fn add(&mut self, tree: &Arc<Tree>, plain: bool, obj: &mut Object) {
        if !plain {
            obj.tree = Arc::clone(tree);
            return;
        }
        let trie = trie(matches!(obj.typed, Typed::Invalid));
        let mut copier = Copier {
            tree,
            trie,
            out: &mut self.tree,
            buffers: &mut self.buffers,
            annotated: false,
        };
        obj.root = copier.copy(obj.root, &[0], 0);
        // Every suppression annotation is kept, so none kept means none written.
        obj.may_suppress = copier.annotated;
        obj.tree = Arc::clone(&self.placeholder);
    }

    /// Hands the pooled tree to the objects added to it.
    pub fn finish(self, objects: &mut [Object]) {
        // Copied out at its exact size (held to the end of the run); the grown buffers go on to
        // the thread's next file.
        let pooled = Arc::new(self.tree.exact_copy());
        for obj in objects {
            if Arc::ptr_eq(&obj.tree, &self.placeholder) {
                obj.tree = Arc::clone(&pooled);
            }
        }
        // Buffers a very large file grew are let go with it, as its tree is.
        if self.buffers.kids.capacity() > KEEP_KIDS {
            return;
        }
        if let Some(tree) = self.tree.recycle() {
            SPARE_POOL.with(|spare| spare.set(Some((tree, self.buffers))));
        }
    }
}

/// One copy into a pool: the walk's buffers are reused from node to node and from object to
/// object (a vector per collection visited had been most of the copy's cost).
struct Copier<'a> {
    tree: &'a Tree,
    trie: &'a Trie,
    out: &'a mut Tree,
    buffers: &'a mut CopyBuffers,
    /// Set once a suppression annotation is copied.
    annotated: bool,
}

impl Copier<'_> {
    fn copy(&mut self, node: NodeId, states: &[u16], depth: usize) -> NodeId {
        let (tree, trie) = (self.tree, self.trie);
        let all = trie.keeps_all(states);
        let is_mapping = match tree.kind(node) {
            Some(NodeKind::Mapping { .. }) => true,
            Some(NodeKind::Sequence { .. }) => false,
            _ => return self.out.copy_leaf(tree, node),
        };
        let mut next = match self.buffers.levels.get_mut(depth) {
            Some(buffer) => std::mem::take(buffer),
            None => {
                self.buffers.levels.resize_with(depth + 1, Vec::new);
                Vec::new()
            }
        };
        let start = self.buffers.kids.len();
        let mut as_leaf = false;
        if is_mapping {
            for (k, v) in tree.entries(node) {
                if !all {
                    let Some(key) = tree.scalar(k) else { continue };
                    let key = key.key();
                    // Other annotations kept by prefix (removed-annotation's) suppress nothing.
                    if trie.over_key(states, &key, &mut next) && key.starts_with(ANNOTATION_PREFIX)
                    {
                        self.annotated = true;
                    }
                    if next.is_empty() {
                        continue;
                    }
                }
                let new_key = self.out.copy_leaf(tree, k);
                let new_value = self.copy(v, if all { states } else { &next }, depth + 1);
                self.buffers.kids.push(new_key);
                self.buffers.kids.push(new_value);
            }
        } else {
            // Only `*` leads into an item, and it leads into every item: indices stay the same.
            if !all {
                trie.over_item(states, &mut next);
                // A list no pattern leads into is kept without its items, as a leaf.
                as_leaf = next.is_empty();
            }
            if !as_leaf {
                for &item in tree.items(node) {
                    let copied = self.copy(item, if all { states } else { &next }, depth + 1);
                    self.buffers.kids.push(copied);
                }
            }
        }
        if let Some(buffer) = self.buffers.levels.get_mut(depth) {
            *buffer = next;
        }
        let id = if as_leaf {
            self.out.copy_leaf(tree, node)
        } else {
            let kids = self.buffers.kids.get(start..).unwrap_or(&[]);
            self.out.push_collection(tree, node, kids)
        };
        self.buffers.kids.truncate(start);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::{decode_document, decode_document_with};
    use crate::model::location::FieldPath;
    use crate::source::tree::parse;
    use crate::source::SourceFile;

    fn objects(text: &str, full: bool) -> Vec<Object> {
        let file = SourceFile::new(0, "t.yaml".into(), text);
        let mut pool = RetainedPool::default();
        let mut out = Vec::new();
        for doc in parse(&file).documents {
            let into = if full { None } else { Some(&mut pool) };
            out.extend(decode_document_with(0, doc, "default", into).objects);
        }
        pool.finish(&mut out);
        out
    }

    #[test]
    fn keeps_located_fields_at_their_spans_and_drops_the_rest() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: a\n          args: [x, y, z]\n          resources:\n            limits: {cpu: 1}\n        - name: b\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
        let kept = objects(text, false);
        let whole = objects(text, true);
        assert_eq!(kept.len(), 2);
        // Both objects of the file share one retained tree.
        assert!(Arc::ptr_eq(&kept[0].tree, &kept[1].tree));
        for path in [
            "metadata.name",
            "spec.replicas",
            "spec.template.spec.containers[1].name",
        ] {
            assert!(kept[0].has(path), "{path} is kept");
            assert_eq!(kept[0].locate(path), whole[0].locate(path), "{path}");
        }
        assert_eq!(
            kept[1].locate("metadata.name"),
            whole[1].locate("metadata.name")
        );
        // A container's other fields lie outside every retained path.
        assert!(!kept[0].has("spec.template.spec.containers[0].args"));
        assert!(whole[0].has("spec.template.spec.containers[0].args"));
        let path = FieldPath::parse("spec.template.spec.containers[0].args");
        assert_eq!(path.0.len(), 6);
    }

    #[test]
    fn marks_the_objects_that_write_a_suppression_annotation() {
        let text = "kind: Pod\napiVersion: v1\nmetadata:\n  name: a\n  annotations:\n    note: x\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: b\nspec:\n  template:\n    metadata:\n      annotations:\n        ignore.kplint.io/bare-pod: why\n";
        let kept = objects(text, false);
        assert!(!kept[0].may_suppress, "an annotation of another kind");
        assert!(kept[1].may_suppress, "on the pod template");
        // Without the copy nothing is known: every object is looked at.
        assert!(objects(text, true).iter().all(|o| o.may_suppress));
    }

    #[test]
    fn a_file_retains_the_same_tree_whatever_its_thread_pooled_before() {
        let before = "kind: Pod\napiVersion: v1\nmetadata:\n  name: a\n  labels: {app: a}\n  annotations:\n    ignore.kplint.io/bare-pod: why\n";
        let after =
            "kind: Service\napiVersion: v1\nmetadata:\n  name: b\nspec:\n  selector: {app: a}\n";
        let retained = |text: &str| {
            let kept = objects(text, false);
            format!("{:?}", kept.first().map(|o| (&o.tree, o.root)))
        };
        let fresh = std::thread::spawn(move || retained(after))
            .join()
            .expect("thread");
        let _ = retained(before);
        // The pool's buffers went on from the first file: nothing of it is in the second's tree.
        assert_eq!(retained(after), fresh);
    }

    #[test]
    fn trees_with_aliases_are_kept_whole() {
        let file = SourceFile::new(
            0,
            "t.yaml".into(),
            "kind: Pod\napiVersion: v1\nmetadata: &m {name: a}\nx: *m\n",
        );
        let doc = parse(&file).documents.remove(0);
        let nodes = doc.tree.len();
        let obj = decode_document(0, doc, "default").objects.remove(0);
        assert_eq!(obj.tree.len(), nodes);
    }
}
