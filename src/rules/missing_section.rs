//! `missing-section`: a note matched by a schema lacks one of its required sections (a heading
//! of any level, matched by text: case, emphasis and trailing punctuation ignored), or has it
//! without what the schema says it must hold (`contains:`, a table's `columns:`).

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::config::schema::{self, Schema};
use crate::config::{Contains, SectionSpec};
use crate::finding::{Applicability, Diagnostic, Fix, Severity};
use crate::index::suggest;
use crate::model::content::Holds;
use crate::model::markdown::Heading;
use crate::model::scan::DateSource;
use crate::model::{Note, Span};

pub static META: RuleMeta = RuleMeta {
    id: "missing-section",
    default_severity: Severity::Error,
    summary: "A note matched by a schema lacks one of its required sections",
    doc: include_str!("../../rules/missing-section.md"),
    build,
};

struct MissingSection;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(MissingSection))
}

impl Rule for MissingSection {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        // Two schemas requiring the same section make one finding, naming the first.
        let mut reported: Vec<Vec<String>> = Vec::new();
        for schema in cx.settings.schemas_for(note) {
            let mut missing: Vec<usize> = Vec::new();
            for (i, spec) in schema.config.required_sections.iter().enumerate() {
                if let Some(found) = schema::find_section(note, spec) {
                    if let Some(d) = content_finding(note, schema, spec, found) {
                        out.push(d);
                    }
                    continue;
                }
                let key: Vec<String> = spec
                    .alternatives()
                    .into_iter()
                    .map(schema::section_key)
                    .collect();
                if reported.contains(&key) {
                    continue;
                }
                reported.push(key);
                missing.push(out.len());
                out.push(finding(note, schema, i, spec));
            }
            if let Some(fix) = add_sections(note, schema, &reported) {
                for i in missing {
                    if let Some(d) = out.get_mut(i) {
                        d.fix = Some(Box::new(fix.clone()));
                    }
                }
            }
        }
    }
}

/// The fix of the schema's missing sections: their headings, in the schema's order, at the end
/// of the note, before its closing Updated line when it ends with one. One fix for all of
/// them (each finding carries it): added one by one, they would come in the order of their
/// findings, not the schema's. Unsafe: the sections are empty until the author writes them.
fn add_sections(note: &Note, schema: &Schema, reported: &[Vec<String>]) -> Option<Fix> {
    let missing: Vec<&str> = schema
        .config
        .required_sections
        .iter()
        .filter(|spec| schema::find_section(note, spec).is_none())
        .filter(|spec| {
            let key: Vec<String> = spec
                .alternatives()
                .into_iter()
                .map(schema::section_key)
                .collect();
            reported.contains(&key)
        })
        .filter_map(|spec| spec.alternatives().first().copied())
        .collect();
    if missing.is_empty() {
        return None;
    }
    let level = "#".repeat(usize::from(usual_level(note)));
    let headings: Vec<String> = missing.iter().map(|m| format!("{level} {m}")).collect();
    let last_heading = note.headings.iter().map(|h| h.span.end).max().unwrap_or(0);
    // The closing Updated line: a body marker on the note's last line, after every heading.
    let closing = note
        .dates
        .iter()
        .filter(|d| matches!(d.source, DateSource::Body(_)) && !d.line.is_empty())
        .map(|d| d.line)
        .filter(|line| line.start >= last_heading && note.len.saturating_sub(line.end()) <= 2)
        .max_by_key(|line| line.start);
    let (at, text) = match closing {
        Some(line) => (line.start(), format!("{}\n\n", headings.join("\n\n"))),
        None => (note.len, format!("\n{}\n", headings.join("\n\n"))),
    };
    let listed: Vec<String> = headings.iter().map(|h| format!("`{h}`")).collect();
    Some(Fix::new(
        format!("add {}", listed.join(", ")),
        Span::new(at, at),
        text,
        Applicability::Unsafe,
    ))
}

fn finding(note: &Note, schema: &Schema, i: usize, spec: &SectionSpec) -> Diagnostic {
    let names = spec.alternatives();
    let wanted = names.first().copied().unwrap_or("");
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let holding = spec.content().map_or_else(String::new, |(kind, columns)| {
        format!(" (holding {})", what(kind, columns))
    });
    let message = format!(
        "Note of schema `{}` has no {} section{holding}",
        schema.name(),
        listed.join(" or ")
    );
    let mut help = placement(note, schema, i, wanted);
    if let Some(near) = near_miss(note, &names) {
        help.push_str(&format!(", or rename `{}` if it is meant", markup(near)));
    }
    help.push_str("; ");
    help.push_str(&present_headings(note));
    // An entry that says what the section holds is a newer form: its finding points at the
    // end of the note, where the section is usually added. A plain entry's stays at the title.
    let span = if spec.content().is_some() {
        Span::new(note.len, note.len)
    } else {
        report_span(note)
    };
    Diagnostic::new(span, message, format!("no `{wanted}` heading in this note")).with_help(help)
}

