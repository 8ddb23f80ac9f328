//! Line and character scanners for what pulldown-cmark does not know: Obsidian `%% comments %%`,
//! math, block ids, inline tags and "Updated" markers.
//!
//! Every scanner takes the ranges that are not content (code, comments) and stays out of them.
//! Spans are absolute byte offsets into the file.

use std::sync::LazyLock;

use regex::Regex;

use super::date::{self, DateError};
use super::span::Span;

/// Sorted, merged ranges that are not note content (code, comments, math).
#[derive(Debug, Clone, Default)]
pub struct SkipSet {
    spans: Vec<Span>,
}

impl SkipSet {
    pub fn new(mut spans: Vec<Span>) -> Self {
        spans.retain(|s| !s.is_empty());
        spans.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        SkipSet { spans: merged }
    }

    /// True when `span` shares a byte with a skipped range.
    pub fn overlaps(&self, span: Span) -> bool {
        let i = self.spans.partition_point(|s| s.end <= span.start);
        self.spans.get(i).is_some_and(|s| s.overlaps(span))
    }

    /// True when `offset` lies inside a skipped range.
    pub fn contains(&self, offset: usize) -> bool {
        self.overlaps(Span::new(offset, offset + 1))
    }

    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}

/// A `%% ... %%` comment: `span` includes the markers, `inner` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub inner: Span,
}

/// Obsidian comments from `start` on. A `%%` opens, the next `%%` closes, across lines; an
/// unclosed one hides the rest of the note, as in Obsidian. Markers inside code do not count.
pub fn comments(source: &str, start: usize, code: &SkipSet) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut from = start;
    let bytes = source.as_bytes();
    while let Some(i) = bytes
        .get(from..)
        .and_then(|rest| memchr::memmem::find(rest, b"%%"))
    {
        let at = from + i;
        from = at + 2;
        if code.contains(at) {
            continue;
        }
        match open.take() {
            None => open = Some(at),
            Some(o) => out.push(Comment {
                span: Span::new(o, at + 2),
                inner: Span::new(o + 2, at),
            }),
        }
    }
    if let Some(o) = open {
        out.push(Comment {
            span: Span::new(o, source.len()),
            inner: Span::new(o + 2, source.len()),
        });
    }
    out
}

/// Math: `$$ ... $$` blocks and inline `$...$` by Obsidian's rule (no space just inside either
/// `$`), on one line, with the closing `$` not followed by a digit, so that `$235M and $161M`
/// stays money. Escaped `\$` never opens or closes.
pub fn math(source: &str, start: usize, skip: &SkipSet) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = source.as_bytes();
    let mut i = start;
    // The end of the line of the last inline opener, and whether that line has no closing
    // `$` left: a closer does not depend on its opener, so once one opener finds none, no
    // later opener on the line can. Both keep a line of many `$` linear.
    let mut line_end = 0;
    let mut no_closer_before = 0;
    while let Some(rel) = bytes.get(i..).and_then(|rest| memchr::memchr(b'$', rest)) {
        let at = i + rel;
        i = at + 1;
        if skip.contains(at) || (at > 0 && bytes.get(at - 1) == Some(&b'\\')) {
            continue;
        }
        if bytes.get(at + 1) == Some(&b'$') {
            // Display math: up to the next `$$`, or not math at all.
            let Some(close) = bytes
                .get(at + 2..)
                .and_then(|r| memchr::memmem::find(r, b"$$"))
            else {
                i = at + 2;
                continue;
            };
            let end = at + 2 + close + 2;
            out.push(Span::new(at, end));
            i = end;
            continue;
        }
        let Some(&next) = bytes.get(at + 1) else {
            break;
        };
        if next.is_ascii_whitespace() || at < no_closer_before {
            continue;
        }
        if at >= line_end {
            line_end = bytes
                .get(at + 1..)
                .and_then(|r| memchr::memchr2(b'\n', b'\r', r))
                .map_or(source.len(), |e| at + 1 + e);
        }
        let mut j = at + 1;
        let mut closed = None;
        while let Some(rel) = bytes.get(j..line_end).and_then(|r| memchr::memchr(b'$', r)) {
            let c = j + rel;
            j = c + 1;
            let before = bytes.get(c - 1).copied().unwrap_or(b' ');
            let after = bytes.get(c + 1).copied().unwrap_or(b' ');
            if before.is_ascii_whitespace() || before == b'\\' || after.is_ascii_digit() {
                continue;
            }
            closed = Some(c);
            break;
        }
        match closed {
            Some(c) => {
                out.push(Span::new(at, c + 1));
                i = c + 1;
            }
            None => no_closer_before = line_end,
        }
    }
    out
}

