//! Where the next plain figure of a line starts and ends, read by hand.
//!
//! Owns: finding, from a position in a line, the match that the quantity pattern of
//! [`super::value`] would find there, when that match is sure to be a plain figure
//! (`$4.5B`, `1,200`, `-3%`, `478,000+`): signs, one currency symbol, the number, then a scale
//! word or `%`, then `+`. Such a match needs no regex: the text around the number decides it.
//!
//! Does not own: what the figure means ([`super::value`] splits and reads it), and any
//! match the pattern may read in more than one way. Whenever a marker (`about`, `over`, `~`),
//! a currency code, a spaced scale or percent word, `or more` or a case-folding letter (`ſ`,
//! the Kelvin sign) could take part, the answer is "not sure" and the pattern decides.
//! Every function is total: no input makes it panic.

use crate::model::scan::find_digit;

/// A part of a figure that may be missing, as a byte range of the line.
pub(crate) type Part = Option<(usize, usize)>;

/// A plain figure's parts, as byte ranges of the line: the groups the quantity pattern gives
/// the same match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plain {
    pub whole: (usize, usize),
    pub sign: Part,
    pub currency: Part,
    pub sign2: Part,
    pub number: (usize, usize),
    pub scale: Part,
    pub percent: Part,
    pub plus: Part,
}

/// The match that the quantity pattern finds in `text` from `pos`, split into its parts, when
/// it is a plain figure whose bounds the text around its number decides; `None` when not sure
/// (the pattern must search then), and when `text` has no digit from `pos`.
pub(crate) fn plain_match(text: &str, pos: usize) -> Option<Plain> {
    let digit = find_digit(text.as_bytes(), pos)?;
    let (start, sign, currency, sign2) = plain_start(text, pos, digit)?;
    let (number, scale, percent, plus) = plain_end(text, digit)?;
    let end = [plus, percent, scale]
        .into_iter()
        .flatten()
        .map(|(_, e)| e)
        .next()
        .unwrap_or(number.1);
    Some(Plain {
        whole: (start, end),
        sign,
        currency,
        sign2,
        number,
        scale,
        percent,
        plus,
    })
}

/// Where the match whose number starts at `digit` (the first digit from `pos`) starts, and
/// its sign, currency symbol and second sign: the pattern reads `sign? currency? sign?` right
/// before the number. `None` when a marker or a currency code may come before them.
fn plain_start(text: &str, pos: usize, digit: usize) -> Option<(usize, Part, Part, Part)> {
    let before = |at: usize| {
        text.get(pos..at)
            .and_then(|t| t.chars().next_back())
            .map(|c| (c, at - c.len_utf8()))
    };
    let is_sign = |c: char| matches!(c, '-' | '+' | '−');
    let mut start = digit;
    // Read backwards: a sign, a currency symbol, a sign (`-$5`, `$-5`, `+-5`).
    let last = before(start)
        .filter(|(c, _)| is_sign(*c))
        .map(|(_, at)| (at, start));
    if let Some((at, _)) = last {
        start = at;
    }
    let symbol = before(start)
        .filter(|(c, _)| matches!(c, '$' | '€' | '£' | '¥' | '₹'))
        .map(|(_, at)| (at, start));
    if let Some((at, _)) = symbol {
        start = at;
    }
    let first = before(start)
        .filter(|(c, _)| is_sign(*c))
        .map(|(_, at)| (at, start));
    if let Some((at, _)) = first {
        start = at;
    }
    // Without a symbol, a lone sign is the first one.
    let (sign, sign2) = match (first, symbol) {
        (None, None) => (last, None),
        _ => (first, last),
    };
    let parts = (start, sign, symbol, sign2);
    let Some((c, _)) = before(start) else {
        return Some(parts);
    };
    let ok = if c.is_whitespace() {
        // A marker's spaces (`about 5`), or a currency's one space (`USD 5`, `$ 5`).
        let head = text.get(pos..start)?.trim_end();
        match head.chars().next_back() {
            None => true,
            Some(c) if c.is_ascii_alphabetic() => !may_end_prefix_word(word_before(head)?),
            Some(c) => !may_end_prefix(c),
        }
    } else if c.is_ascii_alphabetic() {
        // A symbol's letters (`US$5`, `CN¥5`), a marker word right before a sign or a symbol
        // (`about-5`), a code before anything (`USD5`).
        symbol.is_none() && !may_end_prefix_word(word_before(text.get(pos..start)?)?)
    } else {
        !may_end_prefix(c)
    };
    ok.then_some(parts)
}

