//! The vocabulary of the schema table: what a struct's fields are and how each value is read.
//!
//! Every shape names one `Deserialize` behaviour of the types kplint decodes, as the strict
//! decoder drives it; `leaf` says which written scalars each one accepts.

use crate::model::kinds::KnownKind;

/// Index of a struct in [`super::table::STRUCTS`].
pub type StructId = u16;

/// How a field's value is read (after its `Option`, if any: see [`Slot`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `String`.
    Str,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `IntOrString`: a string, or an integer that fits 32 bits.
    IntOrString,
    /// `Quantity`: a string or any number (the format is not checked when decoding).
    Quantity,
    /// `Time`: an RFC 3339 timestamp string.
    Time,
    /// `MicroTime`: read as `Time` is.
    MicroTime,
    /// `ByteString`: a base64 string, or null.
    ByteString,
    /// Free JSON (`serde_json::Value`, `FieldsV1`, `RawExtension`): anything JSON can hold.
    Json,
    /// A string the impl requires to be exactly this one (a resource's `apiVersion` and `kind`).
    Const(&'static str),
    /// `Vec<T>`: a sequence of items of the shape.
    List(&'static Shape),
    /// `BTreeMap<String, T>`: a mapping whose keys are free and whose values have the shape.
    Map(&'static Shape),
    /// A struct of the table: a mapping judged against its fields.
    Struct(StructId),
}

/// One field of a struct: its shape and how an absent or null value is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// How the value is read.
    pub shape: Shape,
    /// Read as `Option<T>`: a null value is `None`.
    pub nullable: bool,
    /// Absent, the struct fails with `missing field`.
    pub required: bool,
}

impl Slot {
    /// An `Option<T>` field: null and absent are both fine.
    pub const fn opt(shape: Shape) -> Slot {
        Slot {
            shape,
            nullable: true,
            required: false,
        }
    }

    /// A field read as `T` itself that may be absent (a constant check, a serde default).
    pub const fn bare(shape: Shape) -> Slot {
        Slot {
            shape,
            nullable: false,
            required: false,
        }
    }

    /// A field read as `T` itself that must be written.
    pub const fn required(shape: Shape) -> Slot {
        Slot {
            shape,
            nullable: false,
            required: true,
        }
    }
}

/// A struct's schema: the exact `fields` its `Deserialize` impl passes to `deserialize_struct`,
/// and a slot for each, in the same order.
#[derive(Debug)]
pub struct StructSchema {
    /// The name its impl passes to `deserialize_struct` (not unique: API versions repeat them).
    pub name: &'static str,
    /// The field names, as the impl lists them: any other key is an unknown field.
    pub fields: &'static [&'static str],
    /// How each field is read, in `fields` order.
    pub slots: &'static [Slot],
    /// True when some slot is required (only kplint's own derived structs have any).
    pub has_required: bool,
}

impl StructSchema {
    /// The index and slot of the field named `key`, if the schema has one.
    #[inline]
    pub fn find(&self, key: &str) -> Option<(usize, &Slot)> {
        // Most fields differ from the key in length or first byte: cheaper to rule out so.
        let first = key.as_bytes().first();
        let i = self
            .fields
            .iter()
            .position(|f| f.len() == key.len() && f.as_bytes().first() == first && *f == key)?;
        Some((i, self.slots.get(i)?))
    }
}

/// Where a known kind's decode starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Root {
    /// The kind.
    pub kind: KnownKind,
    /// The struct its object is.
    pub schema: StructId,
}
