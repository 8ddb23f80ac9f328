//! `check --fix` and `check --diff`: apply the fixes the rules attach to findings, in passes
//! over a [`Session`], then write the notes (or print what would change).
//!
//! A pass checks the notes, applies each note's fixes that do not conflict with one another
//! (see [`apply_fixes`]), and hands the new texts to the session; the next pass checks the
//! notes those edits can touch, whose fixes were left for later included. A note is read from
//! disk before its first fix and given to the session as read, so that fixes always come from
//! the very text they edit; it is written only if its file still holds those bytes.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::engine::{Selection, Session};
use crate::finding::{Finding, Fix, apply_fixes};
use crate::rules::settings::Settings;
use crate::vault::read::{MAX_NOTE_BYTES, decode, read_note};
use crate::vault::targets::Targets;
use crate::vault::write::{WriteError, write_note};

/// At most this many passes (the first pass over a note gives the session its text as read;
/// each other one applies fixes). Fixes that keep making new ones stop here.
pub const MAX_PASSES: usize = 10;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixOptions {
    /// Also the unsafe ones.
    pub unsafe_fixes: bool,
}

/// A note the passes changed: its bytes as read and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub path: String,
    pub read: Vec<u8>,
    pub text: String,
    /// Findings whose fix it holds.
    pub fixed: usize,
}

/// What the passes did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings whose fix was applied.
    pub fixed: usize,
    /// The notes whose text changed, by path.
    pub changed: Vec<Changed>,
}

/// A finding `keep` says may be fixed (not hidden by the baseline, say): its key.
type Key = (String, &'static str, String);

fn key(f: &Finding) -> Key {
    (f.path.to_string(), f.rule, f.diagnostic.message.to_string())
}

/// Applies the fixes of the findings in `targets` to the session's notes, in passes, and
/// returns what changed. `held_back` names findings not to fix (the baseline's); it is asked
/// of the findings of the first pass. Nothing is written.
pub fn apply(
    session: &mut Session,
    targets: &Targets,
    options: FixOptions,
    held_back: &dyn Fn(&Settings, &[Finding]) -> Vec<Finding>,
) -> Outcome {
    let root = targets.root.clone();
    let mut held: BTreeMap<String, (Vec<u8>, String, usize)> = BTreeMap::new();
    let mut skip: HashSet<Key> = HashSet::new();
    let mut fixed = 0;
    let mut next: Option<BTreeSet<String>> = None;
    for pass in 0..MAX_PASSES {
        let run = match &next {
            None => session.check(Selection::Targets(targets)),
            Some(notes) => session.check(Selection::Notes(notes)),
        };
        if pass == 0 {
            skip = held_back(session.settings(), &run.findings)
                .iter()
                .map(key)
                .collect();
        }
        let mut per_note: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
        for f in &run.findings {
            if let Some(fix) = f.diagnostic.fix.as_deref()
                && (fix.is_safe() || options.unsafe_fixes)
                && (skip.is_empty() || !skip.contains(&key(f)))
            {
                per_note.entry(&f.path).or_default().push(fix);
            }
        }
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for (path, fixes) in per_note {
            let Some((_, text, count)) = held.get_mut(path) else {
                // First fix of this note: take its text as on disk now, and let the next
                // pass find the fixes in that very text.
                let Ok(read) = read_note(&root.join(path), MAX_NOTE_BYTES) else {
                    continue;
                };
                let Ok(text) = decode(read.clone()) else {
                    continue;
                };
                if let Ok(affected) = session.update(path, &text) {
                    touched.extend(affected);
                    touched.insert(path.to_string());
                    held.insert(path.to_string(), (read, text, 0));
                }
                continue;
            };
            let (new, applied) = apply_fixes(text, &fixes);
            if applied.is_empty() {
                continue;
            }
            if let Ok(affected) = session.update(path, &new) {
                fixed += applied.len();
                *count += applied.len();
                *text = new;
                touched.extend(affected);
                touched.insert(path.to_string());
            }
        }
        touched.retain(|p| targets.selects(p));
        if touched.is_empty() {
            break;
        }
        next = Some(touched);
    }
    let changed = held
        .into_iter()
        .filter(|(_, (read, text, _))| read.as_slice() != text.as_bytes())
        .map(|(path, (read, text, fixed))| Changed {
            path,
            read,
            text,
            fixed,
        })
        .collect();
    Outcome { fixed, changed }
}

/// Writes each changed note whose file still holds the bytes read; returns the notes not
/// written, with why. `before_write` runs before each note is written (tests change a note
/// there, as an editor would during the run).
///
/// Notes are written in parallel: each is synced to disk before it takes its name, and the
/// syncs of many notes overlap.
pub fn write(
    root: &Path,
    changed: &[Changed],
    before_write: &(dyn Fn(&str) + Sync),
) -> Vec<(String, WriteError)> {
    let mut refused: Vec<(String, WriteError)> = changed
        .par_iter()
        .filter_map(|note| {
            before_write(&note.path);
            write_note(root, &note.path, &note.read, note.text.as_bytes())
                .err()
                .map(|err| (note.path.clone(), err))
        })
        .collect();
    refused.sort_by(|a, b| a.0.cmp(&b.0));
    refused
}

/// A unified diff of each changed note (`--- a/PATH`, `+++ b/PATH`), three lines of context.
pub fn diff(changed: &[Changed]) -> String {
    let mut out = String::new();
    for note in changed {
        let old = String::from_utf8_lossy(&note.read);
        let text = similar::TextDiff::from_lines(old.as_ref(), note.text.as_str());
        let a = format!("a/{}", note.path);
        let b = format!("b/{}", note.path);
        let unified = text
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        out.push_str(&unified);
        if !unified.is_empty() && !unified.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
