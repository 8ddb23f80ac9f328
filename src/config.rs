//! `.vaultlint.yaml`: its schema, loading, and pointed errors.
//!
//! Owns the file format only. Turning rule entries into enabled rules (severity, options) is
//! `settings.rs`'s job; each rule validates its own options. Every error carries the config
//! source and a span, so miette can point at the offending key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use serde_yaml::Value;

use crate::model::LineIndex;

/// The config file, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// A fixed "today" (`YYYY-MM-DD`); `--today` wins over it.
    #[serde(default)]
    pub today: Option<String>,
    /// Per rule: `off | warning | error`, or a map with `severity` and the rule's options.
    #[serde(default)]
    pub rules: BTreeMap<String, Value>,
    /// Globs relative to the vault root: never checked (still indexed as link targets).
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub schemas: Vec<SchemaConfig>,
    /// Figure extraction settings (label synonyms).
    #[serde(default)]
    pub figures: FiguresConfig,
    /// Per-path rule severities, applied in order over `rules` (see `overrides.rs`).
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
}

/// Rule severities for the notes some globs match.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OverrideConfig {
    /// Globs relative to the vault root (`Daily/**`).
    pub files: Vec<String>,
    /// Rule id → `off | warning | error`.
    #[serde(default)]
    pub rules: BTreeMap<String, Value>,
}

/// One note type and what its notes must have.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SchemaConfig {
    pub name: String,
    /// Notes carrying one of these tags (front matter or inline; nested tags match their parent).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Notes under one of these folders (names or globs relative to the vault root).
    #[serde(default)]
    pub folders: Vec<String>,
    /// Headings every matched note must have; an entry may list accepted alternatives.
    #[serde(default)]
    pub required_sections: Vec<SectionSpec>,
    /// Front matter keys every matched note must have, not empty.
    #[serde(default)]
    pub required_fields: Vec<String>,
    /// Field types: `date`, `list`, `url`, `text`, `number`, `boolean`, or a list of allowed values.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldType>,
    /// Overrides `stale-date`'s `max-age-days` for matched notes.
    #[serde(default)]
    pub max_age_days: Option<u32>,
    /// Matched notes must carry an Updated date (`missing-date`).
    #[serde(default)]
    pub require_updated: bool,
}

/// A required section: one heading text, or alternatives of which one must be present.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SectionSpec {
    One(String),
    AnyOf(Vec<String>),
}

