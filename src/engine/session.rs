//! A session: the vault walked, read, parsed and indexed once, then checked as often as asked
//! and kept current one edit at a time, with the edited text handed in (an editor's buffer)
//! rather than read from disk.
//!
//! Owns what stays in memory between checks (the index, each note's own findings, the notes
//! that could not be read, which notes link to which) and the rule for which notes an edit can
//! change the findings of. Does not render anything, and never writes a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use super::{
    Depth, Indexed, Keep, Local, Names, NoObserver, Observer, Problem, Request, Run, Settled,
    Timer, check_index, complete_notes, gather_local, index_anchor_targets, index_vault,
    is_settled, parse_text, read_and_parse, read_and_parse_text, take_in, unreadable_note,
};
use crate::index::{NoteAnchors, Paths, Resolution, VaultIndex, fold};
use crate::model::Note;
use crate::rules::settings::Settings;
use crate::vault::discover::DiscoverError;
use crate::vault::read::{MAX_NOTE_BYTES, decode, read_note};
use crate::vault::targets::Targets;

/// Which notes a check reports. Excluded notes are never reported, and with
/// `--changed-since` (the settings' `changes`) only the notes a change touches are.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// Every note of the vault.
    All,
    /// The notes and folders given on the command line.
    Targets(&'a Targets),
    /// These notes, by vault path (as an edit returns them).
    Notes(&'a BTreeSet<String>),
}

impl Selection<'_> {
    fn selects(&self, path: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Targets(targets) => targets.selects(path),
            Selection::Notes(notes) => notes.contains(path),
        }
    }
}

/// An edit a session cannot apply.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("`{0}` is not a note of the vault")]
    NoSuchNote(String),
    #[error("`{0}` is already a note of the vault")]
    AlreadyANote(String),
    #[error("`{0}` is not a Markdown note (`.md`)")]
    NotMarkdown(String),
}

