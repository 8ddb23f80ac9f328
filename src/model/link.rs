//! Links as written in a note: their kind, spans, and the target split into path and anchor.
//!
//! This module only describes what the note says. Whether a target exists is decided by
//! `index/mod.rs`, the one place that resolves links.

use std::borrow::Cow;

use super::line_index::{LineCol, LineCursor};
use super::span::Span;

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// `[[Note]]`
    Wiki,
    /// `![[Note]]`
    Embed,
    /// `[text](Note.md)`
    Markdown,
    /// `![alt](pic.png)`
    Image,
    /// A front matter property whose value is one `[[wikilink]]`.
    Property,
}

impl LinkKind {
    /// Wikilinks (and embeds, properties) are not percent-decoded and follow Obsidian's
    /// heading rules only; markdown links are decoded and also accept GitHub slugs.
    pub fn is_wiki_style(self) -> bool {
        matches!(self, LinkKind::Wiki | LinkKind::Embed | LinkKind::Property)
    }

    pub fn is_embed(self) -> bool {
        matches!(self, LinkKind::Embed | LinkKind::Image)
    }
}

/// The part after `#` in a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// `#A#B`: a chain of headings, each deeper than the last.
    Heading(Chain),
    /// `#^id`
    Block(Box<str>),
}

/// The headings of a `#A#B` anchor: trimmed, none empty, held as one string joined by `#`
/// (no heading of a chain can hold a `#`, the character that splits it). One allocation per
/// link, where a list of strings would take one per heading and one for the list: a large
/// vault holds hundreds of thousands of such links until they are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain(Box<str>);

impl Chain {
    /// The chain of `headings`, trimmed, the empty ones left out.
    pub fn new<'a>(headings: impl IntoIterator<Item = &'a str>) -> Self {
        let mut joined = String::new();
        for heading in headings
            .into_iter()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            if !joined.is_empty() {
                joined.push('#');
            }
            joined.push_str(heading);
        }
        Chain(joined.into_boxed_str())
    }

    /// The headings, outermost first.
    pub fn headings(&self) -> impl Iterator<Item = &str> {
        self.0.split('#').filter(|h| !h.is_empty())
    }

    pub fn len(&self) -> usize {
        self.headings().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The one heading of a chain of one.
    pub fn single(&self) -> Option<&str> {
        (!self.0.is_empty() && !self.0.contains('#')).then_some(&*self.0)
    }

    /// The headings joined by `#`, as in a link (`A#B`).
    pub fn joined(&self) -> &str {
        &self.0
    }
}

/// One link in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    /// The whole link, brackets included.
    pub span: Span,
    /// The target as written (path and anchor), for labels.
    pub target_span: Span,
    /// The path part: trimmed, `\` from `\|` removed, percent-decoded for markdown links.
    /// Empty for same-note links (`[[#Heading]]`).
    pub path: String,
    pub anchor: Option<Anchor>,
    /// The `#...` part in the source ([`Link::anchor_span`]); empty when there is none. Kept
    /// as a plain span: an `Option` would take four more bytes of every link a note keeps.
    anchor_at: Span,
    /// Where the link starts, recorded when it is written on one line in ASCII: any offset
    /// inside it is then placed without the note's text ([`Link::place_of`]). The 1-based line
    /// and column packed in one word, as every link a note keeps until the end of a run has
    /// one ([`PackedPlace`]).
    pub place: Option<PackedPlace>,
}

/// A 1-based line (up to 1,048,575) and column (up to 4,095) in 32 bits. A link past either
/// bound has no recorded place: the report reads its note again to place it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedPlace(std::num::NonZeroU32);

const COLUMN_BITS: u32 = 12;

impl PackedPlace {
    pub fn new(at: LineCol) -> Option<PackedPlace> {
        let line = u32::try_from(at.line)
            .ok()
            .filter(|l| *l < 1 << (32 - COLUMN_BITS))?;
        let column = u32::try_from(at.column)
            .ok()
            .filter(|c| *c < 1 << COLUMN_BITS)?;
        std::num::NonZeroU32::new(line << COLUMN_BITS | column).map(PackedPlace)
    }

    pub fn get(self) -> LineCol {
        let packed = self.0.get();
        LineCol {
            line: (packed >> COLUMN_BITS) as usize,
            column: (packed & ((1 << COLUMN_BITS) - 1)) as usize,
        }
    }
}

