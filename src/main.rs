//! The `vaultlint` binary: arguments in, report out, exit code 0 (clean), 1 (errors found) or
//! 2 (usage, config or I/O failure).

// The binary is where output belongs: printing is allowed here and in `report/` only.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use miette::IntoDiagnostic;

use vaultlint::cli::{CheckArgs, Cli, ColorChoice, Command};
use vaultlint::config::{self, LoadedConfig};
use vaultlint::engine::{self, Request};
use vaultlint::report::{self, Format, HumanOptions};
use vaultlint::rules;
use vaultlint::settings::{self, Overrides, Settings};
use vaultlint::targets;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
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

fn check(args: CheckArgs) -> miette::Result<ExitCode> {
    for list in [
        args.select.iter().flatten().collect::<Vec<_>>(),
        args.ignore.iter().collect(),
    ] {
        if let Some(bad) = settings::unknown_rule(list) {
            return Err(miette::miette!(
                help = format!("Known rules: {}", settings::known_rules()),
                "Unknown rule `{bad}` in --select or --ignore"
            ));
        }
    }
    if let Some(id) = settings::always_on_rule(&args.ignore) {
        return Err(miette::miette!(
            help =
                "A note that cannot be read is always reported (exit 2); exclude the file instead",
            "`{id}` cannot be ignored"
        ));
    }
    let targets =
        targets::resolve(&args.paths, args.vault.as_deref()).map_err(|e| miette::miette!("{e}"))?;
    for p in &targets.ignored {
        eprintln!("vaultlint: skipping `{}`: not a note (.md)", p.display());
    }
    let config_path = args
        .config
        .clone()
        .or_else(|| Some(targets.root.join(".vaultlint.yaml")).filter(|p| p.is_file()));
    let loaded = match &config_path {
        Some(path) => config::load(path)?,
        None => LoadedConfig::defaults(),
    };
    let overrides = Overrides {
        today: args.today,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let settings = Settings::new(loaded, &overrides)?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let request = Request {
        targets: targets.clone(),
        threads,
    };
    let run = engine::run(&settings, &request).into_diagnostic()?;

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
    let written =
        report::write(&mut out, args.format, &targets.root, &run, human).and_then(|()| out.flush());
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

    let counts = report::counts(&run);
    Ok(if !run.problems.is_empty() {
        ExitCode::from(2)
    } else if counts.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules() -> miette::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let width = rules::REGISTRY
        .iter()
        .map(|m| m.id.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "{:width$}  {:8}  summary", "rule", "default");
    for meta in rules::REGISTRY {
        let _ = writeln!(
            out,
            "{:width$}  {:8}  {}",
            meta.id,
            meta.default_severity.as_str(),
            meta.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: &str) -> miette::Result<ExitCode> {
    let Some(meta) = rules::find(rule) else {
        return Err(miette::miette!(
            help = format!("Known rules: {}", settings::known_rules()),
            "Unknown rule `{rule}`"
        ));
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(meta.doc.as_bytes());
    Ok(ExitCode::SUCCESS)
}
