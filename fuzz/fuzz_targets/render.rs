//! Fuzz target `render`: what it asserts is `tests/support/invariants.rs`'s `render`, shared with
//! `tests/fuzz_regressions.rs`, which replays every crash found.
#![no_main]

#[path = "../../tests/support/differential.rs"]
#[allow(dead_code)]
mod differential;
#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)] // each target calls one of the three
mod invariants;
#[path = "../../tests/support/libyaml.rs"]
#[allow(dead_code)]
mod libyaml;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::render(data));
