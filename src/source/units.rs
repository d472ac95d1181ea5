//! Apply units: the sets of objects that are applied together. A repository holds kustomize
//! bases and overlays, Helm charts, folders that `kubectl apply -f` takes, and alternative
//! bundles of one application that nobody applies together; conflicts are only looked for
//! within a unit (`Inventory::same_unit`).

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;

use super::discover::{display_path, Input};
use super::kustomize::file::KustomizationFile;
use crate::model::UnitId;

/// How deep kustomizations may include one another before the walk stops (kustomize itself
/// rejects cycles; this bounds a hostile tree).
const MAX_INCLUDE_DEPTH: usize = 32;

/// How many folders above a named file a kustomization that reads it is looked for.
const MAX_ANCESTORS: usize = 4;

/// What makes a set of objects one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// The built output of a kustomization that no other kustomization of the run includes.
    Kustomization,
    /// The rendered output of a Helm chart.
    Chart,
    /// The plain manifests of one folder: what `kubectl apply -f <folder>` applies.
    Folder,
    /// Standard input.
    Stdin,
    /// A `units:` entry of the configuration.
    Declared,
}

impl UnitKind {
    /// The name used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Kustomization => "kustomization",
            UnitKind::Chart => "chart",
            UnitKind::Folder => "folder",
            UnitKind::Stdin => "stdin",
            UnitKind::Declared => "declared",
        }
    }
}

/// One apply unit of a run.
#[derive(Debug, Clone)]
pub struct ApplyUnit {
    pub kind: UnitKind,
    /// The folder (or stdin's name, or the declared globs) as shown to the user.
    pub root: String,
    /// The folder on disk, for kustomizations and charts.
    pub dir: Option<PathBuf>,
    /// For a kustomization: the manifest files its `resources` name, through every
    /// kustomization it includes (linted as written when no kustomize binary is found).
    pub resources: Vec<PathBuf>,
    /// For a kustomization: every file it reads (kustomization files, resources, patches,
    /// generator sources): where findings on its built objects are written.
    pub reads: Vec<PathBuf>,
}

/// The units of a run and where each input goes.
#[derive(Debug, Default)]
pub struct Plan {
    pub units: Vec<ApplyUnit>,
    /// Per input: its unit, or `None` for a file a kustomization or chart reads (linted
    /// through the unit's built output, not on its own).
    pub input_unit: Vec<Option<UnitId>>,
    /// Things worth telling on stderr.
    pub notes: Vec<String>,
    /// Kustomize components no kustomization of the run uses: not applied on their own.
    pub unused_components: usize,
}

/// What one kustomization file says about the files around it.
#[derive(Debug, Default, Clone)]
struct Kustomization {
    file: PathBuf,
    component: bool,
    /// Local folders it includes (resources, bases, components, generators, transformers).
    includes: Vec<PathBuf>,
    /// Manifest files its `resources` (or `bases`) name.
    resources: Vec<PathBuf>,
    /// Every other file it reads.
    reads: Vec<PathBuf>,
}

/// Kustomization files read once per folder (`None`: the folder has none, or it is unreadable).
#[derive(Debug, Default)]
struct Kustomizations {
    by_dir: HashMap<PathBuf, Option<Kustomization>>,
}

impl Kustomizations {
    fn get(&mut self, dir: &Path) -> Option<&Kustomization> {
        self.by_dir
            .entry(dir.to_path_buf())
            .or_insert_with(|| read_kustomization(dir))
            .as_ref()
    }

    /// The folders `dir` includes and every file read, through all it includes.
    fn closure(&mut self, dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<PathBuf>) {
        let (mut dirs, mut resources, mut reads) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut stack = vec![(dir.to_path_buf(), 0usize)];
        while let Some((d, depth)) = stack.pop() {
            if depth > MAX_INCLUDE_DEPTH || !seen.insert(d.clone()) {
                continue;
            }
            let Some(k) = self.get(&d).cloned() else {
                continue;
            };
            dirs.push(d);
            reads.push(k.file.clone());
            resources.extend(k.resources.iter().cloned());
            reads.extend(k.resources);
            reads.extend(k.reads);
            for inc in k.includes {
                stack.push((inc, depth + 1));
            }
        }
        (dirs, resources, reads)
    }
}

