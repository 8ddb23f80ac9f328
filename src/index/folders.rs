//! The folders that hold a vault's notes and files, for hints that a link names a folder.
//!
//! Each folder is kept as its parent's id and its own folded name (lower-cased NFC, see
//! [`fold`]), never as its whole path: a chain of folders a thousand deep costs a thousand
//! names, not a thousand paths of up to a thousand names each. A path is looked up one name at
//! a time, from the root. Does not know which notes a folder holds.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use super::keytable::fold;

/// A set of folder paths, folded.
#[derive(Debug, Default)]
pub struct Folders {
    /// Folder `k + 1`: its parent's id (0 is the vault's root) and its folded name.
    folders: Vec<(u32, Box<str>)>,
    /// Folder ids by the hash of their parent's id and name.
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Folders {
    /// Adds the folders above `path` (vault-relative, `/`-separated): `a/b/c.md` adds `a` and
    /// `a/b`. Costs one lookup per name in the path.
    pub fn add_parents_of(&mut self, path: &str) {
        let folded = fold(path);
        let Some((dir, _)) = folded.rsplit_once('/') else {
            return;
        };
        let mut parent = 0;
        for name in dir.split('/') {
            parent = match self.find(parent, name) {
                Some(id) => id,
                None => self.insert(parent, name),
            };
        }
    }

    /// True when `path` (vault-relative, `/`-separated, already folded) is one of the folders.
    pub fn contains(&self, folded: &str) -> bool {
        if folded.is_empty() {
            return false;
        }
        let mut parent = 0;
        for name in folded.split('/') {
            match self.find(parent, name) {
                Some(id) => parent = id,
                None => return false,
            }
        }
        true
    }

    fn hash(&self, parent: u32, name: &str) -> u64 {
        self.hasher.hash_one((parent, name))
    }

    fn find(&self, parent: u32, name: &str) -> Option<u32> {
        self.table
            .find(self.hash(parent, name), |&id| {
                self.entry(id)
                    .is_some_and(|(p, n)| *p == parent && &**n == name)
            })
            .copied()
    }

    fn insert(&mut self, parent: u32, name: &str) -> u32 {
        self.folders.push((parent, name.into()));
        // Ids start at 1, the root being 0; a vault holds far fewer than 2^32 folders.
        let id = u32::try_from(self.folders.len()).unwrap_or(u32::MAX);
        let hash = self.hash(parent, name);
        let (folders, hasher) = (&self.folders, &self.hasher);
        self.table.insert_unique(hash, id, |&other| {
            let (p, n) = id_entry(folders, other).map_or((0, ""), |(p, n)| (*p, &**n));
            hasher.hash_one((p, n))
        });
        id
    }

    fn entry(&self, id: u32) -> Option<&(u32, Box<str>)> {
        id_entry(&self.folders, id)
    }
}

fn id_entry(folders: &[(u32, Box<str>)], id: u32) -> Option<&(u32, Box<str>)> {
    folders.get(usize::try_from(id).ok()?.checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_folder_above_a_path_and_nothing_else() {
        let mut folders = Folders::default();
        for path in ["Projects/Alpha/Roadmap.md", "Projects/Beta/x.png", "Top.md"] {
            folders.add_parents_of(path);
        }
        assert_eq!(folders.folders.len(), 3);
        for yes in ["projects", "projects/alpha", "projects/beta"] {
            assert!(folders.contains(yes), "{yes}");
        }
        for no in [
            "",
            "alpha",
            "projects/",
            "projects//alpha",
            "projects/alpha/roadmap.md",
            "top.md",
            "Projects",
        ] {
            assert!(!folders.contains(no), "{no}");
        }
    }

    #[test]
    fn names_are_folded() {
        let mut folders = Folders::default();
        folders.add_parents_of("Caf\u{e9}/\u{c9}T\u{c9}/n.md");
        folders.add_parents_of("Cafe\u{301}/x.md");
        assert_eq!(
            folders.folders.len(),
            2,
            "one folder whatever its normal form"
        );
        assert!(folders.contains(&fold("CAFÉ/été")));
    }

    /// Issue 26: a chain of folders a thousand deep is a thousand short names.
    #[test]
    fn issue_26_a_deep_chain_keeps_one_name_per_folder() {
        let mut folders = Folders::default();
        let chain = vec!["d"; 1000].join("/");
        folders.add_parents_of(&format!("{chain}/n.md"));
        folders.add_parents_of(&format!("{chain}/m.md"));
        assert_eq!(folders.folders.len(), 1000);
        let held: usize = folders.folders.iter().map(|(_, n)| n.len()).sum();
        assert_eq!(held, 1000);
        assert!(folders.contains(&chain));
        assert!(!folders.contains(&format!("{chain}/d")));
    }
}
