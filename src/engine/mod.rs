//! The engine: discover, parse in parallel, index, run every enabled rule in parallel, and
//! stamp and sort what they report. [`Session`] is its interface: open a vault once, check
//! any selection of its notes, apply edits (`session.rs`).
//!
//! Owns policy (severity, which notes are reported, order, suppressions: `suppress.rs`) and
//! containment: a note that cannot be read, or a rule that panics on one note, becomes a
//! recorded problem and the run goes on. Returns the run as data; what a baseline hides and
//! the statistics are worked out from it by the report.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::finding::{Diagnostic, Finding, Place, Severity};
use crate::index::{NoteAnchors, Paths, Resolution, VaultIndex};
use crate::model::{LineCol, LineCursor, LineIndex, Link, Note};
use crate::rules::settings::{ActiveRule, Settings};
use crate::rules::{Context, NoteContext, Rule, stated_figures};
use crate::vault::discover::{self, DiscoverError};
use crate::vault::read::{MAX_NOTE_BYTES, decode, read_note};
use crate::vault::targets::Targets;

mod session;
mod suppress;

pub use session::{EditError, Selection, Session};

/// What to check.
#[derive(Debug, Clone)]
pub struct Request {
    /// The vault and which of its notes are reported; the whole vault is indexed either way.
    pub targets: Targets,
    pub threads: usize,
    /// Time each rule ([`Run::rule_times`]): two clock reads per rule and note, so only when
    /// the times are shown (`check --statistics`).
    pub time_rules: bool,
}

/// A failure that did not stop the run but means not everything was checked (exit 2).
/// Reported under the rule id `unreadable-note`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The note (vault-relative); empty for a failure of a vault-wide check.
    pub path: String,
    pub message: String,
    /// Where in the note the problem is (the first bad byte), when known.
    pub position: Option<LineCol>,
    pub kind: ProblemKind,
}

/// Why a note could not be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not text, too large, or could not be read.
    Unreadable,
    /// vaultlint itself failed on the note (a bug worth reporting).
    Internal,
}

impl Problem {
    fn new(path: &str, message: String, kind: ProblemKind) -> Self {
        Problem {
            path: path.to_string(),
            message,
            position: None,
            kind,
        }
    }

    /// What the reader can do about it.
    pub fn help(&self) -> &'static str {
        match self.kind {
            ProblemKind::Unreadable => {
                "Fix, convert or remove the file (or exclude it); the rest of the vault was checked"
            }
            ProblemKind::Internal => {
                "This is a bug in vaultlint: please report it with the note that triggers it"
            }
        }
    }
}

/// The outcome of one run.
#[derive(Debug, Default)]
pub struct Run {
    pub findings: Vec<Finding>,
    /// Notes reported on.
    pub notes_checked: usize,
    /// Notes in the vault.
    pub notes_indexed: usize,
    pub problems: Vec<Problem>,
    /// Paths the walk passed over, with why (shown with `--verbose`).
    pub skipped: Vec<(String, String)>,
    /// Time each enabled rule took, summed over notes and threads, in registry order; empty
    /// unless [`Request::time_rules`].
    pub rule_times: Vec<(&'static str, Duration)>,
}

/// Looks at a session opening (`vaultlint report`, progress bars). Called from the run's
/// worker threads; every method does nothing unless implemented.
pub trait Observer: Sync {
    /// The walk found this many notes; they are read next.
    fn walked(&self, _notes: usize) {}
    /// One note was read and parsed (to whatever depth the run needs of it).
    fn read(&self) {}
    /// A note the run reads whole, while all of its model and its text are in hand: the run
    /// keeps only what other notes' checks need of it afterwards. `paths` resolves its links.
    fn whole(&self, _settings: &Settings, _note: &Note, _text: &str, _paths: &Paths) {}
    /// Every note is read: the run now checks the links and the vault-wide rules.
    fn checking(&self) {}
}

/// An observer that looks at nothing.
pub struct NoObserver;

impl Observer for NoObserver {}

/// Runs `work` on a pool of `threads` threads, so that every parallel step in it keeps to
/// `--threads` (on the global pool if that pool cannot be built).
fn on_threads<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Checks notes given as `(path, text)`, every one reported, with the rules of `settings`:
/// the whole pipeline after reading, without the file system. For property tests and fuzzing.
/// A parser panic propagates (so a test sees it); a panicking rule becomes a problem.
pub fn check_texts(settings: &Settings, notes: &[(&str, &str)], files: &[&str]) -> Run {
    let mut notes: Vec<(&str, &str)> = notes.to_vec();
    // Keep the first note of a path, as a vault cannot hold two.
    notes.sort_by(|a, b| a.0.cmp(b.0));
    notes.dedup_by(|a, b| a.0 == b.0);
    let mut files: Vec<String> = files.iter().map(|f| (*f).to_string()).collect();
    files.sort();
    files.dedup();
    let paths = Paths::new(notes.iter().map(|(p, _)| (*p).to_string()).collect(), files);
    let timer = Timer::new(settings.rules.len(), true);
    let mut local = Vec::with_capacity(notes.len());
    let (parsed, anchors): (Vec<Note>, Vec<NoteAnchors>) = notes
        .iter()
        .map(|(path, text)| {
            let note = Note::parse(*path, text, &settings.parse);
            let (note, anchors, checked, _) =
                take_in(settings, note, text, Some(&timer), &paths, Keep::OneCheck);
            local.push(checked);
            (note, anchors)
        })
        .unzip();
    let mut index = VaultIndex::with_paths(paths, parsed, anchors);
    let reported = vec![true; index.notes().len()];
    let (findings, mut problems) = gather_local(&mut local, &reported, true);
    let done: Vec<bool> = local.iter().map(Local::is_done).collect();
    let reparse = |path: &str| {
        let (_, text) = notes.iter().find(|(p, _)| *p == path)?;
        Some(Note::parse(path, text, &settings.parse))
    };
    complete_notes(&mut index, &reported, &done, &reparse);
    let (findings, more) = check_index(settings, &index, &reported, &done, findings, &timer);
    problems.extend(more);
    Run {
        findings,
        notes_checked: reported.len(),
        notes_indexed: reported.len(),
        problems,
        skipped: Vec::new(),
        rule_times: timer.times(settings),
    }
}

/// What a note's own checks ([`crate::rules::Rule::check_note`]) found, kept from the moment
/// the note was parsed (its text in hand) until a check reports it.
#[derive(Debug, Default)]
enum Local {
    /// Not run: the note was read for what other notes' checks need of it.
    #[default]
    NotRun,
    /// Run, and found nothing.
    Clean,
    /// Run: findings (placed) and problems (a rule that panicked).
    Found(Box<(Vec<Finding>, Vec<Problem>)>),
}

impl Local {
    fn of(findings: Vec<Finding>, problems: Vec<Problem>) -> Local {
        if findings.is_empty() && problems.is_empty() {
            Local::Clean
        } else {
            Local::Found(Box::new((findings, problems)))
        }
    }