/// The finding for a present section that lacks what `spec` says it holds, at its heading.
/// Any of the section's headings (a note may repeat one) holding it is enough.
fn content_finding(
    note: &Note,
    schema: &Schema,
    spec: &SectionSpec,
    found: &Heading,
) -> Option<Diagnostic> {
    let (kind, columns) = spec.content()?;
    let headings: Vec<&Heading> = schema::section_headings(note, spec).collect();
    if headings.iter().any(|h| h.holds.contains(holds(kind))) {
        let tables: Vec<&Vec<String>> = headings.iter().flat_map(|h| &h.columns).collect();
        let missing_in = |table: &Vec<String>| -> Vec<&str> {
            let have: Vec<String> = table.iter().map(|c| schema::section_key(c)).collect();
            columns
                .iter()
                .filter(|c| !have.contains(&schema::section_key(c)))
                .map(String::as_str)
                .collect()
        };
        // The table that lacks the fewest of the columns speaks for the section.
        let best = tables
            .iter()
            .map(|t| (missing_in(t), *t))
            .min_by_key(|(m, _)| m.len())?;
        let (missing, table) = best;
        if missing.is_empty() {
            return None;
        }
        let listed: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
        let have: Vec<String> = table.iter().map(|c| format!("`{c}`")).collect();
        let column_word = if missing.len() == 1 {
            "column"
        } else {
            "columns"
        };
        return Some(
            Diagnostic::new(
                found.span,
                format!(
                    "The table under `{}` has no {} {column_word} (schema `{}` requires it)",
                    found.text,
                    listed.join(", "),
                    schema.name()
                ),
                format!("no {} column in this section's table", listed.join(", ")),
            )
            .with_help(format!(
                "Add the {column_word} to the table; its header is {}",
                if have.is_empty() {
                    "empty".to_string()
                } else {
                    have.join(" | ")
                }
            )),
        );
    }
    Some(
        Diagnostic::new(
            found.span,
            format!(
                "Section `{}` holds no {} (schema `{}` requires {})",
                found.text,
                kind.key(),
                schema.name(),
                what(kind, columns)
            ),
            format!("no {} in this section", kind.key()),
        )
        .with_help(format!("Add {} under this heading", what(kind, columns))),
    )
}

/// What a section must hold, in words: "a table with columns `Role`, `Name`".
fn what(kind: Contains, columns: &[String]) -> String {
    let noun = match kind {
        Contains::Table => "a table",
        Contains::List => "a list",
        Contains::Embed => "an embed (`![[...]]`)",
        Contains::Link => "a link",
        Contains::Text => "text",
    };
    if columns.is_empty() {
        noun.to_string()
    } else {
        let listed: Vec<String> = columns.iter().map(|c| format!("`{c}`")).collect();
        format!("{noun} with columns {}", listed.join(", "))
    }
}

/// The model's name for a kind of content.
fn holds(kind: Contains) -> Holds {
    match kind {
        Contains::Table => Holds::TABLE,
        Contains::List => Holds::LIST,
        Contains::Embed => Holds::EMBED,
        Contains::Link => Holds::LINK,
        Contains::Text => Holds::TEXT,
    }
}

/// The title heading (the first of level 1), else the start of the note.
fn report_span(note: &Note) -> Span {
    title(note).map_or(Span::new(0, 0), |h| h.span)
}

fn title(note: &Note) -> Option<&Heading> {
    note.headings.iter().find(|h| h.level == 1)
}

/// The note's headings but its title.
fn sections(note: &Note) -> impl Iterator<Item = &Heading> {
    let title = title(note).map(|h| h.span);
    note.headings.iter().filter(move |h| Some(h.span) != title)
}

/// Where to add the section: after the nearest required section before it that the note has,
/// else before the nearest one after it, else at the end; at that section's level.
fn placement(note: &Note, schema: &Schema, i: usize, wanted: &str) -> String {
    let specs = &schema.config.required_sections;
    let before = specs
        .get(..i)
        .unwrap_or_default()
        .iter()
        .rev()
        .find_map(|s| schema::find_section(note, s));
    let after = specs
        .get(i + 1..)
        .unwrap_or_default()
        .iter()
        .find_map(|s| schema::find_section(note, s));
    let level = before
        .or(after)
        .map_or_else(|| usual_level(note), |h| h.level);
    let add = format!("Add `{} {wanted}`", "#".repeat(usize::from(level)));
    match (before, after) {
        (Some(h), _) => format!("{add} after the `{}` section", markup(h)),
        (None, Some(h)) => format!("{add} before `{}`", markup(h)),
        (None, None) => format!("{add} at the end of the note"),
    }
}

/// The most common level among the note's sections (the shallower on a tie), else 2.
fn usual_level(note: &Note) -> u8 {
    let mut counts = [0usize; 7];
    for h in sections(note) {
        if let Some(c) = counts.get_mut(usize::from(h.level)) {
            *c += 1;
        }
    }
    (1..=6u8)
        .max_by_key(|l| {
            (
                counts.get(usize::from(*l)).copied().unwrap_or(0),
                u8::MAX - l,
            )
        })
        .filter(|l| counts.get(usize::from(*l)).is_some_and(|c| *c > 0))
        .unwrap_or(2)
}

/// A section whose text is close to one of the wanted names (`Quick stat`, `Related reading`).
fn near_miss<'n>(note: &'n Note, names: &[&str]) -> Option<&'n Heading> {
    let texts: Vec<&str> = sections(note).map(|h| h.text.as_str()).collect();
    let close = names.iter().find_map(|n| {
        let mut c = suggest::closest(n, texts.iter().copied(), 1);
        if c.is_empty() {
            c = suggest::overlapping(n, texts.iter().copied(), 1);
        }
        c.first().copied()
    })?;
    sections(note).find(|h| h.text == close)
}

fn markup(h: &Heading) -> String {
    format!("{} {}", "#".repeat(usize::from(h.level)), h.text)
}

fn present_headings(note: &Note) -> String {
    const SHOWN: usize = 8;
    let sections: Vec<&Heading> = sections(note).collect();
    if sections.is_empty() {
        return "the note has no section headings yet".to_string();
    }
    let mut names: Vec<String> = sections
        .iter()
        .take(SHOWN)
        .map(|h| format!("`{}`", h.text))
        .collect();
    if sections.len() > SHOWN {
        names.push(format!("{} more", sections.len() - SHOWN));
    }
    format!("the note's sections are {}", names.join(", "))
}
