//! Every word list of figure reading, in one place: the words of the quantity and period
//! grammars (markers, currencies, scales, units, months), the label vocabulary (built-in
//! synonyms, connectors) and the words that keep prose and headings quiet (comparisons,
//! hypotheticals, sources, sections about others). Each list says what it is for; the readers
//! that use it are `quantity`, `period`, `value`, `text` and `extract`.
//!
//! Words are lower-case and matched without case unless a list says otherwise.

use crate::model::figure::Currency;

// ---------------------------------------------------------------------------------------------
// Quantities (`quantity`)

/// Words that mark a figure as approximate (`about 600`); a dot may follow them (`approx.`).
pub(crate) const APPROXIMATE: &[&[&str]] = &[
    &["about"],
    &["approx"],
    &["approximately"],
    &["around"],
    &["roughly"],
    &["circa"],
];

/// Phrases that mark a figure as a lower bound (`over 500`, `more than 500`).
pub(crate) const AT_LEAST: &[&[&str]] = &[
    &["over"],
    &["more", "than"],
    &["at", "least"],
    &["upwards", "of"],
    &["in", "excess", "of"],
];

/// Phrases that mark a figure as an upper bound (`under 50`, `up to $10M`).
pub(crate) const AT_MOST: &[&[&str]] = &[
    &["under"],
    &["less", "than"],
    &["fewer", "than"],
    &["up", "to"],
    &["below"],
];

/// Abbreviations that mark a figure as approximate only with their dot (`c. 500`).
pub(crate) const DOTTED_MARKERS: &[&str] = &["c", "ca", "est"];

/// Currency signs written before a number, longest first, with their ISO code; the codes
/// ([`CODES`]) may stand there too (see [`before_number`]). Case matters: `US$` is a
/// currency, `us$` is not.
pub(crate) const SIGNS: &[(&str, Currency)] = &[
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("CN¥", "CNY"),
    ("JP¥", "JPY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
];

/// The currencies written before a number, `US$4.5B` or `USD 4.5B`: the signs, then the codes,
/// in the order they are tried.
pub(crate) fn before_number() -> impl Iterator<Item = &'static (&'static str, Currency)> {
    SIGNS.iter().chain(CODES)
}

/// Currency codes, written after a number (`4.5B USD`) or before it (`USD 4.5B`); their case
/// matters. A code after the number wins over a sign before it.
pub(crate) const CODES: &[(&str, Currency)] = &[
    ("USD", "USD"),
    ("EUR", "EUR"),
    ("GBP", "GBP"),
    ("JPY", "JPY"),
    ("CNY", "CNY"),
    ("RMB", "CNY"),
    ("INR", "INR"),
    ("CAD", "CAD"),
    ("AUD", "AUD"),
    ("CHF", "CHF"),
];

/// Currency words written after a number (`20 euros`), in any case.
pub(crate) const CODE_WORDS: &[(&str, Currency)] = &[("dollars", "USD"), ("euros", "EUR")];

/// Scale words, spelled out (a plural `s` allowed), and their factor. Lakh and crore: Indian
/// notes write ₹ figures this way.
pub(crate) const LONG_SCALES: &[(&str, f64)] = &[
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
    ("lakh", 1e5),
    ("crore", 1e7),
];

/// Scale abbreviations and their factor.
pub(crate) const SHORT_SCALES: &[(&str, f64)] = &[
    ("k", 1e3),
    ("mm", 1e6),
    ("mn", 1e6),
    ("m", 1e6),
    ("bn", 1e9),
    ("b", 1e9),
    ("tn", 1e12),
    ("t", 1e12),
];

/// Units of measure a count may be written with (`939 GB`, `22.1 Mt`, `30 minutes`), each
/// with the name it is kept under. Values in different units are neither compared nor added.
pub(crate) const MEASURES: &[(&str, &str)] = &[
    ("KB", "KB"),
    ("MB", "MB"),
    ("GB", "GB"),
    ("TB", "TB"),
    ("PB", "PB"),
    ("KiB", "KiB"),
    ("MiB", "MiB"),
    ("GiB", "GiB"),
    ("TiB", "TiB"),
    ("kg", "kg"),
    ("kt", "kt"),
    ("Mt", "Mt"),
    ("Gt", "Gt"),
    ("lb", "lb"),
    ("lbs", "lb"),
    ("oz", "oz"),
    ("km", "km"),
    ("mi", "mi"),
    ("kW", "kW"),
    ("MW", "MW"),
    ("GW", "GW"),
    ("kWh", "kWh"),
    ("MWh", "MWh"),
    ("GWh", "GWh"),
    ("TWh", "TWh"),
    ("bbl", "bbl"),
    ("boe", "boe"),
    ("min", "min"),
    ("mins", "min"),
    ("minutes", "min"),
    ("hours", "h"),
    ("hrs", "h"),
    ("days", "days"),
    ("weeks", "weeks"),
];

