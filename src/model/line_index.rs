//! Byte offset → 1-based line and column, computed only when a finding is placed: as a note
//! is checked, or when the finding is rendered.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (as CommonMark says). Columns count characters, not
//! bytes, and a UTF-8 byte-order mark at the start of the file takes no column.

use super::Span;

/// Start offsets of every line of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

const BOM: &str = "\u{feff}";

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            match bytes.get(i) {
                Some(b'\n') => starts.push(i + 1),
                Some(b'\r') if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        LineIndex { starts }
    }

    /// Number of lines (a trailing newline opens one last, empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts, if there is such a line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// Line and column of `offset`. Offsets past the end, or inside a multi-byte character,
    /// are clamped to the nearest valid position before them: rendering must never fail.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line0 = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line0).copied().unwrap_or(0);
        let mut prefix = text.get(start..offset).unwrap_or("");
        if start == 0 {
            prefix = prefix.strip_prefix(BOM).unwrap_or(prefix);
        }
        LineCol {
            line: line0 + 1,
            column: prefix.chars().count() + 1,
        }
    }

    /// Line and column of a span's start and end: where a finding is shown.
    pub fn range(&self, text: &str, span: Span) -> (LineCol, LineCol) {
        (
            self.line_col(text, span.start()),
            self.line_col(text, span.end()),
        )
    }

    /// The text of the line holding `offset`, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, offset: usize) -> &'t str {
        let lc = self.line_col(text, offset);
        let start = self.line_start(lc.line).unwrap_or(0);
        let end = self.line_start(lc.line + 1).unwrap_or(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_table() {
        let cases: &[(&str, usize, (usize, usize))] = &[
            ("abc", 0, (1, 1)),
            ("abc", 2, (1, 3)),
            ("abc", 3, (1, 4)),
            ("a\nb", 2, (2, 1)),
            ("a\r\nb", 3, (2, 1)),
            ("a\r\nb", 1, (1, 2)),
            ("a\rb", 2, (2, 1)),
            ("a\r\rb", 3, (3, 1)),
            ("\u{feff}ab", 3, (1, 1)),
            ("\u{feff}ab", 4, (1, 2)),
            ("é[[x]]", 2, (1, 2)),
            ("héllo\nwörld", 10, (2, 3)),
            ("abc", 99, (1, 4)),
        ];
        for &(text, offset, (line, column)) in cases {
            let idx = LineIndex::new(text);
            assert_eq!(
                idx.line_col(text, offset),
                LineCol { line, column },
                "{text:?} @ {offset}"
            );
        }
    }

    #[test]
    fn offset_inside_a_character_is_clamped() {
        let text = "é";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 1), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_text_strips_endings() {
        let text = "one\r\ntwo\rthree\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_text(text, 0), "one");
        assert_eq!(idx.line_text(text, 5), "two");
        assert_eq!(idx.line_text(text, 9), "three");
        assert_eq!(idx.line_count(), 4);
    }
}