/// A vault held in memory: open it once, check any selection of its notes, apply edits.
///
/// ```no_run
/// # use vaultlint::engine::{Selection, Session};
/// # fn demo(settings: vaultlint::rules::settings::Settings) -> Result<(), Box<dyn std::error::Error>> {
/// let mut session = Session::open(settings, "vault".as_ref(), 2)?;
/// let all = session.check(Selection::All);
/// let changed = session.update("Notes/Acme.md", "# Acme\n\nSee [[Nowhere]].\n")?;
/// let again = session.check(Selection::Notes(&changed));
/// # Ok(()) }
/// ```
pub struct Session {
    settings: Settings,
    root: PathBuf,
    pool: Option<Arc<rayon::ThreadPool>>,
    index: VaultIndex,
    /// Per note, in index order: what its own checks found.
    local: Vec<Local>,
    /// The notes that could not be read.
    unreadable: Vec<Problem>,
    /// Per note: whether only its names were read.
    names_only: Vec<bool>,
    skipped: Vec<(String, String)>,
    timer: Timer,
    /// Whether every note was read whole and keeps where every link leads, as edits need.
    for_edits: bool,
    /// Per note, in index order: the names of the settled links it let go (see
    /// [`Keep::Edits`]); empty for a session opened for one check.
    settled: Vec<Settled>,
    /// The link targets `settled` numbers.
    names: Names,
    /// Which notes link to which, made on the first edit.
    graph: Option<LinkGraph>,
    /// The texts [`Session::update`] handed in, by path, while the file may differ: a note
    /// whose own checks must run again after another note's edit is parsed from this.
    given: BTreeMap<Arc<str>, String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("root", &self.root)
            .field("notes", &self.index.notes().len())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Walks the vault at `root`, reads and parses every note whole (in parallel, on
    /// `threads` threads) and indexes it: a session ready for any check and any edit.
    pub fn open(settings: Settings, root: &Path, threads: usize) -> Result<Session, DiscoverError> {
        let all = |_: &str| true;
        Session::load(settings, root, threads, false, &all, true, &NoObserver)
    }

    /// [`Session::open`], telling `observer` how the reading goes (a language server's
    /// progress reports).
    pub fn open_watched(
        settings: Settings,
        root: &Path,
        threads: usize,
        observer: &dyn Observer,
    ) -> Result<Session, DiscoverError> {
        let all = |_: &str| true;
        Session::load(settings, root, threads, false, &all, true, observer)
    }

    /// Opens the vault for the one check `request` asks for: the notes it may report are read
    /// whole and checked as they are parsed; the others are read for what checking those needs
    /// (their names, and their headings or figures when a reported note links to them). An
    /// edit to such a session reads the vault whole again first.
    pub fn open_for(settings: Settings, request: &Request) -> Result<Session, DiscoverError> {
        Session::open_observed(settings, request, &NoObserver)
    }

    /// [`Session::open_for`], telling `observer` how the reading goes and handing it each note
    /// read whole (a progress bar, `vaultlint report`).
    pub fn open_observed(
        settings: Settings,
        request: &Request,
        observer: &dyn Observer,
    ) -> Result<Session, DiscoverError> {
        let targets = request.targets.clone();
        let may_report = move |path: &str| targets.selects(path);
        Session::load(
            settings,
            &request.targets.root,
            request.threads,
            request.time_rules,
            &may_report,
            false,
            observer,
        )
    }

    fn load(
        settings: Settings,
        root: &Path,
        threads: usize,
        time_rules: bool,
        selects: &(dyn Fn(&str) -> bool + Sync),
        for_edits: bool,
        observer: &dyn Observer,
    ) -> Result<Session, DiscoverError> {
        let threads = threads.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok()
            .map(Arc::new);
        let timer = Timer::new(settings.rules.len(), time_rules);
        let names = Mutex::new(Names::default());
        let keep = if for_edits {
            Keep::Edits(&names)
        } else {
            Keep::OneCheck
        };
        let indexed = read_vault(
            &settings,
            root,
            pool.as_deref(),
            &timer,
            selects,
            keep,
            observer,
        )?;
        let Indexed {
            index,
            unreadable,
            skipped,
            local,
            names_only,
            settled,
        } = indexed;
        Ok(Session {
            settings,
            root: root.to_path_buf(),
            pool,
            index,
            local,
            unreadable,
            names_only,
            skipped,
            timer,
            for_edits,
            settled,
            names: names.into_inner().unwrap_or_else(PoisonError::into_inner),
            graph: None,
            given: BTreeMap::new(),
        })
    }

    /// The settings the session checks with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The vault's index, as the last edit left it.
    pub fn index(&self) -> &VaultIndex {
        &self.index
    }

    /// Checks the notes `selection` names: their findings sorted, with the problems of the
    /// notes that could not be checked and (when the session times rules) the time each rule
    /// has taken in this session.
    pub fn check(&mut self, selection: Selection<'_>) -> Run {
        self.check_and(selection, false)
    }

    /// [`Session::check`] as the last thing the session does: the findings are moved out
    /// rather than copied, and the settings are handed back.
    pub fn finish(mut self, selection: Selection<'_>) -> (Run, Settings) {
        let run = self.check_and(selection, true);
        (run, self.settings)
    }

    /// Takes `text` as the note at `path` now reads (a new note when there is none at that
    /// path) and returns the notes whose findings may have changed: the note itself, the notes
    /// that link to it (by name, alias, heading or block id) or quote its figures, and, when
    /// its names changed, the notes with a link that leads nowhere (whose suggestions name
    /// notes) and, with `unlinked-mention` on, the notes whose text it reads; for a new note,
    /// the notes with a heading that may name it, their own checks run again (see
    /// [`Session::remove`]). [`Session::check`] of them gives their findings now.
    pub fn update(&mut self, path: &str, text: &str) -> Result<BTreeSet<String>, EditError> {
        if !is_markdown(path) {
            return Err(EditError::NotMarkdown(path.to_string()));
        }
        self.warm_up();
        let affected = match self.index.note_id(path) {
            Some(id) => self.in_pool(|s| s.update_note(id, text)),
            None => self
                .in_pool(|s| s.change_paths(None, Some((Arc::from(path), Some(text.to_string()))))),
        };
        self.given.insert(Arc::from(path), text.to_string());
        Ok(affected)
    }

    /// Reads the note at `path` again from its file, after a change made on disk: a new note
    /// when the session has none at that path, a note that cannot be checked when the file
    /// cannot be read or is not text. Returns the notes whose findings may have changed, as
    /// [`Session::update`] does.
    pub fn reread(&mut self, path: &str) -> Result<BTreeSet<String>, EditError> {
        if !is_markdown(path) {
            return Err(EditError::NotMarkdown(path.to_string()));
        }
        self.warm_up();
        let known = self.index.note_id(path).is_some();
        // Read here, so the note's checks see its text; when it cannot be read or decoded,
        // taking it in without a text reads it again and records why.
        let text = read_note(&self.root.join(path), MAX_NOTE_BYTES)
            .ok()
            .and_then(|bytes| decode(bytes).ok());
        self.given.remove(path);
        Ok(self.in_pool(|s| s.change_paths(known.then_some(path), Some((Arc::from(path), text)))))
    }

    /// Drops the note at `path` and returns the notes whose findings may have changed: those
    /// that linked to it or quoted it, those whose links now lead elsewhere or nowhere (a name
    /// that was ambiguous may not be any more), those with a link that leads nowhere, with
    /// `unlinked-mention` on those whose text it reads, and those with a heading that may name
    /// it: whether a section is about another note (`inconsistent-figure`) depends on which
    /// notes there are, so their own checks run again, on the text last given for them by
    /// [`Session::update`], else their file's.
    pub fn remove(&mut self, path: &str) -> Result<BTreeSet<String>, EditError> {
        self.warm_up();
        if self.index.note_id(path).is_none() {
            return Err(EditError::NoSuchNote(path.to_string()));
        }
        self.given.remove(path);
        Ok(self.in_pool(|s| s.change_paths(Some(path), None)))
    }

    /// Moves the note at `from` to `to` and returns the notes whose findings may have changed,
    /// as for a removal and an addition, `from` and `to` included. The note's text is read
    /// from its file at `to` (an editor renames the file before it says so), else kept from
    /// `from` on disk; follow with [`Session::update`] when the buffer differs from the file.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<BTreeSet<String>, EditError> {
        if !is_markdown(to) {
            return Err(EditError::NotMarkdown(to.to_string()));
        }
        self.warm_up();
        if self.index.note_id(from).is_none() {
            return Err(EditError::NoSuchNote(from.to_string()));
        }
        if from != to && self.index.note_id(to).is_some() {
            return Err(EditError::AlreadyANote(to.to_string()));
        }
        let text = [to, from]
            .iter()
            .find_map(|p| std::fs::read_to_string(self.root.join(p)).ok());
        self.given.remove(from);
        Ok(self.in_pool(|s| s.change_paths(Some(from), Some((Arc::from(to), text)))))
    }

