//! Quantities read by hand: one left-to-right pass over a text run or a table cell, no regex.
//!
//! Owns: finding the money / count / percent figures of a text and what each one is. A figure
//! is read as a small grammar over the text:
//!
//! ```text
//! figure   = marker? sign? currency? sign? body bound? range?
//! marker   = "~" | "≈" | about | approx[imately] | around | roughly | circa | c. | ca. | est.
//!          | ">" | ">=" | "≥" | over | more than | at least | upwards of | in excess of
//!          | "<" | "<=" | "≤" | under | less than | fewer than | up to | below
//! body     = number (scale | percent)? code?
//! number   = 1,234,567.89 (groups of three) | 1234.5
//! bound    = "+" | or more | or less | or fewer
//! range    = ("-" | "–" | "—" | to) currency? body
//! ```
//!
//! Every word list of this grammar is defined in `words` (markers, currencies, codes, scales,
//! units of measure). Words are matched without case, currency codes with it (`a$5` is no
//! Australian dollar), and a word ends where ASCII letters, digits and `_` end.
//!
//! What a figure is not: a year (`2024`, `2020–2024`), a number glued to a word or a dotted
//! or dashed token (`FY2025`, `Q3`, `COVID-19`, `v1.2`, `24/7`, `10:30`), a number with a
//! leading zero (`007`), and a number with a spaced one- or two-letter scale but no currency
//! (`5 m long`, `5 M&A`).
//!
//! Does not own: which label a figure belongs to (`text` and `extract`), comparing and
//! summing (`value`). Every function is total: no input makes it panic.

use std::ops::Range;

use super::words::{
    APPROXIMATE, AT_LEAST, AT_MOST, CODE_WORDS, CODES, DOTTED_MARKERS, LONG_SCALES, MEASURES,
    SHORT_SCALES, before_number,
};
use crate::model::figure::{Currency, Kind, Quantity, Unit};

/// A figure found in a text; `span` is a byte range on char boundaries.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Found {
    pub(crate) quantity: Quantity,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    About,
    AtLeast,
    AtMost,
}

/// Every money / count / percent figure in `text`, in order, never a year.
/// Small bare integers ("3 products") are returned; the caller filters by label.
pub(crate) fn find_quantities(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(m) = next_match(text, pos) {
        // On rejection retry after the word the figure started in (every position inside it
        // is glued to a letter or digit too); this keeps the scan linear.
        let from = text.get(m.start..).unwrap_or("");
        let first = from.chars().next().map_or(1, char::len_utf8);
        let word: usize = from
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum();
        let next_char = m.start + first.max(word);
        let resume = match step(text, &m) {
            Step::Emit(mut f) => {
                if f.quantity.unit == Unit::Count
                    && let Some(unit) = measure_after(text, f.span.end)
                {
                    f.quantity.unit = Unit::Measure(unit);
                }
                let end = f.span.end;
                found.push(f);
                end
            }
            Step::Skip(end) => end,
            Step::Reject => next_char,
        };
        pos = resume.max(next_char);
    }
    found
}

/// A whole table cell or short text holding exactly one figure at its start.
/// Emphasis, backslash escapes, footnotes and parenthesised notes (`(2024)`)
/// are ignored; trailing words without figures ("YoY", "est.") are allowed.
pub(crate) fn parse_quantity(text: &str) -> Option<Quantity> {
    let cleaned = without_cell_noise(text);
    match find_quantities(cleaned.trim()).as_slice() {
        [only] if only.span.start == 0 => Some(only.quantity),
        _ => None,
    }
}

/// `text` without `*`, `_`, `` ` ``, `\`, parenthesised notes that hold no parenthesis and
/// footnote references (`[^1]`).
fn without_cell_noise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let skip = match c {
            '*' | '_' | '`' | '\\' => c.len_utf8(),
            '(' => rest
                .get(1..)
                .and_then(|r| {
                    r.find(['(', ')'])
                        .filter(|&i| r.get(i..).is_some_and(|t| t.starts_with(')')))
                })
                .map_or(0, |i| i + 2),
            '[' if rest.starts_with("[^") => rest.find(']').map_or(0, |i| i + 1),
            _ => 0,
        };
        if skip == 0 {
            out.push(c);
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        } else {
            rest = rest.get(skip..).unwrap_or("");
        }
    }
    out
}

