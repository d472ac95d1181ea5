//! `downward-api-field`: a downward API reference the API server rejects or the kubelet can't
//! resolve.
//!
//! The allowed field paths follow pkg/apis/core/validation (`validEnvDownwardAPIFieldPathExpressions`,
//! `validVolumeDownwardAPIFieldPathExpressions`, `validContainerResourceFieldPathExpressions`)
//! and `ConvertDownwardAPIFieldLabel` in pkg/api/pod.

use std::fmt::{self, Display};

use k8s_openapi::api::core::v1::{
    DownwardAPIVolumeFile, ObjectFieldSelector, ResourceFieldSelector,
};

use super::{Check, Pattern, Rule};
use crate::model::view::{Container, PodSpec};
use crate::model::workflow::step_containers;
use crate::model::workload::pod_template;
use crate::model::Object;
use crate::report::{Diagnostic, Severity};

/// A fieldRef or resourceFieldRef that is not allowed where it is used.
pub const RULE: Rule = Rule {
    id: "downward-api-field",
    severity: Severity::Error,
    pattern: Pattern::SelfAwareness,
    summary: "A downward API fieldRef/resourceFieldRef that is not allowed where it is used, or names no container of the Pod.",
    doc: include_str!("../../rules/downward-api-field.md"),
    check: Check::Local(check),
};

/// Field paths an env var may read (`spec.host` is the old name the API converts to `spec.nodeName`).
const ENV_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
    "spec.host",
];

/// Field paths a downwardAPI volume file may read.
const VOLUME_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "metadata.labels",
    "metadata.annotations",
];

const RESOURCES: &[&str] = &[
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];

const HUGEPAGES_PREFIXES: &[&str] = &["limits.hugepages-", "requests.hugepages-"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Env,
    Volume,
}

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    if let Some(steps) = step_containers(obj) {
        // An Argo step's Pod is built by Argo, with containers of its own (`wait`, `init`)
        // beside the written ones: a containerName is not checked against it.
        for s in steps {
            check_env(obj, None, &s.container, s.role.noun(), &s.path, out);
        }
        return;
    }
    let Some(t) = pod_template(obj) else { return };
    let Some(pod) = t.spec else { return };
    let base = t.spec_path;
    let groups = [
        ("containers", Some(&pod.containers)),
        ("initContainers", pod.init_containers.as_ref()),
    ];
    for (list, containers) in groups {
        let kind = if list == "containers" {
            "container"
        } else {
            "init container"
        };
        for (ci, c) in containers.into_iter().flatten().enumerate() {
            let path = lazy(|f| write!(f, "{base}.{list}[{ci}]"));
            check_env(obj, Some(pod), c, kind, &path, out);
        }
    }
    for (vi, v) in pod.volumes.iter().flatten().enumerate() {
        let vpath = lazy(|f| write!(f, "{base}.volumes[{vi}]"));
        if let Some(d) = &v.downward_api {
            let path = lazy(|f| write!(f, "{vpath}.downwardAPI"));
            check_items(obj, pod, d.items.as_deref(), &path, &v.name, out);
        }
        let sources = v.projected.as_ref().and_then(|p| p.sources.as_ref());
        for (si, s) in sources.into_iter().flatten().enumerate() {
            if let Some(d) = &s.downward_api {
                let path = lazy(|f| write!(f, "{vpath}.projected.sources[{si}].downwardAPI"));
                check_items(obj, pod, d.items.as_deref(), &path, &v.name, out);
            }
        }
    }
}

/// The downward API references of the env of container `c`, written at `path`; `pod` is its
/// Pod's spec when kplint has it (a containerName is then checked against its containers).
fn check_env(
    obj: &Object,
    pod: Option<&PodSpec>,
    c: &Container,
    kind: &str,
    path: &dyn Display,
    out: &mut Vec<Diagnostic>,
) {
    for (ei, env) in c.env.iter().flatten().enumerate() {
        let Some(from) = &env.value_from else {
            continue;
        };
        let path = lazy(|f| write!(f, "{path}.env[{ei}].valueFrom"));
        let whom = lazy(|f| {
            write!(
                f,
                "{} {kind} \"{}\" env {}",
                obj.display(),
                c.name,
                env.name
            )
        });
        if let Some(f) = &from.field_ref {
            check_field(
                obj,
                f,
                Place::Env,
                &lazy(|f| write!(f, "{path}.fieldRef")),
                &whom,
                out,
            );
        }
        if let Some(r) = &from.resource_field_ref {
            check_resource(
                obj,
                pod,
                r,
                Place::Env,
                &lazy(|f| write!(f, "{path}.resourceFieldRef")),
                &whom,
                out,
            );
        }
    }
}

