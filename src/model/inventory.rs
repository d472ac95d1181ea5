//! The one read-only index over every object of a run, built once and shared by all rules.

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;

use rayon::prelude::*;

use super::kinds::is_builtin_group;
use super::object::{Object, ObjectId, Typed, CONTEXT_UNIT};
use super::selector::{Labels, Selector};
use super::version::KubeVersion;
use super::workload::{
    default_replicas, is_replicated, pod_template, replicas_path, runtime_label_kinds,
    template_labels, written_replicas,
};
use crate::source::SourceFile;

/// The range of Pods a workload can run at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replicas {
    pub min: i32,
    pub max: i32,
    /// True when a HorizontalPodAutoscaler (or a KEDA ScaledObject) sets the range.
    pub autoscaled: bool,
}

/// Every object of the run, indexed by identity, kind, namespace and pod labels.
#[derive(Debug)]
pub struct Inventory {
    pub files: Vec<SourceFile>,
    pub objects: Vec<Object>,
    pub default_namespace: String,
    /// The Kubernetes release the run targets: what it serves and honours.
    pub target: KubeVersion,
    /// The indexes are keyed by a hash of the strings they look up, not by copies of them (a
    /// hundred thousand objects made half a million small strings); a lookup checks what it
    /// finds against the object itself, so a collision costs a comparison, never a wrong hit.
    keys: RandomState,
    /// (namespace, kind, name) → objects.
    by_name: KeyIndex,
    /// (namespace, kind) → objects.
    by_kind: KeyIndex,
    /// Objects with a pod template, per namespace.
    templates: KeyIndex,
    /// (namespace, label key, label value) → objects whose pod template carries that label.
    label_index: KeyIndex,
    /// (namespace, target kind, target name) → HorizontalPodAutoscalers and KEDA ScaledObjects.
    hpas: KeyIndex,
    /// (namespace, kind, name) → the custom workloads (Argo Rollouts) whose `workloadRef`
    /// names that workload: empty unless the run has such custom resources.
    workload_refs: KeyIndex,
    /// By object id: the first object in input order with the same group, kind, namespace and
    /// name (itself when it is the first, or unnamed). Six rules ask, for every object.
    first: Vec<ObjectId>,
    /// By unit id: true for a folder of plain manifests, whose files may be alternatives that
    /// are applied one at a time (`kubectl apply -f serving-gpu.yaml` *or* `serving-cpu.yaml`).
    pub folder_units: Vec<bool>,
}

/// Object ids by key hash, as two sorted arrays: 12 bytes an entry, where a hash map of
/// vectors spent a bucket and an allocation on every name (most keys have one object).
#[derive(Debug, Default)]
struct KeyIndex {
    keys: Vec<u64>,
    ids: Vec<ObjectId>,
}

impl KeyIndex {
    /// The index of the `(key, id)` pairs `each` gives for every object, made in parallel.
    fn build(
        objects: &[Object],
        each: impl Fn(&Object, &mut Vec<(u64, ObjectId)>) + Sync,
    ) -> KeyIndex {
        let pairs: Vec<(u64, ObjectId)> = objects
            .par_chunks(4096)
            .flat_map_iter(|chunk| {
                let mut out = Vec::new();
                for obj in chunk {
                    each(obj, &mut out);
                }
                out
            })
            .collect();
        KeyIndex::new(pairs)
    }

    /// Sorts `(key, id)` pairs into an index; ids under one key stay in ascending order.
    fn new(mut pairs: Vec<(u64, ObjectId)>) -> KeyIndex {
        pairs.par_sort_unstable();
        let mut index = KeyIndex {
            keys: Vec::with_capacity(pairs.len()),
            ids: Vec::with_capacity(pairs.len()),
        };
        for (key, id) in pairs {
            index.keys.push(key);
            index.ids.push(id);
        }
        index
    }

