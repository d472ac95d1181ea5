//! A run that found nothing to lint is a usage error (exit 2) with one message on stderr and
//! no report; a run that reported on a file, even one without objects, is not.

use crate::{kplint, stderr_of, stdout_of, write};

const BROKEN: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n";

#[test]
fn one_broken_file_is_a_finding_not_an_empty_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "broken.yaml", BROKEN);
    let file = dir.path().join("broken.yaml");
    let out = kplint().arg("check").arg(&file).assert().code(1);
    assert!(
        stdout_of(&out).contains("invalid-yaml"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        !stderr_of(&out).contains("no Kubernetes object"),
        "{}",
        stderr_of(&out)
    );
    // The exit code follows the findings and --fail-on, not the absence of objects.
    let out = kplint()
        .args(["check", "--fail-on", "never"])
        .arg(&file)
        .assert()
        .code(0);
    assert_eq!(stderr_of(&out), "");
    kplint()
        .args(["check", "--format", "json", "--fail-on", "error"])
        .arg(&file)
        .assert()
        .code(1);
}

#[test]
fn an_unreadable_walked_file_alone_is_a_finding_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A dangling link met while walking is `unreadable-file`, and the folder holds nothing else.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("gone.yaml")).expect("link");
        let out = kplint()
            .args(["check", "--fail-on", "never"])
            .arg(dir.path())
            .assert()
            .code(0);
        assert!(stdout_of(&out).contains("unreadable-file"));
    }
}

#[test]
fn an_empty_folder_says_so_once_on_stderr_and_prints_no_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["human", "json", "compact"] {
        let out = kplint()
            .args(["check", "--format", format])
            .arg(dir.path())
            .assert()
            .code(2);
        assert_eq!(
            stdout_of(&out),
            "",
            "{format}: no report, no \"no problems\""
        );
        let stderr = stderr_of(&out);
        assert!(stderr.contains("no manifest file"), "{stderr}");
        assert!(stderr.contains("--allow-empty"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // Accepted, the run is an ordinary empty report.
    let out = kplint()
        .args(["check", "--allow-empty"])
        .arg(dir.path())
        .assert()
        .code(0);
    assert!(
        stdout_of(&out).contains("no problems in 0 files"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn files_without_objects_name_what_was_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "values.yaml", "replicaCount: 1\n");
    let out = kplint().arg("check").arg(dir.path()).assert().code(2);
    assert_eq!(stdout_of(&out), "");
    assert!(
        stderr_of(&out)
            .contains("no Kubernetes object found in 1 file(s) (1 document(s) without `kind`)"),
        "{}",
        stderr_of(&out)
    );
}
