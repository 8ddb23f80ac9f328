//! Reading figures: the metrics a note states (valuation, total raised, employees …), read once
//! at parse time, with their label, period qualifier, value and span.
//!
//! Owns which text counts as a figure and under which label: table cells (label = row label,
//! plus the column header unless it is a generic "Value"), bold-label lines and a few prose
//! patterns (see `text.rs`), and stated totals. Also what a note says about other notes (a
//! table row whose first cell links to a note: [`QuotedFigure`]) and what a table claims to
//! add up to ([`SumClaim`]). Does not own the figure types (the note model's), reading a value
//! ([`super::value`]), resolving links (the index) or deciding what disagrees (the rules).
//!
//! The bias is towards silence: a cell or sentence that could belong to another entity, another
//! period or another round is not a figure of the note.

use std::collections::BTreeMap;

use super::input::{Input, Stated, is_total_label};
use super::period::find_period;
use super::quantity::{converted, find_quantities, parse_quantity};
use super::text::{self, Line};
use super::value::{normalize_label, split_qualifier};
use super::words::{ABOUT_OTHERS, NOT_TICKERS};
use crate::model::figure::{
    Amount, Figure, FigureSource, Kind, Quantity, QuotedFigure, SumClaim, SumSource, Unit,
};
use crate::model::link::{Link, LinkKind};
use crate::model::markdown::{Cell, Table};
use crate::model::scan;
use crate::model::span::Span;

/// Everything figure-related read from one note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub own: Vec<Figure>,
    pub quoted: Vec<QuotedFigure>,
    pub sums: Vec<SumClaim>,
}

/// Reads every figure, quoted figure and sum claim of a note.
pub(crate) fn extract(input: &Input<'_>) -> Figures {
    let mut out = Figures::default();
    let mut funding_totals = Vec::new();
    for (i, table) in input.tables.iter().enumerate() {
        if input.skip.overlaps(table.span) {
            continue;
        }
        read_table(input, i, table, &mut out, &mut funding_totals);
    }
    // With several funding tables, which one's total is the note's is not known.
    if let [_] = funding_totals.as_slice() {
        out.own.append(&mut funding_totals);
    }
    let mut stated = Vec::new();
    // Every figure has a digit: the other lines are not read.
    for span in scan::digit_lines(input.source, input.body_start) {
        let Some(text) = input.source.get(span.range()) else {
            continue;
        };
        if input.table_set.contains(span.start())
            || input.heading_set.contains(span.start())
            || !has_free_digit(input, span.start(), text)
        {
            continue;
        }
        let line = Line {
            start: span.start(),
            text,
            section: input.section_of(span.start()),
        };
        text::read_line(input, &line, &mut out.own, &mut stated);
    }
    stated_totals(input, stated, &mut out);
    // Per heading, read once: whether its section is about others, and the period it names.
    let about_others: Vec<bool> = input
        .headings
        .iter()
        .map(|h| is_about_others(&h.text) || names_another_ticker(&h.text, &input.names))
        .collect();
    out.own.retain(|f| {
        !input
            .ancestry(f.section)
            .any(|i| about_others.get(i) == Some(&true))
    });
    // A figure under `## 2023 results` is a 2023 figure unless it says otherwise.
    let mut periods: Vec<Option<Option<String>>> = vec![None; input.headings.len() + 1];
    for f in &mut out.own {
        if f.qualifier.is_some() {
            continue;
        }
        let read = || find_period(input.heading_text(f.section)).map(|p| p.1);
        // The last slot stands for the text above the first heading.
        f.qualifier = match periods.get_mut(f.section.unwrap_or(input.headings.len())) {
            Some(period) => period.get_or_insert_with(read).clone(),
            None => read(),
        };
    }
    // `## Scenario A` beside `## Scenario B`: each names its own context, as a period does.
    let contexts = parallel_contexts(input);
    for f in &mut out.own {
        let context = input
            .ancestry(f.section)
            .find_map(|i| contexts.get(i).cloned().flatten());
        if let Some(context) = context {
            f.qualifier = join_qualifiers([&f.qualifier, &Some(context)]);
        }
    }
    out.own.sort_by_key(|f| f.span);
    out
}