    /// The ids of each key that has more than one, in ascending order.
    fn runs(&self) -> impl Iterator<Item = &[ObjectId]> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            while at < self.keys.len() {
                let key = self.keys.get(at)?;
                let len = self
                    .keys
                    .get(at..)?
                    .iter()
                    .take_while(|&k| k == key)
                    .count();
                let run = self.ids.get(at..at + len)?;
                at += len;
                if len > 1 {
                    return Some(run);
                }
            }
            None
        })
    }

    /// The ids under `key`.
    fn get(&self, key: u64) -> &[ObjectId] {
        let start = self.keys.partition_point(|&k| k < key);
        let rest = self.keys.get(start..).unwrap_or(&[]);
        // Most keys have one object: a second search only for those that have more.
        let len = match rest {
            [first, second, ..] if *first == key && *second == key => {
                rest.partition_point(|&k| k <= key)
            }
            [first, ..] if *first == key => 1,
            _ => 0,
        };
        self.ids.get(start..start + len).unwrap_or(&[])
    }
}

/// For each object, the first with its group, kind, namespace and name: the name index holds
/// the objects of one such key together, in input order, so only keys held by several objects
/// (a repeated definition, or a hash collision) are compared.
fn first_definitions(by_name: &KeyIndex, objects: &[Object]) -> Vec<ObjectId> {
    // Two definitions conflict only within one apply unit: alternative bundles of one
    // application are never applied together.
    let same = |a: &Object, b: &Object| {
        same_unit(a, b)
            && a.namespace == b.namespace
            && a.kind == b.kind
            && a.name == b.name
            && a.group() == b.group()
    };
    let mut first: Vec<ObjectId> = (0..objects.len())
        .map(crate::source::file::to_u32)
        .collect();
    for run in by_name.runs() {
        for (n, &id) in run.iter().enumerate() {
            let Some(obj) = objects.get(id as usize) else {
                continue;
            };
            let earlier = run
                .iter()
                .take(n)
                .find(|&&e| objects.get(e as usize).is_some_and(|o| same(o, obj)));
            if let Some(&e) = earlier {
                let root = first.get(e as usize).copied().unwrap_or(e);
                if let Some(slot) = first.get_mut(id as usize) {
                    *slot = root;
                }
            }
        }
    }
    first
}

/// True when `a` and `b` are applied together: one apply unit, or either read as context.
fn same_unit(a: &Object, b: &Object) -> bool {
    a.unit == b.unit || a.unit == CONTEXT_UNIT || b.unit == CONTEXT_UNIT
}

/// The hash of a tuple of strings (each hashed with its length, so `("ab", "c")` and
/// `("a", "bc")` differ).
fn key(state: &RandomState, parts: &[&str]) -> u64 {
    state.hash_one(parts)
}

/// The objects of a finished run, kept until dropped. A hundred thousand objects are a million
/// small allocations: freeing them took about 100 ms at 100k documents, and the allocator's
/// tidying of what they left took 50 ms more at the next large free. A process about to exit
/// can skip both (`std::mem::forget`); dropped, they are freed on the thread pool.
#[derive(Debug, Default)]
pub struct HeldObjects(Vec<Object>);

impl HeldObjects {
    /// How many objects are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no object is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for HeldObjects {
    fn drop(&mut self) {
        std::mem::take(&mut self.0)
            .into_par_iter()
            .with_min_len(1024)
            .for_each(drop);
    }
}

impl Inventory {
    /// The files, and the objects to hold or free; the indexes dropped.
    pub fn into_parts(self) -> (Vec<SourceFile>, HeldObjects) {
        let Inventory { files, objects, .. } = self;
        (files, HeldObjects(objects))
    }

