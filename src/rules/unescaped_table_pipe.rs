//! `unescaped-table-pipe`: a wikilink in a table row holds a `|` not written `\|`.
//!
//! The row is split at that pipe before the link is read, so the row renders with an extra
//! column. The link itself is still read (see `model::table_link`) and checked by the link
//! rules like any other; this rule only says how the row breaks and what to write instead.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Applicability, Diagnostic, Fix, Severity};
use crate::model::Note;

pub static META: RuleMeta = RuleMeta {
    id: "unescaped-table-pipe",
    default_severity: Severity::Warning,
    summary: "A wikilink in a table row has a `|` not written `\\|`, which splits the row",
    doc: include_str!("../../rules/unescaped-table-pipe.md"),
    build,
};

struct UnescapedTablePipe;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(UnescapedTablePipe))
}

impl Rule for UnescapedTablePipe {
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        for pipe in &note.table_pipes {
            let what = if pipe.is_embed { "embed" } else { "link" };
            out.push(
                Diagnostic::new(
                    pipe.pipe,
                    format!(
                        "Unescaped `|` in a table row splits the {what} `{}`",
                        pipe.text
                    ),
                    "splits the table cell",
                )
                .with_help(format!(
                    "Write `{}`: as it is, the row renders with an extra column",
                    pipe.escaped()
                ))
                .with_fix(Fix::new(
                    "escape the `|`",
                    pipe.pipe,
                    "\\|",
                    Applicability::Safe,
                )),
            );
        }
    }
}
