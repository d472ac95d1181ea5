//! Building a kustomization with `kubectl kustomize` (or `kustomize build`), safely: nothing
//! the repository brings is executed, nothing is fetched, the user's tree is not written to.
//!
//! The kustomization is built through a wrapper kustomization in a fresh temporary folder that
//! names it as its one resource and asks for the origin and transformer annotations; those are
//! read into [`origin::DocOrigin`]s and removed from the text.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::source::file::SourceFile;
use crate::source::tree::{parse, NodeId, Tree};

use super::normalise;
use super::origin::{self, kustomization_in};

/// How long a build may take before it is killed.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(60);
/// The most output a build may print; more is an error.
pub const MAX_OUTPUT: u64 = 256 * 1024 * 1024;
/// The most of kustomize's error output read.
const MAX_STDERR: u64 = 1024 * 1024;
/// The longest error message kept, in bytes.
const MAX_MESSAGE: usize = 2000;
/// How deep included kustomizations are followed when checking for remote bases.
const MAX_INCLUDE_DEPTH: usize = 32;
/// The most kustomizations checked for one build.
const MAX_KUSTOMIZATIONS: usize = 1000;

/// Which program builds kustomizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Builder {
    /// `kubectl kustomize`.
    Kubectl(PathBuf),
    /// `kustomize build`.
    Kustomize(PathBuf),
}

/// `explicit` (a `kubectl` or `kustomize` binary, told apart by file name; must exist) or the
/// first of `kustomize`, `kubectl` on PATH; None when neither.
pub fn find_builder(explicit: Option<&Path>) -> Option<Builder> {
    if let Some(p) = explicit {
        if !p.is_file() {
            return None;
        }
        let name = p.file_name()?.to_string_lossy().to_lowercase();
        return if name.starts_with("kustomize") {
            Some(Builder::Kustomize(p.to_path_buf()))
        } else if name.starts_with("kubectl") {
            Some(Builder::Kubectl(p.to_path_buf()))
        } else {
            None
        };
    }
    let path = std::env::var_os("PATH")?;
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let find = |name: &str| dirs.iter().map(|d| d.join(name)).find(|p| is_executable(p));
    find("kustomize")
        .map(Builder::Kustomize)
        .or_else(|| find("kubectl").map(Builder::Kubectl))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// A built kustomization: the stream with kustomize's build annotations removed, and each
/// document's origin (same order).
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub text: String,
    pub origins: Vec<origin::DocOrigin>,
}

/// Why a kustomization did not build: kustomize's message, and the file and 1-based line it
/// names where one can be found (the kustomization entry that failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub message: String,
    pub file: PathBuf,
    pub line: Option<u32>,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for BuildError {}

/// Builds the kustomization in `dir` (absolute) without executing anything the repository
/// brings and without the network.
pub fn build(builder: &Builder, dir: &Path) -> Result<Built, BuildError> {
    let dir = normalise(dir);
    let kfile = kustomization_in(&dir).unwrap_or_else(|| dir.join("kustomization.yaml"));
    let walked = walk(&dir)?;
    let tmp = TempDir::new().map_err(|e| BuildError {
        message: format!("cannot create a temporary folder to build in: {e}"),
        file: kfile.clone(),
        line: None,
    })?;
    let result = run_in(builder, &dir, &tmp.path, &kfile, &walked);
    drop(tmp);
    result
}