    /// Indexes `objects`, renumbering their ids to their positions.
    pub fn new(
        files: Vec<SourceFile>,
        mut objects: Vec<Object>,
        default_namespace: String,
    ) -> Inventory {
        let mut inv = Inventory {
            files,
            objects: Vec::new(),
            default_namespace,
            target: KubeVersion::default(),
            keys: RandomState::default(),
            by_name: KeyIndex::default(),
            by_kind: KeyIndex::default(),
            templates: KeyIndex::default(),
            workload_refs: KeyIndex::default(),
            label_index: KeyIndex::default(),
            hpas: KeyIndex::default(),
            first: Vec::new(),
            folder_units: Vec::new(),
        };
        for (i, obj) in objects.iter_mut().enumerate() {
            obj.id = crate::source::file::to_u32(i);
        }
        let k = &inv.keys;
        // Each index is keyed and sorted on the pool: built one object at a time, they were a
        // serial step between the parallel decode and the parallel rules.
        inv.by_kind = KeyIndex::build(&objects, |obj, out| {
            let ns = obj.namespace.as_deref().unwrap_or_default();
            out.push((key(k, &[ns, &obj.kind]), obj.id));
        });
        inv.by_name = KeyIndex::build(&objects, |obj, out| {
            let ns = obj.namespace.as_deref().unwrap_or_default();
            if let Some(name) = &obj.name {
                out.push((key(k, &[ns, &obj.kind, name]), obj.id));
            }
        });
        inv.templates = KeyIndex::build(&objects, |obj, out| {
            let ns = obj.namespace.as_deref().unwrap_or_default();
            if pod_template(obj).is_some() {
                out.push((key(k, &[ns]), obj.id));
            }
        });
        inv.label_index = KeyIndex::build(&objects, |obj, out| {
            let ns = obj.namespace.as_deref().unwrap_or_default();
            if let Some(t) = pod_template(obj) {
                for (l, v) in t.labels.into_iter().flatten() {
                    out.push((key(k, &[ns, l, v]), obj.id));
                }
            }
        });
        inv.hpas = KeyIndex::build(&objects, |obj, out| {
            let ns = obj.namespace.as_deref().unwrap_or_default();
            if let Some((kind, name)) = hpa_target(obj) {
                out.push((key(k, &[ns, kind, name]), obj.id));
            }
        });
        inv.workload_refs = KeyIndex::build(&objects, |obj, out| {
            let ns = obj.namespace.as_deref().unwrap_or_default();
            if let Typed::Workload(w) = &obj.typed {
                if let Some((kind, name)) = &w.workload_ref {
                    out.push((key(k, &[ns, kind, name]), obj.id));
                }
            }
        });
        inv.first = first_definitions(&inv.by_name, &objects);
        inv.objects = objects;
        inv
    }

    /// The same inventory, its rules judging against the Kubernetes release `target`.
    pub fn targeting(mut self, target: KubeVersion) -> Inventory {
        self.target = target;
        self
    }

    /// True when `a` and `b` are applied together (one apply unit, or either is `--context`):
    /// the test of every *conflict* (a duplicate, two controllers on the same Pods, a port
    /// the selected Pods do not name), which exists only between objects applied together.
    pub fn same_unit(&self, a: &Object, b: &Object) -> bool {
        same_unit(a, b)
    }

    /// True when `a` and `b` come from two files of one folder of plain manifests: applied
    /// with the folder they conflict, but the files may as well be alternatives.
    pub fn in_sibling_files(&self, a: &Object, b: &Object) -> bool {
        a.file != b.file
            && a.unit == b.unit
            && self.folder_units.get(a.unit as usize).copied() == Some(true)
    }

