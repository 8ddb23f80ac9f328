//! The `vaultlint` binary: parses the arguments, runs the command (`vaultlint::cli`), and
//! exits 0 (clean), 1 (errors found, or more warnings than `--max-warnings`) or 2 (usage,
//! config or I/O failure).

// The binary is where output belongs: printing is allowed here, in `cli/` and in `report/` only.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;

use vaultlint::cli::{self, Cli, Command, SchemaCommand};

/// Parsing a vault allocates many small, short-lived strings on every worker thread; mimalloc's
/// per-thread free lists serve them faster than the system allocator. Its v2 line keeps peak
/// memory on a 100,000-note vault near the system allocator's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    let result = match command {
        Command::Check(args) => cli::check::run(args),
        Command::Report(args) => cli::report::run(args),
        Command::Rules => cli::rules::run(),
        Command::Explain { rule } => cli::explain::run(&rule),
        Command::Baseline(args) => cli::baseline::run(args),
        Command::Placeholders(args) => cli::placeholders::run(args),
        Command::Server(args) => cli::server::run(&args),
        Command::Schema {
            command: SchemaCommand::Infer(args),
        } => cli::schema::infer(args),
    };
    match result {
        Ok(code) => code,
        Err(report) => {
            // The graphical renderer must not turn a config error into a crash.
            let rendered =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| format!("{report:?}")))
                    .unwrap_or_else(|_| format!("Error: {report}"));
            eprintln!("{rendered}");
            ExitCode::from(2)
        }
    }
}
