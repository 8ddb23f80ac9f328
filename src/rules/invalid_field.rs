//! `invalid-field`: a front matter value does not fit the type a matching schema declares for
//! it in `fields:` (date, list, url, text, number, boolean, or a list of allowed values).

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::config::{FieldKind, FieldType};
use crate::finding::{Diagnostic, Severity};
use crate::index::suggest;
use crate::model::Note;
use crate::model::frontmatter::scalar_string;

pub static META: RuleMeta = RuleMeta {
    id: "invalid-field",
    default_severity: Severity::Error,
    summary: "A front matter value does not fit the type its schema declares",
    doc: include_str!("../../rules/invalid-field.md"),
    build,
};

struct InvalidField;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(InvalidField))
}

impl Rule for InvalidField {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let Some(fm) = &note.frontmatter else { return };
        let mut seen: Vec<&str> = Vec::new();
        for schema in cx.settings.schemas_for(note) {
            for (key, kind) in &schema.config.fields {
                // One verdict per key, from the first schema that declares it.
                if seen.contains(&key.as_str()) {
                    continue;
                }
                seen.push(key);
                let Some(value) = fm.get(key) else { continue };
                let Err(misfit) = fits(kind, value) else {
                    continue;
                };
                let span = fm.entry(key).map_or(fm.fence_span(), |e| e.value_span);
                let shown = shown(value);
                let message = match &misfit.expected {
                    Expected::Kind(k) => {
                        format!("Field `{key}` is not {}: {shown}", kind_name(*k))
                    }
                    Expected::OneOf(values) => {
                        format!("Field `{key}` is {shown}, not one of {}", quoted(values))
                    }
                };
                let help = match &misfit.expected {
                    Expected::Kind(_) => format!(
                        "{} (schema `{}` declares `{key}` as {})",
                        misfit.help,
                        schema.name(),
                        declared(kind)
                    ),
                    Expected::OneOf(values) => {
                        let given = scalar_string(value).unwrap_or_default();
                        let close = suggest::closest(&given, values.iter().map(String::as_str), 1);
                        match close.first() {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => format!(
                                "{}, or add the value to `{key}` in schema `{}`",
                                misfit.help,
                                schema.name()
                            ),
                        }
                    }
                };
                out.push(Diagnostic::new(span, message, misfit.label).with_help(help));
            }
        }
    }
}

/// Why a value does not fit its type.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Misfit {
    expected: Expected,
    label: &'static str,
    help: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    Kind(FieldKind),
    OneOf(Vec<String>),
}

/// Checks `value` against `kind`. Null and blank text are no value: `missing-field`'s concern.
fn fits(kind: &FieldType, value: &Value) -> Result<(), Misfit> {
    let value = untag(value);
    match value {
        Value::Null => return Ok(()),
        Value::String(s) if s.trim().is_empty() => return Ok(()),
        _ => {}
    }
    let misfit = |k: FieldKind, label: &'static str, help: &str| Misfit {
        expected: Expected::Kind(k),
        label,
        help: help.to_string(),
    };
    match kind {
        FieldType::Kind(k @ FieldKind::Date) => {
            let Some(text) = scalar_string(value) else {
                return Err(misfit(
                    *k,
                    "not a date",
                    "Write one date as YYYY-MM-DD, e.g. `2016-03-01`",
                ));
            };
            let text = text.trim();
            if !is_date_shape(text) {
                return Err(misfit(
                    *k,
                    "not a YYYY-MM-DD date",
                    "Write the date as YYYY-MM-DD, e.g. `2016-03-01`",
                ));
            }
            if text.parse::<jiff::civil::Date>().is_err() {
                return Err(misfit(
                    *k,
                    "no such day",
                    "Fix the month or day: the date does not exist in the calendar",
                ));
            }
            Ok(())
        }
        FieldType::Kind(k @ FieldKind::List) => match value {
            Value::Sequence(_) => Ok(()),
            _ => Err(misfit(
                *k,
                "not a list",
                "Write it as a list, `[a, b]` or one `- item` line each; a single item is `[a]`",
            )),
        },
        FieldType::Kind(k @ FieldKind::Url) => match value {
            Value::String(s) if is_url(s.trim()) => Ok(()),
            _ => Err(misfit(
                *k,
                "not a web address",
                "Write the full address, starting with `https://` (or `http://`)",
            )),
        },
        FieldType::Kind(k @ FieldKind::Text) => match value {
            // YAML reads `2024` or `true` as a number or boolean; Obsidian shows them as text.
            Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(()),
            _ => Err(misfit(
                *k,
                "not a single text",
                "Write one line of text; use a `list` field for several values",
            )),
        },
        FieldType::Kind(k @ FieldKind::Number) => match value {
            Value::Number(_) => Ok(()),
            _ => Err(misfit(
                *k,
                "not a number",
                "Write a plain number without units, quotes or thousands separators, e.g. `8000`",
            )),
        },
        FieldType::Kind(k @ FieldKind::Boolean) => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(misfit(*k, "not true or false", "Write `true` or `false`")),
        },
        FieldType::OneOf(allowed) => {
            let given = scalar_string(value).map(|s| s.trim().to_lowercase());
            if given.is_some_and(|g| allowed.iter().any(|a| a.trim().to_lowercase() == g)) {
                return Ok(());
            }
            Err(Misfit {
                expected: Expected::OneOf(allowed.clone()),
                label: "not an allowed value",
                help: format!("Use one of {}", quoted(allowed)),
            })
        }
    }
}