    /// The targets of a *reference* from `from` (a Service's Pods, a PDB's workloads, an HPA's
    /// target) among `found`: those of its own unit when there are any, else those of the rest
    /// of the run (one application split over folders), the same file first, then input order.
    pub fn resolve<'a>(
        &self,
        from: &Object,
        found: impl IntoIterator<Item = &'a Object>,
    ) -> Vec<&'a Object> {
        let mut all: Vec<&'a Object> = found.into_iter().collect();
        if all.iter().any(|o| same_unit(from, o)) {
            all.retain(|o| same_unit(from, o));
        }
        // Stable: within each group the input order stays.
        all.sort_by_key(|o| o.file != from.file);
        all
    }

    /// The object with this id.
    pub fn object(&self, id: ObjectId) -> Option<&Object> {
        self.objects.get(id as usize)
    }

    /// The file with this id.
    pub fn file(&self, id: crate::source::FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    /// Objects of `kind` named `name` in namespace `ns` (more than one only when duplicated).
    pub fn named<'a: 'q, 'q>(
        &'a self,
        ns: &'q str,
        kind: &'q str,
        name: &'q str,
    ) -> impl Iterator<Item = &'a Object> + 'q {
        self.by_name
            .get(key(&self.keys, &[ns, kind, name]))
            .iter()
            .filter_map(|&id| self.object(id))
            .filter(move |o| {
                o.namespace.as_deref().unwrap_or_default() == ns
                    && o.kind == kind
                    && o.name.as_deref() == Some(name)
            })
    }

    /// Objects of `kind` in namespace `ns`.
    pub fn of_kind<'a: 'q, 'q>(
        &'a self,
        ns: &'q str,
        kind: &'q str,
    ) -> impl Iterator<Item = &'a Object> + 'q {
        self.by_kind
            .get(key(&self.keys, &[ns, kind]))
            .iter()
            .filter_map(|&id| self.object(id))
            .filter(move |o| o.namespace.as_deref().unwrap_or_default() == ns && o.kind == kind)
    }

    /// Every object of `kind`, in all namespaces.
    pub fn all_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// Objects in namespace `ns` whose pod template (a Pod's own labels) the selector matches.
    /// Uses the label index: candidates come from one required label, not a scan of the namespace.
    /// Lazy: a rule that needs only the first match (or none) stops there, and no list is made.
    pub fn templates_matching<'a: 'q, 'q>(
        &'a self,
        ns: &'q str,
        selector: &'q Selector,
    ) -> impl Iterator<Item = &'a Object> + 'q {
        let candidates: &[ObjectId] = match selector {
            Selector::Nothing => &[],
            // The rarest required label: a label most templates share (`tier: web`) must not
            // turn each lookup into a scan of the namespace.
            Selector::Match { labels, .. } if !labels.is_empty() => labels
                .iter()
                .map(|(k, v)| self.label_index.get(key(&self.keys, &[ns, k, v])))
                .min_by_key(|ids| ids.len())
                .unwrap_or(&[]),
            _ => self.templates.get(key(&self.keys, &[ns])),
        };
        candidates
            .iter()
            .filter_map(|&id| self.object(id))
            .filter(move |o| o.namespace.as_deref().unwrap_or_default() == ns)
            .filter(move |o| selector.matches(template_labels(o)))
    }

    /// Objects in namespace `ns` whose Pods a Service selector (a plain map) can select at run
    /// time. A selector key that controllers add to Pods at run time
    /// ([`RUNTIME_POD_LABELS`](super::workload::RUNTIME_POD_LABELS), e.g.
    /// `statefulset.kubernetes.io/pod-name`) matches a template that does not write it when the
    /// template's kind is one whose Pods get that label; a template that writes it must match.
    pub fn pods_selected_by<'a>(&'a self, ns: &str, selector: &Labels) -> Vec<&'a Object> {
        // The written keys go through the label index; the run-time ones are checked below.
        let base = if selector.is_empty() {
            Selector::Everything
        } else {
            Selector::from_map(Some(selector)).without_keys(|k| runtime_label_kinds(k).is_some())
        };
        self.templates_matching(ns, &base)
            .filter(|o| {
                let labels = template_labels(o);
                selector.iter().all(|(k, v)| match labels.get(k) {
                    Some(have) => have == v,
                    None => runtime_label_kinds(k).is_some_and(|kinds| {
                        kinds.contains(&o.kind.as_str())
                            || self
                                .referenced_by(o)
                                .any(|r| kinds.contains(&r.kind.as_str()))
                    }),
                })
            })
            .collect()
    }

    /// The custom resources (objects of a group Kubernetes does not serve), per namespace.
    /// Computed per call: call it once per rule, not per object.
    pub fn custom_resources(&self) -> CustomResources<'_> {
        let mut by_ns: HashMap<&str, Vec<(String, &str)>> = HashMap::new();
        let mut groups: Vec<&str> = Vec::new();
        for o in &self.objects {
            if !matches!(
                o.typed,
                Typed::Unknown | Typed::Workload(_) | Typed::Workflow(_)
            ) {
                continue;
            }
            // A CustomResourceDefinition is named `<plural>.<group>`.
            if o.kind == "CustomResourceDefinition" && o.group() == "apiextensions.k8s.io" {
                if let Some((_, group)) = o.name.as_deref().and_then(|n| n.split_once('.')) {
                    groups.push(group);
                }
                continue;
            }
            if is_builtin_group(o.group()) {
                continue;
            }
            groups.push(o.group());
            if !super::shape::may_run_unseen_pods(o) {
                // Its Pods are in the inventory (`model::shape`): nothing unseen is made from it.
                continue;
            }
            if let (Some(ns), Some(name)) = (o.namespace.as_deref(), o.name.as_deref()) {
                by_ns
                    .entry(ns)
                    .or_default()
                    .push((o.kind.to_ascii_lowercase(), name));
            }
        }
        groups.sort_unstable();
        groups.dedup();
        CustomResources { by_ns, groups }
    }

    /// False when an earlier input already defines the same group, kind, namespace and name
    /// (`duplicate-object`): cross-object rules compare against the first definition only, so
    /// one identity redefined in many files yields one finding, not one per copy.
    pub fn is_first_definition(&self, obj: &Object) -> bool {
        self.first.get(obj.id as usize).is_none_or(|&f| f == obj.id)
    }

    /// The first input (in input order) that defines the group, kind, namespace and name of
    /// `obj` (`obj` itself when it is the first); `None` for an unnamed object.
    pub fn first_definition(&self, obj: &Object) -> Option<&Object> {
        obj.name.as_ref()?;
        self.object(*self.first.get(obj.id as usize)?)
    }

    /// HorizontalPodAutoscalers whose `scaleTargetRef` names this object.
    pub fn hpas_for<'a: 'q, 'q>(
        &'a self,
        obj: &'q Object,
    ) -> impl Iterator<Item = &'a Object> + 'q {
        let ns = obj.namespace.as_deref().unwrap_or_default();
        let name = obj.name.as_deref().unwrap_or_default();
        self.hpas
            .get(key(&self.keys, &[ns, &obj.kind, name]))
            .iter()
            .filter_map(|&id| self.object(id))
            .filter(move |h| {
                h.namespace.as_deref().unwrap_or_default() == ns
                    && hpa_target(h) == Some((obj.kind.as_str(), name))
            })
    }

    /// The custom workloads whose `workloadRef` names `obj` (an Argo Rollout that runs a
    /// Deployment's template): its Pods are theirs.
    pub fn referenced_by<'a: 'q, 'q>(
        &'a self,
        obj: &'q Object,
    ) -> impl Iterator<Item = &'a Object> + 'q {
        let ns = obj.namespace.as_deref().unwrap_or_default();
        let name = obj.name.as_deref().unwrap_or_default();
        let refs = if self.workload_refs.keys.is_empty() {
            &[][..]
        } else {
            self.workload_refs
                .get(key(&self.keys, &[ns, &obj.kind, name]))
        };
        refs.iter()
            .filter_map(|&id| self.object(id))
            .filter(move |r| {
                r.namespace.as_deref().unwrap_or_default() == ns
                    && matches!(&r.typed, Typed::Workload(w) if w.workload_ref.as_ref().is_some_and(|(k, n)| *k == obj.kind && *n == name))
            })
    }

    /// How many Pods a replicated workload runs: `spec.replicas` (unset means 1), or the range
    /// of an HPA (or KEDA ScaledObject) that targets it. `None` for kinds without replicas.
    /// A workload that a Rollout's `workloadRef` names runs the Rollout's count (the Rollout's
    /// controller creates the Pods from its template; the Deployment itself is scaled to 0).
    pub fn replicas(&self, obj: &Object) -> Option<Replicas> {
        if let Some(rollout) = self.resolve(obj, self.referenced_by(obj)).first() {
            return self.own_replicas(rollout, true);
        }
        self.own_replicas(obj, false)
    }

    fn own_replicas(&self, obj: &Object, by_reference: bool) -> Option<Replicas> {
        let replicated = by_reference || is_replicated(obj);
        if !replicated || obj.is_broken(replicas_path(obj)) {
            // A mistyped `replicas` is not "unset": nothing is known about the count.
            return None;
        }
        let written = written_replicas(obj).unwrap_or_else(|| default_replicas(obj));
        let mut out = Replicas {
            min: written,
            max: written,
            autoscaled: false,
        };
        for hpa in self.resolve(obj, self.hpas_for(obj)) {
            let (min, max) = match &hpa.typed {
                Typed::HpaV1(h) => match &h.spec {
                    Some(s) => (s.min_replicas.unwrap_or(1), s.max_replicas),
                    None => continue,
                },
                Typed::HpaV2(h) => match &h.spec {
                    Some(s) => (s.min_replicas.unwrap_or(1), s.max_replicas),
                    None => continue,
                },
                _ => match keda_range(hpa) {
                    Some(range) => range,
                    None => continue,
                },
            };
            if !out.autoscaled {
                out = Replicas {
                    min,
                    max,
                    autoscaled: true,
                };
            } else {
                out.min = out.min.min(min);
                out.max = out.max.max(max);
            }
        }
        Some(out)
    }
}

