//! `missing-date`: a schema with `require-updated: true` matches a note that has no Updated
//! date at all (an invalid one counts as present: `invalid-date` reports it).

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::{DateOptions, Note, scan};
use jiff::civil::Date;

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
        let (name, help) = how_to_date(&cx.settings.parse.dates, cx.settings.today);
        out.push(
            Diagnostic::new(
                note.title_span(),
                format!(
                    "Note has no {name} date, which schema `{}` requires",
                    schema.name()
                ),
                format!("no {name} date in this note"),
            )
            .with_help(help),
        );
    }
}

/// What the vault calls its Updated date and how to add one: the first marker word
/// (`stale-date.markers`) on a body line, else the first front matter key (`fields`). Advice
/// to write `*Updated …*` would not help a vault whose marker is `Reviewed`.
fn how_to_date(parse: &DateOptions, today: Date) -> (String, String) {
    let reviewed = "with the day the note was last reviewed";
    if let Some(word) = parse.marker_words.first() {
        let name = scan::marker_name(word);
        let help = format!("Add a line such as `*{name} {today}*` {reviewed}");
        (name, help)
    } else if let Some(key) = parse.date_fields.first() {
        let name = scan::field_name(key);
        let help = format!("Add `{key}: {today}` to the front matter, {reviewed}");
        (name, help)
    } else {
        (
            "Updated".to_string(),
            "No date can be read: set `stale-date.markers` or `stale-date.fields` in the config"
                .to_string(),
        )
    }
}