/// The value in parentheses right after figure `i` of `found` (read from `text`), when it is
/// the same amount in another currency: `~5.8T JPY (~$38B)`.
pub(crate) fn converted(text: &str, found: &[Found], i: usize) -> Option<Quantity> {
    let (first, second) = (found.get(i)?, found.get(i + 1)?);
    let between = text.get(first.span.end..second.span.start)?;
    let after = text.get(second.span.end..)?;
    let opens = between.trim() == "(";
    let closes = after.trim_start_matches([' ', '*', '_']).starts_with(')');
    match (first.quantity.unit, second.quantity.unit) {
        (Unit::Money(a), Unit::Money(b)) if a != b && opens && closes => Some(second.quantity),
        _ => None,
    }
}

/// The unit of measure written right after a count ending at `end`, if any.
fn measure_after(text: &str, end: usize) -> Option<&'static str> {
    let rest = text.get(end..)?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let word_len = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    let word = rest.get(..word_len)?;
    MEASURES
        .iter()
        .find(|(written, _)| *written == word)
        .map(|(_, unit)| *unit)
}

// ---------------------------------------------------------------------------------------------
// The grammar, over bytes of the text. Positions are byte offsets on char boundaries.

/// One figure as written: its marker and signs, its first body and the range's second body.
#[derive(Debug, Clone)]
struct Match {
    start: usize,
    end: usize,
    mark: Option<Mark>,
    /// The first sign written is not `+`.
    negative: bool,
    currency: Option<Currency>,
    body: Body,
    /// `+`, `or more` after the figure.
    or_more: bool,
    /// `or less`, `or fewer` after the figure.
    or_less: bool,
}

/// A number with its scale or percent and the currency code after it.
#[derive(Debug, Clone)]
struct Body {
    number: Range<usize>,
    /// The scale as written, with the one space before it (`5 million`).
    scale: Option<Range<usize>>,
    percent: bool,
    code: Option<Currency>,
    end: usize,
}

/// Whether `b` is an ASCII word byte (a letter, a digit or `_`).
pub(super) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether an ASCII word starts or ends at `at`.
pub(super) fn boundary(bytes: &[u8], at: usize) -> bool {
    let before = at
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_some_and(|b| is_word_byte(*b));
    before != bytes.get(at).is_some_and(|b| is_word_byte(*b))
}

/// The end of the ASCII word starting at `at`.
fn word_end(bytes: &[u8], at: usize) -> usize {
    let mut end = at;
    while bytes.get(end).is_some_and(|b| is_word_byte(*b)) {
        end += 1;
    }
    end
}

/// The length of the whitespace char at `at`, or 0.
fn space_at(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|r| r.chars().next())
        .filter(|c| c.is_whitespace())
        .map_or(0, char::len_utf8)
}

/// The end of the whitespace run starting at `at`.
fn skip_spaces(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    at + rest.len() - rest.trim_start().len()
}

/// The ASCII word at `at` when it is `word` without case.
fn word_is(text: &str, at: usize, word: &str) -> Option<usize> {
    let end = word_end(text.as_bytes(), at);
    text.get(at..end)
        .filter(|w| w.eq_ignore_ascii_case(word))
        .map(|_| end)
}

fn digits_end(bytes: &[u8], at: usize) -> usize {
    let mut end = at;
    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    end
}

