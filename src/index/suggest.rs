//! "Did you mean" suggestions: the closest names by edit distance.
//!
//! Used for broken links (note names, aliases, attachment names) and broken anchors
//! (headings). Only computed for findings, never for links that resolve.
//!
//! A vault can hold a hundred thousand names and a neglected one tens of thousands of broken
//! links, so a lookup must not visit every name: that is quadratic in the vault's size. Names
//! are kept in buckets by length (only lengths within the edit limit are visited), and each
//! bucket indexes its names by `SEGMENTS` pieces: a name within `k < SEGMENTS` edits of the
//! wanted text keeps one piece intact (the pigeonhole principle), so looking the wanted text's
//! substrings up finds every candidate. Only the substrings where the first intact piece can
//! sit are looked up (see `shifts`). A character mask stored beside each piece entry, then a
//! character histogram, reject most candidates cheaply, and the edit distance itself stops as
//! soon as it exceeds the limit.

use std::collections::HashMap;

use rayon::slice::ParallelSliceMut;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Number of histogram bins; characters share bins by code point, which only weakens the
/// lower bound, never breaks it.
const BINS: usize = 32;

/// Names to suggest from, each carrying a value (a note id, say).
///
/// Held compactly, as a large vault holds a name per note: the names and their folded forms
/// sit back to back in one string, and the piece index is a sorted array of plain integers,
/// so a name costs no allocation of its own. Call [`NameTable::finish`] after the last
/// insert: until then lookups are right but scan the whole piece index.
#[derive(Debug, Clone)]
pub struct NameTable<T> {
    /// `buckets[n]` holds the names of `n` characters (after folding).
    buckets: Vec<Bucket<T>>,
    /// Every name as inserted, each followed by its folded form.
    text: String,
    len: usize,
}

/// How many pieces a name is cut into for the index: one more than the largest edit limit
/// (see [`limit`]), so that any name within the limit keeps a piece intact.
const SEGMENTS: usize = 4;

/// Names of one length. The character masks sit in their own array: the first filter reads
/// only them, one word per name.
#[derive(Debug, Clone)]
struct Bucket<T> {
    masks: Vec<u64>,
    /// Character histograms, the second filter, beside the masks for the same reason.
    histograms: Vec<[u8; BINS]>,
    entries: Vec<Entry<T>>,
    /// Which names hold which pieces. Empty for names shorter than [`SEGMENTS`], which are
    /// scanned.
    pieces: Pieces,
    /// Names inserted more than once (a thousand notes called `Index`), once the table is
    /// finished: `repeats.next[at]` is the next entry of the same name, in insertion order,
    /// and only the first entry of a name is in the piece index and the scan. A lookup then
    /// measures each distinct name once, however many notes share it. Empty when no name
    /// repeats.
    repeats: Repeats,
}

/// The entries of a bucket that repeat an earlier entry's name (see [`Bucket::repeats`]).
#[derive(Debug, Clone, Default)]
struct Repeats {
    /// Per entry: the next entry of the same name, or `u32::MAX`.
    next: Vec<u32>,
    /// The entries that are the first of their name, for scanning short names.
    firsts: Vec<u32>,
}

impl Repeats {
    /// The entries after `at` that share its name, in insertion order.
    fn after(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.next.get(at).copied(), move |&i| {
            self.next.get(i as usize).copied()
        })
        .take_while(|&i| i != u32::MAX)
        .map(|i| i as usize)
    }
}

/// Hashes of (piece number, piece), each with the index of a name holding that piece and
/// that name's character [`mask`]. 32 bits are enough: a hash shared by chance only adds a
/// candidate, which the distance check then turns away.
///
/// The mask sits in the entry, not only in the name's bucket: in a large vault a piece of
/// three characters is held by thousands of names, and the first filter then reads them in
/// order instead of one cache miss per name.
#[derive(Debug, Clone)]
enum Pieces {
    /// As inserted: (hash, name, mask).
    Pending(Vec<(u32, u32, u64)>),
    /// Sorted by hash, so that the names holding a piece sit side by side: each distinct hash
    /// once in `keys`, its names and masks at `starts[k]..starts[k + 1]` of `names` and
    /// `masks`. `directory[p]` is where the hashes whose top bits are `p` start in `keys`,
    /// about four per slot: the hashes are uniform, so a lookup searches a handful of them,
    /// however many names share a piece.
    Sorted {
        keys: Vec<u32>,
        starts: Vec<u32>,
        names: Vec<u32>,
        masks: Vec<u64>,
        directory: Vec<u32>,
        shift: u32,
    },
}

/// The slot of the piece directory a hash falls in.
fn slot(key: u32, shift: u32) -> usize {
    usize::try_from(key.checked_shr(shift).unwrap_or(0)).unwrap_or(usize::MAX)
}

