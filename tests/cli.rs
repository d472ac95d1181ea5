//! The command line as users and CI meet it: discovery, formats, exit codes.

#[path = "support/cli.rs"]
mod cli;

use std::fs;
use std::path::Path;

use cli::{json_of, kplint, write};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      livenessProbe:\n        exec: {command: [\"true\"]}\n";
const CONFIG: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

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
fn a_chart_without_helm_is_named_on_stderr_and_counted() {
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
    // No helm on PATH: the chart is not rendered, and the run says so and counts it.
    let out = kplint()
        .current_dir(d)
        .env("PATH", "")
        .args(["check", "--format", "json"])
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("no helm binary on PATH: chart chart is not rendered"),
        "{stderr}"
    );
    assert!(stderr.contains("helm template chart"), "{stderr}");
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["summary"]["unbuilt"], 1, "{v}");
    assert_eq!(v["units"][0]["kind"], "chart", "{v}");
    // A helm that is named but missing is a usage error.
    kplint()
        .current_dir(d)
        .args(["check", "--helm", "no-such-helm"])
        .assert()
        .code(2);
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
        "objects_without_kind_checks",
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
    let out = kplint()
        .args(["explain", "bare-pod", "--markdown"])
        .assert()
        .code(0);
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

fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn stdout_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

#[test]
fn config_sets_fail_on_rules_and_flags_override_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "app/pod.yaml", POD);
    write(d, ".kplint.yaml", "fail-on: error\n");
    // Found from a subfolder too: the nearest .kplint.yaml in the folder or its ancestors.
    kplint()
        .current_dir(d.join("app"))
        .args(["check", "."])
        .assert()
        .code(0);
    kplint()
        .current_dir(d)
        .args(["check", "--fail-on", "warning"])
        .assert()
        .code(1);
    write(d, ".kplint.yaml", "rules:\n  bare-pod: error\n");
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    assert_eq!(
        json_of(&out.get_output().stdout)["diagnostics"][0]["severity"],
        "error"
    );
    write(d, ".kplint.yaml", "rules:\n  bare-pod: off\n");
    kplint().current_dir(d).args(["check"]).assert().code(0);
    // --no-config and --config FILE.
    kplint()
        .current_dir(d)
        .args(["check", "--no-config"])
        .assert()
        .code(1);
    write(d, "strict.yaml", "namespace: team-b\n");
    let out = kplint()
        .current_dir(d)
        .args([
            "check",
            "app",
            "--config",
            "strict.yaml",
            "--format",
            "json",
        ])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["diagnostics"][0]["object"]["namespace"], "team-b");
}

#[test]
fn config_errors_exit_2_and_point_at_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "pod.yaml", POD);
    write(
        d,
        ".kplint.yaml",
        "namespace: shop\nrules:\n  bare-pod: warning\n  bare-pods: off\n",
    );
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(2);
    assert!(out.get_output().stdout.is_empty(), "nothing on stdout");
    let err = stderr_of(&out);
    assert!(
        err.contains(".kplint.yaml:4:3: unknown rule `bare-pods`"),
        "{err}"
    );
    assert!(err.contains("  bare-pods: off"), "the snippet: {err}");
    assert!(err.contains("did you mean `bare-pod`"), "{err}");

    write(
        d,
        ".kplint.yaml",
        "fail-on: warning\nexclude: vendor/**\nignores: []\n",
    );
    let err = stderr_of(&kplint().current_dir(d).args(["check"]).assert().code(2));
    assert!(
        err.contains(".kplint.yaml:3:1: unknown key `ignores`"),
        "{err}"
    );

    write(d, ".kplint.yaml", "rules:\n  invalid-yaml: off\n");
    let err = stderr_of(&kplint().current_dir(d).args(["check"]).assert().code(2));
    assert!(err.contains(".kplint.yaml:2:17"), "{err}");
    assert!(err.contains("engine diagnostic"), "{err}");

    write(d, ".kplint.yaml", "fail-on: [error\n");
    let err = stderr_of(&kplint().current_dir(d).args(["check"]).assert().code(2));
    assert!(err.contains("invalid YAML"), "{err}");
}