/// Per heading, the context it names when a sibling heading (same parent, same level) names
/// another of the same pattern: a few words, then a number or a single letter (`Scenario A`,
/// `For 4 people`, `Week 3`, `Example 2`). `None` for every other heading.
fn parallel_contexts(input: &Input<'_>) -> Vec<Option<String>> {
    let keys: Vec<Option<(String, String)>> = input
        .headings
        .iter()
        .map(|h| heading_pattern(&h.text))
        .collect();
    // Siblings of one pattern: (parent, level, words before the variable) → (heading, variable).
    type Siblings<'a> = BTreeMap<(Option<usize>, u8, &'a str), Vec<(usize, &'a str)>>;
    let mut groups: Siblings<'_> = BTreeMap::new();
    for (i, (h, key)) in input.headings.iter().zip(&keys).enumerate() {
        if let Some((prefix, var)) = key {
            let parent = input.parents.get(i).copied().flatten();
            groups
                .entry((parent, h.level, prefix.as_str()))
                .or_default()
                .push((i, var.as_str()));
        }
    }
    let mut out = vec![None; input.headings.len()];
    for ((_, _, prefix), members) in groups {
        let first = members.first().map(|m| m.1);
        if members.iter().any(|m| Some(m.1) != first) {
            for (i, var) in members {
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some(format!("{prefix} {var}"));
                }
            }
        }
    }
    out
}

/// `Scenario A: slow ramp` → (`scenario`, `a`): one to three words, then a number of up to
/// three digits or a single letter. Most headings fail at their first word or two, before
/// anything is lower-cased.
fn heading_pattern(text: &str) -> Option<(String, String)> {
    let mut prefix_end = 0;
    for (n, word) in text.split_whitespace().take(4).enumerate() {
        let word = word.trim_end_matches([':', ',', '.', ')']);
        let is_var = (1..=3).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit())
            || (word.len() == 1 && word.bytes().all(|b| b.is_ascii_alphabetic()));
        if is_var && n > 0 {
            let prefix = text.get(..prefix_end)?.split_whitespace();
            let prefix: Vec<String> = prefix.map(str::to_lowercase).collect();
            return Some((prefix.join(" "), word.to_ascii_lowercase()));
        }
        if word.is_empty() || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        // `word` is a slice of `text`: where it ends, by address.
        prefix_end = (word.as_ptr() as usize - text.as_ptr() as usize) + word.len();
    }
    None
}

/// A heading that names a ticker in parentheses (`## Vertiv (VRT) Q4 2025`) is about that
/// company, unless it also names the note itself (`## Plover (PLVR)` in `Plover`).
fn names_another_ticker(heading: &str, names: &[String]) -> bool {
    let has_ticker = heading.split('(').skip(1).any(|rest| {
        rest.split_once(')').is_some_and(|(inner, _)| {
            let inner = inner.trim();
            (1..=6).contains(&inner.len())
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || matches!(b, b'.' | b':'))
                && inner.bytes().filter(u8::is_ascii_uppercase).count() >= 2
                && !NOT_TICKERS.contains(&inner)
        })
    });
    if !has_ticker {
        return false;
    }
    let lower = heading.to_lowercase();
    !names
        .iter()
        .any(|n| !n.is_empty() && lower.contains(n.as_str()))
}

/// Whether the line at `start` has a digit outside links, code and comments. Every value
/// holds a digit, and a value that overlaps a link or a skipped range is not read: a line
/// whose digits all lie there (`See [memo](Q3%20memo.md)`) holds no figure.
fn has_free_digit(input: &Input<'_>, start: usize, text: &str) -> bool {
    text.bytes().enumerate().any(|(i, b)| {
        b.is_ascii_digit() && !input.link_set.contains(start + i) && !input.skip.contains(start + i)
    })
}

/// Stated totals introduce the table right below them, and in a funding section (one stated
/// total only) they are the note's `total raised`.
fn stated_totals(input: &Input<'_>, stated: Vec<Stated>, out: &mut Figures) {
    let mut per_section: BTreeMap<Option<usize>, usize> = BTreeMap::new();
    for s in &stated {
        *per_section.entry(s.section).or_default() += 1;
    }
    for s in stated {
        let heading = input.heading_text(s.section).to_lowercase();
        let funding = heading.contains("funding") || heading.contains("raised");
        if funding && !s.is_figure && per_section.get(&s.section) == Some(&1) {
            out.own.push(Figure {
                label: "total raised".to_owned(),
                qualifier: None,
                quantity: s.amount.quantity,
                text: s.amount.text.clone(),
                span: s.amount.span,
                source: FigureSource::StatedTotal,
                section: s.section,
                scope: None,
                converted: None,
            });
        }
        let first_after = input
            .tables
            .partition_point(|t| t.span.start() < s.line_end);
        let next = input
            .tables
            .iter()
            .enumerate()
            .skip(first_after)
            .take(1)
            .find(|(_, t)| {
                t.span.start() >= s.line_end
                    && input
                        .source
                        .get(s.line_end..t.span.start())
                        .is_some_and(|gap| gap.trim().is_empty())
            });
        if let Some((i, table)) = next
            && let Some((col, parts)) = money_column(table)
            && let Some(header) = table.header.get(col)
            && sums_alike(&parts, &s.amount)
        {
            out.sums.push(SumClaim {
                source: SumSource::StatedTotal,
                table: i,
                column: header.text.clone(),
                column_span: header.span,
                total: s.amount,
                parts: parts.into_iter().map(as_part).collect(),
            });
        }
    }
}

