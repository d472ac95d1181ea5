//! `pattern:` as the API server reads it: Go's RE2 syntax, matched anywhere in the string
//! (JSON Schema does not anchor). Rust's `regex` crate has RE2's syntax and guarantees (no
//! backreferences, no lookaround, linear time); where the two differ, the pattern is rewritten:
//! RE2's `\d`, `\w`, `\s` and `\b` are ASCII-only, the crate's are Unicode-aware.

use regex::{Regex, RegexBuilder};

/// Compiled patterns are bounded: a schema is untrusted input.
const SIZE_LIMIT: usize = 1 << 20;
/// Longer pattern texts are not compiled.
const MAX_PATTERN: usize = 16 * 1024;

/// The compiled pattern, or `None` when it is too large or does not compile (the field is then
/// not checked against it: the engines' syntax differs in corners, and a pattern the API server
/// accepted must not turn into false findings).
pub fn compile(pattern: &str) -> Option<Regex> {
    if pattern.len() > MAX_PATTERN {
        return None;
    }
    RegexBuilder::new(&as_re2(pattern))
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .ok()
}

/// `pattern` with RE2's ASCII-only classes written out.
fn as_re2(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    // Inside `[...]` a class is written without its brackets.
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let ascii = match next {
                    'd' => Some("0-9"),
                    'w' => Some("0-9A-Za-z_"),
                    's' => Some("\\t\\n\\f\\r "),
                    _ => None,
                };
                match (ascii, in_class) {
                    (Some(set), true) => out.push_str(set),
                    (Some(set), false) => {
                        out.push('[');
                        out.push_str(set);
                        out.push(']');
                    }
                    (None, _) => match next {
                        'D' | 'W' | 'S' | 'b' | 'B' if !in_class => {
                            out.push_str("(?-u:\\");
                            out.push(next);
                            out.push(')');
                        }
                        _ => {
                            out.push('\\');
                            out.push(next);
                        }
                    },
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // `]` or `^]` right after the bracket is a literal.
                let rest = chars.as_str();
                for lead in ["^]", "]", "^"] {
                    if rest.starts_with(lead) {
                        out.push_str(lead);
                        for _ in 0..lead.len() {
                            chars.next();
                        }
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unanchored_like_json_schema() {
        let r = compile("[a-z]+").unwrap();
        assert!(r.is_match("ABC-x"));
        assert!(!compile("^[a-z]+$").unwrap().is_match("ABC-x"));
    }

    #[test]
    fn classes_are_ascii_as_in_re2() {
        assert!(!compile("^\\d+$").unwrap().is_match("١٢"));
        assert!(compile("^\\d+$").unwrap().is_match("12"));
        assert!(!compile("^[\\w.]+$").unwrap().is_match("é"));
        assert!(compile("^[\\w.]+$").unwrap().is_match("a.b_1"));
        assert!(compile("^[]a]+$").unwrap().is_match("]a"));
    }

    #[test]
    fn oversized_or_foreign_patterns_are_not_compiled() {
        assert!(compile(&"a".repeat(MAX_PATTERN + 1)).is_none());
        assert!(compile("(a{1000}){1000}").is_none());
        // Lookaround is neither RE2's nor the crate's.
        assert!(compile("(?=a)").is_none());
    }
}
