//! The engine: discover, parse in parallel, index, run every enabled rule in parallel, and
//! stamp and sort what they report.
//!
//! Owns policy (severity, which notes are reported, order, suppressions: `suppress.rs`) and
//! containment: a note that cannot be read, or a rule that panics on one note, becomes a
//! recorded problem and the run goes on. Returns the run as data; what a baseline hides and
//! the statistics are worked out from it by the report.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::finding::{Diagnostic, Finding, Place, Severity};
use crate::index::{NoteAnchors, Paths, Resolution, VaultIndex};
use crate::model::{LineCol, LineCursor, LineIndex, Link, Note};
use crate::rules::settings::{ActiveRule, Settings};
use crate::rules::{Context, NoteContext, Rule};
use crate::vault::discover::{self, DiscoverError};
use crate::vault::read::{MAX_NOTE_BYTES, decode, read_note};
use crate::vault::targets::Targets;

mod suppress;

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

/// Runs a check.
pub fn run(settings: &Settings, request: &Request) -> Result<Run, DiscoverError> {
    run_observed(settings, request, &NoObserver)
}

/// Looks at a run as it goes (`vaultlint report`, progress bars). Called from the run's
/// worker threads; every method does nothing unless implemented.
pub trait Observer: Sync {
    /// The walk found this many notes; they are read next.
    fn walked(&self, _notes: usize) {}
    /// One note was read and parsed (to whatever depth the run needs of it).
    fn read(&self) {}
    /// A note the run reads whole, while all of its model and its text are in hand: the run
    /// keeps only what other notes' checks need of it afterwards. `paths` resolves its links.
    fn whole(&self, _note: &Note, _text: &str, _paths: &Paths) {}
    /// Every note is read: the run now checks the links and the vault-wide rules.
    fn checking(&self) {}
}

/// An observer that looks at nothing.
struct NoObserver;

impl Observer for NoObserver {}

/// Runs a check, telling `observer` about it as it goes.
pub fn run_observed(
    settings: &Settings,
    request: &Request,
    observer: &dyn Observer,
) -> Result<Run, DiscoverError> {
    let threads = request.threads.max(1);
    on_threads(threads, || {
        run_in_pool(settings, request, threads, observer)
    })
}

/// Runs `work` on a pool of `threads` threads, so that every parallel step in it keeps to
/// `--threads` (on the global pool if that pool cannot be built).
fn on_threads<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