    /// Makes ready what edits read (which notes link to which, and every note read whole), so
    /// that the first edit takes no longer than the next: for a caller with time to spare
    /// before edits come, as a language server has once the vault is read.
    pub fn prepare_edits(&mut self) {
        self.warm_up();
        self.in_pool(|s| {
            s.graph();
        });
    }

    fn in_pool<R: Send>(&mut self, work: impl FnOnce(&mut Session) -> R + Send) -> R {
        match self.pool.clone() {
            Some(pool) => pool.install(|| work(self)),
            None => work(self),
        }
    }

    fn check_and(&mut self, selection: Selection<'_>, take: bool) -> Run {
        self.in_pool(|s| s.check_in_pool(selection, take))
    }

    fn check_in_pool(&mut self, selection: Selection<'_>, take: bool) -> Run {
        let settings = &self.settings;
        let root = self.root.as_path();
        let unchecked: BTreeSet<&str> = self.unreadable.iter().map(|p| p.path.as_str()).collect();
        let reported: Vec<bool> = self
            .index
            .notes()
            .iter()
            .map(|n| {
                is_reported(settings, selection, n, &self.index) && !unchecked.contains(&*n.path)
            })
            .collect();
        // A session opened for one check read some notes for less than this check needs.
        let anchors_of = |path: &str| read_and_parse(root, path, settings, Depth::Index).ok();
        index_anchor_targets(
            &mut self.index,
            &reported,
            &mut self.names_only,
            &anchors_of,
        );
        // A note that could not be read counts as done: reading it again would fail again.
        let done: Vec<bool> = self
            .local
            .iter()
            .zip(self.index.notes())
            .map(|(l, n)| l.is_done() || unchecked.contains(&*n.path))
            .collect();
        let reparse = |path: &str| read_and_parse(root, path, settings, Depth::Whole).ok();
        complete_notes(&mut self.index, &reported, &done, &reparse);
        let (local, local_problems) = gather_local(&mut self.local, &reported, take);
        // Like its findings, an excluded or unselected note's problem is not reported.
        let index = &self.index;
        let mut problems: Vec<Problem> = self
            .unreadable
            .iter()
            .cloned()
            .chain(local_problems)
            .filter(|p| {
                index
                    .note_id(&p.path)
                    .and_then(|id| index.note(id))
                    .is_none_or(|n| is_reported(settings, selection, n, index))
            })
            .collect();
        let (findings, more) = check_index(settings, index, &reported, &done, local, &self.timer);
        problems.extend(more);
        problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        Run {
            findings,
            notes_checked: reported.iter().filter(|r| **r).count(),
            notes_indexed: index.notes().len(),
            problems,
            skipped: self.skipped.clone(),
            rule_times: self.timer.times(settings),
        }
    }

