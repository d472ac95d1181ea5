//! Writes `table.rs` by tracing the `Deserialize` impls themselves, so the table says what the
//! strict decoder will meet, not what someone remembers of the API.
//!
//! A recording `Deserializer` ([`Tracer`]) is handed to a root type's impl. At every
//! `deserialize_struct(name, fields, visitor)` on the way to the struct under study, it offers
//! the visitor one key (the next field of the path) and follows its value through options,
//! sequences (one item) and maps (one entry). At the struct under study it offers the field in
//! question and records every `deserialize_*` call the value's seed makes, with the visitor's
//! `expecting` text, until a struct (recorded, then left) or a leaf. Every run ends by unwinding
//! with an error and the next one restarts from the root, one path per struct, memoized by the
//! Rust type the seed names. Which fields are required is found by offering ever more keys with
//! minimal values until the visitor stops asking for a missing one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Expected, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

use super::types::{with_type, WithType, ALL_KINDS};
use crate::model::kinds::KnownKind;
use crate::model::legacy::LegacyIngress;

/// The error every run ends with; any other error is the impl's own verdict.
#[derive(Debug)]
struct Stop(String);

const UNWIND: &str = "\u{0}the tracer has what it needs";

fn unwind() -> Stop {
    Stop(UNWIND.to_string())
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Stop(msg.to_string())
    }
}

/// One call the value's seed made.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// `deserialize_option` of `Option<T>` itself.
    Option,
    List,
    Map,
    Newtype(&'static str),
    Struct {
        ty: &'static str,
        name: &'static str,
        fields: &'static [&'static str],
    },
    /// Any other call: the method and what the visitor expects.
    Leaf(String),
}

/// What one run saw.
#[derive(Default)]
struct Seen {
    /// The struct at the end of the path, for [`Goal::Fields`].
    root: Option<(&'static str, &'static str, &'static [&'static str])>,
    steps: Vec<Step>,
    /// The struct visitor's own result once offered the keys, for the other goals.
    outcome: Option<Result<(), String>>,
}

#[derive(Clone, Copy)]
enum Goal<'a> {
    /// Record the struct's name and fields.
    Fields,
    /// Offer these keys, recording how the first one's value is read; a bare string is given
    /// the text.
    Field(&'a [&'static str], &'a str),
    /// Offer these keys with minimal values, recording whether the struct is content.
    Keys(&'a [&'static str]),
}

#[derive(Clone, Copy)]
enum Mode<'a> {
    /// Following `path` (field names) to a struct, then doing `goal` there.
    Walk {
        path: &'a [&'static str],
        goal: Goal<'a>,
    },
    /// Recording the calls of a field's value, giving a bare string this text.
    Record(&'a str),
    /// Giving the smallest value each call accepts.
    Minimal,
}

#[derive(Clone, Copy)]
struct Tracer<'a> {
    mode: Mode<'a>,
    /// The Rust type being deserialized (after an `Option`), which tells structs apart.
    ty: &'static str,
    seen: &'a RefCell<Seen>,
}

fn expecting<'de, V: Visitor<'de>>(v: &V) -> String {
    (v as &dyn Expected).to_string()
}