impl Pieces {
    fn push(&mut self, key: u32, name: u32, mask: u64) {
        if let Pieces::Sorted {
            keys,
            starts,
            names,
            masks,
            ..
        } = self
        {
            let mut entries = Vec::with_capacity(names.len() + 1);
            for (k, key) in keys.iter().enumerate() {
                let from = starts.get(k).map_or(0, |at| *at as usize);
                let to = starts.get(k + 1).map_or(from, |at| *at as usize);
                for at in from..to {
                    if let (Some(name), Some(mask)) = (names.get(at), masks.get(at)) {
                        entries.push((*key, *name, *mask));
                    }
                }
            }
            *self = Pieces::Pending(entries);
        }
        if let Pieces::Pending(entries) = self {
            entries.push((key, name, mask));
        }
    }

    /// Indexes the pieces of name `name` (its folded `chars`), unless it is too short to cut.
    fn push_name(&mut self, chars: &[char], name: u32, mask: u64) {
        let n = chars.len();
        if n < SEGMENTS {
            return;
        }
        for (i, range) in segments(n).enumerate() {
            if let Some(piece) = chars.get(range) {
                self.push(piece_key(i, piece), name, mask);
            }
        }
    }

    fn sort(&mut self) {
        if let Pieces::Pending(entries) = self {
            let mut entries = std::mem::take(entries);
            // A large vault's buckets hold hundreds of thousands of pieces, sorted while the
            // rest of the run waits: on every thread.
            if entries.len() > 1 << 16 {
                entries.par_sort_unstable();
            } else {
                entries.sort_unstable();
            }
            let mut keys: Vec<u32> = Vec::new();
            let mut starts: Vec<u32> = Vec::new();
            for (at, (key, _, _)) in entries.iter().enumerate() {
                if keys.last() != Some(key) {
                    keys.push(*key);
                    starts.push(u32::try_from(at).unwrap_or(u32::MAX));
                }
            }
            starts.push(u32::try_from(entries.len()).unwrap_or(u32::MAX));
            keys.shrink_to_fit();
            starts.shrink_to_fit();
            let names: Vec<u32> = entries.iter().map(|e| e.1).collect();
            let masks: Vec<u64> = entries.iter().map(|e| e.2).collect();
            drop(entries);
            let bits = (keys.len() / 4).max(1).ilog2().min(31);
            let shift = 32 - bits;
            let mut directory = Vec::with_capacity((1 << bits) + 1);
            let mut at = 0;
            for p in 0..=(1usize << bits) {
                while keys.get(at).is_some_and(|k| slot(*k, shift) < p) {
                    at += 1;
                }
                directory.push(u32::try_from(at).unwrap_or(u32::MAX));
            }
            *self = Pieces::Sorted {
                keys,
                starts,
                names,
                masks,
                directory,
                shift,
            };
        }
    }

    /// Calls `visit` with every name holding the piece `key`, and its mask.
    fn each(&self, key: u32, mut visit: impl FnMut(usize, u64)) {
        match self {
            Pieces::Pending(entries) => entries
                .iter()
                .filter(|(k, _, _)| *k == key)
                .for_each(|(_, at, mask)| visit(*at as usize, *mask)),
            Pieces::Sorted {
                keys,
                starts,
                names,
                masks,
                directory,
                shift,
            } => {
                let p = slot(key, *shift);
                let lo = directory.get(p).map_or(0, |at| *at as usize);
                let hi = directory.get(p + 1).map_or(keys.len(), |at| *at as usize);
                let near = keys.get(lo..hi).unwrap_or(&[]);
                let Some(k) = near.iter().position(|k| *k == key).map(|k| lo + k) else {
                    return;
                };
                let start = starts.get(k).map_or(0, |at| *at as usize);
                let end = starts.get(k + 1).map_or(start, |at| *at as usize);
                let names = names.get(start..end).unwrap_or(&[]);
                let masks = masks.get(start..end).unwrap_or(&[]);
                names
                    .iter()
                    .zip(masks)
                    .for_each(|(at, mask)| visit(*at as usize, *mask));
            }
        }
    }
}

impl<T> Default for Bucket<T> {
    fn default() -> Self {
        Bucket {
            masks: Vec::new(),
            histograms: Vec::new(),
            entries: Vec::new(),
            pieces: Pieces::Pending(Vec::new()),
            repeats: Repeats::default(),
        }
    }
}

impl<T> Bucket<T> {
    /// A bucket sized for `count` names of `n` characters.
    fn with_capacity(n: usize, count: usize) -> Self {
        let pieces = if n >= SEGMENTS { SEGMENTS * count } else { 0 };
        Bucket {
            masks: Vec::with_capacity(count),
            histograms: Vec::with_capacity(count),
            entries: Vec::with_capacity(count),
            pieces: Pieces::Pending(Vec::with_capacity(pieces)),
            repeats: Repeats::default(),
        }
    }

    /// Calls `visit` with the index and mask of every name that may be within `limit` edits
    /// of `wanted`: every such name, and some that are not (the caller measures them). A name
    /// may be visited more than once; sorting the candidates to skip repeats costs more than
    /// the cheap filters the caller runs first.
    fn candidates(
        &self,
        n: usize,
        wanted: &[char],
        limit: usize,
        mut visit: impl FnMut(usize, u64),
    ) {
        if n < SEGMENTS {
            if self.repeats.next.is_empty() {
                self.masks
                    .iter()
                    .enumerate()
                    .for_each(|(at, mask)| visit(at, *mask));
            } else {
                for &at in &self.repeats.firsts {
                    if let Some(mask) = self.masks.get(at as usize) {
                        visit(at as usize, *mask);
                    }
                }
            }
            return;
        }
        for (i, range) in segments(n).enumerate() {
            for start in shifts(i, range.start, n, wanted.len(), limit) {
                let Some(piece) = wanted.get(start..start + range.len()) else {
                    continue;
                };
                self.pieces.each(piece_key(i, piece), &mut visit);
            }
        }
    }

