//! kplint's YAML parser against libyaml's (the oracle in tests/support/libyaml.rs): both must
//! accept the same files, and reject the same files at the same place (the byte of libyaml's
//! problem mark, so the same line).
//!
//! Inputs: every `.yaml`/`.yml` file of `../shared/corpus` and `../shared/repos` (when present;
//! tests/support/shared.rs), except the files under a Helm chart's `templates/` folder (Go
//! templates, not YAML: kplint renders them with helm first), every file of `fixtures/`, and
//! the cases of tests/support/yaml_variants.rs with their mutations. Files that are not UTF-8
//! are left out: kplint's loader reports them before any parser sees them.
//!
//! On every input, kplint's libyaml (a patched copy, vendor/libyaml-rs/PATCH.md) must also give
//! exactly the events, texts and marks of the oracle's (crates.io's libyaml-rs).
//!
//! Run alone with `cargo test --test yaml_differential -- --nocapture` to see the counts.

use std::path::{Path, PathBuf};

use differential::Disagreement;

#[path = "support/differential.rs"]
mod differential;
#[path = "support/libyaml.rs"]
mod libyaml;
#[path = "support/shared.rs"]
mod shared;
#[path = "support/yaml_variants.rs"]
mod yaml_variants;

/// Compares the two parsers on `bytes` (see `support/differential.rs`), recording the input first
/// when asked to.
fn compare(name: &str, bytes: &[u8]) -> Option<Disagreement> {
    dump(bytes);
    differential::compare(name, bytes)
}

/// With `KPLINT_DIFF_DUMP=FILE`, appends each input and the oracle's line (JSON lines), so the
/// oracle can be checked against another libyaml (PyYAML's `CSafeLoader`, say); run with
/// `--test-threads=1` so the tests do not interleave their lines.
fn dump(bytes: &[u8]) {
    let Some(path) = std::env::var_os("KPLINT_DIFF_DUMP") else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    use std::io::Write;
    let line = serde_json::json!({"text": text, "line": libyaml::parse(bytes).line()});
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{line}");
    }
}

/// True under a Helm chart's `templates/` folder: a `templates` folder beside a `Chart.yaml`.
fn in_chart_templates(path: &Path) -> bool {
    path.ancestors().any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir.parent().is_some_and(|p| p.join("Chart.yaml").is_file())
    })
}

/// The YAML files under `dir`, sorted, chart templates left out (counted in `templates`).
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>, templates: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_symlink() {
            continue;
        }
        if p.is_dir() {
            yaml_files(&p, out, templates);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            if in_chart_templates(&p) {
                *templates += 1;
            } else {
                out.push(p);
            }
        }
    }
}

/// Runs the comparison over a set of files; returns (inputs compared, disagreements).
fn compare_files(files: &[PathBuf]) -> (usize, Vec<Disagreement>) {
    let mut compared = 0;
    let mut out = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if std::str::from_utf8(&bytes).is_err() {
            continue;
        }
        compared += 1;
        out.extend(compare(&path.display().to_string(), &bytes));
    }
    (compared, out)
}

fn report(what: &str, compared: usize, disagreements: &[Disagreement]) {
    let count = |f: fn(&Disagreement) -> bool| disagreements.iter().filter(|d| f(d)).count();
    eprintln!(
        "{what}: {compared} inputs, {} agree, {} disagree ({} only libyaml accepts, {} only \
         kplint accepts, {} rejected by both at other lines)",
        compared - disagreements.len(),
        disagreements.len(),
        count(|d| d.libyaml.line().is_none()),
        count(|d| d.kplint.is_none()),
        count(|d| d.libyaml.line().is_some() && d.kplint.is_some()),
    );
    for d in disagreements.iter().take(40) {
        eprintln!(
            "  {}: libyaml {:?}, kplint line {:?}",
            d.name, d.libyaml, d.kplint
        );
    }
}

#[test]
fn the_generated_cases_and_their_mutations_parse_as_libyaml_parses_them() {
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for (name, text) in yaml_variants::CASES {
        compared += 1;
        disagreements.extend(compare(name, text.as_bytes()));
        for (i, variant) in yaml_variants::mutations(text).iter().enumerate() {
            compared += 1;
            disagreements.extend(compare(
                &format!("{name} #{i}: {variant:?}"),
                variant.as_bytes(),
            ));
        }
    }
    // Random strings of YAML pieces: mostly rejected, which checks the error lines.
    for (i, text) in yaml_variants::random_inputs(300).iter().enumerate() {
        compared += 1;
        disagreements.extend(compare(&format!("random #{i}: {text:?}"), text.as_bytes()));
    }
    report("generated", compared, &disagreements);
    assert!(compared > 400, "only {compared} generated inputs");
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}

#[test]
fn the_fixtures_parse_as_libyaml_parses_them() {
    let mut files = Vec::new();
    let mut templates = 0;
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
        &mut templates,
    );
    let (compared, disagreements) = compare_files(&files);
    report("fixtures", compared, &disagreements);
    assert!(compared > 50, "only {compared} fixture files");
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );

    // Real manifests with one line moved: the first 40 lines of each fixture.
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let head: String = text.split_inclusive('\n').take(40).collect();
        for (i, variant) in yaml_variants::mutations(&head).iter().enumerate() {
            compared += 1;
            let name = format!("{} #{i}: {variant:?}", path.display());
            disagreements.extend(compare(&name, variant.as_bytes()));
        }
    }
    report("fixture mutations", compared, &disagreements);
    assert!(compared > 5000, "only {compared} fixture mutations");
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}

#[test]
fn the_shared_corpus_and_repositories_parse_as_libyaml_parses_them() {
    let mut total = 0;
    let mut all = Vec::new();
    for name in ["corpus", "repos"] {
        let Some(dir) = shared::folder(name) else {
            return;
        };
        let mut files = Vec::new();
        let mut templates = 0;
        yaml_files(&dir, &mut files, &mut templates);
        let (compared, disagreements) = compare_files(&files);
        report(
            &format!("{name} ({templates} chart templates left out)"),
            compared,
            &disagreements,
        );
        total += compared;
        all.extend(disagreements);

        // Real files with a few bytes edited: 4 variants of each.
        let mut compared = 0;
        let mut disagreements = Vec::new();
        for (n, path) in files.iter().enumerate() {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            for (i, variant) in yaml_variants::byte_mutations(&text, 4, n as u64 + 1)
                .iter()
                .enumerate()
            {
                compared += 1;
                let name = format!("{} edit #{i}", path.display());
                disagreements.extend(compare(&name, variant.as_bytes()));
            }
        }
        report(
            &format!("{name} with bytes edited"),
            compared,
            &disagreements,
        );
        total += compared;
        all.extend(disagreements);
    }
    assert!(total > 7500, "only {total} shared files and variants");
    // kubectl applies this file, with a tab after a value (line 99): libyaml accepts it too.
    if let Some(corpus) = shared::folder("corpus") {
        let tab = corpus.join(
            "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/vllm-tpu/vllm-llama3-70b.yaml",
        );
        let bytes = std::fs::read(&tab).expect("the tab file is in the corpus");
        assert_eq!(libyaml::parse(&bytes), libyaml::Verdict::Accept);
    }
    assert!(all.is_empty(), "{} disagreements", all.len());
}
