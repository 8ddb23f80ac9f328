//! `conflicting-dates`: the front matter Updated date and the body marker disagree.
//!
//! Compares the newest valid date of each side, by day (times are ignored). Invalid dates are
//! `invalid-date`'s business.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Related, Severity};
use crate::model::Note;
use crate::model::scan::DateSource;

pub static META: RuleMeta = RuleMeta {
    id: "conflicting-dates",
    default_severity: Severity::Warning,
    summary: "The front matter Updated date and the body marker disagree",
    doc: include_str!("../../rules/conflicting-dates.md"),
    build,
};

struct ConflictingDates;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(ConflictingDates))
}

impl Rule for ConflictingDates {
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let (Some((field, in_field)), Some((body, in_body))) = (
            note.newest_date(|m| m.is_field()),
            note.newest_date(|m| !m.is_field()),
        ) else {
            return;
        };
        if in_field == in_body {
            return;
        }
        let DateSource::Field(key) = &field.source else {
            return;
        };
        out.push(
            Diagnostic::new(
                body.span,
                format!(
                    "{} date {in_body} disagrees with front matter `{key}: {}`",
                    body.name(),
                    field.raw
                ),
                "body date",
            )
            .with_related(Related {
                path: None,
                span: field.span,
                label: format!("front matter `{key}`"),
            })
            .with_help(format!(
                "Set both to the day the note was last reviewed, or keep only one of them (`{key}` or the body line)"
            )),
        );
    }
}