    /// Reads the vault whole again when the session was opened for one check: an edit needs
    /// every note's links, and the findings of any note. (When the vault's folder has gone,
    /// the session keeps what it read.)
    fn warm_up(&mut self) {
        if self.for_edits {
            return;
        }
        let all = |_: &str| true;
        let names = Mutex::new(Names::default());
        let read = read_vault(
            &self.settings,
            &self.root,
            self.pool.as_deref(),
            &self.timer,
            &all,
            Keep::Edits(&names),
            &NoObserver,
        );
        self.for_edits = true;
        self.graph = None;
        match read {
            Ok(indexed) => {
                self.index = indexed.index;
                self.unreadable = indexed.unreadable;
                self.skipped = indexed.skipped;
                self.local = indexed.local;
                self.names_only = indexed.names_only;
                self.settled = indexed.settled;
                self.names = names.into_inner().unwrap_or_else(PoisonError::into_inner);
            }
            // What was read for one check keeps its links: nothing was let go.
            Err(_) => self.settled = vec![Settled::default(); self.index.notes().len()],
        }
    }

    /// The links of the session, made on first use. The notes settled links led to when
    /// they were read are let go then: the vault's paths may change after.
    fn graph(&mut self) -> &mut LinkGraph {
        if self.graph.is_none() {
            self.graph = Some(LinkGraph::of(&self.index, &self.settled, &self.names));
            for settled in &mut self.settled {
                settled.leads = Box::default();
            }
        }
        self.graph.get_or_insert_with(LinkGraph::default)
    }

    /// The notes whose links or quoted figures may lead to the note at `path` (every note a
    /// link with an ambiguous name may mean), with the note itself, by vault path, sorted:
    /// where its references are to be looked for.
    pub fn linking_to(&self, path: &str) -> Vec<String> {
        let Some(id) = self.index.note_id(path) else {
            return Vec::new();
        };
        let mut ids: BTreeSet<usize> = BTreeSet::from([id]);
        match &self.graph {
            Some(graph) => ids.extend(graph.linking_to(id)),
            None => ids.extend(
                self.index
                    .notes()
                    .par_iter()
                    .enumerate()
                    .filter(|(from, note)| {
                        let settled = self.settled.get(*from);
                        let (out, _) =
                            LinkGraph::leads_from(&self.index, note, settled, &self.names);
                        u32::try_from(id).is_ok_and(|id| out.binary_search(&id).is_ok())
                    })
                    .map(|(from, _)| from)
                    .collect::<Vec<_>>(),
            ),
        }
        self.paths_of(ids).into_iter().collect()
    }

    /// Parses the note's new text in place of note `id`, at the same path.
    fn update_note(&mut self, id: usize, text: &str) -> BTreeSet<String> {
        let Some(old) = self.index.note(id) else {
            return BTreeSet::new();
        };
        let path = Arc::clone(&old.path);
        let old_aliases = old.aliases.clone();
        self.unreadable.retain(|p| *p.path != *path);
        let (note, anchors, local) = self.take_in_text(&path, Some(text));
        let names_changed = note.aliases != old_aliases;
        let leads_to = LinkGraph::leads_from(&self.index, &note, None, &self.names);
        let graph = self.graph();
        let mut affected: BTreeSet<usize> = BTreeSet::from([id]);
        affected.extend(graph.linking_to(id));
        graph.relink(id, leads_to);
        if names_changed {
            affected.extend(graph.with_missing());
            affected.extend(self.with_text());
        }
        if let Some(slot) = self.local.get_mut(id) {
            *slot = local;
        }
        if let Some(slot) = self.settled.get_mut(id) {
            *slot = Settled::default();
        }
        if names_changed {
            // Aliases are indexed for suggestions: the index is made again around the note.
            let (notes, mut all_anchors, files) = std::mem::take(&mut self.index).into_parts();
            let mut notes = notes;
            if let (Some(n), Some(a)) = (notes.get_mut(id), all_anchors.get_mut(id)) {
                *n = note;
                *a = anchors;
            }
            let paths = Paths::new(notes.iter().map(|n| n.path.to_string()).collect(), files);
            self.index = VaultIndex::with_paths(paths, notes, all_anchors);
        } else {
            self.index.reindex_note(id, note, anchors);
        }
        self.paths_of(affected)
    }

