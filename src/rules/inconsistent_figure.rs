//! `inconsistent-figure`: one metric is given different values in one note (tables, prose,
//! bold-label lines), beyond the precision it is stated with; and, across notes, a table row
//! that quotes a linked note's figure differently from that note.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml::Value;

use super::{Context, NoteContext, NoteDiagnostic, Rule, RuleMeta};
use crate::figures::value::{Agreement, Synonyms, agreement, display};
use crate::finding::{Diagnostic, Related, Severity};
use crate::index::{Paths, Resolution};
use crate::model::Note;
use crate::model::figure::{Figure, Kind, Quantity, StatedFigure, Unit};
use thin_vec::ThinVec;

pub static META: RuleMeta = RuleMeta {
    id: "inconsistent-figure",
    default_severity: Severity::Error,
    summary: "One metric is given different values in one note, beyond stated precision",
    doc: include_str!("../../rules/inconsistent-figure.md"),
    build,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    /// Compare a figure quoted in a table row that links to a note with that note's own figure.
    cross_note: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { cross_note: true }
    }
}

struct InconsistentFigure {
    options: Options,
}

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    Ok(Box::new(InconsistentFigure {
        options: super::options(options)?,
    }))
}

impl Rule for InconsistentFigure {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        // Per heading, whether its section is about another note of the vault: looked up
        // once, and only for a note with a disagreement.
        let mut others: Option<Vec<bool>> = None;
        for group in groups(note).values() {
            if reference(group).is_none() {
                continue;
            }
            let others = others.get_or_insert_with(|| match cx.paths {
                Some(paths) => other_subjects(note, paths, &cx.settings.parse.synonyms),
                None => Vec::new(),
            });
            let own: Vec<&Figure> = group
                .iter()
                .copied()
                .filter(|f| f.section.is_none_or(|s| others.get(s) != Some(&true)))
                .collect();
            let group = own.as_slice();
            let converted: Vec<Figure>;
            let group: &[&Figure] = if group.iter().any(|f| f.converted.is_some()) {
                converted = group.iter().map(|f| in_common_currency(f, group)).collect();
                &converted.iter().collect::<Vec<_>>()
            } else {
                group
            };
            let Some(reference) = reference(group) else {
                continue;
            };
            for fig in group {
                if agreement(&reference.quantity, &fig.quantity) != Agreement::Disagree {
                    continue;
                }
                let name = display_label(fig);
                let texts: Vec<&str> = note.headings.iter().map(|h| h.text.as_str()).collect();
                let there = place(&texts, reference.section);
                out.push(
                    Diagnostic::new(
                        fig.span,
                        format!(
                            "Figure `{name}` is {} here but {} {there}",
                            fig.text, reference.text
                        ),
                        format!("{name} is {} here", fig.text),
                    )
                    .with_related(Related {
                        path: None,
                        span: reference.span,
                        label: format!("but {} {there}", reference.text),
                    })
                    .with_help("Make them agree, or qualify one with a year"),
                );
            }
        }
    }

    fn check_vault(&self, cx: &Context<'_>, reported: &[bool], out: &mut Vec<NoteDiagnostic>) {
        if !self.options.cross_note {
            return;
        }
        for (id, note) in cx.index.notes().iter().enumerate() {
            if !reported.get(id).copied().unwrap_or(false) {
                continue;
            }
            for quote in &note.quoted_figures {
                let Resolution::Note { id: target, others } =
                    cx.index.resolve(&quote.target, &note.path)
                else {
                    continue;
                };
                let Some(other) = cx.index.note(target).filter(|_| others.is_empty()) else {
                    continue;
                };
                if target == id {
                    continue;
                }
                // A note that contradicts itself is reported there, not in every note quoting
                // it: such a metric is not among those it states (see `stated_figures`).
                let metric = StatedFigure::metric_key(&quote.label, quote.qualifier.as_deref());
                let Some(first) = other.stated.iter().find(|f| f.metric == metric) else {
                    continue;
                };
                if first
                    .values()
                    .any(|v| agreement(v, &quote.quantity) != Agreement::Disagree)
                {
                    continue;
                }
                let name = match &quote.qualifier {
                    Some(q) => format!("{} ({q})", quote.label),
                    None => quote.label.clone(),
                };
                let texts = cx.index.headings(target).unwrap_or_default();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let there = place(&texts, first.section.map(|s| s as usize));
                out.push((
                    id,
                    Diagnostic::new(
                        quote.span,
                        format!(
                            "Figure `{name}` of `{}` is {} here but {} in `{}`",
                            other.name(),
                            quote.text,
                            first.text,
                            other.path
                        ),
                        format!("{}'s {name} quoted as {}", other.name(), quote.text),
                    )
                    .with_related(Related {
                        path: Some(other.path.to_string()),
                        span: first.span,
                        label: format!("but {} {there}", first.text),
                    })
                    .with_help("Update the quoted figure, or qualify it with a year"),
                ));
            }
        }
    }
}

