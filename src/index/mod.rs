//! The vault index, and the one link resolver every rule uses.
//!
//! Built in two steps: [`Paths`] from the walk's note and attachment paths, before any note is
//! read (all that resolving needs), then the [`VaultIndex`] from the parsed notes (aliases,
//! anchors, names to suggest). Resolution follows Obsidian's observed behaviour:
//! 1. `./` and `../` resolve against the source note's folder; leaving the vault is an error;
//! 2. an exact vault path wins (as written, then with `.md` added);
//! 3. otherwise every file whose path ends with `/target` (or `/target.md`) is a candidate;
//! 4. among several, the source note's own folder wins, then the shortest path.
//!
//! Matching ignores case and Unicode normalisation form. Only `.md` may be omitted from a
//! target. Aliases never resolve a link; they are indexed for suggestions only. Lookups are
//! hash-map probes, never a scan of the vault.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use unicode_normalization::UnicodeNormalization;

use crate::model::{Anchor, Chain, Link, Note};
use folders::Folders;
use keytable::{KeyTable, folds_to};
use suggest::{NameTable, Suggestion};

mod folders;
pub mod keytable;
pub mod placeholder;
pub mod suggest;

pub use keytable::fold;

/// A file a link can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Note(usize),
    File(usize),
}

/// Where a link's path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A note; `others` holds further notes of the same name when the choice was ambiguous
    /// (no folder in the target, several matches, none in the source's folder).
    Note { id: usize, others: Vec<usize> },
    /// An attachment.
    File(usize),
    /// Nothing of that name or path.
    Missing,
    /// A relative path that climbs above the vault root.
    OutsideVault,
}

/// What a suggested name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameOf {
    /// A note, by its name.
    Note(usize),
    /// A note, by one of its aliases.
    Alias(usize),
    /// An attachment, by its file name.
    File(usize),
}

/// Whether an anchor exists in the resolved note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorCheck {
    Found,
    /// The heading of the chain that was not found (the first missing one).
    MissingHeading(String),
    MissingBlock(String),
}

/// Names, paths, aliases and anchors of every note and attachment in the vault.
#[derive(Debug, Default)]
pub struct VaultIndex {
    notes: Vec<Note>,
    /// Where every note and attachment is: all that resolving a link needs.
    paths: Paths,
    /// Every alias, as (hash of its lower-cased NFC form, note id, index among the note's
    /// aliases), sorted: a few integers per alias, where a map of strings would hold
    /// several allocations each.
    by_alias: Vec<(u64, u32, u32)>,
    /// Note names, aliases and attachment names, for "did you mean" suggestions.
    suggestions: NameTable<NameOf>,
    /// Per note: heading keys (see [`heading_key`]) with levels, and block ids (lower-cased).
    anchors: Vec<NoteAnchors>,
    /// Per note whose headings a broken anchor asked for: what finds the help among them,
    /// made once however many links miss a heading of that note.
    heading_hints: Mutex<HashMap<usize, Option<Arc<HeadingHints>>>>,
}

/// The paths of a vault's notes and attachments, indexed for resolving links. Known from
/// the walk alone, before any note is read.
#[derive(Debug, Default)]
pub struct Paths {
    /// Note paths, by note id, shared with the notes' models and findings.
    notes: Vec<Arc<str>>,
    files: Vec<String>,
    /// Lower-cased NFC path (extension included) → target, packed (see [`Packed`]), for the
    /// paths in a folder.
    by_path: KeyTable,
    /// The same for the paths at the vault's root. Most links name a note without a folder,
    /// and only a root path can match them: this small table answers them from the cache.
    by_root_path: KeyTable,
    /// Lower-cased NFC name → targets, packed. Notes by name without `.md`; attachments by
    /// full file name.
    by_name: KeyTable,
    /// The same name after its parent folder's name (`deals/acme`), for the targets in a
    /// folder: a link that names a folder (`[[Deals/Acme]]`) finds its candidates here when
    /// many targets share the name.
    by_parent_name: KeyTable,
    /// Lower-cased NFC file name without its extension → attachments, for "only `.md` may
    /// be left out" hints.
    by_stem: HashMap<String, Vec<usize>>,
    /// The folders holding notes or files: folders are not link targets, but a hint can say so.
    folders: Folders,
}

/// A note's anchors, as 64-bit hashes of their keys: two notes in three of a large vault
/// are held as this model only, and hashes keep it a fraction of the heading texts' size.
/// Two different keys share a hash with a chance of about one in 2^61 (headings) or 2^64.
#[derive(Debug, Default)]
pub struct NoteAnchors {
    /// Heading keys (see [`heading_key`]) with levels.
    /// Each packed in one word (see [`HeadingKey`]).
    headings: Box<[HeadingKey]>,
    /// GitHub slugs of the headings.
    slugs: Box<[u64]>,
    /// Block ids, lower-cased.
    blocks: Box<[u64]>,
    /// The heading texts, in order, joined by NUL, for the help of a link that misses one
    /// (`None` for a note without headings).
    texts: Option<Box<str>>,
    /// The same hashes sorted, for a note with many anchors: each link into it is then
    /// answered by binary search, not by a scan (a note of 400,000 headings linking each to
    /// the next was quadratic). `None` for the many notes with few anchors.
    sorted: Option<Box<SortedAnchors>>,
}

/// [`NoteAnchors`] sorted for lookup.
#[derive(Debug, Default)]
struct SortedAnchors {
    /// Heading key hashes, without levels.
    keys: Box<[u64]>,
    slugs: Box<[u64]>,
    blocks: Box<[u64]>,
}

/// How many anchors a note has before they are also kept sorted.
const SORTED_FROM: usize = 32;

impl SortedAnchors {
    fn of(headings: &[HeadingKey], slugs: &[u64], blocks: &[u64]) -> Option<Box<SortedAnchors>> {
        if headings.len() + blocks.len() <= SORTED_FROM {
            return None;
        }
        let sorted = |mut v: Vec<u64>| {
            v.sort_unstable();
            v.into_boxed_slice()
        };
        Some(Box::new(SortedAnchors {
            keys: sorted(headings.iter().map(|h| h.0 & HeadingKey::HASH).collect()),
            slugs: sorted(slugs.to_vec()),
            blocks: sorted(blocks.to_vec()),
        }))
    }
}

impl NoteAnchors {
    /// Whether a block id's hash is among the note's.
    fn has_block(&self, hash: u64) -> bool {
        match &self.sorted {
            Some(s) => s.blocks.binary_search(&hash).is_ok(),
            None => self.blocks.contains(&hash),
        }
    }

    /// Whether a GitHub slug's hash is among the note's.
    fn has_slug(&self, hash: u64) -> bool {
        match &self.sorted {
            Some(s) => s.slugs.binary_search(&hash).is_ok(),
            None => self.slugs.contains(&hash),
        }
    }

    /// Whether `#A#B…` leads to a heading: one heading by lookup, a chain by a walk.
    fn check_chain(&self, chain: &Chain) -> AnchorCheck {
        if let (Some(s), Some(one)) = (&self.sorted, chain.single()) {
            let key = heading_key_hash(one) & HeadingKey::HASH;
            return if s.keys.binary_search(&key).is_ok() {
                AnchorCheck::Found
            } else {
                AnchorCheck::MissingHeading(one.to_string())
            };
        }
        walk_chain(&self.headings, chain)
    }
}

