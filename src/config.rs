//! `.kplint.yaml`: the repository's settings. Read with kplint's own span tree, so every
//! mistake (an unknown key, an unknown rule id, a bad value) is an error pointing at its line.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSetBuilder};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use crate::model::version::{KubeVersion, VERSION_HELP};
use crate::report::suppress::{did_you_mean, IgnoreEntry, Level};
use crate::report::{FailOn, Severity};
use crate::rules;
use crate::source::tree::{parse, NodeId, Tree};
use crate::source::{SourceFile, Span};

mod paths;
use paths::{Expect, WrittenPath};

/// The names kplint looks for, in each folder from the working directory up.
pub const FILE_NAMES: &[&str] = &[".kplint.yaml", ".kplint.yml"];

/// The settings of a `.kplint.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file the settings come from.
    pub path: PathBuf,
    pub namespace: Option<String>,
    pub fail_on: Option<FailOn>,
    pub levels: HashMap<&'static str, Level>,
    pub exclude: Vec<String>,
    /// Context paths, relative to the working directory when the config is below it.
    pub context: Vec<String>,
    /// Folders or files whose CRDs give the schemas of custom resources (`crds:`), resolved
    /// like `context`.
    pub crds: Vec<String>,
    pub ignore: Vec<IgnoreEntry>,
    /// Workload kinds the repository declares (`workloads:`): where each keeps its pod
    /// template, selector and replicas.
    pub workloads: Vec<std::sync::Arc<crate::model::shape::Shape>>,
    /// Apply units the repository declares: each a list of globs whose files form one unit.
    pub units: Vec<Vec<String>>,
    /// The binary that builds kustomizations (`kubectl` or `kustomize`).
    pub kustomize: Option<String>,
    /// The `helm` binary that renders charts.
    pub helm: Option<String>,
    /// Values files for every chart (relative to the working directory when below it).
    pub helm_values: Vec<String>,
    /// `--set` entries for every chart.
    pub helm_set: Vec<String>,
    /// Render charts' test hooks too (`helm.tests`).
    pub helm_tests: bool,
    /// Settings for one chart each (`helm.charts`).
    pub helm_charts: Vec<ChartConfig>,
    /// Every path written in the file, with its place: [`load`] checks that each exists.
    written_paths: Vec<WrittenPath>,
    /// The Kubernetes release the manifests are for (`kubernetes-version`).
    pub kubernetes_version: Option<KubeVersion>,
}

/// How one chart is rendered (`helm.charts` entry); paths relative to the working directory
/// when the configuration is below it.
#[derive(Debug, Clone, Default)]
pub struct ChartConfig {
    /// The chart folder.
    pub path: String,
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// Values files, after the ones every chart gets.
    pub values: Vec<String>,
    /// `--set` entries, after the ones every chart gets.
    pub set: Vec<String>,
}

/// Why the configuration can't be used (exit code 2).
#[derive(Debug)]
pub enum ConfigError {
    /// The file could not be read.
    Unreadable { path: String, reason: String },
    /// A mistake at a place in the file.
    Located {
        name: String,
        text: Arc<str>,
        span: Span,
        message: String,
        help: Option<String>,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Unreadable { path, reason } => write!(f, "{path}: {reason}"),
            ConfigError::Located { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A located configuration error as miette renders it (with the source snippet).
#[derive(Debug)]
struct Shown<'a> {
    message: &'a str,
    help: Option<&'a str>,
    source: NamedSource<Arc<str>>,
    span: Span,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some("here".to_string()),
                (self.span.start as usize, self.span.len() as usize),
            ),
        )))
    }
}

impl ConfigError {
    /// The error as shown on stderr: `error: file:line:col: message` and the snippet.
    pub fn render(&self, color: bool) -> String {
        match self {
            ConfigError::Unreadable { .. } => format!("error: config: {self}\n"),
            ConfigError::Located {
                name,
                text,
                span,
                message,
                help,
            } => {
                let file = SourceFile::new(0, name.clone(), text);
                let p = file.position(span.start);
                let shown = Shown {
                    message,
                    help: help.as_deref(),
                    source: NamedSource::new(name.clone(), Arc::clone(text)),
                    span: *span,
                };
                let theme = if color {
                    GraphicalTheme::unicode()
                } else {
                    GraphicalTheme::unicode_nocolor()
                };
                let mut out = format!("error: {name}:{}:{}: {message}\n", p.line, p.column);
                let handler = GraphicalReportHandler::new_themed(theme)
                    .with_width(100)
                    .with_links(false);
                let _ = handler.render_report(&mut out, &shown);
                out
            }
        }
    }

