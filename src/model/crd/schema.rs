//! A CRD version's `openAPIV3Schema`, read into what the validation walks, with the rules of a
//! structural schema the API server enforces when the CRD is created (a CRD breaking them is
//! rejected, so its custom resources are not checked against it).

use regex::Regex;
use serde_json::Value;

use super::pattern;
use super::value::{entries, kind_of, to_json, Kind};
use crate::source::{NodeId, Tree};

/// The JSON type a schema node names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// No `type`: allowed under `x-kubernetes-int-or-string` or
    /// `x-kubernetes-preserve-unknown-fields`.
    Any,
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Any => "any",
            Type::Object => "object",
            Type::Array => "array",
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
        }
    }
}

/// `additionalProperties`.
#[derive(Debug, Default)]
pub enum Additional {
    /// Not written: keys outside `properties` are unknown.
    #[default]
    Unset,
    /// `true`: any key, any value; `false`: only `properties`.
    Allowed(bool),
    /// Every key outside `properties` has this schema (a map).
    Schema(Box<Schema>),
}

/// `x-kubernetes-list-type`.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum ListType {
    #[default]
    Atomic,
    /// Items are unique scalars.
    Set,
    /// Items are objects, unique by these keys.
    Map(Vec<String>),
}

/// One schema node.
#[derive(Debug, Default)]
pub struct Schema {
    pub ty: Option<Type>,
    pub nullable: bool,
    pub int_or_string: bool,
    pub preserve_unknown: bool,
    pub embedded: bool,
    /// Sorted by name.
    pub properties: Vec<(String, Schema)>,
    pub additional: Additional,
    pub items: Option<Box<Schema>>,
    pub required: Vec<String>,
    pub enumeration: Option<Vec<Value>>,
    pub minimum: Option<(f64, bool)>,
    pub maximum: Option<(f64, bool)>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// The pattern as written and compiled (`None` compiled: not checked, see `pattern`).
    pub pattern: Option<(String, Option<Regex>)>,
    pub list_type: ListType,
    /// True when `default:` is set: the API server fills the field in when its parent is
    /// written and it is not (or is a null it prunes), before validating.
    pub has_default: bool,
    /// `allOf`, `anyOf`, `oneOf`, `not`: value validations only (a structural schema keeps
    /// types and fields out of them), evaluated as the API server's OpenAPI validator does.
    pub all_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    pub not: Option<Box<Schema>>,
}

impl Schema {
    /// The schema of property `name`.
    pub fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()
            .and_then(|i| self.properties.get(i))
            .map(|(_, s)| s)
    }
}

/// A mistake in a schema: where, the path below the CRD's root, and what.
#[derive(Debug)]
pub struct SchemaError {
    pub node: NodeId,
    pub path: String,
    pub message: String,
}

/// How deep a schema may nest: real ones (pod templates inlined) reach about 30 levels; the
/// parser already stops at 256.
const MAX_DEPTH: usize = 128;

/// Reads the schema at `node` (its path in the CRD is `path`), recording what a structural
/// schema must not be in `errors`.
pub fn read(tree: &Tree, node: NodeId, path: &str, errors: &mut Vec<SchemaError>) -> Schema {
    let mut r = Reader { tree, errors };
    let schema = r.node(node, &mut path.to_string(), 0, true);
    if schema.ty != Some(Type::Object) && !r.errors.iter().any(|e| e.node == node) {
        let at = tree.get(node, "type").map_or(node, |(_, v)| v);
        r.error(
            at,
            path,
            "the root of a CRD schema must be `type: object`".to_string(),
        );
    }
    schema
}

struct Reader<'a> {
    tree: &'a Tree,
    errors: &'a mut Vec<SchemaError>,
}