    /// `text` is the table's text, where the entries' names are.
    fn finish(&mut self, text: &str) {
        self.masks.shrink_to_fit();
        self.histograms.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.find_repeats(text);
        // Only the first entry of a repeated name is looked up; `firsts` is in entry order.
        if !self.repeats.next.is_empty()
            && let Pieces::Pending(entries) = &mut self.pieces
        {
            let firsts = &self.repeats.firsts;
            entries.retain(|(_, at, _)| firsts.binary_search(at).is_ok());
        }
        self.pieces.sort();
    }

    /// Puts the entries that repeat a name back into the piece index and forgets the
    /// repeats, before a name is inserted into a finished bucket: until the table is finished
    /// again, every entry is looked up on its own.
    fn unfinish(&mut self, text: &str) {
        if self.repeats.next.is_empty() {
            return;
        }
        let repeats = std::mem::take(&mut self.repeats);
        for (at, entry) in self.entries.iter().enumerate() {
            let Ok(at32) = u32::try_from(at) else { break };
            if repeats.firsts.binary_search(&at32).is_ok() {
                continue;
            }
            let start = entry.at as usize + entry.name_len as usize;
            let folded = text
                .get(start..start + entry.folded_len as usize)
                .unwrap_or("");
            let chars: Vec<char> = folded.chars().collect();
            let name_mask = self.masks.get(at).copied().unwrap_or_default();
            self.pieces.push_name(&chars, at32, name_mask);
        }
    }

    /// Fills [`Bucket::repeats`]: left empty when every name is inserted once.
    fn find_repeats(&mut self, text: &str) {
        let name = |e: &Entry<T>| {
            let start = e.at as usize;
            text.get(start..start + e.name_len as usize).unwrap_or("")
        };
        // The last entry seen of each name.
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(self.entries.len());
        let mut next = vec![u32::MAX; self.entries.len()];
        let mut firsts = Vec::with_capacity(self.entries.len());
        let mut repeated = false;
        for (at, entry) in self.entries.iter().enumerate() {
            let Ok(at32) = u32::try_from(at) else { break };
            match last.insert(name(entry), at) {
                Some(before) => {
                    if let Some(link) = next.get_mut(before) {
                        *link = at32;
                    }
                    repeated = true;
                }
                None => firsts.push(at32),
            }
        }
        self.repeats = if repeated {
            Repeats { next, firsts }
        } else {
            Repeats::default()
        };
    }
}

/// Where in a wanted text of `wanted` characters piece `i` (starting at `start`) of a name of
/// `n` characters can sit if it is the name's first intact piece in an alignment of at most
/// `limit` edits: the starts worth looking up.
///
/// Say the piece sits shifted by `d` and the lengths differ by `diff = wanted - n`. Each of
/// the `i` pieces before it holds an edit of its own, and the text before it was shifted by
/// `d`: at least `max(i, |d|)` edits lie before it. The rest of the name must make up the
/// remaining shift, `|diff - d|` edits after it. So `i + |diff - d| <= limit` and
/// `|d| + |diff - d| <= limit`; a shift breaking either cannot hold a match.
fn shifts(
    i: usize,
    start: usize,
    n: usize,
    wanted: usize,
    limit: usize,
) -> impl Iterator<Item = usize> {
    let (Ok(i), Ok(start), Ok(n), Ok(wanted), Ok(limit)) = (
        i64::try_from(i),
        i64::try_from(start),
        i64::try_from(n),
        i64::try_from(wanted),
        i64::try_from(limit),
    ) else {
        return None.into_iter().flatten();
    };
    let diff = wanted - n;
    let starts = (-limit..=limit)
        .filter(move |d| {
            let after = (diff - d).abs();
            i + after <= limit && d.abs() + after <= limit
        })
        .filter_map(move |d| usize::try_from(start + d).ok());
    Some(starts).into_iter().flatten()
}

/// The [`SEGMENTS`] pieces of a name of `n` characters, as ranges (`n >= SEGMENTS`).
fn segments(n: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..SEGMENTS).map(move |i| i * n / SEGMENTS..(i + 1) * n / SEGMENTS)
}

