//! `inconsistent-figure`: one metric is given different values in one note (tables, prose,
//! bold-label lines), beyond the precision it is stated with; and, across notes, a table row
//! that quotes a linked note's figure differently from that note.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml::Value;

use super::{Context, NoteContext, NoteDiagnostic, Rule, RuleMeta};
use crate::finding::{Diagnostic, Related, Severity};
use crate::index::Resolution;
use crate::model::Note;
use crate::model::figure::Figure;
use crate::model::figure_value::{Agreement, Quantity, agreement};

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
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        for group in groups(note).values() {
            let Some(reference) = reference(group) else {
                continue;
            };
            for fig in group {
                if agreement(&reference.quantity, &fig.quantity) != Agreement::Disagree {
                    continue;
                }
                let name = display_label(fig);
                let there = place(note, reference.section);
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
                let stated: Vec<&Figure> = other
                    .figures
                    .iter()
                    .filter(|f| f.label == quote.label && f.qualifier == quote.qualifier)
                    .collect();
                // A note that contradicts itself is reported there, not in every note quoting it.
                let Some(first) = stated.first() else {
                    continue;
                };
                if !consistent(&stated)
                    || stated
                        .iter()
                        .any(|f| agreement(&f.quantity, &quote.quantity) != Agreement::Disagree)
                {
                    continue;
                }
                let name = match &quote.qualifier {
                    Some(q) => format!("{} ({q})", quote.label),
                    None => quote.label.clone(),
                };
                let there = place(other, first.section);
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

/// Figures by (label, qualifier): only the same metric for the same period is compared.
fn groups(note: &Note) -> BTreeMap<(&str, Option<&str>), Vec<&Figure>> {
    let mut out: BTreeMap<(&str, Option<&str>), Vec<&Figure>> = BTreeMap::new();
    for f in &note.figures {
        if !f.label.is_empty() {
            out.entry((f.label.as_str(), f.qualifier.as_deref()))
                .or_default()
                .push(f);
        }
    }
    out
}

/// The statement the others are measured against: the one most others agree with (the first
/// on a tie), or `None` when the group agrees throughout.
fn reference<'a>(group: &[&'a Figure]) -> Option<&'a Figure> {
    if consistent(group) {
        return None;
    }
    let agrees = |f: &Quantity| {
        group
            .iter()
            .filter(|g| agreement(f, &g.quantity) == Agreement::Agree)
            .count()
    };
    let mut best: Option<(&Figure, usize)> = None;
    for f in group {
        let n = agrees(&f.quantity);
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((f, n));
        }
    }
    best.map(|(f, _)| f)
}

/// No two statements disagree.
fn consistent(group: &[&Figure]) -> bool {
    group.iter().enumerate().all(|(i, a)| {
        group
            .iter()
            .skip(i + 1)
            .all(|b| agreement(&a.quantity, &b.quantity) != Agreement::Disagree)
    })
}

fn display_label(f: &Figure) -> String {
    match &f.qualifier {
        Some(q) => format!("{} ({q})", f.label),
        None => f.label.clone(),
    }
}

/// Where a figure sits, for messages: `under Quick stats`, or `in the introduction`.
fn place(note: &Note, section: Option<usize>) -> String {
    match section.and_then(|i| note.headings.get(i)) {
        Some(h) => format!("under {}", h.text.replace(['*', '`'], "").replace("__", "")),
        None => "in the introduction".to_owned(),
    }
}
