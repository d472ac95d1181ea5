//! Hostile and broken input: each case gets the behaviour RULES.md and DESIGN.md give it, in
//! bounded time, and never stops the other files of the same run from being linted.

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

const GOOD_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  containers:\n    - name: c\n      image: busybox\n";

/// Lints `bad` (written as `name`) beside a good file; returns the JSON report and exit code.
fn lint_beside_good(name: &str, bad: &[u8]) -> (Value, i32) {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(name), bad).expect("write bad");
    fs::write(dir.path().join("zz-good.yaml"), GOOD_POD).expect("write good");
    run_in(dir.path(), &["check", "--format", "json", "."])
}

fn run_in(dir: &Path, args: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("kplint")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    let code = out
        .status
        .code()
        .expect("exited, not killed by the timeout or a signal");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (v, code)
}

fn rules_in(v: &Value, file: &str) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["file"] == file)
                .map(|d| d["rule"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The good file beside the bad one was linted: its bare Pod is reported.
fn good_file_linted(v: &Value) {
    assert!(
        rules_in(v, "zz-good.yaml").contains(&"bare-pod".to_string()),
        "the good file was not linted: {v}"
    );
}

#[test]
fn alias_bomb_is_one_diagnostic() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (c, p) in "bcdefghi".chars().zip("abcdefgh".chars()) {
        text.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{p}"); 9].join(",")
        ));
    }
    text.push_str("kind: ConfigMap\napiVersion: v1\n");
    let (v, code) = lint_beside_good("bomb.yaml", text.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(rules_in(&v, "bomb.yaml"), vec!["invalid-yaml"]);
    good_file_linted(&v);
}

#[test]
fn deep_flow_nesting_is_one_diagnostic() {
    let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let (v, _) = lint_beside_good("deep.yaml", text.as_bytes());
    assert_eq!(rules_in(&v, "deep.yaml"), vec!["invalid-yaml"]);
    good_file_linted(&v);
}

#[test]
fn deep_block_nesting_is_one_diagnostic() {
    let text: String = (0..2_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let (v, _) = lint_beside_good("deep-block.yaml", text.as_bytes());
    assert_eq!(rules_in(&v, "deep-block.yaml"), vec!["invalid-yaml"]);
    good_file_linted(&v);
}

#[test]
fn oversized_file_is_reported_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = fs::File::create(dir.path().join("big.yaml")).expect("create");
    // A sparse 100 MB file: the size check must refuse it before reading.
    big.set_len(100 * 1024 * 1024).expect("set_len");
    fs::write(dir.path().join("zz-good.yaml"), GOOD_POD).expect("write good");
    let (v, code) = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    assert_eq!(rules_in(&v, "big.yaml"), vec!["unreadable-file"]);
    good_file_linted(&v);
}

#[test]
fn binary_file_with_yaml_name() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let (v, _) = lint_beside_good("image.yaml", &bytes);
    assert_eq!(rules_in(&v, "image.yaml"), vec!["invalid-yaml"]);
    let msg = v["diagnostics"][0]["message"].as_str().unwrap_or("");
    assert!(msg.contains("binary"), "{msg}");
    good_file_linted(&v);
}

#[test]
fn invalid_utf8_is_located() {
    let (v, _) = lint_beside_good(
        "latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: caf\xe9\n",
    );
    assert_eq!(rules_in(&v, "latin1.yaml"), vec!["invalid-yaml"]);
    let d = &v["diagnostics"][0];
    assert_eq!(d["range"]["start"]["line"], 4);
    assert_eq!(d["range"]["start"]["column"], 9);
    good_file_linted(&v);
}

#[test]
fn utf16_with_bom_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in GOOD_POD.replace("good", "wide").encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let (v, _) = lint_beside_good("wide.yaml", &bytes);
    assert!(rules_in(&v, "wide.yaml").contains(&"bare-pod".to_string()));
    good_file_linted(&v);
}

