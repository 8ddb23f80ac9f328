//! Findings: what a rule reports (a [`Diagnostic`]) and what the engine makes of it (a
//! [`Finding`], stamped with rule id, severity and path).
//!
//! Findings hold byte spans only; line and column are computed when they are rendered.

use std::sync::Arc;

use serde::Serialize;

use crate::model::Span;

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
    /// What is wrong, sentence case, user text in backticks.
    pub message: String,
    /// A short noun phrase shown on the span.
    pub label: String,
    /// What to do about it. Shared: a rule that gives every note the same advice (stale
    /// dates, on most notes of a neglected vault) holds it once.
    pub help: Option<Arc<str>>,
    pub related: Vec<Related>,
    /// A link to a note not written yet (`broken-link` with `placeholders: warn`): the engine
    /// reports it as a warning at most, whatever the rule's severity.
    pub is_placeholder: bool,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            label: label.into(),
            help: None,
            related: Vec::new(),
            is_placeholder: false,
        }
    }

    /// Marks a link to a note not written yet (see [`Diagnostic::is_placeholder`]).
    pub fn as_placeholder(mut self) -> Self {
        self.is_placeholder = true;
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

/// A diagnostic stamped by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Vault-relative, `/`-separated. Shared with the note's model.
    pub path: Arc<str>,
    pub diagnostic: Diagnostic,
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
