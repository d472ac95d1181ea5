//! A fast, one-sided validity check of known-kind objects against their `k8s-openapi` schema.
//!
//! Decoding an object into the `k8s-openapi` structs (`model::strict`) is what finds its type
//! errors and unknown keys, and building and dropping those structs is most of a lint's cost.
//! Most objects have neither, so [`validate()`] answers "this decodes cleanly" from a static table
//! of the same schema ([`table`], traced from the `Deserialize` impls, never written by hand),
//! walking the span tree without allocating. It never says yes where the decoder would object;
//! where it is unsure it says no, and the decoder decides.

pub mod leaf;
pub mod oracle;
pub mod shape;
#[rustfmt::skip]
pub mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trace;
pub mod types;
pub mod validate;

pub use validate::validate;