fn inside_option(ty: &'static str) -> &'static str {
    ty.strip_prefix("core::option::Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty)
}

impl<'a> Tracer<'a> {
    fn with(self, mode: Mode<'a>) -> Self {
        Tracer { mode, ..self }
    }

    fn push(&self, step: Step) {
        self.seen.borrow_mut().steps.push(step);
    }

    /// A call that ends a value: recorded, or answered with a minimal value.
    fn leaf<'de, V: Visitor<'de>>(self, method: &str, v: V) -> Result<V::Value, Stop> {
        match self.mode {
            Mode::Walk { .. } => panic!("the path leads to a {method}, not a struct: {}", self.ty),
            Mode::Record(text) => {
                let direct = self.seen.borrow().steps.is_empty();
                self.push(Step::Leaf(format!("{method}: {}", expecting(&v))));
                if direct && (method == "str" || method == "string") {
                    // A bare string field: let the struct visitor judge a value, which tells a
                    // constant (`apiVersion`) from a plain string.
                    v.visit_str(text)
                } else {
                    Err(unwind())
                }
            }
            Mode::Minimal => match method {
                // The one string type that checks its content.
                "str" if expecting(&v) == "a timestamp string" => {
                    v.visit_str("1970-01-01T00:00:00Z")
                }
                "str" | "string" => v.visit_str(""),
                "bool" => v.visit_bool(false),
                "f32" | "f64" => v.visit_f64(0.0),
                "any" | "unit" => v.visit_unit(),
                m if m.starts_with('i') || m.starts_with('u') => v.visit_u64(0),
                _ => panic!("no minimal value for {method} ({})", expecting(&v)),
            },
        }
    }

    fn entries(self, keys: &'a [&'static str], value: Tracer<'a>) -> Entries<'a> {
        Entries {
            keys,
            pos: 0,
            value,
        }
    }
}

/// Offers `keys`, each with a value read through `value`.
struct Entries<'a> {
    keys: &'a [&'static str],
    pos: usize,
    value: Tracer<'a>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        let Some(&key) = self.keys.get(self.pos) else {
            return Ok(None);
        };
        if matches!(self.value.mode, Mode::Record(_)) && self.keys == ["\u{2}key"] {
            let ty = std::any::type_name::<K::Value>();
            assert_eq!(ty, "alloc::string::String", "a map keyed by {ty}");
        }
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        self.pos += 1;
        seed.deserialize(Tracer {
            ty: std::any::type_name::<V::Value>(),
            ..self.value
        })
    }
}

/// Offers one item read through `item`, or none.
struct Items<'a> {
    item: Option<Tracer<'a>>,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        match self.item.take() {
            Some(t) => seed
                .deserialize(Tracer {
                    ty: std::any::type_name::<T::Value>(),
                    ..t
                })
                .map(Some),
            None => Ok(None),
        }
    }
}

/// The string a bare string field is first given.
const PROBE: &str = "\u{1}probe";

/// The key a traced map is offered.
const MAP_KEY: &[&str] = &["\u{2}key"];

impl<'de, 'a> Deserializer<'de> for Tracer<'a> {
    type Error = Stop;

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        let inner = Tracer {
            ty: inside_option(self.ty),
            ..self
        };
        match self.mode {
            Mode::Walk { .. } => v.visit_some(inner),
            Mode::Minimal => v.visit_none(),
            Mode::Record(_) if expecting(&v) == "option" => {
                self.push(Step::Option);
                v.visit_some(inner)
            }
            Mode::Record(_) => self.leaf("option", v),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        match self.mode {
            Mode::Minimal => v.visit_seq(Items { item: None }),
            Mode::Record(_) => {
                self.push(Step::List);
                v.visit_seq(Items { item: Some(self) })
            }
            Mode::Walk { .. } => v.visit_seq(Items { item: Some(self) }),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        match self.mode {
            Mode::Minimal => v.visit_map(self.entries(&[], self)),
            Mode::Record(_) => {
                self.push(Step::Map);
                v.visit_map(self.entries(MAP_KEY, self))
            }
            Mode::Walk { .. } => v.visit_map(self.entries(MAP_KEY, self)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        if matches!(self.mode, Mode::Record(_)) {
            self.push(Step::Newtype(name));
        }
        v.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        match self.mode {
            Mode::Minimal => v.visit_map(self.entries(&[], self)),
            Mode::Record(_) => {
                self.push(Step::Struct {
                    ty: self.ty,
                    name,
                    fields,
                });
                Err(unwind())
            }
            Mode::Walk { path, goal } => {
                let Some((next, rest)) = path.split_first() else {
                    let outcome = match goal {
                        Goal::Fields => {
                            self.seen.borrow_mut().root = Some((self.ty, name, fields));
                            return Err(unwind());
                        }
                        Goal::Field(keys, text) => {
                            v.visit_map(self.entries(keys, self.with(Mode::Record(text))))
                        }
                        Goal::Keys(keys) => {
                            v.visit_map(self.entries(keys, self.with(Mode::Minimal)))
                        }
                    };
                    self.seen.borrow_mut().outcome = Some(outcome.map(|_| ()).map_err(|e| e.0));
                    return Err(unwind());
                };
                let walk = self.with(Mode::Walk { path: rest, goal });
                v.visit_map(self.entries(std::slice::from_ref(next), walk))
            }
        }
    }

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("any", v)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("bool", v)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("i8", v)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("i16", v)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("i32", v)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("i64", v)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("u8", v)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("u16", v)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("u32", v)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("u64", v)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("f32", v)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("f64", v)
    }
    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("char", v)
    }
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("str", v)
    }
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("string", v)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("bytes", v)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("byte_buf", v)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("unit", v)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        self.leaf("unit_struct", v)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Stop> {
        self.leaf("tuple", v)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, Stop> {
        self.leaf("tuple_struct", v)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        self.leaf("enum", v)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("identifier", v)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.leaf("ignored_any", v)
    }
}

/// Runs a root type's impl over a tracer.
type Entry = for<'a> fn(Tracer<'a>) -> Result<(), Stop>;

