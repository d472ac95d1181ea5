//! `duplicate-object`: one apply unit defines the same object twice; the later replaces the
//! earlier.

use super::{Check, Pattern, Rule};
use crate::model::{Inventory, Object};
use crate::report::{Diagnostic, Severity};

/// Two definitions of the same group, kind, namespace and name in one apply unit.
pub const RULE: Rule = Rule {
    id: "duplicate-object",
    severity: Severity::Warning,
    pattern: Pattern::Api,
    summary: "One apply unit defines the same group, kind, namespace and name twice: applying it, the later definition replaces the earlier.",
    doc: include_str!("../../rules/duplicate-object.md"),
    check: Check::Object(check),
};

/// Reported on each later definition, against the first one of its unit (in input order),
/// which the inventory's name index finds: the rule keeps no table of its own. Definitions in
/// different units (alternative bundles, two overlays) are never compared.
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
    // Byte-identical copies lose nothing: the second apply writes what the first wrote.
    let identical = earlier.digest == obj.digest;
    let (message, help, severity) = if identical {
        (
            format!(
                "{}{ns} is defined twice, byte for byte the same (first in {where_first}); the second copy changes nothing when applied",
                obj.display()
            ),
            "remove the redundant copy, so that a later edit to one of them is not silently undone by the other",
            Severity::Info,
        )
    } else if inv.in_sibling_files(earlier, obj) {
        // Two files of one plain folder: `serving-cpu.yaml` and `serving-gpu.yaml` are most often
        // alternatives applied one at a time, which only the user knows. Worth reading, not a
        // defect to act on; a kustomization, a chart or a single file has no such reading.
        (
            format!(
                "{}{ns} is also defined in {where_first}, in the same folder: if the two files are alternatives, applied one at a time, nothing is wrong; applied together (`kubectl apply -f` on the folder), this definition replaces the first",
                obj.display()
            ),
            "if the files are alternatives, say so with separate `units:` in .kplint.yaml (or separate folders) and this finding goes; if they are applied together, keep one definition",
            Severity::Info,
        )
    } else {
        (
            format!(
                "{}{ns} is defined twice in one apply unit (first in {where_first}); applying the unit, this definition replaces the first, and whatever only the first sets is lost",
                obj.display()
            ),
            "keep one definition (merge what each sets), or give them different names or namespaces; if the two files are alternatives never applied together, put them in separate folders or declare separate `units:` in .kplint.yaml",
            RULE.severity,
        )
    };
    let d = Diagnostic {
        severity,
        ..RULE.at(obj, "metadata.name", message).help(help)
    };
    out.push(d.related(
        earlier.locate("metadata.name"),
        format!("{} first defined here", earlier.display()),
    ));
}