fn run_in_pool(
    settings: &Settings,
    request: &Request,
    threads: usize,
    observer: &dyn Observer,
) -> Result<Run, DiscoverError> {
    let root = request.targets.root.as_path();
    // Notes that may be reported are parsed whole and checked on their own as they are parsed,
    // then kept as their index model; the others are parsed only for what checking the
    // reported ones needs of them. A narrowed run (one note, changed notes) skips most work.
    let may_report = |path: &str| {
        request.targets.selects(path)
            && !settings.exclude.is_match(path)
            && settings
                .changes
                .as_ref()
                .is_none_or(|c| c.changed.contains(path))
    };
    // Unless a `--changed-since` run must read every note's links to find the ones a
    // deletion or rename broke, a note that is not reported is read for its names alone, and
    // parsed further only if a reported note links to one of its headings or blocks.
    let depth = |path: &str| {
        if may_report(path) {
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
    let timer = Timer::new(settings.rules.len(), request.time_rules);
    let indexed = index_vault(settings, root, threads, &depth, Some(&timer), observer)?;
    let Indexed {
        mut index,
        unreadable,
        skipped,
        mut checked,
        names_only,
    } = indexed;
    let unchecked: std::collections::BTreeSet<&str> =
        unreadable.iter().map(|p| p.path.as_str()).collect();
    let reported: Vec<bool> = index
        .notes()
        .iter()
        .map(|n| is_reported(settings, request, n, &index) && !unchecked.contains(&*n.path))
        .collect();
    let anchors_of = |path: &str| read_and_parse(root, path, settings, Depth::Index).ok();
    index_anchor_targets(&mut index, &reported, &names_only, &anchors_of);
    let reparse = |path: &str| read_and_parse(root, path, settings, Depth::Whole).ok();
    complete_notes(&mut index, &reported, &checked.done, &reparse);
    // Like its findings, an excluded or unselected note's problem is not reported.
    let mut problems: Vec<Problem> = unreadable
        .into_iter()
        .chain(std::mem::take(&mut checked.problems))
        .filter(|p| {
            index
                .note_id(&p.path)
                .and_then(|id| index.note(id))
                .is_none_or(|n| is_reported(settings, request, n, &index))
        })
        .collect();
    observer.checking();
    let (findings, more, rule_times) = check_index(settings, &index, &reported, checked, timer);
    problems.extend(more);
    problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    Ok(Run {
        findings,
        notes_checked: reported.iter().filter(|r| **r).count(),
        notes_indexed: index.notes().len(),
        problems,
        skipped,
        rule_times,
    })
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
    let mut checked = Checked::default();
    let (parsed, anchors): (Vec<Note>, Vec<NoteAnchors>) = notes
        .iter()
        .map(|(path, text)| {
            let mut note = Note::parse(*path, text, &settings.parse);
            checked.add(Some(check_local(settings, &note, Some(text), &timer)));
            note.keep_for_index();
            drop_settled_links(&mut note, &paths);
            with_anchors(note)
        })
        .unzip();
    let mut index = VaultIndex::with_paths(paths, parsed, anchors);
    let reported = vec![true; index.notes().len()];
    let reparse = |path: &str| {
        let (_, text) = notes.iter().find(|(p, _)| *p == path)?;
        Some(Note::parse(path, text, &settings.parse))
    };
    complete_notes(&mut index, &reported, &checked.done, &reparse);
    let problems = std::mem::take(&mut checked.problems);
    let (findings, more, rule_times) = check_index(settings, &index, &reported, checked, timer);
    Run {
        findings,
        notes_checked: reported.len(),
        notes_indexed: reported.len(),
        problems: problems.into_iter().chain(more).collect(),
        skipped: Vec::new(),
        rule_times,
    }
}

/// What the note-local checks found, gathered as notes are parsed.
#[derive(Debug, Default)]
struct Checked {
    findings: Vec<Finding>,
    problems: Vec<Problem>,
    /// Per note, in index order: whether its note-local checks ran.
    done: Vec<bool>,
}

impl Checked {
    fn add(&mut self, outcome: Option<(Vec<Finding>, Vec<Problem>)>) {
        self.done.push(outcome.is_some());
        if let Some((findings, problems)) = outcome {
            self.findings.extend(findings);
            self.problems.extend(problems);
        }
    }
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

/// What checking an index yields: sorted findings (suppressions applied), problems, and the
/// time each rule took.
type Outcome = (Vec<Finding>, Vec<Problem>, Vec<(&'static str, Duration)>);

/// Runs the checks against the vault on every reported note (and its own checks on a reported
/// note that was not checked as it was parsed), then the vault-wide checks, then applies
/// suppressions; sorted findings, with those of the note-local checks.
fn check_index(
    settings: &Settings,
    index: &VaultIndex,
    reported: &[bool],
    checked: Checked,
    timer: Timer,
) -> Outcome {
    let local = NoteContext {
        settings,
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
            let (mut findings, mut problems) = check_with(settings, note, &timer, |rule, out| {
                rule.check_links(&cx, note, out)
            });
            place_on_links(&mut findings, note);
            if !checked.done.get(id).copied().unwrap_or(false) {
                let (f, p) = check_with(settings, note, &timer, |rule, out| {
                    rule.check_note(&local, note, out);
                });
                findings.extend(f);
                problems.extend(p);
            }
            (findings, problems)
        })
        .filter(|(findings, problems)| !findings.is_empty() || !problems.is_empty())
        .collect();
    let mut findings = checked.findings;
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
            findings.extend(stamp(settings, active, note, diagnostic));
        }
    }
    let unused = suppress::apply(settings, index, reported, &mut findings);
    findings.extend(unused);
    findings.sort_unstable_by(Finding::output_order);
    findings.dedup();
    (findings, problems, timer.times(settings))
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

/// Selected, not excluded, and (with `--changed-since`) changed or hurt by a change.
fn is_reported(settings: &Settings, request: &Request, note: &Note, index: &VaultIndex) -> bool {
    request.targets.selects(&note.path)
        && !settings.exclude.is_match(&*note.path)
        && settings
            .changes
            .as_ref()
            .is_none_or(|c| c.touches(note, index))
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
    /// What the note-local checks found on the notes checked as they were parsed.
    checked: Checked,
    /// Per note: whether only its names were read ([`Depth::Names`]).
    names_only: Vec<bool>,
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

/// Walks, reads and parses the whole vault and indexes it. A note that cannot be read is a
/// problem, and is still indexed, as an empty note.
/// Each note is read to the [`Depth`] `depth(path)` gives. With a `timer`, the notes read whole
/// are checked on their own as soon as they are parsed and then reduced to their index model
/// ([`Note::keep_for_index`]), so the whole of a note is in memory only while it is checked.
fn index_vault(
    settings: &Settings,
    root: &Path,
    threads: usize,
    depth: &(dyn Fn(&str) -> Depth + Sync),
    timer: Option<&Timer>,
    observer: &dyn Observer,
) -> Result<Indexed, DiscoverError> {
    let found = discover::discover(root, threads.max(1))?;
    let paths = Paths::new(found.notes, found.files);
    observer.walked(paths.notes().len());
    let names_only: Vec<bool> = paths
        .notes()
        .iter()
        .map(|path| depth(path) == Depth::Names)
        .collect();
    // The models go straight into the vector the index keeps, sized once: collecting results
    // and moving them into it would hold both at the run's peak.
    type Outcome = Option<(Vec<Finding>, Vec<Problem>)>;
    let mut notes: Vec<Note> = Vec::new();
    let mut rest: Vec<(NoteAnchors, Outcome, Option<Box<Problem>>)> = Vec::new();
    paths
        .notes()
        .par_iter()
        .map(|path| {
            let depth = depth(path);
            let read = read_and_parse_text(root, Arc::clone(path), settings, depth);
            observer.read();
            let (mut note, text) = match read {
                Ok(read) => read,
                // Still a note of the vault, empty: links to it by name resolve (a link to
                // one of its headings cannot be vouched for), and no rule checks it.
                Err(problem) => {
                    let (note, anchors) =
                        with_anchors(Note::parse(Arc::clone(path), "", &settings.parse));
                    return (note, (anchors, None, Some(Box::new(problem))));
                }
            };
            let outcome = match timer {
                Some(timer) if depth == Depth::Whole => {
                    observer.whole(&note, &text, &paths);
                    let (mut findings, problems) = check_local(settings, &note, Some(&text), timer);
                    place(&mut findings, &text);
                    let outcome = (findings, problems);
                    note.keep_for_index();
                    drop_settled_links(&mut note, &paths);
                    record_link_places(&mut note, &text);
                    drop(text);
                    Some(outcome)
                }
                _ => None,
            };
            let (note, anchors) = with_anchors_on_disk(note);
            (note, (anchors, outcome, None))
        })
        .unzip_into_vecs(&mut notes, &mut rest);
    let mut anchors = Vec::with_capacity(rest.len());
    let mut unreadable = Vec::new();
    let mut checked = Checked::default();
    // Sized once: on a large vault the findings are tens of megabytes, and growing them by
    // doubling would hold up to twice that at the run's peak.
    let total = rest
        .iter()
        .filter_map(|(_, outcome, _)| outcome.as_ref())
        .map(|(findings, _)| findings.len())
        .sum();
    checked.findings.reserve_exact(total);
    checked.done.reserve_exact(rest.len());
    for (held, outcome, problem) in rest {
        anchors.push(held);
        checked.add(outcome);
        unreadable.extend(problem.map(|p| *p));
    }
    let mut index = VaultIndex::with_paths(paths, notes, anchors);
    read_headings(&mut index, root);
    Ok(Indexed {
        index,
        unreadable,
        skipped: found.skipped,
        checked,
        names_only,
    })
}

/// Parses for the index (with `parse`) the notes read for their names alone whose headings or
/// blocks the reported notes' links name, so that those anchors can be checked.
fn index_anchor_targets(
    index: &mut VaultIndex,
    reported: &[bool],
    names_only: &[bool],
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
        let (note, anchors) = with_anchors_on_disk(note);
        index.reindex_note(id, note, anchors);
    }
}

/// Takes a note's anchors for the index, and keeps only its heading texts.
fn with_anchors(mut note: Note) -> (Note, NoteAnchors) {
    let anchors = NoteAnchors::of(&note);
    note.compact_headings();
    (note, anchors)
}

/// Takes a note's anchors for the index, and drops its heading texts: a note on disk can
/// be read again for them (see [`read_headings`]), and few ever are.
fn with_anchors_on_disk(mut note: Note) -> (Note, NoteAnchors) {
    let anchors = NoteAnchors::of(&note);
    note.drop_heading_texts();
    (note, anchors)
}

/// Lets `index` read the heading texts of the vault's notes from their files under `root`.
fn read_headings(index: &mut VaultIndex, root: &Path) {
    let root = root.to_path_buf();
    index.read_headings_with(move |path| {
        let bytes = read_note(&root.join(path), MAX_NOTE_BYTES).ok()?;
        decode(bytes).ok()
    });
}

/// Drops the links of a checked note that nothing is left to check on: those without an
/// anchor that lead to exactly one note or attachment. Resolution needs only the vault's
/// paths, known before any note is read; most links of a vault are such links.
fn drop_settled_links(note: &mut Note, paths: &Paths) {
    let from = &*note.path;
    let open = |link: &Link| {
        link.is_same_note()
            || link.anchor.is_some()
            || match paths.resolve(&link.path, from) {
                Resolution::File(_) => false,
                Resolution::Note { others, .. } => !others.is_empty(),
                Resolution::Missing | Resolution::OutsideVault => true,
            }
    };
    let mut links = std::mem::take(&mut note.links);
    links.retain(open);
    let mut in_comments = std::mem::take(&mut note.comment_links);
    in_comments.retain(open);
    links.shrink_to_fit();
    in_comments.shrink_to_fit();
    note.links = links;
    note.comment_links = in_comments;
}

/// Parses whole again (with `reparse`) the notes a check reads in full but that are held as
/// their index model: the reported ones not checked as they were parsed (a `--changed-since`
/// run also reports notes whose links a deletion broke) and the notes whose figures the
/// reported ones quote.
fn complete_notes(
    index: &mut VaultIndex,
    reported: &[bool],
    done: &[bool],
    reparse: &(dyn Fn(&str) -> Option<Note> + Sync),
) {
    let mut wanted = std::collections::BTreeSet::new();
    for (id, note) in index.notes().iter().enumerate() {
        if !reported.get(id).copied().unwrap_or(false) {
            continue;
        }
        if !note.is_complete && !done.get(id).copied().unwrap_or(false) {
            wanted.insert(id);
        }
        for quote in &note.quoted_figures {
            if let Resolution::Note { id: target, .. } = index.resolve(&quote.target, &note.path)
                && index.note(target).is_some_and(|n| !n.is_complete)
            {
                wanted.insert(target);
            }
        }
    }
    // A note that cannot be read again keeps its index model: its own checks find nothing.
    for (id, note) in parse_again(index, wanted, reparse) {
        index.replace_note(id, note);
    }
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
    timer: &Timer,
) -> (Vec<Finding>, Vec<Problem>) {
    let revision = settings
        .changes
        .as_ref()
        .zip(text)
        .and_then(|(changes, text)| changes.revision(note, text));
    let cx = NoteContext { settings, revision };
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
    let fix = |s: crate::model::Span| crate::model::Span::new(s.start().min(len), s.end().min(len));
    d.span = fix(d.span);
    for r in &mut d.related {
        if r.path.is_none() {
            r.span = fix(r.span);
        }
    }
    d
}

/// Works out where `findings`, all of the note whose text is `text`, start and end.
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
        }
        return;
    }
    let lines = LineIndex::new(text);
    for f in findings {
        let (start, end) = lines.range(text, f.diagnostic.span);
        f.at = Place::new(start, end);
    }
}

