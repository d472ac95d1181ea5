//! Custom resources checked against the CustomResourceDefinitions of the run: a stage after the
//! inventory is built (a CRD may be in any file, or in a `--crds` folder), before the rules.
//!
//! - `definition`: a CRD read into its group, kind and versions, or why the API server would
//!   reject it;
//! - `schema`: a version's `openAPIV3Schema` and the structural-schema rules;
//! - `validate`: one custom resource walked against its version's schema;
//! - `pattern`: `pattern:` compiled as RE2 reads it; `value`: YAML values as the JSON kubectl
//!   sends.
//!
//! CRDs and custom resources keep their whole document tree through the run
//! (`decode::keeps_whole_tree`): the retained fields of other objects are not enough to walk.
//! `x-kubernetes-validations` (CEL) rules are not evaluated. docs/crds.md says what is checked.

pub mod definition;
pub mod pattern;
pub mod schema;
pub mod validate;
pub mod value;

use std::collections::HashMap;

use rayon::prelude::*;

use super::kinds::{is_builtin_group, version_of};
use super::{Inventory, Object, Typed};
use crate::report::Diagnostic;
use crate::rules::{deprecated_api_version, invalid_object, unknown_field};
use definition::{is_crd, Definition};

/// What the stage found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Invalid CRDs of files that are not reported on (`--crds`, `--context`): said on stderr,
    /// since their custom resources then go unchecked.
    pub notes: Vec<String>,
    /// Custom resources of reported files checked against a CRD (no longer "without kind checks").
    pub checked: usize,
}

/// Custom resources checked per worker task.
const CHUNK: usize = 256;

/// Reads the CRDs of `inv` and checks every custom resource of a kind they define;
/// `reported(file)` is false for files whose findings are not reported.
pub fn check(inv: &Inventory, reported: &dyn Fn(crate::source::FileId) -> bool) -> Outcome {
    let crds: Vec<&Object> = inv.objects.iter().filter(|o| is_crd(o)).collect();
    let mut out = Outcome::default();
    if crds.is_empty() {
        return out;
    }
    let read: Vec<_> = crds.par_iter().map(|o| (*o, definition::read(o))).collect();
    // (group, kind) → the first valid definition, in input order (context and `--crds` first).
    let mut by_kind: HashMap<(&str, &str), (&Object, &Definition)> = HashMap::new();
    for (obj, result) in &read {
        match result {
            Ok(Some(def)) => {
                by_kind
                    .entry((def.group.as_str(), def.kind.as_str()))
                    .or_insert((*obj, def));
            }
            Ok(None) => {}
            Err(errors) => {
                for e in errors {
                    let d = invalid_object::RULE
                        .report(
                            obj,
                            obj.at_node(e.node),
                            format!(
                                "{}: `{}`: {}; the API server rejects the CRD, and its custom resources are not checked",
                                obj.display(),
                                e.path,
                                e.message
                            ),
                        )
                        .path(e.path.clone());
                    if reported(obj.file) {
                        out.diagnostics.push(d);
                    } else {
                        let file = inv.file(obj.file).map_or("", |f| f.name.as_str());
                        out.notes.push(format!("{file}: {}", d.message));
                    }
                }
            }
        }
    }
    if by_kind.is_empty() {
        return out;
    }
    let candidates: Vec<(&Object, &Object, &Definition)> = inv
        .objects
        .iter()
        .filter(|o| {
            matches!(
                o.typed,
                Typed::Unknown | Typed::Workload(_) | Typed::Workflow(_)
            ) && !is_builtin_group(o.group())
        })
        .filter_map(|o| {
            by_kind
                .get(&(o.group(), o.kind.as_str()))
                .map(|(crd, def)| (o, *crd, *def))
        })
        .collect();
    // Custom workloads and Argo Workflows are counted as checked already (their pod templates
    // and step containers are).
    out.checked = candidates
        .iter()
        .filter(|(o, _, _)| reported(o.file) && matches!(o.typed, Typed::Unknown))
        .count();
    let found: Vec<Vec<Diagnostic>> = candidates
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut found = Vec::new();
            for (obj, crd, def) in chunk {
                let before = found.len();
                check_one(obj, crd, def, &mut found);
                // A pod template or step container is decoded as a built-in kind's and its
                // findings made there (`model::subtree`): the same defect once, against the
                // Kubernetes schema, with its did-you-mean.
                let decoded = decoded_subtrees(obj);
                if !decoded.is_empty() {
                    let mut kept = found.split_off(before);
                    kept.retain(|d| !decoded.iter().any(|t| is_decoders(d, t)));
                    found.append(&mut kept);
                }
            }
            found
        })
        .collect();
    out.diagnostics.extend(found.into_iter().flatten());
    out
}

/// The paths of the parts of `obj` decoded as a built-in kind's: a custom workload's pod
/// template, an Argo Workflow's step containers.
fn decoded_subtrees(obj: &Object) -> Vec<String> {
    match &obj.typed {
        Typed::Workload(w) => vec![w.shape.template.clone()],
        Typed::Workflow(w) => w.container_paths.iter().map(|p| p.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// True when the CRD's finding `d` is about the decoded part at `base`: its value or a field
/// under it. That the key itself is not in the CRD's schema is the CRD's to say: the decode
/// reads what the key holds, not whether the resource may have it.
fn is_decoders(d: &Diagnostic, base: &str) -> bool {
    let Some(rest) = d.path.as_deref().and_then(|p| p.strip_prefix(base)) else {
        return false;
    };
    if rest.is_empty() {
        return d.rule != unknown_field::RULE.id;
    }
    rest.starts_with('.') || rest.starts_with('[')
}

/// One custom resource: its version served, deprecated, then its fields.
fn check_one(obj: &Object, crd: &Object, def: &Definition, out: &mut Vec<Diagnostic>) {
    let crd_name = crd.name();
    let version_name = version_of(&obj.api_version);
    let Some(version) = def.version(version_name).filter(|v| v.served) else {
        let served: Vec<&str> = def
            .versions
            .iter()
            .filter(|v| v.served)
            .map(|v| v.name.as_str())
            .collect();
        let why = if def.version(version_name).is_some() {
            "is listed with `served: false`"
        } else {
            "is not a version of it"
        };
        out.push(
            invalid_object::RULE
                .at(
                    obj,
                    "apiVersion",
                    format!(
                        "{}: `{}` {why} in CRD {crd_name}; the API server has no such resource and rejects the object",
                        obj.display(),
                        obj.api_version
                    ),
                )
                .help(if served.is_empty() {
                    "the CRD serves no version".to_string()
                } else {
                    format!(
                        "the CRD serves {}",
                        served
                            .iter()
                            .map(|v| format!("`{}/{v}`", def.group))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
        );
        return;
    };
    if version.deprecated {
        // The API server's own warning: the CRD's text, or its default wording.
        let warning = version.deprecation_warning.clone().unwrap_or_else(|| {
            let newer = def
                .versions
                .iter()
                .find(|v| v.served && !v.deprecated)
                .map(|v| format!("; use {}/{} {}", def.group, v.name, def.kind))
                .unwrap_or_default();
            format!("{} {} is deprecated{newer}", obj.api_version, def.kind)
        });
        out.push(deprecated_api_version::RULE.at(
            obj,
            "apiVersion",
            format!(
                "{}: CRD {crd_name} deprecates `{}`: \"{warning}\"",
                obj.display(),
                obj.api_version
            ),
        ));
    }
    out.extend(validate::validate(obj, crd_name, version));
}

#[cfg(test)]
mod tests;