/// Lines of `source` from `start`: the span of each line's text, without its ending.
pub fn lines(source: &str, start: usize) -> impl Iterator<Item = Span> + '_ {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= source.len() {
            return None;
        }
        let (line, next) = line_from(source.as_bytes(), pos);
        pos = next;
        Some(line)
    })
}

/// The line starting at `start` (without its ending) and where the next one starts.
fn line_from(bytes: &[u8], start: usize) -> (Span, usize) {
    let end = bytes
        .get(start..)
        .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
        .map_or(bytes.len(), |at| start + at);
    let next = match (bytes.get(end), bytes.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(_), _) => end + 1,
        (None, _) => end,
    };
    (Span::new(start, end), next)
}

/// Whether `text` holds an ASCII digit, eight bytes at a time (see [`find_digit`]): a line is
/// tested for one before it is read for dates, a table cell before it is read for a figure.
pub(crate) fn has_digit(text: &str) -> bool {
    find_digit(text.as_bytes(), 0).is_some()
}

/// The offset of the first ASCII digit of `bytes` at or after `from`.
pub(crate) fn find_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let digits = digit_mask(u64::from_le_bytes(word));
        if digits != 0 {
            // Little-endian: the lowest marked byte comes first.
            return Some(at + (digits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = chunks.remainder();
    tail.iter().position(u8::is_ascii_digit).map(|i| at + i)
}

/// The top bit of every byte of `x` that is an ASCII digit, and no other bit.
fn digit_mask(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Per byte below 0x80: its top bit is set by adding 0x80 - n when it is at least n.
    // No byte carries into the next: 0x7F + 0x50 < 0x100.
    let low = x & !HIGH;
    let at_least_0 = low.wrapping_add((0x80 - u64::from(b'0')) * ONES);
    let past_9 = low.wrapping_add((0x80 - u64::from(b'9') - 1) * ONES);
    at_least_0 & !past_9 & !x & HIGH
}

/// A `^block-id` that a `[[Note#^id]]` link can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockId {
    pub id: String,
    pub span: Span,
}

static BLOCK_ID: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$").expect("static regex is valid")
});

/// Block ids: ` ^id` at the end of a line, or `^id` alone on a line.
pub fn block_ids(source: &str, start: usize, skip: &SkipSet) -> Vec<BlockId> {
    ids_on(source, skip, caret_lines(source, start))
}

/// The lines from `start` on that hold a `^`, in order: one search for `^` through the text
/// finds them, and the lines without one (most of a note) are not looked at.
fn caret_lines(source: &str, start: usize) -> impl Iterator<Item = Span> + '_ {
    let bytes = source.as_bytes();
    lines_holding(source, start, move |pos| {
        bytes
            .get(pos..)
            .and_then(|rest| memchr::memchr(b'^', rest))
            .map(|at| pos + at)
    })
}

/// The block ids on `lines` of `source`, outside `skip`.
fn ids_on(source: &str, skip: &SkipSet, lines: impl Iterator<Item = Span>) -> Vec<BlockId> {
    let mut out = Vec::new();
    for line in lines {
        let text = source.get(line.range()).unwrap_or("");
        if !text.contains('^') {
            continue;
        }
        let Some(m) = BLOCK_ID.captures(text).and_then(|c| c.get(1)) else {
            continue;
        };
        let span = Span::new(line.start() + m.start() - 1, line.start() + m.end());
        if skip.overlaps(span) {
            continue;
        }
        out.push(BlockId {
            id: m.as_str().to_string(),
            span,
        });
    }
    out
}

/// An inline `#tag` or a front matter tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Without `#`, as written (case kept).
    pub name: String,
    /// The `#tag` in the body; the whole front matter for front matter tags.
    pub span: Span,
    pub is_inline: bool,
}

static INLINE_TAG: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"#([\p{L}\p{N}\p{Extended_Pictographic}_/-]+)").expect("static regex is valid")
});

/// Inline tags in a run of text at `offset` in `source`. Obsidian's rules: `#` at the start or
/// after whitespace, not a pure number (`#123`), letters of any script, `_`, `-`, `/`.
pub fn inline_tags(source: &str, run: Span) -> Vec<Tag> {
    let text = source.get(run.range()).unwrap_or("");
    // `#` is not a tag char, so every match of `INLINE_TAG` starts at a `#` of its own.
    memchr::memchr_iter(b'#', text.as_bytes())
        .filter_map(|hash| tag_at(source, run.start() + hash, tag_name_at(text, hash)?))
        .collect()
}

