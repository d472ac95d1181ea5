//! Scalar resolution exactly as kubectl reads YAML: go-yaml v2's YAML 1.1 rules, then JSON.
//!
//! kubectl converts YAML to JSON with `sigs.k8s.io/yaml` (go-yaml v2 underneath) before the API
//! server decodes it, so an unquoted `yes` is a boolean and `0644` is the octal integer 420.

use super::tree::ScalarStyle;

/// What a scalar means once resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'a str),
}

/// The YAML core tag written on a scalar, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScalarTag {
    /// No tag: resolve by content.
    #[default]
    None,
    Str,
    Int,
    Float,
    Bool,
    Null,
    /// `!` or an application tag (`!Ref`): the content stays a string.
    Other,
}

impl ScalarTag {
    /// Classifies a parser tag (`handle` + `suffix`).
    pub fn from_parts(handle: &str, suffix: &str) -> ScalarTag {
        if handle == "tag:yaml.org,2002:" {
            match suffix {
                "str" => ScalarTag::Str,
                "int" => ScalarTag::Int,
                "float" => ScalarTag::Float,
                "bool" => ScalarTag::Bool,
                "null" => ScalarTag::Null,
                _ => ScalarTag::Other,
            }
        } else {
            ScalarTag::Other
        }
    }
}

/// Resolves a scalar's text given how it was written.
pub fn resolve(text: &str, style: ScalarStyle, tag: ScalarTag) -> Resolved<'_> {
    match tag {
        ScalarTag::Str | ScalarTag::Other => return Resolved::Str(text),
        ScalarTag::None if style != ScalarStyle::Plain => return Resolved::Str(text),
        _ => {}
    }
    let plain = resolve_plain(text);
    match (tag, plain) {
        (ScalarTag::None, r) => r,
        (ScalarTag::Int, r @ (Resolved::Int(_) | Resolved::Uint(_))) => r,
        (ScalarTag::Float, Resolved::Int(i)) => Resolved::Float(i as f64),
        (ScalarTag::Float, r @ Resolved::Float(_)) => r,
        (ScalarTag::Bool, r @ Resolved::Bool(_)) => r,
        (ScalarTag::Null, _) => Resolved::Null,
        // A tag that contradicts the content: go-yaml fails; keep the text so the decoder reports
        // a type error at this node instead of guessing.
        _ => Resolved::Str(text),
    }
}

/// True when the plain scalar `text` can only resolve to the string itself: it does not start
/// like a number, a boolean, a null or an infinity, or it starts with a letter and is longer
/// than every null or boolean word (`namespace`, `targetPort`: no number starts with a letter).
/// A cheap test that spares the hot key lookups a full [`resolve_plain`].
pub fn plain_is_string(text: &str) -> bool {
    text.as_bytes().first().is_some_and(|b| {
        (text.len() > LONGEST_WORD && b.is_ascii_alphabetic())
            || !matches!(
                b,
                b'0'..=b'9'
                    | b'-'
                    | b'+'
                    | b'.'
                    | b'~'
                    | b'n'
                    | b'N'
                    | b'y'
                    | b'Y'
                    | b't'
                    | b'T'
                    | b'o'
                    | b'O'
                    | b'f'
                    | b'F'
            )
    })
}

/// The longest word go-yaml resolves to null or a boolean (`false`, `FALSE`).
const LONGEST_WORD: usize = 5;