impl NoteAnchors {
    /// The anchors of a note: its headings' keys and slugs, and its block ids.
    pub fn of(note: &Note) -> Self {
        let headings: Box<[HeadingKey]> = note
            .headings
            .iter()
            .map(|h| HeadingKey::new(h.level, heading_key_hash(&h.text)))
            .collect();
        let slugs: Box<[u64]> = note.headings.iter().map(|h| slug_hash(&h.text)).collect();
        let blocks: Box<[u64]> = note
            .block_ids
            .iter()
            .map(|b| key_hash(&b.id.to_lowercase()))
            .collect();
        let texts = (!note.headings.is_empty()).then(|| {
            let texts: Vec<&str> = note.headings.iter().map(|h| h.text.as_str()).collect();
            texts.join("\0").into_boxed_str()
        });
        NoteAnchors {
            sorted: SortedAnchors::of(&headings, &slugs, &blocks),
            headings,
            slugs,
            blocks,
            texts,
        }
    }
}

/// A heading's level (3 bits: 1 to 6) and the hash of its key (the other 61 bits), in one
/// word: a large vault holds millions of headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeadingKey(u64);

impl HeadingKey {
    const HASH: u64 = (1 << 61) - 1;

    fn new(level: u8, hash: u64) -> Self {
        HeadingKey((u64::from(level.min(7)) << 61) | (hash & Self::HASH))
    }

    fn level(self) -> u8 {
        u8::try_from(self.0 >> 61).unwrap_or(u8::MAX)
    }

    /// Whether two headings have the same key, whatever their levels.
    fn same_key(self, other: HeadingKey) -> bool {
        self.0 & Self::HASH == other.0 & Self::HASH
    }
}

/// The hash an anchor key is held and compared as. Fixed, so runs agree.
fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    /// One fixed seed: a key hashes the same on every run and every machine.
    const STATE: foldhash::quality::FixedState =
        foldhash::quality::FixedState::with_seed(0x7661_756c_746c_696e);
    STATE.hash_one(key)
}

impl VaultIndex {
    /// Builds the index. `notes` and `files` must be sorted by path (discovery does that), so
    /// ties between candidates break the same way on every run.
    pub fn new(notes: Vec<Note>, files: Vec<String>) -> Self {
        let paths = Paths::new(notes.iter().map(|n| n.path.to_string()).collect(), files);
        let anchors = notes.iter().map(NoteAnchors::of).collect();
        VaultIndex::with_paths(paths, notes, anchors)
    }

    /// Builds the index from the vault's paths and its notes, parsed, with their anchors:
    /// `notes` must be the notes of `paths`, in the same order (a mismatch indexes the notes'
    /// own paths instead), and `anchors` theirs (a mismatch takes them from the notes).
    pub fn with_paths(paths: Paths, notes: Vec<Note>, anchors: Vec<NoteAnchors>) -> Self {
        let same = paths.notes.len() == notes.len()
            && paths.notes.iter().zip(&notes).all(|(p, n)| *p == n.path);
        let paths = if same {
            paths
        } else {
            Paths::new(
                notes.iter().map(|n| n.path.to_string()).collect(),
                paths.files,
            )
        };
        let anchors = if anchors.len() == notes.len() {
            anchors
        } else {
            notes.iter().map(NoteAnchors::of).collect()
        };
        let mut index = VaultIndex {
            paths,
            anchors,
            ..VaultIndex::default()
        };
        for (id, note) in notes.iter().enumerate() {
            for (k, alias) in note.aliases.iter().enumerate() {
                if let (Ok(id), Ok(k)) = (u32::try_from(id), u32::try_from(k)) {
                    index.by_alias.push((key_hash(&fold(alias.trim())), id, k));
                }
            }
        }
        let files = &index.paths.files;
        let names = notes
            .iter()
            .enumerate()
            .flat_map(|(id, note)| {
                let aliases = note
                    .aliases
                    .iter()
                    .map(move |a| (a.trim(), NameOf::Alias(id)));
                std::iter::once((note.name(), NameOf::Note(id))).chain(aliases)
            })
            .chain(
                files
                    .iter()
                    .enumerate()
                    .map(|(id, path)| (path.rsplit('/').next().unwrap_or(path), NameOf::File(id))),
            );
        index.suggestions = NameTable::from_names(names);
        index.by_alias.sort_unstable();
        index.by_alias.shrink_to_fit();
        index.notes = notes;
        index
    }

    /// Where every note and attachment is.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Swaps note `id` for `note`, the same file parsed further or edited, and its anchors.
    /// Its aliases must be unchanged (they are indexed for suggestions); a note at another
    /// path is refused.
    pub fn reindex_note(&mut self, id: usize, note: Note, anchors: NoteAnchors) {
        if let (Some(slot), Some(held)) = (self.notes.get_mut(id), self.anchors.get_mut(id))
            && slot.path == note.path
        {
            *slot = note;
            *held = anchors;
            self.heading_hints
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
        }
    }

    /// Takes the index apart: its notes, their anchors and the attachment paths, to build it
    /// again ([`VaultIndex::with_paths`]) around an edit that moves notes or renames them.
    pub fn into_parts(self) -> (Vec<Note>, Vec<NoteAnchors>, Vec<String>) {
        (self.notes, self.anchors, self.paths.files)
    }

    pub fn file(&self, id: usize) -> Option<&str> {
        self.paths.file(id)
    }

    /// The id of the note at exactly this vault path.
    pub fn note_id(&self, path: &str) -> Option<usize> {
        self.paths.note_id(path)
    }

    /// Resolves a link's path written in note `from` (see the module docs).
    pub fn resolve(&self, path: &str, from: &str) -> Resolution {
        self.paths.resolve(path, from)
    }

    /// Attachments whose file name without its extension is `stem`.
    pub fn files_with_stem(&self, stem: &str) -> &[usize] {
        self.paths.files_with_stem(stem)
    }

    /// True when `path` (vault-relative) is a folder holding notes or files.
    pub fn is_folder(&self, path: &str) -> bool {
        self.paths.is_folder(path)
    }

    /// The shortest way to write a link from `from` that opens note `id` and nothing else.
    pub fn unambiguous_target(&self, id: usize, from: &str) -> String {
        self.paths.unambiguous_target(id, from)
    }

    /// The vault path of a suggested name's note or file.
    pub fn name_path(&self, of: NameOf) -> &str {
        self.paths.name_path(of)
    }

    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    pub fn note(&self, id: usize) -> Option<&Note> {
        self.notes.get(id)
    }

    /// Swaps note `id` for `note`, the same file parsed again (whole, say). What the index
    /// keeps of a note (its path, name, aliases, headings, block ids) must be unchanged; a
    /// note at another path is refused.
    pub fn replace_note(&mut self, id: usize, note: Note) {
        if let Some(slot) = self.notes.get_mut(id)
            && slot.path == note.path
        {
            *slot = note;
        }
    }

