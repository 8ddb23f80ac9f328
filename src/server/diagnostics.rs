//! Findings as LSP diagnostics: the rule id as `code`, `vaultlint` as `source`, the configured
//! severity, the help after the message, the other side of a conflict as related information.
//! Also the problems of notes that could not be checked, and a config that does not load.
//!
//! Does not decide which notes are checked or when (the server loop does).

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use super::documents::{Document, Encoding, Lines};
use crate::config::ConfigError;
use crate::engine::Problem;
use crate::finding::{Finding, Severity};
use crate::model::Span;

/// The rule id the problems of unreadable notes are reported under, as `check` does.
const UNREADABLE: &str = "unreadable-note";

/// The text of another note, for placing related information: its URI and text, when it can
/// be read (the buffer when it is open, else the file).
pub type Texts<'a> = dyn Fn(&str) -> Option<(Uri, String)> + 'a;

/// A finding shown in the editor, kept for the code actions asked for it.
#[derive(Debug, Clone)]
pub struct Shown {
    pub diagnostic: Diagnostic,
    /// `None` for a problem (a note that could not be checked).
    pub finding: Option<Finding>,
}

/// The diagnostic of `finding`, a finding about the open note `doc`.
pub fn of_finding(
    finding: &Finding,
    doc: &Document,
    encoding: Encoding,
    texts: &Texts<'_>,
) -> Diagnostic {
    let d = &finding.diagnostic;
    let mut message = d.message.to_string();
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.path {
                None => Location::new(doc.uri.clone(), doc.range(r.span, encoding)),
                Some(path) => {
                    let (uri, text) = texts(path)?;
                    let range = Lines::new(&text).range(&text, r.span, encoding);
                    Location::new(uri, range)
                }
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: r.label.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: doc.range(d.span, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: None,
        source: Some("vaultlint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The diagnostic of a note that could not be checked (not text, too large, or a rule that
/// failed on it): at the first bad byte when known, else at the top.
pub fn of_problem(problem: &Problem, doc: &Document, encoding: Encoding) -> Diagnostic {
    let start = problem.position.map_or(Position::new(0, 0), |at| {
        let line = at.line.saturating_sub(1);
        let offset = doc.lines.line_start(line).map_or(doc.text.len(), |start| {
            let text = doc.text.get(start..).unwrap_or("");
            start
                + text
                    .char_indices()
                    .nth(at.column.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i)
        });
        doc.position(offset, encoding)
    });
    Diagnostic {
        range: Range::new(start, start),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(UNREADABLE.to_string())),
        source: Some("vaultlint".to_string()),
        message: format!("{}\n{}", problem.message, problem.help()),
        ..Diagnostic::default()
    }
}

/// The diagnostic of a config that does not load, on the config file (`text` as read).
pub fn of_config_error(error: &ConfigError, text: &str, encoding: Encoding) -> Diagnostic {
    let lines = Lines::new(text);
    let range = error.span.map_or(Range::default(), |span| {
        let span = Span::new(span.offset(), span.offset() + span.len());
        lines.range(text, span, encoding)
    });
    let mut message = error.message.clone();
    if let Some(help) = &error.help {
        message.push('\n');
        message.push_str(help);
    }
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("config".to_string())),
        source: Some("vaultlint".to_string()),
        message,
        ..Diagnostic::default()
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::engine::ProblemKind;
    use crate::model::LineCol;

    fn doc(text: &str) -> Document {
        let uri = Uri::from_str("file:///v/Note.md").unwrap();
        Document::new(uri, Some("Note.md".to_string()), 1, text.to_string())
    }

    #[test]
    fn a_note_that_could_not_be_checked_is_a_diagnostic_at_its_bad_byte() {
        let doc = doc("# Note\n\n😀 bad here\n");
        let problem = Problem {
            path: "Note.md".to_string(),
            message: "`inconsistent-figure` failed on this note".to_string(),
            position: Some(LineCol { line: 3, column: 3 }),
            kind: ProblemKind::Internal,
        };
        let d = of_problem(&problem, &doc, Encoding::Utf16);
        assert_eq!(d.range.start, Position::new(2, 3));
        assert_eq!(d.code, Some(NumberOrString::String(UNREADABLE.to_string())));
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert!(
            d.message.starts_with("`inconsistent-figure` failed"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("This is a bug in vaultlint"),
            "{}",
            d.message
        );
        let at_top = Problem {
            position: None,
            ..problem
        };
        assert_eq!(
            of_problem(&at_top, &doc, Encoding::Utf16).range,
            Range::default()
        );
    }

    #[test]
    fn a_config_error_points_at_its_key() {
        let text = "rules:\n  broken-link: sometimes\n";
        let err = crate::config::parse(
            std::path::Path::new(".vaultlint.yaml"),
            std::sync::Arc::new(text.to_string()),
        )
        .and_then(|loaded| {
            crate::rules::settings::Settings::new(loaded, &Default::default()).map(|_| ())
        })
        .unwrap_err();
        let d = of_config_error(&err, text, Encoding::Utf16);
        assert_eq!(d.range.start.line, 1, "{d:?}");
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
    }
}
