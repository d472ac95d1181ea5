//! kplint: a static linter for Kubernetes manifests that knows the workload patterns.
//!
//! The pipeline runs in one direction: discover → parse → decode → index → rules → report.
//! [`check`] runs it on paths; [`lint_sources`] on in-memory texts (tests, fuzzing, editors).

// Input comes from untrusted pull requests: library code never unwraps, indexes or slices in
// ways that can panic. Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::panic
    )
)]

pub mod config;
pub mod explain;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod spelling;

use rayon::prelude::*;

use model::{HeldObjects, Inventory, Object, Typed, UnitId, CONTEXT_UNIT};
use report::findings::Findings;
use report::suppress::Policy;
use report::{Diagnostic, FileCounts, Report, Summary};
use rules::Check;
use source::discover::{discover, DiscoverError, Input};
use source::load::{decode_text, load, LoadProblem};
use source::tree::{parse_with, ProblemKind};
use source::{FileId, SourceFile};

/// What a run needs besides its inputs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The namespace of objects that set none.
    pub namespace: String,
    /// Which rules run, at what severity, and what the configuration silences.
    pub policy: Policy,
    /// Paths whose objects join the inventory without being reported on (`--context`).
    pub context: Vec<String>,
    /// Keep each object's whole document tree rather than the fields rules point at
    /// (`model::retained`): more memory, the same output. For checking exactly that.
    pub full_trees: bool,
    /// Decode every object of a known kind through the `k8s-openapi` types, never reading its
    /// view straight from the tree after the schema check (`model::schema`): slower, the same
    /// output. For checking exactly that.
    pub typed_decode: bool,
    /// The report will quote source lines (the human format): the shown files' texts are read
    /// back in parallel before it is rendered. Other formats need only the line index each file
    /// keeps, and read back only files whose columns count characters other than bytes.
    pub quotes_source: bool,
    /// The configuration's `units:`: each a set of globs whose files form one apply unit.
    pub units: Vec<globset::GlobSet>,
    /// The programs that build kustomizations and render charts.
    pub tools: source::render::Tools,
    /// The Kubernetes release the manifests are for (`--kubernetes-version`).
    pub kubernetes_version: model::KubeVersion,
    /// Folders (or files) whose CustomResourceDefinitions give the schemas of the run's custom
    /// resources (`--crds`, `crds:`); their other objects are not read, nothing in them is
    /// reported.
    pub crds: Vec<String>,
    /// Workload kinds the configuration declares (`workloads:`), before the built-in ones
    /// (`model::shape`).
    pub workloads: Vec<std::sync::Arc<model::shape::Shape>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            namespace: "default".to_string(),
            policy: Policy::default(),
            context: Vec::new(),
            full_trees: false,
            typed_decode: false,
            quotes_source: false,
            units: Vec::new(),
            tools: source::render::Tools::default(),
            kubernetes_version: model::KubeVersion::default(),
            crds: Vec::new(),
            workloads: Vec::new(),
        }
    }
}

/// A finished run: the report, the notes for stderr, and the objects it decoded.
#[derive(Debug)]
pub struct Run {
    pub report: Report,
    pub notes: Vec<String>,
    /// Handed back rather than freed before the report: freed when the run is dropped, or
    /// left to the OS by a process about to exit.
    pub objects: HeldObjects,
}