/// The tag whose `#` is at byte `at` of `source`, with `name` as `INLINE_TAG` reads it: none
/// after a char other than whitespace, and none named by a number alone.
fn tag_at(source: &str, at: usize, name: &str) -> Option<Tag> {
    let before = source.get(..at).and_then(|s| s.chars().next_back());
    if before.is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let name = name.trim_end_matches(['/', '-']);
    if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(Tag {
        name: name.to_string(),
        span: Span::new(at, at + 1 + name.len()),
        is_inline: true,
    })
}

/// The name `INLINE_TAG` matches after the `#` at byte `hash` of `text`, if any. ASCII names
/// are read by hand, the regex's captures being the slowest part of reading a tag line; a
/// name with any other char goes to the regex, which knows the Unicode classes.
fn tag_name_at(text: &str, hash: usize) -> Option<&str> {
    let rest = text.get(hash + 1..)?;
    let ascii = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'-'))
        .count();
    let len = if rest.as_bytes().get(ascii).is_some_and(|b| !b.is_ascii()) {
        let m = INLINE_TAG
            .find_at(text, hash)
            .filter(|m| m.start() == hash)?;
        m.len() - 1
    } else {
        ascii
    };
    rest.get(..len).filter(|name| !name.is_empty())
}

/// Where an "Updated" date was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateSource {
    /// A body line such as `*Updated 2026-01-01*`, with its marker words as written
    /// (`Updated`, `last  updated`).
    Body(String),
    /// A front matter property, by key.
    Field(String),
}

/// An "Updated" marker and the date text it holds (not yet validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMarker {
    pub source: DateSource,
    /// The date text as written (`2026-01-01`, `2025-02-30`, `2026-01-01T10:00`).
    pub raw: String,
    /// The date text's span.
    pub span: Span,
    /// The date, or why `raw` is not one.
    pub date: Result<jiff::civil::Date, DateError>,
    /// The whole line of a body marker (line break excluded); empty for a front matter field.
    pub line: Span,
}

impl DateMarker {
    pub fn new(source: DateSource, raw: String, span: Span) -> Self {
        let date = date::parse(&raw);
        DateMarker {
            source,
            raw,
            span,
            date,
            line: Span::default(),
        }
    }

    /// True for a front matter field, false for a body line.
    pub fn is_field(&self) -> bool {
        matches!(self.source, DateSource::Field(_))
    }

    /// What messages call this date, in sentence case: the marker words the note wrote
    /// (`*last updated: …*` → `Last updated`, `*Reviewed …*` → `Reviewed`), or the front matter
    /// key in words (`last_updated` → `Last updated`, `modified` → `Modified`).
    pub fn name(&self) -> String {
        match &self.source {
            DateSource::Body(words) => marker_name(words),
            DateSource::Field(key) => field_name(key),
        }
    }
}

/// Marker words as messages say them: `last  updated` → `Last updated`.
pub fn marker_name(words: &str) -> String {
    sentence_case(words.split_whitespace())
}

/// A front matter key as messages say it: `last_updated` → `Last updated`.
pub fn field_name(key: &str) -> String {
    sentence_case(key.split(|c: char| c.is_whitespace() || c == '-' || c == '_'))
}

/// Words joined by single spaces, the first letter upper-cased.
fn sentence_case<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let joined = words
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Compiles the body-marker pattern for the given marker words (`Updated`, `Last updated`).
/// The line must start with the marker: emphasis and a colon may surround the words, and the
/// value must start with a digit so that "Updated regularly" is prose, not a bad date. Words
/// may follow the value; `date_text` says whether the line is still a marker.
pub fn marker_regex(words: &[String]) -> Result<MarkerPattern, regex::Error> {
    let starts = marker_starts(words);
    let mut alternatives: Vec<String> = words
        .iter()
        .map(|w| {
            w.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .filter(|w| !w.is_empty())
        .collect();
    // Longest first, so `Last updated` is tried before `updated`.
    alternatives.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let words = if alternatives.is_empty() {
        // Matches nothing: no marker words means front matter dates only.
        r"\b\B".to_string()
    } else {
        alternatives.join("|")
    };
    let build = |pattern: &str| {
        regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
    };
    let regex = build(&format!(
        r"^[\s>*_-]*({words})[\s*_]*:?[\s*_]*([0-9][^\s*_]*(?:\s+[0-9]{{1,2}}:[0-9]{{2}}[^\s*_]*)?)(?:\s+(\S.*?))?[\s*_]*$"
    ))?;
    let words = build(&words)?;
    Ok(MarkerPattern {
        regex,
        words,
        starts,
    })
}

/// The body-marker pattern, the marker words alone, and the letters a marker line may start
/// with (lower-case ASCII, after its leading `>`, `*`, `_`, `-` and spaces): only lines
/// holding a marker word are looked at, and most of those are ruled out by their first letter
/// before the pattern runs.
#[derive(Debug, Clone)]
pub struct MarkerPattern {
    regex: Regex,
    /// The marker words alone: a line without them is no marker line.
    words: Regex,
    /// `None` when a word starts with anything but an ASCII letter or digit: then every line
    /// goes to the pattern.
    starts: Option<Vec<u8>>,
}

impl MarkerPattern {
    /// Whether `line` can be a marker line by its first char; `true` when unsure.
    fn may_match(&self, line: &str) -> bool {
        let Some(starts) = &self.starts else {
            return true;
        };
        let content = line
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '*' | '_' | '-'));
        match content.bytes().next() {
            None => false,
            // A non-ASCII char may fold to an ASCII letter (`K`, the Kelvin sign): the pattern
            // decides.
            Some(b) if !b.is_ascii() => true,
            Some(b) => starts.contains(&b.to_ascii_lowercase()),
        }
    }
}