#[test]
fn utf8_bom_and_crlf_keep_positions() {
    let text = format!(
        "\u{feff}{}",
        GOOD_POD.replace("good", "crlf").replace('\n', "\r\n")
    );
    let (v, _) = lint_beside_good("crlf.yaml", text.as_bytes());
    assert!(rules_in(&v, "crlf.yaml").contains(&"bare-pod".to_string()));
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|d| d["file"] == "crlf.yaml" && d["rule"] == "bare-pod")
        })
        .expect("diagnostic");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["column"], 7);
    // The BOM's 3 bytes count in the offset: "apiVersion: v1\r\n" is 16 bytes, "kind: " 6.
    assert_eq!(d["range"]["start"]["offset"], 3 + 16 + 6);
}

#[test]
fn tab_indentation_is_invalid_yaml() {
    let (v, _) = lint_beside_good(
        "tabs.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
    );
    assert_eq!(rules_in(&v, "tabs.yaml"), vec!["invalid-yaml"]);
    assert_eq!(v["diagnostics"][0]["range"]["start"]["line"], 4);
    good_file_linted(&v);
}

#[test]
fn empty_dash_only_and_scalar_documents_are_quiet() {
    for (name, text) in [
        ("empty.yaml", ""),
        ("dashes.yaml", "---\n---\n---\n"),
        ("scalar.yaml", "just text\n"),
    ] {
        let (v, code) = lint_beside_good(name, text.as_bytes());
        assert!(rules_in(&v, name).is_empty(), "{name}: {v}");
        assert_eq!(
            code, 1,
            "{name}: the good file's warning decides the exit code"
        );
        good_file_linted(&v);
    }
    let (v, _) = lint_beside_good("scalar.yaml", b"just text\n");
    assert_eq!(v["summary"]["not_objects"], 1);
}

#[test]
fn top_level_list_of_objects_is_invalid_object() {
    let (v, _) = lint_beside_good(
        "list.yaml",
        b"- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n",
    );
    assert_eq!(rules_in(&v, "list.yaml"), vec!["invalid-object"]);
    good_file_linted(&v);
}

#[test]
fn types_kubernetes_rejects() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels: {version: 1.0}\nspec:\n  replicas: \"3\"\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: {name: c}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: complex\n  labels:\n    ? [a, b]\n    : c\n";
    let (v, _) = lint_beside_good("types.yaml", text.as_bytes());
    let rules = rules_in(&v, "types.yaml");
    assert_eq!(rules, vec!["invalid-object"; 4], "{v}");
    good_file_linted(&v);
}

#[cfg(unix)]
#[test]
fn directory_symlink_loop_terminates() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("a")).expect("mkdir");
    std::os::unix::fs::symlink("..", dir.path().join("a/up")).expect("symlink");
    fs::write(dir.path().join("zz-good.yaml"), GOOD_POD).expect("write good");
    let (v, code) = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    good_file_linted(&v);
    // The loop is named, not silently dropped.
    assert!(v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .any(|d| d["rule"] == "unreadable-file"));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_diagnostic() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let locked = dir.path().join("locked.yaml");
    fs::write(&locked, GOOD_POD.replace("good", "locked")).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::write(dir.path().join("zz-good.yaml"), GOOD_POD).expect("write good");
    let readable_anyway = fs::read(&locked).is_ok(); // root reads everything
    let (v, _) = run_in(dir.path(), &["check", "--format", "json", "."]);
    good_file_linted(&v);
    if !readable_anyway {
        assert_eq!(rules_in(&v, "locked.yaml"), vec!["unreadable-file"]);
    }
}

#[test]
fn nonexistent_path_is_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, code) = run_in(dir.path(), &["check", "nope.yaml"]);
    assert_eq!(code, 2);
}

#[test]
fn human_output_survives_every_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::write(d.join("bin.yaml"), [0u8, 159, 146, 150]).expect("write");
    fs::write(d.join("latin1.yaml"), b"a: caf\xe9\n").expect("write");
    fs::write(d.join("tabs.yaml"), "a:\n\tb: c\n").expect("write");
    fs::write(
        d.join("multi.yaml"),
        "kind: Pod\n---\n- kind: x\n---\n\u{1F600}: [\n",
    )
    .expect("write");
    fs::write(d.join("zz-good.yaml"), GOOD_POD).expect("write");
    let out = Command::cargo_bin("kplint")
        .expect("binary")
        .current_dir(d)
        .args(["check", "."])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("zz-good.yaml"), "{text}");
    assert!(text.contains("kplint: "), "{text}");
}