    /// Removes the note at `remove` and adds `add` (a path, and its text when it could be
    /// read): a deletion, an addition or a rename. Every id after the change point moves,
    /// so the index is made again and the notes whose links lead elsewhere now are found by
    /// comparing where each note's links led before and after.
    fn change_paths(
        &mut self,
        remove: Option<&str>,
        add: Option<(Arc<str>, Option<String>)>,
    ) -> BTreeSet<String> {
        self.graph();
        let before = self.leads_by_path();
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let added: Option<Arc<str>> = add.as_ref().map(|(p, _)| Arc::clone(p));
        let edited: Vec<&str> = remove.into_iter().chain(added.as_deref()).collect();
        affected.extend(edited.iter().map(|p| (*p).to_string()));
        affected.extend(self.linked_into(&edited));
        affected.extend(self.with_missing_paths());
        affected.extend(self.paths_of(self.with_text()));

        let (notes, anchors, files) = std::mem::take(&mut self.index).into_parts();
        let local = std::mem::take(&mut self.local);
        let settled = std::mem::take(&mut self.settled);
        let mut entries: Vec<(Note, NoteAnchors, Local, Settled)> = notes
            .into_iter()
            .zip(anchors)
            .zip(local)
            .zip(settled)
            .map(|(((n, a), l), s)| (n, a, l, s))
            .filter(|(n, _, _, _)| remove.is_none_or(|r| *n.path != *r))
            .collect();
        self.unreadable
            .retain(|p| !edited.contains(&p.path.as_str()));
        // The vault's paths after the change: the added note's own checks look names up in
        // them (a heading may name a note).
        let mut names: Vec<String> = entries
            .iter()
            .map(|(n, _, _, _)| n.path.to_string())
            .collect();
        let at = add
            .as_ref()
            .map(|(path, _)| entries.partition_point(|(n, _, _, _)| *n.path < **path));
        if let (Some((path, _)), Some(at)) = (&add, at) {
            names.insert(at, path.to_string());
        }
        let paths = Paths::new(names, files);
        if let (Some((path, text)), Some(at)) = (&add, at) {
            let (n, a, l) = self.take_in_text_with(path, text.as_deref(), Some(&paths));
            entries.insert(at, (n, a, l, Settled::default()));
        }
        let mut notes = Vec::with_capacity(entries.len());
        let mut anchors = Vec::with_capacity(entries.len());
        let mut local = Vec::with_capacity(entries.len());
        let mut settled = Vec::with_capacity(entries.len());
        for (n, a, l, s) in entries {
            notes.push(n);
            anchors.push(a);
            local.push(l);
            settled.push(s);
        }
        self.index = VaultIndex::with_paths(paths, notes, anchors);
        self.local = local;
        self.settled = settled;
        self.names_only = vec![false; self.local.len()];
        self.read_unsettled();
        // A heading may name the note added or removed: whether its section is about another
        // note changed, and so may the note's own findings.
        let names: Vec<&str> = edited.iter().map(|p| note_name(p)).collect();
        affected.extend(self.recheck_headings_naming(&names, added.as_deref()));
        self.graph = None;
        self.graph();
        let after = self.leads_by_path();
        for (path, leads) in &after {
            if before.get(path) != Some(leads) {
                affected.insert(path.to_string());
            }
        }
        affected.extend(self.linked_into(&edited));
        affected.extend(self.with_missing_paths());
        affected.extend(self.paths_of(self.with_text()));
        affected
    }