fn entry<T: DeserializeOwned>(t: Tracer<'_>) -> Result<(), Stop> {
    let t = Tracer {
        ty: std::any::type_name::<T>(),
        ..t
    };
    T::deserialize(t).map(|_| ())
}

/// A known kind and the type `model::decode` decodes it into.
struct RootType {
    kind: KnownKind,
    entry: Entry,
}

/// Makes the [`RootType`] of a kind.
struct MakeRoot(KnownKind);

impl WithType for MakeRoot {
    type Out = RootType;
    fn resource<T: DeserializeOwned + k8s_openapi::Resource>(self) -> RootType {
        RootType {
            kind: self.0,
            entry: entry::<T>,
        }
    }
    fn legacy(self) -> RootType {
        RootType {
            kind: self.0,
            entry: entry::<LegacyIngress>,
        }
    }
}

fn roots() -> Vec<RootType> {
    ALL_KINDS
        .iter()
        .map(|&k| with_type(k, MakeRoot(k)))
        .collect()
}

/// A struct found, and how to reach it from a root.
struct Found {
    name: &'static str,
    fields: &'static [&'static str],
    root: usize,
    path: Vec<&'static str>,
    /// Rust source of each field's slot, in `fields` order.
    slots: Vec<String>,
    has_required: bool,
}

struct Generator {
    roots: Vec<RootType>,
    found: Vec<Found>,
    by_type: HashMap<&'static str, usize>,
}

impl Generator {
    fn run(&self, root: usize, path: &[&'static str], goal: Goal<'_>) -> Seen {
        let seen = RefCell::new(Seen::default());
        let tracer = Tracer {
            mode: Mode::Walk { path, goal },
            ty: "root",
            seen: &seen,
        };
        let entry = self.roots.get(root).map(|r| r.entry).expect("a root");
        match entry(tracer) {
            Err(e) if e.0 == UNWIND => {}
            other => panic!("a run did not end where the tracer stopped it: {other:?}"),
        }
        seen.into_inner()
    }

    /// The id of the struct of Rust type `ty`, adding it the first time.
    fn intern(
        &mut self,
        ty: &'static str,
        name: &'static str,
        fields: &'static [&'static str],
        root: usize,
        path: Vec<&'static str>,
    ) -> usize {
        if let Some(&id) = self.by_type.get(ty) {
            let known = self.found.get(id).expect("interned");
            assert_eq!((known.name, known.fields), (name, fields), "{ty}");
            return id;
        }
        let id = self.found.len();
        self.found.push(Found {
            name,
            fields,
            root,
            path,
            slots: Vec::new(),
            has_required: false,
        });
        self.by_type.insert(ty, id);
        id
    }

