//! A source file's text and the index that turns byte offsets into lines and columns.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use super::line_index::LineIndex;

/// Index of a file in the run's file table.
pub type FileId = u32;

/// A byte range in a file's text (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span from two byte offsets, ordered.
    pub fn new(start: u32, end: u32) -> Span {
        Span {
            start: start.min(end),
            end: start.max(end),
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column (in characters) with the byte offset they denote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// One input: its display name and its text (a leading BOM removed, remembered in `bom_len`).
///
/// A file read from disk gives its text up once it is parsed and decoded
/// ([`SourceFile::release_text`]), keeping its line index (about a byte a line) for positions,
/// and reads the text again only if a report quotes it: a run holds the texts of the files in
/// flight, not the whole corpus.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user gave it, or the stdin display name.
    pub name: String,
    /// Bytes of the UTF-8 byte order mark removed from the front of the text (0 or 3).
    pub bom_len: u32,
    text: OnceLock<Arc<str>>,
    /// How to read a released text again; `None` for stdin and in-memory texts, never released.
    reread: Option<Reread>,
    /// Set when the text read again is not the one linted (the file changed meanwhile).
    changed: AtomicBool,
    /// Built while the text is first held ([`SourceFile::index_lines`]), so a report that
    /// prints only positions never reads the file again.
    lines: OnceLock<LineIndex>,
    /// Length of the text linted (BOM removed): positions are clamped to it.
    len: u32,
    ascii: bool,
}

/// Where a file's text was read from, and what it looked like then.
#[derive(Debug, Clone)]
struct Reread {
    path: PathBuf,
    /// The file's length and modification time when it was read.
    len: u64,
    modified: Option<SystemTime>,
    /// Length of the text (BOM removed) that was linted.
    text_len: usize,
}

impl SourceFile {
    /// A file over `text`.
    pub fn new(id: FileId, name: String, text: &str) -> SourceFile {
        let (text, bom_len) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, 3),
            None => (text, 0),
        };
        SourceFile {
            id,
            name,
            ascii: text.is_ascii(),
            len: to_u32(text.len()),
            text: OnceLock::from(Arc::from(text)),
            reread: None,
            changed: AtomicBool::new(false),
            bom_len,
            lines: OnceLock::new(),
        }
    }

    /// Records where this text was read from (length and modification time as `meta` says), so
    /// it can be released and read again.
    pub fn read_from(&mut self, path: PathBuf, meta: Option<&std::fs::Metadata>) {
        self.reread = Some(Reread {
            path,
            len: meta.map_or(0, |m| m.len()),
            modified: meta.and_then(|m| m.modified().ok()),
            text_len: self.len as usize,
        });
    }

    /// The text.
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| self.read_again())
    }

    /// The text, shared.
    pub fn text_arc(&self) -> Arc<str> {
        Arc::clone(self.text.get_or_init(|| self.read_again()))
    }

    /// Builds the line index: done while the text is held, it spares a report reading the file
    /// again for positions.
    pub fn index_lines(&self) {
        self.lines();
    }

    /// The line index of the text (built from it if it was not yet).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text()))
    }

    /// Makes ready what a report of this file reads: the line index, and the text when
    /// `with_text` (a report that quotes source lines) or when columns count characters other
    /// than bytes. Done for all shown files at once, in parallel, before the report sorts.
    pub fn prepare_for_report(&self, with_text: bool) {
        self.lines();
        if self.report_needs_text(with_text) {
            self.text();
        }
    }

    /// True when a report of this file needs its text: to quote it, or to count characters.
    fn report_needs_text(&self, with_text: bool) -> bool {
        with_text || !self.ascii
    }

    /// Bytes [`SourceFile::prepare_for_report`] reads back from disk for this file: its text,
    /// when the report needs it and it was released.
    pub fn read_back_len(&self, with_text: bool) -> usize {
        if self.report_needs_text(with_text) && self.reread.is_some() && self.text.get().is_none() {
            self.len as usize
        } else {
            0
        }
    }

    /// Length in bytes of the text linted (byte order mark removed).
    pub fn text_len(&self) -> usize {
        self.len as usize
    }

    /// Drops the text of a file read from disk (a no-op for other texts): it is read again
    /// when a report needs it.
    pub fn release_text(&mut self) {
        if self.reread.is_some() {
            self.text.take();
        }
    }

    /// True when the text read again for the report differs from the one linted: the file
    /// changed while kplint ran, so positions in it may be off.
    pub fn changed(&self) -> bool {
        self.changed.load(Ordering::Relaxed)
    }

    fn read_again(&self) -> Arc<str> {
        let Some(r) = &self.reread else {
            return Arc::from("");
        };
        let meta = std::fs::metadata(&r.path).ok();
        let same_file = meta
            .as_ref()
            .is_some_and(|m| m.len() == r.len && m.modified().ok() == r.modified);
        // Never open what is no longer a regular file: a FIFO put in its place would block.
        let regular = meta.as_ref().is_some_and(std::fs::Metadata::is_file);
        let text = match (regular, same_file) {
            // Unchanged since it was linted: its length is known, so one read takes it all.
            (true, true) => super::load::read_known(&r.path, r.len),
            (true, false) => super::load::read_text(&r.path),
            (false, _) => None,
        };
        let text = text.unwrap_or_else(|| Arc::from(""));
        if !same_file || text.len() != r.text_len {
            self.changed.store(true, Ordering::Relaxed);
        }
        text
    }

    /// Byte offset of a parser marker (1-based line, 0-based column in characters). Inlined:
    /// the parser asks twice per event, and in ASCII text the answer is the index itself.
    #[inline]
    pub fn offset_of(&self, char_index: usize, line: usize, col: usize) -> u32 {
        if self.ascii {
            return to_u32(char_index).min(self.len);
        }
        self.offset_in_line(line, col)
    }

    /// As [`SourceFile::offset_of`] in text that is not ASCII: `col` characters into `line`.
    fn offset_in_line(&self, line: usize, col: usize) -> u32 {
        let Some(start) = self.lines().start(line.saturating_sub(1)) else {
            return self.len;
        };
        let rest = self.text().get(start as usize..).unwrap_or("");
        let mut offset = start as usize;
        for (n, (i, c)) in rest.char_indices().enumerate() {
            if n == col || c == '\n' {
                return to_u32(start as usize + i);
            }
            offset = start as usize + i + c.len_utf8();
        }
        to_u32(offset)
    }

    /// True when the text is ASCII: a column in characters is then one in bytes and in UTF-16
    /// units.
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// The offset [`SourceFile::position`] gives a byte offset of the text: within it, and
    /// counting the byte order mark.
    pub fn shown_offset(&self, offset: u32) -> u32 {
        offset.min(self.len) + self.bom_len
    }

    /// Line, column (characters, both 1-based) and offset of a byte offset in the text.
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.len);
        let (line_idx, start) = self.lines().line_of(offset);
        let column = if self.ascii {
            offset - start
        } else {
            let slice = self
                .text()
                .get(start as usize..offset as usize)
                .map(|s| s.chars().count())
                .unwrap_or((offset - start) as usize);
            to_u32(slice)
        };
        Position {
            line: to_u32(line_idx + 1),
            column: column + 1,
            offset: offset + self.bom_len,
        }
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text()
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The 1-based line number holding `offset`, and that line's text without its line end.
    pub fn line_text(&self, line: u32) -> &str {
        let idx = line.saturating_sub(1) as usize;
        let lines = self.lines();
        let Some(start) = lines.start(idx) else {
            return "";
        };
        let end = lines.start(idx + 1).unwrap_or(self.len);
        self.text()
            .get(start as usize..end as usize)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> u32 {
        to_u32(self.lines().count())
    }
}

/// Saturating conversion: files are capped well below 4 GiB, so this never saturates in practice.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let f = SourceFile::new(0, "x".into(), "a: é\nbé: c\n");
        // 'c' is at byte 11: line 2, after "bé: " (4 characters, 5 bytes).
        let p = f.position(11);
        assert_eq!((p.line, p.column, p.offset), (2, 5, 11));
        assert_eq!(f.offset_of(9, 2, 4), 11);
    }

    #[test]
    fn bom_is_stripped_and_offsets_account_for_it() {
        let f = SourceFile::new(0, "x".into(), "\u{feff}kind: Pod\n");
        assert_eq!(f.text(), "kind: Pod\n");
        let p = f.position(6);
        assert_eq!((p.line, p.column, p.offset), (1, 7, 9));
    }

    #[test]
    fn crlf_lines() {
        let f = SourceFile::new(0, "x".into(), "a: 1\r\nb: 2\r\n");
        let p = f.position(9);
        assert_eq!((p.line, p.column), (2, 4));
        assert_eq!(f.line_text(2), "b: 2");
    }
}