/// Discovers the inputs under `paths`, splits them into apply units, builds and renders the
/// units that need it, and lints them.
pub fn check(
    paths: &[String],
    exclude: &globset::GlobSet,
    stdin_name: Option<&str>,
    options: &Options,
) -> Result<Run, DiscoverError> {
    let found = discover(paths, exclude, stdin_name)?;
    let plan = source::units::plan(
        &found.inputs,
        &found.kustomizations,
        &found.charts,
        &options.units,
    );
    let prepared = source::render::prepare(&plan, &options.tools);
    // A file both checked and in context (or a `--crds` folder) is checked: compare real
    // paths, not spellings.
    let key = |i: &Input| match i {
        Input::File { path, .. } => std::fs::canonicalize(path).ok(),
        Input::Stdin { .. } => None,
    };
    let mut seen: std::collections::HashSet<_> = found.inputs.iter().filter_map(key).collect();
    let mut context_inputs = Vec::new();
    if !options.context.is_empty() {
        let context = discover(&options.context, exclude, None)?;
        context_inputs = context
            .inputs
            .into_iter()
            .filter(|input| key(input).is_some_and(|k| !seen.contains(&k)))
            .collect();
    }
    let mut crd_inputs = Vec::new();
    if !options.crds.is_empty() {
        seen.extend(context_inputs.iter().filter_map(key));
        crd_inputs = discover(&options.crds, exclude, None)?
            .inputs
            .into_iter()
            .filter(|input| key(input).is_some_and(|k| !seen.contains(&k)))
            .collect();
    }
    let read_inputs: Vec<Input> = prepared
        .reads
        .iter()
        .map(|p| source::render::file_input(p))
        .collect();
    // Context files go first: a pair rule that reports the later of two objects
    // (duplicate-object) then reports the checked one. Files are read by the workers that
    // lint them: only the files in flight are in memory at once.
    let mut sources: Vec<(Source, SourceMeta)> = Vec::new();
    // CRDs first of all: the first definition of a kind is the one its resources are checked
    // against.
    for input in &crd_inputs {
        push(&mut sources, Source::Input(0, input), SourceMeta::crds());
    }
    for input in &context_inputs {
        push(&mut sources, Source::Input(0, input), SourceMeta::context());
    }
    for (input, unit) in found.inputs.iter().zip(&plan.input_unit) {
        let Some(unit) = *unit else { continue };
        // Only a stream (`helm template … | kplint check -`) is attributed to its templates: a
        // rendered file kept on disk is itself the place to point at.
        let stream = matches!(input, Input::Stdin { .. });
        push(
            &mut sources,
            Source::Input(0, input),
            SourceMeta::lint(unit, stream),
        );
    }
    for (input, unit) in &prepared.as_written {
        push(
            &mut sources,
            Source::Input(0, input),
            SourceMeta::lint(*unit, false),
        );
    }
    let mut origins = Vec::new();
    for stream in prepared.streams {
        let id = source::file::to_u32(sources.len());
        if let Some(o) = stream.origins {
            origins.push((id, o));
        }
        let file = SourceFile::new(id, stream.name, &stream.text);
        // Rendered charts keep helm's `# Source:` blocks; a kustomize build has none.
        push(
            &mut sources,
            Source::Read(Box::new(file), None),
            SourceMeta::lint(stream.unit, true),
        );
    }
    let first_read = sources.len();
    for input in &read_inputs {
        push(
            &mut sources,
            Source::Input(0, input),
            SourceMeta::read_only(),
        );
    }
    let reads: Vec<(std::path::PathBuf, FileId)> = prepared
        .reads
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), source::file::to_u32(first_read + i)))
        .collect();
    for p in found.problems {
        let id = source::file::to_u32(sources.len());
        sources.push((
            Source::Read(
                Box::new(SourceFile::new(id, p.display, "")),
                Some(LoadProblem {
                    span: Default::default(),
                    message: p.message,
                    unreadable: true,
                }),
            ),
            SourceMeta::lint(CONTEXT_UNIT, false),
        ));
    }
    let stage = Stage {
        units: &plan.units,
        origins,
        reads,
        failures: prepared.failures,
        unbuilt: prepared.unbuilt + plan.unused_components,
    };
    let (report, mut notes, objects) = lint_loaded(sources, stage, options);
    let mut front = found.notes;
    front.extend(plan.notes);
    front.extend(prepared.notes);
    notes.splice(0..0, front);
    Ok(Run {
        report,
        notes,
        objects,
    })
}

/// Lints texts given in memory, as `(display name, bytes)`.
///
/// ```
/// use kplint::{lint_sources, Options};
///
/// let pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: sh\n      image: busybox\n";
/// let report = lint_sources(vec![("pod.yaml".into(), pod.to_vec())], &Options::default());
/// assert_eq!(report.summary.objects, 1);
/// assert!(report.diagnostics.iter().any(|d| d.rule == "bare-pod"));
/// ```
pub fn lint_sources(sources: Vec<(String, Vec<u8>)>, options: &Options) -> Report {
    let sources = sources
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let (file, problem) = decode_text(source::file::to_u32(i), name, bytes);
            (
                Source::Read(Box::new(file), problem),
                SourceMeta::lint(0, true),
            )
        })
        .collect();
    lint_loaded(sources, Stage::default(), options).0
}