#[test]
fn select_and_ignore_take_rule_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "pod.yaml", POD);
    kplint()
        .current_dir(d)
        .args(["check", "--ignore", "bare-pod"])
        .assert()
        .code(0);
    kplint()
        .current_dir(d)
        .args(["check", "--select", "daemonset-restart-policy"])
        .assert()
        .code(0);
    kplint()
        .current_dir(d)
        .args(["check", "--select", "bare-pod"])
        .assert()
        .code(1);
    let err = stderr_of(
        &kplint()
            .current_dir(d)
            .args(["check", "--select", "bare-pdo"])
            .assert()
            .code(2),
    );
    assert!(err.contains("did you mean `bare-pod`"), "{err}");
    let err = stderr_of(
        &kplint()
            .current_dir(d)
            .args(["check", "--ignore", "invalid-yaml"])
            .assert()
            .code(2),
    );
    assert!(err.contains("can't be turned off"), "{err}");
    // Engine diagnostics run whatever --select says.
    write(d, "broken.yaml", "kind: [\n");
    kplint()
        .current_dir(d)
        .args(["check", "--select", "bare-pod", "--fail-on", "error"])
        .assert()
        .code(1);
}

#[test]
fn output_writes_the_report_to_a_file_and_logs_stay_on_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "pod.yaml", POD);
    write(
        d,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
    );
    write(d, "chart/templates/x.yaml", "{{ .Values.x }}\n");
    for format in ["json", "sarif", "github", "compact", "human"] {
        let file = format!("report.{format}");
        let out = kplint()
            .current_dir(d)
            .env("PATH", "")
            .args([
                "check",
                ".",
                "--exclude",
                "report.*",
                "--format",
                format,
                "--output",
                &file,
            ])
            .assert()
            .code(1);
        assert!(
            out.get_output().stdout.is_empty(),
            "{format}: stdout stays empty"
        );
        assert!(stderr_of(&out).contains("note: no helm binary on PATH"));
        let text = fs::read_to_string(d.join(&file)).expect("report written");
        assert!(text.contains("bare-pod"), "{format}: {text}");
        assert!(!text.contains("note:"), "{format}: no logs in the report");
        if format == "json" || format == "sarif" {
            serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");
        }
    }
    let err = stderr_of(
        &kplint()
            .current_dir(d)
            .args(["check", "pod.yaml", "--output", "no/such/dir/out.json"])
            .assert()
            .code(2),
    );
    assert!(err.contains("--output"), "{err}");
}

#[test]
fn machine_formats_on_stdout() {
    let out = kplint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "k8s/pod.yaml",
            "--format",
            "compact",
        ])
        .write_stdin(POD)
        .assert()
        .code(1);
    assert!(
        stdout_of(&out).starts_with("k8s/pod.yaml:2:7: warning[bare-pod] Pod \"p\" is a bare Pod")
    );
    let out = kplint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "k8s/pod.yaml",
            "--format",
            "github",
        ])
        .write_stdin(POD)
        .assert()
        .code(1);
    assert!(stdout_of(&out).starts_with(
        "::warning file=k8s/pod.yaml,line=2,col=7,endLine=2,endColumn=10,title=bare-pod::Pod \"p\""
    ));
    let out = kplint()
        .args(["check", "-", "--format", "sarif"])
        .write_stdin(CONFIG)
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn suppressions_are_counted_and_shown_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let annotated = POD.replace(
        "  name: p\n",
        "  name: p\n  annotations:\n    ignore.kplint.io/bare-pod: \"debug pod\"\n",
    );
    write(d, "a.yaml", &annotated);
    write(
        d,
        "b.yaml",
        &POD.replace(
            "kind: Pod\n",
            "kind: Pod  # kplint-ignore bare-pod -- one-off\n",
        )
        .replace("name: p", "name: q"),
    );
    write(
        d,
        "c.yaml",
        &POD.replace(
            "apiVersion: v1\n",
            "# kplint-ignore-file bare-pod\napiVersion: v1\n",
        )
        .replace("name: p", "name: r"),
    );
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["summary"]["suppressed"], 3);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    let human = stdout_of(&kplint().current_dir(d).args(["check"]).assert().code(0));
    assert!(human.contains("3 suppressed"), "{human}");
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json", "--show-suppressed"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    let marks: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| &d["suppressed"])
        .collect();
    assert_eq!(
        marks[0],
        &serde_json::json!({"by": "annotation", "reason": "debug pod"})
    );
    assert_eq!(
        marks[1],
        &serde_json::json!({"by": "comment", "reason": "one-off"})
    );
    assert_eq!(
        marks[2],
        &serde_json::json!({"by": "file-comment", "reason": null})
    );
}

