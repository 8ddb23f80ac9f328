//! `.vaultlint.yaml`: its schema, loading, and pointed errors.
//!
//! Owns the file format only. Turning rule entries into enabled rules (severity, options) is
//! the settings' job (`rules/settings.rs`); each rule validates its own options. Every error
//! carries the config source and a span, so miette can point at the offending key.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use serde_yaml::Value;

use crate::model::LineIndex;
use crate::model::frontmatter::MAX_FLOW_NESTING;

pub mod infer;
pub mod overrides;
pub mod schema;

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
    /// Of the notes `tags`/`folders` pick (every note when neither is given), only those
    /// carrying every one of these tags.
    #[serde(default)]
    pub all_tags: Vec<String>,
    /// ... and none of these tags.
    #[serde(default)]
    pub not_tags: Vec<String>,
    /// ... and whose front matter holds, for each key, the value given (or one of the values
    /// of a list).
    #[serde(default, rename = "where")]
    pub where_fields: BTreeMap<String, WhereValues>,
    /// Folders or globs where matched notes must live (`misplaced-note`).
    #[serde(default)]
    pub location: Vec<String>,
    /// Tags matched notes must not carry (`forbidden-field`).
    #[serde(default)]
    pub forbidden_tags: Vec<String>,
    /// Front matter keys matched notes must not have (`forbidden-field`).
    #[serde(default)]
    pub forbidden_fields: Vec<String>,
    /// Headings every matched note must have; an entry may list accepted alternatives, or be
    /// a map saying what the section must hold.
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

/// The values a `where:` key accepts: one, or a list meaning any of them. Scalars of any
/// type are compared as text (`year: 2024` matches `year: "2024"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhereValues(pub Vec<String>);

impl<'de> Deserialize<'de> for WhereValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let scalar = |v: &Value| crate::model::frontmatter::scalar_string(v);
        let values = match &value {
            Value::Sequence(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>(),
            v => scalar(v).map(|s| vec![s]),
        };
        match values {
            Some(values) if !values.is_empty() => Ok(WhereValues(values)),
            _ => Err(serde::de::Error::custom(
                "a `where` value must be a word, a number, or a list of them",
            )),
        }
    }
}

/// A required section: one heading text, alternatives of which one must be present, or a
/// map that also says what the section must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionSpec {
    One(String),
    AnyOf(Vec<String>),
    Holding(SectionContent),
}

/// `{section: Leadership, contains: table, columns: [Role, Name]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionContent {
    /// The heading, or alternatives of which one must be present.
    pub section: SectionNames,
    /// What the section must hold; `table` when only `columns` is given.
    #[serde(default)]
    pub contains: Option<Contains>,
    /// Headers the section's table must have, compared like section names.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// A section's name, or its accepted alternatives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SectionNames {
    One(String),
    AnyOf(Vec<String>),
}

/// A kind of content a section may be required to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Contains {
    Table,
    List,
    Embed,
    Link,
    Text,
}

impl Contains {
    /// The kind as written in the config.
    pub fn key(self) -> &'static str {
        match self {
            Contains::Table => "table",
            Contains::List => "list",
            Contains::Embed => "embed",
            Contains::Link => "link",
            Contains::Text => "text",
        }
    }
}

impl SectionSpec {
    pub fn alternatives(&self) -> Vec<&str> {
        let names = match self {
            SectionSpec::One(s) => return vec![s.as_str()],
            SectionSpec::AnyOf(v) => return v.iter().map(String::as_str).collect(),
            SectionSpec::Holding(c) => &c.section,
        };
        match names {
            SectionNames::One(s) => vec![s.as_str()],
            SectionNames::AnyOf(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// What the section must hold, if the entry says: the kind and the table's columns.
    pub fn content(&self) -> Option<(Contains, &[String])> {
        match self {
            SectionSpec::Holding(c) => {
                let kind = c
                    .contains
                    .or((!c.columns.is_empty()).then_some(Contains::Table))?;
                Some((kind, &c.columns))
            }
            _ => None,
        }
    }
}

/// By hand rather than `#[serde(untagged)]`, for errors that say what is wrong in a map entry
/// (`contains: tabel`) rather than "data did not match any variant".
impl<'de> Deserialize<'de> for SectionSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SectionSpecVisitor)
    }
}

struct SectionSpecVisitor;

