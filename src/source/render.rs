//! The build stage: each kustomization unit is built and each chart unit rendered, in
//! parallel, into a stream the rest of the pipeline lints like any other input. Without the
//! tool a unit needs, its files are linted as written, and the run says so.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::discover::{display_path, Input};
use super::units::{relative, ApplyUnit, Plan, UnitKind};
use crate::model::UnitId;

/// The programs the build stage runs, found once per run.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    /// What builds kustomizations (`None`: linted as written).
    pub kustomize: Option<super::kustomize::build::Builder>,
    /// The `helm` binary (`None`: charts are not rendered).
    pub helm: Option<PathBuf>,
    /// How charts are rendered.
    pub helm_options: HelmSettings,
}

/// Values and release settings passed to every chart (`--values`, `--set`, the config).
#[derive(Debug, Clone, Default)]
pub struct HelmSettings {
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
    pub namespace: Option<String>,
    /// Render `templates/tests/` hooks too.
    pub include_tests: bool,
    /// Settings of single charts, added to these for the chart in their folder.
    pub charts: Vec<ChartSettings>,
}

/// How one chart is rendered, on top of what every chart gets.
#[derive(Debug, Clone, Default)]
pub struct ChartSettings {
    /// The chart folder, absolute, `.` and `..` resolved.
    pub dir: PathBuf,
    /// The release name (default: the chart's name).
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
}

/// A built or rendered unit's output.
#[derive(Debug)]
pub struct Stream {
    /// The name shown for the stream itself (`rendered` positions).
    pub name: String,
    pub text: String,
    pub unit: UnitId,
    /// For a kustomization: where each document came from, in document order.
    pub origins: Option<Vec<super::kustomize::origin::DocOrigin>>,
}

/// A unit that could not be built or rendered: a `render-failed` finding.
#[derive(Debug)]
pub struct Failure {
    pub unit: UnitId,
    /// Absolute path of the file the finding is at.
    pub file: PathBuf,
    /// 1-based line, when the tool named one.
    pub line: Option<u32>,
    pub message: String,
}

/// What the build stage hands to the lint.
#[derive(Debug, Default)]
pub struct Prepared {
    pub streams: Vec<Stream>,
    /// Files linted as written, with their unit (a kustomization's resources when no
    /// kustomize binary is found).
    pub as_written: Vec<(Input, UnitId)>,
    /// Files findings may be placed in (absolute): what built units read, where failures are.
    pub reads: Vec<PathBuf>,
    pub failures: Vec<Failure>,
    pub notes: Vec<String>,
    /// Kustomizations and charts linted as written because their tool is missing.
    pub unbuilt: usize,
}

/// Builds and renders the plan's kustomization and chart units, in parallel.
pub fn prepare(plan: &Plan, tools: &Tools) -> Prepared {
    let results: Vec<Outcome> = plan
        .units
        .par_iter()
        .enumerate()
        .map(|(i, unit)| prepare_unit(crate::source::file::to_u32(i), unit, tools))
        .collect();
    let mut out = Prepared::default();
    let mut missing_kustomize = false;
    let mut missing_helm: Vec<String> = Vec::new();
    for r in results {
        match r {
            Outcome::Nothing => {}
            Outcome::Built(stream, reads) => {
                out.streams.push(stream);
                out.reads.extend(reads);
            }
            Outcome::Failed(failure) => {
                out.reads.push(failure.file.clone());
                out.failures.push(failure);
            }
            Outcome::AsWritten(inputs, no_kustomize) => {
                out.unbuilt += 1;
                if no_kustomize {
                    missing_kustomize = true;
                }
                out.as_written.extend(inputs);
            }
            Outcome::Unrendered(root) => {
                out.unbuilt += 1;
                missing_helm.push(root);
            }
        }
    }
    out.reads.sort();
    out.reads.dedup();
    if missing_kustomize {
        out.notes.push(
            "no kustomize binary (kubectl or kustomize) on PATH: kustomizations are linted as written, their patches and transformers not applied (--kustomize names one)".to_string(),
        );
    }
    for root in missing_helm {
        out.notes.push(format!(
            "no helm binary on PATH: chart {root} is not rendered, its templates not checked (--helm names one, or: helm template {root} | kplint check -)"
        ));
    }
    out
}

enum Outcome {
    Nothing,
    Built(Stream, Vec<PathBuf>),
    Failed(Failure),
    /// The inputs to lint as written; true when it is for want of kustomize.
    AsWritten(Vec<(Input, UnitId)>, bool),
    /// A chart left unrendered (its root as shown).
    Unrendered(String),
}

fn prepare_unit(id: UnitId, unit: &ApplyUnit, tools: &Tools) -> Outcome {
    let Some(dir) = unit.dir.as_deref() else {
        return Outcome::Nothing;
    };
    match unit.kind {
        UnitKind::Kustomization => match &tools.kustomize {
            None => Outcome::AsWritten(
                unit.resources
                    .iter()
                    .filter(|p| super::discover::is_manifest_name(p))
                    .map(|p| (file_input(p), id))
                    .collect(),
                true,
            ),
            Some(builder) => build_kustomization(id, unit, dir, builder),
        },
        UnitKind::Chart => match &tools.helm {
            None => Outcome::Unrendered(unit.root.clone()),
            Some(helm) => render_chart(id, unit, dir, helm, &tools.helm_options),
        },
        _ => Outcome::Nothing,
    }
}

fn build_kustomization(
    id: UnitId,
    unit: &ApplyUnit,
    dir: &Path,
    builder: &super::kustomize::build::Builder,
) -> Outcome {
    match super::kustomize::build::build(builder, dir) {
        Ok(built) => Outcome::Built(
            Stream {
                name: format!("{} (kustomize build)", unit.root),
                text: built.text,
                unit: id,
                origins: Some(built.origins),
            },
            unit.reads.clone(),
        ),
        Err(e) => Outcome::Failed(Failure {
            unit: id,
            file: e.file,
            line: e.line,
            message: e.message,
        }),
    }
}

fn render_chart(
    id: UnitId,
    unit: &ApplyUnit,
    dir: &Path,
    helm: &Path,
    settings: &HelmSettings,
) -> Outcome {
    let own = settings.charts.iter().find(|c| c.dir == dir);
    let release = own
        .and_then(|c| c.release.clone())
        .or_else(|| super::helm::chart_name(dir))
        .unwrap_or_else(|| "release".to_string());
    let opts = super::helm::HelmOptions {
        release,
        namespace: own
            .and_then(|c| c.namespace.clone())
            .or_else(|| settings.namespace.clone()),
        values: settings
            .values
            .iter()
            .chain(own.map(|c| &c.values).into_iter().flatten())
            .cloned()
            .collect(),
        set: settings
            .set
            .iter()
            .chain(own.map(|c| &c.set).into_iter().flatten())
            .cloned()
            .collect(),
        include_tests: settings.include_tests,
    };
    match super::helm::render(helm, dir, &unit.root, &opts) {
        Ok(text) => Outcome::Built(
            Stream {
                name: format!("{} (helm template)", unit.root),
                text,
                unit: id,
                origins: None,
            },
            Vec::new(),
        ),
        Err(e) => Outcome::Failed(Failure {
            unit: id,
            file: e.file.unwrap_or_else(|| dir.join("Chart.yaml")),
            line: e.line,
            message: e.message,
        }),
    }
}

/// An input for a file found through a kustomization, shown relative to the working folder.
pub fn file_input(path: &Path) -> Input {
    Input::File {
        display: display_path(&relative(path)),
        path: path.to_path_buf(),
        walked: false,
    }
}
