//! `vaultlint baseline`: record today's findings so that `check --baseline` reports only new
//! ones; `--prune` drops the recorded findings that are gone.

use std::process::ExitCode;

use miette::IntoDiagnostic;

use super::{BaselineArgs, default_threads, error_chain, load_config};
use crate::engine::{Request, Selection, Session};
use crate::report;
use crate::report::baseline::{self, Baseline};
use crate::rules::settings::{Overrides, Settings};
use crate::vault::targets;

/// `vaultlint baseline`: the one command that writes a file, into the vault root unless
/// `--output` says otherwise.
pub fn run(args: BaselineArgs) -> miette::Result<ExitCode> {
    let targets = targets::resolve(&[args.path], None).map_err(|e| miette::miette!("{e}"))?;
    let loaded = load_config(args.config.as_deref(), &targets.root)?;
    let overrides = Overrides {
        today: args.today,
        ..Overrides::default()
    };
    let settings = Settings::new(loaded, &overrides)?;
    let threads = args.threads.unwrap_or_else(default_threads);
    let request = Request {
        targets: targets.clone(),
        threads,
        time_rules: false,
    };
    let session = Session::open_for(settings, &request).into_diagnostic()?;
    let (run, _) = session.finish(Selection::Targets(&targets));
    let sources = report::Sources::new(&targets.root);
    let current = Baseline::from_findings(&run.findings, &sources);
    let output = args
        .output
        .unwrap_or_else(|| targets.root.join(baseline::DEFAULT_FILE));
    let shown = report::neutralise_line(&output.display().to_string());
    if args.prune {
        let recorded = Baseline::load(&output).map_err(|e| error_chain(&e))?;
        let kept = recorded.prune(&current);
        kept.save(&output).map_err(|e| error_chain(&e))?;
        eprintln!(
            "vaultlint: pruned {} from `{shown}`; {} remain",
            findings(recorded.findings().saturating_sub(kept.findings())),
            kept.findings()
        );
    } else {
        current.save(&output).map_err(|e| error_chain(&e))?;
        eprintln!(
            "vaultlint: recorded {} in `{shown}`; `vaultlint check --baseline {shown}` now reports only new ones",
            findings(current.findings())
        );
    }
    for p in &run.problems {
        eprintln!(
            "vaultlint: {}: {} (not checked, not in the baseline)",
            report::neutralise_line(&p.path),
            report::neutralise_line(&p.message)
        );
    }
    Ok(if run.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `1 finding`, `2 findings`.
fn findings(n: usize) -> String {
    if n == 1 {
        "1 finding".to_string()
    } else {
        format!("{n} findings")
    }
}