    /// The Rust source of the shape the calls `steps` make.
    fn shape(&mut self, steps: &[Step], root: usize, path: &[&'static str]) -> String {
        let leaf = |s: &Step, want: &str| matches!(s, Step::Leaf(l) if l == want);
        match steps {
            [Step::List, rest @ ..] => format!("Shape::List(&{})", self.shape(rest, root, path)),
            [Step::Map, rest @ ..] => format!("Shape::Map(&{})", self.shape(rest, root, path)),
            [Step::Struct { ty, name, fields }] => {
                let id = self.intern(ty, name, fields, root, path.to_vec());
                format!("Shape::Struct({id})")
            }
            [Step::Newtype("Quantity"), l] if leaf(l, "any: Quantity") => "Shape::Quantity".into(),
            [Step::Newtype("Time"), l] if leaf(l, "str: a timestamp string") => {
                "Shape::Time".into()
            }
            [Step::Newtype("MicroTime"), l] if leaf(l, "str: a timestamp string") => {
                "Shape::MicroTime".into()
            }
            [Step::Newtype("FieldsV1" | "RawExtension"), l] | [l]
                if leaf(l, "any: any valid JSON value") =>
            {
                "Shape::Json".into()
            }
            [l] if leaf(l, "any: IntOrString") => "Shape::IntOrString".into(),
            [l] if leaf(l, "string: a string") => "Shape::Str".into(),
            [l] if leaf(l, "bool: a boolean") => "Shape::Bool".into(),
            [l] if leaf(l, "i32: i32") => "Shape::I32".into(),
            [l] if leaf(l, "i64: i64") => "Shape::I64".into(),
            [l] if leaf(l, "f64: f64") => "Shape::F64".into(),
            [l] if leaf(l, "option: a base64-encoded string") => "Shape::ByteString".into(),
            other => panic!(
                "no shape for {other:?} at {path:?}: say in `shape` (and `leaf`) how the strict \
                 decoder reads it"
            ),
        }
    }

    /// Traces field `field` of struct `id`.
    fn slot(&mut self, id: usize, field: &'static str) -> String {
        let (root, mut path) = {
            let f = self.found.get(id).expect("found");
            (f.root, f.path.clone())
        };
        let seen = self.run(root, &path, Goal::Field(&[field], PROBE));
        path.push(field);
        let (nullable, steps) = match seen.steps.split_first() {
            Some((Step::Option, rest)) => (true, rest),
            _ => (false, seen.steps.as_slice()),
        };
        let mut shape = self.shape(steps, root, &path);
        match seen.outcome {
            Some(Ok(())) => {}
            Some(Err(e)) if e == UNWIND => {}
            Some(Err(e)) => {
                // The impl refused a string: it wants one string only, which it names.
                assert!(!nullable && shape == "Shape::Str", "{path:?}: {e}");
                let want = e
                    .strip_prefix(&format!("invalid value: string {PROBE:?}, expected "))
                    .unwrap_or_else(|| panic!("{path:?}: {e}"));
                let again = self.run(root, &path[..path.len() - 1], Goal::Field(&[field], want));
                assert_eq!(
                    again.outcome,
                    Some(Ok(())),
                    "{path:?}: {want:?} refused too"
                );
                shape = format!("Shape::Const({want:?})");
            }
            None => panic!("{path:?}: the struct was never reached"),
        }
        if nullable {
            format!("Slot::opt({shape})")
        } else {
            format!("Slot::bare({shape})")
        }
    }

    /// The fields struct `id` fails without: keys are offered until it asks for none.
    fn required(&self, id: usize) -> Vec<&'static str> {
        let f = self.found.get(id).expect("found");
        let mut keys: Vec<&'static str> = Vec::new();
        loop {
            let seen = self.run(f.root, &f.path, Goal::Keys(&keys));
            match seen.outcome {
                Some(Ok(())) => return keys,
                Some(Err(e)) => {
                    let missing = e
                        .strip_prefix("missing field `")
                        .and_then(|r| r.strip_suffix('`'))
                        .and_then(|m| f.fields.iter().find(|x| **x == m));
                    match missing {
                        Some(m) if !keys.contains(m) => keys.push(m),
                        _ => panic!("{}: minimal values refused: {e}", f.name),
                    }
                }
                None => panic!("{}: the struct was never reached", f.name),
            }
        }
    }

