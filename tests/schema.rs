//! The schema check is sound: over every known-kind object of the shared corpus and of a
//! generated one, and over many mutants of them, a yes from `schema::validate` is always a
//! clean strict decode (it succeeds and records no unknown key).

use std::path::Path;

use kplint::model::kinds::KnownKind;
use kplint::model::schema::oracle::{known_objects, overlay_for, strict_verdict};
use kplint::model::schema::validate;
use kplint::source::scalar::ScalarTag;
use kplint::source::tree::{parse, Written};
use kplint::source::{NodeId, SourceFile, Tree};

#[allow(dead_code)]
#[path = "../examples/bench/generate.rs"]
mod generate;

#[derive(Debug, Default)]
struct Tally {
    objects: usize,
    clean: usize,
    accepted: usize,
    /// Yes from the check, no from the decoder: must stay empty.
    unsound: Vec<String>,
    /// Clean objects the check sent to the decoder, by kind.
    declined: Vec<(String, usize)>,
    /// Clean objects declined for none of the reasons the check gives: must stay empty.
    unexplained: Vec<String>,
}

/// True when nothing under `node` is a reason to decline: no alias, no merge or repeated key,
/// no tag.
fn ordinary(tree: &Tree, node: NodeId) -> bool {
    match tree.written(node) {
        Some(Written::Scalar(s)) => s.tag == ScalarTag::None,
        Some(Written::Sequence(items)) => items.iter().all(|&i| ordinary(tree, i)),
        Some(Written::Mapping {
            pairs,
            simple: true,
        }) => pairs.iter().all(|&n| ordinary(tree, n)),
        _ => false,
    }
}

impl Tally {
    fn judge(&mut self, what: &str, tree: &Tree, obj: NodeId, kind: KnownKind) -> bool {
        let overlay = overlay_for(tree, obj, kind);
        let fast = validate(tree, obj, kind, overlay);
        let slow = strict_verdict(tree, obj, kind, overlay);
        self.objects += 1;
        self.clean += usize::from(slow.clean());
        self.accepted += usize::from(fast);
        if fast && !slow.clean() {
            self.unsound.push(format!("{what} ({kind:?}): {slow:?}"));
        }
        if !fast && slow.clean() {
            // Its type lacks `apiVersion` and `kind`: never clean in the decoder's own terms.
            if kind != KnownKind::LegacyIngress && ordinary(tree, obj) {
                self.unexplained.push(format!("{what} ({kind:?})"));
            }
            let kind = format!("{kind:?}");
            match self.declined.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => self.declined.push((kind, 1)),
            }
        }
        slow.clean()
    }

    fn report(&self, name: &str) {
        eprintln!(
            "{name}: {} known-kind objects, {} decode cleanly, the check accepts {} ({:.1}% of \
             the clean ones); declined clean objects by kind: {:?}",
            self.objects,
            self.clean,
            self.accepted,
            100.0 * self.accepted as f64 / self.clean.max(1) as f64,
            self.declined
        );
        assert!(
            self.unsound.is_empty(),
            "{name}: the check said yes where the decoder objects:\n{}",
            self.unsound.join("\n")
        );
        assert!(
            self.unexplained.is_empty(),
            "{name}: the check declined clean objects for no reason it gives:\n{}",
            self.unexplained.join("\n")
        );
    }
}

/// Every manifest under `dir`, as kplint discovers and reads them: (name, text).
fn read_all(dir: &Path) -> Vec<(String, String)> {
    let found = kplint::source::discover::discover(
        &[dir.to_string_lossy().to_string()],
        &globset::GlobSet::empty(),
        None,
    )
    .expect("discoverable");
    found
        .inputs
        .iter()
        .map(|input| {
            let file = kplint::load_input(0, input).0;
            (file.name.clone(), file.text().to_string())
        })
        .collect()
}

#[path = "support/shared.rs"]
mod shared;

/// The corpus's files, or `None` when the corpus tests are skipped (tests/support/shared.rs).
fn shared_corpus() -> Option<Vec<(String, String)>> {
    shared::folder("corpus").map(|dir| read_all(&dir))
}