/// The kind and name a HorizontalPodAutoscaler's `scaleTargetRef` names (`None` for other
/// objects): the one matching of an HPA to its target, for [`Inventory::replicas`] and
/// `hpa-target-missing` alike.
pub fn hpa_target(obj: &Object) -> Option<(&str, &str)> {
    match &obj.typed {
        Typed::HpaV1(h) => {
            let r = &h.spec.as_ref()?.scale_target_ref;
            Some((r.kind.as_str(), r.name.as_str()))
        }
        Typed::HpaV2(h) => {
            let r = &h.spec.as_ref()?.scale_target_ref;
            Some((r.kind.as_str(), r.name.as_str()))
        }
        _ if is_scaled_object(obj) => {
            // KEDA: `scaleTargetRef.kind` defaults to Deployment.
            let name = obj.scalar_text("spec.scaleTargetRef.name")?;
            let kind = obj
                .scalar_text("spec.scaleTargetRef.kind")
                .unwrap_or("Deployment");
            Some((kind, name))
        }
        _ => None,
    }
}

/// True for a KEDA `ScaledObject` (`keda.sh`), which scales its target through an HPA it
/// creates: a scaler of its target, like an HPA.
pub fn is_scaled_object(obj: &Object) -> bool {
    obj.kind == "ScaledObject" && obj.group() == "keda.sh"
}