    fn trace_all(&mut self) -> Vec<usize> {
        let mut root_ids = Vec::new();
        for r in 0..self.roots.len() {
            let seen = self.run(r, &[], Goal::Fields);
            let (ty, name, fields) = seen.root.expect("a root struct");
            root_ids.push(self.intern(ty, name, fields, r, Vec::new()));
        }
        let mut id = 0;
        while id < self.found.len() {
            let fields = self.found.get(id).map(|f| f.fields).unwrap_or_default();
            let mut slots: Vec<String> = fields.iter().map(|field| self.slot(id, field)).collect();
            let required = self.required(id);
            for (field, slot) in fields.iter().zip(slots.iter_mut()) {
                if required.contains(field) {
                    assert!(
                        slot.starts_with("Slot::bare("),
                        "{field}: required and nullable"
                    );
                    *slot = slot.replacen("Slot::bare(", "Slot::required(", 1);
                }
            }
            if let Some(f) = self.found.get_mut(id) {
                f.slots = slots;
                f.has_required = !required.is_empty();
            }
            id += 1;
        }
        root_ids
    }
}

/// The text of `table.rs` as the impls are now.
pub fn generate() -> String {
    let mut g = Generator {
        roots: roots(),
        found: Vec::new(),
        by_type: HashMap::new(),
    };
    let root_ids = g.trace_all();
    let mut out = String::new();
    out.push_str(
        "//! The schema of every struct the known kinds decode through, as their `Deserialize`\n\
         //! impls read it.\n\
         //!\n\
         //! @generated by `model::schema::trace` from `k8s-openapi` and `model::legacy`: do not edit.\n\
         //! Regenerate with `KPLINT_REGENERATE_SCHEMA=1 cargo test --lib schema::trace`.\n\n\
         use super::shape::{Root, Shape, Slot, StructSchema};\n\
         use crate::model::kinds::KnownKind;\n\n",
    );
    let _ = writeln!(out, "/// Every struct, referred to by index.");
    let _ = writeln!(
        out,
        "pub static STRUCTS: [StructSchema; {}] = [",
        g.found.len()
    );
    for (id, f) in g.found.iter().enumerate() {
        let _ = writeln!(out, "    // {id}");
        let _ = writeln!(out, "    StructSchema {{");
        let _ = writeln!(out, "        name: {:?},", f.name);
        let _ = writeln!(out, "        fields: &[");
        for field in f.fields {
            let _ = writeln!(out, "            {field:?},");
        }
        let _ = writeln!(out, "        ],");
        let _ = writeln!(out, "        slots: &[");
        for (field, slot) in f.fields.iter().zip(&f.slots) {
            let named = name_structs(slot, &g.found);
            let _ = writeln!(out, "            {named}, // {field}");
        }
        let _ = writeln!(out, "        ],");
        let _ = writeln!(out, "        has_required: {},", f.has_required);
        let _ = writeln!(out, "    }},");
    }
    let _ = writeln!(out, "];\n");
    let _ = writeln!(out, "/// Where each known kind's decode starts.");
    let _ = writeln!(out, "pub static ROOTS: [Root; {}] = [", g.roots.len());
    for (r, id) in g.roots.iter().zip(&root_ids) {
        let _ = writeln!(
            out,
            "    Root {{ kind: KnownKind::{:?}, schema: {id} }},",
            r.kind
        );
    }
    let _ = writeln!(out, "];");
    out
}

/// `Shape::Struct(12)` becomes `Shape::Struct(12 /* Container */)`, for the reader.
fn name_structs(slot: &str, found: &[Found]) -> String {
    let mut out = String::new();
    let mut rest = slot;
    while let Some(at) = rest.find("Shape::Struct(") {
        let (head, tail) = rest.split_at(at + "Shape::Struct(".len());
        out.push_str(head);
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        let name = digits
            .parse::<usize>()
            .ok()
            .and_then(|id| found.get(id))
            .map_or("?", |f| f.name);
        let _ = write!(out, "{digits} /* {name} */");
        rest = tail.get(digits.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_table_is_what_the_impls_say() {
        let fresh = generate();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/schema/table.rs");
        if std::env::var_os("KPLINT_REGENERATE_SCHEMA").is_some() {
            std::fs::write(path, &fresh).expect("writable table.rs");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == fresh,
            "src/model/schema/table.rs is stale: regenerate it with \
             `KPLINT_REGENERATE_SCHEMA=1 cargo test --lib schema::trace`"
        );
    }
}