impl<'de> serde::de::Visitor<'de> for SectionSpecVisitor {
    type Value = SectionSpec;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a section name, a list of alternatives, or a map such as `{{section: Leadership, contains: table}}`"
        )
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SectionSpec, E> {
        Ok(SectionSpec::One(text.to_string()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<SectionSpec, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element::<String>()? {
            values.push(value);
        }
        Ok(SectionSpec::AnyOf(values))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<SectionSpec, A::Error> {
        let content =
            SectionContent::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        if !content.columns.is_empty() && content.contains.is_some_and(|c| c != Contains::Table) {
            return Err(serde::de::Error::custom(
                "`columns` is for a table: use `contains: table` or leave `contains` out",
            ));
        }
        Ok(SectionSpec::Holding(content))
    }
}

/// The declared type of a front matter field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Kind(FieldKind),
    OneOf(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    List,
    Url,
    Text,
    Number,
    Boolean,
}

impl FieldKind {
    pub const ALL: [FieldKind; 6] = [
        FieldKind::Date,
        FieldKind::List,
        FieldKind::Url,
        FieldKind::Text,
        FieldKind::Number,
        FieldKind::Boolean,
    ];

    /// The type as written in `fields:`.
    pub fn key(self) -> &'static str {
        match self {
            FieldKind::Date => "date",
            FieldKind::List => "list",
            FieldKind::Url => "url",
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Boolean => "boolean",
        }
    }
}

/// What a field type may be, for errors: "`date`, `list`, …, or a list of allowed values".
fn field_types() -> String {
    let kinds: Vec<String> = FieldKind::ALL
        .iter()
        .map(|k| format!("`{}`", k.key()))
        .collect();
    format!("{}, or a list of allowed values", kinds.join(", "))
}

/// The start of the message for a misspelt field type, which [`config_help`] answers.
const UNKNOWN_FIELD_TYPE: &str = "unknown field type";

/// By hand rather than `#[serde(untagged)]`: an untagged enum forgets why each variant failed
/// and where, so `founded: dat` read "data did not match any variant" at the start of the map.
/// This reports the word, its place, and the types there are.
impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldTypeVisitor)
    }
}

struct FieldTypeVisitor;

impl<'de> serde::de::Visitor<'de> for FieldTypeVisitor {
    type Value = FieldType;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a field type: {}", field_types())
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<FieldType, E> {
        FieldKind::ALL
            .into_iter()
            .find(|k| k.key() == text)
            .map(FieldType::Kind)
            .ok_or_else(|| E::custom(format!("{UNKNOWN_FIELD_TYPE} `{text}`")))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<FieldType, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element::<String>()? {
            values.push(value);
        }
        Ok(FieldType::OneOf(values))
    }
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
        // A snippet of a huge line helps nobody, and miette panics on columns past 65,535:
        // such a place is named in the message instead.
        let (message, span) = match span {
            Some((s, _)) if !fits_snippet(source, s) => {
                let at = LineIndex::new(source).line_col(source, s);
                (
                    format!("{message} (line {}, column {})", at.line, at.column),
                    None,
                )
            }
            _ => (message, span),
        };
        ConfigError {
            message,
            src: NamedSource::new(name, Arc::clone(source)),
            span: span.map(|(s, e)| SourceSpan::from(s..e)),
            label: label.to_string(),
            help,
        }
    }
}

/// Whether the lines around `offset` (one before, one after) are short enough to show.
fn fits_snippet(source: &str, offset: usize) -> bool {
    const MAX_LINE_BYTES: usize = 1000;
    let index = LineIndex::new(source);
    let line = index.line_col(source, offset).line;
    (line.saturating_sub(1).max(1)..=line + 1).all(|l| {
        let Some(start) = index.line_start(l) else {
            return true;
        };
        let end = index.line_start(l + 1).unwrap_or(source.len());
        end.saturating_sub(start) <= MAX_LINE_BYTES
    })
}

