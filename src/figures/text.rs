//! Figures written in running text, one line at a time: bold-label lines
//! (`**Employees:** 600`), stated totals (`**$396M total:**`, `Total: $396M`) and a few prose
//! patterns next to a known label (`$4.5B valuation`, `valued at $4.5B`, `has raised $396M`,
//! `600 employees`, `$65B market cap`).
//!
//! Owns the sentence-level heuristics that keep prose quiet: a sentence that compares, links to
//! another note, names another entity's possession, speaks of a target or a rumour, or states
//! the same label twice (a change over time) yields no prose figure. Does not own tables or
//! how stated totals become figures (`extract.rs`).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use hashbrown::{HashMap, HashSet};

use super::input::{Input, Stated, is_total_label};
use super::period::find_periods;
use super::quantity::{Found, converted, find_quantities};
use super::value::{Synonyms, split_qualifier};
use super::words::{
    ABBREVIATIONS, AFTER_DENY, BEFORE_DENY, CHANGE_VERBS, COUNT_FOLLOW, COUNT_LABELS,
    GENERIC_OWNERS, LABEL_CONNECTORS, MONEY_LABELS, NARROWING, PART_MARKERS, SENTENCE_DENY,
};
use crate::model::figure::{Amount, Figure, FigureSource, Unit};
use crate::model::span::Span;

/// One line of the body, outside tables and headings.
pub(crate) struct Line<'a> {
    pub start: usize,
    pub text: &'a str,
    pub section: Option<usize>,
}

/// [`SENTENCE_DENY`], hashed: every word of a sentence with a figure is looked up in it.
static SENTENCE_DENY_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| SENTENCE_DENY.iter().copied().collect());

/// Reads the figures and stated totals of one line.
pub(crate) fn read_line(
    input: &Input<'_>,
    line: &Line<'_>,
    own: &mut Vec<Figure>,
    stated: &mut Vec<Stated>,
) {
    let text = line.text;
    // Figures need a label: a bold one, a total, or a known phrase somewhere in the line.
    let content =
        text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '+' | '>'));
    let lower_start = content.get(..5).unwrap_or(content).to_ascii_lowercase();
    if !(content.starts_with(|c: char| matches!(c, '*' | '_' | '[' | '0'..='9'))
        || lower_start.starts_with("total")
        || lower_start.starts_with("sum")
        || text.contains("total")
        || text.contains("Total")
        || input.synonyms.may_name(text))
    {
        return;
    }
    let found = find_quantities(text);
    if found.is_empty() {
        return;
    }
    let usable: Vec<bool> = found
        .iter()
        .map(|f| {
            let span = abs(line, &f.span);
            !input.skip.overlaps(span) && !input.link_set.overlaps(span)
        })
        .collect();
    let sentences = sentences(text, &found);
    let cx = LineCx::new(input, line, &found, &sentences);
    // At most one figure per line is read as a bold label or a stated total.
    let mut taken = None;
    let mut label_figure = None;
    let rest = content_start(text);
    let content = text.get(rest..).unwrap_or("");

    if let Some(bold) = bold_label(content)
        && bold.colon
        && let Some(label) = content.get(bold.label.clone())
    {
        let label_range = rest + bold.label.start..rest + bold.label.end;
        let in_label: Vec<usize> = (0..found.len())
            .filter(|&i| {
                found
                    .get(i)
                    .is_some_and(|f| overlaps(&f.span, &label_range))
            })
            .collect();
        match in_label.as_slice() {
            [i] if found
                .get(*i)
                .is_some_and(|f| f.span.start == label_range.start) =>
            {
                let tail = found
                    .get(*i)
                    .and_then(|f| text.get(f.span.end..label_range.end))
                    .unwrap_or("");
                if usable.get(*i) == Some(&true) && is_total_tail(tail) {
                    taken = Some(*i);
                    stated.extend(cx.stated(*i, false));
                }
            }
            [] => {
                if let Some(i) = cx.first_at(rest + bold.end, &usable) {
                    taken = Some(i);
                    label_figure = cx.bold_label(label, i, stated);
                }
            }
            _ => {}
        }
    } else if let Some((label, after)) = plain_total(content)
        && let Some(i) = cx.first_at(rest + after, &usable)
    {
        taken = Some(i);
        label_figure = cx.bold_label(label, i, stated);
    } else if let Some(i) = cx.first_at(rest, &usable)
        && let Some(f) = found.get(i)
        && is_total_tail(text.get(f.span.end..).unwrap_or(""))
    {
        taken = Some(i);
        stated.extend(cx.stated(i, false));
    }

    // Prose: candidates first, so that a sentence naming one label twice can drop them all.
    let mut prose: Vec<(usize, usize, String, bool)> = Vec::new();
    for i in 0..found.len() {
        if taken == Some(i) || usable.get(i) != Some(&true) {
            continue;
        }
        let Some(s) = cx.sentence_of(i) else {
            continue;
        };
        if let Some((label, kept)) = cx.prose_label(i, s) {
            prose.push((i, s, label, kept));
        }
    }
    // A value next to a bare value of the same kind is one of a list (`1,150 at year end,
    // 1,200 now`, `1,200 (up from 700)`): which one is current is not known.
    if prose.is_empty() && label_figure.is_none() {
        return;
    }
    let mut labelled = vec![false; found.len()];
    for i in prose.iter().map(|p| p.0).chain(taken) {
        if let Some(slot) = labelled.get_mut(i) {
            *slot = true;
        }
    }
    // A bare value of the same unit in the same sentence. The figures of one sentence are
    // next to one another: only those are looked at. (At most one figure per label and
    // sentence is asked about, as one named twice is dropped first: this stays linear.)
    let listed = |i: usize| {
        let (Some(f), Some(s)) = (found.get(i), cx.sentence_of(i)) else {
            return true;
        };
        let in_sentence = |j: &usize| cx.sentence_of(*j) == Some(s);
        let before = (0..i).rev().take_while(in_sentence);
        let after = (i + 1..found.len()).take_while(in_sentence);
        before.chain(after).any(|j| {
            labelled.get(j) == Some(&false)
                && found.get(j).is_some_and(|g| {
                    g.quantity.unit == f.quantity.unit
                        && !is_included_part(text.get(..g.span.start).unwrap_or(""))
                })
        })
    };
    if let (Some(fig), Some(i)) = (label_figure, taken)
        && !listed(i)
    {
        own.push(fig);
    }
    // How many prose figures of a sentence share a label: counted in a table only when a
    // line has many.
    let mut per_label: HashMap<(usize, &str), usize> = HashMap::new();
    if prose.len() > 8 {
        for (_, s, label, _) in &prose {
            *per_label.entry((*s, label.as_str())).or_default() += 1;
        }
    }
    let twice = |s: usize, label: &str| {
        if prose.len() > 8 {
            per_label.get(&(s, label)).is_some_and(|n| *n > 1)
        } else {
            prose
                .iter()
                .filter(|(_, s2, l2, _)| *s2 == s && l2 == label)
                .count()
                > 1
        }
    };
    for (i, s, label, kept) in &prose {
        if *kept
            && !twice(*s, label)
            && !listed(*i)
            && let Some(fig) = cx.figure(*i, label.clone(), None, FigureSource::Prose)
        {
            own.push(fig);
        }
    }
}

