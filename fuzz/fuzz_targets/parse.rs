//! Fuzz target `parse`: what it asserts is `tests/support/invariants.rs`'s `parse`, shared with
//! `tests/fuzz_regressions.rs`, which replays every crash found.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)] // each target calls one of the three
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::parse(data));
