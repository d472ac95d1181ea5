//! Events-only parse speed of the YAML parsers kplint could use, over a folder of manifests
//! (default `../shared/corpus`): saphyr-parser (YAML 1.2), libyaml-safer (a safe port of
//! libyaml), libyaml-rs (libyaml translated by c2rust, the oracle of the differential test) and
//! kplint's own events (libyaml-rs with the reader fast path of vendor/libyaml-rs/PATCH.md).
//! Each parser reads every file to the end of its stream, events dropped; rounds alternate the
//! parsers so a machine whose speed drifts slows them alike, and the median round is printed.
//!
//! `cargo run --release --example parser_speed -- [DIR] [ROUNDS]` (docs/yaml.md).

use std::time::{Duration, Instant};

fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus").into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(15);
    // One parser only (`saphyr`, `safer`, `c2rust`, `kplint`, or `none` to read the files and parse
    // nothing): for a profiler, `valgrind --tool=callgrind … DIR 1 saphyr`.
    let only = args.next();
    let mut texts = Vec::new();
    collect(std::path::Path::new(&dir), &mut texts);
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} files, {:.1} MB, {rounds} rounds",
        texts.len(),
        bytes as f64 / 1e6
    );
    let all: [(&str, &str, Parse); 5] = [
        ("saphyr", "saphyr-parser", saphyr),
        ("safer", "libyaml-safer", safer),
        ("c2rust", "libyaml-rs (c2rust)", c2rust),
        ("kplint", "kplint (patched)", kplint_events),
        ("none", "none (reading only)", |_| 0),
    ];
    let parsers: Vec<(&str, Parse)> = all
        .iter()
        .filter(|(key, ..)| only.as_deref().map_or(*key != "none", |o| o == *key))
        .map(|&(_, name, parse)| (name, parse))
        .collect();
    if parsers.is_empty() {
        eprintln!("unknown parser {only:?}: saphyr, safer, c2rust, kplint or none");
        return;
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); parsers.len()];
    let mut events = vec![0; parsers.len()];
    for _ in 0..rounds {
        for (i, (_, parse)) in parsers.iter().enumerate() {
            let start = Instant::now();
            events[i] = texts.iter().map(|t| parse(t)).sum();
            times[i].push(start.elapsed());
        }
    }
    println!(
        "libyaml-safer panicked {} times ({} a round)",
        PANICS.load(std::sync::atomic::Ordering::Relaxed),
        PANICS.load(std::sync::atomic::Ordering::Relaxed) / rounds.max(1)
    );
    let base = median(&mut times[0].clone());
    for (i, (name, _)) in parsers.iter().enumerate() {
        let m = median(&mut times[i]);
        println!(
            "{name:<20} {:>8.2} ms  {:>6.1} MB/s  {:.2}x saphyr  ({} events)",
            m.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / m.as_secs_f64(),
            m.as_secs_f64() / base.as_secs_f64(),
            events[i]
        );
    }
}

/// A parser run over one text: the number of events it read.
type Parse = fn(&str) -> usize;

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn collect(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push(text);
            }
        }
    }
}

/// Events until the end of the stream or the first error; returns how many.
fn saphyr(text: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut n = 0;
    while let Some(Ok(_)) = parser.next_event() {
        n += 1;
    }
    n
}

/// libyaml-safer 0.3.0 panics on some valid files (a block scalar at the end of the input):
/// such a file counts as no events, and the panics are counted.
fn safer(text: &str) -> usize {
    std::panic::catch_unwind(|| safer_events(text)).unwrap_or_else(|_| {
        PANICS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        0
    })
}

static PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn safer_events(text: &str) -> usize {
    let mut input = text.as_bytes();
    let mut parser = libyaml_safer::Parser::new();
    parser.set_input_string(&mut input);
    let mut n = 0;
    while let Ok(ev) = parser.parse() {
        n += 1;
        if matches!(ev.data, libyaml_safer::EventData::StreamEnd) {
            break;
        }
    }
    n
}

fn c2rust(text: &str) -> usize {
    use libyaml_rs as sys;
    use std::mem::MaybeUninit;
    let mut n = 0;
    // SAFETY: as in tests/support/libyaml.rs: initialised, fed a live buffer, deleted once.
    unsafe {
        let mut parser = MaybeUninit::<sys::yaml_parser_t>::uninit();
        let p = parser.as_mut_ptr();
        if !sys::yaml_parser_initialize(p).ok {
            return 0;
        }
        sys::yaml_parser_set_input_string(p, text.as_ptr(), text.len() as _);
        loop {
            let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
            if !sys::yaml_parser_parse(p, event.as_mut_ptr()).ok {
                break;
            }
            n += 1;
            let end = (*event.as_ptr()).type_ == sys::YAML_STREAM_END_EVENT;
            sys::yaml_event_delete(event.as_mut_ptr());
            if end {
                break;
            }
        }
        sys::yaml_parser_delete(p);
    }
    n
}

/// kplint's parser: the patched libyaml-rs behind `kplint::source::libyaml`.
fn kplint_events(text: &str) -> usize {
    let mut events = kplint::source::libyaml::Events::new(text);
    let mut n = 0;
    while let Some(Ok(_)) = events.next_event() {
        n += 1;
    }
    n
}