impl SectionSpec {
    pub fn alternatives(&self) -> Vec<&str> {
        match self {
            SectionSpec::One(s) => vec![s.as_str()],
            SectionSpec::AnyOf(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The declared type of a front matter field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum FieldType {
    Kind(FieldKind),
    OneOf(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Date,
    List,
    Url,
    Text,
    Number,
    Boolean,
}

/// Figure extraction settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FiguresConfig {
    /// Canonical label → phrases that mean the same metric.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
}

/// A loaded config and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub file: ConfigFile,
    /// `None` when no config file exists (all defaults).
    pub path: Option<PathBuf>,
    pub source: Arc<String>,
}

impl LoadedConfig {
    pub fn defaults() -> Self {
        LoadedConfig {
            file: ConfigFile::default(),
            path: None,
            source: Arc::new(String::new()),
        }
    }

    /// An error pointing at the line where `key` is written (`stale-date:` under `rules:`),
    /// or at the start of the file when the key cannot be found.
    pub fn error_at_key(&self, key: &str, message: String, help: Option<String>) -> ConfigError {
        self.error_at_first_key(&[key], message, help)
    }

    /// Like [`Self::error_at_key`], pointing at the first of `keys` that is written in the
    /// file: an option (`markers:`), else the rule that holds it when written inline.
    pub fn error_at_first_key(
        &self,
        keys: &[&str],
        message: String,
        help: Option<String>,
    ) -> ConfigError {
        let span = keys.iter().find_map(|key| find_key(&self.source, key));
        ConfigError::new(
            self.path.as_deref(),
            &self.source,
            message,
            span,
            "here",
            help,
        )
    }
}

/// A config problem: stops the run with exit code 2 and a report pointing into the file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(vaultlint::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl ConfigError {
    pub fn new(
        path: Option<&Path>,
        source: &Arc<String>,
        message: String,
        span: Option<(usize, usize)>,
        label: &str,
        help: Option<String>,
    ) -> Self {
        let name = path.map_or_else(|| "<config>".to_string(), |p| p.display().to_string());
        ConfigError {
            message,
            src: NamedSource::new(name, Arc::clone(source)),
            span: span.map(|(s, e)| SourceSpan::from(s..e)),
            label: label.to_string(),
            help,
        }
    }
}

/// Reads and parses a config file. A missing file at `path` is an error (the caller only
/// passes paths that were asked for or found).
pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let source = match std::fs::read_to_string(path) {
        Ok(s) => Arc::new(s),
        Err(err) => {
            return Err(ConfigError::new(
                Some(path),
                &Arc::new(String::new()),
                format!("Cannot read config file `{}`: {err}", path.display()),
                None,
                "",
                Some("Check the path given to --config".into()),
            ));
        }
    };
    parse(path, source)
}

/// Parses config text read from `path`.
pub fn parse(path: &Path, source: Arc<String>) -> Result<LoadedConfig, ConfigError> {
    if source.trim().is_empty() {
        return Ok(LoadedConfig {
            file: ConfigFile::default(),
            path: Some(path.to_path_buf()),
            source,
        });
    }
    match serde_yaml::from_str::<ConfigFile>(&source) {
        Ok(file) => Ok(LoadedConfig {
            file,
            path: Some(path.to_path_buf()),
            source,
        }),
        Err(err) => {
            let span = err.location().and_then(|loc| {
                let index = LineIndex::new(&source);
                let start = index.line_start(loc.line())?;
                let line = source.get(start..)?;
                let col = line
                    .char_indices()
                    .nth(loc.column().saturating_sub(1))
                    .map_or(line.len(), |(i, _)| i);
                let at = start + col;
                // Point at the word the parser stopped on.
                let word = source
                    .get(at..)?
                    .find(|c: char| c.is_whitespace() || c == ':' || c == ',')
                    .unwrap_or(0)
                    .max(1);
                Some((at, (at + word).min(source.len())))
            });
            let message = clean_serde_message(&err.to_string());
            Err(ConfigError::new(
                Some(path),
                &source,
                format!("Invalid config: {message}"),
                span,
                "here",
                Some(config_help(&message)),
            ))
        }
    }
}

/// serde_yaml appends "at line L column C"; the report shows the position already.
fn clean_serde_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

fn config_help(message: &str) -> String {
    if message.contains("unknown field") {
        "Remove the key or fix its spelling; the README lists every config key".to_string()
    } else {
        "See the config reference in the README".to_string()
    }
}

/// The span of the first line that defines `key:` (the key itself).
fn find_key(source: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let unquoted = trimmed.trim_start_matches(['"', '\'', '-', ' ']);
        let lead = trimmed.len() - unquoted.len();
        if let Some(rest) = unquoted.strip_prefix(key)
            && rest
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
        {
            let s = offset + indent + lead;
            return Some((s, s + key.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<LoadedConfig, ConfigError> {
        parse(Path::new(".vaultlint.yaml"), Arc::new(text.to_string()))
    }

    #[test]
    fn full_config_parses() {
        let text = r#"
today: 2026-11-26
rules:
  stale-date: { max-age-days: 180 }
  ambiguous-link: off
exclude: ["Templates/**"]
schemas:
  - name: actor
    tags: [actor]
    folders: [Actors]
    required-sections: [Quick stats, [Related, See also]]
    required-fields: [aliases]
    fields: { founded: date, status: [active, acquired] }
figures:
  synonyms: { valuation: [valued at] }
"#;
        let c = parse_str(text).unwrap().file;
        assert_eq!(c.today.as_deref(), Some("2026-11-26"));
        assert_eq!(c.rules.len(), 2);
        assert_eq!(c.schemas[0].required_sections.len(), 2);
        assert_eq!(
            c.schemas[0].fields.get("founded"),
            Some(&FieldType::Kind(FieldKind::Date))
        );
    }

    #[test]
    fn unknown_key_is_pointed() {
        let text = "today: 2026-11-26\nexclud: [x]\n";
        let err = parse_str(text).unwrap_err();
        assert!(
            err.message.contains("unknown field `exclud`"),
            "{}",
            err.message
        );
        let span = err.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "exclud");
    }

    #[test]
    fn wrong_type_is_pointed() {
        let text = "exclude: 3\n";
        let err = parse_str(text).unwrap_err();
        assert!(err.span.is_some());
    }

    #[test]
    fn find_key_table() {
        let text = "rules:\n  stale-date: {}\n  \"ambiguous-link\": off\n";
        assert_eq!(find_key(text, "stale-date"), Some((9, 19)));
        assert_eq!(find_key(text, "ambiguous-link"), Some((27, 41)));
        assert_eq!(find_key(text, "missing"), None);
    }

    #[test]
    fn empty_config_is_defaults() {
        assert!(parse_str("\n").unwrap().file.rules.is_empty());
    }
}
