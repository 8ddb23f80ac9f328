//! The commands of the `vaultlint` binary: the arguments ([`args`]) and one file per command
//! (`check`, `report`, `baseline`, `placeholders`, `rules`, `explain`, `schema infer`,
//! `server`), and the
//! progress bar of `check` and `report` (`progress.rs`). Each command
//! turns its arguments into settings, runs the engine or the part of it it needs, and hands
//! the result to the report; `main.rs` only parses the arguments and dispatches.
//!
//! The top layer: nothing else in the library imports it. Besides `report/`, the only place
//! that writes to the terminal (warnings and notes on stderr, the output of `rules`,
//! `explain`, `placeholders` and `schema infer` on stdout), and the only one that returns
//! `miette` reports, which `main.rs` renders.

// The commands are where output belongs: printing is allowed here, in `report/` and in
// `main.rs` only.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::{self, LoadedConfig};
use crate::engine;
use crate::rules::settings::{self, Overrides, Settings};
use crate::vault::changes::Changes;
use crate::vault::targets::{self, Targets};

pub mod args;
pub mod baseline;
pub mod check;
pub mod explain;
pub mod fix;
pub mod placeholders;
pub mod progress;
pub mod report;
pub mod rules;
pub mod schema;
pub mod server;

pub use args::{
    BaselineArgs, CheckArgs, Cli, ColorChoice, Command, InferArgs, PlaceholdersArgs, ReportArgs,
    ReportFormat, SchemaCommand, ServerArgs,
};

/// An error with its causes, one after another.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> miette::Report {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    miette::miette!("{message}")
}

/// The config at `given`, else `.vaultlint.yaml` at the vault root, else the defaults.
pub(crate) fn load_config(given: Option<&Path>, root: &Path) -> miette::Result<LoadedConfig> {
    let found = root.join(".vaultlint.yaml");
    let path = given
        .map(Path::to_path_buf)
        .or_else(|| found.is_file().then_some(found));
    Ok(match path {
        Some(path) => config::load(&path)?,
        None => LoadedConfig::defaults(),
    })
}

/// What `check` and `report` are asked to look at: the same options, read the same way.
pub(crate) struct Scope<'a> {
    pub paths: &'a [PathBuf],
    pub vault: Option<&'a Path>,
    pub config: Option<&'a Path>,
    pub today: Option<Date>,
    pub select: &'a Option<Vec<String>>,
    pub ignore: &'a [String],
    pub changed_since: Option<&'a str>,
}

/// The notes and the settings a `check` or a `report` runs with: rule names checked, the
/// targets resolved (saying which paths are not notes), the config loaded and overridden from
/// the command line, and with `--changed-since`, what changed since the revision.
pub(crate) fn scope(scope: &Scope<'_>) -> miette::Result<(Targets, Settings)> {
    let ignore = scope.ignore.to_vec();
    for list in [
        scope.select.iter().flatten().collect::<Vec<_>>(),
        ignore.iter().collect(),
    ] {
        if let Some(bad) = settings::unknown_rule(list) {
            return Err(miette::miette!(
                help = format!("Known rules: {}", settings::known_rules()),
                "Unknown rule `{bad}` in --select or --ignore"
            ));
        }
    }
    if let Some(id) = settings::always_on_rule(&ignore) {
        return Err(miette::miette!(
            help =
                "A note that cannot be read is always reported (exit 2); exclude the file instead",
            "`{id}` cannot be ignored"
        ));
    }
    let targets = targets::resolve(scope.paths, scope.vault).map_err(|e| miette::miette!("{e}"))?;
    for p in &targets.ignored {
        eprintln!("vaultlint: skipping `{}`: not a note (.md)", p.display());
    }
    let loaded = load_config(scope.config, &targets.root)?;
    let overrides = Overrides {
        today: scope.today,
        select: scope.select.clone(),
        ignore,
    };
    let mut settings = Settings::new(loaded, &overrides)?;
    if let Some(rev) = scope.changed_since {
        let bumped = settings
            .rules
            .iter()
            .any(|a| a.meta.id == "date-not-bumped");
        let changes = Changes::collect(&targets.root, rev, &settings.parse, bumped)
            .map_err(|e| miette::miette!("{e}"))?;
        settings.changes = Some(changes);
    }
    Ok((targets, settings))
}

/// One worker per core.
pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Says on stderr which notes a command that runs no rule could not read.
pub(crate) fn warn_skipped(problems: &[engine::Problem]) {
    for p in problems {
        eprintln!(
            "vaultlint: skipping `{}`: {}",
            crate::report::neutralise_line(&p.path),
            crate::report::neutralise_line(&p.message)
        );
    }
}
