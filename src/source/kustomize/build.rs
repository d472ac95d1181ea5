//! Building a kustomization with `kubectl kustomize` (or `kustomize build`), safely: nothing
//! the repository brings is executed, nothing is fetched, the user's tree is not written to.
//!
//! The kustomization is built through a wrapper kustomization in a fresh temporary folder that
//! names it as its one resource and asks for the origin and transformer annotations; those are
//! read into [`origin::DocOrigin`]s and removed from the text.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::source::sealed::{self, RunError, TempDir};

use super::file::KustomizationFile;
use super::normalise;
use super::origin::{self, kustomization_in};

/// How long a build may take before it is killed.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(60);
/// The most output a build may print; more is an error.
pub const MAX_OUTPUT: usize = 256 * 1024 * 1024;
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
    sealed::find_on_path("kustomize")
        .map(Builder::Kustomize)
        .or_else(|| sealed::find_on_path("kubectl").map(Builder::Kubectl))
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
    let tmp = TempDir::new("kustomize").map_err(|e| BuildError {
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
    walked: &[KustomizationFile],
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
    let mut cmd = sealed::sealed(program, &home);
    cmd.args(args)
        .arg(&wrapper)
        .env("KUSTOMIZE_PLUGIN_HOME", tmp.join("plugins"))
        .current_dir(tmp);
    let out = sealed::run(cmd, BUILD_TIMEOUT, MAX_OUTPUT).map_err(|e| match e {
        RunError::Spawn(e) => fail(format!("cannot run {}: {e}", program.display())),
        other => fail(format!("{} {}: {other}", program.display(), args.join(" "))),
    })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.success {
        let message = clean_message(&stderr, &rel, &wrapper, dir);
        let (file, line) = locate_error(&message, walked)
            .map(|(f, l)| (f, Some(l)))
            .unwrap_or_else(|| (kfile.to_path_buf(), None));
        return Err(BuildError {
            message,
            file,
            line,
        });
    }
    let (text, origins) = origin::split_origins(&stdout, &wrapper);
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

/// Reads the kustomization in `dir` and the local ones it builds in, refusing remote bases and
/// helm charts.
fn walk(dir: &Path) -> Result<Vec<KustomizationFile>, BuildError> {
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
        let Some(k) = KustomizationFile::read(&d) else {
            continue;
        };
        if let Some((key, line)) = k.helm {
            return Err(BuildError {
                message: format!("{key} needs --enable-helm, which runs helm: not done"),
                file: k.file,
                line: Some(line),
            });
        }
        if let Some(remote) = k.entries.iter().find(|e| e.is_remote()) {
            return Err(BuildError {
                message: format!(
                    "remote base {} is not fetched: kplint does not reach the network",
                    remote.text
                ),
                file: k.file.clone(),
                line: Some(remote.line),
            });
        }
        for e in k.entries.iter().filter(|e| e.builds_in()) {
            if let Some(target) = k.path_of(e).filter(|t| t.is_dir()) {
                stack.push((target, depth + 1));
            }
        }
        out.push(k);
    }
    Ok(out)
}

/// The kustomization entry an error message names: the last quoted path (or `path(...)`,
/// `lstat ...`) that is an entry of a kustomization read before building, or whose folder or
/// file it names. Prefers the kustomization of the last `recursed accumulation of path`.
fn locate_error(message: &str, walked: &[KustomizationFile]) -> Option<(PathBuf, u32)> {
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
        let mut order: Vec<&KustomizationFile> = walked.iter().collect();
        if let Some(r) = &recursed {
            order.sort_by_key(|w| w.dir != *r);
        }
        for w in order {
            for e in &w.entries {
                let hit = match &abs {
                    Some(a) => normalise(&w.dir.join(&e.text)) == *a,
                    None => e.text == *text || e.text.trim_start_matches("./") == text,
                };
                if hit {
                    return Some((w.file.clone(), e.line));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::kustomize::file::is_remote;

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