    fn is_done(&self) -> bool {
        !matches!(self, Local::NotRun)
    }
}

/// The findings and problems of the reported notes' own checks, in note order: moved out
/// when `take` (a run that ends with this check), else copied.
fn gather_local(
    local: &mut [Local],
    reported: &[bool],
    take: bool,
) -> (Vec<Finding>, Vec<Problem>) {
    let selected = || {
        local
            .iter()
            .zip(reported)
            .filter(|(_, r)| **r)
            .filter_map(|(l, _)| match l {
                Local::Found(found) => Some(found),
                _ => None,
            })
    };
    // Sized once: on a large vault the findings are tens of megabytes, and growing them by
    // doubling would hold up to twice that at the run's peak.
    let total = selected().map(|f| f.0.len()).sum();
    let mut findings = Vec::with_capacity(total);
    let mut problems = Vec::new();
    for (l, r) in local.iter_mut().zip(reported) {
        if !*r {
            continue;
        }
        let Local::Found(found) = l else { continue };
        if take {
            findings.append(&mut found.0);
            problems.append(&mut found.1);
        } else {
            findings.extend(found.0.iter().cloned());
            problems.extend(found.1.iter().cloned());
        }
    }
    (findings, problems)
}

/// Time each enabled rule took, summed over notes and threads, in nanoseconds; nothing when
/// off (no rule is timed, no clock read).
struct Timer(Option<Vec<AtomicU64>>);

impl Timer {
    fn new(rules: usize, on: bool) -> Self {
        Timer(on.then(|| (0..rules).map(|_| AtomicU64::new(0)).collect()))
    }

    /// Runs `work` as rule number `rule`, adding the time it took when on.
    fn time<R>(&self, rule: usize, work: impl FnOnce() -> R) -> R {
        let Some(sums) = &self.0 else {
            return work();
        };
        let started = Instant::now();
        let result = work();
        if let Some(sum) = sums.get(rule) {
            let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            sum.fetch_add(nanos, Ordering::Relaxed);
        }
        result
    }

