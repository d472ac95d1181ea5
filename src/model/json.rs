//! A document subtree as the JSON kubectl would send: scalars resolved, merge keys applied.

use serde_json::{Map, Number, Value};

use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::{is_merge_key, NodeKind};
use crate::source::{NodeId, Tree};

/// Deepest expansion accepted while converting (aliases can stack written depth).
const MAX_JSON_DEPTH: usize = 512;

/// Why a subtree has no JSON form.
#[derive(Debug, Clone)]
pub struct JsonError {
    pub node: NodeId,
    pub message: String,
}

/// Converts the subtree at `id` to JSON.
pub fn to_json(tree: &Tree, id: NodeId) -> Result<Value, JsonError> {
    convert(tree, id, 0)
}

fn convert(tree: &Tree, id: NodeId, depth: usize) -> Result<Value, JsonError> {
    if depth > MAX_JSON_DEPTH {
        return Err(JsonError {
            node: id,
            message: format!("nesting deeper than {MAX_JSON_DEPTH} levels once aliases expand"),
        });
    }
    let resolved = tree.resolve(id);
    let Some(node) = tree.node(resolved) else {
        return Ok(Value::Null);
    };
    match node.kind {
        NodeKind::Scalar { .. } => {
            let Some(s) = tree.scalar(resolved) else {
                return Ok(Value::Null);
            };
            scalar_value(resolve(s.text, s.style, s.tag)).ok_or_else(|| JsonError {
                node: id,
                message: format!("`{}` is not a number JSON can represent", s.text),
            })
        }
        NodeKind::Sequence { .. } => tree
            .items(resolved)
            .iter()
            .map(|&item| convert(tree, item, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        NodeKind::Mapping { .. } => {
            let mut map = Map::new();
            let mut merges = Vec::new();
            for (k, v) in tree.entries(resolved) {
                let Some(key) = tree.scalar(k) else {
                    return Err(JsonError {
                        node: k,
                        message: "a mapping key must be a scalar, not a mapping or a list".into(),
                    });
                };
                if is_merge_key(&key) {
                    merges.push(v);
                    continue;
                }
                let value = convert(tree, v, depth + 1)?;
                map.insert(key.key().into_owned(), value);
            }
            // Written keys win over merged ones, as the YAML merge-key spec says.
            for m in merges {
                let sources: Vec<NodeId> = if tree.is_sequence(m) {
                    tree.items(m).to_vec()
                } else {
                    vec![m]
                };
                for src in sources {
                    match convert(tree, src, depth + 1)? {
                        Value::Object(extra) => {
                            for (k, v) in extra {
                                map.entry(k).or_insert(v);
                            }
                        }
                        _ => {
                            return Err(JsonError {
                                node: src,
                                message: "a merge key (`<<`) must merge a mapping".into(),
                            })
                        }
                    }
                }
            }
            Ok(Value::Object(map))
        }
        NodeKind::Alias { .. } => Ok(Value::Null),
    }
}

fn scalar_value(r: Resolved<'_>) -> Option<Value> {
    Some(match r {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Number(i.into()),
        Resolved::Uint(u) => Value::Number(u.into()),
        Resolved::Float(f) => {
            // Go's json.Marshal writes an integral float without a fraction (`8`, not `8.0`),
            // so the API server reads `replicas: 3.0` as the integer 3.
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
                Value::Number((f as i64).into())
            } else {
                Value::Number(Number::from_f64(f)?)
            }
        }
        Resolved::Str(s) => Value::String(s.to_string()),
    })
}