fn piece_key(i: usize, piece: &[char]) -> u32 {
    // A multiply-rotate mix per char, then murmur3's final avalanche so that the top bits the
    // directory reads are uniform. Fixed, unlike a seeded hasher, and a few instructions per
    // char: every lookup hashes a dozen pieces.
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = u64::try_from(i)
        .unwrap_or(u64::MAX)
        .wrapping_add(1)
        .wrapping_mul(K);
    for c in piece {
        h = (h.rotate_left(5) ^ u64::from(u32::from(*c))).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    // The high half: the directory reads a key's top bits.
    (h >> 32) as u32
}

#[derive(Debug, Clone)]
struct Entry<T> {
    /// Where the name starts in [`NameTable::text`]; its folded form follows it.
    at: u32,
    name_len: u32,
    folded_len: u32,
    /// Insertion order, the last tie-breaker.
    seq: u32,
    value: T,
}

/// A name found within the limit: its distance, the name, its entry, and the entry's bucket
/// and index there (where the entries repeating its name are found).
type Scored<'a, T> = (usize, &'a str, &'a Entry<T>, &'a Bucket<T>, usize);

/// One suggestion: the name as inserted, its edit distance to the wanted text, its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion<'a, T> {
    pub name: &'a str,
    pub distance: usize,
    pub value: &'a T,
}

impl<T> Default for NameTable<T> {
    fn default() -> Self {
        NameTable {
            buckets: Vec::new(),
            text: String::new(),
            len: 0,
        }
    }
}

impl<T> NameTable<T> {
    pub fn new() -> Self {
        NameTable::default()
    }

    /// A finished table of `names`, each array sized once: a large vault's names would
    /// otherwise be copied and held twice over as the arrays grow.
    /// `names` is walked twice (to size, then to fill), never collected.
    pub fn from_names<'n, I>(names: I) -> Self
    where
        I: IntoIterator<Item = (&'n str, T)>,
        I::IntoIter: Clone,
    {
        let names = names.into_iter();
        let mut counts: Vec<usize> = Vec::new();
        let mut text = 0;
        for (name, _) in names.clone() {
            let (n, bytes) = folded_size(name);
            if counts.len() <= n {
                counts.resize(n + 1, 0);
            }
            if let Some(count) = counts.get_mut(n) {
                *count += 1;
            }
            text += name.len() + bytes;
        }
        let mut table = NameTable {
            buckets: counts
                .iter()
                .enumerate()
                .map(|(n, count)| Bucket::with_capacity(n, *count))
                .collect(),
            text: String::with_capacity(text),
            len: 0,
        };
        for (name, value) in names {
            table.insert(name, value);
        }
        table.finish();
        table
    }

    /// Adds a name. A table holds up to 4 GiB of names; past that, names are left out.
    pub fn insert(&mut self, name: &str, value: T) {
        let chars = fold_chars(name);
        let n = chars.len();
        let folded: String = chars.iter().collect();
        let (Ok(at), Ok(name_len), Ok(folded_len), Ok(seq)) = (
            u32::try_from(self.text.len()),
            u32::try_from(name.len()),
            u32::try_from(folded.len()),
            u32::try_from(self.len),
        ) else {
            return;
        };
        if u32::try_from(self.text.len() + name.len() + folded.len()).is_err() {
            return;
        }
        if self.buckets.len() <= n {
            self.buckets.resize_with(n + 1, Bucket::default);
        }
        let Some(bucket) = self.buckets.get_mut(n) else {
            return;
        };
        bucket.unfinish(&self.text);
        let Ok(entry_at) = u32::try_from(bucket.entries.len()) else {
            return;
        };
        let name_mask = mask(&chars);
        bucket.pieces.push_name(&chars, entry_at, name_mask);
        self.text.push_str(name);
        self.text.push_str(&folded);
        bucket.masks.push(name_mask);
        bucket.histograms.push(histogram(&chars));
        bucket.entries.push(Entry {
            at,
            name_len,
            folded_len,
            seq,
            value,
        });
        self.len += 1;
    }

    /// Sorts the piece index and gives back the room the table grew into: call it after the
    /// last insert. Inserting again is allowed, and undoes the sort until the next call.
    pub fn finish(&mut self) {
        self.text.shrink_to_fit();
        let text = &self.text;
        self.buckets.iter_mut().for_each(|b| b.finish(text));
    }

    /// The name of an entry, as inserted.
    fn name(&self, entry: &Entry<T>) -> &str {
        let start = entry.at as usize;
        self.text
            .get(start..start + entry.name_len as usize)
            .unwrap_or("")
    }

    /// The folded form of an entry's name.
    fn folded(&self, entry: &Entry<T>) -> &str {
        let start = entry.at as usize + entry.name_len as usize;
        self.text
            .get(start..start + entry.folded_len as usize)
            .unwrap_or("")
    }

    /// Up to `max` names within the edit limit of `wanted` (case and Unicode form ignored),
    /// closest first, then by name, then in insertion order. Exact matches (distance 0) are
    /// included: the caller knows whether they are useful.
    pub fn closest(&self, wanted: &str, max: usize) -> Vec<Suggestion<'_, T>> {
        self.within(wanted, None, max)
    }

