//! kplint's YAML parser against the oracle of libyaml's behaviour (`libyaml.rs`): the same
//! verdict, at the same place. Shared by `tests/yaml_differential.rs`, which runs it over every
//! file it can find, and the `parse` fuzz target (`invariants.rs`), which runs it over what the
//! fuzzer makes. Whoever includes this file includes `libyaml.rs` beside it, as `mod libyaml`
//! at the crate root.

use kplint::source::tree::{parse, ProblemKind};
use kplint::source::SourceFile;

/// kplint's verdict on `text`: `None` when it parses, else where its first syntax error is
/// (errors of the tree builder, which libyaml's parser does not check, aside): the byte offset,
/// and the 1-based line kplint reports. Also where kplint stopped reading for a reason of its
/// own (nesting past its limit, say), if it did.
fn kplint_error(text: &str) -> (Option<(u64, u32)>, Option<u64>) {
    let file = SourceFile::new(0, "t.yaml".into(), text);
    let parsed = parse(&file);
    let invalid = |syntax: bool| {
        parsed
            .problems
            .iter()
            .find(move |p| p.kind == ProblemKind::InvalidYaml && p.syntax == syntax)
    };
    (
        invalid(true).map(|p| (u64::from(p.span.start), file.position(p.span.start).line)),
        invalid(false).map(|p| u64::from(p.span.start)),
    )
}

/// Where libyaml's error is: its byte index, and the 1-based line kplint gives that byte.
/// libyaml's own line counter also breaks lines at U+0085, U+2028 and U+2029, which editors
/// and kplint do not; the byte is the same, and kplint numbers its line as an editor does.
fn oracle_error(text: &str, verdict: &crate::libyaml::Verdict) -> Option<(u64, u32)> {
    match verdict {
        crate::libyaml::Verdict::Accept => None,
        crate::libyaml::Verdict::Reject { index, .. } => {
            let file = SourceFile::new(0, "t.yaml".into(), text);
            let at = u32::try_from(*index).unwrap_or(u32::MAX);
            Some((*index, file.position(at).line))
        }
    }
}

/// One input both parsers read differently.
#[derive(Debug)]
pub struct Disagreement {
    pub name: String,
    pub libyaml: crate::libyaml::Verdict,
    /// kplint's error: byte offset and line.
    pub kplint: Option<(u64, u32)>,
}

/// Compares the two parsers on `bytes`; `None` when they agree or the input is not UTF-8.
pub fn compare(name: &str, bytes: &[u8]) -> Option<Disagreement> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (oracle_events, oracle) = crate::libyaml::events(bytes);
    // kplint's libyaml is a patched copy (vendor/libyaml-rs/PATCH.md): the same events, texts
    // and marks as crates.io's, and the same error at the same place.
    // Without a byte order mark, as kplint's loader hands texts over (libyaml's marks start
    // after one either way).
    let (events, error) = kplint_events(text.strip_prefix('\u{feff}').unwrap_or(text));
    assert_eq!(events, oracle_events, "{name}: libyaml's events differ");
    let raw_error = match &oracle {
        crate::libyaml::Verdict::Accept => None,
        crate::libyaml::Verdict::Reject { index, problem, .. } => Some((*index, problem.clone())),
    };
    assert_eq!(error, raw_error, "{name}: libyaml's error differs");
    let (ours, own_stop) = kplint_error(text);
    let theirs = oracle_error(text, &oracle);
    // kplint stopped reading first, for a reason libyaml's parser does not check (nesting,
    // aliases, anchors): the syntax after that point was never kplint's to judge.
    let stopped_first = match (ours, own_stop, theirs) {
        (None, Some(stop), Some((index, _))) => stop <= index,
        _ => false,
    };
    (theirs != ours && !stopped_first).then(|| Disagreement {
        name: name.to_string(),
        libyaml: oracle,
        kplint: ours,
    })
}

/// The events of kplint's libyaml, recorded as the oracle records its own, and its error (byte
/// index, and the problem with its context as the oracle words it).
fn kplint_events(text: &str) -> (Vec<crate::libyaml::EventRecord>, Option<(u64, String)>) {
    use kplint::source::libyaml::{EventKind, Events, Style};
    let mut out = Vec::new();
    let mut events = Events::new(text);
    while let Some(next) = events.next_event() {
        let ev = match next {
            Ok(ev) => ev,
            Err(e) => {
                let problem = match e.context {
                    Some((context, _)) => format!("{context}: {}", e.problem),
                    None => e.problem,
                };
                return (out, Some((e.mark.index, problem)));
            }
        };
        let bytes = |b: Option<&[u8]>| b.map(<[u8]>::to_vec);
        let (kind, style, value, anchor, tag) = match ev.kind() {
            EventKind::StreamStart => (1, 0, vec![], None, None),
            EventKind::StreamEnd => (2, 0, vec![], None, None),
            EventKind::DocumentStart => (3, 0, vec![], None, None),
            EventKind::DocumentEnd => (4, 0, vec![], None, None),
            EventKind::Alias { anchor } => (5, 0, vec![], Some(anchor.to_vec()), None),
            EventKind::Scalar {
                value,
                style,
                anchor,
                tag,
            } => {
                let style = match style {
                    Style::Plain => 1,
                    Style::SingleQuoted => 2,
                    Style::DoubleQuoted => 3,
                    Style::Literal => 4,
                    Style::Folded => 5,
                };
                (6, style, value.to_vec(), bytes(anchor), bytes(tag))
            }
            EventKind::SequenceStart { anchor, tag } => (7, 0, vec![], bytes(anchor), bytes(tag)),
            EventKind::SequenceEnd => (8, 0, vec![], None, None),
            EventKind::MappingStart { anchor, tag } => (9, 0, vec![], bytes(anchor), bytes(tag)),
            EventKind::MappingEnd => (10, 0, vec![], None, None),
        };
        let mark = |m: kplint::source::libyaml::Mark| (m.index, m.line, m.column);
        out.push(crate::libyaml::EventRecord {
            kind,
            style,
            value,
            anchor,
            tag,
            start: mark(ev.start()),
            end: mark(ev.end()),
        });
    }
    (out, None)
}
