//! Helm charts: rendered with `helm template` so that kplint lints what a cluster would get.
//!
//! Charts come from untrusted pull requests, and helm runs their templates: it is run offline
//! (proxies pointed at a closed port, no dependency update, no `--repo`), in an empty
//! environment with a throwaway HOME, and it is stopped after [`TIMEOUT`] or [`MAX_OUTPUT`]
//! bytes of output. kplint names the release after the chart (the caller passes it), so that
//! `{{ .Release.Name }}` renders to something a reader recognises.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::sealed::{self, Output, RunError, TempDir};

use super::file::SourceFile;
use super::tree::parse;

/// How long one `helm template` may run before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The most rendered output kept from one chart; helm is killed past it.
pub const MAX_OUTPUT: usize = 256 << 20;

/// The most of helm's stderr kept for a message.
const MAX_MESSAGE: usize = 4 << 10;

/// How to render one chart.
#[derive(Debug, Clone, Default)]
pub struct HelmOptions {
    /// The release name; kplint passes the chart's name.
    pub release: String,
    /// `--namespace`, passed only when set (helm then renders `default`).
    pub namespace: Option<String>,
    /// `--values` files in order, relative to kplint's working folder.
    pub values: Vec<PathBuf>,
    /// `--set` expressions in order.
    pub set: Vec<String>,
    /// Keep test hooks (helm's `--skip-tests` otherwise).
    pub include_tests: bool,
}

/// Why a chart did not render: a message for a `render-failed` finding, and (where known) the file and 1-based line it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// helm's message (bounded), or kplint's when helm was not run or was stopped.
    pub message: String,
    /// The chart file the message names, under the chart folder given to [`render`].
    pub file: Option<PathBuf>,
    /// 1-based line in `file`.
    pub line: Option<u32>,
}

impl RenderError {
    fn plain(message: impl Into<String>) -> RenderError {
        RenderError {
            message: message.into(),
            file: None,
            line: None,
        }
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// The helm binary to use: `explicit` if given (must exist), else `helm` found on PATH; None when there is none.
pub fn find_binary(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return p.is_file().then(|| p.to_path_buf());
    }
    sealed::find_on_path("helm")
}

/// Renders the chart in `chart_dir` with `helm template`; returns the stream with every `# Source: <chartname>/...` line rewritten to `# Source: <display>/...` where display is `display_dir` (the chart folder as the user sees it, e.g. `repo/helm-chart`), so findings name real files.
pub fn render(
    binary: &Path,
    chart_dir: &Path,
    display_dir: &str,
    opts: &HelmOptions,
) -> Result<String, RenderError> {
    let meta = read_chart_yaml(chart_dir);
    if let Some(e) = missing_dependencies(chart_dir, &meta) {
        return Err(e);
    }
    let home = TempDir::new("helm").map_err(|e| {
        RenderError::plain(format!("could not create a temporary HOME for helm: {e}"))
    })?;
    let mut cmd = sealed::sealed(binary, &home.path);
    cmd.current_dir(chart_dir);
    for var in ["HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"] {
        cmd.env(var, &home.path);
    }
    cmd.args(template_args(opts));

    let out = run_bounded(cmd, binary, TIMEOUT, MAX_OUTPUT)?;
    let name = meta.name.as_deref().unwrap_or_default();
    if !out.success {
        return Err(error_from_stderr(&out.stderr, name, chart_dir));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| RenderError::plain("helm template printed output that is not UTF-8"))?;
    Ok(rewrite_sources(&text, name, display_dir))
}

/// `helm template` arguments. Every value rides in `--flag=value` and the names come after
/// `--`, so that no value taken from a chart or a user can be read as another flag.
fn template_args(opts: &HelmOptions) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["template".into()];
    if let Some(ns) = &opts.namespace {
        args.push(format!("--namespace={ns}").into());
    }
    for file in &opts.values {
        // helm runs in the chart folder; values paths are the user's, from where kplint runs.
        let file = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        let mut arg = std::ffi::OsString::from("--values=");
        arg.push(file.as_os_str());
        args.push(arg);
    }
    for s in &opts.set {
        args.push(format!("--set={s}").into());
    }
    if !opts.include_tests {
        args.push("--skip-tests".into());
    }
    args.extend(["--".into(), opts.release.clone().into(), ".".into()]);
    args
}

/// Runs `cmd` through the shared runner, its failures told as helm's.
fn run_bounded(
    cmd: Command,
    binary: &Path,
    timeout: Duration,
    max_output: usize,
) -> Result<Output, RenderError> {
    sealed::run(cmd, timeout, max_output).map_err(|e| match e {
        RunError::Spawn(e) => {
            RenderError::plain(format!("could not run {}: {e}", binary.display()))
        }
        other => RenderError::plain(format!("helm template {other}")),
    })
}