fn generated_corpus(documents: usize) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    generate::generate(dir.path(), documents, 42).expect("generated");
    read_all(dir.path())
}

/// Judges every known-kind object of `files`.
fn tally(files: &[(String, String)]) -> Tally {
    let mut t = Tally::default();
    for (name, text) in files {
        let file = SourceFile::new(0, name.clone(), text);
        for doc in parse(&file).documents {
            for (obj, kind) in known_objects(&doc.tree, doc.root) {
                t.judge(name, &doc.tree, obj, kind);
            }
        }
    }
    t
}

#[test]
fn sound_over_the_shared_corpus() {
    let Some(files) = shared_corpus() else {
        return;
    };
    let t = tally(&files);
    t.report("shared corpus");
    assert!(t.objects > 1000, "{t:?}");
}

#[test]
fn sound_and_accepting_over_a_generated_corpus() {
    let t = tally(&generated_corpus(3000));
    t.report("generated corpus");
    assert!(t.clean > 2000, "{t:?}");
    assert!(
        t.accepted * 100 > t.clean * 95,
        "the check accepts {} of {} clean objects",
        t.accepted,
        t.clean
    );
}

/// A small, fixed PRNG so the mutants are the same every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from.get(self.below(from.len()))
            .copied()
            .unwrap_or_default()
    }
}

/// Values put in place of a written one: each type, nulls, collections where scalars were.
const VALUES: &[&str] = &[
    "5",
    "\"5\"",
    "-1",
    "0",
    "1.5",
    "3.0",
    "4294967296",
    "true",
    "yes",
    "off",
    "~",
    "null",
    "",
    "abc",
    "''",
    "'true'",
    "[a]",
    "[]",
    "{a: 1}",
    "{}",
    "[{}]",
    "{name: x}",
    "2021-01-01T00:00:00Z",
    ".nan",
    "1_0",
    "!!str 5",
    "500m",
    "1Gi",
    "TCP",
    "http",
];

/// Keys put in place of a written one, or added: unknown ones, case slips, fields of other
/// structs, fields of the same struct (repeated keys).
const KEYS: &[&str] = &[
    "zzUnknown",
    "Name",
    "names",
    "status",
    "spec",
    "selector",
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "image",
    "replicas",
    "containers",
    "labels",
    "template",
    "ports",
    "port",
    "value",
    "matchLabels",
    "resources",
    "limits",
    "command",
    "args",
    "env",
    "<<",
    "1",
    "on",
];

/// Where each node of an object's subtree is: mapping keys, and values or items.
fn subtree(tree: &Tree, node: NodeId, keys: &mut Vec<NodeId>, values: &mut Vec<NodeId>) {
    for (k, v) in tree.entries(node) {
        keys.push(k);
        values.push(v);
        subtree(tree, v, keys, values);
    }
    for &item in tree.items(node) {
        values.push(item);
        subtree(tree, item, keys, values);
    }
}

/// One mutant of `text`: a value, key or new entry written over or before a node.
fn mutate(text: &str, tree: &Tree, root: NodeId, rng: &mut Rng) -> Option<String> {
    let (mut keys, mut values) = (Vec::new(), Vec::new());
    subtree(tree, root, &mut keys, &mut values);
    let span = |n: NodeId| {
        let s = tree.span(n);
        (s.start as usize, s.end as usize)
    };
    let (start, end, with) = match rng.below(4) {
        0 | 1 => {
            let (s, e) = span(*values.get(rng.below(values.len()))?);
            (s, e, rng.pick(VALUES).to_string())
        }
        2 => {
            let (s, e) = span(*keys.get(rng.below(keys.len()))?);
            (s, e, rng.pick(KEYS).to_string())
        }
        _ => {
            // A new entry before a key, at its column (a flow mapping takes it too).
            let (s, _) = span(*keys.get(rng.below(keys.len()))?);
            let line_start = text.get(..s)?.rfind('\n').map_or(0, |i| i + 1);
            let indent = text.get(line_start..s)?;
            let flow = !indent.chars().all(|c| c == ' ' || c == '-');
            let pad: String = indent.chars().map(|_| ' ').collect();
            let (k, v) = (rng.pick(KEYS), rng.pick(VALUES));
            let entry = if flow {
                format!("{k}: {v}, ")
            } else {
                format!("{k}: {v}\n{pad}")
            };
            (s, s, entry)
        }
    };
    Some(format!("{}{with}{}", text.get(..start)?, text.get(end..)?))
}

