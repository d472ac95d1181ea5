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
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod spelling;

use rayon::prelude::*;

use model::{HeldObjects, Inventory, Object, Typed};
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

/// Discovers the inputs under `paths` and lints them.
pub fn check(
    paths: &[String],
    exclude: &globset::GlobSet,
    stdin_name: Option<&str>,
    options: &Options,
) -> Result<Run, DiscoverError> {
    let mut found = discover(paths, exclude, stdin_name)?;
    let mut checked = vec![true; found.inputs.len()];
    if !options.context.is_empty() {
        let context = discover(&options.context, exclude, None)?;
        // A file both checked and in context is checked: compare real paths, not spellings.
        let key = |i: &Input| match i {
            Input::File { path, .. } => std::fs::canonicalize(path).ok(),
            Input::Stdin { .. } => None,
        };
        let seen: std::collections::HashSet<_> = found.inputs.iter().filter_map(key).collect();
        // Context files go first: a pair rule that reports the later of two objects
        // (duplicate-object) then reports the checked one.
        let extra: Vec<Input> = context
            .inputs
            .into_iter()
            .filter(|input| key(input).is_some_and(|k| !seen.contains(&k)))
            .collect();
        let mut flags = vec![false; extra.len()];
        flags.append(&mut checked);
        checked = flags;
        found.inputs.splice(0..0, extra);
        for note in context.notes {
            if !found.notes.contains(&note) {
                found.notes.push(note);
            }
        }
    }
    // Only a stream (`helm template … | kplint check -`) is attributed to its templates: a
    // rendered file kept on disk is itself the place to point at.
    let streams: Vec<bool> = found
        .inputs
        .iter()
        .map(|i| matches!(i, Input::Stdin { .. }))
        .collect();
    // Read by the workers that lint them: only the files in flight are in memory at once.
    let mut sources: Vec<Source> = found
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| Source::Input(source::file::to_u32(i), input))
        .collect();
    for p in found.problems {
        let id = source::file::to_u32(sources.len());
        sources.push(Source::Read(
            Box::new(SourceFile::new(id, p.display, "")),
            Some(LoadProblem {
                span: Default::default(),
                message: p.message,
                unreadable: true,
            }),
        ));
        checked.push(true);
    }
    let (report, mut notes, objects) = lint_loaded(sources, &checked, &streams, options);
    notes.splice(0..0, found.notes);
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
            Source::Read(Box::new(file), problem)
        })
        .collect();
    lint_loaded(sources, &[], &[], options).0
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
    process_source(Source::Input(id, input), false, options).objects
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

struct FileResult {
    file: SourceFile,
    objects: Vec<Object>,
    diagnostics: Vec<Diagnostic>,
    comments: report::suppress::Comments,
    /// The helm template blocks of a stream (empty for other files).
    blocks: Vec<report::place::Block>,
    documents: usize,
    not_objects: usize,
}

fn process_source(source: Source<'_>, stream: bool, options: &Options) -> FileResult {
    let (file, problem) = match source {
        Source::Read(file, problem) => (*file, problem),
        Source::Input(id, input) => load(id, input),
    };
    let mut out = process_file(file, problem, options);
    out.comments = report::suppress::comments_of(&out.file);
    if stream {
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

fn process_file(file: SourceFile, problem: Option<LoadProblem>, options: &Options) -> FileResult {
    let mut out = FileResult {
        objects: Vec::new(),
        diagnostics: Vec::new(),
        comments: Default::default(),
        blocks: Vec::new(),
        documents: 0,
        not_objects: 0,
        file,
    };
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
    let mut pool = model::retained::RetainedPool::default();
    // Kept apart until the parse problems are in: the findings keep the order they had when
    // the documents were decoded after the whole file was parsed.
    let mut decoded_diagnostics = Vec::new();
    let file_id = out.file.id;
    // Each document is decoded as soon as it is read, in the parser's reused buffers.
    let parsed = parse_with(&out.file, |doc| {
        out.documents += 1;
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
            d = d.object(obj);
        }
        out.diagnostics.push(d);
    }
    out
}

/// Parses, decodes, indexes and checks already-read files; `checked[i]` is false for a file read
/// only as context, `streams[i]` false for a file on disk (missing entries: checked, and a
/// stream, as in-memory texts are). Returns the report, the notes for stderr and the objects.
fn lint_loaded(
    sources: Vec<Source<'_>>,
    checked: &[bool],
    streams: &[bool],
    options: &Options,
) -> (Report, Vec<String>, HeldObjects) {
    let results: Vec<FileResult> = sources
        .into_par_iter()
        .enumerate()
        .map(|(i, source)| {
            let stream = streams.get(i).copied().unwrap_or(true);
            process_source(source, stream, options)
        })
        .collect();
    let mut summary = Summary::default();
    let mut files = Vec::with_capacity(results.len());
    let mut counts = Vec::with_capacity(results.len());
    let mut blocks = Vec::with_capacity(results.len());
    let mut comments = Vec::with_capacity(results.len());
    // Sized once: a doubling Vec of every object would keep up to half of it spare.
    let mut objects = Vec::with_capacity(results.iter().map(|r| r.objects.len()).sum());
    let mut diagnostics = Vec::with_capacity(results.iter().map(|r| r.diagnostics.len()).sum());
    for r in results {
        // Context files feed the inventory but are not counted as checked.
        let is_checked = checked.get(r.file.id as usize).copied().unwrap_or(true);
        if is_checked {
            summary.files += 1;
            summary.documents += r.documents;
            summary.not_objects += r.not_objects;
            summary.objects += r.objects.len();
            summary.unknown_kinds += r
                .objects
                .iter()
                .filter(|o| matches!(o.typed, Typed::Unknown))
                .count();
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
    let inventory = Inventory::new(files, objects, options.namespace.clone());
    // The findings of the decode first, as they were made; then the rules', each worker's part
    // moved into the one list as it is done.
    let findings = Findings::with_capacity(diagnostics.len() + inventory.objects.len());
    findings.add(0, diagnostics);
    run_rules_into(&inventory, &findings, 1);
    let applied = report::suppress::apply(
        &inventory,
        findings.into_ordered(),
        &options.policy,
        checked,
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
    let report = Report::new(
        files,
        counts,
        blocks,
        diagnostics,
        applied.suppressed,
        summary,
    );
    (report, applied.notes, objects)
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
    let (mut local, mut object_checks, mut inventory_checks) = (Vec::new(), Vec::new(), Vec::new());
    for rule in rules::ALL {
        match rule.check {
            Check::Local(f) => local.push(f),
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