/// What kplint reads from Chart.yaml itself.
#[derive(Debug, Default)]
struct ChartMeta {
    path: PathBuf,
    name: Option<String>,
    /// Names of the declared dependencies.
    dependencies: Vec<String>,
    /// 1-based line of `dependencies:`.
    dependencies_line: Option<u32>,
}

/// The `name:` Chart.yaml gives the chart in `chart_dir`.
pub fn chart_name(chart_dir: &Path) -> Option<String> {
    read_chart_yaml(chart_dir).name.filter(|n| !n.is_empty())
}

/// Reads Chart.yaml; anything wrong with it is left for helm to report.
fn read_chart_yaml(chart_dir: &Path) -> ChartMeta {
    let path = chart_dir.join("Chart.yaml");
    let mut meta = ChartMeta {
        path: path.clone(),
        ..ChartMeta::default()
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return meta;
    };
    let file = SourceFile::new(0, String::new(), &text);
    let parsed = parse(&file);
    let Some(doc) = parsed.documents.first() else {
        return meta;
    };
    let tree = &doc.tree;
    meta.name = tree
        .get(doc.root, "name")
        .and_then(|(_, v)| tree.scalar(v))
        .map(|s| s.text.to_string());
    if let Some((key, list)) = tree.get(doc.root, "dependencies") {
        meta.dependencies_line = Some(file.position(tree.span(key).start).line);
        meta.dependencies = tree
            .items(list)
            .iter()
            .filter_map(|&dep| tree.get(dep, "name").and_then(|(_, v)| tree.scalar(v)))
            .map(|s| s.text.to_string())
            .collect();
    }
    meta
}

/// The dependencies Chart.yaml declares that `charts/` lacks. helm would fail on them too, or,
/// asked to update them, fetch them from the network: kplint does neither.
fn missing_dependencies(chart_dir: &Path, meta: &ChartMeta) -> Option<RenderError> {
    if meta.dependencies.is_empty() {
        return None;
    }
    let vendored: Vec<(String, bool)> = std::fs::read_dir(chart_dir.join("charts"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    (e.file_name().to_string_lossy().into_owned(), is_dir)
                })
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<&str> = meta
        .dependencies
        .iter()
        .filter(|dep| !vendored.iter().any(|(f, is_dir)| provides(f, *is_dir, dep)))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(RenderError {
        message: format!(
            "missing chart dependencies: {}; run `helm dependency build`",
            missing.join(", ")
        ),
        file: Some(meta.path.clone()),
        line: meta.dependencies_line,
    })
}

