//! `table-needs-blank-line`: a table starts on the line right after a paragraph line, with no
//! blank line between. The model finds these tables as pulldown-cmark reads them (a table that
//! interrupts a paragraph); Obsidian shows the lines as text.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Applicability, Diagnostic, Fix, Severity};
use crate::model::Note;
use crate::model::Span;

pub static META: RuleMeta = RuleMeta {
    id: "table-needs-blank-line",
    default_severity: Severity::Warning,
    summary: "A table follows a paragraph line without a blank line, so Obsidian shows it as text",
    doc: include_str!("../../rules/table-needs-blank-line.md"),
    build,
};

struct TableNeedsBlankLine;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(TableNeedsBlankLine))
}

impl Rule for TableNeedsBlankLine {
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        for header in &note.glued_tables {
            out.push(
                Diagnostic::new(
                    *header,
                    "Table directly follows a paragraph line, so Obsidian shows it as text",
                    "no blank line above this table",
                )
                .with_help(
                    "Insert a blank line before the table's header row (a safe fix: nothing else changes)",
                )
                .with_fix(Fix::new(
                    "insert a blank line before the table",
                    Span::new(header.start(), header.start()),
                    "\n",
                    Applicability::Safe,
                )),
            );
        }
    }
}
