//! The pre-commit hook definition stays what the README promises (checked without pre-commit:
//! CI has no network; `pre-commit try-repo` was run by hand, see the README).

use kplint::source::tree::parse;
use kplint::source::SourceFile;

#[test]
fn hook_runs_kplint_check_on_yaml_and_json_in_one_invocation() {
    let text = include_str!("../.pre-commit-hooks.yaml");
    let file = SourceFile::new(0, ".pre-commit-hooks.yaml".into(), text);
    let parsed = parse(&file);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let doc = &parsed.documents[0];
    let tree = &doc.tree;
    let hooks = tree.items(doc.root);
    assert_eq!(hooks.len(), 1);
    let hook = hooks[0];
    let get = |key: &str| {
        let (_, v) = tree
            .get(hook, key)
            .unwrap_or_else(|| panic!("hook has {key}"));
        v
    };
    let scalar = |key: &str| tree.scalar(get(key)).expect("scalar").text.to_string();
    assert_eq!(scalar("id"), "kplint");
    assert_eq!(scalar("language"), "rust");
    assert!(scalar("entry").starts_with("kplint check"));
    assert!(scalar("entry").contains("--allow-empty"));
    assert_eq!(scalar("require_serial"), "true");
    assert_eq!(scalar("pass_filenames"), "true");
    let types: Vec<&str> = tree
        .items(get("types_or"))
        .iter()
        .map(|&t| tree.scalar(t).expect("type").text)
        .collect();
    assert_eq!(types, ["yaml", "json"]);
    let readme = include_str!("../README.md");
    assert!(
        readme.contains("- id: kplint"),
        "README has the config snippet"
    );
}