/// Whether `charts/<entry>` can be dependency `dep`: its folder, or the archive `helm
/// dependency build` writes (`<name>-<version>.tgz`).
fn provides(entry: &str, is_dir: bool, dep: &str) -> bool {
    if is_dir {
        return entry == dep;
    }
    entry
        .strip_suffix(".tgz")
        .and_then(|stem| stem.strip_prefix(dep))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

/// Rewrites `# Source: <chart>/...` to `# Source: <display>/...`.
fn rewrite_sources(text: &str, chart: &str, display_dir: &str) -> String {
    const SOURCE: &str = "# Source: ";
    if chart.is_empty() {
        return text.to_string();
    }
    let from = format!("{SOURCE}{chart}/");
    let to = format!("{SOURCE}{}/", display_dir.trim_end_matches('/'));
    let mut out = String::with_capacity(text.len() + text.len() / 64);
    for line in text.split_inclusive('\n') {
        match line.strip_prefix(&from) {
            Some(rest) => {
                out.push_str(&to);
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// helm's stderr as a finding: the message, and the chart file and line it names. helm names
/// files `<chart>/templates/x.yaml`, followed by `:line[:col]` in template errors
/// (`template: c/templates/x.yaml:12:3: executing ...`, `c/templates/x.yaml:8:15\n executing`,
/// `parse error at (c/templates/x.yaml:5): ...`) and by nothing in `YAML parse error on ...`.
fn error_from_stderr(stderr: &[u8], chart: &str, chart_dir: &Path) -> RenderError {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    let text = text.strip_prefix("Error: ").unwrap_or(text);
    let mut message = bounded(text, MAX_MESSAGE).to_string();
    if message.is_empty() {
        message = "helm template failed and printed no message".to_string();
    }
    let (file, line) = if chart.is_empty() {
        (None, None)
    } else {
        locate(&message, chart, chart_dir)
    };
    RenderError {
        message,
        file,
        line,
    }
}

/// The first `<chart>/<path>[:line]` in `text` whose path is a file under `chart_dir`.
fn locate(text: &str, chart: &str, chart_dir: &Path) -> (Option<PathBuf>, Option<u32>) {
    let prefix = format!("{chart}/");
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        let before = text.len() - rest.len() + at;
        let starts_word = text
            .get(..before)
            .and_then(|b| b.chars().next_back())
            .is_none_or(|c| c.is_whitespace() || c == '(' || c == '"');
        let Some(after) = rest.get(at + prefix.len()..) else {
            break;
        };
        rest = after;
        if !starts_word {
            continue;
        }
        let end = after
            .find(|c: char| c == ':' || c == ')' || c == '"' || c.is_whitespace())
            .unwrap_or(after.len());
        let (Some(rel), Some(tail)) = (after.get(..end), after.get(end..)) else {
            continue;
        };
        let file = chart_dir.join(rel);
        if rel.is_empty() || rel.split('/').any(|p| p == "..") || !file.is_file() {
            continue;
        }
        let line = tail.strip_prefix(':').and_then(|t| {
            let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            t.get(..digits)?.parse().ok()
        });
        return (Some(file), line);
    }
    (None, None)
}

/// `s` cut to at most `max` bytes at a character boundary.
fn bounded(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Stdio;
    use std::time::Instant;

    #[test]
    fn sources_are_rewritten_to_the_display_dir_only_at_line_start() {
        let text = "---\n# Source: web/templates/a.yaml\nx: \"# Source: web/templates/a.yaml\"\n";
        assert_eq!(
            rewrite_sources(text, "web", "repo/chart/"),
            "---\n# Source: repo/chart/templates/a.yaml\nx: \"# Source: web/templates/a.yaml\"\n"
        );
    }

    #[test]
    fn template_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/x.yaml"), "a: b\n").unwrap();
        let cases = [
            (
                "Error: template: web/templates/x.yaml:12:3: executing \"web/templates/x.yaml\"",
                Some(12),
            ),
            (
                "Error: web/templates/x.yaml:8:15\n  executing \"web/templates/x.yaml\" at <.A>:",
                Some(8),
            ),
            (
                "Error: parse error at (web/templates/x.yaml:5): unexpected EOF",
                Some(5),
            ),
            (
                "Error: YAML parse error on web/templates/x.yaml: error converting",
                None,
            ),
        ];
        for (stderr, line) in cases {
            let e = error_from_stderr(stderr.as_bytes(), "web", dir.path());
            assert_eq!(
                e.file,
                Some(dir.path().join("templates/x.yaml")),
                "{stderr}"
            );
            assert_eq!(e.line, line, "{stderr}");
            assert!(!e.message.starts_with("Error:"));
        }
        // A path under another chart name, or not on disk, names no file.
        let e = error_from_stderr(b"Error: x/web/templates/y.yaml:3: no", "web", dir.path());
        assert_eq!((e.file, e.line), (None, None));
    }

    #[test]
    fn messages_are_bounded_at_a_char_boundary() {
        let long = "é".repeat(MAX_MESSAGE);
        let e = error_from_stderr(long.as_bytes(), "web", Path::new("."));
        assert!(e.message.len() <= MAX_MESSAGE);
        assert!(e.message.len() > MAX_MESSAGE - 2);
    }

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    #[test]
    fn a_helm_that_hangs_is_stopped_at_the_timeout() {
        let start = Instant::now();
        let e = run_bounded(
            sh("sleep 30"),
            Path::new("sh"),
            Duration::from_millis(200),
            1024,
        )
        .err()
        .unwrap();
        assert!(e.message.contains("did not finish within 0.2 s"), "{e:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_helm_that_prints_without_end_is_stopped_at_the_cap() {
        let e = run_bounded(sh("yes"), Path::new("sh"), Duration::from_secs(20), 1 << 20)
            .err()
            .unwrap();
        assert!(e.message.contains("more than 1024 KiB"), "{e:?}");
    }

    #[test]
    fn failure_is_the_exit_code_not_stderr() {
        let ok = run_bounded(
            sh("echo out; echo warning >&2"),
            Path::new("sh"),
            TIMEOUT,
            1024,
        );
        let ok = ok.unwrap();
        assert!(ok.success);
        assert_eq!(
            (ok.stdout.as_slice(), ok.stderr.as_slice()),
            (&b"out\n"[..], &b"warning\n"[..])
        );
        let failed = run_bounded(sh("echo out; exit 3"), Path::new("sh"), TIMEOUT, 1024).unwrap();
        assert!(!failed.success);
    }

    #[test]
    fn archives_and_folders_provide_dependencies() {
        assert!(provides("redis-1.2.3.tgz", false, "redis"));
        assert!(provides("redis.tgz", false, "redis"));
        assert!(provides("redis", true, "redis"));
        assert!(!provides("redis-ha-1.0.0", true, "redis"));
        assert!(!provides("redisx-1.0.0.tgz", false, "redis"));
    }
}
