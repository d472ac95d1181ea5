//! Argo Workflows (`argoproj.io/v1alpha1` `Workflow`, `WorkflowTemplate`,
//! `ClusterWorkflowTemplate`, `CronWorkflow`): the containers of their step templates, each
//! decoded as a Pod's container is.
//!
//! A Workflow has no pod template: Argo builds one Pod per step from a template's `container`,
//! `script`, `containerSet`, `initContainers` and `sidecars`, and labels it itself; the step runs
//! to completion. So only what holds for any container applies (strict decoding, the downward
//! API), not probes, `restartPolicy` or selection (docs/workloads.md says why, with sources).

use super::location::{resolve_path, FieldPath, Segment};
use super::object::{Object, Typed};
use super::shape::lenient_metadata;
use super::strict::Overlay;
use super::subtree::{self, Subtree};
use super::view::{Container, ObjectMeta};
use crate::report::Diagnostic;
use crate::source::NodeId;

/// Where each Argo kind keeps its WorkflowSpec.
const SPEC_PATHS: &[(&str, &str)] = &[
    ("Workflow", "spec"),
    ("WorkflowTemplate", "spec"),
    ("ClusterWorkflowTemplate", "spec"),
    ("CronWorkflow", "spec.workflowSpec"),
];

/// Where a container sits in a step template, which decides the keys Argo adds to a core/v1
/// Container there and whether its name is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `templates[].container`: a core/v1 Container, named `main` by Argo.
    Container,
    /// `templates[].script`: a Container plus `source`, named `main` by Argo.
    Script,
    /// `templates[].containerSet.containers[]`: a Container plus `dependencies`.
    ContainerSet,
    /// `templates[].initContainers[]`: a Container plus `mirrorVolumeMounts`.
    Init,
    /// `templates[].sidecars[]`: a Container plus `mirrorVolumeMounts`.
    Sidecar,
}

impl Role {
    /// The keys Argo's type adds to a core/v1 Container here.
    fn added_keys(self) -> &'static [&'static str] {
        match self {
            Role::Container => &[],
            Role::Script => &["source"],
            Role::ContainerSet => &["dependencies"],
            Role::Init | Role::Sidecar => &["mirrorVolumeMounts"],
        }
    }

    /// The name Argo gives a container whose name is not written, when it gives one.
    fn default_name(self) -> Option<&'static str> {
        match self {
            Role::Container | Role::Script => Some("main"),
            Role::ContainerSet | Role::Init | Role::Sidecar => None,
        }
    }

    /// What messages call it.
    pub fn noun(self) -> &'static str {
        match self {
            Role::Container => "step container",
            Role::Script => "script container",
            Role::ContainerSet => "container-set container",
            Role::Init => "init container",
            Role::Sidecar => "sidecar",
        }
    }
}

/// One container of a step template, decoded.
#[derive(Debug, Clone)]
pub struct StepContainer {
    /// Its field path (`spec.templates[0].container`).
    pub path: FieldPath,
    pub role: Role,
    pub container: Container,
}

/// The typed view of an Argo Workflow kind: its metadata and its steps' containers.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub metadata: ObjectMeta,
    /// The containers that decode.
    pub containers: Vec<StepContainer>,
    /// The path of every container written, decoded or not: their findings are this decode's,
    /// so the CRD stage leaves them alone.
    pub container_paths: Vec<FieldPath>,
}

/// The path of the WorkflowSpec of an Argo Workflow kind; `None` for any other object.
pub fn spec_path(obj: &Object) -> Option<&'static str> {
    if obj.api_version != "argoproj.io/v1alpha1" {
        return None;
    }
    SPEC_PATHS
        .iter()
        .find(|(kind, _)| *kind == obj.kind)
        .map(|(_, path)| *path)
}

/// Decodes the Argo Workflow kinds among `objects` into [`Typed::Workflow`], with the findings
/// of their containers (`unknown-field`, `invalid-object`, each at its field). Objects already
/// read (a kind `.kplint.yaml` declares as a workload) and other kinds are left as they are.
pub fn classify(objects: &mut [Object], out: &mut Vec<Diagnostic>) {
    for obj in objects.iter_mut() {
        if !matches!(obj.typed, Typed::Unknown) {
            continue;
        }
        let Some(spec) = spec_path(obj) else {
            continue;
        };
        let workflow = decode(obj, spec, out);
        obj.typed = Typed::Workflow(Box::new(workflow));
    }
}

fn decode(obj: &Object, spec: &str, out: &mut Vec<Diagnostic>) -> Workflow {
    let mut workflow = Workflow {
        metadata: lenient_metadata(obj),
        containers: Vec::new(),
        container_paths: Vec::new(),
    };
    let templates = FieldPath::parse(spec).key("templates");
    let Some(list) = node_at(obj, &templates.0) else {
        return workflow;
    };
    let count = obj.tree.items(list).len();
    for i in 0..count {
        let template = templates.clone().index(i);
        let single = [
            (template.clone().key("container"), Role::Container),
            (template.clone().key("script"), Role::Script),
        ];
        for (path, role) in single {
            decode_one(obj, path, role, &mut workflow, out);
        }
        let lists = [
            (
                template.clone().key("containerSet").key("containers"),
                Role::ContainerSet,
            ),
            (template.clone().key("initContainers"), Role::Init),
            (template.clone().key("sidecars"), Role::Sidecar),
        ];
        for (list_path, role) in lists {
            let Some(list) = node_at(obj, &list_path.0) else {
                continue;
            };
            for j in 0..obj.tree.items(list).len() {
                decode_one(obj, list_path.clone().index(j), role, &mut workflow, out);
            }
        }
    }
    workflow
}

