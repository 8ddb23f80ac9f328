//! `future-date`: an Updated date lies after today.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::Note;
use crate::model::date;

pub static META: RuleMeta = RuleMeta {
    id: "future-date",
    default_severity: Severity::Error,
    summary: "An Updated date is after today",
    doc: include_str!("../../rules/future-date.md"),
    build,
};

struct FutureDate;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(FutureDate))
}

impl Rule for FutureDate {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let today = cx.settings.today;
        for marker in &note.dates {
            let Ok(updated) = marker.date else { continue };
            if updated <= today {
                continue;
            }
            let ahead = date::days_between(today, updated);
            let days = if ahead == 1 { "day" } else { "days" };
            out.push(
                Diagnostic::new(
                    marker.span,
                    format!(
                        "{} date {updated} is {ahead} {days} after today ({today})",
                        marker.name()
                    ),
                    "date in the future",
                )
                .with_help(format!(
                    "Write the day the note was last reviewed; if that was today, write {today}"
                )),
            );
        }
    }
}
