//! The notes open in the editor, and the two ways of naming a place in them: byte offsets
//! (what the engine's spans hold) and LSP positions (a line and a column counted in UTF-16
//! code units, or in bytes when the client offers UTF-8). Also file URIs to paths and back.
//!
//! Owns the conversions only; what is checked, and when, is the server loop's business.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

use crate::model::Span;

/// How a position's column is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units: the protocol's default.
    Utf16,
    /// Bytes of UTF-8, when the client offers it (`general.positionEncodings`).
    Utf8,
}

impl Encoding {
    /// The units of `c` in this encoding.
    fn len_of(self, c: char) -> usize {
        match self {
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf8 => c.len_utf8(),
        }
    }
}

/// The start of every line of a text, for turning offsets into positions and back.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }

    /// The position of byte `offset` of `text` (clamped to the text, moved back to the start
    /// of a character).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column: usize = text
            .get(start..offset)
            .unwrap_or("")
            .chars()
            .map(|c| encoding.len_of(c))
            .sum();
        Position::new(to_u32(line), to_u32(column))
    }

    /// The range of `span` in `text`.
    pub fn range(&self, text: &str, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, span.start(), encoding),
            self.position(text, span.end(), encoding),
        )
    }

    /// The byte offset of `position` in `text`; `None` past the last line. A column past the
    /// end of its line means the end of the line, as the protocol says.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> Option<usize> {
        let line = usize::try_from(position.line).ok()?;
        let start = *self.starts.get(line)?;
        let end = self.line_end(text, line);
        let wanted = usize::try_from(position.character).ok()?;
        let mut units = 0;
        for (at, c) in text.get(start..end)?.char_indices() {
            if units >= wanted {
                return Some(start + at);
            }
            units += encoding.len_of(c);
            if units > wanted {
                // Inside a character (half of a surrogate pair): its start.
                return Some(start + at);
            }
        }
        Some(end)
    }

    /// Where line `line` starts (`None` past the last line).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The line holding byte `offset`, from 0.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// Where line `line`'s text ends, before its line break.
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let next = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |s| s.saturating_sub(1));
        let bytes = text.as_bytes();
        let ends_crlf = bytes.get(next) == Some(&b'\n')
            && next.checked_sub(1).and_then(|i| bytes.get(i)) == Some(&b'\r');
        if ends_crlf { next - 1 } else { next }
    }

    /// The text of line `line`, without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        text.get(start..self.line_end(text, line)).unwrap_or("")
    }
}

/// A note open in the editor: its URI, its vault path (`None` outside the vault, or not a
/// note) and the buffer's text, which wins over the file's while it is open.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    pub path: Option<String>,
    pub version: i32,
    pub text: String,
    pub lines: Lines,
}

impl Document {
    pub fn new(uri: Uri, path: Option<String>, version: i32, text: String) -> Document {
        let lines = Lines::new(&text);
        Document {
            uri,
            path,
            version,
            text,
            lines,
        }
    }

    /// Takes the buffer's new text.
    pub fn set_text(&mut self, version: i32, text: String) {
        self.lines = Lines::new(&text);
        self.text = text;
        self.version = version;
    }

    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        self.lines.position(&self.text, offset, encoding)
    }

    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        self.lines.range(&self.text, span, encoding)
    }

    pub fn offset(&self, position: Position, encoding: Encoding) -> Option<usize> {
        self.lines.offset(&self.text, position, encoding)
    }
}

/// The file a `file:` URI names; `None` for any other scheme or a path that is not UTF-8.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://localhost/…`) is the local machine; the path starts at its `/`.
    let path = rest.get(rest.find('/')?..)?;
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of `path` (made absolute against the current folder when relative).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let text = absolute.to_str()?;
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

/// The text of `%XX`-escaped `s`; `None` when the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        let text = "a😀b\né\n";
        let lines = Lines::new(text);
        // `b` is byte 5: 1 + 2 UTF-16 units, or 1 + 4 bytes.
        assert_eq!(
            lines.position(text, 5, Encoding::Utf16),
            Position::new(0, 3)
        );
        assert_eq!(lines.position(text, 5, Encoding::Utf8), Position::new(0, 5));
        assert_eq!(
            lines.offset(text, Position::new(0, 3), Encoding::Utf16),
            Some(5)
        );
        assert_eq!(
            lines.offset(text, Position::new(0, 5), Encoding::Utf8),
            Some(5)
        );
        // Half of the surrogate pair: the emoji's start.
        assert_eq!(
            lines.offset(text, Position::new(0, 2), Encoding::Utf16),
            Some(1)
        );
        assert_eq!(
            lines.position(text, 9, Encoding::Utf16),
            Position::new(1, 1)
        );
        // Inside `é`: moved back to its start.
        assert_eq!(
            lines.position(text, 8, Encoding::Utf16),
            Position::new(1, 0)
        );
    }

    #[test]
    fn positions_past_the_end() {
        let text = "ab\r\ncd";
        let lines = Lines::new(text);
        assert_eq!(
            lines.offset(text, Position::new(0, 99), Encoding::Utf16),
            Some(2)
        );
        assert_eq!(
            lines.offset(text, Position::new(1, 99), Encoding::Utf16),
            Some(6)
        );
        assert_eq!(
            lines.offset(text, Position::new(2, 0), Encoding::Utf16),
            None
        );
        assert_eq!(lines.line_text(text, 0), "ab");
        assert_eq!(
            lines.position(text, 99, Encoding::Utf16),
            Position::new(1, 2)
        );
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/vault/Actors/Hugging Face%.md");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///vault/Actors/Hugging%20Face%25.md");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let other = Uri::from_str("file://localhost/v/a%C3%A9.md").unwrap();
        assert_eq!(uri_to_path(&other).unwrap(), Path::new("/v/aé.md"));
        assert!(uri_to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
    }
}
