//! Ids looked up by a folded key (lower-cased NFC, see [`fold`]) that the table
//! does not store. The caller derives an id's key from what it already holds, a path or a
//! name, so each of a vault's hundred thousand keys costs a few bytes in the table instead
//! of a string of its own.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};
use unicode_normalization::UnicodeNormalization;

/// Lower-cased NFC form used for every name and path comparison.
pub fn fold(s: &str) -> String {
    // Most names are ASCII or already composed: skip the normalisation pass for them.
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else if unicode_normalization::is_nfc_quick(s.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        s.to_lowercase()
    } else {
        s.nfc().collect::<String>().to_lowercase()
    }
}

/// A multimap from folded keys to `u32` ids. Several ids may share a key; lookups compare
/// the caller's key of every id whose hash matches, so hash collisions never mix keys up.
#[derive(Debug, Default)]
pub struct KeyTable {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl KeyTable {
    /// An empty table with room for `capacity` ids.
    pub fn with_capacity(capacity: usize) -> Self {
        KeyTable {
            table: HashTable::with_capacity(capacity),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// Adds `id` under `key`, already folded. `key_of` gives the folded key of an id that is
    /// in the table: the table calls it when it grows beyond the room it was made with.
    pub fn insert<'k>(&mut self, key: &str, id: u32, key_of: impl Fn(u32) -> Cow<'k, str>) {
        let hash = self.hasher.hash_one(key);
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, id, |&other| hasher.hash_one(key_of(other).as_ref()));
    }

    /// The ids under `key`, already folded, for which `is_key` holds: `is_key(id)` must tell
    /// whether the id's own key is `key` (see [`folds_to`]).
    pub fn get<'t>(
        &'t self,
        key: &str,
        is_key: impl Fn(u32) -> bool + 't,
    ) -> impl Iterator<Item = u32> + 't {
        self.table
            .iter_hash(self.hasher.hash_one(key))
            .copied()
            .filter(move |&id| is_key(id))
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// True when `raw` folds to `folded` (an output of [`fold`]), without building the folded
/// form of an ASCII `raw`.
pub fn folds_to(raw: &str, folded: &str) -> bool {
    if raw.is_ascii() {
        // Lower-casing ASCII keeps the length and touches nothing else.
        raw.eq_ignore_ascii_case(folded)
    } else {
        fold(raw) == folded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(names: &[&str], id: u32) -> Cow<'static, str> {
        Cow::Owned(fold(names[id as usize]))
    }

    #[test]
    fn finds_every_id_of_a_key_and_no_other() {
        let names = ["Alpha", "beta", "ALPHA", "Gamma"];
        let mut table = KeyTable::with_capacity(1);
        for (id, name) in names.iter().enumerate() {
            table.insert(&fold(name), id as u32, |id| key(&names, id));
        }
        assert_eq!(table.len(), 4);
        let mut alpha: Vec<u32> = table
            .get("alpha", |id| folds_to(names[id as usize], "alpha"))
            .collect();
        alpha.sort_unstable();
        assert_eq!(alpha, [0, 2]);
        assert_eq!(
            table
                .get("gamma", |id| folds_to(names[id as usize], "gamma"))
                .collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(
            table
                .get("delta", |id| folds_to(names[id as usize], "delta"))
                .count(),
            0
        );
        assert_eq!(
            table
                .get("beta", |id| folds_to(names[id as usize], "beta"))
                .collect::<Vec<_>>(),
            [1]
        );
    }

    #[test]
    fn a_key_matching_every_hash_still_needs_its_own_name() {
        // `get` trusts `is_key`, not the hash: an id whose key differs is never returned.
        let names = ["one", "two"];
        let mut table = KeyTable::with_capacity(2);
        for (id, name) in names.iter().enumerate() {
            table.insert(name, id as u32, |id| key(&names, id));
        }
        assert_eq!(table.get("one", |_| false).count(), 0);
    }

    #[test]
    fn folding_compares_case_and_normal_form() {
        assert!(folds_to("Hugging Face.md", "hugging face.md"));
        assert!(!folds_to("Hugging Face.md", "hugging face"));
        // Decomposed é against the folded composed form.
        assert!(folds_to("Cafe\u{301}", &fold("Café")));
        assert!(folds_to("ÉCOLE", "école"));
        assert!(!folds_to("ecole", "école"));
    }
}