/// Reads one input (for callers that discover themselves).
pub fn load_input(id: FileId, input: &Input) -> (SourceFile, Option<LoadProblem>) {
    load(id, input)
}

/// The objects of one input, read exactly as a run reads each file (read, parse, decode, copy
/// the retained fields, note the suppression comments, index the lines, release the text),
/// without the inventory, the rules or the report. The benchmark's `decode` and `keep` modes
/// time a run's per-file work with it, apart from what follows.
pub fn decode_input(id: FileId, input: &Input, options: &Options) -> Vec<Object> {
    process_source(
        Source::Input(id, input),
        &SourceMeta::lint(0, false),
        options,
    )
    .objects
}

/// Adds `source` to a run's sources, numbered by its place.
fn push<'a>(sources: &mut Vec<(Source<'a>, SourceMeta)>, source: Source<'a>, meta: SourceMeta) {
    let id = source::file::to_u32(sources.len());
    sources.push((source.with_id(id), meta));
}

/// An input of a run: already read (in-memory texts, inputs that failed before reading), or
/// to be read by the worker that lints it.
enum Source<'a> {
    /// Boxed: texts given in memory and discovery problems are few beside the inputs found.
    Read(Box<SourceFile>, Option<LoadProblem>),
    /// Borrowed: the inputs were allocated by another thread, and a worker freeing them
    /// contends for that thread's malloc arena.
    Input(FileId, &'a Input),
}

impl Source<'_> {
    /// The same source, numbered `id` (its place in the run).
    fn with_id(self, id: FileId) -> Self {
        match self {
            Source::Read(mut file, problem) => {
                file.id = id;
                Source::Read(file, problem)
            }
            Source::Input(_, input) => Source::Input(id, input),
        }
    }
}

/// How a run treats one of its sources.
#[derive(Debug, Clone, Copy)]
struct SourceMeta {
    /// False for a file read only as context: its objects join the inventory, its findings
    /// are not reported.
    checked: bool,
    /// True for a stream whose helm `# Source:` comments attribute documents to templates.
    stream: bool,
    /// The apply unit of its objects.
    unit: UnitId,
    /// False for a file read only to place findings in (a kustomization's resources and
    /// patches, linted through its built output): not parsed, its comments still read.
    lint: bool,
    /// True for a file of a `--crds` folder: only its CustomResourceDefinitions are kept.
    crds_only: bool,
}

impl SourceMeta {
    fn lint(unit: UnitId, stream: bool) -> SourceMeta {
        SourceMeta {
            checked: true,
            stream,
            unit,
            lint: true,
            crds_only: false,
        }
    }

    fn context() -> SourceMeta {
        SourceMeta {
            checked: false,
            stream: false,
            unit: CONTEXT_UNIT,
            lint: true,
            crds_only: false,
        }
    }

    fn crds() -> SourceMeta {
        SourceMeta {
            crds_only: true,
            ..SourceMeta::context()
        }
    }

    fn read_only() -> SourceMeta {
        SourceMeta {
            checked: true,
            stream: false,
            unit: CONTEXT_UNIT,
            lint: false,
            crds_only: false,
        }
    }
}

/// What the build stage adds to a run besides its sources.
#[derive(Debug, Default)]
struct Stage<'a> {
    units: &'a [source::units::ApplyUnit],
    /// Per built kustomization stream: each document's origin.
    origins: Vec<(FileId, Vec<source::kustomize::origin::DocOrigin>)>,
    /// The files findings on built objects may be placed in, by absolute path.
    reads: Vec<(std::path::PathBuf, FileId)>,
    failures: Vec<source::render::Failure>,
    /// Units linted as written or not at all for want of a tool.
    unbuilt: usize,
}