/// The one column of a table where every row (Total rows aside) is money; with several, the one
/// headed like an amount.
fn money_column(table: &Table) -> Option<(usize, Vec<Amount>)> {
    let rows: Vec<&Vec<Cell>> = table.rows.iter().filter(|r| !is_total_row(r)).collect();
    let width = table.header.len();
    let mut candidates = Vec::new();
    for col in 1..width {
        let parts: Option<Vec<Amount>> = rows
            .iter()
            .map(|r| {
                r.get(col)
                    .and_then(amount)
                    .filter(|a| matches!(a.quantity.unit, Unit::Money(_)))
            })
            .collect();
        if let Some(parts) = parts.filter(|p| !p.is_empty()) {
            candidates.push((col, parts));
        }
    }
    if candidates.len() > 1 {
        candidates.retain(|(col, _)| is_amount_like(table, *col));
    }
    match candidates.len() {
        1 => candidates.pop(),
        _ => None,
    }
}

/// Sections about other entities, past states or single rounds: `## Competitive landscape`,
/// `## Acquisition of MosaicML`, `## History`, `### Series B`. Their figures are not the note's
/// current ones (a deal's valuation, a rival's headcount, a round's post-money).
fn is_about_others(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    lower.contains("[[")
        || lower.contains("](")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| ABOUT_OTHERS.contains(&w))
}

/// One cell holding one value.
fn amount(cell: &Cell) -> Option<Amount> {
    if !scan::has_digit(&cell.text) {
        return None;
    }
    let found = find_quantities(&cell.text);
    // Without emphasis, escapes or notes the cell reads as written: `found` is what
    // `parse_quantity` would see, so it is not run a second time.
    let plain =
        !cell.text.contains(['*', '_', '`', '\\', '(', '[']) && cell.text.trim() == cell.text;
    let quantity = match found.as_slice() {
        [only] if plain && only.span.start == 0 => only.quantity,
        _ if plain => return None,
        _ => parse_quantity(&cell.text)?,
    };
    let (text, span) = match found.first() {
        Some(f) => (
            cell.text
                .get(f.span.clone())
                .unwrap_or(&cell.text)
                .to_owned(),
            Span::new(
                cell.span.start() + f.span.start,
                cell.span.start() + f.span.end,
            ),
        ),
        None => (cell.text.clone(), cell.span),
    };
    Some(Amount {
        quantity,
        text,
        span,
    })
}

fn is_total_row(row: &[Cell]) -> bool {
    row.first().is_some_and(|c| is_total_label(&c.text))
}

/// Column headers that name no metric: the label is the row label alone.
fn is_generic_header(label: &str) -> bool {
    matches!(
        label,
        "" | "value"
            | "figure"
            | "number"
            | "data"
            | "stat"
            | "statistic"
            | "detail"
            | "fact"
            | "metric"
            | "info"
            | "#"
    )
}

/// How a table row is labelled.
enum RowKey {
    /// Its first cell links to a note: the row is about that note.
    Link(String),
    /// A label (possibly empty when the first cell is only a period such as `2024`).
    Label(String, Option<String>),
    Total,
    /// Not a usable label (a bare number, several rows with the same label).
    Unusable,
}

fn row_key(input: &Input<'_>, row: &[Cell]) -> RowKey {
    let Some(first) = row.first() else {
        return RowKey::Unusable;
    };
    if is_total_label(&first.text) {
        return RowKey::Total;
    }
    let links: Vec<&Link> = input
        .links_within(first.span)
        .filter(|l| matches!(l.kind, LinkKind::Wiki | LinkKind::Markdown))
        .collect();
    if let [link] = links.as_slice() {
        let rest_empty = first.span.start() <= link.span.start()
            && input
                .source
                .get(first.span.start()..link.span.start())
                .zip(input.source.get(link.span.end()..first.span.end()))
                .is_some_and(|(a, b)| {
                    format!("{a}{b}")
                        .chars()
                        .all(|c| c.is_whitespace() || c == '*' || c == '_')
                });
        return if rest_empty && !link.path.is_empty() {
            RowKey::Link(link.path.clone())
        } else {
            RowKey::Unusable
        };
    }
    if !links.is_empty() {
        return RowKey::Unusable;
    }
    let (label, qualifier) = split_qualifier(&first.text);
    if label.is_empty() && qualifier.is_none() {
        return RowKey::Unusable;
    }
    if !label.is_empty() && !label.chars().any(char::is_alphabetic) {
        return RowKey::Unusable;
    }
    RowKey::Label(label, qualifier)
}