/// What a note keeps of its figures for other notes' quotes once its own checks have run: per
/// metric and period stated across the whole note (no scope), and stated consistently, the
/// distinct values and the first statement. A metric the note contradicts itself on is left
/// out: that is reported in the note, not in every note quoting it.
pub fn stated_figures(figures: &[Figure]) -> ThinVec<StatedFigure> {
    /// A metric and its period.
    type Metric<'a> = (&'a str, Option<&'a str>);
    let mut groups: Vec<(Metric<'_>, Vec<&Figure>)> = Vec::new();
    let mut at: BTreeMap<Metric<'_>, usize> = BTreeMap::new();
    for f in figures.iter().filter(|f| f.scope.is_none()) {
        let key = (f.label.as_str(), f.qualifier.as_deref());
        match at.get(&key) {
            Some(i) => {
                if let Some((_, group)) = groups.get_mut(*i) {
                    group.push(f);
                }
            }
            None => {
                at.insert(key, groups.len());
                groups.push((key, vec![f]));
            }
        }
    }
    let mut out: ThinVec<StatedFigure> = groups
        .into_iter()
        .filter_map(|((label, qualifier), group)| {
            let first = group.first()?;
            let values = Values::of(&group);
            if !values.consistent() {
                return None;
            }
            let mut distinct = values.0.into_iter().map(|(q, _)| q);
            let value = distinct.next()?;
            let mut more: ThinVec<Quantity> = distinct.collect();
            more.shrink_to_fit();
            Some(StatedFigure {
                metric: StatedFigure::metric_key(label, qualifier),
                value,
                more,
                text: first.text.as_str().into(),
                span: first.span,
                section: first.section.and_then(|s| u32::try_from(s).ok()),
            })
        })
        .collect();
    out.shrink_to_fit();
    out
}

/// Per heading of `note`, whether its section is about another note of the vault: the
/// heading, or one above it, names a note other than `note` (`## Hoka` in the note `Deckers`,
/// when the vault has a note `Hoka`). See [`names_other_note`].
fn other_subjects(note: &Note, paths: &Paths, synonyms: &Synonyms) -> Vec<bool> {
    let own = paths.note_id(&note.path);
    let mut out = Vec::with_capacity(note.headings.len());
    // The headings above the current one, by level: (level, about another note).
    let mut stack: Vec<(u8, bool)> = Vec::new();
    for h in &note.headings {
        while stack.last().is_some_and(|(level, _)| *level >= h.level) {
            stack.pop();
        }
        let inherited = stack.last().is_some_and(|(_, other)| *other);
        let other = inherited || names_other_note(&h.text, &note.path, own, paths, synonyms);
        stack.push((h.level, other));
        out.push(other);
    }
    out
}

/// Whether a heading names a note of the vault other than `own` (the note at `from`): its
/// subject, the text before a dash, colon, comma or parenthesis (`## Vertiv (VRT) Q4 2025 — …`
/// names `Vertiv`; `## Hoka: growth` names `Hoka`), is a note's name (its file name without
/// `.md`, any case). A subject that is a known metric (`## Revenue`, even with a note
/// `Revenue` in the vault) names a metric, not a note.
fn names_other_note(
    heading: &str,
    from: &str,
    own: Option<usize>,
    paths: &Paths,
    synonyms: &Synonyms,
) -> bool {
    let mut subject = heading;
    for cut in [" — ", " – ", " - ", ":", ",", "("] {
        if let Some((before, _)) = subject.split_once(cut) {
            subject = before;
        }
    }
    let subject = subject.trim().trim_matches(['*', '_', '`']).trim();
    if subject.is_empty() || !subject.chars().any(char::is_alphabetic) {
        return false;
    }
    if synonyms.lookup(subject).is_some() {
        return false;
    }
    match paths.resolve(subject, from) {
        Resolution::Note { id, others } => {
            own.is_none_or(|own| id != own && !others.contains(&own))
        }
        _ => false,
    }
}

/// What makes two figures the same statement: label, qualifier and scope.
type Identity<'a> = (&'a str, Option<&'a str>, Option<usize>);

/// Figures by identity: only the same metric for the same period, in the same scope, is
/// compared.
fn groups(note: &Note) -> BTreeMap<Identity<'_>, Vec<&Figure>> {
    let mut out: BTreeMap<Identity<'_>, Vec<&Figure>> = BTreeMap::new();
    for f in &note.figures {
        if !f.label.is_empty() {
            out.entry((f.label.as_str(), f.qualifier.as_deref(), f.scope))
                .or_default()
                .push(f);
        }
    }
    out
}

