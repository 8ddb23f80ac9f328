//! `vaultlint schema infer`: a schema drawn from the notes of one kind.
//!
//! Takes parsed notes (no rule runs), keeps those a tag or folder selects, and finds the
//! sections and front matter fields that at least a threshold share of them have, in the
//! order they usually appear. Owns the statistics and the YAML text; reading the vault is the
//! engine's job and printing is the command's (`cli/schema.rs`).

use std::collections::BTreeMap;

use super::schema::{Schema, section_key, section_label};
use crate::config::{SchemaConfig, WhereValues};
use crate::model::Note;
use crate::model::frontmatter::{is_blank, scalar_string};

/// Which notes the schema is for: the selectors a schema takes (`tags`, `folders`, `all-tags`,
/// `not-tags`, `where`), each one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub tags: Vec<String>,
    pub folders: Vec<String>,
    pub all_tags: Vec<String>,
    pub not_tags: Vec<String>,
    /// Front matter key → accepted values (any of them).
    pub where_fields: BTreeMap<String, Vec<String>>,
}

/// Why no schema could be inferred.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InferError {
    #[error("No note matches {0}")]
    NoNotes(String),
    #[error("Invalid {0}")]
    BadSelection(String),
}

/// A section or field and how many of the selected notes have it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// As written in most notes (for sections) or the key (for fields).
    pub text: String,
    pub count: usize,
    /// Mean relative position in the notes having it, 0 (top) to 1 (bottom).
    pub position: f64,
}

/// What the selected notes have in common.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    pub name: String,
    pub selection: Selection,
    pub threshold: f64,
    pub notes: usize,
    /// Present in at least the threshold share, in usual order.
    pub sections: Vec<Item>,
    pub fields: Vec<Item>,
    /// Present in at least half of the notes but below the threshold, most common first.
    pub near_sections: Vec<Item>,
    pub near_fields: Vec<Item>,
}

impl Selection {
    /// The notes carrying `tag`.
    pub fn tag(tag: &str) -> Selection {
        Selection {
            tags: vec![tag.to_string()],
            ..Selection::default()
        }
    }

    /// The notes under `folder`.
    pub fn folder(folder: &str) -> Selection {
        Selection {
            folders: vec![folder.to_string()],
            ..Selection::default()
        }
    }

    /// True when no selector picks any note (`not-tags` alone picks none).
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.folders.is_empty()
            && self.all_tags.is_empty()
            && self.where_fields.is_empty()
    }

    fn describe(&self) -> String {
        let tags = |list: &[String], join: &str| -> String {
            let t: Vec<String> = list
                .iter()
                .map(|t| format!("`#{}`", t.trim().trim_start_matches('#')))
                .collect();
            t.join(join)
        };
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            parts.push(format!("tag {}", tags(&self.tags, " or ")));
        }
        for f in &self.folders {
            parts.push(format!("folder `{f}`"));
        }
        if !self.all_tags.is_empty() {
            parts.push(format!("tags {}", tags(&self.all_tags, " and ")));
        }
        if !self.not_tags.is_empty() {
            parts.push(format!("no tag {}", tags(&self.not_tags, " or ")));
        }
        for (key, values) in &self.where_fields {
            parts.push(format!("`{key}: {}`", values.join(" | ")));
        }
        parts.join(", ")
    }

    fn config(&self) -> SchemaConfig {
        SchemaConfig {
            tags: self.tags.clone(),
            folders: self.folders.clone(),
            all_tags: self.all_tags.clone(),
            not_tags: self.not_tags.clone(),
            where_fields: self
                .where_fields
                .iter()
                .map(|(k, v)| (k.clone(), WhereValues(v.clone())))
                .collect(),
            ..SchemaConfig::default()
        }
    }

    fn schema(&self) -> Result<Schema, InferError> {
        if self.is_empty() {
            return Err(InferError::BadSelection(
                "selection: give a tag, a folder, all-tags or a where".into(),
            ));
        }
        Schema::new(self.config()).map_err(InferError::BadSelection)
    }

    /// A schema name from the tags, the folder's last part or the `where` values:
    /// `ai/llm` → `ai-llm`; `all-tags: [actor, public]` → `actor-public`.
    fn default_name(&self) -> String {
        let folder = |f: &String| {
            f.trim()
                .trim_matches('/')
                .rsplit('/')
                .find(|p| !p.contains(['*', '?', '[', '{']))
                .unwrap_or("notes")
                .to_string()
        };
        let tag = |t: &String| t.trim().trim_start_matches('#').to_string();
        let raw = if let Some(t) = self.tags.first() {
            tag(t)
        } else if let Some(f) = self.folders.first() {
            folder(f)
        } else if !self.all_tags.is_empty() {
            self.all_tags.iter().map(tag).collect::<Vec<_>>().join("-")
        } else {
            self.where_fields
                .values()
                .filter_map(|v| v.first().cloned())
                .collect::<Vec<_>>()
                .join("-")
        };
        let name: String = raw
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let name = name.trim_matches('-').to_string();
        if name.is_empty() {
            "notes".to_string()
        } else {
            name
        }
    }
}

