//! Which written scalars each leaf shape accepts, fed to it the way the strict decoder feeds
//! them (`model::strict`: go-yaml v2 resolution, then integral floats read as integers).

use serde::de::value::BorrowedStrDeserializer;
use serde::Deserialize;

use super::shape::Shape;
use crate::source::scalar::{plain_is_string, resolve_plain, Resolved, ScalarTag};
use crate::source::tree::{Scalar, ScalarStyle};

/// A scalar as the strict decoder hands it to a visitor (`visit_unit`, `visit_bool`, …).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fed<'a> {
    Unit,
    Bool(bool),
    U64(u64),
    /// Only negative integers: the decoder hands the others over as `u64`.
    I64(i64),
    F64(f64),
    Str(&'a str),
}

/// What the strict decoder feeds for `s`, or `None` where this check does not follow it: a
/// tagged scalar, a number JSON cannot hold (the decode fails), a number with `_` (resolving it
/// allocates).
#[inline]
pub fn fed<'a>(s: &Scalar<'a>) -> Option<Fed<'a>> {
    if s.tag != ScalarTag::None {
        return None;
    }
    if s.style != ScalarStyle::Plain || plain_is_string(s.text) {
        return Some(Fed::Str(s.text));
    }
    let numeric = s
        .text
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    if numeric && s.text.contains('_') {
        return None;
    }
    Some(match resolve_plain(s.text) {
        Resolved::Null => Fed::Unit,
        Resolved::Bool(b) => Fed::Bool(b),
        Resolved::Int(i) => int(i),
        Resolved::Uint(u) => Fed::U64(u),
        // Go writes an integral float without a fraction, so the decoder reads it as an integer.
        Resolved::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => int(f as i64),
        Resolved::Float(f) if f.is_finite() => Fed::F64(f),
        Resolved::Float(_) => return None,
        Resolved::Str(t) => Fed::Str(t),
    })
}

fn int(i: i64) -> Fed<'static> {
    match u64::try_from(i) {
        Ok(u) => Fed::U64(u),
        Err(_) => Fed::I64(i),
    }
}

/// True when a value of `shape` read as `T` (not `Option<T>`) takes the scalar `v`. Collection
/// and struct shapes take no scalar.
pub fn accepts(shape: Shape, v: Fed<'_>) -> bool {
    const I32_MAX: u64 = i32::MAX as u64;
    const I32_MIN: i64 = i32::MIN as i64;
    const I64_MAX: u64 = i64::MAX as u64;
    match (shape, v) {
        (Shape::Str, Fed::Str(_)) | (Shape::Bool, Fed::Bool(_)) | (Shape::Json, _) => true,
        (Shape::I32 | Shape::IntOrString, Fed::U64(u)) => u <= I32_MAX,
        (Shape::I32 | Shape::IntOrString, Fed::I64(i)) => i >= I32_MIN,
        (Shape::IntOrString, Fed::Str(_)) => true,
        (Shape::I64, Fed::U64(u)) => u <= I64_MAX,
        (Shape::I64, Fed::I64(_)) => true,
        (Shape::F64, Fed::U64(_) | Fed::I64(_) | Fed::F64(_)) => true,
        (Shape::Quantity, Fed::U64(_) | Fed::I64(_) | Fed::F64(_) | Fed::Str(_)) => true,
        (Shape::Time | Shape::MicroTime, Fed::Str(s)) => {
            k8s_openapi::jiff::Timestamp::deserialize(str_de(s)).is_ok()
        }
        // Its impl reads an option of its own: null is an empty string of bytes.
        (Shape::ByteString, Fed::Unit) => true,
        (Shape::ByteString, Fed::Str(s)) => k8s_openapi::ByteString::deserialize(str_de(s)).is_ok(),
        _ => false,
    }
}

/// The strict decoder hands a string over with `visit_borrowed_str`, as this does.
fn str_de(s: &str) -> BorrowedStrDeserializer<'_, serde_json::Error> {
    BorrowedStrDeserializer::new(s)
}
