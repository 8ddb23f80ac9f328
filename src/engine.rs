//! The engine: discover, parse in parallel, index, run every enabled rule in parallel, and
//! stamp and sort what they report.
//!
//! Owns policy (severity, which notes are reported, order) and containment: a note that cannot
//! be read, or a rule that panics on one note, becomes a recorded problem and the run goes on.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::discover::{self, DiscoverError};
use crate::finding::{Diagnostic, Finding, Severity};
use crate::index::{Resolution, VaultIndex};
use crate::model::{LineCol, LineIndex, Note};
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

/// The largest note vaultlint reads. The Markdown parser's tree costs up to ~25 bytes per
/// byte of dense markup, so a bound on the note is the bound on memory; real notes stay far
/// below it (a long web clipping is a few hundred kilobytes).
pub const MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;

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

/// Why some bytes are not a note vaultlint can parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    pub message: String,
    /// Byte offset of the first bad byte.
    pub offset: usize,
    /// Its line and column (the text before it is valid UTF-8).
    pub position: LineCol,
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
    // Notes that may be reported are parsed whole; the others only for what checking the
    // reported ones needs of them. A narrowed run (one note, changed notes) skips most work.
    let may_report = |path: &str| {
        request.targets.selects(path)
            && !settings.exclude.is_match(path)
            && settings
                .changes
                .as_ref()
                .is_none_or(|c| c.changed.contains(path))
    };
    let (mut index, mut problems, skipped) = index_vault(settings, root, threads, &may_report)?;
    let unchecked: std::collections::BTreeSet<String> =
        problems.iter().map(|p| p.path.clone()).collect();
    let reported: Vec<bool> = index
        .notes()
        .iter()
        .map(|n| is_reported(settings, request, n, &index) && !unchecked.contains(&n.path))
        .collect();
    complete_notes(settings, root, &mut index, &reported);
    // Like its findings, an excluded or unselected note's problem is not reported.
    problems.retain(|p| {
        index
            .note_id(&p.path)
            .and_then(|id| index.note(id))
            .is_none_or(|n| is_reported(settings, request, n, &index))
    });
    let (findings, more, rule_times) = check_index(settings, &index, &reported);
    problems.extend(more);
    problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    Ok(Run {
        findings,
        notes_checked: reported.iter().filter(|r| **r).count(),
        notes_indexed: index.notes().len(),
        problems,
        skipped,
        rule_times,
        statistics: None,
        baseline: None,
    })
}

/// Checks notes given as `(path, text)`, every one reported, with the rules of `settings`:
/// the whole pipeline after reading, without the file system. For property tests and fuzzing.
/// A parser panic propagates (so a test sees it); a panicking rule becomes a problem.
pub fn check_texts(settings: &Settings, notes: &[(&str, &str)], files: &[&str]) -> Run {
    let mut parsed: Vec<Note> = notes
        .iter()
        .map(|(path, text)| Note::parse(path, text, &settings.parse))
        .collect();
    parsed.sort_by(|a, b| a.path.cmp(&b.path));
    parsed.dedup_by(|a, b| a.path == b.path);
    let mut files: Vec<String> = files.iter().map(|f| (*f).to_string()).collect();
    files.sort();
    files.dedup();
    let index = VaultIndex::new(parsed, files);
    let reported = vec![true; index.notes().len()];
    let (findings, problems, rule_times) = check_index(settings, &index, &reported);
    Run {
        findings,
        notes_checked: reported.len(),
        notes_indexed: reported.len(),
        problems,
        skipped: Vec::new(),
        rule_times,
        statistics: None,
        baseline: None,
    }
}

/// What checking an index yields: sorted findings (suppressions applied), problems, and the
/// time each rule took.
type Checked = (Vec<Finding>, Vec<Problem>, Vec<(&'static str, Duration)>);

/// Runs every enabled rule over the reported notes, then the vault-wide checks, then applies
/// suppressions; sorted findings.
fn check_index(settings: &Settings, index: &VaultIndex, reported: &[bool]) -> Checked {
    let cx = Context { index, settings };
    let per_note: Vec<NoteOutcome> = index
        .notes()
        .par_iter()
        .zip(reported.par_iter())
        .filter(|(_, r)| **r)
        .map(|(note, _)| check_note(&cx, note))
        .collect();
    let mut findings = Vec::new();
    let mut problems = Vec::new();
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
            active.rule.check_vault(&cx, reported, &mut out)
        }));
        *time += started.elapsed();
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
    let unused = crate::suppress::apply(settings, index, reported, &mut findings);
    findings.extend(unused);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    let rule_times = settings
        .rules
        .iter()
        .map(|a| a.meta.id)
        .zip(times)
        .collect();
    (findings, problems, rule_times)
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
        .map(|path| read_and_parse(root, path, settings, true))
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
    let (index, problems, _) = index_vault(settings, root, threads, &|_| true)?;
    Ok((index, problems))
}

