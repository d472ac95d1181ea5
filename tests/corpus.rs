//! Real input: all of `../shared/corpus` (1,636 files from 12 public projects).

use std::path::{Path, PathBuf};

use kplint::{check, Options};

#[path = "support/shared.rs"]
mod shared;

/// The corpus, or `None` when the corpus tests are skipped (tests/support/shared.rs).
fn corpus() -> Option<PathBuf> {
    shared::folder("corpus")
}

fn manifest_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            manifest_files(&p, out);
        } else if kplint::source::discover::is_manifest_name(&p) {
            out.push(p);
        }
    }
}

/// Lints the corpus with the default options.
fn lint(root: &str) -> kplint::report::Report {
    check(
        &[root.to_string()],
        &globset::GlobSet::empty(),
        None,
        &Options::default(),
    )
    .expect("corpus discoverable")
    .report
}

/// The files `corpus/README.md` lists as invalid YAML upstream.
const BROKEN: &[&str] = &[
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/gke-model-armor/configuring-the-gateway/llm-gateway.yaml",
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/gke-model-armor/configuring-the-gateway/llm-httproute.yaml",
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/gke-model-armor/preparing-the-model/hdml-static-pv-pvc.yaml",
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/gke-model-armor/preparing-the-model/llm-service.yaml",
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/gke-model-armor/preparing-the-model/producer-job.yaml",
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/gke-model-armor/preparing-the-model/vllm-gemma-deployment.yaml",
    "longhorn+longhorn/dev/scale-test/statefulset.yaml",
];

#[test]
fn the_whole_corpus_is_linted_and_nothing_is_lost() {
    let Some(dir) = corpus() else { return };
    let root = dir.to_string_lossy().to_string();
    let report = lint(&root);

    // Every manifest file on disk was read.
    let mut on_disk = Vec::new();
    manifest_files(&dir, &mut on_disk);
    assert_eq!(report.summary.files, on_disk.len(), "files discovered");
    assert_eq!(report.files.len(), report.counts.len());

    // Every file is either linted (holds a document) or named in a diagnostic.
    for (file, counts) in report.files.iter().zip(&report.counts) {
        let named = report.diagnostics.iter().any(|d| d.file == file.id);
        assert!(
            counts.documents > 0 || named,
            "{} was neither linted nor reported",
            file.name
        );
    }

    // The counts add up.
    let s = &report.summary;
    assert_eq!(
        s.documents,
        report.counts.iter().map(|c| c.documents).sum::<usize>()
    );
    assert_eq!(
        s.objects,
        report.counts.iter().map(|c| c.objects).sum::<usize>()
    );
    assert_eq!(
        s.not_objects,
        report.counts.iter().map(|c| c.not_objects).sum::<usize>()
    );
    assert_eq!(s.error + s.warning + s.info, report.diagnostics.len());
    assert!(s.objects_without_kind_checks <= s.objects);
    assert!(s.objects > 2500, "objects: {}", s.objects);

    // Exactly the seven upstream-broken files are invalid YAML, once each.
    let mut invalid: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "invalid-yaml")
        .map(|d| {
            let name = &report.files[d.file as usize].name;
            name.strip_prefix(&format!("{}/", root.trim_end_matches('/')))
                .unwrap_or(name)
                .to_string()
        })
        .collect();
    invalid.sort();
    let mut expected: Vec<String> = BROKEN.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(invalid, expected);

    // The tab after a value is valid YAML (kubectl reads it): the file parses to objects.
    let tab = report
        .files
        .iter()
        .position(|f| f.name.ends_with("ai-ml/vllm-tpu/vllm-llama3-70b.yaml"))
        .expect("tab file present");
    assert!(report.counts[tab].objects > 0);
    assert!(report
        .diagnostics
        .iter()
        .all(|d| !(d.file as usize == tab && d.rule == "invalid-yaml")));
}

#[test]
fn every_corpus_diagnostic_points_inside_its_file() {
    let Some(dir) = corpus() else { return };
    let report = lint(&dir.to_string_lossy());
    for d in &report.diagnostics {
        let file = &report.files[d.file as usize];
        assert!(
            d.span.end as usize <= file.text().len(),
            "{}: span past the end",
            file.name
        );
        assert!(
            file.text().is_char_boundary(d.span.start as usize),
            "{}: span start splits a character",
            file.name
        );
        assert!(!d.message.is_empty());
    }
}

#[test]
fn corpus_json_is_byte_identical_across_thread_counts_and_runs() {
    let Some(dir) = corpus() else { return };
    let root = dir.to_string_lossy().to_string();
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        pool.install(|| kplint::report::json::render(&lint(&root)))
    };
    let one = render(1);
    assert!(one.len() > 100_000, "the corpus report is substantial");
    let two = render(2);
    assert!(one == two, "JSON differs between 1 and 2 threads");
    assert!(
        one == render(2),
        "JSON differs between two runs at 2 threads"
    );
}

/// Runs this test binary's main corpus test again, in a child process, with `env` set and the
/// shared folder pointed at `shared`.
fn corpus_test_in(shared: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(std::env::current_exe().expect("this test binary"));
    cmd.args(["--exact", "the_whole_corpus_is_linted_and_nothing_is_lost"])
        .env("KPLINT_SHARED", shared)
        .env_remove("KPLINT_REQUIRE_SHARED")
        .env_remove("KPLINT_SKIP_CORPUS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the test binary runs")
}

#[test]
fn a_missing_corpus_is_skipped_with_one_line_or_fails_when_required() {
    let empty = tempfile::tempdir().expect("tempdir");
    // Two binaries of one run (here: two children of this test): one line between them.
    let first = corpus_test_in(empty.path(), &[]);
    let second = corpus_test_in(empty.path(), &[]);
    assert!(first.status.success() && second.status.success());
    let said: String = [&first.stderr, &second.stderr]
        .iter()
        .map(|e| String::from_utf8_lossy(e).to_string())
        .collect();
    assert_eq!(said.matches("skipped: ").count(), 1, "{said}");
    assert!(said.contains("corpus not found"), "{said}");
    let required = corpus_test_in(empty.path(), &[("KPLINT_REQUIRE_SHARED", "1")]);
    assert!(
        !required.status.success(),
        "a required corpus that is missing fails"
    );
    let out = String::from_utf8_lossy(&required.stdout).to_string();
    assert!(out.contains("KPLINT_REQUIRE_SHARED=1, but"), "{out}");
}