#[test]
fn unused_and_unknown_suppressions_are_reported() {
    let text = "apiVersion: v1\nkind: ConfigMap  # kplint-ignore bare-pod\nmetadata:\n  name: c\n  annotations:\n    ignore.kplint.io/bare-pdo: \"typo\"\n";
    let out = kplint()
        .args(["check", "-", "--format", "json"])
        .write_stdin(text)
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    let d = &v["diagnostics"];
    assert_eq!(d[0]["rule"], "unused-suppression");
    assert_eq!(d[0]["severity"], "info");
    assert_eq!(d[0]["range"]["start"]["line"], 2);
    assert_eq!(d[0]["range"]["start"]["column"], 34);
    assert_eq!(d[1]["rule"], "unknown-rule");
    assert_eq!(d[1]["severity"], "warning");
    assert_eq!(d[1]["range"]["start"]["line"], 6);
    assert!(d[1]["help"]
        .as_str()
        .expect("help")
        .contains("did you mean `bare-pod`"));
}

#[test]
fn config_ignore_entries_silence_third_party_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "vendor/chart.yaml",
        &POD.replace("name: p", "name: debug-1"),
    );
    write(d, "app/pod.yaml", POD);
    write(
        d,
        ".kplint.yaml",
        "ignore:\n  - rules: [bare-pod]\n    kind: Pod\n    name: 'debug-*'\n    reason: upstream chart\n  - rules: all\n    files: 'nothing/**'\n",
    );
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(files_of(&v), vec!["app/pod.yaml"]);
    assert_eq!(v["summary"]["suppressed"], 1);
    let err = stderr_of(&out);
    assert!(
        err.contains(".kplint.yaml:6: this ignore entry silenced nothing"),
        "{err}"
    );
}

#[test]
fn context_objects_join_the_inventory_but_are_not_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "base/cm.yaml", CONFIG);
    write(d, "base/pod.yaml", POD);
    write(
        d,
        "changed/cm.yaml",
        &format!("{CONFIG}data: {{mode: safe}}\n"),
    );
    // Checking only the changed file: the duplicate in base/ is found through the context
    // (context objects belong to every unit),
    // and base/pod.yaml's bare Pod is not reported (it is not being checked).
    let out = kplint()
        .current_dir(d)
        .args([
            "check",
            "changed/cm.yaml",
            "--context",
            "base",
            "--format",
            "json",
        ])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(files_of(&v), vec!["changed/cm.yaml"]);
    assert_eq!(v["diagnostics"][0]["rule"], "duplicate-object");
    assert_eq!(v["diagnostics"][0]["related"][0]["file"], "base/cm.yaml");
    assert_eq!(v["summary"]["files"], 1);
    // Without the context, nothing to report.
    kplint()
        .current_dir(d)
        .args(["check", "changed/cm.yaml"])
        .assert()
        .code(0);
    // A file both checked and in context is checked; `context:` in the config works too.
    write(d, ".kplint.yaml", "context: [base]\n");
    let out = kplint()
        .current_dir(d)
        .args(["check", "base/pod.yaml", "--format", "json"])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(files_of(&v), vec!["base/pod.yaml"]);
    assert_eq!(v["diagnostics"][0]["rule"], "bare-pod");
}

