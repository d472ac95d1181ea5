//! A view read straight from the tree (`model::view::from_tree`) must equal the view the strict
//! decode builds from the `k8s-openapi` struct, for every object that decodes cleanly: the
//! corpus's, a generated corpus's, and those of a folder named by `KPLINT_VIEWS_DIR`.

use std::path::Path;

use kplint::model::decode::decode_document_typed;
use kplint::model::kinds::{group_of, known_kind, version_of};
use kplint::model::object::Typed;
use kplint::model::view::from_tree;

#[path = "support/shared.rs"]
mod shared;

// The benchmark's generator, for a corpus of every shape it writes; only `generate` is used.
#[allow(dead_code)]
#[path = "../examples/bench/generate.rs"]
mod generate;

/// (objects compared, clean objects the tree reader declined).
fn compare(dir: &Path) -> (usize, usize) {
    let found = kplint::source::discover::discover(
        &[dir.to_string_lossy().to_string()],
        &globset::GlobSet::empty(),
        None,
    )
    .expect("discoverable");
    let (mut compared, mut declined) = (0, 0);
    for input in &found.inputs {
        let file = kplint::load_input(0, input).0;
        for doc in kplint::source::tree::parse(&file).documents {
            let decoded = decode_document_typed(0, doc, "default");
            if !decoded.diagnostics.is_empty() {
                continue;
            }
            for obj in &decoded.objects {
                // The decode reads views from plain trees only (no alias, merge or repeated key).
                if matches!(obj.typed, Typed::Unknown | Typed::Invalid) || !obj.tree.is_plain() {
                    continue;
                }
                let group = group_of(&obj.api_version);
                let known = known_kind(group, version_of(&obj.api_version), &obj.kind)
                    .expect("a typed object is of a known kind");
                match from_tree::typed(known, &obj.tree, obj.root) {
                    Some(view) => {
                        assert_eq!(
                            format!("{view:?}"),
                            format!("{:?}", obj.typed),
                            "{} in {}",
                            obj.display(),
                            file.name
                        );
                        compared += 1;
                    }
                    None => declined += 1,
                }
            }
        }
    }
    (compared, declined)
}

#[test]
fn views_read_from_the_tree_equal_the_typed_views() {
    // The corpus when it is there (tests/support/shared.rs); the generated corpus either way.
    if let Some(corpus) = shared::folder("corpus") {
        let (compared, declined) = compare(&corpus);
        eprintln!("corpus: {compared} views equal, {declined} clean plain objects declined");
        assert!(compared > 1000, "only {compared} objects compared");
        assert_eq!(declined, 0, "the tree reader declined clean plain objects");
    }
    let generated = tempfile::tempdir().expect("a temporary directory");
    generate::generate(generated.path(), 3000, 7).expect("generated");
    let (compared, declined) = compare(generated.path());
    eprintln!("generated: {compared} views equal, {declined} declined");
    assert!(
        compared > 2000,
        "only {compared} generated objects compared"
    );
    assert_eq!(
        declined, 0,
        "the tree reader declined clean plain generated objects"
    );
    if let Some(dir) = std::env::var_os("KPLINT_VIEWS_DIR") {
        let (compared, declined) = compare(Path::new(&dir));
        eprintln!("{dir:?}: {compared} views equal, {declined} declined");
        assert_eq!(declined, 0);
    }
}
