//! Note types from the config's `schemas:` and which notes they match.
//!
//! A schema matches a note by tag (front matter or inline; `ai` also matches `ai/llm`) or by
//! folder (a folder name, matched with everything below it, or a glob). Either one matches.
//! `all-tags`, `not-tags` and `where` narrow that down (or, without `tags` and `folders`,
//! pick from every note). Also owns where a schema's notes must live, and how a required
//! section is recognised among a note's headings.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{SchemaConfig, SectionSpec};
use crate::model::Note;
use crate::model::frontmatter::scalar_string;
use crate::model::markdown::Heading;
use crate::model::scan::Tag;

/// A schema ready to match notes.
#[derive(Debug, Clone)]
pub struct Schema {
    pub config: SchemaConfig,
    tags: Vec<String>,
    folders: Folders,
    all_tags: Vec<String>,
    not_tags: Vec<String>,
    /// `where`, keys and values lower-cased.
    fields: Vec<(String, Vec<String>)>,
    location: Option<Folders>,
    forbidden_tags: Vec<String>,
}

/// Folder names (matched with everything below them) and globs.
#[derive(Debug, Clone)]
struct Folders {
    names: Vec<String>,
    globs: GlobSet,
}

impl Folders {
    /// Compiles `entries`; the error names the key and the glob that does not compile.
    fn new(entries: &[String], key: &str) -> Result<Folders, String> {
        let mut globs = GlobSetBuilder::new();
        let mut names = Vec::new();
        for f in entries {
            let f = f.trim().trim_matches('/');
            if f.contains(['*', '?', '[', '{']) {
                let glob = Glob::new(f).map_err(|e| format!("{key} glob `{f}`: {e}"))?;
                globs.add(glob);
            } else if !f.is_empty() {
                names.push(f.to_lowercase());
            }
        }
        let globs = globs.build().map_err(|e| e.to_string())?;
        Ok(Folders { names, globs })
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty() && self.globs.is_empty()
    }

