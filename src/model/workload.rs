//! Where each workload keeps its pod template, its selector and its replica count.

use std::collections::HashMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::object::{Object, Typed};
use super::selector::{InvalidSelector, Labels, Selector};
use super::shape::WrittenSelector;
use super::view::{Container, ObjectMeta, PodSpec};

/// A pod template as written in a workload (or a Pod, which is its own template).
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a> {
    pub labels: Option<&'a Labels>,
    pub spec: Option<&'a PodSpec>,
    /// Field path of the template's metadata, e.g. `spec.template.metadata`.
    pub metadata_path: &'a str,
    /// Field path of the pod spec, e.g. `spec.template.spec`.
    pub spec_path: &'a str,
}

/// The pod template of a workload or Pod.
pub fn pod_template(obj: &Object) -> Option<PodTemplate<'_>> {
    const TEMPLATE: (&str, &str) = ("spec.template.metadata", "spec.template.spec");
    let (meta, spec, paths): (_, _, (&str, &str)) = match &obj.typed {
        Typed::Workload(w) => {
            let t = w.template.as_ref()?;
            (
                t.metadata.as_ref(),
                t.spec.as_ref(),
                (&w.shape.template_metadata, &w.shape.template_spec),
            )
        }
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

/// The labels of a workload's pod template (a Pod's own), empty when it writes none.
pub fn template_labels(obj: &Object) -> &Labels {
    static EMPTY: std::sync::LazyLock<Labels> = std::sync::LazyLock::new(Labels::new);
    pod_template(obj).and_then(|t| t.labels).unwrap_or(&EMPTY)
}

/// A controller's Pod selector and the field path it is written at.
#[derive(Debug, Clone)]
pub struct ControllerSelector<'a> {
    pub selector: Result<Selector<'a>, InvalidSelector>,
    pub path: &'a str,
}

/// The selector with which a controller claims Pods; `None` for objects that claim none (a Job
/// without `manualSelector: true` selects by a generated `controller-uid` label: only its own Pods).
pub fn controller_selector(obj: &Object) -> Option<ControllerSelector<'_>> {
    let mut path = "spec.selector";
    let selector = match &obj.typed {
        Typed::Workload(w) => {
            path = w.shape.selector.as_deref()?;
            match &w.selector {
                WrittenSelector::LabelSelector(s) => Selector::from_label_selector(Some(s)),
                WrittenSelector::Map(m) if !m.is_empty() => Ok(Selector::from_map(Some(m))),
                // A DeploymentConfig's empty selector is defaulted to its template's labels.
                WrittenSelector::Map(_) => Ok(Selector::from_map(
                    w.template.as_ref()?.metadata.as_ref()?.labels.as_ref(),
                )),
                WrittenSelector::Absent
                    if w.shape.selector_form == super::shape::SelectorForm::Map =>
                {
                    Ok(Selector::from_map(
                        w.template.as_ref()?.metadata.as_ref()?.labels.as_ref(),
                    ))
                }
                // Absent (its CRD says whether it is required) or of the wrong type (its CRD's
                // finding): it claims nothing kplint can tell.
                WrittenSelector::Absent | WrittenSelector::Invalid => return None,
            }
        }
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

fn labels_or_absent<'a>(
    obj: &'a Object,
    sel: Option<&'a super::view::LabelSelector>,
) -> Result<Selector<'a>, InvalidSelector> {
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
pub fn pdb_selector(obj: &Object) -> Option<Result<Selector<'_>, InvalidSelector>> {
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
        Typed::Workload(w) => w.replicas,
        _ => None,
    }
}

/// The path of the replica count (`spec.replicas`, or where a custom workload keeps it).
pub fn replicas_path(obj: &Object) -> &str {
    match &obj.typed {
        Typed::Workload(w) => w.replicas_path(),
        _ => "spec.replicas",
    }
}

/// The replica count when `spec.replicas` is unset: 1, or a custom workload's default.
pub fn default_replicas(obj: &Object) -> i32 {
    match &obj.typed {
        Typed::Workload(w) => w.shape.default_replicas,
        _ => 1,
    }
}

/// True for kinds whose replica count is `spec.replicas` (unset means 1), and custom workloads
/// with a replica count and a template of their own (a Rollout with `workloadRef` runs the
/// referenced Deployment's template: its count is that Deployment's, `Inventory::replicas`).
pub fn is_replicated(obj: &Object) -> bool {
    match &obj.typed {
        Typed::Workload(w) => w.shape.replicas.is_some() && w.workload_ref.is_none(),
        t => matches!(
            t,
            Typed::Deployment(_)
                | Typed::ReplicaSet(_)
                | Typed::ReplicationController(_)
                | Typed::StatefulSet(_)
        ),
    }
}