fn check_items(
    obj: &Object,
    pod: &PodSpec,
    items: Option<&[DownwardAPIVolumeFile]>,
    path: &dyn Display,
    volume: &str,
    out: &mut Vec<Diagnostic>,
) {
    for (i, item) in items.into_iter().flatten().enumerate() {
        let ipath = lazy(|f| write!(f, "{path}.items[{i}]"));
        let whom = lazy(|f| {
            write!(
                f,
                "{} volume \"{volume}\" file \"{}\"",
                obj.display(),
                item.path
            )
        });
        if let Some(f) = &item.field_ref {
            check_field(
                obj,
                f,
                Place::Volume,
                &lazy(|f| write!(f, "{ipath}.fieldRef")),
                &whom,
                out,
            );
        }
        if let Some(r) = &item.resource_field_ref {
            check_resource(
                obj,
                Some(pod),
                r,
                Place::Volume,
                &lazy(|f| write!(f, "{ipath}.resourceFieldRef")),
                &whom,
                out,
            );
        }
    }
}

fn check_field(
    obj: &Object,
    f: &ObjectFieldSelector,
    place: Place,
    path: &dyn Display,
    whom: &dyn Display,
    out: &mut Vec<Diagnostic>,
) {
    let rejected = "the API server rejects the Pod";
    if let Some(v) = f
        .api_version
        .as_deref()
        .filter(|v| !v.is_empty() && *v != "v1")
    {
        out.push(
            RULE.at(
                obj,
                &format!("{path}.apiVersion"),
                format!("{whom} reads fieldRef with apiVersion \"{v}\"; only v1 Pod fields can be read, so {rejected}"),
            )
            .help("remove fieldRef.apiVersion or set it to v1"),
        );
        return;
    }
    let fp = f.field_path.as_str();
    let at = lazy(|f| write!(f, "{path}.fieldPath"));
    if fp.is_empty() {
        out.push(
            RULE.at(
                obj,
                &at.to_string(),
                format!("{whom} has a fieldRef without fieldPath; {rejected}"),
            )
            .help(allowed_help(place)),
        );
        return;
    }
    if let Some((field, key)) = split_subscript(fp) {
        let problem = match field {
            "metadata.labels" => qualified_name_problem(key),
            "metadata.annotations" => qualified_name_problem(&key.to_lowercase()),
            _ => Some(format!("{field} does not take a ['key'] subscript")),
        };
        if let Some(p) = problem {
            out.push(
                RULE.at(obj, &at.to_string(), format!("{whom} reads fieldRef \"{fp}\": {p}; {rejected}"))
                    .help("subscript only metadata.labels or metadata.annotations, with a valid key: metadata.labels['app.kubernetes.io/name']"),
            );
        }
        return;
    }
    let (allowed, other) = match place {
        Place::Env => (ENV_FIELDS, VOLUME_FIELDS),
        Place::Volume => (VOLUME_FIELDS, ENV_FIELDS),
    };
    if allowed.contains(&fp) {
        return;
    }
    let (why, help) = if other.contains(&fp) {
        match place {
            Place::Env => (
                format!("{fp} is only available as a downwardAPI volume file, not in an env var"),
                format!(
                    "read one key with {fp}['<key>'], or mount {fp} through a downwardAPI volume"
                ),
            ),
            Place::Volume => (
                format!("{fp} is only available in an env var, not as a downwardAPI volume file"),
                format!("read {fp} through an env var's valueFrom.fieldRef"),
            ),
        }
    } else if fp.contains('[') {
        let fixed = fp.replace("[\"", "['").replace("\"]", "']");
        (
            "a subscript must be written in single quotes".to_string(),
            format!("write {fixed}"),
        )
    } else {
        let place_name = match place {
            Place::Env => "an env var",
            Place::Volume => "a downwardAPI volume file",
        };
        (
            format!("{fp} is not a field the downward API can put in {place_name}"),
            allowed_help(place),
        )
    };
    out.push(
        RULE.at(
            obj,
            &at.to_string(),
            format!("{whom} reads fieldRef \"{fp}\": {why}; {rejected}"),
        )
        .help(help),
    );
}

fn allowed_help(place: Place) -> String {
    match place {
        Place::Env => format!(
            "an env var can read {}, metadata.labels['<key>'] or metadata.annotations['<key>']",
            ENV_FIELDS.get(..ENV_FIELDS.len() - 1).unwrap_or(ENV_FIELDS).join(", ")
        ),
        Place::Volume => format!(
            "a downwardAPI volume file can read {}, metadata.labels['<key>'] or metadata.annotations['<key>']",
            VOLUME_FIELDS.join(", ")
        ),
    }
}