    /// True when the note lies under one of the folders or a glob matches its path or folder.
    fn holds(&self, note: &Note) -> bool {
        let path = note.path.to_lowercase();
        let in_folder = self.names.iter().any(|f| {
            path.strip_prefix(f.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        });
        in_folder || self.globs.is_match(&*note.path) || {
            let folder = note.folder();
            !folder.is_empty() && self.globs.is_match(folder)
        }
    }
}

/// Tags as the config writes them, without `#`, lower-cased.
fn tag_keys(tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|t| t.trim().trim_start_matches('#').to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// True when the lower-cased tag `tag` is `want` or nested under it (`ai/llm` under `ai`).
fn tag_is(tag: &str, want: &str) -> bool {
    tag == want
        || tag
            .strip_prefix(want)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Schema {
    /// Compiles a schema; the error names the glob that does not compile.
    pub fn new(config: SchemaConfig) -> Result<Self, String> {
        let folders = Folders::new(&config.folders, "folder")?;
        let location = Folders::new(&config.location, "location")?;
        let fields = config
            .where_fields
            .iter()
            .map(|(k, v)| {
                let values = v.0.iter().map(|s| s.trim().to_lowercase()).collect();
                (k.trim().to_lowercase(), values)
            })
            .collect();
        Ok(Schema {
            tags: tag_keys(&config.tags),
            all_tags: tag_keys(&config.all_tags),
            not_tags: tag_keys(&config.not_tags),
            forbidden_tags: tag_keys(&config.forbidden_tags),
            fields,
            location: (!location.is_empty()).then_some(location),
            folders,
            config,
        })
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// True when the note is of the schema's kind: it carries one of its `tags` or lies under
    /// one of its `folders` (any note, when it gives neither but gives `all-tags` or `where`),
    /// carries every one of its `all-tags` and none of its `not-tags`, and its front matter
    /// holds the values of `where`.
    pub fn matches(&self, note: &Note) -> bool {
        let has_base = !self.tags.is_empty() || !self.folders.is_empty();
        let base = if has_base {
            note.tag_names()
                .any(|t| self.tags.iter().any(|want| tag_is(&t, want)))
                || self.folders.holds(note)
        } else {
            !self.all_tags.is_empty() || !self.fields.is_empty()
        };
        if !base {
            return false;
        }
        let tags: Vec<String> = if self.all_tags.is_empty() && self.not_tags.is_empty() {
            Vec::new()
        } else {
            note.tag_names().collect()
        };
        self.all_tags
            .iter()
            .all(|want| tags.iter().any(|t| tag_is(t, want)))
            && !self
                .not_tags
                .iter()
                .any(|bad| tags.iter().any(|t| tag_is(t, bad)))
            && self
                .fields
                .iter()
                .all(|(key, values)| field_is(note, key, values))
    }

    /// False when the schema says where its notes live and the note lies elsewhere.
    pub fn is_in_place(&self, note: &Note) -> bool {
        self.location.as_ref().is_none_or(|l| l.holds(note))
    }

    /// The note's tags the schema forbids, with the entry each one breaks, in the note's order.
    pub fn forbidden_tags<'n>(&self, note: &'n Note) -> Vec<(&'n Tag, &str)> {
        note.tags
            .iter()
            .filter_map(|tag| {
                let name = tag.name.to_lowercase();
                let i = self
                    .forbidden_tags
                    .iter()
                    .position(|bad| tag_is(&name, bad))?;
                let written = self.config.forbidden_tags.get(i)?;
                Some((tag, written.trim().trim_start_matches('#')))
            })
            .collect()
    }
}

/// True when the front matter value of `key` (any case) is one of `values` (lower-cased),
/// or, for a list, holds one of them.
fn field_is(note: &Note, key: &str, values: &[String]) -> bool {
    let Some(fm) = note.frontmatter.as_ref() else {
        return false;
    };
    let Some(map) = fm.value.as_ref() else {
        return false;
    };
    let value = map.iter().find_map(|(k, v)| {
        k.as_str()
            .filter(|k| k.trim().eq_ignore_ascii_case(key))
            .map(|_| v)
    });
    let is_wanted = |v: &serde_yaml::Value| {
        scalar_string(v).is_some_and(|s| values.contains(&s.trim().to_lowercase()))
    };
    match value {
        Some(serde_yaml::Value::Sequence(items)) => items.iter().any(is_wanted),
        Some(v) => is_wanted(v),
        None => false,
    }
}

/// Heading text reduced for matching a required section: [`section_label`], lower-cased.
/// `**Quick stats:**` and `quick Stats` both give `quick stats`.
pub fn section_key(text: &str) -> String {
    section_label(text).to_lowercase()
}

/// Heading text without emphasis or code markers, with whitespace collapsed and trailing
/// punctuation trimmed: `**Quick stats:**` gives `Quick stats`.
pub fn section_label(text: &str) -> String {
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '~' | '`'))
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    words
        .join(" ")
        .trim_end_matches(|c: char| {
            matches!(c, ':' | '.' | ',' | ';' | '!' | '?' | '…') || c.is_whitespace()
        })
        .to_string()
}

/// The first heading of `note` that satisfies `spec` (any of its alternatives, any level).
pub fn find_section<'n>(note: &'n Note, spec: &SectionSpec) -> Option<&'n Heading> {
    section_headings(note, spec).next()
}