/// Splits the inputs into apply units. `kustomizations` and `charts` are the folders
/// discovery found; `declared` the configuration's `units:` (each a set of globs over the
/// paths as shown); `stdin` inputs each make a unit.
pub fn plan(
    inputs: &[Input],
    kustomizations: &[PathBuf],
    charts: &[PathBuf],
    declared: &[GlobSet],
) -> Plan {
    let mut known = Kustomizations::default();
    // Read once: every input's path is compared as an absolute one.
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &Path| absolute_in(&cwd, p);
    let files: Vec<Option<PathBuf>> = inputs
        .iter()
        .map(|i| match i {
            Input::File { path, .. } => Some(absolute(path)),
            Input::Stdin { .. } => None,
        })
        .collect();
    let mut roots: Vec<PathBuf> = kustomizations.iter().map(|d| absolute(d)).collect();
    // A file named on its own (a pre-commit hook's staged file) that a kustomization above it
    // reads belongs to that kustomization, found or not by a walk.
    let mut reads_of: HashMap<PathBuf, HashSet<PathBuf>> = HashMap::new();
    for file in files.iter().flatten() {
        let mut dir = file.parent().map(Path::to_path_buf);
        for _ in 0..MAX_ANCESTORS {
            let Some(d) = dir else { break };
            let reads = reads_of.entry(d.clone()).or_insert_with(|| {
                if known.get(&d).is_some() {
                    known.closure(&d).2.into_iter().collect()
                } else {
                    HashSet::new()
                }
            });
            if reads.contains(file) {
                if !roots.contains(&d) {
                    roots.push(d.clone());
                }
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    roots.sort();
    roots.dedup();
    // Included by another: linted through the kustomizations that include it.
    let mut included: HashSet<PathBuf> = HashSet::new();
    for r in &roots {
        if let Some(k) = known.get(r).cloned() {
            for inc in &k.includes {
                let (dirs, _, _) = known.closure(inc);
                included.extend(dirs);
            }
        }
    }
    let mut out = Plan::default();
    // Every file a kustomization of the run reads, top-level or not.
    let mut owned: HashSet<PathBuf> = HashSet::new();
    for r in &roots {
        let Some(k) = known.get(r).cloned() else {
            continue;
        };
        let (_, resources, reads) = known.closure(r);
        owned.extend(reads.iter().cloned());
        if included.contains(r) {
            continue;
        }
        if k.component {
            out.unused_components += 1;
            out.notes.push(format!(
                "kustomize component {} is used by no kustomization of this run: not applied on its own, not checked",
                display_path(&relative(r))
            ));
            continue;
        }
        out.units.push(ApplyUnit {
            kind: UnitKind::Kustomization,
            root: display_path(&relative(r)),
            dir: Some(r.clone()),
            resources,
            reads,
        });
    }
    // The outermost chart holds its subcharts.
    let mut chart_dirs: Vec<PathBuf> = charts.iter().map(|c| absolute(c)).collect();
    chart_dirs.sort();
    chart_dirs.dedup();
    let outer: Vec<PathBuf> = chart_dirs
        .iter()
        .filter(|c| !chart_dirs.iter().any(|o| o != *c && c.starts_with(o)))
        .cloned()
        .collect();
    let mut chart_unit: Vec<(PathBuf, UnitId)> = Vec::new();
    for c in outer {
        chart_unit.push((c.clone(), to_unit(out.units.len())));
        out.units.push(ApplyUnit {
            kind: UnitKind::Chart,
            root: display_path(&relative(&c)),
            dir: Some(c),
            resources: Vec::new(),
            reads: Vec::new(),
        });
    }
    let mut folders: HashMap<PathBuf, UnitId> = HashMap::new();
    let mut declared_unit: HashMap<usize, UnitId> = HashMap::new();
    for (input, file) in inputs.iter().zip(&files) {
        let unit = match input {
            Input::Stdin { display } => {
                out.units.push(ApplyUnit {
                    kind: UnitKind::Stdin,
                    root: display.clone(),
                    dir: None,
                    resources: Vec::new(),
                    reads: Vec::new(),
                });
                Some(to_unit(out.units.len() - 1))
            }
            Input::File { path, display, .. } => {
                let file = file.as_deref().unwrap_or(path);
                if let Some((_, u)) = chart_unit.iter().find(|(c, _)| file.starts_with(c)) {
                    Some(*u)
                } else if owned.contains(file) {
                    None
                } else if let Some(i) = declared.iter().position(|g| g.is_match(display)) {
                    Some(*declared_unit.entry(i).or_insert_with(|| {
                        out.units.push(ApplyUnit {
                            kind: UnitKind::Declared,
                            root: format!("units[{i}]"),
                            dir: None,
                            resources: Vec::new(),
                            reads: Vec::new(),
                        });
                        to_unit(out.units.len() - 1)
                    }))
                } else {
                    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
                    Some(*folders.entry(folder.clone()).or_insert_with(|| {
                        out.units.push(ApplyUnit {
                            kind: UnitKind::Folder,
                            root: display_path(&folder),
                            dir: None,
                            resources: Vec::new(),
                            reads: Vec::new(),
                        });
                        to_unit(out.units.len() - 1)
                    }))
                }
            }
        };
        out.input_unit.push(unit);
    }
    out
}

fn to_unit(n: usize) -> UnitId {
    crate::source::file::to_u32(n)
}

/// What the kustomization file of `dir` includes and reads, if it has one.
fn read_kustomization(dir: &Path) -> Option<Kustomization> {
    let k = KustomizationFile::read(dir)?;
    let mut out = Kustomization {
        file: k.file.clone(),
        component: k.component,
        ..Kustomization::default()
    };
    for e in &k.entries {
        let Some(p) = k.path_of(e) else { continue };
        let may_include =
            e.builds_in() || matches!(e.key, "generators" | "transformers" | "validators");
        if may_include && p.is_dir() {
            out.includes.push(p);
        } else if matches!(e.key, "resources" | "bases") {
            out.resources.push(p);
        } else {
            out.reads.push(p);
        }
    }
    Some(out)
}

/// `p` made absolute against `cwd`, `.` and `..` resolved lexically (as kustomize resolves
/// its paths).
fn absolute_in(cwd: &Path, p: &Path) -> PathBuf {
    normalise(&cwd.join(p))
}

/// `p` relative to the working directory when it lies below it (as the user named it).
pub fn relative(p: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    match p.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => p.to_path_buf(),
    }
}

/// Removes `.` and resolves `..` lexically.
pub fn normalise(p: &Path) -> PathBuf {
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

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn file(root: &Path, rel: &str) -> Input {
        Input::File {
            path: root.join(rel),
            display: rel.to_string(),
            walked: true,
        }
    }

    #[test]
    fn overlays_are_units_and_their_bases_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "base/kustomization.yaml", "resources: [deploy.yaml]\n");
        write(d, "base/deploy.yaml", "kind: Deployment\n");
        write(
            d,
            "prod/kustomization.yaml",
            "resources: [../base]\npatches:\n  - path: patch.yaml\n",
        );
        write(d, "prod/patch.yaml", "kind: Deployment\n");
        write(d, "comp/kustomization.yaml", "kind: Component\n");
        write(d, "plain/a.yaml", "kind: Pod\n");
        write(d, "plain/b.yaml", "kind: Pod\n");
        write(d, "alt/a.yaml", "kind: Pod\n");
        let inputs: Vec<Input> = [
            "base/deploy.yaml",
            "prod/patch.yaml",
            "plain/a.yaml",
            "plain/b.yaml",
            "alt/a.yaml",
        ]
        .iter()
        .map(|r| file(d, r))
        .collect();
        let ks = [d.join("base"), d.join("prod"), d.join("comp")];
        let p = plan(&inputs, &ks, &[], &[]);
        let kinds: Vec<(UnitKind, bool)> = p
            .units
            .iter()
            .map(|u| (u.kind, u.dir.as_deref() == Some(d.join("prod").as_path())))
            .collect();
        assert_eq!(kinds[0], (UnitKind::Kustomization, true));
        assert_eq!(p.unused_components, 1);
        assert_eq!(p.units[0].resources, [d.join("base/deploy.yaml")]);
        assert!(p.units[0].reads.contains(&d.join("prod/patch.yaml")));
        // The base's and the patch's files go through the overlay; each folder is its own unit.
        assert_eq!(p.input_unit[0], None);
        assert_eq!(p.input_unit[1], None);
        assert_eq!(p.input_unit[2], p.input_unit[3]);
        assert_ne!(p.input_unit[2], p.input_unit[4]);
        assert_eq!(p.units.len(), 3);
    }

    #[test]
    fn declared_units_and_charts_take_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "chart/Chart.yaml", "name: c\n");
        write(d, "chart/crds/crd.yaml", "kind: CustomResourceDefinition\n");
        write(d, "chart/charts/sub/Chart.yaml", "name: s\n");
        write(d, "deploy/a.yaml", "kind: Deployment\n");
        write(d, "svc/a.yaml", "kind: Service\n");
        let inputs = vec![
            file(d, "chart/crds/crd.yaml"),
            file(d, "deploy/a.yaml"),
            file(d, "svc/a.yaml"),
        ];
        let mut b = globset::GlobSetBuilder::new();
        b.add(globset::Glob::new("deploy/**").unwrap());
        b.add(globset::Glob::new("svc/**").unwrap());
        let declared = [b.build().unwrap()];
        let p = plan(
            &inputs,
            &[],
            &[d.join("chart"), d.join("chart/charts/sub")],
            &declared,
        );
        assert_eq!(p.units[0].kind, UnitKind::Chart);
        assert_eq!(p.input_unit[0], Some(0));
        assert_eq!(p.input_unit[1], p.input_unit[2]);
        assert_eq!(p.units.len(), 2);
    }

    #[test]
    fn remote_resources_are_told_apart() {
        use crate::source::kustomize::file::is_remote;
        assert!(is_remote("github.com/org/repo//deploy?ref=v1"));
        assert!(is_remote("https://example.com/x.yaml"));
        assert!(!is_remote("../base"));
    }
}