/// Labels that controllers put on the Pods they create (never written in a pod template), with
/// the kinds of workload whose Pods get them. A selector that uses one can match those Pods
/// although no template carries the label.
pub const RUNTIME_POD_LABELS: &[(&str, &[&str])] = &[
    ("statefulset.kubernetes.io/pod-name", &["StatefulSet"]),
    ("apps.kubernetes.io/pod-index", &["StatefulSet"]),
    (
        "controller-revision-hash",
        &["StatefulSet", "DaemonSet", "CloneSet"],
    ),
    ("pod-template-generation", &["DaemonSet"]),
    ("pod-template-hash", &["Deployment", "CloneSet"]),
    // Custom workloads (docs/workloads.md gives the sources): Argo Rollouts, OpenKruise
    // CloneSet (its Advanced StatefulSet and DaemonSet share the kind names above), OpenShift
    // DeploymentConfig.
    ("rollouts-pod-template-hash", &["Rollout"]),
    ("apps.kruise.io/cloneset-instance-id", &["CloneSet"]),
    ("deploymentconfig", &["DeploymentConfig"]),
    ("batch.kubernetes.io/job-name", &["Job", "CronJob"]),
    ("job-name", &["Job", "CronJob"]),
    ("batch.kubernetes.io/controller-uid", &["Job", "CronJob"]),
    ("controller-uid", &["Job", "CronJob"]),
    (
        "batch.kubernetes.io/job-completion-index",
        &["Job", "CronJob"],
    ),
];

/// The kinds whose Pods get `key` at run time, when it is a label that controllers add.
pub fn runtime_label_kinds(key: &str) -> Option<&'static [&'static str]> {
    RUNTIME_POD_LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, kinds)| *kinds)
}

/// The `controller: true` owner reference of an object, if any.
pub fn controller_owner(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// True for workloads whose Pods run until stopped: Deployment, ReplicaSet,
/// ReplicationController, StatefulSet, DaemonSet, and a Pod that restarts `Always` (the default)
/// and is not owned by a Job. Jobs and CronJobs run to completion.
pub fn is_long_running(obj: &Object) -> bool {
    match &obj.typed {
        Typed::Deployment(_)
        | Typed::ReplicaSet(_)
        | Typed::ReplicationController(_)
        | Typed::StatefulSet(_)
        | Typed::DaemonSet(_) => true,
        Typed::Workload(w) => w.shape.long_running,
        Typed::Pod(p) => {
            let restart = p.spec.as_ref().and_then(|s| s.restart_policy.as_deref());
            let batch_owner = controller_owner(&p.metadata).is_some_and(|r| r.kind == "Job");
            matches!(restart, None | Some("Always")) && !batch_owner
        }
        _ => false,
    }
}

/// True for a label key that a controller adds to its Pods at run time.
pub fn is_runtime_pod_label(key: &str) -> bool {
    runtime_label_kinds(key).is_some()
}

/// True for a `Pod` with no `ownerReferences` entry that has `controller: true`.
pub fn is_bare_pod(obj: &Object) -> bool {
    match &obj.typed {
        Typed::Pod(pod) => !pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|r| r.controller == Some(true)),
        _ => false,
    }
}

/// A Service's selector when it routes to Pods: written, not empty, and the Service is not of
/// type `ExternalName` (whose selector no controller reads: it is a DNS alias).
pub fn service_pod_selector(obj: &Object) -> Option<&Labels> {
    let Typed::Service(svc) = &obj.typed else {
        return None;
    };
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    spec.selector.as_ref().filter(|m| !m.is_empty())
}

/// True for a native sidecar: an init container with `restartPolicy: Always`, which runs beside
/// the app containers for the Pod's whole life.
pub fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// The kinds that carry a pod template (a Pod is its own).
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

/// The pod template labels, as written, of the workloads that failed to decode, by namespace:
/// they are not in the label index, but a selector that matches them would select their Pods
/// once the workload is fixed, so selector rules must not call them missing.
pub fn unreadable_template_labels(inv: &super::Inventory) -> HashMap<&str, Vec<Labels>> {
    let mut out: HashMap<&str, Vec<Labels>> = HashMap::new();
    for o in &inv.objects {
        if matches!(o.typed, Typed::Invalid) && WORKLOAD_KINDS.contains(&o.kind.as_str()) {
            if let Some(ns) = o.namespace.as_deref() {
                out.entry(ns).or_default().push(written_template_labels(o));
            }
        }
    }
    out
}

