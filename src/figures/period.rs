//! Periods read by hand: the years, quarters, halves, fiscal years and months a label, a
//! heading or a sentence names, each normalised to the qualifier figures are filed under.
//!
//! ```text
//! period  = (fiscal | quarter | month | years) suffix
//! fiscal  = (FY | CY) " "? "'"? (YEAR | 2 digits)                  FY2025, FY '25
//! quarter = (Q1..Q4 | H1 | H2) " "? (FY " "?)? YEAR                Q3 2025, H1 FY2025
//! month   = month name (any length, then an optional ".") spaces YEAR     Mar. 2025
//! years   = YEAR (" "? (- | – | /) " "? (YEAR | 2 digits))?          2024, 2023–24
//! suffix  = [ ,(]* (est | estimate[d] | projected | forecast | ttm | ltm) "."? ")"?
//!         | e                                                       2025E
//! YEAR    = 1900 … 2100
//! ```
//!
//! A period starts and ends a word (ASCII letters, digits, `_`); case does not matter. Every
//! function is total: no input makes it panic.

use std::ops::Range;

use super::quantity::{boundary, is_word_byte, starts_cleanly};
use super::words::{MONTHS, PERIOD_SUFFIXES};
use crate::model::scan::has_digit;

/// The first year/period in `text` that does not continue a word or a token (`v2024`), its
/// byte range and its normalised form (`in Mar 2025` → `mar 2025`, `(2024)` → `2024`).
pub(crate) fn find_period(text: &str) -> Option<(Range<usize>, String)> {
    periods(text)
        .find(|r| starts_cleanly(text, r.start))
        .map(|r| normalized(text, r))
}

/// Every year/period in `text`, as [`find_period`] reads them.
pub(crate) fn find_periods(text: &str) -> Vec<(Range<usize>, String)> {
    periods(text)
        .filter(|r| starts_cleanly(text, r.start))
        .map(|r| normalized(text, r))
        .collect()
}

/// The first period of `text`, wherever it starts, and its normalised form.
pub(crate) fn first_period(text: &str) -> Option<(Range<usize>, String)> {
    periods(text).next().map(|r| normalized(text, r))
}

fn normalized(text: &str, r: Range<usize>) -> (Range<usize>, String) {
    let written = text.get(r.clone()).unwrap_or("");
    (r, normalize_period(written))
}

/// Every period of `text`, left to right, none overlapping.
fn periods(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    let searched = has_digit(text);
    std::iter::from_fn(move || {
        if !searched {
            return None;
        }
        let bytes = text.as_bytes();
        while at < bytes.len() {
            let start = at;
            // A period starts an ASCII word: skip to the next one.
            let starts_word = bytes.get(start).is_some_and(|b| b.is_ascii_alphanumeric())
                && !start
                    .checked_sub(1)
                    .and_then(|i| bytes.get(i))
                    .is_some_and(|b| is_word_byte(*b));
            at += 1;
            if starts_word && let Some(end) = period_at(text, start) {
                at = end;
                return Some(start..end);
            }
        }
        None
    })
}

/// The length of the whitespace char at `at`, or 0.
fn space_at(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|r| r.chars().next())
        .filter(|c| c.is_whitespace())
        .map_or(0, char::len_utf8)
}

/// Whether `text` has `word` at `at`, without case.
fn has_at(text: &str, at: usize, word: &str) -> bool {
    text.get(at..at + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
}

/// Where a year (1900 … 2100) written at `at` ends.
fn year_at(bytes: &[u8], at: usize) -> Option<usize> {
    let digits = bytes.get(at..at + 4)?;
    let ok = digits.iter().all(u8::is_ascii_digit)
        && (digits.starts_with(b"19") || digits.starts_with(b"20") || digits == b"2100");
    ok.then_some(at + 4)
}

/// Where two digits written at `at` end.
fn two_digits_at(bytes: &[u8], at: usize) -> Option<usize> {
    bytes
        .get(at..at + 2)
        .filter(|d| d.iter().all(u8::is_ascii_digit))
        .map(|_| at + 2)
}

/// Where the period starting at `p` ends, if one does.
fn period_at(text: &str, p: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let first = bytes.get(p)?.to_ascii_lowercase();
    if !matches!(
        first,
        b'f' | b'c' | b'q' | b'h' | b'j' | b'm' | b'a' | b's' | b'o' | b'n' | b'd' | b'1' | b'2'
    ) || !boundary(bytes, p)
    {
        return None;
    }
    // Where the period may end before its suffix, in the order tried.
    let mut ends: [Option<usize>; 3] = [None; 3];
    if has_at(text, p, "fy") || has_at(text, p, "cy") {
        let mut at = p + 2;
        at += space_at(text, at);
        if bytes.get(at) == Some(&b'\'') {
            at += 1;
        }
        ends = [year_at(bytes, at), two_digits_at(bytes, at), None];
    } else if (first == b'q' && matches!(bytes.get(p + 1), Some(b'1'..=b'4')))
        || (first == b'h' && matches!(bytes.get(p + 1), Some(b'1' | b'2')))
    {
        let at = p + 2 + space_at(text, p + 2);
        let fiscal = has_at(text, at, "fy").then(|| at + 2 + space_at(text, at + 2));
        ends = [
            fiscal.and_then(|f| year_at(bytes, f)),
            year_at(bytes, at),
            None,
        ];
    } else if let Some(end) = month_year(text, p) {
        ends[0] = Some(end);
    } else if let Some(year) = year_at(bytes, p) {
        let dash = year + space_at(text, year);
        let sep = text
            .get(dash..)
            .and_then(|r| r.chars().next())
            .filter(|c| matches!(c, '-' | '–' | '/'));
        if let Some(sep) = sep {
            let at = dash + sep.len_utf8();
            let at = at + space_at(text, at);
            ends = [year_at(bytes, at), two_digits_at(bytes, at), Some(year)];
        } else {
            ends[0] = Some(year);
        }
    }
    ends.into_iter()
        .flatten()
        .find_map(|end| suffix_end(text, end))
}

/// `Mar 2025`, `March 2025`, `Sept. 2025`: where the year ends.
fn month_year(text: &str, p: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !MONTHS.iter().any(|m| has_at(text, p, m)) {
        return None;
    }
    let mut at = p + 3;
    while bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
        at += 1;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
    }
    let rest = text.get(at..)?;
    let spaced = at + rest.len() - rest.trim_start().len();
    (spaced > at).then(|| year_at(bytes, spaced)).flatten()
}

