//! The engine: discover, parse in parallel, index, run every enabled rule in parallel, and
//! stamp and sort what they report.
//!
//! Owns policy (severity, which notes are reported, order) and containment: a note that cannot
//! be read, or a rule that panics on one note, becomes a recorded problem and the run goes on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::discover::{self, DiscoverError};
use crate::finding::{Diagnostic, Finding, Severity};
use crate::index::VaultIndex;
use crate::model::Note;
use crate::rules::Context;
use crate::settings::{ActiveRule, Settings};
use crate::targets::Targets;

/// What to check.
#[derive(Debug, Clone)]
pub struct Request {
    /// The vault and which of its notes are reported; the whole vault is indexed either way.
    pub targets: Targets,
    pub threads: usize,
}

/// A failure that did not stop the run but means not everything was checked (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
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
    /// Time each enabled rule took, summed over notes and threads, in registry order.
    pub rule_times: Vec<(&'static str, Duration)>,
    /// Findings per rule, when asked for (`check --statistics`).
    pub statistics: Option<crate::stats::Statistics>,
    /// What the baseline hid, when one was given (`check --baseline`).
    pub baseline: Option<crate::baseline::Outcome>,
}

/// Runs a check.
pub fn run(settings: &Settings, request: &Request) -> Result<Run, DiscoverError> {
    let threads = request.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    match pool {
        Ok(pool) => pool.install(|| run_in_pool(settings, request, threads)),
        Err(_) => run_in_pool(settings, request, threads),
    }
}

fn run_in_pool(
    settings: &Settings,
    request: &Request,
    threads: usize,
) -> Result<Run, DiscoverError> {
    let root = request.targets.root.as_path();
    let (index, mut problems, skipped) = index_vault(settings, root, threads)?;
    let reported: Vec<bool> = index
        .notes()
        .iter()
        .map(|n| is_reported(settings, request, n, &index))
        .collect();
    let cx = Context {
        index: &index,
        settings,
    };

    let per_note: Vec<NoteOutcome> = index
        .notes()
        .par_iter()
        .zip(reported.par_iter())
        .filter(|(_, r)| **r)
        .map(|(note, _)| check_note(&cx, note))
        .collect();
    let mut findings = Vec::new();
    let mut times = vec![Duration::ZERO; settings.rules.len()];
    for (f, p, t) in per_note {
        findings.extend(f);
        problems.extend(p);
        for (sum, add) in times.iter_mut().zip(t) {
            *sum += add;
        }
    }
    for (active, time) in settings.rules.iter().zip(times.iter_mut()) {
        let mut out = Vec::new();
        let started = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            active.rule.check_vault(&cx, &reported, &mut out)
        }));
        *time += started.elapsed();
        if result.is_err() {
            problems.push(Problem {
                path: String::new(),
                message: format!(
                    "internal error: rule `{}` panicked in its vault-wide check",
                    active.meta.id
                ),
            });
        }
        for (id, diagnostic) in out {
            let Some(note) = index.note(id) else { continue };
            if !reported.get(id).copied().unwrap_or(false) {
                continue;
            }
            findings.extend(stamp(settings, active, note, diagnostic));
        }
    }
    let unused = crate::suppress::apply(settings, &index, &reported, &mut findings);
    findings.extend(unused);

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    Ok(Run {
        findings,
        notes_checked: reported.iter().filter(|r| **r).count(),
        notes_indexed: index.notes().len(),
        problems,
        skipped,
        rule_times: settings
            .rules
            .iter()
            .map(|a| a.meta.id)
            .zip(times)
            .collect(),
        statistics: None,
        baseline: None,
    })
}

/// Reads and parses every note of the vault at `root` that `exclude` does not cover, without
/// running any rule (for `schema infer`). Notes that cannot be read are returned as problems.
pub fn load_notes(
    settings: &Settings,
    root: &Path,
    threads: usize,
) -> Result<(Vec<Note>, Vec<Problem>), DiscoverError> {
    let found = discover::discover(root, threads.max(1))?;
    let parsed: Vec<Result<Note, Problem>> = found
        .notes
        .par_iter()
        .filter(|path| !settings.exclude.is_match(path.as_str()))
        .map(|path| read_and_parse(root, path, settings))
        .collect();
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
        && !settings.exclude.is_match(&note.path)
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
    let (index, problems, _) = index_vault(settings, root, threads)?;
    Ok((index, problems))
}

/// The indexed vault, the notes that could not be read, and what the walk skipped.
type Indexed = (VaultIndex, Vec<Problem>, Vec<(String, String)>);

/// Walks, reads and parses the whole vault and indexes it. A note that cannot be read is a
/// problem, and is still indexed as a file: links to it resolve, its anchors are not checked.
fn index_vault(settings: &Settings, root: &Path, threads: usize) -> Result<Indexed, DiscoverError> {
    let found = discover::discover(root, threads.max(1))?;
    let parsed: Vec<Result<Note, Problem>> = found
        .notes
        .par_iter()
        .map(|path| read_and_parse(root, path, settings))
        .collect();
    let mut notes = Vec::with_capacity(parsed.len());
    let mut problems = Vec::new();
    let mut files = found.files;
    for p in parsed {
        match p {
            Ok(note) => notes.push(note),
            Err(problem) => {
                files.push(problem.path.clone());
                problems.push(problem);
            }
        }
    }
    files.sort();
    Ok((VaultIndex::new(notes, files), problems, found.skipped))
}

/// One note's findings, problems, and the time each rule took on it.
type NoteOutcome = (Vec<Finding>, Vec<Problem>, Vec<Duration>);

fn check_note(cx: &Context<'_>, note: &Note) -> NoteOutcome {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let mut times = vec![Duration::ZERO; cx.settings.rules.len()];
    for (active, time) in cx.settings.rules.iter().zip(times.iter_mut()) {
        if cx.settings.severity_for(active, &note.path).is_none() {
            continue;
        }
        let mut out: Vec<Diagnostic> = Vec::new();
        let started = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            active.rule.check_note(cx, note, &mut out)
        }));
        *time += started.elapsed();
        if result.is_err() {
            problems.push(Problem {
                path: note.path.clone(),
                message: format!(
                    "internal error: rule `{}` panicked on this note",
                    active.meta.id
                ),
            });
            continue;
        }
        findings.extend(
            out.into_iter()
                .filter_map(|d| stamp(cx.settings, active, note, d)),
        );
    }
    (findings, problems, times)
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

/// Reads one note and parses it. Not UTF-8, binary (NUL bytes), too large or unreadable: a
/// problem naming the reason (and, for bad bytes, where they are).
fn read_and_parse(root: &Path, path: &str, settings: &Settings) -> Result<Note, Problem> {
    let problem = |message: String| Problem {
        path: path.to_string(),
        message,
    };
    let bytes =
        std::fs::read(root.join(path)).map_err(|e| problem(format!("cannot read note: {e}")))?;
    if u32::try_from(bytes.len()).is_err() {
        return Err(problem("note is larger than 4 GiB".into()));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(problem(format!(
            "note is binary, not text (NUL byte at offset {at})"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        problem(format!(
            "note is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    catch_unwind(AssertUnwindSafe(|| {
        Note::parse(path, &text, &settings.parse)
    }))
    .map_err(|_| problem("internal error: the parser panicked on this note".into()))
}
