//! Per-path rule severities: `overrides:` in `.vaultlint.yaml`.
//!
//! ```yaml
//! overrides:
//!   - files: ["Daily/**"]
//!     rules: { stale-date: off, broken-link: warning }
//! ```
//!
//! Each entry whose globs match a note's path sets the severity of the rules it names for that
//! note, on top of the top-level `rules:`; entries apply in order, so a later one wins.
//! Overrides set severities only: a rule's options are the same everywhere (one built rule per
//! run). Owns validation of the section and the per-path lookup; which rules run at all is the
//! settings' decision (`rules/settings.rs`), which also names the rule ids there are.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_yaml::Value;

use super::{ConfigError, LoadedConfig};
use crate::finding::Severity;

/// The `overrides:` section, ready to ask.
#[derive(Debug, Clone, Default)]
pub struct PathRules {
    entries: Vec<Entry>,
    /// Rules off at the top level that run only because an override turns them on somewhere.
    off_by_default: Vec<&'static str>,
}

#[derive(Debug, Clone)]
struct Entry {
    files: GlobSet,
    rules: Vec<(&'static str, Option<Severity>)>,
}

impl PathRules {
    /// Reads and checks `overrides:`: rule ids among `known` (every rule id, in the order
    /// help texts list them), severities only, valid globs.
    pub fn new(config: &LoadedConfig, known: &[&'static str]) -> Result<PathRules, ConfigError> {
        let mut entries = Vec::new();
        for o in &config.file.overrides {
            let mut builder = GlobSetBuilder::new();
            for g in &o.files {
                let glob = Glob::new(g.trim_start_matches("./")).map_err(|e| {
                    config.error_at_key(
                        "files",
                        format!("Invalid glob `{g}` in `overrides`: {e}"),
                        Some("Globs are relative to the vault root, e.g. `Daily/**`".into()),
                    )
                })?;
                builder.add(glob);
            }
            let files = builder.build().map_err(|e| {
                config.error_at_key("files", format!("Invalid `overrides` globs: {e}"), None)
            })?;
            let mut rules = Vec::new();
            for (id, value) in &o.rules {
                let Some(known_id) = known.iter().copied().find(|k| k == id) else {
                    return Err(config.error_at_key(
                        id,
                        format!("Unknown rule `{id}` in `overrides`"),
                        Some(format!("Known rules: {}", known.join(", "))),
                    ));
                };
                let severity = match value {
                    Value::String(s) => parse_severity(s),
                    Value::Bool(false) => Some(None),
                    _ => None,
                };
                let Some(severity) = severity else {
                    return Err(config.error_at_key(
                        id,
                        format!("Invalid severity for `{id}` in `overrides`"),
                        Some(
                            "Overrides set a severity only (`off`, `warning` or `error`); options go under the top-level `rules:`".into(),
                        ),
                    ));
                };
                rules.push((known_id, severity));
            }
            entries.push(Entry { files, rules });
        }
        Ok(PathRules {
            entries,
            off_by_default: Vec::new(),
        })
    }

    /// True when some override turns `rule` on for some notes.
    pub fn turns_on(&self, rule: &str) -> bool {
        self.entries
            .iter()
            .flat_map(|e| &e.rules)
            .any(|(id, s)| *id == rule && s.is_some())
    }

    /// Records that `rule` runs only where an override turns it on.
    pub fn set_off_by_default(&mut self, rule: &'static str) {
        self.off_by_default.push(rule);
    }

    /// The severity of `rule` for the note at `path`; `None` when it is off there.
    pub fn severity(&self, rule: &str, base: Severity, path: &str) -> Option<Severity> {
        let mut severity = if self.off_by_default.contains(&rule) {
            None
        } else {
            Some(base)
        };
        for entry in &self.entries {
            let Some((_, s)) = entry.rules.iter().find(|(id, _)| *id == rule) else {
                continue;
            };
            if entry.files.is_match(path) {
                severity = *s;
            }
        }
        severity
    }
}

/// `off`, `warning` or `error` (and their synonyms); `Some(None)` is off.
pub(crate) fn parse_severity(s: &str) -> Option<Option<Severity>> {
    match s.trim().to_lowercase().as_str() {
        "off" | "none" | "allow" => Some(None),
        "warning" | "warn" => Some(Some(Severity::Warning)),
        "error" | "deny" => Some(Some(Severity::Error)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::config;

    /// A few rule ids, as the settings would pass every registered one.
    const KNOWN: &[&str] = &["broken-link", "ambiguous-link", "stale-date"];

    fn rules(yaml: &str) -> Result<PathRules, ConfigError> {
        let loaded = config::parse(Path::new(".vaultlint.yaml"), Arc::new(yaml.to_string()))?;
        PathRules::new(&loaded, KNOWN)
    }

    #[test]
    fn later_entries_win() {
        let r = rules(
            "overrides:\n  - files: [\"Daily/**\"]\n    rules: { stale-date: off, broken-link: warning }\n  - files: [\"Daily/Keep/**\"]\n    rules: { stale-date: error }\n",
        )
        .unwrap();
        let w = Severity::Warning;
        let cases = [
            ("stale-date", "Daily/2026-01-01.md", None),
            ("stale-date", "Daily/Keep/a.md", Some(Severity::Error)),
            ("stale-date", "Notes/a.md", Some(w)),
            ("broken-link", "Daily/a.md", Some(w)),
            ("broken-link", "a.md", Some(Severity::Error)),
        ];
        for (rule, path, want) in cases {
            let base = if rule == "stale-date" {
                w
            } else {
                Severity::Error
            };
            assert_eq!(r.severity(rule, base, path), want, "{rule} {path}");
        }
        assert!(r.turns_on("stale-date"));
        assert!(!r.turns_on("ambiguous-link"));
    }

    #[test]
    fn off_by_default_runs_only_where_turned_on() {
        let mut r =
            rules("overrides:\n  - files: [\"Actors/**\"]\n    rules: { ambiguous-link: error }\n")
                .unwrap();
        r.set_off_by_default("ambiguous-link");
        let w = Severity::Warning;
        assert_eq!(r.severity("ambiguous-link", w, "a.md"), None);
        assert_eq!(
            r.severity("ambiguous-link", w, "Actors/a.md"),
            Some(Severity::Error)
        );
    }

    #[test]
    fn bad_overrides_are_pointed() {
        let cases = [
            (
                "overrides:\n  - files: [a]\n    rules:\n      no-such-rule: off\n",
                "no-such-rule",
                "Unknown rule `no-such-rule` in `overrides`",
            ),
            (
                "overrides:\n  - files: [a]\n    rules:\n      stale-date: { max-age-days: 3 }\n",
                "stale-date",
                "Invalid severity for `stale-date`",
            ),
            (
                "overrides:\n  - files: [\"a[\"]\n    rules: {}\n",
                "files",
                "Invalid glob",
            ),
        ];
        for (yaml, key, message) in cases {
            let err = rules(yaml).err().unwrap();
            assert!(err.message.contains(message), "{yaml:?}: {}", err.message);
            let span = err.span.unwrap();
            assert_eq!(
                yaml.get(span.offset()..span.offset() + span.len()),
                Some(key),
                "{yaml:?}"
            );
        }
    }

    #[test]
    fn files_is_required() {
        assert!(rules("overrides:\n  - rules: { stale-date: off }\n").is_err());
    }
}
