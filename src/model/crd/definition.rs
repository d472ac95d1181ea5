//! A CustomResourceDefinition (`apiextensions.k8s.io/v1`) read into the group, kind and
//! versions its custom resources are checked against, or the located reasons the API server
//! would reject it.

use super::schema::{self, Schema, SchemaError};
use super::value::{entries, kind_of, Kind};
use crate::model::Object;
use crate::source::NodeId;

/// One version of a CRD.
#[derive(Debug)]
pub struct Version {
    pub name: String,
    pub served: bool,
    pub deprecated: bool,
    pub deprecation_warning: Option<String>,
    /// True when `subresources.status` is set: the API server then ignores `status` on create
    /// and update of the resource itself.
    pub status_subresource: bool,
    pub schema: Schema,
}

/// A CRD that the API server would accept.
#[derive(Debug)]
pub struct Definition {
    pub group: String,
    pub kind: String,
    pub versions: Vec<Version>,
}

impl Definition {
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.name == name)
    }
}

/// True for the objects read as CRDs.
pub fn is_crd(obj: &Object) -> bool {
    obj.kind == "CustomResourceDefinition" && obj.group() == "apiextensions.k8s.io"
}

/// Reads `obj` (a CRD, whole tree) into a definition; `Err` with the located problems when the
/// API server would reject it, `Ok(None)` for a CRD version kplint does not read
/// (`v1beta1`, removed in Kubernetes 1.22: `removed-api-version` reports it).
pub fn read(obj: &Object) -> Result<Option<Definition>, Vec<SchemaError>> {
    if obj.api_version != "apiextensions.k8s.io/v1" {
        return Ok(None);
    }
    let tree = &*obj.tree;
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<SchemaError>, node: NodeId, path: &str, message: &str| {
        errors.push(SchemaError {
            node,
            path: path.to_string(),
            message: message.to_string(),
        })
    };
    let Some((spec_key, spec)) = tree.get(obj.root, "spec") else {
        err(
            &mut errors,
            obj.root,
            "spec",
            "a CustomResourceDefinition needs a `spec`",
        );
        return Err(errors);
    };
    let string = |node: NodeId, key: &str| {
        tree.get(node, key)
            .and_then(|(_, v)| match kind_of(tree, v) {
                Kind::String(s) if !s.is_empty() => Some(s.to_string()),
                _ => None,
            })
    };
    let group = string(spec, "group");
    if group.is_none() {
        err(
            &mut errors,
            spec_key,
            "spec.group",
            "`spec.group` must be set (the API group of the custom resources)",
        );
    }
    let kind = tree
        .get(spec, "names")
        .and_then(|(_, names)| string(names, "kind"));
    if kind.is_none() {
        let at = tree.get(spec, "names").map_or(spec_key, |(k, _)| k);
        err(
            &mut errors,
            at,
            "spec.names.kind",
            "`spec.names.kind` must be set",
        );
    }
    let mut versions = Vec::new();
    let listed = tree.get(spec, "versions");
    let items = listed.map(|(_, v)| tree.items(v)).unwrap_or(&[]);
    if items.is_empty() {
        let at = listed.map_or(spec_key, |(k, _)| k);
        err(
            &mut errors,
            at,
            "spec.versions",
            "`spec.versions` must list at least one version",
        );
    }
    let mut storage = 0;
    for (i, &item) in items.iter().enumerate() {
        let path = format!("spec.versions[{i}]");
        let fields = entries(tree, item);
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _, _)| k == name)
                .map(|(_, k, v)| (*k, *v))
        };
        let flag =
            |name: &str| field(name).is_some_and(|(_, v)| kind_of(tree, v) == Kind::Bool(true));
        let Some(name) = string(item, "name") else {
            err(
                &mut errors,
                item,
                &format!("{path}.name"),
                "each version needs a `name`",
            );
            continue;
        };
        for required in ["served", "storage"] {
            if field(required).is_none() {
                err(
                    &mut errors,
                    item,
                    &format!("{path}.{required}"),
                    &format!("version `{name}` needs `{required}: true` or `false`"),
                );
            }
        }
        storage += usize::from(flag("storage"));
        let Some((_, openapi)) = field("schema").and_then(|(_, s)| tree.get(s, "openAPIV3Schema"))
        else {
            let at = field("schema").map_or(item, |(k, _)| k);
            err(&mut errors, at, &format!("{path}.schema.openAPIV3Schema"), &format!("version `{name}` has no `schema.openAPIV3Schema`: apiextensions.k8s.io/v1 requires a structural schema for every version"));
            continue;
        };
        let schema = schema::read(
            tree,
            openapi,
            &format!("{path}.schema.openAPIV3Schema"),
            &mut errors,
        );
        let status_subresource = field("subresources")
            .and_then(|(_, s)| tree.get(s, "status"))
            .is_some_and(|(_, v)| kind_of(tree, v) != Kind::Null);
        versions.push(Version {
            deprecation_warning: string(item, "deprecationWarning"),
            served: flag("served"),
            deprecated: flag("deprecated"),
            status_subresource,
            schema,
            name,
        });
    }
    if !items.is_empty() && storage != 1 {
        let at = listed.map_or(spec_key, |(k, _)| k);
        err(
            &mut errors,
            at,
            "spec.versions",
            &format!("exactly one version must be `storage: true` ({storage} are)"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match (group, kind) {
        (Some(group), Some(kind)) => Ok(Some(Definition {
            group,
            kind,
            versions,
        })),
        _ => Err(errors),
    }
}