/// The first figure of `text` starting at or after `from`: the leftmost start, then the
/// longest reading there.
fn next_match(text: &str, from: usize) -> Option<Match> {
    let bytes = text.as_bytes();
    let mut low = from;
    let mut digit = from;
    loop {
        while bytes.get(digit).is_some_and(|b| !b.is_ascii_digit()) {
            digit += 1;
        }
        if digit >= bytes.len() {
            return None;
        }
        // Every figure's number starts at its first digit: a figure starting in
        // `low..=digit` has its number here.
        if let Some(body) = body_at(text, digit) {
            let (start, mark, negative, currency) = prefix_before(text, low, digit);
            let (end, or_more, or_less) = bound_after(text, body.end);
            return Some(Match {
                start,
                end,
                mark,
                negative,
                currency,
                body,
                or_more,
                or_less,
            });
        }
        digit += 1;
        low = digit;
    }
}

/// The leftmost start in `low..=digit` of what may come before the number at `digit`: a
/// marker and spaces, a sign, a currency (and one space), a sign, each optional. Read
/// backwards from the digit, so that the text between figures is not visited. The start, the
/// marker, whether the first sign is a minus, and the currency.
fn prefix_before(
    text: &str,
    low: usize,
    digit: usize,
) -> (usize, Option<Mark>, bool, Option<Currency>) {
    let mut best = (digit, None, false, None);
    for (after_sign, second) in sign_before(text, low, digit) {
        for (after_currency, currency) in currency_before(text, low, after_sign) {
            for (start, first) in sign_before(text, low, after_currency) {
                let negative = first.or(second).unwrap_or(false);
                if start < best.0 {
                    best = (start, None, negative, currency);
                }
                let spaced = spaces_before(text, low, start);
                if let Some((at, mark)) = marker_before(text, low, spaced)
                    && at < best.0
                {
                    best = (at, Some(mark), negative, currency);
                }
            }
        }
    }
    best
}

/// `at` itself, and where a sign ending at `at` starts with whether it is a minus.
fn sign_before(text: &str, low: usize, at: usize) -> impl Iterator<Item = (usize, Option<bool>)> {
    let sign = text
        .get(low..at)
        .and_then(|t| t.chars().next_back())
        .filter(|c| matches!(c, '-' | '+' | '−'))
        .map(|c| (at - c.len_utf8(), Some(c != '+')));
    std::iter::once((at, None)).chain(sign)
}

/// `at` itself, and where each currency ending at `at` (or one space before it) starts.
fn currency_before(
    text: &str,
    low: usize,
    at: usize,
) -> impl Iterator<Item = (usize, Option<Currency>)> + '_ {
    let before = text.get(low..at).unwrap_or("");
    let space = before
        .chars()
        .next_back()
        .filter(|c| c.is_whitespace())
        .map_or(0, char::len_utf8);
    let ends = [Some(at), (space > 0).then(|| at - space)];
    let found = ends.into_iter().flatten().flat_map(move |end| {
        let before = text.get(low..end).unwrap_or("");
        // Every sign and code ends with `$`, the last byte of `£`, `¥`, `€`, `₹`, or a capital.
        let may_end = before.as_bytes().last().is_some_and(|b| {
            matches!(
                b,
                b'$' | 0xA3 | 0xA5 | 0xAC | 0xB9 | b'B' | b'D' | b'F' | b'P' | b'R' | b'Y'
            )
        });
        let before = if may_end { before } else { "" };
        before_number()
            .filter(move |(w, _)| before.ends_with(w))
            .map(move |(w, code)| (end - w.len(), Some(*code)))
    });
    std::iter::once((at, None)).chain(found)
}

/// Where the whitespace run ending at `at` starts, not before `low`.
fn spaces_before(text: &str, low: usize, at: usize) -> usize {
    let before = text.get(low..at).unwrap_or("");
    low + before.trim_end().len()
}

