//! Rendering a run: human (miette), JSON (the contract), GitHub workflow commands, SARIF; the
//! baseline and the statistics, worked out from the run; the `placeholders` table. With the
//! commands (`cli/`), the only place that writes to the terminal.
//!
//! Notes are re-read here, only when they have findings that need their text: the model keeps
//! spans, not text, and most findings come placed (line and column) from the check. They are
//! read and rendered on the run's threads, a batch at a time, and written in the findings'
//! order. Every renderer gets the same sorted findings, so output never depends on threads.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::Serialize;

use crate::engine::{Problem, Run};
use crate::finding::{Finding, Severity};
use crate::rules::unreadable_note;
use crate::vault::discover::relative_name;
use crate::vault::read::{MAX_NOTE_BYTES, decode, read_note};

use crate::model::{LineCol, LineIndex, Span};
use rayon::prelude::*;

pub mod baseline;
pub mod facts;
pub mod github;
pub mod health;
pub mod html;
pub mod human;
pub mod json;
pub mod placeholders;
pub mod sarif;
mod snippet;
pub mod stats;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=…::…`): annotations on pull requests.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

/// Human output options.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

/// What a report shows beyond the run, when asked for: what a baseline hid
/// (`check --baseline`) and the findings per rule (`check --statistics`). Both are worked out
/// from the engine's run by the functions of [`baseline`] and [`stats`]; the run itself is never
/// filled in after the engine returns it.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub baseline: Option<baseline::Outcome>,
    pub statistics: Option<stats::Statistics>,
    /// With `check --fix`: what was fixed.
    pub fixed: Option<Fixed>,
}

/// What `check --fix` did, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Fixed {
    /// Findings whose fix was applied.
    pub findings: usize,
    /// Whether unsafe fixes were applied too (`--unsafe-fixes`).
    #[serde(skip)]
    pub unsafe_fixes: bool,
}

/// How many findings of a run have a fix: safe ones, and unsafe ones.
pub fn fixable(run: &Run) -> (usize, usize) {
    let mut safe = 0;
    let mut risky = 0;
    for f in &run.findings {
        match &f.diagnostic.fix {
            Some(fix) if fix.is_safe() => safe += 1,
            Some(_) => risky += 1,
            None => {}
        }
    }
    (safe, risky)
}

/// The line about fixes under the summary: what `--fix` did, else what it can do; `None`
/// when there is nothing to say.
pub fn fix_line(run: &Run, fixed: Option<Fixed>) -> Option<String> {
    let (safe, risky) = fixable(run);
    let findings = |n: usize| if n == 1 { "finding" } else { "findings" };
    match fixed {
        Some(done) => {
            let mut line = format!("Fixed {} {}", done.findings, findings(done.findings));
            if !done.unsafe_fixes && risky > 0 {
                line.push_str(&format!(" ({risky} more fixable with --unsafe-fixes)"));
            }
            Some(line)
        }
        None if safe > 0 && risky > 0 => Some(format!(
            "[*] {safe} fixable with --fix ({risky} more with --unsafe-fixes)"
        )),
        None if safe > 0 => Some(format!("[*] {safe} fixable with --fix")),
        None if risky > 0 => Some(format!("{risky} fixable with --fix --unsafe-fixes")),
        None => None,
    }
}

/// One note's text and line index, loaded for rendering.
#[derive(Debug)]
pub struct Source {
    pub text: Arc<String>,
    pub lines: LineIndex,
}

impl Source {
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }
}

/// Texts of the notes that have findings, read on demand. Findings come sorted by path, so a
/// small cache of the notes read last serves nearly every lookup, and memory stays flat however
/// many notes have findings. One `Sources` serves every thread of a render: a note with many
/// findings is read once, not once per thread or per run of findings. A note that cannot be
/// re-read renders without its source.
pub struct Sources {
    root: PathBuf,
    recent: Recent<Option<Arc<Source>>>,
    /// The notes the findings of a render show (see [`Sources::for_findings`]), each held
    /// from its first read until the last finding that shows it is done.
    held: HashMap<Arc<str>, Held>,
}

/// A note a render holds: how many findings still show it, and its text once read.
struct Held {
    left: AtomicUsize,
    text: Mutex<Slot>,
}

enum Slot {
    Unread,
    Read(Option<Arc<Source>>),
    /// Every finding that shows it is done.
    Released,
}

impl Sources {
    pub fn new(root: &Path) -> Sources {
        Sources {
            root: root.to_path_buf(),
            recent: Recent::default(),
            held: HashMap::new(),
        }
    }

    /// Sources for rendering `findings`: each note a finding shows (its own, or the other
    /// note a related place points into) is read once, whichever thread asks first, and held
    /// until [`Sources::done`] has been called for every finding that shows it. However the
    /// threads of a render interleave, no note is read twice.
    pub fn for_findings(root: &Path, findings: &[Finding]) -> Sources {
        let mut uses: HashMap<Arc<str>, usize> = HashMap::new();
        for f in findings {
            for path in shown_paths(f) {
                *uses.entry(path).or_default() += 1;
            }
        }
        let held = uses
            .into_iter()
            .map(|(path, n)| {
                let held = Held {
                    left: AtomicUsize::new(n),
                    text: Mutex::new(Slot::Unread),
                };
                (path, held)
            })
            .collect();
        Sources {
            held,
            ..Sources::new(root)
        }
    }

    pub fn get(&self, path: &str) -> Option<Arc<Source>> {
        let Some(held) = self.held.get(path) else {
            return self.recent.get_or_insert_with(path, || self.read(path));
        };
        let mut slot = held.text.lock().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Slot::Read(source) => source.clone(),
            Slot::Unread => {
                let source = self.read(path);
                *slot = Slot::Read(source.clone());
                source
            }
            Slot::Released => self.read(path),
        }
    }

    /// Says that `finding` is rendered: a note no finding left to render shows is let go.
    pub fn done(&self, finding: &Finding) {
        for path in shown_paths(finding) {
            if let Some(held) = self.held.get(&path)
                && held.left.fetch_sub(1, AtomicOrdering::AcqRel) == 1
            {
                *held.text.lock().unwrap_or_else(PoisonError::into_inner) = Slot::Released;
            }
        }
    }

    fn read(&self, path: &str) -> Option<Arc<Source>> {
        read_note(&self.root.join(path), MAX_NOTE_BYTES)
            .ok()
            .and_then(|b| decode(b).ok())
            .map(|text| {
                Arc::new(Source {
                    lines: LineIndex::new(&text),
                    text: Arc::new(text),
                })
            })
    }

    /// Where a finding starts and ends: as the check placed it, else read from its note.
    pub fn place(&self, f: &Finding) -> (LineCol, LineCol) {
        match f.at {
            Some(place) => place.range(),
            None => self.range(&f.path, f.diagnostic.span),
        }
    }

    /// Start and end (exclusive) line/column of a span; 1:1 when the note cannot be read.
    pub fn range(&self, path: &str, span: Span) -> (LineCol, LineCol) {
        match self.get(path) {
            Some(s) => s.lines.range(&s.text, span),
            None => UNKNOWN,
        }
    }
}

/// The notes a finding shows lines of: its own, and those its related places point into,
/// each once.
fn shown_paths(f: &Finding) -> Vec<Arc<str>> {
    let mut paths: Vec<Arc<str>> = vec![Arc::clone(&f.path)];
    for r in &f.diagnostic.related {
        if let Some(other) = &r.path
            && !paths.iter().any(|p| **p == **other)
        {
            paths.push(Arc::from(other.as_str()));
        }
    }
    paths
}

/// How many notes [`Recent`] keeps: the notes being rendered by each thread and the few their
/// findings point to.
const RECENT: usize = 16;

/// A small cache by path of the values made last, shared by the threads of a render. A value
/// is made once while it stays in the cache: a second thread asking for a path being made
/// waits for it rather than making it again.
pub(crate) struct Recent<V> {
    entries: Mutex<VecDeque<(String, Arc<OnceLock<V>>)>>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Recent {
            entries: Mutex::new(VecDeque::with_capacity(RECENT)),
        }
    }
}

impl<V: Clone> Recent<V> {
    pub(crate) fn get_or_insert_with(&self, path: &str, make: impl FnOnce() -> V) -> V {
        let cell = {
            // A panic while the lock was held left the queue whole: use it as it is.
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            match entries.iter().rev().find(|(p, _)| p == path) {
                Some((_, cell)) => Arc::clone(cell),
                None => {
                    if entries.len() >= RECENT {
                        entries.pop_front();
                    }
                    let cell = Arc::new(OnceLock::new());
                    entries.push_back((path.to_string(), Arc::clone(&cell)));
                    cell
                }
            }
        };
        cell.get_or_init(make).clone()
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

pub fn counts(run: &Run) -> Counts {
    let mut c = Counts::default();
    for f in &run.findings {
        match f.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
        }
    }
    c.errors += run.problems.len();
    c
}

/// One entry of a report, in output order.
pub(crate) enum Entry<'a> {
    /// A finding, with its index in the run (for its position).
    Finding(usize, &'a Finding),
    /// A note that could not be checked.
    Problem(&'a Problem),
}

/// The run's findings and problems in one list, in output order (see [`problem_slots`]).
pub(crate) fn entries<'a>(run: &'a Run, positions: &Positions) -> Vec<Entry<'a>> {
    let mut slots = problem_slots(run, |i| positions.of(i).0)
        .into_iter()
        .peekable();
    let mut out = Vec::with_capacity(run.findings.len() + run.problems.len());
    for (i, f) in run.findings.iter().enumerate() {
        while let Some((_, p)) = slots.next_if(|(slot, _)| *slot == i) {
            out.push(Entry::Problem(p));
        }
        out.push(Entry::Finding(i, f));
    }
    out.extend(slots.map(|(_, p)| Entry::Problem(p)));
    out
}

/// Where each problem goes among the findings, so that every format lists a note that could
/// not be checked where its path, line, column and rule place it, as it would a finding:
/// `(slot, problem)` pairs in output order, the problem coming just before finding `slot` (after
/// the last finding when `slot` is their number). A problem without a position stands at 1:1.
/// `start_of(i)` is where finding `i` starts; it is asked only of findings in a note that has a
/// problem (findings are sorted by path, then offset, so their positions rise within a note).
pub(crate) fn problem_slots(
    run: &Run,
    mut start_of: impl FnMut(usize) -> LineCol,
) -> Vec<(usize, &Problem)> {
    let at = |p: &Problem| {
        let at = p.position.unwrap_or(FIRST);
        (at.line, at.column)
    };
    let mut problems: Vec<&Problem> = run.problems.iter().collect();
    problems.sort_by(|a, b| (&a.path, at(a), &a.message).cmp(&(&b.path, at(b), &b.message)));
    let findings = &run.findings;
    let mut slots = Vec::with_capacity(problems.len());
    for p in problems {
        let path = p.path.as_str();
        let first = findings.partition_point(|f| &*f.path < path);
        let end = findings.partition_point(|f| &*f.path <= path);
        let mut slot = end;
        for (i, f) in findings.iter().enumerate().take(end).skip(first) {
            let start = start_of(i);
            if ((start.line, start.column), f.rule) > (at(p), unreadable_note::ID) {
                slot = i;
                break;
            }
        }
        slots.push((slot, p));
    }
    // Already in slot order but for a finding whose position falls behind its offset's; a
    // stable sort keeps the problems' own order at one slot.
    slots.sort_by_key(|(slot, _)| *slot);
    slots
}

/// Writes the run in `format` to `out`, with the `extras` asked for, reading notes again on
/// `threads` threads.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    root: &Path,
    run: &Run,
    extras: &Extras,
    human: HumanOptions,
    threads: usize,
) -> io::Result<()> {
    let pool = Pool::new(threads);
    match format {
        Format::Human => human::write(out, run, extras, root, human, &pool),
        Format::Json => json::write(out, run, extras, &positions(root, &run.findings, &pool)),
        Format::Github => github::write(
            out,
            run,
            &positions(root, &run.findings, &pool),
            &path_prefix(root),
        ),
        Format::Sarif => sarif::write(
            out,
            run,
            &positions(root, &run.findings, &pool),
            &SarifBase::new(root),
        ),
    }
}

/// The threads rendering runs on: as many as the check had (`--threads`).
pub struct Pool(Option<rayon::ThreadPool>);

impl Pool {
    pub fn new(threads: usize) -> Pool {
        Pool(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads.max(1))
                .build()
                .ok(),
        )
    }

    fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

/// Findings one thread renders in a row. They come sorted by path, so a run of them shares few
/// notes.
const CHUNK: usize = 64;
/// Findings rendered before they are written: enough to keep every thread busy, few enough
/// that the rendered text held at once stays small however many findings there are.
const BATCH: usize = 4096;

/// Renders `findings` in parallel, one batch at a time, and hands each result to `emit` in the
/// findings' order. `init` makes one renderer's state (a [`Sources`], say) per run of findings.
pub(crate) fn render_in_order<S, R: Send>(
    pool: &Pool,
    findings: &[Finding],
    init: impl Fn() -> S + Sync + Send,
    render: impl Fn(&mut S, &Finding) -> R + Sync + Send,
    mut emit: impl FnMut(R) -> io::Result<()>,
) -> io::Result<()> {
    for batch in note_runs(findings, BATCH) {
        let chunks = note_runs(batch, CHUNK);
        let rendered: Vec<Vec<R>> = pool.run(|| {
            chunks
                .par_iter()
                .map_init(&init, |state, chunk| {
                    chunk.iter().map(|f| render(state, f)).collect()
                })
                .collect()
        });
        for r in rendered.into_iter().flatten() {
            emit(r)?;
        }
    }
    Ok(())
}

/// `findings` cut into runs of about `size`, each run carried on to the end of its last note's
/// findings (by at most `size` more): the threads that render two runs at once may be far
/// apart, and a note whose findings sat in both would be read by each.
fn note_runs(findings: &[Finding], size: usize) -> Vec<&[Finding]> {
    let mut runs = Vec::with_capacity(findings.len() / size.max(1) + 1);
    let mut rest = findings;
    while !rest.is_empty() {
        let mut end = size.max(1).min(rest.len());
        if let Some(last) = rest.get(end - 1) {
            let limit = (end + size).min(rest.len());
            while end < limit && rest.get(end).is_some_and(|f| f.path == last.path) {
                end += 1;
            }
        }
        let (run, after) = rest.split_at(end);
        runs.push(run);
        rest = after;
    }
    runs
}

/// A note's first position, where what has no better place is shown.
pub(crate) const FIRST: LineCol = LineCol { line: 1, column: 1 };

/// Where a finding is shown when its note cannot be read again: 1:1.
const UNKNOWN: (LineCol, LineCol) = (FIRST, FIRST);

/// Start and end line/column of every finding's span, by the finding's index in the run.
pub struct Positions(Vec<(Range, Vec<Range>)>);

/// Where a span starts and ends.
type Range = (LineCol, LineCol);

impl Positions {
    /// Finding `i`'s position; 1:1 when it is not known.
    pub fn of(&self, i: usize) -> (LineCol, LineCol) {
        self.0.get(i).map_or(UNKNOWN, |p| p.0)
    }

    /// Where the edits of finding `i`'s fix start and end, in the order of its edits.
    pub fn edits(&self, i: usize) -> &[(LineCol, LineCol)] {
        self.0.get(i).map_or(&[], |p| p.1.as_slice())
    }
}

/// The [`Positions`] of `findings`, read on the pool's threads; 1:1 for a note that cannot be
/// read again.
pub(crate) fn positions(root: &Path, findings: &[Finding], pool: &Pool) -> Positions {
    let mut out = Vec::with_capacity(findings.len());
    let sources = Sources::new(root);
    let done = render_in_order(
        pool,
        findings,
        || &sources,
        |sources, f| {
            let at = sources.place(f);
            // Most edits replace the finding's own span or insert where it starts: placed
            // without reading the note again.
            let span = f.diagnostic.span;
            let edits = f.diagnostic.fix.as_ref().map_or_else(Vec::new, |fix| {
                fix.edits
                    .iter()
                    .map(|e| match (e.at, f.at) {
                        (Some(place), _) => place.range(),
                        (None, Some(_)) if e.span == span => at,
                        (None, Some(_)) if e.span.is_empty() && e.span.start == span.start => {
                            (at.0, at.0)
                        }
                        _ => sources.range(&f.path, e.span),
                    })
                    .collect()
            });
            (at, edits)
        },
        |at| {
            out.push(at);
            Ok(())
        },
    );
    debug_assert!(done.is_ok(), "collecting positions cannot fail");
    Positions(out)
}

/// What to put before a vault-relative path so that it names the file relative to the current
/// folder: `docs/vault/` when the vault is `docs/vault` below it, empty when the vault is the
/// current folder or lies elsewhere. CI tools run from the repository root, so this turns vault
/// paths into the repository paths that annotations and code scanning expect.
pub fn path_prefix(root: &Path) -> String {
    let (Ok(root), Ok(cwd)) = (
        std::fs::canonicalize(root),
        std::env::current_dir().and_then(std::fs::canonicalize),
    ) else {
        return String::new();
    };
    match root.strip_prefix(&cwd).ok().and_then(relative_name) {
        Some(rel) if !rel.is_empty() => format!("{rel}/"),
        _ => String::new(),
    }
}

/// The folder SARIF locations are relative to (`%SRCROOT%`): the current folder when the vault
/// lies below it, else the vault root.
pub struct SarifBase {
    /// Prefix of every vault path (see [`path_prefix`]).
    pub prefix: String,
    /// Absolute path of the base folder, when it can be worked out.
    pub absolute: Option<std::path::PathBuf>,
}

impl SarifBase {
    pub fn new(root: &Path) -> SarifBase {
        let prefix = path_prefix(root);
        let absolute = if prefix.is_empty() {
            std::fs::canonicalize(root).ok()
        } else {
            std::env::current_dir().and_then(std::fs::canonicalize).ok()
        };
        SarifBase { prefix, absolute }
    }
}

/// Replaces terminal control characters from note text, so that a note cannot move the
/// cursor, recolour, rewrite or reorder what the reader sees. Byte length and character count
/// are kept (each character becomes one of the same UTF-8 length: a space, `·` or `�`), so spans
/// and columns stay valid. Newlines and tabs are kept; a lone `\r` becomes `\n`, since it ends a
/// line for vaultlint's line numbers too, and the `\r` of `\r\n` becomes a space.
pub fn neutralise_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(' '),
            '\r' => out.push('\n'),
            c if is_hazard(c) => out.push(match c.len_utf8() {
                1 => ' ',
                2 => '\u{b7}',
                _ => '\u{fffd}',
            }),
            c => out.push(c),
        }
    }
    out
}

/// [`neutralise_source`], sharing the text when it has nothing to neutralise (most notes).
pub fn neutralise_shared(text: &Arc<String>) -> Arc<String> {
    if has_hazard(text) {
        Arc::new(neutralise_source(text))
    } else {
        Arc::clone(text)
    }
}

/// Whether [`neutralise_source`] changes `text`: it holds a char other than a newline or a
/// tab that [`is_hazard`] names. ASCII is checked a byte at a time, other chars whole.
fn has_hazard(text: &str) -> bool {
    let mut rest = text;
    loop {
        let Some(at) = rest
            .bytes()
            .position(|b| !b.is_ascii() || (b.is_ascii_control() && b != b'\n' && b != b'\t'))
        else {
            return false;
        };
        let Some(c) = rest.get(at..).and_then(|r| r.chars().next()) else {
            return false;
        };
        if !matches!(c, '\n' | '\t') && is_hazard(c) {
            return true;
        }
        rest = rest.get(at + c.len_utf8()..).unwrap_or("");
    }
}

/// Makes control characters visible in a one-line message (`\u{1b}` → `\u{1b}` as text).
pub fn neutralise_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters a terminal acts on rather than shows: C0 and C1 controls (escape, carriage
/// return, backspace, ...), bidirectional overrides and isolates (which reorder what follows),
/// and the Unicode line and paragraph separators.
fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Diagnostic;

    #[test]
    fn runs_end_with_their_last_note() {
        let of = |paths: &[&str]| -> Vec<Finding> {
            paths
                .iter()
                .enumerate()
                .map(|(i, p)| Finding {
                    rule: "broken-link",
                    severity: Severity::Error,
                    path: (*p).into(),
                    diagnostic: Diagnostic::new(Span::new(i, i + 1), "m", "l"),
                    at: None,
                })
                .collect()
        };
        let lens = |f: &[Finding], size| -> Vec<usize> {
            note_runs(f, size).iter().map(|r| r.len()).collect()
        };
        // A note's findings stay in one run; every finding is in exactly one run.
        assert_eq!(lens(&of(&["a", "a", "b", "b", "b", "c"]), 2), [2, 3, 1]);
        assert_eq!(lens(&of(&["a", "b", "c"]), 2), [2, 1]);
        // A note of very many findings is cut, at most `size` past the cut.
        assert_eq!(lens(&of(&["a"; 7]), 2), [4, 3]);
        assert!(note_runs(&[], 4).is_empty());
    }

    #[test]
    fn rendering_in_parallel_keeps_the_findings_order() {
        // More than one batch, runs of findings per note, notes that cannot be read.
        let findings: Vec<Finding> = (0..BATCH * 2 + 100)
            .map(|i| Finding {
                rule: "broken-link",
                severity: Severity::Error,
                path: format!("N{:05}.md", i / 5).into(),
                diagnostic: Diagnostic::new(Span::new(i, i + 1), format!("m{i}"), "l"),
                at: None,
            })
            .collect();
        let pool = Pool::new(3);
        let mut seen = Vec::new();
        render_in_order(
            &pool,
            &findings,
            || (),
            |(), f| f.diagnostic.message.clone(),
            |m| {
                seen.push(m);
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("rendering failed: {e}"));
        let expected: Vec<Arc<str>> = findings
            .iter()
            .map(|f| f.diagnostic.message.clone())
            .collect();
        assert_eq!(seen, expected);

        let at = positions(Path::new("/nonexistent-vault"), &findings, &pool);
        let one = LineCol { line: 1, column: 1 };
        assert_eq!(at.0.len(), findings.len());
        assert!(at.0.iter().all(|p| p.0 == (one, one)));
    }

    #[test]
    fn issue_28_problems_take_their_place_among_findings() {
        let finding = |path: &str, start: usize, rule: &'static str| Finding {
            rule,
            severity: Severity::Error,
            path: path.into(),
            diagnostic: Diagnostic::new(Span::new(start, start + 1), "m", "l"),
            at: None,
        };
        let problem = |path: &str, position: Option<LineCol>| Problem {
            path: path.to_string(),
            message: format!("cannot check {path}"),
            position,
            kind: crate::engine::ProblemKind::Internal,
        };
        let run = Run {
            findings: vec![
                finding("A.md", 0, "broken-link"),
                finding("B.md", 0, "broken-link"),
                finding("B.md", 0, "unused-suppression"),
                finding("B.md", 5, "broken-link"),
                finding("C.md", 0, "broken-link"),
            ],
            notes_checked: 4,
            notes_indexed: 4,
            problems: vec![
                problem("D.md", None),
                problem("B.md", None),
                problem("", None),
                problem("B.md", Some(LineCol { line: 1, column: 4 })),
                problem("Ab.md", Some(LineCol { line: 9, column: 1 })),
            ],
            skipped: Vec::new(),
            rule_times: Vec::new(),
        };
        // Each finding starts at column `offset + 1` of line 1.
        let start_of = |i: usize| LineCol {
            line: 1,
            column: run.findings.get(i).map_or(0, |f| f.diagnostic.span.start()) + 1,
        };
        let slots: Vec<(usize, &str, Option<LineCol>)> = problem_slots(&run, start_of)
            .into_iter()
            .map(|(slot, p)| (slot, p.path.as_str(), p.position))
            .collect();
        let at = |line, column| Some(LineCol { line, column });
        assert_eq!(
            slots,
            [
                (0, "", None),
                (1, "Ab.md", at(9, 1)),
                // At 1:1 after `broken-link`, before `unused-suppression`.
                (2, "B.md", None),
                (3, "B.md", at(1, 4)),
                (5, "D.md", None),
            ]
        );
    }

    #[test]
    fn a_failed_write_stops_rendering() {
        let findings: Vec<Finding> = (0..BATCH + 10)
            .map(|i| Finding {
                rule: "broken-link",
                severity: Severity::Error,
                path: "N.md".into(),
                diagnostic: Diagnostic::new(Span::new(i, i + 1), "m", "l"),
                at: None,
            })
            .collect();
        let mut written = 0;
        let result = render_in_order(
            &Pool::new(2),
            &findings,
            || (),
            |(), _| (),
            |()| {
                written += 1;
                if written == 3 {
                    Err(io::Error::other("disk full"))
                } else {
                    Ok(())
                }
            },
        );
        assert!(result.is_err());
        assert_eq!(written, 3);
    }

    proptest::proptest! {
        #[test]
        fn has_hazard_is_whether_neutralising_changes_the_text(
            text in "[a-z\\n\\t\\r\u{1b}\u{7f}\u{85}\u{a0}é—\u{202e}\u{2028}]{0,24}"
        ) {
            proptest::prop_assert_eq!(has_hazard(&text), neutralise_source(&text) != text);
        }
    }

    #[test]
    fn neutralise_source_table() {
        let cases = [
            ("plain", "plain"),
            ("a\u{1b}[31mred", "a [31mred"),
            ("crlf\r\nnext", "crlf \nnext"),
            ("lone\rcr", "lone\ncr"),
            ("tab\tkept", "tab\tkept"),
            ("c1\u{85}x", "c1\u{b7}x"),
            ("bidi\u{202e}txt\u{2066}", "bidi\u{fffd}txt\u{fffd}"),
            ("bell\u{7}\u{8}", "bell  "),
        ];
        for (input, want) in cases {
            let got = neutralise_source(input);
            assert_eq!(got, want, "{input:?}");
            assert_eq!(got.len(), input.len(), "{input:?}: byte length");
            assert_eq!(
                got.chars().count(),
                input.chars().count(),
                "{input:?}: chars"
            );
            // The shared form gives the same text, and the note's own when nothing changed.
            let note = Arc::new(input.to_string());
            let shared = neutralise_shared(&note);
            assert_eq!(*shared, want, "{input:?}: shared");
            assert_eq!(
                Arc::ptr_eq(&shared, &note),
                input == want,
                "{input:?}: copied"
            );
        }
    }

    #[test]
    fn neutralise_line_table() {
        let cases = [
            ("x\u{1b}y", "x\\u{1b}y"),
            ("a\rb", "a\\u{d}b"),
            ("rtl\u{202e}", "rtl\\u{202e}"),
            ("Café.md", "Café.md"),
        ];
        for (input, want) in cases {
            assert_eq!(neutralise_line(input), want, "{input:?}");
        }
    }

    #[test]
    fn neutralise_keeps_length_and_lines() {
        let s = "a\u{1b}[31mred\r\nnext\u{85}";
        let n = neutralise_source(s);
        assert_eq!(n.len(), s.len());
        assert!(!n.contains('\u{1b}') && !n.contains('\r'));
        assert!(n.contains('\n'));
        assert_eq!(neutralise_line("x\u{1b}y\nz"), "x\\u{1b}y\\u{a}z");
    }

    #[test]
    fn recent_keeps_the_last_few_paths() {
        let recent: Recent<usize> = Recent::default();
        let made = std::cell::Cell::new(0);
        let get = |path: &str| {
            recent.get_or_insert_with(path, || {
                made.set(made.get() + 1);
                path.len()
            })
        };
        assert_eq!(get("a.md"), 4);
        assert_eq!(get("a.md"), 4);
        assert_eq!(made.get(), 1, "a hit is not made again");
        for i in 0..RECENT {
            get(&format!("n{i}.md"));
        }
        assert_eq!(made.get(), 1 + RECENT);
        get("a.md");
        assert_eq!(made.get(), 2 + RECENT, "the oldest path was dropped");
        assert!(recent.entries.lock().unwrap().len() <= RECENT);
    }
}
