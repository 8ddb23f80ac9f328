//! Settings: the config file and the command line, merged into what one run uses.
//!
//! Owns precedence (`--today` over config `today` over the clock; `--select`/`--ignore` over
//! config severities) and builds every enabled rule with its options. Errors point into the
//! config file.
//!
//! Lives with the rules, not with the config file: the settings hold the rules they build
//! (from the registry, with their options), and every rule reads the settings through its
//! context. What the config file says, its overrides and schemas are `config/`'s, below.

use globset::{Glob, GlobSet, GlobSetBuilder};
use jiff::civil::Date;
use serde_yaml::Value;

use super::{self as rules, Rule, RuleMeta, unlinked_mention, unreadable_note};
use crate::config::overrides::{PathRules, parse_severity};
use crate::config::schema::Schema;
use crate::config::{ConfigError, LoadedConfig};
use crate::figures::ParseOptions;
use crate::figures::value::Synonyms;
use crate::finding::Severity;
use crate::vault::changes::Changes;

/// A rule switched on for this run.
pub struct ActiveRule {
    pub meta: &'static RuleMeta,
    pub severity: Severity,
    pub rule: Box<dyn Rule>,
}

/// Command-line choices that bear on settings.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub today: Option<Date>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
}

/// Everything one run needs to know.
pub struct Settings {
    pub today: Date,
    pub rules: Vec<ActiveRule>,
    pub exclude: GlobSet,
    pub schemas: Vec<Schema>,
    pub parse: ParseOptions,
    pub config: LoadedConfig,
    /// With `--changed-since`: what changed since the revision (set after [`Settings::new`]).
    pub changes: Option<Changes>,
    /// Per-path severities from `overrides:`.
    pub path_rules: PathRules,
    /// True when `--select` or `--ignore` narrowed the rules the config enables.
    pub is_narrowed: bool,
}

impl Settings {
    pub fn new(config: LoadedConfig, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let today = match (overrides.today, &config.file.today) {
            (Some(d), _) => d,
            (None, Some(text)) => parse_date(text).map_err(|e| {
                config.error_at_key(
                    "today",
                    format!("`today` is not a date: {e}"),
                    Some("Write it as YYYY-MM-DD, e.g. `today: 2026-11-26`".into()),
                )
            })?,
            (None, None) => jiff::ZonedDateTime::now().date(),
        };

        for id in config.file.rules.keys() {
            if rules::find(id).is_none() {
                return Err(config.error_at_key(
                    id,
                    format!("Unknown rule `{id}` in `rules`"),
                    Some(format!("Known rules: {}", known_rules())),
                ));
            }
        }

        let ids: Vec<&'static str> = rules::REGISTRY.iter().map(|m| m.id).collect();
        let mut path_rules = PathRules::new(&config, &ids)?;
        let mut active = Vec::new();
        let mut mentions = crate::model::content::MentionScope::NONE;
        for meta in rules::REGISTRY.iter().copied() {
            let entry = config.file.rules.get(meta.id);
            let (severity, options) = rule_entry(&config, meta, entry)?;
            if meta.id == unreadable_note::ID && severity != Some(Severity::Error) {
                return Err(config.error_at_key(
                    meta.id,
                    format!("`{}` cannot be turned off or down", meta.id),
                    Some(
                        "A note that cannot be read is always reported (exit 2); exclude the file instead".into(),
                    ),
                ));
            }
            let selected = match &overrides.select {
                Some(list) => list.iter().any(|s| s == meta.id),
                None => severity.is_some() || path_rules.turns_on(meta.id),
            };
            if !selected || overrides.ignore.iter().any(|s| s == meta.id) {
                continue;
            }
            let rule = (meta.build)(&options).map_err(|e| {
                config.error_at_key(
                    meta.id,
                    format!("Invalid options for `{}`: {}", meta.id, clean(&e)),
                    Some(format!(
                        "Run `vaultlint explain {}` for its options",
                        meta.id
                    )),
                )
            })?;
            if overrides.select.is_none() && severity.is_none() {
                path_rules.set_off_by_default(meta.id);
            }
            if meta.id == unlinked_mention::ID {
                // The parser keeps the text the rule reads only when it runs.
                mentions = unlinked_mention::scope(&options);
            }
            active.push(ActiveRule {
                meta,
                severity: severity.unwrap_or(meta.default_severity),
                rule,
            });
        }

        let exclude = build_globs(&config.file.exclude).map_err(|(glob, e)| {
            config.error_at_key(
                "exclude",
                format!("Invalid glob `{glob}` in `exclude`: {e}"),
                Some("Globs are relative to the vault root, e.g. `Templates/**`".into()),
            )
        })?;

        let mut schemas = Vec::new();
        for s in &config.file.schemas {
            let schema = Schema::new(s.clone()).map_err(|e| {
                let key = if e.starts_with("location") {
                    "location"
                } else {
                    "folders"
                };
                config.error_at_key(key, format!("Invalid schema `{}`: {e}", s.name), None)
            })?;
            schemas.push(schema);
        }

        let mut parse = parse_options(&config)?;
        parse.dates.mentions = mentions;

        Ok(Settings {
            today,
            rules: active,
            exclude,
            schemas,
            parse: ParseOptions {
                synonyms: Synonyms::with_extra(config.file.figures.synonyms.clone()),
                ..parse
            },
            config,
            changes: None,
            path_rules,
            is_narrowed: overrides.select.is_some() || !overrides.ignore.is_empty(),
        })
    }

