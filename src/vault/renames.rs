//! Notes renamed since a git revision, as git pairs them (`git diff -M`): for `broken-link`'s
//! fix of a link that names a note by its old name.
//!
//! Only renames git itself detects are kept (a deletion and an addition it does not pair are
//! none); `changes.rs` reads them from the same diff as every other change.

use crate::index::fold;

/// Note renames since the revision: old vault path, new vault path.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Renames(Vec<(String, String)>);

impl Renames {
    /// Records that the note at `from` is at `to` now (both vault paths of notes).
    pub fn push(&mut self, from: String, to: String) {
        self.0.push((from, to));
    }

    /// The path now of the one note renamed away from what `written` names: its old path or
    /// its old name, `.md` optional, case and Unicode form ignored. `None` when no rename, or
    /// more than one, matches.
    pub fn renamed_to(&self, written: &str) -> Option<&str> {
        let written = written.trim();
        let wanted = fold(written.strip_suffix(".md").unwrap_or(written));
        if wanted.is_empty() {
            return None;
        }
        let by_path = !wanted.contains('/');
        let mut found = self.0.iter().filter(|(from, _)| {
            let old = fold(from.strip_suffix(".md").unwrap_or(from));
            let name = old.rsplit('/').next().unwrap_or(&old);
            old == wanted || (by_path && name == wanted)
        });
        let (_, to) = found.next()?;
        found.next().is_none().then_some(to.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_or_path_matches_one_rename() {
        let mut renames = Renames::default();
        renames.push("People/Ada.md".into(), "People/Ada Lovelace.md".into());
        renames.push("A/Index.md".into(), "A/Home.md".into());
        renames.push("B/Index.md".into(), "B/Home.md".into());
        assert_eq!(renames.renamed_to("ada"), Some("People/Ada Lovelace.md"));
        assert_eq!(
            renames.renamed_to("People/Ada.md"),
            Some("People/Ada Lovelace.md")
        );
        // Two notes named `Index` were renamed: no one answer.
        assert_eq!(renames.renamed_to("Index"), None);
        assert_eq!(renames.renamed_to("B/Index"), Some("B/Home.md"));
        assert_eq!(renames.renamed_to("Other/Ada"), None);
        assert_eq!(renames.renamed_to(""), None);
    }
}