/// Infers a schema from `notes` for the notes `selection` picks.
pub fn infer(
    notes: &[Note],
    selection: &Selection,
    threshold: f64,
    name: Option<&str>,
) -> Result<Inferred, InferError> {
    let schema = selection.schema()?;
    let selected: Vec<&Note> = notes.iter().filter(|n| schema.matches(n)).collect();
    if selected.is_empty() {
        return Err(InferError::NoNotes(selection.describe()));
    }
    let n = selected.len();

    let mut sections = Tally::default();
    let mut fields = Tally::default();
    for note in &selected {
        let total = note.headings.len();
        let mut seen = Vec::new();
        for (i, h) in note.headings.iter().enumerate() {
            let key = section_key(&h.text);
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            sections.add(&key, &section_label(&h.text), relative(i, total));
            seen.push(key);
        }
        let map = note.frontmatter.as_ref().and_then(|f| f.value.as_ref());
        let present: Vec<String> = map
            .into_iter()
            .flatten()
            .filter(|(_, v)| !is_blank(v))
            .filter_map(|(k, _)| scalar_string(k))
            .collect();
        for (i, key) in present.iter().enumerate() {
            fields.add(key, key, relative(i, present.len()));
        }
    }

    let (sections, near_sections) = sections.split(n, threshold);
    let (fields, near_fields) = fields.split(n, threshold);
    Ok(Inferred {
        name: name.map_or_else(|| selection.default_name(), str::to_string),
        selection: selection.clone(),
        threshold,
        notes: n,
        sections,
        fields,
        near_sections,
        near_fields,
    })
}

/// The schema as YAML for `.vaultlint.yaml`, each entry with its share as a comment.
pub fn to_yaml(inferred: &Inferred) -> String {
    let n = inferred.notes;
    let mut out = String::new();
    out.push_str(&format!(
        "# Inferred from {n} note{} with {}: the sections and front matter fields\n# present in at least {}% of them, in their usual order.\n",
        if n == 1 { "" } else { "s" },
        inferred.selection.describe(),
        percent_of(inferred.threshold)
    ));
    out.push_str("schemas:\n");
    out.push_str(&format!("  - name: {}\n", yaml_scalar(&inferred.name)));
    let selection = &inferred.selection;
    let tag = |t: &String| yaml_scalar(t.trim().trim_start_matches('#'));
    for (key, values) in [
        ("tags", selection.tags.iter().map(tag).collect::<Vec<_>>()),
        (
            "folders",
            selection
                .folders
                .iter()
                .map(|f| yaml_scalar(f.trim().trim_matches('/')))
                .collect(),
        ),
        ("all-tags", selection.all_tags.iter().map(tag).collect()),
        ("not-tags", selection.not_tags.iter().map(tag).collect()),
    ] {
        if !values.is_empty() {
            out.push_str(&format!("    {key}: [{}]\n", values.join(", ")));
        }
    }
    if !selection.where_fields.is_empty() {
        let fields: Vec<String> = selection
            .where_fields
            .iter()
            .map(|(k, v)| {
                let values: Vec<String> = v.iter().map(|s| yaml_scalar(s)).collect();
                format!("{}: [{}]", yaml_scalar(k), values.join(", "))
            })
            .collect();
        out.push_str(&format!("    where: {{ {} }}\n", fields.join(", ")));
    }
    list(&mut out, "required-sections", &inferred.sections, n);
    list(&mut out, "required-fields", &inferred.fields, n);
    for (what, items) in [
        ("sections", &inferred.near_sections),
        ("fields", &inferred.near_fields),
    ] {
        if items.is_empty() {
            continue;
        }
        let shown: Vec<String> = items
            .iter()
            .map(|i| format!("{} ({}%)", i.text, percent(i.count, n)))
            .collect();
        out.push_str(&format!(
            "    # Below the threshold, {what}: {}\n",
            shown.join(", ")
        ));
    }
    out
}

