//! Note types from the config's `schemas:` and which notes they match.
//!
//! A schema matches a note by tag (front matter or inline; `ai` also matches `ai/llm`) or by
//! folder (a folder name, matched with everything below it, or a glob). Either one matches.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::SchemaConfig;
use crate::model::Note;

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
        in_folder || self.folder_globs.is_match(&note.path) || {
            let folder = note.folder();
            !folder.is_empty() && self.folder_globs.is_match(folder)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParseOptions;

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
        Note::parse(path, text, &ParseOptions::default())
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
        ];
        for (path, text, want) in cases {
            assert_eq!(s.matches(&note(path, text)), want, "{path} {text:?}");
        }
    }
}
