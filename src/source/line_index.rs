//! A file's line index in about one byte a line, kept for every file of a run once its text is
//! released: a report that prints only positions (JSON, SARIF, compact, GitHub) then never reads
//! a file again, and the index of a large run costs a fraction of a `u32` per line.

use super::file::to_u32;

/// Lines between two recorded line starts: a lookup adds at most this many lengths.
const STRIDE: usize = 64;

/// A line length that does not fit a byte: the length is in [`LineIndex::long`].
const LONG: u8 = u8::MAX;

/// Where each line of a text starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// The byte length of each line but the last, its `\n` included ([`LONG`] when longer).
    lens: Box<[u8]>,
    /// The lengths of the lines marked [`LONG`], by line number (ascending).
    long: Box<[(u32, u32)]>,
    /// The start of every [`STRIDE`]th line.
    starts: Box<[u32]>,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> LineIndex {
        // Sized for lines of about 32 bytes, the usual in manifests: few grow past it.
        let mut lens = Vec::with_capacity(text.len() / 32 + 1);
        let mut long = Vec::new();
        let mut starts = Vec::with_capacity(text.len() / (32 * STRIDE) + 1);
        starts.push(0u32);
        let mut line_start = 0usize;
        let mut to_stride = STRIDE;
        for_each_newline(text, |at| {
            let next = at + 1;
            let len = next - line_start;
            match u8::try_from(len) {
                Ok(l) if l < LONG => lens.push(l),
                _ => {
                    long.push((to_u32(lens.len()), to_u32(len)));
                    lens.push(LONG);
                }
            }
            to_stride -= 1;
            if to_stride == 0 {
                starts.push(to_u32(next));
                to_stride = STRIDE;
            }
            line_start = next;
        });
        LineIndex {
            lens: lens.into_boxed_slice(),
            long: long.into_boxed_slice(),
            starts: starts.into_boxed_slice(),
        }
    }

    /// Number of lines (one more than the text's `\n`s).
    pub fn count(&self) -> usize {
        self.lens.len() + 1
    }

    fn len_of(&self, line: usize) -> u32 {
        match self.lens.get(line) {
            Some(&LONG) => self
                .long
                .binary_search_by_key(&to_u32(line), |&(l, _)| l)
                .ok()
                .and_then(|i| self.long.get(i))
                .map_or(0, |&(_, len)| len),
            Some(&len) => u32::from(len),
            None => 0,
        }
    }

    /// The byte offset where 0-based line `line` starts, if the text has that line.
    pub fn start(&self, line: usize) -> Option<u32> {
        if line >= self.count() {
            return None;
        }
        let from = line / STRIDE * STRIDE;
        let mut at = *self.starts.get(line / STRIDE)?;
        for l in from..line {
            at += self.len_of(l);
        }
        Some(at)
    }

    /// The 0-based line holding byte `offset`, and that line's start (the last line for an
    /// offset past the end).
    pub fn line_of(&self, offset: u32) -> (usize, u32) {
        let block = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let mut line = block * STRIDE;
        let mut at = self.starts.get(block).copied().unwrap_or(0);
        while line + 1 < self.count() {
            let next = at + self.len_of(line);
            if next > offset {
                break;
            }
            at = next;
            line += 1;
        }
        (line, at)
    }
}

/// Calls `each` with the offset of every `\n` of `text`, in order.
fn for_each_newline(text: &str, each: impl FnMut(usize)) {
    memchr::memchr_iter(b'\n', text.as_bytes()).for_each(each);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte offset of every line's start in `text`: 0, then one past each `\n`. The plain
    /// list the index is checked against.
    fn line_starts(text: &str) -> Vec<u32> {
        let mut starts = vec![0u32];
        for_each_newline(text, |at| starts.push(to_u32(at + 1)));
        starts
    }

    #[test]
    fn line_starts_match_a_byte_by_byte_scan() {
        // Bytes next to `\n` in value (0x0b, 0x8a, 0x09) and across the 8-byte words and tail.
        let texts = [
            "",
            "\n",
            "abc",
            "a\nb\n\n\ncdefghij\n\nklm",
            "\u{b}\n\t\u{8a}é\n\n\n\n\n\n\n\n\n1234567\n12345678\n123456789\n",
            "x: 1\r\ny: 2\r\nzz: ∑\n",
        ];
        for text in texts {
            let naive: Vec<u32> = std::iter::once(0)
                .chain(
                    text.bytes()
                        .enumerate()
                        .filter(|(_, b)| *b == b'\n')
                        .map(|(i, _)| i as u32 + 1),
                )
                .collect();
            assert_eq!(line_starts(text), naive, "{text:?}");
        }
    }

    /// Every offset of `text` (and one past it) against a binary search of the full list.
    fn agrees_with_line_starts(text: &str) {
        let index = LineIndex::new(text);
        let full = line_starts(text);
        assert_eq!(index.count(), full.len(), "line count");
        for (i, &s) in full.iter().enumerate() {
            assert_eq!(index.start(i), Some(s), "start of line {i}");
        }
        assert_eq!(index.start(full.len()), None);
        for offset in 0..=text.len() as u32 + 1 {
            let want = match full.binary_search(&offset) {
                Ok(i) => i,
                Err(i) => i - 1,
            };
            assert_eq!(index.line_of(offset), (want, full[want]), "offset {offset}");
        }
    }

    #[test]
    fn finds_the_same_lines_as_the_full_list() {
        let mut texts: Vec<String> = [
            "",
            "\n",
            "\n\n",
            "abc",
            "a\nb",
            "a\nb\n",
            "x: 1\r\ny: 2\r\n",
            "é\n∑\n",
        ]
        .map(String::from)
        .to_vec();
        // Lines of 254, 255 and 256 bytes (either side of a length that fits a byte), and more
        // lines than one stride, some of them long.
        texts.push(format!(
            "{}\n{}\n{}\nend",
            "a".repeat(253),
            "b".repeat(254),
            "c".repeat(255)
        ));
        texts.push(
            (0..300)
                .map(|i| "x".repeat(if i % 37 == 0 { 300 + i } else { i % 7 }))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        texts.push("\n".repeat(STRIDE * 3));
        texts.push("\n".repeat(STRIDE * 2 - 1) + "tail");
        for text in &texts {
            agrees_with_line_starts(text);
        }
    }

    #[test]
    fn takes_about_a_byte_a_line() {
        let text = "key: value\n".repeat(10_000);
        let index = LineIndex::new(&text);
        let bytes = index.lens.len() + index.long.len() * 8 + index.starts.len() * 4;
        assert!(bytes < 11_000, "{bytes} bytes for 10,001 lines");
    }
}
