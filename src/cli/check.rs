//! `vaultlint check`: check a vault, or some notes of it, and report the findings; exit code
//! 0 (clean), 1 (errors found, or more warnings than `--max-warnings`) or 2 (a note could
//! not be checked).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use miette::IntoDiagnostic;

use super::fix::{self, FixOptions};
use super::progress::Progress;
use super::{CheckArgs, ColorChoice, Scope, default_threads, error_chain};
use crate::engine::{Observer, Request, Selection, Session};
use crate::report::baseline::Baseline;
use crate::report::stats;
use crate::report::{self, Extras, Format, HumanOptions};
use crate::rules::settings::Settings;
use crate::vault::targets::Targets;

/// Runs `vaultlint check`.
pub fn run(args: CheckArgs) -> miette::Result<ExitCode> {
    let (targets, settings) = super::scope(&Scope {
        paths: &args.paths,
        vault: args.vault.as_deref(),
        config: args.config.as_deref(),
        today: args.today,
        select: &args.select,
        ignore: &args.ignore,
        changed_since: args.changed_since.as_deref(),
    })?;
    let threads = args.threads.unwrap_or_else(default_threads);
    let request = Request {
        targets: targets.clone(),
        threads,
        time_rules: args.statistics,
    };
    let recorded = match &args.baseline {
        Some(file) => Some(Baseline::load(file).map_err(|e| error_chain(&e))?),
        None => None,
    };
    let progress = Progress::new(args.quiet || args.diff);
    let mut session = Session::open_observed(settings, &request, &progress).into_diagnostic()?;
    progress.checking();
    let mut extras = Extras::default();
    let mut refused = false;
    if args.fix || args.diff {
        let options = FixOptions {
            unsafe_fixes: args.unsafe_fixes,
        };
        let held_back = |settings: &Settings,
                         findings: &[crate::finding::Finding]|
         -> Vec<crate::finding::Finding> {
            let Some(recorded) = &recorded else {
                return Vec::new();
            };
            let sources = report::Sources::new(&targets.root);
            let run = crate::engine::Run {
                findings: findings.to_vec(),
                ..crate::engine::Run::default()
            };
            let (kept, _) = recorded.filter(run, &sources, |path, rule| {
                in_scope(settings, &targets, path, rule)
            });
            let kept: std::collections::HashSet<_> = kept
                .findings
                .iter()
                .map(|f| (f.path.clone(), f.rule, f.diagnostic.span))
                .collect();
            findings
                .iter()
                .filter(|f| !kept.contains(&(f.path.clone(), f.rule, f.diagnostic.span)))
                .cloned()
                .collect()
        };
        let outcome = fix::apply(&mut session, &targets, options, &held_back);
        if args.diff {
            progress.finish();
            return print_diff(&outcome);
        }
        let not_written = fix::write(&targets.root, &outcome.changed, &|_| {});
        let mut fixed = outcome.fixed;
        for (path, err) in &not_written {
            refused = true;
            eprintln!("vaultlint: `{}`: {err}", report::neutralise_line(path));
            if let Some(changed) = outcome.changed.iter().find(|c| &c.path == path) {
                fixed -= changed.fixed;
            }
            // Check the note as it is on disk, not as the fixes left it in memory.
            let on_disk = crate::vault::read::read_note(
                &targets.root.join(path),
                crate::vault::read::MAX_NOTE_BYTES,
            )
            .ok()
            .and_then(|b| crate::vault::read::decode(b).ok());
            if let Some(text) = on_disk {
                let _ = session.update(path, &text);
            }
        }
        extras.fixed = Some(report::Fixed {
            findings: fixed,
            unsafe_fixes: args.unsafe_fixes,
        });
    }
    let (run, settings) = session.finish(Selection::Targets(&targets));
    progress.finish();
    let run = match &recorded {
        Some(recorded) => {
            let sources = report::Sources::new(&targets.root);
            let (run, outcome) = recorded.filter(run, &sources, |path, rule| {
                in_scope(&settings, &targets, path, rule)
            });
            extras.baseline = Some(outcome);
            run
        }
        None => run,
    };
    if args.statistics {
        extras.statistics = Some(stats::compute(&run));
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let human = HumanOptions {
        color,
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = report::write(
        &mut out,
        args.format,
        &targets.root,
        &run,
        &extras,
        human,
        threads,
    )
    .and_then(|()| out.flush());
    if let Err(err) = written
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(miette::miette!("cannot write the report: {err}"));
    }
    if args.format == Format::Human && args.quiet && !run.problems.is_empty() {
        for p in &run.problems {
            eprintln!(
                "vaultlint: {}: {}",
                report::neutralise_line(&p.path),
                report::neutralise_line(&p.message)
            );
        }
    }

    if let Some(outcome) = extras.baseline
        && outcome.fixed > 0
        && args.format == Format::Human
    {
        eprintln!(
            "vaultlint: {} fixed since the baseline: run `vaultlint baseline --prune`",
            outcome.fixed
        );
    }

    let counts = report::counts(&run);
    let too_many_warnings = args.max_warnings.is_some_and(|max| counts.warnings > max);
    if too_many_warnings {
        eprintln!(
            "vaultlint: {} warnings, more than --max-warnings {}",
            counts.warnings,
            args.max_warnings.unwrap_or_default()
        );
    }
    // What `--fix` did, for the other formats (the human one ends with it).
    if extras.fixed.is_some()
        && args.format != Format::Human
        && let Some(line) = report::fix_line(&run, extras.fixed)
    {
        eprintln!("vaultlint: {line}");
    }
    Ok(if !run.problems.is_empty() || refused {
        ExitCode::from(2)
    } else if counts.errors > 0 || too_many_warnings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `check --diff`: the diff on stdout, what it would fix on stderr; exit 1 when the diff is
/// not empty.
fn print_diff(outcome: &fix::Outcome) -> miette::Result<ExitCode> {
    let diff = fix::diff(&outcome.changed);
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(diff.as_bytes()).and_then(|()| out.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(miette::miette!("cannot write the diff: {err}"));
    }
    let findings = if outcome.fixed == 1 {
        "finding"
    } else {
        "findings"
    };
    let notes = if outcome.changed.len() == 1 {
        "note"
    } else {
        "notes"
    };
    eprintln!(
        "vaultlint: --fix would fix {} {findings} in {} {notes}",
        outcome.fixed,
        outcome.changed.len()
    );
    Ok(if diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// True when this run could have found a baseline entry for `rule` in the note at `path`.
fn in_scope(settings: &Settings, targets: &Targets, path: &str, rule: &str) -> bool {
    targets.selects(path) && !settings.exclude.is_match(path) && settings.is_on_for(rule, path)
}
