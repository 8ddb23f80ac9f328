//! `vaultlint report`: the health of a vault on one HTML page, or as JSON. Selects notes and
//! rules as `check` does, runs the same check (gathering what the page needs of each note as
//! it is read), and writes the report; exit code 0 once it is written, 2 if it could not be.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use miette::IntoDiagnostic;

use super::progress::Progress;
use super::{ReportArgs, ReportFormat, Scope, default_threads, error_chain};
use crate::engine::{Observer, Request, Selection, Session};
use crate::report::baseline::Baseline;
use crate::report::facts::Collector;
use crate::report::health::{self, Inputs};
use crate::report::{self, html};
use crate::rules::settings::Settings;
use crate::vault::targets::Targets;

/// Runs `vaultlint report`.
pub fn run(args: ReportArgs) -> miette::Result<ExitCode> {
    let (targets, settings) = super::scope(&Scope {
        paths: &args.paths,
        vault: args.vault.as_deref(),
        config: args.config.as_deref(),
        today: args.today,
        select: &args.select,
        ignore: &args.ignore,
        changed_since: args.changed_since.as_deref(),
    })?;
    let request = Request {
        targets: targets.clone(),
        threads: args.threads.unwrap_or_else(default_threads),
        time_rules: false,
    };
    let progress = Progress::new(args.quiet);
    let collector = Collector::new(Some(&progress));
    let session = Session::open_observed(settings, &request, &collector).into_diagnostic()?;
    collector.checking();
    let (run, settings) = session.finish(Selection::Targets(&targets));
    progress.finish();
    let (facts, attachments) = collector.finish();
    let sources = report::Sources::new(&targets.root);
    let (run, baseline) = match &args.baseline {
        Some(file) => {
            let recorded = Baseline::load(file).map_err(|e| error_chain(&e))?;
            let (run, outcome) = recorded.filter(run, &sources, |path, rule| {
                in_scope(&settings, &targets, path, rule)
            });
            (run, Some(outcome))
        }
        None => (run, None),
    };
    let health = health::compute(&Inputs {
        vault: vault_name(&targets.root),
        settings: &settings,
        run: &run,
        facts: &facts,
        attachments,
        baseline,
        sources: &sources,
    });
    let text = match args.format {
        ReportFormat::Json => {
            let mut json = serde_json::to_string_pretty(&health).into_diagnostic()?;
            json.push('\n');
            json
        }
        ReportFormat::Html => {
            let cwd = std::env::current_dir().into_diagnostic()?;
            let base = match &args.output {
                Some(page) => html::base_href(page, &targets.root, &cwd),
                None => html::base_href(Path::new("report.html"), &targets.root, &cwd),
            };
            html::render(&health, &base)
                .map_err(|e| miette::miette!("cannot draw the report: {e}"))?
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| {
                miette::miette!("cannot write the report to `{}`: {e}", path.display())
            })?;
            if !args.quiet {
                eprintln!(
                    "vaultlint: wrote the report of {} notes to {}",
                    health.summary.notes,
                    path.display()
                );
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
                && err.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(miette::miette!("cannot write the report: {err}"));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The vault folder's own name (`.` resolved), for the page's title.
fn vault_name(root: &Path) -> String {
    let named = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    named.file_name().map_or_else(
        || named.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// True when this run could have found a baseline entry for `rule` in the note at `path`.
fn in_scope(settings: &Settings, targets: &Targets, path: &str, rule: &str) -> bool {
    targets.selects(path) && !settings.exclude.is_match(path) && settings.is_on_for(rule, path)
}