/// Every heading of `note` that satisfies `spec`, in order.
pub fn section_headings<'n>(
    note: &'n Note,
    spec: &SectionSpec,
) -> impl Iterator<Item = &'n Heading> {
    let wanted: Vec<String> = spec.alternatives().into_iter().map(section_key).collect();
    note.headings
        .iter()
        .filter(move |h| wanted.contains(&section_key(&h.text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DateOptions;

    fn schema(tags: &[&str], folders: &[&str]) -> Schema {
        Schema::new(SchemaConfig {
            name: "t".into(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            folders: folders.iter().map(|s| s.to_string()).collect(),
            ..SchemaConfig::default()
        })
        .unwrap()
    }

    fn note(path: &str, text: &str) -> Note {
        Note::parse_all_but_figures(path, text, &DateOptions::default()).0
    }

    #[test]
    fn matching_table() {
        let s = schema(&["actor", "ai"], &["Actors", "People/**"]);
        let cases = [
            ("x.md", "#actor\n", true),
            ("x.md", "---\ntags: [Actor]\n---\n", true),
            ("x.md", "---\ntags: actor\n---\n", true),
            ("x.md", "#ai/llm\n", true),
            ("x.md", "#aix\n", false),
            ("x.md", "`#actor`\n", false),
            ("Actors/x.md", "", true),
            ("Actors/Labs/x.md", "", true),
            ("ActorsX/x.md", "", false),
            ("People/a/b.md", "", true),
            ("Topics/x.md", "", false),
            // Obsidian's tag rules: not a heading, not in a link or URL, not a pure number.
            ("x.md", "# actor\n", false),
            ("x.md", "See https://ex.org/page#actor\n", false),
            ("x.md", "[[Note#actor]] [t](Note.md#actor)\n", false),
            ("x.md", "```\n#actor\n```\n", false),
            ("x.md", "## Heading #actor\n", true),
        ];
        for (path, text, want) in cases {
            assert_eq!(s.matches(&note(path, text)), want, "{path} {text:?}");
        }
    }

    fn config(yaml: &str) -> Schema {
        let mut config: SchemaConfig = serde_yaml::from_str(yaml).unwrap();
        config.name = "t".into();
        Schema::new(config).unwrap()
    }

    #[test]
    fn issue_30_selectors_table() {
        let public = "---\ntags: [actor, public]\nstatus: Listed\n---\n";
        let private = "#actor #private\n";
        let nested = "#actor/lab #public\n";
        let cases = [
            ("{name: t, all-tags: [actor, public]}", public, true),
            ("{name: t, all-tags: [actor, public]}", private, false),
            ("{name: t, all-tags: [actor, public]}", nested, true),
            (
                "{name: t, tags: [actor], all-tags: [private]}",
                private,
                true,
            ),
            (
                "{name: t, tags: [actor], not-tags: [private]}",
                private,
                false,
            ),
            (
                "{name: t, tags: [actor], not-tags: [private]}",
                public,
                true,
            ),
            // `not-tags` alone picks nothing.
            ("{name: t, not-tags: [private]}", public, false),
            ("{name: t, where: {status: listed}}", public, true),
            (
                "{name: t, where: {status: [delisted, listed]}}",
                public,
                true,
            ),
            ("{name: t, where: {status: delisted}}", public, false),
            ("{name: t, where: {status: listed}}", private, false),
            (
                "{name: t, tags: [actor], where: {tags: private}}",
                private,
                false,
            ),
            (
                "{name: t, tags: [actor], where: {tags: public}}",
                public,
                true,
            ),
            ("{name: t}", public, false),
        ];
        for (yaml, text, want) in cases {
            assert_eq!(
                config(yaml).matches(&note("x.md", text)),
                want,
                "{yaml} {text:?}"
            );
        }
    }

    #[test]
    fn issue_30_location_and_forbidden_tags() {
        let s = config(
            "{name: t, tags: [analyst], location: [Analysts/**, People], forbidden-tags: ['#actor']}",
        );
        let cases = [
            ("Analysts/a.md", true),
            ("Analysts/x/a.md", true),
            ("People/a.md", true),
            ("Actors/a.md", false),
            ("a.md", false),
        ];
        for (path, want) in cases {
            assert_eq!(s.is_in_place(&note(path, "#analyst\n")), want, "{path}");
        }
        assert!(config("{name: t}").is_in_place(&note("a.md", "")));
        let n = note("a.md", "---\ntags: [analyst]\n---\n#actor/lab #actors\n");
        let bad: Vec<&str> = s
            .forbidden_tags(&n)
            .iter()
            .map(|(t, _)| t.name.as_str())
            .collect();
        assert_eq!(bad, ["actor/lab"]);
    }

    #[test]
    fn section_key_table() {
        let cases = [
            ("Quick stats", "quick stats"),
            ("**Quick Stats**", "quick stats"),
            ("Quick stats:", "quick stats"),
            ("_Related_ :", "related"),
            ("  Quick   stats  ", "quick stats"),
            ("`Code` notes?", "code notes"),
            ("Funding (2024)", "funding (2024)"),
            ("Q&A", "q&a"),
        ];
        for (text, want) in cases {
            assert_eq!(section_key(text), want, "{text:?}");
        }
    }

    #[test]
    fn find_section_alternatives() {
        let n = note("x.md", "# T\n## **Related:**\n### See also\n");
        let one = SectionSpec::One("related".into());
        let any = SectionSpec::AnyOf(vec!["Links".into(), "See Also".into()]);
        let none = SectionSpec::AnyOf(vec!["Links".into()]);
        assert_eq!(find_section(&n, &one).unwrap().level, 2);
        assert_eq!(find_section(&n, &any).unwrap().level, 3);
        assert!(find_section(&n, &none).is_none());
    }
}
