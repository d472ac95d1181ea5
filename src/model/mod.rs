//! The decoded objects, their pod templates, label selectors and the shared inventory.

pub mod crd;
pub mod decode;
pub mod inventory;
pub mod kinds;
pub mod legacy;
pub mod location;
pub mod names;
pub mod object;
pub mod retained;
pub mod schema;
pub mod selector;
pub mod shape;
pub mod strict;
pub mod subtree;
pub mod version;
pub mod view;
pub mod workflow;
pub mod workload;

pub use inventory::{hpa_target, HeldObjects, Inventory};
pub use location::{FieldPath, Location, Segment};
pub use object::{Object, ObjectId, Shown, Typed, UnitId, CONTEXT_UNIT};
pub use selector::Selector;
pub use version::KubeVersion;