struct FileResult {
    file: SourceFile,
    objects: Vec<Object>,
    diagnostics: Vec<Diagnostic>,
    comments: report::suppress::Comments,
    /// The helm template blocks of a stream (empty for other files).
    blocks: Vec<report::place::Block>,
    documents: usize,
    not_objects: usize,
    /// True for a kustomize patch: its documents are partial objects, not linted.
    patch: bool,
}

impl FileResult {
    /// A file with nothing read from it yet.
    fn empty(file: SourceFile) -> FileResult {
        FileResult {
            file,
            objects: Vec::new(),
            diagnostics: Vec::new(),
            comments: Default::default(),
            blocks: Vec::new(),
            documents: 0,
            not_objects: 0,
            patch: false,
        }
    }
}

fn process_source(source: Source<'_>, meta: &SourceMeta, options: &Options) -> FileResult {
    let (file, problem, walked_json) = match source {
        Source::Read(file, problem) => (*file, problem, false),
        Source::Input(id, input) => {
            let walked_json = matches!(input, Input::File { path, walked: true, .. }
                if source::quiet::is_json_name(path));
            let (file, problem) = load(id, input);
            (file, problem, walked_json)
        }
    };
    let mut out = if meta.lint {
        process_file(file, problem, walked_json, options)
    } else {
        FileResult::empty(file)
    };
    out.comments = report::suppress::comments_of(&out.file);
    if meta.stream {
        out.blocks = report::place::blocks_of(&out.file);
    }
    if !options.full_trees {
        // Parsed, decoded, its comments read: the line index stays for the positions a report
        // prints, and a report that quotes this file reads it again.
        out.file.index_lines();
        out.file.release_text();
    }
    out
}

/// Parses and decodes one file; `walked_json` for a `.json` file met while walking, which is
/// linted only when it is a Kubernetes object.
fn process_file(
    file: SourceFile,
    problem: Option<LoadProblem>,
    walked_json: bool,
    options: &Options,
) -> FileResult {
    let mut out = FileResult::empty(file);
    if let Some(p) = problem {
        let rule = if p.unreadable {
            &rules::unreadable_file::RULE
        } else {
            &rules::invalid_yaml::RULE
        };
        let help = if p.unreadable {
            "check the file's permissions, or exclude it with --exclude"
        } else {
            "save the file as UTF-8 text, or exclude it with --exclude"
        };
        out.diagnostics.push(
            Diagnostic::new(
                rule.id,
                rule.severity,
                model::Location {
                    file: out.file.id,
                    span: p.span,
                },
                p.message,
            )
            .help(help),
        );
        return out;
    }
    let text = out.file.text();
    // A repository's other JSON (editor settings with comments, JSON lines, package.json) is
    // skipped as a values file is, not reported as invalid YAML.
    if walked_json && !text.trim().is_empty() && !source::quiet::json_is_object(text) {
        out.documents = 1;
        out.not_objects = 1;
        return out;
    }
    if source::quiet::may_be_patch(text) {
        if let Some(documents) = patch_documents(&out.file) {
            // Read, so counted as documents; partial objects, so not decoded.
            out.documents = documents;
            out.patch = true;
            return out;
        }
    }
    let mut pool = model::retained::RetainedPool::default();
    // Kept apart until the parse problems are in: the findings keep the order they had when
    // the documents were decoded after the whole file was parsed.
    let mut decoded_diagnostics = Vec::new();
    let file_id = out.file.id;
    let file = &out.file;
    // Two definitions of one identity are byte-identical when their documents' texts are
    // (`duplicate-object`): each object keeps a digest of its document's text.
    let digests = foldhash::fast::FixedState::with_seed(0);
    // Each document is decoded as soon as it is read, in the parser's reused buffers.
    let parsed = parse_with(&out.file, |doc| {
        out.documents += 1;
        let digest =
            std::hash::BuildHasher::hash_one(&digests, file.slice(doc.tree.span(doc.root)));
        let before = out.objects.len();
        let into = (!options.full_trees).then_some(&mut pool);
        let decoded = model::decode::decode_document_in(
            file_id,
            doc,
            &options.namespace,
            into,
            !options.typed_decode,
            std::mem::take(&mut out.objects),
        );
        if decoded.not_object {
            out.not_objects += 1;
        }
        out.objects = decoded.objects;
        for obj in out.objects.iter_mut().skip(before) {
            obj.digest = digest;
        }
        decoded_diagnostics.extend(decoded.diagnostics);
        decoded.spare
    });
    let mut duplicate_keys = Vec::new();
    for p in parsed.problems {
        let rule = match p.kind {
            ProblemKind::InvalidYaml => &rules::invalid_yaml::RULE,
            ProblemKind::DuplicateKey => &rules::duplicate_key::RULE,
        };
        let mut d = Diagnostic::new(
            rule.id,
            rule.severity,
            model::Location {
                file: out.file.id,
                span: p.span,
            },
            p.message,
        );
        if let Some(h) = p.help {
            d = d.help(h);
        }
        if let Some(first) = p.related {
            d = d.related(
                model::Location {
                    file: out.file.id,
                    span: first,
                },
                "first written here",
            );
        }
        if p.kind == ProblemKind::DuplicateKey {
            duplicate_keys.push((p.document, d));
        } else {
            out.diagnostics.push(d);
        }
    }
    out.diagnostics.append(&mut decoded_diagnostics);
    pool.finish(&mut out.objects);
    for (document, mut d) in duplicate_keys {
        if let Some(obj) = out.objects.iter().find(|o| o.document == document) {
            d.message.push_str("; kubectl rejects the document");
            d = d.object(obj);
        } else {
            // Not an object kubectl applies: nothing rejects it at deploy time, but the file
            // still means different things to different readers.
            d.message.push_str(
                ": YAML does not allow it, and readers disagree on it (some reject the file, others keep one of the two values without a word)",
            );
            d.severity = report::Severity::Warning;
        }
        out.diagnostics.push(d);
    }
    out
}

