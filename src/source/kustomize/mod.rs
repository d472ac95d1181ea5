//! Kustomize patches: files that a `kustomization.yaml` names under `patches`,
//! `patchesStrategicMerge` or `patchesJson6902`. They are partial objects (a Deployment with only
//! the fields to change), merged into a base by `kustomize build`; linted alone they would be
//! reported for the selector and containers they leave out on purpose.

pub mod build;
pub mod origin;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::file::SourceFile;
use super::tree::parse;

/// How many folders up a patch may sit below the kustomization that names it.
const MAX_ANCESTORS: usize = 4;

/// The file names kustomize reads as a kustomization.
pub(crate) const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Kustomization files found next to or above the inputs, read once per folder.
#[derive(Debug, Default)]
pub struct Kustomizations {
    /// Folder → (the kustomization file, the patch paths it names, normalised).
    by_dir: HashMap<PathBuf, Option<(PathBuf, Vec<PathBuf>)>>,
}

impl Kustomizations {
    /// The kustomization file that names `file` as a patch, if any.
    pub fn patch_of(&mut self, file: &Path) -> Option<PathBuf> {
        let target = normalise(&absolute(file));
        let mut dir = target.parent().map(Path::to_path_buf);
        for _ in 0..MAX_ANCESTORS {
            let d = dir?;
            if let Some((kfile, patches)) = self.load(&d) {
                if patches.contains(&target) {
                    return Some(kfile.clone());
                }
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        None
    }

    fn load(&mut self, dir: &Path) -> Option<&(PathBuf, Vec<PathBuf>)> {
        self.by_dir
            .entry(dir.to_path_buf())
            .or_insert_with(|| read_kustomization(dir))
            .as_ref()
    }
}

fn read_kustomization(dir: &Path) -> Option<(PathBuf, Vec<PathBuf>)> {
    let (path, text) = NAMES.iter().find_map(|n| {
        let p = dir.join(n);
        std::fs::read_to_string(&p).ok().map(|t| (p, t))
    })?;
    let file = SourceFile::new(0, String::new(), &text);
    let parsed = parse(&file);
    let mut patches = Vec::new();
    for doc in &parsed.documents {
        let tree = &doc.tree;
        for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
            let Some((_, list)) = tree.get(doc.root, key) else {
                continue;
            };
            for &item in tree.items(list) {
                // An entry is a path, or a mapping with `path:` (inline `patch:` bodies are not files).
                let named = tree
                    .scalar(item)
                    .or_else(|| tree.get(item, "path").and_then(|(_, v)| tree.scalar(v)));
                if let Some(s) = named {
                    if !s.text.is_empty() && !s.text.contains('\n') {
                        patches.push(normalise(&dir.join(s.text)));
                    }
                }
            }
        }
    }
    Some((path, patches))
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        return p.to_path_buf();
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

/// Removes `.` and resolves `..` lexically (kustomize resolves patch paths the same way).
pub(crate) fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_named_in_every_form_are_found() {
        let dir = std::env::temp_dir().join(format!("kplint-kustomize-{}", std::process::id()));
        let overlay = dir.join("overlays/prod");
        std::fs::create_dir_all(overlay.join("patches")).expect("mkdir");
        std::fs::write(
            overlay.join("kustomization.yaml"),
            "resources: [../../base]\npatchesStrategicMerge:\n  - memory.yaml\npatches:\n  - path: patches/replicas.yaml\n  - patch: |-\n      - op: replace\npatchesJson6902:\n  - target: {kind: Deployment, name: web}\n    path: ./json.yaml\n",
        )
        .expect("write");
        let mut k = Kustomizations::default();
        for name in ["memory.yaml", "patches/replicas.yaml", "json.yaml"] {
            assert!(k.patch_of(&overlay.join(name)).is_some(), "{name}");
        }
        assert!(k.patch_of(&overlay.join("service.yaml")).is_none());
        assert!(k.patch_of(&dir.join("base/deployment.yaml")).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