    /// The first note (in path order) having `alias` (case-insensitive).
    pub fn note_with_alias(&self, alias: &str) -> Option<usize> {
        let wanted = fold(alias.trim());
        let hash = key_hash(&wanted);
        let start = self.by_alias.partition_point(|(h, _, _)| *h < hash);
        self.by_alias
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|(h, _, _)| *h == hash)
            .map(|(_, id, k)| (*id as usize, *k as usize))
            .find(|(id, k)| {
                self.notes
                    .get(*id)
                    .and_then(|n| n.aliases.get(*k))
                    .is_some_and(|a| fold(a.trim()) == wanted)
            })
            .map(|(id, _)| id)
    }

    /// The one note having `alias` (case-insensitive), when exactly one note has it.
    pub fn only_note_with_alias(&self, alias: &str) -> Option<usize> {
        let wanted = fold(alias.trim());
        let hash = key_hash(&wanted);
        let start = self.by_alias.partition_point(|(h, _, _)| *h < hash);
        let mut owners = self
            .by_alias
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|(h, _, _)| *h == hash)
            .map(|(_, id, k)| (*id as usize, *k as usize))
            .filter(|(id, k)| {
                self.notes
                    .get(*id)
                    .and_then(|n| n.aliases.get(*k))
                    .is_some_and(|a| fold(a.trim()) == wanted)
            })
            .map(|(id, _)| id);
        let first = owners.next()?;
        owners.all(|id| id == first).then_some(first)
    }

    /// Checks a link's anchor against note `id`. `markdown_slugs` also accepts GitHub-style
    /// slugs (`#revenue-model`), for markdown links.
    pub fn check_anchor(&self, id: usize, anchor: &Anchor, markdown_slugs: bool) -> AnchorCheck {
        let Some(anchors) = self.anchors.get(id) else {
            return AnchorCheck::Found;
        };
        match anchor {
            Anchor::Block(block) => {
                if anchors.has_block(key_hash(&block.to_lowercase())) {
                    AnchorCheck::Found
                } else {
                    AnchorCheck::MissingBlock(block.to_string())
                }
            }
            Anchor::Heading(chain) => {
                if markdown_slugs
                    && let Some(one) = chain.single()
                    && anchors.has_slug(key_hash(&one.to_lowercase()))
                {
                    return AnchorCheck::Found;
                }
                anchors.check_chain(chain)
            }
        }
    }

    /// Heading texts of note `id`, in order, borrowed (none for an id that is no note).
    pub fn heading_texts(&self, id: usize) -> impl Iterator<Item = &str> {
        self.anchors
            .get(id)
            .and_then(|a| a.texts.as_deref())
            .into_iter()
            .flat_map(|t| t.split('\0'))
    }

    /// Heading texts of note `id`, for suggestions. `None` for an id that is no note.
    pub fn headings(&self, id: usize) -> Option<Vec<String>> {
        self.notes.get(id)?;
        let texts = self.anchors.get(id).and_then(|a| a.texts.as_deref());
        Some(texts.map_or_else(Vec::new, |t| t.split('\0').map(str::to_string).collect()))
    }

    /// The headings of note `id`, indexed for the help of links that miss one of them (see
    /// [`HeadingHints`]); made on first use and kept. `None` when they cannot be known.
    pub fn heading_hints(&self, id: usize) -> Option<Arc<HeadingHints>> {
        let cached = |hints: &Mutex<HashMap<usize, Option<Arc<HeadingHints>>>>| {
            hints
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&id)
                .cloned()
        };
        if let Some(known) = cached(&self.heading_hints) {
            return known;
        }
        // Made outside the lock: two threads may both make it, and one copy is kept.
        let made = self
            .headings(id)
            .map(|texts| Arc::new(HeadingHints::new(texts)));
        self.heading_hints
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id)
            .or_insert(made)
            .clone()
    }

    /// Whether any note name, alias or attachment name is close enough to `wanted` to be
    /// suggested: `closest_names(wanted, 1)` is not empty.
    pub fn has_close_name(&self, wanted: &str) -> bool {
        self.suggestions.has_close(wanted)
    }

    /// Up to `max` note names, aliases and attachment names closest to `wanted` by edit
    /// distance (exact matches included), closest first.
    pub fn closest_names(&self, wanted: &str, max: usize) -> Vec<Suggestion<'_, NameOf>> {
        self.suggestions.closest(wanted, max)
    }

    /// Up to `max` note names, aliases and attachment names equal to `wanted` but for case
    /// and Unicode form: `closest_names(wanted, max)` at distance 0, found faster.
    pub fn exact_names(&self, wanted: &str, max: usize) -> Vec<Suggestion<'_, NameOf>> {
        self.suggestions.exact(wanted, max)
    }

    /// Where a link written in note `from_id` (at vault path `from`) leads: a link to a
    /// heading of the note itself leads to that note.
    pub fn link_target(&self, link: &Link, from_id: usize, from: &str) -> Resolution {
        if link.is_same_note() {
            Resolution::Note {
                id: from_id,
                others: Vec::new(),
            }
        } else {
            self.resolve(&link.path, from)
        }
    }

    /// Resolves a link's path and, when it leads to a note, its anchor.
    pub fn resolve_link(
        &self,
        link: &Link,
        from_id: usize,
        from: &str,
    ) -> (Resolution, Option<AnchorCheck>) {
        let resolution = self.link_target(link, from_id, from);
        let anchor = match (&resolution, &link.anchor) {
            (Resolution::Note { id, .. }, Some(anchor)) => {
                Some(self.check_anchor(*id, anchor, !link.kind.is_wiki_style()))
            }
            _ => None,
        };
        (resolution, anchor)
    }
}

/// A note's heading texts, indexed for the help of a link that misses one: by key, by GitHub
/// slug, by edit distance and by words, so that each broken anchor costs about the same
/// however many headings its note has (a note of 20,000 headings and as many links to
/// missing ones was quadratic).
#[derive(Debug)]
pub struct HeadingHints {
    texts: Vec<String>,
    keys: HashSet<String>,
    /// GitHub slug → headings having it, in order.
    slugs: HashMap<String, Vec<usize>>,
    names: NameTable<usize>,
    /// Lower-cased word → headings holding it, in order.
    words: HashMap<String, Vec<usize>>,
    /// A heading's words joined by one space → headings with exactly those words, in order.
    phrases: HashMap<String, Vec<usize>>,
}

