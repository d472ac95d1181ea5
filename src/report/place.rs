//! Where a diagnostic is shown: the file and position every format prints. For `helm template`
//! output, the `# Source: chart/templates/x.yaml` comment helm writes before each document
//! attributes that document to its template; positions are then counted from the first line of
//! the template's rendered text, and the position in the rendered stream is kept beside them.

use crate::source::line_index::LineIndex;
use crate::source::{SourceFile, Span};

/// A document of a rendered stream that helm attributed to a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The template path helm wrote, e.g. `chart/templates/web.yaml`.
    pub template: String,
    /// Byte range of the rendered text after the `# Source:` line.
    pub span: Span,
}

/// A 1-based line and column with the 0-based byte offset they denote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    /// Counted in Unicode characters (the JSON contract).
    pub column: u32,
    /// Counted in UTF-16 code units (SARIF's default, and what GitHub reads).
    pub column_utf16: u32,
    pub offset: u32,
}

/// A shown location: the name, where the text the positions count in is, and the positions.
#[derive(Debug, Clone)]
pub struct Place<'a> {
    pub name: &'a str,
    /// The file, and the helm block of it the positions count in (`None`: the whole file).
    source: Option<(&'a SourceFile, Option<Span>)>,
    /// `span` relative to `text`.
    pub span: Span,
    pub start: Pos,
    pub end: Pos,
    /// For a helm-attributed place: the input's name and the positions in the whole stream.
    pub rendered: Option<(&'a str, Pos, Pos)>,
}

impl<'a> Place<'a> {
    /// The text the positions refer to (the template's rendered block, or the whole file): read
    /// only by a report that quotes source lines, so a released file is read again only then.
    pub fn text(&self) -> &'a str {
        match self.source {
            Some((file, None)) => file.text(),
            Some((file, Some(block))) => file.slice(block),
            None => "",
        }
    }

    /// The line index of [`Place::text`] when the file keeps one: the whole file's (a helm
    /// block's lines start elsewhere, and nowhere has none).
    pub fn lines(&self) -> Option<&'a LineIndex> {
        match self.source {
            Some((file, None)) => Some(file.lines()),
            _ => None,
        }
    }
}

/// Finds the helm `# Source:` blocks of a file (empty for ordinary manifests).
pub fn blocks_of(file: &SourceFile) -> Vec<Block> {
    let text: &str = file.text();
    if !text.contains("# Source: ") {
        return Vec::new();
    }
    let mut out = Vec::new();
    // (segment has seen a non-blank line, template and block start of the current segment)
    let mut seen_content = false;
    let mut current: Option<(String, usize)> = None;
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if is_document_boundary(trimmed) {
            if let Some((template, from)) = current.take() {
                out.push(block(template, from, start));
            }
            seen_content = false;
            continue;
        }
        if seen_content || trimmed.trim().is_empty() {
            continue;
        }
        seen_content = true;
        if let Some(path) = trimmed.strip_prefix("# Source: ") {
            let path = path.trim();
            if !path.is_empty() {
                current = Some((path.to_string(), at));
            }
        }
    }
    if let Some((template, from)) = current {
        out.push(block(template, from, text.len()));
    }
    out
}

fn block(template: String, from: usize, to: usize) -> Block {
    use crate::source::file::to_u32;
    Block {
        template,
        span: Span::new(to_u32(from), to_u32(to)),
    }
}

/// `---` (optionally followed by a space, a comment or content) or `...` at column 0.
pub fn is_document_boundary(line: &str) -> bool {
    let marker = |m: &str| {
        line.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    };
    marker("---") || marker("...")
}

fn pos(file: &SourceFile, offset: u32) -> Pos {
    let p = file.position(offset);
    // In ASCII text a character is one UTF-16 unit: most files skip reading the line.
    let column_utf16 = if file.is_ascii() {
        p.column
    } else {
        file.line_text(p.line)
            .chars()
            .take(p.column.saturating_sub(1) as usize)
            .map(|c| c.len_utf16() as u32)
            .sum::<u32>()
            + 1
    };
    Pos {
        line: p.line,
        column: p.column,
        column_utf16,
        offset: p.offset,
    }
}

/// The helm template block `span` starts in.
fn block_of(blocks: &[Block], span: Span) -> Option<&Block> {
    blocks
        .iter()
        .find(|b| b.span.start <= span.start && span.start < b.span.end.max(b.span.start + 1))
}

/// The name and start offset [`place`] gives `span`, without the lines and columns: what a
/// report is sorted by.
pub fn order<'a>(file: &'a SourceFile, blocks: &'a [Block], span: Span) -> (&'a str, u32) {
    match block_of(blocks, span) {
        None => (&file.name, file.shown_offset(span.start)),
        Some(b) => (&b.template, span.start.saturating_sub(b.span.start)),
    }
}

/// The place of `span` in `file`, attributed to a helm template when it lies in a block.
pub fn place<'a>(file: &'a SourceFile, blocks: &'a [Block], span: Span) -> Place<'a> {
    let start = pos(file, span.start);
    let end = pos(file, span.end);
    match block_of(blocks, span) {
        None => Place {
            name: &file.name,
            source: Some((file, None)),
            span,
            start,
            end,
            rendered: None,
        },
        Some(b) => {
            let first = file.position(b.span.start).line;
            let rel = |p: Pos, off: u32| Pos {
                line: p.line.saturating_sub(first) + 1,
                column: p.column,
                column_utf16: p.column_utf16,
                offset: off.saturating_sub(b.span.start),
            };
            let end_off = span.end.min(b.span.end);
            Place {
                name: &b.template,
                source: Some((file, Some(b.span))),
                span: Span::new(
                    span.start.saturating_sub(b.span.start),
                    end_off.saturating_sub(b.span.start),
                ),
                start: rel(start, span.start),
                end: rel(pos(file, end_off), end_off),
                rendered: Some((&file.name, start, end)),
            }
        }
    }
}

/// The placeholder place of a file id the report does not hold.
pub fn nowhere(span: Span) -> Place<'static> {
    let p = Pos {
        line: 1,
        column: 1,
        column_utf16: 1,
        offset: span.start,
    };
    Place {
        name: "-",
        source: None,
        span,
        start: p,
        end: p,
        rendered: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_sources_make_blocks() {
        let text = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\nx: é\n";
        let f = SourceFile::new(0, "-".into(), text);
        let blocks = blocks_of(&f);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].template, "c/templates/b.yaml");
        let off = text.find("kind: B").unwrap() as u32;
        let p = place(&f, &blocks, Span::new(off, off + 4));
        assert_eq!(p.name, "c/templates/b.yaml");
        assert_eq!((p.start.line, p.start.column, p.start.offset), (1, 1, 0));
        let (name, s, _) = p.rendered.unwrap();
        assert_eq!((name, s.line), ("-", 6));
    }

    #[test]
    fn utf16_columns_count_astral_characters_twice() {
        let f = SourceFile::new(0, "x".into(), "a: \u{1F600}b\n");
        let p = pos(&f, 7);
        assert_eq!((p.column, p.column_utf16), (5, 6));
    }

    #[test]
    fn source_comment_must_open_the_document() {
        let f = SourceFile::new(0, "x".into(), "kind: A\n# Source: not first\n");
        assert!(blocks_of(&f).is_empty());
        let g = SourceFile::new(0, "x".into(), "kind: A # Source: x\n");
        assert!(blocks_of(&g).is_empty());
    }
}