/// A YAML scalar that reads back as the same string: plain when safe, else double-quoted.
pub fn yaml_scalar(text: &str) -> String {
    let plain = text.chars().next().is_some_and(|c| c.is_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '.' | '/' | '(' | ')' | '-'))
        && !text.ends_with(' ')
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace('"', "")))
    }
}

#[derive(Default)]
struct Tally {
    entries: BTreeMap<String, Entry>,
    next: usize,
}

struct Entry {
    count: usize,
    spellings: BTreeMap<String, usize>,
    position_sum: f64,
    first_seen: usize,
}

impl Tally {
    fn add(&mut self, key: &str, spelling: &str, position: f64) {
        if !self.entries.contains_key(key) {
            self.entries.insert(
                key.to_string(),
                Entry {
                    count: 0,
                    spellings: BTreeMap::new(),
                    position_sum: 0.0,
                    first_seen: self.next,
                },
            );
            self.next += 1;
        }
        let Some(e) = self.entries.get_mut(key) else {
            return;
        };
        e.count += 1;
        *e.spellings.entry(spelling.trim().to_string()).or_default() += 1;
        e.position_sum += position;
    }

    /// Items at or above the threshold (in usual order), and those between half the notes and
    /// the threshold (most common first).
    fn split(self, notes: usize, threshold: f64) -> (Vec<Item>, Vec<Item>) {
        let mut kept = Vec::new();
        let mut near = Vec::new();
        for e in self.entries.into_values() {
            let text = e
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            let share = e.count as f64 / notes as f64;
            let item = Item {
                text,
                count: e.count,
                position: e.position_sum / e.count as f64,
            };
            if share + 1e-9 >= threshold {
                kept.push((item, e.first_seen));
            } else if share >= 0.5 {
                near.push((item, e.first_seen));
            }
        }
        kept.sort_by(|a, b| a.0.position.total_cmp(&b.0.position).then(a.1.cmp(&b.1)));
        near.sort_by(|a, b| b.0.count.cmp(&a.0.count).then(a.1.cmp(&b.1)));
        (
            kept.into_iter().map(|(i, _)| i).collect(),
            near.into_iter().map(|(i, _)| i).collect(),
        )
    }
}

/// Position `i` of `total` as a share of the way down: 0 for the first, 1 for the last.
fn relative(i: usize, total: usize) -> f64 {
    if total <= 1 {
        0.0
    } else {
        i as f64 / (total - 1) as f64
    }
}

fn percent(count: usize, of: usize) -> usize {
    (count * 100 + of / 2) / of.max(1)
}

fn percent_of(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}", p.round())
    } else {
        format!("{p:.1}")
    }
}