impl Link {
    /// Builds a link from the raw target text (`Note#Head`, `#^id`, `Other.md#slug`) found at
    /// `target_span`. Markdown targets are percent-decoded here; wikilinks never are.
    pub fn from_target(kind: LinkKind, span: Span, target_span: Span, raw: &str) -> Link {
        let raw = raw.strip_suffix('\\').unwrap_or(raw);
        // Most targets are a bare name: no copy is made but the path the link keeps.
        let (path, fragment, hash_at) = match memchr::memchr(b'#', raw.as_bytes()) {
            Some(i) => (raw.get(..i).unwrap_or(""), raw.get(i + 1..), Some(i)),
            None => (raw, None, None),
        };
        fn decode(kind: LinkKind, s: &str) -> Cow<'_, str> {
            if kind.is_wiki_style() {
                Cow::Borrowed(s)
            } else {
                percent_decoded(s)
            }
        }
        // An empty anchor (`[[Note#]]`, `[[Note#^]]`) names the note itself.
        let anchor = fragment.and_then(|f| {
            let f = decode(kind, f);
            let anchor = match f.strip_prefix('^') {
                Some(id) => Anchor::Block(id.trim().into()),
                None => Anchor::Heading(Chain::new(f.split('#'))),
            };
            match &anchor {
                Anchor::Block(id) if id.is_empty() => None,
                Anchor::Heading(chain) if chain.is_empty() => None,
                _ => Some(anchor),
            }
        });
        let anchor_at = hash_at
            .filter(|_| anchor.is_some())
            .map_or(Span::default(), |i| {
                Span::new(target_span.start() + i, target_span.start() + raw.len())
            });
        Link {
            kind,
            span,
            target_span,
            path: decode(kind, path).trim().to_string(),
            anchor,
            anchor_at,
            place: None,
        }
    }

    /// The `#...` part in the source, when there is one (it holds the `#`, so it is never
    /// empty).
    pub fn anchor_span(&self) -> Option<Span> {
        (!self.anchor_at.is_empty()).then_some(self.anchor_at)
    }

    /// Findings on the anchor point at the whole target instead (a reference link, whose
    /// destination is elsewhere in the note).
    pub fn forget_anchor_span(&mut self) {
        self.anchor_at = Span::default();
    }

    /// Records where the link starts in `text` (its note's text, read by `lines`), when it is
    /// written on one line in ASCII: then each byte of it is one column. A link on one line
    /// with other characters is given back as a [`WideLink`], to be kept beside the note.
    pub fn record_place(&mut self, text: &str, lines: &mut LineCursor<'_>) -> Option<WideLink> {
        let written = text
            .get(self.span.range())
            .filter(|t| !t.contains(['\n', '\r']))?;
        let at = lines.line_col(self.span.start());
        if written.is_ascii() {
            self.place = PackedPlace::new(at);
            return None;
        }
        Some(WideLink {
            start: self.span.start(),
            at,
            text: written.into(),
        })
    }

    /// The line and column of `offset`, an offset inside the link (its end included), when
    /// the link's place was recorded: what the note's line index would say.
    pub fn place_of(&self, offset: usize) -> Option<LineCol> {
        let start = self.place?.get();
        let into = offset.checked_sub(self.span.start())?;
        (offset <= self.span.end()).then_some(LineCol {
            column: start.column + into,
            ..start
        })
    }

    /// `[[#Heading]]`, `[text](#slug)`: the link points into its own note.
    pub fn is_same_note(&self) -> bool {
        self.path.is_empty()
    }

    /// The target as the user wrote it, for messages (`Note#Heading`).
    pub fn display_target(&self) -> String {
        match &self.anchor {
            None => self.path.clone(),
            Some(Anchor::Heading(chain)) => format!("{}#{}", self.path, chain.joined()),
            Some(Anchor::Block(id)) => format!("{}#^{id}", self.path),
        }
    }
}

/// A link written on one line with characters outside ASCII: where it starts and its text,
/// so that a finding inside it is placed without reading the note again (a column counts
/// characters). Few links are such links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideLink {
    /// Byte offset of the link in its note.
    pub start: usize,
    pub at: LineCol,
    pub text: Box<str>,
}

