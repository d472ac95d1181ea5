//! What the schema check costs next to the strict decode it stands in for, over every known-kind
//! object of a corpus (parsed once, before the clock starts).
//!
//! `schema_cost DIR MODE [REPS]`, MODE one of `validate` (the schema check), `decode` (the
//! strict typed decode, the struct built and dropped) or `none` (the baseline to subtract under
//! callgrind).

use std::path::{Path, PathBuf};
use std::time::Instant;

use kplint::model::kinds::{group_of, known_kind, version_of, KnownKind};
use kplint::model::schema::oracle::{overlay_for, strict_verdict};
use kplint::model::schema::validate;
use kplint::model::strict::Overlay;
use kplint::source::tree::parse;
use kplint::source::{Document, NodeId, SourceFile, Tree};

fn manifest_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            manifest_files(&p, out);
        } else if kplint::source::discover::is_manifest_name(&p) {
            out.push(p);
        }
    }
}

/// The known-kind objects of a document: its root, or the items of a list.
fn objects(tree: &Tree, root: NodeId) -> Vec<(NodeId, KnownKind)> {
    let text = |map: NodeId, key: &str| {
        tree.get(map, key)
            .and_then(|(_, v)| tree.scalar(v))
            .map(|s| s.text)
    };
    let known = |obj: NodeId| {
        let (api, kind) = (text(obj, "apiVersion")?, text(obj, "kind")?);
        known_kind(group_of(api), version_of(api), kind).map(|k| (obj, k))
    };
    match tree.get(root, "items") {
        Some((_, items)) if tree.is_sequence(items) => {
            tree.items(items).iter().filter_map(|&i| known(i)).collect()
        }
        _ => known(root).into_iter().collect(),
    }
}

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
    let mut paths = Vec::new();
    manifest_files(Path::new(dir), &mut paths);
    let docs: Vec<Document> = paths
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let text = std::fs::read_to_string(p).ok()?;
            Some(parse(&SourceFile::new(i as u32, p.display().to_string(), &text)).documents)
        })
        .flatten()
        .collect();
    let work: Vec<(&Tree, NodeId, KnownKind, Overlay)> = docs
        .iter()
        .flat_map(|d| {
            objects(&d.tree, d.root)
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
