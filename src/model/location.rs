//! Field paths (`spec.template.spec.containers[0].name`) and the spans they resolve to.

use std::fmt;

use crate::source::{FileId, NodeId, Span, Tree};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

impl Segment {
    /// This segment, borrowed.
    pub fn step(&self) -> Step<'_> {
        match self {
            Segment::Key(k) => Step::Key(k),
            Segment::Index(i) => Step::Index(*i),
        }
    }
}

/// One step of a field path, borrowed from the text it is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of a written path, read as [`FieldPath::parse`] reads them but without building
/// it: rules and suppressions resolve constant paths for every finding.
pub fn steps(path: &str) -> Steps<'_> {
    Steps { rest: path }
}

/// The iterator [`steps`] returns.
#[derive(Debug, Clone)]
pub struct Steps<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Steps<'a> {
    type Item = Step<'a>;

    fn next(&mut self) -> Option<Step<'a>> {
        loop {
            let rest = self.rest;
            if rest.is_empty() {
                return None;
            }
            if let Some(after) = rest.strip_prefix("[\"") {
                let end = after.find("\"]").unwrap_or(after.len());
                self.rest = after.get(end + 2..).unwrap_or("");
                return Some(Step::Key(after.get(..end).unwrap_or(after)));
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').unwrap_or(after.len());
                self.rest = after.get(end + 1..).unwrap_or("");
                // An index that is not a number is skipped, as it always was.
                if let Ok(i) = after.get(..end).unwrap_or(after).parse() {
                    return Some(Step::Index(i));
                }
            } else if let Some(after) = rest.strip_prefix('.') {
                self.rest = after;
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let (key, tail) = rest.split_at_checked(end).unwrap_or((rest, ""));
                self.rest = tail;
                return Some(Step::Key(key));
            }
        }
    }
}

/// A path from an object's root to one of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// Parses `a.b[0].c`; keys holding dots can be written `labels["app.kubernetes.io/name"]`.
    pub fn parse(path: &str) -> FieldPath {
        FieldPath(
            steps(path)
                .map(|s| match s {
                    Step::Key(k) => Segment::Key(k.to_string()),
                    Step::Index(i) => Segment::Index(i),
                })
                .collect(),
        )
    }

    /// This path with one more key.
    pub fn key(mut self, k: &str) -> FieldPath {
        self.0.push(Segment::Key(k.to_string()));
        self
    }

    /// This path with one more index.
    pub fn index(mut self, i: usize) -> FieldPath {
        self.0.push(Segment::Index(i));
        self
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) if k.contains(['.', '[', ']', '"']) || k.is_empty() => {
                    write!(f, "[\"{k}\"]")?
                }
                Segment::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?
                }
            }
        }
        Ok(())
    }
}

/// A place in a file that a diagnostic points at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// Where a path leads in a tree.
#[derive(Debug, Clone, Copy)]
pub struct Resolution {
    /// The value node of the deepest segment found.
    pub value: NodeId,
    /// The key node of the deepest mapping segment found (the value's own key when `complete`).
    pub key: Option<NodeId>,
    /// True when every segment was found.
    pub complete: bool,
}

/// Walks `path` from `root`, stopping at the first segment that is not there.
pub fn resolve_path(tree: &Tree, root: NodeId, path: &[Segment]) -> Resolution {
    resolve_steps(tree, root, path.iter().map(Segment::step))
}

/// As [`resolve_path`], for a path as written (`spec.template.metadata.annotations`).
pub fn resolve_written(tree: &Tree, root: NodeId, path: &str) -> Resolution {
    resolve_steps(tree, root, steps(path))
}

fn resolve_steps<'a>(
    tree: &Tree,
    root: NodeId,
    path: impl IntoIterator<Item = Step<'a>>,
) -> Resolution {
    let mut res = Resolution {
        value: root,
        key: None,
        complete: true,
    };
    for seg in path {
        let next = match seg {
            Step::Key(k) => tree.get(res.value, k).map(|(key, v)| (Some(key), v)),
            Step::Index(i) => tree.items(res.value).get(i).map(|&v| (None, v)),
        };
        match next {
            Some((key, v)) => {
                res.value = v;
                res.key = key.or(res.key);
                if key.is_none() {
                    // An item has no key of its own: point at the item.
                    res.key = None;
                }
            }
            None => {
                res.complete = false;
                return res;
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_keys_quoted_keys_and_indexes_skipping_bad_indexes() {
        let got: Vec<Step<'_>> = steps("spec.a[\"x.y/z\"][2].b[oops].c.[3]d").collect();
        assert_eq!(
            got,
            [
                Step::Key("spec"),
                Step::Key("a"),
                Step::Key("x.y/z"),
                Step::Index(2),
                Step::Key("b"),
                Step::Key("c"),
                Step::Index(3),
                Step::Key("d"),
            ]
        );
        assert_eq!(steps("").count(), 0);
        assert_eq!(
            steps("[\"unterminated").collect::<Vec<_>>(),
            [Step::Key("unterminated")]
        );
    }

    #[test]
    fn parse_and_display_round_trip() {
        let p = FieldPath::parse("spec.template.metadata.labels[\"app.kubernetes.io/name\"]");
        assert_eq!(p.0.len(), 5);
        assert_eq!(
            p.to_string(),
            "spec.template.metadata.labels[\"app.kubernetes.io/name\"]"
        );
        let q = FieldPath::parse("spec.containers[1].env[0].value");
        assert_eq!(q.0[2], Segment::Index(1));
        assert_eq!(q.to_string(), "spec.containers[1].env[0].value");
    }
}
