//! The per-rule table: at the end of a long human report, and alone with `--statistics`.

use std::path::Path;

use crate::{kplint, stderr_of, stdout_of, write, POD};

/// `pods` bare Pods (one `bare-pod` warning each) and one file that is not YAML.
fn repository(dir: &Path, pods: usize) {
    for i in 0..pods {
        write(
            dir,
            &format!("pod-{i:02}.yaml"),
            &POD.replace("name: p", &format!("name: p{i}")),
        );
    }
    write(dir, "broken.yaml", "kind: [\n");
}

const TABLE: &str = "findings per rule:\n  11  warning  bare-pod\n   1  error    invalid-yaml\n\n";

#[test]
fn a_long_human_report_ends_with_the_table_before_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    repository(dir.path(), 11);
    let out = kplint().arg("check").arg(dir.path()).assert().code(1);
    let text = stdout_of(&out);
    assert!(text.contains("╭"), "the findings are still listed: {text}");
    let table_at = text
        .find(TABLE)
        .unwrap_or_else(|| panic!("no table in {text}"));
    let summary_at = text.find("kplint: 1 error, 11 warnings").expect("summary");
    assert!(table_at < summary_at, "{text}");
    assert!(text.ends_with("(11 documents, 11 objects)\n"), "{text}");
}

#[test]
fn a_short_report_has_no_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    repository(dir.path(), 3);
    let out = kplint().arg("check").arg(dir.path()).assert().code(1);
    assert!(
        !stdout_of(&out).contains("findings per rule"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn statistics_prints_only_the_table_and_the_summary_and_keeps_the_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    repository(dir.path(), 11);
    let out = kplint()
        .args(["check", "--statistics"])
        .arg(dir.path())
        .assert()
        .code(1);
    assert_eq!(
        stdout_of(&out),
        format!(
            "{TABLE}kplint: 1 error, 11 warnings, 0 infos in 12 files (11 documents, 11 objects)\n"
        )
    );
    kplint()
        .args(["check", "--statistics", "--fail-on", "never"])
        .arg(dir.path())
        .assert()
        .code(0);
    // Asked for, the table is printed however few the findings.
    let few = tempfile::tempdir().expect("tempdir");
    write(few.path(), "pod.yaml", POD);
    let out = kplint()
        .args(["check", "--statistics"])
        .arg(few.path())
        .assert()
        .code(1);
    assert!(
        stdout_of(&out).starts_with("findings per rule:\n  1  warning  bare-pod\n"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn statistics_with_a_machine_format_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    repository(dir.path(), 1);
    for format in ["json", "sarif", "github", "compact"] {
        let out = kplint()
            .args(["check", "--statistics", "--format", format])
            .arg(dir.path())
            .assert()
            .code(2);
        assert_eq!(stdout_of(&out), "", "{format}");
        assert!(
            stderr_of(&out).contains("--statistics"),
            "{}",
            stderr_of(&out)
        );
    }
}
