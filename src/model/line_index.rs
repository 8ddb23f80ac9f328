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

    /// The 1-based line `offset` is on; an offset past the end is on the last line.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// Line and column of `offset`. Offsets past the end, or inside a multi-byte character,
    /// are clamped to the nearest valid position before them: rendering must never fail.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp(text, offset);
        let line0 = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line0).copied().unwrap_or(0);
        column_at(text, line0, start, offset)
    }

    /// Where a span of `text` starts and ends, as [`LineIndex::range`] says, without building
    /// the index when `text` has no `\r`: two counts of `\n` cost less than recording every
    /// line start, for the one or two findings most notes have.
    pub fn range_once(text: &str, span: Span) -> (LineCol, LineCol) {
        let mut lines = LineCursor::new(text);
        (lines.line_col(span.start()), lines.line_col(span.end()))
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

/// Lines and columns of offsets of one text, as [`LineIndex::line_col`] gives them, counted
/// from each offset to the next rather than by indexing every line first: for a few offsets in
/// increasing order (a note's links), one pass over the text and no allocation.
pub struct LineCursor<'t> {
    text: &'t str,
    /// Built for a text with a `\r`, whose line breaks are not all `\n`.
    index: Option<LineIndex>,
    /// The 0-based line of `at`.
    line0: usize,
    at: usize,
}

impl<'t> LineCursor<'t> {
    pub fn new(text: &'t str) -> Self {
        LineCursor {
            text,
            index: memchr::memchr(b'\r', text.as_bytes()).map(|_| LineIndex::new(text)),
            line0: 0,
            at: 0,
        }
    }

    /// Line and column of `offset`; cheapest when offsets come in increasing order.
    pub fn line_col(&mut self, offset: usize) -> LineCol {
        if let Some(index) = &self.index {
            return index.line_col(self.text, offset);
        }
        let offset = clamp(self.text, offset);
        // An offset before the last one (a span built backwards) is counted from the start.
        if offset < self.at {
            (self.line0, self.at) = (0, 0);
        }
        let bytes = self.text.as_bytes();
        self.line0 += newlines(bytes.get(self.at..offset).unwrap_or_default());
        self.at = offset;
        let before = bytes.get(..offset).unwrap_or_default();
        let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        column_at(self.text, self.line0, start, offset)
    }
}

/// How many `\n` `bytes` holds, counted 64 bytes at a time in a byte-wide sum that the
/// compiler turns into vector instructions.
fn newlines(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(64);
    let mut n = 0;
    for chunk in &mut chunks {
        let in_chunk: u8 = chunk.iter().map(|&b| u8::from(b == b'\n')).sum();
        n += usize::from(in_chunk);
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

/// `offset`, moved back to the end of `text` and to a char boundary.
fn clamp(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The position of `offset` on 0-based line `line0`, which starts at byte `start`.
fn column_at(text: &str, line0: usize, start: usize, offset: usize) -> LineCol {
    let mut prefix = text.get(start..offset).unwrap_or("");
    if start == 0 {
        prefix = prefix.strip_prefix(BOM).unwrap_or(prefix);
    }
    LineCol {
        line: line0 + 1,
        column: prefix.chars().count() + 1,
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

    proptest::proptest! {
        /// Placing a span without the index agrees with the index.
        #[test]
        fn placing_once_agrees_with_the_index(
            text in "(\u{feff})?(a|é|\n|\r|\r\n|🦀){0,16}",
            a in 0usize..40,
            b in 0usize..40,
        ) {
            let span = Span { start: a as u32, end: b as u32 };
            let lines = LineIndex::new(&text);
            proptest::prop_assert_eq!(
                LineIndex::range_once(&text, span),
                lines.range(&text, span)
            );
            proptest::prop_assert_eq!(lines.line(a), lines.line_col(&text, a).line);
        }
    }

    proptest::proptest! {
        /// The cursor places offsets, in any order, as the index does.
        #[test]
        fn the_cursor_agrees_with_the_index(
            text in "(\u{feff})?(a|é|\n|\r|\r\n|🦀){0,16}",
            mut offsets in proptest::collection::vec(0usize..40, 0..6),
            sorted in proptest::bool::ANY,
        ) {
            if sorted {
                offsets.sort_unstable();
            }
            let lines = LineIndex::new(&text);
            let mut cursor = LineCursor::new(&text);
            for offset in offsets {
                proptest::prop_assert_eq!(cursor.line_col(offset), lines.line_col(&text, offset));
            }
        }
    }

    #[test]
    fn newlines_are_counted_across_chunks() {
        for len in [0, 1, 63, 64, 65, 200, 1000] {
            let text: String = (0..len)
                .map(|i| if i % 3 == 0 { '\n' } else { 'x' })
                .collect();
            assert_eq!(
                newlines(text.as_bytes()),
                text.matches('\n').count(),
                "{len}"
            );
        }
        assert_eq!(newlines(&[b'\n'; 300]), 300);
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
