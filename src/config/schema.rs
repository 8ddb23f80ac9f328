//! Note types from the config's `schemas:` and which notes they match.
//!
//! A schema matches a note by tag (front matter or inline; `ai` also matches `ai/llm`) or by
//! folder (a folder name, matched with everything below it, or a glob). Either one matches.
//! Also owns how a required section is recognised among a note's headings.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{SchemaConfig, SectionSpec};
use crate::model::Note;
use crate::model::markdown::Heading;

/// A schema ready to match notes.
#[derive(Debug, Clone)]
pub struct Schema {
    pub config: SchemaConfig,
    tags: Vec<String>,
    folders: Vec<String>,
    folder_globs: GlobSet,
}

impl Schema {
    /// Compiles a schema; the error names the glob that does not compile.
    pub fn new(config: SchemaConfig) -> Result<Self, String> {
        let mut globs = GlobSetBuilder::new();
        let mut folders = Vec::new();
        for f in &config.folders {
            let f = f.trim().trim_matches('/');
            if f.contains(['*', '?', '[', '{']) {
                let glob = Glob::new(f).map_err(|e| format!("folder glob `{f}`: {e}"))?;
                globs.add(glob);
            } else if !f.is_empty() {
                folders.push(f.to_lowercase());
            }
        }
        let folder_globs = globs.build().map_err(|e| e.to_string())?;
        let tags = config
            .tags
            .iter()
            .map(|t| t.trim().trim_start_matches('#').to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(Schema {
            config,
            tags,
            folders,
            folder_globs,
        })
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// True when the note carries one of the schema's tags or lies under one of its folders.
    pub fn matches(&self, note: &Note) -> bool {
        let tagged = note.tag_names().any(|t| {
            self.tags.iter().any(|want| {
                t == *want
                    || t.strip_prefix(want.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        });
        if tagged {
            return true;
        }
        let path = note.path.to_lowercase();
        let in_folder = self.folders.iter().any(|f| {
            path.strip_prefix(f.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        });
        in_folder || self.folder_globs.is_match(&*note.path) || {
            let folder = note.folder();
            !folder.is_empty() && self.folder_globs.is_match(folder)
        }
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
