//! Human output: rustc-style reports through miette, then one summary line.
//!
//! Each finding shows `path:line:col`, the source line with a labelled span, the rule id and a
//! help line. A second place (the other figure of a conflict, say) is a second label, or a
//! related report when it is in another note. Note text is neutralised first: a note cannot
//! send escape sequences to the reader's terminal.

use std::fmt;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::snippet::Snippet;
use super::{
    Extras, FIRST, HumanOptions, Pool, Recent, Sources, counts, fix_line, neutralise_line,
    problem_slots, render_in_order, stats,
};
use crate::engine::{Problem, Run};
use crate::finding::{Finding, Severity};
use crate::model::Span;
use crate::rules::unreadable_note;

pub fn write(
    out: &mut dyn Write,
    run: &Run,
    extras: &Extras,
    root: &Path,
    options: HumanOptions,
    pool: &Pool,
) -> io::Result<()> {
    if !options.quiet {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(110)
            .with_links(false)
            .with_context_lines(1);
        // Every thread shares the notes read and one cache of their neutralised texts: a
        // note is read once, and neutralised once while its findings are rendered.
        let sources = Sources::for_findings(root, &run.findings);
        let shown = Recent::<Option<Arc<Snippet>>>::default();
        let init = || (&sources, &shown);
        let render_one = |(sources, shown): &mut (&Sources, &Recent<Option<Arc<Snippet>>>),
                          finding: &Finding| {
            let mut text_of = |path: &str| -> Option<Arc<Snippet>> {
                shown.get_or_insert_with(path, || {
                    sources.get(path).map(|s| Arc::new(Snippet::new(s)))
                })
            };
            let rendered = render(&handler, &build(finding, &mut text_of, sources));
            sources.done(finding);
            rendered
        };
        let start_of = |i: usize| run.findings.get(i).map(|f| sources.place(f).0);
        let mut problems = problem_slots(run, |i| start_of(i).unwrap_or(FIRST))
            .into_iter()
            .peekable();
        let mut next = 0;
        render_in_order(pool, &run.findings, init, render_one, |text| {
            while let Some((_, p)) = problems.next_if(|(slot, _)| *slot == next) {
                out.write_all(render(&handler, &problem_report(p)).as_bytes())?;
            }
            next += 1;
            out.write_all(text.as_bytes())
        })?;
        for (_, p) in problems {
            out.write_all(render(&handler, &problem_report(p)).as_bytes())?;
        }
        if options.verbose {
            for (path, why) in &run.skipped {
                writeln!(
                    out,
                    "skipped {}: {}",
                    neutralise_line(path),
                    neutralise_line(why)
                )?;
            }
        }
    }
    if let Some(statistics) = &extras.statistics {
        out.write_all(stats::table(statistics).as_bytes())?;
    }
    writeln!(out, "{}", summary(run))?;
    match fix_line(run, extras.fixed) {
        Some(line) => writeln!(out, "{line}"),
        None => Ok(()),
    }
}

/// `3 errors, 5 warnings in 42 notes`.
pub fn summary(run: &Run) -> String {
    let c = counts(run);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = format!(
        "{}, {} in {}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(run.notes_checked, "note")
    );
    if !run.problems.is_empty() {
        line.push_str(&format!(
            " ({} could not be checked)",
            plural(run.problems.len(), "note")
        ));
    }
    line
}

/// A finding as a miette diagnostic.
#[derive(Debug)]
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<Snippet>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

/// Longest line (in bytes) a snippet shows, and most lines it spans. Past them (a 1 MB line, a
/// 10,000-column table row) the finding is reported by position alone: such a snippet helps
/// nobody, and miette panics on columns past 65,535.
const MAX_SHOWN_LINE_BYTES: usize = 1000;
const MAX_SHOWN_LINES: usize = 100;

/// Renders one report; plain text if miette fails (or panics) on it.
fn render(handler: &GraphicalReportHandler, report: &Report) -> String {
    let mut rendered = String::new();
    let ok = catch_unwind(AssertUnwindSafe(|| {
        handler.render_report(&mut rendered, report)
    }));
    if !matches!(ok, Ok(Ok(()))) {
        rendered = format!("{}: {}\n", report.code, report.message);
    }
    rendered
}

