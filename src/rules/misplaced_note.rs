//! `misplaced-note`: a note matched by a schema lies outside the folders its `location` names.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::{Note, Span};

pub static META: RuleMeta = RuleMeta {
    id: "misplaced-note",
    default_severity: Severity::Error,
    summary: "A note matched by a schema lies outside the folders its `location` names",
    doc: include_str!("../../rules/misplaced-note.md"),
    build,
};

struct MisplacedNote;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(MisplacedNote))
}

impl Rule for MisplacedNote {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        // One finding per note: the first schema that places it elsewhere.
        let Some(schema) = cx.settings.schemas_for(note).find(|s| !s.is_in_place(note)) else {
            return;
        };
        let places: Vec<String> = schema
            .config
            .location
            .iter()
            .map(|l| format!("`{}`", l.trim()))
            .collect();
        let folder = match note.folder() {
            "" => "the vault root".to_string(),
            f => format!("`{f}/`"),
        };
        out.push(
            Diagnostic::new(
                Span::new(0, 0),
                format!(
                    "Note of schema `{}` lies in {folder}, outside {}",
                    schema.name(),
                    places.join(" or ")
                ),
                "this note is misplaced",
            )
            .with_help(format!(
                "Move the note under {}, or change what makes it match schema `{}`",
                places.join(" or "),
                schema.name()
            )),
        );
    }
}