/// Whether the value after `before` is a part of the one stated before it (`$2.4B, including
/// the $1.3B Series E`), not another value of the same metric.
fn is_included_part(before: &str) -> bool {
    words_back(before)
        .take(3)
        .any(|w| PART_MARKERS.iter().any(|m| w.eq_ignore_ascii_case(m)))
}

/// `**Label:**`, `**Label**:` or `__Label:__` at the start of a line's content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BoldLabel {
    /// The label, without the colon.
    label: Range<usize>,
    /// Whether a colon follows the label, inside the emphasis or right after it.
    colon: bool,
    /// Where the label's markup ends: after the closing `**`, spaces and colon.
    end: usize,
}

/// The bold label `content` starts with: the shortest run of 1 to 80 chars other than `*`,
/// `_` and newline that an optional colon, spaces and a closing `**` or `__` follow. The
/// closing pair may be followed by spaces and a colon.
fn bold_label(content: &str) -> Option<BoldLabel> {
    if !(content.starts_with("**") || content.starts_with("__")) {
        return None;
    }
    let body = content.get(2..)?;
    // Neither the label nor what follows it holds a `*` or `_`: the closing pair is the first.
    let close = body.find(['*', '_'])?;
    let after = body.get(close..)?;
    let after = after
        .strip_prefix("**")
        .or_else(|| after.strip_prefix("__"))?;
    // The shortest label leaves the longest colon-then-spaces tail; it is one char at least.
    let run = body.get(..close)?;
    let spaced = run.trim_end();
    let unspaced = spaced.strip_suffix(':').unwrap_or(spaced);
    let label_end = if unspaced.is_empty() {
        run.chars().next()?.len_utf8()
    } else {
        unspaced.len()
    };
    let label = run.get(..label_end)?;
    if label.contains('\n') || label.chars().nth(80).is_some() {
        return None;
    }
    let inner_colon = run.get(label_end..)?.starts_with(':');
    let after = after.trim_start();
    let outer_colon = after.starts_with(':');
    Some(BoldLabel {
        label: 2..2 + label_end,
        colon: inner_colon || outer_colon,
        end: content.len() - after.len() + usize::from(outer_colon),
    })
}

/// Where a line's content starts after its quote, list and task markers (`> - [x] `).
fn content_start(text: &str) -> usize {
    let bytes = text.as_bytes();
    let spaces = |at: usize| at + text.get(at..).map_or(0, |r| r.len() - r.trim_start().len());
    let mut at = spaces(0);
    while bytes.get(at) == Some(&b'>') {
        at = spaces(at + 1);
    }
    let list = match bytes.get(at) {
        Some(b'-' | b'*' | b'+') => Some(at + 1),
        Some(b) if b.is_ascii_digit() => {
            let digits = at
                + bytes
                    .get(at..)
                    .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count());
            matches!(bytes.get(digits), Some(b'.' | b')')).then_some(digits + 1)
        }
        _ => None,
    };
    if let Some(end) = list
        && spaces(end) > end
    {
        at = spaces(end);
    }
    // A task box: `[`, one char, `]`, spaces.
    if bytes.get(at) == Some(&b'[')
        && let Some(c) = text.get(at + 1..).and_then(|r| r.chars().next())
        && c != '\n'
        && bytes.get(at + 1 + c.len_utf8()) == Some(&b']')
    {
        let end = at + 2 + c.len_utf8();
        if spaces(end) > end {
            at = spaces(end);
        }
    }
    at
}

