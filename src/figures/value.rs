//! Figure values for the `inconsistent-figure` and `sum-mismatch` rules.
//!
//! Owns: reading money / count / percent figures out of table cells and prose
//! (scale words, precision, approximation and bound markers, ranges, years),
//! comparing two figures under a precision rule, summing figures, and
//! normalising the labels and period qualifiers that figures are filed under.
//!
//! Does not own: Markdown parsing, deciding which label a prose figure belongs
//! to (label proximity is the caller's job), currency conversion, diagnostics.
//! Every function is total: no input makes it panic.
//!
//! Choices, pinned by the tests below:
//! - Values are `f64` in base units (currency units, items, percentage points);
//!   `tolerance` is half a unit of the last stated digit times the scale.
//! - A bare `$` is USD and a bare `¥` is JPY (`CN¥`, `RMB`, `CNY` are CNY).
//! - Ranges parse to [`Kind::Range`] so that their two numbers are not misread
//!   as separate figures; [`agreement`] always answers `Incomparable` for them.
//! - Bounds are inclusive (`<50` admits 50) because prose rarely means strict.

use regex::Regex;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use super::period::first_period;
use super::words::{BUILTIN_SYNONYMS, KEEP_S, PERIOD_CONNECTORS, UNIT_NOTE_WORDS};
use crate::model::figure::{Kind, Quantity, Unit};
use hashbrown::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    Agree,
    Disagree,
    /// Different kinds of figure (money vs count vs percent) or a range.
    Incomparable,
}

/// Same unit and within precision. Differences smaller than one tolerance of
/// the less precise side are rounding; a gap of a whole tolerance is not.
pub fn agreement(a: &Quantity, b: &Quantity) -> Agreement {
    match (a.unit, b.unit) {
        _ if matches!(a.kind, Kind::Range { .. }) || matches!(b.kind, Kind::Range { .. }) => {
            return Agreement::Incomparable;
        }
        (Unit::Money(x), Unit::Money(y)) if x != y => return Agreement::Disagree,
        (x, y) if x != y => return Agreement::Incomparable,
        _ => {}
    }
    let tol = a.effective_tolerance().max(b.effective_tolerance());
    // The 1e-9 slack absorbs float noise so `$4.5B` vs `$5B` stays a conflict.
    let conflict = |gap: f64| gap >= tol * (1.0 - 1e-9);
    let disagree = match (a.kind, b.kind) {
        (Kind::Exact, Kind::Exact) => conflict((a.value - b.value).abs()),
        // Two lower (or two upper) bounds can both be true at once.
        (Kind::AtLeast, Kind::AtLeast) | (Kind::AtMost, Kind::AtMost) => false,
        (Kind::AtLeast, _) => conflict(a.value - b.value),
        (_, Kind::AtLeast) => conflict(b.value - a.value),
        (Kind::AtMost, _) => conflict(b.value - a.value),
        (_, Kind::AtMost) => conflict(a.value - b.value),
        _ => return Agreement::Incomparable,
    };
    if disagree {
        Agreement::Disagree
    } else {
        Agreement::Agree
    }
}

/// Sum of same-unit parts. The tolerance is the SUM of the parts' effective
/// tolerances: each part may be off by its own rounding, and those errors add
/// up (three rounded $1.4B parts may truly total $4.3B ± 0.15B); using the max
/// would flag correctly rounded tables. Approximation is folded into that
/// tolerance, so the result is not itself marked approximate. Lower bounds
/// sum to a lower bound (likewise upper); mixing them, ranges or units → None.
pub fn sum(parts: &[Quantity]) -> Option<Quantity> {
    let (first, rest) = parts.split_first()?;
    let mut acc = Quantity {
        tolerance: 0.0,
        value: 0.0,
        approximate: false,
        ..*first
    };
    for p in std::iter::once(first).chain(rest) {
        if p.unit != acc.unit {
            return None;
        }
        acc.kind = match (acc.kind, p.kind) {
            (Kind::Range { .. }, _) | (_, Kind::Range { .. }) => return None,
            (k, Kind::Exact) | (Kind::Exact, k) => k,
            (k, j) if k == j => k,
            _ => return None,
        };
        acc.value += p.value;
        acc.tolerance += p.effective_tolerance();
    }
    acc.value.is_finite().then_some(acc)
}

/// A value written the way research notes write it: `$1.2B`, `€631M`, `160`, `100%`.
/// At most two decimals, trailing zeros dropped; for messages only.
pub fn display(q: &Quantity) -> String {
    let v = q.value.abs();
    let sign = if q.value < 0.0 { "-" } else { "" };
    let number = |x: f64| {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    let scaled = match q.unit {
        Unit::Percent => return format!("{sign}{}%", number(v)),
        Unit::Measure(unit) => return format!("{sign}{} {unit}", number(v)),
        _ if v >= 1e12 => format!("{}T", number(v / 1e12)),
        _ if v >= 1e9 => format!("{}B", number(v / 1e9)),
        _ if v >= 1e6 => format!("{}M", number(v / 1e6)),
        Unit::Money(_) if v >= 1e3 => format!("{}k", number(v / 1e3)),
        _ => number(v),
    };
    let prefix = match q.unit {
        Unit::Money("USD") => "$".to_owned(),
        Unit::Money("EUR") => "€".to_owned(),
        Unit::Money("GBP") => "£".to_owned(),
        Unit::Money("JPY") => "¥".to_owned(),
        Unit::Money("INR") => "₹".to_owned(),
        Unit::Money(code) => format!("{code} "),
        _ => String::new(),
    };
    format!("{sign}{prefix}{scaled}")
}

/// Do `parts` add up to `total` under the precision rule of [`agreement`]?
pub fn check_sum(parts: &[Quantity], total: &Quantity) -> Agreement {
    sum(parts).map_or(Agreement::Incomparable, |s| agreement(&s, total))
}

/// Crude singular of one word: `companies`→`company`, `branches`→`branch`,
/// `employees`→`employee`; `-ss`/`-us`/`-is` words, words of ≤3 chars and
/// `KEEP_S` (notably `sales`, a metric of its own) are left alone.
fn singular(w: &str) -> Cow<'_, str> {
    // Every rule below drops a final `s`: most words are their own singular at once.
    if !w.ends_with('s') {
        return Cow::Borrowed(w);
    }
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| w.ends_with(s));
    if KEEP_S.contains(&w) || w.chars().count() <= 3 || ends(&["ss", "us", "is"]) {
        Cow::Borrowed(w)
    } else if let Some(stem) = w.strip_suffix("ies").filter(|s| s.chars().count() > 1) {
        Cow::Owned(format!("{stem}y"))
    } else if ends(&["sses", "shes", "ches", "xes"]) {
        Cow::Borrowed(w.strip_suffix("es").unwrap_or(w))
    } else {
        Cow::Borrowed(w.strip_suffix('s').unwrap_or(w))
    }
}