    /// Up to `max` names equal to `wanted` but for case and Unicode form, by name, then in
    /// insertion order: the suggestions of [`NameTable::closest`] at distance 0, found with
    /// one piece lookup instead of a search within the edit limit.
    pub fn exact(&self, wanted: &str, max: usize) -> Vec<Suggestion<'_, T>> {
        self.within(wanted, Some(0), max)
    }

    /// Up to `max` names within `limit` edits of `wanted` (by default the [`limit`] for its
    /// length), closest first, then by name, then in insertion order.
    fn within(&self, wanted: &str, limit: Option<usize>, max: usize) -> Vec<Suggestion<'_, T>> {
        let mut scored: Vec<Scored<'_, T>> = Vec::new();
        self.within_limit(wanted, limit, |d, bucket, at, entry| {
            scored.push((d, self.name(entry), entry, bucket, at));
            true
        });
        scored.sort_by(|a, b| (a.0, a.1, a.2.seq).cmp(&(b.0, b.1, b.2.seq)));
        // A name found by several of its pieces was measured once per piece.
        scored.dedup_by(|a, b| a.2.seq == b.2.seq);
        // Each name found stands for the entries that repeat it, which come right after it
        // in the order above: same distance, same name, later insertion.
        scored
            .into_iter()
            .flat_map(|(distance, name, entry, bucket, at)| {
                std::iter::once(entry)
                    .chain(
                        bucket
                            .repeats
                            .after(at)
                            .filter_map(|i| bucket.entries.get(i)),
                    )
                    .map(move |e| Suggestion {
                        name,
                        distance,
                        value: &e.value,
                    })
            })
            .take(max)
            .collect()
    }

    /// Whether any name is within the edit limit of `wanted`: `closest(wanted, 1)` is not
    /// empty. Stops at the first such name.
    pub fn has_close(&self, wanted: &str) -> bool {
        let mut any = false;
        self.within_limit(wanted, None, |_, _, _, _| {
            any = true;
            false
        });
        any
    }

    /// Calls `found` with the distance of names within `limit` edits of `wanted` (by default
    /// the [`limit`] for its length; never more), some more than once, until it returns false.
    fn within_limit<'s>(
        &'s self,
        wanted: &str,
        limit: Option<usize>,
        mut found: impl FnMut(usize, &'s Bucket<T>, usize, &'s Entry<T>) -> bool,
    ) {
        let wanted = fold_chars(wanted);
        let default = self::limit(wanted.len());
        let limit = limit.map_or(default, |l| l.min(default));
        let wanted_histogram = histogram(&wanted);
        let wanted_mask = mask(&wanted);
        let lo = wanted.len().saturating_sub(limit);
        let hi = wanted.len() + limit;
        let mut more = true;
        // The folded name being measured, decoded once per candidate into one buffer.
        let mut chars: Vec<char> = Vec::with_capacity(hi);
        for (n, bucket) in self.buckets.iter().enumerate().take(hi + 1).skip(lo) {
            bucket.candidates(n, &wanted, limit, |at, m| {
                if !more {
                    return;
                }
                // A lower bound of the distance from the masks, a few instructions per name.
                let missing = (wanted_mask & !m)
                    .count_ones()
                    .max((m & !wanted_mask).count_ones());
                if missing as usize > limit
                    || bucket
                        .histograms
                        .get(at)
                        .is_none_or(|h| histogram_bound(&wanted_histogram, h) > limit)
                {
                    return;
                }
                let Some(entry) = bucket.entries.get(at) else {
                    return;
                };
                chars.clear();
                chars.extend(self.folded(entry).chars());
                if let Some(d) = bounded_levenshtein(&wanted, &chars, limit) {
                    more = found(d, bucket, at, entry);
                }
            });
            if !more {
                return;
            }
        }
    }
}

/// Up to `max` candidates closest to `wanted` (case-insensitive), best first, within an edit
/// distance that grows with the length of `wanted` (1 for short names, at most 3). A
/// candidate equal to `wanted` but for case is not a suggestion.
pub fn closest<'a, I>(wanted: &str, candidates: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // The lists are short (a note's headings, a field's allowed values): each candidate is
    // measured, where a [`NameTable`] would first index its pieces. The order is the
    // table's: by distance, then by name, then as given.
    let folded = fold_chars(wanted);
    let limit = limit(folded.len());
    let mut scored: Vec<(usize, &'a str, usize)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(seq, c)| {
            bounded_levenshtein(&folded, &fold_chars(c), limit).map(|d| (d, c, seq))
        })
        .collect();
    scored.sort_unstable();
    suggestable(wanted, scored.into_iter().map(|(_, c, _)| c), max)
}

