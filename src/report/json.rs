//! `--format json`: one JSON object on stdout, exactly as the contract pins it.

use std::io::{self, Write};

use serde::Serialize;

use super::baseline::Outcome;
use super::stats::Statistics;
use super::{Entry, Extras, FIRST, Positions, counts, entries};
use crate::engine::Run;
use crate::finding::Severity;
use crate::rules::unreadable_note;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Row<'a>>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    /// How `check --fix` repairs it, if it can (an addition to version 1).
    fix: Option<FixRow<'a>>,
}

#[derive(Serialize)]
struct FixRow<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<EditRow<'a>>,
}

/// One edit: the text from `line:column` to `end_line:end_column` (exclusive) becomes
/// `content`.
#[derive(Serialize)]
struct EditRow<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    notes: usize,
    errors: usize,
    warnings: usize,
    /// With `check --baseline` (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Outcome>,
    /// With `check --statistics` (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<&'a Statistics>,
    /// With `check --fix`: how many findings were fixed (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<usize>,
}

pub fn write(
    out: &mut dyn Write,
    run: &Run,
    extras: &Extras,
    positions: &Positions,
) -> io::Result<()> {
    let diagnostics = entries(run, positions)
        .into_iter()
        .map(|entry| match entry {
            Entry::Finding(i, f) => {
                let (start, end) = positions.of(i);
                Row {
                    rule: f.rule,
                    severity: f.severity.as_str(),
                    path: &f.path,
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    message: &f.diagnostic.message,
                    help: f.diagnostic.help.as_deref(),
                    fix: f.diagnostic.fix.as_deref().map(|fix| FixRow {
                        applicability: if fix.is_safe() { "safe" } else { "unsafe" },
                        message: &fix.message,
                        edits: fix
                            .edits
                            .iter()
                            .zip(positions.edits(i))
                            .map(|(e, (start, end))| EditRow {
                                line: start.line,
                                column: start.column,
                                end_line: end.line,
                                end_column: end.column,
                                content: &e.replacement,
                            })
                            .collect(),
                    }),
                }
            }
            Entry::Problem(p) => {
                let at = p.position.unwrap_or(FIRST);
                Row {
                    rule: unreadable_note::ID,
                    severity: Severity::Error.as_str(),
                    path: &p.path,
                    line: at.line,
                    column: at.column,
                    end_line: at.line,
                    end_column: at.column,
                    message: &p.message,
                    help: Some(p.help()),
                    fix: None,
                }
            }
        })
        .collect();
    let c = counts(run);
    let doc = Document {
        version: 1,
        diagnostics,
        summary: Summary {
            notes: run.notes_checked,
            errors: c.errors,
            warnings: c.warnings,
            baseline: extras.baseline,
            statistics: extras.statistics.as_ref(),
            fixed: extras.fixed.map(|f| f.findings),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
