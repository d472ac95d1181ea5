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

/// The README's examples are real output: each figure it quotes is what the example command
/// gives today, so a rule change that alters them fails here instead of leaving the README
/// wrong. Only what the README shows is compared (it may abridge); it is never edited.
mod readme_examples {
    use std::path::Path;

    const README: &str = include_str!("../README.md");

    /// `kplint ARGS` run from the repository root, as the README's examples are.
    fn kplint(args: &[&str]) -> String {
        let out = assert_cmd::Command::cargo_bin("kplint")
            .expect("binary built")
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
            .args(args)
            .output()
            .expect("kplint runs");
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// The fenced blocks of the README in `language`.
    fn blocks(language: &str) -> Vec<String> {
        let open = format!("```{language}\n");
        README
            .split(open.as_str())
            .skip(1)
            .filter_map(|rest| rest.split_once("```").map(|(block, _)| block.to_string()))
            .collect()
    }

    #[test]
    fn the_json_sample_is_what_the_example_gives() {
        let sample: serde_json::Value = blocks("json")
            .iter()
            .find(|b| b.contains("\"version\": 1") && b.contains("\"summary\""))
            .map(|b| serde_json::from_str(b).expect("the README's JSON sample is valid JSON"))
            .expect("README.md shows a sample of the JSON output");
        let actual: serde_json::Value =
            serde_json::from_str(&kplint(&["check", "examples/", "--format", "json"]))
                .expect("JSON on stdout");
        assert_eq!(sample["version"], actual["version"]);
        for (key, value) in sample["summary"].as_object().expect("summary") {
            assert_eq!(
                &actual["summary"][key], value,
                "README's summary.{key} for `kplint check examples/ --format json`"
            );
        }
        assert_eq!(sample["units"], actual["units"], "README's units");
        let listed = actual["diagnostics"].as_array().expect("diagnostics");
        for shown in sample["diagnostics"].as_array().expect("diagnostics") {
            let found = listed
                .iter()
                .find(|d| d["rule"] == shown["rule"] && d["file"] == shown["file"])
                .unwrap_or_else(|| panic!("README shows a finding the example lacks: {shown}"));
            for (key, value) in shown.as_object().expect("a diagnostic") {
                assert_eq!(
                    &found[key], value,
                    "README's diagnostic {key} of {}",
                    shown["rule"]
                );
            }
        }
    }

    #[test]
    fn the_compact_example_lines_are_real_lines() {
        let command = "$ kplint check examples/ --format compact\n";
        let (_, after) = README
            .split_once(command)
            .expect("README.md shows `kplint check examples/ --format compact`");
        let shown: Vec<&str> = after
            .lines()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        assert!(!shown.is_empty(), "the example shows no output");
        let real = kplint(&["check", "examples/", "--format", "compact"]);
        for line in shown {
            // The README abridges long lines with an ellipsis: the text before it must match.
            let before = line.split('…').next().unwrap_or(line);
            assert!(
                real.lines().any(|r| r.starts_with(before)),
                "README's line is not in the output:\n{line}\noutput:\n{real}"
            );
        }
    }

    #[test]
    fn the_quick_start_counts_the_example_s_findings() {
        // "finds its 4 deliberate mistakes", if the README still says how many.
        let Some((before, _)) = README.split_once(" deliberate mistakes") else {
            return;
        };
        let count: usize = before
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a number before `deliberate mistakes`");
        let actual: serde_json::Value =
            serde_json::from_str(&kplint(&["check", "examples/", "--format", "json"]))
                .expect("JSON on stdout");
        let s = &actual["summary"];
        let found = ["error", "warning", "info"]
            .iter()
            .map(|k| s[k].as_u64().unwrap_or(0) as usize)
            .sum::<usize>();
        assert_eq!(count, found, "README's quick start count");
    }

    #[test]
    fn the_configuration_example_is_accepted_as_written() {
        let example = blocks("yaml")
            .into_iter()
            .find(|b| b.contains("fail-on:") && b.contains("rules:"))
            .expect("README.md shows a .kplint.yaml example");
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        // The paths the example names, as a repository that copies it would have them.
        for folder in ["deploy/crds", "svc", "vendor", "ci", "charts/web/templates"] {
            std::fs::create_dir_all(d.join(folder)).unwrap();
        }
        std::fs::write(d.join("ci/values-lint.yaml"), "replicas: 2\n").unwrap();
        std::fs::write(
            d.join("charts/web/Chart.yaml"),
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        )
        .unwrap();
        std::fs::write(
            d.join("deploy/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
        )
        .unwrap();
        std::fs::write(d.join(".kplint.yaml"), &example).unwrap();
        let out = assert_cmd::Command::cargo_bin("kplint")
            .expect("binary built")
            .current_dir(d)
            .args(["check", "deploy", "--format", "json"])
            .output()
            .expect("kplint runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(
            out.status.code(),
            Some(2),
            "the README's .kplint.yaml is refused:\n{stderr}"
        );
        assert!(!stderr.contains("error:"), "{stderr}");
    }
}