fn marker_starts(words: &[String]) -> Option<Vec<u8>> {
    let mut starts = Vec::new();
    for word in words {
        match word.trim_start().bytes().next() {
            None => {}
            Some(b) if b.is_ascii_alphanumeric() => starts.push(b.to_ascii_lowercase()),
            Some(_) => return None,
        }
    }
    Some(starts)
}

/// Body "Updated" markers: whole lines matching `pattern`, outside code and comments.
pub fn date_markers(
    source: &str,
    start: usize,
    skip: &SkipSet,
    pattern: &MarkerPattern,
) -> Vec<DateMarker> {
    markers_on(
        source,
        skip,
        pattern,
        lines_with(source, start, &pattern.words),
    )
}

/// The lines from `start` on that hold a match of `words`, each once, in order: one search of
/// the whole text finds them, and the other lines are not looked at. After a line, the search
/// goes on from the next line's start, so a match that runs on into the next line (words
/// spaced by a line break) does not hide a match there.
fn lines_with<'a>(
    source: &'a str,
    start: usize,
    words: &'a Regex,
) -> impl Iterator<Item = Span> + 'a {
    lines_holding(source, start, |pos| {
        words.find_at(source, pos).map(|m| m.start())
    })
}

/// The lines from `start` on that hold an ASCII digit, in order: the digits are searched for
/// eight bytes at a time, and the lines without one are not looked at.
pub(crate) fn digit_lines(source: &str, start: usize) -> impl Iterator<Item = Span> + '_ {
    lines_holding(source, start, |pos| find_digit(source.as_bytes(), pos))
}

/// The lines from `start` on holding what `find(pos)` finds (its offset, at or after `pos`),
/// each once, in order. After a line, the search goes on from the next line's start.
fn lines_holding<'a>(
    source: &'a str,
    start: usize,
    find: impl Fn(usize) -> Option<usize> + 'a,
) -> impl Iterator<Item = Span> + 'a {
    let bytes = source.as_bytes();
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= source.len() {
            return None;
        }
        let at = find(pos)?;
        // `pos` starts a line: the line of the match starts after the last break before it.
        let line_start = bytes
            .get(pos..at)
            .and_then(|before| memchr::memrchr2(b'\n', b'\r', before))
            .map_or(pos, |i| pos + i + 1);
        let (line, next) = line_from(bytes, line_start);
        pos = next;
        Some(line)
    })
}

