//! The `kplint` command line: parse arguments, call the library, map the result to an exit code.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use globset::{Glob, GlobSetBuilder};

use kplint::config::{self, Config};
use kplint::model::version::VERSION_HELP;
use kplint::model::KubeVersion;
use kplint::report::suppress::{did_you_mean, Policy};
use kplint::report::{compact, github, human, json, sarif, FailOn};
use kplint::rules;

/// A static linter for Kubernetes manifests that knows the workload patterns.
#[derive(Parser)]
#[command(name = "kplint", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint manifest files and directories (`-` reads standard input).
    Check(Box<CheckArgs>),
    /// List every rule: id, severity, pattern and summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print the documentation of one rule, as text (colour on a terminal).
    Explain {
        /// The rule id, e.g. `bare-pod`.
        rule: String,
        /// Print the page's Markdown source instead (for a Markdown viewer or a web page).
        #[arg(long)]
        markdown: bool,
        /// Never colour the output (colour is used only on a terminal anyway).
        #[arg(long)]
        no_color: bool,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to lint (directories are walked for .yaml, .yml and .json).
    #[arg(default_value = ".")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print only the number of findings per rule and the summary line (human format).
    #[arg(long)]
    statistics: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<String>,
    /// Exit 1 when a finding is at or above this severity [default: warning, or the config's].
    #[arg(long, value_enum)]
    fail_on: Option<FailOnArg>,
    /// The namespace of objects that set none [default: default, or the config's].
    #[arg(long)]
    namespace: Option<String>,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Read objects from PATH into the inventory without reporting on them (repeatable).
    #[arg(long, value_name = "PATH")]
    context: Vec<String>,
    /// Check custom resources against the CustomResourceDefinitions under PATH too (repeatable);
    /// nothing in PATH is reported on.
    #[arg(long, value_name = "PATH")]
    crds: Vec<String>,
    /// Run only these rules (comma-separated or repeated); engine diagnostics always run.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    select: Vec<String>,
    /// Turn these rules off (comma-separated or repeated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Use this configuration file instead of the nearest `.kplint.yaml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<String>,
    /// Read no configuration file.
    #[arg(long)]
    no_config: bool,
    /// List the diagnostics that suppressions silenced, marked as suppressed.
    #[arg(long)]
    show_suppressed: bool,
    /// The name shown for standard input (`-`).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Keep whole document trees (checks that retaining only located fields changes nothing).
    #[arg(long, hide = true)]
    full_trees: bool,
    /// Decode every known object through the typed decode (checks that the schema check and
    /// views read from the tree change nothing).
    #[arg(long, hide = true)]
    typed_decode: bool,
    /// Never colour the output (colour is used only on a terminal anyway).
    #[arg(long)]
    no_color: bool,
    /// Exit 0 instead of 2 when the inputs hold no Kubernetes object.
    #[arg(long)]
    allow_empty: bool,
    /// The binary that builds kustomizations (`kubectl` or `kustomize`) [default: kustomize,
    /// else kubectl, on PATH; or the config's].
    #[arg(long, value_name = "BIN")]
    kustomize: Option<String>,
    /// The `helm` binary that renders charts [default: helm on PATH; or the config's].
    #[arg(long, value_name = "BIN")]
    helm: Option<String>,
    /// A values file passed to every chart's `helm template` (repeatable).
    #[arg(long = "values", value_name = "FILE")]
    helm_values: Vec<String>,
    /// A `--set key=value` passed to every chart's `helm template` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    helm_set: Vec<String>,
    /// Render charts' test hooks (`templates/tests/`) too.
    #[arg(long)]
    helm_tests: bool,
    /// The Kubernetes release the manifests are for, as major.minor (e.g. 1.29): what it no
    /// longer serves is removed-api-version, what a later release removes is
    /// deprecated-api-version, annotations it no longer honours are removed-annotation
    /// [default: the config's, else the newest release kplint knows].
    #[arg(long, value_name = "X.Y", value_parser = kubernetes_version)]
    kubernetes_version: Option<KubeVersion>,
}