/// Mutates every clean single-object document of `files` `per_object` times.
fn mutants(files: &[(String, String)], per_object: usize, seed: u64) -> Tally {
    let mut rng = Rng(seed);
    let mut t = Tally::default();
    for (name, text) in files {
        let file = SourceFile::new(0, name.clone(), text);
        for doc in parse(&file).documents {
            let [(obj, kind)] = known_objects(&doc.tree, doc.root)[..] else {
                continue;
            };
            let overlay = overlay_for(&doc.tree, obj, kind);
            if obj != doc.root || !strict_verdict(&doc.tree, obj, kind, overlay).clean() {
                continue;
            }
            for _ in 0..per_object {
                let Some(mutant) = mutate(text, &doc.tree, obj, &mut rng) else {
                    continue;
                };
                let file = SourceFile::new(0, name.clone(), &mutant);
                let parsed = parse(&file);
                let Some(d) = parsed.documents.iter().find(|d| d.index == doc.index) else {
                    continue;
                };
                for (obj, kind) in known_objects(&d.tree, d.root) {
                    t.judge(&format!("{name}:\n{mutant}"), &d.tree, obj, kind);
                }
            }
        }
    }
    t
}

#[test]
fn sound_under_mutation_of_generated_objects() {
    let n = rounds();
    let t = mutants(&generated_corpus(1000), 8 * n, 0x5eed);
    t.report("mutants of generated objects");
    // Many mutants stay clean (a string for a string) and many do not: both sides are tested.
    assert!(t.objects > 6000 * n, "{t:?}");
    assert!(
        t.accepted > 600 * n && t.objects - t.clean > 2000 * n,
        "{t:?}"
    );
}