/// The label of a plain stated total (`Total: `, `Total raised: `, `Sum: `, any case) and
/// where its value may start.
fn plain_total(content: &str) -> Option<(&str, usize)> {
    let word = |at: usize, w: &str| {
        content
            .get(at..at + w.len())
            .filter(|s| s.eq_ignore_ascii_case(w))
            .map(|_| at + w.len())
    };
    let colon = |at: usize| {
        let rest = content.get(at..)?.trim_start().strip_prefix(':')?;
        Some(content.len() - rest.trim_start().len())
    };
    let label_end = if let Some(total) = word(0, "total") {
        let spaced = content.len() - content.get(total..)?.trim_start().len();
        match word(spaced, "raised").filter(|_| spaced > total) {
            Some(raised) if colon(raised).is_some() => raised,
            _ => total,
        }
    } else {
        word(0, "sum")?
    };
    Some((content.get(..label_end)?, colon(label_end)?))
}

/// Whether what follows a stated total's value says it is one: `total:`, `in total`,
/// `total raised**:`.
fn is_total_tail(tail: &str) -> bool {
    fn strip<'t>(s: &'t str, w: &str) -> Option<&'t str> {
        s.get(..w.len())
            .filter(|p| p.eq_ignore_ascii_case(w))
            .and_then(|_| s.get(w.len()..))
    }
    let mut rest = tail.trim_start();
    if let Some(after) = strip(rest, "in").filter(|a| a.starts_with(char::is_whitespace)) {
        rest = after.trim_start();
    }
    let Some(after) = strip(rest, "total") else {
        return false;
    };
    rest = after;
    if rest.starts_with(char::is_whitespace)
        && let Some(after) = strip(rest.trim_start(), "raised")
    {
        rest = after;
    }
    rest = rest.trim_start();
    rest = rest
        .strip_prefix("**")
        .or_else(|| rest.strip_prefix("__"))
        .unwrap_or(rest)
        .trim_start();
    rest.strip_prefix(':').unwrap_or(rest).trim().is_empty()
}

struct LineCx<'a> {
    input: &'a Input<'a>,
    line: &'a Line<'a>,
    found: &'a [Found],
    sentences: &'a [Range<usize>],
    /// Per figure, the sentence it starts in.
    sentence: Vec<Option<usize>>,
    /// [`LineCx::sentence_denied`] per sentence, computed on first use.
    denied: Vec<OnceCell<bool>>,
    /// [`LineCx::masked`] lower-cased per sentence, computed on first use.
    lowered: Vec<OnceCell<String>>,
}

impl<'a> LineCx<'a> {
    fn new(
        input: &'a Input<'a>,
        line: &'a Line<'a>,
        found: &'a [Found],
        sentences: &'a [Range<usize>],
    ) -> Self {
        LineCx {
            input,
            line,
            found,
            sentences,
            // Sentences are in order and do not overlap.
            sentence: found
                .iter()
                .map(|f| {
                    let i = sentences.partition_point(|s| s.end <= f.span.start);
                    sentences
                        .get(i)
                        .is_some_and(|s| s.contains(&f.span.start))
                        .then_some(i)
                })
                .collect(),
            denied: sentences.iter().map(|_| OnceCell::new()).collect(),
            lowered: sentences.iter().map(|_| OnceCell::new()).collect(),
        }
    }
}