    /// Each rule's time, in registry order; empty when off.
    fn times(&self, settings: &Settings) -> Vec<(&'static str, Duration)> {
        let Some(sums) = &self.0 else {
            return Vec::new();
        };
        settings
            .rules
            .iter()
            .zip(sums)
            .map(|(a, n)| (a.meta.id, Duration::from_nanos(n.load(Ordering::Relaxed))))
            .collect()
    }
}

/// Runs the checks against the vault on every reported note (and its own checks on a reported
/// note whose own checks have not run: `done` says which have), then the vault-wide checks,
/// then applies suppressions; sorted findings, with `local`, the note-local findings already
/// made.
fn check_index(
    settings: &Settings,
    index: &VaultIndex,
    reported: &[bool],
    done: &[bool],
    local: Vec<Finding>,
    timer: &Timer,
) -> (Vec<Finding>, Vec<Problem>) {
    let own = NoteContext {
        settings,
        paths: Some(index.paths()),
        revision: None,
    };
    let per_note: Vec<(Vec<Finding>, Vec<Problem>)> = index
        .notes()
        .par_iter()
        .enumerate()
        .filter(|(id, _)| reported.get(*id).copied().unwrap_or(false))
        .map(|(id, note)| {
            // One context per note: it keeps the note's link resolutions for every rule.
            let cx = Context::new(index, settings);
            let (mut findings, mut problems) = check_with(settings, note, timer, |rule, out| {
                rule.check_links(&cx, note, out)
            });
            place_on_links(&mut findings, note);
            if !done.get(id).copied().unwrap_or(false) {
                let (f, p) = check_with(settings, note, timer, |rule, out| {
                    rule.check_note(&own, note, out);
                });
                findings.extend(f);
                problems.extend(p);
            }
            (findings, problems)
        })
        .filter(|(findings, problems)| !findings.is_empty() || !problems.is_empty())
        .collect();
    let mut findings = local;
    findings.reserve_exact(per_note.iter().map(|(f, _)| f.len()).sum());
    let mut problems = Vec::new();
    for (f, p) in per_note {
        findings.extend(f);
        problems.extend(p);
    }
    let cx = Context::new(index, settings);
    for (rule, active) in settings.rules.iter().enumerate() {
        let mut out = Vec::new();
        let result = timer.time(rule, || {
            catch_unwind(AssertUnwindSafe(|| {
                active.rule.check_vault(&cx, reported, &mut out)
            }))
        });
        if result.is_err() {
            problems.push(Problem::new(
                "",
                format!(
                    "Internal error: rule `{}` panicked in its vault-wide check",
                    active.meta.id
                ),
                ProblemKind::Internal,
            ));
        }
        for (id, diagnostic) in out {
            let Some(note) = index.note(id) else { continue };
            if !reported.get(id).copied().unwrap_or(false) {
                continue;
            }
            if let Some(mut finding) = stamp(settings, active, note, diagnostic) {
                place_on_quotes(&mut finding, note);
                findings.push(finding);
            }
        }
    }
    let unused = suppress::apply(settings, index, reported, &mut findings);
    findings.extend(unused);
    findings.sort_unstable_by(Finding::output_order);
    findings.dedup();
    (findings, problems)
}

/// Reads and parses every note of the vault at `root` that `exclude` does not cover, without
/// running any rule (for `schema infer`). Notes that cannot be read are returned as problems.
pub fn load_notes(
    settings: &Settings,
    root: &Path,
    threads: usize,
) -> Result<(Vec<Note>, Vec<Problem>), DiscoverError> {
    let found = discover::discover(root, threads.max(1))?;
    let parsed: Vec<Result<Note, Problem>> = on_threads(threads.max(1), || {
        found
            .notes
            .par_iter()
            .filter(|path| !settings.exclude.is_match(path.as_str()))
            .map(|path| read_and_parse(root, path.as_str(), settings, Depth::Whole))
            .collect()
    });
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    for p in parsed {
        match p {
            Ok(note) => notes.push(note),
            Err(problem) => problems.push(problem),
        }
    }
    Ok((notes, problems))
}

/// Reads and parses every note of the vault at `root` and indexes them with its other files,
/// without running any rule (for `vaultlint placeholders`). Notes that cannot be read are
/// returned as problems (and indexed as files, as in a check).
pub fn load_index(
    settings: &Settings,
    root: &Path,
    threads: usize,
) -> Result<(VaultIndex, Vec<Problem>), DiscoverError> {
    let threads = threads.max(1);
    let indexed = on_threads(threads, || {
        index_vault(
            settings,
            root,
            threads,
            &|_| Depth::Whole,
            None,
            Keep::OneCheck,
            &NoObserver,
        )
    })?;
    Ok((indexed.index, indexed.unreadable))
}

/// A walked, read, parsed and indexed vault.
struct Indexed {
    index: VaultIndex,
    /// The notes that could not be read (indexed as empty notes).
    unreadable: Vec<Problem>,
    /// What the walk passed over, with why.
    skipped: Vec<(String, String)>,
    /// Per note, in index order: what its own checks found, if they ran.
    local: Vec<Local>,
    /// Per note: whether only its names were read ([`Depth::Names`]).
    names_only: Vec<bool>,
    /// Per note: the names of the settled links it let go (with [`Keep::Edits`]).
    settled: Vec<Settled>,
}

/// How much of a note a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// Everything: the note is checked.
    Whole,
    /// What other notes' checks need of it ([`Note::parse_for_index`]).
    Index,
    /// Its names alone ([`Note::parse_names`]).
    Names,
}

/// What is kept of a checked note's links.
#[derive(Debug, Clone, Copy)]
enum Keep<'a> {
    /// Those one check still has to look at: a link without an anchor that leads to exactly
    /// one note or attachment is settled once the vault's paths are known.
    OneCheck,
    /// Those one check has to look at, and the names the settled ones are written with,
    /// interned in `names`: a later edit (a rename, a deletion) can change where any of them
    /// lead, and which notes link to an edited one is read from them. A name is a word or
    /// two shared by many links, where a link is a hundred bytes and more.
    Edits(&'a Mutex<Names>),
    /// All of them (an edited note's, whose text is no file to read again).
    All,
}

impl Keep<'_> {
    fn for_edits(self) -> bool {
        !matches!(self, Keep::OneCheck)
    }
}

/// The link targets of a session's notes, as written, each kept once and numbered.
#[derive(Debug, Default)]
struct Names {
    ids: std::collections::HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Names {
    /// The number of `name`, given it the first time it is seen; `None` past `u32::MAX`.
    fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(id) = self.ids.get(name) {
            return Some(*id);
        }
        let id = u32::try_from(self.names.len()).ok()?;
        let name: Arc<str> = Arc::from(name);
        self.ids.insert(Arc::clone(&name), id);
        self.names.push(name);
        Some(id)
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }
}

/// Of one note: the settled links it no longer keeps (see [`Keep::Edits`]).
#[derive(Debug, Default, Clone)]
struct Settled {
    /// The names they are written with, numbered in [`Names`], sorted, each once.
    names: Box<[u32]>,
    /// The notes they led to when the note was read, sorted, each once: the link graph is
    /// first made from these rather than by resolving the names again, then they are let go.
    leads: Box<[u32]>,
}

