//! libyaml's parser, the one kubectl's go-yaml ports, as a safe iterator of events with their
//! byte positions: kplint accepts exactly what kubectl's YAML parser accepts, including the
//! indentation libyaml forgives and the YAML 1.2 spec does not (docs/yaml.md).
//!
//! `libyaml-rs` is libyaml 0.2.5 translated to Rust by c2rust, so it is `unsafe` code. This
//! module is its only caller and the only `unsafe` in kplint: the parser is boxed (libyaml keeps
//! a pointer to itself), fed a borrowed text that outlives it, and each event is deleted when
//! its [`Event`] drops. What libyaml does not bound, kplint does around it: files over 64 MiB
//! are never read (`load.rs`), and the tree builder bounds depth and alias expansion
//! (`tree.rs`); libyaml's own stacks are heap vectors, not recursion, so deep nesting can't
//! overflow the call stack.

use std::marker::PhantomData;
use std::mem::MaybeUninit;

use libyaml as sys;

/// A position in the text: byte index, 0-based line and 0-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mark {
    pub index: u64,
    pub line: u64,
    pub column: u64,
}

impl From<sys::yaml_mark_t> for Mark {
    fn from(m: sys::yaml_mark_t) -> Self {
        Mark {
            index: m.index,
            line: m.line,
            column: m.column,
        }
    }
}

/// Why libyaml stopped, and where: its problem mark, the place the text goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub mark: Mark,
    /// libyaml's problem (`did not find expected key`).
    pub problem: String,
    /// What libyaml was reading (`while parsing a block mapping`), and where that started.
    pub context: Option<(String, Mark)>,
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// What an event is, with the texts it holds borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind<'e> {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: &'e [u8],
    },
    Scalar {
        value: &'e [u8],
        style: Style,
        anchor: Option<&'e [u8]>,
        tag: Option<&'e [u8]>,
    },
    SequenceStart {
        anchor: Option<&'e [u8]>,
        tag: Option<&'e [u8]>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<&'e [u8]>,
        tag: Option<&'e [u8]>,
    },
    MappingEnd,
}

/// One event, owned: libyaml's memory for it is freed when it drops.
pub struct Event {
    raw: sys::yaml_event_t,
}

impl Drop for Event {
    fn drop(&mut self) {
        // SAFETY: `raw` was filled by a successful `yaml_parser_parse` and is deleted once.
        unsafe { sys::yaml_event_delete(&mut self.raw) }
    }
}

impl Event {
    /// Where the event starts.
    pub fn start(&self) -> Mark {
        self.raw.start_mark.into()
    }

    /// Where the event ends.
    pub fn end(&self) -> Mark {
        self.raw.end_mark.into()
    }

    /// What the event is.
    pub fn kind(&self) -> EventKind<'_> {
        // SAFETY: each union field is read only for the event type libyaml filled it for; the
        // pointers are libyaml's allocations, alive until `self` drops (the borrow's lifetime).
        unsafe {
            match self.raw.type_ {
                sys::YAML_STREAM_START_EVENT => EventKind::StreamStart,
                sys::YAML_DOCUMENT_START_EVENT => EventKind::DocumentStart,
                sys::YAML_DOCUMENT_END_EVENT => EventKind::DocumentEnd,
                sys::YAML_ALIAS_EVENT => EventKind::Alias {
                    anchor: c_bytes(self.raw.data.alias.anchor).unwrap_or_default(),
                },
                sys::YAML_SCALAR_EVENT => {
                    let s = self.raw.data.scalar;
                    let value = if s.value.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(s.value, s.length as usize)
                    };
                    EventKind::Scalar {
                        value,
                        style: match s.style {
                            sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => Style::SingleQuoted,
                            sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => Style::DoubleQuoted,
                            sys::YAML_LITERAL_SCALAR_STYLE => Style::Literal,
                            sys::YAML_FOLDED_SCALAR_STYLE => Style::Folded,
                            _ => Style::Plain,
                        },
                        anchor: c_bytes(s.anchor),
                        tag: c_bytes(s.tag),
                    }
                }
                sys::YAML_SEQUENCE_START_EVENT => EventKind::SequenceStart {
                    anchor: c_bytes(self.raw.data.sequence_start.anchor),
                    tag: c_bytes(self.raw.data.sequence_start.tag),
                },
                sys::YAML_SEQUENCE_END_EVENT => EventKind::SequenceEnd,
                sys::YAML_MAPPING_START_EVENT => EventKind::MappingStart {
                    anchor: c_bytes(self.raw.data.mapping_start.anchor),
                    tag: c_bytes(self.raw.data.mapping_start.tag),
                },
                sys::YAML_MAPPING_END_EVENT => EventKind::MappingEnd,
                // YAML_NO_EVENT: never produced by a successful parse.
                _ => EventKind::StreamEnd,
            }
        }
    }
}

/// The bytes of a NUL-terminated libyaml string (anchors and tags), if any.
///
/// SAFETY: `ptr` is null or a NUL-terminated string that outlives `'a`.
unsafe fn c_bytes<'a>(ptr: *const u8) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return None;
    }
    Some(std::ffi::CStr::from_ptr(ptr.cast()).to_bytes())
}

