//! `vaultlint server`: the language server on stdin and stdout (`crate::server`), until the
//! editor says `exit`; exit code 2 when the connection fails.

use std::process::ExitCode;

use super::{ServerArgs, default_threads, error_chain};
use crate::server::{self, Options};

/// Runs `vaultlint server`.
pub fn run(args: &ServerArgs) -> miette::Result<ExitCode> {
    let threads = args.threads.unwrap_or_else(default_threads);
    server::run_stdio(Options { threads }).map_err(|e| error_chain(&e))?;
    Ok(ExitCode::SUCCESS)
}
