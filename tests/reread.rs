//! Files read from disk give their text up once linted and are read again only for the report
//! (`SourceFile::release_text`). The text read again must be the one linted, and a file that
//! changed meanwhile must say so rather than show positions silently off.

use kplint::{check, Options};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: sh\n      image: busybox\n";

fn lint(dir: &std::path::Path) -> kplint::report::Report {
    check(
        &[dir.to_string_lossy().to_string()],
        &globset::GlobSet::empty(),
        None,
        &Options::default(),
    )
    .expect("discoverable")
    .report
}

/// The `bare-pod` finding on [`POD`].
fn bare_pod(report: &kplint::report::Report) -> &kplint::report::Diagnostic {
    report
        .diagnostics
        .iter()
        .find(|d| d.rule == "bare-pod")
        .expect("bare-pod")
}

#[test]
fn a_released_text_reads_back_the_same_and_positions_hold() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pod.yaml"), format!("\u{feff}{POD}")).expect("write");
    let report = lint(dir.path());
    let file = &report.files[0];
    assert_eq!(
        file.text(),
        POD,
        "read again, BOM removed as the first time"
    );
    assert!(!file.changed());
    let bare = bare_pod(&report);
    let at = file.position(bare.span.start);
    assert_eq!(at.line, 2, "`kind` is on line 2");
}

#[test]
fn a_file_changed_before_the_report_reads_it_is_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let quiet = dir.path().join("config.yaml");
    std::fs::write(
        &quiet,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n",
    )
    .expect("write");
    let report = lint(dir.path());
    // No finding, so the report has not read the text again yet: edit it first.
    assert!(report.diagnostics.is_empty());
    std::fs::write(&quiet, "# edited\n").expect("edit");
    assert_eq!(report.files[0].text(), "# edited\n");
    assert!(report.files[0].changed());
}

#[test]
fn positions_come_from_the_index_kept_at_lint_time_without_reading_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pod.yaml");
    std::fs::write(&path, POD).expect("write");
    let report = lint(dir.path());
    // A report that quotes no source line (JSON, SARIF…) has read nothing back: the file can go.
    std::fs::remove_file(&path).expect("remove");
    let file = &report.files[0];
    let bare = bare_pod(&report);
    let at = file.position(bare.span.start);
    assert_eq!((at.line, at.column), (2, 7), "`Pod` on line 2");
    assert!(!file.changed(), "nothing was read back");
    // Nor is the text held: asked for now, it is read again, and found gone.
    assert_eq!(file.text(), "");
    assert!(file.changed());
}

#[test]
fn a_run_hands_back_its_objects_unless_its_report_reads_much_text_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ascii = dir.path().join("ascii");
    let accented = dir.path().join("accented");
    std::fs::create_dir_all(&ascii).expect("mkdir");
    std::fs::create_dir_all(&accented).expect("mkdir");
    std::fs::write(ascii.join("pod.yaml"), POD).expect("write");
    std::fs::write(accented.join("pod.yaml"), format!("# café\n{POD}")).expect("write");
    let run = |dir: &std::path::Path, quotes_source| {
        check(
            &[dir.to_string_lossy().to_string()],
            &globset::GlobSet::empty(),
            None,
            &Options {
                quotes_source,
                ..Options::default()
            },
        )
        .expect("discoverable")
    };
    // A report of positions only, over ASCII text, reads nothing back: the objects are held for
    // the caller to free, or to leave to the OS at exit.
    assert_eq!(run(&ascii, false).objects.len(), 1);
    // Quoting every shown file, or counting characters in a non-ASCII one, reads the text back:
    // here all of it, so the objects are freed first.
    for (dir, quotes) in [(&ascii, true), (&accented, false)] {
        let done = run(dir, quotes);
        assert!(done.objects.is_empty(), "{dir:?} quoting: {quotes}");
        assert_eq!(done.report.summary.objects, 1);
        assert!(done.report.files[0].text().contains("kind: Pod"));
    }
}