/// A marker ending at `end` (spaces may follow it up to the sign, currency or number): where
/// it starts, and what it marks.
fn marker_before(text: &str, low: usize, end: usize) -> Option<(usize, Mark)> {
    let before = text.get(low..end)?;
    let last = before.chars().next_back()?;
    let symbol = |mark, len: usize| Some((end - len, mark));
    match last {
        '~' | '≈' => return symbol(Mark::About, last.len_utf8()),
        '≥' => return symbol(Mark::AtLeast, last.len_utf8()),
        '≤' => return symbol(Mark::AtMost, last.len_utf8()),
        '>' => return symbol(Mark::AtLeast, 1),
        '<' => return symbol(Mark::AtMost, 1),
        '=' => {
            return match before.get(..before.len() - 1)?.chars().next_back()? {
                '>' => symbol(Mark::AtLeast, 2),
                '<' => symbol(Mark::AtMost, 2),
                _ => None,
            };
        }
        _ => {}
    }
    // `approx.`, `c.`, `est.`: a word and its dot.
    if last == '.' {
        let (start, word) = word_before(text, low, end - 1)?;
        let dotted = DOTTED_MARKERS.iter().any(|w| w.eq_ignore_ascii_case(word))
            || APPROXIMATE
                .iter()
                .any(|p| matches!(p, [w] if w.eq_ignore_ascii_case(word)));
        return dotted.then_some((start, Mark::About));
    }
    // A marker word ends a word.
    if text.as_bytes().get(end).is_some_and(|b| is_word_byte(*b)) {
        return None;
    }
    let (_, word) = word_before(text, low, end)?;
    let lists = [
        (APPROXIMATE, Mark::About),
        (AT_LEAST, Mark::AtLeast),
        (AT_MOST, Mark::AtMost),
    ];
    for (list, mark) in lists {
        for phrase in list {
            if phrase.last().is_some_and(|w| w.eq_ignore_ascii_case(word))
                && let Some(start) = phrase_before(text, low, end, phrase)
            {
                return Some((start, mark));
            }
        }
    }
    None
}

/// The ASCII word ending at `end` (a whole word) and where it starts, not before `low`.
fn word_before(text: &str, low: usize, end: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = end;
    while start > 0 && bytes.get(start - 1).is_some_and(|b| is_word_byte(*b)) {
        start -= 1;
    }
    (start >= low && start < end)
        .then(|| text.get(start..end).map(|w| (start, w)))
        .flatten()
}

/// Where `phrase` written with whitespace between its words and ending at `end` starts.
fn phrase_before(text: &str, low: usize, end: usize, phrase: &[&str]) -> Option<usize> {
    let mut at = end;
    for (i, word) in phrase.iter().rev().enumerate() {
        if i > 0 {
            let spaced = spaces_before(text, low, at);
            if spaced == at {
                return None;
            }
            at = spaced;
        }
        let (start, written) = word_before(text, low, at)?;
        if !written.eq_ignore_ascii_case(word) {
            return None;
        }
        at = start;
    }
    Some(at)
}

/// A currency sign or code at `at`, and where it ends with the one space after it.
fn currency_at(text: &str, at: usize) -> Option<(Currency, usize)> {
    let rest = text.get(at..)?;
    // Every sign and code starts with `$`, a multi-byte sign or a capital of a code.
    let first = *rest.as_bytes().first()?;
    if !matches!(
        first,
        b'$' | 0xC2 | 0xE2 | b'A' | b'C' | b'E' | b'G' | b'I' | b'J' | b'R' | b'U'
    ) {
        return None;
    }
    let (written, code) = before_number().find(|(w, _)| rest.starts_with(w))?;
    let end = at + written.len();
    Some((*code, end + space_at(text, end)))
}

/// The number starting at digit `at` with its scale or percent and its code, as the grammar
/// reads it: the longest number (`1,234.5`) that a scale, a percent or the end of a word
/// follows, else a shorter one.
fn body_at(text: &str, at: usize) -> Option<Body> {
    let bytes = text.as_bytes();
    let run = digits_end(bytes, at);
    let fraction = |end: usize| {
        (bytes.get(end) == Some(&b'.'))
            .then(|| digits_end(bytes, end + 1))
            .filter(|f| *f > end + 1)
    };
    // Where the number may end, longest first: in groups of three (`1,234,567.5`), else
    // plain (`1234.5`). Any shorter end is glued to a digit.
    let mut ends: [Option<usize>; 5] = [None, None, None, fraction(run), Some(run)];
    if (1..=3).contains(&(run - at)) {
        let mut end = run;
        while bytes.get(end) == Some(&b',') && digits_end(bytes, end + 1) >= end + 4 {
            end += 4;
        }
        if end > run {
            ends[0] = fraction(end);
            ends[1] = Some(end);
            ends[2] = (end - run > 4).then_some(end - 4);
        }
    }
    ends.into_iter().flatten().find_map(|end| {
        let (scale, percent, after) = if let Some(scale_end) = scale_after(text, end) {
            (Some(end..scale_end), false, scale_end)
        } else if let Some(pct_end) = percent_after(text, end) {
            (None, true, pct_end)
        } else if boundary(bytes, end) {
            (None, false, end)
        } else {
            return None;
        };
        let (code, end_all) = code_after(text, after).map_or((None, after), |(c, e)| (Some(c), e));
        Some(Body {
            number: at..end,
            scale,
            percent,
            code,
            end: end_all,
        })
    })
}