/// Walks, reads and parses the whole vault and indexes it. A note that cannot be read is a
/// problem, and is still indexed, as an empty note.
/// Each note is read once, to the [`Depth`] `depth(path)` gives. With a `timer`, the notes read
/// whole are checked on their own as soon as they are parsed and then reduced to their index
/// model ([`Note::keep_for_index`]), so the whole of a note is in memory only while it is
/// checked.
fn index_vault(
    settings: &Settings,
    root: &Path,
    threads: usize,
    depth: &(dyn Fn(&str) -> Depth + Sync),
    timer: Option<&Timer>,
    keep: Keep<'_>,
    observer: &dyn Observer,
) -> Result<Indexed, DiscoverError> {
    let found = discover::discover(root, threads.max(1))?;
    let paths = Paths::new(found.notes, found.files);
    observer.walked(paths.notes().len());
    let asked: Vec<Depth> = paths.notes().iter().map(|path| depth(path)).collect();
    let mut plan = asked.clone();
    let read_one = |id: usize, depth: Depth| -> Entry {
        let path = paths
            .notes()
            .get(id)
            .map_or_else(|| Arc::from(""), Arc::clone);
        let read = read_and_parse_text(root, Arc::clone(&path), settings, depth);
        observer.read();
        match read {
            Ok((note, text)) => {
                let timer = timer.filter(|_| depth == Depth::Whole);
                if timer.is_some() && asked.get(id) == Some(&Depth::Whole) {
                    observer.whole(settings, &note, &text, &paths);
                }
                let (note, anchors, local, settled) =
                    take_in(settings, note, &text, timer, &paths, keep);
                (note, (anchors, local, None, settled))
            }
            Err(problem) => {
                let (note, anchors) = unreadable_note(settings, &path);
                (
                    note,
                    (
                        anchors,
                        Local::NotRun,
                        Some(Box::new(problem)),
                        Settled::default(),
                    ),
                )
            }
        }
    };
    // A run that reads some notes whole and the others for less (a run on some notes) reads
    // the whole ones first: the notes their anchored links and quoted figures lead to are then
    // read as far as checking them needs, the first time, and no note is read twice.
    let whole: Vec<usize> = if plan.iter().all(|d| *d == Depth::Whole) {
        Vec::new()
    } else {
        (0..plan.len())
            .filter(|id| plan.get(*id) == Some(&Depth::Whole))
            .collect()
    };
    let early: Vec<Entry> = whole
        .par_iter()
        .map(|id| read_one(*id, Depth::Whole))
        .collect();
    for (note, _) in &early {
        plan_targets(&mut plan, note, &paths);
    }
    let early: Vec<Mutex<Option<Entry>>> = early.into_iter().map(|e| Mutex::new(Some(e))).collect();
    let names_only: Vec<bool> = plan.iter().map(|d| *d == Depth::Names).collect();
    // The models go straight into the vector the index keeps, sized once: collecting results
    // and moving them into it would hold both at the run's peak.
    let mut notes: Vec<Note> = Vec::new();
    let mut rest: Vec<(NoteAnchors, Local, Option<Box<Problem>>, Settled)> = Vec::new();
    (0..plan.len())
        .into_par_iter()
        .map(|id| {
            let read_early = whole
                .binary_search(&id)
                .ok()
                .and_then(|at| early.get(at))
                .and_then(|cell| cell.lock().unwrap_or_else(PoisonError::into_inner).take());
            read_early
                .unwrap_or_else(|| read_one(id, plan.get(id).copied().unwrap_or(Depth::Names)))
        })
        .unzip_into_vecs(&mut notes, &mut rest);
    let mut anchors = Vec::with_capacity(rest.len());
    let mut local = Vec::with_capacity(rest.len());
    let mut unreadable = Vec::new();
    let mut settled = Vec::with_capacity(if keep.for_edits() { rest.len() } else { 0 });
    for (held, checked, problem, names) in rest {
        anchors.push(held);
        local.push(checked);
        unreadable.extend(problem.map(|p| *p));
        if keep.for_edits() {
            settled.push(names);
        }
    }
    let index = VaultIndex::with_paths(paths, notes, anchors);
    Ok(Indexed {
        index,
        unreadable,
        skipped: found.skipped,
        local,
        names_only,
        settled,
    })
}

/// A note as it is taken into the index: its model, anchors, own findings, the problem
/// that kept it from being read, and the names of the settled links it let go.
type Entry = (Note, (NoteAnchors, Local, Option<Box<Problem>>, Settled));

/// Raises the depth `plan` reads the notes at to what checking `note`, read whole, needs of
/// them: the anchors of the notes its anchored links lead to, and the figures of those it
/// quotes (read whole, as their own checks need).
fn plan_targets(plan: &mut [Depth], note: &Note, paths: &Paths) {
    for link in note.links.iter().chain(&note.comment_links) {
        if link.anchor.is_none() || link.is_same_note() {
            continue;
        }
        if let Resolution::Note { id, .. } = paths.resolve(&link.path, &note.path)
            && let Some(depth) = plan.get_mut(id)
            && *depth == Depth::Names
        {
            *depth = Depth::Index;
        }
    }
    for quote in &note.quoted_figures {
        if let Resolution::Note { id, .. } = paths.resolve(&quote.target, &note.path)
            && let Some(depth) = plan.get_mut(id)
        {
            *depth = Depth::Whole;
        }
    }
}

