//! Findings: what a rule reports (a [`Diagnostic`]) and what the engine makes of it (a
//! [`Finding`], stamped with rule id, severity and path).
//!
//! Findings hold byte spans; line and column are computed when they are rendered, or by the
//! engine while the note's text is still in memory (see [`Finding::at`]). A finding may carry
//! a [`Fix`]; [`apply_fixes`] applies a set of them to a note's text.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use thin_vec::ThinVec;

use crate::model::{LineCol, Span};

/// How serious a finding is. Configured per rule; rules never choose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A second place that explains a finding: in the same note (`path: None`) or another one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Related {
    pub path: Option<String>,
    pub span: Span,
    pub label: String,
}

/// What a rule says about one problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub span: Span,
    /// What is wrong, sentence case, user text in backticks. Shared, like the label and the
    /// help: a rule that says the same of many notes can hold it once (see [`Texts`]).
    pub message: Arc<str>,
    /// A short noun phrase shown on the span.
    pub label: Arc<str>,
    /// What to do about it. Shared: a rule that gives every note the same advice (stale
    /// dates, on most notes of a neglected vault) holds it once.
    pub help: Option<Arc<str>>,
    pub related: ThinVec<Related>,
    /// A link to a note not written yet (`broken-link` with `placeholders: warn`): the engine
    /// reports it as a warning at most, whatever the rule's severity.
    pub is_placeholder: bool,
    /// How to fix it, when the rule knows: applied by `check --fix` ([`apply_fixes`]), shown
    /// by the reports (`[*]`, JSON `fix`, SARIF `fixes`), offered as a quick fix by editors.
    pub fix: Option<Box<Fix>>,
}

/// A fix: edits to the note's text, applied together, and whether that is safe to do
/// without a person looking.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fix {
    /// What the fix does, in a few words ("link to `Acme Corp`"): the title of a quick fix
    /// and the line a fix report prints.
    pub message: Arc<str>,
    /// Non-overlapping edits, in the order of their spans.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// One edit of a fix: the bytes of `span` (in the note the finding is about) become
/// `replacement`. An empty span inserts; an empty replacement deletes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
    /// Where the span starts and ends, when the engine worked it out from the text the rule
    /// read (as [`Finding::at`]): a report then places the edit without reading the note.
    pub at: Option<Place>,
}

impl Edit {
    pub fn new(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
            at: None,
        }
    }
}

/// Whether a fix can be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The note means what it meant before, only correct now (an escaped `|`).
    Safe,
    /// A likely fix that can change what the note says (the closest name for a broken link).
    Unsafe,
}

impl Fix {
    /// A fix of one edit.
    pub fn new(
        message: impl Into<Arc<str>>,
        span: Span,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Fix {
        Fix {
            message: message.into(),
            edits: vec![Edit::new(span, replacement)],
            applicability,
        }
    }

    /// Whether it can be applied without a person looking at it.
    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// Two edits that cannot be applied together: they overlap, or one inserts where the other
/// starts (which goes first is not said).
fn conflict(a: Span, b: Span) -> bool {
    a.overlaps(b)
        || (a.start == b.start && (a.is_empty() || b.is_empty()))
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

/// Applies to `text` the fixes that do not conflict with one applied before them, in the
/// order of their first edits, and returns the new text and the indexes (in `fixes`) of the
/// fixes applied. A fix whose edits fall outside the text, split a character or overlap each
/// other is left out. Every byte outside the applied edits is kept; a line break in a
/// replacement is written as the text writes its own (`\r\n` when it has any).
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let crlf = text.contains("\r\n");
    let mut order: Vec<(usize, &Fix)> = fixes.iter().copied().enumerate().collect();
    order.sort_by_key(|(_, fix)| fix.edits.first().map(|e| (e.span.start, e.span.end)));
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    for (i, fix) in order {
        let edits = &fix.edits;
        let in_text = edits.iter().all(|e| {
            e.span.end() <= text.len()
                && text.is_char_boundary(e.span.start())
                && text.is_char_boundary(e.span.end())
        });
        let in_order = edits
            .iter()
            .zip(edits.iter().skip(1))
            .all(|(a, b)| !conflict(a.span, b.span) && a.span.start <= b.span.start);
        let free = edits
            .iter()
            .all(|e| chosen.iter().all(|c| !conflict(c.span, e.span)));
        if edits.is_empty() || !in_text || !in_order || !free {
            continue;
        }
        chosen.extend(edits);
        applied.push(i);
    }
    chosen.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in chosen {
        out.push_str(text.get(at..e.span.start()).unwrap_or(""));
        if crlf {
            let mut last = '\0';
            for c in e.replacement.chars() {
                if c == '\n' && last != '\r' {
                    out.push('\r');
                }
                out.push(c);
                last = c;
            }
        } else {
            out.push_str(&e.replacement);
        }
        at = e.span.end();
    }
    out.push_str(text.get(at..).unwrap_or(""));
    applied.sort_unstable();
    (out, applied)
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<Arc<str>>, label: impl Into<Arc<str>>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            label: label.into(),
            help: None,
            related: ThinVec::new(),
            is_placeholder: false,
            fix: None,
        }
    }

    /// Marks a link to a note not written yet (see [`Diagnostic::is_placeholder`]).
    pub fn as_placeholder(mut self) -> Self {
        self.is_placeholder = true;
        self
    }