    /// The schemas that match `note`.
    pub fn schemas_for<'a>(
        &'a self,
        note: &'a crate::model::Note,
    ) -> impl Iterator<Item = &'a Schema> {
        self.schemas.iter().filter(move |s| s.matches(note))
    }

    /// The severity `active` has for the note at `path`, `None` when an override turns it off.
    pub fn severity_for(&self, active: &ActiveRule, path: &str) -> Option<Severity> {
        self.path_rules
            .severity(active.meta.id, active.severity, path)
    }

    /// True when the rule `id` runs in this run and is on for the note at `path`.
    pub fn is_on_for(&self, id: &str, path: &str) -> bool {
        self.rules
            .iter()
            .find(|a| a.meta.id == id)
            .is_some_and(|a| self.severity_for(a, path).is_some())
    }
}

/// Checks `--select`/`--ignore` ids; returns the first unknown one.
pub fn unknown_rule<'a>(ids: impl IntoIterator<Item = &'a String>) -> Option<&'a String> {
    ids.into_iter().find(|id| rules::find(id).is_none())
}

/// Checks `--ignore` ids; returns the first one of a rule that is always on.
pub fn always_on_rule<'a>(ids: impl IntoIterator<Item = &'a String>) -> Option<&'a String> {
    ids.into_iter().find(|id| *id == unreadable_note::ID)
}

/// Comma-separated list of every rule id, for help texts.
pub fn known_rules() -> String {
    rules::REGISTRY
        .iter()
        .map(|m| m.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    text.trim().parse::<Date>().map_err(|e| e.to_string())
}

/// The rule whose options say what an Updated date looks like, for every date rule.
const DATE_RULE: &str = "stale-date";

/// Builds the parser's options from `stale-date`'s `markers` and `fields`: every date rule
/// (`future-date`, `invalid-date`, ...) reads the same markers, whichever rules are enabled.
fn parse_options(config: &LoadedConfig) -> Result<ParseOptions, ConfigError> {
    let entry = config.file.rules.get(DATE_RULE);
    let list = |key: &str, defaults: &[&str]| -> Result<Vec<String>, ConfigError> {
        let error = |message: String, help: &str| {
            config.error_at_first_key(&[key, DATE_RULE], message, Some(help.to_string()))
        };
        let Some(value) = entry.and_then(|e| e.get(key)) else {
            return Ok(defaults.iter().map(|s| s.to_string()).collect());
        };
        let items: Vec<String> = serde_yaml::from_value(value.clone()).map_err(|_| {
            error(
                format!("`{DATE_RULE}.{key}` must be a list of strings"),
                "Write a list, e.g. `[Updated, Last updated]`",
            )
        })?;
        for item in &items {
            if let Some(why) = word_problem(key, item) {
                return Err(error(
                    format!("Invalid entry `{item}` in `{DATE_RULE}.{key}`: {why}"),
                    if key == "markers" {
                        "Marker words are the text before the date, e.g. `Updated` or `Last updated`"
                    } else {
                        "Fields are front matter keys, e.g. `updated` or `last-updated`"
                    },
                ));
            }
        }
        Ok(items)
    };
    let markers = list("markers", &crate::model::note::DEFAULT_MARKERS)?;
    let fields = list("fields", &crate::model::note::DEFAULT_DATE_FIELDS)?;
    ParseOptions::new(&markers, &fields).map_err(|e| {
        config.error_at_first_key(
            &["markers", DATE_RULE],
            format!("Marker words in `{DATE_RULE}.markers` are too long: {e}"),
            None,
        )
    })
}

/// Why a marker word or field name cannot be used, if it cannot.
fn word_problem(key: &str, item: &str) -> Option<&'static str> {
    if item.trim().is_empty() {
        return Some("it is empty");
    }
    if key == "markers"
        && !item
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
    {
        return Some("marker words may hold only letters, spaces, `-` and `'`");
    }
    None
}