/// Parses `--kubernetes-version`; a bad value is clap's usage error (exit 2).
fn kubernetes_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a Kubernetes release; {VERSION_HELP}"))
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Graphical reports with the source snippet.
    Human,
    /// The version-1 JSON contract.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// `path:line:col: severity[rule] message`, one line each.
    Compact,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => run_check(*args),
        Command::Rules { format } => {
            print_out(&list_rules(format));
            ExitCode::SUCCESS
        }
        Command::Explain {
            rule,
            markdown,
            no_color,
        } => explain(&rule, markdown, no_color),
    }
}

/// `kplint explain`: text by default, piped or not (`kplint explain x | less` is read by a
/// person too); colour only on a terminal; the Markdown source with `--markdown`.
fn explain(id: &str, markdown: bool, no_color: bool) -> ExitCode {
    let Some(rule) = rules::by_id(id) else {
        let hint = did_you_mean(id)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        eprintln!("error: no rule named `{id}`{hint} (`kplint rules` lists them)");
        return ExitCode::from(2);
    };
    let page = kplint::explain::markdown(rule);
    if markdown {
        print_out(&page);
    } else {
        let color =
            !no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
        print_out(&kplint::explain::to_text(&page, color));
    }
    ExitCode::SUCCESS
}

/// Writes the report in `format` to `out` as it is produced: a large report's whole text was
/// the run's peak memory.
fn write_report(
    report: &kplint::report::Report,
    args: &CheckArgs,
    color: bool,
    out: impl Write,
) -> std::io::Result<()> {
    match args.format {
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Compact => compact::write(report, out),
        Format::Human => human::write(
            report,
            human::HumanOptions {
                color,
                statistics_only: args.statistics,
                ..Default::default()
            },
            out,
        ),
    }
}

fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`kplint … | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn list_rules(format: ListFormat) -> String {
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity.as_str(),
                        "pattern": r.pattern.as_str(),
                        "engine": r.is_engine(),
                        "summary": r.summary,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Human => {
            let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in rules::ALL {
                // As `kplint explain`'s header says: engine diagnostics are always on.
                let pattern = if r.is_engine() {
                    format!("{} (always on)", r.pattern.as_str())
                } else {
                    r.pattern.as_str().to_string()
                };
                s.push_str(&format!(
                    "{:width$}  {:7}  {:17}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    pattern,
                    r.summary
                ));
            }
            s
        }
    }
}

fn stderr_color(args: &CheckArgs) -> bool {
    !args.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn load_config(args: &CheckArgs) -> Result<Option<Config>, ExitCode> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => Some(std::path::PathBuf::from(p)),
        None => std::env::current_dir().ok().and_then(|d| config::find(&d)),
    };
    let Some(path) = path else { return Ok(None) };
    match config::load(&path) {
        Ok(c) => Ok(Some(c)),
        Err(e) => {
            eprint!("{}", e.render(stderr_color(args)));
            Err(ExitCode::from(2))
        }
    }
}

/// Rule ids given on the command line, checked.
fn rule_ids(flag: &str, ids: &[String]) -> Result<Vec<&'static rules::Rule>, ExitCode> {
    let mut out = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match rules::by_id(id) {
            Some(r) => out.push(r),
            None => {
                let hint = did_you_mean(id)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                eprintln!("error: {flag} {id}: no such rule{hint} (`kplint rules` lists them)");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(out)
}

fn run_check(args: CheckArgs) -> ExitCode {
    // Refused rather than ignored: a script that asks for both would otherwise get the whole
    // report and think it got the table. The JSON already holds every finding to count.
    if args.statistics && !matches!(args.format, Format::Human) {
        eprintln!(
            "error: --statistics is a view of the human format; --format json already holds every finding (count them with e.g. `jq '.diagnostics | group_by(.rule) | map({{rule: .[0].rule, n: length}})'`)"
        );
        return ExitCode::from(2);
    }
    let config = match load_config(&args) {
        Ok(c) => c.unwrap_or_default(),
        Err(code) => return code,
    };
    let mut policy = Policy {
        levels: config.levels.clone(),
        entries: config.ignore.clone(),
        ..Default::default()
    };
    let select = match rule_ids("--select", &args.select) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if !select.is_empty() {
        policy.select = Some(select.iter().map(|r| r.id).collect());
    }
    let ignore = match rule_ids("--ignore", &args.ignore) {
        Ok(r) => r,
        Err(code) => return code,
    };
    for r in ignore {
        if r.is_engine() {
            eprintln!(
                "error: --ignore {}: engine diagnostics can't be turned off (kubectl or the API server rejects such input); fix it, or --exclude the file",
                r.id
            );
            return ExitCode::from(2);
        }
        policy.ignore.insert(r.id);
    }
    let exclude = match glob_set(config.exclude.iter().chain(&args.exclude), "--exclude") {
        Ok(set) => set,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut units = Vec::new();
    for entry in &config.units {
        match glob_set(entry, "units") {
            Ok(set) => units.push(set),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let tools = match tools_of(&args, &config) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = kplint::Options {
        namespace: args
            .namespace
            .clone()
            .or(config.namespace.clone())
            .unwrap_or_else(|| "default".to_string()),
        policy,
        context: config
            .context
            .iter()
            .chain(&args.context)
            .cloned()
            .collect(),
        crds: config.crds.iter().chain(&args.crds).cloned().collect(),
        workloads: config.workloads.clone(),
        full_trees: args.full_trees,
        typed_decode: args.typed_decode,
        quotes_source: matches!(args.format, Format::Human),
        units,
        tools,
        kubernetes_version: args
            .kubernetes_version
            .or(config.kubernetes_version)
            .unwrap_or_default(),
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = match pool.build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            return ExitCode::from(2);
        }
    };
    let result = pool.install(|| {
        kplint::check(
            &args.paths,
            &exclude,
            args.stdin_filename.as_deref(),
            &options,
        )
    });
    let run = match result {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let kplint::Run {
        mut report,
        notes,
        objects,
    } = run;
    for note in &notes {
        eprintln!("note: {note}");
    }
    // Nothing to lint is a usage error (exit 2): no report is written, only the reason, so
    // stdout never says "no problems" about a run that checked nothing.
    if !args.allow_empty {
        if let Some(reason) = nothing_linted(&report, &args.paths) {
            eprintln!("error: {reason}; pass --allow-empty to accept this");
            return ExitCode::from(2);
        }
    }
    report.show_suppressed = args.show_suppressed;
    let color = !args.no_color
        && args.output.is_none()
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    match &args.output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|file| {
                write_report(&report, &args, color, std::io::BufWriter::new(file))
            });
            if let Err(e) = written {
                eprintln!("error: --output {path}: {e}");
                return ExitCode::from(2);
            }
        }
        None => {
            // A closed pipe (`kplint … | head`) is not an error worth reporting.
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = write_report(&report, &args, color, out);
        }
    }
    // Texts are read again for the report; a file edited meanwhile no longer matches the spans.
    for file in report.files.iter().filter(|f| f.changed()) {
        eprintln!(
            "note: {} changed while kplint ran; the lines and columns shown for it may be off",
            file.name
        );
    }
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Error,
        Some(FailOnArg::Warning) => FailOn::Warning,
        Some(FailOnArg::Info) => FailOn::Info,
        Some(FailOnArg::Never) => FailOn::Never,
        None => config.fail_on.unwrap_or(FailOn::Warning),
    };
    let code = if report.fails(fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here and the OS takes its memory back at once; freeing the report first
    // walked every finding and file again (about 60 ms at 100k documents), and the objects are
    // a million small allocations (`HeldObjects`).
    std::mem::forget(report);
    std::mem::forget(objects);
    code
}

/// Why a run linted nothing, or `None` when it linted something. A run that reported a
/// finding linted something, even without an object: a file that is not YAML
/// (`invalid-yaml`), can't be read (`unreadable-file`) or a unit that did not build
/// (`render-failed`) is a verdict on its inputs, and the exit code follows `--fail-on`.
fn nothing_linted(report: &kplint::report::Report, paths: &[String]) -> Option<String> {
    let s = &report.summary;
    if s.objects > 0 || !report.diagnostics.is_empty() || !report.suppressed.is_empty() {
        return None;
    }
    if s.files == 0 {
        return Some(format!(
            "no manifest file (.yaml, .yml, .json) found in {}",
            paths.join(", ")
        ));
    }
    Some(format!(
        "no Kubernetes object found in {} file(s) ({} document(s) without `kind`)",
        s.files, s.not_objects
    ))
}

/// The programs that build and render units: named ones must exist (exit 2 otherwise); the
/// rest are looked up on PATH, and a missing one is said on stderr by the run.
fn tools_of(
    args: &CheckArgs,
    config: &kplint::config::Config,
) -> Result<kplint::source::render::Tools, String> {
    use kplint::source::{helm, kustomize};
    // A binary named by a path is run from the chart's or kustomization's folder: absolute.
    let located = |bin: &str| {
        let p = std::path::Path::new(bin);
        if p.components().count() > 1 {
            std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
        } else {
            p.to_path_buf()
        }
    };
    // Where a binary was named, for its error: the flag, or the configuration's key.
    let origin = |flag: &str, from_flag: bool, key: &str, bin: &str| {
        if from_flag {
            format!("{flag} {bin}")
        } else {
            format!("{}: {key}: {bin}", config.path.display())
        }
    };
    let kustomize_bin = args.kustomize.clone().or(config.kustomize.clone());
    let kustomize = match &kustomize_bin {
        Some(bin) => Some(
            kustomize::build::find_builder(Some(&located(bin))).ok_or_else(|| {
                format!(
                    "{}: no such kubectl or kustomize binary",
                    origin("--kustomize", args.kustomize.is_some(), "kustomize", bin)
                )
            })?,
        ),
        None => kustomize::build::find_builder(None),
    };
    let helm_bin = args.helm.clone().or(config.helm.clone());
    let helm = match &helm_bin {
        Some(bin) => Some(helm::find_binary(Some(&located(bin))).ok_or_else(|| {
            format!(
                "{}: no such helm binary",
                origin("--helm", args.helm.is_some(), "helm", bin)
            )
        })?),
        None => helm::find_binary(None),
    };
    let mut values: Vec<std::path::PathBuf> = config.helm_values.iter().map(Into::into).collect();
    for v in &args.helm_values {
        let p = std::path::PathBuf::from(v);
        if !p.is_file() {
            return Err(format!("--values {v}: no such file"));
        }
        values.push(p);
    }
    let mut set = config.helm_set.clone();
    set.extend(args.helm_set.iter().cloned());
    let mut charts = Vec::new();
    for c in &config.helm_charts {
        // `config::load` has checked that it is a chart folder, at its line.
        let dir = std::path::PathBuf::from(&c.path);
        charts.push(kplint::source::render::ChartSettings {
            dir: std::path::absolute(&dir)
                .map(|d| kplint::source::units::normalise(&d))
                .unwrap_or(dir),
            release: c.release.clone(),
            namespace: c.namespace.clone(),
            values: c.values.iter().map(Into::into).collect(),
            set: c.set.clone(),
        });
    }
    Ok(kplint::source::render::Tools {
        kustomize,
        helm,
        helm_options: kplint::source::render::HelmSettings {
            values,
            set,
            namespace: args.namespace.clone().or(config.namespace.clone()),
            include_tests: args.helm_tests || config.helm_tests,
            charts,
        },
    })
}

/// The globs as one set; `what` names where they come from in the error.
fn glob_set<'a>(
    globs: impl IntoIterator<Item = &'a String>,
    what: &str,
) -> Result<globset::GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for g in globs {
        set.add(Glob::new(g).map_err(|e| format!("{what} {g}: {e}"))?);
    }
    set.build().map_err(|e| format!("{what}: {e}"))
}
