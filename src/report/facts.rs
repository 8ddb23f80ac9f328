//! What `vaultlint report` needs to know of each note beyond its findings, gathered while the
//! check reads it whole ([`Collector`], an engine [`Observer`]): where its links lead, its
//! newest Updated date, and which of its schemas' required fields and sections it has.
//!
//! The check keeps only what other notes' checks need of a note once it is checked; these
//! facts are taken before that, from the same parse, so the report reads no note twice. Only
//! the notes the run reports are read whole, so the facts cover those notes alone.

use std::sync::{Mutex, PoisonError};

use jiff::civil::Date;

use crate::config::schema::find_section;
use crate::engine::Observer;
use crate::index::{Paths, Resolution};
use crate::model::Note;
use crate::model::frontmatter::is_blank;
use crate::rules::settings::Settings;

/// One note, as the report sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFacts {
    /// Vault-relative, `/`-separated.
    pub path: String,
    /// Links written in the note (comments aside), to anything.
    pub links: usize,
    /// The notes it links to, by their path, each once, itself aside.
    pub links_to: Vec<String>,
    /// Links to attachments.
    pub attachments: usize,
    /// Targets of links that lead nowhere (as written, without `.md`), each once.
    pub missing: Vec<String>,
    /// The newest valid Updated date.
    pub updated: Option<Date>,
    /// Per schema matching the note (index into the settings' schemas): whether it has each
    /// required field, then each required section, in the schema's order.
    pub schemas: Vec<(usize, Vec<bool>, Vec<bool>)>,
}

/// Gathers [`NoteFacts`] of the notes a check reads whole; forwards every event to `inner`
/// (the progress bar), if any.
pub struct Collector<'a> {
    inner: Option<&'a dyn Observer>,
    notes: Mutex<Vec<NoteFacts>>,
    attachments: Mutex<usize>,
}

impl<'a> Collector<'a> {
    pub fn new(inner: Option<&'a dyn Observer>) -> Self {
        Collector {
            inner,
            notes: Mutex::new(Vec::new()),
            attachments: Mutex::new(0),
        }
    }

    /// The facts gathered, sorted by path, and the number of attachments in the vault.
    pub fn finish(self) -> (Vec<NoteFacts>, usize) {
        let mut notes = self
            .notes
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        notes.sort_by(|a, b| a.path.cmp(&b.path));
        let files = self
            .attachments
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        (notes, files)
    }
}

impl Observer for Collector<'_> {
    fn walked(&self, notes: usize) {
        if let Some(inner) = self.inner {
            inner.walked(notes);
        }
    }

    fn read(&self) {
        if let Some(inner) = self.inner {
            inner.read();
        }
    }

    fn whole(&self, settings: &Settings, note: &Note, text: &str, paths: &Paths) {
        let facts = facts_of(settings, note, paths);
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(facts);
        let mut files = self
            .attachments
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *files = paths.file_count();
        if let Some(inner) = self.inner {
            inner.whole(settings, note, text, paths);
        }
    }

    fn checking(&self) {
        if let Some(inner) = self.inner {
            inner.checking();
        }
    }
}

/// The facts of one note read whole.
pub fn facts_of(settings: &Settings, note: &Note, paths: &Paths) -> NoteFacts {
    let mut links_to = Vec::new();
    let mut missing = Vec::new();
    let mut attachments = 0;
    let mut links = 0;
    for link in &note.links {
        links += 1;
        if link.is_same_note() {
            continue;
        }
        match paths.resolve(&link.path, &note.path) {
            Resolution::Note { id, .. } => {
                if let Some(target) = paths.notes().get(id)
                    && **target != *note.path
                {
                    links_to.push(target.to_string());
                }
            }
            Resolution::File(_) => attachments += 1,
            Resolution::Missing => {
                let name = link.path.strip_suffix(".md").unwrap_or(&link.path);
                missing.push(name.to_string());
            }
            Resolution::OutsideVault => {}
        }
    }
    links_to.sort();
    links_to.dedup();
    missing.sort();
    missing.dedup();
    let fm = note
        .frontmatter
        .as_ref()
        .filter(|f| f.error.is_none())
        .map(|f| &**f);
    let schemas = settings
        .schemas
        .iter()
        .enumerate()
        .filter(|(_, s)| s.matches(note))
        .map(|(i, s)| {
            let fields = s
                .config
                .required_fields
                .iter()
                .map(|key| fm.and_then(|f| f.get(key)).is_some_and(|v| !is_blank(v)))
                .collect();
            let sections = s
                .config
                .required_sections
                .iter()
                .map(|spec| find_section(note, spec).is_some())
                .collect();
            (i, fields, sections)
        })
        .collect();
    NoteFacts {
        path: note.path.to_string(),
        links,
        links_to,
        attachments,
        missing,
        updated: note.newest_date(|_| true).map(|(_, d)| d),
        schemas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LoadedConfig;
    use crate::rules::settings::Overrides;

    fn settings(yaml: &str) -> Settings {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".vaultlint.yaml");
        std::fs::write(&path, yaml).unwrap();
        let loaded = crate::config::load(&path).unwrap();
        Settings::new(loaded, &Overrides::default()).unwrap()
    }

    #[test]
    fn links_are_sorted_into_notes_files_and_missing() {
        let settings = Settings::new(LoadedConfig::defaults(), &Overrides::default()).unwrap();
        let paths = Paths::new(
            vec!["A.md".into(), "B.md".into(), "Sub/C.md".into()],
            vec!["pic.png".into()],
        );
        let text = "See [[B]], [[B|again]], [[C]], [[A]], [[#Local]], ![[pic.png]], [[Gone]], [[Gone.md]].\n\n%% [[Hidden]] %%\n\n*Updated 2026-01-02*\n";
        let note = Note::parse("A.md", text, &settings.parse);
        let f = facts_of(&settings, &note, &paths);
        assert_eq!(f.links, 8);
        assert_eq!(f.links_to, vec!["B.md", "Sub/C.md"]);
        assert_eq!(f.attachments, 1);
        assert_eq!(f.missing, vec!["Gone"]);
        assert_eq!(f.updated, Some(jiff::civil::date(2026, 1, 2)));
        assert!(f.schemas.is_empty());
    }

    #[test]
    fn schema_requirements_are_recorded_in_order() {
        let settings = settings(
            "schemas:\n  - name: actor\n    folders: [Actors]\n    required-fields: [aliases, url]\n    required-sections: [Quick stats, Related]\n",
        );
        let paths = Paths::new(vec!["Actors/X.md".into()], vec![]);
        let text = "---\naliases: [X]\nurl: \"\"\n---\n# X\n\n## Related\n";
        let note = Note::parse("Actors/X.md", text, &settings.parse);
        let f = facts_of(&settings, &note, &paths);
        assert_eq!(f.schemas, vec![(0, vec![true, false], vec![false, true])]);
        let other = Note::parse("Elsewhere.md", text, &settings.parse);
        assert!(facts_of(&settings, &other, &paths).schemas.is_empty());
    }
}
