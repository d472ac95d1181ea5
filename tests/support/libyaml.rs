//! The oracle of what kubectl's YAML parser accepts: libyaml's own parser (go-yaml v2, under
//! kubectl, is a port of libyaml), through `libyaml-rs`, libyaml 0.2.5 translated to Rust by
//! c2rust. It reads a whole stream as events only (no composing, so no anchor or duplicate-key
//! checks) and says whether libyaml accepts it, or where it goes wrong: libyaml's problem
//! mark.
//!
//! Included by path (`#[path = "support/libyaml.rs"] mod libyaml;`) from the differential test,
//! and meant to be included the same way by a fuzz target: it takes bytes and never panics on
//! them.

use std::mem::MaybeUninit;

use libyaml_rs as sys;

/// What libyaml makes of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every event up to the end of the stream was parsed.
    Accept,
    /// libyaml stopped: where (0-based line and column, byte index) and why.
    Reject {
        line: u64,
        column: u64,
        index: u64,
        problem: String,
    },
}

impl Verdict {
    /// The 0-based line of the problem, if rejected.
    pub fn line(&self) -> Option<u64> {
        match self {
            Verdict::Accept => None,
            Verdict::Reject { line, .. } => Some(*line),
        }
    }
}

/// Runs libyaml's parser over `input` to the end of the stream.
pub fn parse(input: &[u8]) -> Verdict {
    // SAFETY: the parser is initialised before use and deleted once, on every path; `input`
    // outlives it; each event is deleted after it is read. This is how serde_yaml drove the
    // same code.
    unsafe {
        let mut parser = MaybeUninit::<sys::yaml_parser_t>::uninit();
        let p = parser.as_mut_ptr();
        if !sys::yaml_parser_initialize(p).ok {
            return Verdict::Reject {
                line: 0,
                column: 0,
                index: 0,
                problem: "libyaml could not allocate its parser".into(),
            };
        }
        sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as _);
        let verdict = loop {
            let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
            if !sys::yaml_parser_parse(p, event.as_mut_ptr()).ok {
                break rejection(&*p, input);
            }
            // "No event" only comes after the end of the stream: stop there too.
            let end = matches!(
                (*event.as_ptr()).type_,
                sys::YAML_STREAM_END_EVENT | sys::YAML_NO_EVENT
            );
            sys::yaml_event_delete(event.as_mut_ptr());
            if end {
                break Verdict::Accept;
            }
        };
        sys::yaml_parser_delete(p);
        verdict
    }
}

/// The error libyaml recorded on `parser`.
fn rejection(parser: &sys::yaml_parser_t, input: &[u8]) -> Verdict {
    let text = |ptr: *const std::os::raw::c_char| {
        if ptr.is_null() {
            String::new()
        } else {
            // SAFETY: libyaml's problem and context are static NUL-terminated strings.
            unsafe { std::ffi::CStr::from_ptr(ptr) }
                .to_string_lossy()
                .into_owned()
        }
    };
    let problem = text(parser.problem);
    if parser.error == sys::YAML_READER_ERROR {
        // A decoding error has a byte offset into the raw input, not a mark; marks start
        // after a UTF-8 byte order mark, so the offset is made to start there too, and the
        // lines before it are counted.
        let bom = if input.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let input = input.get(bom..).unwrap_or(input);
        let offset = (parser.problem_offset as usize)
            .saturating_sub(bom)
            .min(input.len());
        let before = input.get(..offset).unwrap_or(input);
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64;
        return Verdict::Reject {
            line,
            column,
            index: offset as u64,
            problem,
        };
    }
    let mark = parser.problem_mark;
    let context = text(parser.context);
    Verdict::Reject {
        line: mark.line,
        column: mark.column,
        index: mark.index,
        problem: if context.is_empty() {
            problem
        } else {
            format!("{context}: {problem}")
        },
    }
}

/// One event as libyaml gives it, for comparing two builds of libyaml event by event: its kind
/// (libyaml's event type number), scalar style number, texts, and start and end marks (byte
/// index, line, column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub kind: u32,
    pub style: u32,
    pub value: Vec<u8>,
    pub anchor: Option<Vec<u8>>,
    pub tag: Option<Vec<u8>>,
    pub start: (u64, u64, u64),
    pub end: (u64, u64, u64),
}

/// Every event libyaml's parser gives for `input`, and how the stream ends.
pub fn events(input: &[u8]) -> (Vec<EventRecord>, Verdict) {
    let mut out = Vec::new();
    // SAFETY: as in `parse`; the event's pointers are read before it is deleted.
    unsafe {
        let mut parser = MaybeUninit::<sys::yaml_parser_t>::uninit();
        let p = parser.as_mut_ptr();
        if !sys::yaml_parser_initialize(p).ok {
            return (out, parse(input));
        }
        sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as _);
        let verdict = loop {
            let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
            if !sys::yaml_parser_parse(p, event.as_mut_ptr()).ok {
                break rejection(&*p, input);
            }
            let e = &*event.as_ptr();
            out.push(record(e));
            let end = matches!(e.type_, sys::YAML_STREAM_END_EVENT | sys::YAML_NO_EVENT);
            sys::yaml_event_delete(event.as_mut_ptr());
            if end {
                break Verdict::Accept;
            }
        };
        sys::yaml_parser_delete(p);
        (out, verdict)
    }
}

/// The fields of `e` that [`EventRecord`] keeps.
///
/// SAFETY: `e` is an event libyaml filled; its union is read for its own type only.
unsafe fn record(e: &sys::yaml_event_t) -> EventRecord {
    let c = |ptr: *const u8| {
        (!ptr.is_null()).then(|| std::ffi::CStr::from_ptr(ptr.cast()).to_bytes().to_vec())
    };
    let mark = |m: sys::yaml_mark_t| (m.index, m.line, m.column);
    let (style, value, anchor, tag) = match e.type_ {
        sys::YAML_SCALAR_EVENT => {
            let s = e.data.scalar;
            let value = if s.value.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(s.value, s.length as usize).to_vec()
            };
            (s.style as u32, value, c(s.anchor), c(s.tag))
        }
        sys::YAML_ALIAS_EVENT => (0, Vec::new(), c(e.data.alias.anchor), None),
        sys::YAML_SEQUENCE_START_EVENT => {
            let s = e.data.sequence_start;
            (0, Vec::new(), c(s.anchor), c(s.tag))
        }
        sys::YAML_MAPPING_START_EVENT => {
            let s = e.data.mapping_start;
            (0, Vec::new(), c(s.anchor), c(s.tag))
        }
        _ => (0, Vec::new(), None, None),
    };
    EventRecord {
        kind: e.type_ as u32,
        style,
        value,
        anchor,
        tag,
        start: mark(e.start_mark),
        end: mark(e.end_mark),
    }
}