/// The end of a scale word after a number ending at `end` (one space allowed).
fn scale_after(text: &str, end: usize) -> Option<usize> {
    let at = end + space_at(text, end);
    let word_end = word_end(text.as_bytes(), at);
    let word = text.get(at..word_end)?;
    let singular = word.strip_suffix(['s', 'S']).unwrap_or(word);
    (LONG_SCALES
        .iter()
        .any(|(w, _)| word.eq_ignore_ascii_case(w) || singular.eq_ignore_ascii_case(w))
        || SHORT_SCALES
            .iter()
            .any(|(w, _)| word.eq_ignore_ascii_case(w)))
    .then_some(word_end)
}

/// The end of `%`, `percent` or `per cent` after a number ending at `end` (one space allowed).
fn percent_after(text: &str, end: usize) -> Option<usize> {
    let at = end + space_at(text, end);
    if text.as_bytes().get(at) == Some(&b'%') {
        return Some(at + 1);
    }
    if let Some(e) = word_is(text, at, "percent") {
        return Some(e);
    }
    let per = word_is(text, at, "per")?;
    word_is(text, per + space_at(text, per), "cent")
}

/// A currency code or word after a figure's number, scale or percent ending at `end`.
fn code_after(text: &str, end: usize) -> Option<(Currency, usize)> {
    let at = end + space_at(text, end);
    let word_end = word_end(text.as_bytes(), at);
    let word = text.get(at..word_end)?;
    CODES
        .iter()
        .find(|(w, _)| *w == word)
        .or_else(|| {
            CODE_WORDS
                .iter()
                .find(|(w, _)| w.eq_ignore_ascii_case(word))
        })
        .map(|(_, code)| (*code, word_end))
}

/// Where a figure ending at `end` ends with the bounds written after it, and whether it is
/// `+` or `or more`, and `or less` or `or fewer`.
fn bound_after(text: &str, end: usize) -> (usize, bool, bool) {
    let or_word = |at: usize, words: &[&str]| {
        let spaced = skip_spaces(text, at);
        let or = (spaced > at)
            .then(|| word_is(text, spaced, "or"))
            .flatten()?;
        let next = skip_spaces(text, or);
        (next > or)
            .then(|| words.iter().find_map(|w| word_is(text, next, w)))
            .flatten()
    };
    let (mut end, mut more) = (end, true);
    if text.as_bytes().get(end) == Some(&b'+') {
        end += 1;
    } else if let Some(e) = or_word(end, &["more"]) {
        end = e;
    } else {
        more = false;
    }
    match or_word(end, &["less", "fewer"]) {
        Some(e) => (e, more, true),
        None => (end, more, false),
    }
}

/// The second half of a range right after a figure ending at `end`: a dash or `to`, a
/// currency, a body.
fn range_tail(text: &str, end: usize) -> Option<(Option<Currency>, Body)> {
    let spaced = skip_spaces(text, end);
    let dash = text
        .get(spaced..)
        .and_then(|r| r.chars().next())
        .filter(|c| matches!(c, '-' | '–' | '—'));
    let at = if let Some(dash) = dash {
        skip_spaces(text, spaced + dash.len_utf8())
    } else {
        let to = (spaced > end)
            .then(|| word_is(text, spaced, "to"))
            .flatten()?;
        let after = skip_spaces(text, to);
        (after > to).then_some(after)?
    };
    let (currency, at) = currency_at(text, at).map_or((None, at), |(c, e)| (Some(c), e));
    if !text.as_bytes().get(at).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    body_at(text, at).map(|b| (currency, b))
}

