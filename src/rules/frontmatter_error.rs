//! `frontmatter-error`: the YAML front matter does not parse.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::Note;
use crate::model::frontmatter::FrontmatterErrorKind;

pub static META: RuleMeta = RuleMeta {
    id: "frontmatter-error",
    default_severity: Severity::Error,
    summary: "The YAML front matter does not parse",
    doc: include_str!("../../rules/frontmatter-error.md"),
    build,
};

struct FrontmatterError;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(FrontmatterError))
}

impl Rule for FrontmatterError {
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let Some(error) = note.frontmatter.as_ref().and_then(|f| f.error.as_ref()) else {
            return;
        };
        let (label, help) = match error.kind {
            FrontmatterErrorKind::Syntax => (
                "the YAML parser stopped here",
                "Fix the YAML between the `---` lines; until then Obsidian ignores this note's aliases, tags and properties",
            ),
            FrontmatterErrorKind::NotAMap => (
                "not `key: value` properties",
                "Write one property per line as `key: value`, e.g. `aliases: [HF]`",
            ),
            FrontmatterErrorKind::Unclosed => (
                "opened here, never closed",
                "Add a `---` line after the last property",
            ),
        };
        out.push(Diagnostic::new(error.span, error.message.clone(), label).with_help(help));
    }
}