/// `f` with the conversion it gives in parentheses as its value, when another statement of
/// the group is in that currency: `~5.8T JPY (~$38B)` is compared with `$38B` as `~$38B`.
fn in_common_currency(f: &Figure, group: &[&Figure]) -> Figure {
    match f.converted {
        Some(c) if group.iter().any(|g| g.quantity.unit == c.unit) => Figure {
            quantity: c,
            text: format!("{} ({})", f.text, display(&c)),
            ..f.clone()
        },
        _ => f.clone(),
    }
}

/// The statement the others are measured against: the one most others agree with (the first
/// on a tie), or `None` when the group agrees throughout.
fn reference<'a>(group: &[&'a Figure]) -> Option<&'a Figure> {
    // Most metrics are stated once.
    if group.len() < 2 {
        return None;
    }
    let values = Values::of(group);
    if values.consistent() {
        return None;
    }
    // How many figures of the group agree with each value (itself included).
    let agrees = agree_counts(&values.0);
    let mut best: Option<(&Figure, usize)> = None;
    for f in group {
        let n = values
            .index(&f.quantity)
            .and_then(|i| agrees.get(i))
            .copied()?;
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((f, n));
        }
    }
    best.map(|(f, _)| f)
}

/// Above this many distinct values, a metric's agreements are counted by sorted search
/// rather than by comparing every pair: a note that states one metric thousands of times (a
/// generated log, a long series) stays linear.
const PAIRWISE_UP_TO: usize = 64;