impl HeadingHints {
    pub fn new(texts: Vec<String>) -> HeadingHints {
        let mut slugs: HashMap<String, Vec<usize>> = HashMap::new();
        let mut words: HashMap<String, Vec<usize>> = HashMap::new();
        let mut phrases: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, text) in texts.iter().enumerate() {
            slugs.entry(github_slug(text)).or_default().push(i);
            let own = suggest::words(text);
            for word in &own {
                let list = words.entry(word.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            if !own.is_empty() {
                phrases.entry(own.join(" ")).or_default().push(i);
            }
        }
        HeadingHints {
            keys: texts.iter().map(|t| heading_key(t)).collect(),
            names: NameTable::from_names(texts.iter().enumerate().map(|(i, t)| (t.as_str(), i))),
            texts,
            slugs,
            words,
            phrases,
        }
    }

    /// The heading texts, in order.
    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    /// Whether a heading has this key (see [`heading_key`]).
    pub fn has_key(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// The headings whose GitHub slug is `slug`, in order.
    pub fn with_slug(&self, slug: &str) -> impl Iterator<Item = &str> {
        self.slugs
            .get(slug)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.texts.get(i).map(String::as_str))
    }

    /// What [`suggest::closest`] says of these headings.
    pub fn closest(&self, wanted: &str, max: usize) -> Vec<&str> {
        let ranked = self.names.closest(wanted, usize::MAX);
        suggest::suggestable(
            wanted,
            ranked
                .iter()
                .filter_map(|s| self.texts.get(*s.value).map(String::as_str)),
            max,
        )
    }

    /// What [`suggest::overlapping`] says of these headings: the first `max`, in order, whose
    /// words are a run of the wanted words, or hold them as a run.
    pub fn overlapping(&self, wanted: &str, max: usize) -> Vec<&str> {
        let want = suggest::words(wanted);
        if want.is_empty() || max == 0 {
            return Vec::new();
        }
        let mut found: BTreeSet<usize> = BTreeSet::new();
        // Headings that are a run of the wanted words: every run, looked up whole.
        for start in 0..want.len() {
            for end in start + 1..=want.len() {
                let run = want.get(start..end).unwrap_or(&[]).join(" ");
                found.extend(self.phrases.get(&run).into_iter().flatten().take(max));
            }
        }
        // Headings that hold the wanted words as a run: among those holding its rarest word.
        let rarest = want
            .iter()
            .map(|w| self.words.get(w).map_or(&[][..], Vec::as_slice))
            .min_by_key(|list| list.len())
            .unwrap_or(&[]);
        let holds = |i: usize| {
            self.texts.get(i).is_some_and(|t| {
                let words = suggest::words(t);
                words.windows(want.len()).any(|w| w == want.as_slice())
            })
        };
        found.extend(rarest.iter().copied().filter(|&i| holds(i)).take(max));
        found
            .into_iter()
            .take(max)
            .filter_map(|i| self.texts.get(i).map(String::as_str))
            .collect()
    }
}

impl Paths {
    /// Indexes the paths of a vault's notes and attachments. Both lists must be sorted (the
    /// walk sorts them), so ties between candidates break the same way on every run.
    pub fn new(notes: Vec<String>, files: Vec<String>) -> Self {
        let mut paths = Paths {
            notes: notes.into_iter().map(Arc::from).collect(),
            files,
            ..Paths::default()
        };
        let targets = paths.notes.len() + paths.files.len();
        let at_root = paths
            .notes
            .iter()
            .map(|p| &**p)
            .chain(paths.files.iter().map(String::as_str))
            .filter(|p| !p.contains('/'))
            .count();
        let mut by_path = KeyTable::with_capacity(targets - at_root);
        let mut by_root_path = KeyTable::with_capacity(at_root);
        let mut by_name = KeyTable::with_capacity(targets);
        let mut by_parent_name = KeyTable::with_capacity(targets - at_root);
        for (id, path) in paths.notes.iter().enumerate() {
            let packed = Packed::new(Target::Note(id));
            let table = if path.contains('/') {
                &mut by_path
            } else {
                &mut by_root_path
            };
            table.insert(&fold(path), packed.0, |t| paths.path_key(t));
            by_name.insert(&fold(note_name(path)), packed.0, |t| paths.name_key(t));
            if let Some(key) = paths.parent_name_key(packed.0) {
                by_parent_name.insert(&key, packed.0, |t| {
                    paths
                        .parent_name_key(t)
                        .map_or(Cow::Borrowed(""), Cow::Owned)
                });
            }
        }
        for (id, path) in paths.files.iter().enumerate() {
            let packed = Packed::new(Target::File(id));
            let table = if path.contains('/') {
                &mut by_path
            } else {
                &mut by_root_path
            };
            table.insert(&fold(path), packed.0, |t| paths.path_key(t));
            let name = file_name(path);
            if let Some((stem, _)) = name.rsplit_once('.')
                && !stem.is_empty()
            {
                paths.by_stem.entry(fold(stem)).or_default().push(id);
            }
            by_name.insert(&fold(name), packed.0, |t| paths.name_key(t));
            if let Some(key) = paths.parent_name_key(packed.0) {
                by_parent_name.insert(&key, packed.0, |t| {
                    paths
                        .parent_name_key(t)
                        .map_or(Cow::Borrowed(""), Cow::Owned)
                });
            }
        }
        for path in paths
            .notes
            .iter()
            .map(|p| &**p)
            .chain(paths.files.iter().map(String::as_str))
        {
            paths.folders.add_parents_of(path);
        }
        // Nearly every stem is one attachment; a vector grown by push keeps room for four.
        paths.by_stem.values_mut().for_each(Vec::shrink_to_fit);
        paths.by_path = by_path;
        paths.by_root_path = by_root_path;
        paths.by_name = by_name;
        paths.by_parent_name = by_parent_name;
        paths
    }

    /// The folded key `by_parent_name` holds a packed target under: its parent folder's name,
    /// `/`, its name. `None` for a target at the vault's root.
    fn parent_name_key(&self, packed: u32) -> Option<String> {
        let t = Packed(packed).target();
        let (parent, _) = self.target_path(t).rsplit_once('/')?;
        let folder = parent.rsplit('/').next().unwrap_or(parent);
        Some(fold(&format!("{folder}/{}", self.target_name(t))))
    }

    /// The folded key `by_path` and `by_root_path` hold a packed target under.
    fn path_key(&self, packed: u32) -> Cow<'_, str> {
        Cow::Owned(fold(self.target_path(Packed(packed).target())))
    }

