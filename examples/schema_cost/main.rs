//! What the schema check costs next to the strict decode it stands in for, over every known-kind
//! object of a corpus (parsed once, before the clock starts).
//!
//! `schema_cost DIR MODE [REPS]`, MODE one of `validate` (the schema check), `decode` (the
//! strict typed decode, the struct built and dropped) or `none` (the baseline to subtract under
//! callgrind).

use std::time::Instant;

use kplint::model::kinds::KnownKind;
use kplint::model::schema::oracle::{known_objects, overlay_for, strict_verdict};
use kplint::model::schema::validate;
use kplint::model::strict::Overlay;
use kplint::source::tree::parse;
use kplint::source::{Document, NodeId, Tree};

/// Nodes under `node` (itself included), keys counted.
fn nodes(tree: &Tree, node: NodeId) -> usize {
    let entries: usize = tree.entries(node).map(|(_, v)| 1 + nodes(tree, v)).sum();
    let items: usize = tree.items(node).iter().map(|&i| nodes(tree, i)).sum();
    1 + entries + items
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: schema_cost DIR validate|decode|none [REPS]");
        std::process::exit(2);
    };
    let reps: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(1);
    let found = kplint::source::discover::discover(
        std::slice::from_ref(dir),
        &globset::GlobSet::empty(),
        None,
    )
    .expect("discoverable");
    let docs: Vec<Document> = found
        .inputs
        .iter()
        .flat_map(|input| parse(&kplint::load_input(0, input).0).documents)
        .collect();
    let work: Vec<(&Tree, NodeId, KnownKind, Overlay)> = docs
        .iter()
        .flat_map(|d| {
            known_objects(&d.tree, d.root)
                .into_iter()
                .map(move |(o, k)| (&d.tree, o, k, overlay_for(&d.tree, o, k)))
        })
        .collect();
    let written: usize = work.iter().map(|&(tree, obj, _, _)| nodes(tree, obj)).sum();
    let start = Instant::now();
    let mut yes = 0usize;
    for _ in 0..reps {
        for &(tree, obj, kind, overlay) in &work {
            yes += usize::from(match mode.as_str() {
                "validate" => validate(tree, obj, kind, overlay),
                "decode" => strict_verdict(tree, obj, kind, overlay).clean(),
                _ => false,
            });
        }
    }
    let elapsed = start.elapsed();
    let judged = work.len() * reps;
    println!(
        "{mode}: {} objects ({written} nodes) x {reps}: {yes} clean, {:.3} s, {:.0} ns per object",
        work.len(),
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / judged.max(1) as f64
    );
}