/// The indexed vault, the notes that could not be read, and what the walk skipped.
type Indexed = (VaultIndex, Vec<Problem>, Vec<(String, String)>);

/// Walks, reads and parses the whole vault and indexes it. A note that cannot be read is a
/// problem, and is still indexed, as an empty note.
/// Notes for which `complete(path)` is false are parsed for the index only (see
/// [`Note::parse_for_index`]).
fn index_vault(
    settings: &Settings,
    root: &Path,
    threads: usize,
    complete: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Indexed, DiscoverError> {
    let found = discover::discover(root, threads.max(1))?;
    let parsed: Vec<Result<Note, Problem>> = found
        .notes
        .par_iter()
        .map(|path| read_and_parse(root, path, settings, complete(path)))
        .collect();
    let mut notes = Vec::with_capacity(parsed.len());
    let mut problems = Vec::new();
    for p in parsed {
        match p {
            Ok(note) => notes.push(note),
            Err(problem) => {
                // Still a note of the vault, empty: links to it by name resolve (a link to
                // one of its headings cannot be vouched for), and no rule checks it.
                notes.push(Note::parse(&problem.path, "", &settings.parse));
                problems.push(problem);
            }
        }
    }
    Ok((VaultIndex::new(notes, found.files), problems, found.skipped))
}

/// Parses whole the notes a check reads in full but that were parsed for the index only: the
/// reported ones (a `--changed-since` run also reports notes whose links a deletion broke) and
/// the notes whose figures their tables quote.
fn complete_notes(settings: &Settings, root: &Path, index: &mut VaultIndex, reported: &[bool]) {
    let mut wanted = std::collections::BTreeSet::new();
    for (id, note) in index.notes().iter().enumerate() {
        if !reported.get(id).copied().unwrap_or(false) {
            continue;
        }
        if !note.is_complete {
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
    let paths: Vec<(usize, String)> = wanted
        .into_iter()
        .filter_map(|id| index.note(id).map(|n| (id, n.path.clone())))
        .collect();
    let parsed: Vec<(usize, Note)> = paths
        .par_iter()
        .filter_map(|(id, path)| {
            // A note that cannot be read again keeps its index-only model: its own checks
            // find nothing to check.
            read_and_parse(root, path, settings, true)
                .ok()
                .map(|n| (*id, n))
        })
        .collect();
    for (id, note) in parsed {
        index.replace_note(id, note);
    }
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
fn read_and_parse(
    root: &Path,
    path: &str,
    settings: &Settings,
    complete: bool,
) -> Result<Note, Problem> {
    let bytes = read_note(&root.join(path), MAX_NOTE_BYTES)
        .map_err(|message| Problem::new(path, message, ProblemKind::Unreadable))?;
    let text = decode(bytes).map_err(|u| Problem {
        position: Some(u.position),
        ..Problem::new(path, u.message, ProblemKind::Unreadable)
    })?;
    catch_unwind(AssertUnwindSafe(|| {
        if complete {
            Note::parse(path, &text, &settings.parse)
        } else {
            Note::parse_for_index(path, &text, &settings.parse)
        }
    }))
    .map_err(|_| {
        Problem::new(
            path,
            "Internal error: the parser panicked on this note".into(),
            ProblemKind::Internal,
        )
    })
}

/// Reads a note's bytes, refusing files over `limit` before reading them (and files that grow
/// past it while being read). Opens for reading only.
pub fn read_note(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| read_error(&e))?;
    let size = file.metadata().map_err(|e| read_error(&e))?.len();
    if size > limit {
        return Err(too_large(size, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(&e))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(too_large(read, limit));
    }
    Ok(bytes)
}

/// The message for an I/O error on a note, with the operating system's words.
pub fn read_error(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => format!("Note vanished during the run: {err}"),
        std::io::ErrorKind::PermissionDenied => {
            format!("Cannot read note (permission denied): {err}")
        }
        _ => format!("Cannot read note: {err}"),
    }
}

fn too_large(size: u64, limit: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    #[allow(clippy::cast_precision_loss)]
    let (size, limit) = (size as f64 / MIB, limit as f64 / MIB);
    format!("Note is {size:.1} MiB, over the {limit:.0} MiB vaultlint reads; it was not checked")
}

/// Turns a note's bytes into text: UTF-8 without NUL bytes (a NUL means a binary file). The
/// error names the first bad byte, by offset and by line and column.
pub fn decode(bytes: Vec<u8>) -> Result<String, Undecodable> {
    let err = match String::from_utf8(bytes) {
        Ok(text) => match text.find('\0') {
            None => return Ok(text),
            Some(at) => return Err(undecodable(&text, at, binary(at))),
        },
        Err(err) => err,
    };
    if let [0xff, 0xfe, ..] | [0xfe, 0xff, ..] = err.as_bytes() {
        return Err(undecodable(
            "",
            0,
            "Note is UTF-16 text (byte-order mark at offset 0), not UTF-8".into(),
        ));
    }
    let valid = err.utf8_error().valid_up_to();
    // The bytes before `valid_up_to` are UTF-8 by definition.
    let prefix = std::str::from_utf8(err.as_bytes().get(..valid).unwrap_or_default()).unwrap_or("");
    Err(match prefix.find('\0') {
        Some(at) => undecodable(prefix, at, binary(at)),
        None => undecodable(
            prefix,
            valid,
            format!("Note is not valid UTF-8 (first bad byte at offset {valid})"),
        ),
    })
}

fn binary(at: usize) -> String {
    format!("Note is binary, not text (NUL byte at offset {at})")
}

/// `text` holds at least the valid UTF-8 before `offset`.
fn undecodable(text: &str, offset: usize, message: String) -> Undecodable {
    let before = text.get(..offset).unwrap_or(text);
    Undecodable {
        message,
        offset,
        position: LineIndex::new(before).line_col(before, before.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_table() {
        let ok = |b: &[u8]| decode(b.to_vec()).unwrap();
        assert_eq!(ok(b""), "");
        assert_eq!(ok("caf\u{e9}\r\n".as_bytes()), "caf\u{e9}\r\n");
        // (bytes, offset, line, column, message start)
        let bad: &[(&[u8], usize, usize, usize, &str)] = &[
            (b"abc\xff", 3, 1, 4, "Note is not valid UTF-8"),
            (b"a\nb\r\ncaf\xe9 x", 8, 3, 4, "Note is not valid UTF-8"),
            (b"\xef\xbb\xbfab\xc3", 5, 1, 3, "Note is not valid UTF-8"),
            (b"x\n\x00y", 2, 2, 1, "Note is binary"),
            (b"x\x00\xff", 1, 1, 2, "Note is binary"),
            (b"\xff\x00", 0, 1, 1, "Note is not valid UTF-8"),
            ("\u{e9}\u{e9}\u{0}".as_bytes(), 4, 1, 3, "Note is binary"),
            (b"\xff\xfe#\x00", 0, 1, 1, "Note is UTF-16 text"),
            (b"\xfe\xff\x00#", 0, 1, 1, "Note is UTF-16 text"),
        ];
        for (bytes, offset, line, column, start) in bad {
            let u = decode(bytes.to_vec()).unwrap_err();
            assert_eq!(u.offset, *offset, "{bytes:?}");
            assert_eq!(
                u.position,
                LineCol {
                    line: *line,
                    column: *column
                },
                "{bytes:?}"
            );
            assert!(u.message.starts_with(start), "{bytes:?}: {}", u.message);
            assert!(
                u.message.contains(&format!("offset {offset}")),
                "{bytes:?}: {}",
                u.message
            );
        }
    }

    #[test]
    fn read_errors_carry_the_os_message() {
        use std::io::{Error, ErrorKind};
        let gone = Error::from(ErrorKind::NotFound);
        assert!(read_error(&gone).starts_with("Note vanished during the run: "));
        let denied = Error::from_raw_os_error(13);
        let m = read_error(&denied);
        assert!(
            m.starts_with("Cannot read note (permission denied): "),
            "{m}"
        );
        assert!(m.contains("os error 13"), "{m}");
        let other = Error::other("disk on fire");
        assert_eq!(read_error(&other), "Cannot read note: disk on fire");
    }

    #[test]
    fn read_note_limits_and_vanishing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_note(&path, 10).unwrap(), b"0123456789");
        let big = read_note(&path, 9).unwrap_err();
        assert!(big.starts_with("Note is 0.0 MiB, over the 0 MiB"), "{big}");
        std::fs::remove_file(&path).unwrap();
        let gone = read_note(&path, 10).unwrap_err();
        assert!(gone.starts_with("Note vanished during the run: "), "{gone}");
        assert!(gone.contains("os error 2"), "{gone}");
    }

    #[test]
    fn a_note_that_vanishes_after_discovery_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::new(
            crate::config::LoadedConfig::defaults(),
            &crate::settings::Overrides::default(),
        )
        .unwrap();
        let problem = read_and_parse(dir.path(), "Gone.md", &settings, true).unwrap_err();
        assert_eq!(problem.path, "Gone.md");
        assert_eq!(problem.kind, ProblemKind::Unreadable);
        assert!(problem.message.starts_with("Note vanished during the run"));
    }
}