    /// Reads again, whole and keeping every link, the notes that let go of links the vault's
    /// paths, changed since, no longer settle: a link to a note now gone, or to a name now
    /// ambiguous, is one their checks must see. Such a note was read from its file and has
    /// not been edited since (an edited note keeps all its links).
    fn read_unsettled(&mut self) {
        let (index, names) = (&self.index, &self.names);
        let unsettled: Vec<usize> = self
            .settled
            .par_iter()
            .enumerate()
            .filter(|(id, settled)| {
                let from = index.note(*id).map_or("", |n| &n.path);
                settled
                    .names
                    .iter()
                    .any(|name| !is_settled(index.paths(), names.name(*name), from))
            })
            .map(|(id, _)| id)
            .collect();
        for id in unsettled {
            let Some(path) = self.index.note(id).map(|n| Arc::clone(&n.path)) else {
                continue;
            };
            self.unreadable.retain(|p| *p.path != *path);
            let (note, anchors, local) = self.take_in_text(&path, None);
            self.index.reindex_note(id, note, anchors);
            if let Some(slot) = self.local.get_mut(id) {
                *slot = local;
            }
            if let Some(slot) = self.settled.get_mut(id) {
                *slot = Settled::default();
            }
        }
    }

    /// Runs the own checks again, against the vault's paths now, of the notes with a heading
    /// that may name a note called one of `names` (a heading holding the name, in any case):
    /// whether a section is about another note of the vault (`inconsistent-figure`) depends
    /// on which notes there are. Each is parsed from the text an edit handed in, else read
    /// from its file. `skip` was just taken in. Returns their paths.
    fn recheck_headings_naming(&mut self, names: &[&str], skip: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = names
            .iter()
            .map(|n| fold(n))
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            return Vec::new();
        }
        let index = &self.index;
        let ids: Vec<usize> = (0..index.notes().len())
            .into_par_iter()
            .filter(|id| {
                index.note(*id).is_some_and(|n| Some(&*n.path) != skip)
                    && index
                        .heading_texts(*id)
                        .any(|h| names.iter().any(|n| holds_folded(h, n)))
            })
            .collect();
        let mut paths = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(path) = self.index.note(id).map(|n| Arc::clone(&n.path)) else {
                continue;
            };
            self.unreadable.retain(|p| *p.path != *path);
            let text = self.given.remove(&path);
            let (note, anchors, local) = self.take_in_text(&path, text.as_deref());
            if let Some(text) = text {
                self.given.insert(Arc::clone(&path), text);
            }
            self.index.reindex_note(id, note, anchors);
            if let Some(slot) = self.local.get_mut(id) {
                *slot = local;
            }
            if let Some(slot) = self.settled.get_mut(id) {
                *slot = Settled::default();
            }
            paths.push(path.to_string());
        }
        paths
    }

    /// Parses a note's text (`None`: it is read from its file) and takes it in as a note of a
    /// session for edits: its own checks run, all its links kept.
    fn take_in_text(&mut self, path: &Arc<str>, text: Option<&str>) -> (Note, NoteAnchors, Local) {
        self.take_in_text_with(path, text, None)
    }

    /// [`Session::take_in_text`] with the vault's paths as `paths` says (`None`: the index's).
    fn take_in_text_with(
        &mut self,
        path: &Arc<str>,
        text: Option<&str>,
        paths: Option<&Paths>,
    ) -> (Note, NoteAnchors, Local) {
        // The local checks read the note's text as well as its parse: when the text comes
        // from disk, it is the text just read, never an empty stand-in.
        let parsed = match text {
            Some(text) => parse_text(path, text, &self.settings, Depth::Whole)
                .map(|note| (note, std::borrow::Cow::Borrowed(text))),
            None => read_and_parse_text(&self.root, Arc::clone(path), &self.settings, Depth::Whole)
                .map(|(note, read)| (note, std::borrow::Cow::Owned(read))),
        };
        match parsed {
            Ok((note, text)) => {
                let (note, anchors, local, _) = take_in(
                    &self.settings,
                    note,
                    &text,
                    Some(&self.timer),
                    paths.unwrap_or(self.index.paths()),
                    Keep::All,
                );
                (note, anchors, local)
            }
            Err(problem) => {
                self.unreadable.push(problem);
                let (note, anchors) = unreadable_note(&self.settings, path);
                (note, anchors, Local::NotRun)
            }
        }
    }

    /// Per note path: the paths of the notes its links and quotes lead to, and whether one
    /// leads nowhere.
    fn leads_by_path(&mut self) -> BTreeMap<Arc<str>, (Vec<Arc<str>>, bool)> {
        let index = &self.index;
        let Some(graph) = &self.graph else {
            return BTreeMap::new();
        };
        let path = |id: u32| {
            index
                .note(id as usize)
                .map_or_else(|| Arc::from(""), |n| Arc::clone(&n.path))
        };
        index
            .notes()
            .iter()
            .zip(&graph.out)
            .zip(&graph.missing)
            .map(|((note, out), missing)| {
                let mut leads: Vec<Arc<str>> = out.iter().map(|id| path(*id)).collect();
                leads.sort();
                (Arc::clone(&note.path), (leads, *missing))
            })
            .collect()
    }

    /// The paths of the notes whose links or quotes lead to one of `paths`.
    fn linked_into(&self, paths: &[&str]) -> Vec<String> {
        let Some(graph) = &self.graph else {
            return Vec::new();
        };
        let ids: BTreeSet<usize> = paths
            .iter()
            .filter_map(|p| self.index.note_id(p))
            .flat_map(|id| graph.linking_to(id).collect::<Vec<_>>())
            .collect();
        self.paths_of(ids).into_iter().collect()
    }

    /// The notes whose plain text is kept (for `unlinked-mention`): when the vault's names
    /// change, a phrase anywhere in them can become a mention of a note, or stop being one.
    fn with_text(&self) -> BTreeSet<usize> {
        self.index
            .notes()
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.text_runs.is_empty())
            .map(|(id, _)| id)
            .collect()
    }

    /// The paths of the notes with a link that leads nowhere.
    fn with_missing_paths(&self) -> Vec<String> {
        let Some(graph) = &self.graph else {
            return Vec::new();
        };
        self.paths_of(graph.with_missing().collect())
            .into_iter()
            .collect()
    }

    fn paths_of(&self, ids: BTreeSet<usize>) -> BTreeSet<String> {
        ids.into_iter()
            .filter_map(|id| self.index.note(id).map(|n| n.path.to_string()))
            .collect()
    }
}