#[test]
fn helm_template_stdin_names_the_template() {
    let stream = format!("---\n# Source: shop/templates/debug.yaml\n{POD}");
    let out = kplint()
        .args(["check", "-", "--format", "json"])
        .write_stdin(stream)
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "shop/templates/debug.yaml");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["rendered"]["file"], "-");
    assert_eq!(d["rendered"]["range"]["start"]["line"], 4);
}

#[test]
fn kustomizations_are_built_and_linted_as_written_without_kustomize() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          livenessProbe: {exec: {command: [\"true\"]}}\n");
    write(
        d,
        "base/kustomization.yaml",
        "resources: [deployment.yaml]\n",
    );
    write(
        d,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches:\n  - path: replicas.yaml\n",
    );
    // A strategic-merge patch: no selector, no containers, on purpose.
    write(
        d,
        "overlays/prod/replicas.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 5\n",
    );
    // Built: the overlay is the one unit, its patch merged, the base linted through it.
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{v}");
    assert_eq!(
        v["units"],
        serde_json::json!([{"root": "overlays/prod", "kind": "kustomization", "objects": 1}])
    );
    // Named on the command line (as a pre-commit hook does), the patch is read through the
    // overlay that names it.
    let out = kplint()
        .current_dir(d)
        .args(["check", "--format", "json", "overlays/prod/replicas.yaml"])
        .assert()
        .code(0);
    assert_eq!(json_of(&out.get_output().stdout)["summary"]["objects"], 1);
    // Without a kustomize binary: the resources as written, patches left out, and said so.
    let out = kplint()
        .current_dir(d)
        .env("PATH", "")
        .args(["check", "--format", "json"])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["summary"]["unbuilt"], 1, "{v}");
    assert_eq!(v["summary"]["objects"], 1, "{v}");
    assert!(
        stderr_of(&out).contains("no kustomize binary"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn walked_json_that_is_not_an_object_and_stray_patches_stay_quiet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "tsconfig.json",
        "// editors allow comments, which YAML does not\n{\n  \"compilerOptions\": {\"strict\": true,},\n}\n",
    );
    write(
        root,
        ".vscode/launch.json",
        "{\n  \"version\": \"0.2.0\",\n  // the kind of launch\n  \"configurations\": [{\"kind\": \"node\", \"apiVersion\": 2,},],\n}\n",
    );
    write(root, "data.json", "{\"a\":1}\n{\"b\":2}\n");
    write(root, "list.json", "[1, 2, 3]\n");
    write(
        root,
        "package.json",
        "{\"name\": \"web\", \"version\": \"1.0.0\"}\n",
    );
    write(
        root,
        "deploy/svc.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"s\"}, \"spec\": {\"type\": \"ExternalName\", \"externalName\": \"db.example.com\"}}\n",
    );
    write(
        root,
        "deploy/bad.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",, \"metadata\": {\"name\": \"b\"}\n",
    );
    write(
        root,
        "patches/delete.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: delete\n",
    );
    let out = kplint()
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(root)
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let file = d["file"].as_str().expect("file");
            let name = file.rsplit('/').next().expect("name").to_string();
            (name, d["rule"].as_str().expect("rule").to_string())
        })
        .collect();
    assert_eq!(
        found,
        [("bad.json".to_string(), "invalid-yaml".to_string())]
    );
    // The five other JSON files, one each; the Service is the only object.
    assert_eq!(v["summary"]["not_objects"], 5, "{}", v["summary"]);
    assert_eq!(v["summary"]["objects"], 1, "{}", v["summary"]);
    assert_eq!(v["summary"]["patches"], 1, "{}", v["summary"]);

    // A file named on the command line is read strictly, whatever it holds.
    let out = kplint()
        .args([
            "check",
            "--format",
            "json",
            "--allow-empty",
            "--fail-on",
            "never",
        ])
        .arg(root.join("tsconfig.json"))
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(
        v["diagnostics"][0]["rule"], "invalid-yaml",
        "{}",
        v["diagnostics"]
    );
    assert_eq!(v["summary"]["not_objects"], 0, "{}", v["summary"]);
}
