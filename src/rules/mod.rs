//! The rule interface and the registry of every rule.
//!
//! A rule owns facts: it looks at a note (and the vault index) and says which span is wrong,
//! why, and what to do. The engine owns policy: severity, selection, order. Adding a rule
//! means one file here, one line in [`REGISTRY`], one doc in `rules/`.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::finding::{Diagnostic, Severity};
use crate::index::{Paths, Resolution, VaultIndex};
use crate::model::Note;
use crate::vault::changes::Revision;

mod ambiguous_link;
mod broken_anchor;
mod broken_link;
mod conflicting_dates;
mod date_not_bumped;
mod empty_section;
mod forbidden_field;
mod frontmatter_error;
mod future_date;
mod inconsistent_figure;
mod invalid_date;
mod invalid_field;
mod misplaced_note;
mod missing_date;
mod missing_field;
mod missing_section;
mod stale_date;
mod sum_mismatch;
mod table_needs_blank_line;
mod unescaped_table_pipe;
pub mod unlinked_mention;
pub mod unreadable_note;
pub mod unused_suppression;

pub mod fixes;
pub mod settings;

pub use inconsistent_figure::stated_figures;

use settings::Settings;

/// What a note-local check sees besides the note. Note-local checks run as each note is
/// parsed, before the vault is indexed, so they cannot look at other notes; they can look up
/// the vault's note paths and names, known from the walk before any note is read.
pub struct NoteContext<'a> {
    pub settings: &'a Settings,
    /// The vault's paths: which names are notes (`None` when no vault is known).
    pub paths: Option<&'a Paths>,
    /// With `--changed-since`: how the note changed since the revision, when it existed
    /// there and was modified.
    pub revision: Option<Revision>,
}

/// What a check across notes sees: the index of the whole vault.
pub struct Context<'a> {
    pub index: &'a VaultIndex,
    pub settings: &'a Settings,
    /// Where the links of the note being checked lead, resolved once for every rule.
    resolved: OnceCell<(Arc<str>, Vec<Resolution>)>,
}

impl<'a> Context<'a> {
    pub fn new(index: &'a VaultIndex, settings: &'a Settings) -> Self {
        Context {
            index,
            settings,
            resolved: OnceCell::new(),
        }
    }

    /// Where each of `note.links` leads, in order (a link to the note itself leads to it).
    /// Several rules resolve the same links: the first call resolves them for all, when the
    /// context is the note's own (one per note); otherwise they are resolved again.
    pub fn resolutions(&self, note: &Note) -> Cow<'_, [Resolution]> {
        let resolve = || -> Vec<Resolution> {
            let from_id = self.index.note_id(&note.path);
            // A link leads where its path does: a path the note writes many times (a note of
            // 400,000 links to one name) is resolved once.
            let mut seen: HashMap<&str, Resolution> = HashMap::new();
            note.links
                .iter()
                .map(|link| {
                    seen.entry(link.path.as_str())
                        .or_insert_with(|| match from_id {
                            Some(id) => self.index.link_target(link, id, &note.path),
                            None => self.index.resolve(&link.path, &note.path),
                        })
                        .clone()
                })
                .collect()
        };
        let (path, resolved) = self
            .resolved
            .get_or_init(|| (Arc::clone(&note.path), resolve()));
        if *path == note.path {
            Cow::Borrowed(resolved)
        } else {
            Cow::Owned(resolve())
        }
    }
}

/// A diagnostic a vault-wide check attaches to one note (by index in `VaultIndex::notes`).
pub type NoteDiagnostic = (usize, Diagnostic);

/// One lint rule, built from its config options.
pub trait Rule: Send + Sync {
    /// Checks one note on its own, right after it is parsed. Most rules need only this.
    fn check_note(&self, _cx: &NoteContext<'_>, _note: &Note, _out: &mut Vec<Diagnostic>) {}

    /// Checks one note against the vault, once every note is indexed (links, say). The note
    /// holds its index model only (see [`Note::keep_for_index`]): path, names, headings,
    /// block ids, links (in comments too), directives and quoted figures. Of its links, only
    /// those still open are left: a link without an anchor that leads to exactly one note or
    /// attachment was settled, and dropped, as the note was parsed.
    fn check_links(&self, _cx: &Context<'_>, _note: &Note, _out: &mut Vec<Diagnostic>) {}

    /// Checks across notes, after every note was parsed (cross-note figures, say). `reported`
    /// tells which notes findings may be attached to.
    fn check_vault(&self, _cx: &Context<'_>, _reported: &[bool], _out: &mut Vec<NoteDiagnostic>) {}
}

/// A rule's fixed description.
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line for `vaultlint rules`.
    pub summary: &'static str,
    /// The rule's page from `rules/<id>.md`, for `vaultlint explain`.
    pub doc: &'static str,
    /// Builds the rule from its options (the rule's config map without `severity`).
    pub build: fn(&Value) -> Result<Box<dyn Rule>, String>,
}

/// Every rule, in the order `vaultlint rules` lists them.
pub static REGISTRY: &[&RuleMeta] = &[
    &broken_link::META,
    &broken_anchor::META,
    &ambiguous_link::META,
    &unescaped_table_pipe::META,
    &unlinked_mention::META,
    &table_needs_blank_line::META,
    &stale_date::META,
    &future_date::META,
    &invalid_date::META,
    &conflicting_dates::META,
    &missing_date::META,
    &inconsistent_figure::META,
    &sum_mismatch::META,
    &frontmatter_error::META,
    &missing_section::META,
    &missing_field::META,
    &forbidden_field::META,
    &misplaced_note::META,
    &invalid_field::META,
    &empty_section::META,
    &date_not_bumped::META,
    &unused_suppression::META,
    &unreadable_note::META,
];

/// The rules that run only when the config or `--select` turns them on.
static OFF_BY_DEFAULT: &[&str] = &[unlinked_mention::ID];

/// False for a rule that runs only when the config or `--select` turns it on.
pub fn is_on_by_default(id: &str) -> bool {
    !OFF_BY_DEFAULT.contains(&id)
}

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    REGISTRY.iter().copied().find(|m| m.id == id)
}

/// Deserialises a rule's options, naming the first unknown or mistyped option in the error.
pub fn options<T: DeserializeOwned + Default>(value: &Value) -> Result<T, String> {
    match value {
        Value::Null => Ok(T::default()),
        Value::Mapping(m) if m.is_empty() => Ok(T::default()),
        v => serde_yaml::from_value(v.clone()).map_err(|e| e.to_string()),
    }
}

/// A rule without options.
pub fn no_options(value: &Value) -> Result<(), String> {
    options::<NoOptions>(value).map(|_| ())
}

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoOptions {}