/// The number of documents of `file` when one has a strategic-merge directive: a kustomize
/// patch, partial on purpose. Parsed apart from the lint, as only files with a directive's
/// text are.
fn patch_documents(file: &SourceFile) -> Option<usize> {
    let (mut documents, mut found) = (0, false);
    parse_with(file, |doc| {
        documents += 1;
        found = found || source::quiet::has_patch_directive(&doc.tree);
        Some(doc.tree)
    });
    found.then_some(documents)
}

/// Parses, decodes, indexes and checks already-read files, each with how the run treats it;
/// `stage` is what the build stage adds (units, origins of built documents, failures).
/// Returns the report, the notes for stderr and the objects.
fn lint_loaded(
    sources: Vec<(Source<'_>, SourceMeta)>,
    stage: Stage<'_>,
    options: &Options,
) -> (Report, Vec<String>, HeldObjects) {
    let metas: Vec<SourceMeta> = sources.iter().map(|(_, m)| *m).collect();
    let checked: Vec<bool> = metas.iter().map(|m| m.checked).collect();
    let results: Vec<FileResult> = sources
        .into_par_iter()
        .map(|(source, meta)| process_source(source, &meta, options))
        .collect();
    let mut summary = Summary {
        units: stage.units.len(),
        unbuilt: stage.unbuilt,
        ..Summary::default()
    };
    let mut files = Vec::with_capacity(results.len());
    let mut counts = Vec::with_capacity(results.len());
    let mut blocks = Vec::with_capacity(results.len());
    let mut comments = Vec::with_capacity(results.len());
    // Sized once: a doubling Vec of every object would keep up to half of it spare.
    let mut objects = Vec::with_capacity(results.iter().map(|r| r.objects.len()).sum());
    let mut diagnostics = Vec::with_capacity(results.iter().map(|r| r.diagnostics.len()).sum());
    let mut unit_objects = vec![0usize; stage.units.len()];
    for mut r in results {
        let meta = metas.get(r.file.id as usize).copied();
        let unit = meta.map_or(0, |m| m.unit);
        if meta.is_some_and(|m| m.crds_only) {
            // A `--crds` folder gives schemas, not objects: a Deployment beside the CRDs of a
            // chart's `crds/` must not join the run.
            r.objects.retain(model::crd::definition::is_crd);
        }
        for obj in &mut r.objects {
            obj.unit = unit;
        }
        // Custom resources of workload kinds get their pod template, selector and replicas.
        model::shape::classify(&mut r.objects, &options.workloads, &mut r.diagnostics);
        // Argo Workflow kinds get their steps' containers.
        model::workflow::classify(&mut r.objects, &mut r.diagnostics);
        // Context files feed the inventory but are not counted as checked; files read only to
        // place findings in are not linted.
        if meta.is_none_or(|m| m.checked && m.lint) {
            summary.files += 1;
            summary.documents += r.documents;
            summary.not_objects += r.not_objects;
            summary.patches += usize::from(r.patch);
            summary.objects += r.objects.len();
            summary.objects_without_kind_checks += r
                .objects
                .iter()
                .filter(|o| matches!(o.typed, Typed::Unknown))
                .count();
            if let Some(n) = unit_objects.get_mut(unit as usize) {
                *n += r.objects.len();
            }
            counts.push(FileCounts {
                documents: r.documents,
                objects: r.objects.len(),
                not_objects: r.not_objects,
            });
        } else {
            counts.push(FileCounts::default());
        }
        files.push(r.file);
        blocks.push(r.blocks);
        comments.push(r.comments);
        objects.extend(r.objects);
        diagnostics.extend(r.diagnostics);
    }
    diagnostics.extend(
        stage
            .failures
            .iter()
            .map(|f| render_failed(f, &stage.reads, &files)),
    );
    let mut inventory = Inventory::new(files, objects, options.namespace.clone())
        .targeting(options.kubernetes_version);
    inventory.folder_units = stage
        .units
        .iter()
        .map(|u| u.kind == source::units::UnitKind::Folder)
        .collect();
    // The findings of the decode first, as they were made; then the rules', each worker's part
    // moved into the one list as it is done.
    // Custom resources against the CRDs of the run: a stage of its own, since a CRD may be in
    // any file. Its findings come after the decode's, before the rules'.
    let is_reported = |f: FileId| checked.get(f as usize).copied().unwrap_or(true);
    let crds = model::crd::check(&inventory, &is_reported);
    summary.objects_without_kind_checks = summary
        .objects_without_kind_checks
        .saturating_sub(crds.checked);
    let findings = Findings::with_capacity(diagnostics.len() + inventory.objects.len());
    findings.add(0, diagnostics);
    findings.add(1, crds.diagnostics);
    run_rules_into(&inventory, &findings, 2);
    let mut found = findings.into_ordered();
    if !stage.origins.is_empty() {
        found =
            source::kustomize::place::to_written(&inventory, found, &stage.origins, &stage.reads);
    }
    let applied = report::suppress::apply(
        &inventory,
        found,
        &options.policy,
        &checked,
        &blocks,
        comments,
    );
    // The objects are done with; the caller frees them, or not (a process about to exit).
    let (files, mut objects) = inventory.into_parts();
    let diagnostics = applied.diagnostics;
    // Made ready in parallel what the report reads (the rendering would read files one by one):
    // the texts it quotes, or only those whose columns need their characters.
    let shown: std::collections::HashSet<FileId> = diagnostics
        .iter()
        .chain(&applied.suppressed)
        .flat_map(|d| std::iter::once(d.file).chain(d.related.iter().map(|r| r.file)))
        .collect();
    // Texts read back while the objects are held add to the run's peak: beyond a small share of
    // the text linted, the objects go first and leave their memory to the texts (kept, they
    // took the human format from 245 MB to 348 MB at 100k documents).
    let read_back: usize = files
        .iter()
        .filter(|f| shown.contains(&f.id))
        .map(|f| f.read_back_len(options.quotes_source))
        .sum();
    let linted: usize = files.iter().map(SourceFile::text_len).sum();
    if read_back > linted / HELD_READ_BACK_SHARE {
        drop(std::mem::take(&mut objects));
    }
    files
        .par_iter()
        .filter(|f| shown.contains(&f.id))
        .for_each(|f| f.prepare_for_report(options.quotes_source));
    let mut report = Report::new(
        files,
        counts,
        blocks,
        diagnostics,
        applied.suppressed,
        summary,
    );
    report.units = stage
        .units
        .iter()
        .zip(unit_objects)
        .map(|(u, objects)| report::UnitSummary {
            root: u.root.clone(),
            kind: u.kind.as_str(),
            objects,
        })
        .collect();
    report.file_units = metas.iter().map(|m| m.unit).collect();
    let mut notes = crds.notes;
    notes.extend(applied.notes);
    (report, notes, objects)
}

/// The `render-failed` finding of a unit that did not build or render, at the line the tool
/// named in the file it named (the first line when it named none).
fn render_failed(
    f: &source::render::Failure,
    reads: &[(std::path::PathBuf, FileId)],
    files: &[SourceFile],
) -> Diagnostic {
    let rule = &rules::render_failed::RULE;
    let file = reads
        .iter()
        .find(|(p, _)| *p == f.file)
        .and_then(|(_, id)| files.get(*id as usize));
    let span = file
        .map(|file| {
            let line = f.line.unwrap_or(1).max(1);
            let lines = file.lines();
            let start = lines.start(line as usize - 1).unwrap_or(0);
            // The text is released by now: the line ends before the next one starts.
            let end = lines
                .start(line as usize)
                .map_or(start, |next| next.saturating_sub(1).max(start));
            source::Span::new(start, end)
        })
        .unwrap_or_default();
    let mut d = Diagnostic::new(
        rule.id,
        rule.severity,
        model::Location {
            file: file.map_or(0, |f| f.id),
            span,
        },
        f.message.clone(),
    )
    .help("fix the kustomization or chart so that it builds, or exclude it with --exclude; kplint builds without plugins, helm charts or network, as an untrusted pull request must be built");
    d.unit = Some(f.unit);
    d
}

/// The run's objects stay held while the report reads back at most this share (a 32nd) of the
/// text linted: 3.6 MB more at the peak of 100k documents (116 MB of text), where reading back
/// all of it with the objects held raised the peak from 245 to 348 MB (the human format).
const HELD_READ_BACK_SHARE: usize = 32;

/// Runs every rule over the inventory, in parallel.
pub fn run_rules(inv: &Inventory) -> Vec<Diagnostic> {
    let findings = Findings::with_capacity(inv.objects.len());
    run_rules_into(inv, &findings, 0);
    findings.into_ordered()
}

/// As [`run_rules`], each worker adding what it found to `out` as parts numbered from `first`
/// (in object order, then the inventory rules' order).
///
/// The local rules run here too, not as each file is decoded: their findings would then be
/// held from the decode on, and the memory the merge frees would no longer take them (tried:
/// 12 MB more at the peak of 100k documents, no faster).
fn run_rules_into(inv: &Inventory, out: &Findings, first: usize) {
    // The rules' checks, by what they read, in one pass over the registry.
    let (mut local, mut versioned) = (Vec::new(), Vec::new());
    let (mut object_checks, mut inventory_checks) = (Vec::new(), Vec::new());
    for rule in rules::ALL {
        match rule.check {
            Check::Local(f) => local.push(f),
            Check::Versioned(f) => versioned.push(f),
            Check::Object(f) => object_checks.push(f),
            Check::Inventory(f) => inventory_checks.push(f),
            Check::Engine => {}
        }
    }
    let chunks = inv.objects.chunks(RULE_CHUNK).len();
    // Side by side rather than one after the other: a worker done with its share of one kind of
    // check takes up the other kind instead of waiting for the slowest check of the first.
    rayon::join(
        || {
            inv.objects
                .par_chunks(RULE_CHUNK)
                .enumerate()
                .for_each(|(part, chunk)| {
                    let mut found = Vec::new();
                    for obj in chunk {
                        for check in &local {
                            check(obj, &mut found);
                        }
                        for check in &versioned {
                            check(inv.target, obj, &mut found);
                        }
                        for check in &object_checks {
                            check(inv, obj, &mut found);
                        }
                    }
                    out.add(first + part, found);
                });
        },
        || {
            inventory_checks
                .par_iter()
                .enumerate()
                .for_each(|(i, check)| {
                    let mut found = Vec::new();
                    check(inv, &mut found);
                    out.add(first + chunks + i, found);
                });
        },
    );
}

/// Objects one worker checks at a time.
const RULE_CHUNK: usize = 256;