    /// The folded key `by_name` holds a packed target under.
    fn name_key(&self, packed: u32) -> Cow<'_, str> {
        Cow::Owned(fold(self.target_name(Packed(packed).target())))
    }

    /// Whether target `t`'s name folds to `key` (see [`folds_to`]). An ASCII path is compared
    /// from its end, without searching it for its last `/` first: every link resolved by
    /// name checks the target it finds this way.
    fn is_named(&self, t: Target, key: &str) -> bool {
        let path = self.target_path(t);
        if !path.is_ascii() || key.contains('/') {
            return folds_to(self.target_name(t), key);
        }
        let name_end = match t {
            Target::Note(_) => path.strip_suffix(".md").unwrap_or(path),
            Target::File(_) => path,
        };
        let Some(start) = name_end.len().checked_sub(key.len()) else {
            return false;
        };
        let bytes = name_end.as_bytes();
        bytes
            .get(start..)
            .is_some_and(|name| name.eq_ignore_ascii_case(key.as_bytes()))
            && (start == 0 || bytes.get(start - 1) == Some(&b'/'))
    }

    /// The name a target is found by: a note's without `.md`, an attachment's in full.
    fn target_name(&self, t: Target) -> &str {
        match t {
            Target::Note(_) => note_name(self.target_path(t)),
            Target::File(_) => file_name(self.target_path(t)),
        }
    }

    /// The target at exactly this folded vault path.
    fn at_path(&self, key: &str) -> Option<Target> {
        let table = if key.contains('/') {
            &self.by_path
        } else {
            &self.by_root_path
        };
        if table.is_empty() {
            return None;
        }
        table
            .get(key, |t| folds_to(self.target_path(Packed(t).target()), key))
            .next()
            .map(|t| Packed(t).target())
    }

    /// Whether more than one note or attachment goes by `name` (or, for a note, by
    /// `note_name`, the name without `.md`): without counting them all.
    fn has_several_named(&self, name: &str, note_name: Option<&str>) -> bool {
        [Some(name), note_name]
            .into_iter()
            .flatten()
            .flat_map(|probe| {
                self.by_name
                    .get(probe, move |t| self.is_named(Packed(t).target(), probe))
            })
            .nth(1)
            .is_some()
    }

    /// The vault paths of the notes, by id.
    pub fn notes(&self) -> &[Arc<str>] {
        &self.notes
    }

    pub fn file(&self, id: usize) -> Option<&str> {
        self.files.get(id).map(String::as_str)
    }

    /// How many attachments the vault holds.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The id of the note at exactly this vault path.
    pub fn note_id(&self, path: &str) -> Option<usize> {
        match self.at_path(&fold(path)) {
            Some(Target::Note(id)) => Some(id),
            _ => None,
        }
    }

    /// Resolves a link path written in the note at `from` (a vault path).
    pub fn resolve(&self, path: &str, from: &str) -> Resolution {
        let path = path.trim();
        let from_folder = || from.rsplit_once('/').map_or("", |(dir, _)| dir);
        let is_relative =
            path == "." || path == ".." || path.starts_with("./") || path.starts_with("../");
        let joined;
        let target = if is_relative {
            joined = format!("{}/{path}", from_folder());
            joined.as_str()
        } else {
            // A leading `/` means the vault root.
            path.trim_start_matches('/')
        };
        let Some(normal) = normalise(target) else {
            return Resolution::OutsideVault;
        };
        if normal.is_empty() {
            return Resolution::Missing;
        }
        // The folded path with `.md` after it; most paths are short and ASCII: on the stack.
        let mut stack = [0u8; 256];
        let folded;
        let with_md = match fold_ascii_with_md(&normal, &mut stack) {
            Some(key) => key,
            None => {
                folded = fold(&normal) + ".md";
                folded.as_str()
            }
        };
        let key = with_md.strip_suffix(".md").unwrap_or(with_md);
        // 2. An exact vault path wins: as written, then with `.md`.
        if let Some(t) = self.at_path(key) {
            return self.target_resolution(t, Vec::new());
        }
        if let Some(t) = self.at_path(with_md) {
            return self.target_resolution(t, Vec::new());
        }
        if is_relative || path.starts_with('/') {
            return Resolution::Missing;
        }
        // 3. Files whose path ends with `/target` or `/target.md`.
        let (dir, name) = match key.rsplit_once('/') {
            Some((d, n)) => (Some(d), n),
            None => (None, key),
        };
        let note_name = name.strip_suffix(".md");
        // Many notes may share a name: the one in the linking note's own folder wins outright
        // (step 4), found by its path rather than by ranking every note of that name.
        if self.has_several_named(name, note_name) {
            let folder = fold(from_folder());
            // With a folder in the link (`[[Deals/Note]]`), the own folder must end with it.
            let own = match dir {
                None => true,
                Some(d) => folder == d || folder.ends_with(&format!("/{d}")),
            };
            for probe in [name, with_md.rsplit('/').next().unwrap_or(with_md)] {
                if own && let Some(t) = self.at_path(&format!("{folder}/{probe}")) {
                    return self.target_resolution(t, Vec::new());
                }
            }
        }
        // A folder in the link narrows the candidates to those under a folder of its last
        // name: looked up by that folder and the name when many targets share the name.
        let last_folder = dir
            .filter(|_| self.has_several_named(name, note_name))
            .map(|d| d.rsplit('/').next().unwrap_or(d));
        let mut candidates: Vec<Target> = Vec::new();
        for probe in [Some(name), note_name].into_iter().flatten() {
            let mut consider = |t: Target| {
                let matches_name = match t {
                    // Notes are indexed without `.md`: `[[Note]]` and `[[Note.md]]` both match.
                    Target::Note(_) => true,
                    // Attachments only by their full name: `[[Figure 1]]` is not `Figure 1.png`.
                    Target::File(_) => Some(probe) == Some(name),
                };
                let in_dir = match dir {
                    None => true,
                    Some(d) => {
                        let full = fold(self.target_path(t));
                        let parent = full.rsplit_once('/').map_or("", |(p, _)| p);
                        parent == d || parent.ends_with(&format!("/{d}"))
                    }
                };
                if matches_name && in_dir {
                    candidates.push(t);
                }
            };
            match last_folder {
                Some(folder) => {
                    let key = format!("{folder}/{probe}");
                    self.by_parent_name
                        .get(&key, |t| self.parent_name_key(t).as_deref() == Some(&key))
                        .for_each(|t| consider(Packed(t).target()));
                }
                None => self
                    .by_name
                    .get(probe, |t| self.is_named(Packed(t).target(), probe))
                    .for_each(|t| consider(Packed(t).target())),
            }
        }
        // One candidate (most links): nothing to rank, no other to name.
        match candidates.as_slice() {
            [] => return Resolution::Missing,
            [t] => return self.target_resolution(*t, Vec::new()),
            _ => {
                candidates.sort_unstable();
                candidates.dedup();
            }
        }
        // 4. The source's own folder, then the shortest path (then the path itself, for a
        //    stable order).
        let from_key = fold(from_folder());
        candidates.sort_by_cached_key(|t| {
            let p = self.target_path(*t);
            let parent = p.rsplit_once('/').map_or("", |(d, _)| d);
            (fold(parent) != from_key, p.len(), p.to_string())
        });
        let Some(&first) = candidates.first() else {
            return Resolution::Missing;
        };
        let in_own_folder = {
            let p = self.target_path(first);
            fold(p.rsplit_once('/').map_or("", |(d, _)| d)) == from_key
        };
        let others = if dir.is_none() && !in_own_folder {
            candidates
                .iter()
                .skip(1)
                .filter_map(|t| match t {
                    Target::Note(id) => Some(*id),
                    Target::File(_) => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        self.target_resolution(first, others)
    }

    /// Attachments whose file name without its extension is `stem` (`Figure 1` →
    /// `Figure 1.png`).
    pub fn files_with_stem(&self, stem: &str) -> &[usize] {
        self.by_stem
            .get(&fold(stem.trim()))
            .map_or(&[], Vec::as_slice)
    }

    /// True when `path` (vault-relative) is a folder holding notes or files.
    pub fn is_folder(&self, path: &str) -> bool {
        normalise(path.trim()).is_some_and(|p| self.folders.contains(&fold(&p)))
    }

    /// The shortest way to write a link from `from` that opens note `id` and nothing else:
    /// its name, else the name with as many parent folders as it takes (`Alpha/Roadmap`).
    /// Without `.md`.
    pub fn unambiguous_target(&self, id: usize, from: &str) -> String {
        let Some(path) = self.notes.get(id) else {
            return String::new();
        };
        let bare = path.strip_suffix(".md").unwrap_or(path);
        let parts: Vec<&str> = bare.split('/').collect();
        for take in 1..parts.len() {
            let candidate = parts
                .get(parts.len() - take..)
                .map(|p| p.join("/"))
                .unwrap_or_default();
            if self.resolve(&candidate, from)
                == (Resolution::Note {
                    id,
                    others: Vec::new(),
                })
            {
                return candidate;
            }
        }
        bare.to_string()
    }

    /// The vault path of a suggested name's note or file.
    pub fn name_path(&self, of: NameOf) -> &str {
        match of {
            NameOf::Note(id) | NameOf::Alias(id) => self.target_path(Target::Note(id)),
            NameOf::File(id) => self.target_path(Target::File(id)),
        }
    }

    fn target_path(&self, t: Target) -> &str {
        match t {
            Target::Note(id) => self.notes.get(id).map_or("", |p| &**p),
            Target::File(id) => self.files.get(id).map_or("", String::as_str),
        }
    }

    fn target_resolution(&self, t: Target, others: Vec<usize>) -> Resolution {
        match t {
            Target::Note(id) => Resolution::Note { id, others },
            Target::File(id) => Resolution::File(id),
        }
    }
}

/// A note's name: its file name without `.md`.
fn note_name(path: &str) -> &str {
    let file = file_name(path);
    file.strip_suffix(".md").unwrap_or(file)
}

/// A path's last segment.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `path` folded as [`fold`] folds it, with `.md` after it, written into `buf`: `None` for a
/// path that is not ASCII or does not fit.
fn fold_ascii_with_md<'b>(path: &str, buf: &'b mut [u8; 256]) -> Option<&'b str> {
    if !path.is_ascii() {
        return None;
    }
    let len = path.len();
    let out = buf.get_mut(..len + 3)?;
    let (name, ext) = out.split_at_mut(len);
    name.copy_from_slice(path.as_bytes());
    name.make_ascii_lowercase();
    ext.copy_from_slice(b".md");
    std::str::from_utf8(out).ok()
}