fn read_table(
    input: &Input<'_>,
    index: usize,
    table: &Table,
    out: &mut Figures,
    funding_totals: &mut Vec<Figure>,
) {
    if table.header.len() < 2 {
        return;
    }
    // Only rows with a number past the first cell can hold a figure; most tables have none.
    let numeric = |r: &Vec<Cell>| r.iter().skip(1).any(|c| scan::has_digit(&c.text));
    if !table.rows.iter().any(numeric) || is_lookup_grid(table) {
        return;
    }
    let keys: Vec<RowKey> = table
        .rows
        .iter()
        .map(|r| {
            if numeric(r) {
                row_key(input, r)
            } else {
                RowKey::Unusable
            }
        })
        .collect();
    // Rows that share a label (two rounds in `2023`) are not keyed by it: drop them all.
    let mut seen: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
    for key in &keys {
        if let RowKey::Label(l, q) = key {
            *seen.entry((l.as_str(), q.as_deref())).or_default() += 1;
        }
    }
    let section = input.section_of(table.span.start());
    let headers: Vec<(String, Option<String>)> = table
        .header
        .iter()
        .map(|h| split_qualifier(&h.text))
        .collect();
    // Columns that share a header (`| Q4 | YoY | FY | YoY |`) are not keyed by it either.
    let mut header_count: BTreeMap<&(String, Option<String>), usize> = BTreeMap::new();
    for h in &headers {
        *header_count.entry(h).or_default() += 1;
    }
    let repeated: Vec<bool> = headers
        .iter()
        .map(|h| header_count.get(h).is_some_and(|n| *n > 1))
        .collect();
    for (r, (row, key)) in table.rows.iter().zip(&keys).enumerate() {
        for (col, cell) in row.iter().enumerate().skip(1) {
            let Some((hlabel, hqual)) = headers.get(col) else {
                continue;
            };
            if repeated.get(col) == Some(&true) {
                continue;
            }
            let Some(value) = amount(cell) else { continue };
            let cell_qual = cell_period(cell, &value);
            match key {
                RowKey::Label(label, rqual) => {
                    if seen.get(&(label.as_str(), rqual.as_deref())) != Some(&1) {
                        continue;
                    }
                    let text = match (label.is_empty(), is_generic_header(hlabel)) {
                        (true, true) => continue,
                        (true, false) => hlabel.clone(),
                        (false, true) => label.clone(),
                        (false, false) => format!("{label} {hlabel}"),
                    };
                    let label = input.synonyms.canonical(&text);
                    // A row of a table whose columns name what is measured
                    // (`| Nation | Car | TV |`) is one case of a shape that other sections
                    // may repeat with other values: it is compared within its section, unless
                    // its label is a known metric.
                    let scope = (!is_generic_header(hlabel) && !input.synonyms.is_known(&label))
                        .then_some(section)
                        .flatten();
                    out.own.push(Figure {
                        label,
                        qualifier: join_qualifiers([rqual, hqual, &cell_qual]),
                        quantity: value.quantity,
                        text: value.text,
                        span: value.span,
                        source: FigureSource::Table {
                            table: index,
                            row: r,
                            column: col,
                        },
                        section,
                        scope,
                        converted: conversion(cell),
                    });
                }
                RowKey::Link(target) => {
                    let label = input.synonyms.canonical(hlabel);
                    if input.synonyms.is_known(&label) {
                        out.quoted.push(QuotedFigure {
                            target: target.clone(),
                            label,
                            qualifier: join_qualifiers([hqual, &cell_qual]),
                            quantity: value.quantity,
                            text: value.text,
                            span: value.span,
                        });
                    }
                }
                RowKey::Total | RowKey::Unusable => {}
            }
        }
    }
    total_rows(input, index, table, &keys, out, funding_totals);
}

/// A lookup grid (a cipher's substitution box, a times table): its header row and its first
/// column are all short codes or numbers (`00`, `0f`, `a0`), so its cells are entries, not
/// figures (`1b` is a byte, not a billion).
fn is_lookup_grid(table: &Table) -> bool {
    let is_code = |text: &str| {
        let t = text.trim().trim_matches(|c: char| c == '*' || c == '_');
        let t = t.strip_prefix("0x").unwrap_or(t);
        (1..=4).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_hexdigit())
    };
    table.header.len() >= 3
        && table.rows.len() >= 2
        && table.header.iter().skip(1).all(|h| is_code(&h.text))
        && table
            .rows
            .iter()
            .all(|r| r.first().is_some_and(|c| is_code(&c.text)))
}

