//! `missing-date`: a schema with `require-updated: true` matches a note that has no Updated
//! date at all (an invalid one counts as present: `invalid-date` reports it).

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::Note;

pub static META: RuleMeta = RuleMeta {
    id: "missing-date",
    default_severity: Severity::Error,
    summary: "A note whose schema requires an Updated date has none",
    doc: include_str!("../../rules/missing-date.md"),
    build,
};

struct MissingDate;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(MissingDate))
}

impl Rule for MissingDate {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        if !note.dates.is_empty() {
            return;
        }
        let Some(schema) = cx
            .settings
            .schemas_for(note)
            .find(|s| s.config.require_updated)
        else {
            return;
        };
        out.push(
            Diagnostic::new(
                note.title_span(),
                format!(
                    "Note has no Updated date, which schema `{}` requires",
                    schema.name()
                ),
                "no Updated date in this note",
            )
            .with_help(format!(
                "Add a line such as `*Updated {}*` with the day the note was last reviewed",
                cx.settings.today
            )),
        );
    }
}