impl LineCx<'_> {
    /// The usable figure starting at `at`, emphasis and spaces aside.
    fn first_at(&self, at: usize, usable: &[bool]) -> Option<usize> {
        let i = self.found.iter().position(|f| f.span.start >= at)?;
        let f = self.found.get(i)?;
        let gap = self.line.text.get(at..f.span.start)?;
        (usable.get(i) == Some(&true)
            && gap
                .chars()
                .all(|c| c.is_whitespace() || c == '*' || c == '_'))
        .then_some(i)
    }

    fn amount(&self, i: usize) -> Option<Amount> {
        let f = self.found.get(i)?;
        Some(Amount {
            quantity: f.quantity,
            text: self.line.text.get(f.span.clone())?.to_owned(),
            span: abs(self.line, &f.span),
        })
    }

    fn stated(&self, i: usize, is_figure: bool) -> Option<Stated> {
        Some(Stated {
            amount: self.amount(i)?,
            line_end: self.line.start + self.line.text.len(),
            section: self.line.section,
            is_figure,
        })
    }

    /// `**Label:** value`: the label names the figure (or a stated total).
    fn bold_label(&self, label: &str, i: usize, stated: &mut Vec<Stated>) -> Option<Figure> {
        let (name, qualifier) = split_qualifier(label);
        if is_total_label(&name) {
            stated.extend(self.stated(i, false));
            return None;
        }
        if name.split(' ').count() > 6 || !name.chars().any(char::is_alphabetic) {
            return None;
        }
        if self.sentence_denied(self.sentence_of(i)?) {
            return None;
        }
        let canonical = self.input.synonyms.canonical(&name);
        if !unit_fits(&canonical, self.found.get(i).map(|f| f.quantity.unit)) {
            return None;
        }
        if canonical == "total raised" {
            stated.extend(self.stated(i, true));
        }
        self.figure(i, canonical, qualifier, FigureSource::BoldLabel)
    }

    fn figure(
        &self,
        i: usize,
        label: String,
        qualifier: Option<String>,
        source: FigureSource,
    ) -> Option<Figure> {
        let amount = self.amount(i)?;
        let qualifier = qualifier.or_else(|| self.nearest_period(i));
        Some(Figure {
            label,
            qualifier,
            quantity: amount.quantity,
            text: amount.text,
            span: amount.span,
            source,
            section: self.line.section,
            scope: None,
            converted: converted(self.line.text, self.found, i),
        })
    }

    fn sentence_of(&self, i: usize) -> Option<usize> {
        self.sentence.get(i).copied().flatten()
    }

    /// The sentence's text with every figure blanked out (so `more than 600` is no comparison):
    /// each char of a figure becomes one space.
    fn masked(&self, s: usize) -> String {
        let Some(range) = self.sentences.get(s) else {
            return String::new();
        };
        let text = self.line.text;
        let mut out = String::with_capacity(range.len());
        let mut at = range.start;
        // Figures are in order and do not overlap: only those within the sentence are read.
        let first = self.found.partition_point(|f| f.span.end <= range.start);
        for f in self.found.get(first..).unwrap_or(&[]) {
            if f.span.start >= range.end {
                break;
            }
            let (start, end) = (f.span.start.max(at), f.span.end.min(range.end));
            if start >= end {
                continue;
            }
            out.push_str(text.get(at..start).unwrap_or(""));
            let blanked = text.get(start..end).unwrap_or("").chars().count();
            out.extend(std::iter::repeat_n(' ', blanked));
            at = end;
        }
        out.push_str(text.get(at..range.end).unwrap_or(""));
        out
    }

    /// [`LineCx::masked`], lower-cased, read once per sentence.
    fn lowered(&self, s: usize) -> Cow<'_, str> {
        match self.lowered.get(s) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| self.masked(s).to_lowercase())),
            None => Cow::Owned(self.masked(s).to_lowercase()),
        }
    }

    /// Comparisons, plans, links and other owners keep a sentence's figures out.
    fn sentence_denied(&self, s: usize) -> bool {
        match self.denied.get(s) {
            Some(cell) => *cell.get_or_init(|| self.compute_denied(s)),
            None => true,
        }
    }

    fn compute_denied(&self, s: usize) -> bool {
        let Some(range) = self.sentences.get(s) else {
            return true;
        };
        let span = abs(self.line, range);
        if self.input.link_set.overlaps(span) {
            return true;
        }
        let masked = self.lowered(s);
        for word in masked.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
            if SENTENCE_DENY_SET.contains(word) {
                return true;
            }
            let owner = word
                .strip_suffix("'s")
                .or_else(|| word.strip_suffix("’s"))
                .filter(|o| !o.is_empty());
            if let Some(owner) = owner
                && !GENERIC_OWNERS.contains(&owner)
                // `Hugging Face's` ends the note's name `hugging face`.
                && !self
                    .input
                    .names
                    .iter()
                    .any(|n| {
                        n.strip_suffix(owner)
                            .is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
                    })
            {
                return true;
            }
        }
        false
    }

    /// The label next to a prose figure, if any, and whether the figure is the note's own
    /// current value under it (a denied one still counts for "this sentence names it twice").
    fn prose_label(&self, i: usize, s: usize) -> Option<(String, bool)> {
        let (before, after) = self.around(i, s)?;
        if !may_have_label(before, after, self.input.synonyms) {
            return None;
        }
        self.read_prose_label(i, s)
    }

    /// The text of sentence `s` before and after figure `i`.
    fn around(&self, i: usize, s: usize) -> Option<(&str, &str)> {
        let f = self.found.get(i)?;
        let range = self.sentences.get(s)?;
        let text = self.line.text;
        Some((
            text.get(range.start..f.span.start)?,
            text.get(f.span.end..range.end)?,
        ))
    }

    /// [`LineCx::prose_label`] without its quick test first: every phrase next to the value
    /// is tried.
    fn read_prose_label(&self, i: usize, s: usize) -> Option<(String, bool)> {
        let f = self.found.get(i)?;
        let (before, after) = self.around(i, s)?;
        let syn = self.input.synonyms;
        let unit = Some(f.quantity.unit);
        let words = words_before(before, 6);
        let prior = words.get(words.len().saturating_sub(2)..).unwrap_or(&[]);
        let denied_before = prior.iter().any(|w| BEFORE_DENY.contains(&&**w));
        // `$4.5B valuation`, `$5M in revenue`.
        let next = words_after(after, 5);
        let skip_in = usize::from(next.first().is_some_and(|w| w == "in"));
        let tail = next.get(skip_in..).unwrap_or(&[]);
        // Every phrase tried below starts with the word next to the value: one cheap probe
        // rules most values out.
        let tail = if tail.first().is_some_and(|w| syn.has_word(w)) {
            tail
        } else {
            &[]
        };
        // A phrase with a word of no known phrase is no known phrase: `lookup` would say so
        // after joining and splitting it again.
        let tail_known: Vec<bool> = tail.iter().take(3).map(|w| syn.has_word(w)).collect();
        for k in (1..=tail.len().min(3)).rev() {
            if !tail_known
                .get(..k)
                .is_some_and(|known| known.iter().all(|&k| k))
            {
                continue;
            }
            let phrase = tail.get(..k)?.join(" ");
            let Some(label) = syn.lookup(&phrase) else {
                continue;
            };
            let follow = tail.get(k).map(|w| &**w);
            // A headcount is a whole clause (`600 employees.`, `600 employees across three
            // offices`); `500 employees work in sales` is a part of it.
            let partial_count = COUNT_LABELS.contains(&label)
                && follow.is_some_and(|w| !COUNT_FOLLOW.contains(&w) && !period_follows(after, w));
            let bad = denied_before
                || partial_count
                || follow.is_some_and(|w| AFTER_DENY.contains(&w))
                || follow.is_some_and(|w| NARROWING.contains(&w) && !period_follows(after, w))
                || !unit_fits(label, unit)
                || (label == "employees" && prior.iter().any(|w| CHANGE_VERBS.contains(&&**w)))
                || (label == "total raised" && !self.cumulative(s, &phrase, None));
            return Some((label.to_owned(), !bad && !self.sentence_denied(s)));
        }
        // `valuation of $4.5B`, `valued at $4.5B`, `has raised $396M`.
        let mut stripped = words.len();
        while stripped > 0
            && words
                .get(stripped - 1)
                .is_some_and(|w| LABEL_CONNECTORS.contains(&&**w))
        {
            stripped -= 1;
        }
        // Whether each word is a word of a known phrase, looked up when a window needs it:
        // most values have no known word right before them, and then no other is read.
        let known: Vec<OnceCell<bool>> = words.iter().map(|_| OnceCell::new()).collect();
        let is_known = |i: usize| match (known.get(i), words.get(i)) {
            (Some(cell), Some(w)) => *cell.get_or_init(|| syn.has_word(w)),
            _ => false,
        };
        let ends_known = |end: usize| end.checked_sub(1).is_some_and(is_known);
        let (full, stripped) = (
            if ends_known(words.len()) {
                words.len()
            } else {
                0
            },
            if ends_known(stripped) { stripped } else { 0 },
        );
        let windows = (1..=full.min(4)).rev().map(|k| (full - k, full)).chain(
            (1..=stripped.min(3))
                .rev()
                .map(|k| (stripped - k, stripped)),
        );
        for (from, to) in windows {
            if !(from..to).all(is_known) {
                continue;
            }
            let phrase = words.get(from..to)?.join(" ");
            let Some(label) = syn.lookup(&phrase) else {
                continue;
            };
            let owner = from.checked_sub(1).and_then(|j| words.get(j)).map(|w| &**w);
            let bad = owner.is_some_and(|w| BEFORE_DENY.contains(&w))
                || !unit_fits(label, unit)
                || (label == "total raised" && !self.cumulative(s, &phrase, owner));
            return Some((label.to_owned(), !bad && !self.sentence_denied(s)));
        }
        None
    }

    /// `raised` alone may be one round; the total needs `has raised`, `to date`, `in total` …
    fn cumulative(&self, s: usize, phrase: &str, before: Option<&str>) -> bool {
        let masked = self.lowered(s);
        let round = [
            "series",
            "round",
            "seed",
            "tranche",
            "ipo",
            "extension",
            "debt",
            "loan",
            "grant",
            "bridge",
            "convertible",
        ];
        if masked
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| round.contains(&w))
        {
            return false;
        }
        phrase.contains("total")
            || phrase.contains("to date")
            || before.is_some_and(|w| matches!(w, "has" | "have" | "had"))
            || [
                "to date",
                "in total",
                "so far",
                "altogether",
                "cumulative",
                "total of",
            ]
            .iter()
            .any(|m| masked.contains(m))
    }

    /// The period closest to figure `i` in its sentence, outside every figure.
    fn nearest_period(&self, i: usize) -> Option<String> {
        let f = self.found.get(i)?;
        let range = self.sentences.get(self.sentence_of(i)?)?;
        let text = self.line.text.get(range.clone())?;
        find_periods(text)
            .into_iter()
            .map(|(r, p)| (range.start + r.start..range.start + r.end, p))
            .filter(|(r, _)| {
                // Figures are in order: only the one ending first after `r` starts may overlap it.
                let k = self.found.partition_point(|g| g.span.end <= r.start);
                !self.found.get(k).is_some_and(|g| overlaps(&g.span, r))
            })
            .min_by_key(|(r, _)| {
                if r.start >= f.span.end {
                    r.start - f.span.end
                } else {
                    f.span.start.saturating_sub(r.end)
                }
            })
            .map(|(_, p)| p)
    }
}

