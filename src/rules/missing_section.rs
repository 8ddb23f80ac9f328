//! `missing-section`: a note matched by a schema lacks one of its required sections (a heading
//! of any level, matched by text: case, emphasis and trailing punctuation ignored).

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::config::SectionSpec;
use crate::config::schema::{self, Schema};
use crate::finding::{Diagnostic, Severity};
use crate::index::suggest;
use crate::model::markdown::Heading;
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
            for (i, spec) in schema.config.required_sections.iter().enumerate() {
                if schema::find_section(note, spec).is_some() {
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
                out.push(finding(note, schema, i, spec));
            }
        }
    }
}

fn finding(note: &Note, schema: &Schema, i: usize, spec: &SectionSpec) -> Diagnostic {
    let names = spec.alternatives();
    let wanted = names.first().copied().unwrap_or("");
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let message = format!(
        "Note of schema `{}` has no {} section",
        schema.name(),
        listed.join(" or ")
    );
    let mut help = placement(note, schema, i, wanted);
    if let Some(near) = near_miss(note, &names) {
        help.push_str(&format!(", or rename `{}` if it is meant", markup(near)));
    }
    help.push_str("; ");
    help.push_str(&present_headings(note));
    Diagnostic::new(
        report_span(note),
        message,
        format!("no `{wanted}` heading in this note"),
    )
    .with_help(help)
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
