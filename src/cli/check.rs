//! `vaultlint check`: check a vault, or some notes of it, and report the findings; exit code
//! 0 (clean), 1 (errors found, or more warnings than `--max-warnings`) or 2 (a note could
//! not be checked).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use miette::IntoDiagnostic;

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
    let progress = Progress::new(args.quiet);
    let session = Session::open_observed(settings, &request, &progress).into_diagnostic()?;
    progress.checking();
    let (run, settings) = session.finish(Selection::Targets(&targets));
    progress.finish();
    let mut extras = Extras::default();
    let run = match &args.baseline {
        Some(file) => {
            let recorded = Baseline::load(file).map_err(|e| error_chain(&e))?;
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
    Ok(if !run.problems.is_empty() {
        ExitCode::from(2)
    } else if counts.errors > 0 || too_many_warnings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// True when this run could have found a baseline entry for `rule` in the note at `path`.
fn in_scope(settings: &Settings, targets: &Targets, path: &str, rule: &str) -> bool {
    targets.selects(path) && !settings.exclude.is_match(path) && settings.is_on_for(rule, path)
}