/// Which notes link to which: what an edit reads to know whose findings it may change.
#[derive(Debug, Default)]
struct LinkGraph {
    /// Per note: the notes its links and quoted figures lead to (every candidate of an
    /// ambiguous name), sorted, each once.
    out: Vec<Vec<u32>>,
    /// Per note: the notes whose links or quoted figures lead to it, sorted, each once.
    into: Vec<Vec<u32>>,
    /// Per note: whether one of its links leads nowhere.
    missing: Vec<bool>,
}

impl LinkGraph {
    fn of(index: &VaultIndex, settled: &[Settled], names: &Names) -> LinkGraph {
        let leads: Vec<(Vec<u32>, bool)> = index
            .notes()
            .par_iter()
            .enumerate()
            .map(|(id, note)| LinkGraph::leads_from(index, note, settled.get(id), names))
            .collect();
        let mut graph = LinkGraph {
            into: vec![Vec::new(); leads.len()],
            ..LinkGraph::default()
        };
        for (from, (out, missing)) in leads.into_iter().enumerate() {
            let Ok(from) = u32::try_from(from) else { break };
            for to in &out {
                if let Some(list) = graph.into.get_mut(*to as usize) {
                    list.push(from);
                }
            }
            graph.out.push(out);
            graph.missing.push(missing);
        }
        graph
    }