    /// The 1-based line of a located error.
    pub fn line(&self) -> Option<u32> {
        match self {
            ConfigError::Located {
                name, text, span, ..
            } => Some(
                SourceFile::new(0, name.clone(), text)
                    .position(span.start)
                    .line,
            ),
            ConfigError::Unreadable { .. } => None,
        }
    }
}

/// The nearest `.kplint.yaml` in `start` or its ancestors.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

/// Reads and checks a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| ConfigError::Unreadable {
        path: path.display().to_string(),
        reason: "not UTF-8 text".to_string(),
    })?;
    // Shown relative to the working directory when the file is below it.
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_ref()
        .and_then(|d| path.strip_prefix(d).ok())
        .unwrap_or(path);
    let name = crate::source::discover::display_path(shown);
    let base = shown.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut config = parse_config(&name, &text, &base)?;
    // Checked here, not while parsing: whether a path exists depends on the disk and the
    // working directory, which a parse of a text alone (its tests, an editor) does not have.
    paths::check(&config.written_paths, &name, &text, &base)?;
    config.path = path.to_path_buf();
    Ok(config)
}

struct Reader<'a> {
    name: &'a str,
    text: Arc<str>,
    tree: &'a Tree,
}

impl Reader<'_> {
    fn error(&self, node: NodeId, message: impl Into<String>, help: Option<String>) -> ConfigError {
        self.error_at(self.tree.span(node), message, help)
    }

    fn error_at(
        &self,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError::Located {
            name: self.name.to_string(),
            text: Arc::clone(&self.text),
            span,
            message: message.into(),
            help,
        }
    }

    fn string(&self, node: NodeId, what: &str) -> Result<String, ConfigError> {
        match self.tree.scalar(node) {
            Some(s) if !self.tree.is_mapping(node) => Ok(s.text.to_string()),
            _ => Err(self.error(node, format!("{what} must be a string"), None)),
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    fn strings(&self, node: NodeId, what: &str) -> Result<Vec<(String, NodeId)>, ConfigError> {
        if self.tree.is_sequence(node) {
            self.tree
                .items(node)
                .iter()
                .map(|&item| Ok((self.string(item, what)?, item)))
                .collect()
        } else {
            Ok(vec![(self.string(node, what)?, node)])
        }
    }

    fn rule(&self, id: &str, node: NodeId) -> Result<&'static rules::Rule, ConfigError> {
        rules::by_id(id).ok_or_else(|| {
            let help = match did_you_mean(id) {
                Some(close) => format!("did you mean `{close}`? (`kplint rules` lists every rule)"),
                None => "`kplint rules` lists every rule".to_string(),
            };
            self.error(node, format!("unknown rule `{id}`"), Some(help))
        })
    }

    /// A list of paths relative to the configuration's folder `base`, each recorded in
    /// `written` with its place, to be checked against `expect` once the whole file is read.
    fn paths(
        &self,
        node: NodeId,
        what: &str,
        base: &Path,
        expect: Expect,
        written: &mut Vec<WrittenPath>,
    ) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for (p, at) in self.strings(node, what)? {
            let resolved = relative_to(base, &p);
            written.push(self.written(&resolved, at, expect));
            out.push(resolved);
        }
        Ok(out)
    }

    /// A path as written at `node`, to be checked once the whole file is read.
    fn written(&self, path: &str, node: NodeId, expect: Expect) -> WrittenPath {
        WrittenPath {
            path: path.to_string(),
            span: self.tree.span(node),
            expect,
        }
    }

    /// A binary as written: a bare name is looked up on PATH when the run starts; one written
    /// as a path is relative to the configuration's folder, as every other path in it, and
    /// must exist.
    fn binary(
        &self,
        base: &Path,
        bin: &str,
        node: NodeId,
        what: &'static str,
        written: &mut Vec<WrittenPath>,
    ) -> String {
        if Path::new(bin).components().count() < 2 {
            return bin.to_string();
        }
        let resolved = relative_to(base, bin);
        written.push(self.written(&resolved, node, Expect::File(what)));
        resolved
    }

    fn glob(&self, pattern: &str, node: NodeId) -> Result<Glob, ConfigError> {
        Glob::new(pattern).map_err(|e| self.error(node, format!("bad glob `{pattern}`: {e}"), None))
    }

    fn entries(
        &self,
        map: NodeId,
        allowed: &[&str],
        what: &str,
    ) -> Result<Vec<(String, NodeId, NodeId)>, ConfigError> {
        if !self.tree.is_mapping(map) {
            return Err(self.error(map, format!("{what} must be a mapping"), None));
        }
        let mut out = Vec::new();
        for (k, v) in self.tree.entries(map) {
            let key = self.string(k, "a key")?;
            if !allowed.contains(&key.as_str()) {
                let close = allowed
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(&key) || a.replace('-', "_") == key);
                let help = match close {
                    Some(c) => format!("did you mean `{c}`? keys here: {}", allowed.join(", ")),
                    None => format!("keys here: {}", allowed.join(", ")),
                };
                return Err(self.error(k, format!("unknown key `{key}` in {what}"), Some(help)));
            }
            out.push((key, k, v));
        }
        Ok(out)
    }
}

