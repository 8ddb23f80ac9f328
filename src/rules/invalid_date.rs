//! `invalid-date`: an Updated marker or date field holds no valid calendar date.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::Note;
use crate::model::date::{DateError, EXPECTED_FORMAT};
use crate::model::scan::DateSource;

pub static META: RuleMeta = RuleMeta {
    id: "invalid-date",
    default_severity: Severity::Error,
    summary: "An Updated marker holds no valid calendar date",
    doc: include_str!("../../rules/invalid-date.md"),
    build,
};

struct InvalidDate;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(InvalidDate))
}

impl Rule for InvalidDate {
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        for marker in &note.dates {
            let Err(error) = &marker.date else { continue };
            let what = match &marker.source {
                DateSource::Body(_) => format!("{} date `{}`", marker.name(), marker.raw),
                DateSource::Field(key) => format!("Front matter `{key}: {}`", marker.raw),
            };
            let label = match error {
                DateError::Format => "not a YYYY-MM-DD date",
                DateError::NoSuchDay(_) => "no such date",
            };
            out.push(
                Diagnostic::new(
                    marker.span,
                    format!("{what} is not a valid date: {}", error.reason()),
                    label,
                )
                .with_help(format!(
                    "Write the date as {EXPECTED_FORMAT}, e.g. `2026-01-05`; a time may follow (`2026-01-05T10:00`)"
                )),
            );
        }
    }
}
