//! The paths a `.kplint.yaml` names must exist: one that does not is an error at its line and
//! column, like every other mistake in the file, rather than a bare `base: no such file` from
//! deep in the run.

use std::path::Path;
use std::sync::Arc;

use super::{relative_to, ConfigError};
use crate::source::Span;

/// What a written path must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// A file or a folder (a `context` path); names the setting.
    Exists(&'static str),
    /// A file (a values file, a binary written as a path); names the setting.
    File(&'static str),
    /// A chart folder: a folder with `Chart.yaml`.
    Chart,
    /// A glob (`units`) whose leading literal folders must exist: `deploy/**` needs `deploy/`;
    /// `**/*.yaml` names no folder and is not checked. Names the setting.
    GlobFolder(&'static str),
}

/// A path as written in the configuration: resolved as the run uses it (relative to the
/// working directory), and where it is written.
#[derive(Debug, Clone)]
pub(super) struct WrittenPath {
    pub path: String,
    pub span: Span,
    pub expect: Expect,
}

/// The first written path that is not what it must be, as a located error. `base` is the
/// configuration's folder as shown (empty for the working directory).
pub(super) fn check(
    written: &[WrittenPath],
    name: &str,
    text: &str,
    base: &Path,
) -> Result<(), ConfigError> {
    let Some((w, message)) = written
        .iter()
        .find_map(|w| problem(w, base).map(|m| (w, m)))
    else {
        return Ok(());
    };
    let folder = match crate::source::discover::display_path(base) {
        shown if shown.is_empty() => String::new(),
        shown => format!(" (`{shown}`)"),
    };
    Err(ConfigError::Located {
        name: name.to_string(),
        text: Arc::from(text),
        span: w.span,
        message,
        help: Some(format!(
            "paths in the configuration are relative to its folder{folder}; fix the path or remove the entry"
        )),
    })
}

/// Why `w` is not what it must be, or `None` when it is.
fn problem(w: &WrittenPath, base: &Path) -> Option<String> {
    let path = Path::new(&w.path);
    match w.expect {
        Expect::Exists(what) => {
            (!path.exists()).then(|| format!("{what} `{}` does not exist", w.path))
        }
        Expect::File(what) => {
            if path.is_file() {
                None
            } else if path.exists() {
                Some(format!("{what} `{}` is not a file", w.path))
            } else {
                Some(format!("{what} `{}` does not exist", w.path))
            }
        }
        Expect::Chart => {
            if path.join("Chart.yaml").is_file() {
                None
            } else if path.is_dir() {
                Some(format!(
                    "`helm.charts` path `{}` is not a chart: no Chart.yaml there",
                    w.path
                ))
            } else {
                Some(format!("`helm.charts` path `{}` does not exist", w.path))
            }
        }
        Expect::GlobFolder(what) => {
            let folder = literal_prefix(&w.path)?;
            let resolved = relative_to(base, &folder);
            (!Path::new(&resolved).exists()).then(|| {
                format!(
                    "{what} `{}` names `{resolved}`, which does not exist",
                    w.path
                )
            })
        }
    }
}

/// The leading components of a glob that hold no glob syntax, joined; `None` when the first
/// one does.
fn literal_prefix(glob: &str) -> Option<String> {
    let literal: Vec<&str> = glob
        .split('/')
        .take_while(|c| !c.contains(['*', '?', '[', '{', '\\']))
        .collect();
    let prefix = literal.join("/");
    (!prefix.is_empty()).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_globs_literal_prefix_is_its_leading_plain_folders() {
        assert_eq!(literal_prefix("deploy/**").as_deref(), Some("deploy"));
        assert_eq!(literal_prefix("a/b/*.yaml").as_deref(), Some("a/b"));
        assert_eq!(literal_prefix("a/b/c.yaml").as_deref(), Some("a/b/c.yaml"));
        assert_eq!(literal_prefix("**/x.yaml"), None);
        assert_eq!(literal_prefix("{a,b}/x"), None);
    }
}