/// For each distinct value (with how many figures state it), how many figures agree with it,
/// itself included: what comparing every pair with [`agreement`] counts.
fn agree_counts(values: &[(Quantity, usize)]) -> Vec<usize> {
    let finite = |q: &Quantity| q.value.is_finite() && q.effective_tolerance().is_finite();
    if values.len() <= PAIRWISE_UP_TO || !values.iter().all(|(q, _)| finite(q)) {
        return agree_counts_pairwise(values);
    }
    // Values that can agree, by unit, kind and tolerance: each list sorted by value, with the
    // figures stated up to each entry. Ranges agree with nothing.
    let mut groups: BTreeMap<Bucket, Vec<(f64, usize)>> = BTreeMap::new();
    for (q, n) in values {
        if let Some(key) = bucket(q) {
            groups.entry(key).or_default().push((q.value, *n));
        }
    }
    // Per bucket: its values in order, and how many figures state the values before each.
    let groups: Vec<(Bucket, Vec<f64>, Vec<usize>)> = groups
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut total = 0;
            let upto = std::iter::once(0)
                .chain(list.iter().map(|(_, n)| {
                    total += n;
                    total
                }))
                .collect();
            (key, list.into_iter().map(|(v, _)| v).collect(), upto)
        })
        .collect();
    values
        .iter()
        .map(|(a, _)| {
            let Some((unit, currency, kind, _)) = bucket(a) else {
                return 0;
            };
            groups
                .iter()
                .filter(|((u, c, _, _), _, _)| (*u, *c) == (unit, currency))
                .map(|((_, _, other, tol), sorted, upto)| {
                    let (other, tol) = (*other, *tol);
                    // The same width `agreement` compares a gap with, for this pair.
                    let width = a.effective_tolerance().max(f64::from_bits(tol)) * (1.0 - 1e-9);
                    let count = |from: usize, to: usize| {
                        upto.get(to).copied().unwrap_or(0) - upto.get(from).copied().unwrap_or(0)
                    };
                    // Entries with `b - a < width` come first, those with `a - b < width`
                    // last: each test is monotone in `b`, as a float subtraction is.
                    let below = |b: &f64| b - a.value < width;
                    let above = |b: &f64| a.value - b >= width;
                    let (lo, hi) = (sorted.partition_point(above), sorted.partition_point(below));
                    match (kind, other) {
                        (EXACT, EXACT) => count(lo, hi.max(lo)),
                        (AT_LEAST, AT_LEAST) | (AT_MOST, AT_MOST) => count(0, sorted.len()),
                        // `b` at least: agrees unless it is above `a` by the width or more.
                        (_, AT_LEAST) => count(0, hi),
                        // `a` at least: agrees unless `a` is above `b` by the width or more.
                        (AT_LEAST, _) => count(lo, sorted.len()),
                        // `a` at most: agrees unless `b` is above `a` by the width or more.
                        (AT_MOST, _) => count(0, hi),
                        // `b` at most: agrees unless `a` is above `b` by the width or more.
                        _ => count(lo, sorted.len()),
                    }
                })
                .sum()
        })
        .collect()
}