/// Reads one `rules:` entry: `off`, a severity, or a map with an optional `severity` and the
/// rule's options. `None` severity means off.
fn rule_entry(
    config: &LoadedConfig,
    meta: &RuleMeta,
    entry: Option<&Value>,
) -> Result<(Option<Severity>, Value), ConfigError> {
    let bad_severity = |given: &str| {
        config.error_at_key(
            meta.id,
            format!("Invalid severity `{given}` for `{}`", meta.id),
            Some(
                "Use `off`, `warning` or `error`, or a map such as `{ severity: warning }`".into(),
            ),
        )
    };
    match entry {
        None | Some(Value::Null) if !rules::is_on_by_default(meta.id) => Ok((None, Value::Null)),
        None | Some(Value::Null) => Ok((Some(meta.default_severity), Value::Null)),
        Some(Value::String(s)) => Ok((
            parse_severity(s).ok_or_else(|| bad_severity(s))?,
            Value::Null,
        )),
        Some(Value::Bool(false)) => Ok((None, Value::Null)),
        Some(Value::Mapping(map)) => {
            let mut options = map.clone();
            let sev = match options.remove("severity") {
                None => Some(meta.default_severity),
                Some(Value::String(s)) => parse_severity(&s).ok_or_else(|| bad_severity(&s))?,
                Some(other) => return Err(bad_severity(&format!("{other:?}"))),
            };
            Ok((sev, Value::Mapping(options)))
        }
        Some(other) => Err(bad_severity(&format!("{other:?}"))),
    }
}

fn build_globs(globs: &[String]) -> Result<GlobSet, (String, String)> {
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g.trim_start_matches("./")).map_err(|e| (g.clone(), e.to_string()))?;
        builder.add(glob);
    }
    builder.build().map_err(|e| (String::new(), e.to_string()))
}

/// serde messages end with " at line L column C", meaningless for a value inside the file.
fn clean(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::config;
    use crate::model::Note;

    fn options(yaml: &str) -> Result<ParseOptions, ConfigError> {
        let loaded = config::parse(Path::new(".vaultlint.yaml"), Arc::new(yaml.to_string()))?;
        parse_options(&loaded)
    }

    fn dates(options: &ParseOptions, text: &str) -> Vec<String> {
        Note::parse("n.md", text, options)
            .dates
            .into_iter()
            .map(|d| d.raw)
            .collect()
    }

    #[test]
    fn date_options_come_from_stale_date() {
        let text = "---\nreviewed: 2026-02-02\nupdated: 2026-03-03\n---\n*Reviewed 2026-01-01*\n*Updated 2026-04-04*\n";
        let cases: &[(&str, &[&str])] = &[
            ("", &["2026-03-03", "2026-04-04"]),
            ("rules:\n  stale-date: off\n", &["2026-03-03", "2026-04-04"]),
            (
                "rules:\n  stale-date: { max-age-days: 9 }\n",
                &["2026-03-03", "2026-04-04"],
            ),
            (
                "rules:\n  stale-date:\n    markers: [Reviewed]\n    fields: [reviewed]\n",
                &["2026-02-02", "2026-01-01"],
            ),
            (
                "rules:\n  stale-date: { severity: off, markers: [] }\n",
                &["2026-03-03"],
            ),
        ];
        for (yaml, want) in cases {
            let got = dates(&options(yaml).unwrap(), text);
            assert_eq!(&got, want, "{yaml:?}");
        }
    }

    #[test]
    fn bad_date_options_point_at_the_key() {
        let cases = [
            (
                "rules:\n  stale-date:\n    markers: [Updated, \"2026\"]\n",
                "markers",
                "Invalid entry `2026` in `stale-date.markers`",
            ),
            (
                "rules:\n  stale-date: { markers: [\"\"] }\n",
                "stale-date",
                "it is empty",
            ),
            (
                "rules:\n  stale-date:\n    fields: 3\n",
                "fields",
                "must be a list of strings",
            ),
            (
                "rules:\n  stale-date:\n    markers: [\"Updated:\"]\n",
                "markers",
                "only letters",
            ),
        ];
        for (yaml, key, message) in cases {
            let err = options(yaml).err().unwrap();
            assert!(err.message.contains(message), "{yaml:?}: {}", err.message);
            let span = err.span.unwrap();
            let pointed = yaml.get(span.offset()..span.offset() + span.len());
            assert_eq!(pointed, Some(key), "{yaml:?}");
        }
    }
}