/// The number of the match whose number starts at `digit`, and its scale word or `%` and its
/// `+`. `None` when the number is not plain (`1,2345`, `1.2.3`), a letter is glued to it that
/// is no scale (`3D`, `5th`), or a word may follow it as part of the figure (`5 million`,
/// `5 %`, `500 or more`, `$5 USD`).
fn plain_end(text: &str, digit: usize) -> Option<((usize, usize), Part, Part, Part)> {
    let bytes = text.as_bytes();
    let mut end = digit;
    while bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b',' | b'.'))
    {
        end += 1;
    }
    // A trailing `.` or `,` ends a sentence or a list: it is not the number's.
    while end > digit && matches!(bytes.get(end - 1), Some(b',' | b'.')) {
        end -= 1;
    }
    if !is_plain_number(text.get(digit..end)?) {
        return None;
    }
    let number = (digit, end);
    let rest = text.get(end..)?;
    let Some(next) = rest.chars().next() else {
        return Some((number, None, None, None));
    };
    if next == '%' {
        let plus = tail(text, end + 1)?;
        return Some((number, None, Some((end, end + 1)), plus));
    }
    if next.is_ascii_alphabetic() {
        let word = word_after(rest)?;
        let after = rest.get(word.len()..)?;
        // The scale needs a word boundary after it.
        if !is_scale(word) || after.starts_with(|c: char| c.is_ascii_digit() || c == '_') {
            return None;
        }
        let scale_end = end + word.len();
        let plus = tail(text, scale_end)?;
        return Some((number, Some((end, scale_end)), None, plus));
    }
    if next.is_whitespace() {
        let after = rest.trim_start();
        let part_of_figure = match after.chars().next() {
            Some('%') => true,
            Some(c) if c.is_ascii_alphabetic() => {
                let word = word_after(after)?;
                is_scale(word) || is_tail_word(word)
            }
            Some(c) => folds_to_ascii(c),
            None => false,
        };
        return (!part_of_figure).then_some((number, None, None, None));
    }
    if next == '+' {
        return Some((number, None, None, tail(text, end)?));
    }
    // A word char glued on leaves no word boundary (`5_000`); a case-folding letter may be a
    // scale (`5K` with the Kelvin sign).
    if next == '_' || folds_to_ascii(next) {
        return None;
    }
    Some((number, None, None, None))
}

/// The `+` after a figure whose number, scale or `%` ends at `at`, if one is there: `Some(None)`
/// without one, `None` when a code or `or more` may follow.
fn tail(text: &str, at: usize) -> Option<Part> {
    let rest = text.get(at..)?;
    let (plus, rest) = match rest.strip_prefix('+') {
        Some(after) => (Some((at, at + 1)), after),
        None => (None, rest),
    };
    let after = rest.trim_start();
    match after.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => (!is_tail_word(word_after(after)?)).then_some(plus),
        Some(c) if folds_to_ascii(c) => None,
        _ => Some(plus),
    }
}

/// Chars that may end a marker or a currency (`~`, `>=`, `approx.`, `US$`): the match may
/// start before them.
fn may_end_prefix(c: char) -> bool {
    matches!(
        c,
        '.' | '~' | '≈' | '=' | '>' | '<' | '≥' | '≤' | '$' | '€' | '£' | '¥' | '₹'
    ) || folds_to_ascii(c)
}

/// Non-ASCII letters that match an ASCII letter without case (`ſ` is `s`, the Kelvin sign is
/// `k`): the pattern reads them as part of a word.
fn folds_to_ascii(c: char) -> bool {
    matches!(c, 'ſ' | '\u{212A}')
}

/// The ASCII letters at the end of `text`; `None` when a case-folding letter is glued to them.
fn word_before(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut start = bytes.len();
    while start > 0 && bytes.get(start - 1).is_some_and(u8::is_ascii_alphabetic) {
        start -= 1;
    }
    let before = text.get(..start)?.chars().next_back();
    if before.is_some_and(folds_to_ascii) {
        return None;
    }
    text.get(start..)
}

/// The ASCII letters at the start of `text`; `None` when a case-folding letter is glued to them.
fn word_after(text: &str) -> Option<&str> {
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let after = text.get(end..)?.chars().next();
    if after.is_some_and(folds_to_ascii) {
        return None;
    }
    text.get(..end)
}

/// Whether `word` (ASCII letters), lower-cased on the stack, passes `test`; false when it is
/// longer than any word tested.
fn lowered_is(word: &str, test: impl Fn(&[u8]) -> bool) -> bool {
    let mut buf = [0; 16];
    let bytes = word.as_bytes();
    buf.get_mut(..bytes.len()).is_some_and(|out| {
        out.copy_from_slice(bytes);
        out.make_ascii_lowercase();
        test(out)
    })
}