/// The largest config file read; a real one is a few hundred bytes. Bounds the read, so that
/// `--config /dev/zero` is an error rather than a hang.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads and parses a config file. A missing file at `path` is an error (the caller only
/// passes paths that were asked for or found).
pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let error = |message: String, help: &str| {
        ConfigError::new(
            Some(path),
            &Arc::new(String::new()),
            message,
            None,
            "",
            Some(help.into()),
        )
    };
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes));
    if let Err(err) = read {
        return Err(error(
            format!("Cannot read config file `{}`: {err}", path.display()),
            "Check the path given to --config",
        ));
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_CONFIG_BYTES {
        return Err(error(
            format!("Config file `{}` is over 1 MiB", path.display()),
            "A .vaultlint.yaml is a few lines; check the path given to --config",
        ));
    }
    let source = String::from_utf8(bytes).map_err(|e| {
        error(
            format!(
                "Config file `{}` is not UTF-8 (first bad byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            "Save the config as UTF-8",
        )
    })?;
    parse(path, Arc::new(source))
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
    if let Some(at) = crate::model::frontmatter::nesting_beyond(&source, MAX_FLOW_NESTING) {
        return Err(ConfigError::new(
            Some(path),
            &source,
            format!("Invalid config: `[` or `{{` nested more than {MAX_FLOW_NESTING} levels deep"),
            Some((at, at + 1)),
            "here",
            Some(config_help("recursion limit")),
        ));
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
            // Alias bombs and deep nesting are refused by the parser without a location.
            let span = span.or_else(|| {
                if message.contains("repetition limit") {
                    first_alias(&source)
                } else {
                    None
                }
            });
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
    if message.contains("repetition limit") {
        "YAML aliases (`*name`) here expand to too many values (an alias bomb); write the values out".to_string()
    } else if message.contains("recursion limit") {
        "The YAML nests too deeply; the config needs only a few levels".to_string()
    } else if message.contains(UNKNOWN_FIELD_TYPE) || message.contains("expected a field type") {
        format!(
            "Field types are {}, e.g. `[active, acquired]`",
            field_types()
        )
    } else if message.contains("unknown field") {
        "Remove the key or fix its spelling; docs/configuration.md lists every config key"
            .to_string()
    } else {
        "See the config reference in docs/configuration.md".to_string()
    }
}

/// The span of the first YAML alias (`*name` after a space, `[`, `,` or `:`).
fn first_alias(source: &str) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let at = source.match_indices('*').map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).and_then(|b| bytes.get(b));
        let after = bytes.get(i + 1);
        matches!(
            before,
            None | Some(b' ' | b'[' | b',' | b':' | b'\n' | b'\t')
        ) && after.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    })?;
    let len = source
        .get(at + 1..)?
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(source.len() - at - 1);
    Some((at, at + 1 + len))
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
    fn issue_28_misspelt_field_type_lists_the_types() {
        let block =
            "schemas:\n  - name: actor\n    fields:\n      website: url\n      founded: dat\n";
        let flow = "schemas:\n  - name: actor\n    fields: { website: url, founded: dat }\n";
        for text in [block, flow] {
            let err = parse_str(text).unwrap_err();
            assert!(
                err.message.contains("unknown field type `dat`"),
                "{}",
                err.message
            );
            assert!(
                err.message.contains("schemas[0].fields.founded"),
                "{}",
                err.message
            );
            let help = err.help.as_deref().unwrap();
            for kind in ["date", "list", "url", "text", "number", "boolean"] {
                assert!(help.contains(&format!("`{kind}`")), "{help}");
            }
            assert!(help.contains("list of allowed values"), "{help}");
            let span = err.span.unwrap();
            assert_eq!(&text[span.offset()..span.offset() + span.len()], "dat");
        }
        // A map is no type either; lists of values and every kind still parse.
        let err = parse_str("schemas:\n  - name: a\n    fields: { x: { y: 1 } }\n").unwrap_err();
        assert!(
            err.message.contains("schemas[0].fields.x"),
            "{}",
            err.message
        );
        let ok = "schemas:\n  - name: a\n    fields: { a: date, b: list, c: [x, 2], d: boolean }\n";
        let fields = &parse_str(ok).unwrap().file.schemas[0].fields;
        assert_eq!(fields.get("b"), Some(&FieldType::Kind(FieldKind::List)));
        assert_eq!(
            fields.get("c"),
            Some(&FieldType::OneOf(vec!["x".into(), "2".into()]))
        );
    }

    #[test]
    fn issue_30_selectors_and_section_contents_parse() {
        let text = r#"
schemas:
  - name: public-company
    all-tags: [actor, public]
    not-tags: [archived]
    where: { status: [listed, public], year: 2024 }
    location: [Actors/**]
    forbidden-tags: [analyst]
    forbidden-fields: [ticker]
    required-sections:
      - Related
      - [Links, See also]
      - { section: Leadership, contains: table, columns: [Role, Name] }
      - { section: [Cap table, Capitalisation], columns: [Holder] }
      - { section: Summary, contains: text }
"#;
        let s = &parse_str(text).unwrap().file.schemas[0];
        assert_eq!(s.all_tags, ["actor", "public"]);
        assert_eq!(
            s.where_fields.get("status"),
            Some(&WhereValues(vec!["listed".into(), "public".into()]))
        );
        assert_eq!(
            s.where_fields.get("year"),
            Some(&WhereValues(vec!["2024".into()]))
        );
        let specs = &s.required_sections;
        assert_eq!(specs[0].content(), None);
        assert_eq!(specs[1].alternatives(), ["Links", "See also"]);
        assert_eq!(specs[2].alternatives(), ["Leadership"]);
        let columns = ["Role".to_string(), "Name".to_string()];
        assert_eq!(specs[2].content(), Some((Contains::Table, &columns[..])));
        assert_eq!(specs[3].alternatives(), ["Cap table", "Capitalisation"]);
        assert_eq!(specs[3].content().map(|c| c.0), Some(Contains::Table));
        assert_eq!(specs[4].content().map(|c| c.0), Some(Contains::Text));
    }

    #[test]
    fn issue_30_bad_section_entries_and_where_values_are_explained() {
        let cases = [
            (
                "schemas:\n  - name: a\n    required-sections:\n      - { section: X, contains: tabel }\n",
                "unknown variant `tabel`",
                "tabel",
            ),
            (
                "schemas:\n  - name: a\n    required-sections:\n      - { section: X, contains: list, columns: [A] }\n",
                "`columns` is for a table",
                "",
            ),
            (
                "schemas:\n  - name: a\n    required-sections:\n      - { sections: X }\n",
                "unknown field `sections`",
                "",
            ),
            (
                "schemas:\n  - name: a\n    where: { status: { a: 1 } }\n",
                "a `where` value must be",
                "",
            ),
            (
                "schemas:\n  - name: a\n    all-tag: [x]\n",
                "unknown field `all-tag`",
                "all-tag",
            ),
        ];
        for (text, message, pointed) in cases {
            let err = parse_str(text).unwrap_err();
            assert!(err.message.contains(message), "{text:?}: {}", err.message);
            assert!(err.span.is_some(), "{text:?}");
            if !pointed.is_empty() {
                let span = err.span.unwrap();
                assert_eq!(&text[span.offset()..span.offset() + span.len()], pointed);
            }
        }
    }

    #[test]
    fn find_key_table() {
        let text = "rules:\n  stale-date: {}\n  \"ambiguous-link\": off\n";
        assert_eq!(find_key(text, "stale-date"), Some((9, 19)));
        assert_eq!(find_key(text, "ambiguous-link"), Some((27, 41)));
        assert_eq!(find_key(text, "missing"), None);
    }

    #[test]
    fn alias_bomb_is_refused_quickly_and_pointed() {
        let mut text = String::from("rules:\n  broken-link:\n    a: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("    l{i}: &l{i} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse_str(&text).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(err.message.contains("repetition limit"), "{}", err.message);
        assert!(err.help.as_deref().unwrap().contains("alias bomb"));
        let span = err.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "*a");
    }

    #[test]
    fn an_error_on_a_huge_line_is_named_not_shown() {
        let text = format!("exclude: [\"{}\", [3]]\n", "a".repeat(70_000));
        let err = parse_str(&text).unwrap_err();
        assert!(err.span.is_none());
        assert!(
            err.message.ends_with("(line 1, column 70015)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for text in [
            format!("exclude: {deep}\n"),
            format!("rules:\n  broken-link: {deep}\n"),
        ] {
            let err = parse_str(&text).unwrap_err();
            assert!(err.span.is_some() || err.help.is_some(), "{}", err.message);
        }
        let started = std::time::Instant::now();
        let err = parse_str(&format!("rules:\n  broken-link: {deep}\n")).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(
            err.message.contains("more than 128 levels"),
            "{}",
            err.message
        );
        assert!(err.help.as_deref().unwrap().contains("nests too deeply"));
        assert!(err.span.is_none(), "a 200 kB line is not shown");
        assert!(
            err.message.ends_with("(line 2, column 144)"),
            "{}",
            err.message
        );
        let err = parse_str("rules:\n  broken-link: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n").unwrap_err();
        // Past the parser's own limit of 128 levels, refused before it is reached.
        assert!(
            err.message.contains("more than 128 levels"),
            "{}",
            err.message
        );
    }

    #[test]
    fn oversized_or_binary_config_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_CONFIG_BYTES + 1).unwrap();
        assert!(load(&big).unwrap_err().message.contains("is over 1 MiB"));
        let latin = dir.path().join("latin.yaml");
        std::fs::write(&latin, b"today: caf\xe9\n").unwrap();
        let err = load(&latin).unwrap_err();
        assert!(
            err.message
                .contains("not UTF-8 (first bad byte at offset 10)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn empty_config_is_defaults() {
        assert!(parse_str("\n").unwrap().file.rules.is_empty());
    }
}