/// The words [`normalize_label`] makes of one lower-case ASCII word of prose (letters, `-`,
/// `'`, `&`): apostrophes dropped, split at hyphens. `None` for any other word.
fn key_pieces(word: &str) -> Option<impl Iterator<Item = Cow<'_, str>>> {
    word.bytes()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'\'' | b'&'))
        .then(|| {
            word.split('-')
                .map(|piece| match piece.contains('\'') {
                    true => Cow::Owned(piece.replace('\'', "")),
                    false => Cow::Borrowed(piece),
                })
                .filter(|piece| !piece.is_empty())
        })
}

/// Lower-case; `[[target|alias]]` → alias (else target); apostrophes dropped;
/// every other char but letters, digits, `&`, `%` becomes a space (so `*`, `_`,
/// brackets and punctuation vanish); spaces collapse; last word singularised.
pub(crate) fn normalize_label(s: &str) -> String {
    // Fast path for the common case (plain ASCII words): the same result without regexes.
    if s.is_ascii() && !s.bytes().any(|b| b == b'(' || b == b'[') {
        // Words are runs of letters, digits, `&` and `%` (apostrophes dropped), written
        // lower-case with one space between them; the last one singular.
        let mut out = String::with_capacity(s.len());
        let mut last_word = 0;
        let mut between = true;
        for c in s.bytes().filter(|b| *b != b'\'').map(char::from) {
            if c.is_ascii_alphanumeric() || c == '&' || c == '%' {
                if between {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    last_word = out.len();
                    between = false;
                }
                out.push(c.to_ascii_lowercase());
            } else {
                between = true;
            }
        }
        let word = out.get(last_word..).unwrap_or("");
        let one = singular(word);
        if *one != *word {
            let one = one.into_owned();
            out.truncate(last_word);
            out.push_str(&one);
        }
        return out;
    }
    normalize_label_general(s)
}

/// [`normalize_label`] for any text: unit notes and links read by hand.
fn normalize_label_general(s: &str) -> String {
    // Unit notes go first: "Revenue ($M)" and "Revenue" are the same metric.
    let noted = without_unit_notes(s);
    let unlinked = link_texts(&noted);
    let lower = unlinked.to_lowercase().replace(['\'', '’'], "");
    let mut words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphabetic() || c.is_numeric() || matches!(c, '&' | '%')))
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.pop().map(singular);
    words.extend(last.as_deref());
    words.join(" ")
}

/// `s` with every parenthesised unit note (`($M)`, `(USD bn)`, `(%)`, `(k)`) made a space.
fn without_unit_notes(s: &str) -> Cow<'_, str> {
    if !s.contains('(') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(open) = s.get(at..).and_then(|r| r.find('(')).map(|i| at + i) {
        // Signs, spaces and unit words, up to `)`.
        let mut end = open + 1;
        while let Some(c) = s.get(end..).and_then(|r| r.chars().next()) {
            if c.is_whitespace() || matches!(c, ',' | '$' | '€' | '£' | '¥' | '₹' | '%' | '#')
            {
                end += c.len_utf8();
                continue;
            }
            let word = bytes.get(end..).map_or(0, |r| {
                r.iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count()
            });
            match s.get(end..end + word) {
                Some(w)
                    if word > 0 && UNIT_NOTE_WORDS.iter().any(|u| w.eq_ignore_ascii_case(u)) =>
                {
                    end += word;
                }
                _ => break,
            }
        }
        if bytes.get(end) == Some(&b')') {
            out.push_str(s.get(copied..open).unwrap_or(""));
            out.push(' ');
            copied = end + 1;
            at = end + 1;
        } else {
            at = open + 1;
        }
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    Cow::Owned(out)
}

