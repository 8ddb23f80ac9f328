//! What a note's sections and prose hold, for the checks on kinds of content: which kinds of
//! block a section holds (`required-sections` with `contains:`), tables glued to the
//! paragraph above them, and the plain text a note's names may be mentioned in.
//!
//! The types only: the body pass (`markdown.rs`) fills them in.

use super::span::Span;

/// The kinds of content a section holds, as a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Holds(u8);

impl Holds {
    pub const TABLE: Holds = Holds(1);
    pub const LIST: Holds = Holds(2);
    pub const EMBED: Holds = Holds(4);
    pub const LINK: Holds = Holds(8);
    pub const TEXT: Holds = Holds(16);

    /// True when every kind of `other` is in the set.
    pub fn contains(self, other: Holds) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: Holds) {
        self.0 |= other.0;
    }
}

/// Where plain text is read for mentions of other notes' names: a set of the places below.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MentionScope(u8);

impl MentionScope {
    /// Nothing is read (the rule that wants the text is off).
    pub const NONE: MentionScope = MentionScope(0);
    /// The cells of a table's body rows (not its header).
    pub const TABLE_CELLS: MentionScope = MentionScope(1);
    /// The note's first paragraph that is not inside a list, quote or table: its one-line
    /// definition.
    pub const FIRST_PARAGRAPH: MentionScope = MentionScope(2);
    /// Any other text outside headings.
    pub const ELSEWHERE: MentionScope = MentionScope(4);
    /// Every place.
    pub const EVERYWHERE: MentionScope = MentionScope(7);

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when the two sets share a place.
    pub fn intersects(self, other: MentionScope) -> bool {
        self.0 & other.0 != 0
    }

    pub fn union(self, other: MentionScope) -> MentionScope {
        MentionScope(self.0 | other.0)
    }
}

/// A run of plain text: outside links, code, comments, math and headings, as written. Runs
/// without a letter are not kept: they name no note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRun<'a> {
    /// Where the text starts in the file.
    pub start: usize,
    pub text: &'a str,
    /// The one place it lies in ([`MentionScope::TABLE_CELLS`], ...).
    pub place: MentionScope,
}

impl TextRun<'_> {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }
}

/// A note's kept runs of plain text, held compactly: one string for all their texts, and
/// per run its place in the file and in that string. They stay in memory until the checks
/// against the vault have run, and a table cell is a run: one allocation per cell would cost
/// several times the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextRuns(Option<Box<Held>>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Held {
    text: Box<str>,
    runs: Box<[RunAt]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RunAt {
    /// Where the run starts in the file.
    start: u32,
    /// Where it ends in the joined text (it starts where the one before ends).
    end: u32,
    place: MentionScope,
}

impl TextRuns {
    /// The runs of `source` at `ranges` (byte ranges, in order), with their places. A run
    /// past 4 GiB is left out (no note is that large: notes over 16 MiB are not read).
    pub fn new(source: &str, ranges: &[(std::ops::Range<usize>, MentionScope)]) -> TextRuns {
        let mut text = String::new();
        let mut runs = Vec::with_capacity(ranges.len());
        for (range, place) in ranges {
            let Some(run) = source.get(range.clone()) else {
                continue;
            };
            let (Ok(start), Ok(end)) = (
                u32::try_from(range.start),
                u32::try_from(text.len() + run.len()),
            ) else {
                continue;
            };
            text.push_str(run);
            runs.push(RunAt {
                start,
                end,
                place: *place,
            });
        }
        if runs.is_empty() {
            return TextRuns(None);
        }
        TextRuns(Some(Box::new(Held {
            text: text.into_boxed_str(),
            runs: runs.into_boxed_slice(),
        })))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The runs, in order.
    pub fn iter(&self) -> impl Iterator<Item = TextRun<'_>> {
        let held = self.0.as_deref();
        let runs = held.map_or(&[][..], |h| &h.runs[..]);
        let text = held.map_or("", |h| &h.text);
        let mut from = 0usize;
        runs.iter().map(move |r| {
            let end = r.end as usize;
            let run = text.get(from..end).unwrap_or("");
            from = end;
            TextRun {
                start: r.start as usize,
                text: run,
                place: r.place,
            }
        })
    }
}
