//! Reading inputs: discovery, source text with line index, and the YAML span tree.

pub mod discover;
pub mod file;
pub mod helm;
pub mod kustomize;
pub mod libyaml;
pub mod line_index;
pub mod load;
pub mod quiet;
pub mod render;
pub mod scalar;
pub mod sealed;
pub mod tree;
pub mod units;

pub use file::{FileId, SourceFile, Span};
pub use tree::{Document, NodeId, NodeKind, ParsedFile, Tree};