    /// Where the links and quoted figures of `note` lead, with the settled links it let go
    /// (`settled`, their names numbered in `names`): the notes, and whether one leads nowhere.
    fn leads_from(
        index: &VaultIndex,
        note: &Note,
        settled: Option<&Settled>,
        names: &Names,
    ) -> (Vec<u32>, bool) {
        let mut out = Vec::new();
        let mut missing = false;
        // Where the settled links led when the note was read holds until the paths change
        // (see `Session::graph`); once let go, their names are resolved again. A settled link
        // never leads nowhere.
        let settled: &[u32] = match settled {
            Some(s) if !s.leads.is_empty() => {
                out.extend_from_slice(&s.leads);
                &[]
            }
            Some(s) => &s.names,
            None => &[],
        };
        let targets = note
            .links
            .iter()
            .chain(&note.comment_links)
            .filter(|l| !l.is_same_note())
            .map(|l| &*l.path)
            .chain(settled.iter().map(|n| names.name(*n)))
            .chain(note.quoted_figures.iter().map(|q| &*q.target));
        for target in targets {
            match index.resolve(target, &note.path) {
                Resolution::Note { id, others } => {
                    out.extend(
                        std::iter::once(id)
                            .chain(others)
                            .filter_map(|id| u32::try_from(id).ok()),
                    );
                }
                Resolution::Missing | Resolution::OutsideVault => missing = true,
                Resolution::File(_) => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        (out, missing)
    }

    /// The notes whose links or quotes lead to note `id`.
    fn linking_to(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.into
            .get(id)
            .into_iter()
            .flatten()
            .map(|from| *from as usize)
    }

    fn with_missing(&self) -> impl Iterator<Item = usize> + '_ {
        self.missing
            .iter()
            .enumerate()
            .filter(|(_, m)| **m)
            .map(|(id, _)| id)
    }

    /// Records where note `id`'s links lead now.
    fn relink(&mut self, id: usize, (out, missing): (Vec<u32>, bool)) {
        let Ok(from) = u32::try_from(id) else { return };
        let old = self.out.get_mut(id).map(std::mem::take).unwrap_or_default();
        for to in old {
            if let Some(list) = self.into.get_mut(to as usize)
                && let Ok(at) = list.binary_search(&from)
            {
                list.remove(at);
            }
        }
        for to in &out {
            if let Some(list) = self.into.get_mut(*to as usize)
                && let Err(at) = list.binary_search(&from)
            {
                list.insert(at, from);
            }
        }
        if let Some(slot) = self.out.get_mut(id) {
            *slot = out;
        }
        if let Some(slot) = self.missing.get_mut(id) {
            *slot = missing;
        }
    }
}

/// Reads, parses and indexes the vault at `root` on `pool`: whole, the notes `selects` names
/// (all of them to keep for edits), the others to the depth a check of those needs.
fn read_vault(
    settings: &Settings,
    root: &Path,
    pool: Option<&rayon::ThreadPool>,
    timer: &Timer,
    selects: &(dyn Fn(&str) -> bool + Sync),
    keep: Keep<'_>,
    observer: &dyn Observer,
) -> Result<Indexed, DiscoverError> {
    let threads = pool.map_or(1, rayon::ThreadPool::current_num_threads);
    let work = || {
        // Notes that may be reported are parsed whole and checked on their own as they are
        // parsed; the others are parsed only for what checking the reported ones needs of
        // them. Unless a `--changed-since` run must read every note's links to find the ones
        // a deletion or rename broke, that is their names alone.
        let may_report = |path: &str| {
            selects(path)
                && !settings.exclude.is_match(path)
                && settings
                    .changes
                    .as_ref()
                    .is_none_or(|c| c.changed.contains(path))
        };
        let depth = |path: &str| {
            if keep.for_edits() || may_report(path) {
                Depth::Whole
            } else if settings
                .changes
                .as_ref()
                .is_none_or(|c| !c.may_break_links())
            {
                Depth::Names
            } else {
                Depth::Index
            }
        };
        index_vault(settings, root, threads, &depth, Some(timer), keep, observer)
    };
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Selected, not excluded, and (with `--changed-since`) changed or hurt by a change.
fn is_reported(
    settings: &Settings,
    selection: Selection<'_>,
    note: &Note,
    index: &VaultIndex,
) -> bool {
    selection.selects(&note.path)
        && !settings.exclude.is_match(&*note.path)
        && settings
            .changes
            .as_ref()
            .is_none_or(|c| c.touches(note, index))
}

/// A note's name: its file name without `.md`.
fn note_name(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    match file.len().checked_sub(3) {
        Some(at)
            if file
                .get(at..)
                .is_some_and(|ext| ext.eq_ignore_ascii_case(".md")) =>
        {
            file.get(..at).unwrap_or(file)
        }
        _ => file,
    }
}

/// Whether `text` holds `folded` (a name as [`fold`] gives it) in any case.
fn holds_folded(text: &str, folded: &str) -> bool {
    if text.is_ascii() {
        folded.is_ascii()
            && text
                .as_bytes()
                .windows(folded.len().max(1))
                .any(|w| w.eq_ignore_ascii_case(folded.as_bytes()))
    } else {
        fold(text).contains(folded)
    }
}

fn is_markdown(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.len() > 3 && name.to_ascii_lowercase().ends_with(".md"))
}
