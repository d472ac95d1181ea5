//! Strict field checking in the same pass as the typed decode.
//!
//! `k8s-openapi`'s generated `Deserialize` impls (and serde's derive) call
//! `deserialize_struct(name, fields, visitor)` with every field name the schema has, then skip
//! keys they do not know. [`deserialize`] runs a type's impl over a `serde_json::Value` through
//! a deserializer that, in `deserialize_struct`, compares the mapping's keys with `fields` and
//! records the ones the schema lacks: exactly the keys kubectl's strict field validation
//! rejects, found without a second parse. Free-form maps (labels, `resources.limits`, `data`)
//! go through `deserialize_map` and untyped JSON through `deserialize_any`, so their keys are
//! never judged.

use std::cell::RefCell;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Value};

use super::location::{FieldPath, Segment};

/// A key the schema of the mapping it is written in does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// Path of the mapping that holds the key.
    pub parent: FieldPath,
    pub key: String,
    /// The fields the schema has at that place.
    pub fields: &'static [&'static str],
    /// A struct a level or two above or below whose schema has `key` (an indentation slip):
    /// the enclosing one is preferred.
    pub belongs_to: Option<FieldPath>,
}

/// Decodes `T` from `value`, appending to `unknown` every key no schema struct has. The keys
/// met before a type error are recorded even when decoding fails.
pub fn deserialize<T: de::DeserializeOwned>(
    value: &Value,
    unknown: &mut Vec<UnknownField>,
) -> Result<T, Error> {
    let first_new = unknown.len();
    let (result, state) = run::<T>(value, std::mem::take(unknown), false);
    *unknown = state.unknown;
    if unknown
        .iter()
        .skip(first_new)
        .any(|u| u.belongs_to.is_none())
    {
        // Rare (only objects with unknown keys): decode once more, noting every struct, to
        // find a key that belongs a level or two deeper (`schedule` at a CronJob's top level).
        let (_, collected) = run::<T>(value, Vec::new(), true);
        for u in unknown.iter_mut().skip(first_new) {
            if u.belongs_to.is_none() {
                u.belongs_to = below(&collected.visits, &u.parent, &u.key);
            }
        }
    }
    result
}

fn run<'a, T: de::DeserializeOwned>(
    value: &'a Value,
    unknown: Vec<UnknownField>,
    note_structs: bool,
) -> (Result<T, Error>, State<'a>) {
    let state = RefCell::new(State {
        path: Vec::new(),
        structs: Vec::new(),
        unknown,
        note_structs,
        visits: Vec::new(),
    });
    let result = T::deserialize(Strict {
        value,
        state: &state,
    });
    (result, state.into_inner())
}

/// The shallowest struct written one or two keys below `parent` whose schema has `key`.
fn below(
    visits: &[(FieldPath, &'static [&'static str])],
    parent: &FieldPath,
    key: &str,
) -> Option<FieldPath> {
    let keys = |p: &FieldPath| p.0.iter().filter(|s| matches!(s, Segment::Key(_))).count();
    let base = keys(parent);
    visits
        .iter()
        .filter(|(path, fields)| {
            path.0.starts_with(&parent.0)
                && (base + 1..=base + MISPLACED_LEVELS).contains(&keys(path))
                && fields.contains(&key)
        })
        .min_by_key(|(path, _)| path.0.len())
        .map(|(path, _)| path.clone())
}

/// How many enclosing structs are searched for a misplaced key: an indentation slip moves a
/// key a level or two, and generic names (`name`, `kind`) would match far ancestors by chance.
const MISPLACED_LEVELS: usize = 2;

#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

struct State<'a> {
    /// Where the value being decoded is; only turned into a `FieldPath` when a key is unknown.
    path: Vec<Step<'a>>,
    /// The structs being decoded around the current value: their depth in `path` and fields.
    structs: Vec<(usize, &'static [&'static str])>,
    unknown: Vec<UnknownField>,
    /// When set, every struct decoded is noted in `visits` (and unknown keys are not judged).
    note_structs: bool,
    visits: Vec<(FieldPath, &'static [&'static str])>,
}

impl State<'_> {
    fn field_path(&self) -> FieldPath {
        FieldPath(
            self.path
                .iter()
                .map(|s| match s {
                    Step::Key(k) => Segment::Key((*k).to_string()),
                    Step::Index(i) => Segment::Index(*i),
                })
                .collect(),
        )
    }
}

#[derive(Clone, Copy)]
struct Strict<'a, 's> {
    value: &'a Value,
    state: &'s RefCell<State<'a>>,
}

impl<'a, 's> Strict<'a, 's> {
    fn child(self, step: Step<'a>, value: &'a Value) -> Self {
        self.state.borrow_mut().path.push(step);
        Strict {
            value,
            state: self.state,
        }
    }

    fn leave(self) {
        self.state.borrow_mut().path.pop();
    }
}