// ---------------------------------------------------------------------------------------------
// Periods (`period`)

/// Month names by their first three letters, which is how qualifiers keep them.
pub(crate) const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Words after a period that make it an estimate or a trailing period.
pub(crate) const PERIOD_SUFFIXES: &[&str] = &[
    "est",
    "estimate",
    "estimated",
    "projected",
    "forecast",
    "ttm",
    "ltm",
];

// ---------------------------------------------------------------------------------------------
// Labels (`value`)

/// Words that only make sense in front of a period ("as of Mar 2025").
pub(crate) const PERIOD_CONNECTORS: [&str; 6] = ["as", "of", "in", "for", "at", "by"];

/// Plural-looking words that are not plurals of a different label.
pub(crate) const KEEP_S: [&str; 7] = [
    "sales", "news", "series", "species", "ops", "ratios", "plus",
];

/// Unit words a parenthesised note may hold (`($M)`, `(USD bn)`, `(k)`), lower-case.
pub(crate) const UNIT_NOTE_WORDS: &[&str] = &[
    "usd",
    "eur",
    "gbp",
    "jpy",
    "cny",
    "inr",
    "chf",
    "aud",
    "cad",
    "bn",
    "b",
    "mm",
    "mn",
    "m",
    "k",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
];

/// Canonical label → comma-separated phrases meaning the same metric.
pub(crate) const BUILTIN_SYNONYMS: [(&str, &str); 6] = [
    (
        "valuation",
        "valued at, post-money valuation, post money, market value",
    ),
    // Market cap is its own metric: a listed company's price, not a round's.
    ("market cap", "market capitalization, market capitalisation"),
    (
        "total raised",
        "raised, total funding, funding total, funding raised, amount raised, raised to date, total raised to date",
    ),
    ("revenue", "revenues"),
    ("arr", "annual recurring revenue"),
    (
        "employees",
        "headcount, staff, team size, employee count, number of employees",
    ),
];

// ---------------------------------------------------------------------------------------------
// Prose (`text`)

/// Words that make a sentence about something other than the note's current figure.
pub(crate) const SENTENCE_DENY: &[&str] = &[
    // comparisons and other entities
    "vs",
    "versus",
    "compared",
    "comparison",
    "than",
    "whereas",
    "unlike",
    "like",
    "rival",
    "rivals",
    "competitor",
    "competitors",
    "peer",
    "peers",
    "similar",
    // hypotheticals and plans
    "seek",
    "seeks",
    "seeking",
    "sought",
    "talks",
    "could",
    "would",
    "might",
    "should",
    "aims",
    "aiming",
    "plans",
    "planning",
    "targets",
    "targeting",
    "target",
    "expects",
    "expected",
    "expecting",
    "reportedly",
    "rumored",
    "rumoured",
    "rumor",
    "rumour",
    "if",
    "projected",
    "projection",
    "forecast",
    "potential",
    "proposed",
    "hopes",
    "wants",
    "eyeing",
    // attributed to a source: two sources may disagree, on purpose
    "says",
    "said",
    "according",
    "reports",
    "reported",
    "cites",
    "cited",
];

/// Words before a second value that make it a part of the first (`including the $1.3B`).
pub(crate) const PART_MARKERS: &[&str] = &["including", "includes", "incl", "which"];

/// Words right before a label (or its value) that make it another figure than the current one.
pub(crate) const BEFORE_DENY: &[&str] = &[
    "previous",
    "prior",
    "earlier",
    "former",
    "initial",
    "original",
    "old",
    "target",
    "implied",
    "from",
    "pre-money",
    "pre",
    "peak",
    "lower",
    "higher",
    "new",
];