/// The pod template labels as written in the manifest, read from the document tree rather than
/// the typed view: for an object that failed to decode (`Typed::Invalid`), whose template may
/// still carry labels that selectors match. Labels that are not scalars are left out.
pub fn written_template_labels(obj: &Object) -> Labels {
    let path = match obj.kind.as_str() {
        "Pod" => "metadata.labels",
        "CronJob" => "spec.jobTemplate.spec.template.metadata.labels",
        _ => "spec.template.metadata.labels",
    };
    let r = super::location::resolve_written(&obj.tree, obj.root, path);
    if !r.complete {
        return Labels::new();
    }
    obj.tree
        .entries(r.value)
        .filter_map(|(k, v)| {
            let key = obj.tree.scalar(k)?.key().into_owned();
            let value = obj.tree.scalar(v)?.key().into_owned();
            Some((key, value))
        })
        .collect()
}

/// A `persistentVolumeClaim` volume of a pod template.
#[derive(Debug, Clone, Copy)]
pub struct ClaimVolume<'a> {
    /// Index in `volumes`.
    pub index: usize,
    /// The volume's name.
    pub name: &'a str,
    pub claim: &'a str,
    pub read_only: bool,
}

/// The `persistentVolumeClaim` volumes of a pod template. A StatefulSet replaces a volume named
/// like one of its `volumeClaimTemplates` with the Pod's own claim: those are left out.
pub fn pvc_volumes<'a>(obj: &'a Object, t: &PodTemplate<'a>) -> Vec<ClaimVolume<'a>> {
    let templated: Vec<&str> = match &obj.typed {
        Typed::StatefulSet(s) => s
            .spec
            .iter()
            .flat_map(|s| s.volume_claim_templates.iter().flatten())
            .filter_map(|c| c.metadata.name.as_deref())
            .collect(),
        _ => Vec::new(),
    };
    t.spec
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| {
            let pvc = v.persistent_volume_claim.as_ref()?;
            if templated.contains(&v.name.as_str()) {
                return None;
            }
            Some(ClaimVolume {
                index: i,
                name: &v.name,
                claim: &pvc.claim_name,
                read_only: pvc.read_only == Some(true),
            })
        })
        .collect()
}

/// The access modes of the PersistentVolumeClaim `name` in namespace `ns`, when an input
/// defines it (an empty list when it sets none).
pub fn claim_access_modes<'a>(
    inv: &'a super::Inventory,
    from: &Object,
    ns: &str,
    name: &str,
) -> Option<(&'a Object, Vec<&'a str>)> {
    // A reference: the claim of the workload's own unit first, else one elsewhere in the run.
    inv.resolve(from, inv.named(ns, "PersistentVolumeClaim", name))
        .into_iter()
        .find_map(|o| match &o.typed {
            Typed::PersistentVolumeClaim(pvc) => Some((
                o,
                pvc.spec
                    .as_ref()
                    .and_then(|s| s.access_modes.as_ref())
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect(),
            )),
            _ => None,
        })
}

/// A StatefulSet's `serviceName` and the core Services of that name in its namespace (a custom
/// resource named `Service`, such as a Knative Service, is not one).
pub fn governing_services<'a>(
    inv: &'a super::Inventory,
    obj: &'a Object,
) -> Option<(&'a str, Vec<&'a Object>)> {
    let Typed::StatefulSet(s) = &obj.typed else {
        return None;
    };
    let name = s.spec.as_ref()?.service_name.as_deref()?;
    if name.is_empty() {
        return None;
    }
    let ns = obj.namespace.as_deref()?;
    // A reference: the Service of the StatefulSet's own unit, else one elsewhere in the run.
    let services = inv.resolve(
        obj,
        inv.named(ns, "Service", name)
            .filter(|o| o.group().is_empty()),
    );
    Some((name, services))
}

/// The selector of a controller that the API server accepts: `None` when it has none, it is
/// invalid or empty (apps/v1 kinds), or it does not select the controller's own Pod template
/// (all rejected: `selector-mismatch`). Cross-object rules use this: a rejected object never runs.
pub fn accepted_controller_selector(obj: &Object) -> Option<(Selector<'_>, &str)> {
    let cs = controller_selector(obj)?;
    let selector = cs.selector.ok()?;
    let labels = template_labels(obj);
    match selector {
        Selector::Nothing => None,
        Selector::Everything if !matches!(obj.typed, Typed::Job(_)) => None,
        s if !s.matches(labels) => None,
        s => Some((s, cs.path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::decode_document;
    use crate::source::tree::parse;
    use crate::source::SourceFile;

    fn object(yaml: &str) -> Object {
        let file = SourceFile::new(0, "t.yaml".into(), yaml);
        parse(&file)
            .documents
            .into_iter()
            .flat_map(|d| decode_document(0, d, "default").objects)
            .next()
            .expect("one object")
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
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
