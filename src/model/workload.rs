//! Where each workload keeps its pod template, its selector and its replica count.

use k8s_openapi::api::core::v1::PodSpec;

use super::object::{Object, Typed};
use super::selector::{InvalidSelector, Labels, Selector};

/// A pod template as written in a workload (or a Pod, which is its own template).
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a> {
    pub labels: Option<&'a Labels>,
    pub spec: Option<&'a PodSpec>,
    /// Field path of the template's metadata, e.g. `spec.template.metadata`.
    pub metadata_path: &'static str,
    /// Field path of the pod spec, e.g. `spec.template.spec`.
    pub spec_path: &'static str,
}

/// The pod template of a workload or Pod.
pub fn pod_template(obj: &Object) -> Option<PodTemplate<'_>> {
    const TEMPLATE: (&str, &str) = ("spec.template.metadata", "spec.template.spec");
    let (meta, spec, paths) = match &obj.typed {
        Typed::Pod(p) => (Some(&p.metadata), p.spec.as_ref(), ("metadata", "spec")),
        Typed::Deployment(d) => {
            let t = &d.spec.as_ref()?.template;
            (t.metadata.as_ref(), t.spec.as_ref(), TEMPLATE)
        }
        Typed::ReplicaSet(r) => {
            let t = r.spec.as_ref()?.template.as_ref()?;
            (t.metadata.as_ref(), t.spec.as_ref(), TEMPLATE)
        }
        Typed::ReplicationController(r) => {
            let t = r.spec.as_ref()?.template.as_ref()?;
            (t.metadata.as_ref(), t.spec.as_ref(), TEMPLATE)
        }
        Typed::StatefulSet(s) => {
            let t = &s.spec.as_ref()?.template;
            (t.metadata.as_ref(), t.spec.as_ref(), TEMPLATE)
        }
        Typed::DaemonSet(d) => {
            let t = &d.spec.as_ref()?.template;
            (t.metadata.as_ref(), t.spec.as_ref(), TEMPLATE)
        }
        Typed::Job(j) => {
            let t = &j.spec.as_ref()?.template;
            (t.metadata.as_ref(), t.spec.as_ref(), TEMPLATE)
        }
        Typed::CronJob(c) => {
            let t = &c.spec.as_ref()?.job_template.spec.as_ref()?.template;
            (
                t.metadata.as_ref(),
                t.spec.as_ref(),
                (
                    "spec.jobTemplate.spec.template.metadata",
                    "spec.jobTemplate.spec.template.spec",
                ),
            )
        }
        _ => return None,
    };
    Some(PodTemplate {
        labels: meta.and_then(|m| m.labels.as_ref()),
        spec,
        metadata_path: paths.0,
        spec_path: paths.1,
    })
}

/// A controller's Pod selector and the field path it is written at.
#[derive(Debug, Clone)]
pub struct ControllerSelector {
    pub selector: Result<Selector, InvalidSelector>,
    pub path: &'static str,
}

/// The selector with which a controller claims Pods; `None` for objects that claim none (a Job
/// without `manualSelector: true` selects by a generated `controller-uid` label: only its own Pods).
pub fn controller_selector(obj: &Object) -> Option<ControllerSelector> {
    let path = "spec.selector";
    let selector = match &obj.typed {
        Typed::Deployment(d) => labels_or_absent(obj, Some(&d.spec.as_ref()?.selector)),
        Typed::ReplicaSet(r) => labels_or_absent(obj, Some(&r.spec.as_ref()?.selector)),
        Typed::StatefulSet(s) => labels_or_absent(obj, Some(&s.spec.as_ref()?.selector)),
        Typed::DaemonSet(d) => labels_or_absent(obj, Some(&d.spec.as_ref()?.selector)),
        Typed::ReplicationController(r) => {
            let spec = r.spec.as_ref()?;
            match spec.selector.as_ref().filter(|m| !m.is_empty()) {
                Some(map) => Ok(Selector::from_map(Some(map))),
                // The API defaults an empty ReplicationController selector to the template labels.
                None => Ok(Selector::from_map(
                    spec.template.as_ref()?.metadata.as_ref()?.labels.as_ref(),
                )),
            }
        }
        Typed::Job(j) => {
            let spec = j.spec.as_ref()?;
            if spec.manual_selector != Some(true) {
                return None;
            }
            Selector::from_label_selector(spec.selector.as_ref())
        }
        _ => return None,
    };
    Some(ControllerSelector { selector, path })
}