/// The date markers on `lines` of `source`.
fn markers_on(
    source: &str,
    skip: &SkipSet,
    pattern: &MarkerPattern,
    lines: impl Iterator<Item = Span>,
) -> Vec<DateMarker> {
    let mut out = Vec::new();
    for line in lines {
        let text = source.get(line.range()).unwrap_or("");
        // Whole-line pattern: the first letter, then the DFA rule most lines out before any
        // group is read.
        if text.len() > 200
            || !pattern.may_match(text)
            || !has_digit(text)
            || !pattern.regex.is_match(text)
        {
            continue;
        }
        let Some(caps) = pattern.regex.captures(text) else {
            continue;
        };
        let (Some(word), Some(value)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let Some(date) = date_text(value.as_str(), caps.get(3).map(|m| m.as_str())) else {
            continue;
        };
        let start = line.start() + value.start();
        let span = Span::new(start, start + date.len());
        if skip.overlaps(span) {
            continue;
        }
        let mut marker = DateMarker::new(
            DateSource::Body(word.as_str().to_string()),
            date.to_string(),
            span,
        );
        marker.line = line;
        out.push(marker);
    }
    out
}

/// Dashes that may open a clause after a date: `-`, `–`, `—`.
const DASHES: [char; 3] = ['-', '\u{2013}', '\u{2014}'];

/// The date text of a marker line whose value is `value` (a run of text from a digit on, with
/// its time) and `rest` the words after it, if any; `None` when the line is prose, not a marker
/// ("Updated 2026-03-04 by the team", "Updated 1.5 million times"). A date may end a sentence or
/// open a clause, which is no part of it: `2026-03-04.`, `2026-03-04, by Ana`, `2026-03-04;`,
/// `2026-03-04)`, `2026-03-04 — minor edits`, `2026-03-04—minor edits`. What is left is the
/// date text as written, for `invalid-date` to judge (`2026-3-4.` is read as `2026-3-4`).
fn date_text<'a>(value: &'a str, rest: Option<&str>) -> Option<&'a str> {
    let opens_words = |text: &str| {
        text.trim_start_matches(DASHES)
            .trim_start()
            .starts_with(char::is_alphabetic)
    };
    // `2026-03-04—minor edits`: a long dash in the run, then words (here or after a space).
    if let Some(at) = value.find(['\u{2013}', '\u{2014}'])
        && let (Some(date), Some(tail)) = (value.get(..at), value.get(at..))
        && !date.is_empty()
    {
        let after = tail.trim_start_matches(DASHES);
        if opens_words(tail) || (after.is_empty() && rest.is_some_and(&opens_words)) {
            return Some(date);
        }
    }
    // `2026-03-04.`, `2026-03-04, by Ana`: punctuation ends the run, whatever follows.
    let date = value.trim_end_matches(['.', ',', ';', ')']);
    if date.len() < value.len() {
        return Some(date).filter(|d| !d.is_empty());
    }
    match rest {
        None => Some(value),
        // `2026-03-04 - headcount from LinkedIn`: a dash, then words.
        Some(rest) if rest.starts_with(DASHES) && opens_words(rest) => Some(value),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_skip() -> SkipSet {
        SkipSet::default()
    }

    #[test]
    fn comments_table() {
        let text = "a %% x %% b %%y%% `%%` c %% open";
        let code = SkipSet::new(vec![Span::new(18, 22)]);
        let got: Vec<_> = comments(text, 0, &code)
            .iter()
            .map(|c| &text[c.span.range()])
            .collect();
        assert_eq!(got, ["%% x %%", "%%y%%", "%% open"]);
    }

    #[test]
    fn math_table() {
        let cases: &[(&str, &[&str])] = &[
            ("$x^2$ and [[L]]", &["$x^2$"]),
            ("$235M and $161M with [[Live]]", &[]),
            ("$6.6B in 2024 [[X]] $40B", &[]),
            ("$4.5B/$5B", &[]),
            ("$$\n[[in math]]\n$$ after", &["$$\n[[in math]]\n$$"]),
            ("\\$a$ $ b$", &[]),
            ("cost $5 and $ 6", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<_> = math(text, 0, &no_skip())
                .iter()
                .map(|s| &text[s.range()])
                .collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    /// Math spans found by trying every `$` against the rest of its line: the reference.
    fn math_by_trying_each(source: &str) -> Vec<Span> {
        let b = source.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let at = i;
            i += 1;
            if b[at] != b'$' || (at > 0 && b[at - 1] == b'\\') {
                continue;
            }
            if b.get(at + 1) == Some(&b'$') {
                match memchr::memmem::find(&b[at + 2..], b"$$") {
                    Some(close) => {
                        out.push(Span::new(at, at + 2 + close + 2));
                        i = at + 2 + close + 2;
                    }
                    None => i = at + 2,
                }
                continue;
            }
            let Some(&next) = b.get(at + 1) else { break };
            if next.is_ascii_whitespace() {
                continue;
            }
            let line_end = (at + 1..b.len())
                .find(|&e| b[e] == b'\n' || b[e] == b'\r')
                .unwrap_or(b.len());
            let closer = (at + 1..line_end).find(|&c| {
                b[c] == b'$'
                    && !b[c - 1].is_ascii_whitespace()
                    && b[c - 1] != b'\\'
                    && !b.get(c + 1).unwrap_or(&b' ').is_ascii_digit()
            });
            if let Some(c) = closer {
                out.push(Span::new(at, c + 1));
                i = c + 1;
            }
        }
        out
    }

    proptest::proptest! {
        /// Issue 26: the linear search finds what trying each `$` finds.
        #[test]
        fn math_is_found_as_by_trying_each_dollar(text in "[$ a1\\\n]{0,40}") {
            proptest::prop_assert_eq!(math(&text, 0, &no_skip()), math_by_trying_each(&text));
        }
    }

    #[test]
    fn a_line_of_many_dollar_figures_holds_no_math() {
        let line = (0..20_000)
            .map(|i| format!("${i}M"))
            .collect::<Vec<_>>()
            .join("|");
        assert!(math(&line, 0, &no_skip()).is_empty());
    }

    #[test]
    fn lines_handle_all_endings() {
        let text = "a\r\nb\rc\nd";
        let got: Vec<_> = lines(text, 0).map(|s| &text[s.range()]).collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
    }

    #[test]
    fn block_ids_table() {
        let text = "para ^key-quote\n^alone\nno^x\n- item ^i1  \n`code ^c`\n";
        let skip = SkipSet::new(vec![Span::new(41, 50)]);
        let got: Vec<_> = block_ids(text, 0, &skip)
            .into_iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(got, ["key-quote", "alone", "i1"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn block_ids_on_caret_lines_are_those_of_every_line(
            text in "(para| |\t|\\^|\\^id|\\^a-1|x\\^y|\n|\r\n|\r|é|-){0,16}",
            start in 0usize..6,
        ) {
            let start = (0..=start.min(text.len())).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
            let every_line = ids_on(&text, &no_skip(), lines(&text, start));
            let found = block_ids(&text, start, &no_skip());
            proptest::prop_assert_eq!(found, every_line);
        }
    }

    #[test]
    fn inline_tags_table() {
        let cases: &[(&str, &[&str])] = &[
            ("#actor #ai #opensource", &["actor", "ai", "opensource"]),
            ("see #ai/llm now", &["ai/llm"]),
            ("issue #123 and x#y and #2024-plan", &["2024-plan"]),
            ("(#a) #über", &["über"]),
            ("a # b", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<_> = inline_tags(text, Span::new(0, text.len()))
                .into_iter()
                .map(|t| t.name)
                .collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    /// The tags a plain regex scan finds: the reference for [`inline_tags`].
    fn tags_by_regex(source: &str, run: Span) -> Vec<Tag> {
        let text = source.get(run.range()).unwrap_or("");
        INLINE_TAG
            .captures_iter(text)
            .filter_map(|caps| {
                let (all, name) = (caps.get(0)?, caps.get(1)?);
                tag_at(source, run.start() + all.start(), name.as_str())
            })
            .collect()
    }

    proptest::proptest! {
        /// Reading ASCII names by hand finds the tags the regex finds.
        #[test]
        fn tags_read_by_hand_are_the_regex_tags(
            text in r"(#|##| |\t|a|Z|7|_|/|-|ü|ß|é|\u{301}|٣|Ⅻ|🦀|✅|\u{200d}|\.|,|\n){0,20}",
            from in 0usize..4,
        ) {
            let from = (0..=from.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let run = Span::new(from, text.len());
            proptest::prop_assert_eq!(inline_tags(&text, run), tags_by_regex(&text, run));
        }
    }

    #[test]
    fn date_markers_table() {
        let words = vec!["Updated".to_string(), "Last updated".to_string()];
        let re = marker_regex(&words).unwrap();
        // (line, the date text and the name messages give the marker)
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("*Updated 2026-01-01*", Some(("2026-01-01", "Updated"))),
            ("Updated: 2026-01-01", Some(("2026-01-01", "Updated"))),
            ("_Updated: 2026-01-01_", Some(("2026-01-01", "Updated"))),
            (
                "**Last updated:** 2026-01-01",
                Some(("2026-01-01", "Last updated")),
            ),
            (
                "last UPDATED 2026-01-01",
                Some(("2026-01-01", "Last UPDATED")),
            ),
            (
                "last \t updated 2026-01-01",
                Some(("2026-01-01", "Last updated")),
            ),
            ("*updated 2025-02-30*", Some(("2025-02-30", "Updated"))),
            ("Updated 2026-1-5x", Some(("2026-1-5x", "Updated"))),
            (
                "Updated 2026-01-01T10:00:00Z",
                Some(("2026-01-01T10:00:00Z", "Updated")),
            ),
            (
                "Updated 2026-01-01 10:00",
                Some(("2026-01-01 10:00", "Updated")),
            ),
            ("The page was updated on 2024-07-23.", None),
            ("Updated regularly", None),
            ("Founded 2016-03-01", None),
        ];
        for (line, want) in cases {
            let got = date_markers(line, 0, &no_skip(), &re);
            let got = got.first().map(|m| (m.raw.as_str(), m.name()));
            assert_eq!(
                got.as_ref().map(|(raw, name)| (*raw, name.as_str())),
                *want,
                "{line:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn marker_lines_are_the_lines_with_marker_words(
            text in "(Updated|updated:|UPDATED|Last|last |Last updated|Last\nupdated|2026-01-01| 2024-07-23|10:00|\\*\\*|_|> |- | |\t|x|Upd|\n|\r\n|\r|é|\u{17f}tand){0,14}",
            start in 0usize..8,
            stand in proptest::bool::ANY,
        ) {
            let mut words = vec!["Updated".to_string(), "Last updated".to_string()];
            if stand {
                words.push("Stand".to_string());
            }
            let pattern = marker_regex(&words).unwrap();
            let start = (0..=start.min(text.len())).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
            let every_line = markers_on(&text, &no_skip(), &pattern, lines(&text, start));
            let found = date_markers(&text, start, &no_skip(), &pattern);
            let spans = |m: &[DateMarker]| m.iter().map(|m| (m.span, m.raw.clone())).collect::<Vec<_>>();
            proptest::prop_assert_eq!(spans(&found), spans(&every_line));
        }
    }

    #[test]
    fn marker_lines_after_a_match_across_lines() {
        let words = vec!["Last updated".to_string(), "Updated".to_string()];
        let pattern = marker_regex(&words).unwrap();
        let text = "Last\nupdated 2026-01-01\r\nx\rUpdated 2025-01-01";
        let found = date_markers(text, 0, &no_skip(), &pattern);
        let got: Vec<&str> = found.iter().map(|m| m.raw.as_str()).collect();
        assert_eq!(got, ["2026-01-01", "2025-01-01"]);
    }

    #[test]
    fn issue_28_a_date_may_end_a_sentence() {
        let re = marker_regex(&["Updated".to_string(), "Last updated".to_string()]).unwrap();
        // (line, the date text read, or `None` when the line is no marker)
        let cases: &[(&str, Option<&str>)] = &[
            ("*Updated 2026-03-04.*", Some("2026-03-04")),
            ("Updated 2026-03-04.", Some("2026-03-04")),
            (
                "Updated 2026-03-04, after the funding round.",
                Some("2026-03-04"),
            ),
            (
                "_Last updated: 2026-03-04; figures from the filing_",
                Some("2026-03-04"),
            ),
            ("> Updated 2026-03-04)", Some("2026-03-04")),
            ("*Updated 2026-03-04).*", Some("2026-03-04")),
            ("Updated 2026-01-01 10:00.", Some("2026-01-01 10:00")),
            (
                "Updated 2026-01-01T10:00:00Z, by Ana",
                Some("2026-01-01T10:00:00Z"),
            ),
            (
                "*Updated 2026-03-04 - headcount from LinkedIn*",
                Some("2026-03-04"),
            ),
            (
                "**Updated:** 2026-03-04 — funding round added",
                Some("2026-03-04"),
            ),
            ("Updated 2026-03-04 – minor edits", Some("2026-03-04")),
            ("Updated 2026-03-04—minor edits", Some("2026-03-04")),
            // Still read, and still reported by `invalid-date`.
            ("*Updated 2026-13-45.*", Some("2026-13-45")),
            ("Updated 2026-3-4, from the blog", Some("2026-3-4")),
            ("Updated 2026-3-4", Some("2026-3-4")),
            ("Updated 2026-1-5x", Some("2026-1-5x")),
            ("Updated 05/01/2026.", Some("05/01/2026")),
            // Words without punctuation, a dash before a number, a number that is no date.
            ("Updated 2026-03-04 by the research team", None),
            ("Updated 2026-03-04 - 2026-03-05", None),
            ("Updated 2026-03-04 -", None),
            ("Updated 1.5 million times", None),
            ("Updated 2026-03-04 (Q1 review)", None),
        ];
        for (line, want) in cases {
            let got = date_markers(line, 0, &no_skip(), &re);
            let raw = got.first().map(|m| m.raw.as_str());
            assert_eq!(raw, *want, "{line:?}");
            if let Some(m) = got.first() {
                assert_eq!(&line[m.span.range()], m.raw, "{line:?}");
            }
        }
    }

    #[test]
    fn field_dates_are_named_after_their_key() {
        let named = |key: &str| {
            DateMarker::new(
                DateSource::Field(key.to_string()),
                "2026-01-01".to_string(),
                Span::new(0, 10),
            )
            .name()
        };
        assert_eq!(named("updated"), "Updated");
        assert_eq!(named("last_updated"), "Last updated");
        assert_eq!(named("last-updated"), "Last updated");
        assert_eq!(named("modified"), "Modified");
        assert_eq!(named("überprüft"), "Überprüft");
        assert_eq!(named(""), "");
    }

    #[test]
    fn no_marker_words_match_nothing() {
        let re = marker_regex(&[]).unwrap();
        assert!(date_markers("Updated 2026-01-01", 0, &no_skip(), &re).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn has_digit_agrees_with_a_byte_scan(text in "\\PC{0,40}", digit in proptest::option::of(0usize..40)) {
            let mut text = text;
            if let Some(at) = digit.filter(|at| text.is_char_boundary(*at)) {
                text.insert(at, '7');
            }
            proptest::prop_assert_eq!(has_digit(&text), text.bytes().any(|b| b.is_ascii_digit()));
        }
    }

    proptest::proptest! {
        #[test]
        fn digit_lines_are_the_lines_with_a_digit(
            text in "(word|x|é|7|42|\n|\r\n|\r| |\t){0,24}",
            start in 0usize..6,
        ) {
            let start = (0..=start.min(text.len())).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
            let with_digit: Vec<Span> = lines(&text, start)
                .filter(|l| text.get(l.range()).is_some_and(has_digit))
                .collect();
            proptest::prop_assert_eq!(digit_lines(&text, start).collect::<Vec<_>>(), with_digit);
        }

        #[test]
        fn find_digit_finds_the_first(text in "\\PC{0,40}", from in 0usize..44) {
            let want = text.bytes().enumerate().skip(from).find(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i);
            proptest::prop_assert_eq!(find_digit(text.as_bytes(), from), want);
        }
    }

    #[test]
    fn has_digit_sees_every_digit_and_nothing_else() {
        for b in 0..=255u8 {
            let mut bytes = vec![b'a'; 19];
            for at in [0, 7, 8, 15, 18] {
                bytes[at] = b;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                assert_eq!(has_digit(&text), b.is_ascii_digit(), "{b:#x} at {at}");
                bytes[at] = b'a';
            }
        }
    }

    #[test]
    fn first_letter_filter_never_hides_a_marker() {
        let found = |words: &[&str], line: &str| {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            date_markers(line, 0, &no_skip(), &marker_regex(&words).unwrap()).len()
        };
        assert_eq!(found(&["Updated"], "> - **updated:** 2026-01-01"), 1);
        assert_eq!(found(&["Updated"], "\u{a0}Updated 2026-01-01"), 1);
        assert_eq!(found(&["Updated"], "Noted 2026-01-01"), 0);
        // Case folding reaches past ASCII: the long s folds to `s`.
        assert_eq!(found(&["Stand"], "\u{17f}tand 2026-01-01"), 1);
        // Words that start with a symbol or a digit.
        assert_eq!(found(&["*Rev"], "*Rev 2026-01-01"), 1);
        assert_eq!(found(&["2nd review"], "2nd review 2026-01-01"), 1);
        assert_eq!(found(&["Édité"], "édité 2026-01-01"), 1);
    }

    #[test]
    fn marker_words_are_literal_and_size_limited() {
        // Words come from configuration: regex syntax in them is text, not pattern.
        let words = [
            "Rev.(x)*".to_string(),
            "a|b".to_string(),
            r"\d+".to_string(),
        ];
        let re = marker_regex(&words).unwrap();
        let found = |line: &str| date_markers(line, 0, &no_skip(), &re).len();
        assert_eq!(found("Rev.(x)* 2026-01-01"), 1);
        assert_eq!(found("Revx 2026-01-01"), 0);
        assert_eq!(found("a|b 2026-01-01"), 1);
        assert_eq!(found("a 2026-01-01"), 0);
        assert_eq!(found(r"\d+ 2026-01-01"), 1);
        assert_eq!(found("12 2026-01-01"), 0);
        // A pattern past the size limit is an error to report, not a hang or a panic.
        let huge: Vec<String> = (0..20_000)
            .map(|i| format!("word{i} \u{e9}t\u{e9}"))
            .collect();
        let started = std::time::Instant::now();
        assert!(marker_regex(&huge).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn skip_set_overlap() {
        let s = SkipSet::new(vec![
            Span::new(10, 20),
            Span::new(15, 25),
            Span::new(30, 31),
        ]);
        assert_eq!(s.spans(), [Span::new(10, 25), Span::new(30, 31)]);
        assert!(s.overlaps(Span::new(24, 26)));
        assert!(!s.overlaps(Span::new(25, 30)));
        assert!(s.contains(30));
        assert!(!s.contains(31));
    }
}