/// A KEDA ScaledObject's replica range: `minReplicaCount` (default 0) to `maxReplicaCount`
/// (default 100), as KEDA's documentation gives them. `None` for other objects, and for a count
/// that is not an integer (its CRD's finding).
fn keda_range(obj: &Object) -> Option<(i32, i32)> {
    if !is_scaled_object(obj) {
        return None;
    }
    let count = |path: &str, default: i32| match obj.scalar_text(path) {
        None => Some(default),
        Some(t) => t.trim().parse::<i32>().ok(),
    };
    Some((
        count("spec.minReplicaCount", 0)?,
        count("spec.maxReplicaCount", 100)?,
    ))
}

/// The custom resources of an inventory: per namespace as (lower-case kind, name), and the API
/// groups of all custom resources and CustomResourceDefinitions.
#[derive(Debug, Default)]
pub struct CustomResources<'a> {
    by_ns: HashMap<&'a str, Vec<(String, &'a str)>>,
    groups: Vec<&'a str>,
}

impl CustomResources<'_> {
    /// True when `value` (a Service name, or a label value of a selector) in namespace `ns` looks
    /// made by an operator from one of its custom resources, which the inputs then cannot show:
    /// operators name what they create after the resource (ECK's `kibana-kb-http`, Strimzi's
    /// `my-cluster-kafka-bootstrap`, prometheus-operator's `prometheus-operated`, Pods labelled
    /// `app.kubernetes.io/instance: main` for an Alertmanager `main`).
    pub fn may_create(&self, ns: &str, value: &str) -> bool {
        self.by_ns.get(ns).is_some_and(|crs| {
            crs.iter().any(|(kind, name)| {
                value == *name
                    || value.starts_with(&format!("{name}-"))
                    || value.ends_with(&format!("-{name}"))
                    || value.starts_with(&format!("{kind}-"))
            })
        })
    }

    /// True when a label key's prefix is the domain of a custom resource group of the inputs
    /// (`longhorn.io/admission-webhook` for `longhorn.io`, `strimzi.io/cluster` for
    /// `kafka.strimzi.io`): operators put such labels on the Pods they run or adopt, at run time.
    pub fn owns_label_key(&self, key: &str) -> bool {
        let Some((prefix, _)) = key.split_once('/') else {
            return false;
        };
        self.groups.iter().any(|g| {
            *g == prefix || g.ends_with(&format!(".{prefix}")) || prefix.ends_with(&format!(".{g}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::decode_document;
    use crate::source::tree::parse;

    fn inventory(yaml: &str) -> Inventory {
        let file = SourceFile::new(0, "t.yaml".to_string(), yaml);
        let mut objects = Vec::new();
        for doc in parse(&file).documents {
            objects.extend(decode_document(0, doc, "default").objects);
        }
        Inventory::new(vec![file], objects, "default".to_string())
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_key_index_gives_each_key_its_ids_in_order() {
        let index = KeyIndex::new(vec![(7, 3), (2, 9), (7, 1), (u64::MAX, 4), (7, 2), (0, 5)]);
        assert_eq!(index.get(7), [1, 2, 3]);
        assert_eq!(index.get(2), [9]);
        assert_eq!(index.get(0), [5]);
        assert_eq!(index.get(u64::MAX), [4]);
        assert!(index.get(3).is_empty());
        assert!(KeyIndex::default().get(7).is_empty());
    }

    #[test]
    fn each_object_knows_the_first_definition_of_its_identity() {
        let inv = inventory(
            "
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: b}
---
apiVersion: example.com/v1
kind: Service
metadata: {name: web, namespace: a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
",
        );
        assert_eq!(inv.first, [0, 1, 0, 3, 4, 0]);
        let firsts: Vec<bool> = inv
            .objects
            .iter()
            .map(|o| inv.is_first_definition(o))
            .collect();
        assert_eq!(firsts, [true, true, false, true, true, false]);
        assert_eq!(inv.first_definition(&inv.objects[5]).map(|o| o.id), Some(0));
        // Were every key to collide, the identities would still be told apart.
        let collided = KeyIndex::new((0..6).map(|id| (1, id)).collect());
        assert_eq!(
            first_definitions(&collided, &inv.objects),
            [0, 1, 0, 3, 4, 0]
        );
    }

    #[test]
    fn lookups_keep_namespaces_kinds_and_names_apart() {
        let inv = inventory(
            "
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: b}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: a}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: b, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
",
        );
        let named: Vec<_> = inv.named("a", "Service", "web").map(|o| o.id).collect();
        assert_eq!(named, [0]);
        assert_eq!(inv.named("b", "Service", "web").count(), 1);
        assert_eq!(inv.named("c", "Service", "web").count(), 0);
        assert_eq!(inv.of_kind("a", "Service").count(), 1);
        assert_eq!(inv.of_kind("a", "ConfigMap").count(), 1);
        // The label index is per namespace: only namespace b has the Pod.
        let app_web = labels(&[("app", "web")]);
        let web = Selector::from_map(Some(&app_web));
        assert_eq!(inv.templates_matching("a", &web).count(), 0);
        assert_eq!(inv.templates_matching("b", &web).count(), 1);
    }

    const WORKLOADS: &str = "
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: web, image: web}]}
";

    fn names(objs: Vec<&Object>) -> Vec<&str> {
        objs.iter().map(|o| o.name()).collect()
    }

    #[test]
    fn runtime_labels_match_only_the_kinds_that_get_them() {
        let inv = inventory(WORKLOADS);
        let per_pod = labels(&[
            ("app", "db"),
            ("statefulset.kubernetes.io/pod-name", "db-0"),
        ]);
        assert_eq!(names(inv.pods_selected_by("default", &per_pod)), ["db"]);
        let hashed = labels(&[("app", "db"), ("pod-template-hash", "abc")]);
        assert_eq!(names(inv.pods_selected_by("default", &hashed)), ["web"]);
        let plain = labels(&[("app", "db")]);
        assert_eq!(inv.pods_selected_by("default", &plain).len(), 2);
        let only_runtime = labels(&[("controller-revision-hash", "x")]);
        assert_eq!(
            names(inv.pods_selected_by("default", &only_runtime)),
            ["db"]
        );
        assert!(inv.pods_selected_by("other", &plain).is_empty());
    }

    #[test]
    fn operator_made_names_and_label_domains() {
        let inv = inventory(
            "
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: kafkas.kafka.strimzi.io}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: plain}
",
        );
        let crs = inv.custom_resources();
        assert!(crs.may_create("monitoring", "k8s"));
        assert!(crs.may_create("monitoring", "prometheus-operated"));
        assert!(crs.may_create("monitoring", "k8s-web"));
        assert!(crs.may_create("monitoring", "prometheus-k8s"));
        assert!(!crs.may_create("monitoring", "grafana"));
        assert!(!crs.may_create("default", "k8s"));
        assert!(!crs.may_create("plain", "cm"));
        assert!(crs.owns_label_key("strimzi.io/cluster"));
        assert!(crs.owns_label_key("kafka.strimzi.io/name"));
        assert!(crs.owns_label_key("monitoring.coreos.com/x"));
        assert!(!crs.owns_label_key("app"));
        assert!(!crs.owns_label_key("app.kubernetes.io/name"));
    }
}
