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

/// A run of plain text: outside links, code, comments, math and headings, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRun {
    /// Where the text starts in the file.
    pub start: usize,
    pub text: Box<str>,
    /// The one place it lies in ([`MentionScope::TABLE_CELLS`], ...).
    pub place: MentionScope,
}

impl TextRun {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }
}
