//! Placeholders: links to notes that are not written yet, on purpose.
//!
//! Obsidian lets a vault link to a note before it exists; many vaults rely on it. A missing
//! target is a placeholder when it is a wikilink-style link to a note (not an attachment such
//! as `![[chart.png]]`), is not an alias of an existing note, and is not close enough to any
//! note name or alias to get a "did you mean" suggestion: `[[Gogle]]` is a typo of `Google`,
//! `[[Quantum Networking]]` is a note waiting to be written. Owns that judgement and the
//! vault-wide list behind `vaultlint placeholders`; reporting stays with `broken-link`, and the
//! table people read is the report's.

use std::collections::BTreeMap;

use super::{Resolution, VaultIndex, fold};
use crate::model::Link;

/// One placeholder target and the links that want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The target as first written (in path order).
    pub target: String,
    /// Links to it, all notes together.
    pub links: usize,
    /// The notes linking to it, sorted, each once.
    pub from: Vec<String>,
}

/// True when `link`, whose target matches nothing, names a note not written yet rather than
/// a misspelt one.
pub fn is_placeholder(index: &VaultIndex, link: &Link) -> bool {
    if !link.kind.is_wiki_style() || (link.kind.is_embed() && has_extension(&link.path)) {
        return false;
    }
    if index.note_with_alias(&link.path).is_some() {
        return false;
    }
    let wanted = link.path.rsplit('/').next().unwrap_or(&link.path);
    let wanted = wanted.strip_suffix(".md").unwrap_or(wanted);
    !index.has_close_name(wanted)
}

/// Every placeholder target linked from the notes `reported` accepts, most-wanted first
/// (then by name). Targets that differ only in case or Unicode form are one target.
pub fn list(index: &VaultIndex, reported: impl Fn(&str) -> bool) -> Vec<Wanted> {
    let mut by_key: BTreeMap<String, Wanted> = BTreeMap::new();
    let mut judged: BTreeMap<String, bool> = BTreeMap::new();
    for note in index.notes().iter().filter(|n| reported(&n.path)) {
        for link in &note.links {
            if link.is_same_note() {
                continue;
            }
            if !matches!(index.resolve(&link.path, &note.path), Resolution::Missing) {
                continue;
            }
            let key = fold(link.path.strip_suffix(".md").unwrap_or(&link.path));
            let is_placeholder = *judged
                .entry(key.clone())
                .or_insert_with(|| is_placeholder(index, link));
            if !is_placeholder {
                continue;
            }
            let wanted = by_key.entry(key).or_insert_with(|| Wanted {
                target: link.path.clone(),
                links: 0,
                from: Vec::new(),
            });
            wanted.links += 1;
            if !wanted.from.iter().any(|p| **p == *note.path) {
                wanted.from.push(note.path.to_string());
            }
        }
    }
    let mut out: Vec<Wanted> = by_key.into_values().collect();
    for w in &mut out {
        w.from.sort();
    }
    out.sort_by(|a, b| {
        b.links
            .cmp(&a.links)
            .then_with(|| fold(&a.target).cmp(&fold(&b.target)))
    });
    out
}

/// `name.ext` with a short extension: an attachment, not a note.
fn has_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && !ext.is_empty() && ext.len() <= 5 && !ext.contains(' ')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::ParseOptions;
    use crate::model::Note;

    fn index(notes: &[(&str, &str)]) -> VaultIndex {
        let notes = notes
            .iter()
            .map(|(p, t)| Note::parse(*p, t, &ParseOptions::default()))
            .collect();
        VaultIndex::new(notes, vec!["img/chart.png".into()])
    }

    #[test]
    fn placeholders_and_typos() {
        let idx = index(&[
            ("Google.md", "# Google\n"),
            ("NVIDIA.md", "---\naliases: [Team Green]\n---\n"),
            (
                "A.md",
                "[[Gogle]] [[NVDIA]] [[Team Green]] [[Quantum Networking]] ![[missing.png]] [x](Nowhere.md) ![[Future Embed]] [[Team Gren]]",
            ),
        ]);
        let a = idx.note(idx.note_id("A.md").unwrap()).unwrap();
        let got: Vec<(&str, bool)> = a
            .links
            .iter()
            .map(|l| (l.path.as_str(), is_placeholder(&idx, l)))
            .collect();
        assert_eq!(
            got,
            [
                ("Gogle", false),
                ("NVDIA", false),
                ("Team Green", false),
                ("Quantum Networking", true),
                ("missing.png", false),
                ("Nowhere.md", false),
                ("Future Embed", true),
                ("Team Gren", false),
            ]
        );
    }

    #[test]
    fn list_counts_links_most_wanted_first() {
        let idx = index(&[
            ("B.md", "[[Later]] [[Soon]] [[later]]"),
            ("A.md", "[[Later]] [[Soon]] [[Gogle]]"),
            ("C.md", "[[Soon]] [[Zebra Crossing]]"),
            ("Google.md", ""),
            ("Templates/T.md", "[[Soon]] [[Template Only]]"),
        ]);
        let got = list(&idx, |p| !p.starts_with("Templates/"));
        let rows: Vec<(&str, usize, Vec<&str>)> = got
            .iter()
            .map(|w| {
                (
                    w.target.as_str(),
                    w.links,
                    w.from.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Later", 3, vec!["A.md", "B.md"]),
                ("Soon", 3, vec!["A.md", "B.md", "C.md"]),
                ("Zebra Crossing", 1, vec!["C.md"]),
            ]
        );
    }
}
