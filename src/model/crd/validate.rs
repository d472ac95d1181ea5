//! A custom resource walked against its CRD version's schema, as the API server judges it on
//! create with kubectl's default strict field validation: keys the schema lacks are
//! `unknown-field` (the server's decoder reports what pruning would drop), everything the
//! OpenAPI validation rejects is `invalid-object`, each at its field. One pass, no allocation
//! per clean scalar.

use std::sync::LazyLock;

use super::definition::Version;
use super::schema::{Additional, ListType, Schema, Type};
use super::value::{entries, kind_of, same, to_json, Kind};
use crate::model::schema::table::STRUCTS;
use crate::model::{FieldPath, Object, Segment};
use crate::report::Diagnostic;
use crate::rules::{invalid_object, unknown_field};
use crate::source::{NodeId, Tree};
use crate::spelling::closest;

/// Findings per object beyond which the rest are left out: one wrong indentation can make
/// every field below it unknown.
const MAX_FINDINGS: usize = 50;

/// The fields of `metadata` (ObjectMeta), which the API server checks for every resource: the
/// built-in kinds' schema gives them, so the two checks can't drift apart.
static OBJECT_META: LazyLock<&'static [&'static str]> = LazyLock::new(|| {
    STRUCTS
        .iter()
        .find(|s| s.name == "ObjectMeta")
        .map_or(&[], |s| s.fields)
});

/// The findings on `obj` against `version` of CRD `crd` (its name, for messages).
pub fn validate(obj: &Object, crd: &str, version: &Version) -> Vec<Diagnostic> {
    let budget = std::cell::Cell::new(MAX_STEPS);
    let mut w = Walk {
        obj,
        tree: &obj.tree,
        crd,
        path: FieldPath(Vec::new()),
        out: Vec::new(),
        budget: &budget,
    };
    w.root(&version.schema, version.status_subresource);
    w.out
}

struct Walk<'a> {
    obj: &'a Object,
    tree: &'a Tree,
    crd: &'a str,
    path: FieldPath,
    out: Vec<Diagnostic>,
    /// Values left to judge for this object, shared with the silent walks of `anyOf`/`oneOf`/
    /// `not`: nested junctors walk a subtree once per branch, which a hostile schema could
    /// multiply without bound. Once spent, the object gets no more findings.
    budget: &'a std::cell::Cell<u64>,
}

/// Values judged per object at most (a real resource takes a few hundred to a few thousand).
const MAX_STEPS: u64 = 1_000_000;

/// What is judged below a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Judge {
    /// Types and values, and unknown keys.
    All,
    /// Unknown keys only: a `status` the API server drops before it validates (status
    /// subresource), whose unknown keys its decoder still reports.
    UnknownOnly,
    /// Types and values only: the schemas of `allOf`, `anyOf`, `oneOf` and `not`, which
    /// constrain values and never make a key unknown.
    ValuesOnly,
}

