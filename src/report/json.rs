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
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