/// The same value in another currency, in parentheses right after the cell's value
/// (`~5.8T JPY (~$38B)`).
fn conversion(cell: &Cell) -> Option<Quantity> {
    let (_, inside) = cell.text.split_once('(')?;
    if !scan::has_digit(inside) {
        return None;
    }
    converted(&cell.text, &find_quantities(&cell.text), 0)
}

/// A Total row: every numeric column of the other rows must add up to it. In a funding table
/// (under a *Funding* or *Raised* heading, or first headed *Round*), the Total row's amount is
/// also the note's `total raised`.
fn total_rows(
    input: &Input<'_>,
    index: usize,
    table: &Table,
    keys: &[RowKey],
    out: &mut Figures,
    funding_totals: &mut Vec<Figure>,
) {
    let totals: Vec<usize> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| matches!(k, RowKey::Total))
        .map(|(i, _)| i)
        .collect();
    let [total_row] = totals.as_slice() else {
        return;
    };
    let Some(total_cells) = table.rows.get(*total_row) else {
        return;
    };
    let mut claims = Vec::new();
    for (col, cell) in total_cells.iter().enumerate().skip(1) {
        let Some(total) = amount(cell) else { continue };
        let parts: Option<Vec<Amount>> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i != total_row)
            .map(|(_, r)| r.get(col).and_then(amount))
            .collect();
        let Some(parts) = parts.filter(|p| !p.is_empty()) else {
            continue;
        };
        if sums_alike(&parts, &total) {
            claims.push((col, total, parts));
        }
    }
    // The funding table's money column, as [`money_column`] picks it among these columns.
    let is_money = |a: &Amount| matches!(a.quantity.unit, Unit::Money(_));
    let mut money: Vec<usize> = claims
        .iter()
        .filter(|(_, total, parts)| is_money(total) && parts.iter().all(is_money))
        .map(|(col, _, _)| *col)
        .collect();
    if money.len() > 1 {
        money.retain(|col| is_amount_like(table, *col));
    }
    if let [col] = money.as_slice()
        && let Some((_, total, _)) = claims.iter().find(|(c, _, _)| c == col)
        && is_funding_table(input, table)
    {
        funding_totals.push(Figure {
            label: "total raised".to_owned(),
            qualifier: None,
            quantity: total.quantity,
            text: total.text.clone(),
            span: total.span,
            source: FigureSource::Table {
                table: index,
                row: *total_row,
                column: *col,
            },
            section: input.section_of(table.span.start()),
            scope: None,
            converted: None,
        });
    }
    for (col, total, parts) in claims {
        let header = table.header.get(col);
        out.sums.push(SumClaim {
            source: SumSource::TotalRow,
            table: index,
            column: header.map_or(String::new(), |h| h.text.clone()),
            column_span: header.map_or(table.span, |h| h.span),
            total,
            parts: parts.into_iter().map(as_part).collect(),
        });
    }
}

/// Whether column `col` is headed like an amount (`Amount`, `Raised`, `Size` …).
fn is_amount_like(table: &Table, col: usize) -> bool {
    let h = normalize_label(table.header.get(col).map_or("", |c| c.text.as_str()));
    ["amount", "raised", "size", "funding", "investment"]
        .iter()
        .any(|w| h.split(' ').any(|x| x == *w))
}

/// A table of rounds: under a *Funding* or *Raised* heading, or first headed *Round*.
fn is_funding_table(input: &Input<'_>, table: &Table) -> bool {
    let heading = input
        .heading_text(input.section_of(table.span.start()))
        .to_lowercase();
    heading.contains("funding")
        || heading.contains("raised")
        || table
            .header
            .first()
            .is_some_and(|h| matches!(normalize_label(&h.text).as_str(), "round" | "funding round"))
}

/// Whether parts and total are all absolute values or all changes: a column of signed changes
/// (`+0.5 Mt YoY`) does not add up to an absolute total, nor absolute rows to a change.
fn sums_alike(parts: &[Amount], total: &Amount) -> bool {
    let signed = |a: &Amount| a.text.trim_start().starts_with(['+', '-', '−']);
    parts.iter().all(|p| signed(p) == signed(total))
}