/// The note an unreadable file stands for: still a note of the vault, empty, so that links to
/// it by name resolve (a link to one of its headings cannot be vouched for) and no rule
/// checks it.
fn unreadable_note(settings: &Settings, path: &Arc<str>) -> (Note, NoteAnchors) {
    with_anchors(Note::parse(Arc::clone(path), "", &settings.parse))
}

/// Takes a parsed note into the index, its text `text` in hand: with a `timer`, runs its own
/// checks and places their findings, then keeps its index model (the links `keep` says, each
/// with where it starts) and its anchors. Without one, the note is kept whole. Gives back,
/// with [`Keep::Edits`], the names of the settled links it let go.
fn take_in(
    settings: &Settings,
    mut note: Note,
    text: &str,
    timer: Option<&Timer>,
    paths: &Paths,
    keep: Keep<'_>,
) -> (Note, NoteAnchors, Local, Settled) {
    let mut settled = Settled::default();
    let local = match timer {
        Some(timer) => {
            let (mut findings, problems) = check_local(settings, &note, Some(text), paths, timer);
            place(&mut findings, text);
            note.keep_for_index();
            keep_stated_figures(&mut note);
            match keep {
                Keep::OneCheck => drop_settled_links(&mut note, paths, |_, _| {}),
                Keep::Edits(names) => {
                    let mut names = names.lock().unwrap_or_else(PoisonError::into_inner);
                    let mut ids = Vec::new();
                    let mut leads = Vec::new();
                    drop_settled_links(&mut note, paths, |link, to| {
                        ids.extend(names.intern(&link.path));
                        leads.extend(to.and_then(|id| u32::try_from(id).ok()));
                    });
                    drop(names);
                    ids.sort_unstable();
                    ids.dedup();
                    leads.sort_unstable();
                    leads.dedup();
                    settled = Settled {
                        names: ids.into_boxed_slice(),
                        leads: leads.into_boxed_slice(),
                    };
                }
                Keep::All => {}
            }
            record_link_places(&mut note, text);
            record_quote_places(&mut note, text);
            Local::of(findings, problems)
        }
        None => Local::NotRun,
    };
    let (note, anchors) = with_anchors(note);
    (note, anchors, local, settled)
}

/// Parses for the index (with `parse`) the notes read for their names alone whose headings or
/// blocks the reported notes' links name, so that those anchors can be checked.
fn index_anchor_targets(
    index: &mut VaultIndex,
    reported: &[bool],
    names_only: &mut [bool],
    parse: &(dyn Fn(&str) -> Option<Note> + Sync),
) {
    // A whole-vault run reads every note whole: no link can lead to a note read for its
    // names alone, and resolving every anchored link to find that out is a serial pass.
    if !names_only.contains(&true) {
        return;
    }
    let mut wanted = std::collections::BTreeSet::new();
    for (id, note) in index.notes().iter().enumerate() {
        if !reported.get(id).copied().unwrap_or(false) {
            continue;
        }
        for link in note.links.iter().chain(&note.comment_links) {
            if link.anchor.is_none() || link.is_same_note() {
                continue;
            }
            if let Resolution::Note { id: target, .. } = index.resolve(&link.path, &note.path)
                && names_only.get(target).copied().unwrap_or(false)
            {
                wanted.insert(target);
            }
        }
    }
    // A note that cannot be read keeps its names: links to its headings are not vouched for.
    for (id, note) in parse_again(index, wanted, parse) {
        let (note, anchors) = with_anchors(note);
        index.reindex_note(id, note, anchors);
        if let Some(flag) = names_only.get_mut(id) {
            *flag = false;
        }
    }
}

/// Takes a note's anchors for the index, heading texts included: the note lets its headings
/// go (every check that reads them has run, or reads them from the index).
fn with_anchors(mut note: Note) -> (Note, NoteAnchors) {
    let anchors = NoteAnchors::of(&note);
    note.headings = thin_vec::ThinVec::new();
    (note, anchors)
}

/// Drops the links of a checked note that nothing is left to check on: those without an
/// anchor that lead to exactly one note or attachment. Resolution needs only the vault's
/// paths, known before any note is read; most links of a vault are such links.
/// Each link dropped is handed to `dropped`, with the note it leads to (`None`: an attachment).
fn drop_settled_links(
    note: &mut Note,
    paths: &Paths,
    mut dropped: impl FnMut(&Link, Option<usize>),
) {
    let from = &*note.path;
    let mut keep = |link: &Link| {
        if link.is_same_note() || link.anchor.is_some() {
            return true;
        }
        match settled_target(paths, &link.path, from) {
            Some(to) => {
                dropped(link, to);
                false
            }
            None => true,
        }
    };
    let mut links = std::mem::take(&mut note.links);
    links.retain(&mut keep);
    let mut in_comments = std::mem::take(&mut note.comment_links);
    in_comments.retain(&mut keep);
    links.shrink_to_fit();
    in_comments.shrink_to_fit();
    note.links = links;
    note.comment_links = in_comments;
}

/// Whether a link without an anchor to `target`, in the note at `from`, leads to exactly one
/// note or attachment: nothing is left to check on it while the vault's paths stay as they are.
fn is_settled(paths: &Paths, target: &str, from: &str) -> bool {
    settled_target(paths, target, from).is_some()
}