/// `s` with every wikilink (`[[target#heading|alias]]`) replaced by its alias, else its
/// target.
fn link_texts(s: &str) -> Cow<'_, str> {
    if !s.contains("[[") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("[[") {
        let inner = rest.get(open + 2..).unwrap_or("");
        let target_end = inner.find([']', '|', '#']).unwrap_or(inner.len());
        let mut at = target_end;
        if inner.get(at..).is_some_and(|r| r.starts_with('#')) {
            at += inner
                .get(at..)
                .and_then(|r| r.find([']', '|']))
                .unwrap_or(inner.len() - at);
        }
        let mut shown = inner.get(..target_end).unwrap_or("");
        if inner.get(at..).is_some_and(|r| r.starts_with('|')) {
            let alias_end = at
                + 1
                + inner
                    .get(at + 1..)
                    .and_then(|r| r.find(']'))
                    .unwrap_or(inner.len() - at - 1);
            shown = inner.get(at + 1..alias_end).unwrap_or("");
            at = alias_end;
        }
        if inner.get(at..).is_some_and(|r| r.starts_with("]]")) {
            out.push_str(rest.get(..open).unwrap_or(""));
            out.push_str(shown);
            rest = inner.get(at + 2..).unwrap_or("");
        } else {
            out.push_str(rest.get(..open + 1).unwrap_or(""));
            rest = rest.get(open + 1..).unwrap_or("");
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Phrase → canonical label, keyed by `normalize_label` of the phrase.
///
/// Hashed: every word next to a figure in prose is looked up here, and a hash probe costs
/// less than a tree walk of string comparisons.
#[derive(Clone, Debug)]
pub struct Synonyms {
    map: HashMap<String, String>,
    /// Every word of every key: [`Synonyms::lookup`] rejects most prose without normalising.
    words: HashSet<String>,
    /// Any content word of any key, anywhere, case-insensitively (see [`Synonyms::may_name`]).
    mention: Option<Regex>,
    /// The first and the last word of every key ([`Synonyms::may_start_key`]).
    firsts: HashSet<String>,
    lasts: HashSet<String>,
    /// Every canonical name, as [`Synonyms::canonical`] returns it ([`Synonyms::is_known`]).
    canonicals: HashSet<String>,
}

impl Default for Synonyms {
    fn default() -> Self {
        let mut map = HashMap::new();
        for (canon, phrases) in BUILTIN_SYNONYMS {
            for phrase in std::iter::once(canon).chain(phrases.split(',')) {
                map.insert(normalize_label(phrase), canon.to_owned());
            }
        }
        let mut syn = Self {
            map,
            words: HashSet::new(),
            mention: None,
            firsts: HashSet::new(),
            lasts: HashSet::new(),
            canonicals: HashSet::new(),
        };
        syn.index_words();
        syn
    }
}

impl Synonyms {
    /// Built-ins plus user config `canonical → [phrases]`; user entries win.
    /// A user key that is already known (`headcount`) extends its canonical.
    pub(crate) fn with_extra(extra: BTreeMap<String, Vec<String>>) -> Self {
        let mut syn = Self::default();
        for (canon, phrases) in extra {
            let target = syn.canonical(&canon);
            if target.is_empty() {
                continue;
            }
            for phrase in std::iter::once(&canon).chain(&phrases) {
                let key = normalize_label(phrase);
                if !key.is_empty() {
                    syn.map.insert(key, target.clone());
                }
            }
        }
        syn.index_words();
        syn
    }

    fn index_words(&mut self) {
        self.canonicals = self.map.values().cloned().collect();
        self.words = self
            .map
            .keys()
            .flat_map(|k| k.split(' '))
            .map(str::to_owned)
            .collect();
        const STOP: [&str; 11] = [
            "of", "at", "to", "in", "a", "an", "the", "and", "for", "on", "by",
        ];
        let content = |w: &&String| !STOP.contains(&w.as_str());
        // A key made of stop words only would slip past the pattern: then every text may name one.
        let every_key_has_content = self
            .map
            .keys()
            .all(|k| k.split(' ').any(|w| !STOP.contains(&w)));
        let mut words: Vec<&String> = self.words.iter().collect();
        words.sort_unstable();
        let alternatives: Vec<String> = words
            .into_iter()
            .filter(content)
            // `company` is written `companies`: match the stem.
            .map(|w| regex::escape(w.strip_suffix('y').filter(|s| s.len() > 1).unwrap_or(w)))
            .collect();
        (self.firsts, self.lasts) = self
            .map
            .keys()
            .filter_map(|k| Some((k.split(' ').next()?, k.rsplit(' ').next()?)))
            .map(|(first, last)| (first.to_owned(), last.to_owned()))
            .unzip();
        self.mention = (every_key_has_content && !alternatives.is_empty())
            .then(|| Regex::new(&format!("(?i){}", alternatives.join("|"))).ok())
            .flatten();
    }

    /// Whether `word` (lower-case, one word) is a word of a known phrase, or its plural.
    pub(crate) fn has_word(&self, word: &str) -> bool {
        // Most words hold no apostrophe and no hyphen: one look at their bytes says so. `’` is
        // U+2019, whose UTF-8 starts with 0xE2.
        if !word.bytes().any(|b| matches!(b, b'\'' | b'-' | 0xE2)) {
            return word.is_empty() || self.has_piece(word);
        }
        let plain: Cow<'_, str> = if memchr::memchr2(b'\'', 0xE2, word.as_bytes()).is_some()
            && word.contains(['\'', '’'])
        {
            Cow::Owned(word.chars().filter(|c| !matches!(c, '\'' | '’')).collect())
        } else {
            Cow::Borrowed(word)
        };
        // `post-money` is two words of a key.
        plain.split('-').all(|w| w.is_empty() || self.has_piece(w))
    }

    /// Whether one piece of a word, or its singular, is a word of a key.
    fn has_piece(&self, w: &str) -> bool {
        if self.words.contains(w) {
            return true;
        }
        let one = singular(w);
        one.len() != w.len() && self.words.contains(one.as_ref())
    }

    /// Whether a phrase that starts with `word` (one lower-case word of prose) may be a key:
    /// false when the first word [`normalize_label`] makes of it starts no key, whether that
    /// phrase is `word` alone (then singular) or longer. Words that are not plain lower-case
    /// ASCII are not judged.
    pub(crate) fn may_start_key(&self, word: &str) -> bool {
        let Some(first) = key_pieces(word).and_then(|mut p| p.next()) else {
            return true;
        };
        self.firsts.contains(first.as_ref()) || self.firsts.contains(singular(&first).as_ref())
    }

    /// Whether a phrase that ends with `word` (one lower-case word of prose) may be a key: the
    /// last word [`normalize_label`] makes of it, singular, must end one.
    pub(crate) fn may_end_key(&self, word: &str) -> bool {
        let Some(last) = key_pieces(word).and_then(|p| p.last()) else {
            return true;
        };
        self.lasts.contains(singular(&last).as_ref())
    }

    /// Whether `text` may hold a known phrase: false means no phrase of it is a key. A cheap
    /// test before reading figures out of a line.
    pub(crate) fn may_name(&self, text: &str) -> bool {
        self.mention.as_ref().is_none_or(|re| re.is_match(text))
    }

    /// Canonical name of a label, or its normalised form if unknown.
    /// Strip qualifiers first with [`split_qualifier`].
    pub(crate) fn canonical(&self, label: &str) -> String {
        let key = normalize_label(label);
        self.map.get(&key).cloned().unwrap_or(key)
    }

    /// Canonical name of a phrase only when it is a known phrase (built-in or configured).
    /// A phrase with a word that [`Synonyms::has_word`] does not know is none: callers reading
    /// prose test words that way first, which costs less than normalising the phrase.
    pub(crate) fn lookup(&self, phrase: &str) -> Option<&str> {
        self.map.get(&normalize_label(phrase)).map(String::as_str)
    }

    /// Whether `label`, as [`Synonyms::canonical`] returns it, is one of the known metrics. A
    /// canonical name may be plural (`employees`) where the keys are singular.
    pub(crate) fn is_known(&self, label: &str) -> bool {
        self.canonicals.contains(label)
    }
}

/// A label's metric and period, as [`split_qualifier`] reads them.
type Split = (String, Option<String>);

/// Splits the first year/period out of a label: `ARR (Q3 2025)` →
/// (`arr`, `q3 2025`). The label is normalised; the qualifier is lower-cased
/// with months cut to 3 letters, `FY 25` → `fy2025`, `2025E`/`est.` → `2025 est`
/// (estimates are kept apart from actuals), dashes unified (`2023-24`).
pub(crate) fn split_qualifier(label: &str) -> Split {
    // A vault's tables repeat a small set of row labels and headers (`Valuation`, `Total
    // raised`, `2024`): each thread keeps the last few thousand it read.
    const REMEMBERED: usize = 4096;
    const LONGEST: usize = 64;
    thread_local! {
        static READ: RefCell<HashMap<Box<str>, Split>> =
            RefCell::new(HashMap::new());
    }
    if label.len() > LONGEST {
        return read_qualifier(label);
    }
    READ.with(|read| {
        if let Some(known) = read.borrow().get(label) {
            return known.clone();
        }
        let split = read_qualifier(label);
        let mut read = read.borrow_mut();
        if read.len() >= REMEMBERED {
            read.clear();
        }
        read.insert(label.into(), split.clone());
        split
    })
}

/// [`split_qualifier`], read afresh.
fn read_qualifier(label: &str) -> Split {
    let Some((m, period)) = first_period(label) else {
        return (normalize_label(label), None);
    };
    let rest = format!(
        "{} {}",
        label.get(..m.start).unwrap_or(""),
        label.get(m.end..).unwrap_or("")
    );
    let mut words: Vec<String> = normalize_label(&rest)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    while words
        .last()
        .is_some_and(|w| PERIOD_CONNECTORS.contains(&w.as_str()))
    {
        words.pop();
    }
    // Normalise again: the last word may have been hidden behind a connector.
    (normalize_label(&words.join(" ")), Some(period))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::period::{find_period, find_periods};
    use crate::figures::quantity::{converted, find_quantities, parse_quantity};

    proptest::proptest! {
        /// The ASCII shortcut reads a label exactly as the general path does.
        #[test]
        fn ascii_labels_normalise_as_the_general_path(
            label in "[a-zA-Z0-9 '&%$.,:/*_-]{0,30}",
            words in "(\\*{0,2}[A-Za-z']{1,9}(ies|es|s|ss|us)?[ :,.-]{1,2}){1,4}",
        ) {
            proptest::prop_assert_eq!(normalize_label(&label), normalize_label_general(&label));
            proptest::prop_assert_eq!(normalize_label(&words), normalize_label_general(&words));
        }
    }
    use Agreement::{Agree, Disagree, Incomparable};

    #[test]
    fn every_canonical_name_is_known_plural_ones_too() {
        let syn = Synonyms::default();
        for label in ["Employees", "Headcount", "Number of employees", "Valuation"] {
            let canonical = syn.canonical(label);
            assert!(syn.is_known(&canonical), "{label} -> {canonical}");
        }
        assert_eq!(syn.canonical("Headcount"), "employees");
        assert!(!syn.is_known(&syn.canonical("Car")));
        let extra = BTreeMap::from([("bookings".to_owned(), vec!["gross bookings".to_owned()])]);
        let syn = Synonyms::with_extra(extra);
        assert!(syn.is_known(&syn.canonical("Gross bookings")));
    }

    proptest::proptest! {
        /// Periods are not searched for in text without a digit: none can be there.
        #[test]
        fn no_period_without_a_digit(
            text in "([a-zA-Z '.,/()–-]|fy|FY|cy|q|Q|h|H|jan|March|est|e|ttm|ltm|\\p{L}){0,14}"
        ) {
            proptest::prop_assert!(first_period(&text).is_none());
        }
    }

    proptest::proptest! {
        #[test]
        fn a_known_phrase_has_known_words_only(
            words in proptest::collection::vec(
                "valued|at|post-money|Valuation|valuations|market|cap|capitalisation|total|raised|to|date|funding|Revenues|ARR|annual|recurring|revenue|employee|employees|headcount|staff|team|size|number|of|the|new|Employees’|x",
                1..4,
            )
        ) {
            let syn = Synonyms::default();
            let phrase = words.join(" ");
            if syn.lookup(&phrase).is_some() {
                for word in &words {
                    proptest::prop_assert!(syn.has_word(&word.to_lowercase()), "{phrase:?}: {word:?}");
                }
            }
        }
    }

    /// Built-ins and configured phrases with `&`, apostrophes and hyphens.
    fn configured() -> Synonyms {
        let mut extra = BTreeMap::new();
        extra.insert(
            "r&d spend".to_owned(),
            vec![
                "o'neil count".to_owned(),
                "run-rate".to_owned(),
                "companies".to_owned(),
            ],
        );
        Synonyms::with_extra(extra)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn a_phrase_with_an_unfit_first_or_last_word_is_no_key(
            words in proptest::collection::vec(
                "valued|at|post-money|post|money|valuation|valuations|market|cap|capitalisation|total|raised|to|date|funding|revenues|arr|annual|recurring|revenue|employee|employees|employees'|headcount|staff|team|size|number|of|the|new|x|r&d|spend|o'neil|oneil|count|counts|run-rate|run|rate|rates|company|companies|-|'|a-|-b|é|staﬀ",
                1..4,
            )
        ) {
            let syn = configured();
            let phrase = words.join(" ");
            if syn.lookup(&phrase).is_some() {
                let (first, last) = (&words[0], &words[words.len() - 1]);
                proptest::prop_assert!(syn.may_start_key(first), "{phrase:?} starts with {first:?}");
                proptest::prop_assert!(syn.may_end_key(last), "{phrase:?} ends with {last:?}");
            }
        }
    }

    #[test]
    fn first_and_last_words_of_keys() {
        let syn = configured();
        for word in [
            "valuation",
            "valued",
            "post-money",
            "employees",
            "employees'",
            "r&d",
            "o'neil",
            "run-rate",
            "number",
            "é",
        ] {
            assert!(syn.may_start_key(word), "{word:?}");
        }
        for word in ["of", "the", "size's", "grew", "size", "date", "spend"] {
            assert!(!syn.may_start_key(word), "{word:?}");
        }
        for word in [
            "valuation",
            "at",
            "money",
            "date",
            "employees",
            "count",
            "counts",
            "spend",
            "companies",
            "rates",
        ] {
            assert!(syn.may_end_key(word), "{word:?}");
        }
        for word in ["of", "the", "grew", "post", "number", "o'neil"] {
            assert!(!syn.may_end_key(word), "{word:?}");
        }
    }

    #[test]
    fn remembered_qualifiers_read_as_fresh_ones() {
        let labels = [
            "Valuation (2024)",
            "Total raised",
            "FY2025 revenue",
            "Revenue Q3 2025 est",
            "ARR as of 2024",
            "",
        ];
        for _ in 0..2 {
            for label in labels {
                assert_eq!(split_qualifier(label), read_qualifier(label), "{label:?}");
            }
        }
        let long = format!("{} 2024", "word ".repeat(20));
        assert_eq!(split_qualifier(&long), read_qualifier(&long));
        // Past the limit, what was read is forgotten and read again.
        for i in 0..5000 {
            let label = format!("label {i}");
            assert_eq!(split_qualifier(&label), read_qualifier(&label));
        }
        assert_eq!(split_qualifier(labels[0]), read_qualifier(labels[0]));
    }

    fn q(s: &str) -> Quantity {
        parse_quantity(s).unwrap_or_else(|| panic!("no quantity in {s:?}"))
    }
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn parses_every_notation() {
        use Kind::{AtLeast as L, AtMost as U, Exact as E};
        let usd = Unit::Money("USD");
        #[rustfmt::skip]
        let cases: &[(&str, Unit, f64, f64, Kind, bool)] = &[
            ("$4.5B", usd, 4.5e9, 0.05e9, E, false),
            ("$4.52B", usd, 4.52e9, 0.005e9, E, false),
            ("$5B", usd, 5e9, 0.5e9, E, false),
            ("$4.5 billion", usd, 4.5e9, 0.05e9, E, false),
            ("$4.5 B", usd, 4.5e9, 0.05e9, E, false),
            ("US$4,500M", usd, 4.5e9, 0.5e6, E, false),
            ("4.5B USD", usd, 4.5e9, 0.05e9, E, false),
            ("$396M", usd, 396e6, 0.5e6, E, false),
            ("$1.2 trillion", usd, 1.2e12, 0.05e12, E, false),
            ("$5mm", usd, 5e6, 0.5e6, E, false),
            ("5 million dollars", usd, 5e6, 0.5e6, E, false),
            ("$600", usd, 600.0, 0.5, E, false),
            ("$2023", usd, 2023.0, 0.5, E, false),
            ("-$5M", usd, -5e6, 0.5e6, E, false),
            ("$-5M", usd, -5e6, 0.5e6, E, false),
            ("US$ 4.5B", usd, 4.5e9, 0.05e9, E, false),
            ("€1.2bn", Unit::Money("EUR"), 1.2e9, 0.05e9, E, false),
            ("EUR 3m", Unit::Money("EUR"), 3e6, 0.5e6, E, false),
            ("£300k", Unit::Money("GBP"), 300e3, 500.0, E, false),
            ("¥500M", Unit::Money("JPY"), 500e6, 0.5e6, E, false),
            ("CN¥10bn", Unit::Money("CNY"), 10e9, 0.5e9, E, false),
            ("A$5M", Unit::Money("AUD"), 5e6, 0.5e6, E, false),
            ("₹20 crore", Unit::Money("INR"), 20e7, 0.5e7, E, false),
            ("120k+", Unit::Count, 120e3, 500.0, L, false),
            ("120,000+", Unit::Count, 120e3, 0.5, L, false),
            ("7,700+", Unit::Count, 7700.0, 0.5, L, false),
            ("1.2M", Unit::Count, 1.2e6, 0.05e6, E, false),
            ("600", Unit::Count, 600.0, 0.5, E, false),
            ("2023.5", Unit::Count, 2023.5, 0.05, E, false),
            ("367%", Unit::Percent, 367.0, 0.5, E, false),
            ("12.5%", Unit::Percent, 12.5, 0.05, E, false),
            ("12 percent", Unit::Percent, 12.0, 0.5, E, false),
            ("+367% YoY", Unit::Percent, 367.0, 0.5, E, false),
            ("−5%", Unit::Percent, -5.0, 0.5, E, false),
            ("~$4.5B", usd, 4.5e9, 0.05e9, E, true),
            ("≈ $4.5B", usd, 4.5e9, 0.05e9, E, true),
            ("about 120k", Unit::Count, 120e3, 500.0, E, true),
            ("approx. 600", Unit::Count, 600.0, 0.5, E, true),
            ("approximately $5M", usd, 5e6, 0.5e6, E, true),
            ("around 50%", Unit::Percent, 50.0, 0.5, E, true),
            ("c. 300", Unit::Count, 300.0, 0.5, E, true),
            ("~120k+", Unit::Count, 120e3, 500.0, L, true),
            ("over 500", Unit::Count, 500.0, 0.5, L, false),
            ("more than 500", Unit::Count, 500.0, 0.5, L, false),
            (">500", Unit::Count, 500.0, 0.5, L, false),
            ("at least $1B", usd, 1e9, 0.5e9, L, false),
            ("500 or more", Unit::Count, 500.0, 0.5, L, false),
            ("<50", Unit::Count, 50.0, 0.5, U, false),
            ("under 50", Unit::Count, 50.0, 0.5, U, false),
            ("less than 50", Unit::Count, 50.0, 0.5, U, false),
            ("up to $10M", usd, 10e6, 0.5e6, U, false),
            ("  **$4.5B**  ", usd, 4.5e9, 0.05e9, E, false),
            ("_$4.5B_ (2024)", usd, 4.5e9, 0.05e9, E, false),
            ("$4.5B (Mar 2025)", usd, 4.5e9, 0.05e9, E, false),
            ("$4.5B[^1]", usd, 4.5e9, 0.05e9, E, false),
            (r"\$5M", usd, 5e6, 0.5e6, E, false),
            ("120k+ employees", Unit::Count, 120e3, 500.0, L, false),
        ];
        for (text, unit, value, tol, kind, approx) in cases {
            let got = q(text);
            assert_eq!(
                (got.unit, got.kind, got.approximate),
                (*unit, *kind, *approx),
                "{text}"
            );
            assert!(
                close(got.value, *value) && close(got.tolerance, *tol),
                "{text}: {got:?}"
            );
        }
    }

    #[test]
    fn rejects_non_figures_in_cells() {
        #[rustfmt::skip]
        let cases = [
            "", "  ", "2023", "FY2025", "Q3 2025", "(Mar 2025)", "~2020", "2020–2023", "n/a", "—",
            "$", "10x", "Series B", "3D", "$4.5B and $5B", "revenue $5M", "($4.5B)", "24/7",
            "v1.2.3", "2025-03-01", "5mo", "~~$5B~~",
        ];
        for text in cases {
            assert_eq!(parse_quantity(text), None, "{text:?}");
        }
    }

    #[test]
    fn ranges_are_their_own_kind() {
        let usd = Unit::Money("USD");
        #[rustfmt::skip]
        let cases: &[(&str, Unit, f64, f64)] = &[
            ("$4–5B", usd, 4e9, 5e9), ("$4-5 bn", usd, 4e9, 5e9), ("$4B – $5B", usd, 4e9, 5e9),
            ("4 to 5 billion", Unit::Count, 4e9, 5e9), ("$500M–1B", usd, 500e6, 1e9),
            ("10–12%", Unit::Percent, 10.0, 12.0), ("500-600k", Unit::Count, 500e3, 600e3),
            ("4.5–5B USD", usd, 4.5e9, 5e9),
        ];
        for (text, unit, low, high) in cases {
            let got = q(text);
            assert_eq!(got.unit, *unit, "{text}");
            assert!(close(got.value, *low), "{text}");
            assert!(
                matches!(got.kind, Kind::Range { high: h } if close(h, *high)),
                "{text}"
            );
            assert_eq!(agreement(&got, &got), Incomparable, "{text}");
        }
    }

    #[test]
    fn finds_figures_in_prose() {
        #[rustfmt::skip]
        let cases: &[(&str, &[&str])] = &[
            ("Raised $396M in 2023 and $235M (Mar 2025).", &["$396M", "$235M"]),
            ("FY2025 revenue grew +367% YoY to $1.2B.", &["+367%", "$1.2B"]),
            ("It has 3 products and 120k+ employees.", &["3", "120k+"]),
            ("team of about 600 people, over 7,700+ users", &["about 600", "over 7,700+"]),
            ("valued at $4–5B in Q3 2025", &["$4–5B"]),
            ("grew from $5M to $10M", &["$5M", "$10M"]),
            ("between 2020 to 2023 and in 2024-25, H1 2025", &[]),
            ("a $ sign, 10x, COVID-19, 24/7, v1.2.3, 10:30, 2025-03-01", &[]),
            ("Résumé: €1.2bn ≈ £1bn — 漢字 5% 🙂", &["€1.2bn", "≈ £1bn", "5%"]),
            ("margin 12.5%, growth 4.5 billion, 5 millionaires", &["12.5%", "4.5 billion", "5"]),
            ("raised $5M - 20% more than 2023", &["$5M", "20%"]),
            ("₹20 crore; 3 m; $4.5B-$3B; €3 m", &["₹20 crore", "$4.5B", "$3B", "€3 m"]),
            (".5B, 1.5x, 3rd, 1e9, Top-3, agent 007", &[]),
            ("Ü5M, 5Mü, 5 millionär, é12%", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<&str> = find_quantities(text)
                .iter()
                .filter_map(|f| text.get(f.span.clone()))
                .collect();
            assert_eq!(&got, want, "{text}");
        }
    }

    #[test]
    fn agreement_table() {
        #[rustfmt::skip]
        let cases = [
            ("$4.5B", "$4.52B", Agree), ("$4.5B", "$4.5 billion", Agree),
            ("$4.5B", "$4,500M", Agree), ("US$4,500M", "$4.5B", Agree),
            ("$4.5B", "4.5B USD", Agree), ("$4.5B", "$5B", Disagree),
            ("$5B", "$4.5B", Disagree), ("$4.5B", "$4.6B", Disagree),
            ("$5.0B", "$4.6B", Disagree), ("$4.52B", "$4.53B", Disagree),
            ("120k+", "120,000+", Agree), ("120k+", "5+", Agree),
            ("120k+", "110,000", Disagree), ("110,000", "120k+", Disagree),
            ("120k+", "130,000", Agree), ("120k+", "119,800", Agree),
            ("<50", "60", Disagree), ("<50", "40", Agree), ("<50", "50", Agree),
            ("under 50", "under 20", Agree), ("over 60", "under 50", Disagree),
            ("up to 50", "over 40", Agree), ("over 40", "under 50", Agree),
            ("~$5B", "$4.6B", Agree), ("about 600", "650", Agree),
            ("about 600", "700", Disagree), ("approx. 600", "about 560", Agree),
            ("$4.5B", "€4.5B", Disagree), ("$4.5B", "4.5B", Incomparable),
            ("367%", "367", Incomparable), ("+367% YoY", "367%", Agree),
            ("$4–5B", "$4.5B", Incomparable), ("12.5%", "12.6%", Disagree),
        ];
        for (a, b, want) in cases {
            assert_eq!(agreement(&q(a), &q(b)), want, "{a} vs {b}");
        }
    }

    #[test]
    fn sums() {
        let qs = |xs: &[&str]| xs.iter().map(|s| q(s)).collect::<Vec<_>>();
        #[rustfmt::skip]
        let cases: &[(&[&str], &str, Agreement)] = &[
            (&["$1.4B", "$1.4B", "$1.5B"], "$4.3B", Agree),
            (&["$1.4B", "$1.4B", "$1.5B"], "$4.5B", Disagree),
            (&["$396M", "$235M"], "$631M", Agree), (&["$396M", "$235M"], "$0.6B", Agree),
            (&["$396M", "$235M"], "$700M", Disagree), (&["100+", "50"], "160", Agree),
            (&["100+", "50"], "140", Disagree), (&["$1M", "€1M"], "$2M", Incomparable),
            (&["$1-2M", "$1M"], "$2M", Incomparable), (&["100+", "<50"], "120", Incomparable),
            (&["40%", "60%"], "100%", Agree), (&[], "$1M", Incomparable),
        ];
        for (parts, total, want) in cases {
            assert_eq!(
                check_sum(&qs(parts), &q(total)),
                *want,
                "{parts:?} = {total}"
            );
        }
        let s = sum(&qs(&["$1.4B", "$1.45B", "~$1B"])).unwrap_or_else(|| panic!("sum"));
        assert!(close(s.value, 3.85e9) && close(s.tolerance, 0.05e9 + 0.005e9 + 0.5e9));
        assert_eq!(
            (s.unit, s.kind, s.approximate),
            (Unit::Money("USD"), Kind::Exact, false)
        );
        assert_eq!(
            sum(&qs(&["100+", "50+"])).map(|s| s.kind),
            Some(Kind::AtLeast)
        );
    }

    #[test]
    fn displays() {
        #[rustfmt::skip]
        let cases = [
            ("$1.2B", "$1.2B"), ("$631M", "$631M"), ("$4,350M", "$4.35B"), ("€300k", "€300k"),
            ("160", "160"), ("12.5%", "12.5%"), ("CHF 2M", "CHF 2M"), ("-$5M", "-$5M"),
            ("1.2M", "1.2M"), ("$0.5T", "$500B"),
        ];
        for (text, want) in cases {
            assert_eq!(display(&q(text)), want, "{text}");
        }
    }

    #[test]
    fn label_fast_path_matches_the_general_one() {
        for raw in [
            "**Employees**",
            "Post-money valuation:",
            "R&D spend",
            "_ARR_",
            "  Team   size ",
            "Users'",
            "Growth %",
            "Series A-D",
            "it's",
            "",
            "Q3 2025 revenue",
            "a_b*c",
        ] {
            // A trailing non-ASCII space forces the general path without changing the result.
            assert_eq!(
                normalize_label(raw),
                normalize_label(&format!("{raw}\u{a0}")),
                "{raw}"
            );
        }
    }

    #[test]
    fn labels() {
        #[rustfmt::skip]
        let cases = [
            ("**Employees**", "employee"), ("[[Valuations]]", "valuation"),
            ("[[Acme/Notes#Fund|Total  Raised]]", "total raised"), ("Sales", "sales"),
            ("Companies", "company"), ("Branches", "branch"), ("Business", "business"),
            ("Status", "status"), ("Post-money valuation:", "post money valuation"),
            ("R&D spend", "r&d spend"), ("_ARR_", "arr"), ("  Team   size ", "team size"),
            ("Revenues", "revenue"), ("Users'", "user"), ("", ""),
            ("Revenue ($M)", "revenue"), ("Valuation (USD bn)", "valuation"), ("Growth (%)", "growth"),
            ("Revenue (core)", "revenue core"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_label(raw), want, "{raw}");
            assert_eq!(normalize_label(want), want, "idempotent {want}");
        }
    }

    #[test]
    fn synonyms() {
        let extra = BTreeMap::from([
            ("Gross Margin".to_owned(), vec!["GM".to_owned()]),
            ("headcount".to_owned(), vec!["People".to_owned()]),
            ("revenue".to_owned(), vec!["Sales".to_owned()]),
        ]);
        let (base, user) = (Synonyms::default(), Synonyms::with_extra(extra));
        #[rustfmt::skip]
        let cases = [
            ("Headcount", "employees", "employees"), ("Staff", "employees", "employees"),
            ("**Employees**", "employees", "employees"), ("Team size", "employees", "employees"),
            ("Valued at", "valuation", "valuation"), ("Post-money valuation", "valuation", "valuation"),
            ("Market value", "valuation", "valuation"), ("Market cap", "market cap", "market cap"),
            ("Market Capitalization", "market cap", "market cap"),
            ("Total funding", "total raised", "total raised"), ("Raised", "total raised", "total raised"),
            ("Revenues", "revenue", "revenue"), ("Sales", "sales", "revenue"),
            ("Annual Recurring Revenue", "arr", "arr"), ("ARR", "arr", "arr"),
            ("Total raised to date", "total raised", "total raised"), ("GM", "gm", "gross margin"),
            ("People", "people", "employees"), ("Gross margins", "gross margin", "gross margin"),
        ];
        for (label, want_base, want_user) in cases {
            assert_eq!(base.canonical(label), want_base, "{label}");
            assert_eq!(user.canonical(label), want_user, "{label}");
            assert_eq!(
                user.canonical(want_user),
                want_user,
                "idempotent {want_user}"
            );
        }
    }

    #[test]
    fn periods_in_text() {
        #[rustfmt::skip]
        let cases = [
            ("raised $5M in 2023", Some("2023")), ("(Mar 2025)", Some("mar 2025")),
            ("as of FY2025, est.", Some("fy2025 est")), ("no period here", None),
            ("COVID-2019 is no year", None), ("in Q3 2025 and 2024", Some("q3 2025")),
        ];
        for (text, want) in cases {
            assert_eq!(
                find_period(text).map(|p| p.1),
                want.map(str::to_owned),
                "{text}"
            );
        }
        assert_eq!(find_periods("2023 and (2024)").len(), 2);
    }

    #[test]
    fn known_phrases() {
        let syn = Synonyms::default();
        assert_eq!(syn.lookup("Valued at"), Some("valuation"));
        assert_eq!(syn.lookup("employees"), Some("employees"));
        assert_eq!(syn.lookup("open-source models"), None);
        assert_eq!(syn.lookup("Post-money Valuations"), Some("valuation"));
        assert_eq!(syn.lookup("Employees’"), Some("employees"));
        assert_eq!(syn.lookup("Revenue ($M)"), Some("revenue"));
        let user = Synonyms::with_extra(BTreeMap::from([(
            "gross margin".to_owned(),
            vec!["GM %".to_owned()],
        )]));
        assert_eq!(user.lookup("gm %"), Some("gross margin"));
        assert!(user.may_name("our GM % is 70%") && syn.may_name("a $4.5B VALUATION"));
        assert!(!syn.may_name("3 products, 24/7 support") && !syn.may_name("$100 robotic arm"));
        assert!(
            syn.has_word("employees") && syn.has_word("post-money") && syn.has_word("employees'")
        );
        assert!(!syn.has_word("robots") && !syn.has_word("open-source"));
        assert!(syn.is_known("valuation") && syn.is_known("total raised"));
        assert!(!syn.is_known("valued at") && !syn.is_known("amount"));
    }

    #[test]
    fn qualifiers() {
        #[rustfmt::skip]
        let cases = [
            ("Capex 2024", "capex", Some("2024")), ("Revenue (2023)", "revenue", Some("2023")),
            ("ARR (Q3 2025)", "arr", Some("q3 2025")), ("Valuation (Mar 2025)", "valuation", Some("mar 2025")),
            ("Revenue FY2025", "revenue", Some("fy2025")), ("FY 25 Revenue", "revenue", Some("fy2025")),
            ("Revenue 2025 est.", "revenue", Some("2025 est")), ("Revenue, 2024 (est.)", "revenue", Some("2024 est")),
            ("Revenue (USD m, 2024)", "revenue", Some("2024")), ("Q4 FY2024 Revenue", "revenue", Some("q4 fy2024")),
            ("Total raised to date", "total raised to date", None), ("Revenue 2025E", "revenue", Some("2025 est")),
            ("Employees as of March 2025", "employee", Some("mar 2025")),
            ("Revenue 2023–24", "revenue", Some("2023-24")), ("2023", "", Some("2023")),
            ("Valuation", "valuation", None), ("Series B", "series b", None),
            ("Top 500", "top 500", None), ("FY2025Q", "fy2025q", None),
        ];
        for (raw, label, qual) in cases {
            assert_eq!(
                split_qualifier(raw),
                (label.to_owned(), qual.map(str::to_owned)),
                "{raw}"
            );
        }
    }

    #[test]
    fn never_panics() {
        // Token soup: figure syntax, label syntax and multi-byte chars, mixed.
        #[rustfmt::skip]
        let tokens = [
            "$", "€", "£", "¥", "₹", "US$", "CN¥", "USD", "EUR", "~", "≈", "<", ">", "≤", "≥", "+",
            "-", "−", "–", "—", ",", ".", "%", "k", "m", "B", "bn", "T", "e", "E", " ", "\n", "\t",
            "0", "4", "5", "9", "4.5", "120", "1,000", "2023", "1899", "2100", "FY", "Q3", "H1",
            "(", ")", "[[", "]]", "|", "#", "*", "_", "`", "\\", "'", "’", ":", "/", "^", "x",
            " to ", "from ", "about ", "approx. ", "c. ", "over ", "up to ", " or more", " billion",
            " percent", "est.", "Mar ", "Revenue", "employees", "é", "漢", "🙂", "\u{200b}",
            "٣", "１", "∞", "99999999999999999999999999999999999999999999999999999999999",
        ];
        let mut texts: Vec<String> = vec![
            "9".repeat(400),
            format!("0.{}1", "0".repeat(400)),
            "1,000,000,000,000,000,000,000,000".to_owned(),
            "[[|]]((((".to_owned(),
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |bound: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % bound.max(1)
        };
        for _ in 0..4000 {
            let len = next(16);
            texts.push(
                (0..len)
                    .filter_map(|_| tokens.get(next(tokens.len())).copied())
                    .collect(),
            );
        }
        let syn = Synonyms::default();
        for text in &texts {
            let found = find_quantities(text);
            let mut last_end = 0;
            for f in &found {
                assert!(
                    text.get(f.span.clone()).is_some() && f.span.start >= last_end,
                    "{text:?}"
                );
                last_end = f.span.end;
            }
            let parsed = parse_quantity(text);
            for a in found.iter().map(|f| f.quantity).chain(parsed) {
                assert!(a.value.is_finite() && a.tolerance >= 0.0, "{text:?}");
                let _ = (agreement(&a, &a), sum(&[a, a]), check_sum(&[a], &a));
            }
            let _ = (
                normalize_label(text),
                split_qualifier(text),
                syn.canonical(text),
            );
        }
    }

    #[test]
    fn units_of_measure_and_conversions() {
        let units: Vec<Unit> = find_quantities("939 GB + 211 GB + 3 TB, 22.1 Mt, 600 employees")
            .iter()
            .map(|f| f.quantity.unit)
            .collect();
        assert_eq!(
            units,
            [
                Unit::Measure("GB"),
                Unit::Measure("GB"),
                Unit::Measure("TB"),
                Unit::Measure("Mt"),
                Unit::Count
            ]
        );
        let gb = |v: f64| Quantity {
            unit: Unit::Measure("GB"),
            value: v,
            tolerance: 0.5,
            kind: Kind::Exact,
            approximate: false,
        };
        let tb = Quantity {
            unit: Unit::Measure("TB"),
            ..gb(3.0)
        };
        assert!(sum(&[gb(939.0), gb(211.0), tb]).is_none());
        assert_eq!(display(&gb(1150.0)), "1150 GB");
        let text = "~5.8T JPY (~$38B) and €4B ($4.3B), $5B (2024)";
        let found = find_quantities(text);
        let conv: Vec<Option<f64>> = (0..found.len())
            .map(|i| converted(text, &found, i).map(|q| q.value))
            .collect();
        assert_eq!(conv, [Some(38e9), None, Some(4.3e9), None, None]);
    }
}
