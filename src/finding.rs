//! Findings: what a rule reports (a [`Diagnostic`]) and what the engine makes of it (a
//! [`Finding`], stamped with rule id, severity and path).
//!
//! Findings hold byte spans; line and column are computed when they are rendered, or by the
//! engine while the note's text is still in memory (see [`Finding::at`]).

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
    /// How to fix it, when the rule knows: carried as data for the commands that apply or
    /// offer fixes; no report prints it.
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
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
            applicability,
        }
    }

    /// Whether it can be applied without a person looking at it.
    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