const TOP_KEYS: &[&str] = &[
    "namespace",
    "fail-on",
    "rules",
    "exclude",
    "context",
    "crds",
    "ignore",
    "units",
    "workloads",
    "kustomize",
    "helm",
    "kubernetes-version",
];
const WORKLOAD_KEYS: &[&str] = &["apiVersion", "kind", "template", "selector", "replicas"];
const HELM_KEYS: &[&str] = &["binary", "values", "set", "tests", "charts"];
const CHART_KEYS: &[&str] = &["path", "release", "namespace", "values", "set"];
const IGNORE_KEYS: &[&str] = &["rules", "kind", "namespace", "name", "files", "reason"];

/// Parses configuration text; `base` is the folder relative paths in it are relative to.
pub fn parse_config(name: &str, text: &str, base: &Path) -> Result<Config, ConfigError> {
    let file = SourceFile::new(0, name.to_string(), text);
    let parsed = parse(&file);
    let text: Arc<str> = file.text_arc();
    if let Some(p) = parsed.problems.first() {
        return Err(ConfigError::Located {
            name: name.to_string(),
            text,
            span: p.span,
            message: p.message.clone(),
            help: p.help.clone(),
        });
    }
    let mut config = Config::default();
    let Some(doc) = parsed.documents.first() else {
        return Ok(config);
    };
    let r = Reader {
        name,
        text,
        tree: &doc.tree,
    };
    if parsed.documents.len() > 1 {
        return Err(r.error_at(
            Span::default(),
            "the configuration must be one YAML document",
            None,
        ));
    }
    for (key, _, v) in r.entries(doc.root, TOP_KEYS, "the configuration")? {
        match key.as_str() {
            "namespace" => config.namespace = Some(r.string(v, "`namespace`")?),
            "fail-on" => {
                config.fail_on = Some(match r.string(v, "`fail-on`")?.as_str() {
                    "error" => FailOn::Error,
                    "warning" => FailOn::Warning,
                    "info" => FailOn::Info,
                    "never" => FailOn::Never,
                    other => {
                        return Err(r.error(
                            v,
                            format!("`fail-on: {other}` is not a threshold"),
                            Some("use one of: error, warning, info, never".to_string()),
                        ))
                    }
                })
            }
            "rules" => {
                if !r.tree.is_mapping(v) {
                    return Err(r.error(
                        v,
                        "`rules` must map rule ids to off, info, warning or error",
                        None,
                    ));
                }
                for (k, level_node) in r.tree.entries(v) {
                    let id = r.string(k, "a rule id")?;
                    let rule = r.rule(&id, k)?;
                    let level = match r.string(level_node, "a rule level")?.as_str() {
                        "off" => Level::Off,
                        "info" => Level::On(Severity::Info),
                        "warning" => Level::On(Severity::Warning),
                        "error" => Level::On(Severity::Error),
                        other => {
                            return Err(r.error(
                                level_node,
                                format!("`{other}` is not a rule level"),
                                Some("use one of: off, info, warning, error".to_string()),
                            ))
                        }
                    };
                    if rule.is_engine()
                        && !matches!(level, Level::On(Severity::Warning | Severity::Error))
                    {
                        return Err(r.error(
                            level_node,
                            format!("`{}` is an engine diagnostic: it can't be turned off or lowered below warning", rule.id),
                            Some("engine diagnostics mean kubectl or the API server rejects the input; fix it, or exclude the file with `exclude:`".to_string()),
                        ));
                    }
                    config.levels.insert(rule.id, level);
                }
            }
            "exclude" => {
                for (g, node) in r.strings(v, "an `exclude` glob")? {
                    r.glob(&g, node)?;
                    config.exclude.push(g);
                }
            }
            "context" => {
                let expect = Expect::Exists("`context` path");
                let paths = r.paths(
                    v,
                    "a `context` path",
                    base,
                    expect,
                    &mut config.written_paths,
                )?;
                config.context.extend(paths);
            }
            "crds" => {
                for (p, node) in r.strings(v, "a `crds` path")? {
                    let resolved = relative_to(base, &p);
                    config.written_paths.push(r.written(
                        &resolved,
                        node,
                        Expect::Exists("`crds` path"),
                    ));
                    config.crds.push(resolved);
                }
            }
            "workloads" => {
                if !r.tree.is_sequence(v) {
                    return Err(r.error(
                        v,
                        "`workloads` must be a list of workload kinds",
                        Some("e.g. `workloads: [{apiVersion: platform.example.com/v1, kind: WebApp, template: spec.podTemplate, selector: spec.selector, replicas: spec.instances}]`".to_string()),
                    ));
                }
                for &item in r.tree.items(v) {
                    let shape = workload_entry(&r, item)?;
                    config.workloads.push(std::sync::Arc::new(shape));
                }
            }
            "units" => {
                if !r.tree.is_sequence(v) {
                    return Err(r.error(
                        v,
                        "`units` must be a list; each entry a glob or a list of globs whose files form one apply unit",
                        Some("e.g. `units: [[\"deploy/**\", \"svc/**\"], \"legacy/**\"]`".to_string()),
                    ));
                }
                for &item in r.tree.items(v) {
                    let globs = if r.tree.is_sequence(item) {
                        r.strings(item, "a `units` glob")?
                    } else {
                        vec![(r.string(item, "a `units` glob")?, item)]
                    };
                    let mut entry = Vec::new();
                    for (g, node) in globs {
                        r.glob(&g, node)?;
                        config.written_paths.push(r.written(
                            &g,
                            node,
                            Expect::GlobFolder("`units` glob"),
                        ));
                        entry.push(g);
                    }
                    config.units.push(entry);
                }
            }
            "kustomize" => {
                let bin = r.string(v, "`kustomize` (a binary)")?;
                config.kustomize = Some(r.binary(
                    base,
                    &bin,
                    v,
                    "`kustomize` binary",
                    &mut config.written_paths,
                ));
            }
            "kubernetes-version" => {
                // An unquoted `1.30` is read by its text, not as the number 1.3.
                let text = r.string(v, "`kubernetes-version`")?;
                let version = KubeVersion::parse(&text).ok_or_else(|| {
                    r.error(
                        v,
                        format!("`kubernetes-version: {text}` is not a Kubernetes release"),
                        Some(format!("{VERSION_HELP} (quoted: \"1.30\")")),
                    )
                })?;
                config.kubernetes_version = Some(version);
            }
            "helm" => {
                if r.tree.is_mapping(v) {
                    for (key, _, hv) in r.entries(v, HELM_KEYS, "`helm`")? {
                        match key.as_str() {
                            "binary" => {
                                let bin = r.string(hv, "`helm.binary`")?;
                                config.helm = Some(r.binary(
                                    base,
                                    &bin,
                                    hv,
                                    "`helm` binary",
                                    &mut config.written_paths,
                                ));
                            }
                            "values" => {
                                let expect = Expect::File("`helm.values` file");
                                let what = "a `helm.values` file";
                                let paths =
                                    r.paths(hv, what, base, expect, &mut config.written_paths)?;
                                config.helm_values.extend(paths);
                            }
                            "set" => {
                                for (p, _) in r.strings(hv, "a `helm.set` entry")? {
                                    config.helm_set.push(p);
                                }
                            }
                            "tests" => {
                                config.helm_tests = match r.string(hv, "`helm.tests`")?.as_str() {
                                    "true" => true,
                                    "false" => false,
                                    other => {
                                        return Err(r.error(
                                            hv,
                                            format!("`helm.tests: {other}` is not true or false"),
                                            None,
                                        ))
                                    }
                                }
                            }
                            "charts" => {
                                if !r.tree.is_sequence(hv) {
                                    return Err(r.error(
                                        hv,
                                        "`helm.charts` must be a list of charts",
                                        Some("e.g. `charts: [{path: charts/web, release: web, values: [ci/web.yaml]}]`".to_string()),
                                    ));
                                }
                                for &item in r.tree.items(hv) {
                                    let chart =
                                        chart_entry(&r, item, base, &mut config.written_paths)?;
                                    config.helm_charts.push(chart);
                                }
                            }
                            _ => {}
                        }
                    }
                } else {
                    let bin = r.string(v, "`helm` (a binary, or a mapping)")?;
                    config.helm =
                        Some(r.binary(base, &bin, v, "`helm` binary", &mut config.written_paths));
                }
            }
            "ignore" => {
                if !r.tree.is_sequence(v) {
                    return Err(r.error(v, "`ignore` must be a list of entries", Some("e.g. `ignore: [{rules: [bare-pod], kind: Pod, name: \"debug-*\", reason: \"...\"}]`".to_string())));
                }
                for &item in r.tree.items(v) {
                    config.ignore.push(ignore_entry(&r, &file, item)?);
                }
            }
            _ => {}
        }
    }
    Ok(config)
}