fn list(out: &mut String, key: &str, items: &[Item], notes: usize) {
    if items.is_empty() {
        out.push_str(&format!("    {key}: []\n"));
        return;
    }
    out.push_str(&format!("    {key}:\n"));
    let texts: Vec<String> = items.iter().map(|i| yaml_scalar(&i.text)).collect();
    let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    for (item, text) in items.iter().zip(&texts) {
        let pad = width - text.chars().count();
        out.push_str(&format!(
            "      - {text}{}  # {}/{notes} notes ({}%)\n",
            " ".repeat(pad),
            item.count,
            percent(item.count, notes)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DateOptions;

    fn note(path: &str, text: &str) -> Note {
        Note::parse_all_but_figures(path, text, &DateOptions::default()).0
    }

    fn vault() -> Vec<Note> {
        vec![
            note(
                "A/One.md",
                "---\naliases: [O]\nfounded: 2020-01-01\n---\n#actor\n## Overview\nx\n## Funding\nx\n## Related\nx\n",
            ),
            note(
                "A/Two.md",
                "---\naliases: [T]\nfounded:\n---\n#actor\n## **Overview**\nx\n## Related:\nx\n",
            ),
            note(
                "A/Three.md",
                "---\naliases: [Th]\n---\n#actor/lab\n## overview\nx\n## Funding\nx\n## Related\nx\n",
            ),
            note("B/Other.md", "#topic\n## Overview\n"),
        ]
    }

    #[test]
    fn infers_shared_sections_and_fields_in_order() {
        let notes = vault();
        let got = infer(&notes, &Selection::tag("actor"), 0.8, None).unwrap();
        assert_eq!(got.name, "actor");
        assert_eq!(got.notes, 3);
        let sections: Vec<(&str, usize)> = got
            .sections
            .iter()
            .map(|i| (i.text.as_str(), i.count))
            .collect();
        assert_eq!(sections, [("Overview", 3), ("Related", 3)]);
        let fields: Vec<&str> = got.fields.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(fields, ["aliases"]);
        let near: Vec<&str> = got.near_sections.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(near, ["Funding"]);
        // `founded` is blank in one note: 1 of 3 is below half.
        assert!(got.near_fields.is_empty());
    }

    #[test]
    fn folder_selection_and_errors() {
        let notes = vault();
        let got = infer(&notes, &Selection::folder("A/"), 0.5, Some("company")).unwrap();
        assert_eq!(got.name, "company");
        assert_eq!(got.notes, 3);
        let sections: Vec<&str> = got.sections.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(sections, ["Overview", "Funding", "Related"]);
        assert_eq!(
            infer(&notes, &Selection::tag("person"), 0.8, None),
            Err(InferError::NoNotes("tag `#person`".into()))
        );
    }

    #[test]
    fn yaml_reads_back_as_a_config() {
        let notes = vault();
        let got = infer(&notes, &Selection::tag("actor"), 0.8, None).unwrap();
        let yaml = to_yaml(&got);
        let config = crate::config::parse(
            std::path::Path::new(".vaultlint.yaml"),
            std::sync::Arc::new(yaml.clone()),
        )
        .unwrap();
        let schema = &config.file.schemas[0];
        assert_eq!(schema.name, "actor");
        assert_eq!(schema.tags, ["actor"]);
        assert_eq!(schema.required_sections.len(), 2);
        assert_eq!(schema.required_fields, ["aliases"]);
        assert!(yaml.contains("- Overview  # 3/3 notes (100%)"), "{yaml}");
    }

    #[test]
    fn yaml_scalar_table() {
        let cases = [
            ("Quick stats", "Quick stats"),
            ("ai/llm", "ai/llm"),
            ("Q&A", "\"Q&A\""),
            ("Notes: misc", "\"Notes: misc\""),
            ("2024", "\"2024\""),
            ("yes", "\"yes\""),
            ("#tag", "\"#tag\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("Überblick", "Überblick"),
            ("", "\"\""),
        ];
        for (text, want) in cases {
            assert_eq!(yaml_scalar(text), want, "{text:?}");
            let back: String = serde_yaml::from_str(&yaml_scalar(text)).unwrap();
            assert_eq!(back, text);
        }
    }

    #[test]
    fn default_names() {
        assert_eq!(Selection::tag("#ai/llm").default_name(), "ai-llm");
        assert_eq!(Selection::folder("Actors/Labs/").default_name(), "labs");
        assert_eq!(Selection::folder("People/**").default_name(), "people");
    }
}