/// Where a period whose number ends at `end` ends with its suffix (`(est.)`, `E`, `TTM`);
/// `None` when a word goes on past `end`.
fn suffix_end(text: &str, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = end;
    while let Some(c) = text.get(at..).and_then(|r| r.chars().next())
        && (c.is_whitespace() || matches!(c, ',' | '('))
    {
        at += c.len_utf8();
    }
    let mut word_end = at;
    while bytes.get(word_end).is_some_and(|b| is_word_byte(*b)) {
        word_end += 1;
    }
    if let Some(word) = text.get(at..word_end)
        && PERIOD_SUFFIXES.iter().any(|s| word.eq_ignore_ascii_case(s))
    {
        let mut end = word_end;
        if bytes.get(end) == Some(&b'.') {
            end += 1;
        }
        if bytes.get(end) == Some(&b')') {
            end += 1;
        }
        return Some(end);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) && boundary(bytes, end + 1) {
        return Some(end + 1);
    }
    boundary(bytes, end).then_some(end)
}

/// The qualifier a period is filed under: lower-case, months cut to 3 letters, `FY 25` →
/// `fy2025`, `2025E`/`est.` → `2025 est`, dashes unified (`2023-24`).
pub(crate) fn normalize_period(p: &str) -> String {
    let lower = p.to_lowercase().replace(['–', '—', '/'], "-");
    let tokens: Vec<String> = period_tokens(&lower)
        .into_iter()
        .map(|t| {
            let compact: String = t.chars().filter(|c| c.is_alphanumeric()).collect();
            let fy = compact.get(..2).filter(|p| matches!(*p, "fy" | "cy"));
            let yy = compact
                .get(2..)
                .filter(|d| d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()));
            if let (Some(fy), Some(yy)) = (fy, yy) {
                return format!("{fy}20{yy}");
            }
            if let Some(y) = compact
                .strip_suffix('e')
                .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
            {
                return format!("{y} est");
            }
            match compact.as_str() {
                "" => t.to_owned(), // the dash
                "e" | "estimate" | "estimated" => "est".to_owned(),
                w if MONTHS.iter().any(|mo| w.starts_with(mo)) => {
                    w.get(..3).unwrap_or(w).to_owned()
                }
                w => w.to_owned(),
            }
        })
        .collect();
    tokens.join(" ").replace(" - ", "-")
}

/// The pieces of a lower-case period: `fy 25` and `fy'2025` whole, a year with its `e`, runs
/// of letters and digits, dashes; anything else separates them.
fn period_tokens(lower: &str) -> Vec<&str> {
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let end = if lower
            .get(at..)
            .is_some_and(|r| r.starts_with("fy") || r.starts_with("cy"))
            && let Some(end) = {
                let rest = lower.get(at + 2..).unwrap_or("");
                let mut n = at + 2 + rest.len() - rest.trim_start().len();
                if bytes.get(n) == Some(&b'\'') {
                    n += 1;
                }
                let digits = bytes
                    .get(n..)
                    .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count());
                match digits {
                    0 | 1 => None,
                    2 | 3 => Some(n + 2),
                    _ => Some(n + 4),
                }
            } {
            end
        } else if bytes
            .get(at..at + 4)
            .is_some_and(|d| d.len() == 4 && d.iter().all(u8::is_ascii_digit))
        {
            at + 4 + usize::from(bytes.get(at + 4) == Some(&b'e'))
        } else if bytes
            .get(at)
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            at + bytes.get(at..).map_or(0, |r| {
                r.iter()
                    .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    .count()
            })
        } else if bytes.get(at) == Some(&b'-') {
            at + 1
        } else {
            at += lower
                .get(at..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            continue;
        };
        out.extend(lower.get(start..end));
        at = end;
    }
    out
}