/// Up to `max` of `ranked` (best first) worth suggesting for `wanted`: each once, and none
/// equal to `wanted` but for case and Unicode form.
pub fn suggestable<'a>(
    wanted: &str,
    ranked: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let same = |c: &str| c.nfc().collect::<String>().to_lowercase();
    let wanted_same = same(wanted.trim());
    let mut out: Vec<&'a str> = Vec::new();
    for c in ranked {
        if same(c.trim()) != wanted_same && !out.contains(&c) {
            out.push(c);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

/// Up to `max` candidates that contain `wanted` or are contained in it, as whole words
/// (`Funding history` → `Funding`), in their given order. A fallback when no candidate is
/// close by edit distance.
pub fn overlapping<'a, I>(wanted: &str, candidates: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = words(wanted);
    let contains = |outer: &[String], inner: &[String]| {
        !inner.is_empty() && outer.windows(inner.len()).any(|w| w == inner)
    };
    candidates
        .into_iter()
        .filter(|c| {
            let c_words = words(c);
            contains(&wanted, &c_words) || contains(&c_words, &wanted)
        })
        .take(max)
        .collect()
}

/// The words of a name as [`overlapping`] compares them: runs of letters and digits,
/// lower-cased.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Formats names as `[[A]], [[B]] or [[C]]`.
pub fn or_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The edit limit for a wanted text of `len` characters: 1 for short names, at most 3.
fn limit(len: usize) -> usize {
    (len / 3).clamp(1, 3)
}

/// Case and accents are ignored when comparing names: `Societe Generale` finds
/// `Société Générale`.
fn fold_chars(s: &str) -> Vec<char> {
    let s = s.trim();
    if s.is_ascii() {
        // Nothing to decompose: lower-casing is all there is to it.
        return s
            .bytes()
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    folded(s).collect()
}

/// The number of characters and of bytes of [`fold_chars`]`(s)`.
fn folded_size(s: &str) -> (usize, usize) {
    let s = s.trim();
    if s.is_ascii() {
        return (s.len(), s.len());
    }
    folded(s).fold((0, 0), |(n, b), c| (n + 1, b + c.len_utf8()))
}

/// The characters of `s` as compared: trimmed, accents dropped, lower-cased.
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.trim()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
}

fn histogram(chars: &[char]) -> [u8; BINS] {
    let mut h = [0u8; BINS];
    for c in chars {
        if let Some(bin) = h.get_mut(*c as usize % BINS) {
            *bin = bin.saturating_add(1);
        }
    }
    h
}

/// Which of 32 character classes occur in `chars` (the low 32 bits), and which occur twice
/// or more (the high 32 bits). Between two masks, the bits one has and the other lacks count
/// characters one text has more of than the other: a class only one text has is one such
/// character, or two if that text has it twice; a class one has twice and the other once is
/// one. So the larger of the two counts is a lower bound of the edit distance.
fn mask(chars: &[char]) -> u64 {
    chars.iter().fold(0u64, |m, c| {
        let bit = 1u64 << class(*c);
        // Seen before: set the class's "twice" bit.
        m | bit | ((m & bit) << 32)
    })
}

/// A character's class for [`mask`]: each lower-case ASCII letter has one of its own, other
/// characters share the last six.
fn class(c: char) -> u32 {
    match c {
        'a'..='z' => c as u32 - 'a' as u32,
        _ => 26 + c as u32 % 6,
    }
}

/// A lower bound of the edit distance: characters one side has and the other lacks (each edit
/// fixes at most one surplus on each side).
fn histogram_bound(a: &[u8; BINS], b: &[u8; BINS]) -> usize {
    // Branch-free, so the compiler runs it on all bins at once.
    let more: u32 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u32::from(x.saturating_sub(*y)))
        .sum();
    let less: u32 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u32::from(y.saturating_sub(*x)))
        .sum();
    usize::try_from(more.max(less)).unwrap_or(usize::MAX)
}

