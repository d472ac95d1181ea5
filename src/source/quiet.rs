//! Telling a repository's other files from manifests before they are linted: JSON files that
//! are not Kubernetes objects (`tsconfig.json`, `.vscode/launch.json`, `package.json`) and
//! kustomize strategic-merge patches no kustomization names.

use std::path::Path;

use memchr::memmem;

use super::tree::{NodeKind, Tree};

/// True for a path ending in `.json` (any case).
pub fn is_json_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// True when JSON `text` is an object with top-level `"apiVersion"` and `"kind"` keys, judged
/// without parsing: a broken object still counts, so its syntax error is still reported.
pub fn json_is_object(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Most other JSON files never spell either key: settled by two vectorised searches.
    if memmem::find(bytes, b"\"kind\"").is_none()
        || memmem::find(bytes, b"\"apiVersion\"").is_none()
    {
        return false;
    }
    let (mut kind, mut api_version) = (false, false);
    let mut depth = 0usize;
    let mut i = skip_blank(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return false;
    }
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let end = string_end(bytes, i + 1);
                let after = skip_blank(bytes, end);
                if depth == 1 && bytes.get(after) == Some(&b':') {
                    match bytes.get(i + 1..end.saturating_sub(1)) {
                        Some(b"kind") => kind = true,
                        Some(b"apiVersion") => api_version = true,
                        _ => {}
                    }
                }
                i = end;
                continue;
            }
            b'/' => {
                let next = skip_blank(bytes, i);
                if next != i {
                    i = next;
                    continue;
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                // Only the first value: the later lines of JSON lines are data, not the object.
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    kind && api_version
}

/// The offset just past the string whose text starts at `i` (past its closing quote).
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The offset of the first byte from `i` on that is neither whitespace nor in a `//` or `/* */`
/// comment (editors' JSON allows them).
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b), _) if b.is_ascii_whitespace() => i += 1,
            (Some(b'/'), Some(b'/')) => {
                i = memchr::memchr(b'\n', bytes.get(i..).unwrap_or(&[]))
                    .map_or(bytes.len(), |n| i + n);
            }
            (Some(b'/'), Some(b'*')) => {
                i = memmem::find(bytes.get(i + 2..).unwrap_or(&[]), b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            _ => return i,
        }
    }
}

/// True when `text` may hold a strategic-merge directive: a text without `$` costs one
/// vectorised search.
pub fn may_be_patch(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'$', bytes).is_some()
        && DIRECTIVES
            .iter()
            .any(|d| memmem::find(bytes, d.as_bytes()).is_some())
}

/// The strategic-merge directives, as keys start.
const DIRECTIVES: &[&str] = &[
    "$patch",
    "$retainKeys",
    "$setElementOrder/",
    "$deleteFromPrimitiveList/",
];

/// True when a mapping of `tree` has a strategic-merge directive for a key, as only a kustomize
/// patch has.
pub fn has_patch_directive(tree: &Tree) -> bool {
    // Every mapping node once, as written: aliases add no key of their own.
    (0..super::file::to_u32(tree.len())).any(|id| {
        matches!(tree.kind(id), Some(NodeKind::Mapping { .. }))
            && tree.entries(id).any(|(k, _)| {
                tree.scalar(k).is_some_and(|s| {
                    s.text == "$patch"
                        || s.text == "$retainKeys"
                        || s.text.starts_with("$setElementOrder/")
                        || s.text.starts_with("$deleteFromPrimitiveList/")
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree::parse;
    use crate::source::SourceFile;

    #[test]
    fn json_objects_need_both_keys_at_the_top() {
        assert!(json_is_object(
            "{\"apiVersion\": \"v1\", \"kind\": \"Service\"}"
        ));
        // Broken, yet an object: still linted, so its error is shown.
        assert!(json_is_object(
            "// c\n{\"kind\": \"Service\" \"apiVersion\": \"v1\",,"
        ));
        assert!(!json_is_object(
            "{\"spec\": {\"apiVersion\": \"v1\", \"kind\": \"x\"}}"
        ));
        assert!(!json_is_object(
            "[{\"apiVersion\": \"v1\", \"kind\": \"x\"}]"
        ));
        assert!(!json_is_object(
            "{\"a\": \"\\\"kind\\\"\"}\n{\"apiVersion\": 1, \"kind\": 2}"
        ));
        assert!(!json_is_object(
            "{ /* \"kind\": 1 */ \"apiVersion\": \"v1\", \"x\": \"kind\" }"
        ));
        assert!(!json_is_object("{\"compilerOptions\": {}}"));
    }

    #[test]
    fn patches_are_told_by_their_directive_keys() {
        let has = |text: &str| {
            may_be_patch(text) && {
                let file = SourceFile::new(0, "p".into(), text);
                parse(&file)
                    .documents
                    .iter()
                    .any(|d| has_patch_directive(&d.tree))
            }
        };
        assert!(has(
            "kind: Deployment\nmetadata:\n  name: a\n$patch: delete\n"
        ));
        assert!(has(
            "spec:\n  template:\n    spec:\n      $setElementOrder/containers:\n        - name: a\n"
        ));
        assert!(has("{\"spec\": {\"$retainKeys\": [\"a\"]}}"));
        // A value that mentions a directive is not one.
        assert!(!has("kind: ConfigMap\ndata:\n  a: \"$patch: delete\"\n"));
        assert!(!has("kind: ConfigMap\ndata:\n  a: $HOME\n"));
    }
}
