//! `missing-field`: a note matched by a schema lacks a required front matter key, or leaves it
//! empty (null, `""`, `[]`).

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::config::schema::Schema;
use crate::config::{FieldKind, FieldType};
use crate::finding::{Diagnostic, Severity};
use crate::model::frontmatter::is_blank;
use crate::model::{Note, Span};

pub static META: RuleMeta = RuleMeta {
    id: "missing-field",
    default_severity: Severity::Error,
    summary: "A note matched by a schema lacks a required front matter key",
    doc: include_str!("../../rules/missing-field.md"),
    build,
};

struct MissingField;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(MissingField))
}

impl Rule for MissingField {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let fm = note.frontmatter.as_ref();
        // Front matter that does not parse is `frontmatter-error`'s finding; every field would
        // look missing.
        if fm.is_some_and(|f| f.error.is_some()) {
            return;
        }
        let mut reported: Vec<&str> = Vec::new();
        for schema in cx.settings.schemas_for(note) {
            for key in &schema.config.required_fields {
                if reported.contains(&key.as_str()) {
                    continue;
                }
                let value = fm.and_then(|f| f.get(key));
                if value.is_some_and(|v| !is_blank(v)) {
                    continue;
                }
                reported.push(key);
                let example = example(schema, key);
                let d = match (fm, value) {
                    (Some(f), Some(_)) => {
                        let span = f
                            .entry(key)
                            .map_or(f.fence_span(), |e| Span::new(e.key_span.start(), e.value_span.end()));
                        Diagnostic::new(
                            span,
                            format!("Field `{key}` is empty (schema `{}` requires it)", schema.name()),
                            "no value",
                        )
                        .with_help(format!("Fill it in, e.g. `{example}`"))
                    }
                    (Some(f), None) => Diagnostic::new(
                        f.fence_span(),
                        format!("Note of schema `{}` has no `{key}` field", schema.name()),
                        format!("no `{key}` in this front matter"),
                    )
                    .with_help(format!("Add `{example}` to the front matter")),
                    (None, _) => Diagnostic::new(
                        Span::new(0, 0),
                        format!("Note of schema `{}` has no `{key}` field", schema.name()),
                        "no front matter",
                    )
                    .with_help(format!(
                        "Start the note with a front matter block: a `---` line, `{example}`, and a closing `---` line"
                    )),
                };
                out.push(d);
            }
        }
    }
}

/// `key: <a value of its declared type>` for help texts.
fn example(schema: &Schema, key: &str) -> String {
    let value = match schema.config.fields.get(key) {
        Some(FieldType::Kind(FieldKind::Date)) => "2026-01-31".to_string(),
        Some(FieldType::Kind(FieldKind::List)) => "[...]".to_string(),
        Some(FieldType::Kind(FieldKind::Url)) => "https://...".to_string(),
        Some(FieldType::Kind(FieldKind::Number)) => "42".to_string(),
        Some(FieldType::Kind(FieldKind::Boolean)) => "true".to_string(),
        Some(FieldType::OneOf(values)) => values.first().cloned().unwrap_or_default(),
        Some(FieldType::Kind(FieldKind::Text)) => "...".to_string(),
        None if key == "aliases" || key == "tags" => "[...]".to_string(),
        None => "...".to_string(),
    };
    format!("{key}: {value}")
}
