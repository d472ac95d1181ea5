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
    /// Null.
    Unit,
    /// A boolean, YAML 1.1 words included (`yes`, `off`).
    Bool(bool),
    /// A non-negative integer, an integral float included (`3.0`).
    U64(u64),
    /// Only negative integers: the decoder hands the others over as `u64`.
    I64(i64),
    /// A float with a fraction, or too large to be read as an integer.
    F64(f64),
    /// A string (quoted, block, or plain and not resolved to anything else).
    Str(&'a str),
}

/// What the strict decoder feeds for `s`, or `None` where this check does not follow it: a
/// tagged scalar, a number JSON cannot hold (the decode fails), a long number-like text with `_`.
#[inline]
pub fn fed<'a>(s: &Scalar<'a>) -> Option<Fed<'a>> {
    if s.tag != ScalarTag::None {
        return None;
    }
    if s.style != ScalarStyle::Plain || plain_is_string(s.text) {
        return Some(Fed::Str(s.text));
    }
    plain(s.text)
}

/// [`fed`] of a plain scalar that may be more than its text: the rarer case, kept out of line
/// so that the common one inlines.
fn plain(text: &str) -> Option<Fed<'_>> {
    let first = text.as_bytes().first();
    if let Some(n) = decimal(text) {
        return Some(Fed::U64(n));
    }
    if first.is_some_and(u8::is_ascii_digit) && !text.bytes().all(in_numbers) {
        // `500m`, `128Mi`: no number has such a byte, and no word resolved before numbers
        // (`.inf`, `~`, `yes`) starts with a digit.
        return Some(Fed::Str(text));
    }
    let numeric = first.is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    let resolved = if numeric && text.contains('_') {
        underscored(text)?
    } else {
        resolve_plain(text)
    };
    Some(match resolved {
        Resolved::Null => Fed::Unit,
        Resolved::Bool(b) => Fed::Bool(b),
        Resolved::Int(i) => int(i),
        Resolved::Uint(u) => Fed::U64(u),
        // Go writes an integral float without a fraction, so the decoder reads it as an integer.
        Resolved::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => int(f as i64),
        Resolved::Float(f) if f.is_finite() => Fed::F64(f),
        Resolved::Float(_) => return None,
        Resolved::Str(_) => Fed::Str(text),
    })
}

/// True for the bytes a number go-yaml resolves can be written with (digits of every base,
/// base prefixes, sign, point, exponent, `_`).
fn in_numbers(b: u8) -> bool {
    b.is_ascii_hexdigit() || matches!(b, b'x' | b'X' | b'o' | b'O' | b'+' | b'-' | b'.' | b'_')
}

/// The value of a plain decimal integer without sign or leading zero (`80`, `3`), which
/// `resolve_plain` reads as the same `Int`: the common number, read without the general parse.
#[inline]
fn decimal(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let fits = matches!(bytes.len(), 1..=18);
    let leading_zero = bytes.len() > 1 && bytes.first() == Some(&b'0');
    if !fits || leading_zero || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, &b| n * 10 + u64::from(b - b'0')))
}

