//! `vaultlint placeholders`: the links to notes not written yet, most wanted first.

use std::io::Write;
use std::process::ExitCode;

use miette::IntoDiagnostic;

use super::{PlaceholdersArgs, default_threads, load_config, warn_skipped};
use crate::engine;
use crate::index::placeholder;
use crate::report;
use crate::rules::settings::{Overrides, Settings};

/// Runs `vaultlint placeholders`.
pub fn run(args: PlaceholdersArgs) -> miette::Result<ExitCode> {
    let root = args.path;
    let loaded = load_config(args.config.as_deref(), &root)?;
    let settings = Settings::new(loaded, &Overrides::default())?;
    let threads = default_threads();
    let (index, problems) = engine::load_index(&settings, &root, threads).into_diagnostic()?;
    warn_skipped(&problems);
    let wanted = placeholder::list(&index, |path| !settings.exclude.is_match(path));
    let text = report::placeholders::table(&wanted);
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(miette::miette!("cannot write the list: {err}"));
    }
    Ok(ExitCode::SUCCESS)
}
