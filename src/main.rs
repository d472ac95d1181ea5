//! The `kplint` command line: parse arguments, call the library, map the result to an exit code.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use globset::{Glob, GlobSetBuilder};

use kplint::report::{human, json, FailOn};
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
    Check(CheckArgs),
    /// List every rule: id, severity, pattern and summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print the documentation of one rule.
    Explain {
        /// The rule id, e.g. `bare-pod`.
        rule: String,
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
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOnArg::Warning)]
    fail_on: FailOnArg,
    /// The namespace of objects that set none.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// The name shown for standard input (`-`).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Never colour the output (colour is used only on a terminal anyway).
    #[arg(long)]
    no_color: bool,
    /// Exit 0 instead of 2 when the inputs hold no Kubernetes object.
    #[arg(long)]
    allow_empty: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
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
        Command::Check(args) => run_check(args),
        Command::Rules { format } => {
            print_out(&list_rules(format));
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match rules::by_id(&rule) {
            Some(r) => {
                print_out(r.doc);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no rule named `{rule}`; `kplint rules` lists them");
                ExitCode::from(2)
            }
        },
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
                s.push_str(&format!(
                    "{:width$}  {:7}  {:17}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.pattern.as_str(),
                    r.summary
                ));
            }
            s
        }
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let mut globs = GlobSetBuilder::new();
    for g in &args.exclude {
        match Glob::new(g) {
            Ok(glob) => {
                globs.add(glob);
            }
            Err(e) => {
                eprintln!("error: --exclude {g}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let exclude = match globs.build() {
        Ok(set) => set,
        Err(e) => {
            eprintln!("error: --exclude: {e}");
            return ExitCode::from(2);
        }
    };
    let options = kplint::Options {
        namespace: args.namespace.clone(),
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
    for note in &run.notes {
        eprintln!("note: {note}");
    }
    let report = run.report;
    let text = match args.format {
        Format::Json => json::render(&report),
        Format::Human => {
            let color = !args.no_color
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal();
            human::render(
                &report,
                human::HumanOptions {
                    color,
                    ..Default::default()
                },
            )
        }
    };
    print_out(&text);
    if report.summary.objects == 0 && !args.allow_empty {
        eprintln!(
            "error: no Kubernetes object found in {} file(s) ({} document(s) without `kind`); pass --allow-empty to accept this",
            report.summary.files, report.summary.not_objects
        );
        return ExitCode::from(2);
    }
    let fail_on = match args.fail_on {
        FailOnArg::Error => FailOn::Error,
        FailOnArg::Warning => FailOn::Warning,
        FailOnArg::Info => FailOn::Info,
        FailOnArg::Never => FailOn::Never,
    };
    if report.fails(fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