// ---------------------------------------------------------------------------------------------
// From a match to a quantity.

/// One number with its own decorations, before markers and ranges apply.
#[derive(Clone, Copy)]
struct Part {
    num: f64,
    decimals: i32,
    scale: Option<f64>,
    pct: bool,
    cur: Option<Currency>,
    year: bool,
}

/// The factor of a scale as written (`M`, ` billion`, `lakhs`).
fn scale_of(s: &str) -> f64 {
    let word = s.trim();
    let singular = word.strip_suffix(['s', 'S']).unwrap_or(word);
    SHORT_SCALES
        .iter()
        .find(|(w, _)| word.eq_ignore_ascii_case(w))
        .or_else(|| {
            LONG_SCALES
                .iter()
                .find(|(w, _)| word.eq_ignore_ascii_case(w) || singular.eq_ignore_ascii_case(w))
        })
        .map_or(1.0, |(_, f)| *f)
}

/// `hint` is the currency already stated earlier in a range (`$4–5 bn`).
fn part(
    text: &str,
    body: &Body,
    currency: Option<Currency>,
    hint: Option<Currency>,
) -> Option<Part> {
    let written = text.get(body.number.clone())?;
    let digits: String = written.chars().filter(|ch| *ch != ',').collect();
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return None; // "007", "000" (as in "100 000") are codes or fragments
    }
    let num = digits.parse::<f64>().ok().filter(|v| v.is_finite())?;
    let decimals = i32::try_from(digits.split_once('.').map_or(0, |(_, f)| f.len())).ok()?;
    let scale_text = body.scale.clone().and_then(|r| text.get(r)).unwrap_or("");
    let scale = (!scale_text.is_empty()).then(|| scale_of(scale_text));
    // A trailing code ("4.5B USD") is the more explicit statement, so it wins.
    let cur = body.code.or(currency);
    // "5 m" without a currency is more likely metres or "5 M&A" than millions.
    if cur.or(hint).is_none()
        && scale_text.starts_with(char::is_whitespace)
        && scale_text.trim_start().len() <= 2
    {
        return None;
    }
    if !(num * scale.unwrap_or(1.0)).is_finite() {
        return None; // 300 digits and a "T": not a figure, and no infinities downstream
    }
    // A bare 4-digit 1900–2100 number is a year however it is decorated otherwise.
    let year = written.len() == 4
        && decimals == 0
        && scale.is_none()
        && !body.percent
        && cur.is_none()
        && (1900.0..=2100.0).contains(&num);
    Some(Part {
        num,
        decimals,
        scale,
        pct: body.percent,
        cur,
        year,
    })
}

fn quantity(p: &Part, sign: f64, kind: Kind, approximate: bool) -> Quantity {
    let mult = p.scale.unwrap_or(1.0);
    let unit = match (p.pct, p.cur) {
        (true, _) => Unit::Percent,
        (false, Some(c)) => Unit::Money(c),
        (false, None) => Unit::Count,
    };
    let tolerance = 0.5 * 10f64.powi(-p.decimals) * mult;
    Quantity {
        unit,
        value: sign * p.num * mult,
        tolerance,
        kind,
        approximate,
    }
}