/// How many times the default number of mutants and random objects to judge:
/// `KPLINT_SCHEMA_ROUNDS` (1 unless set), for a longer run by hand.
fn rounds() -> usize {
    std::env::var("KPLINT_SCHEMA_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
}

#[test]
fn sound_under_mutation_of_the_shared_corpus() {
    let Some(files) = shared_corpus() else {
        return;
    };
    let n = rounds();
    let t = mutants(&files, 3 * n, 0xc0ffee);
    t.report("mutants of shared-corpus objects");
    assert!(t.objects > 2500 * n, "{t:?}");
}

mod from_the_schema {
    //! Random objects of every known kind written from the schema table, every struct of it
    //! reachable, with a few values of the wrong type, unknown keys and nulls mixed in: the
    //! decoder's verdict checks the table as much as the walk.

    use proptest::prelude::*;

    use super::{known_objects, Rng, Tally, VALUES};
    use kplint::model::schema::shape::{Shape, StructSchema};
    use kplint::model::schema::table::{ROOTS, STRUCTS};
    use kplint::source::tree::parse;
    use kplint::source::SourceFile;

    /// Writes a flow-style value of `shape`, or (one time in `1 / wrong`) something else.
    fn write(shape: Shape, depth: usize, wrong: usize, rng: &mut Rng, out: &mut String) {
        if rng.below(wrong) == 0 {
            let v = rng.pick(VALUES);
            out.push_str(if v.is_empty() { "~" } else { v });
            return;
        }
        let pick = |rng: &mut Rng, from: &[&str]| rng.pick(from).to_string();
        let text = match shape {
            Shape::Str => pick(rng, &["abc", "'80'", "\"a b\"", "nginx:1.0", "''", "x-y_z"]),
            Shape::Bool => pick(rng, &["true", "false", "yes", "off"]),
            Shape::I32 => pick(rng, &["0", "3", "-7", "65535", "3.0", "0x10"]),
            Shape::I64 => pick(rng, &["0", "30", "-1", "9007199254740993", "1e3"]),
            Shape::F64 => pick(rng, &["0", "1.5", "-2", "1e3"]),
            Shape::IntOrString => pick(rng, &["80", "http", "'25%'", "-1"]),
            Shape::Quantity => pick(rng, &["1", "500m", "1.5", "'1Gi'", "2Gi", "-1"]),
            Shape::Time | Shape::MicroTime => pick(
                rng,
                &[
                    "2021-01-01T00:00:00Z",
                    "'2024-02-29T12:00:00+01:00'",
                    "null",
                ],
            ),
            Shape::ByteString => pick(rng, &["aGVsbG8=", "''", "null"]),
            Shape::Json => pick(rng, &["{a: [1, {b: c}]}", "[]", "x", "1.5", "{}", "null"]),
            Shape::Const(c) => c.to_string(),
            Shape::List(item) => {
                out.push('[');
                for i in 0..if depth > 5 { 0 } else { rng.below(3) } {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(*item, depth + 1, wrong, rng, out);
                }
                out.push(']');
                return;
            }
            Shape::Map(item) => {
                out.push('{');
                for i in 0..if depth > 5 { 0 } else { rng.below(3) } {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&format!("k{i}.example/x: "));
                    write(*item, depth + 1, wrong, rng, out);
                }
                out.push('}');
                return;
            }
            Shape::Struct(id) => {
                if let Some(schema) = STRUCTS.get(usize::from(id)) {
                    object(schema, depth, wrong, rng, out, &[]);
                }
                return;
            }
        };
        out.push_str(&text);
    }

    /// Writes a struct: its required fields, a few others (all of `first`), now and then an
    /// unknown key.
    fn object(
        schema: &StructSchema,
        depth: usize,
        wrong: usize,
        rng: &mut Rng,
        out: &mut String,
        first: &[&str],
    ) {
        let mut chosen: Vec<usize> = (0..schema.fields.len())
            .filter(|&i| {
                let field = schema.fields.get(i).copied().unwrap_or_default();
                let required = schema.slots.get(i).is_some_and(|s| s.required);
                required || first.contains(&field) || (depth < 6 && rng.below(4) == 0)
            })
            .collect();
        if rng.below(wrong * 4) == 0 {
            chosen.push(usize::MAX);
        }
        out.push('{');
        for (n, i) in chosen.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            match (schema.fields.get(*i), schema.slots.get(*i)) {
                (Some(field), Some(slot)) => {
                    out.push_str(field);
                    out.push_str(": ");
                    write(slot.shape, depth + 1, wrong, rng, out);
                }
                _ => out.push_str("zzUnknown: 1"),
            }
        }
        out.push('}');
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 3000 * u32::try_from(super::rounds()).unwrap_or(1),
            ..ProptestConfig::default()
        })]

        /// About one object in six is not clean (the rate of wrong values varies by case).
        #[test]
        fn a_yes_is_always_a_clean_decode(seed in 1u64.., root in 0..ROOTS.len(), wrong in 3usize..200) {
            let mut rng = Rng(seed);
            let start = ROOTS.get(root).expect("a root");
            let schema = STRUCTS.get(usize::from(start.schema)).expect("a struct");
            let mut text = String::new();
            if schema.find("apiVersion").is_none() {
                // kplint's LegacyIngress has no `apiVersion` or `kind` field, yet is found by them.
                text.push_str("apiVersion: extensions/v1beta1\nkind: Ingress\nspec: ");
                let spec = schema.find("spec").map(|(_, slot)| slot.shape).expect("a spec");
                write(spec, 1, wrong, &mut rng, &mut text);
            } else {
                object(schema, 0, wrong, &mut rng, &mut text, &["apiVersion", "kind", "spec"]);
            }
            let file = SourceFile::new(0, "p.yaml".into(), &text);
            let mut t = Tally::default();
            for doc in parse(&file).documents {
                for (obj, kind) in known_objects(&doc.tree, doc.root) {
                    t.judge(&text, &doc.tree, obj, kind);
                }
            }
            prop_assert!(t.unsound.is_empty(), "{:?}", t.unsound);
            prop_assert!(t.unexplained.is_empty(), "{:?}", t.unexplained);
        }
    }
}