/// Records where each link a check is left to make starts (see [`Link::record_place`]): a
/// finding on one of them is then placed without reading the note again to report it.
fn record_link_places(note: &mut Note, text: &str) {
    if note.links.is_empty() && note.comment_links.is_empty() {
        return;
    }
    // Links come in the order they are written, then the links in comments in theirs.
    let mut lines = LineCursor::new(text);
    for link in note.links.iter_mut().chain(note.comment_links.iter_mut()) {
        link.record_place(text, &mut lines);
    }
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
    for f in pending {
        let span = f.diagnostic.span;
        let before = links.partition_point(|l| l.span.start() <= span.start());
        f.at = before
            .checked_sub(1)
            .and_then(|i| links.get(i))
            .and_then(|l| Some((l.place_of(span.start())?, l.place_of(span.end())?)))
            .and_then(|(start, end)| Place::new(start, end));
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
    catch_unwind(AssertUnwindSafe(|| match depth {
        Depth::Whole => Note::parse(Arc::clone(&shared), &text, &settings.parse),
        Depth::Index => Note::parse_for_index(Arc::clone(&shared), &text, &settings.parse.dates),
        Depth::Names => Note::parse_names(Arc::clone(&shared), &text, &settings.parse.dates),
    }))
    .map(|note| (note, text))
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
        let run = run(&settings, &request).unwrap();
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
        // when the link is ASCII, else left for the report, which reads the note again.
        let links: Vec<_> = run
            .findings
            .iter()
            .filter(|f| f.rule == "broken-link")
            .map(placed)
            .collect();
        assert_eq!(links.len(), 3, "{links:?}");
        let [(missing, at_missing), (gone, at_gone), (absent, _)] = links.as_slice() else {
            unreachable!()
        };
        assert_eq!(*missing, Some(*at_missing));
        assert_eq!(*gone, Some(*at_gone));
        assert_eq!((at_gone.0.line, at_gone.0.column), (5, 8));
        assert_eq!(*absent, None);
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
    fn heading_texts_are_read_again_from_the_file() {
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
        // The model holds none of them; the file has them.
        assert_eq!(index.note(id).unwrap().heading_texts(), None);
        assert_eq!(
            index.headings(id),
            Some(vec!["Target".to_string(), "Funding".to_string()])
        );
        // Gone since it was indexed: unknown, not "no headings".
        std::fs::remove_file(&target).unwrap();
        assert_eq!(index.headings(id), None);
    }
}