/// go-yaml v2's resolution of a plain (unquoted, untagged) scalar.
pub fn resolve_plain(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'x');
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Resolved::Str(text);
    }
    let cleaned;
    let plain = if text.contains('_') {
        cleaned = text.replace('_', "");
        cleaned.as_str()
    } else {
        text
    };
    if let Some(i) = parse_go_int(plain) {
        return Resolved::Int(i);
    }
    if let Some(u) = parse_go_uint(plain) {
        return Resolved::Uint(u);
    }
    if is_yaml_float(plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return Resolved::Float(f);
        }
    }
    Resolved::Str(text)
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, then `0x`, `0o`, `0b`, a leading `0` (octal) or decimal.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => (false, s),
    };
    let magnitude = parse_go_magnitude(body)?;
    if neg {
        if magnitude == 1u64 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(magnitude).ok().map(|m| -m)
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
fn parse_go_uint(s: &str) -> Option<u64> {
    let body = s.strip_prefix('+').unwrap_or(s);
    parse_go_magnitude(body)
}

fn parse_go_magnitude(body: &str) -> Option<u64> {
    if body.is_empty() {
        return None;
    }
    let after_prefix = body.get(2..).unwrap_or("");
    let (digits, radix) = match body.as_bytes() {
        [b'0', b'x' | b'X', ..] => (after_prefix, 16),
        [b'0', b'o' | b'O', ..] => (after_prefix, 8),
        [b'0', b'b' | b'B', ..] => (after_prefix, 2),
        _ if body.len() > 1 && body.starts_with('0') => (body.get(1..).unwrap_or(""), 8),
        _ => (body, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let mut rest = s.strip_prefix(['-', '+']).unwrap_or(s);
    let digits = |r: &str| r.bytes().take_while(u8::is_ascii_digit).count();
    let int_digits = digits(rest);
    rest = rest.get(int_digits..).unwrap_or("");
    if let Some(after_dot) = rest.strip_prefix('.') {
        let frac_digits = digits(after_dot);
        if int_digits == 0 && frac_digits == 0 {
            return false;
        }
        rest = after_dot.get(frac_digits..).unwrap_or("");
    } else if int_digits == 0 {
        return false;
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        let exp_digits = digits(exp);
        if exp_digits == 0 {
            return false;
        }
        rest = exp.get(exp_digits..).unwrap_or("");
    }
    rest.is_empty()
}

/// The JSON object key kubectl produces for a scalar mapping key.
pub fn key_string(text: &str, style: ScalarStyle, tag: ScalarTag) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match resolve(text, style, tag) {
        Resolved::Str(s) => Cow::Borrowed(s),
        Resolved::Null => Cow::Borrowed("null"),
        Resolved::Bool(true) => Cow::Borrowed("true"),
        Resolved::Bool(false) => Cow::Borrowed("false"),
        Resolved::Int(i) => Cow::Owned(i.to_string()),
        Resolved::Uint(u) => Cow::Owned(u.to_string()),
        Resolved::Float(f) => Cow::Owned(f.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Resolved<'_> {
        resolve(s, ScalarStyle::Plain, ScalarTag::None)
    }

    #[test]
    fn a_plain_string_by_the_cheap_test_is_one_by_full_resolution() {
        for t in [
            "app",
            "kind",
            "spec",
            "Name",
            "_x",
            "a1",
            "é",
            "!",
            "@",
            "y",
            "n",
            "yes",
            "on",
            "true",
            "null",
            "~",
            "1",
            "-1",
            ".5",
            "+1",
            ".inf",
            "0x1F",
            "",
            "no",
            "Off",
            "False",
            "tier",
            "owner",
            "fix",
            "YAML",
            "zone",
            "namespace",
            "nodeSelector",
            "offset",
            "FALSEY",
            "nulls",
            "yes_no",
            "onward",
            "true1",
            "Nope",
            "off-by-one",
        ] {
            if plain_is_string(t) {
                assert_eq!(plain(t), Resolved::Str(t), "{t}");
            }
        }
        assert!(plain_is_string("apiVersion"));
        assert!(plain_is_string("namespace"));
        assert!(!plain_is_string("true"));
        assert!(!plain_is_string("FALSE"));
        assert!(!plain_is_string(""));
    }

    #[test]
    fn yaml_1_1_booleans() {
        for t in [
            "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "true", "True",
        ] {
            assert_eq!(plain(t), Resolved::Bool(true), "{t}");
        }
        for f in [
            "no", "No", "NO", "n", "N", "off", "Off", "OFF", "false", "FALSE",
        ] {
            assert_eq!(plain(f), Resolved::Bool(false), "{f}");
        }
        assert_eq!(plain("yEs"), Resolved::Str("yEs"));
    }

    #[test]
    fn integers_as_go_parses_them() {
        assert_eq!(plain("8080"), Resolved::Int(8080));
        assert_eq!(plain("0644"), Resolved::Int(420));
        assert_eq!(plain("0x1F"), Resolved::Int(31));
        assert_eq!(plain("0b101"), Resolved::Int(5));
        assert_eq!(plain("-12"), Resolved::Int(-12));
        assert_eq!(plain("+7"), Resolved::Int(7));
        assert_eq!(plain("1_000"), Resolved::Int(1000));
        assert_eq!(plain("18446744073709551615"), Resolved::Uint(u64::MAX));
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(plain("1.5"), Resolved::Float(1.5));
        assert_eq!(plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(plain(".5"), Resolved::Float(0.5));
        // "08" is not valid octal; go-yaml falls through to the float pattern.
        assert_eq!(plain("08"), Resolved::Float(8.0));
        assert_eq!(plain("1.2.3"), Resolved::Str("1.2.3"));
        assert_eq!(plain("500m"), Resolved::Str("500m"));
        assert_eq!(plain("-"), Resolved::Str("-"));
        assert_eq!(plain("."), Resolved::Str("."));
        assert_eq!(plain("="), Resolved::Str("="));
        assert_eq!(plain("2001-12-14"), Resolved::Str("2001-12-14"));
    }

    #[test]
    fn nulls() {
        assert_eq!(plain(""), Resolved::Null);
        assert_eq!(plain("~"), Resolved::Null);
        assert_eq!(plain("null"), Resolved::Null);
    }

    #[test]
    fn quoting_and_tags_keep_strings() {
        assert_eq!(
            resolve("yes", ScalarStyle::DoubleQuoted, ScalarTag::None),
            Resolved::Str("yes")
        );
        assert_eq!(
            resolve("8080", ScalarStyle::Plain, ScalarTag::Str),
            Resolved::Str("8080")
        );
        assert_eq!(
            resolve("5", ScalarStyle::Plain, ScalarTag::Int),
            Resolved::Int(5)
        );
        assert_eq!(
            resolve("x", ScalarStyle::Plain, ScalarTag::Int),
            Resolved::Str("x")
        );
    }

    #[test]
    fn keys_become_json_strings() {
        assert_eq!(
            key_string("on", ScalarStyle::Plain, ScalarTag::None),
            "true"
        );
        assert_eq!(key_string("80", ScalarStyle::Plain, ScalarTag::None), "80");
        assert_eq!(
            key_string("app", ScalarStyle::Plain, ScalarTag::None),
            "app"
        );
    }
}