fn check_resource(
    obj: &Object,
    pod: Option<&PodSpec>,
    r: &ResourceFieldSelector,
    place: Place,
    path: &dyn Display,
    whom: &dyn Display,
    out: &mut Vec<Diagnostic>,
) {
    let resource_help = "use limits.<name> or requests.<name> with cpu, memory, ephemeral-storage or hugepages-<size> (e.g. limits.memory)";
    let container = r.container_name.as_deref().filter(|n| !n.is_empty());
    if place == Place::Volume && container.is_none() {
        out.push(
            RULE.at(
                obj,
                &format!("{path}.containerName"),
                format!("{whom} reads resourceFieldRef {} without containerName; a volume belongs to the Pod, so it must name the container, and the API server rejects it", r.resource),
            )
            .help("set resourceFieldRef.containerName to the container whose resources the file shows"),
        );
        return;
    }
    let res = r.resource.as_str();
    let known = RESOURCES.contains(&res) || HUGEPAGES_PREFIXES.iter().any(|p| res.starts_with(p));
    if !known {
        let why = if res.is_empty() {
            "resourceFieldRef has no resource".to_string()
        } else {
            format!(
                "resourceFieldRef \"{res}\" is not a container resource the downward API exposes"
            )
        };
        out.push(
            RULE.at(
                obj,
                &format!("{path}.resource"),
                format!("{whom}: {why}; the API server rejects the Pod"),
            )
            .help(resource_help),
        );
    }
    let (Some(name), Some(pod)) = (container, pod) else {
        return;
    };
    let exists = pod
        .containers
        .iter()
        .chain(pod.init_containers.iter().flatten())
        .any(|c| c.name == name);
    if !exists {
        let names: Vec<&str> = pod
            .containers
            .iter()
            .chain(pod.init_containers.iter().flatten())
            .map(|c| c.name.as_str())
            .collect();
        out.push(
            RULE.at(
                obj,
                &format!("{path}.containerName"),
                format!(
                    "{whom} reads the resources of container \"{name}\", which the Pod does not have: the kubelet can't resolve it and the Pod fails to start"
                ),
            )
            .help(match place {
                Place::Env => format!(
                    "name one of the Pod's containers ({}), or remove containerName to read this container's own resources",
                    names.join(", ")
                ),
                Place::Volume => format!("name one of the Pod's containers: {}", names.join(", ")),
            }),
        );
    }
}

/// `metadata.labels['key']` as (`metadata.labels`, `key`), as the API's SplitMaybeSubscriptedPath.
/// Text written only when a finding shows it: most references are fine, and formatting the
/// path and name of each one was most of this rule's cost.
struct Lazy<F>(F);

fn lazy<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result>(write: F) -> Lazy<F> {
    Lazy(write)
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> Display for Lazy<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

fn split_subscript(fp: &str) -> Option<(&str, &str)> {
    let inner = fp.strip_suffix("']")?;
    let (field, key) = inner.split_once("['")?;
    if field.is_empty() {
        return None;
    }
    Some((field, key))
}

/// Why `s` is not a Kubernetes qualified name (`[prefix/]name`), if it is not.
fn qualified_name_problem(s: &str) -> Option<String> {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if p.is_empty() || p.len() > 253 || !p.split('.').all(is_dns_label) {
            return Some(format!("the key prefix \"{p}\" is not a DNS subdomain"));
        }
    }
    let ok_name = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && name
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok_name {
        return Some(format!(
            "the key \"{s}\" is not a valid label or annotation key (at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric, after an optional DNS prefix and '/')"
        ));
    }
    None
}

fn is_dns_label(l: &str) -> bool {
    !l.is_empty()
        && l.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscripts() {
        assert_eq!(
            split_subscript("metadata.labels['app']"),
            Some(("metadata.labels", "app"))
        );
        assert_eq!(split_subscript("metadata.labels[\"app\"]"), None);
        assert_eq!(split_subscript("['app']"), None);
        assert_eq!(split_subscript("metadata.name"), None);
    }

    #[test]
    fn qualified_names() {
        assert_eq!(qualified_name_problem("app"), None);
        assert_eq!(qualified_name_problem("app.kubernetes.io/name"), None);
        assert_eq!(qualified_name_problem("a_b-c.d"), None);
        assert!(qualified_name_problem("").is_some());
        assert!(qualified_name_problem("-app").is_some());
        assert!(qualified_name_problem("Example.com/x").is_some());
        assert!(qualified_name_problem("/x").is_some());
        assert!(qualified_name_problem("a/b/c").is_some());
        assert!(qualified_name_problem(&"x".repeat(64)).is_some());
    }
}
