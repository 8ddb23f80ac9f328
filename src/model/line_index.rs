//! Byte offset → 1-based line and column, computed only when a finding is placed: as a note
//! is checked, or when the finding is rendered.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (as CommonMark says). Columns count characters, not
//! bytes, and a UTF-8 byte-order mark at the start of the file takes no column.

use super::Span;

/// Start offsets of every line of one text, and column checkpoints inside long lines.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(offset, column)` every [`CHECKPOINT`] bytes or so inside lines longer than that, in
    /// offset order, the column 0-based: a column is counted from the nearest checkpoint
    /// rather than from its line's start, so that placing many findings on one long line (a
    /// pasted log, a generated table) costs no more than its length.
    checkpoints: Vec<(usize, usize)>,
}

/// How many bytes of a long line lie between two column checkpoints.
const CHECKPOINT: usize = 1024;

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
        let checkpoints = checkpoints(text, &starts);
        LineIndex {
            starts,
            checkpoints,
        }
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
        let nearest = self.checkpoints.partition_point(|&(at, _)| at <= offset);
        match nearest.checked_sub(1).and_then(|i| self.checkpoints.get(i)) {
            Some(&(at, column)) if at > start => LineCol {
                line: line0 + 1,
                column: column + chars(text, at, offset) + 1,
            },
            _ => column_at(text, line0, start, offset),
        }
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
    /// The 0-based column of `at`: the next offset on the same line is counted from here.
    column0: usize,
}

impl<'t> LineCursor<'t> {
    pub fn new(text: &'t str) -> Self {
        LineCursor {
            text,
            index: memchr::memchr(b'\r', text.as_bytes()).map(|_| LineIndex::new(text)),
            line0: 0,
            at: 0,
            column0: 0,
        }
    }

    /// Line and column of `offset`; cheapest when offsets come in increasing order, when it
    /// reads each byte between them once (many offsets on one long line included).
    pub fn line_col(&mut self, offset: usize) -> LineCol {
        if let Some(index) = &self.index {
            return index.line_col(self.text, offset);
        }
        let offset = clamp(self.text, offset);
        // An offset before the last one (a span built backwards) is counted from the start.
        if offset < self.at {
            (self.line0, self.at, self.column0) = (0, 0, 0);
        }
        let between = self
            .text
            .as_bytes()
            .get(self.at..offset)
            .unwrap_or_default();
        match memchr::memrchr(b'\n', between) {
            None => self.column0 += chars(self.text, self.at, offset),
            Some(last) => {
                self.line0 += newlines(between);
                self.column0 = chars(self.text, self.at + last + 1, offset);
            }
        }
        self.at = offset;
        LineCol {
            line: self.line0 + 1,
            column: self.column0 + 1,
        }
    }
}

/// The characters of `text` from byte `from` to byte `to`, both char boundaries; a
/// byte-order mark at the start of the text takes no column.
fn chars(text: &str, from: usize, to: usize) -> usize {
    let mut part = text.get(from..to).unwrap_or("");
    if from == 0 {
        part = part.strip_prefix(BOM).unwrap_or(part);
    }
    part.chars().count()
}

/// The column checkpoints of `text`, whose lines start at `starts` (see
/// [`LineIndex::checkpoints`]).
fn checkpoints(text: &str, starts: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    for (start, end) in starts.iter().copied().zip(ends) {
        if end - start <= CHECKPOINT {
            continue;
        }
        let (mut at, mut column) = (start, 0);
        loop {
            let next = clamp(text, at + CHECKPOINT);
            if next <= at || next >= end {
                break;
            }
            column += chars(text, at, next);
            out.push((next, column));
            at = next;
        }
    }
    out
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
    LineCol {
        line: line0 + 1,
        column: chars(text, start, offset) + 1,
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

    /// Line and column of `offset` by walking the text from its start: the reference.
    fn walked(text: &str, offset: usize) -> LineCol {
        let offset = clamp(text, offset);
        let (mut line, mut column) = (1, 1);
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if at >= offset {
                break;
            }
            let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
            if (c == '\n' || c == '\r') && !crlf {
                (line, column) = (line + 1, 1);
            } else if !(at == 0 && c == '\u{feff}') {
                column += 1;
            }
        }
        LineCol { line, column }
    }

    proptest::proptest! {
        /// Long lines, whose columns are counted from checkpoints, place offsets as a walk
        /// from the start does, through the index and through the cursor.
        #[test]
        fn long_lines_place_as_a_walk_does(
            parts in proptest::collection::vec(("(a|é|🦀){1,8}", 1usize..400, "(\n|\r\n|\r)?"), 1..4),
            bom in proptest::bool::ANY,
            mut offsets in proptest::collection::vec(0usize..9_000, 1..8),
        ) {
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            for (unit, times, end) in &parts {
                text.push_str(&unit.repeat(*times));
                text.push_str(end);
            }
            offsets.sort_unstable();
            let lines = LineIndex::new(&text);
            let mut cursor = LineCursor::new(&text);
            for offset in offsets {
                let want = walked(&text, offset);
                proptest::prop_assert_eq!(lines.line_col(&text, offset), want);
                proptest::prop_assert_eq!(cursor.line_col(offset), want);
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