/// Where a settled link leads ([`is_settled`]): `Some(Some(note))`, or `Some(None)` for an
/// attachment; `None` when the link is not settled.
fn settled_target(paths: &Paths, target: &str, from: &str) -> Option<Option<usize>> {
    match paths.resolve(target, from) {
        Resolution::File(_) => Some(None),
        Resolution::Note { id, others } => others.is_empty().then_some(Some(id)),
        Resolution::Missing | Resolution::OutsideVault => None,
    }
}

/// Parses whole (with `reparse`) the notes a check reads in full but that were read for
/// less: the reported ones whose own checks have not run (`done`; a `--changed-since` run
/// also reports notes whose links a deletion broke) and the notes whose figures the reported
/// ones quote, when they were not read whole. A note read whole keeps the figures other notes
/// can quote ([`Note::keep_quotable_figures`]) and is not read again.
fn complete_notes(
    index: &mut VaultIndex,
    reported: &[bool],
    done: &[bool],
    reparse: &(dyn Fn(&str) -> Option<Note> + Sync),
) {
    let is_done = |id: usize| done.get(id).copied().unwrap_or(false);
    let mut wanted = std::collections::BTreeSet::new();
    for (id, note) in index.notes().iter().enumerate() {
        if !reported.get(id).copied().unwrap_or(false) {
            continue;
        }
        if !is_done(id) {
            wanted.insert(id);
        }
        for quote in &note.quoted_figures {
            if let Resolution::Note { id: target, .. } = index.resolve(&quote.target, &note.path)
                && !is_done(target)
            {
                wanted.insert(target);
            }
        }
    }
    // A note that cannot be read again keeps its index model: its own checks find nothing.
    for (id, mut note) in parse_again(index, wanted, reparse) {
        note.stated = stated_figures(&note.figures);
        let anchors = NoteAnchors::of(&note);
        index.reindex_note(id, note, anchors);
    }
}

/// Keeps, of a note whose own checks have run, the figures other notes' quotes are compared
/// with, as [`Note::stated`]: on a vault of tables, a note's figures are most of its memory.
fn keep_stated_figures(note: &mut Note) {
    note.stated = stated_figures(&note.figures);
    note.figures = thin_vec::ThinVec::new();
}

/// Parses the notes `wanted` (by id) again with `parse`, in parallel; those it cannot read
/// are left out.
fn parse_again(
    index: &VaultIndex,
    wanted: std::collections::BTreeSet<usize>,
    parse: &(dyn Fn(&str) -> Option<Note> + Sync),
) -> Vec<(usize, Note)> {
    let paths: Vec<(usize, &str)> = wanted
        .into_iter()
        .filter_map(|id| index.note(id).map(|n| (id, &*n.path)))
        .collect();
    paths
        .par_iter()
        .filter_map(|(id, path)| parse(path).map(|n| (*id, n)))
        .collect()
}

/// Runs every enabled note-local check on one note: its findings and problems.
/// `text` is the note's text, when it is at hand: `--changed-since` then compares it with the
/// note's version at the revision.
fn check_local(
    settings: &Settings,
    note: &Note,
    text: Option<&str>,
    paths: &Paths,
    timer: &Timer,
) -> (Vec<Finding>, Vec<Problem>) {
    let revision = settings
        .changes
        .as_ref()
        .zip(text)
        .and_then(|(changes, text)| changes.revision(note, text));
    let cx = NoteContext {
        settings,
        paths: Some(paths),
        revision,
    };
    check_with(settings, note, timer, |rule, out| {
        rule.check_note(&cx, note, out);
    })
}

/// Runs `check` with every rule enabled for the note, timing each; a rule that panics
/// becomes a problem and the others still run.
fn check_with(
    settings: &Settings,
    note: &Note,
    timer: &Timer,
    check: impl Fn(&dyn Rule, &mut Vec<Diagnostic>),
) -> (Vec<Finding>, Vec<Problem>) {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for (rule, active) in settings.rules.iter().enumerate() {
        if settings.severity_for(active, &note.path).is_none() {
            continue;
        }
        let mut out: Vec<Diagnostic> = Vec::new();
        let result = timer.time(rule, || {
            catch_unwind(AssertUnwindSafe(|| check(active.rule.as_ref(), &mut out)))
        });
        if result.is_err() {
            problems.push(Problem::new(
                &note.path,
                format!(
                    "Internal error: rule `{}` panicked on this note",
                    active.meta.id
                ),
                ProblemKind::Internal,
            ));
            continue;
        }
        findings.extend(
            out.into_iter()
                .filter_map(|d| stamp(settings, active, note, d)),
        );
    }
    // Held until every note is parsed: a vector grown by push starts at room for four, and
    // most notes have one finding or none.
    findings.shrink_to_fit();
    (findings, problems)
}

/// Stamps a rule's diagnostic with its id and the severity configured for the note; `None`
/// when an override turns the rule off there. A placeholder is a warning at most.
fn stamp(
    settings: &Settings,
    active: &ActiveRule,
    note: &Note,
    diagnostic: Diagnostic,
) -> Option<Finding> {
    let mut severity = settings.severity_for(active, &note.path)?;
    if diagnostic.is_placeholder {
        severity = severity.min(Severity::Warning);
    }
    Some(Finding {
        rule: active.meta.id,
        severity,
        path: note.path.clone(),
        diagnostic: clamp(diagnostic, note.len),
        at: None,
    })
}

