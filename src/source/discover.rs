//! Finding the manifest files among the paths the user named.

use std::path::{Path, PathBuf};

use globset::GlobSet;
use ignore::WalkBuilder;

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk, shown as `display`; `walked` when found by walking a folder rather than
    /// named, so that a repository's other JSON files can be skipped without a word.
    File {
        path: PathBuf,
        display: String,
        walked: bool,
    },
    /// Standard input, shown as `display`.
    Stdin { display: String },
}

impl Input {
    /// The name shown in diagnostics.
    pub fn display(&self) -> &str {
        match self {
            Input::File { display, .. } | Input::Stdin { display } => display,
        }
    }
}

/// A path met while walking that could not be walked (permissions, a symlink loop).
#[derive(Debug, Clone)]
pub struct WalkProblem {
    pub display: String,
    pub message: String,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    /// Things worth telling on stderr (a skipped Helm `templates/`).
    pub notes: Vec<String>,
    pub problems: Vec<WalkProblem>,
    /// Folders holding a kustomization file, met while walking or named.
    pub kustomizations: Vec<PathBuf>,
    /// Folders holding a `Chart.yaml`, met while walking or named.
    pub charts: Vec<PathBuf>,
}

/// Why discovery could not start.
#[derive(Debug)]
pub enum DiscoverError {
    /// A path the user named does not exist or can't be read.
    Missing { path: String, reason: String },
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoverError::Missing { path, reason } => write!(f, "{path}: {reason}"),
        }
    }
}

impl std::error::Error for DiscoverError {}

/// True for the extensions kplint reads when walking a directory.
pub fn is_manifest_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
        .unwrap_or(false)
}

/// Expands the named paths into inputs, in a stable order.
pub fn discover(
    paths: &[String],
    exclude: &GlobSet,
    stdin_name: Option<&str>,
) -> Result<Discovery, DiscoverError> {
    let mut out = Discovery::default();
    for raw in paths {
        if raw == "-" {
            out.inputs.push(Input::Stdin {
                display: stdin_name.unwrap_or("-").to_string(),
            });
            continue;
        }
        let path = PathBuf::from(raw);
        let meta = std::fs::metadata(&path).map_err(|e| DiscoverError::Missing {
            path: raw.clone(),
            reason: match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            },
        })?;
        if meta.is_dir() {
            walk(&path, exclude, &mut out);
            // A named folder that is itself a unit's root (the walk sees only its files).
            note_unit_root(&path, &mut out);
        } else {
            // A file the user named is read whatever its extension.
            out.inputs.push(Input::File {
                display: display_path(&path),
                path,
                walked: false,
            });
        }
    }
    out.inputs.dedup();
    out.kustomizations.sort();
    out.kustomizations.dedup();
    out.charts.sort();
    out.charts.dedup();
    Ok(out)
}

/// The file names kustomize reads as a kustomization, in the order it tries them.
pub const KUSTOMIZATION_NAMES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Records `dir` as a kustomization or chart root when it holds one.
fn note_unit_root(dir: &Path, out: &mut Discovery) {
    if KUSTOMIZATION_NAMES.iter().any(|n| dir.join(n).is_file()) {
        out.kustomizations.push(dir.to_path_buf());
    }
    if dir.join("Chart.yaml").is_file() {
        out.charts.push(dir.to_path_buf());
    }
}

fn walk(root: &Path, exclude: &GlobSet, out: &mut Discovery) {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    let excluded = exclude.clone();
    let root_owned = root.to_path_buf();
    builder.filter_entry(move |entry| {
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_dir()) && entry.file_name() == ".git" {
            return false;
        }
        !is_excluded(&excluded, &root_owned, path)
    });
    for result in builder.build() {
        let entry = match result {
            Ok(e) => e,
            Err(err) => {
                out.problems.push(walk_problem(&err));
                continue;
            }
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir {
            continue;
        }
        let file_name = entry.file_name().to_str().unwrap_or_default();
        if let Some(dir) = path.parent() {
            if KUSTOMIZATION_NAMES.contains(&file_name) {
                out.kustomizations.push(dir.to_path_buf());
            } else if file_name == "Chart.yaml" {
                out.charts.push(dir.to_path_buf());
            }
        }
        if !is_manifest_name(path) {
            continue;
        }
        // Go templates, not YAML: the chart's unit renders them (`source::units`).
        if helm_chart_of_template(path).is_some() {
            continue;
        }
        out.inputs.push(Input::File {
            display: display_path(path),
            path: path.to_path_buf(),
            walked: true,
        });
    }
}

/// The chart folder when `path` lies under a chart's `templates/` folder.
fn helm_chart_of_template(path: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            if let Some(chart) = d.parent() {
                if chart.join("Chart.yaml").is_file() {
                    return Some(chart.to_path_buf());
                }
            }
        }
        dir = d.parent();
    }
    None
}

fn is_excluded(set: &GlobSet, root: &Path, path: &Path) -> bool {
    if set.is_empty() {
        return false;
    }
    let shown = display_path(path);
    if set.is_match(&shown) || set.is_match(path) {
        return true;
    }
    path.strip_prefix(root)
        .map(|rel| !rel.as_os_str().is_empty() && set.is_match(rel))
        .unwrap_or(false)
}

fn walk_problem(err: &ignore::Error) -> WalkProblem {
    let display = match err {
        ignore::Error::WithPath { path, .. } => display_path(path),
        ignore::Error::WithDepth { err, .. } => return walk_problem(err),
        ignore::Error::Loop { child, .. } => display_path(child),
        _ => String::from("(walk)"),
    };
    let message = match err {
        ignore::Error::Loop { ancestor, .. } => format!(
            "symbolic link loop back to {}; not followed",
            display_path(ancestor)
        ),
        other => other.to_string(),
    };
    WalkProblem { display, message }
}

/// A path as shown to the user: forward slashes, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut t = s.as_str();
    while let Some(rest) = t.strip_prefix("./") {
        t = rest;
    }
    if t.is_empty() {
        ".".to_string()
    } else {
        t.to_string()
    }
}