/// A part of a sum as written: in a table of parts, a round figure with a scale word (`$2B`)
/// is the amount, not a rounding, unless it is marked approximate; a figure with decimals
/// keeps the precision they give (`$1.4B` is ±$0.05B).
fn as_part(mut part: Amount) -> Amount {
    let q = &mut part.quantity;
    let scaled_integer = !part.text.contains('.') && q.tolerance >= 500.0;
    if scaled_integer && !q.approximate && q.kind == Kind::Exact {
        q.tolerance = 0.0;
    }
    part
}

/// A period written in a cell after its value: `$4.5B (Mar 2025)`.
fn cell_period(cell: &Cell, value: &Amount) -> Option<String> {
    let after = value.span.end().saturating_sub(cell.span.start());
    find_period(cell.text.get(after..).unwrap_or("")).map(|p| p.1)
}

/// Joins the periods given by row, column and cell (`2024`, `q3`): distinct ones, in order.
pub(crate) fn join_qualifiers<'a>(
    parts: impl IntoIterator<Item = &'a Option<String>>,
) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for p in parts.into_iter().flatten() {
        if !out.contains(&p.as_str()) {
            out.push(p);
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

#[cfg(test)]
mod tests {
    use crate::figures::ParseOptions;
    use crate::model::Note;

    fn figures(text: &str) -> Vec<(String, Option<String>, String)> {
        let note = Note::parse("Acme.md", text, &ParseOptions::default());
        note.figures
            .iter()
            .map(|f| (f.label.clone(), f.qualifier.clone(), f.text.clone()))
            .collect()
    }

    fn labels(text: &str) -> Vec<String> {
        figures(text)
            .into_iter()
            .map(|(l, q, t)| match q {
                Some(q) => format!("{l} ({q}) = {t}"),
                None => format!("{l} = {t}"),
            })
            .collect()
    }

    #[test]
    fn tables() {
        #[rustfmt::skip]
        let cases: &[(&str, &[&str])] = &[
            ("| Metric | Value |\n|-|-|\n| Valuation | $4.5B |\n| Employees | 600 |\n| Founded | 2016 |\n| CEO | Jo |\n",
             &["valuation = $4.5B", "employees = 600"]),
            ("| Round | Amount | Key investors |\n|-|-|-|\n| Series D | $235M | Google |\n| Earlier | $161M | Sequoia |\n",
             &["series d amount = $235M", "earlier amount = $161M"]),
            ("| Metric | 2023 | 2024 |\n|-|-|-|\n| Revenue | $10M | $20M |\n",
             &["revenue (2023) = $10M", "revenue (2024) = $20M"]),
            ("| Company | Capex 2024 |\n|-|-|\n| Acme | $5B |\n",
             &["acme capex (2024) = $5B"]),
            ("| Metric | Value |\n|-|-|\n| Valuation | $4.5B (Mar 2025) |\n| Revenue (2023) | $70M |\n",
             &["valuation (mar 2025) = $4.5B", "revenue (2023) = $70M"]),
            // Linked rows are other notes' figures; bare numbers and repeated labels key nothing.
            ("| Lab | Valuation |\n|-|-|\n| [[OpenAI]] | $500B |\n| 1 | $5B |\n",
             &[]),
            ("| Year | Round | Amount |\n|-|-|-|\n| 2023 | A | $5M |\n| 2023 | B | $9M |\n| 2024 | C | $20M |\n",
             &["amount (2024) = $20M"]),
            ("| Round | Amount |\n|-|-|\n| A | $5M |\n| **Total** | **$5M** |\n",
             &["a amount = $5M", "total raised = $5M"]),
            ("```\n| Metric | Value |\n|-|-|\n| Valuation | $4.5B |\n```\n", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(labels(text), *want, "{text}");
        }
    }

    #[test]
    fn quoted_and_sums() {
        let text = "## Valuations\n\n| Lab | Valuation (2025) | Focus |\n|-|-|-|\n| [[OpenAI\\|OAI]] | $500B | x |\n| **[[Cohere]]** | $4.5B | y |\n| [[A]] and [[B]] | $1B | z |\n\n## Funding\n\n**$396M total:**\n\n| Round | Amount | Post-money |\n|-|-|-|\n| D | $235M | $4.5B |\n| Earlier | $161M | $2B |\n\n| Lab | Raised |\n|-|-|\n| X | $1B |\n| Y | 2 |\n| Total | $3B |\n";
        let note = crate::model::Note::parse("T.md", text, &ParseOptions::default());
        let quoted: Vec<(&str, &str, Option<&str>, &str)> = note
            .quoted_figures
            .iter()
            .map(|q| {
                (
                    q.target.as_str(),
                    q.label.as_str(),
                    q.qualifier.as_deref(),
                    q.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            quoted,
            [
                ("OpenAI", "valuation", Some("2025"), "$500B"),
                ("Cohere", "valuation", Some("2025"), "$4.5B")
            ]
        );
        assert_eq!(note.sum_claims.len(), 2, "{:?}", note.sum_claims);
        let stated = &note.sum_claims[1];
        assert_eq!(stated.source, super::SumSource::StatedTotal);
        assert_eq!(
            (stated.column.as_str(), stated.total.text.as_str()),
            ("Amount", "$396M")
        );
        assert_eq!(stated.parts.len(), 2);
        let row = &note.sum_claims[0];
        assert_eq!(
            (row.source, row.parts.len()),
            (super::SumSource::TotalRow, 2)
        );
        let total_raised: Vec<_> = note
            .figures
            .iter()
            .filter(|f| f.label == "total raised")
            .map(|f| (f.text.as_str(), f.source))
            .collect();
        assert_eq!(total_raised, [("$396M", super::FigureSource::StatedTotal)]);
    }

    #[test]
    fn prose_and_bold_labels() {
        #[rustfmt::skip]
        let cases: &[(&str, &[&str])] = &[
            ("**Acme** — \"GitHub for ML.\" $4.5B valuation. 120k+ open-source models.\n", &["valuation = $4.5B"]),
            ("It was valued at $4.5 billion and has 600 employees.\n", &["valuation = $4.5 billion", "employees = 600"]),
            ("A valuation of **$4.5B** (2024).\n", &["valuation (2024) = $4.5B"]),
            ("Acme has raised $396M to date.\n", &["total raised = $396M"]),
            ("Acme raised $235M in its Series D.\n", &[]),
            ("Its $65B market cap dwarfs the rest.\n", &["market cap = $65B"]),
            ("**Total raised:** $1.8B\n", &["total raised = $1.8B"]),
            ("- **Employees:** about 600\n", &["employees = about 600"]),
            ("**Revenue:** ~$70M ARR (2023), growing 367% YoY.\n", &["revenue (2023) = ~$70M"]),
            ("**Enterprise clients:** Microsoft, eBay, 1,000+ companies.\n", &[]),
            // Other entities, comparisons, changes, ranges and hypotheticals are not figures.
            ("OpenAI's $500B valuation dwarfs it.\n", &[]),
            ("Acme's $4.5B valuation.\n", &["valuation = $4.5B"]),
            ("Valuation rose from a $2B valuation to a $4.5B valuation.\n", &[]),
            ("A $4–5B valuation is rumored.\n", &[]),
            ("Worth more than [[Rival]] at a $4.5B valuation.\n", &[]),
            ("It cut 200 employees.\n", &[]),
            ("Headcount grew 40% in 2024.\n", &[]),
            ("`$5B valuation` %% $6B valuation %%\n", &[]),
            ("It seeks a $10B valuation.\n", &[]),
            ("Up from a $2B valuation.\n", &[]),
            ("$300 mass-market robot, $ signs, 24/7 support.\n", &[]),
            ("500 employees work in sales.\n", &[]),
            ("It has 600 employees across three offices.\n", &["employees = 600"]),
            ("Headcount: 1,150 at year end, 1,200 now.\n", &[]),
            ("**Employees:** 1,200 (up from 700 in 2024)\n", &[]),
            ("Acme has raised $396M to date and was last valued at $4.5B.\n",
             &["total raised = $396M", "valuation = $4.5B"]),
        ];
        for (text, want) in cases {
            assert_eq!(labels(text), *want, "{text}");
        }
    }

    #[test]
    fn headings_with_a_period_qualify_their_figures() {
        let text = "## 2023 results\n\n**Revenue:** $70M\n\n## Quick stats\n\n**Revenue:** $120M\n\n**Revenue (2024):** $120M\n";
        assert_eq!(
            labels(text),
            [
                "revenue (2023) = $70M",
                "revenue = $120M",
                "revenue (2024) = $120M"
            ]
        );
    }

    #[test]
    fn sections_about_others_hold_no_figures() {
        let text = "## Acquisition of Mosaic\n\n| Metric | Value |\n|-|-|\n| Valuation | $1.3B |\n\n### Details\n\n**Valuation:** $1.2B\n\n## Funding\n\n### Series B\n\n**Valuation:** $1B\n\n## Versus [[Rival]]\n\n$9B valuation.\n\n## Investment case\n\n**Valuation:** $4.5B\n";
        assert_eq!(labels(text), ["valuation = $4.5B"]);
    }

    #[test]
    fn headings_of_one_pattern_are_parallel_contexts() {
        let pattern = |t: &str| super::heading_pattern(t);
        let some = |p: &str, v: &str| Some((p.to_owned(), v.to_owned()));
        assert_eq!(pattern("Scenario A: slow ramp"), some("scenario", "a"));
        assert_eq!(pattern("For 4 people"), some("for", "4"));
        assert_eq!(pattern("Week 12"), some("week", "12"));
        assert_eq!(pattern("Quick stats"), None);
        assert_eq!(pattern("2024 results"), None);
        assert_eq!(pattern("Q4 2025"), None);
        let text = "## Week 1\n\n**Distance:** 32 km\n\n## Week 2\n\n**Distance:** 38 km\n\n## Week 2\n\n## Notes\n\n**Distance:** 30 km\n";
        assert_eq!(
            labels(text),
            [
                "distance (week 1) = 32",
                "distance (week 2) = 38",
                "distance = 30"
            ]
        );
        // A heading with no sibling of its pattern names no context.
        assert_eq!(
            labels("## Week 1\n\n**Distance:** 32 km\n"),
            ["distance = 32"]
        );
    }

    #[test]
    fn headings_that_name_another_company_hold_no_figures() {
        let another = |h: &str| super::names_another_ticker(h, &["plover".to_owned()]);
        assert!(another("Vertiv (VRT) Q4 2025 — data centres"));
        assert!(!another("Plover (PLVR) at a glance"));
        assert!(!another("Revenue (USD)"));
        assert!(!another("Revenue (2024)"));
        assert!(!another("Notes (a few)"));
    }

    #[test]
    fn lookup_grids_hold_no_figures() {
        let grid = "| | 00 | 01 | 0a |\n|-|-|-|-|\n| 00 | 63 | 7c | 1b |\n| a0 | e0 | 32 | 9b |\n";
        assert_eq!(labels(grid), Vec::<String>::new());
        // A table whose first column names things is no grid, whatever its header.
        let table = "| Metric | 2023 | 2024 |\n|-|-|-|\n| Revenue | $10M | $20M |\n| Employees | 40 | 60 |\n";
        assert_eq!(labels(table).len(), 4);
    }

    #[test]
    fn sums_take_round_parts_as_written_and_keep_changes_apart() {
        let sums = |text: &str| {
            let note = Note::parse("Acme.md", text, &ParseOptions::default());
            note.sum_claims
                .iter()
                .map(|c| {
                    c.parts
                        .iter()
                        .map(|p| p.quantity.tolerance)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        let round = "| Round | Amount |\n|-|-|\n| A | $2B |\n| B | $1.5B |\n| C | ~$75M |\n| Total | $3.6B |\n";
        assert_eq!(sums(round), [vec![0.0, 0.05e9, 0.5e6]]);
        let changes = "| Metal | Output | Change |\n|-|-|-|\n| Cu | 22.1 Mt | +0.5 Mt |\n| Zn | 13.0 Mt | -7.7 Mt |\n| Total | 35.1 Mt | 4.1 Mt |\n";
        assert_eq!(sums(changes).len(), 1);
    }

    #[test]
    fn sections() {
        let text = "Intro $4.5B valuation.\n\n## Quick stats\n\n| Metric | Value |\n|-|-|\n| Valuation | $5B |\n";
        let note = Note::parse("Acme.md", text, &ParseOptions::default());
        let sections: Vec<Option<usize>> = note.figures.iter().map(|f| f.section).collect();
        assert_eq!(sections, [None, Some(0)]);
    }

    #[test]
    fn lines_whose_digits_lie_in_links_or_code_hold_no_figure() {
        // Each of these lines would be read (a bold label, a metric word), but its every
        // value overlaps a link or code, so the line is not read at all.
        let text = "**Valuation:** [$4.5B](Q3%202025%20memo.md)\n\nTotal raised: [[Round 2]]\n\nHeadcount `600 employees` in code\n\n**Valuation:** $5B\n";
        assert_eq!(labels(text), ["valuation = $5B"]);
        let note = Note::parse("Acme.md", text, &ParseOptions::default());
        let links: Vec<crate::model::Link> = note.links.to_vec();
        let skip = crate::model::scan::SkipSet::new(vec![]);
        let synonyms = crate::figures::value::Synonyms::default();
        let input =
            crate::figures::input::Input::new(text, 0, &[], &[], &links, &skip, &synonyms, vec![]);
        let free: Vec<bool> = text
            .lines()
            .filter(|l| super::scan::has_digit(l))
            .map(|l| super::has_free_digit(&input, text.find(l).unwrap_or(0), l))
            .collect();
        // Code is in the note's skip set, not in this one: only the links count here.
        assert_eq!(free, [false, false, true, true]);
    }
}