/// Words that change a headcount rather than state it (`cut 200 employees`).
pub(crate) const CHANGE_VERBS: &[&str] = &[
    "cut",
    "cuts",
    "cutting",
    "laid",
    "lay",
    "fired",
    "firing",
    "hired",
    "hire",
    "hires",
    "hiring",
    "added",
    "adds",
    "adding",
    "lost",
    "losing",
    "eliminated",
    "eliminating",
    "off",
    "shed",
    "sheds",
    "shedding",
    "reduced",
    "reducing",
    "by",
    "trimmed",
    "another",
    "additional",
    "more",
];

/// Words after a label that make it part of a longer noun (`$5B revenue opportunity`).
pub(crate) const AFTER_DENY: &[&str] = &[
    "growth",
    "growing",
    "increase",
    "multiple",
    "multiples",
    "target",
    "cap",
    "goal",
    "per",
    "share",
    "gap",
    "jump",
    "drop",
    "decline",
    "rise",
    "loss",
    "ratio",
    "run-rate",
    "opportunity",
    "pool",
    "potential",
    "market",
    "mark",
    "were",
    "left",
    "quit",
    "joined",
    "who",
    "will",
    "added",
    "cut",
];

/// Words after a label that narrow it (`600 employees in Paris`) unless a period follows.
pub(crate) const NARROWING: &[&str] = &[
    "in", "at", "from", "for", "on", "among", "outside", "within",
];

/// Words that may follow a headcount without narrowing it.
pub(crate) const COUNT_FOLLOW: &[&str] = &[
    "worldwide",
    "globally",
    "overall",
    "total",
    "today",
    "now",
    "across",
    "and",
    "as",
    "in",
];

/// Words between a label and its value: `valuation of $4.5B`, `raised a total of $1.8B`.
pub(crate) const LABEL_CONNECTORS: &[&str] = &[
    "of",
    "at",
    "is",
    "was",
    "stands",
    "stood",
    "reached",
    "reaching",
    "hit",
    "now",
    "totals",
    "totaled",
    "totalled",
    "totaling",
    "totalling",
    "total",
    "a",
    "an",
];

/// Owners that are the note itself in any company note (`the company's valuation`).
pub(crate) const GENERIC_OWNERS: &[&str] = &[
    "company", "firm", "startup", "lab", "group", "team", "platform", "business",
];

/// Labels whose value must be money, and whose value must be a count.
pub(crate) const MONEY_LABELS: &[&str] =
    &["valuation", "market cap", "total raised", "revenue", "arr"];

pub(crate) const COUNT_LABELS: &[&str] = &["employees"];

/// Words that a `.` may end without ending the sentence (`approx.`, `e.g.`).
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "approx", "c", "ca", "est", "e.g", "i.e", "vs", "inc", "co", "ltd", "corp", "no", "mr", "dr",
    "st", "jr", "etc", "al",
];

// ---------------------------------------------------------------------------------------------
// Headings (`extract`)

/// Upper-case words in parentheses that are units or metrics, not tickers: `Revenue (USD)`.
pub(crate) const NOT_TICKERS: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "INR", "CAD", "AUD", "CHF", "ARR", "MRR", "TAM",
    "SAM", "SOM", "KPI", "KPIS", "YOY", "QOQ", "EPS", "GAAP", "EBITDA", "FCF", "LTM", "TTM", "AI",
    "ML", "US", "UK", "EU", "EST", "TBD", "NA", "N/A",
];

/// Heading words that make a section about other entities, parts of the whole, past states or
/// single rounds (`## Competitive landscape`, `## Acquisition of MosaicML`, `## Segments`,
/// `## History`, `### Series B`).
pub(crate) const ABOUT_OTHERS: &[&str] = &[
    "competitor",
    "competitors",
    "competition",
    "competitive",
    "competing",
    "comparison",
    "compared",
    "vs",
    "versus",
    "peer",
    "peers",
    "rival",
    "rivals",
    "landscape",
    "alternatives",
    "acquisition",
    "acquisitions",
    "acquired",
    "portfolio",
    "investments",
    "subsidiary",
    "subsidiaries",
    // `## Segments` › `### Storage`, `## Properties` › `### Las Vegas`: parts of the whole,
    // each with its own revenue and headcount
    "segment",
    "segments",
    "division",
    "divisions",
    "brands",
    "properties",
    "regions",
    "geographies",
    // `### Macau (via Wynn Macau Ltd)`: a part of the group held through another company
    "via",
    "history",
    "timeline",
    "milestones",
    "series",
    "seed",
    "tranche",
    "ipo",
];
