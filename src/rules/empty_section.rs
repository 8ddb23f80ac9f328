//! `empty-section`: a required section is present but holds nothing before the next heading of
//! the same or a higher level.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::config::schema;
use crate::finding::{Diagnostic, Severity};
use crate::model::Note;

pub static META: RuleMeta = RuleMeta {
    id: "empty-section",
    default_severity: Severity::Warning,
    summary: "A section a schema requires is present but empty",
    doc: include_str!("../../rules/empty-section.md"),
    build,
};

struct EmptySection;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(EmptySection))
}

impl Rule for EmptySection {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let mut reported = Vec::new();
        for schema in cx.settings.schemas_for(note) {
            for spec in &schema.config.required_sections {
                let mut headings = schema::section_headings(note, spec).peekable();
                let Some(first) = headings.peek().copied() else {
                    // Absent: `missing-section`'s finding.
                    continue;
                };
                if headings.any(|h| h.has_content) || reported.contains(&first.span) {
                    continue;
                }
                reported.push(first.span);
                out.push(
                    Diagnostic::new(
                        first.span,
                        format!(
                            "Section `{}` is empty (schema `{}` requires it)",
                            first.text,
                            schema.name()
                        ),
                        "nothing under this heading",
                    )
                    .with_help(
                        "Fill the section in, or write why it is empty (e.g. \"None known yet\"); blank lines, rules and comments do not count",
                    ),
                );
            }
        }
    }
}