/// Whether the ASCII letters `word` may end a marker (`about`, `at least`) or a currency code.
/// A marker needs a word boundary before it, a code does not (`xUSD 5`). The pattern reads
/// codes case-sensitively; they are compared without case here, which can only make the
/// answer "not sure" more often.
fn may_end_prefix_word(word: &str) -> bool {
    let last3 = word.get(word.len().saturating_sub(3)..).unwrap_or(word);
    is_code(last3)
        || lowered_is(word, |w| {
            matches!(
                w,
                b"about"
                    | b"approx"
                    | b"approximately"
                    | b"around"
                    | b"roughly"
                    | b"circa"
                    | b"c"
                    | b"ca"
                    | b"est"
                    | b"over"
                    | b"than"
                    | b"least"
                    | b"of"
                    | b"under"
                    | b"to"
                    | b"below"
            )
        })
}

fn is_code(word: &str) -> bool {
    lowered_is(word, |w| {
        matches!(
            w,
            b"usd" | b"eur" | b"gbp" | b"jpy" | b"cny" | b"rmb" | b"inr" | b"cad" | b"aud" | b"chf"
        )
    })
}

/// A scale word as the pattern reads it after a number (`5M`, `3 billion`, `2 lakhs`).
fn is_scale(word: &str) -> bool {
    lowered_is(word, |w| {
        let singular = w.strip_suffix(b"s").unwrap_or(w);
        matches!(w, b"k" | b"mm" | b"mn" | b"m" | b"bn" | b"b" | b"tn" | b"t")
            || matches!(
                singular,
                b"thousand" | b"million" | b"billion" | b"trillion" | b"lakh" | b"crore"
            )
    })
}

/// A word that may follow a number, a scale or `%` as part of the figure (`5 percent`,
/// `$5M USD`, `500 or more`), scale words aside.
fn is_tail_word(word: &str) -> bool {
    is_code(word)
        || lowered_is(word, |w| {
            matches!(w, b"percent" | b"per" | b"or" | b"dollars" | b"euros")
        })
}

/// `NUM` as a whole: `1,234,567.5` (groups of three) or `1234.5`.
pub(crate) fn is_plain_number(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (int, frac) = match bytes.iter().position(|&b| b == b'.') {
        Some(dot) => (bytes.get(..dot).unwrap_or(&[]), bytes.get(dot + 1..)),
        None => (bytes, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.iter().all(u8::is_ascii_digit)) {
        return false;
    }
    // Digits since the last comma; every group after a comma has three.
    let mut run = 0;
    let mut grouped = false;
    for &b in int {
        if b.is_ascii_digit() {
            run += 1;
        } else if b == b',' && run > 0 && run <= 3 && (!grouped || run == 3) {
            grouped = true;
            run = 0;
        } else {
            return false;
        }
    }
    run > 0 && (!grouped || run == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(text: &str) -> Option<&str> {
        plain_match(text, 0).and_then(|p| text.get(p.whole.0..p.whole.1))
    }

    #[test]
    fn plain_figures_are_read_by_hand() {
        assert_eq!(bounds("raised $4.5B in 2024"), Some("$4.5B"));
        assert_eq!(bounds("has 1,200 employees."), Some("1,200"));
        assert_eq!(
            bounds("margin of -3.2%, down"),
            None,
            "`of` may end a marker"
        );
        assert_eq!(bounds("margin fell -3.2%, down"), Some("-3.2%"));
        assert_eq!(bounds("478,000+ users"), Some("478,000+"));
        assert_eq!(bounds("(€300m)"), Some("€300m"));
        assert_eq!(bounds("in 2024."), Some("2024"));
        assert_eq!(bounds("COVID-19 hit"), Some("-19"));
    }

    #[test]
    fn a_plain_figure_is_split_into_its_parts() {
        let text = "lost -$5M+ in 2024";
        let plain = plain_match(text, 0).unwrap();
        assert_eq!(
            plain,
            Plain {
                whole: (5, 10),
                sign: Some((5, 6)),
                currency: Some((6, 7)),
                sign2: None,
                number: (7, 8),
                scale: Some((8, 9)),
                percent: None,
                plus: Some((9, 10)),
            }
        );
        let plain = plain_match("fell +-20% then", 0).unwrap();
        assert_eq!((plain.sign, plain.sign2), (Some((5, 6)), Some((6, 7))));
        assert_eq!(plain.percent, Some((9, 10)));
    }

    #[test]
    fn unsure_matches_are_left_to_the_pattern() {
        for text in [
            "about 40%",
            "more than 600 staff",
            "USD 5",
            "US$3B",
            "$ 5",
            "~5k",
            "approx. 12",
            "5 million",
            "5 %",
            "500 or more",
            "$5M USD",
            "3D",
            "5th",
            "1,2345",
            "1.2.3",
            "5_000",
            "5\u{212A}",
            "at lea\u{17F}t 5",
            "5 dollar\u{17F}",
        ] {
            assert_eq!(bounds(text), None, "{text:?}");
        }
    }
}
