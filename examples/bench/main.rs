//! kplint's benchmark: generated corpora of 1k, 10k and 100k documents; parse-only against the
//! full lint at 1 and 2 threads; one small file through the whole process. `--units`: kustomize
//! overlays built, and linted, against the builds alone (see units.rs). `--crds`: custom
//! resources checked against 100 and 1,000 generated CRDs (see crds.rs).
//!
//! Run it with `scripts/bench` (builds release, then runs this). Each measurement runs in a
//! fresh child process, so peak memory (VmHWM) is the measurement's own.

mod crds;
mod generate;
mod units;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Discovers and reads every file under `dir` in parallel, applying `work` to each.
fn per_file(dir: &str, work: impl Fn(&kplint::source::SourceFile) -> usize + Sync) -> usize {
    inputs_of(dir)
        .par_iter()
        .map(|input| work(&kplint::load_input(0, input).0))
        .sum()
}

/// The inputs under `dir`, as a run discovers them.
fn inputs_of(dir: &str) -> Vec<kplint::source::discover::Input> {
    kplint::source::discover::discover(&[dir.to_string()], &globset::GlobSet::empty(), None)
        .expect("discover")
        .inputs
}

/// One input's objects, read as a run reads each file.
fn objects_of(input: &kplint::source::discover::Input) -> Vec<kplint::model::Object> {
    kplint::decode_input(0, input, &kplint::Options::default())
}

/// Child: one measurement, printed as `wall_ms peak_kb count` (documents; objects for `decode`
/// and `keep`). Modes: `events`, `tree`, `decode` (each file read, parsed and decoded as the lint
/// does, its objects dropped at once), `keep` (the same, the objects held to the end) and the
/// full `lint`; the middle ones show where the lint's time goes (`bench --stages`).
fn child(mode: &str, threads: usize, dir: &str) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let start = Instant::now();
    let documents = pool.install(|| match mode {
        "events" => per_file(dir, |file| {
            // The parser kplint runs (libyaml's), events only.
            let mut events = kplint::source::libyaml::Events::new(file.text());
            let mut docs = 0;
            while let Some(Ok(ev)) = events.next_event() {
                if ev.kind() == kplint::source::libyaml::EventKind::DocumentStart {
                    docs += 1;
                }
            }
            docs
        }),
        "tree" => per_file(dir, |file| {
            kplint::source::tree::parse(file).documents.len()
        }),
        // Where the lint's time goes: each file's work as the lint does it, its objects
        // dropped at once (`decode`) or held to the end as the lint holds them (`keep`).
        "decode" => inputs_of(dir)
            .par_iter()
            .map(|input| objects_of(input).len())
            .sum(),
        "keep" => {
            let kept: Vec<Vec<kplint::model::Object>> =
                inputs_of(dir).par_iter().map(objects_of).collect();
            let objects = kept.iter().map(Vec::len).sum();
            // Left to the OS, as the binary leaves its objects.
            std::mem::forget(kept);
            objects
        }
        _ => {
            let run = kplint::check(
                &[dir.to_string()],
                &globset::GlobSet::empty(),
                None,
                &kplint::Options::default(),
            )
            .expect("lint");
            // Written as the binary writes it, through a buffer, to a sink standing in for
            // stdout: straight into the sink, the serializer's many small writes cost nothing.
            let out = std::io::BufWriter::new(std::io::sink());
            kplint::report::json::write(&run.report, out).expect("render");
            let documents = run.report.summary.documents;
            // As the binary does: the process is about to end, and neither the report nor the
            // objects it hands back are freed.
            std::mem::forget(run);
            documents
        }
    });
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    println!("{wall:.1} {} {documents}", peak_kb());
}

/// Builds one inventory from `dir` on this thread and times every rule over it.
fn rule_times(dir: &str) {
    use kplint::rules::Check;
    let mut files = Vec::new();
    let mut objects = Vec::new();
    for (i, input) in inputs_of(dir).iter().enumerate() {
        let (file, _) = kplint::load_input(i as u32, input);
        for doc in kplint::source::tree::parse(&file).documents {
            objects.extend(kplint::model::decode::decode_document(file.id, doc, "default").objects);
        }
        files.push(file);
    }
    let inv = kplint::model::Inventory::new(files, objects, "default".into());
    let mut rows = Vec::new();
    for rule in kplint::rules::ALL {
        let start = Instant::now();
        let mut out = Vec::new();
        match rule.check {
            Check::Local(f) => inv.objects.iter().for_each(|o| f(o, &mut out)),
            Check::Versioned(f) => inv.objects.iter().for_each(|o| f(inv.target, o, &mut out)),
            Check::Object(f) => inv.objects.iter().for_each(|o| f(&inv, o, &mut out)),
            Check::Inventory(f) => f(&inv, &mut out),
            Check::Engine => continue,
        }
        rows.push((start.elapsed().as_secs_f64() * 1000.0, out.len(), rule.id));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, n, id) in rows {
        println!("{ms:8.2} ms {n:7} findings  {id}");
    }
}