fn labels_or_absent(
    obj: &Object,
    sel: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
) -> Result<Selector, InvalidSelector> {
    if obj.selector_absent {
        if defaults_selector_from_template(obj) {
            let labels = pod_template(obj).and_then(|t| t.labels);
            return Ok(Selector::from_map(labels));
        }
        return Ok(Selector::Nothing);
    }
    Selector::from_label_selector(sel)
}

/// True when the object's API version gave a controller without `spec.selector` the selector
/// `matchLabels: <template labels>`: `extensions/v1beta1` (Deployment, DaemonSet, ReplicaSet)
/// and `apps/v1beta1` (Deployment, StatefulSet) did; `apps/v1beta2` and `apps/v1` require it.
/// Template labels that are absent or empty still leave it without a valid selector.
pub fn defaults_selector_from_template(obj: &Object) -> bool {
    matches!(
        obj.api_version.as_str(),
        "extensions/v1beta1" | "apps/v1beta1"
    ) && matches!(
        obj.typed,
        Typed::Deployment(_) | Typed::DaemonSet(_) | Typed::ReplicaSet(_) | Typed::StatefulSet(_)
    )
}

/// A PodDisruptionBudget's selector, read with the meaning of its API version: absent selects
/// nothing; an empty `selector: {}` selects every Pod of the namespace in `policy/v1` but none
/// in the removed `policy/v1beta1`. `None` for objects that are not (decoded) PDBs.
pub fn pdb_selector(obj: &Object) -> Option<Result<Selector, InvalidSelector>> {
    let Typed::PodDisruptionBudget(pdb) = &obj.typed else {
        return None;
    };
    let selector = pdb.spec.as_ref().and_then(|s| s.selector.as_ref());
    let parsed = Selector::from_label_selector(selector);
    if obj.api_version == "policy/v1beta1" && parsed == Ok(Selector::Everything) {
        return Some(Ok(Selector::Nothing));
    }
    Some(parsed)
}

/// `spec.replicas` as written (None when unset or not a scalable kind).
pub fn written_replicas(obj: &Object) -> Option<i32> {
    match &obj.typed {
        Typed::Deployment(d) => d.spec.as_ref()?.replicas,
        Typed::ReplicaSet(r) => r.spec.as_ref()?.replicas,
        Typed::ReplicationController(r) => r.spec.as_ref()?.replicas,
        Typed::StatefulSet(s) => s.spec.as_ref()?.replicas,
        _ => None,
    }
}

/// True for kinds whose replica count is `spec.replicas` (unset means 1).
pub fn is_replicated(obj: &Object) -> bool {
    matches!(
        obj.typed,
        Typed::Deployment(_)
            | Typed::ReplicaSet(_)
            | Typed::ReplicationController(_)
            | Typed::StatefulSet(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::decode_document;
    use crate::source::tree::parse;
    use crate::source::SourceFile;
    use std::collections::BTreeMap;

    fn object(yaml: &str) -> Object {
        let file = SourceFile::new(0, "t.yaml".into(), yaml);
        parse(&file)
            .documents
            .into_iter()
            .flat_map(|d| decode_document(0, d, "default").objects)
            .next()
            .expect("one object")
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const PDB: &str = "kind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  maxUnavailable: 1\n  selector: {}\n";

    #[test]
    fn empty_pdb_selector_depends_on_version() {
        let v1 = object(&format!("apiVersion: policy/v1\n{PDB}"));
        assert_eq!(pdb_selector(&v1), Some(Ok(Selector::Everything)));
        let beta = object(&format!("apiVersion: policy/v1beta1\n{PDB}"));
        assert_eq!(pdb_selector(&beta), Some(Ok(Selector::Nothing)));
        let absent = object("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1}\n");
        assert_eq!(pdb_selector(&absent), Some(Ok(Selector::Nothing)));
    }

    const NO_SELECTOR: &str = "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: c}]}\n";

    #[test]
    fn old_controllers_default_their_selector_to_template_labels() {
        let app = labels(&[("app", "d")]);
        for (version, defaulted) in [
            ("extensions/v1beta1", true),
            ("apps/v1beta1", true),
            ("apps/v1beta2", false),
            ("apps/v1", false),
        ] {
            let obj = object(&format!("apiVersion: {version}\n{NO_SELECTOR}"));
            assert!(obj.selector_absent);
            let sel = controller_selector(&obj)
                .expect("a controller")
                .selector
                .expect("valid");
            assert_eq!(sel.matches(&app), defaulted, "{version}");
        }
    }
}
