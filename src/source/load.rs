//! Reading an input's bytes into text, with a located problem when that fails.

use std::io::Read;

use super::discover::Input;
use super::file::{FileId, SourceFile, Span};

/// Files larger than this are reported, not read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why an input could not be read as text.
#[derive(Debug, Clone)]
pub struct LoadProblem {
    pub span: Span,
    pub message: String,
    /// True when the file was not read at all (I/O), false when it was read but is not text.
    pub unreadable: bool,
}

/// Reads an input; on failure the file still exists (possibly empty) so the problem can be shown.
pub fn load(id: FileId, input: &Input) -> (SourceFile, Option<LoadProblem>) {
    let name = input.display().to_string();
    let (bytes, meta) = match read_bytes(input) {
        Ok(b) => b,
        Err(message) => {
            return (
                SourceFile::new(id, name, ""),
                Some(LoadProblem {
                    span: Span::default(),
                    message,
                    unreadable: true,
                }),
            )
        }
    };
    let (mut file, problem) = decode_text(id, name, bytes);
    if let (Input::File { path, .. }, None) = (input, &problem) {
        file.read_from(path.clone(), meta.as_ref());
    }
    (file, problem)
}

/// Reads the text of a file again (for a report, after the linted copy was released), decoded
/// as it was the first time, its BOM removed.
pub fn read_text(path: &std::path::Path) -> Option<std::sync::Arc<str>> {
    let input = Input::File {
        path: path.to_path_buf(),
        display: String::new(),
        walked: false,
    };
    let (bytes, _) = read_bytes(&input).ok()?;
    Some(shared_text(bytes))
}

/// As [`read_text`], for a file the caller found to be a regular file of `len` bytes: read
/// with one call, without asking the size again or probing for more (what changed since is
/// the caller's check). `None` when it can't be read or is shorter now.
pub fn read_known(path: &std::path::Path, len: u64) -> Option<std::sync::Arc<str>> {
    if len > MAX_FILE_BYTES {
        return None;
    }
    let mut bytes = vec![0; usize::try_from(len).ok()?];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut bytes)
        .ok()?;
    Some(shared_text(bytes))
}

/// Bytes read back as the text first linted, BOM removed, copied once into the shared text:
/// a report that quotes lines reads back most files of a large run.
fn shared_text(bytes: Vec<u8>) -> std::sync::Arc<str> {
    let (text, _) = text_of(bytes);
    std::sync::Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text))
}

fn read_bytes(input: &Input) -> Result<(Vec<u8>, Option<std::fs::Metadata>), String> {
    let mut buf = Vec::new();
    let mut metadata = None;
    let reader: Box<dyn Read> = match input {
        Input::Stdin { .. } => Box::new(std::io::stdin().lock()),
        Input::File { path, .. } => {
            let f = std::fs::File::open(path).map_err(|e| format!("cannot read file: {e}"))?;
            if let Ok(meta) = f.metadata() {
                // Room for the whole file (and the probe for EOF): one read instead of a dozen
                // growing ones. Capped, in case the size changes while reading.
                buf.reserve(meta.len().min(MAX_FILE_BYTES) as usize + 1);
                metadata = Some(meta.clone());
                if meta.len() > MAX_FILE_BYTES {
                    return Err(format!(
                        "file is {} MiB, larger than the {} MiB kplint reads; not linted",
                        meta.len() / (1024 * 1024),
                        MAX_FILE_BYTES / (1024 * 1024)
                    ));
                }
            }
            Box::new(f)
        }
    };
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read file: {e}"))?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "input is larger than the {} MiB kplint reads; not linted",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok((buf, metadata))
}

/// Turns bytes into text: UTF-8 (with or without BOM) or UTF-16 with a BOM, as go-yaml accepts.
pub fn decode_text(id: FileId, name: String, bytes: Vec<u8>) -> (SourceFile, Option<LoadProblem>) {
    let (text, trouble) = text_of(bytes);
    let file = SourceFile::new(id, name, &text);
    let problem = trouble.map(|trouble| {
        let at = super::file::to_u32(file.text().len());
        LoadProblem {
            span: Span::new(at, at),
            message: match trouble {
                Trouble::Nul(nul) => {
                    format!("binary file: a NUL byte at byte {nul}, so it is not YAML text")
                }
                Trouble::Utf8(valid) => format!(
                    "invalid UTF-8 at byte {valid}: YAML must be UTF-8 (or UTF-16 with a byte order mark)"
                ),
            },
            unreadable: false,
        }
    });
    (file, problem)
}

/// Why bytes are not all text (the byte offset where the text stops).
enum Trouble {
    Nul(usize),
    Utf8(usize),
}

/// The text of `bytes` (up to the first NUL or invalid byte, if any, and why it stops there).
fn text_of(bytes: Vec<u8>) -> (String, Option<Trouble>) {
    if let Some(text) = decode_utf16(&bytes) {
        return (text, None);
    }
    // `contains` on bytes is a vectorised memchr; the position is only needed for binary files.
    let nul = if bytes.contains(&0) {
        bytes.iter().position(|&b| b == 0)
    } else {
        None
    };
    if let Some(nul) = nul {
        let prefix = String::from_utf8_lossy(bytes.get(..nul).unwrap_or(&[])).into_owned();
        return (prefix, Some(Trouble::Nul(nul)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
            (prefix, Some(Trouble::Utf8(valid)))
        }
    }
}

fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (le, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        let pair = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ];
        if le {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "kind: Pod\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (f, p) = decode_text(0, "x".into(), bytes);
        assert!(p.is_none());
        assert_eq!(f.text(), "kind: Pod\n");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let (f, p) = decode_text(0, "x".into(), b"a: 1\nb: \xff\n".to_vec());
        let p = p.expect("a problem");
        assert_eq!(p.span.start, 8);
        assert_eq!(f.text(), "a: 1\nb: ");
    }

    #[test]
    fn binary_is_named() {
        let (_, p) = decode_text(0, "x".into(), b"\x00\x01\x02".to_vec());
        assert!(p.expect("a problem").message.contains("binary"));
    }
}