/// Keeps spans inside the note, whatever a rule computed.
fn clamp(mut d: Diagnostic, len: usize) -> Diagnostic {
    let inside =
        |s: crate::model::Span| crate::model::Span::new(s.start().min(len), s.end().min(len));
    d.span = inside(d.span);
    for r in &mut d.related {
        if r.path.is_none() {
            r.span = inside(r.span);
        }
    }
    if let Some(fix) = &mut d.fix {
        for edit in &mut fix.edits {
            edit.span = inside(edit.span);
        }
    }
    d
}

/// Works out where `findings`, all of the note whose text is `text`, start and end, and
/// where the edits of their fixes do.
fn place(findings: &mut [Finding], text: &str) {
    if findings.is_empty() {
        return;
    }
    // Most notes have one finding or two (a stale date): counting lines for each costs less
    // than indexing them all.
    if findings.len() <= 2 {
        for f in findings {
            let (start, end) = LineIndex::range_once(text, f.diagnostic.span);
            f.at = Place::new(start, end);
            for edit in fix_edits(f) {
                let (start, end) = LineIndex::range_once(text, edit.span);
                edit.at = Place::new(start, end);
            }
        }
        return;
    }
    let lines = LineIndex::new(text);
    for f in findings {
        let (start, end) = lines.range(text, f.diagnostic.span);
        f.at = Place::new(start, end);
        for edit in fix_edits(f) {
            let (start, end) = lines.range(text, edit.span);
            edit.at = Place::new(start, end);
        }
    }
}

/// The edits of `finding`'s fix, if it has one.
fn fix_edits(finding: &mut Finding) -> impl Iterator<Item = &mut crate::finding::Edit> {
    finding
        .diagnostic
        .fix
        .as_deref_mut()
        .into_iter()
        .flat_map(|fix| fix.edits.iter_mut())
}

/// Records where each link a check is left to make starts (see [`Link::record_place`]): a
/// finding on one of them is then placed without reading the note again to report it.
fn record_link_places(note: &mut Note, text: &str) {
    if note.links.is_empty() && note.comment_links.is_empty() {
        return;
    }
    // Links come in the order they are written, then the links in comments in theirs.
    let mut lines = LineCursor::new(text);
    let mut wide = Vec::new();
    for link in note.links.iter_mut().chain(note.comment_links.iter_mut()) {
        wide.extend(link.record_place(text, &mut lines));
    }
    wide.sort_by_key(|w| w.start);
    note.wide_links = wide.into();
}

/// Records where each figure the note quotes from another note starts and ends (see
/// [`Note::quote_places`]).
fn record_quote_places(note: &mut Note, text: &str) {
    if note.quoted_figures.is_empty() {
        return;
    }
    let lines = LineIndex::new(text);
    note.quote_places = note
        .quoted_figures
        .iter()
        .map(|q| {
            let (start, end) = lines.range(text, q.span);
            (q.span, start, end)
        })
        .collect();
}

/// Places a finding of `note` on one of the figures it quotes.
fn place_on_quotes(finding: &mut Finding, note: &Note) {
    let span = finding.diagnostic.span;
    finding.at = note
        .quote_places
        .iter()
        .find(|(s, _, _)| *s == span)
        .and_then(|(_, start, end)| Place::new(*start, *end));
}

/// Places the findings of `note` that lie inside one of its links whose place is recorded.
///
/// Links never overlap (a wikilink cannot hold another, and comment links lie where body
/// links do not), so the one link that can hold a span is the last link starting at or
/// before it: a binary search per finding keeps a note with 400,000 broken links linear.
fn place_on_links(findings: &mut [Finding], note: &Note) {
    let mut pending = findings.iter_mut().filter(|f| f.at.is_none()).peekable();
    if pending.peek().is_none() {
        return;
    }
    let mut links: Vec<&Link> = note.links.iter().chain(&note.comment_links).collect();
    links.sort_by_key(|l| l.span.start());
    let wide_at = |start: usize| {
        note.wide_links
            .binary_search_by_key(&start, |w| w.start)
            .ok()
            .and_then(|i| note.wide_links.get(i))
    };
    // Where `span` starts and ends, when it lies inside one link whose place is recorded.
    let place_in_links = |span: crate::model::Span| {
        let before = links.partition_point(|l| l.span.start() <= span.start());
        let link = before.checked_sub(1).and_then(|i| links.get(i))?;
        let placed = match link.place_of(span.start()).zip(link.place_of(span.end())) {
            Some(both) => Some(both),
            None if span.end() <= link.span.end() => wide_at(link.span.start())
                .and_then(|w| w.place_of(span.start()).zip(w.place_of(span.end()))),
            None => None,
        };
        placed.and_then(|(start, end)| Place::new(start, end))
    };
    for f in pending {
        f.at = place_in_links(f.diagnostic.span);
        for edit in fix_edits(f) {
            edit.at = place_in_links(edit.span);
        }
    }
}

/// Reads one note and parses it. Not UTF-8, binary (NUL bytes), too large or unreadable: a
/// problem naming the reason (and, for bad bytes, where they are).
fn read_and_parse(
    root: &Path,
    path: impl Into<Arc<str>>,
    settings: &Settings,
    depth: Depth,
) -> Result<Note, Problem> {
    read_and_parse_text(root, path, settings, depth).map(|(note, _)| note)
}