/// Whether a value with `before` and `after` it in its sentence may have a prose label, as
/// [`LineCx::prose_label`] reads one: every phrase it tries starts with the word right after
/// the value (past an `in`), or ends with the word right before it, or with the last word
/// before the connectors there (`valued at`). Most values have no word at either side that
/// can start or end a known phrase (`24% of the team`, `grew 105% in 2024`): this looks at
/// those two words alone, not at the six before and five after.
fn may_have_label(before: &str, after: &str, syn: &Synonyms) -> bool {
    let mut next = words_on(after).map(lower);
    let first = next.next();
    let first = match first {
        Some(w) if w == "in" => next.next(),
        other => other,
    };
    if first.is_some_and(|w| syn.may_start_key(&w)) {
        return true;
    }
    // A connector there means looking further back: left to the full reading.
    words_back(before)
        .next()
        .map(lower)
        .is_some_and(|w| LABEL_CONNECTORS.contains(&&*w) || syn.may_end_key(&w))
}

/// Byte ranges of the sentences of a line: split after `;`, `!`, `?`, `|`, a spaced dash, and
/// a `.` followed by a space (not after `approx.`, `c.`, `e.g.` and the like).
fn sentences(text: &str, found: &[Found]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut next_figure = 0;
    // Every boundary is an ASCII byte or a dash's lead byte: look at those alone.
    for (at, b) in bytes.iter().enumerate() {
        let len = match b {
            b';' | b'!' | b'?' | b'|' => 1,
            // `—` or `–` with a space on either side.
            0xE2 if matches!(bytes.get(at + 1..at + 3), Some([0x80, 0x93 | 0x94]))
                && at > 0
                && bytes.get(at - 1) == Some(&b' ')
                && bytes.get(at + 3) == Some(&b' ') =>
            {
                3
            }
            b'.' if ends_sentence(text, start, at) => 1,
            _ => continue,
        };
        // Figures are in order and do not overlap: skip those that end before `at`.
        while next_figure < found.len() && found.get(next_figure).is_some_and(|f| f.span.end <= at)
        {
            next_figure += 1;
        }
        if found.get(next_figure).is_some_and(|f| f.span.contains(&at)) {
            continue;
        }
        out.push(start..at + len);
        start = at + len;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Whether the `.` at `at` ends the sentence that started at `start`: a space or the line's
/// end follows it, and the word before it is no abbreviation (`approx.`, `e.g.`).
fn ends_sentence(text: &str, start: usize, at: usize) -> bool {
    let next = text.get(at + 1..).and_then(|rest| rest.chars().next());
    next.is_none_or(char::is_whitespace) && {
        let word = text
            .get(start..at)
            .unwrap_or("")
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("");
        // Every abbreviation is short ASCII: longer words need no lower-casing.
        word.len() > 6 || !ABBREVIATIONS.contains(&word.to_lowercase().as_str())
    }
}

/// Up to `max` words right before the end of `text`, lower-cased, in order; stops at anything
/// that is not a word (punctuation, a number). A trailing `:` is allowed.
fn words_before(text: &str, max: usize) -> Vec<Cow<'_, str>> {
    let mut out: Vec<Cow<'_, str>> = words_back(text).take(max).map(lower).collect();
    out.reverse();
    out
}

/// The words of [`words_before`], as written, the last one first.
fn words_back(text: &str) -> impl Iterator<Item = &str> {
    let trim = |s: &str| {
        s.trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_')
            .len()
    };
    let mut s = text.get(..trim(text)).unwrap_or("");
    if let Some(r) = s.strip_suffix(':') {
        s = r.get(..trim(r)).unwrap_or("");
    }
    let mut tokens = s.rsplit(char::is_whitespace);
    std::iter::from_fn(move || {
        loop {
            let token = tokens.next()?;
            let t = token.trim_matches(|c: char| c == '*' || c == '_');
            if t.is_empty() && token.is_empty() {
                continue;
            }
            return (!t.is_empty() && is_word(t)).then_some(t);
        }
    })
    .fuse()
}

/// Up to `max` words right after the start of `text`, lower-cased; stops after a word that ends
/// in punctuation and before anything that is not a word.
fn words_after(text: &str, max: usize) -> Vec<Cow<'_, str>> {
    words_on(text).take(max).map(lower).collect()
}