/// One `workloads:` entry: a custom kind and the dotted field paths of its pod template
/// (required), selector (a label selector) and replica count (unset means 1).
fn workload_entry(r: &Reader<'_>, item: NodeId) -> Result<crate::model::shape::Shape, ConfigError> {
    let what = "a `workloads` entry";
    let mut api_version = None;
    let mut kind = None;
    let mut template = None;
    let mut selector = None;
    let mut replicas = None;
    for (key, _, v) in r.entries(item, WORKLOAD_KEYS, what)? {
        let text = r.string(v, &format!("`{key}`"))?;
        let slot = match key.as_str() {
            "apiVersion" => &mut api_version,
            "kind" => &mut kind,
            "template" => &mut template,
            "selector" => &mut selector,
            _ => &mut replicas,
        };
        if matches!(key.as_str(), "template" | "selector" | "replicas") && !is_field_path(&text) {
            return Err(r.error(
                v,
                format!("`{key}: {text}` is not a dotted field path"),
                Some(
                    "write the path of the field from the object's root, e.g. `spec.podTemplate`"
                        .to_string(),
                ),
            ));
        }
        *slot = Some((text, v));
    }
    let missing = |name: &str| {
        r.error(
            item,
            format!("{what} needs `{name}`"),
            Some("each entry names `apiVersion`, `kind` and `template`; `selector` and `replicas` are optional".to_string()),
        )
    };
    let (api_version, api_node) = api_version.ok_or_else(|| missing("apiVersion"))?;
    let (kind, _) = kind.ok_or_else(|| missing("kind"))?;
    let (template, _) = template.ok_or_else(|| missing("template"))?;
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) if !g.is_empty() && !v.is_empty() && !v.contains('/') => (g, Some(v)),
        None if !api_version.is_empty() => (api_version.as_str(), None),
        _ => {
            return Err(r.error(
                api_node,
                format!("`apiVersion: {api_version}` is not `group/version` or `group`"),
                None,
            ))
        }
    };
    if crate::model::kinds::is_builtin_group(group) {
        return Err(r.error(
            api_node,
            format!("`{group}` is a group Kubernetes serves: its workloads are built in"),
            Some(
                "declare custom resources only, e.g. `apiVersion: platform.example.com/v1`"
                    .to_string(),
            ),
        ));
    }
    let versions: Vec<&str> = version.into_iter().collect();
    let mut shape = crate::model::shape::Shape::new(group, &versions, &kind);
    shape.set_template(&template);
    shape.selector = selector.map(|(s, _)| s);
    shape.replicas = replicas.map(|(s, _)| s);
    shape.declared = true;
    Ok(shape)
}

