//! The commands of the `vaultlint` binary: the arguments ([`args`]) and one file per command
//! (`check`, `report`, `baseline`, `placeholders`, `rules`, `explain`, `schema infer`), and the
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

use std::path::Path;

use crate::config::{self, LoadedConfig};
use crate::engine;

pub mod args;
pub mod baseline;
pub mod check;
pub mod explain;
pub mod placeholders;
pub mod progress;
pub mod report;
pub mod rules;
pub mod schema;

pub use args::{
    BaselineArgs, CheckArgs, Cli, ColorChoice, Command, InferArgs, PlaceholdersArgs, ReportArgs,
    ReportFormat, SchemaCommand,
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