/// Whether the lines around `spans` in the note at `path` are small enough to show.
fn shows(sources: &Sources, path: &str, spans: &[Span]) -> bool {
    let Some(s) = sources.get(path) else {
        return false;
    };
    spans.iter().all(|span| {
        let first = s.line_col(span.start()).line.saturating_sub(1).max(1);
        let last = (s.line_col(span.end()).line + 1).min(s.lines.line_count());
        last.saturating_sub(first) <= MAX_SHOWN_LINES
            && (first..=last).all(|line| {
                let start = s.lines.line_start(line).unwrap_or(0);
                let end = s.lines.line_start(line + 1).unwrap_or(s.text.len());
                end.saturating_sub(start) <= MAX_SHOWN_LINE_BYTES
            })
    })
}

/// `path:line:col: ` for a report shown without its snippet.
fn place(sources: &Sources, path: &str, span: Span) -> String {
    let (at, _) = sources.range(path, span);
    format!("{}:{}:{}: ", neutralise_line(path), at.line, at.column)
}

fn build(
    finding: &Finding,
    text_of: &mut dyn FnMut(&str) -> Option<Arc<Snippet>>,
    sources: &Sources,
) -> Report {
    let d = &finding.diagnostic;
    let own: Vec<Span> = std::iter::once(d.span)
        .chain(
            d.related
                .iter()
                .filter(|r| r.path.is_none())
                .map(|r| r.span),
        )
        .collect();
    let text = text_of(&finding.path).filter(|_| shows(sources, &finding.path, &own));
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some(t) = &text {
        labels.push(label(&d.label, d.span, t.text(), true));
        for r in &d.related {
            match &r.path {
                None => labels.push(label(&r.label, r.span, t.text(), false)),
                Some(other) => {
                    let other_text = text_of(other).filter(|_| shows(sources, other, &[r.span]));
                    let message = match other_text {
                        Some(_) => format!(
                            "{} (in `{}`)",
                            neutralise_line(&r.label),
                            neutralise_line(other)
                        ),
                        None => format!(
                            "{}{}",
                            place(sources, other, r.span),
                            neutralise_line(&r.label)
                        ),
                    };
                    related.push(Report {
                        message,
                        code: String::new(),
                        severity: miette::Severity::Advice,
                        help: None,
                        labels: other_text
                            .as_ref()
                            .map(|ot| vec![label(&r.label, r.span, ot.text(), true)])
                            .unwrap_or_default(),
                        source: other_text.map(|ot| NamedSource::new(neutralise_line(other), ot)),
                        related: Vec::new(),
                    });
                }
            }
        }
    }
    let message = match &text {
        Some(_) => neutralise_line(&d.message),
        None => format!(
            "{}{} ({})",
            place(sources, &finding.path, d.span),
            neutralise_line(&d.message),
            neutralise_line(&d.label)
        ),
    };
    Report {
        message,
        // `[*]`: `check --fix` repairs it (as ruff marks its fixable findings).
        code: match &d.fix {
            Some(fix) if fix.is_safe() => format!("{} [*]", finding.rule),
            _ => finding.rule.to_string(),
        },
        severity: match finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: d.help.as_deref().map(neutralise_line),
        source: text.map(|t| NamedSource::new(neutralise_line(&finding.path), t)),
        labels,
        related,
    }
}

/// A note that could not be checked: `path:line:col: why`, no source to show.
fn problem_report(problem: &Problem) -> Report {
    let place = match (problem.path.as_str(), problem.position) {
        ("", _) => String::new(),
        (path, None) => format!("{}: ", neutralise_line(path)),
        (path, Some(at)) => format!("{}:{}:{}: ", neutralise_line(path), at.line, at.column),
    };
    Report {
        message: format!("{place}{}", neutralise_line(&problem.message)),
        code: unreadable_note::ID.to_string(),
        severity: miette::Severity::Error,
        help: Some(problem.help().to_string()),
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    }
}

/// A label on `span`; an empty span is widened to the character under it so the caret shows.
fn label(text: &str, span: Span, source: &str, primary: bool) -> LabeledSpan {
    let start = span.start().min(source.len());
    let mut end = span.end().min(source.len()).max(start);
    if end == start {
        end = source
            .get(start..)
            .and_then(|r| r.chars().next())
            .filter(|c| *c != '\n')
            .map_or(start, |c| start + c.len_utf8());
    }
    let span = SourceSpan::from(start..end);
    let text = Some(neutralise_line(text));
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.code.is_empty() {
            None
        } else {
            Some(Box::new(&self.code))
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}
