//! Byte spans into a note's source text.
//!
//! Spans are absolute byte offsets into the file as read (a UTF-8 BOM, if any, included), so a
//! finding can be rendered against the re-read file without knowing how the note was parsed.
//! They are stored as `u32` to keep the per-note model small; notes over 4 GiB are refused at
//! read time.

use std::ops::Range;

/// A half-open byte range `start..end` into a note's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Builds a span from `usize` offsets, saturating at `u32::MAX` (notes that large are
    /// refused before parsing, so saturation never shows).
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The same span moved `by` bytes to the right.
    pub fn shift(self, by: usize) -> Self {
        Span::new(self.start() + by, self.end() + by)
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}
