//! Walks `fixtures/<rule-id>/`, lints each folder as one inventory, and compares every
//! (file, line, rule) with the `# expect: <rule>[, <rule>]` comments written on the lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kplint::model::KubeVersion;
use kplint::{lint_sources, rules, Options};

/// Rules that fixtures can't exercise (they need file-system conditions); tested in `tests/cli.rs`.
fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("fixture folder readable") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// (file, line, rule) → how many times.
type Expectations = BTreeMap<(String, u32, String), usize>;

/// Reads `# expect: <rule>[, <rule>]` (on the line itself) and, for a file that can't carry a
/// comment (a dangling link), `# expect-file: <file>:<line> <rule>` naming a file of the folder.
fn expectations(name: &str, text: &str) -> Expectations {
    let mut out = Expectations::new();
    let folder = name.rsplit_once('/').map_or("", |(f, _)| f);
    for line in text.lines() {
        let Some(pos) = line.find("# expect-file:") else {
            continue;
        };
        let spec = line[pos + "# expect-file:".len()..].trim();
        let (place, rule) = spec
            .split_once(' ')
            .expect("expect-file: <file>:<line> <rule>");
        let (file, at) = place.rsplit_once(':').expect("expect-file: <file>:<line>");
        let at: u32 = at.parse().expect("expect-file line number");
        *out.entry((format!("{folder}/{file}"), at, rule.trim().to_string()))
            .or_default() += 1;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("# expect:") else {
            continue;
        };
        for rule in line[pos + "# expect:".len()..].split(',') {
            let rule = rule.trim();
            if !rule.is_empty() {
                *out.entry((name.to_string(), i as u32 + 1, rule.to_string()))
                    .or_default() += 1;
            }
        }
    }
    out
}

/// The release a fixture file asks to be linted for.
fn fixture_version(text: &str) -> Option<KubeVersion> {
    text.lines().find_map(|l| {
        let v = l.split_once("# fixture-kubernetes-version:")?.1;
        Some(KubeVersion::parse(v).expect("fixture-kubernetes-version: major.minor"))
    })
}

fn check_folder(dir: &Path) -> Result<Expectations, String> {
    let root = fixture_root();
    // Files found through a kustomization are shown relative to the working folder.
    let relative = |path: &Path| {
        path.strip_prefix(&root)
            .or_else(|_| path.strip_prefix("fixtures"))
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut sources = Vec::new();
    let mut expected = Expectations::new();
    let mut unreadable = false;
    // `# fixture-kubernetes-version: 1.21` in a file of the folder lints it for that release.
    let mut target = None;
    // A folder holding a kustomization is an apply unit to build, as a user's run builds it.
    let mut builds = false;
    for path in files_in(dir) {
        builds |= path
            .file_name()
            .is_some_and(|n| n == "kustomization.yaml" || n == "Chart.yaml");
        let name = relative(&path);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                expected.extend(expectations(&name, &text));
                if let Some(v) = fixture_version(&text) {
                    assert!(
                        target.is_none_or(|t| t == v),
                        "{name}: one fixture folder, one kubernetes version"
                    );
                    target = Some(v);
                }
                sources.push((name, bytes));
            }
            Err(_) => unreadable = true,
        }
    }
    // A folder holding a file that can't be read is linted from disk, as a user's run would
    // read it: only the real reader meets the unreadable file.
    let options = Options {
        kubernetes_version: target.unwrap_or_default(),
        ..Options::default()
    };
    let report = if unreadable || builds {
        let given = dir.to_string_lossy().to_string();
        let mut options = options;
        options.tools.kustomize = kplint::source::kustomize::build::find_builder(None);
        assert!(
            !builds || options.tools.kustomize.is_some(),
            "{}: kubectl or kustomize must be on PATH to build this fixture",
            dir.display()
        );
        kplint::check(&[given], &globset::GlobSet::empty(), None, &options)
            .expect("fixture folder discoverable")
            .report
    } else {
        lint_sources(sources, &options)
    };
    let mut actual = Expectations::new();
    for d in &report.diagnostics {
        let file = report.file(d.file).expect("diagnostic file");
        let line = file.position(d.span.start).line;
        *actual
            .entry((relative(Path::new(&file.name)), line, d.rule.to_string()))
            .or_default() += 1;
    }
    if actual == expected {
        return Ok(expected);
    }
    let mut msg = String::new();
    for (k, n) in &expected {
        let got = actual.get(k).copied().unwrap_or(0);
        if got < *n {
            msg.push_str(&format!(
                "  missing     {}:{}: {} (expected {n}, got {got})\n",
                k.0, k.1, k.2
            ));
        }
    }
    for (k, n) in &actual {
        let want = expected.get(k).copied().unwrap_or(0);
        if *n > want {
            let d = report
                .diagnostics
                .iter()
                .find(|d| {
                    d.rule == k.2
                        && report
                            .file(d.file)
                            .is_some_and(|f| f.name == k.0 && f.position(d.span.start).line == k.1)
                })
                .map(|d| d.message.clone())
                .unwrap_or_default();
            msg.push_str(&format!("  unexpected  {}:{}: {} — {d}\n", k.0, k.1, k.2));
        }
    }
    Err(msg)
}

#[test]
fn every_fixture_folder_matches_its_expectations() {
    let mut failures = String::new();
    let mut covered: BTreeMap<String, usize> = BTreeMap::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixture_root())
        .expect("fixtures/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in &dirs {
        match check_folder(dir) {
            Ok(expected) => {
                for (k, n) in expected {
                    *covered.entry(k.2).or_default() += n;
                }
            }
            Err(msg) => failures.push_str(&format!("{}:\n{msg}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
    for rule in rules::ALL {
        let dir = fixture_root().join(rule.id);
        assert!(
            dir.is_dir(),
            "rule {} has no fixtures/{}/ folder",
            rule.id,
            rule.id
        );
        assert!(
            covered.get(rule.id).copied().unwrap_or(0) > 0,
            "no fixture expects rule {} to fire",
            rule.id
        );
    }
}

#[test]
fn expectation_comments_are_parsed() {
    let e = expectations(
        "f.yaml",
        "a: 1\nkind: Pod # expect: bare-pod, invalid-object\n",
    );
    assert_eq!(e.len(), 2);
    assert!(e.contains_key(&("f.yaml".to_string(), 2, "bare-pod".to_string())));
}