impl<'de, 's> Deserializer<'de> for Strict<'de, 's> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                index: 0,
                parent: self,
            }),
            Value::Object(map) => visitor.visit_map(Map {
                entries: map.iter(),
                pending: None,
                parent: self,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Value::Object(map) = self.value else {
            return self.deserialize_any(visitor);
        };
        {
            let mut state = self.state.borrow_mut();
            if state.note_structs {
                let here = state.field_path();
                state.visits.push((here, fields));
            }
            let judge = !state.note_structs;
            for key in map.keys().filter(|_| judge) {
                if !fields.contains(&key.as_str()) {
                    let parent = state.field_path();
                    let belongs_to = state
                        .structs
                        .iter()
                        .rev()
                        .take(MISPLACED_LEVELS)
                        .find(|(_, f)| f.contains(&key.as_str()))
                        .map(|(depth, _)| {
                            FieldPath(parent.0.iter().take(*depth).cloned().collect())
                        });
                    state.unknown.push(UnknownField {
                        parent,
                        key: key.clone(),
                        fields,
                        belongs_to,
                    });
                }
            }
            let depth = state.path.len();
            state.structs.push((depth, fields));
        }
        let out = self.deserialize_any(visitor);
        self.state.borrow_mut().structs.pop();
        out
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // No schema type decodes through a serde enum; serde_json's own rules apply untracked.
        self.value.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.value.deserialize_unit(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit_struct seq tuple tuple_struct map identifier
    }
}

struct Seq<'a, 's> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
    parent: Strict<'a, 's>,
}

impl<'a> SeqAccess<'a> for Seq<'a, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let child = self.parent.child(Step::Index(self.index), item);
        self.index += 1;
        let out = seed.deserialize(child)?;
        child.leave();
        Ok(Some(out))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a, 's> {
    entries: serde_json::map::Iter<'a>,
    pending: Option<(&'a str, &'a Value)>,
    parent: Strict<'a, 's>,
}

impl<'a> MapAccess<'a> for Map<'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some((key.as_str(), value));
        let key = BorrowedStrDeserializer::<'a, Error>::new(key.as_str());
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom(
                "a map value was asked for before its key",
            ));
        };
        let child = self.parent.child(Step::Key(key), value);
        let out = seed.deserialize(child)?;
        child.leave();
        Ok(out)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    fn unknown_of<T: de::DeserializeOwned>(v: Value) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let _ = deserialize::<T>(&v, &mut found);
        found
            .into_iter()
            .map(|u| (u.parent.to_string(), u.key))
            .collect()
    }

    #[test]
    fn finds_typos_at_every_level() {
        let found = unknown_of::<Deployment>(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "w", "labels": {"Any": "thing"}, "creationTimestamp": null},
            "spec": {
                "replica": 2,
                "selector": {"matchLabels": {"a": "b"}, "matchLabel": {}},
                "template": {
                    "metadata": {"labels": {"a": "b"}, "annotations": {"x.y/z": "1"}},
                    "spec": {
                        "RestartPolicy": "Always",
                        "nodeSelector": {"disk": "ssd"},
                        "containers": [
                            {"name": "c", "image": "i",
                             "resources": {"limits": {"cpu": 1, "nvidia.com/gpu": 1}},
                             "livenessProbe": {"httpGet": {"path": "/", "port": "http"}, "timeout": 1},
                             "ports": [{"containerPort": 80, "protocl": "TCP"}]}
                        ],
                        "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1Gi", "medium": ""}, "hostpath": {}}]
                    }
                }
            }
        }));
        assert_eq!(
            found,
            vec![
                ("spec".to_string(), "replica".to_string()),
                ("spec.selector".to_string(), "matchLabel".to_string()),
                (
                    "spec.template.spec".to_string(),
                    "RestartPolicy".to_string()
                ),
                (
                    "spec.template.spec.containers[0].livenessProbe".to_string(),
                    "timeout".to_string()
                ),
                (
                    "spec.template.spec.containers[0].ports[0]".to_string(),
                    "protocl".to_string()
                ),
                (
                    "spec.template.spec.volumes[0]".to_string(),
                    "hostpath".to_string()
                ),
            ]
        );
    }

    #[test]
    fn names_the_enclosing_struct_a_misplaced_field_belongs_to() {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "spec": {"template": {"spec": {"replicas": 2, "containers": [{"name": "c", "image": "i", "kind": "x"}]}}}});
        let mut found = Vec::new();
        let _ = deserialize::<Deployment>(&v, &mut found);
        let owners: Vec<Option<String>> = found
            .iter()
            .map(|u| u.belongs_to.as_ref().map(|p| p.to_string()))
            .collect();
        // `kind` is a top-level field, but too far up to be an indentation slip.
        assert_eq!(owners, vec![Some("spec".to_string()), None]);
    }

    #[test]
    fn names_the_struct_below_a_key_that_was_not_indented_enough() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "image": "i", "schedule": "x",
            "spec": {"image": "i", "containers": [{"name": "c", "image": "i"}]}});
        let mut found = Vec::new();
        let _ = deserialize::<Pod>(&v, &mut found);
        let owners: Vec<(String, Option<String>)> = found
            .iter()
            .map(|u| (u.key.clone(), u.belongs_to.as_ref().map(|p| p.to_string())))
            .collect();
        assert_eq!(
            owners,
            vec![
                ("image".to_string(), Some("spec.containers[0]".to_string())),
                ("schedule".to_string(), None),
                ("image".to_string(), Some("spec.containers[0]".to_string())),
            ]
        );
    }

    #[test]
    fn valid_pod_has_no_unknown_fields() {
        let found = unknown_of::<Pod>(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "managedFields": [{"fieldsV1": {"f:spec": {"f:x": {}}}}]},
            "spec": {"containers": [{"name": "c", "image": "i",
                "env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}],
                "overhead": {"cpu": "1"}}
        }));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn decodes_the_same_value_as_serde_json() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]}});
        let mut found = Vec::new();
        let strict: Pod = deserialize(&v, &mut found).expect("decodes");
        let plain: Pod = serde_json::from_value(v).expect("decodes");
        assert_eq!(strict, plain);
    }

    #[test]
    fn type_errors_still_fail() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": "nope"}});
        let mut found = Vec::new();
        assert!(deserialize::<Pod>(&v, &mut found).is_err());
    }
}
