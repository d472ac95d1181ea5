//! Kustomize: building a kustomization without running anything the repository brings
//! ([`build`]), reading where each built object came from ([`origin`]), and placing findings
//! on built objects where the user wrote the field ([`place`]).

pub mod build;
pub mod file;
pub mod origin;
pub mod place;

pub(crate) use super::discover::KUSTOMIZATION_NAMES as NAMES;
pub(crate) use super::units::normalise;