impl WideLink {
    /// The line and column of `offset`, an offset inside the link (its end included) on a
    /// character boundary.
    pub fn place_of(&self, offset: usize) -> Option<LineCol> {
        let before = self.text.get(..offset.checked_sub(self.start)?)?;
        Some(LineCol {
            column: self.at.column + before.chars().count(),
            ..self.at
        })
    }
}

/// A destination with a URL scheme (`https:`, `mailto:`, `obsidian:`) or a protocol-relative
/// `//host` is external: vaultlint never touches the network, so it is not checked.
pub fn is_external(dest: &str) -> bool {
    let dest = dest.trim();
    if dest.starts_with("//") {
        return true;
    }
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    // A single letter before `:` is a Windows drive (`C:\...`), not a scheme; it stays local
    // so that it is reported as broken rather than silently skipped.
    scheme.len() > 1
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The markdown-link destination from a note in `from_folder` to the vault path `to`:
/// relative (`../Actors/Hugging%20Face.md`), with spaces and the characters that would end
/// or split a destination percent-encoded.
pub fn relative_href(from_folder: &str, to: &str) -> String {
    let from: Vec<&str> = from_folder.split('/').filter(|p| !p.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|p| !p.is_empty()).collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from.len().saturating_sub(common)];
    parts.extend(to_parts.iter().skip(common));
    let joined = parts.join("/");
    let mut out = String::with_capacity(joined.len());
    for c in joined.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 are kept as written.
pub fn percent_decode(s: &str) -> String {
    percent_decoded(s).into_owned()
}

/// [`percent_decode`], borrowing `s` when it holds no `%`.
fn percent_decoded(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'%', s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).map_or(Cow::Borrowed(s), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_stays_eighty_bytes() {
        // Every link a note keeps stays in memory until the end of a run.
        assert!(std::mem::size_of::<Link>() <= 80);
    }

    #[test]
    fn places_pack_into_one_word_within_their_bounds() {
        for (line, column) in [(1, 1), (1, 4095), (1_048_575, 1), (70_000, 2_000)] {
            let at = LineCol { line, column };
            assert_eq!(PackedPlace::new(at).map(PackedPlace::get), Some(at));
        }
        for (line, column) in [(1, 4096), (1_048_576, 1), (0, 0), (usize::MAX, 1)] {
            assert_eq!(PackedPlace::new(LineCol { line, column }), None);
        }
    }

    #[test]
    fn a_link_on_one_ascii_line_places_every_offset_in_it() {
        let text = "# Über\nSee [[Note#Part]] and [a\nb](x.md) and [[Café]].\n";
        let lines = super::super::LineIndex::new(text);
        let mut cursor = LineCursor::new(text);
        let at = |needle: &str| text.find(needle).unwrap();
        // The link from `from` to `to` with its target from `target` to `target_end`.
        let mut placed = |kind, (from, to), (target, target_end), raw| {
            let span = Span::new(at(from), at(to));
            let mut link =
                Link::from_target(kind, span, Span::new(at(target), at(target_end)), raw);
            link.record_place(text, &mut cursor);
            link
        };
        let wiki = placed(
            LinkKind::Wiki,
            ("[[Note", " and [a"),
            ("Note#", "]] and [a"),
            "Note#Part",
        );
        for offset in wiki.span.start()..=wiki.span.end() {
            assert_eq!(wiki.place_of(offset), Some(lines.line_col(text, offset)));
        }
        assert_eq!(wiki.place_of(wiki.span.start() - 1), None);
        assert_eq!(wiki.place_of(wiki.span.end() + 1), None);
        // Over two lines, or with a non-ASCII char: no place, the report reads the note.
        let spread = placed(
            LinkKind::Markdown,
            ("[a", " and [[Caf"),
            ("x.md", ") and"),
            "x.md",
        );
        assert_eq!(spread.place_of(spread.span.start()), None);
        let accented = placed(LinkKind::Wiki, ("[[Caf", ".\n"), ("Café", "]]."), "Café");
        assert_eq!(accented.place_of(accented.span.start()), None);
    }

    fn link(kind: LinkKind, raw: &str) -> Link {
        Link::from_target(kind, Span::new(0, 0), Span::new(10, 10 + raw.len()), raw)
    }

    #[test]
    fn chains_keep_their_headings_in_order() {
        let chain = Chain::new(["  Funding ", "", " 2024 round", "  "]);
        assert_eq!(
            chain.headings().collect::<Vec<_>>(),
            ["Funding", "2024 round"]
        );
        assert_eq!((chain.len(), chain.joined()), (2, "Funding#2024 round"));
        assert_eq!(chain.single(), None);
        let one = Chain::new([" Team "]);
        assert_eq!((one.single(), one.len()), (Some("Team"), 1));
        let none = Chain::new(["", " "]);
        assert!(none.is_empty() && none.single().is_none() && none.headings().next().is_none());
    }

    #[test]
    fn target_splitting_table() {
        use Anchor::*;
        let h = |v: &[&str]| Some(Heading(Chain::new(v.iter().copied())));
        let cases: Vec<(LinkKind, &str, &str, Option<Anchor>)> = vec![
            (LinkKind::Wiki, "Note", "Note", None),
            (LinkKind::Wiki, " Note ", "Note", None),
            (LinkKind::Wiki, "Note\\", "Note", None),
            (LinkKind::Wiki, "Note#Head", "Note", h(&["Head"])),
            (LinkKind::Wiki, "Note#Head#Sub", "Note", h(&["Head", "Sub"])),
            (
                LinkKind::Wiki,
                "Note#^blk-1",
                "Note",
                Some(Block("blk-1".into())),
            ),
            (LinkKind::Wiki, "#Local", "", h(&["Local"])),
            (LinkKind::Wiki, "#^id", "", Some(Block("id".into()))),
            (LinkKind::Wiki, "A%20B", "A%20B", None),
            (
                LinkKind::Markdown,
                "A%20B.md#revenue-model",
                "A B.md",
                h(&["revenue-model"]),
            ),
            (LinkKind::Markdown, "#Local%20Head", "", h(&["Local Head"])),
            (LinkKind::Embed, "doc.pdf#page=3", "doc.pdf", h(&["page=3"])),
            (LinkKind::Wiki, "Note#", "Note", None),
            (LinkKind::Wiki, "Note#^", "Note", None),
            (LinkKind::Wiki, "Note##", "Note", None),
        ];
        for (kind, raw, path, anchor) in cases {
            let l = link(kind, raw);
            assert_eq!(l.path, path, "{raw}");
            assert_eq!(l.anchor, anchor, "{raw}");
        }
    }

    #[test]
    fn anchor_span_points_at_hash() {
        let l = link(LinkKind::Wiki, "Note#Head");
        assert_eq!(l.anchor_span(), Some(Span::new(14, 19)));
    }

    #[test]
    fn external_table() {
        for d in [
            "https://x.org",
            "mailto:a@b.c",
            "obsidian://open",
            "//cdn/x.png",
            "ftp:x",
        ] {
            assert!(is_external(d), "{d}");
        }
        for d in ["Note.md", "C:\\x.md", "../a.md", "#x", "a:b c"] {
            assert!(!is_external(d), "{d}");
        }
    }

    #[test]
    fn relative_href_table() {
        let cases = [
            ("", "Google.md", "Google.md"),
            ("Actors", "Actors/Hugging Face.md", "Hugging%20Face.md"),
            ("Actors/Labs", "Actors/NVIDIA.md", "../NVIDIA.md"),
            (
                "Actors/Labs",
                "Topics/AI (2025).md",
                "../../Topics/AI%20%282025%29.md",
            ),
            (
                "Topics",
                "Attachments/chart 1.png",
                "../Attachments/chart%201.png",
            ),
        ];
        for (from, to, want) in cases {
            assert_eq!(relative_href(from, to), want, "{from} -> {to}");
            assert_eq!(
                percent_decode(&relative_href(from, to)).rsplit('/').next(),
                to.rsplit('/').next()
            );
        }
    }

    #[test]
    fn percent_decode_table() {
        let cases = [
            ("Note%20Name.md", "Note%20Name.md".replace("%20", " ")),
            ("100%", "100%".into()),
            ("%zz", "%zz".into()),
            ("caf%C3%A9", "café".into()),
            ("%FF", "%FF".into()),
        ];
        for (i, o) in cases {
            assert_eq!(percent_decode(i), o);
        }
    }
}