/// [`read_and_parse`], giving the note's text back too.
fn read_and_parse_text(
    root: &Path,
    path: impl Into<Arc<str>>,
    settings: &Settings,
    depth: Depth,
) -> Result<(Note, String), Problem> {
    let shared: Arc<str> = path.into();
    let path = &*shared;
    let bytes = read_note(&root.join(path), MAX_NOTE_BYTES)
        .map_err(|message| Problem::new(path, message, ProblemKind::Unreadable))?;
    let text = decode(bytes).map_err(|u| Problem {
        position: Some(u.position),
        ..Problem::new(path, u.message, ProblemKind::Unreadable)
    })?;
    parse_text(&shared, &text, settings, depth).map(|note| (note, text))
}

/// Parses the text of the note at `path` to `depth`; a parser panic is a problem.
fn parse_text(
    path: &Arc<str>,
    text: &str,
    settings: &Settings,
    depth: Depth,
) -> Result<Note, Problem> {
    catch_unwind(AssertUnwindSafe(|| match depth {
        Depth::Whole => Note::parse(Arc::clone(path), text, &settings.parse),
        Depth::Index => Note::parse_for_index(Arc::clone(path), text, &settings.parse.dates),
        Depth::Names => Note::parse_names(Arc::clone(path), text, &settings.parse.dates),
    }))
    .map_err(|_| {
        Problem::new(
            path,
            "Internal error: the parser panicked on this note".into(),
            ProblemKind::Internal,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_of_a_note_read_whole_carry_their_place() {
        let dir = tempfile::tempdir().unwrap();
        // A BOM, CRLF line ends and a non-ASCII heading: columns count chars after the BOM.
        let text = "\u{feff}# Café\r\n\r\nSee [[Missing]].\r\n\r\nCafé [[Gone#Part]] and [[Absent é]].\r\n\r\n*Updated 2020-01-01*\r\n";
        std::fs::write(dir.path().join("A.md"), text).unwrap();
        let settings = Settings::new(
            crate::config::LoadedConfig::defaults(),
            &crate::rules::settings::Overrides::default(),
        )
        .unwrap();
        let request = Request {
            targets: crate::vault::targets::resolve(&[dir.path().to_path_buf()], None).unwrap(),
            threads: 1,
            time_rules: false,
        };
        let run = Session::open_for(settings, &request)
            .unwrap()
            .finish(Selection::All)
            .0;
        let placed = |f: &Finding| {
            let expected = LineIndex::new(text).range(text, f.diagnostic.span);
            (f.at.map(Place::range), expected)
        };
        let place = |rule: &str| placed(run.findings.iter().find(|f| f.rule == rule).unwrap());
        // A note-local finding is placed as the note is checked, as rendering would place it.
        let (at, expected) = place("stale-date");
        assert_eq!(at, Some(expected));
        assert_eq!((expected.0.line, expected.0.column), (7, 10));
        // A link finding comes after the text is dropped: placed from where its link starts
        // (and, outside ASCII, from the link's text kept beside the note).
        let links: Vec<_> = run
            .findings
            .iter()
            .filter(|f| f.rule == "broken-link")
            .map(placed)
            .collect();
        assert_eq!(links.len(), 3, "{links:?}");
        let [(missing, at_missing), (gone, at_gone), (absent, at_absent)] = links.as_slice() else {
            unreachable!()
        };
        assert_eq!(*missing, Some(*at_missing));
        assert_eq!(*gone, Some(*at_gone));
        assert_eq!((at_gone.0.line, at_gone.0.column), (5, 8));
        assert_eq!(*absent, Some(*at_absent));
        assert_eq!((at_absent.1.line, at_absent.1.column), (5, 34));
    }

    #[test]
    fn spans_and_fix_edits_stay_inside_the_note() {
        use crate::finding::{Applicability, Fix};
        use crate::model::Span;
        let d = Diagnostic::new(Span::new(8, 40), "m", "l").with_fix(Fix::new(
            "replace",
            Span::new(30, 35),
            "x",
            Applicability::Safe,
        ));
        let d = clamp(d, 10);
        assert_eq!(d.span, Span::new(8, 10));
        let fix = d.fix.unwrap();
        assert!(fix.is_safe());
        assert_eq!(fix.edits[0].span, Span::new(10, 10));
        assert_eq!(fix.edits[0].replacement, "x");
    }

    #[test]
    fn a_note_that_vanishes_after_discovery_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::new(
            crate::config::LoadedConfig::defaults(),
            &crate::rules::settings::Overrides::default(),
        )
        .unwrap();
        let problem = read_and_parse(dir.path(), "Gone.md", &settings, Depth::Whole).unwrap_err();
        assert_eq!(problem.path, "Gone.md");
        assert_eq!(problem.kind, ProblemKind::Unreadable);
        assert!(problem.message.starts_with("Note vanished during the run"));
    }

    #[test]
    fn heading_texts_are_kept_in_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("Target.md");
        std::fs::write(
            &target,
            "---\naliases: [T]\n---\n# Target\n\n## Funding\n\n```\n# not a heading\n```\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("Source.md"), "See [[Target#Fundng]].\n").unwrap();
        let settings = Settings::new(
            crate::config::LoadedConfig::defaults(),
            &crate::rules::settings::Overrides::default(),
        )
        .unwrap();
        let (index, problems) = load_index(&settings, dir.path(), 1).unwrap();
        assert!(problems.is_empty());
        let id = index.note_id("Target.md").unwrap();
        // Gone since it was indexed: the index still knows its headings, and reads nothing.
        std::fs::remove_file(&target).unwrap();
        assert_eq!(
            index.headings(id),
            Some(vec!["Target".to_string(), "Funding".to_string()])
        );
    }
}