fn untag(value: &Value) -> &Value {
    match value {
        Value::Tagged(t) => untag(&t.value),
        v => v,
    }
}

/// `YYYY-MM-DD` with digits where digits belong; the calendar is checked separately.
fn is_date_shape(text: &str) -> bool {
    text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `http(s)://host...` with a host and no whitespace.
fn is_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !text.chars().any(char::is_whitespace)
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '@' | '_'))
}

/// The value as the message shows it: scalars in backticks (shortened), else its kind.
fn shown(value: &Value) -> String {
    const MAX: usize = 40;
    match untag(value) {
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a map".to_string(),
        v => {
            let text = scalar_string(v).unwrap_or_default();
            let text = text.trim();
            if text.chars().count() > MAX {
                let cut: String = text.chars().take(MAX).collect();
                format!("`{cut}…`")
            } else {
                format!("`{text}`")
            }
        }
    }
}

fn kind_name(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Date => "a date",
        FieldKind::List => "a list",
        FieldKind::Url => "a URL",
        FieldKind::Text => "text",
        FieldKind::Number => "a number",
        FieldKind::Boolean => "true or false",
    }
}

fn declared(kind: &FieldType) -> String {
    match kind {
        FieldType::Kind(k) => format!("`{}`", k.key()),
        FieldType::OneOf(values) => format!("one of {}", quoted(values)),
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: &str, yaml: &str) -> Option<&'static str> {
        let kind: FieldType = serde_yaml::from_str(kind).unwrap();
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        fits(&kind, &value).err().map(|m| m.label)
    }

    #[test]
    fn fits_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("date", "2016-03-01", None),
            ("date", "'2016-03-01'", None),
            ("date", "2025-02-30", Some("no such day")),
            ("date", "2016-3-1", Some("not a YYYY-MM-DD date")),
            ("date", "2016-03-01T10:00", Some("not a YYYY-MM-DD date")),
            ("date", "March 2016", Some("not a YYYY-MM-DD date")),
            ("date", "2016", Some("not a YYYY-MM-DD date")),
            ("date", "[2016-03-01]", Some("not a date")),
            ("date", "~", None),
            ("date", "''", None),
            ("list", "[a, b]", None),
            ("list", "[]", None),
            ("list", "a", Some("not a list")),
            ("url", "https://ex.org/a?b#c", None),
            ("url", "HTTP://localhost:8080", None),
            ("url", "ex.org", Some("not a web address")),
            ("url", "https://", Some("not a web address")),
            ("url", "https://ex .org", Some("not a web address")),
            ("url", "ftp://ex.org", Some("not a web address")),
            ("text", "hello", None),
            ("text", "2024", None),
            ("text", "[a]", Some("not a single text")),
            ("number", "8000", None),
            ("number", "-1.5", None),
            ("number", "8k", Some("not a number")),
            ("number", "'8000'", Some("not a number")),
            ("boolean", "true", None),
            ("boolean", "yes", Some("not true or false")),
            ("[active, acquired]", "Active", None),
            (
                "[active, acquired]",
                "defunct",
                Some("not an allowed value"),
            ),
            (
                "[active, acquired]",
                "[active]",
                Some("not an allowed value"),
            ),
            ("['1', '2']", "2", None),
        ];
        for (kind, yaml, want) in cases {
            assert_eq!(check(kind, yaml), *want, "{kind} {yaml}");
        }
    }
}