/// The words of [`words_after`], as written.
fn words_on(text: &str) -> impl Iterator<Item = &str> {
    let mut tokens = text.split_whitespace();
    let mut ended = false;
    std::iter::from_fn(move || {
        while !ended {
            let token = tokens.next()?;
            let t = token.trim_matches(|c: char| c == '*' || c == '_');
            let core = t.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"']);
            if core.is_empty() && t.is_empty() {
                continue;
            }
            if !is_word(core) {
                ended = true;
                return None;
            }
            ended = core.len() != t.len();
            return Some(core);
        }
        None
    })
}

/// `t` lower-cased, borrowed when it already is (most words are lower-case ASCII).
fn lower(t: &str) -> Cow<'_, str> {
    if t.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.to_lowercase())
    }
}

/// Whether `t` is a word: a letter, then letters, hyphens, apostrophes and `&`.
fn is_word(t: &str) -> bool {
    if t.is_ascii() {
        let bytes = t.as_bytes();
        return bytes.first().is_some_and(u8::is_ascii_alphabetic)
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'\'' | b'&'));
    }
    is_word_in_any_script(t)
}

fn is_word_in_any_script(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_alphabetic)
        && t.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '&'))
}

/// `600 employees in 2024` is a dated figure, `600 employees in Paris` a part of one.
fn period_follows(after: &str, word: &str) -> bool {
    let lower = after.to_lowercase();
    let Some(at) = lower.find(&format!(" {word} ")) else {
        return false;
    };
    let rest = after.get(at + word.len() + 2..).unwrap_or("");
    find_periods(rest)
        .first()
        .is_some_and(|(r, _)| r.start == 0)
}