/// A [`Target`] in one word, as the key tables hold it: the top bit marks an attachment.
/// A vault holds far fewer than 2^31 notes or attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed(u32);

impl Packed {
    const FILE: u32 = 1 << 31;

    fn new(t: Target) -> Self {
        match t {
            Target::Note(id) => Packed(id as u32 & !Self::FILE),
            Target::File(id) => Packed(id as u32 | Self::FILE),
        }
    }

    fn target(self) -> Target {
        let id = (self.0 & !Self::FILE) as usize;
        if self.0 & Self::FILE == 0 {
            Target::Note(id)
        } else {
            Target::File(id)
        }
    }
}

/// Resolves `.` and `..` segments (and drops empty ones): `a/./b/../c` is `a/c`; `None` when
/// the path climbs above the root.
pub fn normalise(path: &str) -> Option<Cow<'_, str>> {
    // Most paths have no empty, `.` or `..` part: they are their own normal form.
    if is_normal(path) {
        return Some(Cow::Borrowed(path));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(Cow::Owned(parts.join("/")))
}

/// Whether no part of `path` between slashes is empty, `.` or `..`: one pass over its bytes,
/// as every link's path is checked.
fn is_normal(path: &str) -> bool {
    path.as_bytes()
        .split(|b| *b == b'/')
        .all(|part| !matches!(part, b"" | b"." | b".."))
}

/// Whether [`heading_key`] reads `c` as a space: ``!"#$%&()*+,.:;<=>?@^`{|}~/[]\``.
/// A `match`: it runs on every char of every heading of the vault.
fn is_special(c: char) -> bool {
    matches!(
        c,
        '!' | '"'
            | '#'
            | '$'
            | '%'
            | '&'
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | '.'
            | ':'
            | ';'
            | '<'
            | '='
            | '>'
            | '?'
            | '@'
            | '^'
            | '`'
            | '{'
            | '|'
            | '}'
            | '~'
            | '/'
            | '['
            | ']'
            | '\\'
    )
}

/// `key_hash(&heading_key(text))`, built in one string for ASCII text (most headings): the
/// index hashes every heading of the vault.
fn heading_key_hash(text: &str) -> u64 {
    if !text.is_ascii() {
        return key_hash(&heading_key(text));
    }
    // Byte by byte: separators (whitespace and the special chars) between words become one
    // space, none at either end.
    let mut key = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.bytes().map(char::from) {
        if c.is_whitespace() || is_special(c) {
            gap = !key.is_empty();
        } else {
            if gap {
                key.push(' ');
                gap = false;
            }
            key.push(c.to_ascii_lowercase());
        }
    }
    key_hash(&key)
}

/// `key_hash(&github_slug(text))`, built in one string for ASCII text.
fn slug_hash(text: &str) -> u64 {
    if !text.is_ascii() {
        return key_hash(&github_slug(text));
    }
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().bytes().map(char::from) {
        match c {
            ' ' => slug.push('-'),
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => {
                slug.push(c.to_ascii_lowercase());
            }
            _ => {}
        }
    }
    key_hash(&slug)
}

