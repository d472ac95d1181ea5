//! The command line as users and CI meet it: discovery, formats, exit codes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n";
const CONFIG: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

fn kplint() -> Command {
    Command::cargo_bin("kplint").expect("binary built")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON on stdout")
}

fn files_of(v: &serde_json::Value) -> Vec<String> {
    let mut files: Vec<String> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["file"].as_str().expect("file").to_string())
        .collect();
    files.dedup();
    files
}

#[test]
fn clean_input_exits_0_and_findings_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "ok.yaml", CONFIG);
    kplint()
        .arg("check")
        .arg(dir.path().join("ok.yaml"))
        .assert()
        .code(0);
    write(dir.path(), "pod.yaml", POD);
    kplint().arg("check").arg(dir.path()).assert().code(1);
    // bare-pod is a warning: failing only on errors lets it pass.
    kplint()
        .args(["check", "--fail-on", "error"])
        .arg(dir.path())
        .assert()
        .code(0);
    kplint()
        .args(["check", "--fail-on", "never"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn missing_path_is_exit_2_with_a_message() {
    let out = kplint()
        .args(["check", "does/not/exist.yaml"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("does/not/exist.yaml"), "{stderr}");
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn no_kubernetes_object_is_exit_2_unless_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "values.yaml", "replicaCount: 1\n");
    let out = kplint().arg("check").arg(dir.path()).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("no Kubernetes object"), "{stderr}");
    kplint()
        .args(["check", "--allow-empty"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn walking_honours_gitignore_skips_dot_git_and_walks_hidden_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, ".gitignore", "ignored/\n");
    write(d, "ignored/pod.yaml", POD);
    write(d, ".git/pod.yaml", POD);
    write(d, ".github/pod.yaml", POD);
    write(d, "notes.txt", POD);
    write(d, "app/pod.yml", POD);
    write(
        d,
        "app/pod.json",
        r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
    );
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(
        files_of(&v),
        vec![".github/pod.yaml", "app/pod.json", "app/pod.yml"]
    );
    assert_eq!(v["summary"]["files"], 3);
}

#[test]
fn exclude_globs_skip_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "keep/pod.yaml", POD);
    write(d, "vendor/pod.yaml", POD);
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json", "--exclude", "vendor/**"])
        .assert()
        .code(1);
    assert_eq!(
        files_of(&json_of(&out.get_output().stdout)),
        vec!["keep/pod.yaml"]
    );
}

#[test]
fn helm_chart_templates_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
    );
    write(d, "chart/values.yaml", "replicaCount: 1\n");
    write(d, "chart/templates/pod.yaml", "{{ .Values.x }}\n");
    write(d, "plain/config.yaml", CONFIG);
    let out = kplint().current_dir(d).args(["check"]).assert().code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("skipped Helm chart templates in chart/templates"),
        "{stderr}"
    );
    assert!(stderr.contains("helm template"), "{stderr}");
}

#[test]
fn stdin_uses_the_given_display_name() {
    let out = kplint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "rendered/app.yaml",
            "--format",
            "json",
        ])
        .write_stdin(POD)
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(files_of(&v), vec!["rendered/app.yaml"]);
    assert_eq!(v["diagnostics"][0]["rule"], "bare-pod");
}

#[test]
fn an_unreadable_file_is_a_diagnostic_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "pod.yaml", POD);
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("gone.yaml"), d.join("dangling.yaml")).expect("symlink");
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["rule"].as_str().expect("rule"))
        .collect();
    assert!(rules.contains(&"bare-pod"), "{rules:?}");
    #[cfg(unix)]
    assert!(rules.contains(&"unreadable-file"), "{rules:?}");
}

#[test]
fn namespace_flag_sets_the_default_namespace() {
    let out = kplint()
        .args(["check", "-", "--format", "json", "--namespace", "team-a"])
        .write_stdin(POD)
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["diagnostics"][0]["object"]["namespace"], "team-a");
}

#[test]
fn json_contract_fields_and_positions() {
    let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: é-agent\nspec:\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      restartPolicy: OnFailure\n      containers: [{name: c, image: c}]\n";
    let out = kplint()
        .args(["check", "-", "--format", "json"])
        .write_stdin(text)
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "kplint");
    for key in [
        "files",
        "documents",
        "objects",
        "unknown_kinds",
        "error",
        "warning",
        "info",
        "suppressed",
    ] {
        assert!(v["summary"][key].is_u64(), "summary.{key}");
    }
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["rule"] == "daemonset-restart-policy"))
        .expect("the restart policy finding");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "-");
    assert_eq!(d["path"], "spec.template.spec.restartPolicy");
    assert_eq!(d["range"]["start"]["line"], 12);
    assert_eq!(d["range"]["start"]["column"], 22);
    // "é" is two bytes: byte offsets run one ahead of character counts after line 4.
    let offset = text.find("OnFailure").expect("present") as u64;
    assert_eq!(d["range"]["start"]["offset"], offset);
    assert_eq!(d["range"]["end"]["column"], 31);
    assert_eq!(d["object"]["kind"], "DaemonSet");
    assert_eq!(d["object"]["name"], "é-agent");
    assert_eq!(d["object"]["namespace"], "default");
    assert_eq!(d["object"]["document"], 0);
    assert!(d["related"].as_array().expect("related").is_empty());
}

#[test]
fn invalid_yaml_in_one_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "a-broken.yaml", "kind: [\n");
    write(d, "b-pod.yaml", POD);
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(files_of(&v), vec!["a-broken.yaml", "b-pod.yaml"]);
    assert_eq!(v["diagnostics"][0]["object"], serde_json::Value::Null);
}

#[test]
fn output_is_identical_across_thread_counts() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let run = |threads: &str| {
        kplint()
            .args(["check", "--format", "json", "--threads", threads])
            .arg(&corpus)
            .output()
            .expect("runs")
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("2"));
}

#[test]
fn rules_and_explain() {
    let out = kplint().args(["rules"]).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("bare-pod") && text.contains("Batch Job"),
        "{text}"
    );
    let out = kplint()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    let first = &v.as_array().expect("list")[0];
    for key in ["id", "severity", "pattern", "summary"] {
        assert!(first[key].is_string(), "{key}");
    }
    let out = kplint().args(["explain", "bare-pod"]).assert().code(0);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).starts_with("# bare-pod"));
    kplint().args(["explain", "no-such-rule"]).assert().code(2);
}

#[test]
fn human_output_has_snippet_label_and_help() {
    let out = kplint()
        .args(["check", "-", "--stdin-filename", "pod.yaml", "--no-color"])
        .write_stdin(POD)
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("bare-pod"), "{text}");
    assert!(text.contains("pod.yaml:2:7"), "{text}");
    assert!(text.contains("kind: Pod"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when not a terminal"
    );
}