impl Walk<'_> {
    fn full(&self) -> bool {
        self.out.len() >= MAX_FINDINGS
    }

    fn root(&mut self, schema: &Schema, status_subresource: bool) {
        let root = self.obj.root;
        let fields = entries(self.tree, root);
        for (key, key_node, value) in &fields {
            if self.full() {
                return;
            }
            self.path.0.push(Segment::Key(key.clone()));
            match key.as_str() {
                // Checked when the object was decoded (identity, names, labels).
                "apiVersion" | "kind" => {}
                "metadata" => self.metadata(*value),
                "status" if status_subresource => match schema.property("status") {
                    Some(s) => self.value(s, *value, Judge::UnknownOnly),
                    // Pruned, and so reported, like any key the schema lacks.
                    None if !schema.preserve_unknown => self.unknown(*key_node, key, schema, true),
                    None => {}
                },
                _ => match schema.property(key) {
                    Some(s) => self.value(s, *value, Judge::All),
                    None if schema.preserve_unknown => {}
                    None => self.unknown(*key_node, key, schema, true),
                },
            }
            self.path.0.pop();
        }
        self.required(schema, &fields, root, &["apiVersion", "kind", "metadata"]);
        self.counts_of_object(schema, root, fields.len());
    }

    /// `metadata` is the API server's ObjectMeta whatever the schema says of it.
    fn metadata(&mut self, node: NodeId) {
        match kind_of(self.tree, node) {
            Kind::Object => {
                for (key, key_node, _) in entries(self.tree, node) {
                    if !OBJECT_META.contains(&key.as_str()) {
                        self.path.0.push(Segment::Key(key.clone()));
                        let suggestion = closest(&key, OBJECT_META.iter().copied());
                        self.unknown_with(key_node, &key, suggestion, "`metadata` (ObjectMeta)");
                        self.path.0.pop();
                    }
                }
            }
            Kind::Null => {}
            other => self.invalid(
                node,
                format!("must be of type object, not {}", other.name()),
            ),
        }
    }

    fn value(&mut self, s: &Schema, node: NodeId, judge: Judge) {
        if self.full() || self.budget.get() == 0 {
            return;
        }
        self.budget.set(self.budget.get() - 1);
        let kind = kind_of(self.tree, node);
        if kind == Kind::Null {
            // A null in a nullable field is kept; in any other, the API server prunes it
            // before validating (`PruneNonNullableNullsWithoutDefaults`): it is as if unset.
            return;
        }
        let values = judge != Judge::UnknownOnly;
        if values && !self.type_ok(s, kind, node) {
            return;
        }
        match kind {
            Kind::Object => self.object(s, node, judge),
            Kind::Array => self.array(s, node, judge),
            _ if values => self.scalar(s, kind, node),
            _ => {}
        }
        if values {
            self.junctors(s, node);
            if let Some(allowed) = &s.enumeration {
                let value = to_json(self.tree, node, 0);
                if !value
                    .as_ref()
                    .is_some_and(|v| allowed.iter().any(|a| same(a, v)))
                {
                    let shown: Vec<String> =
                        allowed.iter().take(10).map(|v| v.to_string()).collect();
                    let more = if allowed.len() > 10 { ", …" } else { "" };
                    self.invalid(node, format!("must be one of {}{more}", shown.join(", ")));
                }
            }
        }
    }

    /// False (and reported) when the node's JSON type is not the schema's.
    fn type_ok(&mut self, s: &Schema, kind: Kind<'_>, node: NodeId) -> bool {
        if s.int_or_string {
            if matches!(kind, Kind::Integer(_) | Kind::String(_)) {
                return true;
            }
            self.invalid(
                node,
                format!("must be an integer or a string, not {}", kind.name()),
            );
            return false;
        }
        let ok = match s.ty.unwrap_or(Type::Any) {
            Type::Any => true,
            Type::Object => kind == Kind::Object,
            Type::Array => kind == Kind::Array,
            Type::String => matches!(kind, Kind::String(_)),
            Type::Integer => matches!(kind, Kind::Integer(_)),
            Type::Number => matches!(kind, Kind::Integer(_) | Kind::Number(_)),
            Type::Boolean => matches!(kind, Kind::Bool(_)),
        };
        if !ok {
            let want = s.ty.map_or("any", Type::name);
            let hint = match (s.ty, kind) {
                (Some(Type::String), Kind::Integer(_) | Kind::Number(_) | Kind::Bool(_)) => {
                    " (YAML reads it unquoted as such: quote it)"
                }
                _ => "",
            };
            self.invalid(
                node,
                format!("must be of type {want}, not {}{hint}", kind.name()),
            );
        }
        ok
    }

    fn object(&mut self, s: &Schema, node: NodeId, judge: Judge) {
        let fields = entries(self.tree, self.tree.resolve(node));
        let unknown_ok = s.preserve_unknown
            || matches!(s.additional, Additional::Allowed(true))
            || (s.ty.is_none() && s.properties.is_empty());
        for (key, key_node, value) in &fields {
            if self.full() {
                return;
            }
            self.path.0.push(Segment::Key(key.clone()));
            if s.embedded && matches!(key.as_str(), "apiVersion" | "kind") {
                if judge != Judge::UnknownOnly
                    && !matches!(kind_of(self.tree, *value), Kind::String(_))
                {
                    self.invalid(*value, "must be a string".to_string());
                }
            } else if s.embedded && key == "metadata" {
                self.metadata(*value);
            } else if let Some(p) = s.property(key) {
                self.value(p, *value, judge);
            } else if let Additional::Schema(a) = &s.additional {
                self.value(a, *value, judge);
            } else if !unknown_ok && judge != Judge::ValuesOnly {
                self.unknown(*key_node, key, s, false);
            }
            self.path.0.pop();
        }
        if judge != Judge::UnknownOnly {
            self.required(s, &fields, node, &[]);
            if s.embedded {
                self.required_names(
                    &["apiVersion", "kind"],
                    &fields,
                    node,
                    "an embedded resource",
                );
            }
            self.counts_of_object(s, node, fields.len());
        }
    }

    fn array(&mut self, s: &Schema, node: NodeId, judge: Judge) {
        let items = self.tree.items(self.tree.resolve(node));
        if let Some(item_schema) = &s.items {
            for (i, &item) in items.iter().enumerate() {
                if self.full() {
                    return;
                }
                self.path.0.push(Segment::Index(i));
                self.value(item_schema, item, judge);
                self.path.0.pop();
            }
        }
        if judge == Judge::UnknownOnly {
            return;
        }
        let n = items.len() as u64;
        if let Some(min) = s.min_items.filter(|m| n < *m) {
            self.invalid(node, format!("must have at least {min} items, has {n}"));
        }
        if let Some(max) = s.max_items.filter(|m| n > *m) {
            self.invalid(node, format!("must have at most {max} items, has {n}"));
        }
        self.unique(s, items);
    }

    /// `allOf` (each schema's own findings), `anyOf` (at least one matches), `oneOf` (exactly
    /// one), `not` (none): a schema matches when a silent walk of the value finds nothing.
    fn junctors(&mut self, s: &Schema, node: NodeId) {
        for sub in &s.all_of {
            self.value(sub, node, Judge::ValuesOnly);
        }
        if !s.any_of.is_empty() && !s.any_of.iter().any(|sub| self.matches(sub, node)) {
            self.invalid(
                node,
                "matches none of the schemas of its `anyOf`".to_string(),
            );
        }
        if !s.one_of.is_empty() {
            let n = s
                .one_of
                .iter()
                .filter(|sub| self.matches(sub, node))
                .count();
            if n != 1 {
                self.invalid(
                    node,
                    format!("must match exactly one of the schemas of its `oneOf`, matches {n}"),
                );
            }
        }
        if let Some(not) = &s.not {
            if self.matches(not, node) {
                self.invalid(node, "matches the schema of its `not`".to_string());
            }
        }
    }

    /// True when `node` has nothing against `sub` (types and values only).
    fn matches(&self, sub: &Schema, node: NodeId) -> bool {
        let mut w = Walk {
            obj: self.obj,
            tree: self.tree,
            crd: self.crd,
            path: self.path.clone(),
            out: Vec::new(),
            budget: self.budget,
        };
        w.value(sub, node, Judge::ValuesOnly);
        w.out.is_empty()
    }

    /// `x-kubernetes-list-type: set` and `map`: the API server rejects a repeated item (a set)
    /// or a repeated key tuple (a map), at the second one.
    fn unique(&mut self, s: &Schema, items: &[NodeId]) {
        let keys_of = |item: NodeId| -> Option<serde_json::Value> {
            match &s.list_type {
                ListType::Atomic => None,
                ListType::Set => to_json(self.tree, item, 0),
                ListType::Map(keys) => {
                    // An item without one of the keys is left out: `required` reports it when
                    // the schema requires the key, and a default the API server fills in first
                    // is not known here.
                    let fields = entries(self.tree, self.tree.resolve(item));
                    keys.iter()
                        .map(|k| {
                            fields
                                .iter()
                                .find(|(name, _, _)| name == k)
                                .and_then(|(_, _, v)| to_json(self.tree, *v, 0))
                        })
                        .collect::<Option<Vec<_>>>()
                        .map(serde_json::Value::Array)
                }
            }
        };
        if s.list_type == ListType::Atomic {
            return;
        }
        // Sorted by their JSON text: linear after the sort, where comparing every pair of a
        // long list would be quadratic.
        let mut seen: Vec<(String, usize)> = items
            .iter()
            .enumerate()
            .filter_map(|(i, &item)| keys_of(item).map(|k| (k.to_string(), i)))
            .collect();
        seen.sort();
        let dupes: Vec<(usize, usize)> = seen
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if a.0 == b.0 => Some((a.1, b.1)),
                _ => None,
            })
            .collect();
        for (first, again) in dupes {
            let Some(&node) = items.get(again) else {
                continue;
            };
            self.path.0.push(Segment::Index(again));
            let what = match &s.list_type {
                ListType::Map(keys) => format!(
                    "repeats the key ({}) of item {first}: `x-kubernetes-list-type: map` items must be unique by their keys",
                    keys.join(", ")
                ),
                _ => format!("repeats item {first}: `x-kubernetes-list-type: set` items must be unique"),
            };
            self.invalid(node, what);
            self.path.0.pop();
        }
    }

    fn scalar(&mut self, s: &Schema, kind: Kind<'_>, node: NodeId) {
        match kind {
            Kind::String(text) => {
                let n = text.chars().count() as u64;
                if let Some(min) = s.min_length.filter(|m| n < *m) {
                    self.invalid(
                        node,
                        format!("must be at least {min} characters long, is {n}"),
                    );
                }
                if let Some(max) = s.max_length.filter(|m| n > *m) {
                    self.invalid(
                        node,
                        format!("must be at most {max} characters long, is {n}"),
                    );
                }
                if let Some((written, Some(re))) = &s.pattern {
                    if !re.is_match(text) {
                        self.invalid(node, format!("must match the pattern `{written}`"));
                    }
                }
            }
            Kind::Integer(n) | Kind::Number(n) => {
                if let Some((min, exclusive)) = s.minimum {
                    if n < min || (exclusive && n == min) {
                        let rel = if exclusive {
                            "greater than"
                        } else {
                            "greater than or equal to"
                        };
                        self.invalid(node, format!("must be {rel} {min}"));
                    }
                }
                if let Some((max, exclusive)) = s.maximum {
                    if n > max || (exclusive && n == max) {
                        let rel = if exclusive {
                            "less than"
                        } else {
                            "less than or equal to"
                        };
                        self.invalid(node, format!("must be {rel} {max}"));
                    }
                }
            }
            _ => {}
        }
    }

    /// `required` keys not written (or written as a null the API server prunes).
    fn required(
        &mut self,
        s: &Schema,
        fields: &[(String, NodeId, NodeId)],
        node: NodeId,
        implicit: &[&str],
    ) {
        let names: Vec<&str> = s
            .required
            .iter()
            .map(String::as_str)
            .filter(|r| !implicit.contains(r))
            .collect();
        self.required_names_in(s, &names, fields, node, "");
    }

    fn required_names(
        &mut self,
        names: &[&str],
        fields: &[(String, NodeId, NodeId)],
        node: NodeId,
        what: &str,
    ) {
        self.required_names_in(&Schema::default(), names, fields, node, what);
    }

    fn required_names_in(
        &mut self,
        s: &Schema,
        names: &[&str],
        fields: &[(String, NodeId, NodeId)],
        node: NodeId,
        what: &str,
    ) {
        for &name in names {
            if s.property(name).is_some_and(|p| p.has_default) {
                // Defaulted by the API server before it validates.
                continue;
            }
            let present = fields
                .iter()
                .find(|(k, _, _)| k == name)
                .is_some_and(|(_, _, v)| {
                    kind_of(self.tree, *v) != Kind::Null
                        || s.property(name).is_some_and(|p| p.nullable)
                });
            if !present {
                let at = self.key_of(node);
                let place = if what.is_empty() {
                    String::new()
                } else {
                    format!(" of {what}")
                };
                let path = self.path.clone().key(name);
                let message = format!(
                    "{}: the required field `{path}`{place} is missing; the API server rejects the object (schema of CRD {})",
                    self.obj.display(),
                    self.crd
                );
                let d = self
                    .finding(&invalid_object::RULE, at, message)
                    .path(path.to_string());
                self.out.push(d);
            }
        }
    }

    fn counts_of_object(&mut self, s: &Schema, node: NodeId, n: usize) {
        let n = n as u64;
        if let Some(min) = s.min_properties.filter(|m| n < *m) {
            self.invalid(node, format!("must have at least {min} fields, has {n}"));
        }
        if let Some(max) = s.max_properties.filter(|m| n > *m) {
            self.invalid(node, format!("must have at most {max} fields, has {n}"));
        }
    }

    /// The key of the mapping value `node` (where a missing field is reported), or the node
    /// itself at the root or in a list.
    fn key_of(&self, node: NodeId) -> NodeId {
        if self.path.0.is_empty() {
            // The object's own missing fields: at its `kind`, what names the object.
            return self.tree.get(node, "kind").map_or(node, |(k, _)| k);
        }
        if matches!(self.path.0.last(), Some(Segment::Index(_))) {
            return node;
        }
        let r = crate::model::location::resolve_path(self.tree, self.obj.root, &self.path.0);
        r.key.unwrap_or(node)
    }

    fn unknown(&mut self, key_node: NodeId, key: &str, s: &Schema, at_root: bool) {
        let names = s.properties.iter().map(|(k, _)| k.as_str());
        let suggestion = if at_root {
            closest(key, names.chain(["apiVersion", "kind", "metadata"]))
        } else {
            closest(key, names)
        };
        let parent = FieldPath(
            self.path
                .0
                .split_last()
                .map_or(&[][..], |(_, p)| p)
                .to_vec(),
        );
        let place = if parent.0.is_empty() {
            "the object".to_string()
        } else {
            format!("`{parent}`")
        };
        self.unknown_with(key_node, key, suggestion, &place);
    }

    fn unknown_with(&mut self, key_node: NodeId, key: &str, suggestion: Option<&str>, place: &str) {
        if key.starts_with('$') {
            // Strategic-merge-patch directives in kustomize patches, as for built-in kinds.
            return;
        }
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "remove it, or check the indentation; the schema comes from CRD {}",
                self.crd
            ),
        };
        let message = format!(
            "{}: `{key}` is not a field of {place} in the schema of CRD {}; kubectl apply rejects the object (strict field validation), and without validation the API server drops the field silently",
            self.obj.display(),
            self.crd
        );
        let d = self
            .finding(&unknown_field::RULE, key_node, message)
            .help(help);
        self.out.push(d);
    }

    fn invalid(&mut self, node: NodeId, what: String) {
        let field = if self.path.0.is_empty() {
            "the object".to_string()
        } else {
            format!("`{}`", self.path)
        };
        let message = format!(
            "{}: {field} {what}; the API server rejects the object (schema of CRD {})",
            self.obj.display(),
            self.crd
        );
        let d = self.finding(&invalid_object::RULE, node, message);
        self.out.push(d);
    }

    fn finding(&self, rule: &crate::rules::Rule, node: NodeId, message: String) -> Diagnostic {
        rule.report(self.obj, self.obj.at_node(node), message)
            .path(self.path.to_string())
    }
}