impl Reader<'_> {
    fn error(&mut self, node: NodeId, path: &str, message: String) {
        self.errors.push(SchemaError {
            node,
            path: path.to_string(),
            message,
        });
    }

    fn node(&mut self, node: NodeId, path: &mut String, depth: usize, typed: bool) -> Schema {
        let tree = self.tree;
        let mut s = Schema::default();
        if depth > MAX_DEPTH {
            self.error(
                node,
                path,
                format!("the schema nests deeper than {MAX_DEPTH} levels"),
            );
            return s;
        }
        if !tree.is_mapping(node) {
            self.error(node, path, "a schema must be a mapping".to_string());
            return s;
        }
        let len = path.len();
        for (key, key_node, v) in entries(tree, node) {
            path.truncate(len);
            path.push('.');
            path.push_str(&key);
            match key.as_str() {
                "type" => match kind_of(tree, v) {
                    Kind::String(t) => {
                        s.ty = Some(match t {
                            "object" => Type::Object,
                            "array" => Type::Array,
                            "string" => Type::String,
                            "integer" => Type::Integer,
                            "number" => Type::Number,
                            "boolean" => Type::Boolean,
                            other => {
                                self.error(v, path, format!("`type: {other}` is not a type: the API server accepts object, array, string, integer, number or boolean"));
                                Type::Any
                            }
                        })
                    }
                    _ => self.error(v, path, "`type` must be a string".to_string()),
                },
                "nullable" => s.nullable = self.flag(v, path),
                "default" => s.has_default = true,
                "allOf" | "anyOf" | "oneOf" => {
                    if !tree.is_sequence(v) {
                        self.error(v, path, format!("`{key}` must be a list of schemas"));
                    }
                    let at = path.len();
                    let mut list = Vec::new();
                    for (i, &item) in tree.items(v).iter().enumerate() {
                        path.push_str(&format!("[{i}]"));
                        list.push(self.node(item, path, depth + 1, false));
                        path.truncate(at);
                    }
                    match key.as_str() {
                        "allOf" => s.all_of = list,
                        "anyOf" => s.any_of = list,
                        _ => s.one_of = list,
                    }
                }
                "not" => s.not = Some(Box::new(self.node(v, path, depth + 1, false))),
                "x-kubernetes-int-or-string" => s.int_or_string = self.flag(v, path),
                "x-kubernetes-preserve-unknown-fields" => {
                    s.preserve_unknown = self.flag(v, path)
                }
                "x-kubernetes-embedded-resource" => s.embedded = self.flag(v, path),
                "properties" => {
                    let mut props: Vec<(String, Schema)> = entries(tree, v)
                        .into_iter()
                        .map(|(name, _, p)| {
                            let at = path.len();
                            push_key(path, &name);
                            let schema = self.node(p, path, depth + 1, true);
                            path.truncate(at);
                            (name, schema)
                        })
                        .collect();
                    if !tree.is_mapping(v) {
                        self.error(v, path, "`properties` must be a mapping".to_string());
                    }
                    props.sort_by(|a, b| a.0.cmp(&b.0));
                    s.properties = props;
                }
                "additionalProperties" => {
                    s.additional = match kind_of(tree, v) {
                        Kind::Bool(b) => Additional::Allowed(b),
                        _ => Additional::Schema(Box::new(self.node(v, path, depth + 1, true))),
                    }
                }
                "items" => {
                    if tree.is_sequence(v) {
                        self.error(v, path, "`items` must be a single schema: a list of schemas (tuple validation) is not allowed in a CRD".to_string());
                    } else {
                        s.items = Some(Box::new(self.node(v, path, depth + 1, true)));
                    }
                }
                "required" => {
                    if !tree.is_sequence(v) {
                        self.error(v, path, "`required` must be a list of property names".to_string());
                    }
                    for &item in tree.items(v) {
                        match kind_of(tree, item) {
                            Kind::String(r) => s.required.push(r.to_string()),
                            _ => self.error(item, path, "`required` lists property names (strings)".to_string()),
                        }
                    }
                }
                "enum" if !tree.is_sequence(v) => {
                    self.error(v, path, "`enum` must be a list of values".to_string())
                }
                "enum" => {
                    s.enumeration = Some(
                        tree.items(v)
                            .iter()
                            .filter_map(|&i| to_json(tree, i, 0))
                            .collect(),
                    )
                }
                "minimum" => s.minimum = self.number(v, path).map(|n| (n, false)),
                "maximum" => s.maximum = self.number(v, path).map(|n| (n, false)),
                "minLength" => s.min_length = self.count(v, path),
                "maxLength" => s.max_length = self.count(v, path),
                "minItems" => s.min_items = self.count(v, path),
                "maxItems" => s.max_items = self.count(v, path),
                "minProperties" => s.min_properties = self.count(v, path),
                "maxProperties" => s.max_properties = self.count(v, path),
                "pattern" => match kind_of(tree, v) {
                    Kind::String(p) => s.pattern = Some((p.to_string(), pattern::compile(p))),
                    _ => self.error(v, path, "`pattern` must be a string".to_string()),
                },
                "uniqueItems" if matches!(kind_of(tree, v), Kind::Bool(true)) => self.error(
                    v,
                    path,
                    "`uniqueItems: true` is not allowed in a CRD (quadratic to check); use `x-kubernetes-list-type: set`".to_string(),
                ),
                "$ref" => self.error(key_node, path, "`$ref` is not allowed in a CRD schema: write the schema inline".to_string()),
                "x-kubernetes-list-type" => match kind_of(tree, v) {
                    Kind::String("atomic") => s.list_type = ListType::Atomic,
                    Kind::String("set") => s.list_type = ListType::Set,
                    Kind::String("map") => s.list_type = ListType::Map(Vec::new()),
                    _ => self.error(v, path, "`x-kubernetes-list-type` is one of atomic, set or map".to_string()),
                },
                _ => {}
            }
        }
        path.truncate(len);
        // Read after the loop: the keys may come in any order.
        for (key, exclusive) in [("exclusiveMinimum", true), ("exclusiveMaximum", false)] {
            if let Some((_, v)) = tree.get(node, key) {
                if matches!(kind_of(tree, v), Kind::Bool(true)) {
                    let bound = if exclusive {
                        &mut s.minimum
                    } else {
                        &mut s.maximum
                    };
                    if let Some(b) = bound {
                        b.1 = true;
                    }
                }
            }
        }
        if let ListType::Map(keys) = &mut s.list_type {
            if let Some((_, v)) = tree.get(node, "x-kubernetes-list-map-keys") {
                keys.extend(
                    tree.items(v)
                        .iter()
                        .filter_map(|&i| match kind_of(tree, i) {
                            Kind::String(k) => Some(k.to_string()),
                            _ => None,
                        }),
                );
            }
        }
        self.structural(node, path, &s, typed);
        s
    }

    /// The rules of a structural schema that concern one node.
    fn structural(&mut self, node: NodeId, path: &str, s: &Schema, typed: bool) {
        let tree = self.tree;
        let at = |key: &str| tree.get(node, key).map_or(node, |(k, _)| k);
        if typed && s.ty.is_none() && !s.int_or_string && !s.preserve_unknown {
            self.error(node, path, "a structural schema needs a `type` here (only `x-kubernetes-int-or-string` and `x-kubernetes-preserve-unknown-fields` nodes may leave it out)".to_string());
        }
        if s.int_or_string && s.ty.is_some() {
            self.error(
                at("type"),
                path,
                "`x-kubernetes-int-or-string: true` must not have a `type`".to_string(),
            );
        }
        if s.ty == Some(Type::Array) && s.items.is_none() {
            self.error(at("type"), path, "`type: array` needs `items`".to_string());
        }
        if !s.properties.is_empty() && !matches!(s.additional, Additional::Unset) {
            self.error(
                at("additionalProperties"),
                path,
                "`additionalProperties` and `properties` are mutually exclusive in a CRD schema"
                    .to_string(),
            );
        }
        if matches!(s.additional, Additional::Allowed(false)) {
            self.error(at("additionalProperties"), path, "`additionalProperties: false` is not allowed in a CRD schema: unknown fields are already pruned or rejected".to_string());
        }
        if s.embedded && s.ty != Some(Type::Object) {
            self.error(
                at("x-kubernetes-embedded-resource"),
                path,
                "`x-kubernetes-embedded-resource` needs `type: object`".to_string(),
            );
        }
        if s.embedded && s.properties.is_empty() && !s.preserve_unknown {
            self.error(at("x-kubernetes-embedded-resource"), path, "`x-kubernetes-embedded-resource` needs `properties` or `x-kubernetes-preserve-unknown-fields: true`".to_string());
        }
        match &s.list_type {
            ListType::Map(keys) if keys.is_empty() => self.error(
                at("x-kubernetes-list-type"),
                path,
                "`x-kubernetes-list-type: map` needs `x-kubernetes-list-map-keys`".to_string(),
            ),
            ListType::Map(_) if s.items.as_ref().is_some_and(|i| i.ty != Some(Type::Object)) => {
                self.error(
                    at("x-kubernetes-list-type"),
                    path,
                    "`x-kubernetes-list-type: map` needs items of `type: object`".to_string(),
                )
            }
            ListType::Set if s.items.as_ref().is_some_and(|i| i.ty == Some(Type::Object)) => self
                .error(
                    at("x-kubernetes-list-type"),
                    path,
                    "`x-kubernetes-list-type: set` needs scalar items".to_string(),
                ),
            _ => {}
        }
        if s.list_type != ListType::Atomic && s.ty != Some(Type::Array) {
            self.error(
                at("x-kubernetes-list-type"),
                path,
                "`x-kubernetes-list-type` applies to `type: array` only".to_string(),
            );
        }
    }

    fn flag(&mut self, v: NodeId, path: &str) -> bool {
        match kind_of(self.tree, v) {
            Kind::Bool(b) => b,
            _ => {
                self.error(v, path, "must be true or false".to_string());
                false
            }
        }
    }

    fn number(&mut self, v: NodeId, path: &str) -> Option<f64> {
        match kind_of(self.tree, v) {
            Kind::Integer(n) | Kind::Number(n) => Some(n),
            _ => {
                self.error(v, path, "must be a number".to_string());
                None
            }
        }
    }

    fn count(&mut self, v: NodeId, path: &str) -> Option<u64> {
        match kind_of(self.tree, v) {
            Kind::Integer(n) if n >= 0.0 => Some(n as u64),
            _ => {
                self.error(v, path, "must be a non-negative integer".to_string());
                None
            }
        }
    }
}

/// Appends `.properties.<name>` as a path step (bracketed when the name has a dot).
fn push_key(path: &mut String, name: &str) {
    if name.contains(['.', '[', ']', '"']) || name.is_empty() {
        path.push_str(&format!("[\"{name}\"]"));
    } else {
        path.push('.');
        path.push_str(name);
    }
}
