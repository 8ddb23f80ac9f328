//! `stale-date`: the note's newest Updated date is more than `max-age-days` before today.
//!
//! A schema's `max-age-days` wins over the rule's option for the notes it matches. The marker
//! words and front matter keys (`markers`, `fields`) are options of this rule but are read by
//! `Settings` for the parser, so that every date rule sees the same dates.

use std::sync::Arc;

use serde::Deserialize;
use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity, Texts};
use crate::model::Note;
use crate::model::date;
use jiff::civil::Date;

pub static META: RuleMeta = RuleMeta {
    id: "stale-date",
    default_severity: Severity::Warning,
    summary: "A note's Updated date is older than max-age-days",
    doc: include_str!("../../rules/stale-date.md"),
    build,
};

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    max_age_days: u32,
    /// Body marker words; validated and used by `Settings` for the parser.
    #[serde(rename = "markers")]
    _markers: Option<Vec<String>>,
    /// Front matter keys; validated and used by `Settings` for the parser.
    #[serde(rename = "fields")]
    _fields: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_age_days: 180,
            _markers: None,
            _fields: None,
        }
    }
}

struct StaleDate {
    max_age_days: u32,
    /// Messages, labels and help, each held once: on a neglected vault most notes are
    /// stale, and their findings say the same few things.
    texts: Texts,
}

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    let options: Options = super::options(options)?;
    Ok(Box::new(StaleDate {
        max_age_days: options.max_age_days,
        texts: Texts::default(),
    }))
}

impl Rule for StaleDate {
    fn check_note(&self, cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let Some((marker, updated)) = note.newest_date(|_| true) else {
            return;
        };
        let age = date::days_between(updated, cx.settings.today);
        // The smallest limit among the matching schemas that set one, else the rule's.
        let schema = cx
            .settings
            .schemas_for(note)
            .filter_map(|s| s.config.max_age_days.map(|days| (days, s.name())))
            .min_by_key(|(days, _)| *days);
        let (limit, from) = match schema {
            Some((days, name)) => (days, format!(" (schema `{name}`)")),
            None => (self.max_age_days, String::new()),
        };
        if age <= i64::from(limit) {
            return;
        }
        // Named as the note names it (`Reviewed`, `Last updated`), not always "Updated".
        let name = marker.name();
        out.push(
            Diagnostic::new(
                marker.span,
                self.texts
                    .get(&format!("{name} {age} days ago, limit {limit}{from}")),
                self.texts.get(&format!("{age} days old")),
            )
            .with_help(self.help(&name, cx.settings.today)),
        );
    }
}

impl StaleDate {
    fn help(&self, name: &str, today: Date) -> Arc<str> {
        self.texts.get(&format!(
            "Review the note, then set its {name} date to today ({today})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_of_one_day_share_their_help() {
        let rule = StaleDate {
            max_age_days: 180,
            texts: Texts::default(),
        };
        let today = jiff::civil::date(2026, 11, 26);
        let (a, b) = (rule.help("Updated", today), rule.help("Updated", today));
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(
            &*a,
            "Review the note, then set its Updated date to today (2026-11-26)"
        );
        // Another day, or another marker, is never given the first one's text.
        let other = rule.help("Updated", jiff::civil::date(2026, 12, 1));
        assert_eq!(
            &*other,
            "Review the note, then set its Updated date to today (2026-12-01)"
        );
        let reviewed = rule.help("Reviewed", today);
        assert_eq!(
            &*reviewed,
            "Review the note, then set its Reviewed date to today (2026-11-26)"
        );
    }
}