/// libyaml's parser over one text: events until the end of the stream, or the first error.
pub struct Events<'a> {
    parser: Box<MaybeUninit<sys::yaml_parser_t>>,
    /// True once libyaml initialised the parser: only then is it deleted.
    initialised: bool,
    /// False once the stream ended or failed: libyaml must not be called again.
    live: bool,
    text: PhantomData<&'a [u8]>,
}

impl<'a> Events<'a> {
    /// A parser over `text` (UTF-8, without byte order mark: kplint's loader has decoded it).
    pub fn new(text: &'a str) -> Events<'a> {
        let mut parser = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
        // SAFETY: the parser is boxed, so the pointer libyaml keeps to it stays valid; `text`
        // outlives `Events<'a>`, which deletes the parser before the borrow ends.
        let initialised = unsafe {
            let p = parser.as_mut_ptr();
            let ok = sys::yaml_parser_initialize(p).ok;
            if ok {
                sys::yaml_parser_set_input_string(p, text.as_ptr(), text.len() as _);
                // The text is decoded UTF-8 already, its byte order mark removed: a second
                // one (`\u{feff}\u{feff}kind: Pod`) is text, which libyaml's scanner skips at
                // a line's start. Left to guess the encoding, libyaml would take it for the
                // stream's mark and count every position from after it, 3 bytes short.
                sys::yaml_parser_set_encoding(p, sys::YAML_UTF8_ENCODING);
            }
            ok
        };
        Events {
            parser,
            initialised,
            live: initialised,
            text: PhantomData,
        }
    }

    /// The next event; `None` after the end of the stream or an error.
    pub fn next_event(&mut self) -> Option<Result<Event, SyntaxError>> {
        if !self.live {
            return None;
        }
        let mut raw = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: the parser is initialised and live; on success libyaml filled `raw`.
        unsafe {
            let p = self.parser.as_mut_ptr();
            if !sys::yaml_parser_parse(p, raw.as_mut_ptr()).ok {
                self.live = false;
                return Some(Err(error_of(&*p)));
            }
            let event = Event {
                raw: raw.assume_init(),
            };
            // libyaml answers "no event" only once the stream is over: never ask again, or a
            // caller that reads to the end would loop.
            if matches!(
                event.raw.type_,
                sys::YAML_STREAM_END_EVENT | sys::YAML_NO_EVENT
            ) {
                self.live = false;
            }
            Some(Ok(event))
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: an initialised parser is deleted once; one that failed to initialise was
        // cleaned up by libyaml itself.
        if self.initialised {
            unsafe { sys::yaml_parser_delete(self.parser.as_mut_ptr()) }
        }
    }
}

/// The error libyaml recorded on `parser`.
fn error_of(parser: &sys::yaml_parser_t) -> SyntaxError {
    // SAFETY: libyaml's problem and context are null or static NUL-terminated strings.
    let text = |ptr: *const std::os::raw::c_char| unsafe {
        c_bytes(ptr.cast()).map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let problem = text(parser.problem).unwrap_or_else(|| "libyaml stopped".to_string());
    if parser.error == sys::YAML_READER_ERROR {
        // Reader errors carry a byte offset rather than a mark; kplint's text is valid UTF-8,
        // so only a control character gets here. The line is found by the caller's index.
        return SyntaxError {
            mark: Mark {
                index: parser.problem_offset,
                line: u64::MAX,
                column: 0,
            },
            problem,
            context: None,
        };
    }
    SyntaxError {
        mark: parser.problem_mark.into(),
        problem,
        context: text(parser.context).map(|c| (c, parser.context_mark.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Result<Vec<String>, SyntaxError> {
        let mut events = Events::new(text);
        let mut out = Vec::new();
        while let Some(ev) = events.next_event() {
            let ev = ev?;
            out.push(format!("{:?}@{}", ev.kind(), ev.start().index));
        }
        Ok(out)
    }

    #[test]
    fn events_carry_texts_and_byte_positions() {
        let got = kinds("a: &x 'é'\nb: *x\n").expect("parses");
        // Stream, document and mapping starts, three scalars, the alias, and their ends.
        assert_eq!(got.len(), 10, "{got:?}");
        // An anchored node starts at its anchor; positions count bytes (`é` is two).
        assert!(
            got[4].contains("SingleQuoted") && got[4].ends_with("@3"),
            "{got:?}"
        );
        assert!(
            got[6].starts_with("Alias") && got[6].ends_with("@14"),
            "{got:?}"
        );
        assert_eq!(got.last().map(String::as_str), Some("StreamEnd@17"));
    }

    #[test]
    fn an_error_is_at_libyamls_problem_mark_and_ends_the_stream() {
        let mut events = Events::new("a: 1\nb: [1, 2\nc: d\n");
        let err = loop {
            match events.next_event() {
                Some(Ok(_)) => {}
                Some(Err(e)) => break e,
                None => panic!("no error"),
            }
        };
        assert_eq!((err.mark.line, err.mark.column), (2, 1));
        assert!(err.problem.contains("expected ',' or ']'"), "{err:?}");
        assert!(events.next_event().is_none());
    }

    #[test]
    fn a_control_character_is_a_reader_error_at_its_byte() {
        let err = kinds("a: b\u{1}\n").expect_err("rejected");
        assert_eq!(err.mark.index, 4);
        assert_eq!(err.mark.line, u64::MAX);
    }
}
