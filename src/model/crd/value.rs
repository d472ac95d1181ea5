//! A custom resource's values as the API server receives them: kubectl turns the YAML into JSON
//! (go-yaml v2's YAML 1.1 scalars, `source::scalar`), so an unquoted `yes` is a boolean there,
//! `1.0` is the integer 1, and a quoted `"3"` a string.

use serde_json::{Map, Number, Value};

use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::{is_merge_key, NodeKind};
use crate::source::{NodeId, Tree};

/// A node's JSON type, what `type:` in a schema is checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    /// An integral number (a YAML float such as `1.0` becomes JSON `1`, read back as an integer).
    Integer(f64),
    /// Any other number.
    Number(f64),
    String(&'a str),
    Object,
    Array,
}

impl Kind<'_> {
    /// The JSON type name, as the API server's messages name it.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Integer(_) => "integer",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Object => "object",
            Kind::Array => "array",
        }
    }
}

/// The largest magnitude read back as an integer: Go's JSON decoder into `int64`.
const INTEGRAL_LIMIT: f64 = 9.223_372_036_854_775e18;

/// The JSON type of `node` (after aliases).
pub fn kind_of(tree: &Tree, node: NodeId) -> Kind<'_> {
    let node = tree.resolve(node);
    match tree.kind(node) {
        Some(NodeKind::Mapping { .. }) => Kind::Object,
        Some(NodeKind::Sequence { .. }) => Kind::Array,
        _ => match tree.scalar(node) {
            Some(s) => match resolve(s.text, s.style, s.tag) {
                Resolved::Null => Kind::Null,
                Resolved::Bool(b) => Kind::Bool(b),
                Resolved::Int(i) => Kind::Integer(i as f64),
                Resolved::Uint(u) => Kind::Integer(u as f64),
                Resolved::Float(f)
                    if f.is_finite() && f.fract() == 0.0 && f.abs() < INTEGRAL_LIMIT =>
                {
                    Kind::Integer(f)
                }
                Resolved::Float(f) => Kind::Number(f),
                Resolved::Str(s) => Kind::String(s),
            },
            None => Kind::Null,
        },
    }
}

/// The key/value pairs of a mapping as kubectl reads them: written keys (the last of repeated
/// keys wins), then the keys `<<` merges in that are not written. Keys as JSON keys.
pub fn entries(tree: &Tree, map: NodeId) -> Vec<(String, NodeId, NodeId)> {
    if tree.is_simple_mapping(map) {
        // No merge key and no repeated key (nearly every mapping): the written pairs, without
        // the search for repeats that would make a mapping of many keys quadratic.
        return tree
            .entries(map)
            .filter_map(|(k, v)| Some((tree.scalar(k)?.key().into_owned(), k, v)))
            .collect();
    }
    let mut out: Vec<(String, NodeId, NodeId)> = Vec::new();
    let mut merges = Vec::new();
    for (k, v) in tree.entries(map) {
        let Some(key) = tree.scalar(k) else { continue };
        if is_merge_key(&key) {
            merges.push(v);
            continue;
        }
        let key = key.key().into_owned();
        match out.iter_mut().find(|(name, _, _)| *name == key) {
            Some(slot) => *slot = (key, k, v),
            None => out.push((key, k, v)),
        }
    }
    for m in merges {
        for &source in tree.merge_sources(&m) {
            for (k, v) in tree.entries(source) {
                let Some(key) = tree.scalar(k) else { continue };
                let key = key.key().into_owned();
                if !out.iter().any(|(name, _, _)| *name == key) {
                    out.push((key, k, v));
                }
            }
        }
    }
    out
}

/// How deep [`to_json`] goes: deeper values compare as unequal to everything.
const MAX_DEPTH: usize = 64;

/// The JSON value of `node`, for `enum` and list uniqueness: `None` past [`MAX_DEPTH`].
pub fn to_json(tree: &Tree, node: NodeId, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match kind_of(tree, node) {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(b),
        Kind::Integer(f) | Kind::Number(f) => number(f)?,
        Kind::String(s) => Value::String(s.to_string()),
        Kind::Array => Value::Array(
            tree.items(tree.resolve(node))
                .iter()
                .map(|&i| to_json(tree, i, depth + 1))
                .collect::<Option<_>>()?,
        ),
        Kind::Object => {
            let mut map = Map::new();
            for (k, _, v) in entries(tree, tree.resolve(node)) {
                map.insert(k, to_json(tree, v, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}

/// A number as JSON: integral ones as integers, so that `1` and `1.0` compare equal.
fn number(f: f64) -> Option<Value> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < INTEGRAL_LIMIT {
        return Some(Value::Number(Number::from(f as i64)));
    }
    Number::from_f64(f).map(Value::Number)
}

/// Equality of JSON values as the API server compares them (numbers by value).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
