//! `duplicate-object`: two inputs define the same object; one silently replaces the other.

use super::{Check, Pattern, Rule};
use crate::model::{Inventory, Object};
use crate::report::{Diagnostic, Severity};

/// Two inputs define the same group, kind, namespace and name.
pub const RULE: Rule = Rule {
    id: "duplicate-object",
    severity: Severity::Error,
    pattern: Pattern::Api,
    summary: "Two inputs define the same group, kind, namespace and name; the later apply overwrites the earlier.",
    doc: include_str!("../../rules/duplicate-object.md"),
    check: Check::Object(check),
};

/// Reported on each later definition, against the first one (in input order), which the
/// inventory's name index finds: the rule keeps no table of its own.
fn check(inv: &Inventory, obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some(earlier) = inv.first_definition(obj) else {
        return;
    };
    if earlier.id == obj.id {
        return;
    }
    let where_first = inv
        .file(earlier.file)
        .map(|f| f.name.as_str())
        .unwrap_or("?");
    let ns = obj
        .namespace
        .as_deref()
        .map(|n| format!(" in namespace \"{n}\""))
        .unwrap_or_default();
    out.push(
        RULE.at(
            obj,
            "metadata.name",
            format!(
                "{}{ns} is defined twice (first in {where_first}); applying both keeps only the last one",
                obj.display()
            ),
        )
        .help(if earlier.file == obj.file {
            "remove one of the two definitions, or give them different names or namespaces"
        } else {
            // Repositories often hold alternative bundles (install.yaml and
            // ha/install.yaml, one per overlay) that are never applied together.
            "remove one of the two definitions, or give them different names or namespaces; if the two files are alternatives never applied together (an HA and a plain bundle, two overlays), lint them in separate runs or --exclude one"
        })
        .related(earlier.locate("metadata.name"), format!("{} first defined here", earlier.display())),
    );
}