/// Which values can agree with one another: (unit, currency, kind, tolerance's bits).
type Bucket = (u8, &'static str, u8, u64);

/// [`agree_counts`] by comparing every pair of values.
fn agree_counts_pairwise(values: &[(Quantity, usize)]) -> Vec<usize> {
    values
        .iter()
        .map(|(a, _)| {
            values
                .iter()
                .filter(|(b, _)| agreement(a, b) == Agreement::Agree)
                .map(|(_, n)| n)
                .sum()
        })
        .collect()
}

const EXACT: u8 = 0;
const AT_LEAST: u8 = 1;
const AT_MOST: u8 = 2;

/// Which values can agree with `q` at all, as (unit, currency, kind, tolerance's bits); `None`
/// for a range, which agrees with nothing.
fn bucket(q: &Quantity) -> Option<Bucket> {
    let (unit, currency) = match q.unit {
        Unit::Money(c) => (0, c),
        Unit::Count => (1, ""),
        Unit::Percent => (2, ""),
        Unit::Measure(m) => (3, m),
    };
    let kind = match q.kind {
        Kind::Exact => EXACT,
        Kind::AtLeast => AT_LEAST,
        Kind::AtMost => AT_MOST,
        Kind::Range { .. } => return None,
    };
    Some((unit, currency, kind, q.effective_tolerance().to_bits()))
}

/// No two statements disagree.
#[cfg(test)]
fn consistent(group: &[&Figure]) -> bool {
    Values::of(group).consistent()
}

/// The distinct values of a group of figures, each with how many figures state it, in a fixed
/// order. A note may state one value thousands of times (a generated or pasted note), and the
/// pairs of values, not of statements, are what is compared.
struct Values(Vec<(Quantity, usize)>);

impl Values {
    fn of(group: &[&Figure]) -> Self {
        let mut all: Vec<Quantity> = group.iter().map(|f| f.quantity).collect();
        all.sort_unstable_by(|a, b| identity(a).cmp(&identity(b)));
        let mut out: Vec<(Quantity, usize)> = Vec::new();
        for q in all {
            match out.last_mut() {
                Some((last, n)) if identity(last) == identity(&q) => *n += 1,
                _ => out.push((q, 1)),
            }
        }
        Values(out)
    }

    fn index(&self, q: &Quantity) -> Option<usize> {
        self.0
            .binary_search_by(|(v, _)| identity(v).cmp(&identity(q)))
            .ok()
    }

    /// No two statements disagree: every pair of values, and a value with itself when two
    /// figures state it.
    fn consistent(&self) -> bool {
        self.0.iter().enumerate().all(|(i, (a, n))| {
            (*n < 2 || agreement(a, a) != Agreement::Disagree)
                && self
                    .0
                    .iter()
                    .skip(i + 1)
                    .all(|(b, _)| agreement(a, b) != Agreement::Disagree)
        })
    }
}

/// A quantity as an ordered key: equal keys are equal quantities, field by field.
fn identity(q: &Quantity) -> (u8, &'static str, u64, u64, u8, u64, bool) {
    let (unit, currency) = match q.unit {
        Unit::Money(c) => (0, c),
        Unit::Count => (1, ""),
        Unit::Percent => (2, ""),
        Unit::Measure(m) => (3, m),
    };
    let (kind, high) = match q.kind {
        Kind::Exact => (0, 0),
        Kind::AtLeast => (1, 0),
        Kind::AtMost => (2, 0),
        Kind::Range { high } => (3, high.to_bits()),
    };
    (
        unit,
        currency,
        q.value.to_bits(),
        q.tolerance.to_bits(),
        kind,
        high,
        q.approximate,
    )
}

fn display_label(f: &Figure) -> String {
    match &f.qualifier {
        Some(q) => format!("{} ({q})", f.label),
        None => f.label.clone(),
    }
}

/// Where a figure sits, for messages: `under Quick stats`, or `in the introduction`.
fn place(texts: &[&str], section: Option<usize>) -> String {
    match section.and_then(|i| texts.get(i)) {
        Some(h) => format!("under {}", h.replace(['*', '`'], "").replace("__", "")),
        None => "in the introduction".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;
    use crate::model::figure::FigureSource;
    use proptest::prelude::*;

    /// A quantity drawn from few units, kinds and tolerances, and values on a coarse grid, so
    /// that agreements, ties and gaps equal to the tolerance all happen.
    fn any_quantity() -> impl Strategy<Value = Quantity> {
        (
            0u8..4,
            0u8..4,
            0u32..40,
            0u8..3,
            proptest::bool::weighted(0.2),
        )
            .prop_map(|(unit, kind, value, tol, approximate)| Quantity {
                unit: match unit {
                    0 => Unit::Money("USD"),
                    1 => Unit::Money("EUR"),
                    2 => Unit::Count,
                    _ => Unit::Percent,
                },
                value: f64::from(value) * 0.5,
                tolerance: [0.0, 0.5, 2.0][usize::from(tol)],
                kind: match kind {
                    0 | 1 => Kind::Exact,
                    2 => Kind::AtLeast,
                    _ => Kind::AtMost,
                },
                approximate,
            })
    }

    proptest! {
        /// Issue 26: counting agreements by sorted search gives what comparing every pair
        /// gives, for groups large enough to take the search.
        #[test]
        fn agreements_counted_by_search_match_every_pair(
            quantities in proptest::collection::vec(any_quantity(), 0..160),
            range_at in proptest::option::of(0usize..160),
        ) {
            let mut quantities = quantities;
            if let Some(at) = range_at.filter(|at| *at < quantities.len()) {
                quantities[at].kind = Kind::Range { high: 99.0 };
            }
            let figures: Vec<Figure> = quantities.into_iter().map(figure).collect();
            let refs: Vec<&Figure> = figures.iter().collect();
            let values = Values::of(&refs);
            prop_assert_eq!(agree_counts(&values.0), agree_counts_pairwise(&values.0));
        }
    }

    fn figure(quantity: Quantity) -> Figure {
        Figure {
            label: "valuation".to_owned(),
            qualifier: None,
            quantity,
            text: String::new(),
            span: Span::new(0, 0),
            source: FigureSource::Prose,
            section: None,
            scope: None,
            converted: None,
        }
    }

    fn quantity() -> impl Strategy<Value = Quantity> {
        (
            prop_oneof![
                Just(Unit::Money("USD")),
                Just(Unit::Money("EUR")),
                Just(Unit::Count)
            ],
            0u32..6,
            prop_oneof![Just(0.5), Just(1.0), Just(2.0)],
            0u8..4,
            any::<bool>(),
        )
            .prop_map(|(unit, value, tolerance, kind, approximate)| Quantity {
                unit,
                value: f64::from(value),
                tolerance,
                kind: match kind {
                    0 | 1 => Kind::Exact,
                    2 => Kind::AtLeast,
                    _ => Kind::AtMost,
                },
                approximate,
            })
    }

    /// Every pair of statements, as the rule reads them.
    fn consistent_pairwise(group: &[&Figure]) -> bool {
        group.iter().enumerate().all(|(i, a)| {
            group
                .iter()
                .skip(i + 1)
                .all(|b| agreement(&a.quantity, &b.quantity) != Agreement::Disagree)
        })
    }

    fn reference_pairwise<'a>(group: &[&'a Figure]) -> Option<&'a Figure> {
        if consistent_pairwise(group) {
            return None;
        }
        let agrees = |f: &Figure| {
            group
                .iter()
                .filter(|g| agreement(&f.quantity, &g.quantity) == Agreement::Agree)
                .count()
        };
        let mut best: Option<(&Figure, usize)> = None;
        for f in group {
            let n = agrees(f);
            if best.is_none_or(|(_, m)| n > m) {
                best = Some((f, n));
            }
        }
        best.map(|(f, _)| f)
    }

    proptest! {
        #[test]
        fn values_read_as_every_pair_of_statements(quantities in prop::collection::vec(quantity(), 0..12)) {
            let figures: Vec<Figure> = quantities.into_iter().map(figure).collect();
            let group: Vec<&Figure> = figures.iter().collect();
            prop_assert_eq!(consistent(&group), consistent_pairwise(&group));
            let got = reference(&group).map(std::ptr::from_ref);
            let want = reference_pairwise(&group).map(std::ptr::from_ref);
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn a_value_stated_many_times_is_one_value() {
        let q = |value: f64| Quantity {
            unit: Unit::Money("USD"),
            value,
            tolerance: 0.05e9,
            kind: Kind::Exact,
            approximate: false,
        };
        let mut figures: Vec<Figure> = (0..50_000).map(|_| figure(q(30e9))).collect();
        let group: Vec<&Figure> = figures.iter().collect();
        assert!(consistent(&group));
        assert!(reference(&group).is_none());
        figures.push(figure(q(31e9)));
        let group: Vec<&Figure> = figures.iter().collect();
        let reference = reference(&group).map(|f| f.quantity.value);
        assert_eq!(reference, Some(30e9));
    }
}
