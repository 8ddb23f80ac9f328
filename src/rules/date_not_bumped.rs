//! `date-not-bumped`: with `--changed-since REV`, a note whose body changed since REV while its
//! Updated date did not.
//!
//! The before/after comparison is made by `vault/changes.rs` (it reads the old version from git);
//! this rule only reads its verdict, so without `--changed-since` it is silent.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::Note;

pub static META: RuleMeta = RuleMeta {
    id: "date-not-bumped",
    default_severity: Severity::Warning,
    summary: "With --changed-since: the note's body changed but its Updated date did not",
    doc: include_str!("../../rules/date-not-bumped.md"),
    build,
};

struct DateNotBumped;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(DateNotBumped))
}

impl Rule for DateNotBumped {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let (Some(changes), Some(revision)) = (&cx.settings.changes, cx.revision) else {
            return;
        };
        if !revision.body_changed || revision.dates_changed {
            return;
        }
        let Some(date) = note.dates.first() else {
            return;
        };
        let name = date.name();
        out.push(
            Diagnostic::new(
                date.span,
                format!(
                    "Note changed since `{}` but its {name} date `{}` did not",
                    changes.rev, date.raw
                ),
                "not bumped",
            )
            .with_help(format!(
                "Set the {name} date to the day of this change (`{}`), so readers know how fresh the note is",
                cx.settings.today
            )),
        );
    }
}
