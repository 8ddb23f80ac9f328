//! What figure reading reads of a note: its text and the parts the parse found (headings,
//! tables, links, the ranges that are not content), with lookups built once per note; and the
//! small facts both the table reader and the prose reader share.

use super::value::{Synonyms, split_qualifier};
use crate::model::figure::Amount;
use crate::model::link::Link;
use crate::model::markdown::{Heading, Table};
use crate::model::scan::SkipSet;
use crate::model::span::Span;

/// What extraction reads; the text is not kept.
pub(crate) struct Input<'a> {
    pub source: &'a str,
    pub body_start: usize,
    pub headings: &'a [Heading],
    pub tables: &'a [Table],
    pub links: &'a [Link],
    pub skip: &'a SkipSet,
    pub synonyms: &'a Synonyms,
    /// The note's name and aliases, lower-cased: `Cohere's valuation` is the note's own.
    pub names: Vec<String>,
    /// Where links, tables and headings are, for lookups in logarithmic time: a long note
    /// has thousands of lines and links, and a scan of every link per line is quadratic.
    pub link_set: SkipSet,
    pub table_set: SkipSet,
    pub heading_set: SkipSet,
    /// Links by start offset, for "which links lie in this cell".
    pub links_by_start: Vec<(Span, usize)>,
    /// Per heading, the nearest heading above it at a higher level (its parent section).
    pub parents: Vec<Option<usize>>,
}

impl<'a> Input<'a> {
    /// Builds the lookup sets from the model parts.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        source: &'a str,
        body_start: usize,
        headings: &'a [Heading],
        tables: &'a [Table],
        links: &'a [Link],
        skip: &'a SkipSet,
        synonyms: &'a Synonyms,
        names: Vec<String>,
    ) -> Self {
        let mut links_by_start: Vec<(Span, usize)> =
            links.iter().enumerate().map(|(i, l)| (l.span, i)).collect();
        links_by_start.sort();
        Input {
            source,
            body_start,
            headings,
            tables,
            links,
            skip,
            synonyms,
            names,
            link_set: SkipSet::new(links.iter().map(|l| l.span).collect()),
            table_set: SkipSet::new(tables.iter().map(|t| t.span).collect()),
            heading_set: SkipSet::new(headings.iter().map(|h| h.span).collect()),
            links_by_start,
            parents: heading_parents(headings),
        }
    }

    /// Links lying inside `span`.
    pub(crate) fn links_within(&self, span: Span) -> impl Iterator<Item = &Link> {
        let from = self
            .links_by_start
            .partition_point(|(s, _)| s.start < span.start);
        self.links_by_start
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |(s, _)| s.start < span.end)
            .filter(move |(s, _)| span.contains(*s))
            .filter_map(|(_, i)| self.links.get(*i))
    }
}

impl Input<'_> {
    /// Index of the heading `offset` sits under.
    pub(crate) fn section_of(&self, offset: usize) -> Option<usize> {
        self.headings
            .partition_point(|h| h.span.start() <= offset)
            .checked_sub(1)
    }

    /// The heading of `section` and every heading above it (`### Series B` in `## Funding`),
    /// by index.
    pub(crate) fn ancestry(&self, section: Option<usize>) -> impl Iterator<Item = usize> {
        std::iter::successors(section, |i| self.parents.get(*i).copied().flatten())
    }

    pub(crate) fn heading_text(&self, section: Option<usize>) -> &str {
        section
            .and_then(|i| self.headings.get(i))
            .map_or("", |h| h.text.as_str())
    }
}

/// For each heading, the index of its parent: the nearest earlier heading of a lower level.
fn heading_parents(headings: &[Heading]) -> Vec<Option<usize>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(headings.len());
    for (i, h) in headings.iter().enumerate() {
        while stack
            .last()
            .and_then(|top| headings.get(*top))
            .is_some_and(|top| top.level >= h.level)
        {
            stack.pop();
        }
        out.push(stack.last().copied());
        stack.push(i);
    }
    out
}

/// A stated total (`**$396M total:**`, `Total: $396M`) found on a line ending at `line_end`.
pub(crate) struct Stated {
    pub amount: Amount,
    pub line_end: usize,
    pub section: Option<usize>,
    /// `**Total raised:** $1.8B` is a figure already; it still introduces a table.
    pub is_figure: bool,
}

/// `Total`, `**Sum**`, `Grand total`, `Total ($M)`, `Total (2024)`.
pub(crate) fn is_total_label(text: &str) -> bool {
    matches!(
        split_qualifier(text).0.as_str(),
        "total" | "sum" | "grand total"
    )
}
