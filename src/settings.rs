//! Settings: the config file and the command line, merged into what one run uses.
//!
//! Owns precedence (`--today` over config `today` over the clock; `--select`/`--ignore` over
//! config severities) and builds every enabled rule with its options. Errors point into the
//! config file.

use globset::{Glob, GlobSet, GlobSetBuilder};
use jiff::civil::Date;
use serde_yaml::Value;

use crate::config::{ConfigError, LoadedConfig};
use crate::finding::Severity;
use crate::model::ParseOptions;
use crate::model::figure_value::Synonyms;
use crate::rules::{self, Rule, RuleMeta};
use crate::schema::Schema;

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

        let mut active = Vec::new();
        for meta in rules::REGISTRY.iter().copied() {
            let entry = config.file.rules.get(meta.id);
            let (severity, options) = rule_entry(&config, meta, entry)?;
            let selected = match &overrides.select {
                Some(list) => list.iter().any(|s| s == meta.id),
                None => severity.is_some(),
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
                config.error_at_key("folders", format!("Invalid schema `{}`: {e}", s.name), None)
            })?;
            schemas.push(schema);
        }

        Ok(Settings {
            today,
            rules: active,
            exclude,
            schemas,
            parse: ParseOptions {
                synonyms: Synonyms::with_extra(config.file.figures.synonyms.clone()),
                ..ParseOptions::default()
            },
            config,
        })
    }

    /// The schemas that match `note`.
    pub fn schemas_for<'a>(
        &'a self,
        note: &'a crate::model::Note,
    ) -> impl Iterator<Item = &'a Schema> {
        self.schemas.iter().filter(move |s| s.matches(note))
    }
}

/// Checks `--select`/`--ignore` ids; returns the first unknown one.
pub fn unknown_rule<'a>(ids: impl IntoIterator<Item = &'a String>) -> Option<&'a String> {
    ids.into_iter().find(|id| rules::find(id).is_none())
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
        None | Some(Value::Null) => Ok((Some(meta.default_severity), Value::Null)),
        Some(Value::String(s)) => Ok((severity(s).ok_or_else(|| bad_severity(s))?, Value::Null)),
        Some(Value::Bool(false)) => Ok((None, Value::Null)),
        Some(Value::Mapping(map)) => {
            let mut options = map.clone();
            let sev = match options.remove("severity") {
                None => Some(meta.default_severity),
                Some(Value::String(s)) => severity(&s).ok_or_else(|| bad_severity(&s))?,
                Some(other) => return Err(bad_severity(&format!("{other:?}"))),
            };
            Ok((sev, Value::Mapping(options)))
        }
        Some(other) => Err(bad_severity(&format!("{other:?}"))),
    }
}

fn severity(s: &str) -> Option<Option<Severity>> {
    match s.trim().to_lowercase().as_str() {
        "off" | "none" | "allow" => Some(None),
        "warning" | "warn" => Some(Some(Severity::Warning)),
        "error" | "deny" => Some(Some(Severity::Error)),
        _ => None,
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