/// True for `a.b.c`: keys of letters, digits, `-` and `_`, joined by dots.
fn is_field_path(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn chart_entry(
    r: &Reader<'_>,
    item: NodeId,
    base: &Path,
    written: &mut Vec<WrittenPath>,
) -> Result<ChartConfig, ConfigError> {
    let mut chart = ChartConfig::default();
    let mut has_path = false;
    for (key, _, v) in r.entries(item, CHART_KEYS, "a `helm.charts` entry")? {
        match key.as_str() {
            "path" => {
                chart.path = relative_to(base, &r.string(v, "`path` (a chart folder)")?);
                written.push(r.written(&chart.path, v, Expect::Chart));
                has_path = true;
            }
            "release" => chart.release = Some(r.string(v, "`release`")?),
            "namespace" => chart.namespace = Some(r.string(v, "`namespace`")?),
            "values" => {
                let expect = Expect::File("`helm.charts` values file");
                let paths = r.paths(v, "a `values` file", base, expect, written)?;
                chart.values.extend(paths);
            }
            "set" => {
                for (p, _) in r.strings(v, "a `set` entry")? {
                    chart.set.push(p);
                }
            }
            _ => {}
        }
    }
    if !has_path {
        return Err(r.error(
            item,
            "a `helm.charts` entry needs `path:`, the chart folder",
            None,
        ));
    }
    Ok(chart)
}

fn ignore_entry(
    r: &Reader<'_>,
    file: &SourceFile,
    item: NodeId,
) -> Result<IgnoreEntry, ConfigError> {
    let line = file.position(r.tree.span(item).start).line;
    let mut entry = IgnoreEntry {
        rules: None,
        kind: None,
        namespace: None,
        name: None,
        files: None,
        reason: None,
        origin: format!("{}:{line}", r.name),
    };
    let mut has_rules = false;
    let mut has_target = false;
    for (key, _, v) in r.entries(item, IGNORE_KEYS, "an `ignore` entry")? {
        match key.as_str() {
            "rules" => {
                has_rules = true;
                if r.tree.scalar(v).is_some_and(|s| s.text == "all") {
                    continue;
                }
                let mut ids = Vec::new();
                for (id, node) in r.strings(v, "a rule id")? {
                    let rule = r.rule(&id, node)?;
                    if rule.is_engine() {
                        return Err(r.error(
                            node,
                            format!(
                                "`{}` is an engine diagnostic: it can't be suppressed",
                                rule.id
                            ),
                            Some(
                                "fix the manifest, or exclude the file with `exclude:`".to_string(),
                            ),
                        ));
                    }
                    ids.push(rule.id);
                }
                entry.rules = Some(ids);
            }
            "kind" => {
                has_target = true;
                entry.kind = Some(r.string(v, "`kind`")?);
            }
            "namespace" => {
                has_target = true;
                entry.namespace = Some(r.string(v, "`namespace`")?);
            }
            "name" => {
                has_target = true;
                let g = r.string(v, "`name`")?;
                entry.name = Some(r.glob(&g, v)?.compile_matcher());
            }
            "files" => {
                has_target = true;
                let mut set = GlobSetBuilder::new();
                for (g, node) in r.strings(v, "a `files` glob")? {
                    set.add(r.glob(&g, node)?);
                }
                entry.files = Some(
                    set.build()
                        .map_err(|e| r.error(v, format!("bad globs: {e}"), None))?,
                );
            }
            "reason" => entry.reason = Some(r.string(v, "`reason`")?),
            _ => {}
        }
    }
    if !has_rules {
        return Err(r.error(
            item,
            "this `ignore` entry has no `rules`",
            Some("list the rule ids it silences, or write `rules: all`".to_string()),
        ));
    }
    if !has_target {
        return Err(r.error(
            item,
            "this `ignore` entry names no `kind`, `namespace`, `name` or `files`",
            Some(
                "say what it applies to; to turn a rule off everywhere, use `rules: {<id>: off}`"
                    .to_string(),
            ),
        ));
    }
    Ok(entry)
}

/// `p` as given when `base` is the working directory, else joined onto `base`.
fn relative_to(base: &Path, p: &str) -> String {
    let path = Path::new(p);
    if path.is_absolute() || base.as_os_str().is_empty() {
        return p.to_string();
    }
    let joined = base.join(path);
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| joined.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(joined);
    let s = crate::source::discover::display_path(&shown);
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ConfigError {
        parse_config(".kplint.yaml", text, Path::new("")).expect_err("an error")
    }

    #[test]
    fn a_full_config_reads() {
        let c = parse_config(
            ".kplint.yaml",
            "namespace: shop\nfail-on: error\nrules:\n  bare-pod: off\n  invalid-yaml: warning\nexclude: ['vendor/**']\ncontext: [base]\nignore:\n  - rules: [bare-pod]\n    kind: Pod\n    name: 'debug-*'\n    reason: debugging\n  - rules: all\n    files: third_party/**\n",
            Path::new(""),
        )
        .expect("valid");
        assert_eq!(c.namespace.as_deref(), Some("shop"));
        assert_eq!(c.fail_on, Some(FailOn::Error));
        assert_eq!(c.levels.get("bare-pod"), Some(&Level::Off));
        assert_eq!(c.exclude, vec!["vendor/**"]);
        assert_eq!(c.context, vec!["base"]);
        assert_eq!(c.ignore.len(), 2);
        assert!(c.ignore[1].rules.is_none());
        assert_eq!(c.ignore[0].origin, ".kplint.yaml:9");
    }

    #[test]
    fn mistakes_are_located() {
        let e = err("namespace: a\nfail_on: error\n");
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().contains("unknown key `fail_on`"));
        let e = err("rules:\n  bare-pods: off\n");
        assert_eq!(e.line(), Some(2));
        assert!(e.render(false).contains("did you mean `bare-pod`"));
        let e = err("rules:\n  bare-pod: loud\n");
        assert!(e.to_string().contains("not a rule level"));
        let e = err("rules:\n  invalid-yaml: info\n");
        assert!(e.to_string().contains("engine diagnostic"));
        let e = err("ignore:\n  - rules: [bare-pod]\n");
        assert!(e.to_string().contains("names no"));
        let e = err("fail-on: sometimes\n");
        assert!(e.render(false).contains(".kplint.yaml:1:10"));
    }

    #[test]
    fn units_and_helm_settings_read_and_their_mistakes_are_located() {
        let c = parse_config(
            ".kplint.yaml",
            "units:\n  - [\"a/**\", \"b/**\"]\n  - \"c/**\"\nkustomize: kubectl\nhelm:\n  binary: /opt/helm\n  values: [ci.yaml]\n  set: [a=1]\n  tests: true\n  charts:\n    - {path: chart, release: shop, namespace: s, values: [v.yaml], set: [b=2]}\n",
            Path::new(""),
        )
        .expect("parses");
        assert_eq!(c.units, vec![vec!["a/**", "b/**"], vec!["c/**"]]);
        assert_eq!(c.kustomize.as_deref(), Some("kubectl"));
        assert_eq!(c.helm.as_deref(), Some("/opt/helm"));
        assert_eq!(
            (c.helm_values.len(), c.helm_set.len(), c.helm_tests),
            (1, 1, true)
        );
        let chart = &c.helm_charts[0];
        assert_eq!(
            (chart.path.as_str(), chart.release.as_deref()),
            ("chart", Some("shop"))
        );
        assert_eq!((chart.values.len(), chart.set.len()), (1, 1));
        let e = err("helm:\n  charts:\n    - release: x\n");
        assert_eq!(e.line(), Some(3));
        assert!(e.to_string().contains("needs `path:`"));
        let e = err("helm:\n  tests: maybe\n");
        assert!(e.to_string().contains("not true or false"));
        let e = err("units: a/**\n");
        assert!(e.to_string().contains("must be a list"));
    }

    #[test]
    fn the_kubernetes_version_reads_and_a_bad_one_is_located() {
        let read = |text: &str| {
            parse_config(".kplint.yaml", text, Path::new(""))
                .expect("valid")
                .kubernetes_version
        };
        assert_eq!(
            read("kubernetes-version: \"1.24\"\n"),
            Some(KubeVersion::new(1, 24))
        );
        // Unquoted, YAML would read the number 1.3: the text written is what counts.
        assert_eq!(
            read("kubernetes-version: 1.30\n"),
            Some(KubeVersion::new(1, 30))
        );
        assert_eq!(read("namespace: a\n"), None);
        let e = err("namespace: a\nkubernetes-version: \"1.x\"\n");
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().contains("not a Kubernetes release"));
        assert!(e.render(false).contains(".kplint.yaml:2:21"));
        let e = err("kubernetes-version: [1.30]\n");
        assert!(e.to_string().contains("must be a string"));
    }
}