    /// Attaches a way to fix it.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// Attaches a way to fix it, when there is one.
    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix.map(Box::new);
        self
    }

    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
}

/// Texts said again and again, held once: a rule that reports the same words of many notes
/// (stale dates, on most notes of a neglected vault) takes them from here, and its findings
/// share one copy.
#[derive(Debug, Default)]
pub struct Texts(Mutex<HashSet<Arc<str>>>);

impl Texts {
    /// The shared copy of `text`.
    pub fn get(&self, text: &str) -> Arc<str> {
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = held.get(text) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(text);
        held.insert(Arc::clone(&shared));
        shared
    }
}

/// A diagnostic stamped by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Vault-relative, `/`-separated. Shared with the note's model.
    pub path: Arc<str>,
    pub diagnostic: Diagnostic,
    /// Where the span starts and ends, when worked out from the text the rule read: a report
    /// that needs nothing else of the note then does not read it again.
    pub at: Option<Place>,
}

/// A span's start and end as 1-based lines and columns, packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place([u32; 4]);

impl Place {
    /// `None` past 4 billion lines or columns.
    pub fn new(start: LineCol, end: LineCol) -> Option<Place> {
        let n = |v: usize| u32::try_from(v).ok();
        Some(Place([
            n(start.line)?,
            n(start.column)?,
            n(end.line)?,
            n(end.column)?,
        ]))
    }

    pub fn range(self) -> (LineCol, LineCol) {
        let [line, column, end_line, end_column] = self.0.map(|v| v as usize);
        (
            LineCol { line, column },
            LineCol {
                line: end_line,
                column: end_column,
            },
        )
    }
}

impl Finding {
    /// Output order: path, then position, then rule; never thread or walk order.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.path,
            self.diagnostic.span.start,
            self.diagnostic.span.end,
            self.rule,
            &self.diagnostic.message,
        )
    }

    /// Output order ([`Finding::sort_key`]), then every other field: a total order, so
    /// findings can be sorted in place (without a stable sort's scratch copy, tens of
    /// megabytes on a large vault) and still come out the same on every run.
    pub fn output_order(&self, other: &Finding) -> std::cmp::Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| self.severity.cmp(&other.severity))
            .then_with(|| self.diagnostic.cmp(&other.diagnostic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Fix {
        Fix::new(
            "edit",
            Span::new(start, end),
            replacement,
            Applicability::Safe,
        )
    }

    #[test]
    fn conflicting_fixes_wait_for_the_next_pass() {
        let text = "See [[Alias]] and [[Other]].\n";
        let a = edit(6, 11, "Note|Alias");
        let b = edit(8, 9, "x");
        let c = edit(20, 25, "Elsewhere");
        let (out, applied) = apply_fixes(text, &[&a, &b, &c]);
        assert_eq!(out, "See [[Note|Alias]] and [[Elsewhere]].\n");
        assert_eq!(applied, vec![0, 2]);
        // Two insertions at one point: only the first.
        let d = edit(0, 0, "\n");
        let e = edit(0, 0, "x");
        assert_eq!(apply_fixes("a", &[&d, &e]).1, vec![0]);
    }

    #[test]
    fn line_breaks_follow_the_text_and_bad_edits_are_left_out() {
        let (out, _) = apply_fixes("a\r\n| x |\r\n", &[&edit(3, 3, "\n")]);
        assert_eq!(out, "a\r\n\r\n| x |\r\n");
        let past = edit(2, 9, "");
        let split = edit(1, 2, "");
        let (out, applied) = apply_fixes("é\n", &[&past, &split]);
        assert_eq!(out, "é\n");
        assert!(applied.is_empty());
    }

    proptest::proptest! {
        /// Whatever fixes are offered, the bytes outside the applied edits are the text's own,
        /// in order, and each applied edit's replacement sits where its span was.
        #[test]
        fn bytes_outside_the_applied_edits_are_kept(
            text in "[a-c\\|\\n\\[\\]]{0,40}",
            raw in proptest::collection::vec((0usize..45, 0usize..6, "[xy\\n]{0,3}"), 0..8),
        ) {
            let fixes: Vec<Fix> = raw
                .iter()
                .map(|(start, len, r)| edit(*start, start + len, r))
                .collect();
            let refs: Vec<&Fix> = fixes.iter().collect();
            let (out, applied) = apply_fixes(&text, &refs);
            let mut edits: Vec<&Edit> = applied.iter().flat_map(|&i| &fixes[i].edits).collect();
            edits.sort_by_key(|e| (e.span.start, e.span.end));
            let mut expected = String::new();
            let mut at = 0;
            for e in &edits {
                proptest::prop_assert!(e.span.start() >= at && e.span.end() <= text.len());
                expected.push_str(&text[at..e.span.start()]);
                expected.push_str(&e.replacement);
                at = e.span.end();
            }
            expected.push_str(&text[at..]);
            proptest::prop_assert_eq!(out, expected);
        }
    }

    #[test]
    fn texts_hold_each_text_once() {
        let texts = Texts::default();
        let a = texts.get("Updated 400 days ago, limit 180");
        let b = texts.get(&format!("Updated {} days ago, limit 180", 400));
        let c = texts.get("Updated 401 days ago, limit 180");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&*c, "Updated 401 days ago, limit 180");
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