/// `$4–5B`: the low end borrows scale, currency and `%` from the high end.
fn range(first: &Part, tail: &Part, approximate: bool) -> Option<Quantity> {
    if first.cur.is_some() && tail.cur.is_some() && first.cur != tail.cur {
        return None;
    }
    let (pct, cur) = (first.pct || tail.pct, first.cur.or(tail.cur));
    // "$4B-5" or "5%-$6M" read better as two figures than as a range.
    if (pct && cur.is_some()) || (first.scale.is_some() && tail.scale.is_none()) {
        return None;
    }
    let low = Part {
        scale: first.scale.or(tail.scale),
        pct,
        cur,
        ..*first
    };
    let low = quantity(&low, 1.0, Kind::Exact, approximate);
    let high = quantity(&Part { pct, cur, ..*tail }, 1.0, Kind::Exact, approximate);
    let tolerance = low.tolerance.max(high.tolerance);
    (high.value > low.value).then_some(Quantity {
        kind: Kind::Range { high: high.value },
        tolerance,
        ..low
    })
}

/// The figure must not continue a word or a dotted/dashed token
/// (`FY2025`, `Q3`, `COVID-19`, `v1.2`), which a word boundary alone cannot see.
pub(crate) fn starts_cleanly(text: &str, start: usize) -> bool {
    let Some(first) = text.get(start..).and_then(|s| s.chars().next()) else {
        return false;
    };
    if !(first.is_alphanumeric() || matches!(first, '-' | '+' | '−')) {
        return true;
    }
    let mut back = text.get(..start).unwrap_or("").chars().rev();
    let wordish = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let (p1, p2) = (back.next(), back.next());
    // After "." or "," the digits are a fraction or list fragment (".5B", "1,2").
    !(wordish(p1)
        || matches!(p1, Some('.' | ','))
        || (matches!(p1, Some(':' | '/' | '-')) && wordish(p2)))
}

/// Rejects `1.2` in `1.2.3`, `24` in `24/7`, `10` in `10:30`.
fn ends_cleanly(text: &str, end: usize) -> bool {
    let mut after = text.get(end..).unwrap_or("").chars();
    match (after.next(), after.next()) {
        // Non-ASCII letters too: the word ends of the grammar are ASCII.
        (Some(c), _) if c.is_ascii_digit() || (c.is_alphabetic() && !c.is_ascii()) => false,
        (Some('.' | ',' | ':' | '/'), Some(d)) => !d.is_ascii_digit(),
        _ => true,
    }
}

/// What to do with one match.
enum Step {
    /// A figure (possibly a range).
    Emit(Found),
    /// A year (or year range): not a figure; resume at this byte.
    Skip(usize),
    /// Not a figure at this position (glued to a word, `1.2.3`, …).
    Reject,
}

fn step(text: &str, m: &Match) -> Step {
    let (start, end) = (m.start, m.end);
    let Some(first) = part(text, &m.body, m.currency, None).filter(|_| starts_cleanly(text, start))
    else {
        return Step::Reject;
    };
    let sign = if m.negative { -1.0 } else { 1.0 };
    let approximate = m.mark == Some(Mark::About);
    if let Some((tail_currency, tail)) = range_tail(text, end)
        && let Some(tp) = part(text, &tail, tail_currency, first.cur)
    {
        let tail_end = tail.end;
        if first.year {
            return Step::Skip(if tp.year { tail_end } else { end });
        }
        // "grew from $5M to $10M" is a change, not a range: keep both figures.
        let to = !text
            .get(end..tail.number.start)
            .is_some_and(|sep| sep.contains(['-', '–', '—']));
        let from_to = to
            && text.get(..start).is_some_and(|b| {
                let last4: String = b.trim_end().chars().rev().take(4).collect();
                last4.eq_ignore_ascii_case("morf")
            });
        if !m.negative
            && !from_to
            && ends_cleanly(text, tail_end)
            && let Some(quantity) = range(&first, &tp, approximate)
        {
            return Step::Emit(Found {
                quantity,
                span: start..tail_end,
            });
        }
    }
    if first.year {
        return Step::Skip(end);
    }
    if !ends_cleanly(text, end) {
        return Step::Reject;
    }
    let kind = if m.mark == Some(Mark::AtLeast) || m.or_more {
        Kind::AtLeast
    } else if m.mark == Some(Mark::AtMost) || m.or_less {
        Kind::AtMost
    } else {
        Kind::Exact
    };
    Step::Emit(Found {
        quantity: quantity(&first, sign, kind, approximate),
        span: start..end,
    })
}
