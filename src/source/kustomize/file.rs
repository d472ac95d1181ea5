//! One kustomization file as kplint reads it before anything is built: every entry that names
//! a file or folder kustomize loads, with its line. Unit planning (what a kustomization
//! includes and reads) and the build's safety walk (remote bases, helm charts, where an error
//! points) read the same entries through this one reader.

use std::path::{Path, PathBuf};

use super::{normalise, NAMES};
use crate::source::file::SourceFile;
use crate::source::tree::{parse, NodeId, Tree};

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
/// Generators, whose items name files under `files`, `envs` and `env`.
const GENERATOR_KEYS: &[&str] = &["configMapGenerator", "secretGenerator"];
/// Keys that make kustomize run helm.
const HELM_KEYS: &[&str] = &["helmCharts", "helmChartInflationGenerator", "helmGlobals"];

/// One entry that names a file or folder.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key it is listed under (`resources`, `patches`, `configMapGenerator`…).
    pub key: &'static str,
    /// The path as written (for a generator's `key=path`, the path).
    pub text: String,
    /// 1-based line of the entry in the kustomization file.
    pub line: u32,
}

impl Entry {
    /// True for `resources`, `bases` and `components`: entries that may be kustomizations of
    /// their own, built into this one.
    pub fn builds_in(&self) -> bool {
        matches!(self.key, "resources" | "bases" | "components")
    }

    /// True for an entry kustomize would fetch over the network.
    pub fn is_remote(&self) -> bool {
        is_remote(&self.text)
    }
}

/// A kustomization file and its entries.
#[derive(Debug, Clone)]
pub struct KustomizationFile {
    /// The file (`kustomization.yaml`, `.yml` or `Kustomization`).
    pub file: PathBuf,
    /// Its folder, against which entries resolve.
    pub dir: PathBuf,
    /// `kind: Component`: applied only through a kustomization that lists it.
    pub component: bool,
    pub entries: Vec<Entry>,
    /// The first key that would run helm, with its 1-based line.
    pub helm: Option<(&'static str, u32)>,
}

impl KustomizationFile {
    /// Reads the kustomization file of `dir`, if it has one that can be read.
    pub fn read(dir: &Path) -> Option<KustomizationFile> {
        let (file, text) = NAMES.iter().find_map(|n| {
            let p = dir.join(n);
            std::fs::read_to_string(&p).ok().map(|t| (p, t))
        })?;
        let source = SourceFile::new(0, String::new(), &text);
        let parsed = parse(&source);
        let mut out = KustomizationFile {
            file,
            dir: dir.to_path_buf(),
            component: false,
            entries: Vec::new(),
            helm: None,
        };
        for doc in &parsed.documents {
            let tree = &doc.tree;
            let root = doc.root;
            let line_of = |node: NodeId| source.position(tree.span(node).start).line;
            let mut add = |key: &'static str, node: NodeId, text: &str| {
                if !text.trim().is_empty() && !text.contains('\n') {
                    out.entries.push(Entry {
                        key,
                        text: text.trim().to_string(),
                        line: line_of(node),
                    });
                }
            };
            for &key in LIST_KEYS {
                for (item, text) in scalar_items(tree, root, key) {
                    add(key, item, text);
                }
            }
            for &key in PATH_ITEM_KEYS {
                for &item in list(tree, root, key) {
                    if let Some((_, p)) = tree.get(item, "path") {
                        if let Some(s) = tree.scalar(p) {
                            add(key, p, s.text);
                        }
                    }
                }
            }
            for &key in GENERATOR_KEYS {
                for &item in list(tree, root, key) {
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
                                add(key, n, path);
                            }
                        }
                    }
                }
            }
            if let Some((_, p)) = tree
                .get(root, "openapi")
                .and_then(|(_, o)| tree.get(o, "path"))
            {
                if let Some(s) = tree.scalar(p) {
                    add("openapi", p, s.text);
                }
            }
            if out.helm.is_none() {
                out.helm = HELM_KEYS.iter().find_map(|&key| {
                    let (k, v) = tree.get(root, key)?;
                    Some((key, line_of(tree.items(v).first().copied().unwrap_or(k))))
                });
            }
            out.component |= tree
                .get(root, "kind")
                .and_then(|(_, v)| tree.scalar(v))
                .is_some_and(|s| s.text == "Component");
        }
        Some(out)
    }

    /// Where a local entry points, `.` and `..` resolved; `None` for a remote one.
    pub fn path_of(&self, entry: &Entry) -> Option<PathBuf> {
        (!entry.is_remote()).then(|| normalise(&self.dir.join(&entry.text)))
    }
}

fn list<'t>(tree: &'t Tree, root: NodeId, key: &str) -> &'t [NodeId] {
    tree.get(root, key)
        .map(|(_, l)| tree.items(l))
        .unwrap_or_default()
}

fn scalar_items<'t>(
    tree: &'t Tree,
    root: NodeId,
    key: &str,
) -> impl Iterator<Item = (NodeId, &'t str)> + 't {
    list(tree, root, key)
        .iter()
        .filter_map(move |&i| tree.scalar(i).map(|s| (i, s.text)))
}

/// True for a resource kustomize would fetch: a URL, a git address, a hosted repository.
pub fn is_remote(s: &str) -> bool {
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
