//! `forbidden-field`: a note matched by a schema carries a tag or front matter key that the
//! schema's `forbidden-tags` or `forbidden-fields` rules out. The sibling of `missing-field`:
//! one rule for what a kind of note must not carry, tags included, since a tag is written in
//! the front matter's `tags:` as often as in the body.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::model::{Note, Span};

pub static META: RuleMeta = RuleMeta {
    id: "forbidden-field",
    default_severity: Severity::Error,
    summary: "A note matched by a schema carries a tag or front matter key the schema forbids",
    doc: include_str!("../../rules/forbidden-field.md"),
    build,
};

struct ForbiddenField;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(ForbiddenField))
}

impl Rule for ForbiddenField {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let fm = note.frontmatter.as_ref();
        let mut reported: Vec<Span> = Vec::new();
        let mut reported_tags: Vec<String> = Vec::new();
        for schema in cx.settings.schemas_for(note) {
            for (tag, rule) in schema.forbidden_tags(note) {
                // One finding per tag, at its first place (front matter first).
                let name = tag.name.to_lowercase();
                if reported_tags.contains(&name) {
                    continue;
                }
                reported_tags.push(name);
                let span = if tag.is_inline {
                    tag.span
                } else {
                    fm.and_then(|f| f.entry("tags")).map_or(tag.span, |e| {
                        Span::new(e.key_span.start(), e.value_span.end())
                    })
                };
                out.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "Note of schema `{}` carries the tag `#{}`, which the schema forbids",
                            schema.name(),
                            tag.name
                        ),
                        format!("`#{rule}` is forbidden here"),
                    )
                    .with_help(format!(
                        "Remove the tag, or check that the note is of kind `{}`",
                        schema.name()
                    )),
                );
            }
            let Some(f) = fm else { continue };
            for key in &schema.config.forbidden_fields {
                let Some(entry) = f.entry(key.trim()) else {
                    continue;
                };
                let span = Span::new(entry.key_span.start(), entry.value_span.end());
                if reported.contains(&span) {
                    continue;
                }
                reported.push(span);
                out.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "Note of schema `{}` has the field `{}`, which the schema forbids",
                            schema.name(),
                            entry.key
                        ),
                        "forbidden field",
                    )
                    .with_help(format!(
                        "Remove `{}` from the front matter, or check that the note is of kind `{}`",
                        entry.key,
                        schema.name()
                    )),
                );
            }
        }
    }
}