fn run_in(
    builder: &Builder,
    dir: &Path,
    tmp: &Path,
    kfile: &Path,
    walked: &[Walked],
) -> Result<Built, BuildError> {
    let fail = |message: String| BuildError {
        message,
        file: kfile.to_path_buf(),
        line: None,
    };
    let wrapper = tmp.join("build");
    let home = tmp.join("home");
    for d in [&wrapper, &home] {
        std::fs::create_dir_all(d)
            .map_err(|e| fail(format!("cannot prepare the build folder: {e}")))?;
    }
    // `..` from a real folder leads to `/`, and from there the folder's own path: relative,
    // as kustomize requires of a resource.
    let depth = wrapper.components().count().saturating_sub(1);
    let mut rel = "../".repeat(depth);
    rel.push_str(
        &dir.to_string_lossy()
            .trim_start_matches('/')
            .replace('\\', "/"),
    );
    let wrapper_text = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - {}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n",
        yaml_quote(&rel)
    );
    std::fs::write(wrapper.join("kustomization.yaml"), wrapper_text)
        .map_err(|e| fail(format!("cannot write the build wrapper: {e}")))?;

    let (program, args): (&Path, &[&str]) = match builder {
        Builder::Kubectl(p) => (p, &["kustomize"]),
        Builder::Kustomize(p) => (p, &["build"]),
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .arg(&wrapper)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("KUSTOMIZE_PLUGIN_HOME", tmp.join("plugins"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("https_proxy", "http://127.0.0.1:9")
        .env("NO_PROXY", "")
        .env("no_proxy", "")
        .env("GIT_ALLOW_PROTOCOL", "file")
        .env("GIT_TERMINAL_PROMPT", "0")
        .current_dir(tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot run {}: {e}", program.display())))?;
    let out = wait_capped(&mut child)
        .map_err(|e| fail(format!("{} {}: {e}", program.display(), args.join(" "))))?;
    if !out.success {
        let message = clean_message(&out.stderr, &rel, &wrapper, dir);
        let (file, line) = locate_error(&message, walked)
            .map(|(f, l)| (f, Some(l)))
            .unwrap_or_else(|| (kfile.to_path_buf(), None));
        return Err(BuildError {
            message,
            file,
            line,
        });
    }
    let (text, origins) = origin::split_origins(&out.stdout, &wrapper);
    Ok(Built { text, origins })
}

/// A path as a YAML scalar: quoted when plain would not read back the same.
fn yaml_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "./_-+@~".contains(c));
    if plain {
        s.to_string()
    } else {
        let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Waits for `child`, reading its output (stdout capped at [`MAX_OUTPUT`]) and killing it after
/// [`BUILD_TIMEOUT`].
fn wait_capped(child: &mut Child) -> Result<Output, String> {
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout {
            let _ = s.take(MAX_OUTPUT + 1).read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr {
            let _ = s.take(MAX_STDERR).read_to_end(&mut buf);
        }
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if start.elapsed() > BUILD_TIMEOUT => {
                break Err(format!("killed after {} s", BUILD_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(e.to_string()),
        }
    };
    if status.is_err() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let status = status?;
    if out.len() as u64 > MAX_OUTPUT {
        return Err(format!("output over {} MiB", MAX_OUTPUT >> 20));
    }
    Ok(Output {
        success: status.success(),
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
    })
}

/// Kustomize's message without kubectl's log prefix, the wrapper's paths and warnings, bounded.
fn clean_message(stderr: &str, rel: &str, wrapper: &Path, dir: &Path) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_block = false;
    for line in stderr.lines() {
        if line.starts_with("# Warning:") {
            continue;
        }
        if let Some(at) = line.find("\"command failed\" err=") {
            let rest = line
                .get(at + "\"command failed\" err=".len()..)
                .unwrap_or("");
            if rest.trim() == "<" {
                in_block = true;
            } else {
                lines.push(unquote_go(rest.trim()));
            }
            continue;
        }
        if in_block {
            if line.trim() == ">" {
                in_block = false;
                continue;
            }
            lines.push(line.strip_prefix('\t').unwrap_or(line).to_string());
            continue;
        }
        let line = line.strip_prefix("Error: ").unwrap_or(line);
        let line = line.strip_prefix("error: ").unwrap_or(line);
        if !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    let mut message = lines.join("\n").trim().to_string();
    let dir_s = dir.display().to_string();
    message = message.replace(rel, &dir_s);
    message = message.replace(&wrapper.display().to_string(), &dir_s);
    if message.is_empty() {
        message = "kustomize failed without a message".to_string();
    }
    if message.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

/// A Go-quoted string's text (`"a \"b\""` → `a "b"`); other text as is.
fn unquote_go(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// One kustomization read before building, with the entries that name files or folders.
#[derive(Debug)]
struct Walked {
    file: PathBuf,
    dir: PathBuf,
    /// (entry text, 1-based line, true for resources/bases/components).
    refs: Vec<(String, u32, bool)>,
}

/// The keys whose list items name files or folders kustomize loads.
const LIST_KEYS: &[&str] = &[
    "resources",
    "bases",
    "components",
    "crds",
    "configurations",
    "transformers",
    "generators",
    "validators",
    "patchesStrategicMerge",
];
/// The keys whose items are mappings with a `path:` kustomize loads.
const PATH_ITEM_KEYS: &[&str] = &["patches", "patchesJson6902", "replacements"];
/// Generators, whose items name files under these keys.
const GENERATOR_KEYS: &[&str] = &["configMapGenerator", "secretGenerator"];
/// Keys that run helm.
const HELM_KEYS: &[&str] = &["helmCharts", "helmChartInflationGenerator", "helmGlobals"];

/// Reads the kustomization in `dir` and the local ones it includes, refusing remote bases and
/// helm charts.
fn walk(dir: &Path) -> Result<Vec<Walked>, BuildError> {
    let mut out = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut stack: Vec<(PathBuf, usize)> = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        if depth > MAX_INCLUDE_DEPTH || out.len() >= MAX_KUSTOMIZATIONS {
            continue;
        }
        let canon = d.canonicalize().unwrap_or_else(|_| d.clone());
        if seen.contains(&canon) {
            continue;
        }
        seen.push(canon);
        let Some(file) = kustomization_in(&d) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let source = SourceFile::new(0, String::new(), &text);
        let parsed = parse(&source);
        let mut refs = Vec::new();
        let line_of = |tree: &Tree, node: NodeId| source.position(tree.span(node).start).line;
        for doc in &parsed.documents {
            let tree = &doc.tree;
            for key in HELM_KEYS {
                if let Some((k, v)) = tree.get(doc.root, key) {
                    let at = tree.items(v).first().copied().unwrap_or(k);
                    return Err(BuildError {
                        message: format!("{key} needs --enable-helm, which runs helm: not done"),
                        file,
                        line: Some(line_of(tree, at)),
                    });
                }
            }
            let mut found: Vec<(String, NodeId, bool)> = Vec::new();
            for key in LIST_KEYS {
                if let Some((_, list)) = tree.get(doc.root, key) {
                    let includes = matches!(*key, "resources" | "bases" | "components");
                    for &item in tree.items(list) {
                        if let Some(s) = tree.scalar(item) {
                            if !s.text.contains('\n') {
                                found.push((s.text.to_string(), item, includes));
                            }
                        }
                    }
                }
            }
            for key in PATH_ITEM_KEYS {
                if let Some((_, list)) = tree.get(doc.root, key) {
                    for &item in tree.items(list) {
                        if let Some((_, p)) = tree.get(item, "path") {
                            if let Some(s) = tree.scalar(p) {
                                found.push((s.text.to_string(), p, false));
                            }
                        }
                    }
                }
            }
            for key in GENERATOR_KEYS {
                if let Some((_, list)) = tree.get(doc.root, key) {
                    for &item in tree.items(list) {
                        for sub in ["files", "envs", "env"] {
                            let Some((_, v)) = tree.get(item, sub) else {
                                continue;
                            };
                            let nodes: Vec<NodeId> = if tree.is_sequence(v) {
                                tree.items(v).to_vec()
                            } else {
                                vec![v]
                            };
                            for n in nodes {
                                if let Some(s) = tree.scalar(n) {
                                    // `files` entries may be `key=path`.
                                    let path = s.text.split_once('=').map_or(s.text, |(_, p)| p);
                                    found.push((path.to_string(), n, false));
                                }
                            }
                        }
                    }
                }
            }
            if let Some((_, o)) = tree.get(doc.root, "openapi") {
                if let Some((_, p)) = tree.get(o, "path") {
                    if let Some(s) = tree.scalar(p) {
                        found.push((s.text.to_string(), p, false));
                    }
                }
            }
            for (text, node, includes) in found {
                let line = line_of(tree, node);
                if is_remote(&text) {
                    return Err(BuildError {
                        message: format!(
                            "remote base {text} is not fetched: kplint does not reach the network"
                        ),
                        file,
                        line: Some(line),
                    });
                }
                if includes {
                    let target = normalise(&d.join(&text));
                    if target.is_dir() {
                        stack.push((target, depth + 1));
                    }
                }
                refs.push((text, line, includes));
            }
        }
        out.push(Walked { file, dir: d, refs });
    }
    Ok(out)
}

/// True for a resource kustomize would fetch: a URL, a git address, a hosted repository.
fn is_remote(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git@")
        || lower.starts_with("git::")
        || lower.contains("?ref=")
        || lower.contains("?version=")
        || [
            "github.com/",
            "gitlab.com/",
            "bitbucket.org/",
            "dev.azure.com/",
        ]
        .iter()
        .any(|h| lower.starts_with(h) || lower.starts_with(&format!("www.{h}")))
}

/// The kustomization entry an error message names: the last quoted path (or `path(...)`,
/// `lstat ...`) that is an entry of a kustomization read before building, or whose folder or
/// file it names. Prefers the kustomization of the last `recursed accumulation of path`.
fn locate_error(message: &str, walked: &[Walked]) -> Option<(PathBuf, u32)> {
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for (open, close) in [("'", "'"), ("path(", ")"), ("lstat ", ":")] {
        let mut from = 0;
        while let Some(at) = message.get(from..).and_then(|r| r.find(open)) {
            let start = from + at + open.len();
            let Some(len) = message.get(start..).and_then(|r| r.find(close)) else {
                break;
            };
            let text = message.get(start..start + len).unwrap_or("");
            if !text.is_empty() && !text.contains('\n') && text.len() < 4096 {
                candidates.push((start, text.to_string()));
            }
            // Quotes nest in kustomize's messages: every quote opens a candidate.
            from = start;
        }
    }
    candidates.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let recursed = {
        let marker = "recursed accumulation of path '";
        message.rfind(marker).and_then(|at| {
            let rest = message.get(at + marker.len()..)?;
            rest.find('\'')
                .and_then(|end| rest.get(..end))
                .map(PathBuf::from)
        })
    };
    for (_, text) in &candidates {
        let abs = Path::new(text)
            .is_absolute()
            .then(|| normalise(Path::new(text)));
        let mut order: Vec<&Walked> = walked.iter().collect();
        if let Some(r) = &recursed {
            order.sort_by_key(|w| w.dir != *r);
        }
        for w in order {
            for (entry, line, _) in &w.refs {
                let hit = match &abs {
                    Some(a) => normalise(&w.dir.join(entry)) == *a,
                    None => entry == text || entry.trim_start_matches("./") == text,
                };
                if hit {
                    return Some((w.file.clone(), *line));
                }
            }
        }
    }
    None
}

/// A folder of its own under the system's temporary folder, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let base = base.canonicalize().unwrap_or(base);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!(
                "kplint-kustomize-{}-{n}-{nanos}",
                std::process::id()
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free temporary folder name"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kplint-build-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, t) in files {
            let p = dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        dir
    }

    #[test]
    fn remote_entries_are_recognised() {
        for r in [
            "github.com/org/repo/deploy?ref=v1",
            "https://example.com/all.yaml",
            "git@github.com:org/repo.git",
            "ssh://git@host/repo",
            "../base?ref=main",
        ] {
            assert!(is_remote(r), "{r}");
        }
        for l in [
            "../base",
            "deployment.yaml",
            "github-com/base",
            "./x:y.yaml",
        ] {
            assert!(!is_remote(l), "{l}");
        }
    }

    #[test]
    fn remote_bases_and_helm_charts_are_refused_in_included_kustomizations() {
        let dir = repo(
            "walk",
            &[
                ("top/kustomization.yaml", "resources:\n  - ../mid\n"),
                ("mid/kustomization.yaml", "resources:\n  - ../top\ncomponents:\n  - ../comp\n"),
                ("comp/Kustomization", "kind: Component\npatches:\n  - path: https://example.com/p.yaml\n"),
                ("helm/kustomization.yml", "resources: []\nhelmCharts:\n  - name: x\n    repo: https://charts.example.com\n"),
            ],
        );
        let fake = Builder::Kubectl(PathBuf::from("/nonexistent/kubectl"));
        let err = build(&fake, &dir.join("top")).unwrap_err();
        assert_eq!(err.file, dir.join("comp/Kustomization"));
        assert_eq!(err.line, Some(3));
        assert!(err
            .message
            .starts_with("remote base https://example.com/p.yaml is not fetched"));
        let err = build(&fake, &dir.join("helm")).unwrap_err();
        assert_eq!(
            (err.file, err.line),
            (dir.join("helm/kustomization.yml"), Some(3))
        );
        assert_eq!(
            err.message,
            "helmCharts needs --enable-helm, which runs helm: not done"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn kubectl_messages_are_cleaned_and_located() {
        let dir = repo(
            "errors",
            &[
                (
                    "a/kustomization.yaml",
                    "resources:\n  - ../b\npatches:\n  - path: nope.yaml\n",
                ),
                (
                    "b/kustomization.yaml",
                    "resources:\n  - x.yaml\n  - ../gone\n",
                ),
            ],
        );
        let walked = walk(&dir.join("a")).unwrap();
        let b = dir.join("b");
        let stderr = format!(
            "E1206 09:13:35.852114    5236 run.go:72] \"command failed\" err=\"accumulating resources: accumulation err='accumulating resources from '../../x/a': '/w/a' must resolve to a file': recursed accumulation of path '{b}': accumulating resources: accumulation err='accumulating resources from '../gone': evalsymlink failure on '/w/gone' : lstat /w/gone: no such file or directory'\"\n",
            b = b.display()
        );
        let m = clean_message(
            &stderr,
            "../../x/a",
            Path::new("/tmp/kplint-kustomize-1/build"),
            &dir.join("a"),
        );
        assert!(
            m.starts_with("accumulating resources: accumulation err="),
            "{m}"
        );
        assert!(!m.contains("../../x/a") && !m.contains("run.go"), "{m}");
        assert_eq!(
            locate_error(&m, &walked),
            Some((b.join("kustomization.yaml"), 3))
        );

        let nope = dir.join("a/nope.yaml");
        let stderr = format!(
            "E1206 09:13:42.056925    5524 run.go:72] \"command failed\" err=<\n\ttrouble configuring builtin PatchTransformer with config: `\n\tpath: nope.yaml\n\t`: failed to get the patch file from path(nope.yaml): evalsymlink failure on '{n}' : lstat {n}: no such file or directory\n >\n",
            n = nope.display()
        );
        let m = clean_message(&stderr, "../../x/a", Path::new("/tmp/w"), &dir.join("a"));
        assert!(
            m.starts_with("trouble configuring builtin PatchTransformer"),
            "{m}"
        );
        assert_eq!(
            locate_error(&m, &walked),
            Some((dir.join("a/kustomization.yaml"), 4))
        );
        assert_eq!(locate_error("something else entirely", &walked), None);
        let long = clean_message(&"é".repeat(5000), "r", Path::new("/w"), Path::new("/d"));
        assert!(long.len() <= MAX_MESSAGE + 3);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_explicit_builder_is_told_apart_by_its_name() {
        let dir = repo("bin", &[("kubectl", ""), ("kustomize", ""), ("helm", "")]);
        assert_eq!(
            find_builder(Some(&dir.join("kubectl"))),
            Some(Builder::Kubectl(dir.join("kubectl")))
        );
        assert_eq!(
            find_builder(Some(&dir.join("kustomize"))),
            Some(Builder::Kustomize(dir.join("kustomize")))
        );
        assert_eq!(find_builder(Some(&dir.join("helm"))), None);
        assert_eq!(find_builder(Some(&dir.join("missing/kubectl"))), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