/// Obsidian's heading comparison: these characters become spaces, whitespace collapses,
/// case is ignored. `-`, `_` and `'` are kept, so GitHub slugs do not match wikilink anchors.
pub fn heading_key(text: &str) -> String {
    let mapped: String = text
        .nfc()
        .map(|c| if is_special(c) { ' ' } else { c })
        .collect();
    mapped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// GitHub's heading slug: lower-case, punctuation dropped, spaces to `-`.
pub fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Walks `#A#B#C`: each heading found after the previous one, deeper than it, and inside its
/// section (before the next heading at its level or above).
fn walk_chain(headings: &[HeadingKey], chain: &Chain) -> AnchorCheck {
    let mut from = 0;
    let mut parent: Option<u8> = None;
    for wanted in chain.headings() {
        let key = HeadingKey::new(0, heading_key_hash(wanted));
        let mut found = None;
        for (i, heading) in headings.iter().enumerate().skip(from) {
            let level = heading.level();
            if let Some(p) = parent
                && level <= p
            {
                break;
            }
            if heading.same_key(key) {
                found = Some((i, level));
                break;
            }
        }
        let Some((i, level)) = found else {
            return AnchorCheck::MissingHeading(wanted.to_string());
        };
        from = i + 1;
        parent = Some(level);
    }
    AnchorCheck::Found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::ParseOptions;

    #[test]
    fn special_chars_are_exactly_the_listed_ones() {
        let listed = "!\"#$%&()*+,.:;<=>?@^`{|}~/[]\\";
        for c in (0..=0x2FFF_u32).filter_map(char::from_u32) {
            assert_eq!(is_special(c), listed.contains(c), "{c:?}");
        }
    }

    /// Issue 26: a note of many anchors answers by lookup what a scan of them answers.
    #[test]
    fn issue_26_many_anchors_are_found_by_lookup_as_by_scan() {
        let mut text = String::new();
        for i in 0..60 {
            text.push_str(&format!("## Part {i}\n\nText {i} ^b{i}\n\n### Sub {i}\n\n"));
        }
        let note = Note::parse("Big.md", &text, &ParseOptions::default());
        let sorted = NoteAnchors::of(&note);
        assert!(sorted.sorted.is_some());
        let scanned = NoteAnchors {
            sorted: None,
            headings: sorted.headings.clone(),
            slugs: sorted.slugs.clone(),
            blocks: sorted.blocks.clone(),
            texts: None,
        };
        for wanted in [
            "Part 7",
            "part 59",
            "Sub 3",
            "Part 60",
            "Nope",
            "part-7",
            "Part 7#Sub 7",
        ] {
            let chain = Chain::new(wanted.split('#'));
            assert_eq!(
                sorted.check_chain(&chain),
                scanned.check_chain(&chain),
                "{wanted}"
            );
            let slug = key_hash(&wanted.to_lowercase());
            assert_eq!(sorted.has_slug(slug), scanned.has_slug(slug), "{wanted}");
        }
        for block in ["b0", "B59", "b60"] {
            let hash = key_hash(&block.to_lowercase());
            assert_eq!(sorted.has_block(hash), scanned.has_block(hash), "{block}");
        }
        assert!(sorted.has_block(key_hash("b59")) && !sorted.has_block(key_hash("b60")));
    }

    /// Issue 26: among many notes of one name, the linking note's own folder wins, found by
    /// its path; from elsewhere the shortest path wins and the rest are named.
    #[test]
    fn issue_26_many_notes_of_one_name_resolve_from_their_folder() {
        let mut notes: Vec<String> = (0..50).map(|i| format!("f{i}/Same.md")).collect();
        notes.push("g/X.md".into());
        notes.sort();
        let paths = Paths::new(notes.clone(), vec!["f3/Same".into()]);
        let id = |p: &str| notes.iter().position(|n| n == p).unwrap();
        let note_of = |r: Resolution| match r {
            Resolution::Note { id, .. } => Some(id),
            _ => None,
        };
        assert_eq!(
            paths.resolve("Same", "f7/Other.md"),
            Resolution::Note {
                id: id("f7/Same.md"),
                others: Vec::new()
            }
        );
        assert_eq!(
            note_of(paths.resolve("same.md", "f12/Other.md")),
            Some(id("f12/Same.md"))
        );
        // An attachment named `Same` in the folder is shorter than the note: it wins there.
        assert_eq!(paths.resolve("Same", "f3/Other.md"), Resolution::File(0));
        // From elsewhere the shortest path wins: that attachment, else the first note.
        assert_eq!(paths.resolve("Same", "g/X.md"), Resolution::File(0));
        let paths = Paths::new(notes.clone(), Vec::new());
        let Resolution::Note { id: first, others } = paths.resolve("Same", "g/X.md") else {
            panic!("a note of that name");
        };
        assert_eq!(first, id("f0/Same.md"));
        assert_eq!(others.len(), 49);
        assert_eq!(
            note_of(paths.resolve("f9/Same", "g/X.md")),
            Some(id("f9/Same.md"))
        );
        // A folder in the link that the linking note's own folder ends with: that folder's
        // note; from elsewhere the shortest path (an exact vault path wins before either).
        let nested: Vec<String> = vec!["a/d/Same.md".into(), "b/d/Same.md".into()];
        let paths = Paths::new(nested, Vec::new());
        assert_eq!(note_of(paths.resolve("d/Same", "b/d/X.md")), Some(1));
        assert_eq!(note_of(paths.resolve("d/Same", "c/X.md")), Some(0));
        // A folder path in the link: among the notes under a folder of its last name, those
        // under the whole path.
        let deep: Vec<String> = vec![
            "x/F1/Same.md".into(),
            "x/F2/Same.md".into(),
            "y/F1/Same.md".into(),
            "y/F1/Sub/Same.md".into(),
        ];
        let paths = Paths::new(deep, vec!["z/F1/Same".into()]);
        assert_eq!(paths.resolve("F1/Same", "q/A.md"), Resolution::File(0));
        assert_eq!(note_of(paths.resolve("y/f1/same", "q/A.md")), Some(2));
        assert_eq!(note_of(paths.resolve("F2/Same.md", "q/A.md")), Some(1));
        assert_eq!(note_of(paths.resolve("F1/Sub/Same", "q/A.md")), Some(3));
        assert_eq!(paths.resolve("F3/Same", "q/A.md"), Resolution::Missing);
    }

    proptest::proptest! {
        /// Indexed headings suggest what measuring every heading suggests, in the same order.
        #[test]
        fn heading_hints_suggest_as_a_scan_does(
            texts in proptest::collection::vec("[ab é-]{0,10}", 0..24),
            wanted in "[ab é-]{0,10}",
            max in 0usize..5,
        ) {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let hints = HeadingHints::new(texts.clone());
            proptest::prop_assert_eq!(
                hints.closest(&wanted, max),
                suggest::closest(&wanted, refs.iter().copied(), max)
            );
            proptest::prop_assert_eq!(
                hints.overlapping(&wanted, max),
                suggest::overlapping(&wanted, refs.iter().copied(), max)
            );
            for t in &texts {
                proptest::prop_assert!(hints.has_key(&heading_key(t)));
                proptest::prop_assert!(hints.with_slug(&github_slug(t)).any(|h| h == t));
            }
        }
    }

    proptest::proptest! {
        /// The one-string hashes agree with hashing the keys the long way, ASCII or not.
        #[test]
        fn key_hashes_match_their_keys(text in "[ -~\t\x0b\x0c\r\n]{0,24}|.{0,12}") {
            proptest::prop_assert_eq!(heading_key_hash(&text), key_hash(&heading_key(&text)));
            proptest::prop_assert_eq!(slug_hash(&text), key_hash(&github_slug(&text)));
        }

        /// Comparing an ASCII path from its end agrees with taking its name first.
        #[test]
        fn names_compare_from_the_end_like_taken_names(
            note in "[aB/.é]{0,5}(\\.md|\\.MD)?",
            file in "[aB/.]{0,6}",
            key in "[ab/.é]{0,4}(\\.md)?",
        ) {
            let paths = Paths::new(vec![note.clone()], vec![file.clone()]);
            for t in [Target::Note(0), Target::File(0)] {
                let name = fold(paths.target_name(t));
                for key in [key.as_str(), name.as_str()] {
                    proptest::prop_assert_eq!(
                        paths.is_named(t, key),
                        folds_to(paths.target_name(t), key),
                        "{:?} {:?}", t, key
                    );
                }
            }
        }

        /// The byte scan agrees with reading the parts as strings.
        #[test]
        fn normal_paths_are_the_ones_without_empty_or_dot_parts(path in "[a./é]{0,8}") {
            let by_parts = !path.split('/').any(|p| matches!(p, "" | "." | ".."));
            proptest::prop_assert_eq!(is_normal(&path), by_parts);
        }

    }

    #[test]
    fn paths_fold_on_the_stack_as_fold_does() {
        let mut buf = [0; 256];
        for path in ["Notes/Acme Corp", "a.md", "", "UPPER/lower-Mixed_1"] {
            let expected = fold(path) + ".md";
            assert_eq!(fold_ascii_with_md(path, &mut buf), Some(expected.as_str()));
        }
        assert_eq!(fold_ascii_with_md("Café", &mut buf), None);
        assert_eq!(fold_ascii_with_md(&"x".repeat(254), &mut buf), None);
        assert!(fold_ascii_with_md(&"x".repeat(253), &mut buf).is_some());
    }

    #[test]
    fn key_hashes_of_tricky_headings() {
        for text in [
            "",
            "  ",
            "Revenue model",
            " Revenue   Model ",
            "A/B (2024)",
            "Q&A: \"why\"",
            "x\x0by",
            "don't_stop-now",
            "Café",
            "[[Link]] #tag ^id",
        ] {
            assert_eq!(
                heading_key_hash(text),
                key_hash(&heading_key(text)),
                "{text:?}"
            );
            assert_eq!(slug_hash(text), key_hash(&github_slug(text)), "{text:?}");
        }
    }

    fn vault(notes: &[(&str, &str)], files: &[&str]) -> VaultIndex {
        let opts = ParseOptions::default();
        let notes = notes
            .iter()
            .map(|(p, t)| Note::parse(*p, t, &opts))
            .collect();
        VaultIndex::new(notes, files.iter().map(|s| s.to_string()).collect())
    }

    fn path_of(index: &VaultIndex, r: &Resolution) -> String {
        match r {
            Resolution::Note { id, others } if others.is_empty() => {
                index.notes[*id].path.to_string()
            }
            Resolution::Note { id, others } => format!(
                "{} (also {})",
                index.notes[*id].path,
                others
                    .iter()
                    .map(|o| &*index.notes[*o].path)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Resolution::File(id) => index.paths.files[*id].clone(),
            Resolution::Missing => "MISSING".into(),
            Resolution::OutsideVault => "OUTSIDE".into(),
        }
    }

    #[test]
    fn resolution_table() {
        let v = vault(
            &[
                ("Google.md", ""),
                ("Actors/NVIDIA.md", ""),
                ("Actors/Labs/Mistral AI.md", ""),
                ("A/Dup.md", ""),
                ("B/Dup.md", ""),
                ("B/Sub/Dup.md", ""),
                ("Other/Note.md", ""),
                ("Cafe\u{301}.md", ""),
            ],
            &["Attachments/pic.png", "Figure 1.png", "docs/doc.pdf"],
        );
        let cases: &[(&str, &str, &str)] = &[
            ("Google", "x.md", "Google.md"),
            ("google", "x.md", "Google.md"),
            ("Google.md", "x.md", "Google.md"),
            (" Google ", "x.md", "Google.md"),
            ("NVIDIA", "x.md", "Actors/NVIDIA.md"),
            ("Actors/NVIDIA", "x.md", "Actors/NVIDIA.md"),
            ("Labs/Mistral AI", "x.md", "Actors/Labs/Mistral AI.md"),
            ("abs/Mistral AI", "x.md", "MISSING"),
            ("./NVIDIA", "Actors/x.md", "Actors/NVIDIA.md"),
            ("../Google", "Actors/x.md", "Google.md"),
            ("../NVIDIA", "Actors/Labs/x.md", "Actors/NVIDIA.md"),
            ("../../../etc/passwd", "Actors/x.md", "OUTSIDE"),
            ("./Google", "Actors/x.md", "MISSING"),
            ("Dup", "A/x.md", "A/Dup.md"),
            ("Dup", "B/Sub/x.md", "B/Sub/Dup.md"),
            ("Dup", "x.md", "A/Dup.md (also B/Dup.md, B/Sub/Dup.md)"),
            ("B/Dup", "x.md", "B/Dup.md"),
            ("pic.png", "x.md", "Attachments/pic.png"),
            ("pic", "x.md", "MISSING"),
            ("Figure 1", "x.md", "MISSING"),
            ("Figure 1.png", "x.md", "Figure 1.png"),
            ("doc.pdf", "x.md", "docs/doc.pdf"),
            ("Café", "x.md", "Cafe\u{301}.md"),
            ("Actors", "x.md", "MISSING"),
            ("/Google", "Actors/x.md", "Google.md"),
            ("Nope", "x.md", "MISSING"),
            ("../Other/Note", "Actors/Labs/x.md", "MISSING"),
            ("../../Other/Note", "Actors/Labs/x.md", "Other/Note.md"),
            ("NVIDIA.MD", "x.md", "Actors/NVIDIA.md"),
            ("Other/Note.md", "x.md", "Other/Note.md"),
            ("PIC.PNG", "x.md", "Attachments/pic.png"),
        ];
        for (target, from, want) in cases {
            assert_eq!(
                path_of(&v, &v.resolve(target, from)),
                *want,
                "[[{target}]] from {from}"
            );
        }
    }

    #[test]
    fn aliases_name_their_first_note() {
        let v = vault(
            &[
                ("A.md", "---\naliases: [Other, \"  Société  \"]\n---\n"),
                ("B.md", "---\naliases: [other]\n---\n"),
                ("C.md", ""),
            ],
            &[],
        );
        assert_eq!(v.note_with_alias("OTHER"), Some(0));
        assert_eq!(v.note_with_alias("société"), Some(0));
        assert_eq!(v.note_with_alias("Socie\u{301}te\u{301}"), Some(0));
        assert_eq!(v.note_with_alias("C"), None);
        assert_eq!(v.note_with_alias("Societe"), None);
    }

    #[test]
    fn heading_keys_keep_level_and_hash_apart() {
        for level in 1..=6u8 {
            for hash in [0, 1, u64::MAX, 0x8000_0000_0000_0001] {
                let key = HeadingKey::new(level, hash);
                assert_eq!(key.level(), level);
                assert!(key.same_key(HeadingKey::new(1, hash)));
                assert!(!key.same_key(HeadingKey::new(level, hash ^ 1)));
            }
        }
    }

    #[test]
    fn unambiguous_targets_and_hints() {
        let v = vault(
            &[
                ("Projects/Alpha/Roadmap.md", ""),
                ("Projects/Beta/Roadmap.md", ""),
                ("Google.md", ""),
            ],
            &["Attachments/Figure 1.png"],
        );
        assert_eq!(v.unambiguous_target(0, "x.md"), "Alpha/Roadmap");
        assert_eq!(v.unambiguous_target(1, "x.md"), "Beta/Roadmap");
        assert_eq!(v.unambiguous_target(0, "Projects/Alpha/y.md"), "Roadmap");
        assert_eq!(v.unambiguous_target(2, "x.md"), "Google");
        assert!(v.is_folder("Projects") && v.is_folder("projects/alpha"));
        assert!(!v.is_folder("Google") && !v.is_folder("Alpha"));
        assert_eq!(v.files_with_stem("figure 1"), [0]);
        let names: Vec<&str> = v
            .closest_names("Roadmp", 3)
            .iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["Roadmap", "Roadmap"]);
    }

    #[test]
    fn anchor_table() {
        let text =
            "# Top\n## Funding\n### Series A\n## What is Foam?\n## Revenue model\npara ^Blk-1\n";
        let v = vault(&[("N.md", text)], &[]);
        let h = |v: &[&str]| Anchor::Heading(Chain::new(v.iter().copied()));
        let cases: &[(Anchor, bool, AnchorCheck)] = &[
            (h(&["Funding"]), false, AnchorCheck::Found),
            (h(&["funding"]), false, AnchorCheck::Found),
            (h(&["Funding", "Series A"]), false, AnchorCheck::Found),
            (
                h(&["Top", "Funding", "Series A"]),
                false,
                AnchorCheck::Found,
            ),
            (
                h(&["Series A", "Funding"]),
                false,
                AnchorCheck::MissingHeading("Funding".into()),
            ),
            (h(&["What is Foam?"]), false, AnchorCheck::Found),
            (h(&["What is Foam"]), false, AnchorCheck::Found),
            (
                h(&["what-is-foam"]),
                false,
                AnchorCheck::MissingHeading("what-is-foam".into()),
            ),
            (h(&["what-is-foam"]), true, AnchorCheck::Found),
            (h(&["revenue-model"]), true, AnchorCheck::Found),
            (
                h(&["Funding history"]),
                false,
                AnchorCheck::MissingHeading("Funding history".into()),
            ),
            (Anchor::Block("blk-1".into()), false, AnchorCheck::Found),
            (
                Anchor::Block("nope".into()),
                false,
                AnchorCheck::MissingBlock("nope".into()),
            ),
        ];
        for (anchor, slugs, want) in cases {
            assert_eq!(&v.check_anchor(0, anchor, *slugs), want, "{anchor:?}");
        }
    }

    #[test]
    fn heading_key_table() {
        assert_eq!(heading_key("What is Foam?"), "what is foam");
        assert_eq!(heading_key("**Bold**  heading"), "bold heading");
        assert_eq!(heading_key("a/b [c]"), "a b c");
        assert_eq!(heading_key("it's-a_b"), "it's-a_b");
        assert_eq!(github_slug("What is Foam?"), "what-is-foam");
        assert_eq!(github_slug("Revenue model"), "revenue-model");
    }
}