/// `resolve_plain` of a number-like `text` with `_`, which it resolves by parsing the text
/// without them: done here without allocating. `None` when unsure.
fn underscored(text: &str) -> Option<Resolved<'_>> {
    let number_bytes = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_');
    if !text.as_bytes().iter().all(number_bytes) {
        // No number has any other byte: it stays the text.
        return Some(Resolved::Str(text));
    }
    let mut buf = [0u8; 64];
    let mut len = 0;
    for &b in text.as_bytes().iter().filter(|&&b| b != b'_') {
        *buf.get_mut(len)? = b;
        len += 1;
    }
    let cleaned = std::str::from_utf8(buf.get(..len)?).ok()?;
    // `text` holds `_`, so it is none of the words (`.inf`) resolved before the underscores go.
    Some(match resolve_plain(cleaned) {
        Resolved::Str(_) => Resolved::Str(text),
        Resolved::Float(f) if !f.is_finite() => return None,
        Resolved::Null | Resolved::Bool(_) => return None,
        Resolved::Int(i) => Resolved::Int(i),
        Resolved::Uint(u) => Resolved::Uint(u),
        Resolved::Float(f) => Resolved::Float(f),
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
#[inline]
pub fn accepts(shape: Shape, v: Fed<'_>) -> bool {
    const I32_MAX: u64 = i32::MAX as u64;
    const I32_MIN: i64 = i32::MIN as i64;
    const I64_MAX: u64 = i64::MAX as u64;
    match (shape, v) {
        (Shape::Str, Fed::Str(_)) | (Shape::Bool, Fed::Bool(_)) | (Shape::Json, _) => true,
        (Shape::I32 | Shape::IntOrString, Fed::U64(u)) => u <= I32_MAX,
        (Shape::I32 | Shape::IntOrString, Fed::I64(i)) => i >= I32_MIN,
        (Shape::IntOrString, Fed::Str(_)) => true,
        (Shape::Const(c), Fed::Str(s)) => s == c,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::scalar::resolve;

    #[test]
    fn digit_and_letter_led_scalars_read_as_resolve_plain_reads_them() {
        for text in [
            "500m",
            "128Mi",
            "1Gi",
            "10.0.0.1",
            "1e3",
            "1E3",
            "0x1F",
            "0o17",
            "0b101",
            "1.5",
            "2021-01-01",
            "1_000",
            "3d",
            "1h30m",
            "0xZZ",
            "1e",
            "08",
            "9ms",
            "1/2",
            "1:2",
        ] {
            let s = Scalar {
                text,
                style: ScalarStyle::Plain,
                tag: ScalarTag::None,
            };
            let want = match resolve(text, ScalarStyle::Plain, ScalarTag::None) {
                Resolved::Null => Fed::Unit,
                Resolved::Bool(b) => Fed::Bool(b),
                Resolved::Int(i) => int(i),
                Resolved::Uint(u) => Fed::U64(u),
                Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => int(f as i64),
                Resolved::Float(f) => Fed::F64(f),
                Resolved::Str(t) => Fed::Str(t),
            };
            assert_eq!(fed(&s), Some(want), "{text}");
        }
    }

    #[test]
    fn plain_decimals_read_as_resolve_plain_reads_them() {
        for text in [
            "0",
            "7",
            "80",
            "00",
            "08",
            "012",
            "123456789012345678",
            "1234567890123456789",
            "999999999999999999",
            "1a",
            "",
            "-1",
            "+1",
            "1.0",
        ] {
            if let Some(n) = decimal(text) {
                assert_eq!(resolve_plain(text), Resolved::Int(n as i64), "{text}");
            }
        }
        assert_eq!(decimal("80"), Some(80));
        assert_eq!(decimal("012"), None);
    }

    #[test]
    fn underscores_resolve_as_the_decoder_resolves_them() {
        for text in [
            "1_000",
            "-1_0",
            "+1_0",
            "0x_1F",
            "1_0.5",
            "1_0e3",
            ".5_0",
            "1_0_",
            "-_",
            "--a_b",
            "--model-id=$(MODEL_ID)",
            "-a_b",
            "1_Gi",
            "0b1_01",
            "0o1_7",
            "1.2.3_4",
            ".in_f",
            "-.in_f",
            ".na_n",
            "9_223_372_036_854_775_808",
            "1_8446744073709551616",
        ] {
            let s = Scalar {
                text,
                style: ScalarStyle::Plain,
                tag: ScalarTag::None,
            };
            let want = match resolve(text, ScalarStyle::Plain, ScalarTag::None) {
                Resolved::Str(t) => Some(Resolved::Str(t)),
                Resolved::Float(f) if !f.is_finite() => None,
                r => Some(r),
            };
            let got = underscored(text);
            assert!(got.is_none() || got == want, "{text}: {got:?} vs {want:?}");
            assert!(
                fed(&s).is_some() == want.is_some() || got.is_none(),
                "{text}"
            );
        }
    }
}
