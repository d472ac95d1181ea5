//! The one read-only index over every object of a run, built once and shared by all rules.

use std::collections::HashMap;

use super::object::{Object, ObjectId, Typed};
use super::selector::Selector;
use super::workload::{is_replicated, pod_template, written_replicas};
use crate::source::SourceFile;

/// The range of Pods a workload can run at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replicas {
    pub min: i32,
    pub max: i32,
    /// True when a HorizontalPodAutoscaler sets the range.
    pub autoscaled: bool,
}

/// Every object of the run, indexed by identity, kind, namespace and pod labels.
#[derive(Debug)]
pub struct Inventory {
    pub files: Vec<SourceFile>,
    pub objects: Vec<Object>,
    pub default_namespace: String,
    by_name: HashMap<(String, String, String), Vec<ObjectId>>,
    by_kind: HashMap<(String, String), Vec<ObjectId>>,
    /// Objects with a pod template, per namespace.
    templates: HashMap<String, Vec<ObjectId>>,
    /// (namespace, label key, label value) → objects whose pod template carries that label.
    label_index: HashMap<(String, String, String), Vec<ObjectId>>,
    /// (namespace, target kind, target name) → HorizontalPodAutoscalers.
    hpas: HashMap<(String, String, String), Vec<ObjectId>>,
}

impl Inventory {
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
            by_name: HashMap::new(),
            by_kind: HashMap::new(),
            templates: HashMap::new(),
            label_index: HashMap::new(),
            hpas: HashMap::new(),
        };
        for (i, obj) in objects.iter_mut().enumerate() {
            obj.id = crate::source::file::to_u32(i);
        }
        for obj in &objects {
            let ns = obj.namespace.clone().unwrap_or_default();
            inv.by_kind
                .entry((ns.clone(), obj.kind.clone()))
                .or_default()
                .push(obj.id);
            if let Some(name) = &obj.name {
                inv.by_name
                    .entry((ns.clone(), obj.kind.clone(), name.clone()))
                    .or_default()
                    .push(obj.id);
            }
            if let Some(t) = pod_template(obj) {
                inv.templates.entry(ns.clone()).or_default().push(obj.id);
                for (k, v) in t.labels.into_iter().flatten() {
                    inv.label_index
                        .entry((ns.clone(), k.clone(), v.clone()))
                        .or_default()
                        .push(obj.id);
                }
            }
            if let Some((kind, name)) = hpa_target(obj) {
                inv.hpas.entry((ns, kind, name)).or_default().push(obj.id);
            }
        }
        inv.objects = objects;
        inv
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
    pub fn named<'a>(
        &'a self,
        ns: &str,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_name
            .get(&(ns.to_string(), kind.to_string(), name.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|&id| self.object(id))
    }

    /// Objects of `kind` in namespace `ns`.
    pub fn of_kind<'a>(&'a self, ns: &str, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind
            .get(&(ns.to_string(), kind.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|&id| self.object(id))
    }

    /// Every object of `kind`, in all namespaces.
    pub fn all_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// Objects in namespace `ns` whose pod template (a Pod's own labels) the selector matches.
    /// Uses the label index: candidates come from one required label, not a scan of the namespace.
    pub fn templates_matching<'a>(&'a self, ns: &str, selector: &Selector) -> Vec<&'a Object> {
        let candidates: &[ObjectId] = match selector {
            Selector::Nothing => return Vec::new(),
            // The rarest required label: a label most templates share (`tier: web`) must not
            // turn each lookup into a scan of the namespace.
            Selector::Match { labels, .. } if !labels.is_empty() => labels
                .iter()
                .map(|(k, v)| {
                    self.label_index
                        .get(&(ns.to_string(), k.clone(), v.clone()))
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                })
                .min_by_key(|ids| ids.len())
                .unwrap_or(&[]),
            _ => self.templates.get(ns).map(Vec::as_slice).unwrap_or(&[]),
        };
        candidates
            .iter()
            .filter_map(|&id| self.object(id))
            .filter(|o| {
                let empty = Default::default();
                let labels = pod_template(o).and_then(|t| t.labels).unwrap_or(&empty);
                selector.matches(labels)
            })
            .collect()
    }

    /// False when an earlier input already defines the same group, kind, namespace and name
    /// (`duplicate-object`): cross-object rules compare against the first definition only, so
    /// one identity redefined in many files yields one finding, not one per copy.
    pub fn is_first_definition(&self, obj: &Object) -> bool {
        let Some(name) = obj.name.as_deref() else {
            return true;
        };
        let ns = obj.namespace.as_deref().unwrap_or_default();
        self.named(ns, &obj.kind, name)
            .find(|o| o.group() == obj.group())
            .is_none_or(|first| first.id == obj.id)
    }

    /// HorizontalPodAutoscalers whose `scaleTargetRef` names this object.
    pub fn hpas_for<'a>(&'a self, obj: &Object) -> impl Iterator<Item = &'a Object> + 'a {
        let key = (
            obj.namespace.clone().unwrap_or_default(),
            obj.kind.clone(),
            obj.name.clone().unwrap_or_default(),
        );
        self.hpas
            .get(&key)
            .into_iter()
            .flatten()
            .filter_map(|&id| self.object(id))
    }

    /// How many Pods a replicated workload runs: `spec.replicas` (unset means 1), or the range
    /// of an HPA that targets it. `None` for kinds without replicas.
    pub fn replicas(&self, obj: &Object) -> Option<Replicas> {
        if !is_replicated(obj) {
            return None;
        }
        let written = written_replicas(obj).unwrap_or(1);
        let mut out = Replicas {
            min: written,
            max: written,
            autoscaled: false,
        };
        for hpa in self.hpas_for(obj) {
            let (min, max) = match &hpa.typed {
                Typed::HpaV1(h) => match &h.spec {
                    Some(s) => (s.min_replicas.unwrap_or(1), s.max_replicas),
                    None => continue,
                },
                Typed::HpaV2(h) => match &h.spec {
                    Some(s) => (s.min_replicas.unwrap_or(1), s.max_replicas),
                    None => continue,
                },
                _ => continue,
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

fn hpa_target(obj: &Object) -> Option<(String, String)> {
    match &obj.typed {
        Typed::HpaV1(h) => {
            let r = &h.spec.as_ref()?.scale_target_ref;
            Some((r.kind.clone(), r.name.clone()))
        }
        Typed::HpaV2(h) => {
            let r = &h.spec.as_ref()?.scale_target_ref;
            Some((r.kind.clone(), r.name.clone()))
        }
        _ => None,
    }
}