/// Decodes the container at `path`, when one is written there.
fn decode_one(
    obj: &Object,
    path: FieldPath,
    role: Role,
    workflow: &mut Workflow,
    out: &mut Vec<Diagnostic>,
) {
    let Some(node) = node_at(obj, &path.0) else {
        return;
    };
    let added =
        |parent: &[Segment], key: &str| parent.is_empty() && role.added_keys().contains(&key);
    let part = Subtree {
        path: &path,
        node,
        overlay: Overlay {
            default_name: role.default_name(),
            ..Overlay::default()
        },
        added: &added,
        unread: "the container does not decode, so the container checks do not run on it",
    };
    let decoded = subtree::decode::<k8s_openapi::api::core::v1::Container>(obj, &part, out);
    workflow.container_paths.push(path.clone());
    if let Some(c) = decoded {
        workflow.containers.push(StepContainer {
            path,
            role,
            container: Container::from(c),
        });
    }
}

/// The node written at `path`, unless it is absent or null.
fn node_at(obj: &Object, path: &[Segment]) -> Option<NodeId> {
    let r = resolve_path(&obj.tree, obj.root, path);
    (r.complete && !super::shape::is_null(obj, r.value)).then_some(r.value)
}

/// The decoded step containers of an Argo Workflow kind; `None` for any other object.
pub fn step_containers(obj: &Object) -> Option<&[StepContainer]> {
    match &obj.typed {
        Typed::Workflow(w) => Some(&w.containers),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::decode_document;
    use crate::source::tree::parse;
    use crate::source::SourceFile;

    fn classified(yaml: &str) -> (Vec<Object>, Vec<Diagnostic>) {
        let file = SourceFile::new(0, "t.yaml".into(), yaml);
        let mut objects: Vec<Object> = parse(&file)
            .documents
            .into_iter()
            .flat_map(|d| decode_document(0, d, "default").objects)
            .collect();
        let mut out = Vec::new();
        classify(&mut objects, &mut out);
        (objects, out)
    }

    const CRON: &str = "apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: nightly}
spec:
  schedule: '0 2 * * *'
  workflowSpec:
    templates:
      - name: a
        container: {image: a}
        initContainers: [{name: i, image: i}]
        sidecars: [{name: s, image: s}]
      - name: b
        script: {image: b, source: x}
      - name: c
        containerSet: {containers: [{name: c1, image: c}, {name: c2, image: c}]}
      - name: steps
        steps: [[{name: one, template: a}]]
";

    #[test]
    fn every_container_of_every_template_is_read_at_its_path() {
        let (objects, found) = classified(CRON);
        assert!(found.is_empty(), "{found:?}");
        let steps = objects
            .first()
            .and_then(step_containers)
            .expect("a workflow");
        let read: Vec<(String, Role, &str)> = steps
            .iter()
            .map(|s| (s.path.to_string(), s.role, s.container.name.as_str()))
            .collect();
        let p = "spec.workflowSpec.templates";
        assert_eq!(
            read,
            vec![
                (format!("{p}[0].container"), Role::Container, "main"),
                (format!("{p}[0].initContainers[0]"), Role::Init, "i"),
                (format!("{p}[0].sidecars[0]"), Role::Sidecar, "s"),
                (format!("{p}[1].script"), Role::Script, "main"),
                (
                    format!("{p}[2].containerSet.containers[0]"),
                    Role::ContainerSet,
                    "c1"
                ),
                (
                    format!("{p}[2].containerSet.containers[1]"),
                    Role::ContainerSet,
                    "c2"
                ),
            ]
        );
    }

    #[test]
    fn only_argo_s_workflow_kinds_of_v1alpha1_are_read() {
        for (head, read) in [
            ("apiVersion: argoproj.io/v1alpha1\nkind: Workflow", true),
            (
                "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate",
                true,
            ),
            (
                "apiVersion: argoproj.io/v1alpha1\nkind: ClusterWorkflowTemplate",
                true,
            ),
            ("apiVersion: argoproj.io/v1alpha2\nkind: Workflow", false),
            ("apiVersion: example.com/v1alpha1\nkind: Workflow", false),
            (
                "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding",
                false,
            ),
        ] {
            let yaml = format!(
                "{head}\nmetadata: {{name: w}}\nspec:\n  templates: [{{name: a, container: {{image: a}}}}]\n"
            );
            let (objects, _) = classified(&yaml);
            let steps = objects.first().and_then(step_containers);
            assert_eq!(steps.map(<[_]>::len), read.then_some(1), "{head}");
        }
    }
}