/// Levenshtein distance of `a` and `b` when it is at most `limit`; stops as soon as a whole
/// row exceeds the limit.
pub fn bounded_levenshtein(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let mut row_min = i + 1;
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + usize::from(ca != cb);
            let del = prev
                .get(j + 1)
                .copied()
                .unwrap_or(usize::MAX)
                .saturating_add(1);
            let ins = cur.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            let v = sub.min(del).min(ins);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = v;
            }
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|d| *d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_table() {
        let names = [
            "NVIDIA",
            "Google",
            "Amazon",
            "Anthropic",
            "OpenAI",
            "Nvidia Labs",
            "Socie\u{301}te\u{301} Ge\u{301}ne\u{301}rale",
        ];
        let cases: &[(&str, &[&str])] = &[
            ("NVDIA", &["NVIDIA"]),
            ("Gogle", &["Google"]),
            ("nvidia", &[]),
            ("Zebra", &[]),
            ("Anthropik", &["Anthropic"]),
            ("AI", &[]),
            (
                "Societe Generale",
                &["Socie\u{301}te\u{301} Ge\u{301}ne\u{301}rale"],
            ),
        ];
        for (wanted, want) in cases {
            assert_eq!(&closest(wanted, names.iter().copied(), 3), want, "{wanted}");
        }
    }

    #[test]
    fn table_orders_by_distance_then_name() {
        let mut t = NameTable::new();
        for (i, n) in ["Summit Photon", "Summit Photons", "Summit Proton", "Other"]
            .iter()
            .enumerate()
        {
            t.insert(n, i);
        }
        let got: Vec<(&str, usize)> = t
            .closest("summit photon", 5)
            .into_iter()
            .map(|s| (s.name, s.distance))
            .collect();
        assert_eq!(
            got,
            [
                ("Summit Photon", 0),
                ("Summit Photons", 1),
                ("Summit Proton", 1)
            ]
        );
    }

    proptest::proptest! {
        /// Names inserted many times are measured once and still all suggested, in the order
        /// of distance, name and insertion: finished, and with names inserted after that.
        #[test]
        fn repeated_names_are_suggested_as_a_scan_would(
            names in proptest::collection::vec("[abAé]{0,6}", 1..40),
            later in proptest::collection::vec("[abAé]{0,6}", 0..6),
            wanted in "[abAé]{0,6}",
            max in 0usize..12,
        ) {
            let reference = |names: &[String]| {
                let w = fold_chars(&wanted);
                let mut all: Vec<(usize, &str, usize)> = names
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| {
                        let d = strsim::generic_levenshtein(&w, &fold_chars(n));
                        (d <= limit(w.len())).then_some((d, n.as_str(), i))
                    })
                    .collect();
                all.sort();
                all.truncate(max);
                all.into_iter().map(|(d, n, i)| (n.to_string(), d, i)).collect::<Vec<_>>()
            };
            let got = |t: &NameTable<usize>| {
                t.closest(&wanted, max)
                    .into_iter()
                    .map(|s| (s.name.to_string(), s.distance, *s.value))
                    .collect::<Vec<_>>()
            };
            let mut table = NameTable::new();
            for (i, n) in names.iter().enumerate() {
                table.insert(n, i);
            }
            table.finish();
            proptest::prop_assert_eq!(got(&table), reference(&names));
            let mut all = names.clone();
            for n in &later {
                table.insert(n, all.len());
                all.push(n.clone());
            }
            proptest::prop_assert_eq!(got(&table), reference(&all));
            table.finish();
            proptest::prop_assert_eq!(got(&table), reference(&all));
        }
    }

    /// Every name within the limit, by brute force: what the piece index must find.
    fn scan(names: &[String], wanted: &str) -> Vec<(usize, String)> {
        let w = fold_chars(wanted);
        let mut out: Vec<(usize, String)> = names
            .iter()
            .filter_map(|n| {
                let d = strsim::generic_levenshtein(&w, &fold_chars(n));
                (d <= limit(w.len())).then(|| (d, n.clone()))
            })
            .collect();
        out.sort();
        out
    }

    /// [`closest`] through a [`NameTable`], as it once was: the reference for the direct scan.
    fn closest_by_table<'a>(wanted: &str, candidates: &[&'a str], max: usize) -> Vec<&'a str> {
        let mut table = NameTable::new();
        for c in candidates {
            table.insert(c, *c);
        }
        table.finish();
        let ranked = table.closest(wanted, usize::MAX);
        suggestable(wanted, ranked.iter().map(|s| *s.value), max)
    }

    proptest::proptest! {
        /// Measuring every candidate suggests what the table suggests, in the same order.
        #[test]
        fn closest_by_scan_is_closest_by_table(
            candidates in proptest::collection::vec("[abAé\u{301} ]{0,24}", 1..12),
            other in "[abAé\u{301} ]{0,24}",
            pick in 0usize..12,
            edit in "[aé]{0,2}",
            max in 1usize..4,
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            // A candidate an edit or two away, and an unrelated text.
            let near = format!("{}{edit}", candidates.get(pick % candidates.len()).copied().unwrap_or(""));
            for wanted in [near.as_str(), other.as_str()] {
                proptest::prop_assert_eq!(
                    closest(wanted, candidates.iter().copied(), max),
                    closest_by_table(wanted, &candidates, max)
                );
            }
        }

        #[test]
        fn piece_index_finds_every_close_name(
            names in proptest::collection::vec("[abcé ]{0,14}", 1..60),
            picks in proptest::collection::vec((0usize..60, "[abcé ]{0,3}", 0usize..16), 1..8),
        ) {
            // Both forms of the index: as inserted, and sorted with its directory.
            let mut table = NameTable::new();
            for n in &names {
                table.insert(n, ());
            }
            let finished = NameTable::from_names(names.iter().map(|n| (n.as_str(), ())));
            // Wanted texts near the names (an edit or three away) and unrelated ones.
            for (i, insert, at) in picks {
                let base = names.get(i % names.len()).cloned().unwrap_or_default();
                let mut chars: Vec<char> = base.chars().collect();
                let at = at.min(chars.len());
                chars.splice(at..at, insert.chars());
                if chars.len() > 2 && at % 2 == 0 {
                    chars.remove(0);
                }
                let wanted: String = chars.into_iter().collect();
                let mut got: Vec<(usize, String)> = table
                    .closest(&wanted, usize::MAX)
                    .into_iter()
                    .map(|s| (s.distance, s.name.to_string()))
                    .collect();
                got.sort();
                proptest::prop_assert_eq!(table.has_close(&wanted), !got.is_empty());
                let from_finished: Vec<(usize, String)> = finished
                    .closest(&wanted, usize::MAX)
                    .into_iter()
                    .map(|s| (s.distance, s.name.to_string()))
                    .collect();
                let mut sorted = from_finished.clone();
                sorted.sort();
                proptest::prop_assert_eq!(&sorted, &got);
                proptest::prop_assert_eq!(finished.has_close(&wanted), !got.is_empty());
                // Exact lookups are the distance-0 part of the search, in its order.
                for t in [&table, &finished] {
                    let exact: Vec<&str> = t.exact(&wanted, 2).iter().map(|s| s.name).collect();
                    let zero: Vec<&str> = t
                        .closest(&wanted, usize::MAX)
                        .into_iter()
                        .filter(|s| s.distance == 0)
                        .take(2)
                        .map(|s| s.name)
                        .collect();
                    proptest::prop_assert_eq!(exact, zero);
                }
                proptest::prop_assert_eq!(got, scan(&names, &wanted), "wanted {:?}", wanted);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn mask_bound_is_a_lower_bound(a in "[a-eA-Z0-9é ._]{0,12}", b in "[a-eA-Z0-9é ._]{0,12}") {
            let (fa, fb) = (fold_chars(&a), fold_chars(&b));
            let (ma, mb) = (mask(&fa), mask(&fb));
            let bound = (ma & !mb).count_ones().max((mb & !ma).count_ones());
            let d = strsim::generic_levenshtein(&fa, &fb);
            proptest::prop_assert!(bound as usize <= d, "{} vs {}: {} > {}", a, b, bound, d);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_names_fold_like_the_others(s in "[ -~\t\n]{0,12}|.{0,6}") {
            let slow: Vec<char> = folded(&s).collect();
            proptest::prop_assert_eq!(&fold_chars(&s), &slow);
            let bytes = slow.iter().map(|c| c.len_utf8()).sum();
            proptest::prop_assert_eq!(folded_size(&s), (slow.len(), bytes));
        }
    }

    #[test]
    fn masks_count_repeated_characters() {
        let m = |s: &str| mask(&fold_chars(s));
        let bound = |a: &str, b: &str| {
            let (ma, mb) = (m(a), m(b));
            (ma & !mb).count_ones().max((mb & !ma).count_ones())
        };
        // One `o` against none, two against one, two against none.
        assert_eq!(bound("dron", "drn"), 1);
        assert_eq!(bound("droon", "dron"), 1);
        assert_eq!(bound("droon", "drn"), 2);
        assert_eq!(bound("drones", "drones"), 0);
    }

    #[test]
    fn finished_tables_find_names_in_every_directory_slot() {
        // Enough names of one length for a directory of many slots.
        let names: Vec<String> = (0..5000).map(|i| format!("Name {i:05}")).collect();
        let mut table = NameTable::from_names(names.iter().map(|n| (n.as_str(), ())));
        for wanted in ["Name 00000", "Name 04999", "Nmae 02500", "Name 1234"] {
            let got: Vec<&str> = table.closest(wanted, 1).iter().map(|s| s.name).collect();
            assert_eq!(got.len(), 1, "{wanted}");
        }
        assert_eq!(table.closest("Name 03117", 1)[0].name, "Name 03117");
        // Inserting after the sort still finds old and new names.
        table.insert("Name 99999", ());
        assert_eq!(table.closest("Name 99999", 1)[0].name, "Name 99999");
        assert_eq!(table.closest("Name 03117", 1)[0].name, "Name 03117");
    }

    #[test]
    fn bounded_levenshtein_agrees_with_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "kitten",
            "sitting",
            "NVIDIA",
            "NVDIA",
            "Café",
            "Cafe",
            "flaw",
            "lawn",
            "Summit Photon Devicees",
            "Summit Photon Devices",
            "abcdef",
            "fedcba",
        ];
        for a in words {
            for b in words {
                let ac: Vec<char> = a.chars().collect();
                let bc: Vec<char> = b.chars().collect();
                let exact = strsim::levenshtein(a, b);
                for limit in 0..5 {
                    let want = (exact <= limit).then_some(exact);
                    assert_eq!(
                        bounded_levenshtein(&ac, &bc, limit),
                        want,
                        "{a} {b} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn histogram_bound_is_a_lower_bound() {
        let words = [
            "kitten", "sitting", "NVIDIA", "aidivn", "Google", "Gogle", "xyz",
        ];
        for a in words {
            for b in words {
                let ha = histogram(&fold_chars(a));
                let hb = histogram(&fold_chars(b));
                let d = strsim::levenshtein(&a.to_lowercase(), &b.to_lowercase());
                assert!(histogram_bound(&ha, &hb) <= d, "{a} {b}");
                let (ma, mb) = (mask(&fold_chars(a)), mask(&fold_chars(b)));
                let bound = (ma & !mb).count_ones().max((mb & !ma).count_ones());
                assert!(bound as usize <= d, "{a} {b}");
            }
        }
    }

    #[test]
    fn overlapping_table() {
        let heads = ["Why OpenAI matters", "Funding", "Quick stats"];
        assert_eq!(
            overlapping("Funding history", heads.iter().copied(), 3),
            ["Funding"]
        );
        assert_eq!(
            overlapping("Quick", heads.iter().copied(), 3),
            ["Quick stats"]
        );
        assert!(overlapping("Fund", heads.iter().copied(), 3).is_empty());
    }

    #[test]
    fn or_list_table() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(or_list(&s(&[])), "");
        assert_eq!(or_list(&s(&["a"])), "a");
        assert_eq!(or_list(&s(&["a", "b", "c"])), "a, b or c");
    }
}