fn unit_fits(label: &str, unit: Option<Unit>) -> bool {
    match unit {
        Some(Unit::Money(_)) => !COUNT_LABELS.contains(&label),
        Some(Unit::Count) => !MONEY_LABELS.contains(&label),
        Some(Unit::Percent | Unit::Measure(_)) => {
            !MONEY_LABELS.contains(&label) && !COUNT_LABELS.contains(&label)
        }
        None => false,
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn abs(line: &Line<'_>, r: &Range<usize>) -> Span {
    Span::new(line.start + r.start, line.start + r.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scan::SkipSet;
    use regex::Regex;

    #[allow(clippy::expect_used)]
    fn re(pattern: &str) -> Regex {
        Regex::new(pattern).expect("static regex is valid")
    }

    /// Every figure of `text` (one line, the note `Acme`), read for a prose label with the
    /// quick test and without it: the two must agree.
    fn prose_labels_agree(text: &str, synonyms: &Synonyms) -> Result<usize, String> {
        let skip = SkipSet::new(Vec::new());
        let input = Input::new(text, 0, &[], &[], &[], &skip, synonyms, vec!["acme".into()]);
        let line = Line {
            start: 0,
            text,
            section: None,
        };
        let found = find_quantities(text);
        let sentences = sentences(text, &found);
        let cx = LineCx::new(&input, &line, &found, &sentences);
        let mut labelled = 0;
        for i in 0..found.len() {
            let Some(s) = cx.sentence_of(i) else { continue };
            let (quick, full) = (cx.prose_label(i, s), cx.read_prose_label(i, s));
            if quick != full {
                return Err(format!("{text:?}, figure {i}: {quick:?} against {full:?}"));
            }
            labelled += usize::from(full.is_some());
        }
        Ok(labelled)
    }

    static BUILT_IN: LazyLock<Synonyms> = LazyLock::new(Synonyms::default);
    /// Built-ins and configured phrases with `&`, apostrophes and hyphens.
    static CONFIGURED: LazyLock<Synonyms> = LazyLock::new(|| {
        let mut extra = std::collections::BTreeMap::new();
        extra.insert(
            "r&d spend".to_owned(),
            vec!["o'neil count".to_owned(), "run-rate".to_owned()],
        );
        Synonyms::with_extra(extra)
    });

    #[test]
    fn the_quick_label_test_keeps_every_label() {
        let syn = Synonyms::default();
        let cases = [
            ("Acme is valued at $4.5B after the round.", 1),
            ("It has raised a total of $1.8B to date.", 1),
            ("Acme had 600 employees and $5M in revenue.", 2),
            (
                "Post-money valuation: $4.5B; about 24% of the team works on research.",
                1,
            ),
            (
                "Headcount grew 105% in 2024 while burn stayed near $233M a year.",
                0,
            ),
            ("$6.1B valuation. 507k+ merchants.", 1),
        ];
        for (text, want) in cases {
            assert_eq!(prose_labels_agree(text, &syn), Ok(want), "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn the_quick_label_test_agrees_with_the_full_reading(
            words in proptest::collection::vec(
                "valued|at|of|in|post-money|valuation|Valuation|valuations|market|cap|total|raised|has|to|date|funding|revenue|ARR|annual|recurring|employees|employees'|headcount|staff|team|size|number|the|a|new|prior|its|Acme's|company's|grew|near|about|more than|\\$4.5B|600|1,200|24%|\\$5M|2024|r&d|spend|o'neil|count|run-rate|[.,;:|!?]|—|\\*\\*|_|\\(|\\)|x|é|ſ",
                1..14,
            ),
            configured in proptest::bool::ANY,
        ) {
            let synonyms = if configured { &*CONFIGURED } else { &*BUILT_IN };
            let text = words.join(" ");
            if let Err(e) = prose_labels_agree(&text, synonyms) {
                proptest::prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn markers_before_content() {
        for (text, rest) in [
            ("> - [x] Total: 5", "Total: 5"),
            ("  12. **Employees:** 600", "**Employees:** 600"),
            ("-5% margin", "-5% margin"),
            ("* [ ] task", "task"),
            ("[x]y", "[x]y"),
            ("> > 3) a", "a"),
        ] {
            assert_eq!(text.get(content_start(text)..), Some(rest), "{text:?}");
        }
    }

    #[test]
    fn plain_totals() {
        for (line, label, after) in [
            ("Total: $5M", "Total", 7),
            ("TOTAL raised : 4", "TOTAL raised", 15),
            ("sum:3", "sum", 4),
        ] {
            assert_eq!(plain_total(line), Some((label, after)), "{line:?}");
        }
        for line in [
            "Totally: 3",
            "summary: 2",
            "Revenue: $5M",
            "Total raised 5",
            "su: 1",
        ] {
            assert_eq!(plain_total(line), None, "{line:?}");
        }
        for tail in [
            " total:",
            " in total",
            " Total raised**:",
            "  total __ : ",
            "TOTAL",
        ] {
            assert!(is_total_tail(tail), "{tail:?}");
        }
        for tail in [
            " totals",
            " in  totality",
            " total raised so far",
            "intotal",
            " raised",
        ] {
            assert!(!is_total_tail(tail), "{tail:?}");
        }
    }

    /// The pattern [`bold_label`] reads by hand.
    static BOLD: LazyLock<Regex> = LazyLock::new(|| {
        re(r"^(?:\*\*|__)(?P<label>[^*_\n]{1,80}?)(?P<c1>:)?\s*(?:\*\*|__)\s*(?P<c2>:)?")
    });

    fn bold_label_by_pattern(content: &str) -> Option<BoldLabel> {
        let c = BOLD.captures(content)?;
        Some(BoldLabel {
            label: c.name("label")?.range(),
            colon: c.name("c1").is_some() || c.name("c2").is_some(),
            end: c.get(0)?.end(),
        })
    }

    #[test]
    fn bold_labels() {
        let label = |s: &str| bold_label(s).map(|b| (s[b.label].to_owned(), b.colon, b.end));
        let some = |l: &str, colon, end| Some((l.to_owned(), colon, end));
        assert_eq!(label("**Employees:** 600"), some("Employees", true, 15));
        assert_eq!(label("**Employees**: 600"), some("Employees", true, 14));
        assert_eq!(label("__Revenue : __ x"), some("Revenue ", true, 15));
        assert_eq!(label("**a: b:** x"), some("a: b", true, 10));
        assert_eq!(label("**Bull:**"), some("Bull", true, 9));
        assert_eq!(label("**Bold** text"), some("Bold", false, 9));
        assert_eq!(label("**a*b:** x"), None);
        assert_eq!(label("** :**"), some(" ", true, 6));
        assert_eq!(label("****"), None);
        assert_eq!(label("*Updated:* x"), None);
        assert_eq!(
            label(&format!("**{}:** 5", "x".repeat(80))),
            some(&"x".repeat(80), true, 86)
        );
        assert_eq!(label(&format!("**{}:** 5", "x".repeat(81))), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn bold_labels_agree_with_the_pattern(
            content in "(\\*\\*|__|\\*|_|:| |\t|\u{a0}|é|Revenue|a|\n|\\$5M|x{20}){0,12}"
        ) {
            proptest::prop_assert_eq!(bold_label(&content), bold_label_by_pattern(&content));
        }
    }

    /// The char-by-char walk the byte scan in [`sentences`] replaced (the test of a `.` is
    /// shared): the reference.
    fn sentences_by_chars(text: &str, found: &[Found]) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut prev = None;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let boundary = match c {
                ';' | '!' | '?' | '|' => true,
                '—' | '–' => prev == Some(' ') && next == Some(' '),
                '.' => ends_sentence(text, start, at),
                _ => false,
            } && !found.iter().any(|f| f.span.contains(&at));
            if boundary {
                let end = at + c.len_utf8();
                out.push(start..end);
                start = end;
            }
            prev = Some(c);
        }
        if start < text.len() {
            out.push(start..text.len());
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Splitting by bytes agrees with splitting by chars, figures and abbreviations included.
        #[test]
        fn sentences_by_bytes_match_sentences_by_chars(
            text in "([a-e ;!?|.(]|—|–|\u{a0}|é|approx|e\\.g|Inc|\\$4\\.5B|12 )*"
        ) {
            let found = find_quantities(&text);
            proptest::prop_assert_eq!(sentences(&text, &found), sentences_by_chars(&text, &found));
        }
    }

    #[test]
    fn splits_sentences() {
        let text =
            "Hugging Face — \"GitHub for ML.\" $4.5B valuation. approx. 600 staff; e.g. this.";
        let found = find_quantities(text);
        let got: Vec<&str> = sentences(text, &found)
            .into_iter()
            .map(|r| text[r].trim())
            .collect();
        assert_eq!(
            got,
            [
                "Hugging Face —",
                "\"GitHub for ML.\" $4.5B valuation.",
                "approx. 600 staff;",
                "e.g. this."
            ]
        );
    }

    #[test]
    fn words_around() {
        assert_eq!(
            words_before("It was valued at **", 3),
            ["was", "valued", "at"]
        );
        assert_eq!(words_before("Valuation:", 3), ["valuation"]);
        assert_eq!(words_before("in 2023, raised", 3), ["raised"]);
        assert_eq!(
            words_after(" post-money valuation. Then", 3),
            ["post-money", "valuation"]
        );
        assert_eq!(words_after("** in revenue (2023)", 3), ["in", "revenue"]);
    }

    proptest::proptest! {
        #[test]
        fn ascii_words_read_as_in_any_script(t in "[ -~]{0,12}") {
            proptest::prop_assert_eq!(is_word(&t), is_word_in_any_script(&t));
        }
    }

    #[test]
    fn periods_after_narrowing_words() {
        assert!(period_follows(" employees in 2024", "in"));
        assert!(!period_follows(" employees in Paris", "in"));
    }
}
