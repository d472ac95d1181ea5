//! The docs stay in step with the code: every rule is listed in the README.

#[test]
fn readme_lists_every_rule() {
    let readme = include_str!("../README.md");
    for rule in kplint::rules::ALL {
        assert!(
            readme.contains(&format!("| `{}` |", rule.id)),
            "README.md's rule table lacks `{}`",
            rule.id
        );
    }
}

#[test]
fn readme_test_command_is_what_ci_runs() {
    let readme = include_str!("../README.md");
    let ci = include_str!("../.ci/run");
    assert!(
        readme.contains("cargo test "),
        "README gives the test command"
    );
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run runs cargo test"
    );
}