struct Sample {
    wall_ms: f64,
    peak_kb: u64,
    /// Each round's wall time, in round order.
    rounds: Vec<f64>,
}

impl Sample {
    /// The median over rounds of this mode's time over `other`'s in the same round.
    fn ratio(&self, other: &Sample) -> f64 {
        median(
            self.rounds
                .iter()
                .zip(&other.rounds)
                .map(|(a, b)| a / b)
                .collect(),
        )
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// One run of a mode in a fresh process: its wall time and peak memory.
fn run_child(exe: &Path, mode: &str, threads: usize, dir: &Path) -> (f64, u64) {
    let out = Command::new(exe)
        .args(["child", mode, &threads.to_string()])
        .arg(dir)
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let wall: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .expect("wall time");
    let kb: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (wall, kb)
}

/// The runs measured in rounds, one run of each `(dir, mode)` per round, so that a machine whose
/// speed drifts (this 2-core VM's did by 30% within minutes) slows every run of a round alike; a
/// sample per run, in the order of `runs_of`.
fn measure(exe: &Path, runs_of: &[(&Path, &str)], threads: usize, rounds: usize) -> Vec<Sample> {
    let mut walls = vec![Vec::new(); runs_of.len()];
    let mut peaks = vec![0; runs_of.len()];
    for _ in 0..rounds {
        for (i, (dir, mode)) in runs_of.iter().enumerate() {
            let (wall, kb) = run_child(exe, mode, threads, dir);
            walls[i].push(wall);
            peaks[i] = peaks[i].max(kb);
        }
    }
    walls
        .into_iter()
        .zip(peaks)
        .map(|(rounds, peak_kb)| Sample {
            wall_ms: median(rounds.clone()),
            peak_kb,
            rounds,
        })
        .collect()
}

fn corpus(root: &Path, documents: usize) -> (PathBuf, generate::Generated) {
    let dir = root.join(format!("docs-{documents}"));
    let _ = std::fs::remove_dir_all(&dir);
    let made = generate::generate(&dir, documents, 42).expect("generate corpus");
    (dir, made)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(&args[2], args[3].parse().expect("threads"), &args[4]);
        return;
    }
    // `bench rules DIR`: the time each rule takes over one inventory, slowest first.
    if args.get(1).map(String::as_str) == Some("rules") {
        rule_times(&args[2]);
        return;
    }
    // `bench generate DIR N`: write a corpus and keep it (for profiling).
    if args.get(1).map(String::as_str) == Some("generate") {
        let n = args[3].parse().expect("documents");
        let made = generate::generate(Path::new(&args[2]), n, 42).expect("generate");
        println!(
            "{} documents, {} files, {} bytes",
            made.documents, made.files, made.bytes
        );
        return;
    }
    let mut sizes = vec![1_000usize, 10_000, 100_000];
    let mut runs = 3;
    let mut stages = false;
    let mut units = false;
    let mut crds = false;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--sizes" => {
                sizes = args[i + 1]
                    .split(',')
                    .map(|s| s.parse().expect("size"))
                    .collect();
                i += 1;
            }
            "--runs" => {
                runs = args[i + 1].parse().expect("runs");
                i += 1;
            }
            "--stages" => stages = true,
            "--units" => units = true,
            "--crds" => crds = true,
            other => {
                panic!(
                    "unknown argument {other}; use --sizes 1000,10000 --runs 3 --stages, --units --runs 3, or --crds --runs 3"
                )
            }
        }
        i += 1;
    }
    let exe = std::env::current_exe().expect("own path");
    if units {
        // `bench --units`: kustomize overlays built and linted by the release binary.
        let bin = exe
            .parent()
            .and_then(|p| p.parent())
            .map(|p| p.join("kplint"))
            .expect("target dir");
        units::run(&bin, runs);
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    if crds {
        crds::run(&exe, &root, runs);
        return;
    }
    println!(
        "kplint benchmark: {runs} rounds of one run per mode, each in a fresh process; times are medians, ratios the median of each round's ratio\n"
    );
    println!(
        "{:>7} {:>6} {:>3} | {:>9} {:>9} {:>9} | {:>5} {:>5} | {:>9} {:>7} | {:>8} {:>8}",
        "docs",
        "MB",
        "thr",
        "events ms",
        "tree ms",
        "lint ms",
        "lint/",
        "lint/",
        "docs/s",
        "MB/s",
        "peak MB",
        "budget"
    );
    println!(
        "{:>7} {:>6} {:>3} | {:>9} {:>9} {:>9} | {:>5} {:>5} | {:>9} {:>7} | {:>8} {:>8}",
        "", "", "", "", "", "", "evts", "tree", "(lint)", "(lint)", "(lint)", "MB"
    );
    // Every size is generated first and measured in the same rounds: a growth figure compares
    // runs of one round, not sizes measured minutes apart on a machine that drifts.
    let corpora: Vec<(PathBuf, generate::Generated)> = sizes
        .iter()
        .map(|&n| {
            let (dir, made) = corpus(&root, n);
            eprintln!(
                "generated {} documents in {} files ({:.1} MB)",
                made.documents,
                made.files,
                made.bytes as f64 / 1e6
            );
            (dir, made)
        })
        .collect();
    let modes: &[&str] = if stages {
        &["events", "tree", "lint", "decode", "keep"]
    } else {
        &["events", "tree", "lint"]
    };
    let mut growth = Vec::new();
    for threads in [1, 2] {
        let runs_of: Vec<(&Path, &str)> = corpora
            .iter()
            .flat_map(|(dir, _)| modes.iter().map(move |&m| (dir.as_path(), m)))
            .collect();
        let samples = measure(&exe, &runs_of, threads, runs);
        let per_size: Vec<&[Sample]> = samples.chunks(modes.len()).collect();
        for ((_, made), size) in corpora.iter().zip(&per_size) {
            let (events, tree, lint) = (&size[0], &size[1], &size[2]);
            let mb = made.bytes as f64 / 1e6;
            let budget_mb = 2.0 * mb + 30.0;
            println!(
                "{:>7} {:>6.1} {:>3} | {:>9.0} {:>9.0} {:>9.0} | {:>5.2} {:>5.2} | {:>9.0} {:>7.1} | {:>8.1} {:>8.1}",
                made.documents,
                mb,
                threads,
                events.wall_ms,
                tree.wall_ms,
                lint.wall_ms,
                lint.ratio(events),
                lint.ratio(tree),
                made.documents as f64 / (lint.wall_ms / 1000.0),
                mb / (lint.wall_ms / 1000.0),
                // VmHWM counts KiB; the corpus size and the budget are in MB (10^6 bytes).
                lint.peak_kb as f64 * 1024.0 / 1e6,
                budget_mb
            );
            if let [_, _, _, decode, keep] = size {
                // Cumulative: each stage does what the one before did, and more.
                println!(
                    "{:>17} | stages × events: tree {:.2}, decode {:.2} ({:.0} ms), keep {:.2} ({:.0} ms, peak {:.1} MB), lint {:.2}",
                    "",
                    tree.ratio(events),
                    decode.ratio(events),
                    decode.wall_ms,
                    keep.ratio(events),
                    keep.wall_ms,
                    keep.peak_kb as f64 * 1024.0 / 1e6,
                    lint.ratio(events)
                );
            }
        }
        for (pair, (small, large)) in sizes.windows(2).zip(per_size.iter().zip(&per_size[1..])) {
            growth.push(format!(
                "growth {}→{} docs at {threads} thread(s): {:.2}× time for {:.0}× work (the events alone: {:.2}×)",
                pair[0],
                pair[1],
                large[2].ratio(&small[2]),
                pair[1] as f64 / pair[0] as f64,
                large[0].ratio(&small[0])
            ));
        }
    }
    for (dir, _) in &corpora {
        let _ = std::fs::remove_dir_all(dir);
    }
    println!();
    for line in growth {
        println!("{line}");
    }

    let cross_dir = root.join("cross");
    let _ = std::fs::remove_dir_all(&cross_dir);
    let cross = generate::generate_cross(&cross_dir, 10_000).expect("cross corpus");
    let samples = measure(
        &exe,
        &[(cross_dir.as_path(), "lint"), (cross_dir.as_path(), "tree")],
        2,
        runs,
    );
    println!(
        "\ncross-object: 10,000 Services × 10,000 Deployments in one namespace ({} documents): lint {:.0} ms, tree-parse {:.0} ms ({:.2}×), 2 threads",
        cross.documents,
        samples[0].wall_ms,
        samples[1].wall_ms,
        samples[0].ratio(&samples[1])
    );
    let _ = std::fs::remove_dir_all(&cross_dir);

    let bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("kplint"))
        .expect("target dir");
    let small = root.join("small.yaml");
    std::fs::write(&small, include_str!("../shop/redis.yaml")).expect("small file");
    if bin.is_file() {
        let mut walls = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            let _ = Command::new(&bin)
                .arg("check")
                .arg(&small)
                .output()
                .expect("kplint runs");
            walls.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        walls.sort_by(|a, b| a.total_cmp(b));
        // The budget is 10 ms: say how many runs missed it, not only the worst, which on a
        // shared VM is often one stall.
        let over = walls.iter().filter(|&&w| w >= 10.0).count();
        println!(
            "whole process, one small file ({}): median {:.1} ms, 90th percentile {:.1} ms, max {:.1} ms; {over} of {} runs at 10 ms or more",
            bin.display(),
            walls[walls.len() / 2],
            walls[walls.len() * 9 / 10],
            walls[walls.len() - 1],
            walls.len()
        );
    } else {
        println!(
            "whole process: {} not built (run scripts/bench, which builds it)",
            bin.display()
        );
    }
}
