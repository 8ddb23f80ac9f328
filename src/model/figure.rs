//! The figures a note states, as data: what [`Note`](super::Note) holds of the metrics it
//! states (valuation, total raised, employees …), the figures it quotes from other notes and the
//! sums its tables claim, each with its value (a [`Quantity`]) and span.
//!
//! Only the types live here, below the note that holds them. Reading them from a note, and
//! comparing and summing their values, is figure reading's, in `src/figures/`, which sits above
//! the model and fills these in when a note is parsed whole.

use thin_vec::ThinVec;

use super::span::Span;

/// One metric stated by the note.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Canonical label (`valuation`, `total raised`, `series d amount`).
    pub label: String,
    /// Period the figure is for (`2024`, `q3 2025`, `fy2025 est`), normalised.
    pub qualifier: Option<String>,
    pub quantity: Quantity,
    /// The value as written (`$4.5B`), for messages.
    pub text: String,
    /// The value.
    pub span: Span,
    pub source: FigureSource,
    /// Index in `Note::headings` of the heading the figure sits under.
    pub section: Option<usize>,
    /// Where the figure is compared: `None` across the whole note (a known metric), or the
    /// heading it sits under (a metric of the note's own making, such as a table's row and
    /// column, is compared only within its section).
    pub scope: Option<usize>,
    /// The same value in another currency, written after it in parentheses
    /// (`~5.8T JPY (~$38B)`): a statement of that currency agrees with either.
    pub converted: Option<Quantity>,
}

/// Where a figure was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureSource {
    /// A table cell (indices into `Note::tables`, its rows and columns).
    Table {
        table: usize,
        row: usize,
        column: usize,
    },
    /// A sentence such as `$4.5B valuation` or `valued at $4.5B`.
    Prose,
    /// `**Employees:** 600`.
    BoldLabel,
    /// `**$396M total:**` in a funding section: the total raised.
    StatedTotal,
}

/// A metric a note states, and states consistently, across the whole note: what other notes'
/// quotes of it are compared with. A note keeps these of its figures once its own checks have
/// run ([`Note::stated`](super::Note::stated)): one per metric and period, however many times
/// the note states it, where a [`Figure`] is kept per statement.
///
/// Kept for every note of the vault, so kept small: the metric as a hash of its label and
/// period ([`StatedFigure::metric_key`]; two metrics share one with a chance of about one in
/// 2^64), one value in place and any other in a list that is one word while empty.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedFigure {
    /// [`StatedFigure::metric_key`] of the canonical label (`valuation`) and qualifier.
    pub metric: u64,
    /// The distinct values the note states it with (no two of them disagree): one in place,
    /// the others, rarely any, in `more`.
    pub value: Quantity,
    pub more: ThinVec<Quantity>,
    /// The first statement: the value as written, where, and the heading it sits under.
    pub text: Box<str>,
    pub span: Span,
    pub section: Option<u32>,
}

impl StatedFigure {
    /// The hash a metric is kept and looked up as: label and qualifier. Fixed, so runs agree.
    pub fn metric_key(label: &str, qualifier: Option<&str>) -> u64 {
        use std::hash::BuildHasher;
        const STATE: foldhash::quality::FixedState =
            foldhash::quality::FixedState::with_seed(0x7374_6174_6564_6669);
        STATE.hash_one((label, qualifier))
    }

    /// Every distinct value the note states the metric with.
    pub fn values(&self) -> impl Iterator<Item = &Quantity> {
        std::iter::once(&self.value).chain(&self.more)
    }
}

/// A figure of another note, quoted in a table row whose first cell links to it
/// (`| [[Cohere]] | $4.5B |` under a `Valuation` column).
#[derive(Debug, Clone, PartialEq)]
pub struct QuotedFigure {
    /// The link's path as written; resolved by the rule through the index.
    pub target: String,
    /// Canonical label of the column (always a known metric).
    pub label: String,
    pub qualifier: Option<String>,
    pub quantity: Quantity,
    pub text: String,
    pub span: Span,
}

/// A value with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub quantity: Quantity,
    pub text: String,
    pub span: Span,
}

/// What makes a table claim a sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SumSource {
    /// A row whose first cell is `Total` or `Sum`.
    TotalRow,
    /// A line such as `**$396M total:**` right before the table.
    StatedTotal,
}

/// A table column whose rows should add up to a total.
#[derive(Debug, Clone, PartialEq)]
pub struct SumClaim {
    pub source: SumSource,
    /// Index in `Note::tables`.
    pub table: usize,
    /// The column's header as written, and where.
    pub column: String,
    pub column_span: Span,
    pub total: Amount,
    /// Every other row of the column (each one holds exactly one value).
    pub parts: Vec<Amount>,
}

/// ISO 4217 code such as `"USD"`.
pub type Currency = &'static str;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Money(Currency),
    Count,
    /// Percentage points: `12.5%` has value 12.5. Never comparable to absolutes.
    Percent,
    /// A count of a unit of measure written after the number (`939 GB`, `22.1 Mt`), as
    /// written: values in different units are neither compared nor added.
    Measure(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Exact,
    /// `120k+`, `over`, `more than`, `>`, `at least`, `or more`.
    AtLeast,
    /// `<`, `under`, `less than`, `up to`, `or less`.
    AtMost,
    /// `$4–5B`, `4 to 5 billion`: `value` is the low end.
    Range {
        high: f64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    pub unit: Unit,
    /// Base units; the low end for [`Kind::Range`].
    pub value: f64,
    /// Half a unit of the last stated digit, in base units (`$4.5B` → 0.05e9).
    pub tolerance: f64,
    pub kind: Kind,
    /// `~`, `about`, `approx.`, `c.` …: tolerance widens to 10 % of the value.
    pub approximate: bool,
}

impl Quantity {
    /// Tolerance actually used for comparisons (precision or 10 % if approximate).
    pub fn effective_tolerance(&self) -> f64 {
        if self.approximate {
            self.tolerance.max(0.1 * self.value.abs())
        } else {
            self.tolerance
        }
    }
}
